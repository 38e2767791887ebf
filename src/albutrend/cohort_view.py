"""A case series as people read it: a table per quantity (terminal and markdown),
with what was left out and how the figures were made, as the blocks of
`views.py` (the Rich and markdown renderers draw them)."""

from __future__ import annotations

from typing import IO

from . import wording as say
from .cohort import (
    BOUND,
    MARKS,
    NO_BASELINE,
    NO_READING,
    NOT_COMPARABLE,
    REASONS,
    Cohort,
    TargetSummary,
)
from .units import CONCENTRATION, FAMILY_DESCRIPTIONS
from .views import Block, Grid, Heading, Line

MINUS = say.MINUS
NONE = "—"

REASON_WORDS = {
    NO_BASELINE: "no baseline",
    NO_READING: "no reading in the window",
    BOUND: "a bound leaves the ratio open",
    NOT_COMPARABLE: "not comparable",
}
QUANTITY_TITLES = {
    "ACR": "Albumin-to-creatinine ratio (ACR)",
    "AER": "Albumin excretion rate (AER)",
    CONCENTRATION: "Albumin concentration (mg/L)",
}


def ratio_text(value: float) -> str:
    """Two decimals; below 0.01 (a wide interval's low end) `<0.01`, not `0.00`."""
    return f"{value:.2f}" if value >= 0.005 else "<0.01"


def gmr_text(s: TargetSummary) -> str:
    """`0.45 (0.30–0.68)`; `0.45` alone for one patient; `—` for none."""
    if s.gmr is None:
        return NONE
    if s.gmr_ci is None:
        return ratio_text(s.gmr)
    low, high = s.gmr_ci
    return f"{ratio_text(s.gmr)} ({ratio_text(low)}–{ratio_text(high)})"


def pct_text(value: float) -> str:
    return f"{value:+.1f}%".replace("-", MINUS)


def median_text(s: TargetSummary) -> str:
    """`−38.2% (−50.1% to −20.3%)`; the median alone for one patient."""
    if s.median_change_pct is None:
        return NONE
    if s.iqr_change_pct is None:
        return pct_text(s.median_change_pct)
    low, high = s.iqr_change_pct
    return f"{pct_text(s.median_change_pct)} ({pct_text(low)} to {pct_text(high)})"


def count_text(s: TargetSummary, mark: str) -> str:
    """`7 (58%)`: how many of the n passed `mark`."""
    if not s.n:
        return NONE
    return f"{s.marks[mark]} ({s.marks[mark] / s.n * 100:.0f}%)"


def day_text(s: TargetSummary) -> str:
    return f"{s.target_days} ({s.window[0]}–{s.window[1]})"


def left_out_text(s: TargetSummary) -> str:
    return str(sum(s.excluded.values()))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _heading(cohort: Cohort) -> list[Block]:
    o = cohort.options
    noun = "intervention" if cohort.interventions == 1 else "interventions"
    which = f"{noun} matching '{o.pattern}'" if o.pattern is not None else noun
    per = "every one of a patient" if o.all_matching else "the first of each patient"
    text = (
        f"Case series: {cohort.interventions} {which} ({per}) of "
        f"{_plural(cohort.patients, 'patient')}; the change since each at "
        f"{', '.join(map(str, o.targets))} days, reading nearest the target within "
        f"{o.window.describe()}."
    )
    blocks: list[Block] = [Heading("Cohort"), Line(text)]
    if cohort.without_readings:
        blocks.append(
            Line(
                f"{cohort.without_readings} of them have no reading at all: in no table.",
                "warn",
            )
        )
    if not cohort.summaries:
        blocks.append(Line("No intervention has a reading to compare: nothing to show.", "warn"))
    return blocks


