from datetime import date

import pytest
from conftest import read_text, report_of

from albutrend.clinical.units import MG_24H, MG_G, MG_L, MG_MMOL


def test_the_reference_case_parses_exactly_as_written(tmp_path, reference_notes):
    records = read_text(tmp_path, reference_notes)
    assert records.problems == []
    assert [(r.date, r.measurement.value, r.measurement.unit) for r in records.readings] == [
        (date(2024, 6, 9), 2487.4, MG_L),
        (date(2024, 7, 26), 1129.8, MG_L),
        (date(2024, 10, 27), 954.9, MG_L),
    ]
    [iv] = records.interventions
    assert iv.date == date(2024, 6, 26)
    assert iv.text == "Received 100 million MSCs intravenously as part of her treatment plan."
    assert iv.origin.line == 4  # two comment lines before it


def test_blank_lines_and_comments_are_skipped_prose_is_counted(tmp_path):
    text = "Notes for Mrs X\n\n# a comment\n9-6-24: 45 mg/L\nSeen in clinic, well.\n"
    records = read_text(tmp_path, text)
    assert records.problems == [] and len(records.readings) == 1
    assert list(records.skipped_prose.values()) == [[1, 5]]


def test_a_number_followed_by_words_is_an_intervention(tmp_path):
    records = read_text(tmp_path, "26-6-24: 100 million MSCs intravenously\n")
    assert records.readings == [] and records.interventions[0].text.startswith("100 million")


def test_labels_bounds_and_a_trailing_full_stop(tmp_path):
    text = (
        "1-6-24: albumin 45 mg/L\n2-6-24: <3 mg/L\n3-6-24: 2487.4 mg/L.\n4-6-24: UACR 12 mg/mmol\n"
    )
    records = read_text(tmp_path, text)
    assert records.problems == []
    got = [(r.measurement.censor, r.measurement.value) for r in records.readings]
    assert got == [("", 45), ("<", 3), ("", 2487.4), ("", 12)]
    assert records.readings[3].measurement.unit is MG_MMOL


def test_albumin_with_creatinine_makes_an_acr(tmp_path):
    records = read_text(tmp_path, "4-1-24: albumin 45 mg/L, creatinine 9 mmol/L\n")
    [r] = records.readings
    assert r.measurement.unit is MG_MMOL and abs(r.measurement.value - 5.0) < 1e-9
    assert r.albumin is not None and r.albumin.value == 45
    assert r.creatinine is not None and r.creatinine.value == 9


def messages(tmp_path, text):
    return [str(p) for p in read_text(tmp_path, text).problems]


def test_every_refusal_names_file_line_text_and_reason(tmp_path):
    got = messages(
        tmp_path,
        "31-2-24: 100 mg/L\n"
        "2487.4 mg/L\n"
        "1-1-24: 1,129\n"
        "2-1-24: 50 mg/day losartan\n"
        "3-1-24: 45 mmol/L\n"
        "5-1-24 45 mg/L\n"
        "June 2024: 45\n"
        "6-1-24:\n"
        "7-1-24: albumin 45 mg/L, creatinine 8200 mmol/L\n",
    )
    name = str(tmp_path / "input.txt")
    assert got == [
        f"{name}:1: '31-2-24' is not a date: day out of range for February",
        f"{name}:2: '2487.4 mg/L' is a value with no date (write 'DATE: VALUE', e.g. 9-6-24: 45 mg/L)",
        f"{name}:3: '1,129' is ambiguous: a thousands separator or a decimal comma? say which "
        "with --decimal point (1,129 = 1129) or --decimal comma (1,129 = 1.129)",
        f"{name}:4: '50 mg/day losartan' starts like a reading (50 mg/24h) but goes on: write a "
        "reading as 'DATE: VALUE UNIT' alone (a comment after ' - ' or in brackets), and start "
        "an intervention with a word "
        "(e.g. 'Started losartan 50 mg/day')",
        f"{name}:5: '45 mmol/L' has an unknown unit 'mmol/L' (known: mg/L, g/L, mg/dL, µg/mL, "
        "mg/g, µg/mg, mg/mmol, mg/24h, µg/min)",
        f"{name}:6: '5-1-24 45 mg/L' starts with a date but has no ':' after it (write 'DATE: TEXT')",
        f"{name}:7: 'June 2024' is not a date: the date has no day; write the full date, e.g. 9-6-24",
        f"{name}:8: '6-1-24:' has a date but no value or event after the ':'",
        f"{name}:9: '8200 mmol/L' is an implausible urine creatinine (8.2e+03 mmol/L; expected "
        "0.3–50.0 mmol/L): check the value and its unit",
    ]


