"""Promises an attack on albutrend found broken (issue 17), one section each: numbers
printed with their digits, file text escaped everywhere, standard streams closed or
full, Ctrl-C at any moment, lists with a cap."""

import json

import pytest
from conftest import DATA
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.model import format_number

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
        f"patient,date,albumin,event\nP{INVISIBLE},1-1-24,40,\nP{INVISIBLE},2-1-24,,{text}\n"
        f"P{INVISIBLE},3-1-24,20,\n",
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
    assert (row[0], row[-2]) == ("'" + shown.removesuffix(".csv"), "'" + shown)


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
