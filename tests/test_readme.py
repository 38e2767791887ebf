"""The README stays true: its column table, its command reference (generated from
--help), its two set-up commands and the messages of the common mistakes. `python tests/test_readme.py` rewrites the
command reference."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.present.export import COLUMNS

README = Path(__file__).resolve().parent.parent / "README.md"
COMMANDS = (
    [],
    ["report"],
    ["chart"],
    ["note"],
    ["cohort"],
    ["classify"],
    ["config"],
    ["completion"],
)


def generated_help() -> str:
    runner = CliRunner()
    parts = []
    for command in COMMANDS:
        result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, result.output
        title = " ".join(["albutrend", *command, "--help"])
        parts.append(f"### `{title}`\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


def _block(text: str, name: str) -> str:
    m = re.search(rf"<!-- {name} -->\n(.*?)<!-- /{name} -->", text, re.S)
    assert m, f"README has no {name} block"
    return m.group(1)


def test_command_reference_matches_help():
    assert _block(README.read_text(encoding="utf-8"), "help").strip() == generated_help().strip()


def test_column_table_lists_every_column_in_order():
    rows = re.findall(
        r"^\| `([a-z_0-9]+)` \|", _block(README.read_text(encoding="utf-8"), "columns"), re.M
    )
    assert tuple(rows) == COLUMNS


def test_kinds_of_warning_table_lists_every_kind_with_its_meaning():
    from albutrend.notices import KINDS

    rows = re.findall(
        r"^\| `([a-z_]+)` \| (.*) \|$", _block(README.read_text(encoding="utf-8"), "kinds"), re.M
    )
    assert rows == [(kind, k.about) for kind, k in KINDS.items()]


def test_the_common_mistakes_are_what_albutrend_prints(monkeypatch):
    block = _block(README.read_text(encoding="utf-8"), "mistakes")
    lines = block.strip().removeprefix("```text\n").removesuffix("\n```").splitlines()
    command, expected = lines[0], lines[1:]
    assert command == "$ albutrend report readings.csv notes.txt"
    monkeypatch.chdir(README.parent / "tests" / "data" / "mistakes")
    result = CliRunner().invoke(app, command.split()[2:])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == expected


def test_readme_starts_with_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert first_block
    lines = first_block.group(1).strip().splitlines()
    assert len(lines) == 2
    assert "albutrend report examples/" in lines[0]
    assert "[test]" in lines[1] and "pytest" in lines[1]


def _sample_after(text: str, marker: str) -> str:
    """The first ```text block after `marker`."""
    m = re.search(re.escape(marker) + r".*?```text\n(.*?)```", text, re.S)
    assert m, f"README has no sample after {marker}"
    return m.group(1)


def test_chart_and_note_samples_are_real_output():
    text = README.read_text(encoding="utf-8")
    runner = CliRunner()
    reference = str(README.parent / "examples" / "reference-case.txt")
    for marker, command in (
        ("**`albutrend chart`**", ["chart", reference, "--width", "80"]),
        ("**`albutrend note`**", ["note", reference]),
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 0
        assert _sample_after(text, marker) == result.stdout, marker


def test_the_reference_sample_starts_with_the_trend_glyph():
    text = README.read_text(encoding="utf-8")
    sample = _sample_after(text, "The reference case (`examples/reference-case.txt`")
    runner = CliRunner()
    reference = str(README.parent / "examples" / "reference-case.txt")
    table = runner.invoke(app, ["report", reference, "-f", "table"], env={"COLUMNS": "80"})
    shown = [line.rstrip() for line in table.stdout.splitlines()]
    assert sample.splitlines() == shown[: len(sample.splitlines())]


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    new = re.sub(
        r"<!-- help -->\n.*?<!-- /help -->",
        lambda _: f"<!-- help -->\n{generated_help()}<!-- /help -->",
        text,
        flags=re.S,
    )
    README.write_text(new, encoding="utf-8")
    sys.exit(0)


def test_the_use_block_runs_as_pasted(tmp_path):
    # Its commands named readings.csv, notes.txt, export.csv, registry.csv: files a new
    # user does not have, so every line but the last failed ("no such file").
    text = README.read_text(encoding="utf-8")
    m = re.search(r"## Use\n.*?```sh\n(.*?)```", text, re.S)
    assert m
    shutil.copytree(README.parent / "examples", tmp_path / "examples")
    albutrend = f"{sys.executable} -m albutrend"
    lines = [line.split("  #")[0].strip() for line in m.group(1).strip().splitlines()]
    assert len(lines) == 9
    for line in lines:
        assert line.startswith("albutrend ")
        command = albutrend + line.removeprefix("albutrend")
        run = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True)
        assert run.returncode == 0, (line, run.stderr)
        assert run.stdout or line.endswith("r.html"), line
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!")


def test_tsv_read_with_quote_none_as_the_readme_says_gives_every_cell_as_written():
    # The default csv quoting drops the quotes of '"Quoted" start' and joins the rows
    # after an unclosed '"' into one cell; QUOTE_NONE keeps one row per line.
    assert "quoting=csv.QUOTE_NONE" in README.read_text(encoding="utf-8")
    notes = '1-1-24: 40 mg/L\n2-1-24: "unclosed\n3-1-24: "Quoted" start\n1-2-24: 30 mg/L\n'
    runner = CliRunner()
    result = runner.invoke(app, ["report", "-", "-f", "tsv"], input=notes)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert [len(r) for r in rows] == [len(COLUMNS)] * 4
    column = COLUMNS.index("intervention")
    assert [r[column] for r in rows[1:]] == ["", '"unclosed', '"Quoted" start']
    default = list(csv.reader(io.StringIO(result.stdout), delimiter="\t"))
    assert len(default) == 3  # the last two rows joined into one cell


def test_the_library_example_runs_and_prints_what_the_readme_says():
    import contextlib
    import io
    import os

    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- library -->\n```python\n", 1)[1].split("```\n<!-- /library -->", 1)[0]
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(README.parent)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README library example", "exec"), {})
    finally:
        os.chdir(cwd)
    assert out.getvalue() == "30 -54.58 False\n123 -61.61 True\n"
