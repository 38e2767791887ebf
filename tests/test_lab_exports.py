"""Lab and GP exports as they really are (issue 11 items 4-8): a unit column under
any export's name, test columns that keep urine albumin rows only, rows refused
with their reason, and interventions in a lab export. One file per export under
tests/data/, each with its exact outcome."""

from __future__ import annotations

import pytest
from conftest import DATA
from test_quirks import NOTHING_REPORTED, interventions, read, readings, refused, report

from albutrend.clinical.loinc import (
    ALBUMIN_CODES,
    TEST_STRIP_LOINC,
    is_urine_albumin_name,
)
from albutrend.reading.records import ReadOptions
from albutrend.reading.sources import read_sources
from albutrend.reading.tables import ROLE_NAMES, UNIT, cell_kind, is_albumin_test

FIRST_DAY = "has no urine albumin results"


# ---- the unit column -------------------------------------------------------------


def test_an_emis_export_reads_its_unit_of_measure_column():
    # `Unit of measure` was ignored: every 4.2 mg/mmol ACR became 4.2 mg/L.
    records = read("emis-export.csv")
    assert readings(records) == [
        ("2024-03-14", 4.2, "mg/mmol", "", 2),
        ("2024-07-02", 3.1, "mg/mmol", "", 5),
        ("2024-11-05", 2.6, "mg/mmol", "", 7),
    ]
    assert set(records.readings.patients) == {"1001"}  # `Patient ID` is the patient
    assert [str(n) for n in records.notices()] == [
        f"{DATA / 'emis-export.csv'}: rows of other tests than urine albumin left out "
        "(Serum creatinine: 1, Haemoglobin A1c level - IFCC standardised: 1, eGFR using "
        "creatinine (CKD-EPI) per 1.73 square metres: 1)"
    ]


@pytest.mark.parametrize(
    "name",
    ["Unit of measure", "Units of measure", "UOM", "Result unit", "Units", "Reference units",
     "Result Units", "Unit"],
)  # fmt: skip
def test_the_unit_column_is_found_under_the_names_exports_use(tmp_path, name):
    path = tmp_path / "u.csv"
    path.write_text(f"Date,Value,{name}\n2024-06-09,4.2,mg/mmol\n")
    records = read(str(path))
    assert [str(r.measurement) for r in records.readings] == ["4.2 mg/mmol"]
    assert "unit_of_measure" in ROLE_NAMES[UNIT]


def test_a_unit_in_a_column_albutrend_does_not_know_refuses_the_file(monkeypatch):
    refused(
        report(monkeypatch, "unknown-unit-column.csv", "--skip-invalid"),
        "unknown-unit-column.csv:2: 'mg/mmol' is a unit in column 'Measurement unit' (column "
        "3), a column albutrend does not know: name it unit (or units, uom, unit_of_measure, "
        "result_unit), or remove the column. albutrend never ignores a unit (--skip-invalid "
        "cannot skip this)",
        "albutrend: 1 problem(s) in the input; nothing reported. Fix them first.",
    )


def test_a_test_in_a_column_albutrend_does_not_know_refuses_the_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("date,result,unit,Lab item\n2024-06-09,4.2,mg/mmol,Urine ACR\n")
    records = read(str(path))
    assert [str(p) for p in records.problems] == [
        f"{path}:2: 'Urine ACR' is a test in column 'Lab item' (column 4), a column albutrend "
        "does not know: name it test (or test_name, term, component, analyte; code for LOINC "
        "codes), or remove the column. albutrend never ignores a test (--skip-invalid cannot "
        "skip this)"
    ]
    assert records.fatal == 1


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("mg/mmol", "unit"), ("mg/dL", "unit"), ("umol/L", "unit"), ("%", "unit"),
     ("mm[Hg]", "unit"), ("Total Cholesterol", "test"), ("Glucose", "test"),
     ("Serum albumin", "test"), ("Urine ACR", "test"), ("14959-1", "test"),
     ("2093-3", "test"), ("<", "bound"), ("repeat", None), ("felt well", None),
     ("0-3", None), ("b9c610cd-28a6-4636", None), ("", None), ("12", None)],
)  # fmt: skip
def test_what_a_cell_of_an_unknown_column_may_not_hold(cell, kind):
    assert cell_kind(cell) == kind


