"""What a short text names: a urine albumin label, another test, a result with its
unit, or a dose. One rule tells a result from an intervention (README "Notes"):

    A text that holds a number followed by the unit of a measurement (mg/L,
    mmol/L, g/L, mg/mmol, mg/g, mmol/mol, mmHg, mL/min/1.73m², µg/min, mg/24h …),
    or the name of a test followed by a number (eGFR 45, HbA1c 7.2%, BP 132/80,
    ACR 4.2), is a result, never an intervention. A dose (2.5 mg, 50 mg/day,
    10 units/kg, 20 mmol, 100 million MSCs) is not a measurement: a text whose
    numbers are all doses stays an intervention.

Doses are amounts (mg, g, µg, units, mmol, mL, tablets, million) and amounts per
time, per body weight or per body surface (mg/day, units/kg, mg/m²), and drug
strengths (mg/mL, units/mL, 1% cream); measurements are amounts per litre or
decilitre, ratios (mg/mmol, mmol/mol), pressures, filtration and excretion rates.
`%` counts as a measurement after a test name (HbA1c 7.2%), a dose elsewhere.

Every pattern here is linear in the length of the text: possessive quantifiers
where a run could be split two ways, and searches that only start at the first
digit of a number or at a word boundary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from albutrend.clinical.units import ACR, AER, CONCENTRATION
from albutrend.model import Family
from albutrend.patterns import lazy
from albutrend.plain import Plain


def _lazy(pattern: str) -> Callable[[], re.Pattern[str]]:
    """The compiled pattern, made when first asked for: these few long patterns took
    25 ms to compile, at the start of every report, whatever its input."""
    return lazy(pattern, re.IGNORECASE)


# --- urine albumin labels -------------------------------------------------------

_QUALIFIER = (
    r"(?:repeat|random|spot|timed|overnight|emu|first[-\s]++morning|early[-\s]++morning"
    r"|24[-\s]*+h(?:ou)?r?s?)"
)
_ALBUMIN_WORD = r"(?:micro[-\s]?)?alb(?:umin)?"
_TO_CREATININE = (
    r"(?:\s*+[:/]\s*+|\s*+-\s*+|\s++)(?:to[-\s]*+)?(?:creatinine|creat|cr)\b(?:\s++ratio)?"
)
# The name of the test, with the quantity it implies (an ACR, an AER) or none.
_LABEL_CORE = (
    rf"(?P<acr>u?acr|{_ALBUMIN_WORD}{_TO_CREATININE})"
    r"|(?P<aer>u?aer|uae|alb(?:umin)?\s++excretion(?:\s++rate)?)"
    rf"|(?P<conc>(?:micro)?albuminuria|mau|malb|{_ALBUMIN_WORD})"
)
_LABEL_PREFIX = (
    rf"(?:{_QUALIFIER}[-\s]++)*+(?:(?:urine|urinary)[-\s]++|u[-\s]?)?(?:{_QUALIFIER}[-\s]++)*+"
)
# `(spot)` after a label; then `:`, `=`, `is`, `was` before the value.
_LABEL_TAIL = r"(?:\s*+\([^()\d]{1,30}\))?\s*+(?:[:=]|(?:is|was|of)\b)?\s*+"
_LABEL = _lazy(rf"{_LABEL_PREFIX}(?:{_LABEL_CORE})\b{_LABEL_TAIL}")

LABEL_FAMILY = {"acr": ACR, "aer": AER, "conc": None}


class Label(Plain):
    """A urine albumin label at the start of a text: `Urine ACR`, `U-Alb:`. `text` is
    as written, without the `:` after it; `family` ACR or AER when the label names
    one (None: any albumin); `end` where the value starts."""

    __slots__ = ("end", "family", "text")

    def __init__(self, text: str, family: Family | None, end: int) -> None:
        self.text: Final = text
        self.family: Final = family
        self.end: Final = end


def albumin_label(text: str) -> Label | None:
    """The urine albumin label `text` starts with, if any."""
    m = _LABEL().match(text)
    if m is None:
        return None
    group = m.lastgroup or "conc"
    shown = re.sub(r"\s*+[:=]$", "", text[: m.end()].rstrip())
    return Label(shown, LABEL_FAMILY.get(group), m.end())


# --- other tests ----------------------------------------------------------------

_OTHER_NAMES = (
    r"e?gfr(?:cr|cys)?|ckd[-\s]?epi|creatinine|creat|s[-\s]?cr|cr|cystatin(?:\s++c)?|urea|bun"
    r"|hba1c|a1c|hb|ha?emoglobin|glucose|fbg|bm|potassium|k|sodium|na|chloride|bicarbonate"
    r"|hco3|calcium|ca|phosphate|po4|magnesium|urate|uric\s++acid|cholesterol|chol|tc"
    r"|ldl(?:-c)?|hdl(?:-c)?|non-hdl|triglycerides?|tg|alt|ast|alp|ggt|bilirubin|crp|esr|wbc"
    r"|platelets?|plt|inr|tsh|pth|ferritin|vitamin\s++d|psa|troponin|bnp|nt-?probnp"
    r"|bp|blood\s++pressure|systolic|diastolic|sbp|dbp|pulse|hr|heart\s++rate|weight|wt|bmi"
    r"|height|temp(?:erature)?|spo2|sats|u?pcr|proteinuria"
    r"|protein(?:\s*+[:/]\s*+creat(?:inine)?(?:\s++ratio)?|\s++creatinine\s++ratio)?"
    r"|(?:serum|plasma|blood|s|p)[-\s]?alb(?:umin)?"
)
_OTHER_PREFIX = r"(?:(?:serum|plasma|blood|fasting|random|urine|urinary|total|s|p|u)[-\s]?)?"
# After a test name: an optional `(…)`, `:`/`=`/`is`/`was`, a bound sign, a number
# (`132/80` for a blood pressure).
_TEST_TAIL = (
    r"(?:\s*+\([^()\d]{0,30}\))?\s*+(?:[:=]|(?:is|was|of|now|at)\b)?\s*+"
    r"(?:[<>≤≥]=?\s*+)?(?P<number>\d[\d.,/]*+)\s*+"
)
_TEST = _lazy(
    rf"\b(?P<name>{_OTHER_PREFIX}(?P<other>{_OTHER_NAMES})|{_LABEL_PREFIX}(?:{_LABEL_CORE}))\b"
    + _TEST_TAIL
)

# --- units after a number -------------------------------------------------------

_PER_VOLUME = r"(?:[dµμu]?l|litres?|liters?)"
_MEASUREMENT_UNIT_TEXT = (
    r"(?:"
    # per litre, decilitre, microlitre: mg/L, mmol/L, g/dL, IU/L, x10^9/L
    r"(?:[mµμunpfk]?g|mcg|[mµμunp]?mol|m?eq|[mk]?i?u|cells|copies|[x×]\s*+10\^?\d+)"
    rf"\s*+/\s*+{_PER_VOLUME}"
    # per millilitre, for amounts only labs use (mg/mL and units/mL are drug strengths)
    r"|(?:[µμunp]g|mcg|[µμunp]mol|miu)\s*+/\s*+ml"
    # ratios: mg/mmol, mg/g, µg/mg (with `creatinine` after them), mmol/mol
    r"|(?:[mµμu]?g|mcg)\s*+/\s*+(?:m?mol|[mµμu]?g)(?:\s*+(?:creatinine|creat|cr)\b)?"
    r"|m?mol\s*+/\s*+m?mol"
    # excretion, filtration, pressure, body mass index, heart rate
    r"|(?:[mµμu]?g|mcg)\s*+/\s*+(?:24\s*+h(?:ours?|rs?)?|min)"
    r"|ml\s*+/\s*+min(?:\s*+/\s*+1[.,]73\s*+m(?:2|²|\^2))?|/\s*+1[.,]73\s*+m(?:2|²|\^2)"
    r"|mm\s*+hg|cm\s*+h2o|kg\s*+/\s*+m(?:2|²|\^2)|bpm"
    r")(?![^\W\d_])"
)
_MEASUREMENT_UNIT = _lazy(_MEASUREMENT_UNIT_TEXT)
_DOSE_UNIT = _lazy(
    r"(?:[mµμun]?g|mcg|micrograms?|milligrams?|grams?|units?|iu|u|ml|mls|m?mol|m?eq|tabs?"
    r"|tablets?|caps?|capsules?|puffs?|drops?|sachets?|vials?|doses?|million|billion|thousand"
    r"|[x×]\s*+10\^?\d+)(?![^\W\d_])"
)
# The unit of a measurement after a number and the spaces after it.
_UNIT_AFTER = _lazy(r"\s*+" + _MEASUREMENT_UNIT_TEXT)
# Numbers and words, found by a pattern that starts with a character class (the
# regular expression engine skips to such a character quickly, where a pattern of
# many alternatives is tried, slowly, at every position).
_NUMBER_RUN = re.compile(r"\d[\d.,]*+")
_TOKEN = re.compile(r"[^\W_]++")
_SIGN_BEFORE = re.compile(r"[<>≤≥]=?\s*+$")
# The first word of every test name and label above (lower case; `u` before a word
# is the urine prefix): only there is the pattern of names tried. A test checks
# that every name is found.
_FIRST_WORDS = frozenset(
    """egfr gfr egfrcr egfrcys gfrcr gfrcys ckd creatinine creat cr scr cystatin urea bun
    hba1c a1c hb haemoglobin hemoglobin glucose fbg bm potassium k sodium na chloride
    bicarbonate hco3 calcium ca phosphate po4 magnesium urate uric cholesterol chol tc ldl
    hdl non triglycerides triglyceride tg alt ast alp ggt bilirubin crp esr wbc platelets
    platelet plt inr tsh pth ferritin vitamin psa troponin bnp nt ntprobnp bp blood
    systolic diastolic sbp dbp pulse hr heart weight wt bmi height temp temperature spo2
    sats pcr proteinuria protein serum plasma fasting random urine urinary total s p u
    salb palb repeat spot timed overnight emu first early 24h 24hr 24hrs 24hour 24hours 24
    acr aer ae alb albumin micro microalb microalbumin albuminuria microalbuminuria mau
    malb""".split()  # noqa: SIM905 (a list of 130 words is easier to read this way)
)
_DIGIT = re.compile(r"\d")


class Result(Plain):
    """A result found in a text: what it says (`eGFR 45`, `8.2 mmol/L`), where it
    starts, the test named if any, and whether that test is a urine albumin (a label
    such as ACR)."""

    __slots__ = ("albumin", "start", "test", "text")

    def __init__(self, text: str, start: int, test: str | None, albumin: bool) -> None:
        self.text: Final = text
        self.start: Final = start
        self.test: Final = test
        self.albumin: Final = albumin


def unit_result_in(text: str) -> str | None:
    """The first number followed by the unit of a measurement in `text` (`45 mg/L`)."""
    found = _number_with_unit(text)
    return None if found is None else found.text


def result_in(text: str) -> Result | None:
    """The first result `text` holds by the rule above, or None (then it may be an
    intervention)."""
    if _DIGIT.search(text) is None:
        return None
    found = _number_with_unit(text)
    limit = len(text) if found is None else found.start
    for w in _TOKEN.finditer(text):
        if w.start() > limit:
            break
        word = w.group().lower()
        if word not in _FIRST_WORDS and not (word[:1] == "u" and word[1:] in _FIRST_WORDS):
            continue
        if _DIGIT.search(text, w.end(), w.end() + 80) is None:
            continue
        t = _TEST().match(text, w.start())
        if t is not None and not _is_dose(text, t.end()):
            unit = _MEASUREMENT_UNIT().match(text, t.end())
            end = t.end() if unit is None else unit.end()
            test = t["name"].strip()
            return Result(text[t.start() : end].strip(), t.start(), test, t["other"] is None)
    return found


def _number_with_unit(text: str) -> Result | None:
    """The first number, not part of a word or of another number, followed by the unit
    of a measurement (with a bound sign before it, if any)."""
    for m in _NUMBER_RUN.finditer(text):
        start = m.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "_.,"):
            continue  # `HbA1c`, `x10`
        unit = _UNIT_AFTER().match(text, m.end())
        if unit is not None:
            sign = _SIGN_BEFORE.search(text, max(0, start - 8), start)
            begin = start if sign is None else sign.start()
            return Result(text[begin : unit.end()].strip(), begin, None, False)
    return None


def _is_dose(text: str, at: int) -> bool:
    """The number before `at` is followed by the unit of a dose, not a measurement."""
    return _MEASUREMENT_UNIT().match(text, at) is None and _DOSE_UNIT().match(text, at) is not None


FAMILY_UNITS = {ACR: "mg/g or mg/mmol", AER: "mg/24h or µg/min", CONCENTRATION: "mg/L"}
