"""The report as people read it, as plain blocks of text: headings, lines and grids.

The terminal (Rich) and markdown renderers draw these blocks; neither decides what
is said. Text from the user's file is kept as written here: each renderer makes it
safe for its medium.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from albutrend.clinical.analysis import (
    BaselineFrom,
    FollowUp,
    InterventionResult,
    PatientResult,
    QuantityResult,
    ReadingResult,
    Report,
    days_before,
    in_order,
)
from albutrend.clinical.baseline import MEAN
from albutrend.clinical.categories import Category
from albutrend.clinical.change import FALL_MARK
from albutrend.clinical.trend import YEARLY_SHOWN_FROM_DAYS, Trend
from albutrend.clinical.units import CONCENTRATION, FAMILY_DESCRIPTIONS, Unit, convert
from albutrend.model import Family, Measurement
from albutrend.present import wording as say
from albutrend.present.sparkline import sparkline
from albutrend.problems import shown_id


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    style: str = ""  # a hint: "dim", "warn", "good"


@dataclass(frozen=True, slots=True)
class Grid:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    # per row, a hint for how to show it ("" plain, "baseline", "good", "warn")
    styles: list[str] = field(default_factory=list)


Block = Heading | Line | Grid


def report_blocks(report: Report) -> list[Block]:
    blocks: list[Block] = []
    for patient in report.patients:
        blocks += patient_blocks(patient, several=len(report.patients) > 1)
    blocks += footnotes(report)
    return blocks


def patient_blocks(p: PatientResult, several: bool = False, glyphs: bool = True) -> list[Block]:
    """A patient's heading, trend glyphs (unless not `glyphs`: the saved page draws
    charts), readings and what followed each intervention."""
    blocks: list[Block] = []
    if p.patient is not None or several:
        blocks.append(Heading(f"Patient {shown_id(str(p.patient))}"))
    if glyphs:
        blocks += [Line(text) for text in glyph_lines(p.readings)]
    quantities = p.quantities()
    texts = _Texts()
    if not p.readings:
        blocks.append(Line("No readings for this patient: only interventions.", "warn"))
    elif len(quantities) == 1:
        blocks.append(readings_grid(p.readings, texts=texts))
        trend = next(iter(p.trends.values()), None)  # `p.trend`: one quantity
        if trend is not None:
            blocks.append(Line(trend_sentence("Trend over all readings", trend), "dim"))
    else:
        # Each quantity on its own, the ACR first: they are never compared.
        for q in quantities:
            rows = [r for r in p.readings if r.shown.unit.family == q]
            blocks.append(readings_grid(rows, quantity_title(q), texts))
            trend = p.trends.get(q)
            if trend is not None:
                label = f"Trend of the {say.QUANTITY_NAMES[q]} over all readings"
                blocks.append(Line(trend_sentence(label, trend), "dim"))
    for i in p.interventions:
        blocks += intervention_blocks(i, texts)
    if not p.interventions:
        blocks.append(Line("No interventions in the input: changes are shown reading to reading."))
    return blocks


GLYPHS_SHOWN = 60


def glyph_lines(readings: list[ReadingResult]) -> list[str]:
    """Per quantity with two readings or more, a trend glyph and where it goes:
    `▆▃▃  2487.4 mg/L → 954.9 mg/L, 3 readings over 140 days (log scale)`."""
    by_family: dict[Family, list[ReadingResult]] = {}
    for r in readings:
        by_family.setdefault(r.shown.unit.family, []).append(r)
    lines = []
    for family in in_order(by_family):
        rows = by_family[family]
        if len(rows) < 2:
            continue
        count = f"{len(rows)} readings"
        if len(rows) > GLYPHS_SHOWN:
            count = f"the latest {GLYPHS_SHOWN} of {len(rows)} readings"
            rows = rows[-GLYPHS_SHOWN:]
        unit = rows[0].shown.unit
        glyphs = sparkline(
            [None if r.shown.censor else convert(r.shown.value, r.shown.unit, unit) for r in rows]
        )
        first, last = rows[0], rows[-1]
        text = (
            f"{glyphs}  {_value_text(first)} → {_value_text(last)}, {count} over "
            f"{say.days((last.date - first.date).days)} (log scale)"
        )
        if len(by_family) > 1:
            text = f"{FAMILY_DESCRIPTIONS[family].capitalize()}: {text}"
        lines.append(text)
    return lines


class _Texts:
    """A patient's texts said more than once (a reading's date and value are in its
    row and again in the follow-ups of each intervention before it), said once."""

    def __init__(self) -> None:
        self.dates: dict[date, str] = {}
        self.values: dict[int, tuple[ReadingResult, str]] = {}
        # (category, unit, confirmed category) -> the category as said, its mark after.
        self.categories: dict[tuple[int, int, object], tuple[Category, Unit, str]] = {}

    def category_of(self, r: ReadingResult, unit: Unit) -> str:
        """`say.category` of the reading's category and its `confirmed_mark` (a
        category object serves every reading of its value)."""
        c = r.category
        key = (id(c), id(unit), r.confirmed_category)
        known = self.categories.get(key)
        if known is not None and known[0] is c and known[1] is unit:
            return known[2]
        text = say.category(c, unit) + confirmed_mark(r)
        self.categories[key] = (c, unit, text)
        return text

    def date_of(self, when: date) -> str:
        text = self.dates.get(when)
        if text is None:
            text = self.dates[when] = say.format_date(when)
        return text

    def value(self, r: ReadingResult) -> str:
        """`say.measurement` of the reading as shown (computed: two decimals)."""
        known = self.values.get(id(r))
        if known is not None and known[0] is r:
            return known[1]
        text = say.measurement(
            r.shown, computed=r.creatinine is not None or r.shown is not r.measurement
        )
        self.values[id(r)] = (r, text)
        return text


def _value_text(r: ReadingResult, texts: _Texts | None = None) -> str:
    if texts is not None:
        text = texts.value(r)
    else:
        text = say.measurement(
            r.shown, computed=r.creatinine is not None or r.shown is not r.measurement
        )
    extras = r.extras  # of an ACR computed from an albumin and a creatinine
    if extras is not None:
        albumin, creatinine = extras
        text += (
            f" (albumin {say.measurement(albumin)} ÷ creatinine "
            f"{say.number(creatinine.value)} {creatinine.unit})"
        )
    return text


def quantity_title(quantity: Family) -> str:
    """`ACR (albumin-to-creatinine ratio)`, `Albumin concentration`."""
    if quantity == CONCENTRATION:
        return "Albumin concentration"
    return f"{say.QUANTITY_NAMES[quantity]} ({FAMILY_DESCRIPTIONS[quantity]})"


CONFIRMED = "✓"


def confirmed_mark(r: ReadingResult) -> str:
    """After a reading's category: ` ✓` when 2 of 3 specimens confirm it (CLINICAL.md
    §8), ` (A2 ✓)` when they confirm another category, "" when none is confirmed."""
    confirmed = r.confirmed_category
    if confirmed is None:
        return ""
    if confirmed == r.category.code:
        return f" {CONFIRMED}"
    return f" ({confirmed} {CONFIRMED})"


def readings_grid(
    readings: list[ReadingResult], title: str = "", texts: _Texts | None = None
) -> Grid:
    texts = texts or _Texts()
    grid = Grid(title, ["Date", "Value", "Category", "vs previous"])
    rows, styles = grid.rows, grid.styles
    for r in readings:
        previous = r.previous
        if previous is not None:
            vs = previous.describe_percent()
        else:
            vs = r.previous_note if r.previous_note != "first reading" else ""
        rows.append(
            [
                texts.date_of(r.date),
                _value_text(r, texts),
                texts.category_of(r, r.measurement.unit),
                vs,
            ]
        )
        styles.append(r.category.code)
    return grid


def intervention_blocks(i: InterventionResult, texts: _Texts | None = None) -> list[Block]:
    iv = i.intervention
    blocks: list[Block] = [Heading(f"Intervention {say.format_date(iv.date)}: {iv.text}")]
    if len(i.quantities) <= 1:
        q = i.quantities[0] if i.quantities else None
        return blocks + quantity_blocks(i, q, i.followups, texts)
    for q in i.quantities:  # each quantity against its own baseline, the ACR first
        blocks.append(Line(quantity_title(q.quantity) + ":"))
        blocks += quantity_blocks(i, q, q.followups, texts)
    return blocks


def quantity_blocks(
    i: InterventionResult,
    q: QuantityResult | None,
    followups: list[FollowUp],
    texts: _Texts | None = None,
) -> list[Block]:
    """One quantity's baseline, follow-ups and summary after an intervention."""
    texts = texts or _Texts()
    iv = i.intervention
    blocks: list[Block] = []
    baseline = q.baseline if q is not None else None
    if baseline is None:
        blocks.append(
            Line(
                f"No baseline: no reading on or before {say.format_date(iv.date)}; "
                "no change is computed.",
                "warn",
            )
        )
    else:
        blocks += baseline_lines(i, baseline, q.baseline_from if q is not None else None)
    if not followups:
        blocks.append(Line("No readings after this intervention yet."))
        return blocks
    unit = baseline.shown.unit.symbol if baseline else ""
    # A doubling is as important as a fall: its column is shown whenever a follow-up
    # doubled or a bound leaves it open.
    verdicts = [f.verdict for f in followups]
    doubling = any(v.change is not None and v.doubling is not False for v in verdicts)
    columns = ["Date", "Day", f"Value {unit}".strip(), f"Δ {unit}".strip(), "Δ %", "≥30% fall"]
    columns += ["Doubling"] * doubling + ["RCV", "Category"]
    grid = Grid("", columns)
    _followup_rows(followups, texts, doubling, grid)
    blocks.append(grid)
    converted = sorted(
        {
            f.result.shown.unit.symbol
            for f, v in zip(followups, verdicts, strict=True)
            if v.change is not None and v.change.converted
        }
    )
    if converted:
        blocks.append(
            Line(f"* converted to {unit} from {', '.join(converted)} (same quantity).", "dim")
        )
    if q is not None:
        blocks.append(Line(summary_sentence(q)))
        if q.trend is not None:
            blocks.append(Line(trend_sentence("Trend since the baseline", q.trend), "dim"))
    else:
        blocks.append(Line("No baseline, so no change is computed."))
    return blocks


