"""The order of day and month is never guessed (issue 11 items 9-10): a table whose
numeric dates all read two ways needs --day-first or --month-first; one date that
reads one way only settles it; notes are day first by definition. And the same
file given twice is refused."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY, read_text
from test_quirks import read, refused, report
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.reading.dates import DAY_FIRST, MONTH_FIRST, DateReader

AMBIGUOUS = (
    "us-lab-portal.csv:2: '01/05/2024' reads as 1 May 2024 day first and 5 Jan 2024 month "
    "first, and no date in the file settles which (every numeric date has its day and month "
    "at most 12): give the order with --day-first or --month-first (--skip-invalid cannot "
    "skip this)"
)
FIX_FIRST = "albutrend: 1 problem(s) in the input; nothing reported. Fix them first."


def test_a_us_file_with_every_day_at_most_12_is_refused_without_an_order(monkeypatch):
    # Read day first, its intervention landed before every reading: "No baseline".
    refused(report(monkeypatch, "us-lab-portal.csv"), AMBIGUOUS, FIX_FIRST)
    refused(report(monkeypatch, "us-lab-portal.csv", "--skip-invalid"), AMBIGUOUS, FIX_FIRST)


def test_month_first_reads_the_us_file():
    records = read("us-lab-portal.csv", date_order=MONTH_FIRST)
    assert [r.date.isoformat() for r in records.readings] == [
        "2024-01-05", "2024-03-04", "2024-06-03", "2024-09-10", "2024-11-12",
    ]  # fmt: skip
    assert [(i.date, i.text) for i in records.interventions] == [
        (date(2024, 4, 11), "Started lisinopril 10 mg daily")
    ]


def test_day_first_is_an_option_too(monkeypatch):
    result = report(monkeypatch, "us-lab-portal.csv", "--day-first")
    assert result.exit_code == 0, result.stderr
    assert [row.split(",")[1] for row in result.stdout.splitlines()[1:]] == [
        "2024-03-06", "2024-04-03", "2024-05-01", "2024-10-09", "2024-12-11",
    ]  # fmt: skip


@pytest.mark.parametrize("command", ["report", "note", "chart", "cohort"])
def test_day_first_and_month_first_conflict(command):
    result = CliRunner().invoke(app, [command, "x.csv", "--day-first", "--month-first"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "albutrend: --day-first and --month-first conflict: give one of them\n"
    )


def test_one_date_that_reads_one_way_settles_the_order(tmp_path):
    text = "date,albumin,unit\n01/05/2024,45,mg/g\n25/06/2024,40,mg/g\n"
    records = read_text(tmp_path, text, name="t.csv")
    assert records.problems == []
    assert [r.date for r in records.readings] == [date(2024, 5, 1), date(2024, 6, 25)]


def test_dates_that_read_the_same_both_ways_need_no_order(tmp_path):
    records = read_text(tmp_path, "date,albumin,unit\n5/5/24,45,mg/g\n12/12/24,40,mg/g\n")
    assert records.problems == []
    assert [r.date for r in records.readings] == [date(2024, 5, 5), date(2024, 12, 12)]


def test_iso_and_month_name_dates_need_no_order(tmp_path):
    text = "date,albumin,unit\n2024-05-01,45,mg/g\n3 Jun 2024,40,mg/g\n"
    assert read_text(tmp_path, text).problems == []


def test_notes_are_day_first_by_definition(tmp_path):
    records = read_text(tmp_path, "1-5-24: 45 mg/g\n3-6-24: Started ramipril\n4-7-24: 40 mg/g\n")
    assert records.problems == []
    assert [r.date for r in records.readings] == [date(2024, 5, 1), date(2024, 7, 4)]
    us = read_text(tmp_path, "1-5-24: 45 mg/g\n4-7-24: 40 mg/g\n", date_order=MONTH_FIRST)
    assert [r.date for r in us.readings] == [date(2024, 1, 5), date(2024, 4, 7)]


def test_a_date_that_contradicts_the_order_given_names_the_other_option(tmp_path):
    day = read_text(tmp_path, "date,albumin,unit\n12/25/2024,45,mg/g\n", date_order=DAY_FIRST)
    assert day.problems[0].message == (
        "has its dates month first ('12/25/2024' reads no other way), so every numeric date "
        "in it is in doubt: use --month-first, not --day-first (--skip-invalid cannot skip this)"
    )
    month = read_text(tmp_path, "date,albumin,unit\n25/12/2024,45,mg/g\n", date_order=MONTH_FIRST)
    assert month.problems[0].message == (
        "has its dates day first ('25/12/2024' reads no other way), so every numeric date "
        "in it is in doubt: use --day-first, not --month-first (--skip-invalid cannot skip this)"
    )


def test_the_date_reader_notes_what_the_order_changes():
    reader = DateReader(today=TODAY)
    assert reader("6/9/2024") == date(2024, 9, 6)
    assert (reader.ambiguous, reader.both_ways) == (
        "6/9/2024",
        (date(2024, 9, 6), date(2024, 6, 9)),
    )
    assert not reader.settled
    reader("25/6/2024")
    assert reader.settled
    given = DateReader(order=DAY_FIRST, today=TODAY)
    given("6/9/2024")
    assert given.ambiguous is None  # an order given: nothing to note
    with pytest.raises(ValueError):
        DateReader(order="year-first")


# ---- the same file twice -----------------------------------------------------------


def test_the_same_file_given_twice_is_refused(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text("date,albumin,unit\n2024-06-09,45,mg/g\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "a.csv")
    monkeypatch.chdir(tmp_path)
    for second in ("a.csv", "./a.csv", "link.csv"):
        result = CliRunner().invoke(app, ["report", "a.csv", second])
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == (
            f"albutrend: {second}: is given twice (also as a.csv, the same file): give each "
            "file once\n"
        )
    stdin = CliRunner().invoke(app, ["report", "-", "-"], input="9-6-24: 45 mg/g\n")
    assert stdin.exit_code == 2
    assert stdin.stderr == (
        "albutrend: <stdin>: is given twice (also as <stdin>, standard input): give each file "
        "once\n"
    )
    (tmp_path / "b.csv").write_text("date,albumin,unit\n2024-06-09,45,mg/g\n")
    assert CliRunner().invoke(app, ["report", "a.csv", "b.csv"]).exit_code == 0


def test_a_configured_date_order_settles_a_table(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('date-order = "month-first"\n')
    monkeypatch.setenv("ALBUTREND_CONFIG", str(config))
    result = report(monkeypatch, "us-lab-portal.csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].split(",")[1] == "2024-01-05"


def test_a_us_portal_time_with_am_pm_leaves_the_order_in_doubt(tmp_path):
    # `01/05/2024 08:15 AM` went past the day/month bookkeeping (dateutil read it day
    # first): 48 then 41 mg/g became 41 then 48, a fall read as a rise, exit 0.
    text = (
        "Collected Date/Time,Test Name,Result,Units\n"
        "01/05/2024 08:15 AM,Microalbumin/Creatinine Ratio,48,mg/g creat\n"
        "03/02/2024 09:00 PM,Microalbumin/Creatinine Ratio,41,mg/g creat\n"
    )
    records = read_text(tmp_path, text, name="portal.csv")
    assert [p.origin.line for p in records.problems] == [2]
    assert "reads as 1 May 2024 day first and 5 Jan 2024 month first" in records.problems[0].message
    records = read_text(tmp_path, text, name="portal.csv", date_order=MONTH_FIRST)
    assert records.problems == []
    assert [(r.date, r.measurement.value) for r in records.readings] == [
        (date(2024, 1, 5), 48),
        (date(2024, 3, 2), 41),
    ]


@pytest.mark.parametrize(
    "spelled", ["9/6/2024 8:15 AM", "9/6/2024 08:15:00 pm", "9/6/24  8:15 a.m."]
)
def test_a_date_with_an_am_pm_time_is_read_as_its_date(spelled):
    assert DateReader(today=TODAY)(spelled) == date(2024, 6, 9)
