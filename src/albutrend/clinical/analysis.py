"""The calculation: each reading classified, and the change since each intervention.

Rules (README "Clinical rules"):
- Readings are analysed in date order, whatever their order in the file (readings on
  one date keep their file order).
- The baseline of an intervention is the latest reading on or before its date: a
  reading on the day of the intervention counts as pre-treatment. With readings on
  one date, the one later in the file is the baseline (a warning says so).
- With `--baseline mean` (`baseline.py`), the baseline is the geometric mean of the
  exact readings of the quantity in the N days up to and including the intervention
  date, and the day-to-day variation limits are those for that many specimens.
- Every reading after the intervention is a follow-up: days since, change vs the
  baseline in the baseline's unit (converted within a quantity; across quantities,
  "not comparable"), the 30% fall and doubling marks, the RCV verdict and the move
  between categories.
- No reading on or before the intervention: "no baseline", nothing is computed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date
from operator import itemgetter
from typing import TYPE_CHECKING, Final, TypeVar

from albutrend.clinical.baseline import DEFAULT_DAYS, LATEST, MEAN, mean_baselines
from albutrend.clinical.categories import KDIGO, Category, classify
from albutrend.clinical.change import Change, RCVSettings
from albutrend.clinical.confirm import Confirmation, confirmations
from albutrend.clinical.followup import NO_BASELINE as NO_BASELINE
from albutrend.clinical.followup import NO_BASELINE_VERDICT, FollowUpRule, Verdict, rule_for
from albutrend.clinical.followup import NOT_COMPARABLE as NOT_COMPARABLE
from albutrend.clinical.trend import Trend, log_linear_trend
from albutrend.clinical.units import ACR, AER, CONCENTRATION, Unit, convert
from albutrend.errors import NoReadings, PatientNotFound
from albutrend.model import (
    CategoryCode,
    Censor,
    Creatinine,
    Family,
    Intervention,
    Measurement,
    Reading,
)
from albutrend.notices import Notice
from albutrend.plain import Plain
from albutrend.problems import listed, lookalikes, printable, spelling_variants, unusual_characters
from albutrend.reading.records import Readings, Records, unitless_sentence

if TYPE_CHECKING:  # the config layer is the command line's
    from albutrend.config import InForce


class Settings(Plain):
    """How a report is made. `rcv`: the day-to-day variation (default
    `RCVSettings()`); `acr_unit`: show every ACR in this unit (mg/g or mg/mmol), None:
    as reported; `boundary`: where exactly the upper cut-off falls, categories.KDIGO
    (300 mg/g is A2) or ADA (A3); `baseline`: of an intervention, baseline.LATEST
    (the latest reading on or before it) or MEAN (the geometric mean of the exact
    readings in the `baseline_days` days up to and including its date); `in_force`:
    the settings in force and where each came from, for the outputs to say (the
    command line's; None for a library call: every one its default)."""

    __slots__ = ("acr_unit", "baseline", "baseline_days", "boundary", "in_force", "rcv")

    def __init__(
        self,
        rcv: RCVSettings | None = None,
        acr_unit: Unit | None = None,
        boundary: str = KDIGO,
        baseline: str = LATEST,
        baseline_days: int = DEFAULT_DAYS,
        in_force: InForce | None = None,
    ) -> None:
        self.rcv: Final = RCVSettings() if rcv is None else rcv
        self.acr_unit: Final = acr_unit
        self.boundary: Final = boundary
        self.baseline: Final = baseline
        self.baseline_days: Final = baseline_days
        self.in_force: Final = in_force


class ReadingResult(Plain):
    """A reading as the report shows it. `shown`: the measurement in the unit it is
    shown in; `category`: by the cut-offs of the unit the result was reported in;
    `previous`: the change vs the previous reading of its quantity, `previous_note`
    "", "first reading" or "not comparable"; `confirmation`: the category 2 of 3
    specimens of its quantity confirm (`confirm.confirmations`: category, specimens
    in it, specimens considered, first date), None when not confirmed.

    The analysis makes a result from the records' columns (`stored`): its `reading`
    is made when first asked for (a registry's JSON never asks: `line`, `source`
    and `extras`, the albumin and creatinine an ACR was computed from, or None, are
    the columns')."""

    __slots__ = (
        "_index",
        "_reading",
        "_store",
        "category",
        "confirmation",
        "confirmed_category",
        "date",
        "extras",
        "line",
        "measurement",
        "previous",
        "previous_note",
        "shown",
        "source",
    )

    def __init__(
        self,
        reading: Reading,
        shown: Measurement,
        category: Category,
        previous: Change | None,
        previous_note: str,
        confirmation: Confirmation | None = None,
    ) -> None:
        self._reading: Reading | None = reading
        self._store: Readings | None = None
        self._index = 0
        self.date: Final = reading.date
        self.measurement: Final = reading.measurement  # as read
        self.shown: Final = shown
        self.category: Final = category
        self.previous: Final = previous
        self.previous_note: Final = previous_note
        self.confirmation: Final = confirmation
        # A1–A3 when confirmed (CLINICAL.md §8), else None.
        self.confirmed_category: Final = confirmation[0] if confirmation is not None else None
        self.line: Final = reading.origin.line
        self.source: Final = reading.origin.source
        albumin, creatinine = reading.albumin, reading.creatinine
        self.extras: Final[tuple[Measurement, Creatinine] | None] = (
            None if albumin is None or creatinine is None else (albumin, creatinine)
        )

    @property
    def creatinine(self) -> Creatinine | None:
        """The creatinine an ACR was computed from, as the reading has it (None: the
        value as reported), without making the reading."""
        extras = self.extras
        if extras is not None:
            return extras[1]
        reading = self._reading
        return None if reading is None else reading.creatinine

    @property
    def reading(self) -> Reading:
        reading = self._reading
        if reading is None:
            assert self._store is not None
            reading = self._reading = self._store[self._index]
        return reading

    def but_confirmed(self, confirmation: Confirmation | None) -> ReadingResult:
        """The same result with another confirmation."""
        if self._store is None:
            return ReadingResult(
                self.reading,
                self.shown,
                self.category,
                self.previous,
                self.previous_note,
                confirmation,
            )
        return stored(
            self._store,
            self._index,
            self.date,
            self.measurement,
            self.shown,
            self.category,
            self.previous,
            self.previous_note,
            confirmation,
        )


def walked(p: PatientResult) -> Timeline | None:
    """The timeline the analysis walked to make `p` (its results' store, in their
    order), for the row outputs to write the report from without making a reading;
    None when a result was not made from a store (by hand, a library's)."""
    readings = p.readings
    store = readings[0]._store if readings else None
    if store is None or any(r._store is not store for r in readings):
        return None
    order = [r._index for r in readings]
    dates = [r.date for r in readings]
    return Timeline(p.patient, store, order, dates, [i.intervention for i in p.interventions])


def stored(
    store: Readings,
    index: int,
    when: date,
    measurement: Measurement,
    shown: Measurement,
    category: Category,
    previous: Change | None,
    previous_note: str,
    confirmation: Confirmation | None,
) -> ReadingResult:
    """The result of reading `index` of `store` (on date `when`, `measurement` as
    read), its `Reading` made only if asked for."""
    r = _new_result(ReadingResult)
    r._reading = None
    r._store = store
    r._index = index
    r.date = when  # type: ignore[misc]  # the one place besides __init__ that sets them
    r.measurement = measurement  # type: ignore[misc]
    r.shown = shown  # type: ignore[misc]
    r.category = category  # type: ignore[misc]
    r.previous = previous  # type: ignore[misc]
    r.previous_note = previous_note  # type: ignore[misc]
    r.confirmation = confirmation  # type: ignore[misc]
    r.confirmed_category = confirmation[0] if confirmation is not None else None  # type: ignore[misc]
    r.line = store.lines[index]  # type: ignore[misc]
    r.source = store.sources[index]  # type: ignore[misc]
    r.extras = store.creatinines.get(index) if store.creatinines else None  # type: ignore[misc]
    return r


_new_result = object.__new__


class FollowUp(Plain):
    """A reading after an intervention: days since, and the verdicts of
    `followup.FollowUpRule` against the intervention's baseline."""

    __slots__ = ("days", "result", "verdict")

    def __init__(self, result: ReadingResult, days: int, verdict: Verdict) -> None:
        self.result: Final = result
        self.days: Final = days
        self.verdict: Final = verdict

    @property
    def change(self) -> Change | None:
        return self.verdict.change

    @property
    def note(self) -> str:
        """ "", "not comparable" or "no baseline"."""
        return self.verdict.note

    @property
    def fall_30(self) -> bool | None:
        return self.verdict.fall_30

    @property
    def doubling(self) -> bool | None:
        return self.verdict.doubling

    @property
    def beyond_rcv(self) -> bool | None:
        return self.verdict.beyond_rcv

    @property
    def halving(self) -> bool | None:
        return self.verdict.halving

    @property
    def category_change(self) -> str | None:
        return self.verdict.category_change

    @property
    def confirmed_change(self) -> str | None:
        return self.verdict.confirmed_change


class BaselineFrom(Plain):
    """How a quantity's baseline was found. `method` is LATEST (the latest reading)
    or MEAN (the geometric mean of `specimens`, the exact readings in the window, in
    date order); with LATEST, `specimens` is the baseline reading itself. `left_out`
    are the bounds in the window, not averaged. `window_days` is N with `--baseline
    mean` (None with `latest`): a LATEST baseline then is a fall back, for want of an
    exact reading in the window. `limits` are the fall and rise (percents) beyond
    day-to-day variation against it: those for `n` specimens."""

    __slots__ = ("left_out", "limits", "method", "specimens", "window_days")

    def __init__(
        self,
        method: str,
        specimens: tuple[ReadingResult, ...],
        limits: tuple[float, float],
        left_out: tuple[ReadingResult, ...] = (),
        window_days: int | None = None,
    ) -> None:
        self.method: Final = method
        self.specimens: Final = specimens
        self.limits: Final = limits
        self.left_out: Final = left_out
        self.window_days: Final = window_days

    @property
    def n(self) -> int:
        """n₁: how many specimens the baseline is made of."""
        return len(self.specimens)

    @property
    def fallback(self) -> bool:
        """A mean was asked for, but no exact reading was in the window."""
        return self.method == LATEST and self.window_days is not None


class QuantityResult(Plain):
    """One quantity's part of an intervention: its baseline (the latest reading of
    that quantity on or before the intervention) and its follow-ups. `quantity`:
    units.ACR, AER or CONCENTRATION; `latest`: the last follow-up with a change;
    `largest_fall` and `largest_rise`: the largest sure fall and rise (exact or "at
    least"); `first_fall_30`: the first follow-up surely ≥ 30% lower;
    `first_doubling`: the first surely 100% higher or more; `trend`: of the baseline
    and follow-ups; `baseline_from`: how the baseline was found (None: none)."""

    __slots__ = (
        "baseline",
        "baseline_from",
        "first_doubling",
        "first_fall_30",
        "followups",
        "largest_fall",
        "largest_rise",
        "latest",
        "quantity",
        "trend",
    )

    def __init__(
        self,
        quantity: Family,
        baseline: ReadingResult | None,
        followups: list[FollowUp],
        latest: FollowUp | None,
        largest_fall: FollowUp | None,
        first_fall_30: FollowUp | None,
        trend: Trend | None,
        largest_rise: FollowUp | None = None,
        first_doubling: FollowUp | None = None,
        baseline_from: BaselineFrom | None = None,
    ) -> None:
        self.quantity: Final = quantity
        self.baseline: Final = baseline
        self.followups: Final = followups
        self.latest: Final = latest
        self.largest_fall: Final = largest_fall
        self.first_fall_30: Final = first_fall_30
        self.trend: Final = trend
        self.largest_rise: Final = largest_rise
        self.first_doubling: Final = first_doubling
        self.baseline_from: Final = baseline_from


class InterventionResult(Plain):
    """An intervention, its follow-ups (every reading after it, in date order), and
    per quantity (ACR first, then AER, then concentration) its baseline and summary.
    `baseline`, `latest`, `largest_fall`, `first_fall_30` and `trend` are those of the
    first quantity: the only one for most patients."""

    __slots__ = ("followups", "intervention", "quantities")

    def __init__(
        self,
        intervention: Intervention,
        followups: list[FollowUp],
        quantities: list[QuantityResult],
    ) -> None:
        self.intervention: Final = intervention
        self.followups: Final = followups
        self.quantities: Final = quantities

    def _first(self) -> QuantityResult | None:
        return self.quantities[0] if self.quantities else None

    def of(self, quantity: Family) -> QuantityResult | None:
        return next((q for q in self.quantities if q.quantity == quantity), None)

    def baseline_of(self, quantity: Family) -> ReadingResult | None:
        q = self.of(quantity)
        return q.baseline if q is not None else None

    @property
    def baseline(self) -> ReadingResult | None:
        q = self._first()
        return q.baseline if q is not None else None

    @property
    def latest(self) -> FollowUp | None:
        q = self._first()
        return q.latest if q is not None else None

    @property
    def largest_fall(self) -> FollowUp | None:
        q = self._first()
        return q.largest_fall if q is not None else None

    @property
    def first_fall_30(self) -> FollowUp | None:
        q = self._first()
        return q.first_fall_30 if q is not None else None

    @property
    def trend(self) -> Trend | None:
        q = self._first()
        return q.trend if q is not None else None

    @property
    def largest_rise(self) -> FollowUp | None:
        q = self._first()
        return q.largest_rise if q is not None else None

    @property
    def first_doubling(self) -> FollowUp | None:
        q = self._first()
        return q.first_doubling if q is not None else None

    @property
    def baseline_days(self) -> int | None:
        """Days from the baseline to the intervention (17 in the reference case)."""
        return days_before(self.intervention, self.baseline)


def days_before(intervention: Intervention, baseline: ReadingResult | None) -> int | None:
    """Days from a baseline to its intervention."""
    if baseline is None:
        return None
    return (intervention.date - baseline.date).days


class PatientResult(Plain):
    """A patient's readings (date order), interventions, and the trend of each
    quantity (`trends`, ACR first); `trend` is the trend when the patient has one
    quantity."""

    __slots__ = ("interventions", "patient", "readings", "trends")

    def __init__(
        self,
        patient: str | None,
        readings: list[ReadingResult],
        interventions: list[InterventionResult],
        trends: dict[Family, Trend],
    ) -> None:
        self.patient: Final = patient
        self.readings: Final = readings
        self.interventions: Final = interventions
        self.trends: Final = trends

    @property
    def trend(self) -> Trend | None:
        if len({r.shown.unit.family for r in self.readings}) != 1:
            return None
        return next(iter(self.trends.values()), None)

    def quantities(self) -> list[Family]:
        """The quantities of the readings, ACR first, then AER, then concentration."""
        return in_order({r.shown.unit.family for r in self.readings})


# The order quantities are presented in: the ACR first (the KDIGO measure).
QUANTITY_ORDER = (ACR, AER, CONCENTRATION)


def in_order(quantities: Iterable[Family]) -> list[Family]:
    found = set(quantities)
    return [q for q in QUANTITY_ORDER if q in found]


class Report(Plain):
    """Everything a report says. `warnings`: what was left out while reading, then
    the rest; `sources`: the files read, as named; `skipped` and `skipped_at`: input
    lines left out for their problems (--skip-invalid), how many and where the first
    ones are, for a note or a table that must not look complete; `prose` and
    `prose_at`: lines skipped as prose (no date), said in the same sentence;
    `unitless`: "3 values had no unit and were read as mg/L; --unit sets another.",
    or "": a default that changed numbers, said wherever the report is read."""

    __slots__ = (
        "patients",
        "prose",
        "prose_at",
        "rcv_fall",
        "rcv_rise",
        "settings",
        "skipped",
        "skipped_at",
        "sources",
        "unitless",
        "warnings",
    )

    def __init__(
        self,
        patients: list[PatientResult],
        settings: Settings,
        rcv_fall: float,
        rcv_rise: float,
        warnings: list[Notice],
        sources: list[str] | None = None,
        skipped: int = 0,
        skipped_at: list[str] | None = None,
        prose: int = 0,
        prose_at: list[str] | None = None,
        unitless: str = "",
    ) -> None:
        self.patients: Final = patients
        self.settings: Final = settings
        self.rcv_fall: Final = rcv_fall
        self.rcv_rise: Final = rcv_rise
        self.warnings: Final = warnings
        self.sources: Final[list[str]] = [] if sources is None else sources
        self.skipped: Final = skipped
        self.skipped_at: Final[list[str]] = [] if skipped_at is None else skipped_at
        self.prose: Final = prose
        self.prose_at: Final[list[str]] = [] if prose_at is None else prose_at
        self.unitless: Final = unitless


class Timeline(Plain):
    """One patient's records in date order (readings on one date keep file order):
    what the analysis and the row outputs walk. `order` indexes `store`; `dates`
    are the readings' dates in that order; `interventions` by date, file order
    within a date."""

    __slots__ = ("dates", "interventions", "order", "patient", "store")

    def __init__(
        self,
        patient: str | None,
        store: Readings,
        order: list[int],
        dates: Sequence[date],
        interventions: list[Intervention],
    ) -> None:
        self.patient: Final = patient
        self.store: Final = store
        self.order: Final = order
        self.dates: Final = dates
        self.interventions: Final = interventions

    @property
    def readings(self) -> list[Reading]:
        return [self.store[i] for i in self.order]


T = TypeVar("T")


def pick(items: Sequence[T], order: Sequence[int]) -> Sequence[T]:
    """`[items[i] for i in order]`, in one C call: a registry's patients' readings
    are scattered over the file, and itemgetter fetches them about 40% faster than
    a loop or `map` (order of 0 or 1 index: the loop, since itemgetter needs one
    and gives an item, not a tuple, for one)."""
    if len(order) > 1:
        return itemgetter(*order)(items)  # type: ignore[no-any-return]
    return [items[order[0]]] if order else []


def timelines(records: Records, patient: str | None = None) -> tuple[list[Timeline], list[Notice]]:
    """Each patient's records in date order, and the warnings about them (two
    readings on one date). `patient` keeps one patient only."""
    store = records.readings
    groups: dict[str | None, list[int]] = {}
    if len(set(store.patients)) == 1:  # one patient (or a file without a patient column)
        groups[store.patients[0]] = list(range(len(store)))
    else:
        for i, pid in enumerate(store.patients):
            group = groups.get(pid)
            if group is None:
                group = groups[pid] = []
            group.append(i)
    interventions: dict[str | None, list[Intervention]] = {}
    for iv in records.interventions:
        interventions.setdefault(iv.patient, []).append(iv)
        groups.setdefault(iv.patient, [])
    named = [p for p in groups if p is not None]
    if patient is not None:
        if patient not in groups:
            known = listed(map(printable, named), len(named)) or "none named"
            raise PatientNotFound(f"no patient '{patient}' in the input (patients: {known})")
        groups = {patient: groups[patient]}
    if not any(groups.values()):
        names = ", ".join(records.sources) or "the input"
        raise NoReadings(f"{names}: no readings (only interventions, or nothing at all)")
    warnings = records.notices()
    for alike in lookalikes(named):  # two headings that read the same: say so
        ids = " and ".join(f"'{printable(p)}' ({unusual_characters(p)})" for p in alike)
        message = f"patients {ids} look alike but are different IDs: check the patient column"
        warnings.append(Notice("lookalike_patients", message))
    for variants in spelling_variants(named):
        ids = " and ".join(f"'{printable(p)}'" for p in variants)
        message = (
            f"patients {ids} differ only in case, spaces or punctuation: they are read as "
            "different patients; if they are one, write the ID one way in the patient column"
        )
        warnings.append(Notice("lookalike_patients", message))
    out = []
    by_date = store.dates.__getitem__
    for pid, order in groups.items():
        order.sort(key=by_date)  # stable: one date keeps file order
        dates = pick(store.dates, order)
        if len(set(dates)) != len(dates):
            _warn_same_day(pid, store, order, dates, warnings)
        ivs = interventions.get(pid, [])
        if len(ivs) > 1:
            ivs.sort(key=lambda i: i.date)  # stable: file order within a date
        out.append(Timeline(pid, store, order, dates, ivs))
    return out, warnings


def _warn_same_day(
    patient: str | None,
    store: Readings,
    order: list[int],
    dates: Sequence[date],
    warnings: list[Notice],
) -> None:
    """A warning for each reading that follows another of its quantity on its date
    (an ACR and a concentration of one specimen are two quantities: no warning)."""
    who = f"patient {patient}: " if patient is not None else ""
    measurements = store.measurements
    for k in range(1, len(order)):
        if dates[k] != dates[k - 1]:
            continue
        i = order[k]
        quantity = measurements[i].unit.family
        j = k - 1
        while j >= 0 and dates[j] == dates[k] and measurements[order[j]].unit.family != quantity:
            j -= 1
        if j >= 0 and dates[j] == dates[k]:
            before = order[j]
            message = (
                f"{who}a second reading on {dates[k].isoformat()} (also line "
                f"{store.lines[before]}); both are kept; as a baseline the later line is used"
            )
            warnings.append(Notice("same_date", message, store.sources[i], store.lines[i]))


def analyse(
    records: Records, settings: Settings | None = None, patient: str | None = None
) -> Report:
    """Analyse everything read; `patient` keeps one patient only."""
    settings = settings or Settings()
    found, warnings = timelines(records, patient)
    rcv_fall, rcv_rise = settings.rcv.fall, settings.rcv.rise
    patients = [analyse_timeline(t, settings, rcv_fall, rcv_rise) for t in found]
    where = [str(problem.origin) for problem in records.problems[:SKIPPED_NAMED]]
    prose = [f"{source}:{n}" for source, lines in records.skipped_prose.items() for n in lines]
    prose_total = sum(records.prose_count(source) for source in records.skipped_prose)
    return Report(
        patients,
        settings,
        rcv_fall,
        rcv_rise,
        warnings,
        list(records.sources),
        records.problem_count,
        where,
        prose_total,
        prose[:SKIPPED_NAMED],
        unitless_sentence(records.unitless, records.default_unit) if records.unitless else "",
    )


SKIPPED_NAMED = 10  # skipped lines named in a report; the rest are counted


def shown(m: Measurement, acr_unit: Unit | None) -> Measurement:
    """`m` as it is shown and compared: an ACR in `--acr-unit` if given."""
    if acr_unit is None or m.unit.family != ACR or m.unit is acr_unit:
        return m
    return Measurement(convert(m.value, m.unit, acr_unit), acr_unit, m.censor)


def analyse_timeline(
    t: Timeline, settings: Settings, rcv_fall: float, rcv_rise: float
) -> PatientResult:
    rule = rule_for(rcv_fall, rcv_rise)
    store, order, dates = t.store, t.order, t.dates
    measurements = pick(store.measurements, order)
    known = _looks(settings.acr_unit, settings.boundary)
    looks = []
    for m in measurements:
        look = known.get(id(m))
        if look is None or look[0] is not m:
            look = known.look(m)
        looks.append(look)
    confirmed = confirmations(dates, [look[3] for look in looks], [look[4] for look in looks])
    results: list[ReadingResult] = []
    # "vs previous" is the previous reading of the same quantity.
    previous: dict[Family, ReadingResult] = {}
    for index, when, m, look, confirmation in zip(
        order, dates, measurements, looks, confirmed, strict=True
    ):
        _, seen, category, quantity, _ = look
        before = previous.get(quantity)
        if before is None:
            change, note = None, "first reading"
        else:
            found = rule.change(before.shown, seen, before.measurement, m)
            change = found[0] if found is not None else None
            note = "" if change is not None else NOT_COMPARABLE
        result = stored(store, index, when, m, seen, category, change, note, confirmation)
        results.append(result)
        previous[quantity] = result
    quantities = in_order(previous)
    rules = {1: rule}
    done = [_intervention(i, results, dates, rules, quantities, settings) for i in t.interventions]
    trends = {}
    for q in quantities:
        of_q = results if len(quantities) == 1 else [r for r in results if r.shown.unit.family == q]
        trend = log_linear_trend([(r.date, r.shown) for r in of_q])
        if trend is not None:
            trends[q] = trend
    return PatientResult(t.patient, results, done, trends)


# A measurement as read, as shown, its category, quantity and category code.
_Look = tuple[Measurement, Measurement, Category, Family, CategoryCode]


class _Looks(dict[int, _Look]):
    """id(measurement) -> how the analysis sees it (`_Look`), made once per
    distinct measurement: a registry's million readings share a few thousand (the
    readers share equal values). The measurement is kept: its id is not reused."""

    LIMIT = 200_000

    def __init__(self, acr_unit: Unit | None, boundary: str) -> None:
        super().__init__()
        self.acr_unit, self.boundary = acr_unit, boundary

    def look(self, m: Measurement) -> _Look:
        seen = shown(m, self.acr_unit)
        category = classify(m, self.boundary)
        look = (m, seen, category, seen.unit.family, category.code)
        if len(self) >= self.LIMIT:
            self.clear()
        self[id(m)] = look
        return look


_LOOKS: dict[tuple[Unit | None, str], _Looks] = {}


def _looks(acr_unit: Unit | None, boundary: str) -> _Looks:
    """The `_Looks` of these settings, kept from one patient to the next."""
    looks = _LOOKS.get((acr_unit, boundary))
    if looks is None:
        looks = _LOOKS[(acr_unit, boundary)] = _Looks(acr_unit, boundary)
    return looks


def baselines(
    results: list[ReadingResult], split: int, quantities: int
) -> dict[Family, ReadingResult]:
    """The latest reading of each quantity among `results[:split]` (on one date, the
    later line): the baselines of an intervention. `quantities` is how many the
    patient has (the search stops when each has one)."""
    found: dict[Family, ReadingResult] = {}
    for k in range(split - 1, -1, -1):
        r = results[k]
        found.setdefault(r.shown.unit.family, r)
        if len(found) == quantities:
            break
    return found


def _intervention(
    intervention: Intervention,
    results: list[ReadingResult],
    dates: Sequence[date],
    rules: dict[int, FollowUpRule],
    quantities: list[Family],
    settings: Settings,
) -> InterventionResult:
    split = bisect_right(dates, intervention.date)
    base = baselines(results, split, len(quantities))
    if settings.baseline == MEAN:
        how = _mean_baselines(intervention, results, dates, split, base, settings)
        base = {q: b for q, (b, _) in how.items()}
    else:
        limits = rules[1].rcv_fall, rules[1].rcv_rise
        how = {q: (b, BaselineFrom(LATEST, (b,), limits)) for q, b in base.items()}
    # Each quantity's baseline and the rule against it (that of its n₁ specimens).
    against = {
        q: (b, rules.get(source.n) or _rule(rules, source)) for q, (b, source) in how.items()
    }
    followups: list[FollowUp] = []
    add = followups.append
    day = intervention.date.toordinal()
    for r in results[split:]:
        days = r.date.toordinal() - day
        found = against.get(r.shown.unit.family)
        if found is None:  # no reading of its quantity on or before the intervention
            add(FollowUp(r, days, NO_BASELINE_VERDICT))
            continue
        baseline, rule = found
        verdict = rule(
            baseline.shown,
            baseline.category,
            r.shown,
            r.category,
            baseline.measurement,
            r.measurement,
            baseline.confirmed_category,
            r.confirmed_category,
        )
        add(FollowUp(r, days, verdict))
    parts = [
        _quantity(
            q,
            base.get(q),
            followups
            if len(quantities) == 1
            else [f for f in followups if f.result.shown.unit.family == q],
            how[q][1] if q in how else None,
        )
        for q in quantities
    ]
    return InterventionResult(intervention, followups, parts)


# A change whose true value is at most (a fall) or at least (a rise) the figure given.
_FALL_BOUNDS = (Censor.EXACT, Censor.BELOW, Censor.AT_MOST)
_RISE_BOUNDS = (Censor.EXACT, Censor.ABOVE, Censor.AT_LEAST)


def _rule(rules: dict[int, FollowUpRule], source: BaselineFrom) -> FollowUpRule:
    """The rule against a baseline of n₁ specimens, made once per patient."""
    rule = rules[source.n] = rule_for(*source.limits)
    return rule


def _mean_baselines(
    intervention: Intervention,
    results: list[ReadingResult],
    dates: Sequence[date],
    split: int,
    latest: dict[Family, ReadingResult],
    settings: Settings,
) -> dict[Family, tuple[ReadingResult, BaselineFrom]]:
    """Each quantity's baseline by `--baseline mean` (`baseline.mean_baselines`): the
    geometric mean as a result of its own (dated on its last specimen, classified by
    the cut-offs of its unit, as an exact value, with the confirmed category of the
    latest reading); the latest reading where no exact reading is in the window."""
    window = settings.baseline_days
    measurements = [r.measurement for r in results[:split]]
    means = mean_baselines(measurements, dates, split, intervention.date, window)
    out: dict[Family, tuple[ReadingResult, BaselineFrom]] = {}
    for quantity, b in latest.items():
        mean = means.get(quantity)
        if mean is None:  # no exact reading in the window: the latest reading
            limits = settings.rcv.limits(1)
            out[quantity] = (b, BaselineFrom(LATEST, (b,), limits, (), window))
            continue
        specimens = tuple(results[k] for k in mean.specimens)
        last = specimens[-1]
        # Its confirmed category is the one at the intervention, whatever the method:
        # the latest reading's (2 of 3 specimens up to it, a bound counting too).
        if mean.n == 1:
            result = last if last is b else last.but_confirmed(b.confirmation)
        else:
            m = mean.measurement
            reading = last.reading.replace(measurement=m, albumin=None, creatinine=None)
            shown_m = shown(m, settings.acr_unit)
            category = classify(m, settings.boundary)
            result = ReadingResult(reading, shown_m, category, None, "", b.confirmation)
        left = tuple(results[k] for k in mean.left_out)
        limits = settings.rcv.limits(mean.n)
        out[quantity] = (result, BaselineFrom(MEAN, specimens, limits, left, window))
    return out


def _quantity(
    quantity: Family,
    baseline: ReadingResult | None,
    followups: list[FollowUp],
    source: BaselineFrom | None = None,
) -> QuantityResult:
    compared: list[FollowUp] = []
    largest_fall = largest_rise = first_fall_30 = first_doubling = None
    fall = rise = 0.0  # their percents
    for f in followups:
        v = f.verdict
        change = v.change
        if change is None:
            continue
        compared.append(f)
        percent, bound = change.percent, change.bound
        # The first of the largest, as min() and max() give it.
        if percent < 0 and bound in _FALL_BOUNDS and (largest_fall is None or percent < fall):
            largest_fall, fall = f, percent
        elif percent > 0 and bound in _RISE_BOUNDS and (largest_rise is None or percent > rise):
            largest_rise, rise = f, percent
        if first_fall_30 is None and v.fall_30:
            first_fall_30 = f
        if first_doubling is None and v.doubling:
            first_doubling = f
    trend = None
    if baseline is not None:
        # A mean baseline: its specimens, each on its date.
        before = source.specimens if source is not None and source.method == MEAN else (baseline,)
        points = [(b.date, b.shown) for b in before]
        trend = log_linear_trend(points + [(f.result.date, f.result.shown) for f in compared])
    return QuantityResult(
        quantity,
        baseline,
        followups,
        compared[-1] if compared else None,
        largest_fall,
        first_fall_30,
        trend,
        largest_rise,
        first_doubling,
        source,
    )
