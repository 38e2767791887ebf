"""The TSV and CSV rows, written fast (`export.rows`), equal rows written the slow,
obvious way from `analyse`'s report: one row per reading and per intervention it
follows, each cell from the FollowUp that the JSON output shows too.

Any readings (units, bounds, conversions, same-day readings, several sources,
computed ACRs, readings without a patient), any interventions (before, between and
after the readings, on a reading's day) and any settings.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import statistics
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from albutrend import __version__
from albutrend.clinical.analysis import (
    NO_BASELINE,
    Report,
    Settings,
    analyse,
    days_before,
    timelines,
)
from albutrend.clinical.change import DOUBLING, FALL_MARK, RCVSettings
from albutrend.clinical.followup import NO_BASELINE_VERDICT, FollowUpRule
from albutrend.clinical.units import (
    ALBUMIN_UNITS,
    CREAT_MG_DL,
    CREAT_MMOL_L,
    MG_G,
    MG_L,
    MG_MMOL,
    convert,
)
from albutrend.model import Censor, Creatinine, Intervention, Measurement, Origin, Reading
from albutrend.present.export import (
    COLUMNS,
    _Quoter,
    _safe_cell,
    _tsv_cell,
    _tsv_raw_cell,
    write_delimited,
    write_timelines,
)
from albutrend.present.export_json import (
    _value,
    report_document,
    write_json,
    write_jsonl,
    write_timelines_json,
    write_timelines_jsonl,
)
from albutrend.reading.records import Records

DAY0 = date(2020, 1, 1)
CENSORS = [Censor(c) for c in ("", "", "", "<", "<=", ">", ">=")]
# Cut-offs, the nephrotic lines, figures that need more than 12 digits or an
# exponent, and plain values; or values a 30% fall or a doubling apart (exactly
# on the marks).
VALUES = st.one_of(
    st.sampled_from([30.0, 300.0, 3.0, 29.9, 300.1, 2200.0, 220.0, 0.03, 1e-7, 1e16]),
    st.sampled_from([123456789.123, 0.1]),
    st.integers(1, 50_000).map(lambda k: k / 10),
)
ON_THE_MARKS = st.sampled_from([10.0, 7.0, 20.0])
TEXTS = st.one_of(
    st.sampled_from(["Started ramipril", "Losartan 50 mg, then 100", '"quoted"', "=SUM(A1)"]),
    st.sampled_from(["-5 mg", "tab\there", "line\nbreak", "back\\slash", "+1", "@x", "ü", "\r"]),
    st.text(min_size=1, max_size=6),
)
PATIENTS = [None, "P1", "P2", "p 3", "=P4", "P,5", "", "Ωmega"]


@st.composite
def records(draw: st.DrawFn) -> Records:
    # Few patients, units and bounds in most examples: follow-ups in one unit are the
    # common case of a registry, and the one with its own fast path.
    units = draw(st.sampled_from([[MG_G], [MG_G, MG_MMOL], [MG_G, MG_MMOL, MG_L], ALBUMIN_UNITS]))
    censors = draw(st.sampled_from([[Censor.EXACT], CENSORS]))
    patients = draw(st.sampled_from([[None], ["P1", "P2"], PATIENTS]))
    sources = draw(st.sampled_from([["a.csv"], ["a.csv", "b,c.csv", "-"]]))
    values = draw(st.sampled_from([VALUES, ON_THE_MARKS]))
    # Days apart: within the 183 days of a confirmation, or across them.
    spread = draw(st.sampled_from([1, 1, 10]))
    readings = []
    for k in range(draw(st.integers(0, 14))):
        unit = draw(st.sampled_from(units))
        m = Measurement(draw(values), unit, draw(st.sampled_from(censors)))
        origin = Origin(draw(st.sampled_from(sources)), k + 2)
        when = DAY0 + timedelta(days=draw(st.integers(0, 40)) * spread)
        patient = draw(st.sampled_from(patients))
        if unit is MG_L and draw(st.booleans()):  # an ACR computed from a creatinine
            creatinine = Creatinine(
                draw(VALUES), draw(st.sampled_from([CREAT_MMOL_L, CREAT_MG_DL]))
            )
            acr = Measurement(draw(VALUES), draw(st.sampled_from([MG_G, MG_MMOL])), m.censor)
            readings.append(Reading(when, acr, origin, patient, m, creatinine))
        else:
            readings.append(Reading(when, m, origin, patient))
    interventions = [
        Intervention(
            DAY0 + timedelta(days=draw(st.integers(-2, 42)) * spread),
            draw(TEXTS),
            Origin("a.csv", 100 + k),
            draw(st.sampled_from(patients)),
        )
        for k in range(draw(st.integers(0, 5)))
    ]
    if not readings:
        readings.append(Reading(DAY0, Measurement(45.0, MG_G), Origin("a.csv", 1)))
    return Records(readings=readings, interventions=interventions)


SETTINGS = st.builds(
    Settings,
    rcv=st.builds(
        RCVSettings,
        cv_within=st.sampled_from([0.30, 0.01, 2.0]),
        cv_analytical=st.sampled_from([0.05, 0.0]),
        confidence=st.sampled_from([0.95, 0.5]),
    ),
    acr_unit=st.sampled_from([None, MG_G, MG_MMOL]),
    boundary=st.sampled_from(["kdigo", "ada"]),
    baseline=st.sampled_from(["latest", "mean"]),
    baseline_days=st.sampled_from([1, 30, 90, 3650]),
)


def _figure(x: float) -> str:
    # Twelve significant digits, never an exponent (1e-7 is 0.0000001, not 0):
    # the decimal module's own expansion of them.
    return format(Decimal(f"{x:.12g}"), "f")


_number = _figure


def _flag(x: bool | None) -> str:
    return "" if x is None else str(x).lower()


class _LineFeedRows:
    def __init__(self, out: io.StringIO) -> None:
        self.out = out
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def writerow(self, row: list[str]) -> None:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(row)
        self.out.write(self.buffer.getvalue()[:-2] + "\n")

    def writerows(self, rows: Iterable[list[str]]) -> None:
        for row in rows:
            self.writerow(row)


def slow_rows(report: Report, delimiter: str, raw: bool) -> str:
    """The rows from the report's objects, a cell at a time: TSV's cells joined by
    tabs, CSV's through csv.writer."""
    out = io.StringIO()
    if delimiter == "\t":
        out.write("\t".join(COLUMNS) + "\n")
        out.writelines("\t".join(row) + "\n" for row in slow_cells(report, raw, tsv=True))
        return out.getvalue()
    # A lone "\r" in a cell is quoted as "\n" is (csv quotes only the characters of
    # its line terminator): rows are written with "\r\n", then end in "\n".
    writer = _LineFeedRows(out)
    writer.writerow(COLUMNS)
    writer.writerows(slow_cells(report, raw))
    return out.getvalue()


