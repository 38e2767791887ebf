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
