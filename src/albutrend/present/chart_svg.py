"""The chart as a vector picture (SVG), for the saved report and `chart --save`.

Drawn by albutrend itself from the text chart's own scales (`chart.series_of`,
`chart._nice_values`, `chart._x_ticks`): the same quantities, units, log axis and
cut-offs as the terminal shows, no plotting library (none to install or import, the
page stays self-contained and the same input gives the same bytes). It follows what
studies of EHR graphs found missing (Sittig et al., JAMIA 2015): the axis labelled
with the quantity and unit, readings in date order with their values readable,
dates spaced in proportion to time, and each intervention marked at its date.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from html import escape
from itertools import repeat

from albutrend.clinical.analysis import PatientResult
from albutrend.clinical.units import FAMILY_DESCRIPTIONS
from albutrend.model import Intervention, format_number
from albutrend.present import wording as say
from albutrend.present.chart import PAD_DECADES, Series, _nice_values, _x_ticks, _XAxis, series_of
from albutrend.problems import printable

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 44, 30, 44
# Band fills and marks: light tints behind, dark strokes (AA contrast on white).
BAND_FILL = {"A1": "#e8f5ec", "A2": "#fdf3dc", "A3": "#fbe6e6"}
MARK = {"A1": "#1b6e34", "A2": "#8a5a00", "A3": "#a51d2a"}
INK, GREY, INTERVENTION = "#1c1c1c", "#555555", "#1f4fa8"
NAMESPACE = ' xmlns="http://www.w3.org/2000/svg"'
LABELLED_ALL = 14  # up to this many readings each carry their value; more: the ends and extremes


def _t(text: str) -> str:
    """File text for SVG: control characters shown, markup escaped."""
    return escape(printable(text), quote=True)


def escaped_all(texts: Sequence[str]) -> list[str]:
    """`_t` of each text: escaped as one text when none has a character to show
    (a chart's or a table's thousands of dates and values)."""
    joined = "".join(texts)
    if printable(joined) != joined:
        return [_t(text) for text in texts]
    if len(escape(joined, quote=True)) == len(joined):  # nothing to escape (as most)
        return list(texts)
    # A printable text holds no line break: the break parts them again.
    return escape("\n".join(texts), quote=True).split("\n")


def patient_svgs(p: PatientResult, standalone: bool = True) -> list[str]:
    """One chart per quantity among the patient's readings; inside an HTML page
    (not `standalone`) without the SVG namespace, which HTML does not need."""
    interventions = [i.intervention for i in p.interventions]
    return [series_svg(s, interventions, standalone) for s in series_of(p)]


def series_svg(series: Series, interventions: list[Intervention], standalone: bool = True) -> str:
    unit = series.unit
    points = series.points
    values = [pt.value for pt in points] + [unit.a2_from, unit.a3_above]
    pad = 10**PAD_DECADES
    nice = _nice_values(min(values) / pad, max(values) * pad)
    low, high = math.log10(nice[0]), math.log10(nice[-1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + (high - math.log10(value)) / (high - low) * plot_h

    first, last = points[0].date, points[-1].date
    dates = [first, last] + [iv.date for iv in interventions if first <= iv.date <= last]
    first, last = min(dates), max(dates)
    span = (last - first).days

    inset = 16  # the first and last readings clear of the axes

    def x(when: date) -> float:
        if span == 0:
            return LEFT + plot_w / 2
        return LEFT + inset + (when - first).days / span * (plot_w - 2 * inset)

    family = FAMILY_DESCRIPTIONS.get(series.family, series.family)
    title = f"{family[:1].upper()}{family[1:]} ({unit.symbol}), log scale"
    out = [
        f'<svg{NAMESPACE if standalone else ""} viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" class="chart" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f"<title>{_t(title)}</title>",
        f'<text x="{LEFT}" y="16" font-weight="bold" fill="{INK}">{_t(title)}</text>',
    ]
    # Category bands and the cut-offs of the unit.
    bottom, top = TOP + plot_h, TOP
    edges = [(nice[0], unit.a2_from, "A1"), (unit.a2_from, unit.a3_above, "A2")]
    edges.append((unit.a3_above, nice[-1], "A3"))
    for lo, hi, code in edges:
        y_lo, y_hi = min(bottom, y(max(lo, nice[0]))), max(top, y(min(hi, nice[-1])))
        if y_lo - y_hi <= 0:
            continue
        out.append(
            f'<rect x="{LEFT}" y="{y_hi:.1f}" width="{plot_w}" height="{y_lo - y_hi:.1f}" '
            f'fill="{BAND_FILL[code]}"/>'
        )
        out.append(
            f'<text x="{LEFT + plot_w + 6}" y="{(y_lo + y_hi) / 2 + 4:.1f}" '
            f'fill="{MARK[code]}" font-weight="bold">{code}</text>'
        )
    for cut in (unit.a2_from, unit.a3_above):
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(cut):.1f}" y2="{y(cut):.1f}" '
            f'stroke="{GREY}" stroke-dasharray="5 3"/>'
        )
    # The y axis: round values, the cut-offs among them.
    ticks = sorted({*nice, unit.a2_from, unit.a3_above})
    out.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{top}" y2="{bottom}" stroke="{INK}"/>')
    for v in ticks:
        out.append(
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{format_number(v)}</text>"
        )
    out.append(
        f'<text transform="translate(16 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" fill="{INK}">{_t(unit.symbol)} (log scale)</text>'
    )
    # The x axis: dates in proportion to time.
    out.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>'
    )
    cols = 90
    axis = _XAxis(first, last, cols)
    if span:
        for col, label in _x_ticks(axis, cols):
            tx = LEFT + inset + (col - 1) / (cols - 3) * (plot_w - 2 * inset)
            out.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{bottom}" y2="{bottom + 4}" '
                f'stroke="{INK}"/><text x="{tx:.1f}" y="{bottom + 17}" text-anchor="middle" '
                f'fill="{INK}">{_t(label)}</text>'
            )
    else:
        out.append(
            f'<text x="{LEFT + plot_w / 2}" y="{bottom + 17}" text-anchor="middle" '
            f'fill="{INK}">{say.format_date(first)}</text>'
        )
    # Interventions at their dates, numbered (the legend names them).
    for n, iv in enumerate(interventions, 1):
        if not first <= iv.date <= last:
            continue
        ix = x(iv.date)
        out.append(
            f'<line x1="{ix:.1f}" x2="{ix:.1f}" y1="{top}" y2="{bottom}" '
            f'stroke="{INTERVENTION}" stroke-width="1.5" stroke-dasharray="2 2"/>'
            f'<text x="{ix:.1f}" y="{top - 3}" text-anchor="middle" fill="{INTERVENTION}" '
            f'font-weight="bold">{n}</text>'
        )
    # The readings, joined in date order; a bound as ▼ (below) or ▲ (above). A
    # clinic list's charts hold thousands: each column is made in one pass, and each
    # reading's mark from one template.
    on, at, censors, categories = zip(*points, strict=True)  # dates, values, bounds, categories
    # Their positions: `x` and `y` of each, in one pass (the same arithmetic).
    if span == 0:
        pxs = [x(first)] * len(on)
    else:
        origin, across = first.toordinal(), plot_w - 2 * inset
        pxs = [LEFT + inset + (when.toordinal() - origin) / span * across for when in on]
    log10, scale = math.log10, high - low
    pys = [TOP + (high - log10(value)) / scale * plot_h for value in at]
    # Each position written once (one decimal), for the line and for its mark.
    xs = [f"{px:.1f}" for px in pxs]
    ys = [f"{py:.1f}" for py in pys]
    if len(on) > 1:
        path = " ".join(map("%s,%s".__mod__, zip(xs, ys, strict=True)))
        out.append(f'<polyline points="{path}" fill="none" stroke="{GREY}" stroke-width="1.2"/>')
    # `9 Jun 2024`: the tables' dates (as `%b` writes a month in the C locale, which
    # albutrend never changes, without strftime's cost per reading).
    whens = escaped_all(list(map(say.format_date, on)))
    known = _NUMBERS.get
    figures = [known(value) or _number(value) for value in at]
    shown_values = escaped_all(
        [
            f"{censor}{figure}" if censor else figure
            for censor, figure in zip(censors, figures, strict=True)
        ]
    )
    marks = list(
        map(
            '<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s: %s</title></circle>'.__mod__,
            zip(xs, ys, map(MARK.get, categories, repeat(INK)), whens, shown_values, strict=True),
        )
    )
    for k, censor in enumerate(censors):
        if censor:
            glyph = "▼" if censor.is_upper_bound else "▲"
            marks[k] = (
                f'<text x="{xs[k]}" y="{pys[k] + 5:.1f}" text-anchor="middle" '
                f'fill="{MARK.get(categories[k], INK)}" font-size="14">'
                f"<title>{whens[k]}: {shown_values[k]}</title>{glyph}</text>"
            )
    for k in sorted(_labelled(points)):
        px, py = pxs[k], pys[k]
        anchor = "start" if px < LEFT + 30 else "end" if px > LEFT + plot_w - 30 else "middle"
        marks[k] += (
            f'\n<text x="{xs[k]}" y="{py - 8:.1f}" text-anchor="{anchor}" fill="{INK}" '
            f'font-size="11">{shown_values[k]}</text>'
        )
    out += marks
    out.append("</svg>")
    return "\n".join(out)


# A value as a chart writes it (`format_number`), by value: a clinic list's readings
# share a few thousand values.
_NUMBERS: dict[float, str] = {}


def _number(value: float) -> str:
    text = format_number(value)
    if len(_NUMBERS) >= 100_000:
        _NUMBERS.clear()
    _NUMBERS[value] = text
    return text


def _labelled(points: list) -> set[int]:  # type: ignore[type-arg]
    """Which readings carry their value: all of a few; of many, the first, the last,
    the lowest and the highest (each reading's value is in its tooltip)."""
    if len(points) <= LABELLED_ALL:
        return set(range(len(points)))
    values = [pt.value for pt in points]
    return {0, len(points) - 1, values.index(min(values)), values.index(max(values))}


def legend(interventions: list[Intervention]) -> list[str]:
    """The interventions as the charts number them: `1  26 Jun 2024: text`."""
    return [
        f"{n}  {say.format_date(iv.date)}: {printable(iv.text)}"
        for n, iv in enumerate(interventions, 1)
    ]
