"""FHIR: the five real bundles of shared/fhir-samples read as a person reads them, and
hand-made files (tests/data/fhir-*) for every rule and edge case."""

import json
from datetime import date

import pytest
from conftest import DATA, ROOT, TODAY
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.clinical.analysis import analyse
from albutrend.notices import KINDS
from albutrend.reading.records import ReadOptions, Records
from albutrend.reading.sources import read_sources

# Beside the checkout, as CI lays it out: ../shared/fhir-samples.
SAMPLES = ROOT.parent / "shared" / "fhir-samples"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the real FHIR samples are not beside the repo ({SAMPLES})"
)
RENATO = "R4_SYNTHEA_Renato_Dare_f07e9b1d-9cc7-465e-8abc-94e84793d1fb.json"
MORRIS = "R4_SYNTHEA_Morris_Lockman_cd9e9826-aea1-4682-adc0-c1d97633bf31.json"
VITO = "R4_SYNTHEA_Vito_Feeney_63dd4423-56ec-4f40-9dd6-82bc133aaddc.json"
SMART_8888802 = "STU-3_SMART_patient-8888802.fhir-bundle.json"
SMART_1869612 = "STU-3_SMART_patient-1869612.fhir-bundle.json"

runner = CliRunner()


def read(path, **options) -> Records:
    return read_sources([str(path)], ReadOptions(today=TODAY, **options))


def readings(records: Records):
    return [
        (r.date.isoformat(), r.measurement.censor, r.measurement.value, str(r.measurement.unit))
        for r in records.readings
    ]


def said(records: Records):
    """What stderr says about the reading (not the quiet notices)."""
    return [str(n) for n in records.notices() if not KINDS[n.kind].quiet]


def quiet(records: Records):
    """What only JSON (and stderr with --debug) says."""
    return [str(n) for n in records.notices() if KINDS[n.kind].quiet]


def interventions(records: Records):
    return [(iv.date.isoformat(), iv.text) for iv in records.interventions]


# --- the real samples -----------------------------------------------------------


