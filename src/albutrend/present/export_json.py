"""JSON and JSON lines, written a patient at a time from the analysis' results.

The JSON document is the text of `json.dump(document, ensure_ascii=False, indent=2)`
and a line break (README "Output formats"); JSON lines are one object per TSV row,
as `json.dumps` writes it. Neither is built as dicts and then encoded: Python's
json indents in pure Python (its C encoder runs only without `indent`), which was
half the time of a large report. Here each kind of object has a layout made once
(its keys, indented for its depth: `_object`), filled with the JSON texts of its
values; a patient is written as soon as it is analysed, so a million readings are
never held as one document.

Every text from the input (patient, intervention, source, warning) and every other
string reaches the output through `_encode`: the one place to change how JSON
escapes text.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from albutrend import __version__
from albutrend.clinical.analysis import (
    NO_BASELINE,
    NOT_COMPARABLE,
    BaselineFrom,
    FollowUp,
    InterventionResult,
    PatientResult,
    QuantityResult,
    ReadingResult,
    Report,
    Settings,
    Timeline,
    analyse_timeline,
    days_before,
)
from albutrend.clinical.categories import Category
from albutrend.clinical.change import DOUBLING, FALL_MARK, Change
from albutrend.clinical.trend import Trend
from albutrend.model import CategoryCode, Censor, Intervention, Measurement, format_number
from albutrend.notices import Notice
from albutrend.present.columns import COLUMNS
from albutrend.problems import json_safe
from albutrend.streams import write_in_batches

if TYPE_CHECKING:  # the config layer is the command line's
    from albutrend.config import InForce

_C_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _encode(obj: str | float | bool | None) -> str:
    """The JSON text of a scalar, as `json.dumps(obj, ensure_ascii=False)` writes it
    (a string by CPython's C encoder), with DEL, C1, bidi and invisible characters
    written \\uXXXX (`problems.json_safe`). Every string of the output passes here."""
    return json_safe(_C_ENCODE(obj))


_INDENT = "  "


def _object(keys: Sequence[str], depth: int, run: Sequence[str] = ()) -> str:
    """The layout of an object with these keys at this depth (0: the document) as
    json.dump(indent=2) writes it: a %-format with one `%s` per value, to be filled
    with the values' JSON texts (each indented for depth + 1 when it is an object or
    a list itself). The keys of `run`, consecutive in `keys`, share one `%s`: their
    values and the keys between them, made once as a whole (`_run`)."""
    inner = "\n" + _INDENT * (depth + 1)
    items = ",".join(f"{inner}{_encode(key).replace('%', '%%')}: %s" for key in keys)
    if run:
        whole = _run(run, depth)
        assert whole in items
        items = items.replace(whole, "%s", 1)
    return "{" + items + "\n" + _INDENT * depth + "}"


def _run(keys: Sequence[str], depth: int) -> str:
    """The items of these consecutive keys from the first one's value on, at this
    depth: a %-format with one `%s` per value."""
    inner = "\n" + _INDENT * (depth + 1)
    return f",{inner}".join(f"{_encode(key).replace('%', '%%')}: %s" for key in keys)[
        len(_encode(keys[0])) + 2 :
    ]


def _list(items: Sequence[str], depth: int) -> str:
    """A list at this depth, from its items' JSON texts (indented for depth + 1)."""
    if not items:
        return "[]"
    inner = "\n" + _INDENT * (depth + 1)
    return "[" + inner + ("," + inner).join(items) + "\n" + _INDENT * depth + "]"


def _value(obj: Any, depth: int) -> str:
    """Any JSON value (a warning, the settings) laid out at this depth."""
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        for key in obj:
            if not isinstance(key, str):
                raise TypeError(f"keys must be str, not {key.__class__.__name__}")
        texts = tuple(_value(v, depth + 1) for v in obj.values())
        return _object(list(obj), depth) % texts
    if isinstance(obj, list | tuple):
        return _list([_value(v, depth + 1) for v in obj], depth)
    if obj is None or isinstance(obj, str | int | float):
        return _encode(obj)
    raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")


