from datetime import date

import conftest
from conftest import EXAMPLES, TODAY

from albutrend.clinical.units import MG_G, MG_L, MG_MMOL
from albutrend.reading.records import ReadOptions
from albutrend.reading.sources import read_sources


def read_text(tmp_path, text, name="input.txt", **options):  # type: ignore[no-untyped-def]
    """These tests are about columns and cells, with the clinic's day-first dates
    (`9/6/24`) given as such: the rule on the order of dates is tested in
    test_date_order.py."""
    options.setdefault("date_order", "day-first")
    return conftest.read_text(tmp_path, text, name, **options)


def test_reference_csv_matches_the_notes(tmp_path):
    csv_records = read_sources([str(EXAMPLES / "reference-case.csv")], ReadOptions(today=TODAY))
    notes = read_sources([str(EXAMPLES / "reference-case.txt")], ReadOptions(today=TODAY))
    assert csv_records.problems == []
    key = [(r.date, r.measurement) for r in csv_records.readings]
    assert key == [(r.date, r.measurement) for r in notes.readings]
    assert [(i.date, i.text) for i in csv_records.interventions] == [
        (i.date, i.text) for i in notes.interventions
    ]


def test_delimiters_are_detected(tmp_path):
    for sep in (",", ";", "\t"):
        text = (
            sep.join(["Date", "Albumin", "Unit"]) + "\n" + sep.join(["9/6/24", "45", "mg/g"]) + "\n"
        )
        records = read_text(tmp_path, text, name="x.csv")
        assert records.problems == [], sep
        assert records.readings[0].measurement.unit is MG_G


def test_semicolon_file_with_decimal_commas(tmp_path):
    records = read_text(tmp_path, "date;albumin;unit\n09.06.2024;2487,4;mg/L\n")
    assert records.problems == [] and records.readings[0].measurement.value == 2487.4


def test_unit_in_the_header_and_case_insensitive_names(tmp_path):
    records = read_text(tmp_path, "DATE,Albumin (mg/mmol),Comment\n2024-06-09,3.5,ok\n")
    assert records.problems == [] and records.readings[0].measurement.unit is MG_MMOL


def test_unknown_columns_are_ignored_and_order_does_not_matter(tmp_path):
    records = read_text(tmp_path, "lab,unit,value,date,ward\nX,mg/L,45,9/6/24,3\n")
    assert records.problems == []
    r = records.readings[0]
    assert (r.date, r.measurement.value, r.measurement.unit) == (date(2024, 6, 9), 45, MG_L)


def test_patient_and_creatinine_columns(tmp_path):
    text = (
        "mrn,date,albumin,unit,creatinine,creatinine_unit\n"
        "A1,2024-06-09,45,mg/L,9,mmol/L\n"
        "B2,2024-06-10,30,mg/L,,\n"
    )
    records = read_text(tmp_path, text)
    assert records.problems == []
    a, b = records.readings
    assert a.patient == "A1" and a.measurement.unit is MG_MMOL
    assert b.patient == "B2" and b.measurement.unit is MG_L


def test_quoted_thousands_and_an_unquoted_one(tmp_path):
    ok = read_text(tmp_path, 'date,albumin\n9/6/24,"2,487.4"\n')
    assert ok.problems == [] and ok.readings[0].measurement.value == 2487.4
    bad = read_text(tmp_path, "date,albumin\n9/6/24,2,487.4\n")
    assert [p.message for p in bad.problems] == [
        "has 3 cells but the header has 2: is a value like 2,487.4 not quoted, or a "
        "delimiter inside a text?"
    ]


def test_table_refusals(tmp_path):
    text = (
        "date,albumin,unit,event,patient\n"
        ",45,mg/L,,p\n"
        "9/6/24,,,,p\n"
        "9/6/24,45,mg/L,,\n"
        "31/2/24,45,mg/L,,p\n"
        "9/6/24,45,mg/dl2,,p\n"
    )
    got = [(p.origin.line, p.message) for p in read_text(tmp_path, text).problems]
    assert got == [
        (2, "has no date"),
        (3, "has neither a value nor an event"),
        (4, "has no patient (the patient column is empty)"),
        (5, "is not a date: day out of range for February"),
        (
            6,
            "has an unknown unit 'mg/dl2' (known: mg/L, g/L, mg/dL, µg/mL, mg/g, µg/mg, "
            "mg/mmol, mg/24h, µg/min)",
        ),
    ]


