"""A case series as people read it: a table per quantity (terminal and markdown),
with what was left out and how the figures were made, as the blocks of
`views.py` (the Rich and markdown renderers draw them)."""

from __future__ import annotations

import math
from typing import IO

from albutrend.clinical.baseline import MEAN
from albutrend.clinical.cohort import (
    BOUND,
    MARKS,
    NO_BASELINE,
    NO_READING,
    NOT_COMPARABLE,
    REASONS,
    Cohort,
    Contribution,
    TargetSummary,
)
from albutrend.clinical.units import CONCENTRATION, FAMILY_DESCRIPTIONS
from albutrend.model import Family
from albutrend.present import wording as say
from albutrend.present.views import Block, Grid, Heading, Line

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


def view_blocks(cohort: Cohort, width: int, waterfall_at: int | None = None) -> list[Block]:
    """The terminal's (and a saved file's) view: the tables, then the waterfalls,
    then the notes on the method."""
    blocks = table_blocks(cohort)
    notes = footnotes(cohort)
    body = blocks[: len(blocks) - len(notes)]
    return [*body, Heading("Waterfall"), *waterfall_blocks(cohort, width, waterfall_at), *notes]


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


# ---- the waterfall ----------------------------------------------------------------

# Up to this many patients a waterfall draws one line each; more are drawn in groups
# of consecutive patients (in the sorted order), each at its median.
WATERFALL_LINES = 40
LABEL_WIDTH = 16  # a longer patient ID is shown cut, with an ellipsis
FALL_30 = -30.0
# The scale: ratios from 10^−1 to 10^1 (−90% to +900%); beyond, the bar ends in an arrow.
WATERFALL_DECADES = 1.0
WATERFALL_LOW, WATERFALL_HIGH = -90.0, 900.0


def waterfall_target(cohort: Cohort, quantity: Family) -> int | None:
    """The target a quantity's waterfall shows by default: the one with the most
    patients in the figures (ties: the later one); None when no target has any."""
    best: TargetSummary | None = None
    for s in cohort.summaries:
        if s.quantity == quantity and s.n and (best is None or s.n >= best.n):
            best = s
    return best.target_days if best is not None else None


def _label(c: Contribution, repeated: bool) -> str:
    text = c.patient if c.patient is not None else "patient"
    if repeated:  # --all-matching: one patient, several interventions
        text = f"{text} {c.intervention.date.isoformat()}"
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 1] + "…"


