"""A synthetic cohort for the benchmark: seeded, so runs compare.

    python benchmarks/cohort.py --rows 1000000 --patients 50000 --out benchmarks/data/x.csv

Columns `patient,date,albumin,unit,event`, rows in random order (as a registry
export that was never sorted). About 5% of the rows are interventions: an `event`
text and no value. Dates are day first with a two-digit year (`9-6-24`), all
between 2015 and 2024, so in the past and read as 20YY by every reader. Values are
ACRs in mg/g, log-normal around 60 mg/g, with some exactly on the cut-offs (30 and
300 are A2) so the inclusive boundary is exercised. Some patients have two readings
on one day (albutrend warns, and the later line is the baseline) and some
interventions fall on a reading's day (that reading is the baseline).
"""

from __future__ import annotations

import argparse
import math
import random
from datetime import date, timedelta
from pathlib import Path

HEADER = "patient,date,albumin,unit,event\n"
EVENTS = (
    "Started ramipril 5 mg daily",
    "Started empagliflozin 10 mg daily",
    "Received 100 million MSCs intravenously",
    "Started finerenone 10 mg",
    '"Losartan 50 mg, then 100 mg"',  # a comma inside a quoted cell
)
FIRST_DAY = date(2015, 1, 1)
DAYS = (date(2024, 12, 31) - FIRST_DAY).days + 1
EVENT_SHARE = 0.05
ON_CUT_OFF = ("30", "300", "29.9", "300.1")


def _day_first(d: date) -> str:
    return f"{d.day}-{d.month}-{d.year % 100:02d}"


def generate(path: Path, rows: int, patients: int, seed: int = 6) -> Path:
    """Write the cohort to `path` (parent folders made) and return it."""
    rng = random.Random(seed)
    dates = [_day_first(FIRST_DAY + timedelta(days=k)) for k in range(DAYS)]
    ids = [f"P{k:06d}" for k in range(1, patients + 1)]
    mu, sigma = math.log(60), 1.4
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        batch: list[str] = []
        for _ in range(rows):
            patient = ids[rng.randrange(patients)]
            when = dates[rng.randrange(DAYS)]
            draw = rng.random()
            if draw < EVENT_SHARE:
                batch.append(f"{patient},{when},,,{EVENTS[rng.randrange(len(EVENTS))]}\n")
            else:
                if draw < EVENT_SHARE + 0.01:
                    value = ON_CUT_OFF[rng.randrange(len(ON_CUT_OFF))]
                else:
                    value = f"{max(0.1, rng.lognormvariate(mu, sigma)):.1f}"
                batch.append(f"{patient},{when},{value},mg/g,\n")
            if len(batch) >= 10_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
    tmp.replace(path)
    return path


def cohort_path(folder: Path, rows: int, patients: int, seed: int) -> Path:
    return folder / f"cohort-{rows}-{patients}-{seed}.csv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--patients", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    out = a.out or cohort_path(Path(__file__).parent / "data", a.rows, a.patients, a.seed)
    print(generate(out, a.rows, a.patients, a.seed))


if __name__ == "__main__":
    main()