def baseline_lines(
    i: InterventionResult, b: ReadingResult, source: BaselineFrom | None
) -> list[Block]:
    """The baseline: a reading, or (--baseline mean) the geometric mean of the
    readings listed, with the day-to-day variation against it; bounds left out."""
    category = say.category_short(b.category, b.measurement.unit) + confirmed_mark(b)
    if source is not None and source.method == MEAN and source.n > 1:
        assert source.window_days is not None
        listed = say.specimens([_specimen(r) for r in source.specimens])
        lines: list[Block] = [
            Line(
                f"Baseline {say.measurement(b.shown, computed=True)} ({category}): the "
                f"geometric mean of {source.n} readings in {say.window(source.window_days)}: "
                f"{listed}."
            ),
            Line(say.rcv_against_mean(source.n, source.limits), "dim"),
        ]
    else:
        before = days_before(i.intervention, b) or 0
        when = "on the day" if before == 0 else f"{say.days(before)} before"
        text = f"Baseline {_value_text(b)} on {say.format_date(b.date)}, {when} ({category})"
        if source is not None and source.window_days is not None:
            if source.method == MEAN:
                text += f": the only exact reading in {say.window(source.window_days)}"
            else:
                text += (
                    f": no exact reading in {say.window(source.window_days)} to average, so "
                    "the latest reading"
                )
        lines = [Line(text + ".")]
    if source is not None and source.left_out:
        bounds = say.specimens([_specimen(r) for r in source.left_out])
        lines.append(Line(f"Left out of the mean (a bound is not a value): {bounds}.", "dim"))
    return lines


