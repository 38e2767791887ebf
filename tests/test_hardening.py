"""Promises an attack on albutrend found broken (issue 17), one section each: numbers
printed with their digits, file text escaped everywhere, standard streams closed or
full, Ctrl-C at any moment, lists with a cap."""

import json
import os
import subprocess
import sys

import pytest
from conftest import DATA, EXAMPLES
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.model import format_number
from albutrend.present.export import COLUMNS
from albutrend.problems import spelling_variants

runner = CliRunner()
TINY = str(DATA / "tiny-values.txt")


def run(*args):
    return runner.invoke(app, list(args))


# ---- numbers below 0.0001 -------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (1e-9, "0.000000001"),
        (9.5e-7, "0.00000095"),
        (1.234e-5, "0.00001234"),
        (-1.234e-5, "-0.00001234"),
        (1.23456789012345e-7, "0.000000123456789012"),  # twelve significant digits
        (0.0001, "0.0001"),
        (2487.4, "2487.4"),
        (1.23456789012345e15, "1234567890120000"),
        (0.0, "0"),
    ],
)
def test_a_number_is_written_with_twelve_significant_digits_never_an_exponent(value, text):
    assert format_number(value) == text
    assert float(text) == float(f"{value:.12g}")


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_tiny_values_keep_their_digits_in_tsv_and_csv(fmt):
    result = run("report", TINY, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    sep = "\t" if fmt == "tsv" else ","
    rows = [line.split(sep) for line in result.stdout.splitlines()]
    header = rows[0]
    cells = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [c["value"] for c in cells] == ["0.000000001", "0.00000095", "0.00001234"]
    assert [c["baseline_value"] for c in cells] == ["", "0.000000001", "0.000000001"]
    assert [c["change"] for c in cells] == ["", "0.000000949", "0.000012339"]


def test_tiny_values_keep_their_value_in_json_lines():
    result = run("report", TINY, "-f", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["value"] for r in rows] == [1e-9, 9.5e-7, 1.234e-5]
    assert [r["change"] for r in rows] == [None, 9.49e-7, 1.2339e-5]


@pytest.mark.parametrize("command", [["report", "-f", "table"], ["report", "-f", "markdown"]])
def test_tiny_values_keep_their_digits_in_the_table_and_markdown(command):
    result = run(command[0], TINY, *command[1:])
    assert result.exit_code == 0, result.stderr
    for text in ("0.000000001 g/L", "0.00000095 g/L", "0.00001234 g/L", "+0.000000949"):
        assert text in result.stdout
    assert "e-0" not in result.stdout and " 0 g/L" not in result.stdout


def test_tiny_values_keep_their_digits_in_the_note():
    result = run("note", TINY, "--width", "0")
    assert result.exit_code == 0, result.stderr
    assert "latest 0.00001234 g/L on 4 Jan 2024" in result.stdout
    assert "baseline 0.000000001 g/L on 1 Jan 2024" in result.stdout


# ---- text from a file: escaped in every output ----------------------------------

# A window-title sequence, colour codes, a C1 CSI (U+009B) and a right-to-left override.
HOSTILE_NAME = "n\x1b]0;pwned\x07\x1b[31m\x9b\u202e.txt"
# What JSON must escape though its encoder does not: DEL, C1, bidi, zero-width, filler.
INVISIBLE = "\x7f\x85\x9b\u202a\u202e\u2066\u2069\u200b\u200d\u2060\ufeff\u2028\u3164"


def test_problem_lines_escape_the_file_name(tmp_path):
    bad = tmp_path / HOSTILE_NAME
    bad.write_text("31-2-24: 100 mg/L\n")
    result = run("report", str(bad))
    assert result.exit_code == 1 and result.stdout == ""
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path}/n\\x1b]0;pwned\\x07\\x1b[31m\\x9b\\u202e.txt:1: '31-2-24'")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_escapes_controls_bidi_and_invisible_characters(tmp_path, fmt):
    text = f"Started{INVISIBLE}losartan"
    data = tmp_path / "r.csv"
    data.write_text(
        f"patient,date,albumin,event\nP{INVISIBLE},13-1-24,40,\nP{INVISIBLE},14-1-24,,{text}\n"
        f"P{INVISIBLE},15-1-24,20,\n",
        encoding="utf-8",
    )
    result = run("report", str(data), "-f", fmt)
    assert result.exit_code == 0, result.stderr
    for ch in INVISIBLE:
        assert ch not in result.stdout
    assert "\\u202e" in result.stdout and "\\u007f" in result.stdout and "\\u3164" in result.stdout
    if fmt == "json":
        document = json.loads(result.stdout)
        assert document["patients"][0]["patient"] == f"P{INVISIBLE}"
        assert document["patients"][0]["interventions"][0]["text"] == text
    else:
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert {r["patient"] for r in rows} == {f"P{INVISIBLE}"}
        assert rows[-1]["intervention"] == text


@pytest.mark.parametrize("name", [" =1+1.csv", "\u00a0@SUM(A1).csv", "  -2+3.csv"])
def test_the_formula_guard_looks_past_leading_spaces(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    for file in (name, "b.csv"):
        (tmp_path / file).write_text("date,albumin\n1-1-24,40\n")
    result = run("report", name, "b.csv", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    row = result.stdout.splitlines()[1].split(",")
    shown = name.replace("\xa0", "\\xa0")  # a no-break space is escaped, as controls are
    assert (row[0], row[COLUMNS.index("source")]) == ("'" + shown.removesuffix(".csv"), "'" + shown)


def test_markdown_prints_entities_strikethrough_and_addresses_as_written(tmp_path):
    from markdown_it import MarkdownIt

    text = "&amp; &lt;b&gt; ~~x~~ see https://example.org, www.example.org or a@b.org"
    notes = tmp_path / "n.txt"
    notes.write_text(f"1-1-24: 40 mg/g\n2-1-24: Started {text}\n3-1-24: 20 mg/g\n")
    result = run("report", str(notes), "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    escaped = r"\&amp; \&lt;b\&gt; \~\~x\~\~ see https\://example.org, www\.example.org or a\@b.org"
    assert f"### Intervention 2 Jan 2024: Started {escaped}\n" in result.stdout
    html = MarkdownIt("commonmark").enable("strikethrough").render(f"Started {escaped}")
    assert html == (
        "<p>Started &amp;amp; &amp;lt;b&amp;gt; ~~x~~ see https://example.org, "
        "www.example.org or a@b.org</p>\n"
    )


# ---- standard streams closed, full or a closed pipe; Ctrl-C at any moment ---------

REF = str(EXAMPLES / "reference-case.txt")


def albutrend(*args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, code=None):
    """The command in a child process, as a user runs it (`albutrend.main`); `code`
    runs first in the child (to interrupt it at a chosen step). A generous time cap:
    a hang guard, not a speed test."""
    prelude = f"{code or ''}\nimport sys\nsys.argv = ['albutrend', *{list(args)!r}]\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + "from albutrend import main\nmain()\n"],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )


def closed_pipe():
    """The write end of a pipe whose reader is gone (`| head` after it read)."""
    read, write = os.pipe()
    os.close(read)
    return write


COMMANDS = [["--version"], ["--help"], ["report", "--help"], ["report", REF]]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_disk_is_exit_74_with_one_line(args):
    with open("/dev/full", "w") as full:
        proc = albutrend(*args, stdout=full)
    assert proc.returncode == 74
    assert proc.stderr == "albutrend: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_closed_standard_output_is_exit_74_with_one_line(args):
    proc = albutrend(*args, code="import os\nos.close(1)\nimport sys\nsys.stdout = None")
    assert proc.returncode == 74
    assert proc.stderr == "albutrend: cannot write the output: standard output is closed\n"


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_closed_pipe_is_success_and_quiet(args):
    write = closed_pipe()
    try:
        proc = albutrend(*args, stdout=write)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (0, "")


def test_a_closed_standard_input_is_a_usage_error():
    proc = albutrend("report", "-", code="import os\nos.close(0)\nimport sys\nsys.stdin = None")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        "albutrend: standard input is closed: nothing to read from '-' (name a file, or "
        "redirect one: report - < readings.csv)\n"
    )


def test_a_closed_standard_error_changes_nothing_but_the_messages():
    code = "import os\nos.close(2)\nimport sys\nsys.stderr = None"
    assert albutrend("report", "/no/such/file", code=code).returncode == 2
    ok = albutrend("report", REF, code=code)
    assert ok.returncode == 0 and ok.stdout.startswith("patient\tdate")


# Ctrl-C at a chosen step: a SIGINT sent by the child to itself when it first
# imports a module (typer: the command line loading; rich: help being printed).
INTERRUPT_ON_IMPORT = """
import os, signal, sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
"""


@pytest.mark.parametrize(
    "module, args",
    [
        ("typer", ["report", REF]),
        ("typer", ["--help"]),
        ("albutrend.clinical.analysis", ["report", REF]),
    ],
)
def test_ctrl_c_at_any_moment_is_exit_130_without_a_traceback(module, args):
    proc = albutrend(*args, code=INTERRUPT_ON_IMPORT.format(module=module))
    assert (proc.returncode, proc.stderr) == (130, "albutrend: interrupted\n")
    assert proc.stdout == ""


def test_ctrl_c_while_saving_leaves_no_temporary_file(tmp_path):
    old = tmp_path / "r.html"
    old.write_text("old\n")
    code = "import os, signal\nos.fsync = lambda fd: os.kill(os.getpid(), signal.SIGINT)"
    proc = albutrend("report", REF, "--save", str(old), code=code)
    assert (proc.returncode, proc.stderr) == (130, "albutrend: interrupted\n")
    assert os.listdir(tmp_path) == ["r.html"] and old.read_text() == "old\n"


# ---- lists with a cap: the first 20 and a count ------------------------------------


def test_an_unknown_patient_lists_the_first_20_patients_and_a_count(tmp_path):
    data = tmp_path / "registry.csv"
    rows = [f"P{i:04d},1-1-24,{i + 1}" for i in range(1000)]
    data.write_text("patient,date,albumin\n" + "\n".join(rows) + "\n")
    for fmt in ("tsv", "json"):  # row by row, and the whole report
        result = run("report", str(data), "--patient", "nobody", "-f", fmt)
        assert result.exit_code == 2 and result.stdout == ""
        first = ", ".join(f"P{i:04d}" for i in range(20))
        assert result.stderr == (
            f"albutrend: no patient 'nobody' in the input (patients: {first}, … and 980 more)\n"
        )


def test_other_lab_tests_are_named_up_to_20_then_counted(tmp_path):
    data = tmp_path / "lab.csv"
    rows = [f"1-1-24,Test {i},5,mg/L" for i in range(1000)]
    data.write_text("date,test,value,unit\n" + "\n".join(rows) + "\n1-1-24,Urine albumin,40,mg/L\n")
    result = run("report", str(data))
    assert result.exit_code == 0, result.stderr
    named = ", ".join(f"Test {i}: 1" for i in range(20))
    assert result.stderr == (
        f"albutrend: {data}: rows of other tests than urine albumin left out ({named}, … and "
        "980 more)\n"
    )


def test_prose_line_numbers_are_kept_up_to_20_and_counted(tmp_path):
    from conftest import read_text

    records = read_text(tmp_path, "A letter, line after line.\n" * 5000 + "1-1-24: 40 mg/L\n")
    source = str(tmp_path / "input.txt")
    assert records.skipped_prose == {source: list(range(1, 21))}
    assert records.prose_count(source) == 5000
    result = run("report", source, "-f", "table")
    assert result.exit_code == 0
    assert result.stderr == (
        f"albutrend: {source}: 5000 line(s) that are not 'DATE: TEXT' entries skipped as prose (line 1, 2, 3, 4,"
        " 5, 6, 7, 8, 9, 10, …)\n"
    )
    assert "Not included: 5000 lines skipped as prose" in " ".join(result.stdout.split())


# ---- patient IDs that look alike ------------------------------------------------------


def test_patient_ids_that_look_alike_are_warned_about_and_shown_apart(tmp_path):
    data = tmp_path / "alike.csv"
    # Latin P1; Cyrillic Er and 1; P1 and a Hangul filler; Latin P, Cyrillic a, vel.
    data.write_text(
        "patient,date,Albumin (mg/L)\nP1,1-1-24,40\nР1,1-1-24,30\nP1\u3164,13-1-24,20\n"
        "Pavel,1-1-24,5\nPаvel,1-1-24,6\n",
        encoding="utf-8",
    )
    result = run("report", str(data), "-f", "table")
    assert result.exit_code == 0
    assert result.stderr == (
        "albutrend: warning: patients 'P1' (ASCII only) and 'Р1' (Р U+0420 CYRILLIC CAPITAL "
        "LETTER ER) and 'P1\\u3164' (U+3164 HANGUL FILLER) look alike but are different IDs: "
        "check the patient column\n"
        "albutrend: warning: patients 'Pavel' (ASCII only) and 'Pаvel' (а U+0430 CYRILLIC SMALL "
        "LETTER A) look alike but are different IDs: check the patient column\n"
    )
    headings = [line for line in result.stdout.splitlines() if line.startswith("Patient ")]
    assert headings == [
        "Patient P1",
        "Patient Р1",
        "Patient P1\\u3164",
        "Patient Pavel",
        "Patient P\\u0430vel",
    ]
    document = json.loads(run("report", str(data), "-f", "json").stdout)
    assert [w["kind"] for w in document["warnings"]] == ["lookalike_patients"] * 2


def test_patient_ids_that_differ_only_in_case_or_punctuation_are_warned_about(tmp_path):
    # One patient typed four ways is four patients, never merged by guess: each group
    # is named, so that the file can be mended.
    data = tmp_path / "spellings.csv"
    data.write_text(
        "patient,date,Albumin (mg/L)\nP001,13-1-24,40\np001,14-1-24,30\nP-001,15-1-24,20\n"
        "Jane O'Brien,13-1-24,5\nJane O\u2019Brien,14-1-24,6\nP002,13-1-24,7\n",
        encoding="utf-8",
    )
    result = run("report", str(data), "-f", "tsv")
    assert result.exit_code == 0
    assert result.stderr == (
        "albutrend: warning: patients 'P001' and 'p001' and 'P-001' differ only in case, "
        "spaces or punctuation: they are read as different patients; if they are one, write "
        "the ID one way in the patient column\n"
        "albutrend: warning: patients 'Jane O'Brien' and 'Jane O\u2019Brien' differ only in "
        "case, spaces or punctuation: they are read as different patients; if they are one, "
        "write the ID one way in the patient column\n"
    )
    assert {row.split("\t")[0] for row in result.stdout.splitlines()[1:]} == {
        "P001", "p001", "P-001", "Jane O'Brien", "Jane O\u2019Brien", "P002"
    }  # fmt: skip
    strict = run("report", str(data), "-f", "tsv", "--strict")
    assert strict.exit_code == 1


def test_ascii_patient_ids_are_never_compared_for_lookalikes(tmp_path):
    data = tmp_path / "ids.csv"
    data.write_text(
        "patient,date,Albumin (mg/L)\nP1,1-1-24,40\nPl,1-1-24,30\nP0,1-1-24,3\nPO,1-1-24,5\n"
    )
    result = run("report", str(data))
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    ("ids", "groups"),
    [
        (["P000001", "P000002", "123", "456"], []),  # a registry: one case, no punctuation
        (["ab1", "cd2"], []),
        (["ab1", "AB1", "cd2"], [["ab1", "AB1"]]),
        (["P-1", "P1", "P.2"], [["P-1", "P1"]]),
        (["Ann Lee", "ann lee", "AnnLee", "Ann Leigh"], [["Ann Lee", "ann lee", "AnnLee"]]),
    ],
)
def test_spelling_variants_group_ids_by_letters_and_digits_alone(ids, groups):
    assert spelling_variants(ids) == groups