def test_control_characters_in_a_message_are_escaped(tmp_path):
    [msg] = messages(tmp_path, "1-1-24: 45 mg/\x1b[31mL\n")
    assert "\x1b" not in msg and "\\x1b" in msg


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("45 mg%", "unknown unit 'mg%'"),
        ("2487.4 mgL", "unknown unit 'mgL'"),
        ("2487.4 mg per L", "unknown unit 'mg'"),
        ("45 ACR", "unknown unit 'ACR'"),
        ("50 mg losartan", "start an intervention with a word"),
        ("eGFR 45", "is another test (eGFR), not a urine albumin"),
        ("Creatinine 8.2 mmol/L", "is another test (Creatinine)"),
        ("Hb 120 g/L", "is another test (Hb)"),
        ("ACR 45", "is labelled ACR but has no unit"),
        ("UACR 4", "is labelled UACR but has no unit"),
    ],
)
def test_text_meant_as_a_result_is_never_an_intervention(tmp_path, entry, message):
    records = read_text(tmp_path, f"1-1-24: 100 mg/L\n2-1-24: {entry}\n")
    assert records.interventions == []
    [problem] = records.problems
    assert problem.origin.line == 2 and message in problem.message


@pytest.mark.parametrize(
    "entry", ["100 million MSCs given", "Started losartan 50 mg", "Received 2 units of blood"]
)
def test_interventions_still_read_as_interventions(tmp_path, entry):
    records = read_text(tmp_path, f"2-1-24: {entry}\n")
    assert records.problems == [] and records.interventions[0].text == entry


def test_acr_label_with_its_unit_is_a_reading(tmp_path):
    [r] = read_text(tmp_path, "2-1-24: ACR 45 mg/g\n").readings
    assert r.measurement.unit is MG_G and r.measurement.value == 45


@pytest.mark.parametrize(
    "stamp",
    [
        "2024-06-09T09:30:00Z",
        "2024-06-09T09:30Z",
        "2024-06-09T09:30:00+02:00",
        "2024-06-09 09:30:00.000",
    ],
)
def test_iso_date_times_with_zones_and_fractions(tmp_path, stamp):
    records = read_text(tmp_path, f"{stamp}: 45 mg/g\n")
    assert records.problems == [] and records.readings[0].date == date(2024, 6, 9)


def test_bullets_before_entries_and_a_date_without_a_year(tmp_path):
    records = read_text(
        tmp_path, "- 9-6-24: 45 mg/g\n* 10-6-24: 40 mg/g\n• 11-6-24: Drug\n9/6: 45 mg/g\n"
    )
    assert [r.date for r in records.readings] == [date(2024, 6, 9), date(2024, 6, 10)]
    assert len(records.interventions) == 1
    [p] = records.problems
    assert p.origin.line == 4 and "has no year" in p.message


def test_what_was_skipped_reaches_the_json_warnings(tmp_path):
    import json

    from typer.testing import CliRunner

    from albutrend.cli import app

    f = tmp_path / "n.txt"
    f.write_text("Notes for Mrs X\n9-6-24: 45 mg/g\n31-2-24: 40 mg/g\n")
    result = CliRunner().invoke(app, ["report", str(f), "-f", "json", "--skip-invalid"])
    warnings = json.loads(result.stdout)["warnings"]
    assert warnings == [
        {
            "kind": "line_skipped",
            "file": str(f),
            "line": 3,
            "text": "31-2-24",
            "message": "is not a date: day out of range for February",
        },
        {
            "kind": "prose_skipped",
            "file": str(f),
            "line": None,
            "text": None,
            "message": "1 line(s) that are not 'DATE: TEXT' entries skipped as prose (line 1)",
        },
    ]


