"""--strict: a script can rely on a report being whole. Any warning exits 1 with no
report (stdout empty, no saved file) and the warnings on stderr."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from albutrend.cli import app

runner = CliRunner()
SAME_DATE = "1-1-24: 100 mg/g\n1-1-24: 90 mg/g\n2-1-24: Drug\n9-1-24: 45 mg/g\n"


def _warning(path: str) -> str:
    return (
        f"albutrend: warning: {path}:2: a second reading on 2024-01-01 (also line 1); both "
        "are kept; as a baseline the later line is used\n"
    )


STOP = "albutrend: 1 warning(s) and --strict: nothing reported\n"


@pytest.mark.parametrize(
    "command",
    [
        ["report", "-f", "tsv"],  # written row by row
        ["report", "-f", "json"],
        ["report", "-f", "table"],
        ["note"],
        ["chart"],
    ],
)
def test_a_warning_with_strict_exits_1_with_no_report(tmp_path, command):
    f = tmp_path / "same.txt"
    f.write_text(SAME_DATE)
    result = runner.invoke(app, [*command, str(f), "--strict"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == _warning(str(f)) + STOP
    without = runner.invoke(app, [*command, str(f)])
    assert without.exit_code == 0 and without.stdout != ""
    assert without.stderr == _warning(str(f))


def test_a_line_skipped_with_strict_is_a_failure(tmp_path):
    f = tmp_path / "typo.txt"
    f.write_text("1-1-24: 100 mg/g\n31-2-24: 90 mg/g\n")
    result = runner.invoke(app, ["report", str(f), "--skip-invalid", "--strict", "-f", "tsv"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"albutrend: skipped {f}:2: '31-2-24' is not a date: day out of range for February\n" + STOP
    )


def test_strict_saves_nothing_when_there_is_a_warning(tmp_path):
    f = tmp_path / "same.txt"
    f.write_text(SAME_DATE)
    saved = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(f), "--strict", "--save", str(saved)])
    assert result.exit_code == 1 and not saved.exists()


def test_strict_without_a_warning_is_the_usual_report():
    reference = str(EXAMPLES / "reference-case.txt")
    strict = runner.invoke(app, ["report", reference, "-f", "tsv", "--strict"])
    plain = runner.invoke(app, ["report", reference, "-f", "tsv"])
    assert (strict.exit_code, strict.stdout, strict.stderr) == (0, plain.stdout, "")
