"""Which library reads a lab's workbook faster: python-calamine or openpyxl (read-only,
data_only). Writes a workbook of ROWS rows (openpyxl, write-only), then times, each in
a fresh process, the import and a loop over every row. README "Input formats" has the
figures that chose python-calamine.

    pip install -e '.[bench]' && python benchmarks/excel_readers.py [ROWS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

READ = {
    "openpyxl": (
        "import openpyxl",
        "wb = openpyxl.load_workbook(PATH, read_only=True, data_only=True)\n"
        "n = sum(1 for _ in wb['Results'].iter_rows(values_only=True))\nwb.close()",
    ),
    "python-calamine": (
        "import python_calamine",
        "wb = python_calamine.CalamineWorkbook.from_path(PATH)\n"
        "n = sum(1 for _ in wb.get_sheet_by_name('Results').iter_rows())",
    ),
}
TIMED = """
import resource, time
PATH = {path!r}
t0 = time.perf_counter()
{imp}
t1 = time.perf_counter()
{read}
t2 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"import {{1000 * (t1 - t0):.0f}} ms, {{n}} rows in {{t2 - t1:.2f}} s, peak {{peak}} MB")
"""


def make(path: Path, rows: int) -> None:
    import datetime
    import random

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    sheet.append(["Patient", "Collected", "Test", "Result", "Units"])
    rng = random.Random(1)
    start = datetime.datetime(2020, 1, 1, 8, 30)
    for i in range(rows):
        day = start + datetime.timedelta(days=i % 1500)
        value = round(rng.uniform(2, 900), 1)
        sheet.append([f"P{i % 5000:05d}", day, "Urine albumin/creatinine ratio", value, "mg/g"])
    book.save(path)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.xlsx"
        make(path, rows)
        print(f"{rows} rows, {path.stat().st_size / 1e6:.1f} MB")
        for name, (imp, read) in READ.items():
            code = TIMED.format(path=str(path), imp=imp, read=read)
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            print(f"{name}: {done.stdout.strip() or done.stderr.strip()}")


if __name__ == "__main__":
    main()
