"""The records albutrend reads: readings and interventions, as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from albutrend.clinical.units import CreatinineUnit, Unit

# How a result outside the measuring range is bounded: "<3" means the true value is
# below 3. "" is an exact result. ASCII spellings, as they appear in JSON and TSV.
EXACT = ""
CENSOR_SIGNS = ("<", "<=", ">", ">=")


@dataclass(frozen=True, slots=True)
class Measurement:
    """A value as the lab reported it: number, unit and bound sign (if censored)."""

    value: float
    unit: Unit
    censor: str = EXACT

    @property
    def is_upper_bound(self) -> bool:
        return self.censor in ("<", "<=")

    @property
    def is_lower_bound(self) -> bool:
        return self.censor in (">", ">=")

    def __str__(self) -> str:
        return f"{self.censor}{format_number(self.value)} {self.unit}"


@dataclass(frozen=True, slots=True)
class Creatinine:
    value: float
    unit: CreatinineUnit

    @property
    def mmol_l(self) -> float:
        return self.value * self.unit.to_mmol_l


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from, for messages: file name and line number."""

    source: str
    line: int

    def __str__(self) -> str:
        # Line 0: the problem is the whole source's, not one line's.
        return f"{self.source}:{self.line}" if self.line else self.source


@dataclass(frozen=True, slots=True)
class Reading:
    """One urine albumin result.

    `measurement` is what the analysis uses: the reported value, or the ACR when a
    urine creatinine came with a concentration; then `albumin` keeps the
    concentration as reported and `creatinine` the creatinine.
    """

    date: date
    measurement: Measurement
    origin: Origin
    patient: str | None = None
    albumin: Measurement | None = None
    creatinine: Creatinine | None = None


@dataclass(frozen=True, slots=True)
class Intervention:
    """Something done to the patient on a date: a drug started, an infusion."""

    date: date
    text: str
    origin: Origin
    patient: str | None = None


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
