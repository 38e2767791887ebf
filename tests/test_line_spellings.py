"""Notes lines as clinics and patients really write them, each with what albutrend
makes of it (issue 11): a reading with its value and unit, an intervention, a
refusal with the start of its message, or prose skipped. The table lives in one
file, `tests/data/line-spellings.tsv`; the README shows it, and a test keeps the two
equal (`python tests/test_line_spellings.py` rewrites the README's copy)."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest
from conftest import DATA, read_text

README = Path(__file__).resolve().parent.parent / "README.md"
TABLE = DATA / "line-spellings.tsv"


def spellings() -> list[tuple[str, str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["line", "outcome", "detail"]
    return [(line, outcome, detail) for line, outcome, detail in rows[1:]]


def test_the_table_is_large_and_covers_every_outcome():
    rows = spellings()
    assert len(rows) >= 60
    assert {outcome for _, outcome, _ in rows} == {"reading", "intervention", "refused", "prose"}
    assert len({line for line, _, _ in rows}) == len(rows)  # no line twice


@pytest.mark.parametrize(("line", "outcome", "detail"), spellings())
def test_each_line_spelling_has_its_exact_outcome(tmp_path, line, outcome, detail):
    records = read_text(tmp_path, line + "\n")
    got = {
        "readings": [str(r.measurement) for r in records.readings],
        "interventions": [iv.text for iv in records.interventions],
        "problems": [p.message for p in records.problems],
        "prose": sum(map(len, records.skipped_prose.values())),
    }
    if outcome == "reading":
        assert got == {"readings": [detail], "interventions": [], "problems": [], "prose": 0}
    elif outcome == "intervention":
        assert detail == "" and got == {
            "readings": [],
            "interventions": [line.partition(": ")[2]],
            "problems": [],
            "prose": 0,
        }
    elif outcome == "refused":
        [message] = got["problems"]
        assert message.startswith(detail), message
        assert got["readings"] == got["interventions"] == [] and got["prose"] == 0
    else:
        assert outcome == "prose" and detail == ""
        assert got == {"readings": [], "interventions": [], "problems": [], "prose": 1}


def readme_table() -> str:
    shown = {
        "reading": "reading: {}",
        "intervention": "intervention",
        "refused": "refused: {} …",
        "prose": "skipped as prose",
    }
    lines = ["| line in the notes | read as |", "|---|---|"]
    for line, outcome, detail in spellings():
        cell = shown[outcome].format(detail).replace("|", "\\|")
        lines.append(f"| `{line}` | {cell} |")
    return "\n".join(lines) + "\n"


def _block(text: str) -> str:
    m = re.search(r"<!-- line-spellings -->\n(.*?)<!-- /line-spellings -->", text, re.S)
    assert m, "README has no line-spellings block"
    return m.group(1)


def test_the_readme_shows_the_same_table():
    assert _block(README.read_text(encoding="utf-8")) == readme_table()


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    new = re.sub(
        r"<!-- line-spellings -->\n.*?<!-- /line-spellings -->",
        lambda _: f"<!-- line-spellings -->\n{readme_table()}<!-- /line-spellings -->",
        text,
        flags=re.S,
    )
    README.write_text(new, encoding="utf-8")
    sys.exit(0)