@needs_samples
def test_renato_dare_five_acrs_in_mg_g_and_three_prescriptions():
    records = read(SAMPLES / RENATO)
    assert records.problems == []
    assert readings(records) == [
        ("2013-12-02", "", 2.7509961055203407, "mg/g"),
        ("2016-06-20", "", 10.5442486217381, "mg/g"),
        ("2018-06-25", "", 12.070669888314242, "mg/g"),
        ("2018-09-03", "", 9.65442940179405, "mg/g"),
        ("2020-09-07", "", 1.5565526263432883, "mg/g"),
    ]
    assert {r.patient for r in records.readings} == {"ffd502c9-23e1-4f8f-bc8a-87373acad280"}
    assert interventions(records) == [
        ("1977-01-29", "diphenhydrAMINE Hydrochloride 25 MG Oral Tablet"),
        ("2007-11-26", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"),
        ("2018-08-27", "Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet"),
    ]
    report = analyse(records)
    (patient,) = report.patients
    assert [r.category.code for r in patient.readings] == ["A1"] * 5
    # The prescription between two readings: baseline before it, follow-ups after.
    amoxicillin = patient.interventions[2]
    assert amoxicillin.baseline.date == date(2018, 6, 25)
    assert [f.result.date for f in amoxicillin.followups] == [
        date(2018, 9, 3),
        date(2020, 9, 7),
    ]
    # Where: the first reading is the Bundle's 58th entry.
    assert records.readings[0].origin.line == 58


@needs_samples
def test_morris_lockman_six_acrs_after_two_prescriptions():
    records = read(SAMPLES / MORRIS)
    assert records.problems == []
    assert readings(records) == [
        ("2013-01-04", "", 7.446972816182791, "mg/g"),
        ("2015-01-09", "", 15.06624163441136, "mg/g"),
        ("2017-01-13", "", 0.721229269590508, "mg/g"),
        ("2017-07-14", "", 16.32213328394374, "mg/g"),
        ("2019-07-19", "", 15.432050724493159, "mg/g"),
        ("2020-12-25", "", 2.453543289785671, "mg/g"),
    ]
    assert interventions(records) == [
        ("2010-12-31", "Hydrochlorothiazide 25 MG"),
        ("2010-12-31", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"),
    ]
    assert any("7 Procedure(s) not read" in q for q in quiet(records))
    (patient,) = analyse(records).patients
    assert [r.category.code for r in patient.readings] == ["A1"] * 6


@needs_samples
def test_vito_feeney_37_acrs_and_insulin_started_on_a_reading_day():
    records = read(SAMPLES / VITO)
    assert records.problems == []
    got = readings(records)
    assert len(got) == 37
    assert got[0] == ("1969-11-17", "", 4.287321608602164, "mg/g")
    assert got[4] == ("1972-09-04", "", 16.227551060586794, "mg/g")
    assert got[-1] == ("1979-09-24", "", 18.87061430310343, "mg/g")
    assert max(v for _, _, v, _ in got) == 29.94503349613213  # 1978-01-09: all A1
    assert interventions(records) == [
        ("1923-11-10", "Acetaminophen 325 MG / oxyCODONE Hydrochloride 5 MG Oral Tablet"),
        ("1929-01-28", "Hydrochlorothiazide 25 MG"),
        ("1955-05-02", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"),
        (
            "1972-09-04",
            "insulin human, isophane 70 UNT/ML / Regular Insulin, Human 30 UNT/ML Injectable "
            "Suspension [Humulin]",
        ),
    ]
    (patient,) = analyse(records).patients
    insulin = patient.interventions[3]
    # A reading on the day of the intervention is its baseline (pre-treatment).
    assert insulin.baseline.date == date(1972, 9, 4)
    assert insulin.baseline.reading.measurement.value == 16.227551060586794
    assert len(insulin.followups) == 32


@needs_samples
def test_smart_8888802_stu3_microalbumin_in_mg_dl_and_undated_orders_named():
    records = read(SAMPLES / SMART_8888802)
    assert records.problems == []
    assert readings(records) == [
        ("2014-04-09", "", 0.5, "mg/dL"),
        ("2014-10-10", "", 0.5, "mg/dL"),
        ("2015-04-20", "", 0.5, "mg/dL"),
        ("2015-11-10", "", 0.5, "mg/dL"),
        ("2016-05-01", "", 0.5, "mg/dL"),
    ]
    assert {r.patient for r in records.readings} == {"smart-8888802"}
    assert interventions(records) == []  # 12 MedicationRequests, none dated
    (undated,) = [n for n in said(records) if "without a date" in n]
    assert undated.startswith(
        f"{SAMPLES / SMART_8888802}: 12 intervention(s) without a date left out (never dated "
        "by a guess): Advair discus 250/50 (MedicationRequest at 137), Ventolin HFA"
    )
    assert "Metrogel-Vaginal (MedicationRequest at 148)" in undated
    assert (
        f"{SAMPLES / SMART_8888802}: 5 result(s) with status 'unknown' read (the system does "
        "not say whether they are final): at 4, 36, 61, 96, 131"
    ) in said(records)
    (patient,) = analyse(records).patients
    # 0.5 mg/dL = 5 mg/L: below 30, indicative (a concentration).
    assert [(r.category.code, r.category.indicative) for r in patient.readings] == [
        ("A1", True)
    ] * 5


@needs_samples
def test_smart_8888802_procedures_with_intervention_pattern():
    records = read(SAMPLES / SMART_8888802, procedures=True)
    assert interventions(records) == [
        ("2015-04-20", "Ophthalmic examination and evaluation"),
        ("2016-05-01", "Ophthalmic examination and evaluation"),
    ]


@needs_samples
def test_smart_1869612_ucum_ug_mg_creat_and_orders_dated_by_bounds_period():
    records = read(SAMPLES / SMART_1869612)
    assert records.problems == []
    assert readings(records) == [("2013-02-22", "", 8.0, "µg/mg")]
    assert interventions(records) == [
        ("2003-10-27", "irbesartan 150 MG Oral Tablet [Avapro]"),
        ("2003-12-10", "glimepiride 1 MG Oral Tablet [Amaryl]"),
        ("2004-04-16", "Lisinopril 10 MG Oral Tablet"),
        ("2004-04-30", "glimepiride 2 MG Oral Tablet [Amaryl]"),
        ("2004-04-30", "Cefaclor 500 MG Oral Capsule"),
        ("2005-08-01", "glimepiride 2 MG Oral Tablet"),
        ("2008-10-12", "Hydrochlorothiazide 12.5 MG / Lisinopril 20 MG Oral Tablet"),
        ("2008-10-12", "Lisinopril 20 MG Oral Tablet"),
        ("2008-11-12", "Cephalexin 500 MG Oral Capsule"),
    ]
    # Refills are not interventions: the 63 dispenses are counted, quietly.
    assert any("MedicationDispense 63" in q for q in quiet(records))
    (patient,) = analyse(records).patients
    assert patient.readings[0].category.code == "A1"


@needs_samples
def test_cli_on_a_sample_other_tests_only_in_json_and_debug():
    path = str(SAMPLES / RENATO)
    result = runner.invoke(app, ["report", path, "-f", "json", "--intervention", "amoxi"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # nothing in doubt: the other tests are not news
    doc = json.loads(result.stdout)
    messages = {(w["kind"], w["message"].split(":")[0]) for w in doc["warnings"]}
    assert ("not_read", "113 Observation(s) of other tests left out") in messages
    assert ("not_read", "--intervention 'amoxi'") in messages
    assert any("1 intervention(s) kept, 6 left out" in w["message"] for w in doc["warnings"])
    (patient,) = doc["patients"]
    assert [iv["text"] for iv in patient["interventions"]] == [
        "Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet"
    ]
    # The other tests of the record are not warnings: --strict reports it.
    strict = runner.invoke(app, ["report", path, "--strict", "-f", "tsv"])
    assert strict.exit_code == 0, strict.stderr
    doubtful = runner.invoke(app, ["report", str(SAMPLES / SMART_8888802), "--strict"])
    assert doubtful.exit_code == 1  # status 'unknown', undated orders: warnings


# --- hand-made files: every rule ------------------------------------------------


def test_bundle_values_bounds_units_dates_and_statuses():
    records = read(DATA / "fhir-r4-bundle.json")
    assert records.problems == []
    assert readings(records) == [
        ("2024-01-10", "", 45.5, "mg/g"),  # the UCUM code mg/g{creat}, not the display unit
        ("2024-02-12", "<", 3.0, "mg/mmol"),  # comparator: a bound
        ("2024-03-15", ">", 300.0, "mg/g"),  # valueString
        ("2024-04-09", "", 120.0, "mg/g"),  # effectivePeriod.start, no time-zone shift
        ("2024-05-02", "", 80.0, "mg/g"),  # issued
        ("2024-06-03", "", 60.0, "mg/g"),  # preliminary
        ("2024-08-01", "", 150.0, "mg/24h"),  # mg/(24.h)
        # concentrations last: read once every creatinine is known
        ("2024-07-01", "", 5.0, "mg/mmol"),  # 45 mg/L ÷ 9 mmol/L of one specimen
        ("2024-08-20", "", 0.05, "g/L"),  # a concentration without creatinine
    ]
    acr = records.readings[7]
    assert (acr.albumin.value, str(acr.albumin.unit)) == (45.0, "mg/L")
    assert (acr.creatinine.value, str(acr.creatinine.unit)) == (9.0, "mmol/L")
    assert acr.origin.line == 10
    name = str(DATA / "fhir-r4-bundle.json")
    assert said(records) == [
        f"{name}: 1 result(s) with status 'preliminary' read (a final result may differ): at 7",
        f"{name}: 1 result(s) dated by when they were issued, not by when the specimen was "
        "taken (no effective date): at 6",
        f"{name}: left out: 1 Observation entered-in-error, 1 Observation cancelled",
        f"{name}: 1 intervention(s) without a date left out (never dated by a guess): "
        "Ramipril 5 mg (MedicationRequest at 20)",
    ]
    assert quiet(records) == [
        f"{name}: interventions that did not happen left out: 1 MedicationRequest entered-in-error",
        f"{name}: 1 Procedure(s) not read (procedures are read with --intervention PATTERN)",
        f"{name}: 1 Observation(s) of other tests left out: Cholesterol [Mass/volume] in "
        "Serum or Plasma 1",
        f"{name}: resources albutrend does not read left out: Patient 1, MedicationDispense 1",
    ]


def test_bundle_interventions_every_kind_and_where_their_dates_come_from():
    records = read(DATA / "fhir-r4-bundle.json")
    assert interventions(records) == [
        ("2024-02-01", "losartan potassium 50 MG Oral Tablet"),  # medicationReference
        ("2024-05-20", "Dapagliflozin 10 mg"),  # the first boundsPeriod.start
        ("2024-06-10", "Finerenone 10 MG Oral Tablet"),  # MedicationStatement, coding display
        ("2024-06-26", "Mesenchymal stromal cells, 100 million, intravenous"),
    ]
    assert {iv.patient for iv in records.interventions} == {"p1"}
    with_procedures = read(DATA / "fhir-r4-bundle.json", procedures=True)
    assert ("2024-03-20", "Kidney biopsy") in interventions(with_procedures)


def test_ndjson_line_by_line_patients_from_subject():
    records = read(DATA / "fhir-bulk-observations.ndjson")
    assert records.problems == []
    assert [(r.patient, r.origin.line, r.measurement.value) for r in records.readings] == [
        ("a", 1, 33.0),
        ("b", 2, 250.0),
        ("a", 4, 21.0),
    ]
    assert [(iv.patient, iv.origin.line) for iv in records.interventions] == [("a", 3)]


def test_ndjson_bad_line_is_named_and_the_rest_read(tmp_path):
    good = (DATA / "fhir-bulk-observations.ndjson").read_text().splitlines()
    path = tmp_path / "obs.ndjson"
    path.write_text("\n".join([good[0], '{"resourceType": "Observation",', good[3]]) + "\n")
    records = read(path)
    assert [str(p) for p in records.problems] == [
        f'{path}:2: \'{{"resourceType": "Observation",\' is not a JSON resource (Expecting '
        "property name enclosed in double quotes, column 32): NDJSON holds one resource a line"
    ]
    assert [r.origin.line for r in records.readings] == [1, 3]


def test_single_stu3_resource():
    records = read(DATA / "fhir-stu3-observation.json")
    assert readings(records) == [("2014-04-09", "", 0.5, "mg/dL")]
    assert records.readings[0].patient == "smart-1"
    assert records.readings[0].origin.line == 1


def test_mistakes_are_named_with_their_entry_and_never_guessed():
    name = str(DATA / "fhir-mistakes.json")
    records = read(DATA / "fhir-mistakes.json")
    assert readings(records) == []
    assert [str(p) for p in records.problems] == [
        f"{name}:1: '45 mg/L' is an albumin concentration (mg/L), but its LOINC code 14959-1 "
        "is an albumin-to-creatinine ratio: check the unit",
        f"{name}:2: '2024-02' is a date without a day: albutrend never guesses the day",
        f"{name}:3: '45' has no unit (valueQuantity without code or unit): albutrend does not "
        "guess one",
        f"{name}:4: '45 mg/kg' has an unknown unit 'mg/kg' (known: mg/L, g/L, mg/dL, µg/mL, "
        "mg/g, µg/mg, mg/mmol, mg/24h, µg/min)",
        f"{name}:5: '<3' has no unit (valueString without one): albutrend does not guess one",
        f"{name}:6: '0 mg/g' is 0, below every measuring range: write the lab's limit as a "
        "bound, e.g. <3",
        f"{name}:7: is an Observation with no date (no effectiveDateTime, effectivePeriod.start "
        "or issued): it cannot be placed in time",
    ]


def test_json_cut_short_is_fatal_and_names_the_line():
    records = read(DATA / "fhir-cut-short.json")
    assert records.fatal == 1
    assert [str(p) for p in records.problems] == [
        f"{DATA / 'fhir-cut-short.json'}:34: is not valid JSON (Expecting property name "
        "enclosed in double quotes, column 1): a FHIR file must be whole JSON (was it cut "
        "short, or edited by hand?); nothing in it was read (--skip-invalid cannot skip this)"
    ]


def test_json_that_is_not_fhir(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"date": "2024-01-01", "value": 45}\n')
    records = read(path)
    assert [str(p) for p in records.problems] == [
        f"{path}:1: is not a FHIR resource (no resourceType): albutrend reads FHIR Bundles, "
        "resources and NDJSON (README 'Input formats')"
    ]


def test_two_creatinines_of_one_specimen_are_refused(tmp_path):
    bundle = json.loads((DATA / "fhir-r4-bundle.json").read_text())
    creatinine = bundle["entry"][10]
    assert creatinine["resource"]["code"]["coding"][0]["code"] == "14683-7"
    bundle["entry"].insert(11, creatinine)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle, indent=1))
    records = read(path)
    assert [str(p) for p in records.problems] == [
        f"{path}:10: '45 mg/L' has 2 urine creatinines of the same time (at 11, 12): "
        "albutrend cannot tell which one makes its ACR"
    ]


def test_a_json_number_is_read_with_a_decimal_point_whatever_decimal_says(tmp_path):
    path = tmp_path / "one.json"
    resource = json.loads((DATA / "fhir-stu3-observation.json").read_text())
    resource["valueQuantity"]["value"] = 1.129  # 1.129, never "one thousand"
    resource["valueQuantity"]["code"] = "g/L"
    path.write_text(json.dumps(resource))
    assert readings(read(path)) == [("2014-04-09", "", 1.129, "g/L")]
    assert readings(read(path, decimal="comma")) == [("2014-04-09", "", 1.129, "g/L")]


def test_intervention_pattern_filters_every_format(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(
        "1-1-24: 40 mg/g\n2-1-24: Started losartan\n3-1-24: Flu vaccine\n1-3-24: 20 mg/g\n"
    )
    result = runner.invoke(app, ["report", str(notes), "-f", "json", "--intervention", "LOSARTAN"])
    assert result.exit_code == 0, result.stderr
    (patient,) = json.loads(result.stdout)["patients"]
    assert [iv["text"] for iv in patient["interventions"]] == ["Started losartan"]
    none = runner.invoke(app, ["note", str(notes), "--intervention", "insulin"])
    assert none.exit_code == 0
    assert none.stderr == (
        "albutrend: warning: no intervention matches --intervention 'insulin' (2 read): the changes "
        "since an intervention are not shown\n"
    )
    bad = runner.invoke(app, ["chart", str(notes), "--intervention", "("])
    assert bad.exit_code == 2
    assert bad.stderr == (
        "albutrend: --intervention: '(' is not a regular expression (missing ), unterminated "
        "subpattern); put a backslash before a special character, e.g. 'MSC\\(s\\)' or "
        "'losartan|ramipril'\n"
    )


def test_other_tests_said_on_stderr_only_with_debug():
    path = str(DATA / "fhir-r4-bundle.json")
    other = "1 Observation(s) of other tests left out: Cholesterol"
    quiet = runner.invoke(app, ["report", path])
    assert quiet.exit_code == 0 and other not in quiet.stderr
    assert "left out: 1 Observation entered-in-error, 1 Observation cancelled" in quiet.stderr
    loud = runner.invoke(app, ["--debug", "report", path])
    assert loud.exit_code == 0 and other in loud.stderr


# Keys and values from FHIR, in shapes FHIR does not allow: the reader names what it
# cannot read and never crashes.
_KEYS = st.sampled_from(
    [
        "resourceType", "entry", "resource", "code", "coding", "system", "display", "text",
        "status", "subject", "reference", "effectiveDateTime", "effectivePeriod", "start",
        "issued", "valueQuantity", "value", "comparator", "unit", "valueString",
        "authoredOn", "dosageInstruction", "timing", "repeat", "boundsPeriod",
        "medicationCodeableConcept", "medicationReference", "contained", "id",
        "performedDateTime", "dataAbsentReason", "fullUrl",
    ]
)  # fmt: skip
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False),
    st.sampled_from(
        [
            "Bundle",
            "Observation",
            "MedicationRequest",
            "Procedure",
            "Medication",
            "final",
            "preliminary",
            "cancelled",
            "14959-1",
            "14957-5",
            "14683-7",
            "http://loinc.org",
            "mg/g",
            "mg/L",
            "mmol/L",
            "mg/g{creat}",
            "<",
            "<3",
            "2024-06-09",
            "2024-06",
            "2024-06-09T23:30:00-05:00",
            "Patient/p1",
            "Medication/m",
            "#m",
            "",
            "x",
        ]
    ),
)
_JSON = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6),
    max_leaves=40,
)


