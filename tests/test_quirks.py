"""Real files are messy: one file per quirk under tests/data/ (see README.md there),
each read exactly, or refused with exactly these messages and exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, TODAY
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.reading.records import ReadOptions, Records
from albutrend.reading.sources import read_sources

runner = CliRunner()

NOTHING_REPORTED = (
    "albutrend: {} problem(s) in the input; nothing reported. Fix them, or use "
    "--skip-invalid to report the rest."
)


def read(name: str, **options: object) -> Records:
    return read_sources([str(DATA / name)], ReadOptions(today=TODAY, **options))  # type: ignore[arg-type]


def readings(records: Records) -> list[tuple[str, float, str, str, int]]:
    """(date, value, unit, bound sign, line) of every reading, in file order."""
    assert [str(p) for p in records.problems] == []
    return [
        (
            r.date.isoformat(),
            r.measurement.value,
            r.measurement.unit.symbol,
            r.measurement.censor,
            r.origin.line,
        )
        for r in records.readings
    ]


def interventions(records: Records) -> list[tuple[str, str, int]]:
    return [(i.date.isoformat(), i.text, i.origin.line) for i in records.interventions]


def report(monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    """`albutrend report ARGS -f csv` run in tests/data, so messages name the file
    as a user would type it."""
    monkeypatch.chdir(DATA)
    return runner.invoke(app, ["report", *args, "-f", "csv"])


def refused(result, *lines: str) -> None:  # type: ignore[no-untyped-def]
    """Exit 1, nothing on stdout, exactly these lines on stderr."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.splitlines() == list(lines)
    assert "Traceback" not in result.stderr


REFERENCE = [
    ("2024-06-09", 2487.4, "mg/L", "", 2),
    ("2024-07-26", 1129.8, "mg/L", "", 3),
    ("2024-10-27", 954.9, "mg/L", "", 4),
]


# ---- read as written -------------------------------------------------------------


def test_excel_csv_utf8_with_bom_and_crlf():
    records = read("excel-utf8-bom-crlf.csv")
    assert readings(records) == [
        ("2024-06-09", 2487.4, "mg/L", "", 2),
        ("2024-07-26", 1129.8, "mg/L", "", 4),
        ("2024-10-27", 954.9, "mg/L", "", 5),
    ]
    # No '\r' left at the end of a text, no BOM in the first column name.
    assert interventions(records) == [("2024-06-26", "Received 100 million MSCs intravenously", 3)]
    # The BOM says UTF-8, whatever --encoding says (cp1252 would read it as 'ï»¿Date').
    assert readings(read("excel-utf8-bom-crlf.csv", encoding="cp1252")) == readings(records)


def test_cp1252_is_read_with_its_encoding():
    records = read("cp1252-ug-min.csv", encoding="cp1252", date_order="day-first")
    assert readings(
        read("cp1252-ug-min.csv", encoding="latin-1", date_order="day-first")
    ) == readings(records)
    assert readings(records) == [
        ("2024-03-01", 18, "µg/min", "", 2),
        ("2024-04-01", 25, "µg/min", "", 3),
        ("2024-05-01", 31, "µg/min", "", 4),
    ]


def test_semicolons_and_decimal_commas():
    assert readings(read("semicolon-decimal-comma.csv")) == REFERENCE


def test_quoted_values_with_thousands_separators():
    assert readings(read("quoted-thousands.csv")) == REFERENCE


def test_ambiguous_comma_is_refused_with_the_option_that_settles_it(monkeypatch):
    refused(
        report(monkeypatch, "ambiguous-comma.csv"),
        "ambiguous-comma.csv:3: '1,129' is ambiguous: a thousands separator or a decimal "
        "comma? say which with --decimal point (1,129 = 1129) or --decimal comma "
        "(1,129 = 1.129)",
        NOTHING_REPORTED.format(1),
    )
    assert readings(read("ambiguous-comma.csv", decimal="point"))[1][1] == 1129
    # --decimal comma: '2,487.4' then has a decimal point and is refused, never misread.
    [p] = read("ambiguous-comma.csv", decimal="comma").problems
    assert (p.origin.line, p.text, p.message) == (
        2,
        "2,487.4",
        "has a decimal point, but --decimal comma was given",
    )


