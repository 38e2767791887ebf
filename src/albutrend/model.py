"""The records albutrend reads (readings and interventions, as `Plain` classes:
compared and shown as frozen dataclasses, without a dataclass's start-up cost) and
the closed sets of words they are made of: bound signs, quantity families and
categories, as enums whose values are the spellings JSON and TSV write."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from albutrend.plain import Plain

if TYPE_CHECKING:  # units imports this module: the classes are for annotations only
    from albutrend.clinical.units import CreatinineUnit, Unit


class Censor(StrEnum):
    """How a result outside the measuring range is bounded: "<3" means the true
    value is below 3. ASCII spellings, as they appear in JSON and TSV."""

    EXACT = ""
    BELOW = "<"
    AT_MOST = "<="
    ABOVE = ">"
    AT_LEAST = ">="
    # Only a change's bound, never a measurement's: two bounds that point the same
    # way (<3 then <5) leave the change unbounded both ways.
    UNKNOWN = "?"

    @property
    def is_upper_bound(self) -> bool:
        return self in (Censor.BELOW, Censor.AT_MOST)

    @property
    def is_lower_bound(self) -> bool:
        return self in (Censor.ABOVE, Censor.AT_LEAST)

    @property
    def shown(self) -> str:
        """The sign as people read it: ≤ and ≥ rather than <= and >=."""
        return _SHOWN.get(self, self.value)


_SHOWN = {Censor.AT_MOST: "≤", Censor.AT_LEAST: "≥"}
EXACT = Censor.EXACT
CENSOR_SIGNS = (Censor.BELOW, Censor.AT_MOST, Censor.ABOVE, Censor.AT_LEAST)
# A sign as written (ASCII) → its member: a dict lookup, cheaper per value than Censor(sign).
CENSOR_BY_SIGN = {censor.value: censor for censor in Censor}


class Family(StrEnum):
    """The quantity a unit measures. Values of different families are never compared."""

    CONCENTRATION = "concentration"
    ACR = "ACR"
    AER = "AER"


class CategoryCode(StrEnum):
    """A KDIGO albuminuria category, or none when a bound leaves it open."""

    A1 = "A1"
    A2 = "A2"
    A3 = "A3"
    INDETERMINATE = "indeterminate"


class Measurement(Plain):
    """A value as the lab reported it: number, unit and bound sign (if censored)."""

    __slots__ = ("censor", "unit", "value")

    def __init__(self, value: float, unit: Unit, censor: Censor = Censor.EXACT) -> None:
        self.value: Final = value
        self.unit: Final = unit
        self.censor: Final = censor

    def __str__(self) -> str:
        return f"{self.censor}{format_number(self.value)} {self.unit}"


class Creatinine(Plain):
    __slots__ = ("unit", "value")

    def __init__(self, value: float, unit: CreatinineUnit) -> None:
        self.value: Final = value
        self.unit: Final = unit

    @property
    def mmol_l(self) -> float:
        return self.value * self.unit.to_mmol_l


class Origin(Plain):
    """Where a record came from, for messages: file name and line number."""

    __slots__ = ("line", "source")

    def __init__(self, source: str, line: int) -> None:
        self.source: Final = source
        self.line: Final = line

    def __str__(self) -> str:
        # Line 0: the problem is the whole source's, not one line's.
        return f"{self.source}:{self.line}" if self.line else self.source


class Reading(Plain):
    """One urine albumin result.

    `measurement` is what the analysis uses: the reported value, or the ACR when a
    urine creatinine came with a concentration; then `albumin` keeps the
    concentration as reported and `creatinine` the creatinine.
    """

    __slots__ = ("albumin", "creatinine", "date", "measurement", "origin", "patient")

    def __init__(
        self,
        date: date,
        measurement: Measurement,
        origin: Origin,
        patient: str | None = None,
        albumin: Measurement | None = None,
        creatinine: Creatinine | None = None,
    ) -> None:
        self.date: Final = date
        self.measurement: Final = measurement
        self.origin: Final = origin
        self.patient: Final = patient
        self.albumin: Final = albumin
        self.creatinine: Final = creatinine


class Intervention(Plain):
    """Something done to the patient on a date: a drug started, an infusion."""

    __slots__ = ("date", "origin", "patient", "text")

    def __init__(self, date: date, text: str, origin: Origin, patient: str | None = None) -> None:
        self.date: Final = date
        self.text: Final = text
        self.origin: Final = origin
        self.patient: Final = patient


def format_number(value: float) -> str:
    """A number as every output writes it: twelve significant digits (as JSON's
    numbers), trailing zeros dropped, never in exponent form: 1e-9 is
    `0.000000001`, 1.234e-5 `0.00001234`, 2487.4 `2487.4` (no float noise)."""
    text = f"{value:.12g}"
    if "e" not in text:  # nearly every value: one format
        return text
    # Below 0.0001 or from 10**12 on: the same twelve digits, the point moved.
    mantissa, exponent = text.split("e")
    sign = "-" if mantissa[0] == "-" else ""
    digits = mantissa.lstrip("-").replace(".", "")
    point = int(exponent) + 1
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"