def tsv_escaped(cell: str, raw: bool) -> str:
    """README "Text in TSV", a character at a time: a backslash, tab, line feed and
    carriage return always escaped; another control character unless raw."""
    out = []
    for ch in cell:
        code = ord(ch)
        if ch in "\\\t\n\r":
            out.append({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}[ch])
        elif raw or ch.isprintable():
            out.append(ch)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


def own_baseline(p, i, r, settings=None):  # type: ignore[no-untyped-def]
    """The baseline of reading `r` after intervention `i`, the obvious way: the last
    reading of its quantity on or before the intervention's date (the patient's
    readings are in date order, one date in file order). With --baseline mean, the
    report's mean baseline, checked here against the geometric mean of the exact
    readings of the quantity less than N days before (statistics.geometric_mean), or
    the last reading when there is none."""
    quantity = r.shown.unit.family
    before = [
        x for x in p.readings if x.date <= i.intervention.date and x.shown.unit.family == quantity
    ]
    if not before:
        return None
    if settings is None or settings.baseline != "mean":
        return before[-1]
    window = [
        x.reading.measurement
        for x in before
        if (i.intervention.date - x.date).days < settings.baseline_days
        and not x.reading.measurement.censor
    ]
    b = i.baseline_of(quantity)
    if not window:
        assert b is before[-1]
        return b
    unit = window[-1].unit
    mean = statistics.geometric_mean([convert(m.value, m.unit, unit) for m in window])
    assert b.reading.measurement.unit is unit and not b.reading.measurement.censor
    assert math.isclose(b.reading.measurement.value, mean, rel_tol=1e-11)
    assert i.of(quantity).baseline_from.n == len(window)
    return b