def test_the_issue_repro_labelled_acr_results_are_readings_against_the_right_baseline(tmp_path):
    """Issue 11: `Urine albumin:creatinine ratio 3.9 mg/mmol` and `U-ACR 2.8 mg/mmol`
    were interventions and the note said "No reading since"."""
    from conftest import DATA

    from albutrend.clinical.analysis import analyse
    from albutrend.reading.records import ReadOptions
    from albutrend.reading.sources import read_sources

    records = read_sources(
        [str(DATA / "notes-acr-labels.txt")], ReadOptions(today=date(2026, 1, 1))
    )
    assert records.problems == [] and [iv.text for iv in records.interventions] == [
        "Started ramipril 2.5 mg"
    ]
    [iv] = analyse(records).patients[0].interventions
    assert iv.baseline is not None and iv.baseline.date == date(2024, 1, 15)
    assert iv.baseline.shown.value == 6.1 and iv.baseline.shown.unit is MG_MMOL
    got = [
        (f.days, f.result.shown.value, round(f.change.percent, 2)) for f in iv.followups if f.change
    ]
    assert got == [(61, 3.9, -36.07), (151, 2.8, -54.1)]


@pytest.mark.parametrize(
    ("entry", "value", "unit"),
    [
        ("Urine ACR 6.1 mg/mmol", 6.1, MG_MMOL),
        ("UACR 4.2 mg/mmol", 4.2, MG_MMOL),
        ("uACR: 4.2 mg/mmol", 4.2, MG_MMOL),
        ("U-ACR 4.2 mg/mmol", 4.2, MG_MMOL),
        ("ACR=4.2 mg/mmol", 4.2, MG_MMOL),
        ("Urine albumin:creatinine ratio 3.9 mg/mmol", 3.9, MG_MMOL),
        ("Albumin/creatinine ratio 35 mg/g", 35, MG_G),
        ("Albumin creatinine ratio 3.9 mg/mmol", 3.9, MG_MMOL),
        ("Albumin:creat 3.9 mg/mmol", 3.9, MG_MMOL),
        ("Albumin-to-creatinine ratio 35 mg/g", 35, MG_G),
        ("ACR (spot) 4.2 mg/mmol", 4.2, MG_MMOL),
        ("Repeat ACR 4.2 mg/mmol", 4.2, MG_MMOL),
        ("ACR 4.2 mg/mmol (repeat)", 4.2, MG_MMOL),
        ("Urine microalbumin 38 mg/L", 38, MG_L),
        ("MAU 38 mg/L", 38, MG_L),
        ("Albuminuria 38 mg/L", 38, MG_L),
        ("U-Alb 38 mg/L", 38, MG_L),
        ("Alb 38 mg/L", 38, MG_L),
        ("35 mg/L - felt well", 35, MG_L),
        ("62 mg/L (repeat sample)", 62, MG_L),
        ("AER 45 mg/24h", 45, MG_24H),
    ],
)
def test_a_lab_label_before_a_value_makes_a_reading(tmp_path, entry, value, unit):
    records = read_text(tmp_path, f"2-1-24: {entry}\n")
    assert records.problems == [] and records.interventions == []
    [r] = records.readings
    assert (r.measurement.value, r.measurement.unit) == (value, unit)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "ACR 38 mg/L",
            "is labelled ACR (an albumin-to-creatinine ratio) but mg/L is an albumin "
            "concentration: an ACR is in mg/g or mg/mmol; if the value is right, drop the "
            "label (38 mg/L)",
        ),
        (
            "AER 45 mg/g",
            "is labelled AER (an albumin excretion rate) but mg/g is an albumin-to-creatinine "
            "ratio: an AER is in mg/24h or µg/min; if the value is right, drop the label (45 mg/g)",
        ),
        (
            "U-ACR 2.8",
            "is labelled U-ACR but has no unit: write it, e.g. ACR 45 mg/g or ACR 4.5 mg/mmol",
        ),
        (
            "35 mg/L - creatinine 8 mmol/L",
            "has a second result after its value (creatinine 8 mmol/L)",
        ),
        ("ACR 4.2 mmol/L", "is labelled ACR, but 'mmol/L' is not a unit of urine albumin"),
    ],
)
def test_a_label_or_comment_that_contradicts_the_value_is_refused(tmp_path, entry, message):
    records = read_text(tmp_path, f"2-1-24: {entry}\n")
    assert records.readings == [] and records.interventions == []
    [problem] = records.problems
    assert problem.message.startswith(message), problem.message


