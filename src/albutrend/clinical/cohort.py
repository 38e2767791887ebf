"""A case series: across patients, the change since an intervention at fixed days.

For each target day (30, 90, 180, 365 by default) and each quantity (an ACR, an AER
and a concentration are never pooled), each counted intervention contributes one
follow-up: the reading of that quantity nearest the target inside the window
around it (ties: the earlier day; two readings on one day: the later line, as for
a baseline). The follow-up and its baseline are the report's own
(`analysis.analyse_timeline`): the same baseline, change, bounds and marks as
`albutrend report` gives for that reading. Nothing clinical is decided here.

An intervention is counted for a quantity when its patient has a reading of that
quantity; at a target it is either in the figures or left out for one reason
(`REASONS`). Statistics per target (`stats.py`): n, the geometric mean ratio to
baseline with its 95% t interval (none for n < 2), the median change with its
interquartile range, and how many passed each mark.

No typer or Rich here: presentation is `cohort_output.py`.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from albutrend.clinical import change
from albutrend.clinical.analysis import (
    FollowUp,
    InterventionResult,
    ReadingResult,
    Settings,
    Timeline,
    analyse_timeline,
    pick,
    timelines,
)
from albutrend.clinical.stats import geometric_mean_ratio, quantile
from albutrend.clinical.units import ACR, AER, CONCENTRATION
from albutrend.errors import NoInterventions
from albutrend.model import Family, Intervention
from albutrend.notices import Notice
from albutrend.problems import printable
from albutrend.reading.records import Records

DEFAULT_TARGETS = (30, 90, 180, 365)
DEFAULT_WINDOW_PCT = 25.0
CONFIDENCE = 0.95  # of the interval around the geometric mean ratio
HALVING = change.HALVING  # percent: a fall of 50% or more (CLINICAL.md §10)

# Why a counted intervention is not in a target's figures, in the order checked.
NO_BASELINE = "no_baseline"  # no reading of the quantity on or before it
NOT_COMPARABLE = "not_comparable"  # the report cannot compare them (none today)
NO_READING = "no_reading_in_window"  # no reading of the quantity inside the window
BOUND = "bound"  # the reading or the baseline is a bound (<3): the ratio is open
REASONS = (NO_BASELINE, NO_READING, BOUND, NOT_COMPARABLE)

# ACR first (the KDIGO measure), then AER, then a concentration.
QUANTITIES = (ACR, AER, CONCENTRATION)

# The marks counted per target, as the report names them.
MARKS = ("fall_30", "beyond_rcv", "halving", "doubling", "regression", "progression")


@dataclass(frozen=True, slots=True)
class Window:
    """How far from a target a reading may be: `days` either side, or `percent` of
    the target either side (the default, 25%)."""

    days: float | None = None
    percent: float | None = DEFAULT_WINDOW_PCT

    def span(self, target: int) -> tuple[int, int]:
        """The first and last day since the intervention inside the window. A
        follow-up is after the intervention's day: never before day 1."""
        if self.days is not None:
            half = self.days
        else:
            half = target * (self.percent if self.percent is not None else 0.0) / 100
        return max(1, math.ceil(target - half)), math.floor(target + half)

    def describe(self) -> str:
        if self.days is not None:
            return f"±{self.days:g} days"
        return f"±{self.percent:g}% of the target"


@dataclass(frozen=True, slots=True)
class CohortOptions:
    targets: tuple[int, ...] = DEFAULT_TARGETS
    window: Window = field(default_factory=Window)
    # Count every intervention kept (by --intervention) of a patient, not the first.
    all_matching: bool = False
    pattern: str | None = None  # the --intervention text, for the outputs