def write_value(document: Any, out: IO[str]) -> None:
    """Any JSON document (dicts with text keys, lists, scalars) as
    `json.dump(document, ensure_ascii=False, indent=2)` writes it, strings passed
    through `_encode`, and a line break."""
    out.write(_value(document, 0) + "\n")


def _clean(value: float) -> float:
    """A computed float without binary noise (−1357.6, not −1357.6000000000001)."""
    return float(f"{value:.12g}")


_TWELVE_DIGITS = "%.12g"  # "%" formats a float faster than an f-string does


def _figure(value: float) -> str:
    """A computed float as JSON shows it: `repr(_clean(value))`, made from the
    "%.12g" text (a call to format and none to parse: a registry writes a few
    hundred thousand). Without an exponent that text has the digits repr gives
    (twelve significant digits or fewer read back as the same float, and no shorter
    text does); repr adds ".0" to a whole number. An exponent (or nan, inf) takes
    the long way."""
    text = _TWELVE_DIGITS % value
    if "e" in text or "n" in text:
        return repr(float(text))
    return text if "." in text else text + ".0"


_LITERAL = {None: "null", True: "true", False: "false"}


# ---- the document ------------------------------------------------------------------

# Depths: the document 0; settings, patients, warnings 1; a patient 2; its readings,
# interventions and trend 3; a reading or an intervention 4; a baseline, follow-ups
# and summaries 5; a follow-up 6.
_DOCUMENT = _object(("albutrend", "settings", "patients", "warnings"), 0)
_PATIENT = _object(("patient", "readings", "interventions", "trend", "trends"), 2)
# A value shown and its category: one run of keys in readings, baselines and
# follow-ups, made once per measurement and category (`_Texts.shown`).
_SHOWN = (
    "value",
    "unit",
    "censor",
    "category",
    "category_possible",
    "indicative",
    "nephrotic",
)
_SHOWN_RUNS = {depth: _run(_SHOWN, depth) for depth in (4, 5, 6, 7)}
_READING = _object(
    (
        "date",
        *_SHOWN,
        "confirmed_category",
        "albumin",
        "creatinine",
        "change_from_previous",
        "source",
        "line",
    ),
    4,
    _SHOWN,
)
_ALBUMIN = _object(("value", "unit", "censor"), 5)
_CREATININE = _object(("value", "unit"), 5)
_PREVIOUS = _object(("change", "change_pct", "change_bound", "unit"), 5)
_INTERVENTION = _object(
    (
        "date",
        "text",
        "line",
        "baseline",
        "followups",
        "latest",
        "largest_fall",
        "first_fall_30",
        "trend",
        "largest_rise",
        "first_doubling",
        "quantities",
    ),
    4,
)
# Per quantity of an intervention (depth 6 in its list): its baseline and summary.
_QUANTITY = _object(
    (
        "quantity",
        "baseline",
        "latest",
        "largest_fall",
        "first_fall_30",
        "largest_rise",
        "first_doubling",
        "trend",
    ),
    6,
)
# `method` "latest" or "mean" (--baseline), `n` its specimens, `dates` theirs,
# `left_out` the dates of bounds in a mean's window, `window_days` N of a mean, and
# the day-to-day variation limits against it (those for n specimens).
_BASELINE_KEYS = (
    "date",
    "days_before",
    *_SHOWN,
    "confirmed_category",
    "line",
    "method",
    "n",
    "dates",
    "left_out",
    "window_days",
    "rcv_fall_pct",
    "rcv_rise_pct",
)
_BASELINES = {depth: _object(_BASELINE_KEYS, depth, _SHOWN) for depth in (5, 7)}
_FOLLOWUP = _object(
    (
        "date",
        "days",
        *_SHOWN,
        "confirmed_category",
        "change",
        "change_pct",
        "change_bound",
        "converted",
        "comparison",
        "fall_30",
        "doubling",
        "beyond_rcv",
        "halving",
        "category_change",
        "confirmed_category_change",
        "line",
    ),
    6,
    _SHOWN,
)
_SUMMARIES = {
    depth: _object(("date", "days", "change_pct", "change_bound"), depth) for depth in (5, 7)
}
_TREND_KEYS = (
    "readings",
    "first",
    "last",
    "span_days",
    "pct_per_month",
    "pct_per_year",
    "excluded_bounds",
)
_TRENDS = {depth: _object(_TREND_KEYS, depth) for depth in (3, 5, 7)}
# A patient's trend per quantity (depth 4 in its list): the quantity, then the trend.
_QUANTITY_TREND = _object(("quantity", *_TREND_KEYS), 4)
_QUANTITY_NO_TREND = _object(("quantity",), 4)