@pytest.mark.parametrize(
    ("entry", "test"),
    [
        ("uPCR 50 mg/mmol", "uPCR"),
        ("PCR 50 mg/mmol", "PCR"),
        ("Urine protein 0.5 g/L", "Urine protein"),
        ("protein:creatinine ratio 50 mg/mmol", "protein:creatinine ratio"),
        ("Total protein 0.5 g/L", "Total protein"),
        ("eGFR 45", "eGFR"),
        ("HbA1c 53 mmol/mol", "HbA1c"),
        ("BP 132/80", "BP"),
        ("Creatinine 8.2 mmol/L", "Creatinine"),
        ("Cholesterol 4.2 mmol/L", "Cholesterol"),
        ("Glucose 5.5", "Glucose"),
        ("Potassium 5.1 mmol/L", "Potassium"),
        ("Serum albumin 38 g/L", "Serum albumin"),
    ],
)
def test_another_analyte_with_a_value_is_another_test(tmp_path, entry, test):
    records = read_text(tmp_path, f"1-1-24: 100 mg/L\n2-1-24: {entry}\n")
    assert records.interventions == [] and len(records.readings) == 1
    [problem] = records.problems
    assert problem.message.startswith(f"is another test ({test}), not a urine albumin")


@pytest.mark.parametrize(
    ("entry", "result"),
    [
        ("Started ramipril, eGFR 45", "eGFR 45"),
        ("Seen in clinic, K 5.1 mmol/L", "K 5.1 mmol/L"),
        ("Ramipril stopped: creatinine 180 µmol/L", "creatinine 180 µmol/L"),
        ("Reviewed, ACR 4.2 mg/mmol", "ACR 4.2 mg/mmol"),
        ("Letter from renal: 3.9 mg/mmol", "3.9 mg/mmol"),
    ],
)
def test_a_text_holding_a_result_is_never_an_intervention(tmp_path, entry, result):
    records = read_text(tmp_path, f"1-1-24: 100 mg/L\n2-1-24: {entry}\n")
    assert records.interventions == []
    [problem] = records.problems
    assert problem.message.startswith(f"holds a result ({result}), so it is not an intervention")


@pytest.mark.parametrize(
    "entry",
    [
        "Started ramipril 2.5 mg",
        "Ramipril ↑ to 5 mg",
        "Received 100 million MSCs",
        "Losartan 50mg",
        "Started losartan 50 mg/day",
        "Insulin 10 units/kg",
        "Potassium chloride 20 mmol",
        "Vitamin K 10 mg",
        "Hydrocortisone 1% cream",
        "Human albumin solution 20% 100 mL",
        "Dapagliflozin 10 mg od from 3/4/24",
    ],
)
def test_a_dose_is_not_a_measurement(tmp_path, entry):
    records = read_text(tmp_path, f"2-1-24: {entry}\n")
    assert records.problems == [] and [iv.text for iv in records.interventions] == [entry]


def test_the_same_rule_holds_for_an_event_column(tmp_path):
    text = (
        "date,albumin,event\n"
        "13-1-24,45,\n"
        "14-1-24,,Started ramipril 2.5 mg\n"
        "15-1-24,,eGFR 45\n"
        "16-1-24,,Reviewed; HbA1c 53 mmol/mol\n"
    )
    records = read_text(tmp_path, text, name="t.csv")
    assert [iv.text for iv in records.interventions] == ["Started ramipril 2.5 mg"]
    assert [(p.origin.line, p.message.partition(")")[0]) for p in records.problems] == [
        (4, "is another test (eGFR"),
        (5, "holds a result (HbA1c 53 mmol/mol"),
    ]