def test_trailing_blank_lines_spaces_and_empty_columns():
    assert readings(read("trailing-blanks-and-spaces.csv")) == REFERENCE[:2]


def test_extra_and_reordered_columns():
    assert readings(read("extra-and-reordered-columns.csv")) == [
        ("2024-06-09", 45, "mg/g", "", 2),
        ("2024-07-26", 3.5, "mg/mmol", "", 3),
    ]


def test_excel_unicode_text_is_utf16_with_tabs():
    assert readings(read("excel-unicode-text.txt")) == REFERENCE[:2]
    # The BOM decides: a wrong --encoding does not turn it into garbage.
    assert readings(read("excel-unicode-text.txt", encoding="cp1252")) == REFERENCE[:2]


def test_mixed_line_endings_count_every_line():
    records = read("mixed-line-endings.txt")
    assert readings(records) == [
        ("2024-06-09", 2487.4, "mg/L", "", 1),
        ("2024-07-26", 1129.8, "mg/L", "", 3),
        ("2024-10-27", 954.9, "mg/L", "", 4),
    ]
    assert interventions(records) == [("2024-06-26", "Received 100 million MSCs", 2)]


def test_the_unit_written_in_the_value_cells():
    assert readings(read("unit-in-value-cells.csv", date_order="day-first")) == [
        ("2024-06-09", 45, "mg/g", "", 2),
        ("2024-07-10", 3.1, "mg/mmol", "", 3),
        ("2024-08-11", 3, "mg/L", "<", 4),
        ("2024-09-12", 2487.4, "mg/L", "", 5),
    ]


def test_lab_export_dates_with_times():
    records = read("lab-export-with-times.csv")
    assert readings(records) == [
        ("2024-06-09", 45, "mg/g", "", 2),
        ("2024-07-26", 38, "mg/g", "", 3),
        ("2024-08-26", 31, "mg/g", "", 4),
        ("2024-10-27", 24, "mg/g", "", 5),
        ("2024-11-20", 22, "mg/g", "", 6),
    ]
    assert {r.patient for r in records.readings} == {"A17"}


def test_notes_with_prose_skip_and_count_the_lines_without_a_date(monkeypatch):
    records = read("notes-with-prose.txt")
    assert readings(records) == [
        ("2024-06-09", 2487.4, "mg/L", "", 3),
        ("2024-07-26", 1129.8, "mg/L", "", 7),
        ("2024-10-27", 954.9, "mg/L", "", 9),
    ]
    assert len(records.interventions) == 1
    result = report(monkeypatch, "notes-with-prose.txt")
    assert result.exit_code == 0
    assert result.stderr == (
        "albutrend: notes-with-prose.txt: 4 line(s) that are not 'DATE: TEXT' entries skipped as prose "
        "(line 1, 4, 6, 10)\n"
    )


def test_notes_bad_date_and_value_without_date_are_errors(monkeypatch):
    refused(
        report(monkeypatch, "notes-with-errors.txt"),
        "notes-with-errors.txt:3: '31-2-24' is not a date: day out of range for February",
        "notes-with-errors.txt:4: '2487.4 mg/L' is a value with no date (write "
        "'DATE: VALUE', e.g. 9-6-24: 45 mg/L)",
        NOTHING_REPORTED.format(2),
    )


def test_the_same_date_twice_keeps_both_and_the_later_line_is_the_baseline(monkeypatch):
    result = report(monkeypatch, "same-date-twice.txt")
    assert result.exit_code == 0
    assert result.stderr == (
        "albutrend: warning: same-date-twice.txt:4: a second reading on 2024-06-09 "
        "(also line 1); both are kept; as a baseline the later line is used\n"
    )
    rows = [line.split(",") for line in result.stdout.splitlines()]
    header = rows[0]
    got = [
        {k: row[header.index(k)] for k in ("date", "value", "line", "baseline_value")}
        for row in rows[1:]
    ]
    assert got == [
        {"date": "2024-06-09", "value": "2487.4", "line": "1", "baseline_value": ""},
        {"date": "2024-06-09", "value": "2300", "line": "4", "baseline_value": ""},
        {"date": "2024-07-26", "value": "1129.8", "line": "3", "baseline_value": "2300"},
    ]