@dataclass(frozen=True, slots=True)
class Contribution:
    """One counted intervention at one target, for one quantity: its follow-up, or
    the reason (`REASONS`) it is left out ("" when it counts)."""

    patient: str | None
    intervention: Intervention
    quantity: Family
    target_days: int
    reason: str
    baseline: ReadingResult | None
    followup: FollowUp | None

    @property
    def counted(self) -> bool:
        return not self.reason

    @property
    def change_pct(self) -> float:
        """The percent change vs the baseline (of a counted contribution)."""
        assert self.followup is not None and self.followup.change is not None
        return self.followup.change.percent

    @property
    def ratio(self) -> float:
        """The ratio to baseline: the reading over its baseline, in one unit."""
        return 1.0 + self.change_pct / 100.0

    def mark(self, name: str) -> bool:
        f = self.followup
        assert f is not None and f.change is not None
        if name == "fall_30":
            return bool(f.fall_30)
        if name == "beyond_rcv":
            return bool(f.beyond_rcv)
        if name == "halving":
            return bool(f.halving)
        if name == "doubling":
            return bool(f.doubling)
        return f.category_change == name  # regression, progression


@dataclass(frozen=True, slots=True)
class TargetSummary:
    """The figures of one quantity at one target."""

    quantity: Family
    target_days: int
    window: tuple[int, int]
    n: int
    gmr: float | None
    gmr_ci: tuple[float, float] | None
    median_change_pct: float | None
    iqr_change_pct: tuple[float, float] | None
    marks: dict[str, int]  # MARKS -> how many of the n passed
    excluded: dict[str, int]  # REASONS -> how many were left out

    def share(self, mark: str) -> float | None:
        """The share (0 to 1) of the n that passed `mark`; None when n is 0."""
        return self.marks[mark] / self.n if self.n else None

    @property
    def considered(self) -> int:
        return self.n + sum(self.excluded.values())


@dataclass(frozen=True, slots=True)
class Cohort:
    options: CohortOptions
    settings: Settings
    rcv_fall: float
    rcv_rise: float
    patients: int  # patients read
    interventions: int  # interventions counted (first per patient unless all_matching)
    without_readings: int  # of those, the ones whose patient has no reading at all
    summaries: list[TargetSummary]  # by quantity (QUANTITIES order), then target
    contributions: list[Contribution]  # same order as the summaries, patient by patient
    warnings: list[Notice] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    skipped: int = 0  # input lines left out for their problems (--skip-invalid)

    def quantities(self) -> list[Family]:
        return list(dict.fromkeys(s.quantity for s in self.summaries))

    def counted(self, quantity: Family, target: int) -> list[Contribution]:
        """The contributions in the figures of `quantity` at `target`."""
        return [
            c
            for c in self.contributions
            if c.counted and c.quantity == quantity and c.target_days == target
        ]

    def waterfall(self, quantity: Family, target: int) -> list[Contribution]:
        """The counted contributions, largest fall first (ties: patient, date)."""
        return sorted(
            self.counted(quantity, target),
            key=lambda c: (c.change_pct, c.patient or "", c.intervention.date),
        )


def _baseline(result: InterventionResult, quantity: Family) -> ReadingResult | None:
    """The baseline the report compares a follow-up of `quantity` with. Today one
    baseline per quantity of an intervention."""
    return result.baseline_of(quantity)


def _nearest(
    followups: Sequence[FollowUp], quantity: Family, target: int, span: tuple[int, int]
) -> FollowUp | None:
    """The follow-up of `quantity` nearest `target` inside `span` (follow-ups are in
    date order, one date in file order): ties go to the earlier day, and on one day
    to the later line."""
    low, high = span
    best: FollowUp | None = None
    for f in followups:
        if f.days < low:
            continue
        if f.days > high:
            break
        if f.result.shown.unit.family != quantity:
            continue
        if best is None or abs(f.days - target) < abs(best.days - target) or f.days == best.days:
            best = f
    return best


def contribution(
    result: InterventionResult,
    patient: str | None,
    quantity: Family,
    target: int,
    span: tuple[int, int],
) -> Contribution:
    """What one intervention contributes to `quantity` at `target`."""
    baseline = _baseline(result, quantity)

    def left_out(reason: str, f: FollowUp | None = None) -> Contribution:
        return Contribution(patient, result.intervention, quantity, target, reason, baseline, f)

    if baseline is None:
        return left_out(NO_BASELINE)
    if baseline.shown.unit.family != quantity:
        return left_out(NOT_COMPARABLE)
    f = _nearest(result.followups, quantity, target, span)
    if f is None:
        return left_out(NO_READING)
    if f.change is None:
        return left_out(NOT_COMPARABLE, f)
    if not f.change.exact:
        return left_out(BOUND, f)
    return Contribution(patient, result.intervention, quantity, target, "", baseline, f)