def test_an_acr_column_needs_an_acr_unit(tmp_path):
    [p] = read_text(tmp_path, "date,acr\n9/6/24,45\n").problems
    # The file gave no unit: the message says so, and that mg/L is only the default.
    assert p.message == (
        "is in an ACR column but it has no unit, and the default unit mg/L is not an ACR's: "
        "give the unit (a unit column, or --unit mg/g or mg/mmol)"
    )
    [p] = read_text(tmp_path, "date,acr\n9/6/24,45 mg/L\n").problems
    assert p.message.startswith("is in an ACR column but its unit is mg/L: give the unit")
    ok = read_text(tmp_path, "date,acr\n9/6/24,45\n", default_unit=MG_G)
    assert ok.problems == []


def test_a_duplicate_column_is_refused(tmp_path):
    [p] = read_text(tmp_path, "date,albumin,value\n9/6/24,45,46\n").problems
    assert p.origin.line == 1 and "second value column" in p.message


def test_a_header_without_a_value_column(tmp_path):
    [p] = read_text(tmp_path, "date,comment\n9/6/24,hello\n").problems
    assert "without a value or event column" in p.message


def test_a_number_split_by_the_comma_delimiter_is_refused_not_cut(tmp_path):
    # `2487,4` unquoted in a comma file: 2487 in the value, 4 in an ignored column.
    # Read as 2487 it would be a wrong number with no warning.
    text = "date,albumin (mg/L),comment\n9/6/24,2487,4\n26/7/24,1129,8,\n27/10/24,1,129\n"
    records = read_text(tmp_path, text, name="x.csv")
    assert records.readings == []
    assert [p.text for p in records.problems] == ["2487,4", "1129,8", "1,129"]
    assert str(records.problems[0]).endswith(
        "'2487,4' may be one number split by the comma delimiter (a decimal comma, or a "
        "thousands separator), with '4' in column 'comment': quote the value (\"2487,4\"), or "
        "save the file with ; or tab as the delimiter (a column of numbers of its own goes "
        "before the value column)"
    )


def test_a_number_next_to_the_value_is_read_when_it_cannot_be_a_split_one(tmp_path):
    rows = ["9/6/24,2487.4,4", '26/7/24,"2487,4",4', "27/10/24,954.9 mg/L,3", "1/11/24,45,repeat"]
    records = read_text(
        tmp_path, "date,Albumin (mg/L),comment\n" + "\n".join(rows) + "\n", name="x.csv"
    )
    assert records.problems == []
    assert [r.measurement.value for r in records.readings] == [2487.4, 2487.4, 954.9, 45]
    # Other delimiters cannot split a decimal comma; a known column after the value
    # (unit, event) says what is wrong on its own.
    semicolon = read_text(tmp_path, "date;albumin;comment\n9/6/24;2487,4;4\n", name="y.csv")
    assert semicolon.problems == [] and semicolon.readings[0].measurement.value == 2487.4
    tab = read_text(tmp_path, "date\talbumin\tcomment\n9/6/24\t2487\t4\n", name="z.tsv")
    assert tab.problems == [] and tab.readings[0].measurement.value == 2487


def test_a_header_repeated_below_is_named_as_such(tmp_path):
    text = "date,albumin,unit\n9/6/24,45,mg/g\nDate,Albumin,Unit\n1/7/24,40,mg/g\n"
    records = read_text(tmp_path, text, name="x.csv")
    assert [str(p).split(": ", 1)[1] for p in records.problems] == [
        "'Date,Albumin,Unit' repeats the header (two exports pasted into one file?): "
        "remove this line"
    ]
    assert [r.origin.line for r in records.readings] == [2, 4]