class _Texts:
    """The JSON texts of what repeats (strings, dates, measurements, categories),
    each made once: a registry's million readings share a few thousand of each."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.dates: dict[date, str] = {}
        self.figures: dict[float, str] = {}
        # id -> (the object, kept alive so that its id is not reused; its texts)
        self.measurements: dict[int, tuple[Measurement, tuple[str, str, str]]] = {}
        self.categories: dict[tuple[int, int], tuple[Category, tuple[str, str, str, str]]] = {}
        # depth -> id of a measurement -> (it, its category; the run's text). A
        # measurement has one category in a document (both are kept and compared).
        self.shown_runs: dict[int, dict[int, tuple[Measurement, Category, str]]] = {
            depth: {} for depth in _SHOWN_RUNS
        }

    def figure(self, value: float) -> str:
        """`_figure(value)`, remembered: a change in a unit is the difference of two
        values as written, and a registry's repeat."""
        known = _figure(value)
        if value:  # never a zero: 0.0 and -0.0 are one key
            if len(self.figures) >= 50_000:
                self.figures.clear()
            self.figures[value] = known
        return known

    def string(self, text: str) -> str:
        known = self.strings.get(text)
        if known is None:
            known = _encode(text)
            if len(self.strings) < 100_000:
                self.strings[text] = known
        return known

    def optional(self, text: str | None) -> str:
        return "null" if not text else self.string(text)

    def date(self, d: date) -> str:
        known = self.dates.get(d)
        if known is None:
            known = self.dates[d] = _encode(d.isoformat())
        return known

    def measurement(self, m: Measurement) -> tuple[str, str, str]:
        """value, unit, censor."""
        known = self.measurements.get(id(m))
        if known is None or known[0] is not m:
            texts = (repr(m.value), self.string(m.unit.symbol), self.optional(m.censor))
            if len(self.measurements) < 100_000:
                self.measurements[id(m)] = (m, texts)
            return texts
        return known[1]

    def shown(self, m: Measurement, c: Category, depth: int) -> str:
        """The run of `_SHOWN` keys of an object at `depth`: value to nephrotic."""
        runs = self.shown_runs[depth]
        known = runs.get(id(m))
        if known is None or known[0] is not m or known[1] is not c:
            text = _SHOWN_RUNS[depth] % (*self.measurement(m), *self.category(c, depth + 1))
            if len(runs) < 100_000:
                runs[id(m)] = (m, c, text)
            return text
        return known[2]

    def category(self, c: Category, depth: int) -> tuple[str, str, str, str]:
        """category, category_possible (a list at `depth`), indicative, nephrotic."""
        known = self.categories.get((id(c), depth))
        if known is None or known[0] is not c:
            possible = _list([self.string(code) for code in c.possible], depth)
            texts = (self.string(c.code), possible, _LITERAL[c.indicative], _LITERAL[c.nephrotic])
            self.categories[(id(c), depth)] = (c, texts)
            return texts
        return known[1]


def _settings(settings: Settings, rcv_fall: float, rcv_rise: float) -> dict[str, Any]:
    rcv = settings.rcv
    acr = settings.acr_unit
    return {
        "cv_within_pct": _clean(rcv.cv_within * 100),
        "cv_analytical_pct": _clean(rcv.cv_analytical * 100),
        "confidence_pct": _clean(rcv.confidence * 100),
        "z": _clean(rcv.z),
        "rcv_fall_pct": _clean(rcv_fall),
        "rcv_rise_pct": _clean(rcv_rise),
        "fall_mark_pct": FALL_MARK,
        "doubling_pct": DOUBLING,
        "acr_unit": acr.symbol if acr else None,
        "boundary": settings.boundary,
        "baseline": settings.baseline,
        "baseline_days": settings.baseline_days,
        **_in_force(settings.in_force),
    }


