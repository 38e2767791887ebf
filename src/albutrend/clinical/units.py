"""Units of urine albumin and urine creatinine, their families and conversions.

A *family* is a set of units that measure the same quantity and can be converted
into each other: a concentration (mg/L), an albumin-to-creatinine ratio (ACR) or an
albumin excretion rate (AER). Values of different families are never compared.

Factors come from CLINICAL.md §2 (creatinine molar mass 113.12 g/mol).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from albutrend.model import Family
from albutrend.plain import Plain

if TYPE_CHECKING:  # imported when an exact figure is needed: not at start-up
    from fractions import Fraction

CONCENTRATION, ACR, AER = Family.CONCENTRATION, Family.ACR, Family.AER

FAMILY_DESCRIPTIONS = {
    CONCENTRATION: "albumin concentration",
    ACR: "albumin-to-creatinine ratio",
    AER: "albumin excretion rate",
}

# mg/g = mg/mmol × this; mg/mmol = mg/g × 0.11312 (creatinine 113.12 g/mol).
MG_G_PER_MG_MMOL = 1 / 0.11312


class Unit(Plain):
    """One albumin unit.

    `to_base` multiplies a value in this unit into its family's base unit.
    `a2_from` and `a3_above` are the category cut-offs printed for this unit
    (KDIGO 2012): A1 below `a2_from`, A2 from `a2_from` to `a3_above` inclusive,
    A3 above `a3_above`. `nephrotic_above` is the nephrotic range (ACR, AER), if
    any. `ratio` is `to_base` as an exact fraction (numerator, denominator), for the
    exact arithmetic that decides a category or a mark on a value as written.
    """

    __slots__ = (
        "a2_from",
        "a3_above",
        "family",
        "nephrotic_above",
        "nephrotic_exact",
        "ratio",
        "symbol",
        "to_base",
    )

    def __init__(
        self,
        symbol: str,
        family: Family,
        to_base: float,
        a2_from: float,
        a3_above: float,
        nephrotic_above: float | None = None,
        ratio: tuple[int, int] = (1, 1),
        # The nephrotic line as an exact fraction, when it is not the decimal above.
        nephrotic_exact: tuple[int, int] | None = None,
    ) -> None:
        self.symbol: Final = symbol
        self.family: Final = family
        self.to_base: Final = to_base
        self.a2_from: Final = a2_from
        self.a3_above: Final = a3_above
        self.nephrotic_above: Final = nephrotic_above
        self.ratio: Final = ratio
        self.nephrotic_exact: Final = nephrotic_exact

    @property
    def indicative(self) -> bool:
        """A concentration has no guideline category: its placement is indicative."""
        return self.family == CONCENTRATION

    def __str__(self) -> str:
        return self.symbol


MG_L = Unit("mg/L", CONCENTRATION, 1.0, 30, 300)
G_L = Unit("g/L", CONCENTRATION, 1000.0, 0.03, 0.3, ratio=(1000, 1))
MG_DL = Unit("mg/dL", CONCENTRATION, 10.0, 3, 30, ratio=(10, 1))
UG_ML = Unit("µg/mL", CONCENTRATION, 1.0, 30, 300)

MG_G = Unit("mg/g", ACR, 1.0, 30, 300, nephrotic_above=2200)
UG_MG = Unit("µg/mg", ACR, 1.0, 30, 300, nephrotic_above=2200)
# The rounded 3 / 30 / 220 that KDIGO and labs print, not 30 × 0.11312.
MG_MMOL = Unit("mg/mmol", ACR, MG_G_PER_MG_MMOL, 3, 30, nephrotic_above=220, ratio=(100000, 11312))

# Nephrotic AER: > 2200 mg/24h (KDIGO 2012 Table 7), in µg/min > 2200 ÷ 1.44 =
# 1527.77… (compared exactly: 1527.78 µg/min is nephrotic, 1527.77 is not).
MG_24H = Unit("mg/24h", AER, 1.0, 30, 300, nephrotic_above=2200)
UG_MIN = Unit(
    "µg/min",
    AER,
    1.44,
    20,
    200,
    nephrotic_above=2200 / 1.44,
    ratio=(144, 100),
    nephrotic_exact=(220000, 144),
)

ALBUMIN_UNITS = (MG_L, G_L, MG_DL, UG_ML, MG_G, UG_MG, MG_MMOL, MG_24H, UG_MIN)
BASE_UNITS = {CONCENTRATION: MG_L, ACR: MG_G, AER: MG_24H}


def _spellings(symbol: str) -> set[str]:
    """The ways people write a unit: any case, u/mc/µ/μ for micro, 'per' or '/'."""
    s = symbol.lower()
    out = {s}
    if "µ" in s:
        out |= {s.replace("µ", alt) for alt in ("u", "μ", "mc")}
    return out


_ALBUMIN_ALIASES: dict[str, Unit] = {}
for _u in ALBUMIN_UNITS:
    for _s in _spellings(_u.symbol):
        _ALBUMIN_ALIASES[_s] = _u
for _extra, _u in {
    "mg/day": MG_24H,
    "mg/d": MG_24H,
    "mg/24 h": MG_24H,
    "mg/24hr": MG_24H,
    "mg/24hrs": MG_24H,
    "mg/24hours": MG_24H,
    "mg/24 hours": MG_24H,
    # UCUM codes (the `code` of a FHIR valueQuantity): a day written as 24 hours.
    "mg/(24.h)": MG_24H,
    "mg/24.h": MG_24H,
    "mg/g creatinine": MG_G,
    "mg/g creat": MG_G,
    "mg/g cr": MG_G,
    "mg/gcr": MG_G,
    "mg/mmol creatinine": MG_MMOL,
    "mg/mmol creat": MG_MMOL,
    "mg/mmol cr": MG_MMOL,
}.items():
    _ALBUMIN_ALIASES[_extra] = _u


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().split())


# A UCUM annotation in braces (`{creat}` in `ug/mg{creat}`) is a comment: it does
# not change the unit (UCUM §2.1.6). The pattern is compiled on first use.
_ANNOTATION = r"\{[^{}]*\}"
# A ratio unit followed by the name of its denominator, as labs print it:
# `mg/g creat`, `mcg/mg creat`, `mg/g CREA`, `mg/g CRE`, `mg/mmol Cr`.
_CREATININE_WORD = r"(?P<unit>.+?)(?:creatinine|creat|crea|cre|cr)"


def albumin_unit(text: str) -> Unit | None:
    """The albumin unit a spelling names (`mg/l`, `ug/min`, `mg/day`, the UCUM codes
    `ug/mg{creat}` and `mg/(24.h)`, a lab's `mg/g CREA`…), or None."""
    key = _normalise(text)
    unit = _ALBUMIN_ALIASES.get(key)
    if unit is not None:
        return unit
    if "{" in key:
        key = re.sub(_ANNOTATION, "", key)
    key = key.replace(" ", "")
    unit = _ALBUMIN_ALIASES.get(key)
    if unit is None and (m := re.fullmatch(_CREATININE_WORD, key)):
        ratio = _ALBUMIN_ALIASES.get(m["unit"])
        unit = ratio if ratio is not None and ratio.family == ACR else None
    return unit


def known_albumin_units() -> str:
    return ", ".join(u.symbol for u in ALBUMIN_UNITS)


def convert(value: float, source: Unit, target: Unit) -> float:
    """`value` in `source` expressed in `target`; both must be of one family."""
    if source.family != target.family:
        raise ValueError(f"cannot convert {source} to {target}: different quantities")
    if source is target:
        return value
    return value * source.to_base / target.to_base


# Urine creatinine: factors into mmol/L (CLINICAL.md §2).
class CreatinineUnit(Plain):
    __slots__ = ("ratio", "symbol", "to_mmol_l")

    def __init__(self, symbol: str, to_mmol_l: float, ratio: tuple[int, int] = (1, 1)) -> None:
        self.symbol: Final = symbol
        self.to_mmol_l: Final = to_mmol_l
        self.ratio: Final = ratio  # to_mmol_l as an exact fraction

    def __str__(self) -> str:
        return self.symbol


CREAT_MMOL_L = CreatinineUnit("mmol/L", 1.0)
CREAT_UMOL_L = CreatinineUnit("µmol/L", 0.001, (1, 1000))
CREAT_MG_DL = CreatinineUnit("mg/dL", 1 / 11.312, (1000, 11312))
CREATININE_UNITS = (CREAT_MMOL_L, CREAT_UMOL_L, CREAT_MG_DL)

_CREATININE_ALIASES: dict[str, CreatinineUnit] = {}
for _c in CREATININE_UNITS:
    for _s in _spellings(_c.symbol):
        _CREATININE_ALIASES[_s] = _c

# A urine creatinine outside this range (mmol/L) is not a plausible result: it is
# almost always a unit mix-up (µmol/L entered as mmol/L) or a typing error.
# Reported urine creatinine spans about 1–35 mmol/L; the range is kept wide.
CREATININE_PLAUSIBLE_MMOL_L = (0.3, 50.0)
# A urine albumin concentration above this (mg/L) is not a urine result: the heaviest
# nephrotic urine stays below it, while a serum albumin (35–50 g/L, 20–35 g/L when
# low) is above it. `Albumin 41 g/L` is a blood test copied among the urine results,
# or a unit mix-up; read as urine it would be a "severely increased" A3. A choice of
# albutrend's (README "Clinical rules"), not a guideline figure.
URINE_ALBUMIN_PLAUSIBLE_MG_L = 20_000.0


def creatinine_unit(text: str) -> CreatinineUnit | None:
    key = _normalise(text).replace(" ", "")
    return _CREATININE_ALIASES.get(key)


def known_creatinine_units() -> str:
    return ", ".join(u.symbol for u in CREATININE_UNITS)


def exact(value: float) -> Fraction:
    """A value as written (its shortest decimal form), as an exact fraction: 0.1 is
    1/10, not the binary float nearest to it."""
    from fractions import Fraction  # only for exact decisions: not at start-up

    return Fraction(repr(value))


def exact_in_base(value: float, unit: Unit) -> Fraction:
    """A value as written, in its family's base unit, exactly."""
    num, den = unit.ratio
    return exact(value) * num / den if num != den else exact(value)


def acr_from(
    albumin: float,
    creatinine: float,
    unit: Unit,
    albumin_unit: Unit | None = None,
    creatinine_unit: CreatinineUnit | None = None,
) -> float:
    """ACR in `unit` (mg/g or mg/mmol) from albumin (mg/L, or `albumin_unit`) and
    creatinine (mmol/L, or `creatinine_unit`): computed exactly from the values as
    written, then rounded once, so that 246 mg/L ÷ 8.2 mmol/L is 30 mg/mmol, not
    30.000000000000004 (and A2, not A3)."""
    mg_l = exact_in_base(albumin, albumin_unit or MG_L)
    num, den = (creatinine_unit or CREAT_MMOL_L).ratio
    mg_mmol = mg_l / (exact(creatinine) * num / den)
    unit_num, unit_den = MG_MMOL.ratio
    unit_to_base_num, unit_to_base_den = unit.ratio
    # mg/mmol → the family's base (mg/g) → `unit`.
    in_unit = mg_mmol * unit_num / unit_den * unit_to_base_den / unit_to_base_num
    return float(in_unit)
