"""albutrend's benchmark: one command, figures and ratios measured side by side.

    pip install -e '.[bench]'          # pandas and polars, for the references
    python benchmarks/run.py           # 100k and 1M rows, 5 runs each (19 min, 2 cores)
    python benchmarks/run.py --quick   # 10k and 100k rows, 3 runs (about 2 min, 2 cores)

What it does, in order:
1. Writes seeded synthetic cohorts (`cohort.py`) under benchmarks/data/ (kept there
   for the next run; the folder is ignored by git): N rows, N/20 patients.
2. Checks that the pandas and polars references (`reference_*.py`) give the same
   figures as `albutrend report FILE --format tsv`: they do the TSV's work (category,
   baseline, days since, change, percent change, the marks of each follow-up, the
   category's move, the confirmed category and its move; `compared.COMPARED`) on
   every row. A mismatch stops the benchmark, loudly, before anything is timed.
3. Times whole processes, interleaved (a, b, c, a, b, c, …) so that both sides of a
   ratio see the same machine: the median wall time, the median CPU time (user and
   system) and the peak memory (maximum resident set size of the child, from wait4)
   of each command:
   - albutrend vs pandas vs polars on each cohort (output to /dev/null), and
     `albutrend cohort FILE --format tsv` (issue 18: within 2× of the report), and
     albutrend's JSON on the largest;
   - a clinic list (200 patients, 10k rows) as TSV, the terminal table, markdown
     and `--save report.html`;
   - `albutrend report examples/reference-case.txt --format table` vs
     `floor_table.py`, which only imports Rich and prints tables of the same size;
   - `albutrend --version` vs `python -c pass`.
   Children run with the bytecode cache on and output buffered, as on a user's
   machine (PYTHONDONTWRITEBYTECODE and PYTHONUNBUFFERED are removed), after one
   untimed warm-up run each.
4. Prints the figures, the ratios in wall and CPU time, and each target (issues 6
   and 16) as met or missed
   (`--strict`: exit 1 if one is missed). Tests never assert on time; this does.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))

from cohort import cohort_path, generate  # noqa: E402
from compared import COMPARED, NUMBERS  # noqa: E402

CLINIC_ROWS, CLINIC_PATIENTS = 10_000, 200  # a clinic list, for the human formats

# ---- the equality check ------------------------------------------------------------


def _rows(path: Path) -> list[tuple[object, ...]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        missing = set(COMPARED) - set(reader.fieldnames or ())
        if missing:
            raise SystemExit(f"{path}: no column(s) {sorted(missing)}")
        out = []
        for row in reader:
            out.append(
                tuple(
                    (float(row[c]) if row[c] != "" else None) if c in NUMBERS else row[c]
                    for c in COMPARED
                )
            )
    out.sort(key=lambda r: tuple("" if x is None else str(x) for x in r))
    return out


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def compare(albutrend_tsv: Path, reference_tsv: Path, limit: int = 5) -> list[str]:
    """The differences between albutrend's figures and a reference's, as messages
    (empty when they agree). Rows are matched after sorting, numbers to 1e-9."""
    mine, theirs = _rows(albutrend_tsv), _rows(reference_tsv)
    problems = []
    if len(mine) != len(theirs):
        problems.append(f"{len(mine)} rows from albutrend, {len(theirs)} from the reference")
    for a, b in zip(mine, theirs, strict=False):
        if not all(_same(x, y) for x, y in zip(a, b, strict=True)):
            problems.append(f"albutrend {a}\n    reference {b}")
            if len(problems) >= limit:
                break
    return problems


# ---- running and timing -----------------------------------------------------------


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONUNBUFFERED", None)
    return env


def run_once(argv: list[str], stdout: object = subprocess.DEVNULL) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user and system) and peak resident memory (MB) of
    one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL, env=child_env())
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(argv)} exited {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


@dataclass
class Timed:
    name: str
    argv: list[str]
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peak_mb: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        """Median CPU seconds: steadier than wall time on a shared machine, and what a
        process that uses both cores (polars) pays in full."""
        return statistics.median(self.cpus)


def side_by_side(commands: list[Timed], runs: int) -> None:
    for c in commands:  # warm-up: bytecode caches, the file in the page cache
        run_once(c.argv)
    for _ in range(runs):
        for c in commands:
            wall, cpu, peak = run_once(c.argv)
            c.walls.append(wall)
            c.cpus.append(cpu)
            c.peak_mb = max(c.peak_mb, peak)


def albutrend_command() -> list[str]:
    script = Path(sys.executable).with_name("albutrend")
    found = str(script) if script.exists() else shutil.which("albutrend")
    if not found:
        raise SystemExit("benchmark: no albutrend command; run pip install -e '.[bench]'")
    return [found]


def check(size: int, cohort: Path, albutrend: list[str], references: dict[str, list[str]]) -> None:
    mine = DATA / f"albutrend-{size}.tsv"
    with open(mine, "wb") as out:
        run_once([*albutrend, "report", str(cohort), "--format", "tsv"], stdout=out)
    for name, argv in references.items():
        theirs = DATA / f"{name}-{size}.tsv"
        with open(theirs, "wb") as out:
            run_once([*argv, str(cohort)], stdout=out)
        # In a child process: the parent stays small, since a child's peak memory
        # (from wait4) counts the memory of the parent it was forked from.
        done = subprocess.run(
            [sys.executable, __file__, "--compare", str(mine), str(theirs)],
            capture_output=True,
            text=True,
            check=False,
        )
        problems = done.stdout.split("\n\n") if done.returncode else []
        if problems:
            print(f"\nMISMATCH at {size} rows: albutrend and {name} disagree:", file=sys.stderr)
            for p in problems:
                print("  " + p, file=sys.stderr)
            raise SystemExit(3)
        print(f"  {size:>9,} rows: albutrend = {name} ({mine.name} vs {theirs.name})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,1000000", help="rows, comma-separated")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each command")
    ap.add_argument("--startup-runs", type=int, default=20, help="runs of the start-up pairs")
    ap.add_argument("--quick", action="store_true", help="--sizes 10000,100000 --runs 3")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--compare", nargs=2, type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.compare:
        problems = compare(*a.compare)
        print("\n\n".join(problems), end="")
        return 3 if problems else 0
    if a.quick:
        a.sizes, a.runs, a.startup_runs = "10000,100000", 3, 10
    sizes = [int(s) for s in a.sizes.split(",")]
    python = sys.executable
    albutrend = albutrend_command()
    for module in ("pandas", "polars"):  # found, not imported: the parent stays small
        if importlib.util.find_spec(module) is None:
            raise SystemExit(f"benchmark: {module} is missing: pip install -e '.[bench]'")
    references = {
        "pandas": [python, str(HERE / "reference_pandas.py")],
        "polars": [python, str(HERE / "reference_polars.py")],
    }

    print(f"albutrend benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("1. cohorts and the equality check")
    cohorts = {}
    for size in sizes:
        path = cohort_path(DATA, size, max(1, size // 20), 6)
        if not path.exists():
            generate(path, size, max(1, size // 20), 6)
        cohorts[size] = path
        check(size, path, albutrend, references)

    print(f"2. whole processes, median of {a.runs} runs (start-up pairs: {a.startup_runs})")
    results: dict[str, Timed] = {}
    largest = max(sizes)
    for size, path in cohorts.items():
        report = [*albutrend, "report", str(path), "--format"]
        group = [
            Timed(f"albutrend {size}", [*report, "tsv"]),
            Timed(f"cohort {size}", [*albutrend, "cohort", str(path), "--format", "tsv"]),
            Timed(f"pandas {size}", [*references["pandas"], str(path)]),
            Timed(f"polars {size}", [*references["polars"], str(path)]),
        ]
        if size == largest:  # JSON streams a patient at a time like TSV: same file
            group.append(Timed(f"albutrend json {size}", [*report, "json"]))
        side_by_side(group, a.runs)
        results.update({t.name: t for t in group})
    # A clinic list: 200 patients, 10k rows, in every human format and in TSV.
    clinic = cohort_path(DATA, CLINIC_ROWS, CLINIC_PATIENTS, 6)
    if not clinic.exists():
        generate(clinic, CLINIC_ROWS, CLINIC_PATIENTS, 6)
    saved = DATA / "clinic-report.html"
    clinic_report = [*albutrend, "report", str(clinic)]
    human = [
        Timed("clinic tsv", [*clinic_report, "-f", "tsv"]),
        Timed("clinic table", [*clinic_report, "-f", "table"]),
        Timed("clinic markdown", [*clinic_report, "-f", "markdown"]),
        Timed("clinic --save html", [*clinic_report, "-f", "tsv", "--save", str(saved)]),
    ]
    side_by_side(human, max(1, min(a.runs, 3)))
    results.update({t.name: t for t in human})
    reference_case = str(ROOT / "examples" / "reference-case.txt")
    table = [
        Timed("albutrend report (table)", [*albutrend, "report", reference_case, "-f", "table"]),
        Timed("floor: rich table", [python, str(HERE / "floor_table.py")]),
    ]
    version = [
        Timed("albutrend --version", [*albutrend, "--version"]),
        Timed("python -c pass", [python, "-c", "pass"]),
    ]
    side_by_side(table, a.startup_runs)
    side_by_side(version, a.startup_runs)
    results.update({t.name: t for t in table + version})

    print(f"   {'command':<28}{'median s':>10}{'min s':>9}{'CPU s':>9}{'peak MB':>9}")
    for t in results.values():
        print(f"   {t.name:<28}{t.median:>10.3f}{min(t.walls):>9.3f}{t.cpu:>9.3f}{t.peak_mb:>9.0f}")

    print("3. ratios (medians of the same run; wall time, then CPU time) and the targets")
    missed = 0

    def target(text: str, ok: bool) -> None:
        nonlocal missed
        missed += not ok
        print(f"   [{'met' if ok else 'MISSED'}] {text}")

    def ratio(a: Timed, b: Timed) -> str:
        return f"{a.median / b.median:.2f} (CPU {a.cpu / b.cpu:.2f})"

    for size in sizes:
        mine = results[f"albutrend {size}"]
        pd_, pl_ = results[f"pandas {size}"], results[f"polars {size}"]
        print(
            f"   {size:>9,} rows: albutrend/pandas {ratio(mine, pd_)}, "
            f"albutrend/polars {ratio(mine, pl_)}"
        )
        cohort = results[f"cohort {size}"]
        print(
            f"   {size:>9,} rows: cohort/report --format tsv {cohort.median / mine.median:.2f} "
            f"({cohort.median:.2f} s vs {mine.median:.2f} s)"
        )
        if size == 1_000_000:
            target(
                f"1M rows: cohort within 2× of report --format tsv "
                f"({cohort.median / mine.median:.2f}×)",
                cohort.median <= 2 * mine.median,
            )
            target(f"1M rows in at most 250 MB ({mine.peak_mb:.0f} MB)", mine.peak_mb <= 250)
            target("1M rows: faster than pandas in wall time", mine.median < pd_.median)
            target(
                "1M rows: faster than pandas in CPU time",
                mine.cpu < pd_.cpu,
            )
        if size == largest:
            js = results[f"albutrend json {size}"]
            print(
                f"   {size:>9,} rows: json/tsv {ratio(js, mine)}, "
                f"memory {js.peak_mb / mine.peak_mb:.2f}"
            )
            target(
                f"JSON within 3× the TSV time ({js.median / mine.median:.2f}×)",
                js.median <= 3 * mine.median,
            )
            target(
                f"JSON within 1.5× the TSV peak memory ({js.peak_mb / mine.peak_mb:.2f}×)",
                js.peak_mb <= 1.5 * mine.peak_mb,
            )
    tsv = results["clinic tsv"]
    for name in ("table", "markdown", "--save html"):
        t = results[f"clinic {name}"]
        print(
            f"   clinic list ({CLINIC_PATIENTS} patients, {CLINIC_ROWS:,} rows): "
            f"{name}/tsv {ratio(t, tsv)}"
        )
        target(f"{name} within 3× the TSV time of the clinic list", t.median <= 3 * tsv.median)
    t_report, t_floor = results["albutrend report (table)"], results["floor: rich table"]
    t_version, t_pass = results["albutrend --version"], results["python -c pass"]
    start_ratio = t_report.median / t_floor.median
    print(f"   report on the reference case / floor: {ratio(t_report, t_floor)}")
    target(
        f"report on the reference case at most 2× the floor ({start_ratio:.2f}×)",
        start_ratio <= 2,
    )
    print(
        f"   --version / python -c pass: {ratio(t_version, t_pass)} "
        f"({t_version.median * 1000:.0f} ms vs {t_pass.median * 1000:.0f} ms)"
    )
    return 1 if a.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