def _in_force(in_force: InForce | None) -> dict[str, Any]:
    """Every setting of the command line with its value and where it came from
    (default, config or option), and the config file read."""
    if in_force is None:  # a library call
        return {"config": None, "in_force": {}}
    return {
        "config": in_force.config,
        "in_force": {
            key.replace("-", "_"): {"value": value, "source": source}
            for key, value, source in in_force.values
        },
    }


def _change_texts(c: Change | None) -> tuple[str, str, str, str]:
    """change, change_pct, change_bound, converted."""
    if c is None:
        return ("null", "null", "null", "null")
    return (
        _figure(c.absolute),
        _figure(c.percent),
        _encode(c.bound) if c.bound else "null",
        _LITERAL[c.converted],
    )


def _trend_texts(t: Trend, texts: _Texts) -> tuple[object, ...]:
    return (
        t.readings,
        texts.date(t.first),
        texts.date(t.last),
        t.span_days,
        _figure(t.per_month),
        _figure(t.per_year),
        t.excluded_bounds,
    )


def _trend(t: Trend | None, depth: int, texts: _Texts) -> str:
    if t is None:
        return "null"
    return _TRENDS[depth] % _trend_texts(t, texts)


def _summary(f: FollowUp | None, texts: _Texts, depth: int = 5) -> str:
    if f is None or f.change is None:
        return "null"
    c = f.change
    bound = _encode(c.bound) if c.bound else "null"
    return _SUMMARIES[depth] % (texts.date(f.result.date), f.days, _figure(c.percent), bound)


def _baseline(
    iv: Intervention,
    b: ReadingResult | None,
    source: BaselineFrom | None,
    texts: _Texts,
    depth: int = 5,
) -> str:
    if b is None or source is None:
        return "null"
    fall, rise = source.limits
    how = (
        texts.string(source.method),
        source.n,
        _list([texts.date(r.date) for r in source.specimens], depth + 1),
        _list([texts.date(r.date) for r in source.left_out], depth + 1),
        "null" if source.window_days is None else source.window_days,
        _figure(fall),
        _figure(rise),
    )
    return _BASELINES[depth] % (
        texts.date(b.date),
        days_before(iv, b),
        texts.shown(b.shown, b.category, depth),
        texts.optional(b.confirmed_category),
        b.line,
        *how,
    )


def _summaries(iv: Intervention, q: QuantityResult, texts: _Texts) -> tuple[str, ...]:
    """A quantity's baseline, latest, largest_fall, first_fall_30, largest_rise,
    first_doubling and trend, laid out in its object (depth 7)."""
    return (
        _baseline(iv, q.baseline, q.baseline_from, texts, 7),
        _summary(q.latest, texts, 7),
        _summary(q.largest_fall, texts, 7),
        _summary(q.first_fall_30, texts, 7),
        _summary(q.largest_rise, texts, 7),
        _summary(q.first_doubling, texts, 7),
        _trend(q.trend, 7, texts),
    )


def _outdented(text: str) -> str:
    """`text`, laid out at depth 7, laid out at depth 5: two indents fewer on each
    line (a string's line break is written \\n, so each one is the layout's)."""
    return text.replace(_TWO_INDENTS, "\n")


_TWO_INDENTS = "\n" + _INDENT * 2


# ---- a patient, written as pieces -------------------------------------------------
#
# A registry's document is a million readings and half a million follow-ups: each is
# written as the literal pieces of its layout (`_pieces`) and its values' texts, one
# `list.extend` per object into the batch the document is written from. No text of
# an object, a list or a patient is made and then copied into the next: the batch is
# joined once, and "%" (which scans its whole format for each object) is left to the
# few objects per intervention.

_SLOT = "%s"


def _pieces(layout: str, *values: str) -> tuple[str, ...]:
    """The literal pieces of `layout % values` around its slots: a value `_SLOT`
    stays a slot, and a value that is a layout itself has its own slots in place.
    `text = pieces[0] + v0 + pieces[1] + v1 + … + pieces[-1]`."""
    text = layout % values
    assert text.count("%") == text.count(_SLOT)  # no key holds a "%" of its own
    return tuple(text.split(_SLOT))


