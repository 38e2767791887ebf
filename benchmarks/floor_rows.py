"""The least pure Python can spend on `albutrend report COHORT --format tsv`: csv
reading the cohort, then a loop that does nothing but format one TSV row of 32
cells (two `%.12g` figures: change and percent) per row read, and join them. No
dates, values or units are read, nothing is grouped, classified or written.
albutrend does all of that and writes about 7% more rows than it reads, so its
time is above the sum of these two.

    python benchmarks/floor_rows.py            # 1M rows, 50k patients (as run.py)
    python benchmarks/floor_rows.py 100000
"""

from __future__ import annotations

import csv
import gc
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cohort import cohort_path, generate  # noqa: E402


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = cohort_path(HERE / "data", rows, max(1, rows // 20), 6)
    if not path.exists():
        generate(path, rows, max(1, rows // 20), 6)
    gc.disable()  # as albutrend's report does
    start = time.perf_counter()
    with open(path, newline="") as f:
        patients = [row[0] for row in csv.reader(f)]  # one cell kept: the rest is freed
    read = time.perf_counter() - start
    start = time.perf_counter()
    out = []
    add = out.append
    before = 100.0
    for patient in patients:
        value = float(len(patient))  # a float per row, as a reading's value
        change = value - before
        pct = change / before * 100
        add(
            f"{patient}\t2020-01-01\t{value}\tmg/g\t\tA2\tfalse\tfalse\t2019-01-01\tStarted"
            f"\t12\t2018-01-01\t{before}\tmg/g\t\t{change:.12g}\t{pct:.12g}\t\t\tfalse\ttrue"
            f"\ttrue\tprogression\t\t\t\t\t{path.name}\t123\tfalse\tA2\t\n"
        )
    text = "".join(out)
    write = time.perf_counter() - start
    print(
        f"{len(patients) - 1:,} rows: csv reads them in {read:.2f} s; formatting as many "
        f"32-cell rows ({len(text) / 1e6:.0f} MB) takes {write:.2f} s; "
        f"together {read + write:.2f} s"
    )


if __name__ == "__main__":
    main()