def _big_intervention(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MEGABYTE = "very long note " * (1 << 16)  # 983,040 characters


def test_a_1_mb_intervention_text_is_read_not_refused(tmp_path):
    notes = _big_intervention(
        tmp_path, "big.txt", f"9-6-24: 2487.4 mg/L\n26-6-24: Received {MEGABYTE}\n"
    )
    table = _big_intervention(
        tmp_path, "big.csv", f'date,albumin,event\n9/6/24,2487.4,\n26/6/24,,"Received {MEGABYTE}"\n'
    )
    for path in (notes, table):
        records = read_sources([str(path)], ReadOptions(today=TODAY))
        assert records.problems == []
        [iv] = records.interventions
        assert iv.text == f"Received {MEGABYTE}".strip()


def test_a_message_quoting_a_1_mb_text_is_cut_short(tmp_path):
    path = _big_intervention(tmp_path, "big.txt", f"9-6-24: 50 mg/day {MEGABYTE}\n")
    [problem] = read_sources([str(path)], ReadOptions(today=TODAY)).problems
    shown = str(problem)
    assert len(shown) < 400
    assert problem.text == f"50 mg/day {MEGABYTE}".strip()
    assert f"'50 mg/day {MEGABYTE[:50]}… ({len(problem.text)} characters)'" in shown


# ---- refused, with a message that says how to fix it --------------------------------


def test_duplicate_column_names(monkeypatch):
    refused(
        report(monkeypatch, "duplicate-columns.csv"),
        "duplicate-columns.csv:1: 'Albumin' is a second value column (column 4; 'Albumin' "
        "is column 2): remove or rename one",
        NOTHING_REPORTED.format(1),
    )


def test_an_empty_file(monkeypatch):
    refused(
        report(monkeypatch, "empty.csv"),
        "albutrend: empty.csv: is empty (no readings, no interventions)",
    )


def test_a_file_with_only_interventions(monkeypatch):
    refused(
        report(monkeypatch, "only-interventions.txt"),
        "albutrend: only-interventions.txt: no readings (only interventions, or nothing at all)",
    )


UTF8_ADVICE = (
    "is not valid UTF-8 text (byte 0xb5): if the file was saved by Excel or Windows, read "
    "it with --encoding cp1252 (or --encoding latin-1); the lines after it were not read "
    "(--skip-invalid cannot skip this)"
)


def test_cp1252_without_its_encoding_names_the_line_and_the_option(monkeypatch):
    refused(
        report(monkeypatch, "cp1252-ug-min.csv", "--day-first"),
        f"cp1252-ug-min.csv:3: '01/04/2024,25,\\xb5g/min' {UTF8_ADVICE}",
        "albutrend: 1 problem(s) in the input; nothing reported. Fix them first.",
    )


def test_a_decoding_error_deep_in_a_big_file_names_its_line(tmp_path):
    # The text is decoded in chunks of 8 KB: the line must still be the right one.
    lines = [f"{1 + i % 28}-1-24: Started drug {i}" for i in range(3000)]
    path = tmp_path / "big.txt"
    path.write_bytes(
        ("\n".join([*lines, "1-2-24: 45 µg/min", "2-2-24: 50 mg/L"]) + "\n").encode("cp1252")
    )
    records = read_sources([str(path)], ReadOptions(today=TODAY))
    assert [str(p) for p in records.problems] == [
        f"{path}:3001: '1-2-24: 45 \\xb5g/min' {UTF8_ADVICE}"
    ]
    assert len(records.interventions) == 3000 and records.readings == []


def test_skip_invalid_cannot_skip_the_rest_of_a_badly_encoded_file(monkeypatch):
    # The lines after the byte are not read: a report of the lines before it would
    # exit 0 with part of the file, and a script checks the exit code.
    result = report(monkeypatch, "cp1252-ug-min.csv", "--skip-invalid", "--day-first")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"cp1252-ug-min.csv:3: '01/04/2024,25,\\xb5g/min' {UTF8_ADVICE}",
        "albutrend: 1 problem(s) in the input; nothing reported. Fix them first.",
    ]
    fixed = report(monkeypatch, "cp1252-ug-min.csv", "--encoding", "cp1252", "--day-first")
    assert fixed.exit_code == 0 and fixed.stderr == ""


