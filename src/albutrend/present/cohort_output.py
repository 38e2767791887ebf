"""A case series (`cohort.py`) written out: TSV, CSV, JSON and JSON lines here;
the table, markdown and the waterfall in `cohort_view.py`. Field names are the
README's ("Cohort: a case series"); the same cell rules as the report's outputs
(formula guard, TSV escapes, CSV quoting)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

from albutrend import __version__
from albutrend.clinical.change import DOUBLING, FALL_MARK
from albutrend.clinical.cohort import HALVING, MARKS, REASONS, Cohort, Contribution, TargetSummary
from albutrend.present.export import _clean, _Quoter, _safe_cell, _tsv_cell, _tsv_raw_cell
from albutrend.present.export_json import write_value

# One row per quantity and target. Never reorder: scripts index it.
COLUMNS = (
    "quantity",
    "target_days",
    "window_from",
    "window_to",
    "n",
    "gmr",
    "gmr_ci_low",
    "gmr_ci_high",
    "median_change_pct",
    "iqr_low_pct",
    "iqr_high_pct",
    *(f"{m}{suffix}" for m in MARKS for suffix in ("", "_share")),
    *(f"excluded_{r}" for r in REASONS),
)


def _figure(value: float) -> str:
    """A computed figure: 12 significant digits, never in exponent form (a ratio's
    interval can reach 0.0000918 with two patients)."""
    text = f"{value:.12g}"
    if "e" not in text:
        return text
    return format(Decimal(text), "f")


def _cell(value: float | None) -> str:
    return "" if value is None else _figure(value)


def _pair(pair: tuple[float, float] | None) -> list[str]:
    return ["", ""] if pair is None else [_figure(pair[0]), _figure(pair[1])]


def summary_cells(s: TargetSummary) -> list[str]:
    """The TSV/CSV cells of one target, in COLUMNS order (the quantity as given)."""
    cells = [s.quantity, str(s.target_days), str(s.window[0]), str(s.window[1]), str(s.n)]
    cells.append(_cell(s.gmr))
    cells += _pair(s.gmr_ci)
    cells.append(_cell(s.median_change_pct))
    cells += _pair(s.iqr_change_pct)
    for m in MARKS:
        cells += [str(s.marks[m]), _cell(s.share(m))]
    cells += [str(s.excluded[r]) for r in REASONS]
    return cells


def write_delimited(cohort: Cohort, out: IO[str], delimiter: str, raw: bool = False) -> None:
    """A header, then one row per quantity and target."""
    encode: Callable[[str], str]
    if delimiter == "\t":
        encode = _tsv_raw_cell if raw else _tsv_cell
    else:
        quote = _Quoter(delimiter)
        encode = quote if raw else lambda cell: quote(_safe_cell(cell))
    out.write(delimiter.join(COLUMNS) + "\n")
    for s in cohort.summaries:
        cells = summary_cells(s)
        cells[0] = encode(cells[0])
        out.write(delimiter.join(cells) + "\n")


def _float(value: float | None) -> float | None:
    return None if value is None else _clean(value)


def _floats(pair: tuple[float, float] | None) -> list[float] | None:
    return None if pair is None else [_clean(pair[0]), _clean(pair[1])]


def summary_object(s: TargetSummary) -> dict[str, Any]:
    out: dict[str, Any] = {
        "quantity": s.quantity,
        "target_days": s.target_days,
        "window": list(s.window),
        "n": s.n,
        "gmr": _float(s.gmr),
        "gmr_ci": _floats(s.gmr_ci),
        "median_change_pct": _float(s.median_change_pct),
        "iqr_change_pct": _floats(s.iqr_change_pct),
    }
    for m in MARKS:
        out[m] = s.marks[m]
        out[f"{m}_share"] = _float(s.share(m))
    out["excluded"] = dict(s.excluded)
    return out


def contribution_object(c: Contribution) -> dict[str, Any]:
    """One intervention at one target: what it contributed, or why it was left out."""
    b, f = c.baseline, c.followup
    change = f.change if f is not None else None
    return {
        "quantity": c.quantity,
        "target_days": c.target_days,
        "patient": c.patient,
        "intervention_date": c.intervention.date.isoformat(),
        "intervention": c.intervention.text,
        "excluded": c.reason or None,
        "baseline_date": b.date.isoformat() if b is not None else None,
        "baseline_value": b.shown.value if b is not None else None,
        "baseline_unit": b.shown.unit.symbol if b is not None else None,
        "baseline_censor": (b.shown.censor or None) if b is not None else None,
        "date": f.result.date.isoformat() if f is not None else None,
        "days": f.days if f is not None else None,
        "value": f.result.shown.value if f is not None else None,
        "unit": f.result.shown.unit.symbol if f is not None else None,
        "censor": (f.result.shown.censor or None) if f is not None else None,
        "change_pct": _clean(change.percent) if change is not None else None,
        "change_bound": (change.bound or None) if change is not None else None,
        "ratio": _clean(c.ratio) if c.counted else None,
    }


def cohort_document(cohort: Cohort) -> dict[str, Any]:
    o, rcv = cohort.options, cohort.settings.rcv
    acr = cohort.settings.acr_unit
    return {
        "albutrend": __version__,
        "settings": {
            "intervention": o.pattern,
            "all_matching": o.all_matching,
            "targets_days": list(o.targets),
            "window_days": o.window.days,
            "window_pct": o.window.percent if o.window.days is None else None,
            "gmr_confidence_pct": 95,
            "cv_within_pct": _clean(rcv.cv_within * 100),
            "cv_analytical_pct": _clean(rcv.cv_analytical * 100),
            "confidence_pct": _clean(rcv.confidence * 100),
            "rcv_fall_pct": _clean(cohort.rcv_fall),
            "rcv_rise_pct": _clean(cohort.rcv_rise),
            "fall_mark_pct": FALL_MARK,
            "halving_pct": HALVING,
            "doubling_pct": DOUBLING,
            "acr_unit": acr.symbol if acr else None,
        },
        "patients": cohort.patients,
        "interventions": cohort.interventions,
        "interventions_without_readings": cohort.without_readings,
        "targets": [summary_object(s) for s in cohort.summaries],
        "contributions": [contribution_object(c) for c in cohort.contributions],
        "warnings": [w.as_dict() for w in cohort.warnings],
    }


def write_json(cohort: Cohort, out: IO[str]) -> None:
    write_value(cohort_document(cohort), out)


def write_jsonl(cohort: Cohort, out: IO[str]) -> None:
    """One JSON object per TSV row (a target of a quantity), as in `targets` of JSON."""
    for s in cohort.summaries:
        out.write(json.dumps(summary_object(s), ensure_ascii=False) + "\n")


def write_cohort(
    cohort: Cohort,
    fmt: str,
    out: IO[str],
    *,
    raw: bool = False,
    width: int = 80,
    waterfall_at: int | None = None,
) -> None:
    """Write `cohort` in a resolved format (not `auto`); a table is `width` wide,
    with the waterfall at `waterfall_at` (default: the target with most patients)."""
    if fmt == "tsv":
        write_delimited(cohort, out, "\t", raw)
    elif fmt == "csv":
        write_delimited(cohort, out, ",", raw)
    elif fmt == "json":
        write_json(cohort, out)
    elif fmt == "jsonl":
        write_jsonl(cohort, out)
    else:
        from albutrend.present.cohort_view import write_view

        write_view(cohort, fmt, out, width, waterfall_at)