def test_a_date_with_something_before_it_is_read(tmp_path):
    from conftest import DATA

    from albutrend.reading.records import ReadOptions
    from albutrend.reading.sources import read_sources

    path = DATA / "notes-dates-with-prefixes.txt"
    records = read_sources([str(path)], ReadOptions(today=date(2026, 1, 1)))
    assert records.problems == [] and records.interventions == []
    assert [(r.date, r.measurement.value) for r in records.readings] == [
        (date(2024, 1, 4), 103),
        (date(2024, 1, 5), 104),
        (date(2024, 1, 7), 106),
        (date(2024, 1, 16), 112),
        (date(2024, 10, 27), 954.9),
        (date(2024, 10, 28), 900),
        (date(2024, 11, 3), 880),
        (date(2024, 11, 8), 870),
    ]
    assert records.skipped_prose == {str(path): [1]}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "Tuesday 13-1-24: 112 mg/L",
            "says Tuesday but 13-1-24 is a Saturday: check the date (or leave the weekday out)",
        ),
        (
            "Sample on 27 Oct 2024 was 954.9 mg/L",
            "holds a date and a result (954.9 mg/L) but is not a 'DATE: TEXT' entry: write it "
            "as one (e.g. 27-10-24: 954.9 mg/L), or make the line a '#' comment",
        ),
        ("Sun 27 Oct 2024 954.9 mg/L", "starts with a date but has no ':' after it"),
    ],
)
def test_a_dated_line_with_a_result_is_read_or_refused_never_prose(tmp_path, line, message):
    records = read_text(tmp_path, f"9-6-24: 2487.4 mg/L\n{line}\n")
    assert records.skipped_prose == {} and len(records.readings) == 1
    [problem] = records.problems
    assert problem.origin.line == 2 and problem.message.startswith(message), problem.message


def test_the_issue_weekday_line_gives_the_true_latest_change(tmp_path):
    """Issue 11: `Sun 27 Oct 2024: 954.9 mg/L` was skipped as prose, and the note gave
    the day-30 fall as the latest."""
    text = (
        "9-6-24: 2487.4 mg/L\n26-6-24: Received 100 million MSCs\n26-7-24: 1129.8 mg/L\n"
        "Sun 27 Oct 2024: 954.9 mg/L\n"
    )
    from albutrend.present.note import note_text

    note = note_text(report_of(tmp_path, text), width=0)
    assert "Latest change: −61.61% at day 123 (954.9 mg/L, 27 Oct 2024)" in note


def test_prose_lines_are_named_in_the_not_included_sentence(tmp_path):
    from typer.testing import CliRunner

    from albutrend.cli import app

    path = tmp_path / "n.txt"
    path.write_text(
        "Notes for Mrs X\n9-6-24: 2487.4 mg/L\n26-6-24: Received MSCs\nSeen, well.\n"
        "26-7-24: 1129.8 mg/L\n31-2-24: 1 mg/L\n"
    )
    sentence = (
        f"Not included: 1 input line that could not be read ({path}:6) and 2 lines skipped "
        f"as prose ({path}:1, {path}:4); see the warnings."
    )
    runner = CliRunner()
    note = runner.invoke(app, ["note", str(path), "--skip-invalid", "--width", "0"])
    assert note.exit_code == 0 and note.stdout.endswith(f"\n\n{sentence}\n")
    saved = tmp_path / "r.txt"
    table = runner.invoke(
        app,
        ["report", str(path), "--skip-invalid", "-f", "table", "--save", str(saved)],
        env={"COLUMNS": "400"},
    )
    assert table.exit_code == 0 and sentence in table.stdout
    assert sentence in " ".join(saved.read_text(encoding="utf-8").split())
    path.with_name("p.txt").write_text("Notes for Mrs X\n9-6-24: 2487.4 mg/L\n")
    only_prose = runner.invoke(app, ["note", str(path.with_name("p.txt")), "--width", "0"])
    assert only_prose.stdout.endswith(
        f"Not included: 1 line skipped as prose ({path.with_name('p.txt')}:1); see the warnings.\n"
    )


@pytest.mark.parametrize("text", ["①", "²", "½", "Ⅻ", "-nan", "+NaN", "⅔ ⅞"])
def test_number_signs_and_placeholders_are_never_interventions(tmp_path, text):
    """Issue 17: these have no letters (`①` is a digit sign to `str.isalnum`) or stand
    for a missing value; in notes and in an event column they are refused."""
    notes = read_text(tmp_path, f"9-6-24: 45 mg/L\n10-6-24: {text}\n")
    table = read_text(tmp_path, f"date,albumin,event\n19-6-24,45,\n20-6-24,,{text}\n", "t.csv")
    for records in (notes, table):
        assert records.interventions == [] and len(records.readings) == 1
        [problem] = records.problems
        assert problem.message.startswith(("is not an event", "stands for a missing value"))