def test_binary_files_say_what_they_are_and_how_to_make_text(monkeypatch):
    refused(
        report(monkeypatch, "image.png"),
        "albutrend: image.png: is a PNG image, not text (albutrend reads CSV, TSV or notes "
        "saved as text)",
    )
    refused(
        report(monkeypatch, "workbook.xlsx"),
        # A ZIP file without xl/workbook.xml: workbooks themselves are read (test_excel.py)
        "albutrend: workbook.xlsx: is a ZIP file that is not a workbook (no xl/workbook.xml), "
        "not text (unpack it first; albutrend reads .xlsx, .xlsm, .xls and .ods workbooks)",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64),
            "is an old Excel (.xls) or Word file that cannot be read (CalamineError): save it "
            "from Excel as an Excel Workbook (.xlsx), or as CSV UTF-8",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "is a PDF, not text (export the results from the lab system as CSV, or copy them into a text file)",
        ),
        (b"\x1f\x8b\x08\x00" + bytes(16), "is a gzip archive, not text (unpack it first)"),
        (
            b"date,albumin\n9/6/24,4\x005\n",
            "is not text: it contains NUL bytes (albutrend reads CSV, TSV or notes saved as text)",
        ),
    ],
    ids=["xls", "pdf", "gzip", "nul"],
)
def test_other_binary_files(tmp_path, monkeypatch, content, message):
    (tmp_path / "file.bin").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    refused(runner.invoke(app, ["report", "file.bin"]), f"albutrend: file.bin: {message}")


def test_utf16_without_a_bom_names_the_option_that_reads_it(monkeypatch):
    refused(
        report(monkeypatch, "utf16-no-bom.txt"),
        "albutrend: utf16-no-bom.txt: looks like UTF-16 text without a byte-order mark (read "
        "it with --encoding utf-16-le)",
    )
    assert (
        readings(read("utf16-no-bom.txt", encoding="utf-16-le", date_order="day-first"))
        == REFERENCE[:1]
    )


