"""What reading a source yields: records, problems and counts, and the options that
govern how text becomes values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import DateError, DateReader
from .model import Creatinine, Intervention, Measurement, Origin, Reading
from .problems import Problem
from .quantities import AUTO, QuantityError, parse_creatinine, parse_measurement
from .units import (
    ACR,
    CONCENTRATION,
    CREAT_MG_DL,
    MG_G,
    MG_L,
    MG_MMOL,
    Unit,
    acr_from,
    albumin_unit,
)

# Problems kept in full; the rest are only counted (a file of 100k bad lines must
# not fill the memory or the screen).
PROBLEMS_KEPT = 1000


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read text into values. Every default is written in the README."""

    default_unit: Unit = MG_L
    decimal: str = AUTO
    month_first: bool = False
    encoding: str = "utf-8-sig"
    # Unit of an ACR computed from albumin and creatinine; None: mg/mmol when the
    # creatinine is molar (mmol/L, µmol/L), mg/g when it is mg/dL.
    acr_unit: Unit | None = None
    today: date | None = None


@dataclass(slots=True)
class Records:
    """Everything read from one or more sources, in file order."""

    readings: list[Reading] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    # Notes lines with no date (prose around the entries), per source.
    skipped_prose: dict[str, int] = field(default_factory=dict)
    # Sources whose rows name their patient (a patient column).
    sources_with_patients: set[str] = field(default_factory=set)
    sources: list[str] = field(default_factory=list)

    def problem(self, origin: Origin, text: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(Problem(origin, text, message))


class LineParser:
    """Turns the fields of one line into records, reporting problems to `records`.

    Shared by the notes and the table formats so both read values, units, dates and
    creatinine by the same rules.
    """

    def __init__(
        self, options: ReadOptions, records: Records, default_patient: str | None = None
    ) -> None:
        self.options = options
        self.records = records
        self.default_patient = default_patient
        self.read_date = DateReader(month_first=options.month_first, today=options.today)

    def parse_date(self, text: str, origin: Origin) -> date | None:
        try:
            return self.read_date(text)
        except DateError as e:
            self.records.problem(origin, text, f"is not a date: {e}")
            return None

    def measurement(
        self, text: str, origin: Origin, unit_text: str | None = None
    ) -> Measurement | None:
        try:
            return parse_measurement(
                text, self.options.default_unit, decimal=self.options.decimal, unit_text=unit_text
            )
        except QuantityError as e:
            self.records.problem(origin, text, str(e))
            return None

    def creatinine(self, text: str, origin: Origin, unit_text: str | None) -> Creatinine | None:
        try:
            return parse_creatinine(text, unit_text, decimal=self.options.decimal)
        except QuantityError as e:
            self.records.problem(origin, text, str(e))
            return None

    def add_reading(
        self,
        when: date,
        albumin: Measurement,
        origin: Origin,
        patient: str | None,
        creatinine: Creatinine | None = None,
        creatinine_text: str = "",
    ) -> None:
        patient = patient or self.default_patient
        if creatinine is None:
            self.records.readings.append(Reading(when, albumin, origin, patient))
            return
        if albumin.unit.family != CONCENTRATION:
            self.records.problem(
                origin,
                creatinine_text,
                f"is a creatinine next to a {albumin.unit.family} ({albumin.unit}): a creatinine "
                "goes with an albumin concentration (mg/L) to make an ACR",
            )
            return
        acr_unit = self.options.acr_unit or (MG_G if creatinine.unit is CREAT_MG_DL else MG_MMOL)
        assert acr_unit.family == ACR
        mg_l = albumin.value * albumin.unit.to_base
        acr = Measurement(acr_from(mg_l, creatinine.mmol_l, acr_unit), acr_unit, albumin.censor)
        self.records.readings.append(Reading(when, acr, origin, patient, albumin, creatinine))

    def add_intervention(self, when: date, text: str, origin: Origin, patient: str | None) -> None:
        wrong = not_an_event(text)
        if wrong is not None:
            self.records.problem(origin, text, wrong)
            return
        patient = patient or self.default_patient
        self.records.interventions.append(Intervention(when, text, origin, patient))


# What spreadsheets and exports write for a missing value: `nan`, `n/a`, `-`, Excel's
# `#N/A`; as an event it would add an intervention that never happened.
_PLACEHOLDER = re.compile(
    r"nan|[-+]?inf(?:inity)?|n/?a|n\.a\.?|none|null|nil|#[a-z0-9/_]+[!?]?|[-–—?.*/]+",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")


def not_an_event(text: str) -> str | None:
    """Why `text` cannot be an intervention, or None if it can."""
    first, _, rest = text.strip().partition(" ")
    if _PLACEHOLDER.fullmatch(first) and (not rest or albumin_unit(rest) is not None):
        return "stands for a missing value, not an event (leave the cell empty, or remove the line)"
    if _LETTER.search(text) is None:
        return (
            "is not an event: it has no words (write what was done, e.g. 'Started losartan', "
            "or leave the cell empty)"
        )
    return None