def _specimen(r: ReadingResult) -> tuple[Measurement, bool, str]:
    return r.shown, r.shown is not r.measurement, say.format_date(r.date)


_MOVES = {"regression": " ↓", "progression": " ↑", "unchanged": ""}


# `say.verdict` of a flag: yes/no, beyond/within, ? when it cannot be told.
_VERDICTS = {flag: say.verdict(flag) for flag in (True, False, None)}
_RCV_VERDICTS = {flag: say.verdict(flag, "beyond", "within") for flag in (True, False, None)}


def followup_row(f: FollowUp, texts: _Texts | None = None) -> list[str]:
    """Date, day, value in the baseline's unit, change, verdicts, category.

    A value converted from another unit of the same quantity is marked `*`; one
    that cannot be compared keeps its own unit and says so.
    """
    grid = Grid("", [])
    _followup_rows([f], texts or _Texts(), False, grid)
    return grid.rows[0]


def _followup_rows(followups: list[FollowUp], texts: _Texts, doubling: bool, grid: Grid) -> None:
    """Each follow-up's row (`followup_row`, with its doubling verdict after the 30%
    fall's when `doubling`) and style, added to `grid`: a clinic list's page has
    tens of thousands, each made in one pass."""
    rows, styles = grid.rows, grid.styles
    date_of, value_of = texts.date_of, texts.value
    for f in followups:
        r, v = f.result, f.verdict
        date, day, category = date_of(r.date), str(f.days), r.category.code
        c = v.change
        if c is None:
            row = [date, day, say.measurement(r.shown), "—", "—", "", "", f"{category} · {v.note}"]
            if doubling:
                row.insert(6, "")
            rows.append(row)
            styles.append("dim")
            continue
        if c.converted:
            shown = Measurement(
                convert(r.shown.value, r.shown.unit, c.unit), c.unit, r.shown.censor
            )
            value = say.measurement(shown, computed=True).rsplit(" ", 1)[0] + "*"
        else:
            value = value_of(r).rsplit(" ", 1)[0]
        row = [
            date,
            day,
            value,
            say.change_figure(c),
            c.describe_percent(),
            _VERDICTS[v.fall_30],
            _RCV_VERDICTS[v.beyond_rcv],
            category + _moves_said(v.category_change, v.confirmed_change),
        ]
        if doubling:
            row.insert(6, _VERDICTS[v.doubling])
        rows.append(row)
        # Good: a fall of 30% or more; warn: a rise beyond day-to-day variation.
        styles.append("good" if v.fall_30 else "warn" if c.percent > 0 and v.beyond_rcv else "")


