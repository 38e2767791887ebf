"""Large files: Ctrl-C, the progress line, and the benchmark's own tools (its
cohort generator and equality check). No test here asserts on time."""

from __future__ import annotations

import csv
import io
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from albutrend.present import progress

sys.path.insert(0, str(ROOT / "benchmarks"))

from cohort import generate
from run import compare


def albutrend(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "albutrend", *args],
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        **kwargs,  # type: ignore[call-overload]
    )


def test_ctrl_c_on_a_large_file_ends_with_130_and_no_traceback(tmp_path):
    big = generate(tmp_path / "big.csv", 400_000, 20_000)
    proc = albutrend("report", str(big), "--format", "tsv")
    time.sleep(1.0)  # imports done, reading under way
    if proc.poll() is not None:
        pytest.skip("the report finished before the signal: a very fast machine")
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert "albutrend: interrupted" in stderr
    assert "albutrend: reading" not in stderr  # no progress line when stderr is a pipe


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_after_a_delay_and_is_cleared(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "DELAY", 0.0)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * progress.LARGE)
    terminal = _Terminal()
    with progress.Progress([str(big)], terminal) as p:
        time.sleep(0.3)
        p.phase("writing the report")
        terminal.write("albutrend: warning: …\n")
    out = terminal.getvalue()
    assert "albutrend: reading 2 MB… 0 s" in out and out.endswith("\r\x1b[K")
    # Warnings about what was read come right after the phase changes: they start on
    # a clean line, not after "albutrend: reading 2 MB… 2 s".
    assert "\r\x1b[Kalbutrend: warning: …\n" in out


def test_progress_says_how_much_of_the_input_is_read(tmp_path, monkeypatch):
    from albutrend.reading.sources import NOW_READING

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(b"x" * 1000)
    second.write_bytes(b"x" * 3000)
    p = progress.Progress([str(first), str(second)], _Terminal())
    assert p.percent_read() is None  # nothing open yet
    with open(second, "rb") as stream:
        stream.seek(1000)
        monkeypatch.setattr("albutrend.reading.sources.NOW_READING", [stream])
        assert p.percent_read() == 50  # all of a.csv and a third of b.csv: 2000 of 4000
        stream.seek(3000)
        assert p.percent_read() == 99  # read, not yet parsed
    assert NOW_READING == []
    assert progress.Progress(["-"], _Terminal()).percent_read() is None


def test_no_progress_in_a_pipe_or_for_a_small_file(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "DELAY", 0.0)
    small = tmp_path / "small.csv"
    small.write_text("date,albumin\n1-1-24,45\n")
    pipe, terminal = io.StringIO(), _Terminal()
    for stream, path in ((pipe, ROOT / "README.md"), (terminal, small)):
        with progress.Progress([str(path)], stream):
            time.sleep(0.1)
        assert stream.getvalue() == ""


def test_the_benchmark_cohort_and_equality_check(tmp_path):
    cohort = generate(tmp_path / "cohort.csv", 400, 20, seed=1)
    rows = list(csv.DictReader(cohort.open(encoding="utf-8")))
    assert len(rows) == 400 and {r["unit"] for r in rows if r["albumin"]} == {"mg/g"}
    assert 0 < sum(1 for r in rows if r["event"]) < 60  # about 5% interventions
    assert generate(tmp_path / "again.csv", 400, 20, seed=1).read_bytes() == cohort.read_bytes()
    mine = tmp_path / "albutrend.tsv"
    with mine.open("w") as out:
        subprocess.run(
            [sys.executable, "-m", "albutrend", "report", str(cohort), "-f", "tsv"],
            stdout=out,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    assert compare(mine, mine) == []
    text = mine.read_text().splitlines()
    k = next(i for i, line in enumerate(text) if "\t20" in line and line.split("\t")[16])
    cells = text[k].split("\t")
    cells[16] = str(float(cells[16]) + 0.01)  # change_pct off by a hundredth
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("\n".join([*text[:k], "\t".join(cells), *text[k + 1 :]]) + "\n")
    assert compare(mine, wrong)
    for reference in ("reference_pandas.py", "reference_polars.py"):
        pytest.importorskip(reference.split("_")[1].split(".")[0])
        theirs = tmp_path / f"{reference}.tsv"
        with theirs.open("w") as out:
            script = ROOT / "benchmarks" / reference
            subprocess.run([sys.executable, str(script), str(cohort)], stdout=out, check=True)
        assert compare(mine, theirs) == []
