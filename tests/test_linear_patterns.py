"""Inputs that made a regular expression backtrack for minutes (issue 17 item 11):
each is read, or refused, by a child process that must end within a generous cap.
This is a guard against a hang, not a speed test: every pattern is now linear (see
`analytes`, `quantities._QUANTITY`, `notes_format._ENTRY`, `table_format.unit_in_name`,
the length bound before dateutil), so each case takes well under a second."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HANG_GUARD = 20  # seconds; each case runs in a fraction of that

SPACES = " " * 32_000
CASES = {
    # A first line of 2,000 `(`: as notes, and as the last header name of a CSV.
    "paren-notes.txt": "(" * 2000 + "\n9-6-24: 45 mg/L\n",
    "paren-header.csv": "date,albumin " + "(" * 2000 + "\n9-6-24,45\n",
    "bracket-header.csv": "date,albumin [" + "[" * 2000 + "x\n9-6-24,45\n",
    # A quoted value of 2,000 digits with a line break in it.
    "digits.csv": 'date,albumin\n9-6-24,"' + "1" * 2000 + 'x\ny"\n',
    "digits-lines.csv": 'date,albumin\n9-6-24,"' + "1" * 2000 + '\n1\n1"\n',
    # Interventions with 32,000 spaces in them, in notes and in an event column.
    "spaces.txt": f"9-6-24: 45 mg/L\n10-6-24: Started{SPACES}losartan\n"
    f"11-6-24: 5 x{SPACES}y\n12-6-24: BP{SPACES}x\n13-6-24: a,{SPACES}x\n"
    f"14-6-24{SPACES}x: 45\nSun{SPACES}27 Oct 2024: 45 mg/L\nSeen{SPACES}x\n",
    "spaces.csv": f"date,albumin,event\n9-6-24,45,\n10-6-24,,Started{SPACES}losartan\n",
    # A date cell of 32,000 characters (dateutil is quadratic on it).
    "long-date.csv": "date,albumin\n1 jan" + "." * 32_000 + ",45\n9-6-24,45\n",
}


def _run(tmp_path, name: str, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "albutrend", "report", str(path), "-f", "json", "--skip-invalid"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )


@pytest.mark.parametrize("name", CASES)
def test_an_adversarial_input_ends_with_a_report_or_a_refusal(tmp_path, name):
    proc = _run(tmp_path, name, CASES[name])
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    if proc.returncode == 0:
        readings = [r for p in json.loads(proc.stdout)["patients"] for r in p["readings"]]
        assert [r["value"] for r in readings][:1] == [45]


def test_a_one_megabyte_intervention_with_doses_is_read(tmp_path):
    text = "Started " + "losartan 50 mg then 100 mg/day, " * 33_000
    assert len(text) > 1_000_000
    proc = _run(tmp_path, "big.txt", f"9-6-24: 45 mg/L\n10-6-24: {text}\n")
    assert proc.returncode == 0, proc.stderr[:300]
    [patient] = json.loads(proc.stdout)["patients"]
    [intervention] = patient["interventions"]
    assert intervention["text"] == text.strip()


@pytest.mark.parametrize(
    "call",
    [
        "from albutrend.reading.excel import _CELL; _CELL.findall(b'<c ' * 50_000)",
        "from albutrend.reading.tables import unit_in_name; unit_in_name('(' * 50_000 + ')')",
        "from albutrend.reading.quantities import split_quantity; split_quantity('1' * 50_000 + 'x\\ny')",
        "from albutrend.reading.analytes import result_in; result_in('BP ' + ' ' * 50_000 + '5 x' * 9)",
    ],
)
def test_a_pattern_on_a_crafted_text_ends(call):
    proc = subprocess.run(
        [sys.executable, "-c", call], capture_output=True, timeout=HANG_GUARD, check=False
    )
    assert proc.returncode == 0, proc.stderr