def test_a_number_mixing_digit_scripts_is_refused_never_read(tmp_path):
    # `1٠5`: an Arabic-Indic zero between Latin digits looks like 1.5; Python reads 105.
    notes = read_text(tmp_path, "9-6-24: 1٠5 mg/L\n10-6-24: ١٠٥ mg/L\n")
    assert [r.measurement.value for r in notes.readings] == [105]
    [problem] = notes.problems
    assert problem.origin.line == 1 and problem.message.startswith(
        "mixes digits of different scripts (e.g. Arabic-Indic and Latin): retype the number"
    )
    table = read_text(tmp_path, "date,albumin\n19-6-24,1٠5\n", "t.csv")
    assert table.readings == [] and "mixes digits" in table.problems[0].message


def test_a_time_after_a_date_is_never_the_entry_colon(tmp_path):
    # A CSV row read as notes (Synthea's medications.csv has no date column albutrend
    # knows): the colon inside 09:14:31 must not cut the row into a date and a text.
    row = "2024-01-02T09:14:31Z,,b3f1c2a0,p,e,314076,lisinopril 10 MG Oral Tablet,1.5"
    records = read_text(tmp_path, f"START,STOP,PATIENT,DESCRIPTION\n{row}\n")
    assert records.interventions == []
    assert [p.origin.line for p in records.problems] == [2]
    assert "starts with a date but has no ':'" in records.problems[0].message


def test_a_date_with_a_time_and_the_entry_colon_is_read(tmp_path):
    records = read_text(
        tmp_path,
        "2024-06-26T09:30: Received MSCs\n2024-07-26 08:15: 1129.8 mg/L\n"
        "2024-10-27T08:15:00Z: 954.9 mg/L\n",
    )
    assert records.problems == []
    assert [(i.date, i.text) for i in records.interventions] == [
        (date(2024, 6, 26), "Received MSCs")
    ]
    assert [(r.date, r.measurement.value) for r in records.readings] == [
        (date(2024, 7, 26), 1129.8),
        (date(2024, 10, 27), 954.9),
    ]


def test_a_bare_value_among_values_with_units_is_refused_not_read_as_mg_per_l(tmp_path):
    # A nurse's diary: 3.9 is surely mg/mmol like the lines around it; never a guess.
    text = "1-1-24: 4.2 mg/mmol\n1-2-24: 3.9\n1-3-24: Started ramipril\n1-4-24: 2.0 mg/mmol\n"
    [problem] = read_text(tmp_path, text).problems
    assert str(problem).endswith(
        "input.txt:2: '3.9' has no unit, but line 1 gives one (4.2 mg/mmol): write the unit "
        "of every value; a value never gets the default unit while the file gives units "
        "(--skip-invalid cannot skip this)"
    )
    # A file of bare values alone is read in the default unit (and says so).
    records = read_text(tmp_path, "1-1-24: 4.2\n1-2-24: 3.9\n")
    assert records.problems == [] and records.unitless == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("negative", "is a lab's word for a result"),
        ("Dipstick trace", "is a lab's word for a result"),
        ("NAD", "is a lab's word for a result"),
        ("see above", "is a lab's word for a result"),
        ("pending", "is a lab's word for a result"),
        ("Haemolysed", "is a lab's word for a result"),
        ("Insufficient sample", "is a lab's word for a result"),
        ("Sample not received", "is a lab's word for a result"),
        ("O.5 g/L", "holds 'O.5 g/L', a value typed with a letter"),
    ],
)
def test_a_result_without_a_number_is_refused_not_made_an_intervention(tmp_path, text, reason):
    records = read_text(tmp_path, f"1-5-24: 120 mg/L\n1-6-24: {text}\n1-8-24: 60 mg/L\n")
    [problem] = records.problems
    assert reason in str(problem) and records.interventions == []


@pytest.mark.parametrize(
    "text",
    ["Started ramipril 2.5 mg", "Received 100 million MSCs intravenously", "Nephrology review"],
)
def test_interventions_stay_interventions(tmp_path, text):
    records = read_text(tmp_path, f"1-5-24: 120 mg/L\n1-6-24: {text}\n")
    assert records.problems == [] and [i.text for i in records.interventions] == [text]
