"""Nothing written, nothing sent: albutrend writes no file but the one `--save`
names, opens no network connection, and an internal error shows no value from the
file (README "Privacy")."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import EXAMPLES

REFERENCE = EXAMPLES / "reference-case.txt"
SECRET = "2487.4"  # a value from the reference case

# Loaded by every Python started with this directory on PYTHONPATH: any socket is
# an error, reported on stderr, so a connection attempt can never pass unnoticed.
NO_NETWORK = textwrap.dedent(
    """
    import socket, sys

    def forbidden(*args, **kwargs):
        sys.stderr.write("NETWORK ATTEMPT\\n")
        raise OSError("network access is forbidden in this test")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            forbidden()

    socket.socket = NoSocket
    socket.create_connection = forbidden
    socket.getaddrinfo = forbidden
    socket.socketpair = forbidden
    """
)


def albutrend(
    *args: str, cwd: Path, home: Path, guard: Path | None = None, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m albutrend ARGS` (or `python -c CODE ARGS`) with HOME, the working
    directory and TMPDIR in `home`'s parent, and no colour variables from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORCE_COLOR", "ALBUTREND"))}
    env.update(
        HOME=str(home),
        TMPDIR=str(home.parent / "tmp"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    if guard is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(guard), env.get("PYTHONPATH")]))
    command = ["-c", code] if code is not None else ["-m", "albutrend"]
    return subprocess.run(
        [sys.executable, *command, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def listing(*roots: Path) -> set[tuple[str, int]]:
    """Every file and folder under `roots`, with its size."""
    return {
        (str(p), p.stat().st_size if p.is_file() else -1)
        for root in roots
        for p in [root, *root.rglob("*")]
    }


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, Path]:
    places = {name: tmp_path / name for name in ("home", "cwd", "tmp", "guard", "input")}
    for place in places.values():
        place.mkdir()
    (places["guard"] / "sitecustomize.py").write_text(NO_NETWORK)
    (places["input"] / "notes.txt").write_text(REFERENCE.read_text())
    (places["input"] / "bad.txt").write_text("9-6-24: 2487.4 mg/L\n31-2-24: 100 mg/L\n")
    return places


RUNS = [
    ["report", "{input}/notes.txt"],
    ["report", "{input}/notes.txt", "-f", "table"],
    ["report", "{input}/notes.txt", "-f", "json"],
    ["report", "{input}/notes.txt", "-f", "markdown"],
    ["report", "{input}/bad.txt"],
    ["report", "{input}/bad.txt", "--skip-invalid", "-f", "csv"],
    ["classify", "45", "mg/g"],
]


def test_the_guard_catches_a_connection(sandbox):
    # Without this, the next test could pass because the guard was never loaded.
    code = "import socket; socket.create_connection(('127.0.0.1', 9))"
    result = albutrend(cwd=sandbox["cwd"], home=sandbox["home"], guard=sandbox["guard"], code=code)
    assert result.returncode != 0 and "NETWORK ATTEMPT" in result.stderr


def test_nothing_written_and_nothing_sent(sandbox):
    watched = [sandbox[name] for name in ("home", "cwd", "tmp", "input")]
    before = listing(*watched)
    for args in RUNS:
        args = [a.format(input=sandbox["input"]) for a in args]
        result = albutrend(*args, cwd=sandbox["cwd"], home=sandbox["home"], guard=sandbox["guard"])
        assert result.returncode == (1 if args[1].endswith("bad.txt") and len(args) == 2 else 0)
        assert "NETWORK ATTEMPT" not in result.stderr, args
        assert "internal error" not in result.stderr, (args, result.stderr)
    assert listing(*watched) == before


def test_save_writes_the_named_file_and_nothing_else(sandbox):
    watched = [sandbox[name] for name in ("home", "cwd", "tmp", "input")]
    before = listing(*watched)
    saved = sandbox["cwd"] / "report.html"
    notes = str(sandbox["input"] / "notes.txt")
    result = albutrend(
        "report", notes, "--save", str(saved),
        cwd=sandbox["cwd"], home=sandbox["home"], guard=sandbox["guard"],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "NETWORK ATTEMPT" not in result.stderr
    after = listing(*watched)
    assert before < after and after - before == {(str(saved), saved.stat().st_size)}
    assert saved.stat().st_size > 0


def _failing(raise_in: str) -> str:
    """Python that runs albutrend with `raise_in` raising an error holding a value."""
    module, _, name = raise_in.rpartition(".")
    return textwrap.dedent(
        f"""
        import {module} as target
        def boom(*args, **kwargs):
            raise ValueError("could not use {SECRET} mg/L for MRN 0012345")
        target.{name} = boom
        from albutrend.cli import main
        main()
        """
    )


@pytest.mark.parametrize(
    "raise_in", ["albutrend.clinical.analysis.timelines", "albutrend.present.output.write_rows"]
)
def test_an_internal_error_shows_its_type_never_its_message(sandbox, raise_in):
    notes = str(sandbox["input"] / "notes.txt")
    code = _failing(raise_in)
    result = albutrend("report", notes, cwd=sandbox["cwd"], home=sandbox["home"], code=code)
    assert result.returncode == 70
    assert result.stdout == ""
    assert result.stderr == (
        "albutrend: internal error (ValueError). Nothing was written. Run 'albutrend --debug "
        "…' to see where, and report it without patient data.\n"
    )
    assert SECRET not in result.stderr and "0012345" not in result.stderr
    # --debug is the user's choice to see it all: the traceback and its message.
    debug = albutrend(
        "--debug", "report", notes, cwd=sandbox["cwd"], home=sandbox["home"], code=code
    )
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert f"ValueError: could not use {SECRET} mg/L for MRN 0012345" in debug.stderr