def waterfall_lines(items: list[Contribution], width: int) -> list[tuple[str, str]]:
    """Each patient's percent change as a bar, largest rise first (the classic
    waterfall order), as (text, style) lines `width` characters wide at most: a
    header with the scale, then one line a patient (or a group of patients)."""
    ordered = sorted(items, key=lambda c: (-c.change_pct, c.patient or "", c.intervention.date))
    if len(ordered) <= WATERFALL_LINES:
        patients = [c.patient for c in ordered]
        rows = [(_label(c, patients.count(c.patient) > 1), c.change_pct) for c in ordered]
    else:
        size = math.ceil(len(ordered) / WATERFALL_LINES)
        rows = []
        for start in range(0, len(ordered), size):
            group = [c.change_pct for c in ordered[start : start + size]]
            middle = len(group) // 2
            median = group[middle] if len(group) % 2 else (group[middle - 1] + group[middle]) / 2
            rows.append((f"{start + 1}–{start + len(group)}", median))
    label_width = max(len(label) for label, _ in rows)
    value_width = 9
    bars = max(20, width - label_width - value_width - 2)

    def column(p: float) -> int:
        """Where a change falls on the log scale of the ratio, −90% to +900%: a
        halving and a doubling are as long, as the geometric mean sees them."""
        position = (math.log10(max(1 + p / 100, 1e-12)) + WATERFALL_DECADES) / (
            2 * WATERFALL_DECADES
        )
        return round(min(1.0, max(0.0, position)) * (bars - 1))

    zero, mark = column(0.0), column(FALL_30)
    scale = [" "] * bars
    labels = [("−90%", 0), ("−30%", mark), ("0", zero), ("+100%", column(100.0))]
    labels.append(("+900%", bars - 1))
    for text, at in labels:
        begin = min(bars - len(text), max(0, at - len(text) // 2))
        if all(c == " " for c in scale[max(0, begin - 1) : begin + len(text) + 1]):
            scale[begin : begin + len(text)] = text
    out = [(" " * (label_width + 1) + "".join(scale).rstrip(), "dim")]
    for label, p in rows:
        cells = [" "] * bars
        cells[mark] = "┊"
        c = column(p)
        for k in range(min(c, zero), max(c, zero) + 1):
            cells[k] = "█"
        cells[zero] = "│"
        if p < WATERFALL_LOW:
            cells[0] = "◂"
        elif p > WATERFALL_HIGH:
            cells[bars - 1] = "▸"
        style = "good" if p <= FALL_30 else "warn" if p >= 100.0 else ""
        value = pct_text(p)
        out.append((f"{label:<{label_width}} {''.join(cells)} {value:>{value_width - 1}}", style))
    return out


def waterfall_blocks(cohort: Cohort, width: int, at: int | None = None) -> list[Block]:
    """Per quantity, the waterfall at `at` (default: `waterfall_target`)."""
    blocks: list[Block] = []
    for q in cohort.quantities():
        target = at if at is not None else waterfall_target(cohort, q)
        if target is None:
            continue
        (summary,) = [s for s in cohort.summaries if s.quantity == q and s.target_days == target]
        items = cohort.waterfall(q, target)
        title = QUANTITY_TITLES.get(q, q)
        blocks.append(
            Line(
                f"{title} at day {target} ({summary.window[0]}–{summary.window[1]}): each "
                f"patient's change vs baseline, largest rise first (n = {len(items)}).",
            )
        )
        if not items:
            blocks.append(Line("No patient has a reading to compare at this target.", "dim"))
            continue
        blocks += [Line(text, style) for text, style in waterfall_lines(items, width)]
        if len(items) > WATERFALL_LINES:
            size = math.ceil(len(items) / WATERFALL_LINES)
            blocks.append(
                Line(
                    f"Each line is {size} patients in this order (the last may have fewer), "
                    "drawn at their median; log scale of the ratio to baseline; ┊ the 30% fall; "
                    "◂ ▸ beyond the scale.",
                    "dim",
                )
            )
        else:
            blocks.append(
                Line(
                    "Log scale of the ratio to baseline; ┊ the 30% fall; ◂ ▸ beyond the scale.",
                    "dim",
                )
            )
    return blocks


def _mean_baseline(cohort: Cohort) -> str:
    """With --baseline mean: what the baselines are, and that the RCV is per baseline."""
    settings = cohort.settings
    if settings.baseline != MEAN:
        return ""
    return (
        f" against one specimen; baselines are the geometric mean of the exact readings in "
        f"the {settings.baseline_days} days up to and including each intervention, each "
        "judged with the RCV for its number of specimens"
    )


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
            f"or {say.percent(cohort.rcv_rise)}{_mean_baseline(cohort)}.",
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


def write_view(
    cohort: Cohort, fmt: str, out: IO[str], width: int = 80, waterfall_at: int | None = None
) -> None:
    """The table (Rich, with the waterfalls) or markdown view of `cohort`."""
    if fmt == "table":
        from albutrend.present.terminal import make_console, render

        render(view_blocks(cohort, width, waterfall_at), make_console(out))
    elif fmt == "markdown":
        from albutrend.present.export import write_markdown

        write_markdown(markdown_blocks(cohort), out)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def saved_blocks(cohort: Cohort, waterfall_at: int | None, width: int) -> list[Block]:
    """A saved cohort (`--save`): what it was made from, the view, the warnings."""
    from albutrend import __version__

    source = ", ".join(cohort.sources) or "standard input"
    blocks: list[Block] = [Line(f"albutrend {__version__} cohort of {source}", "dim")]
    blocks += view_blocks(cohort, width, waterfall_at)
    blocks += [Line(f"Note: {warning}", "dim") for warning in cohort.warnings[:20]]
    return blocks