def own_confirmed(p, r):  # type: ignore[no-untyped-def]
    """CLINICAL.md §8 the obvious way: R and the two dates of its quantity before it
    (a date by its last reading), all three within 183 days of R; the category that
    two of them share (an indeterminate one counts for none)."""
    quantity = r.shown.unit.family
    at = next(k for k, x in enumerate(p.readings) if x is r)
    last_of_date = {}
    for x in p.readings[:at]:
        if x.shown.unit.family == quantity and x.date != r.date:
            last_of_date[x.date] = x.category.code
    earlier = sorted(last_of_date.items())[-2:]
    if len(earlier) < 2 or (r.date - earlier[0][0]).days > 183:
        return None
    codes = [code for _, code in earlier] + [r.category.code]
    agreed = [c for c in ("A1", "A2", "A3") if codes.count(c) >= 2]
    return agreed[0] if agreed else None


def own_confirmed_change(p, i, r):  # type: ignore[no-untyped-def]
    b = own_baseline(p, i, r)
    before, after = (own_confirmed(p, b) if b else None), own_confirmed(p, r)
    if not before or not after:
        return None
    rank = {"A1": 1, "A2": 2, "A3": 3}
    delta = rank[after] - rank[before]
    return "regression" if delta < 0 else "progression" if delta > 0 else "unchanged"


def slow_cells(report: Report, raw: bool, tsv: bool = False) -> Iterator[list[str]]:
    """The cells of each row, from the report's objects (text cells as TSV writes
    them, or as csv.writer is given them)."""

    def text(cell: str) -> str:
        if not tsv:
            return cell if raw else _safe_cell(cell)
        # The guard is the same in TSV and CSV: a `'` before the escaped text.
        guarded = not raw and _safe_cell(cell)[:1] == "'" != cell[:1]
        return "'" * guarded + tsv_escaped(cell, raw)

    for p in report.patients:
        for r in p.readings:
            s, c, reading = r.shown, r.category, r.reading
            head = [text(p.patient or ""), r.date.isoformat(), _number(s.value), s.unit.symbol]
            head += [s.censor, c.code, _flag(c.indicative), _flag(c.nephrotic)]
            a, cr = reading.albumin, reading.creatinine
            tail = ["", "", "", ""]
            if a is not None and cr is not None:
                tail = [_number(a.value), a.unit.symbol, _number(cr.value), cr.unit.symbol]
            tail += [text(reading.origin.source), str(reading.origin.line)]
            follows = [(i, f) for i in p.interventions for f in i.followups if f.result is r]
            confirmed = own_confirmed(p, r) or ""
            if not follows:
                yield head + [""] * 15 + tail + ["", confirmed, ""]
            for i, f in follows:
                iv = [i.intervention.date.isoformat(), text(i.intervention.text), str(f.days)]
                b = own_baseline(p, i, r, report.settings)
                if b is None:
                    iv += ["", "", "", ""]
                else:
                    iv += [b.date.isoformat(), _number(b.shown.value), b.shown.unit.symbol]
                    iv += [b.shown.censor]
                ch = f.change
                iv += ["", "", ""] if ch is None else [_figure(ch.absolute), _figure(ch.percent)]
                iv += [] if ch is None else [ch.bound]
                iv.append(f.note or ("converted" if ch is not None and ch.converted else ""))
                iv += [_flag(f.fall_30), _flag(f.doubling), _flag(f.beyond_rcv)]
                iv.append(f.category_change or "")
                move = "" if b is None else own_confirmed_change(p, i, r) or ""
                yield head + iv + tail + [_flag(f.halving), confirmed, move]