def _list_ends(depth: int, first_piece: str) -> tuple[str, str, str]:
    """What comes before an item's `first_piece` in a list at `depth`: for its first
    item, for the others; and the list's end."""
    inner = "\n" + _INDENT * (depth + 1)
    return "[" + inner + first_piece, "," + inner + first_piece, "\n" + _INDENT * depth + "]"


S = _SLOT
# A reading without albumin and creatinine of its own (a reported value): date, the
# shown run, confirmed category, source and line; the first of a quantity, or with
# its change from the previous reading (change, pct, bound, unit) in between.
_READING_FIRST = _pieces(_READING, S, S, S, "null", "null", "null", S, S)
_READING_CHANGED = _pieces(_READING, S, S, S, "null", "null", _PREVIOUS, S, S)
_READING_LIST = _list_ends(3, _READING_FIRST[0])
assert _READING_CHANGED[0] == _READING_FIRST[0]
# A follow-up with an exact change in the baseline's unit (nearly all of a registry):
# date, days, the shown run, confirmed category, change, pct, fall_30, doubling,
# beyond_rcv, halving, category_change, confirmed_category_change, line.
_FOLLOWUP_EXACT = _pieces(_FOLLOWUP, S, S, S, S, S, S, "null", "false", "null", *(S,) * 7)
_FOLLOWUP_LIST = _list_ends(5, _FOLLOWUP_EXACT[0])
# A follow-up or a reading of another kind: its text after the first piece.
_FOLLOWUP_OTHER = _FOLLOWUP[len(_FOLLOWUP_EXACT[0]) :]
_READING_OTHER = _READING[len(_READING_FIRST[0]) :]
del S

_CONFIRMED: dict[str | None, str] = {None: "null", **{c: _encode(c) for c in CategoryCode}}
_MOVES: dict[str | None, str] = {
    None: "null",
    **{m: _encode(m) for m in ("regression", "progression", "unchanged")},
}
_BOUNDS = {bound: _encode(bound) if bound else "null" for bound in Censor}


def _readings(results: list[ReadingResult], texts: _Texts, out: list[str]) -> None:
    """The readings of a patient, a list at depth 3."""
    if not results:
        out.append("[]")
        return
    extend = out.extend
    lead, next_lead, end = _READING_LIST
    _, f1, f2, f3, f4, f5 = _READING_FIRST
    _, c1, c2, c3, c4, c5, c6, c7, c8, c9 = _READING_CHANGED
    dates, date_text = texts.dates, texts.date
    runs, shown = texts.shown_runs[4], texts.shown
    strings, string = texts.strings, texts.string
    figures, figure = texts.figures, texts.figure
    confirmed, bounds, twelve = _CONFIRMED, _BOUNDS, _TWELVE_DIGITS
    for r in results:
        d = r.date
        date = dates.get(d) or date_text(d)
        m, c = r.shown, r.category
        known = runs.get(id(m))
        run = known[2] if known and known[0] is m and known[1] is c else shown(m, c, 4)
        source = r.source
        source = strings.get(source) or string(source)
        previous = r.previous
        if r.extras is not None:
            extend((lead, _reading_other(r, date, run, texts)))
        elif previous is None:
            # fmt: off
            extend((lead, date, f1, run, f2, confirmed[r.confirmed_category], f3, source, f4,
                    str(r.line), f5))
            # fmt: on
        else:
            x, unit = previous.absolute, previous.unit.symbol
            absolute = figures.get(x) or figure(x)
            percent = twelve % previous.percent
            if "e" in percent or "n" in percent or "." not in percent:
                percent = _figure(previous.percent)
            # fmt: off
            extend((lead, date, c1, run, c2, confirmed[r.confirmed_category], c3, absolute,
                    c4, percent, c5, bounds[previous.bound], c6, strings.get(unit) or string(unit),
                    c7, source, c8, str(r.line), c9))
            # fmt: on
        lead = next_lead
    out.append(end)