def test_a_wrong_utf16_encoding_is_a_refusal_not_a_crash(tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("9-6-24: 45 mg/L\n")
    monkeypatch.chdir(tmp_path)
    refused(
        runner.invoke(app, ["report", "notes.txt", "--encoding", "utf-16"]),
        "notes.txt:1: is not valid utf-16 text at or after this line (UTF-16 stream does not "
        "start with BOM): is the file cut short, or in another encoding? name its encoding "
        "with --encoding (utf-16-le or utf-16-be without a byte-order mark); the lines after "
        "it were not read (--skip-invalid cannot skip this)",
        "albutrend: 1 problem(s) in the input; nothing reported. Fix them first.",
    )


@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib", "hex"])
def test_an_encoding_that_is_not_a_text_encoding_is_bad_usage(encoding):
    result = runner.invoke(app, ["report", str(DATA / "empty.csv"), "--encoding", encoding])
    assert result.exit_code == 2, result.stderr
    assert result.stderr == (
        f"albutrend: --encoding: '{encoding}' is not a text encoding (e.g. utf-8, cp1252, "
        "latin-1, utf-16)\n"
    )


def test_a_header_with_no_rows(monkeypatch):
    refused(
        report(monkeypatch, "header-only.csv"),
        "header-only.csv:1: 'Date,Albumin,Unit' is a header with no rows below it (export "
        "the rows too, or check that this is the right file)",
        NOTHING_REPORTED.format(1),
    )


def test_an_ambiguous_point_in_a_decimal_comma_file_is_refused(monkeypatch):
    refused(
        report(monkeypatch, "ambiguous-point.csv"),
        "ambiguous-point.csv:3: '1.129' is ambiguous: a decimal point or a thousands "
        "separator? say which with --decimal point (1.129 = 1.129) or --decimal comma "
        "(1.129 = 1129)",
        NOTHING_REPORTED.format(1),
    )
    assert readings(read("ambiguous-point.csv", decimal="comma")) == [
        ("2024-06-09", 2487.4, "mg/L", "", 2),
        ("2024-07-26", 1129, "mg/L", "", 3),
    ]
    [p] = read("ambiguous-point.csv", decimal="point").problems
    assert (p.origin.line, p.text, p.message) == (
        2,
        "2487,4",
        "has a decimal comma, but --decimal point was given",
    )


NOT_A_VALUE = (
    "is neither a value albutrend can read nor an intervention (write a reading as a "
    "plain number and its unit, e.g. 1000 mg/L or <3 mg/L; start an intervention with a word)"
)
PLACEHOLDER = "stands for a missing value, not an event (leave the cell empty, or remove the line)"


def test_notes_that_are_neither_a_value_nor_an_event_are_refused(monkeypatch):
    name = "notes-not-values-not-events.txt"
    refused(
        report(monkeypatch, name),
        f"{name}:2: '1e3 mg/L' {NOT_A_VALUE}",
        f"{name}:3: '1 000 mg/L' {NOT_A_VALUE}",
        f"{name}:4: '5. mg/L' {NOT_A_VALUE}",
        f"{name}:5: '45 H' {NOT_A_VALUE}",
        f"{name}:6: '4 5' {NOT_A_VALUE}",
        f"{name}:7: 'nan' {PLACEHOLDER}",
        f"{name}:8: 'n/a' {PLACEHOLDER}",
        f"{name}:9: '-' {PLACEHOLDER}",
        f"{name}:10: '#N/A' {PLACEHOLDER}",
        f"{name}:11: 'inf mg/L' {PLACEHOLDER}",
        NOTHING_REPORTED.format(10),
    )
    # A number followed by words is still an intervention.
    records = read(name)
    assert [i.text for i in records.interventions] == [
        "Received 100 million MSCs intravenously",
        "2x weekly dialysis",
        "1st dose of rituximab",
    ]


def test_placeholders_in_an_event_column_are_not_interventions(monkeypatch):
    name = "placeholder-events.csv"
    refused(
        report(monkeypatch, name),
        f"{name}:2: '-' {PLACEHOLDER}",
        f"{name}:4: 'n/a' {PLACEHOLDER}",
        f"{name}:5: '#N/A' {PLACEHOLDER}",
        f"{name}:6: '0' is not an event: it has no words (write what was done, e.g. "
        "'Started losartan', or leave the cell empty)",
        NOTHING_REPORTED.format(4),
    )


def test_a_nul_inside_a_value_is_not_an_intervention(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"9-6-24: 45 mg/L\n" * 400 + b"10-6-24: 4\x005 mg/L\n")
    records = read_sources([str(path)], ReadOptions(today=TODAY))
    assert records.interventions == []
    assert [str(p) for p in records.problems] == [f"{path}:401: '4\\x005 mg/L' {NOT_A_VALUE}"]


NO_COLON = "starts with a date but has no ':' after it (write 'DATE: TEXT')"
NO_COLON_CSV = (
    "starts with a date but has no ':' after it (write 'DATE: TEXT'; if this is a CSV "
    "file, its header needs a date column: see README 'Input formats' for the names)"
)


def test_a_line_that_starts_with_any_date_but_has_no_colon_is_an_error(monkeypatch):
    name = "notes-dates-without-colon.txt"
    refused(
        report(monkeypatch, name),
        f"{name}:3: '10 Jun 2024 1129.8 mg/L' {NO_COLON}",
        f"{name}:4: 'June 11, 2024 954.9 mg/L' {NO_COLON}",
        f"{name}:5: '2024-06-12,60,mg/L' {NO_COLON_CSV}",
        f"{name}:6: '13-6-24' {NO_COLON}",
        f"{name}:7: '14-6-24 08:15 45 mg/L' {NO_COLON}",
        NOTHING_REPORTED.format(5),
    )
    # Prose that starts with a number or a month and year stays prose.
    result = report(monkeypatch, name, "--skip-invalid")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-2:] == [
        f"albutrend: {name}: 4 line(s) that are not 'DATE: TEXT' entries skipped as prose "
        "(line 1, 8, 9, 10)",
        # The one that holds a date is named: it could be an event written backwards.
        f"albutrend: warning: {name}:10: 'Seen on 9-6-24, well.' holds a date (9-6-24) but "
        "is not a 'DATE: TEXT' entry, so it is skipped as prose: if it records an "
        "intervention, write it as one ('9-6-24: TEXT'), or make it a '#' comment",
    ]