@given(records(), SETTINGS, st.sampled_from(["\t", ","]), st.booleans())
def test_fast_rows_equal_the_rows_of_the_report(found, settings, delimiter, raw):
    report = analyse(found, settings)
    expected = slow_rows(report, delimiter, raw)
    streamed, whole = io.StringIO(), io.StringIO()
    write_timelines(timelines(found)[0], settings, streamed, delimiter, raw)
    write_delimited(report, whole, delimiter, raw)
    assert streamed.getvalue() == expected
    assert whole.getvalue() == expected


NUMBERS = {"value", "baseline_value", "change", "change_pct", "albumin", "creatinine"}
FLAGS = {"indicative", "nephrotic", "fall_30", "doubling", "beyond_rcv", "halving"}


def typed(name: str, cell: str) -> object:
    if cell == "":
        return None
    if name in ("days_since", "line"):
        return int(cell)
    if name in NUMBERS:
        return float(cell)
    return cell == "true" if name in FLAGS else cell


# What JSON writes as \\uXXXX though json.dumps(ensure_ascii=False) does not (README
# "Output formats"): DEL, C1 controls, bidi controls, invisible characters.
UNSAFE = re.compile(
    "[\x7f-\x9f\xad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\u2800\u3164\ufeff\uffa0]"
)


def escaped(text: str) -> str:
    return UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


@given(records(), SETTINGS)
def test_json_lines_are_the_csv_rows_typed_and_json_is_json_dump(found, settings):
    report = analyse(found, settings)
    expected = "".join(
        escaped(
            json.dumps(
                {k: typed(k, v) for k, v in zip(COLUMNS, row, strict=True)}, ensure_ascii=False
            )
        )
        + "\n"
        for row in slow_cells(report, raw=True)
    )
    streamed, whole = io.StringIO(), io.StringIO()
    write_timelines_jsonl(timelines(found)[0], settings, streamed)
    write_jsonl(report, whole)
    assert streamed.getvalue() == whole.getvalue() == expected
    expected = escaped(json.dumps(slow_document(report), ensure_ascii=False, indent=2)) + "\n"
    document, streamed = io.StringIO(), io.StringIO()
    write_json(report, document)
    write_timelines_json(timelines(found)[0], settings, report.warnings, streamed)
    assert document.getvalue() == streamed.getvalue() == expected
    assert report_document(report) == json.loads(expected)


# The JSON document as dicts, the obvious way (as albutrend built it before it wrote
# the text directly): json.dump(indent=2) of this is the document.


def _clean(x: float) -> float:
    return float(f"{x:.12g}")


def _measurement(m):
    return {"value": m.value, "unit": m.unit.symbol, "censor": m.censor or None}


def _category(c):
    return {
        "category": c.code,
        "category_possible": list(c.possible),
        "indicative": c.indicative,
        "nephrotic": c.nephrotic,
    }


def _change(c):
    if c is None:
        return {"change": None, "change_pct": None, "change_bound": None, "converted": None}
    return {
        "change": _clean(c.absolute),
        "change_pct": _clean(c.percent),
        "change_bound": c.bound or None,
        "converted": c.converted,
    }


def _reading(r):
    reading = r.reading
    out = {
        "date": r.date.isoformat(),
        **_measurement(r.shown),
        **_category(r.category),
        "confirmed_category": r.confirmed_category,
    }
    out["albumin"] = _measurement(reading.albumin) if reading.albumin else None
    out["creatinine"] = (
        {"value": reading.creatinine.value, "unit": reading.creatinine.unit.symbol}
        if reading.creatinine
        else None
    )
    out["change_from_previous"] = (
        {
            "change": _clean(r.previous.absolute),
            "change_pct": _clean(r.previous.percent),
            "change_bound": r.previous.bound or None,
            "unit": r.previous.unit.symbol,
        }
        if r.previous
        else None
    )
    out["source"] = reading.origin.source
    out["line"] = reading.origin.line
    return out


