"""Numbers, bounds and units as labs and people write them: `2487.4 mg/L`, `<3`,
`≥ 300 mg/g`, `2487,4`, `"2,487.4"`.

A number that could mean two things (`1,129`: one thousand or one point one) is
refused with the option that settles it, never read by guess.
"""

from __future__ import annotations

import re

from albutrend.clinical.units import (
    CONCENTRATION,
    CREATININE_PLAUSIBLE_MMOL_L,
    URINE_ALBUMIN_PLAUSIBLE_MG_L,
    Unit,
    albumin_unit,
    creatinine_unit,
    known_albumin_units,
    known_creatinine_units,
)
from albutrend.model import Censor, Creatinine, Measurement
from albutrend.patterns import lazy

AUTO = "auto"
POINT = "point"
COMMA = "comma"

_CENSOR = {
    "<": Censor.BELOW,
    "<=": Censor.AT_MOST,
    "=<": Censor.AT_MOST,
    "≤": Censor.AT_MOST,
    ">": Censor.ABOVE,
    ">=": Censor.AT_LEAST,
    "=>": Censor.AT_LEAST,
    "≥": Censor.AT_LEAST,
}
BOUND_SIGNS = frozenset(_CENSOR)
# A lab's flag written after a result (`28 H`, `412 HH`, `3.1 (L)`, `45 *`): a reading
# of the value alone would drop what the lab said, and the flag is no unit.
_LAB_FLAG = lazy(r"\s*+\(?(?:HH?|LL?|AA?|H\*|L\*|\*|high|low|abnormal)\)?\s*+", re.IGNORECASE)

# sign, number, rest (the unit). The number may carry separators; they are checked
# by `parse_number`. Possessive quantifiers keep the match linear: a run of 2,000
# digits followed by something else is given up once, not split 2,000² ways.
_QUANTITY = re.compile(
    r"\s*+(?P<sign><=|>=|=<|=>|≤|≥|<|>)?+\s*+"
    r"(?P<number>[-+]?(?:\d++(?:[.,]++\d++)*+|\.\d++))(?P<rest>.*)",
    re.DOTALL,
)


# A technical limit, not a clinical one: nothing in urine is near it in any unit,
# and within it every change and ratio stays a finite float (JSON has no inf).
READABLE = (1e-9, 1e9)
# Most results in a registry file are plain numbers (`45`, `2487.4`): they are read
# straight away; the separator rules of `parse_number` only matter for a `,`, for a
# `.` under --decimal comma, for a sign, a bound or a unit written with the number.
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class QuantityError(ValueError):
    """The text is not a value albutrend can read without guessing."""


def _grouped(digits: str, sep: str) -> bool:
    """Thousands groups: `1,129`, `12.500.000`; never after a leading 0 (`0,129`)."""
    return re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+", digits) is not None


_WRITE_DIGITS = "write digits with one decimal mark, like 2487.4"
_NOT_A_NUMBER = f"is not a number: {_WRITE_DIGITS}"


def parse_number(text: str, decimal: str = AUTO) -> float:
    """A non-negative decimal number, with `,` or `.` as the mark as `decimal` says."""
    s = text.strip()
    sign = ""
    if s[:1] in "+-":
        sign, s = s[0], s[1:]
    if not s:
        raise QuantityError(_NOT_A_NUMBER)
    if not s.isascii() and _mixes_scripts(s):
        raise QuantityError(
            "mixes digits of different scripts (e.g. Arabic-Indic and Latin): retype the "
            "number in one script"
        )
    if s.isdigit():
        return float(sign + s)
    has_point, has_comma = "." in s, "," in s
    if has_point and has_comma:
        mark = "." if s.rfind(".") > s.rfind(",") else ","
        group = "," if mark == "." else "."
        if decimal == POINT and mark == ",":
            raise QuantityError("has a decimal comma, but --decimal point was given")
        if decimal == COMMA and mark == ".":
            raise QuantityError("has a decimal point, but --decimal comma was given")
        whole, _, frac = s.rpartition(mark)
        if not frac.isdigit() or not _grouped(whole, group):
            raise QuantityError(
                f"is not a number (separators in the wrong places): {_WRITE_DIGITS}"
            )
        return float(sign + whole.replace(group, "") + "." + frac)
    sep = "." if has_point else ","
    count = s.count(sep)
    # One separator before three digits (1,129 or 1.129) is a thousands group to some
    # readers and a decimal mark to others: refused unless --decimal says which.
    ambiguous = decimal == AUTO and count == 1 and _grouped(s, sep)
    if sep == ",":
        if ambiguous:
            raise QuantityError(
                "is ambiguous: a thousands separator or a decimal comma? "
                "say which with --decimal point (1,129 = 1129) "
                "or --decimal comma (1,129 = 1.129)"
            )
        as_decimal = decimal == COMMA or (decimal == AUTO and count == 1)
    else:
        if ambiguous:
            raise QuantityError(
                "is ambiguous: a decimal point or a thousands separator? "
                "say which with --decimal point (1.129 = 1.129) "
                "or --decimal comma (1.129 = 1129)"
            )
        as_decimal = decimal != COMMA and count == 1
    if as_decimal:
        whole, _, frac = s.partition(sep)
        if count != 1 or not frac.isdigit() or (whole and not whole.isdigit()):
            raise QuantityError(_NOT_A_NUMBER)
        return float(sign + (whole or "0") + "." + frac)
    if not _grouped(s, sep):
        if sep == "," and count == 1:
            raise QuantityError("has a decimal comma, but --decimal point was given")
        if sep == "." and count == 1:
            raise QuantityError("has a decimal point, but --decimal comma was given")
        raise QuantityError(
            f"is not a number ('{sep}' is not a thousands separator here): {_WRITE_DIGITS}"
        )
    return float(sign + s.replace(sep, ""))