@cache
def _moves_said(category_change: str | None, confirmed_change: str | None) -> str:
    """The move between the categories (` ↓`), and ` confirmed` when the confirmed
    categories moved that way too (` confirmed ↓` when only they moved)."""
    move = _MOVES.get(category_change or "", "")
    confirmed = _MOVES.get(confirmed_change or "", "")
    if not confirmed:
        return move
    return f"{move} confirmed" if confirmed == move else f"{move} confirmed{confirmed}"


def summary_sentence(i: InterventionResult | QuantityResult) -> str:
    if i.baseline is None:
        return "No baseline, so no change is computed."
    parts = []
    if i.latest is not None and i.latest.change is not None:
        verdict = {True: "beyond day-to-day variation", False: "within day-to-day variation"}
        parts.append(
            f"Latest: {i.latest.change.describe_percent()} at day {i.latest.days}"
            + (f", {verdict[i.latest.beyond_rcv]}" if i.latest.beyond_rcv is not None else "")
            + "."
        )
    else:
        parts.append("No follow-up reading can be compared with the baseline.")
    largest = i.largest_fall
    if largest is not None and largest.change is not None:
        parts.append(f"Largest fall: {largest.change.describe_percent()} at day {largest.days}.")
    if i.first_fall_30 is not None and i.first_fall_30.change is not None:
        parts.append(
            f"First fall of {abs(FALL_MARK):.0f}% or more: day {i.first_fall_30.days} "
            f"({i.first_fall_30.change.describe_percent()})."
        )
    elif i.latest is not None:
        parts.append(f"No fall of {abs(FALL_MARK):.0f}% or more.")
    rise = i.largest_rise
    if rise is not None and rise.change is not None:
        parts.append(f"Largest rise: {rise.change.describe_percent()} at day {rise.days}.")
    if i.first_doubling is not None and i.first_doubling.change is not None:
        parts.append(
            f"First doubling: day {i.first_doubling.days} "
            f"({i.first_doubling.change.describe_percent()})."
        )
    return " ".join(parts)