def test_a_lab_export_date_time_column_is_read(monkeypatch):
    result = report(monkeypatch, "unknown-date-column.csv", "-f", "csv")
    assert result.exit_code == 0
    assert [line.split(",")[1] for line in result.stdout.splitlines()[1:]] == [
        "2024-06-09",
        "2024-07-26",
    ]


def test_a_header_whose_date_column_is_not_known_says_so(tmp_path):
    from typer.testing import CliRunner

    from albutrend.cli import app

    f = tmp_path / "de.csv"
    f.write_text("Datum;Albumin (mg/L);Event\n09.06.2024;2487,4;\n")
    result = CliRunner().invoke(app, ["report", str(f)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"{f}:1: 'Datum;Albumin (mg/L);Event' is a header without a date column: name it "
        "date (or sample_date, collection_date, collected, specimen_date, result_date, …; "
        "see README 'Input formats')"
    )


def test_a_lab_export_with_a_test_column_keeps_urine_albumin_only(tmp_path):
    from typer.testing import CliRunner

    from albutrend.cli import app

    f = tmp_path / "lab.csv"
    f.write_text(
        "MRN,Collected Date/Time,Test,Result,Units\n"
        "1,2024-01-01 08:00,Urine Albumin,120,mg/L\n"
        "1,2024-01-01 08:00,Urine Total Protein,4100,mg/L\n"
        "1,2024-03-01 08:00,14957-5,60,mg/L\n"
        "1,2024-03-01 08:00,Urine Creatinine,8.2,mmol/L\n"
        "1,2024-04-01,Serum Albumin,38,g/L\n"
    )
    result = CliRunner().invoke(app, ["report", str(f), "-f", "csv"])
    assert result.exit_code == 0
    assert [line.split(",")[2] for line in result.stdout.splitlines()[1:]] == ["120", "60"]
    assert result.stderr == (
        f"albutrend: {f}: rows of other tests than urine albumin left out (Urine Total "
        "Protein: 1, Urine Creatinine: 1, Serum Albumin: 1)\n"
    )


def test_an_unclosed_quote_does_not_swallow_the_rows_after_it(monkeypatch):
    refused(
        report(monkeypatch, "unclosed-quote.csv", "--day-first"),
        "unclosed-quote.csv:3: has a quote that is never closed: the lines after it were read "
        "as one cell (close the quote, or remove it)",
        NOTHING_REPORTED.format(1),
    )


def test_quotes_inside_cells(monkeypatch):
    refused(
        report(monkeypatch, "quotes-in-cells.csv"),
        'quotes-in-cells.csv:2: has text after a closing quote, like "2487"4 (quote a whole '
        "cell, or none of it)",
        NOTHING_REPORTED.format(1),
    )
    result = report(monkeypatch, "quotes-in-cells.csv", "--skip-invalid")
    assert result.exit_code == 0
    records = read("quotes-in-cells.csv")
    # Escaped quotes and a line break inside quotes are read as Excel writes them; a
    # row is numbered by the line it starts on.
    assert [r.origin.line for r in records.readings] == [4, 6]
    assert interventions(records) == [
        ("2024-06-26", 'Started "trial" drug', 3),
        ("2024-07-26", "Note over\ntwo lines", 4),
    ]


def test_extreme_values_give_valid_json(tmp_path, monkeypatch):
    import json

    (tmp_path / "notes.txt").write_text(
        "1-1-00: 0.000000001 mg/g\n2-1-00: Drug\n3-1-00: 1000000000 mg/g\n4-1-00: 2 mg/g\n"
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "notes.txt", "-f", "json"])
    assert result.exit_code == 0, result.stderr

    def no_constants(name: str) -> None:
        raise AssertionError(f"{name} in JSON")

    doc = json.loads(result.stdout, parse_constant=no_constants)
    [f, _] = doc["patients"][0]["interventions"][0]["followups"]
    assert f["change_pct"] == pytest.approx(1e20)


# ---- error reporting at scale -----------------------------------------------------