def summarise(
    quantity: Family, target: int, span: tuple[int, int], contributions: Iterable[Contribution]
) -> TargetSummary:
    """The figures of `contributions` (all of one quantity and target)."""
    excluded = dict.fromkeys(REASONS, 0)
    counted: list[Contribution] = []
    for c in contributions:
        if c.reason:
            excluded[c.reason] += 1
        else:
            counted.append(c)
    n = len(counted)
    marks = {m: sum(c.mark(m) for c in counted) for m in MARKS}
    if not n:
        return TargetSummary(quantity, target, span, 0, None, None, None, None, marks, excluded)
    g = geometric_mean_ratio([c.ratio for c in counted], CONFIDENCE)
    changes = sorted(c.change_pct for c in counted)
    iqr = (quantile(changes, 0.25), quantile(changes, 0.75)) if n >= 2 else None
    return TargetSummary(
        quantity, target, span, n, g.value, g.interval, quantile(changes, 0.5), iqr, marks, excluded
    )


def cohort(found: list[Timeline], settings: Settings, options: CohortOptions) -> Cohort:
    """The case series of the patients' timelines (`analysis.timelines`, after the
    interventions were filtered by `records.keep_interventions`)."""
    rcv_fall, rcv_rise = settings.rcv.fall, settings.rcv.rise
    spans = {t: options.window.span(t) for t in options.targets}
    # Readings after the last window are no target's follow-up, and no rule looks
    # back at them: the analysis stops there (a registry's long follow-up costs
    # nothing). Readings before the intervention are all kept: the baseline is the
    # report's to choose.
    reach = timedelta(days=max(high for _, high in spans.values()))
    by_quantity: dict[Family, list[Contribution]] = {q: [] for q in QUANTITIES}
    counted = without_readings = 0
    for t in found:
        ivs = t.interventions if options.all_matching else t.interventions[:1]
        if not ivs:
            continue
        counted += len(ivs)
        families = {m.unit.family for m in pick(t.store.measurements, t.order)}
        if not families:
            without_readings += len(ivs)
            continue
        end = bisect_right(t.dates, ivs[-1].date + reach)
        within = Timeline(t.patient, t.store, t.order[:end], t.dates[:end], list(ivs))
        result = analyse_timeline(within, settings, rcv_fall, rcv_rise)
        for q in QUANTITIES:
            if q not in families:
                continue
            out = by_quantity[q]
            for ir in result.interventions:
                for target in options.targets:
                    out.append(contribution(ir, t.patient, q, target, spans[target]))
    summaries: list[TargetSummary] = []
    contributions: list[Contribution] = []
    for q in QUANTITIES:
        found_q = by_quantity[q]
        if not found_q:
            continue
        for target in options.targets:
            summaries.append(
                summarise(q, target, spans[target], (c for c in found_q if c.target_days == target))
            )
        contributions.extend(found_q)
    return Cohort(
        options,
        settings,
        rcv_fall,
        rcv_rise,
        len(found),
        counted,
        without_readings,
        summaries,
        contributions,
    )


def analyse_cohort(
    records: Records, settings: Settings, options: CohortOptions, patient: str | None = None
) -> Cohort:
    """The case series of everything read (its interventions already filtered by
    `records.keep_interventions`), of every patient or of `patient` only."""
    if not records.interventions:
        # A cohort is the change since an intervention: without one, a header alone
        # with exit 0 would read as "no patient changed".
        names = ", ".join(records.sources) or "the input"
        if options.pattern is not None:
            raise NoInterventions(
                f"{names}: no intervention matches --intervention '{printable(options.pattern)}'"
                ": nothing to summarise (albutrend report lists the interventions read)"
            )
        raise NoInterventions(
            f"{names}: no intervention to summarise the change since: give them in an event "
            "column, with --events FILE, or with --event 'DATE: TEXT'"
        )
    found, warnings = timelines(records, patient)
    return replace(
        cohort(found, settings, options),
        warnings=warnings,
        sources=list(records.sources),
        skipped=records.problem_count,
    )
