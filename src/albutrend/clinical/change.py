"""How far a value moved from its baseline, and whether the move is real.

- Change: absolute (in the baseline's unit) and percent vs the baseline. When either
  value is a bound (`<3`), the change is a bound too: `bound` says which way.
- Reference change value (RCV), log-normal and asymmetric (Fokkema et al., Clin
  Chem 2006): σ = sqrt(ln(CV_A² + CV_I² + 1)); RCV_up = exp(+Z·√2·σ) − 1,
  RCV_down = exp(−Z·√2·σ) − 1. Defaults CV_I 30%, CV_A 5%, 95% two-sided. Against a
  baseline that is the mean of n₁ specimens (`--baseline mean`, CLINICAL.md §9):
  exp(±Z·σ·√(1 + 1/n₁)) − 1, which is √2 for n₁ = 1.
- Marks: a fall of 30% or more (NKF–FDA–EMA surrogate), a doubling or more (KDIGO
  2024 practice point 2.1.5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias

from albutrend.clinical.units import Unit, convert
from albutrend.model import Censor, Measurement
from albutrend.plain import Plain

if TYPE_CHECKING:
    from fractions import Fraction

    Real: TypeAlias = float | Fraction

FALL_MARK = -30.0  # percent: the accepted surrogate for lower kidney-failure risk
DOUBLING = 100.0  # percent: a doubling exceeds laboratory variability (KDIGO 2024)
HALVING = -50.0  # percent: a fall of 50% or more (CPRD, Smith 2018; Araki 2005)

# Bounds on a change: the true change is below (<, <=) or above (>, >=) the figure
# given; UNKNOWN when the two bounds point the same way.
EXACT, UNKNOWN = Censor.EXACT, Censor.UNKNOWN


@dataclass(frozen=True, slots=True)
class RCVSettings:
    cv_within: float = 0.30
    cv_analytical: float = 0.05
    confidence: float = 0.95

    @property
    def z(self) -> float:
        return z_two_sided(self.confidence)

    @property
    def sigma(self) -> float:
        return math.sqrt(math.log(self.cv_analytical**2 + self.cv_within**2 + 1))

    @property
    def rise(self) -> float:
        """Smallest rise (percent) beyond day-to-day variation."""
        return (math.exp(self.z * math.sqrt(2) * self.sigma) - 1) * 100

    @property
    def fall(self) -> float:
        """Smallest fall (a negative percent) beyond day-to-day variation."""
        return (math.exp(-self.z * math.sqrt(2) * self.sigma) - 1) * 100

    def limits(self, specimens: int = 1) -> tuple[float, float]:
        """The fall and rise (percents) beyond day-to-day variation of one specimen
        against a baseline that is the geometric mean of `specimens` (n₁):
        exp(±Z·σ·√(1 + 1/n₁)) − 1; with n₁ = 1, `fall` and `rise`. CV_I 30%, CV_A 5%,
        Z 1.96, n₁ = 2: −51.03% / +104.20%."""
        if specimens == 1:
            return self.fall, self.rise
        spread = self.z * self.sigma * math.sqrt(1 + 1 / specimens)
        return (math.exp(-spread) - 1) * 100, (math.exp(spread) - 1) * 100


# Z of the default 95% interval, as NormalDist computes it (a test checks that it
# is): every report uses it, and importing statistics costs 3 ms of start-up.
Z_95 = 1.9599639845400536


def z_two_sided(confidence: float) -> float:
    """Z for a two-sided interval: 1.96 at 95%."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if confidence == 0.95:
        return Z_95
    from statistics import NormalDist  # only here: it costs 3 ms at start-up

    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


class Change(Plain):
    """`after` − `before` in `unit` (the baseline's), and as a percent of `before`."""

    __slots__ = ("absolute", "bound", "converted", "percent", "unit")

    def __init__(
        self, absolute: float, percent: float, bound: Censor, unit: Unit, converted: bool
    ) -> None:
        self.absolute: Final = absolute
        self.percent: Final = percent
        self.bound: Final = bound
        self.unit: Final = unit
        self.converted: Final = converted

    @property
    def exact(self) -> bool:
        return self.bound == EXACT

    def describe_percent(self) -> str:
        """`−54.58%`, `at least 90.00% lower`, `at most 20.00% higher`."""
        p = self.percent
        if self.bound == EXACT:
            return f"{p:+.2f}%".replace("-", "−")
        if self.bound == UNKNOWN:
            return "unknown (both values are bounds)"
        size = abs(p)  # abs: a bound on no change (−0.0) reads 0.00, never -0.00
        if self.bound.is_upper_bound:
            return f"at least {size:.2f}% lower" if p <= 0 else f"at most {size:.2f}% higher"
        return f"at least {size:.2f}% higher" if p >= 0 else f"at most {size:.2f}% lower"


