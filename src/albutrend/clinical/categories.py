"""Albuminuria categories (KDIGO 2012, reaffirmed 2024), by each unit's own cut-offs.

    A1  normal to mildly increased   value <  A2 cut-off          (normoalbuminuria)
    A2  moderately increased         cut-off ≤ value ≤ A3 cut-off (microalbuminuria)
    A3  severely increased           value >  A3 cut-off          (macroalbuminuria)

The boundary convention (`--boundary`): KDIGO's wording, the default, puts exactly
300 mg/g in A2 ("30–300", "> 300"); the ADA's puts it in A3 ("30–299", "≥ 300"),
and so every unit's upper cut-off (300 mg/24h, 30 mg/mmol, 200 µg/min, 300 mg/L,
0.3 g/L, 30 mg/dL). Both put exactly 30 mg/g in A2: the lower cut-off is the same.
A concentration (mg/L) has no guideline category: it is placed against 30/300 and
marked indicative. A result outside the measuring range (`<3`, `>3000`) gets a
category only when its bound decides it.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Final

from albutrend.clinical.units import Unit, exact
from albutrend.model import CategoryCode, Censor, Measurement
from albutrend.plain import Plain

A1, A2, A3 = CategoryCode.A1, CategoryCode.A2, CategoryCode.A3
# Boundary conventions: where exactly the upper cut-off (300 mg/g) falls.
KDIGO = "kdigo"  # A2 30–300 inclusive, A3 > 300 (the default)
ADA = "ada"  # A2 30–299, A3 ≥ 300
BOUNDARIES = (KDIGO, ADA)
INDETERMINATE = CategoryCode.INDETERMINATE
ORDER = {A1: 1, A2: 2, A3: 3}

KDIGO_NAMES = {
    A1: "normal to mildly increased",
    A2: "moderately increased",
    A3: "severely increased",
}
LEGACY_NAMES = {A1: "normoalbuminuria", A2: "microalbuminuria", A3: "macroalbuminuria"}


class Category(Plain):
    """A result's category. `code` is A1, A2, A3 or INDETERMINATE; `possible`
    lists the categories a bounded result may be in. `nephrotic` is True when an
    ACR is surely above the nephrotic range, None when a bound leaves it open.
    `boundary` is the convention it was decided by (KDIGO or ADA)."""

    __slots__ = ("boundary", "code", "indicative", "nephrotic", "possible")

    def __init__(
        self,
        code: CategoryCode,
        possible: tuple[CategoryCode, ...],
        indicative: bool,
        nephrotic: bool | None,
        boundary: str = KDIGO,
    ) -> None:
        self.code: Final = code
        self.possible: Final = possible
        self.indicative: Final = indicative
        self.nephrotic: Final = nephrotic
        self.boundary: Final = boundary

    @property
    def known(self) -> bool:
        return self.code != INDETERMINATE

    @property
    def kdigo_name(self) -> str:
        if not self.known:
            return " or ".join(self.possible)
        return KDIGO_NAMES[self.code]

    @property
    def legacy_name(self) -> str:
        if not self.known:
            return " or ".join(LEGACY_NAMES[c] for c in self.possible)
        return LEGACY_NAMES[self.code]


def category_code(value: float, unit: Unit, boundary: str = KDIGO) -> CategoryCode:
    """The category of an exact value in `unit`, by that unit's cut-offs: exactly
    the upper cut-off (300 mg/g) is A2 by KDIGO's wording, A3 by the ADA's."""
    if value < unit.a2_from:
        return A1
    if value < unit.a3_above or (value == unit.a3_above and boundary == KDIGO):
        return A2
    return A3


def possible_codes(
    value: float, unit: Unit, censor: Censor, boundary: str = KDIGO
) -> tuple[CategoryCode, ...]:
    """Categories the true value may be in, given the reported bound. A3 starts
    above the upper cut-off (KDIGO) or at it (ADA): `<=300 mg/g` may be A3 by the
    ADA's wording, `>=300 mg/g` can only be A3."""
    low, high = unit.a2_from, unit.a3_above
    ada = boundary == ADA
    if censor == Censor.BELOW:  # true value in (0, value)
        flags = (True, low < value, high < value)
    elif censor == Censor.AT_MOST:  # (0, value]
        flags = (True, low <= value, high <= value if ada else high < value)
    elif censor == Censor.ABOVE:  # (value, ∞)
        flags = (value < low, value < high, True)
    elif censor == Censor.AT_LEAST:  # [value, ∞)
        flags = (value < low, value < high if ada else value <= high, True)
    else:
        return (category_code(value, unit, boundary),)
    return tuple(code for code, ok in zip((A1, A2, A3), flags, strict=True) if ok)


def classify(measurement: Measurement, boundary: str = KDIGO) -> Category:
    return _classify(measurement.value, measurement.unit, measurement.censor, boundary)


@lru_cache(maxsize=4096)
def _classify(value: float, unit: Unit, censor: Censor, boundary: str = KDIGO) -> Category:
    possible = possible_codes(value, unit, censor, boundary)
    code = possible[0] if len(possible) == 1 else INDETERMINATE
    nephrotic = _nephrotic(value, unit, censor)
    return _shared(code, possible, unit.indicative, nephrotic, boundary)


def _nephrotic(value: float, unit: Unit, censor: Censor) -> bool | None:
    """Is the true value above the nephrotic line (ACR > 2200 mg/g or 220 mg/mmol;
    AER > 2200 mg/24h)? None where a bound leaves it open, and for a concentration
    (mg/L), which cannot tell."""
    line = unit.nephrotic_above
    if line is None:
        return None
    side = _side(value, unit, line)  # −1 below the line, 0 on it, +1 above
    if censor == Censor.EXACT:
        return side > 0
    if censor.is_upper_bound:
        return False if side <= 0 else None
    surely_above = side >= 0 if censor == Censor.ABOVE else side > 0
    return True if surely_above else None


def _side(value: float, unit: Unit, line: float) -> int:
    """Where `value` lies against the nephrotic line of `unit`: on the value as
    written, exactly (the µg/min line, 2200 ÷ 1.44, is no decimal)."""
    if abs(value - line) > line * 1e-9:
        return 1 if value > line else -1
    if unit.nephrotic_exact is None:
        exact_line = exact(line)
    else:
        from fractions import Fraction  # only on the line: not at start-up

        exact_line = Fraction(*unit.nephrotic_exact)
    difference = exact(value) - exact_line
    return (difference > 0) - (difference < 0)


@cache
def _shared(
    code: CategoryCode,
    possible: tuple[CategoryCode, ...],
    indicative: bool,
    nephrotic: bool | None,
    boundary: str = KDIGO,
) -> Category:
    return Category(code, possible, indicative, nephrotic, boundary)


def category_change(before: Category, after: Category) -> str | None:
    """`regression` (down a category), `progression` (up), `unchanged`, or None
    when either category is not known."""
    if not before.known or not after.known:
        return None
    delta = ORDER[after.code] - ORDER[before.code]
    return "regression" if delta < 0 else "progression" if delta > 0 else "unchanged"