def trend_sentence(label: str, t: Trend) -> str:
    yearly = (
        f" ({say.percent(t.per_year)} per year)" if t.span_days >= YEARLY_SHOWN_FROM_DAYS else ""
    )
    text = (
        f"{label}: {say.percent(t.per_month)} per month{yearly}, "
        f"{t.readings} readings over {say.days(t.span_days)}; log-linear, descriptive, not a test."
    )
    if t.excluded_bounds:
        text += f" {t.excluded_bounds} result(s) outside the measuring range left out."
    return text


def _against_one(report: Report) -> str:
    """With --baseline mean, the footer's RCV is that against one baseline specimen."""
    if report.settings.baseline != MEAN:
        return ""
    return " against one baseline specimen; against a mean of several, as said under it"


def footnotes(report: Report) -> list[Block]:
    rcv = report.settings.rcv
    # Each unit object once (a clinic list's readings share a few): not hashed per reading.
    units = {
        id(u): u for p in report.patients for u in (r.measurement.unit for r in p.readings)
    }.values()
    lines: list[Block] = []
    if report.skipped or report.prose:
        lines.append(
            Line(
                say.skipped(report.skipped, report.skipped_at, report.prose, report.prose_at),
                "warn",
            )
        )
    if report.unitless:
        lines.append(Line(report.unitless, "warn"))
    also = say.also_left_out(report.warnings)
    if also is not None:
        lines.append(Line(also, "warn"))
    lines += [
        Line(
            f"{say.categories_sentence(report.settings.boundary)} One value is one value: "
            f"a category is confirmed ({CONFIRMED}) when 2 of 3 specimens of its quantity "
            f"within 183 days share it; (A2 {CONFIRMED}): the specimens confirm A2, not the "
            "reading's own category.",
            "dim",
        ),
    ]
    if any(u.indicative for u in units):
        lines.append(
            Line(
                "mg/L is a concentration, not an ACR: its placement against 30/300 is "
                "indicative, not a KDIGO category; an ACR confirms it.",
                "dim",
            )
        )
    lines.append(
        Line(
            f"Day-to-day variation: reference change value (log-normal, Fokkema 2006) with "
            f"CV_I {rcv.cv_within * 100:g}%, CV_A {rcv.cv_analytical * 100:g}%, "
            f"{rcv.confidence * 100:g}% two-sided (Z {rcv.z:.2f}): a change beyond "
            f"{say.percent(report.rcv_fall)} or {say.percent(report.rcv_rise)} exceeds it "
            f"(RCV: beyond){_against_one(report)}. ↓ down a category (regression), ↑ up "
            "(progression); confirmed: the confirmed categories of the baseline and the "
            "reading moved so.",
            "dim",
        )
    )
    in_force = say.settings_in_force(report.settings.in_force)
    if in_force is not None:
        lines.append(Line(in_force, "dim"))
    return lines