def _direction(censor: Censor) -> int:
    """+1: the true value is above the figure; −1: below; 0: exact."""
    return 1 if censor.is_lower_bound else -1 if censor.is_upper_bound else 0


# Two values that nearly cancel (a change under 0.1% of them) leave the binary noise
# of their decimal values in the 12 digits the outputs give: 2487.3 − 2487.4 would be
# −0.0999999999999. Their change is taken from the values as written instead.
_CANCELLING = 1e-3


def difference(after: float, before: float) -> float:
    """`after − before` of two positive values; when they nearly cancel, the
    difference of the values as written (their shortest decimal forms), so that
    2487.3 − 2487.4 is −0.1."""
    d = after - before
    # |d| against the larger value, without calling abs (a registry's every follow-up)
    if (d >= after * _CANCELLING) if d > 0 else (-d >= before * _CANCELLING):
        return d
    from decimal import Decimal  # only here: rare, and not worth a start-up import

    return float(Decimal(repr(after)) - Decimal(repr(before)))


def change_between(before: Measurement, after: Measurement) -> Change | None:
    """The change from `before` to `after`, or None if they cannot be compared
    (different quantities: a concentration and a ratio)."""
    if before.unit.family != after.unit.family:
        return None
    if after.unit is before.unit and not after.censor and not before.censor:
        # Exact values in one unit, most follow-ups: what the rules below come to.
        absolute = difference(after.value, before.value)
        return Change(absolute, absolute / before.value * 100, EXACT, before.unit, False)
    value = convert(after.value, after.unit, before.unit)
    absolute = difference(value, before.value)
    percent = absolute / before.value * 100
    # The true change is after_true − before_true: a bound on `after` moves it the
    # same way, a bound on `before` the opposite way.
    directions = {d for d in (_direction(after.censor), -_direction(before.censor)) if d}
    if not directions:
        bound = EXACT
    elif len(directions) == 2:
        bound = UNKNOWN
    else:
        strict = not {Censor.BELOW, Censor.ABOVE}.isdisjoint((after.censor, before.censor))
        up = directions.pop() > 0
        bound = (
            (Censor.ABOVE if strict else Censor.AT_LEAST)
            if up
            else (Censor.BELOW if strict else Censor.AT_MOST)
        )
    return Change(absolute, percent, bound, before.unit, after.unit is not before.unit)


def at_most(change: Change, threshold: float) -> bool | None:
    """Is the true percent change ≤ `threshold`? None when a bound leaves it open."""
    return percent_at_most(change.percent, change.bound, threshold)


def at_least(change: Change, threshold: float) -> bool | None:
    """Is the true percent change ≥ `threshold`? None when a bound leaves it open."""
    return percent_at_least(change.percent, change.bound, threshold)


def beyond_variation(change: Change, fall_limit: float, rise_limit: float) -> bool | None:
    """Does the change pass the RCV (`RCVSettings.fall` / `.rise`), either way?"""
    return percent_beyond(change.percent, change.bound, fall_limit, rise_limit)


# The same questions of a percent `p` (a float, or an exact Fraction near a
# threshold) bounded as `bound` says.


def percent_at_most(p: Real, bound: Censor, threshold: float) -> bool | None:
    if bound == EXACT:
        return p <= threshold
    if bound.is_upper_bound:
        return True if p <= threshold else None
    if bound == Censor.ABOVE:
        return False if p >= threshold else None
    if bound == Censor.AT_LEAST:
        return False if p > threshold else None
    return None


def percent_at_least(p: Real, bound: Censor, threshold: float) -> bool | None:
    if bound == EXACT:
        return p >= threshold
    if bound.is_lower_bound:
        return True if p >= threshold else None
    if bound == Censor.BELOW:
        return False if p <= threshold else None
    if bound == Censor.AT_MOST:
        return False if p < threshold else None
    return None


def percent_beyond(p: Real, bound: Censor, fall_limit: float, rise_limit: float) -> bool | None:
    fall = percent_at_most(p, bound, fall_limit)
    rise = percent_at_least(p, bound, rise_limit)
    if fall or rise:
        return True
    if fall is False and rise is False:
        return False
    return None