def _reading_other(r: ReadingResult, date: str, run: str, texts: _Texts) -> str:
    """A reading of an ACR computed from an albumin and a creatinine: after its
    first piece."""
    extras = r.extras
    assert extras is not None
    albumin, creatinine = extras
    previous = r.previous
    return _READING_OTHER % (
        date,
        run,
        _CONFIRMED[r.confirmed_category],
        _ALBUMIN % texts.measurement(albumin),
        _CREATININE % (repr(creatinine.value), texts.string(creatinine.unit.symbol)),
        "null"
        if previous is None
        else _PREVIOUS
        % (
            _figure(previous.absolute),
            _figure(previous.percent),
            _BOUNDS[previous.bound],
            texts.string(previous.unit.symbol),
        ),
        texts.string(r.source),
        r.line,
    )


def _followups(followups: list[FollowUp], texts: _Texts, out: list[str]) -> None:
    """The follow-ups of an intervention, a list at depth 5."""
    if not followups:
        out.append("[]")
        return
    extend = out.extend
    lead, next_lead, end = _FOLLOWUP_LIST
    e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, e13 = _FOLLOWUP_EXACT[1:]
    dates, date_text = texts.dates, texts.date
    runs, shown = texts.shown_runs[6], texts.shown
    figures, figure = texts.figures, texts.figure
    confirmed, literal, moves, twelve = _CONFIRMED, _LITERAL, _MOVES, _TWELVE_DIGITS
    exact = Censor.EXACT
    for f in followups:
        r, v = f.result, f.verdict  # the verdict's fields, not FollowUp's properties
        d = r.date
        date = dates.get(d) or date_text(d)
        m, c = r.shown, r.category
        known = runs.get(id(m))
        run = known[2] if known and known[0] is m and known[1] is c else shown(m, c, 6)
        change = v.change
        if change is None or change.bound is not exact or change.converted or v.note:
            extend((lead, _followup_other(f, date, run, texts)))
            lead = next_lead
            continue
        x = change.absolute
        absolute = figures.get(x) or figure(x)
        percent = twelve % change.percent
        if "e" in percent or "n" in percent or "." not in percent:
            percent = _figure(change.percent)
        # fmt: off
        extend((lead, date, e1, str(f.days), e2, run, e3, confirmed[r.confirmed_category],
                e4, absolute, e5, percent, e6, literal[v.fall_30], e7, literal[v.doubling],
                e8, literal[v.beyond_rcv], e9, literal[v.halving], e10, moves[v.category_change],
                e11, moves[v.confirmed_change], e12, str(r.line), e13))
        # fmt: on
        lead = next_lead
    out.append(end)


def _followup_other(f: FollowUp, date: str, run: str, texts: _Texts) -> str:
    """A follow-up with no change, a bounded one or one converted: after its first
    piece."""
    r, v = f.result, f.verdict
    c = v.change
    if c is None:
        change = _NO_CHANGE
        comparison = texts.optional(v.note)
    else:
        change = (_figure(c.absolute), _figure(c.percent), _BOUNDS[c.bound], _LITERAL[c.converted])
        comparison = texts.optional(v.note or ("converted" if c.converted else None))
    return _FOLLOWUP_OTHER % (
        date,
        f.days,
        run,
        _CONFIRMED[r.confirmed_category],
        *change,
        comparison,
        _LITERAL[v.fall_30],
        _LITERAL[v.doubling],
        _LITERAL[v.beyond_rcv],
        _LITERAL[v.halving],
        _MOVES[v.category_change],
        _MOVES[v.confirmed_change],
        r.line,
    )


_NO_CHANGE = ("null", "null", "null", "null")

# An intervention: the pieces before its follow-ups (date, text, line, baseline) and
# after them (latest … quantities); a patient: before its readings (patient), between
# readings and interventions, and after them (trend, trends).
_BEFORE_FOLLOWUPS = _SLOT.join(_INTERVENTION.split(_SLOT)[:5])
_AFTER_FOLLOWUPS = _SLOT.join(_INTERVENTION.split(_SLOT)[5:])
_BEFORE_READINGS, _BETWEEN, _AFTER_INTERVENTIONS = (
    _SLOT.join(_PATIENT.split(_SLOT)[:2]),
    _PATIENT.split(_SLOT)[2],
    _SLOT.join(_PATIENT.split(_SLOT)[3:]),
)
_INTERVENTION_LIST = _list_ends(3, "")


