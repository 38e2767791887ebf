"""The notes format a clinic writes: one entry a line, `DATE: TEXT`.

    9-6-24: 2487.4 mg/L
    26-6-24: Received 100 million MSCs intravenously as part of her treatment plan.

TEXT that is a value with an optional unit (`2487.4 mg/L`, `<3`, `albumin 45 mg/L,
creatinine 8.2 mmol/L`) is a reading; TEXT that starts with a word is an
intervention. Text that could be either is refused with a way to make it clear.
Blank lines and `#` comments are skipped; lines with no date (prose around the
entries) are skipped and counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from .dates import MONTHS, looks_like_date
from .model import Origin
from .quantities import split_quantity
from .records import LineParser
from .units import albumin_unit, known_albumin_units

# DATE, an optional time (with seconds, a fraction, a zone), a colon, the text.
_ENTRY = re.compile(
    r"\s*(?P<date>[^:]*?)"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)?"
    r"\s*:(?P<text>.*)"
)
# A bullet before an entry: `- 9-6-24: 45 mg/g`, `* …`, `• …`.
_BULLET = re.compile(r"[-*•]\s+")
# Patterns for rare lines and messages are strings, compiled on first use (re
# caches them): compiling them at import cost every report 0.7 ms.
# A day and a month with no year: `9/6`, `9 Jun`.
_NO_YEAR = r"(?i)\d{1,2}[-/.]\d{1,2}|\d{1,2}\s*[a-z]{3,9}\.?|[a-z]{3,9}\.?\s*\d{1,2}"
# Other tests a clinic writes among the albumin results; never an intervention.
_OTHER_TEST = re.compile(
    r"(?P<name>e?gfr|egfrcr|creatinine|creat|cr|s-?cr|hba1c|hb|haemoglobin|hemoglobin|"
    r"potassium|k|sodium|na|urea|bun|u?pcr|protein|total\s+protein|glucose|cholesterol|"
    r"ldl|hdl|bp|weight|bmi)\b\s*[:=]?\s*[<>≤≥]?\s*\d",
    re.IGNORECASE,
)
_ACR_LABEL = r"(?i)(?:urine\s+|u\s*)?(?:u?acr|aer)\b"
# A label some clinics write before the value.
_LABEL = re.compile(
    r"(?:urine\s+|u\s*)?(?:micro\s*albumin|albumin|malb|u?acr|aer|alb)\s*[:=]?\s*", re.IGNORECASE
)
_WITH_CREATININE = re.compile(
    r"(?P<albumin>.+?)\s*[,;]\s*(?:urine\s+|u\s*)?(?:creatinine|creat|cr)\s*[:=]?\s*(?P<creat>.+)",
    re.IGNORECASE,
)


def parse_notes(lines: Iterable[tuple[int, str]], source: str, parser: LineParser) -> None:
    records = parser.records
    prose: list[int] = []
    for number, raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        origin = Origin(source, number)
        if bullet := _BULLET.match(line):
            line = line[bullet.end() :]
        m = _ENTRY.fullmatch(line)
        if m is None or not looks_like_date(m["date"]):
            if _is_bare_value(line):
                records.problem(
                    origin,
                    line,
                    "is a value with no date (write 'DATE: VALUE', e.g. 9-6-24: 45 mg/L)",
                )
            elif _starts_with_date(line):
                records.problem(origin, line, _NO_COLON + _csv_hint(line))
            elif m is not None and re.fullmatch(_NO_YEAR, m["date"].strip()):
                records.problem(
                    origin, m["date"].strip(), "is not a date: it has no year (e.g. 9-6-24)"
                )
            else:
                prose.append(number)
            continue
        when = parser.parse_date(m["date"], origin)
        text = m["text"].strip()
        if when is None:
            continue
        if not text:
            records.problem(origin, line, "has a date but no value or event after the ':'")
            continue
        _entry(parser, when, text, origin)
    if prose:
        records.skipped_prose.setdefault(source, []).extend(prose)


_NO_COLON = "starts with a date but has no ':' after it (write 'DATE: TEXT'"
# Where a date at the start of a line ends: a space, or a CSV delimiter.
_FIELD_END = r"[\s,;|]+"
# The parts of a date: numbers and words (`10 Jun 2024`, `2024-06-09T08:15Z`).
_DATE_PART = r"\d+|[^\W\d_]+"
_NOT_MONTHS = {"st", "nd", "rd", "th", "t", "z"}


def _starts_with_date(line: str) -> bool:
    """The line begins with a full date (day, month, year) in any spelling."""
    words = re.split(_FIELD_END, line.strip(), maxsplit=3)[:3]
    return any(_is_full_date(" ".join(words[:n])) for n in range(len(words), 0, -1))


def _is_full_date(text: str) -> bool:
    if not looks_like_date(text):
        return False
    parts = re.findall(_DATE_PART, text)
    names = [p.lower() for p in parts if not p.isdigit()]
    if any(name not in MONTHS and name not in _NOT_MONTHS for name in names):
        return False  # `1 patient`, `2 weeks`: prose
    # `May 2024` (no day) is a heading, not a dated entry; `20240609` is a date.
    return len(parts) >= 3 or (len(parts) == 1 and len(parts[0]) == 8)


def _csv_hint(line: str) -> str:
    if max(line.count(","), line.count(";"), line.count("\t")) < 2:
        return ")"
    return (
        "; if this is a CSV file, its header needs a date column: see README 'Input "
        "formats' for the names)"
    )


def _is_bare_value(line: str) -> bool:
    parts = split_quantity(line.rstrip("."))
    return parts is not None and (not parts[2] or albumin_unit(parts[2]) is not None)


def _entry(parser: LineParser, when: date, text: str, origin: Origin) -> None:
    body = text[:-1].rstrip() if text.endswith(".") else text
    if other := _OTHER_TEST.match(body):
        parser.records.problem(
            origin,
            text,
            f"is another test ({other['name']}), not a urine albumin: albutrend reads albumin "
            "only; remove the line or make it a comment with '#' (a creatinine goes on the "
            "albumin's line: 'albumin 45 mg/L, creatinine 8.2 mmol/L')",
        )
        return
    labelled = _LABEL.match(body)
    if labelled and split_quantity(body[labelled.end() :]) is not None:
        ratio_label = re.match(_ACR_LABEL, body)
        body = body[labelled.end() :]
        if ratio_label and not _names_its_unit(body):
            parser.records.problem(
                origin,
                text,
                f"is labelled {ratio_label.group(0).strip()} but has no unit: write it, e.g. "
                "ACR 45 mg/g, ACR 4.5 mg/mmol or AER 45 mg/24h",
            )
            return
    with_creatinine = _WITH_CREATININE.fullmatch(body)
    if with_creatinine and split_quantity(with_creatinine["albumin"]) is not None:
        albumin = parser.measurement(with_creatinine["albumin"], origin)
        creatinine = parser.creatinine(with_creatinine["creat"], origin, None)
        if albumin is not None and creatinine is not None:
            parser.add_reading(when, albumin, origin, None, creatinine, with_creatinine["creat"])
        return
    parts = split_quantity(body)
    if parts is None:
        parser.add_intervention(when, text, origin, None)
        return
    sign, number, rest = parts
    if not rest or albumin_unit(rest) is not None:
        albumin = parser.measurement(body, origin)
        if albumin is not None:
            parser.add_reading(when, albumin, origin, None)
        return
    first_word = rest.split()[0]
    if sign or "/" in first_word or albumin_unit(first_word) is not None:
        known = albumin_unit(first_word)
        if known is not None:
            parser.records.problem(
                origin,
                text,
                f"starts like a reading ({number} {known}) but goes on: write a reading as "
                "'DATE: VALUE UNIT' alone, and start an intervention with a word "
                "(e.g. 'Started losartan 50 mg/day')",
            )
        else:
            # `45 mmol/L`, `<3 mg/dl2`: a value whose unit is not an albumin unit.
            parser.measurement(body, origin)
        return
    if _unit_like(first_word):
        parser.records.problem(
            origin,
            text,
            f"has an unknown unit '{first_word}' (known: {known_albumin_units()}); start an "
            "intervention with a word (e.g. 'Started losartan 50 mg')",
        )
        return
    # `100 million MSCs…`: a number followed by words is an intervention; followed by
    # no word (`1e3`, `45 H`) or ending in a unit (`1 000 mg/L`) it is a value
    # albutrend cannot read, never an intervention.
    if re.search(_WORD, rest) is None or _ends_with_unit(rest):
        parser.records.problem(
            origin,
            text,
            "is neither a value albutrend can read nor an intervention (write a reading as a "
            "plain number and its unit, e.g. 1000 mg/L or <3 mg/L; start an intervention "
            "with a word)",
        )
        return
    parser.add_intervention(when, text, origin, None)


_WORD = r"[^\W\d_]{2,}"
# A word that is meant as a unit but is not one albutrend knows: `mg%`, `mgL`,
# `mg per L`, `ACR`. A dose (`50 mg losartan`) is refused the same way: an
# intervention starts with a word.
_UNIT_LIKE = r"(?i)(?:[mµμun]?g|mcg|[mµμu]?mol|m?l|dl)(?:[%/]|per|[a-z]?$)|%|u?acr|aer"


def _unit_like(word: str) -> bool:
    return albumin_unit(word) is None and re.match(_UNIT_LIKE, word) is not None


def _names_its_unit(body: str) -> bool:
    parts = split_quantity(body)
    return parts is not None and bool(parts[2]) and albumin_unit(parts[2]) is not None


def _ends_with_unit(text: str) -> bool:
    words = text.split()
    return any(albumin_unit(" ".join(words[-n:])) is not None for n in range(1, 4))