def _mixes_scripts(number: str) -> bool:
    """`1٠5` (an Arabic-Indic zero between Latin digits, where it looks like a dot):
    each digit's script is the code point of its zero."""
    import unicodedata  # only for numbers with digits beyond ASCII

    zeros = {ord(ch) - unicodedata.decimal(ch) for ch in number if ch.isdecimal()}
    return len(zeros) > 1


def split_quantity(text: str) -> tuple[str, str, str] | None:
    """(sign, number, rest) when `text` starts with a number, else None."""
    m = _QUANTITY.fullmatch(text)
    if m is None:
        return None
    rest = m["rest"].strip()
    if "\n" in rest:  # a line break inside the text: not one value
        return None
    return m["sign"] or "", m["number"], rest


def has_unit(text: str) -> bool:
    """`text` (a value as `parse_measurement` reads it) names its own unit: `45 mg/g`,
    not `45` or `<3`."""
    if _PLAIN.fullmatch(text):
        return False
    parts = split_quantity(text)
    return parts is not None and bool(parts[2])


def parse_measurement(
    text: str,
    default_unit: Unit,
    *,
    decimal: str = AUTO,
    unit_text: str | None = None,
) -> Measurement:
    """A urine albumin result: `2487.4 mg/L`, `<3`, `≥ 300 mg/g`.

    `unit_text` is the unit from a separate column, if any; then `text` may still
    carry the same unit but not a different one.
    """
    if (
        decimal != COMMA
        and _PLAIN.fullmatch(text)
        and not (decimal == AUTO and _grouped(text, "."))  # 45.000: ambiguous, below
    ):
        sign, rest, value = "", "", float(text)
    else:
        parts = split_quantity(text)
        if parts is None:
            raise QuantityError("is not a value (expected a number, e.g. 2487.4 mg/L or <3)")
        sign, number, rest = parts
        value = parse_number(number, decimal)
    unit = default_unit
    if unit_text is not None and unit_text.strip():
        column_unit = albumin_unit(unit_text)
        if column_unit is None:
            raise QuantityError(
                f"has an unknown unit '{unit_text.strip()}' (known: {known_albumin_units()})"
            )
        unit = column_unit
    if rest:
        text_unit = albumin_unit(rest)
        if text_unit is None:
            if _LAB_FLAG().fullmatch(rest):
                raise QuantityError(
                    f"has a lab flag '{rest.strip()}' after the value (high/low/abnormal), "
                    "not a unit: remove the flag, or move it to a column of its own"
                )
            raise QuantityError(f"has an unknown unit '{rest}' (known: {known_albumin_units()})")
        if unit_text and text_unit is not unit:
            raise QuantityError(
                f"says {text_unit} but its column's unit is {unit} (the unit cell, or the "
                "unit in the header): correct the one that is wrong"
            )
        unit = text_unit
    return _checked(value, unit, _CENSOR[sign] if sign else Censor.EXACT)


def _checked(value: float, unit: Unit, censor: Censor) -> Measurement:
    if value < 0:
        raise QuantityError(
            "is negative: a urine albumin cannot be; check the value (a dash typed before it?)"
        )
    if value == 0:
        # 0 cannot be a baseline (no percent change from it) nor sit on a log axis.
        raise QuantityError(
            "is 0, below every measuring range: write the lab's limit as a bound, e.g. <3"
        )
    if value != value or not READABLE[0] <= value <= READABLE[1]:
        raise QuantityError(
            "is outside the range albutrend reads (0.000000001 to 1,000,000,000 in any "
            "unit): check the value and its unit"
        )
    if (
        unit.family == CONCENTRATION
        and not censor.is_upper_bound
        and value * unit.to_base > URINE_ALBUMIN_PLAUSIBLE_MG_L
    ):
        raise QuantityError(
            f"is above any urine albumin ({URINE_ALBUMIN_PLAUSIBLE_MG_L / 1000:g} g/L at the "
            "most; a serum albumin is 35–50 g/L): if this is a blood test, remove it; if "
            "it is a urine result, check its unit (mg/L, not g/L?)"
        )
    return Measurement(value, unit, censor)


def parse_creatinine(text: str, unit_text: str | None, *, decimal: str = AUTO) -> Creatinine:
    """A urine creatinine with its unit (mmol/L, µmol/L or mg/dL), checked for sense."""
    parts = split_quantity(text)
    if parts is None or parts[0]:
        raise QuantityError(
            "is not a creatinine (expected a number with its unit, e.g. 8.2 mmol/L)"
        )
    _, number, rest = parts
    value = parse_number(number, decimal)
    spelled = rest or (unit_text or "").strip()
    if not spelled:
        raise QuantityError(
            f"is a creatinine with no unit: give one of {known_creatinine_units()} "
            "(a creatinine_unit column, or after the number)"
        )
    unit = creatinine_unit(spelled)
    if unit is None:
        raise QuantityError(
            f"has an unknown creatinine unit '{spelled}' (known: {known_creatinine_units()})"
        )
    if value <= 0:
        raise QuantityError("is not a urine creatinine: it must be above 0")
    creatinine = Creatinine(value, unit)
    low, high = CREATININE_PLAUSIBLE_MMOL_L
    if not low <= creatinine.mmol_l <= high:
        raise QuantityError(
            f"is an implausible urine creatinine ({creatinine.mmol_l:.3g} mmol/L; expected "
            f"{low}–{high} mmol/L): check the value and its unit"
        )
    return creatinine