def _left_out_lines(summaries: list[TargetSummary]) -> list[Block]:
    parts = []
    for s in summaries:
        reasons = [f"{s.excluded[r]} {REASON_WORDS[r]}" for r in REASONS if s.excluded[r]]
        if reasons:
            parts.append(f"day {s.target_days}: {', '.join(reasons)}")
    if not parts:
        return []
    return [Line("Left out: " + "; ".join(parts) + ".", "dim")]


def table_blocks(cohort: Cohort) -> list[Block]:
    """The terminal's view: per quantity, the change and then the marks (two grids,
    each within 80 columns)."""
    blocks = _heading(cohort)
    for q in cohort.quantities():
        summaries = [s for s in cohort.summaries if s.quantity == q]
        title = QUANTITY_TITLES.get(q, FAMILY_DESCRIPTIONS.get(q, q))
        change = Grid(
            f"{title}: change since the intervention",
            ["Day", "n", "GMR (95% CI)", "Median change (IQR)", "Left out"],
        )
        marks = Grid(
            f"{title}: marks, n (% of n)",
            ["Day", "≥30% fall", "Beyond RCV", "Halving", "Doubling", "↓ cat.", "↑ cat."],
        )
        for s in summaries:
            change.rows.append(
                [day_text(s), str(s.n), gmr_text(s), median_text(s), left_out_text(s)]
            )
            marks.rows.append([str(s.target_days)] + [count_text(s, m) for m in MARKS])
        blocks += [change, marks]
        blocks += _left_out_lines(summaries)
    return blocks + footnotes(cohort)


def markdown_blocks(cohort: Cohort) -> list[Block]:
    """The manuscript's table: n, GMR (95% CI), median (IQR), n (%) with a 30% fall."""
    blocks = _heading(cohort)
    for q in cohort.quantities():
        summaries = [s for s in cohort.summaries if s.quantity == q]
        grid = Grid(
            QUANTITY_TITLES.get(q, q),
            [
                "Day (window)",
                "n",
                "GMR (95% CI)",
                "Median change, % (IQR)",
                "≥30% fall, n (%)",
                "Left out",
            ],
        )
        for s in summaries:
            grid.rows.append(
                [
                    day_text(s),
                    str(s.n),
                    gmr_text(s),
                    median_text(s),
                    count_text(s, "fall_30"),
                    left_out_text(s),
                ]
            )
        blocks.append(grid)
        blocks += _left_out_lines(summaries)
    return blocks + footnotes(cohort)


def footnotes(cohort: Cohort) -> list[Block]:
    rcv = cohort.settings.rcv
    lines: list[Block] = []
    if cohort.skipped:
        lines.append(Line(f"{cohort.skipped} input line(s) with problems were left out.", "warn"))
    lines += [
        Line(
            "GMR: geometric mean of each reading's ratio to its baseline (0.62: 38% lower); "
            "95% CI by the t distribution on the log ratios, none for fewer than 2. "
            "Median change with its interquartile range. Baselines, changes and marks "
            "are the report's; ↓/↑ cat.: a move down (regression) or up (progression) a category.",
            "dim",
        ),
        Line(
            f"RCV: CV_I {rcv.cv_within * 100:g}%, CV_A {rcv.cv_analytical * 100:g}%, "
            f"{rcv.confidence * 100:g}% two-sided: beyond {say.percent(cohort.rcv_fall)} "
            f"or {say.percent(cohort.rcv_rise)}.",
            "dim",
        ),
        Line(
            "A case series has no control group: falls include regression to the mean "
            "and day-to-day variation, and the 30% fall is a group-level trial surrogate, "
            "not a verdict on a patient.",
            "dim",
        ),
    ]
    return lines


def write_view(cohort: Cohort, fmt: str, out: IO[str]) -> None:
    """The table (Rich) or markdown view of `cohort`."""
    if fmt == "table":
        from .render_rich import make_console, render

        render(table_blocks(cohort), make_console(out))
    elif fmt == "markdown":
        from .export import write_markdown

        write_markdown(markdown_blocks(cohort), out)
    else:
        raise ValueError(f"unknown format {fmt!r}")