def test_a_value_never_gets_the_default_unit_while_the_file_gives_units(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("date,albumin\n2024-06-09,45\n2024-07-09,40 mg/mmol\n")
    records = read(str(path))
    assert [str(p) for p in records.problems] == [
        f"{path}:2: '45' has no unit, but line 3 gives one (40 mg/mmol): write the unit of "
        "every value; a value never gets the default unit while the file gives units "
        "(--skip-invalid cannot skip this)"
    ]
    assert records.fatal == 1


# ---- a default unit is said everywhere -------------------------------------------


def test_values_read_in_the_default_unit_are_counted_and_said(tmp_path, monkeypatch):
    (tmp_path / "bare.csv").write_text("date,albumin,event\n2024-06-09,45,\n"
                                       "2024-06-10,,Started ramipril\n2024-07-09,40,\n"
                                       "2024-08-09,30,\n")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    from typer.testing import CliRunner

    from albutrend.cli import app

    sentence = "3 values had no unit and were read as mg/L; --unit sets another."
    warning = (
        "3 values had no unit and were read as mg/L (bare.csv:2, bare.csv:4, bare.csv:5); "
        "--unit sets another."
    )
    csv = CliRunner().invoke(app, ["report", "bare.csv", "-f", "csv"])
    assert csv.exit_code == 0 and csv.stderr == f"albutrend: warning: {warning}\n"
    import json

    doc = json.loads(CliRunner().invoke(app, ["report", "bare.csv", "-f", "json"]).stdout)
    assert doc["warnings"] == [
        {"kind": "default_unit", "file": None, "line": None, "text": None, "message": warning}
    ]
    table = CliRunner().invoke(app, ["report", "bare.csv", "-f", "table"])
    assert sentence in " ".join(table.stdout.split())
    note = CliRunner().invoke(app, ["note", "bare.csv", "--width", "0"])
    assert note.stdout.rstrip("\n").endswith(sentence)
    per_unit = CliRunner().invoke(app, ["note", "bare.csv", "--width", "0", "--unit", "mg/g"])
    assert "3 values had no unit and were read as mg/g; --unit sets another." in per_unit.stdout


def test_a_notes_value_without_a_unit_is_counted_too(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("9-6-24: 45\n10-6-24: Started ramipril\n9-7-24: 40 mg/L\n")
    records = read(str(path))
    assert (records.unitless, records.unitless_at) == (1, [f"{path}:1"])


# ---- test columns -----------------------------------------------------------------


def test_a_synthea_export_reads_its_urine_albumin_rows_only():
    # With --skip-invalid, Total Cholesterol 170.2 mg/dL was reported as urine albumin, A3.
    records = read("synthea-observations.csv")
    assert readings(records) == [
        ("2019-02-10", 41.3, "mg/g", "", 5),
        ("2020-02-16", 28.7, "mg/g", "", 9),
    ]
    assert [str(n) for n in records.notices()] == [
        f"{DATA / 'synthea-observations.csv'}: rows of other tests than urine albumin left out "
        "(Total Cholesterol: 2, Glucose: 1, Systolic Blood Pressure: 1, Albumin [Mass/volume] "
        "in Serum or Plasma: 1, Tobacco smoking status NHIS: 1)"
    ]


def test_a_file_of_other_tests_only_is_refused(monkeypatch):
    refused(
        report(monkeypatch, "synthea-no-albumin.csv", "--skip-invalid"),
        "synthea-no-albumin.csv:1: has no urine albumin results: its 6 row(s) are other tests "
        "(Total Cholesterol, Glucose, Systolic Blood Pressure, Albumin [Mass/volume] in Serum "
        "or Plasma, Tobacco smoking status NHIS). albutrend reads urine albumin only, named as "
        "such (Urine albumin, Microalbumin, Urine albumin:creatinine ratio, ACR, UACR) or by "
        "LOINC code (14957-5, 9318-7, 14959-1, 32294-1, …); 'Albumin' alone is taken as serum "
        "albumin (--skip-invalid cannot skip this)",
        "albutrend: 1 problem(s) in the input; nothing reported. Fix them first.",
    )


@pytest.mark.parametrize(
    "header",
    ["Term", "Test Name", "Component", "Observation", "Order Name", "Analyte", "Test",
     "Investigation"],
)  # fmt: skip
def test_test_columns_under_the_names_exports_use(tmp_path, header):
    path = tmp_path / "t.csv"
    path.write_text(f"Date,{header},Result,Units\n2024-06-09,Urine ACR,4.2,mg/mmol\n"
                    "2024-06-09,Total cholesterol,5.2,mmol/L\n")  # fmt: skip
    records = read(str(path))
    assert [str(r.measurement) for r in records.readings] == ["4.2 mg/mmol"]
    assert records.other_tests == {(str(path), "Total cholesterol"): 1}


def test_more_than_20_other_tests_are_counted(tmp_path):
    path = tmp_path / "many.csv"
    rows = [f"2024-06-09,Test {k},{k + 1},mmol/L" for k in range(25)]
    path.write_text("date,test,result,unit\n2024-06-09,UACR,4.2,mg/mmol\n" + "\n".join(rows))
    [warning] = [str(n) for n in read(str(path)).notices()]
    assert warning.endswith("Test 19: 1, … and 5 more)")
    assert "Test 20" not in warning


@pytest.mark.parametrize(
    "name",
    ["Urine albumin", "Urine albumin:creatinine ratio", "Urine albumin/creatinine ratio",
     "Urine microalbumin", "Microalbumin", "UACR", "ACR", "Urine ACR", "U-Alb",
     "Albumin/Creatinine [Mass Ratio] in Urine", "Microalbumin Creatinine Ratio",
     "Albumin [Mass/volume] in Urine", "Albumin, U", "URINE MICROALBUMIN/CREATININE RATIO"],
)  # fmt: skip
def test_urine_albumin_by_name(name):
    assert is_urine_albumin_name(name)


@pytest.mark.parametrize(
    "name",
    ["Albumin", "Serum albumin", "Plasma albumin", "Albumin [Mass/volume] in Serum or Plasma",
     "Total Cholesterol", "Glucose", "Blood Pressure", "Systolic Blood Pressure", "BP",
     "Prealbumin", "Albumin/Globulin ratio", "Urine protein", "Protein/creatinine ratio",
     "uPCR", "Creatinine, urine", "Microalbumin/Creatinine [Ratio] in Urine by Test strip",
     "30001-2", "2093-3"],
)  # fmt: skip
def test_never_urine_albumin(name):
    assert not is_urine_albumin_name(name)


def test_the_loinc_list_is_the_value_set_without_the_test_strip():
    value_set = (DATA.parent.parent.parent / "shared" / "fhir-samples").glob("vsac-*.csv")
    codes = {"13705-9", "14585-4", "14958-3", "14959-1", "30000-4", "32294-1", "44292-1",
             "59159-4", "76401-9", "77253-3", "77254-1", "9318-7"}  # fmt: skip
    assert codes <= set(ALBUMIN_CODES)
    assert {"14957-5", "1754-1", "14956-7", "1755-8"} <= set(ALBUMIN_CODES)
    assert len(ALBUMIN_CODES) == 16 and TEST_STRIP_LOINC not in ALBUMIN_CODES
    del value_set


def test_a_code_decides_when_it_is_loinc():
    assert is_albumin_test("Microalbumin Creatinine Ratio", "14959-1")
    assert not is_albumin_test("Microalbumin Creatinine Ratio", "30001-2")  # a test strip
    assert is_albumin_test("Urine ACR", "1023491000000104")  # a SNOMED code: the name decides


# ---- rows refused with their reason, interventions in a lab export ---------------


def test_lab_export_rows_refused_with_their_reason(monkeypatch):
    name = "lab-export-quirks.csv"
    refused(
        report(monkeypatch, name),
        f"{name}:2: '3.2' has no unit (its cell in column 'Units' is empty) and its test 'Urine "
        "albumin/creatinine ratio' is an ACR: write its unit; a value never gets the default "
        "unit while the file gives units",
        f"{name}:3: 'Sample not received' is a text result, not a value (the lab gave no "
        "number): remove the row",
        f"{name}:4: 'Insufficient sample' is a text result, not a value (the lab gave no "
        "number): remove the row",
        f"{name}:5: 'See comment' is a text result, not a value (the lab gave no number): "
        "remove the row",
        f"{name}:6: '45 mg/g' says mg/g but its column's unit is mg/mmol (the unit cell, or "
        "the unit in the header): correct the one that is wrong",
        f"{name}:7: 'Started lisinopril 10 mg' is a treatment in the test column, not a test: "
        "put it in an event column (event, intervention), or pass it with --events",
        f"{name}:8: 'Losartan 50mg tablets' is a treatment in the test column, not a test: put "
        "it in an event column (event, intervention), or pass it with --events",
        NOTHING_REPORTED.format(7),
    )
    records = read(name)
    assert [r.origin.line for r in records.readings] == [10, 11]
    # An event with an empty test cell is the export's intervention.
    assert interventions(records) == [("2024-01-17", "Started ramipril 2.5 mg", 9)]


def test_an_acr_test_without_a_unit_column_is_not_mg_per_litre(tmp_path):
    path = tmp_path / "acr.csv"
    path.write_text("date,test,result\n2024-06-09,Urine albumin/creatinine ratio,3.2\n")
    assert [str(p) for p in read(str(path)).problems] == [
        f"{path}:2: '3.2' is a result of 'Urine albumin/creatinine ratio', an albumin/creatinine "
        "ratio, but it has no unit: write its unit (mg/mmol or mg/g) in the unit column; "
        "albutrend never guesses it"
    ]


def test_a_result_with_no_test_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("date,test,result,unit\n2024-06-09,,4.2,mg/mmol\n")
    assert [str(p) for p in read(str(path)).problems] == [
        f"{path}:2: '2024-06-09,,4.2,mg/mmol' has no test (column 'test' is empty): a result "
        "needs its test, so that it is read only if it is urine albumin"
    ]


def test_a_drug_with_a_value_in_a_gp_export_is_refused_not_left_out_as_a_test(tmp_path):
    # EMIS: the prescription's row has a quantity (1 capsule); left out as "another
    # test", the report would show no intervention at all.
    path = tmp_path / "emis.csv"
    path.write_text(
        "Date,Term,Value,Unit of measure\n"
        "15/01/2024,Urine albumin:creatinine ratio,4.2,mg/mmol\n"
        "03/05/2024,Ramipril 5mg capsules,1,capsule\n"
        "20/06/2024,Glucose tolerance test 75 g,7.1,mmol/L\n"  # a dose alone: a test
    )
    records = read_sources([str(path)], ReadOptions())
    [problem] = records.problems
    assert str(problem).endswith(
        "emis.csv:3: 'Ramipril 5mg capsules' is a treatment in the test column, not a test: "
        "put it in an event column (event, intervention), or pass it with --events"
    )
    assert list(records.other_tests.values()) == [1]
