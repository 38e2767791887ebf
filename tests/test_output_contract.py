"""The output contract for scripts and terminals (README "Output formats", "Exit codes")."""

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import EXAMPLES
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.clinical import analysis
from albutrend.clinical.analysis import Settings, timelines
from albutrend.clinical.units import MG_G
from albutrend.model import Intervention, Measurement, Origin, Reading
from albutrend.present.export import _FORMULA_START, COLUMNS, _safe_cell, write_timelines
from albutrend.reading.records import Records

runner = CliRunner()
REF = str(EXAMPLES / "reference-case.txt")
README = Path(__file__).resolve().parent.parent / "README.md"
BOX = re.compile("[\u2500-\u257f]")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m")


def test_auto_is_tsv_in_a_pipe_and_a_table_where_rich_sees_a_terminal():
    pipe = runner.invoke(app, ["report", REF], env={"TTY_COMPATIBLE": "", "FORCE_COLOR": None})
    assert pipe.stdout.startswith("patient\tdate\t")
    tty = runner.invoke(app, ["report", REF], env={"TTY_COMPATIBLE": "1", "NO_COLOR": "1"})
    assert "Intervention 26 Jun 2024" in tty.stdout and BOX.search(tty.stdout)
    assert not COLOUR.search(tty.stdout)  # NO_COLOR: bold may stay, colour goes
    forced = runner.invoke(app, ["report", REF], env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert COLOUR.search(forced.stdout)  # FORCE_COLOR: a terminal, in colour
    off = runner.invoke(app, ["report", REF], env={"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"})
    assert off.stdout.startswith("patient\t")


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json", "jsonl", "markdown"])
def test_no_escape_codes_or_box_characters_in_script_formats(fmt):
    result = runner.invoke(app, ["report", str(EXAMPLES / "synthetic-patient.csv"), "-f", fmt])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and not BOX.search(result.stdout)


def _keys(value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            _keys(v, out)
    elif isinstance(value, list):
        for v in value:
            _keys(v, out)
    return out


def test_json_fields_are_the_documented_ones(tmp_path):
    f = tmp_path / "acr.txt"
    f.write_text(
        "1-1-24: albumin 45 mg/L, creatinine 9 mmol/L\n2-1-24: Drug\n3-1-24: 30 mg/mmol\n4-1-24: 20 mg/mmol\n"
        "4-1-24: 21 mg/mmol\n"  # a warning (same date)
    )
    docs = [
        json.loads(runner.invoke(app, ["report", path, "-f", "json"]).stdout)
        for path in (REF, str(f), str(EXAMPLES / "synthetic-patient.csv"))
    ]
    produced = set()
    for doc in docs:
        _keys(doc, produced)
    block = re.search(r"\*\*JSON\*\*.*?```text\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block
    documented = set(re.findall(r'"([a-z_0-9]+)"', block.group(1)))
    assert produced == documented


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-drug stopped", "'-drug stopped"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\\tx"),
        ("\rx", "'\\rx"),
        ("-54.58", "-54.58"),
        ("+3", "+3"),
        ("Started drug", "Started drug"),
    ],
)
def test_spreadsheet_formula_guard(cell, guarded):
    assert _safe_cell(cell) == guarded


def test_patient_ids_and_texts_are_guarded_in_csv(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text(
        "patient,date,albumin,unit,event\n=evil,13/1/24,100,mg/g,\n=evil,14/1/24,,,@drug\n=evil,15/1/24,40,mg/g,\n"
    )
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, ["report", str(f), "-f", "csv"]).stdout))
    )
    assert {r["patient"] for r in rows} == {"'=evil"}
    assert rows[-1]["intervention"] == "'@drug"
    raw = runner.invoke(app, ["report", str(f), "-f", "csv", "--raw"]).stdout
    assert "\n=evil," in raw


def readme_tsv_text():
    """`tsv_text`, the README's reader of a TSV text cell ("Text in TSV")."""
    block = re.search(
        r"<!-- tsv-text -->\n```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S
    )
    assert block
    namespace: dict[str, object] = {}
    exec(block.group(1), namespace)
    return namespace["tsv_text"]


tsv_text = readme_tsv_text()


def tsv_rows(patient: str, text: str, source: str, raw: bool) -> list[list[str]]:
    """The TSV of one patient: a reading, an intervention, a reading after it."""
    found = Records(
        readings=[
            Reading(date(2024, 1, 1), Measurement(100.0, MG_G), Origin(source, 2), patient),
            Reading(date(2024, 1, 3), Measurement(40.0, MG_G), Origin(source, 4), patient),
        ],
        interventions=[Intervention(date(2024, 1, 2), text, Origin(source, 3), patient)],
    )
    out = io.StringIO()
    write_timelines(timelines(found)[0], Settings(), out, "\t", raw)
    lines = out.getvalue().split("\n")
    assert lines[0] == "\t".join(COLUMNS) and lines[-1] == ""
    rows = [line.split("\t") for line in lines[1:-1]]
    assert len(rows) == 2 and all(len(row) == len(COLUMNS) for row in rows)
    return rows


