"""Output for scripts and spreadsheets: TSV, CSV, JSON, JSON lines and markdown.

Plain, stable and documented (README "Output formats"): ISO dates, numbers as
numbers, the same columns in the same order in every release of a major version.
No Rich here: a pipe pays nothing for the terminal renderer.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from . import __version__
from .analysis import FollowUp, InterventionResult, PatientResult, ReadingResult, Report
from .change import DOUBLING, FALL_MARK, Change
from .classify import Category
from .model import Measurement, format_number
from .problems import printable
from .trend import Trend
from .views import Block, Grid, Heading, Line

# One row per reading and per intervention it follows (a reading before any
# intervention: one row, intervention fields empty). Never reorder: scripts index it.
COLUMNS = (
    "patient",
    "date",
    "value",
    "unit",
    "censor",
    "category",
    "indicative",
    "nephrotic",
    "intervention_date",
    "intervention",
    "days_since",
    "baseline_date",
    "baseline_value",
    "baseline_unit",
    "baseline_censor",
    "change",
    "change_pct",
    "change_bound",
    "comparison",
    "fall_30",
    "doubling",
    "beyond_rcv",
    "category_change",
    "albumin",
    "albumin_unit",
    "creatinine",
    "creatinine_unit",
    "source",
    "line",
)

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV
# injection, CWE-1236).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _number(value: float) -> str:
    return format_number(value)


def _clean(value: float) -> float:
    """A computed float without binary noise (−1357.6, not −1357.6000000000001)."""
    return float(f"{value:.12g}")


def _flag(value: bool | None) -> str:
    return "" if value is None else "true" if value else "false"


def _rows(report: Report) -> Iterator[list[str]]:
    for p in report.patients:
        patient = p.patient or ""
        # Interventions sorted by date; each one's follow-ups are the readings from
        # index `split` on.
        splits = [(len(p.readings) - len(i.followups), i) for i in p.interventions]
        for k, r in enumerate(p.readings):
            head = _reading_cells(patient, r)
            following = [(i, i.followups[k - split]) for split, i in splits if split <= k]
            if not following:
                yield head + _EMPTY_INTERVENTION + _tail(r)
                continue
            for i, f in following:
                yield head + _intervention_cells(i, f) + _tail(r)


_EMPTY_INTERVENTION = [""] * 15


def _reading_cells(patient: str, r: ReadingResult) -> list[str]:
    m, c = r.shown, r.category
    return [
        patient,
        r.date.isoformat(),
        _number(m.value),
        m.unit.symbol,
        m.censor,
        c.code,
        "true" if c.indicative else "false",
        _flag(c.nephrotic),
    ]


def _intervention_cells(i: InterventionResult, f: FollowUp) -> list[str]:
    iv, b, c = i.intervention, i.baseline, f.change
    cells = [iv.date.isoformat(), iv.text, str(f.days)]
    if b is None:
        cells += ["", "", "", ""]
    else:
        cells += [b.date.isoformat(), _number(b.shown.value), b.shown.unit.symbol, b.shown.censor]
    if c is None:
        return [*cells, "", "", "", f.note, "", "", "", ""]
    return [
        *cells,
        _number(_clean(c.absolute)),
        _number(_clean(c.percent)),
        c.bound,
        "converted" if c.converted else "",
        _flag(f.fall_30),
        _flag(f.doubling),
        _flag(f.beyond_rcv),
        f.category_change or "",
    ]


def _tail(r: ReadingResult) -> list[str]:
    reading = r.reading
    a, cr = reading.albumin, reading.creatinine
    return [
        _number(a.value) if a else "",
        a.unit.symbol if a else "",
        _number(cr.value) if cr else "",
        cr.unit.symbol if cr else "",
        reading.origin.source,
        str(reading.origin.line),
    ]


def _safe_cell(text: str) -> str:
    """Control characters escaped; a would-be formula prefixed with `'`."""
    if not text:
        return text
    formula = text.startswith(_FORMULA_START)
    if not text.isprintable():
        text = printable(text)
    if formula:
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def write_delimited(report: Report, out: IO[str], delimiter: str, raw: bool = False) -> None:
    """TSV or CSV: a header, then one row per reading and intervention it follows.

    Unless `raw`, text cells that a spreadsheet would run as formulas get a leading
    `'` and control characters are escaped; numbers are left as they are.
    """
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(COLUMNS)
    if raw:
        writer.writerows(_rows(report))
        return
    for row in _rows(report):
        writer.writerow([_safe_cell(cell) for cell in row])


def write_jsonl(report: Report, out: IO[str]) -> None:
    """One JSON object per TSV row, with the same fields, typed."""
    for row in _rows(report):
        out.write(json.dumps(_typed(row), ensure_ascii=False) + "\n")


_NUMERIC = {
    "value",
    "days_since",
    "baseline_value",
    "change",
    "change_pct",
    "albumin",
    "creatinine",
    "line",
}
_BOOLEAN = {"indicative", "nephrotic", "fall_30", "doubling", "beyond_rcv"}


def _typed(row: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, cell in zip(COLUMNS, row, strict=True):
        if cell == "":
            out[name] = None
        elif name in _NUMERIC:
            out[name] = int(cell) if name in ("days_since", "line") else float(cell)
        elif name in _BOOLEAN:
            out[name] = cell == "true"
        else:
            out[name] = cell
    return out


# ---- JSON document ---------------------------------------------------------------


def _measurement(m: Measurement) -> dict[str, Any]:
    return {"value": m.value, "unit": m.unit.symbol, "censor": m.censor or None}


def _category(c: Category) -> dict[str, Any]:
    return {
        "category": c.code,
        "category_possible": list(c.possible),
        "indicative": c.indicative,
        "nephrotic": c.nephrotic,
    }


def _change(c: Change | None) -> dict[str, Any]:
    if c is None:
        return {"change": None, "change_pct": None, "change_bound": None, "converted": None}
    return {
        "change": _clean(c.absolute),
        "change_pct": _clean(c.percent),
        "change_bound": c.bound or None,
        "converted": c.converted,
    }


def _reading(r: ReadingResult) -> dict[str, Any]:
    reading = r.reading
    out: dict[str, Any] = {
        "date": r.date.isoformat(),
        **_measurement(r.shown),
        **_category(r.category),
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


def _followup(f: FollowUp) -> dict[str, Any]:
    return {
        "date": f.result.date.isoformat(),
        "days": f.days,
        **_measurement(f.result.shown),
        **_category(f.result.category),
        **_change(f.change),
        "comparison": f.note or ("converted" if f.change and f.change.converted else "same unit"),
        "fall_30": f.fall_30,
        "doubling": f.doubling,
        "beyond_rcv": f.beyond_rcv,
        "category_change": f.category_change,
        "line": f.result.reading.origin.line,
    }


def _trend(t: Trend | None) -> dict[str, Any] | None:
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


def _summary_point(f: FollowUp | None) -> dict[str, Any] | None:
    if f is None or f.change is None:
        return None
    return {
        "date": f.result.date.isoformat(),
        "days": f.days,
        "change_pct": _clean(f.change.percent),
        "change_bound": f.change.bound or None,
    }


def _intervention(i: InterventionResult) -> dict[str, Any]:
    b = i.baseline
    return {
        "date": i.intervention.date.isoformat(),
        "text": i.intervention.text,
        "line": i.intervention.origin.line,
        "baseline": None
        if b is None
        else {
            "date": b.date.isoformat(),
            "days_before": i.baseline_days,
            **_measurement(b.shown),
            **_category(b.category),
            "line": b.reading.origin.line,
        },
        "followups": [_followup(f) for f in i.followups],
        "latest": _summary_point(i.latest),
        "largest_fall": _summary_point(i.largest_fall),
        "first_fall_30": _summary_point(i.first_fall_30),
        "trend": _trend(i.trend),
    }


def _patient(p: PatientResult) -> dict[str, Any]:
    return {
        "patient": p.patient,
        "readings": [_reading(r) for r in p.readings],
        "interventions": [_intervention(i) for i in p.interventions],
        "trend": _trend(p.trend),
    }


def report_document(report: Report, warnings: list[str] | None = None) -> dict[str, Any]:
    rcv = report.settings.rcv
    acr = report.settings.acr_unit
    return {
        "albutrend": __version__,
        "settings": {
            "cv_within": rcv.cv_within,
            "cv_analytical": rcv.cv_analytical,
            "confidence": rcv.confidence,
            "z": _clean(rcv.z),
            "rcv_fall_pct": _clean(report.rcv_fall),
            "rcv_rise_pct": _clean(report.rcv_rise),
            "fall_mark_pct": FALL_MARK,
            "doubling_pct": DOUBLING,
            "acr_unit": acr.symbol if acr else None,
        },
        "patients": [_patient(p) for p in report.patients],
        "warnings": list(warnings if warnings is not None else report.warnings),
    }


def write_json(report: Report, out: IO[str], warnings: list[str] | None = None) -> None:
    json.dump(report_document(report, warnings), out, ensure_ascii=False, indent=2)
    out.write("\n")


# ---- markdown --------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def md_escape(text: str) -> str:
    """User text shown literally in markdown: no links, no emphasis, no HTML."""
    return printable(text).translate(_MD_SPECIAL).replace("\n", " ")


def write_markdown(blocks: list[Block], out: IO[str]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            out.write(f"### {md_escape(block.text)}\n\n")
        elif isinstance(block, Line):
            out.write(md_escape(block.text) + ("\n\n"))
        elif isinstance(block, Grid):
            _markdown_grid(block, out)


def _markdown_grid(grid: Grid, out: IO[str]) -> None:
    if grid.title:
        out.write(f"**{md_escape(grid.title)}**\n\n")
    out.write("| " + " | ".join(md_escape(c) for c in grid.columns) + " |\n")
    out.write("|" + "|".join("---" for _ in grid.columns) + "|\n")
    for row in grid.rows:
        out.write("| " + " | ".join(md_escape(c) for c in row) + " |\n")
    out.write("\n")