def _followup(f):
    return {
        "date": f.result.date.isoformat(),
        "days": f.days,
        **_measurement(f.result.shown),
        **_category(f.result.category),
        "confirmed_category": f.result.confirmed_category,
        **_change(f.change),
        "comparison": f.note or ("converted" if f.change and f.change.converted else None),
        "fall_30": f.fall_30,
        "doubling": f.doubling,
        "beyond_rcv": f.beyond_rcv,
        "halving": f.halving,
        "category_change": f.category_change,
        "confirmed_category_change": f.confirmed_change,
        "line": f.result.reading.origin.line,
    }


def _trend(t):
    if t is None:
        return None
    return {
        "readings": t.readings,
        "first": t.first.isoformat(),
        "last": t.last.isoformat(),
        "span_days": t.span_days,
        "pct_per_month": _clean(t.per_month),
        "pct_per_year": _clean(t.per_year),
        "excluded_bounds": t.excluded_bounds,
    }


def _summary_point(f):
    if f is None or f.change is None:
        return None
    return {
        "date": f.result.date.isoformat(),
        "days": f.days,
        "change_pct": _clean(f.change.percent),
        "change_bound": f.change.bound or None,
    }


def _baseline(iv, b, source):
    if b is None:
        return None
    return {
        "date": b.date.isoformat(),
        "days_before": days_before(iv, b),
        **_measurement(b.shown),
        **_category(b.category),
        "confirmed_category": b.confirmed_category,
        "line": b.reading.origin.line,
        "method": source.method,
        "n": source.n,
        "dates": [r.date.isoformat() for r in source.specimens],
        "left_out": [r.date.isoformat() for r in source.left_out],
        "window_days": source.window_days,
        "rcv_fall_pct": _clean(source.limits[0]),
        "rcv_rise_pct": _clean(source.limits[1]),
    }


def _quantity(iv, q):
    return {
        "quantity": q.quantity,
        "baseline": _baseline(iv, q.baseline, q.baseline_from),
        "latest": _summary_point(q.latest),
        "largest_fall": _summary_point(q.largest_fall),
        "first_fall_30": _summary_point(q.first_fall_30),
        "largest_rise": _summary_point(q.largest_rise),
        "first_doubling": _summary_point(q.first_doubling),
        "trend": _trend(q.trend),
    }


def _intervention(i):
    iv = i.intervention
    return {
        "date": iv.date.isoformat(),
        "text": iv.text,
        "line": iv.origin.line,
        "baseline": _baseline(
            iv, i.baseline, i.quantities[0].baseline_from if i.quantities else None
        ),
        "followups": [_followup(f) for f in i.followups],
        "latest": _summary_point(i.latest),
        "largest_fall": _summary_point(i.largest_fall),
        "first_fall_30": _summary_point(i.first_fall_30),
        "trend": _trend(i.trend),
        "largest_rise": _summary_point(i.largest_rise),
        "first_doubling": _summary_point(i.first_doubling),
        "quantities": [_quantity(iv, q) for q in i.quantities],
    }


def _patient(p):
    return {
        "patient": p.patient,
        "readings": [_reading(r) for r in p.readings],
        "interventions": [_intervention(i) for i in p.interventions],
        "trend": _trend(p.trend),
        "trends": [{"quantity": q, **(_trend(t) or {})} for q, t in p.trends.items()],
    }


def _in_force(in_force):
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


def slow_document(report: Report, warnings=None) -> dict:
    rcv = report.settings.rcv
    acr = report.settings.acr_unit
    return {
        "albutrend": __version__,
        "settings": {
            "cv_within_pct": _clean(rcv.cv_within * 100),
            "cv_analytical_pct": _clean(rcv.cv_analytical * 100),
            "confidence_pct": _clean(rcv.confidence * 100),
            "z": _clean(rcv.z),
            "rcv_fall_pct": _clean(report.rcv_fall),
            "rcv_rise_pct": _clean(report.rcv_rise),
            "fall_mark_pct": FALL_MARK,
            "doubling_pct": DOUBLING,
            "acr_unit": acr.symbol if acr else None,
            "boundary": report.settings.boundary,
            "baseline": report.settings.baseline,
            "baseline_days": report.settings.baseline_days,
            **_in_force(report.settings.in_force),
        },
        "patients": [_patient(p) for p in report.patients],
        "warnings": [w.as_dict() for w in (warnings if warnings is not None else report.warnings)],
    }