def _many_bad_lines(tmp_path: Path) -> Path:
    """5000 bad lines (beyond the 1000 problems kept in memory) around 2 good ones."""
    lines = ["date,albumin", "1/3/24,45"]
    lines += [f"{1 + i % 28}/2/24,abc" if i % 2 else "31/2/24,45" for i in range(5000)]
    lines += ["2/3/24,40"]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_thousands_of_bad_lines_list_the_first_20_and_count_the_rest(tmp_path, monkeypatch):
    _many_bad_lines(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "many.csv"])
    first = [
        f"many.csv:{line}: '31/2/24' is not a date: day out of range for February"
        if line % 2
        else f"many.csv:{line}: 'abc' is not a value (expected a number, e.g. 2487.4 mg/L or <3)"
        for line in range(3, 23)
    ]
    refused(result, *first, "… and 4980 more problem(s)", NOTHING_REPORTED.format(5000))


def test_skip_invalid_at_scale_reports_the_good_lines_and_counts_the_rest(tmp_path, monkeypatch):
    _many_bad_lines(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "many.csv", "--skip-invalid", "-f", "csv"])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 22 and all(
        line.startswith("albutrend: skipped many.csv:") for line in lines[:20]
    )
    assert lines[20] == "albutrend: skipped 4980 more line(s) with problems"
    # The two values read had no unit: the default changed their meaning, and says so.
    assert lines[21] == (
        "albutrend: warning: 2 values had no unit and were read as mg/L (many.csv:2, "
        "many.csv:5003); "
        "--unit sets another."
    )
    assert [row.split(",")[1] for row in result.stdout.splitlines()[1:]] == [
        "2024-03-01",
        "2024-03-02",
    ]


def test_a_bound_sign_in_a_column_of_its_own_is_refused_never_dropped(monkeypatch):
    # <3 read as an exact 3, ≥300 as an exact 300 (A2, when it may be A3): refused.
    name = "comparator-column.csv"
    refused(
        report(monkeypatch, name),
        f"{name}:3: '<' is a bound sign in column 'Comparator', apart from the value '3' "
        "(write them in one cell, <3, or leave the column out)",
        f"{name}:4: '>=' is a bound sign in column 'Comparator', apart from the value '300' "
        "(write them in one cell, >=300, or leave the column out)",
        NOTHING_REPORTED.format(2),
    )


def test_one_month_first_date_puts_the_whole_file_in_doubt_even_with_skip_invalid(tmp_path):
    from typer.testing import CliRunner

    from albutrend.cli import app

    f = tmp_path / "us.csv"
    f.write_text("date,albumin,unit\n06/09/2024,45,mg/g\n12/25/2024,50,mg/g\n01/10/2025,40,mg/g\n")
    result = CliRunner().invoke(app, ["report", str(f), "--skip-invalid"])
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{f}:3: has its dates month first ('12/25/2024' reads no other way), so every numeric "
        "date in it is in doubt: use --month-first (--skip-invalid cannot skip this)"
    )
    assert lines[-1].endswith("nothing reported. Fix them first.")
    ok = CliRunner().invoke(app, ["report", str(f), "--month-first", "-f", "csv"])
    assert ok.exit_code == 0 and ",2024-06-09," in ok.stdout


def test_a_pasted_letter_reads_and_names_its_sentences_that_hold_a_date_or_a_result(tmp_path):
    # A letter's sentences stay prose (a refusal would fail every pasted letter), but
    # one that holds a date or a urine albumin result is named: it may be an entry.
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "Target ACR below 3 mg/mmol.\n"
        "eGFR 52 mL/min/1.73m2, stable.\n"
        "Losartan started 2-4-24\n"
        "9-1-24: ACR 40 mg/mmol\n"
        "9-6-24: ACR 20 mg/mmol - stable since ramipril started\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["report", str(letter), "-f", "json"])
    assert result.exit_code == 0
    warnings = json.loads(result.stdout)["warnings"]
    named = [(w["kind"], w["line"]) for w in warnings if w["kind"] == "prose_with_data"]
    assert named == [("prose_with_data", 1), ("prose_with_data", 3)]  # not eGFR's line
    assert "holds a urine albumin result (3 mg/mmol) but no date" in warnings[1]["message"]
    assert "write it as one ('2-4-24: TEXT')" in warnings[2]["message"]
    readings = json.loads(result.stdout)["patients"][0]["readings"]
    assert [r["value"] for r in readings] == [40, 20]  # the comment's verb is the comment's
