"""`albutrend classify 45 mg/g`: the category of one value, mid-consult."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO

from albutrend.clinical.categories import ADA, KDIGO, Category, classify
from albutrend.clinical.units import MG_L
from albutrend.model import Measurement, format_number
from albutrend.present import wording as say
from albutrend.problems import UsageError, json_safe
from albutrend.reading.quantities import AUTO, QuantityError, parse_measurement

COLUMNS = (
    "value",
    "unit",
    "censor",
    "category",
    "category_possible",
    "kdigo_name",
    "legacy_name",
    "indicative",
    "nephrotic",
    "a2_from",
    "a3_above",
    # Added at the end: "kdigo" (300 mg/g is A2) or "ada" (300 mg/g is A3).
    "boundary",
)


@dataclass(frozen=True, slots=True)
class Classification:
    measurement: Measurement
    category: Category

    def sentence(self) -> str:
        m, c = self.measurement, self.category
        u = m.unit
        low, high = format_number(u.a2_from), format_number(u.a3_above)
        if c.boundary == ADA:
            cuts = f"A1 < {low}, A2 {low} to under {high}, A3 ≥ {high} (the ADA boundary)"
        else:
            cuts = f"A1 < {low}, A2 {low}–{high}, A3 > {high}"
        text = f"{say.measurement(m)}: {say.category(c, u)}. Cut-offs for {u}: {cuts}."
        if c.indicative:
            text += (
                " A concentration is not an ACR: this placement is indicative, not a "
                "KDIGO category; an ACR confirms it."
            )
        return text

    def row(self) -> dict[str, object]:
        m, c = self.measurement, self.category
        return {
            "value": m.value,
            "unit": m.unit.symbol,
            "censor": m.censor or None,
            "category": c.code,
            "category_possible": list(c.possible),
            "kdigo_name": c.kdigo_name,
            "legacy_name": c.legacy_name,
            "indicative": c.indicative,
            "nephrotic": c.nephrotic,
            "a2_from": m.unit.a2_from,
            "a3_above": m.unit.a3_above,
            "boundary": c.boundary,
        }


def classify_value(
    value: str, unit: str | None = None, *, decimal: str = AUTO, boundary: str = KDIGO
) -> Classification:
    text = value if unit is None else f"{value} {unit}"
    try:
        m = parse_measurement(text, MG_L, decimal=decimal)
    except QuantityError as e:
        raise UsageError(f"'{text}' {e}") from None
    return Classification(m, classify(m, boundary))


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return format_number(v)
    if isinstance(v, list):
        return ",".join(str(x) for x in v)
    return str(v)


def write_classification(result: Classification, fmt: str, out: IO[str]) -> None:
    row = result.row()
    if fmt in ("tsv", "csv"):
        sep = "\t" if fmt == "tsv" else ","
        out.write(sep.join(COLUMNS) + "\n")
        out.write(sep.join(_cell(row[c]) for c in COLUMNS) + "\n")
    elif fmt == "json":
        document = {"albutrend": _version(), **row}
        out.write(json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")
    elif fmt == "jsonl":
        out.write(json_safe(json.dumps(row, ensure_ascii=False)) + "\n")
    elif fmt == "markdown":
        from albutrend.present.export import md_escape

        out.write(md_escape(result.sentence()) + "\n")
    else:  # table: one sentence reads better than a one-row table
        out.write(result.sentence() + "\n")


def _version() -> str:
    from albutrend import __version__

    return __version__