def test_no_baseline_rows_say_so():
    found = Records(
        readings=[Reading(DAY0, Measurement(45.0, MG_G), Origin("a.csv", 2))],
        interventions=[Intervention(DAY0 - timedelta(days=3), "Started", Origin("a.csv", 1))],
    )
    out = io.StringIO()
    write_timelines(timelines(found)[0], Settings(), out, ",")
    assert out.getvalue().splitlines()[1].split(",")[18] == NO_BASELINE


@given(st.text(min_size=1).filter(str.isalnum))
def test_letters_and_digits_need_no_guard_and_no_quotes(cell):
    # write_timelines passes such cells (patient IDs) straight through.
    assert _safe_cell(cell) == cell
    assert _tsv_cell(cell) == _tsv_raw_cell(cell) == cell
    assert _Quoter(",")(cell) == cell


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # with nan, ±inf and -0.0
    st.sampled_from([1e16, 1e-7, 0.1, 123456789.123, -0.0, math.inf, -math.inf, math.nan]),
    st.text(),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(), inner, max_size=4),
    ),
    max_leaves=30,
)


@given(JSON_VALUES, st.integers(0, 3))
def test_a_value_is_laid_out_as_json_dump_lays_it_out(value, depth):
    # Settings and warnings: any value, at the depth it has in the document.
    dumped = escaped(json.dumps(value, ensure_ascii=False, indent=2))
    assert _value(value, depth) == dumped.replace("\n", "\n" + "  " * depth)


def test_a_value_json_cannot_write_is_refused():
    for bad in ({"a": object()}, [{1: 1}]):
        with pytest.raises(TypeError):
            _value(bad, 0)


@given(records(), SETTINGS)
def test_every_followup_is_the_rules_verdict(found, settings):
    # One rule: the report's follow-ups (JSON, table, note, chart) are what
    # FollowUpRule returns for the baseline and the reading; the rows above equal them.
    report = analyse(found, settings)
    for p in report.patients:
        for r in p.readings:  # and every confirmed category is §8's
            assert r.confirmed_category == own_confirmed(p, r)
        for i in p.interventions:
            for f in i.followups:
                b = own_baseline(p, i, f.result, settings)
                assert b is i.baseline_of(f.result.shown.unit.family)
                if b is None:
                    assert f.verdict == NO_BASELINE_VERDICT
                else:
                    r = f.result
                    n = i.of(r.shown.unit.family).baseline_from.n
                    rule = FollowUpRule(*settings.rcv.limits(n))
                    read = (b.reading.measurement, r.reading.measurement)
                    confirmed = (b.confirmed_category, r.confirmed_category)
                    verdict = rule(b.shown, b.category, r.shown, r.category, *read, *confirmed)
                    assert f.verdict == verdict


@given(
    st.one_of(
        st.floats(-100, 1e6, allow_nan=False),
        st.sampled_from([-30.0, 100.0, -56.15, 0.0, -29.9999999999, 100.0000000001]),
    ),
    st.sampled_from([0.30, 0.01, 2.0]),
    st.sampled_from([0.05, 0.0]),
)
def test_the_rules_interval_table_gives_its_marks(percent, cv_within, cv_analytical):
    rcv = RCVSettings(cv_within=cv_within, cv_analytical=cv_analytical)
    rule = FollowUpRule(rcv.fall, rcv.rise)
    marks = rule.interval_marks[bisect_right(rule.breaks, percent)]
    if marks is not None:  # None: within a hair of a mark, the rule decides itself
        assert marks == rule.marks_of(percent, "")
