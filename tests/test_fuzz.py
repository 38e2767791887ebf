"""Fuzzing the whole `report` command in a subprocess, as a user runs it, on a few
dozen generated files (seeded: the same files every run)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import FRAGMENTS

FILES = 40
# Readings of one quantity each (a trend needs one), with extremes and bounds.
FAMILIES = {
    "concentration": ["2487.4 mg/L", "1129,8 mg/L", "<3 mg/L", "0.000000001 g/L", "45", "3 mg/dL"],
    "ACR": ["45 mg/g", "0.000000001 mg/mmol", "1000000000 mg/mmol", "≥ 300 mg/g", "2,487.4 mg/g",
            "albumin 45 mg/L, creatinine 8.2 mmol/L"],
    "AER": ["12 ug/min", "300 mg/24h", ">3000 mg/day", "1000000000 µg/min", "0.000000001 mg/d"],
}  # fmt: skip
EVENTS = ["Received 100 million MSCs", "Started losartan 50 mg/day", "2x weekly dialysis"]
FORMATS = ["tsv", "csv", "json", "jsonl", "markdown", "table"]
SAFE_OPTIONS = [[], [], ["--acr-unit", "mg/mmol"], ["--acr-unit", "mg/g"], ["--cv-within", "19"]]
OPTIONS = [*SAFE_OPTIONS, ["--decimal", "comma"], ["--decimal", "point"], ["--month-first"]]


def _day(rng: random.Random) -> str:
    # Mostly within weeks of each other (steep changes), sometimes decades apart.
    year = rng.choice(["24", "24", "24", "19", "70"])
    return f"{rng.randint(1, 28)}-{rng.randint(1, 2)}-{year}"


# Inputs that once crashed or misled albutrend, run first (a fuzzer's seed corpus).
SEEDS = [
    (b"1-1-24: 0.000000001 mg/mmol\n2-1-24: Drug\n3-1-24: 1000000000 mg/mmol\n4-1-24: 45 mg/g\n",
     ["-f", "json"]),
    (b"patient,date,albumin\n\x1b[2JX\x07,9/6/24,45\n\x1b[2JX\x07,9/6/24,46\n", ["-f", "csv"]),
    (b"date,albumin,event\n9/6/24,\"2487\"4,\n26/6/24,,\"Drug\n", ["-f", "tsv"]),
    ("9-6-24: 45 µg/min\n".encode("cp1252"), ["-f", "table"]),
    ("9-6-24: 45 mg/L\n".encode("utf-16-le"), ["-f", "csv", "--encoding", "utf-16"]),
    (b"9-6-24: " + b"9" * 400 + b" mg/L\n", ["-f", "json"]),
]  # fmt: skip


def _good_lines(rng: random.Random) -> list[str]:
    family = FAMILIES[rng.choice(list(FAMILIES))]
    lines = []
    for _ in range(rng.randint(1, 12)):
        text = rng.choice(EVENTS) if rng.random() < 0.2 else rng.choice(family)
        lines.append(f"{_day(rng)}: {text}")
    return lines


def generate(rng: random.Random, number: int) -> tuple[bytes, list[str]]:
    kind = number % 5
    if kind == 0:  # notes of one quantity
        return "\n".join(_good_lines(rng)).encode(), _args(rng, SAFE_OPTIONS)
    if kind == 1:  # the same as CSV, with patients and an event column
        rows = ["patient,date,albumin,event"]
        for line in _good_lines(rng):
            day, text = line.split(": ", 1)
            cells = ["", text] if text in EVENTS else [text, ""]
            rows.append(",".join([f"P{rng.randint(1, 2)}", day, *(f'"{c}"' for c in cells)]))
        return "\n".join(rows).encode(), _args(rng, SAFE_OPTIONS)
    if kind == 2:  # any mix of messy pieces
        pieces = [*FRAGMENTS, *(f"{_day(rng)}: " for _ in range(5))]
        lines = ("".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(12))
        return "\n".join(lines).encode("utf-8", "surrogatepass"), _args(rng, OPTIONS)
    if kind == 3:  # random bytes, some behind a plausible start
        noise = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
        return rng.choice([b"", b"date,albumin\n", b"9-6-24: "]) + noise, _args(rng, OPTIONS)
    # good lines with a few bad ones in between, read with --skip-invalid
    lines = _good_lines(rng) + _good_lines(rng)
    for _ in range(rng.randint(1, 3)):
        lines.insert(rng.randrange(len(lines)), rng.choice(FRAGMENTS))
    data = "\r\n".join(lines).encode("utf-8", "surrogatepass")
    return data, [*_args(rng, OPTIONS), "--skip-invalid"]


def _args(rng: random.Random, options: list[list[str]]) -> list[str]:
    return ["-f", rng.choice(FORMATS), *rng.choice(options)]


def run(path: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.pop("ALBUTREND_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "albutrend", "report", str(path), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        timeout=120,
        env=env,
        check=False,
    )


def test_report_on_generated_files_exits_0_or_1_with_no_traceback(tmp_path):
    rng = random.Random(20241124)
    cases = []
    for number in range(FILES):
        data, args = SEEDS[number] if number < len(SEEDS) else generate(rng, number)
        path = tmp_path / f"fuzz{number:02}.txt"
        path.write_bytes(data)
        cases.append((path, args))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda case: run(*case), cases))
    outcomes = []
    for (path, args), result in zip(cases, results, strict=True):
        where = f"{path.name} {args}: {result.stderr[-300:]!r}"
        assert result.returncode in (0, 1), where
        assert "Traceback" not in result.stderr, where
        # stderr is for a person at a terminal: no raw escape or control characters.
        assert all(ch == "\n" or ch.isprintable() for ch in result.stderr), where
        if result.returncode == 1:
            assert result.stdout == "", where
            assert result.stderr.splitlines()[-1].startswith("albutrend: "), where
        elif "json" in args:
            json.loads(result.stdout, parse_constant=lambda name: 1 / 0)
        outcomes.append(result.returncode)
    # The generated files exercise both outcomes.
    assert outcomes.count(0) >= 10 and outcomes.count(1) >= 10, outcomes
