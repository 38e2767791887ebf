"""The baseline of an intervention from several specimens (`--baseline mean`,
CLINICAL.md §9; README "Clinical rules").

- `latest` (the default): the latest reading of the quantity on or before the
  intervention date (`analysis.baselines`).
- `mean`: the geometric mean of the exact readings of the quantity in the N days
  (`--baseline-days`, default 90) up to and including the intervention date: dated
  from N − 1 days before it to its day. Readings of one quantity in other units are
  converted to the unit of the last of them first. The mean is written, and decided
  on, to twelve significant digits (as every output writes a number): 40 and 90 mg/g
  give exactly 60 mg/g. A bound in the window (`<3`) is not a value: it is left out
  of the mean and listed as left out. With no exact reading of the quantity in the
  window, the baseline falls back to the latest rule (the report says so).
- Day-to-day variation against a mean of n₁ specimens: `RCVSettings.limits(n₁)`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

from albutrend.clinical.units import convert
from albutrend.model import Measurement
from albutrend.plain import Plain

LATEST = "latest"
MEAN = "mean"
BASELINE_METHODS = (LATEST, MEAN)
DEFAULT_DAYS = 90


class MeanBaseline(Plain):
    """The geometric mean of `specimens` (indices into the readings given, in date
    order), as a measurement in the unit of the last of them as read; `left_out` are
    the bounds of the quantity in the window (indices), not averaged."""

    __slots__ = ("left_out", "measurement", "specimens")

    def __init__(
        self, measurement: Measurement, specimens: tuple[int, ...], left_out: tuple[int, ...]
    ) -> None:
        self.measurement: Final = measurement
        self.specimens: Final = specimens
        self.left_out: Final = left_out

    @property
    def n(self) -> int:
        return len(self.specimens)

    @property
    def last(self) -> int:
        """The index of the last specimen: the baseline's date."""
        return self.specimens[-1]


def window_start(on: date, days: int) -> date:
    """The first date of the N days up to and including `on`."""
    return on - timedelta(days=days - 1)


def mean_baselines(
    measurements: Sequence[Measurement], dates: Sequence[date], split: int, on: date, days: int
) -> dict[str, MeanBaseline]:
    """Per quantity, the mean baseline of an intervention on `on` from the readings
    `measurements` (as read) on `dates` (date order), of which the first `split` are
    on or before it. A quantity without an exact reading in the window has none: its
    baseline is the latest reading."""
    first = window_start(on, days)
    found: dict[str, tuple[list[int], list[int]]] = {}
    k = split - 1
    while k >= 0 and dates[k] >= first:
        m = measurements[k]
        exact, bounds = found.setdefault(m.unit.family, ([], []))
        (bounds if m.censor else exact).append(k)
        k -= 1
    means: dict[str, MeanBaseline] = {}
    for quantity, (exact, bounds) in found.items():
        if not exact:
            continue
        exact.reverse()
        bounds.reverse()
        last = measurements[exact[-1]]
        if len(exact) == 1:
            mean = last
        else:
            unit = last.unit
            values = [convert(measurements[i].value, measurements[i].unit, unit) for i in exact]
            mean = Measurement(geometric_mean(values), unit)
        means[quantity] = MeanBaseline(mean, tuple(exact), tuple(bounds))
    return means


def geometric_mean(values: Sequence[float]) -> float:
    """exp(mean(ln x)), to twelve significant digits: the figure every output
    writes, and so the value its category, change and marks are decided on."""
    mean = math.exp(math.fsum(map(math.log, values)) / len(values))
    return float(f"{mean:.12g}")
