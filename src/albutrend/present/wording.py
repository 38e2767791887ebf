"""How results are said to people: numbers, dates, categories and verdicts as text.
Shared by the terminal tables, markdown, the clinical note and the chart."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from albutrend.clinical.categories import A1, A2, ADA, INDETERMINATE, KDIGO, LEGACY_NAMES, Category
from albutrend.clinical.change import Change
from albutrend.clinical.units import ACR, AER, CONCENTRATION, Unit
from albutrend.model import CategoryCode, Censor, Measurement, format_number
from albutrend.notices import Notice
from albutrend.problems import printable
from albutrend.reading.dates import format_date as _format_date

# How a quantity is named in a sentence.
QUANTITY_NAMES = {ACR: "ACR", AER: "AER", CONCENTRATION: "albumin concentration"}

if TYPE_CHECKING:  # the config layer is the command line's
    from albutrend.config import InForce

MINUS = "−"  # a real minus sign reads better than a hyphen in a table

__all__ = ["format_date"]

_DATES: dict[date, str] = {}


def format_date(d: date) -> str:
    """`9 Jun 2024` (`reading.dates.format_date`), made once per date: a clinic
    list's page says its dates in tables, charts and notes (a calendar's days: the
    texts kept stay few)."""
    text = _DATES.get(d)
    if text is None:
        text = _DATES[d] = _format_date(d)
    return text


def number(value: float) -> str:
    """A computed figure: two decimals at most, trailing zeros dropped."""
    if value != 0 and abs(value) < 1:  # three significant digits, never 1e-05
        text = format_number(float(f"{value:.3g}"))
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def measurement(m: Measurement, computed: bool = False) -> str:
    """`2487.4 mg/L`, `<3 mg/L`; a computed value (an ACR) with two decimals."""
    said = _SAID[computed]
    known = said.get(id(m))
    if known is not None and known[0] is m:
        return known[1]
    shown = number(m.value) if computed else format_number(m.value)
    text = f"{_SIGNS[m.censor]}{shown} {m.unit.symbol}"
    if len(said) >= _SAID_LIMIT:
        said.clear()
    said[id(m)] = (m, text)
    return text


# id(measurement) -> (the measurement, kept so that its id is not reused; its text),
# as read and computed: the readers share equal values, and a clinic list's page says
# each reading's value in its table, its follow-ups, its chart and the note.
_SAID: tuple[dict[int, tuple[Measurement, str]], dict[int, tuple[Measurement, str]]] = ({}, {})
_SAID_LIMIT = 100_000


# A bound's sign as people read it (`Censor.shown`), by bound: a page says thousands.
_SIGNS = {censor: censor.shown for censor in Censor}


def percent(value: float) -> str:
    return f"{value:+.2f}%".replace("-", MINUS)


def category(c: Category, unit: Unit) -> str:
    """The category as a clinician reads it, with the legacy name and the caveat."""
    if c.code == INDETERMINATE:
        text = f"{' or '.join(c.possible)} (bound too wide to tell)"
    elif c.indicative:
        text = f"{c.code} range ({LEGACY_NAMES[c.code]}), indicative"
    else:
        text = f"{c.code} {c.kdigo_name} ({c.legacy_name})"
    if c.nephrotic:
        text += ", nephrotic range"
    return text


def category_short(c: Category, unit: Unit) -> str:
    if c.code == INDETERMINATE:
        return " or ".join(c.possible)
    if c.indicative:
        return f"{c.code} range, {_relation(c.code, unit, c.boundary)}"
    return c.code


def _relation(code: CategoryCode, unit: Unit, boundary: str = KDIGO) -> str:
    """Where a category lies by `unit`'s cut-offs: `< 30 mg/L`, `30–300 mg/L`,
    `> 300 mg/L`; by the ADA's boundary `30 to under 300 mg/L`, `≥ 300 mg/L`."""
    low, high = format_number(unit.a2_from), format_number(unit.a3_above)
    if code is A1:
        return f"< {low} {unit}"
    if code is A2:
        return f"{low} to under {high} {unit}" if boundary == ADA else f"{low}–{high} {unit}"
    return f"≥ {high} {unit}" if boundary == ADA else f"> {high} {unit}"


def categories_sentence(boundary: str) -> str:
    """The cut-offs and the boundary convention in force, for a report's footer."""
    if boundary == ADA:
        return (
            "Categories: KDIGO 2012 by the ADA boundary (A1 < 30, A2 30–299, A3 ≥ 300 "
            "mg/g; 3/30 mg/mmol; 20/200 µg/min: a value exactly on the upper cut-off is A3)."
        )
    return (
        "Categories: KDIGO 2012 (A1 < 30, A2 30–300 inclusive, A3 > 300 mg/g; "
        "3/30 mg/mmol; 20/200 µg/min)."
    )