def _intervention(i: InterventionResult, texts: _Texts, out: list[str]) -> None:
    """An intervention at depth 4. Its baseline and summaries are those of its first
    quantity: made once, at that quantity's depth, and outdented."""
    iv = i.intervention
    summaries = [_summaries(iv, q, texts) for q in i.quantities]
    if summaries:
        baseline, latest, fall, fall_30, rise, doubling, trend = map(_outdented, summaries[0])
    else:
        baseline = latest = fall = fall_30 = rise = doubling = trend = "null"
    out.append(
        _BEFORE_FOLLOWUPS % (texts.date(iv.date), texts.string(iv.text), iv.origin.line, baseline)
    )
    _followups(i.followups, texts, out)
    quantities = [
        _QUANTITY % (texts.string(q.quantity), *texts_of_q)
        for q, texts_of_q in zip(i.quantities, summaries, strict=True)
    ]
    out.append(
        _AFTER_FOLLOWUPS % (latest, fall, fall_30, trend, rise, doubling, _list(quantities, 5))
    )


def _patient(p: PatientResult, texts: _Texts, out: list[str]) -> None:
    """A patient at depth 2, its pieces added to `out`."""
    out.append(_BEFORE_READINGS % ("null" if p.patient is None else texts.string(p.patient)))
    _readings(p.readings, texts, out)
    out.append(_BETWEEN)
    if not p.interventions:
        out.append("[]")
    else:
        lead, next_lead, end = _INTERVENTION_LIST
        for i in p.interventions:
            out.append(lead)
            _intervention(i, texts, out)
            lead = next_lead
        out.append(end)
    trends = []
    for quantity, t in p.trends.items():
        if t is None:
            trends.append(_QUANTITY_NO_TREND % texts.string(quantity))
        else:
            trends.append(_QUANTITY_TREND % (texts.string(quantity), *_trend_texts(t, texts)))
    out.append(_AFTER_INTERVENTIONS % (_trend(p.trend, 3, texts), _list(trends, 3)))


def write_document(
    patients: Iterable[PatientResult],
    settings: Settings,
    rcv_fall: float,
    rcv_rise: float,
    warnings: Sequence[Notice],
    out: IO[str],
) -> None:
    """The JSON document, each patient written as soon as `patients` gives it."""
    head, tail = (
        _DOCUMENT
        % (
            _encode(__version__),
            _value(_settings(settings, rcv_fall, rcv_rise), 1),
            "\x00",
            _value([w.as_dict() for w in warnings], 1),
        )
    ).split("\x00")
    texts = _Texts()
    lead, next_lead, end = _list_ends(1, "")
    batch: list[str] = [head]  # written with the first patient (nothing if none can be)
    for p in patients:
        batch.append(lead)
        _patient(p, texts, batch)
        lead = next_lead
        if len(batch) > 1 << 15:  # about 1 MB of text
            out.write("".join(batch))
            batch.clear()
    batch.append("[]" if lead != next_lead else end)
    out.write("".join(batch) + tail + "\n")


def write_json(report: Report, out: IO[str], warnings: Sequence[Notice] | None = None) -> None:
    """The JSON document of a finished report."""
    write_document(
        report.patients,
        report.settings,
        report.rcv_fall,
        report.rcv_rise,
        report.warnings if warnings is None else warnings,
        out,
    )


def write_timelines_json(
    found: Iterable[Timeline], settings: Settings, warnings: Sequence[Notice], out: IO[str]
) -> None:
    """The JSON document straight from the records' timelines, a patient analysed and
    written at a time: the text of `write_json` on `analysis.analyse`'s report."""
    rcv_fall, rcv_rise = settings.rcv.fall, settings.rcv.rise
    patients = (analyse_timeline(t, settings, rcv_fall, rcv_rise) for t in found)
    write_document(patients, settings, rcv_fall, rcv_rise, warnings, out)


def report_document(report: Report, warnings: Sequence[Notice] | None = None) -> dict[str, Any]:
    """The JSON document as Python objects (what `json.loads` gives of `write_json`)."""
    import io

    out = io.StringIO()
    write_json(report, out, warnings)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


# ---- JSON lines --------------------------------------------------------------------

