"""The calculation: each reading classified, and the change since each intervention.

Rules (README "Clinical rules"):
- Readings are analysed in date order, whatever their order in the file (readings on
  one date keep their file order).
- The baseline of an intervention is the latest reading on or before its date: a
  reading on the day of the intervention counts as pre-treatment. With readings on
  one date, the one later in the file is the baseline (a warning says so).
- Every reading after the intervention is a follow-up: days since, change vs the
  baseline in the baseline's unit (converted within a quantity; across quantities,
  "not comparable"), the 30% fall and doubling marks, the RCV verdict and the move
  between categories.
- No reading on or before the intervention: "no baseline", nothing is computed.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from .change import (
    DOUBLING,
    FALL_MARK,
    Change,
    RCVSettings,
    at_least,
    at_most,
    beyond_variation,
    change_between,
)
from .classify import Category, category_change, classify
from .model import Intervention, Measurement, Reading
from .problems import AlbutrendError
from .records import Records
from .trend import Trend, log_linear_trend
from .units import ACR, Unit, convert

NOT_COMPARABLE = "not comparable"
NO_BASELINE = "no baseline"


@dataclass(frozen=True, slots=True)
class Settings:
    rcv: RCVSettings = field(default_factory=RCVSettings)
    # Show every ACR in this unit (mg/g or mg/mmol); None: as reported.
    acr_unit: Unit | None = None


@dataclass(frozen=True, slots=True)
class ReadingResult:
    reading: Reading
    shown: Measurement  # the measurement in the unit it is shown in
    category: Category  # by the cut-offs of the unit the result was reported in
    previous: Change | None  # vs the previous reading of the patient
    previous_note: str  # "" , "first reading" or "not comparable"

    @property
    def date(self) -> date:
        return self.reading.date


@dataclass(frozen=True, slots=True)
class FollowUp:
    result: ReadingResult
    days: int
    change: Change | None
    note: str  # "", "not comparable" or "no baseline"
    fall_30: bool | None = None
    doubling: bool | None = None
    beyond_rcv: bool | None = None
    category_change: str | None = None


@dataclass(frozen=True, slots=True)
class InterventionResult:
    intervention: Intervention
    baseline: ReadingResult | None
    followups: list[FollowUp]
    latest: FollowUp | None  # the last follow-up with a change
    largest_fall: FollowUp | None  # the largest sure fall (exact or "at least")
    first_fall_30: FollowUp | None  # the first follow-up surely ≥ 30% lower
    trend: Trend | None  # baseline and follow-ups

    @property
    def baseline_days(self) -> int | None:
        """Days from the baseline to the intervention (17 in the reference case)."""
        if self.baseline is None:
            return None
        return (self.intervention.date - self.baseline.date).days


@dataclass(frozen=True, slots=True)
class PatientResult:
    patient: str | None
    readings: list[ReadingResult]
    interventions: list[InterventionResult]
    trend: Trend | None


@dataclass(frozen=True, slots=True)
class Report:
    patients: list[PatientResult]
    settings: Settings
    rcv_fall: float
    rcv_rise: float
    warnings: list[str]


class NoReadings(AlbutrendError):
    pass


def analyse(
    records: Records, settings: Settings | None = None, patient: str | None = None
) -> Report:
    """Analyse everything read; `patient` keeps one patient only."""
    settings = settings or Settings()
    readings: dict[str | None, list[Reading]] = {}
    interventions: dict[str | None, list[Intervention]] = {}
    for r in records.readings:
        readings.setdefault(r.patient, []).append(r)
    for i in records.interventions:
        interventions.setdefault(i.patient, []).append(i)
        readings.setdefault(i.patient, [])
    if patient is not None:
        if patient not in readings:
            known = ", ".join(str(p) for p in readings if p is not None) or "none named"
            raise PatientNotFound(f"no patient '{patient}' in the input (patients: {known})")
        readings = {patient: readings[patient]}
    if not any(readings.values()):
        names = ", ".join(records.sources) or "the input"
        raise NoReadings(f"{names}: no readings (only interventions, or nothing at all)")
    rcv_fall, rcv_rise = settings.rcv.fall, settings.rcv.rise
    warnings: list[str] = []
    patients = [
        analyse_patient(
            pid, rows, interventions.get(pid, []), settings, rcv_fall, rcv_rise, warnings
        )
        for pid, rows in readings.items()
    ]
    return Report(patients, settings, rcv_fall, rcv_rise, warnings)


class PatientNotFound(AlbutrendError):
    exit_code = 2


def _shown(m: Measurement, acr_unit: Unit | None) -> Measurement:
    if acr_unit is None or m.unit.family != ACR or m.unit is acr_unit:
        return m
    return Measurement(convert(m.value, m.unit, acr_unit), acr_unit, m.censor)


def analyse_patient(
    patient: str | None,
    rows: list[Reading],
    interventions: list[Intervention],
    settings: Settings,
    rcv_fall: float,
    rcv_rise: float,
    warnings: list[str],
) -> PatientResult:
    rows = sorted(rows, key=lambda r: r.date)  # stable: one date keeps file order
    results: list[ReadingResult] = []
    previous: ReadingResult | None = None
    for r in rows:
        shown = _shown(r.measurement, settings.acr_unit)
        if previous is None:
            change, note = None, "first reading"
        else:
            change = change_between(previous.shown, shown)
            note = "" if change is not None else NOT_COMPARABLE
            if previous.date == r.date:
                who = f"patient {patient}: " if patient is not None else ""
                warnings.append(
                    f"{r.origin}: {who}a second reading on {r.date.isoformat()} (also "
                    f"line {previous.reading.origin.line}); both are kept; as a baseline "
                    "the later line is used"
                )
        result = ReadingResult(r, shown, classify(r.measurement), change, note)
        results.append(result)
        previous = result
    dates = [r.date for r in results]
    done = [
        _intervention(i, results, dates, rcv_fall, rcv_rise)
        for i in sorted(interventions, key=lambda i: i.date)
    ]
    trend = log_linear_trend([(r.date, r.shown) for r in results])
    return PatientResult(patient, results, done, trend)


def _intervention(
    intervention: Intervention,
    results: list[ReadingResult],
    dates: list[date],
    rcv_fall: float,
    rcv_rise: float,
) -> InterventionResult:
    split = bisect_right(dates, intervention.date)
    baseline = results[split - 1] if split else None
    followups: list[FollowUp] = []
    for r in results[split:]:
        days = (r.date - intervention.date).days
        if baseline is None:
            followups.append(FollowUp(r, days, None, NO_BASELINE))
            continue
        change = change_between(baseline.shown, r.shown)
        if change is None:
            followups.append(FollowUp(r, days, None, NOT_COMPARABLE))
            continue
        followups.append(
            FollowUp(
                r,
                days,
                change,
                "",
                fall_30=at_most(change, FALL_MARK),
                doubling=at_least(change, DOUBLING),
                beyond_rcv=beyond_variation(change, rcv_fall, rcv_rise),
                category_change=category_change(baseline.category, r.category)
                if baseline.shown.unit.family == r.shown.unit.family
                else None,
            )
        )
    compared = [f for f in followups if f.change is not None]
    falls = [
        f
        for f in compared
        if f.change is not None and f.change.bound in ("", "<", "<=") and f.change.percent < 0
    ]
    trend = None
    if baseline is not None:
        trend = log_linear_trend(
            [(baseline.date, baseline.shown)] + [(f.result.date, f.result.shown) for f in compared]
        )
    return InterventionResult(
        intervention=intervention,
        baseline=baseline,
        followups=followups,
        latest=compared[-1] if compared else None,
        largest_fall=min(falls, key=lambda f: f.change.percent if f.change else 0.0)
        if falls
        else None,
        first_fall_30=next((f for f in compared if f.fall_30), None),
        trend=trend,
    )
