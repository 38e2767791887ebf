"""Excel workbooks: read as the same table saved as CSV, with cells that keep their
type (dates, numbers), the sheet named in every message."""

import subprocess
import sys
from datetime import date, datetime

from conftest import DATA, EXAMPLES, TODAY
from typer.testing import CliRunner
from workbooks import Formula, make_xlsx

from albutrend.cli import app
from albutrend.reading.excel import cell_text, number_text
from albutrend.reading.records import ReadOptions, Records
from albutrend.reading.sources import read_sources

runner = CliRunner()


def read(path, **options) -> Records:
    return read_sources([str(path)], ReadOptions(today=TODAY, **options))


def readings(records: Records):
    return [
        (r.date.isoformat(), r.measurement.censor, r.measurement.value, str(r.measurement.unit))
        for r in records.readings
    ]


def test_a_lab_portal_workbook_reads_without_a_detour_through_csv():
    records = read(DATA / "lab-portal.xlsx")
    assert records.problems == []
    assert readings(records) == [
        ("2024-06-09", "", 2487.4, "mg/L"),  # a date-time cell: the date
        ("2024-07-26", "", 1129.8, "mg/L"),  # a formula: the value Excel saved
        ("2024-10-27", "", 954.9, "mg/L"),  # a text date and a unit in the cell, as in CSV
        ("2024-12-02", "<", 3.0, "mg/L"),  # "<3" in a text cell: a bound
        ("2025-01-06", "", 1.129, "g/L"),  # a number cell: 1.129, never "1,129?"
    ]
    source = f"{DATA / 'lab-portal.xlsx'}[Results]"
    assert (records.readings[0].origin.source, records.readings[0].origin.line) == (source, 5)
    # The visible sheet with a header, not the title sheet nor the hidden one; the title
    # rows above the header and the serum albumin row are said, not silently dropped.
    assert records.skipped_prose == {source: [1, 2]}
    assert records.other_tests == {(source, "Serum albumin"): 1}


def test_number_cells_are_numbers_whatever_decimal_says(tmp_path):
    path = make_xlsx(
        tmp_path / "n.xlsx",
        [("S", [["Date", "Albumin", "Unit"], [date(2024, 1, 2), 1.129, "g/L"]])],
    )
    for decimal in ("auto", "point", "comma"):
        assert readings(read(path, decimal=decimal)) == [("2024-01-02", "", 1.129, "g/L")]


def test_cells_as_the_table_rules_read_them():
    assert cell_text(date(2024, 6, 9)) == "2024-06-09"
    assert cell_text(datetime(2024, 6, 9, 23, 59)) == "2024-06-09"
    assert cell_text(12345.0) == "12345"  # an MRN typed as a number
    assert cell_text(True) == "TRUE"
    assert number_text(1.129) == "1.1290"  # not the ambiguous 1.129
    assert number_text(1.129, "point") == "1.129"
    assert number_text(2487.4, "comma") == "2487,4"
    assert number_text(1e-05) == "0.00001"


def test_text_dates_follow_the_table_date_order_rule(tmp_path):
    path = make_xlsx(
        tmp_path / "d.xlsx",
        [("S", [["Date", "Albumin"], ["09/06/2024", 45], ["12/25/2024", 50]])],
    )
    records = read(path)
    assert [str(p) for p in records.problems] == [
        # The sheet is named, as in the line below (it was the file alone).
        f"{path}[S]:3: has its dates month first ('12/25/2024' reads no other way), so every "
        "numeric date in it is in doubt: use --month-first (--skip-invalid cannot skip this)",
        f"{path}[S]:3: '12/25/2024' is not a date: month 25 is out of range (is the month "
        "first? use --month-first)",
    ]
    assert readings(read(path, date_order="month-first")) == [
        ("2024-09-06", "", 45.0, "mg/L"),
        ("2024-12-25", "", 50.0, "mg/L"),
    ]


def test_events_and_patients_like_csv(tmp_path):
    path = make_xlsx(
        tmp_path / "e.xlsx",
        [
            (
                "S",
                [
                    ["MRN", "Date", "Albumin (mg/g)", "Event"],
                    [1001, date(2024, 1, 2), 40, None],
                    [1001, date(2024, 1, 3), None, "Started losartan"],
                    [1001, date(2024, 3, 3), 20, None],
                ],
            )
        ],
    )
    records = read(path)
    assert readings(records) == [("2024-01-02", "", 40.0, "mg/g"), ("2024-03-03", "", 20.0, "mg/g")]
    assert {r.patient for r in records.readings} == {"1001"}
    assert [(iv.date, iv.text, iv.patient) for iv in records.interventions] == [
        (date(2024, 1, 3), "Started losartan", "1001")
    ]


