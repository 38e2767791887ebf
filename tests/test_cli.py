import csv
import io
import json
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from albutrend import __version__
from albutrend.cli import app

runner = CliRunner()
REF = str(EXAMPLES / "reference-case.txt")


def run(*args, input=None, env=None):
    return runner.invoke(app, list(args), input=input, env=env)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"albutrend {__version__}\n"


def test_report_in_a_pipe_is_tsv_with_no_escapes_or_boxes():
    result = run("report", REF)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "\x1b" not in result.stdout and "─" not in result.stdout
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    assert [r["change_pct"][:6] for r in rows] == ["", "-54.57", "-61.61"]


def test_report_as_a_table_on_request():
    result = run("report", REF, "--format", "table")
    assert result.exit_code == 0
    out = result.stdout
    assert "−54.58%" in out and "−61.61%" in out
    assert "17 days before" in out and "beyond" in out and "within" in out
    assert "indicative" in out


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "markdown", "table"])
def test_every_format_carries_the_reference_numbers(fmt):
    result = run("report", REF, "-f", fmt)
    assert result.exit_code == 0
    out = result.stdout
    if fmt == "json":
        f = json.loads(out)["patients"][0]["interventions"][0]["followups"]
        assert [round(x["change_pct"], 2) for x in f] == [-54.58, -61.61]
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
        assert [r["days_since"] for r in rows] == [None, 30, 123]
    elif fmt in ("csv", "tsv"):
        rows = list(csv.DictReader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert [round(float(r["change_pct"]), 2) for r in rows[1:]] == [-54.58, -61.61]
    else:
        assert "54.58%" in out and "61.61%" in out


def test_standard_input():
    text = (EXAMPLES / "reference-case.csv").read_text()
    result = run("report", "-", "-f", "json", input=text)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["patients"][0]["readings"][0]["value"] == 2487.4


def test_bad_data_exit_1_with_every_problem_on_stderr_and_nothing_on_stdout(tmp_path):
    bad = tmp_path / "readings.csv"
    bad.write_text("date,albumin\n9/6/24,45\n31-2-24,50\n1/7/24,abc\n")
    result = run("report", str(bad))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{bad}:3: '31-2-24' is not a date: day out of range for February" in result.stderr
    assert f"{bad}:4: 'abc' is not a value" in result.stderr
    assert "Traceback" not in result.stderr


def test_skip_invalid_reports_and_goes_on(tmp_path):
    bad = tmp_path / "readings.csv"
    bad.write_text("date,albumin\n19/6/24,45\n31-2-24,50\n")
    result = run("report", str(bad), "--skip-invalid", "-f", "csv")
    assert result.exit_code == 0
    assert "skipped" in result.stderr and "31-2-24" in result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_missing_empty_and_readingless_files(tmp_path):
    missing = run("report", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run("report", str(empty))
    assert result.exit_code == 1 and "is empty" in result.stderr
    only = tmp_path / "only.txt"
    only.write_text("1-1-24: Started drug\n")
    result = run("report", str(only))
    assert result.exit_code == 1 and "no readings" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "mmol/L"], "--unit: 'mmol/L' is not an albumin unit"),
        (["--cv-within", "0.3"], "write 30 for 30%"),
        (["--confidence", "100"], "--confidence must be a percent"),
        (["--encoding", "klingon"], "unknown encoding"),
        (["--format", "xml"], "xml"),
    ],
)
def test_bad_usage_exit_2(args, message):
    result = run("report", REF, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_markup_in_an_intervention_prints_literally(tmp_path):
    f = tmp_path / "n.txt"
    f.write_text(
        "1-1-24: 100 mg/g\n2-1-24: [red]Started[/] [link=http://x]drug[/link] [/]\n9-1-24: 40 mg/g\n"
    )
    result = run("report", str(f), "-f", "table")
    assert result.exit_code == 0
    assert "[red]Started[/] [link=http://x]drug[/link] [/]" in result.stdout


def test_escape_sequences_never_reach_the_terminal(tmp_path):
    f = tmp_path / "n.txt"
    f.write_text("1-1-24: 100 mg/g\n2-1-24: drug \x1b[2J\x07 cleared\n9-1-24: 40 mg/g\n")
    for fmt in ("table", "tsv", "markdown"):
        result = run("report", str(f), "-f", fmt)
        assert result.exit_code == 0
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\\x1b" in result.stdout


def test_classify_one_value():
    result = run("classify", "45", "mg/g", "-f", "table")
    assert result.exit_code == 0
    assert result.stdout.startswith("45 mg/g: A2 moderately increased (microalbuminuria).")
    tsv = run("classify", "300", "mg/g")
    assert tsv.stdout.splitlines()[1].split("\t")[3] == "A2"
    mgl = run("classify", "2487.4mg/L", "-f", "json")
    doc = json.loads(mgl.stdout)
    assert doc["category"] == "A3" and doc["indicative"] is True
    bad = run("classify", "45", "mmol/L")
    assert bad.exit_code == 2 and "unknown unit" in bad.stderr


def test_several_files_are_several_patients(tmp_path):
    a = tmp_path / "smith.txt"
    b = tmp_path / "jones.txt"
    a.write_text("1-1-24: 100 mg/g\n")
    b.write_text("1-1-24: 50 mg/g\n")
    result = run("report", str(a), str(b), "-f", "json")
    assert [p["patient"] for p in json.loads(result.stdout)["patients"]] == ["smith", "jones"]
    one = run("report", str(a), str(b), "-f", "json", "--patient", "jones")
    assert [p["patient"] for p in json.loads(one.stdout)["patients"]] == ["jones"]
    unknown = run("report", str(a), "--patient", "x")
    assert unknown.exit_code == 2 and "no patient 'x'" in unknown.stderr


def test_a_closed_pipe_ends_quietly(tmp_path):
    big = tmp_path / "big.csv"
    rows = [
        f"p{i // 20},{date(2000, 1, 1) + timedelta(days=30 * (i % 20))},{i + 1},mg/g"
        for i in range(20000)
    ]
    lines = ["patient,date,albumin,unit", *rows]
    big.write_text("\n".join(lines) + "\n")
    proc = subprocess.run(
        f"'{sys.executable}' -m albutrend report '{big}' | head -3",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stderr == ""
    assert len(proc.stdout.splitlines()) == 3


def test_python_dash_m_works():
    proc = subprocess.run(
        [sys.executable, "-m", "albutrend", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("albutrend ")


def test_text_from_the_file_in_a_warning_or_error_is_escaped(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("patient,date,albumin\n\x1b[2JX\x07,19/6/24,45\n\x1b[2JX\x07,19/6/24,46\n")
    warned = run("report", str(f), "-f", "csv")
    unknown = run("report", str(f), "--patient", "nobody")
    assert warned.exit_code == 0 and unknown.exit_code == 2
    for result in (warned, unknown):
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr
        assert "\\x1b[2JX\\x07" in result.stderr


def test_usage_messages_suggest_what_works():
    assert "write 95 for 95%, not 0.95" in run("report", REF, "--confidence", "0.95").stderr
    saved = run("report", REF, "--save", "/tmp")
    assert saved.exit_code == 2 and "is a directory; name a file" in saved.stderr
    point = run("classify", "1,129", "mg/g", "--decimal", "point", "-f", "table")
    assert point.exit_code == 0 and point.stdout.startswith("1129 mg/g: A3")
    listing = run("--help").stdout
    assert re.search(r"\n  classify +The category of one value, e\.g\. 45 mg/g\.\n", listing)


def test_output_that_cannot_be_written_is_exit_74_not_a_bug():
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "albutrend", "report", REF, "-f", "table"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert proc.returncode == 74
    assert proc.stderr.startswith("albutrend: cannot write the output:")
    assert "internal error" not in proc.stderr
