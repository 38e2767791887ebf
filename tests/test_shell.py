"""For the shell: -V, completion scripts (bash, zsh, fish; the shell is named, never
guessed) that really complete, and examples at the end of every command's --help."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from albutrend import __version__
from albutrend.cli import app

runner = CliRunner()
COMMANDS = ["report", "note", "chart", "cohort", "classify", "config", "completion"]


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_short_and_long(flag):
    result = runner.invoke(app, [flag])
    assert (result.exit_code, result.stdout) == (0, f"albutrend {__version__}\n")
    fast = subprocess.run(
        [sys.executable, "-m", "albutrend", flag], capture_output=True, text=True, check=True
    )
    assert fast.stdout == f"albutrend {__version__}\n"


@pytest.mark.parametrize(
    ("shell", "line"),
    [
        ("bash", "complete -o default -F _albutrend_completion albutrend"),
        ("zsh", "compdef _albutrend_completion albutrend"),
        ("fish", "complete --command albutrend --no-files"),
    ],
)
def test_completion_prints_the_script_of_the_shell_named(shell, line):
    result = runner.invoke(app, ["completion", shell])
    assert result.exit_code == 0 and result.stderr == ""
    assert line in result.stdout
    assert f"_ALBUTREND_COMPLETE=complete_{shell}" in result.stdout


def test_completion_of_an_unknown_shell_is_a_usage_error():
    result = runner.invoke(app, ["completion", "powershell"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "'powershell' is not one of 'bash', 'zsh', 'fish'" in result.stderr


def _complete(words: str, cword: int) -> str:
    env = {**os.environ, "_ALBUTREND_COMPLETE": "complete_bash", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(cword)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, albutrend; sys.argv[0] = 'albutrend'; albutrend.main()",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_bash_script_completes_commands_options_and_values():
    assert _complete("albutrend rep", 1) == "report\n"
    assert _complete("albutrend report --acr", 2) == "--acr-unit\n"
    assert _complete("albutrend report --acr-unit mg/m", 3) == "mg/mmol\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_commands_help_ends_with_examples_of_it(command):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    head, _, examples = result.stdout.rpartition("\n  Examples:\n\n")
    assert head
    lines = examples.rstrip("\n").split("\n")
    assert 2 <= len(lines) <= 3
    assert all(line.startswith(f"    albutrend {command}") for line in lines), lines