def test_a_formula_without_its_saved_value_is_refused_naming_its_cell(tmp_path):
    path = make_xlsx(
        tmp_path / "f.xlsx",
        [
            (
                "Results",
                [
                    [None, "Date", "Albumin", "Note"],
                    [None, date(2024, 1, 2), Formula("B1*2", None), None],
                    # in a column albutrend does not read: no matter
                    [None, date(2024, 1, 3), 45, Formula("C3&D3", None)],
                ],
            )
        ],
    )
    records = read(path)
    assert [str(p) for p in records.problems] == [
        f"{path}[Results]:2: has a formula saved without its value in cell C2: open the "
        "workbook in Excel and save it (Excel saves each formula's value), or type the value"
    ]
    assert readings(records) == [("2024-01-03", "", 45.0, "mg/L")]


def test_a_formula_written_by_openpyxl_without_a_value_is_refused_naming_its_cell():
    # openpyxl writes a formula as <f>40+5</f><v /> (an empty value), never computed:
    # it was read as an empty cell ("has neither a value nor an event").
    path = DATA / "openpyxl-formula.xlsx"
    records = read(path)
    assert [str(p) for p in records.problems] == [
        f"{path}[Sheet]:2: has a formula saved without its value in cell B2: open the "
        "workbook in Excel and save it (Excel saves each formula's value), or type the value"
    ]
    assert readings(records) == [("2024-04-05", "", 30.0, "mg/L")]


def test_a_formula_whose_saved_value_is_empty_text_is_not_a_formula_without_a_value(tmp_path):
    # Excel saves a formula that gave "" as <c t="str"><f>…</f><v></v></c>: a value.
    path = make_xlsx(
        tmp_path / "e.xlsx",
        [
            (
                "Results",
                [
                    ["Date", "Albumin", "Event"],
                    [date(2024, 1, 2), 40, Formula('IF(B2>0,"","x")', "")],
                    [date(2024, 1, 3), 45, None],
                ],
            )
        ],
    )
    records = read(path)
    assert records.problems == []
    assert readings(records) == [("2024-01-02", "", 40.0, "mg/L"), ("2024-01-03", "", 45.0, "mg/L")]


def test_sheet_option_and_messages_that_name_the_sheets(tmp_path):
    path = make_xlsx(
        tmp_path / "s.xlsx",
        [
            ("Old", [["Date", "Albumin"], [date(2023, 1, 2), 30]]),
            ("New", [["Date", "Albumin"], [date(2024, 1, 2), 20]]),
        ],
    )
    assert readings(read(path)) == [("2023-01-02", "", 30.0, "mg/L")]  # the first
    assert readings(read(path, sheet="New")) == [("2024-01-02", "", 20.0, "mg/L")]
    result = runner.invoke(app, ["report", str(path), "--sheet", "Newer"])
    assert result.exit_code == 1
    assert result.stderr == f"albutrend: {path}: has no sheet 'Newer' (its sheets: 'Old', 'New')\n"


def test_no_sheet_with_a_header(tmp_path):
    path = make_xlsx(tmp_path / "h.xlsx", [("A", [["When", "What"], ["x", "y"]]), ("B", [])])
    records = read(path)
    assert [str(p) for p in records.problems] == [
        f"{path}: has no sheet with a header row (a date column, and a value or event "
        "column) in its first 30 rows (sheets looked at: 'A', 'B'): name the columns (date: "
        "sample_date, collection_date, collected, specimen_date, result_date, …; see README "
        "'Input formats'), or name the sheet with --sheet"
    ]


def test_a_header_with_no_rows(tmp_path):
    path = make_xlsx(tmp_path / "r.xlsx", [("S", [["Date", "Albumin"]])])
    assert [str(p) for p in read(path).problems] == [
        f"{path}[S]:1: 'Date | Albumin' is a header with no rows below it (export the rows "
        "too, or check that this is the right sheet)"
    ]


def test_xlsm_and_standard_input_read_like_xlsx(tmp_path):
    path = make_xlsx(
        tmp_path / "m.xlsm", [("S", [["Date", "UACR"], [date(2024, 5, 6), "3 mg/mmol"]])]
    )
    assert readings(read(path)) == [("2024-05-06", "", 3.0, "mg/mmol")]
    result = runner.invoke(app, ["report", "-", "-f", "csv"], input=path.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith(",2024-05-06,3,mg/mmol,,A2,")


def test_a_report_that_reads_no_workbook_loads_no_workbook_library():
    code = (
        "import sys, runpy; sys.argv = ['albutrend', 'report', sys.argv[1], '-f', 'tsv'];"
        "from albutrend.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in ('python_calamine', 'albutrend.reading.excel', 'albutrend.reading.fhir') "
        "if m in sys.modules]\n"
        "sys.stderr.write(repr(loaded))"
    )
    ref = str(EXAMPLES / "reference-case.txt")
    done = subprocess.run([sys.executable, "-c", code, ref], capture_output=True, text=True)
    assert done.stderr == "[]"


def test_same_rows_same_readings_as_the_csv(tmp_path):
    """A workbook and the same table as CSV give the same readings."""
    rows = [["Date", "Albumin", "Unit"], ["9-6-24", "2487.4", "mg/L"], ["26-7-24", "<3", "mg/L"]]
    csv_path = tmp_path / "t.csv"
    csv_path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    book = make_xlsx(tmp_path / "t.xlsx", [("S", rows)])
    assert readings(read(book)) == readings(read(csv_path))