@settings(max_examples=80)
@given(document=_JSON, ndjson=st.booleans())
def test_any_json_shape_is_read_or_named_never_a_crash(tmp_path_factory, document, ndjson):
    path = tmp_path_factory.mktemp("fhir") / "x.json"
    text = json.dumps(document) if ndjson else json.dumps(document, indent=1)
    if not text.startswith(("{", "[")):
        text = "[" + text + "]"
    path.write_text(text + "\n")
    records = read(path)
    for problem in records.problems:
        assert str(problem).startswith(f"{path}")


def test_notes_that_start_with_a_bracket_are_not_json(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("[Results from the clinic]\n9-6-24: 45 mg/g\n")
    records = read(path)
    assert readings(records) == [("2024-06-09", "", 45.0, "mg/g")]
    array = tmp_path / "array.json"
    array.write_text("[\n" + (DATA / "fhir-stu3-observation.json").read_text() + "]\n")
    assert readings(read(array)) == [("2014-04-09", "", 0.5, "mg/dL")]


def test_the_example_bundle_of_the_readme_reads_six_results_and_the_drug():
    import albutrend

    records = albutrend.read([str(ROOT / "examples" / "fhir-bundle.json")])
    assert records.problems == [] and len(records.readings) == 6
    (drug,) = records.interventions
    assert (drug.date.isoformat(), drug.text) == ("2024-05-06", "Finerenone 10 mg once daily")
    last = albutrend.analyse(records).patients[0].interventions[0].followups[-1]
    assert f"{last.change.percent:.2f}" == "-57.66"
