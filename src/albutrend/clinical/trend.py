"""The log-linear trend of a series: descriptive, not a statistical test.

ln(value) is fitted against days by least squares; the slope is reported as the
percent change per month (30.4375 days) and per year (365.25 days). Only exact
values of one quantity count (a bound such as `<3` has no place on the line).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from albutrend.clinical.units import BASE_UNITS
from albutrend.model import Measurement

DAYS_PER_MONTH = 30.4375
DAYS_PER_YEAR = 365.25
MIN_READINGS = 3
# A slope over a few weeks says little about a year: no trend under 90 days, and
# the yearly figure is shown to people only over a year or more.
MIN_SPAN_DAYS = 90
YEARLY_SHOWN_FROM_DAYS = 365


@dataclass(frozen=True, slots=True)
class Trend:
    readings: int
    first: date
    last: date
    per_month: float  # percent
    per_year: float  # percent
    excluded_bounds: int

    @property
    def span_days(self) -> int:
        return (self.last - self.first).days


def log_linear_trend(points: Sequence[tuple[date, Measurement]]) -> Trend | None:
    """The trend of `points`, or None with fewer than three exact values of one
    quantity, when they span less than 90 days, or with a slope too steep for a float."""
    if len(points) < MIN_READINGS:
        return None
    family = points[0][1].unit.family
    to_base = BASE_UNITS[family].to_base
    log = math.log
    days: list[int] = []  # of the exact values (a value read is positive: its log is one)
    ys: list[float] = []
    for d, m in points:
        unit = m.unit
        if unit.family != family:
            return None
        if not m.censor:
            days.append(d.toordinal())
            ys.append(log(m.value * unit.to_base / to_base))
    n = len(days)
    if n < MIN_READINGS:
        return None
    first, last = min(days), max(days)
    if last - first < MIN_SPAN_DAYS:  # also every x alike: no slope
        return None
    # Days since the first exact point (in the order given), as `(d - origin).days`.
    origin = days[0]
    xs = [day - origin for day in days]
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum([(x - mean_x) ** 2 for x in xs])
    if sxx == 0:
        return None
    slope = sum([(x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)]) / sxx
    try:
        per_month = math.expm1(slope * DAYS_PER_MONTH) * 100
        per_year = math.expm1(slope * DAYS_PER_YEAR) * 100
    except OverflowError:
        return None  # a rise too steep for a float (a unit typed wrong): nothing to describe
    if not math.isfinite(per_year):
        return None
    return Trend(
        readings=n,
        first=date.fromordinal(first),
        last=date.fromordinal(last),
        per_month=per_month,
        per_year=per_year,
        excluded_bounds=len(points) - n,
    )