# One object per TSV row, the TSV's columns typed: a line as json.dumps writes it.
_LINE_KEYS = COLUMNS
_LINE = "{" + ", ".join(f"{_encode(key).replace('%', '%%')}: %s" for key in _LINE_KEYS) + "}\n"


def _number(value: float) -> str:
    """A value or figure as TSV writes it (`format_number`), typed back: the number
    JSON lines show."""
    return repr(float(format_number(value)))


class _LineTexts(_Texts):
    def value(self, m: Measurement) -> tuple[str, str, str]:
        """value, unit, censor as the TSV's cells have them."""
        known = self.measurements.get(id(m))
        if known is None or known[0] is not m:
            texts = (_number(m.value), self.string(m.unit.symbol), self.optional(m.censor))
            if len(self.measurements) < 100_000:
                self.measurements[id(m)] = (m, texts)
            return texts
        return known[1]


def _lines(p: PatientResult, texts: _LineTexts) -> Iterator[str]:
    patient = texts.optional(p.patient)
    splits = [
        bisect_right([r.date for r in p.readings], i.intervention.date) for i in p.interventions
    ]
    no_intervention = ("null",) * 15
    for k, r in enumerate(p.readings):
        reading = r.reading
        c = r.category
        cells = (
            patient,
            texts.date(r.date),
            *texts.value(r.shown),
            texts.string(c.code),
            _LITERAL[c.indicative],
            _LITERAL[c.nephrotic],
        )
        albumin, creatinine = reading.albumin, reading.creatinine
        lead = (
            ("null", "null", "null", "null")
            if albumin is None or creatinine is None
            else (
                _number(albumin.value),
                texts.string(albumin.unit.symbol),
                _number(creatinine.value),
                texts.string(creatinine.unit.symbol),
            )
        )
        end = (*lead, texts.optional(reading.origin.source), reading.origin.line)
        confirmed = texts.optional(r.confirmed_category)
        followed = [(i, k - split) for i, split in zip(p.interventions, splits, strict=True)]
        rows = [(i, i.followups[j]) for i, j in followed if j >= 0]
        if not rows:
            # halving, confirmed_category_change: no follow-up
            yield _LINE % (*cells, *no_intervention, *end, "null", confirmed, "null")
            continue
        for i, f in rows:
            # The baseline of the follow-up's own quantity.
            iv, b = i.intervention, i.baseline_of(r.shown.unit.family)
            ch = f.change
            if b is None:
                baseline: tuple[str, ...] = ("null",) * 4
            else:
                baseline = (texts.date(b.date), *texts.value(b.shown))
            if ch is None:
                change: tuple[str, ...] = ("null",) * 3
            else:
                bound = _encode(ch.bound) if ch.bound else "null"
                change = (_number(ch.absolute), _number(ch.percent), bound)
            comparison = f.note if f.note in (NO_BASELINE, NOT_COMPARABLE) else None
            if comparison is None and ch is not None and ch.converted:
                comparison = "converted"
            yield _LINE % (
                *cells,
                texts.date(iv.date),
                texts.optional(iv.text),
                f.days,
                *baseline,
                *change,
                texts.optional(comparison),
                _LITERAL[f.fall_30],
                _LITERAL[f.doubling],
                _LITERAL[f.beyond_rcv],
                texts.optional(f.category_change),
                *end,
                _LITERAL[f.halving],
                confirmed,
                texts.optional(f.confirmed_change),
            )


def write_lines(patients: Iterable[PatientResult], out: IO[str]) -> None:
    """JSON lines, one object per TSV row, written a patient at a time."""
    texts = _LineTexts()
    write_in_batches(out, ("".join(_lines(p, texts)) for p in patients))


def write_jsonl(report: Report, out: IO[str]) -> None:
    """One JSON object per TSV row, with the same fields, typed."""
    write_lines(report.patients, out)


def write_timelines_jsonl(timelines: Iterable[Timeline], settings: Settings, out: IO[str]) -> None:
    """`write_jsonl` straight from the records' timelines, a patient at a time."""
    rcv_fall, rcv_rise = settings.rcv.fall, settings.rcv.rise
    write_lines((analyse_timeline(t, settings, rcv_fall, rcv_rise) for t in timelines), out)