def boundary_sentence(boundary: str) -> str | None:
    """What a note says of a boundary that is not KDIGO's (the default), or None."""
    if boundary != ADA:
        return None
    return (
        "Categories by the ADA boundary: a value exactly on the upper cut-off (300 mg/g, "
        "30 mg/mmol, 300 mg/24h, 200 µg/min) is A3, not A2 as in KDIGO's wording."
    )


_BOUND_SIGNS = {
    Censor.AT_MOST: "≤ ",
    Censor.AT_LEAST: "≥ ",
    Censor.BELOW: "< ",
    Censor.ABOVE: "> ",
}


def window(days_: int) -> str:
    """`the 90 days up to and including the intervention`: a mean baseline's window."""
    return f"the {days(days_)} up to and including the intervention"


def specimens(items: list[tuple[Measurement, bool, str]]) -> str:
    """`40 mg/g on 10 Jan 2024 and 90 mg/g on 20 Feb 2024`, from (measurement, whether
    it was computed, date text)."""
    said = [f"{measurement(m, computed)} on {when}" for m, computed, when in items]
    return ", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else "".join(said)


def rcv_against_mean(n: int, limits: tuple[float, float]) -> str:
    """What a change must pass against a mean of `n` specimens (CLINICAL.md §9)."""
    fall, rise = limits
    return (
        f"Day-to-day variation against a mean of {n} specimens: a change beyond "
        f"{percent(fall)} or {percent(rise)} (√(1 + 1/{n}) in place of √2)."
    )


_UNKNOWN = Censor.UNKNOWN  # a module's name: faster than the enum's attribute


def change_absolute(c: Change) -> str:
    """`−1357.6 mg/L`, `≥ +250 mg/g`, `unknown` (both values bounds)."""
    figure = change_figure(c)
    return figure if c.bound is _UNKNOWN else f"{figure} {c.unit.symbol}"


def change_figure(c: Change) -> str:
    """`change_absolute` without its unit (a table's column names it)."""
    if c.bound is _UNKNOWN:
        return "unknown"
    value = number(c.absolute)
    if c.absolute > 0:
        value = "+" + value
    return _BOUND_SIGNS.get(c.bound, "") + value


def verdict(flag: bool | None, yes: str = "yes", no: str = "no") -> str:
    return "?" if flag is None else yes if flag else no


def days(n: int) -> str:
    return f"{n} day" if abs(n) == 1 else f"{n} days"


def skipped(count: int, where: list[str], prose: int = 0, prose_at: list[str] | None = None) -> str:
    """What a report leaves out of its input, said where it is read (the table, the
    note): `Not included: 2 input lines that could not be read (x.txt:5, x.txt:7)
    and 1 line skipped as prose (x.txt:1); see the warnings.`"""
    parts = []
    if count:
        lines = "1 input line" if count == 1 else f"{count} input lines"
        parts.append(f"{lines} that could not be read ({_named(count, where)})")
    if prose:
        lines = "1 line" if prose == 1 else f"{prose} lines"
        parts.append(f"{lines} skipped as prose ({_named(prose, prose_at or [])})")
    return f"Not included: {' and '.join(parts)}; see the warnings."


# Warnings of what was left out of the input that a note or a table must say where it
# is read, besides unreadable and prose lines: another test's rows (a drug can sit in
# a test column), FHIR results withdrawn and interventions without a date.
_ALSO_LEFT_OUT = ("other_test", "fhir_left_out")


def also_left_out(notices: Iterable[Notice]) -> str | None:
    """`Also left out: x.csv: rows of other tests … (eGFR: 1).`, or None."""
    said = [printable(str(n).strip()) for n in notices if n.kind in _ALSO_LEFT_OUT]
    return f"Also left out: {'; '.join(said)}." if said else None


def _named(count: int, where: list[str]) -> str:
    return ", ".join(where) + (", …" if count > len(where) else "")


def settings_in_force(in_force: InForce | None) -> str | None:
    """The settings a config file or an option changed, said where the report is
    read (the table, the note): `Settings: unit mg/g (config file); acr-unit mg/mmol
    (option).` None when every setting is its default."""
    if in_force is None:
        return None
    parts = []
    for source, said in (("config", "config file"), ("option", "command line")):
        named = [f"{key} {value}" for key, value, s in in_force.changed() if s == source]
        if named:
            parts.append(f"{', '.join(named)} ({said})")
    return f"Settings: {'; '.join(parts)}." if parts else None