def cell(row: list[str], name: str) -> str:
    return row[COLUMNS.index(name)]


TEXT = st.text(max_size=12) | st.text(st.sampled_from("\\nrtx0u\n\r\t\x07\x85\u2028'=-"))


@given(TEXT, TEXT, TEXT)
def test_tsv_text_cells_read_back_by_the_readme_rule(patient, text, source):
    # A text without a formula guard's prefix comes back as it was, byte for byte.
    rows = tsv_rows(patient, text, source, raw=False)
    for name, given_text in (("patient", patient), ("intervention", text), ("source", source)):
        read = tsv_text(cell(rows[1], name))
        if given_text.lstrip().startswith(_FORMULA_START) or given_text.startswith(_FORMULA_START):
            assert read in (given_text, "'" + given_text)  # a number or a guarded formula
        else:
            assert read == given_text
    # Not a control character in a cell: each is escaped.
    assert all(ch.isprintable() for row in rows for c in row for ch in c)


@given(TEXT, TEXT, TEXT)
def test_raw_tsv_text_cells_read_back_to_the_exact_text(patient, text, source):
    # No guard, other control characters as read: still one line of cells.
    rows = tsv_rows(patient, text, source, raw=True)
    assert tsv_text(cell(rows[1], "patient")) == patient
    assert tsv_text(cell(rows[1], "intervention")) == text
    assert tsv_text(cell(rows[1], "source")) == source


@pytest.mark.parametrize(
    ("text", "written", "raw_written"),
    [
        ("million\nMSCs", r"million\nMSCs", r"million\nMSCs"),  # a line break
        (r"a\nb", r"a\\nb", r"a\\nb"),  # typed: a, backslash, n, b
        ("tab\there", r"tab\there", r"tab\there"),
        ("cr\rx", r"cr\rx", r"cr\rx"),
        ("bell\x07", r"bell\x07", "bell\x07"),
        (r"C:\new", r"C:\\new", r"C:\\new"),
        ("=SUM(A1)\\", r"'=SUM(A1)\\", r"=SUM(A1)\\"),
        ("Started ramipril", "Started ramipril", "Started ramipril"),
    ],
)
def test_tsv_writes_a_text_cell_by_the_readme_rule(tmp_path, text, written, raw_written):
    f = tmp_path / "x.csv"
    with f.open("w", newline="", encoding="utf-8") as out:
        rows = [["date", "albumin", "unit", "event"], ["13/1/24", "100", "mg/g", ""]]
        rows += [["14/1/24", "", "", text], ["15/1/24", "40", "mg/g", ""]]
        csv.writer(out).writerows(rows)
    for raw, expected in ((False, written), (True, raw_written)):
        result = runner.invoke(app, ["report", str(f), "-f", "tsv", *["--raw"] * raw])
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.split("\n")
        assert len(lines) == 4  # a header, two rows, the end: no row split
        assert lines[2].split("\t")[COLUMNS.index("intervention")] == expected


def test_interrupt_exits_130_without_a_traceback(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(analysis, "analyse", interrupted)
    monkeypatch.setattr(analysis, "timelines", interrupted)  # TSV is written row by row
    result = runner.invoke(app, ["report", REF])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_internal_error_shows_no_message_and_exits_70(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("2487.4 mg/L for Mrs Smith")

    monkeypatch.setattr(analysis, "analyse", broken)
    monkeypatch.setattr(analysis, "timelines", broken)  # TSV is written row by row
    result = runner.invoke(app, ["report", REF])
    assert result.exit_code == 70
    assert (
        "ValueError" in result.stderr
        and "Smith" not in result.stderr
        and "2487.4" not in result.stderr
    )


def test_reading_standard_input_from_a_terminal_prints_a_hint():
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "albutrend", "report", "-", "-f", "tsv"],
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(secondary)
    os.write(primary, b"9-6-24: 45 mg/g\n\x04")
    out, err = proc.communicate(timeout=30)
    os.close(primary)
    assert proc.returncode == 0
    assert b"reading from standard input" in err
    assert b"2024-06-09\t45\tmg/g" in out


def test_piped_standard_input_prints_no_hint():
    proc = subprocess.run(
        [sys.executable, "-m", "albutrend", "report", "-"],
        input=b"9-6-24: 45 mg/g\n",
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stderr == b""


def test_a_narrow_terminal_never_splits_a_number():
    result = runner.invoke(app, ["report", REF, "-f", "table"], env={"COLUMNS": "50"})
    lines = result.stdout.splitlines()
    for number in ("1129.8", "−1357.6", "−54.58%", "−61.61%", "2487.4"):
        assert any(number in line for line in lines), number


def test_a_table_into_a_closed_pipe_ends_quietly_with_0():
    proc = subprocess.run(
        f"'{sys.executable}' -m albutrend report '{REF}' -f table | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert proc.returncode == 0 and proc.stderr == ""
    assert len(proc.stdout.splitlines()) == 1
