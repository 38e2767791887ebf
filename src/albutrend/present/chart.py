"""`albutrend chart`: the readings over time on a logarithmic axis, drawn as text.

A pure function of the analysis: it returns lines of text, each with spans that
name what its characters show (a reading of a category, a bound, a cut-off line,
an intervention, the axes), so a renderer may colour them; the text alone reads
without colour. No plotting library: the drawing is deterministic and costs
nothing at start-up.

- Values on a log axis (albuminuria spans 3 to 3000), from a round value (1, 3, 10,
  30 …) below the lowest reading or cut-off to one above the highest.
- The category cut-offs of the unit are dashed lines (30 and 300 for mg/L and mg/g,
  3 and 30 for mg/mmol, 20 and 200 for µg/min), their values labelled on the axis,
  the categories named in the right margin.
- Readings are `●`; a result outside the measuring range is drawn at its limit as
  a bound, `▼` (the true value is below: `<3`) or `▲` (above: `>3000`), never as a
  number, and the dotted line between readings stops at it.
- Each intervention is a vertical `┊` at its date, numbered above the plot and
  named in the legend.
- Readings of different quantities (a concentration and a ratio) cannot share an
  axis: each quantity gets its own chart. Units of one quantity are converted to
  the unit most of its readings have, and the legend says so.
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import NamedTuple

from albutrend.clinical.analysis import PatientResult, Report
from albutrend.clinical.categories import ADA
from albutrend.clinical.units import FAMILY_DESCRIPTIONS, Unit, convert
from albutrend.model import CategoryCode, Censor, Family, Intervention, format_number
from albutrend.present import wording as say
from albutrend.problems import printable, shown_id

MIN_WIDTH = 40

# What a span of characters shows; a renderer maps these to styles.
AXIS = "axis"
TITLE = "title"
HEADING = "heading"
CUTOFF_A2 = "cutoff-A2"  # the A1/A2 line
CUTOFF_A3 = "cutoff-A3"  # the A2/A3 line
INTERVENTION = "intervention"
CONNECTOR = "connector"
BOUND = "bound"
# A reading is drawn with its category code as its kind: "A1", "A2", "A3",
# "indeterminate"; the right-margin band labels likewise.

READING_MARK = "●"
BELOW_MARK = "▼"  # `<3`: the true value is below the limit drawn
ABOVE_MARK = "▲"  # `>3000`: above it
CUTOFF_MARK = "╌"
INTERVENTION_MARK = "┊"
CONNECTOR_MARK = "·"
LABELS = "123456789abcdefghijklmnopqrstuvwxyz"

ROWS_PER_DECADE = 6
MIN_ROWS, MAX_ROWS = 8, 24
# Headroom around the data, in decades, before rounding out to a 1-3-10 value.
PAD_DECADES = 0.08
RIGHT_MARGIN = 3  # " A3"

# Drawing order: a higher priority hides a lower one in the same cell. A value label
# may cover only blank cells, the dotted line and an intervention's line.
_P_INTERVENTION, _P_CONNECTOR, _P_CUTOFF, _P_LABEL, _P_BOUND, _P_READING = 1, 2, 3, 4, 5, 6
VALUE = "value"  # a reading's value written next to it


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class ChartLine:
    text: str
    spans: tuple[Span, ...] = ()

    @staticmethod
    def of(parts: list[tuple[str, str]]) -> ChartLine:
        """A line from (text, kind) parts; kind "" is plain. Trailing blanks go."""
        spans: list[Span] = []
        at = 0
        for text, kind in parts:
            if kind and text:
                if spans and spans[-1].kind == kind and spans[-1].end == at:
                    spans[-1] = Span(spans[-1].start, at + len(text), kind)
                else:
                    spans.append(Span(at, at + len(text), kind))
            at += len(text)
        text = "".join(t for t, _ in parts).rstrip()
        clipped = tuple(
            Span(sp.start, min(sp.end, len(text)), sp.kind) for sp in spans if sp.start < len(text)
        )
        return ChartLine(text, clipped)


class Point(NamedTuple):
    """A reading as a chart draws it (a tuple: a clinic list's charts make thousands)."""

    date: date
    value: float  # in the chart's unit
    censor: Censor
    category: str


@dataclass(slots=True)
class Series:
    """The readings of one quantity, in one unit."""

    family: Family
    unit: Unit
    points: list[Point] = field(default_factory=list)
    converted: Counter[str] = field(default_factory=Counter)  # unit symbol → readings
    ada: bool = False  # the ADA boundary: a value on the upper cut-off is A3


def report_chart(report: Report, width: int = 80) -> list[ChartLine]:
    """Every patient's charts, a heading before each when there are several."""
    lines: list[ChartLine] = []
    several = len(report.patients) > 1
    for k, p in enumerate(report.patients):
        if k:
            lines.append(ChartLine(""))
        if p.patient is not None or several:
            lines.append(ChartLine.of([(f"Patient {shown_id(p.patient or '')}", HEADING)]))
        lines += patient_chart(p, width)
    in_force = say.settings_in_force(report.settings.in_force)
    if in_force is not None:  # what a config file or an option changed
        lines += [ChartLine(text) for text in textwrap.wrap(in_force, max(width, MIN_WIDTH))]
    return lines


def patient_chart(p: PatientResult, width: int = 80) -> list[ChartLine]:
    """One chart per quantity among the patient's readings, a blank line between."""
    width = max(width, MIN_WIDTH)
    interventions = [i.intervention for i in p.interventions]
    lines: list[ChartLine] = []
    for k, series in enumerate(series_of(p)):
        if k:
            lines.append(ChartLine(""))
        lines += draw(series, interventions, width)
    if not lines:
        lines.append(ChartLine("No readings to chart."))
    return lines


def series_of(p: PatientResult) -> list[Series]:
    """The readings grouped by quantity (in order of first appearance), each in the
    unit most of its readings are shown in (the first such unit on a tie)."""
    by_family: dict[Family, list[tuple[date, float, Unit, Censor, CategoryCode]]] = {}
    for r in p.readings:
        m = r.shown
        by_family.setdefault(m.unit.family, []).append(
            (r.date, m.value, m.unit, m.censor, r.category.code)
        )
    out = []
    for family, rows in by_family.items():
        first = rows[0][2]
        if all(row[2] is first for row in rows):  # one unit, as nearly always: as shown
            series = Series(family, first, ada=p.readings[0].category.boundary == ADA)
            series.points = [
                Point(when, value, censor, category) for when, value, _, censor, category in rows
            ]
            out.append(series)
            continue
        counts = Counter(unit for _, _, unit, _, _ in rows)
        unit = max(counts, key=lambda u: (counts[u], -[r[2] for r in rows].index(u)))
        series = Series(family, unit, ada=p.readings[0].category.boundary == ADA)
        for when, value, u, censor, category in rows:
            if u is not unit:
                series.converted[u.symbol] += 1
            series.points.append(Point(when, convert(value, u, unit), censor, category))
        out.append(series)
    return out


# ---- the y axis ------------------------------------------------------------------


def _nice_values(low: float, high: float) -> list[float]:
    """1, 3, 10, 30 … from the largest such value ≤ `low` to the smallest ≥ `high`."""
    values: list[float] = []
    for exponent in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 2):
        for mantissa in (1, 3):
            values.append(float(f"{mantissa}e{exponent}"))
    bottom = max(v for v in values if v <= low * (1 + 1e-9))
    top = min(v for v in values if v >= high * (1 - 1e-9))
    return [v for v in values if bottom <= v <= top]


@dataclass(frozen=True, slots=True)
class _YAxis:
    low: float  # log10 of the bottom row's value
    high: float  # log10 of the top row's value
    rows: int

    def row(self, value: float) -> int:
        fraction = (self.high - math.log10(value)) / (self.high - self.low)
        return min(self.rows - 1, max(0, round(fraction * (self.rows - 1))))

    def row_exact(self, value: float) -> float:
        return (self.high - math.log10(value)) / (self.high - self.low) * (self.rows - 1)


def _y_axis(series: Series) -> tuple[_YAxis, dict[int, str]]:
    unit = series.unit
    values = [p.value for p in series.points] + [unit.a2_from, unit.a3_above]
    pad = 10**PAD_DECADES
    nice = _nice_values(min(values) / pad, max(values) * pad)
    low, high = math.log10(nice[0]), math.log10(nice[-1])
    rows = min(MAX_ROWS, max(MIN_ROWS, round((high - low) * ROWS_PER_DECADE)))
    # at least two rows a decade, whatever the spread: the two cut-offs, a decade
    # apart, never share a row
    rows = max(rows, math.ceil((high - low) * 2)) + 1
    axis = _YAxis(low, high, rows)
    labels: dict[int, str] = {}
    for value in (unit.a2_from, unit.a3_above, *nice):  # the cut-offs claim rows first
        labels.setdefault(axis.row(value), format_number(value))
    return axis, labels


# ---- the x axis ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _XAxis:
    first: date
    last: date
    cols: int

    def col(self, when: date) -> int:
        """Dates map to columns 1 … cols − 2: one free column at each edge."""
        start = self.first.toordinal()  # days as ordinals: no timedelta made
        span = self.last.toordinal() - start
        return 1 + round((when.toordinal() - start) / span * (self.cols - 3))


_MONTHS = (1, 2, 3, 6)
_YEARS = (1, 2, 5, 10, 20, 50, 100)
_DAYS = (1, 2, 7, 14)


def _tick_dates(first: date, last: date, unit: str, step: int, limit: int) -> list[date] | None:
    """The tick dates from `first` to `last` by `step` days, months or years; None
    when there would be more than `limit` (a clinic list's charts span years: their
    thousands of daily ticks were most of a saved page's time)."""
    found = _ticks(first, last, unit, step, limit)
    if found is None:
        return None
    count, nth = found
    return [nth(k) for k in range(count)]


def _ticks(
    first: date, last: date, unit: str, step: int, limit: int
) -> tuple[int, Callable[[int], date]] | None:
    """`_tick_dates` as how many there are and a function of k that gives the k-th:
    a step whose first two labels run together is dropped without making the rest."""
    if unit == "day":
        count = (last - first).days // step
        if count + 1 > limit:
            return None
        return count + 1, lambda k: first + timedelta(days=step * k)
    if unit == "month" and 12 % step == 0:
        # Months counted from year 0: the first of each month from `first` to `last`
        # whose month number (from 1) is one more than a multiple of `step`.
        start = first.year * 12 + first.month - 1 + (first.day > 1)
        months = range(-(-start // step) * step, last.year * 12 + last.month, step)
        if len(months) > limit:
            return None
        return len(months), lambda k: date(months[k] // 12, months[k] % 12 + 1, 1)
    out: list[date] = []
    if unit == "month":
        y, m = first.year, first.month
        while date(y, m, 1) <= last:
            d = date(y, m, 1)
            if d >= first and (m - 1) % step == 0:
                if len(out) >= limit:
                    return None
                out.append(d)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return len(out), out.__getitem__
    # The first of January of each year from `first` to `last` divisible by `step`.
    start = first.year + ((first.month, first.day) != (1, 1))
    years = range(-(-start // step) * step, last.year + 1, step)
    if len(years) > limit:
        return None
    return len(years), lambda k: date(years[k], 1, 1)


def _tick_label(d: date, unit: str) -> str:
    if unit == "day":
        return say.format_date(d)
    if unit == "month":
        return say.format_date(d).split(" ", 1)[1]  # "Jul 2024"
    return str(d.year)


def _x_ticks(axis: _XAxis, room: int) -> list[tuple[int, str]]:
    """The finest date steps whose labels fit side by side (two spaces apart)
    within `room` columns, as (column, label)."""
    steps = (
        [("day", s) for s in _DAYS]
        + [("month", s) for s in _MONTHS]
        + [("year", s) for s in _YEARS]
    )
    for unit, step in steps:
        found = _ticks(axis.first, axis.last, unit, step, room)
        if not found or not found[0]:
            continue
        n, nth = found
        if n > 1:
            first, second = nth(0), nth(1)
            end = axis.col(second)
            if (
                axis.col(first) + len(_tick_label(first, unit)) + 2 > end
                and end + len(_tick_label(second, unit)) <= room
            ):
                continue  # the first two run together, and the second stays whatever
                # runs off the right edge (below): no need to look at the others
        while n and axis.col(nth(n - 1)) + len(_tick_label(nth(n - 1), unit)) > room:
            n -= 1  # a label that would run off the right edge
        if n > 1 and axis.col(nth(0)) + len(_tick_label(nth(0), unit)) + 2 > axis.col(nth(1)):
            continue  # the first two labels run together: no need to make the others
        ticks = [(axis.col(d), _tick_label(d, unit)) for d in map(nth, range(n))]
        ends = [col + len(label) for col, label in ticks]
        starts = [col for col, _ in ticks]
        if ticks and all(e + 2 <= s for e, s in zip(ends, starts[1:], strict=False)):
            return ticks
    return [(axis.col(axis.first), say.format_date(axis.first))]


# ---- drawing -----------------------------------------------------------------------


class _Canvas:
    def __init__(self, rows: int, cols: int) -> None:
        self.rows, self.cols = rows, cols
        self.cells = [[(" ", "", 0)] * cols for _ in range(rows)]

    def put(self, row: int, col: int, char: str, kind: str, priority: int) -> None:
        if 0 <= row < self.rows and 0 <= col < self.cols and priority >= self.cells[row][col][2]:
            self.cells[row][col] = (char, kind, priority)

    def parts(self, row: int) -> list[tuple[str, str]]:
        return [(char, kind) for char, kind, _ in self.cells[row]]

    def free(self, row: int, start: int, length: int) -> bool:
        """May a label cover cells `start` … `start + length − 1` of `row`?"""
        if row < 0 or row >= self.rows or start < 0 or start + length > self.cols:
            return False
        return all(self.cells[row][c][2] <= _P_CONNECTOR for c in range(start, start + length))

    def write(self, row: int, start: int, text: str, kind: str) -> None:
        for k, char in enumerate(text):
            self.put(row, start + k, char, kind, _P_LABEL)

    def label(self, row: int, col: int, text: str) -> bool:
        """Write `text` beside the mark at (row, col): right, left, below or above,
        where the cells either side of the text are clear (see `_clear`)."""
        end = len(text)
        for r, start, shown, before, after in (
            (row, col + 1, " " + text, None, col + 2 + end),  # a blank written after the mark
            (row, col - end - 1, text + " ", col - end - 2, None),  # … before it
            (row + 1, col, text, col - 1, col + end),
            (row - 1, col, text, col - 1, col + end),
        ):
            if (
                self.free(r, start, len(shown))
                and (before is None or self._clear(r, before, -1))
                and (after is None or self._clear(r, after, 1))
            ):
                self.write(r, start, shown, VALUE)
                return True
        return False

    def _clear(self, row: int, col: int, outward: int) -> bool:
        """May (row, col) be the cell beside a label, the next cell `outward` being
        farther from it? Off the canvas or blank it may; a mark or text it may not; the
        dotted line or an intervention's line may, unless another label's text is
        just beyond: a lone `·` between two numbers reads as a decimal point."""
        if not 0 <= col < self.cols:
            return True
        char, _, priority = self.cells[row][col]
        if priority > _P_CONNECTOR:
            return False
        if char == " ":
            return True
        beyond = col + outward
        return not (
            0 <= beyond < self.cols
            and self.cells[row][beyond][1] == VALUE
            and self.cells[row][beyond][0] != " "
        )


def draw(series: Series, interventions: list[Intervention], width: int) -> list[ChartLine]:
    """One chart: title, intervention numbers, plot, date axis and legend, each line
    at most `width` characters (user text in the legend is wrapped)."""
    unit = series.unit
    y, y_labels = _y_axis(series)
    label_width = max(len(text) for text in y_labels.values())
    left = label_width + 2  # label, space, axis line
    cols = width - left - RIGHT_MARGIN
    dates = [p.date for p in series.points] + [i.date for i in interventions]
    first, last = min(dates), max(dates)
    if first == last:
        first, last = first - timedelta(days=15), last + timedelta(days=15)
    x = _XAxis(first, last, cols)

    canvas = _Canvas(y.rows, cols)
    cutoff_rows = {y.row(unit.a2_from): CUTOFF_A2, y.row(unit.a3_above): CUTOFF_A3}
    for row, kind in cutoff_rows.items():
        for col in range(cols):
            canvas.put(row, col, CUTOFF_MARK, kind, _P_CUTOFF)
    marks = []
    for k, iv in enumerate(interventions):
        col = x.col(iv.date)
        marks.append((col, LABELS[k] if k < len(LABELS) else "*"))
        for row in range(y.rows):
            canvas.put(row, col, INTERVENTION_MARK, INTERVENTION, _P_INTERVENTION)
    points = sorted(series.points, key=lambda p: p.date)
    for a, b in pairwise(points):
        if a.censor or b.censor:
            continue  # a bound is not a value: the line stops at it
        ca, cb = x.col(a.date), x.col(b.date)
        ra, rb = y.row_exact(a.value), y.row_exact(b.value)
        for col in range(ca + 1, cb):
            row = round(ra + (rb - ra) * (col - ca) / (cb - ca))
            canvas.put(row, col, CONNECTOR_MARK, CONNECTOR, _P_CONNECTOR)
    rows = {id(p): _row_off_the_lines(p, y, unit, series.ada) for p in points}
    for p in points:
        row, col = rows[id(p)], x.col(p.date)
        if p.censor.is_upper_bound:
            canvas.put(row, col, BELOW_MARK, BOUND, _P_BOUND)
        elif p.censor:
            canvas.put(row, col, ABOVE_MARK, BOUND, _P_BOUND)
        else:
            canvas.put(row, col, READING_MARK, p.category, _P_READING)
    _label_values(canvas, [(p, rows[id(p)], x.col(p.date)) for p in points])

    lines = _title(series, width)
    # Numbers above the plot keep a blank column between them: `1` and `3` side by
    # side would read 13. An intervention too close to the one numbered before it is
    # drawn without its number, and the legend says which number it is drawn beside.
    shares: dict[int, str] = {}
    if marks:
        row_parts: list[tuple[str, str]] = [(" " * left, "")]
        at, numbered = 0, ""
        for k, (col, label) in enumerate(marks):
            if numbered and col < at + 1:
                shares[k] = numbered
                continue
            row_parts += [(" " * (col - at), ""), (label, INTERVENTION)]
            at, numbered = col + len(label), label
        lines.append(ChartLine.of(row_parts))
    bands = _band_rows(cutoff_rows, y.rows)
    for row in range(y.rows):
        label = y_labels.get(row, "")
        tick = "┼" if row in cutoff_rows else "┤" if label else "│"
        parts = [(label.rjust(label_width) + " ", ""), (tick, AXIS), *canvas.parts(row)]
        if row in bands:
            parts.append((" " + bands[row], bands[row]))
        lines.append(ChartLine.of(parts))
    ticks = _x_ticks(x, cols + RIGHT_MARGIN)
    tick_cols = {col for col, _ in ticks}
    rule = "".join("┬" if col in tick_cols else "─" for col in range(cols))
    lines.append(ChartLine.of([(" " * (left - 1), ""), ("└" + rule, AXIS)]))
    text = ""
    for col, label in ticks:
        text += " " * (col - len(text)) + label
    lines.append(ChartLine(" " * left + text))
    return lines + _legend(series, interventions, marks, width, shares)


def _value_text(p: Point) -> str:
    return p.censor.shown + say.number(p.value).replace(say.MINUS, "-")


def _row_off_the_lines(p: Point, y: _YAxis, unit: Unit, ada: bool = False) -> int:
    """The row of a reading, moved off a cut-off line to the side its value is on:
    the band a reading is drawn in is always its category (its label gives the
    exact value). A bound goes to the side its true value is on."""
    row = y.row(p.value)
    for cutoff, upper_band_from in ((unit.a3_above, False), (unit.a2_from, True)):
        if row != y.row(cutoff):
            continue
        if p.censor:
            above = p.censor.is_lower_bound
        else:  # A2 includes 30 (from the A1/A2 line up) and, by KDIGO's wording, 300
            # (below the A2/A3 line); by the ADA's, 300 is A3 (above it)
            above = p.value >= cutoff if upper_band_from or ada else p.value > cutoff
        return row - 1 if above else row + 1
    return row


def _label_values(canvas: _Canvas, placed: list[tuple[Point, int, int]]) -> None:
    """Every reading's value beside it when all fit, each clear of the others;
    otherwise the first and the last reading's, those of them that fit (a chart
    half labelled would suggest the others are special)."""
    trial = _Canvas(canvas.rows, canvas.cols)
    trial.cells = [list(row) for row in canvas.cells]
    if all(trial.label(row, col, _value_text(p)) for p, row, col in placed):
        canvas.cells = trial.cells
        return
    for p, row, col in {id(t[0]): t for t in (placed[0], placed[-1])}.values():
        canvas.label(row, col, _value_text(p))


def _title(series: Series, width: int) -> list[ChartLine]:
    points = series.points
    first = min(p.date for p in points)
    last = max(p.date for p in points)
    n = len(points)
    glue = "\u00a0"  # textwrap breaks only at ASCII spaces: a date stays whole
    when = say.format_date(first).replace(" ", glue)
    if first != last:
        when += " – " + say.format_date(last).replace(" ", glue)
    text = (
        f"{FAMILY_DESCRIPTIONS[series.family].capitalize()} in {series.unit}, log scale: "
        f"{n} reading{'s' if n != 1 else ''}, {when}"
    )
    return [ChartLine.of([(line.replace(glue, " "), TITLE)]) for line in textwrap.wrap(text, width)]


def _band_rows(cutoff_rows: dict[int, str], rows: int) -> dict[int, str]:
    """The middle row of each category's band, for its name in the right margin."""
    a3_row = next(r for r, kind in cutoff_rows.items() if kind == CUTOFF_A3)
    a2_row = next(r for r, kind in cutoff_rows.items() if kind == CUTOFF_A2)
    out = {}
    for name, top, bottom in (("A3", 0, a3_row - 1), ("A2", a3_row + 1, a2_row - 1)):
        if top <= bottom:
            out[(top + bottom) // 2] = name
    if a2_row + 1 <= rows - 1:
        out[(a2_row + 1 + rows - 1) // 2] = "A1"
    return out


def _legend(
    series: Series,
    interventions: list[Intervention],
    marks: list[tuple[int, str]],
    width: int,
    shares: dict[int, str] | None = None,
) -> list[ChartLine]:
    unit = series.unit
    items: list[list[tuple[str, str]]] = [[(READING_MARK + " reading", "")]]
    if any(p.censor.is_upper_bound for p in series.points):
        items.append([(BELOW_MARK, BOUND), (" below the limit drawn (<)", "")])
    if any(p.censor.is_lower_bound for p in series.points):
        items.append([(ABOVE_MARK, BOUND), (" above the limit drawn (>)", "")])
    low, high = format_number(unit.a2_from), format_number(unit.a3_above)
    items.append([(CUTOFF_MARK * 2, CUTOFF_A3), (f" cut-offs {low} / {high} {unit}", "")])
    if unit.indicative:
        items.append([(f"{unit} is a concentration, not an ACR: categories indicative", "")])
    for symbol, count in sorted(series.converted.items()):
        items.append(
            [(f"{count} reading{'s' if count != 1 else ''} in {symbol} shown in {unit}", "")]
        )
    lines = _pack(items, width)
    for k, ((_, label), iv) in enumerate(zip(marks, interventions, strict=True)):
        prefix = f"{label} {INTERVENTION_MARK} "
        text = f"{say.format_date(iv.date)}: {printable(iv.text.strip())}"
        if shares and k in shares:
            text += f" (drawn beside {shares[k]}, too close to be numbered above the chart)"
        wrapped = textwrap.wrap(
            text, max(10, width - len(prefix)), break_long_words=True, break_on_hyphens=False
        )
        for k, chunk in enumerate(wrapped or [""]):
            if k == 0:
                lines.append(ChartLine.of([(prefix, INTERVENTION), (chunk, "")]))
            else:
                lines.append(ChartLine(" " * len(prefix) + chunk))
    return lines


def _pack(items: list[list[tuple[str, str]]], width: int) -> list[ChartLine]:
    """Legend items side by side, three spaces apart, as many as fit on a line."""
    lines: list[ChartLine] = []
    current: list[tuple[str, str]] = []
    used = 0
    for item in items:
        size = sum(len(text) for text, _ in item)
        if current and used + 3 + size > width:
            lines.append(ChartLine.of(current))
            current, used = [], 0
        if size > width:  # alone and still too long: wrap its words
            first = ChartLine.of(item)
            wrapped = textwrap.wrap(first.text, width)
            head = wrapped[0]
            spans = tuple(
                Span(sp.start, min(sp.end, len(head)), sp.kind)
                for sp in first.spans
                if sp.start < len(head)
            )
            lines.append(ChartLine(head, spans))
            lines += [ChartLine(rest) for rest in wrapped[1:]]
            continue
        if current:
            current.append(("   ", ""))
            used += 3
        current += item
        used += size
    if current:
        lines.append(ChartLine.of(current))
    return lines
