"""The notes format a clinic writes: one entry a line, `DATE: TEXT`.

    9-6-24: 2487.4 mg/L
    26-6-24: Received 100 million MSCs intravenously as part of her treatment plan.

Before the date a line may have a bullet (`- `), a list number (`1. `), `On`, a
weekday (`Sun 27 Oct 2024:`, checked against the date), or the date may be in
brackets (`[7-1-24] 106 mg/L`).

TEXT is read by one rule (README "Notes"; the rule itself is `analytes`):
- a value with an optional unit, after an optional urine albumin label and before an
  optional comment (`Urine ACR 6.1 mg/mmol`, `35 mg/L - felt well`, `62 mg/L (repeat
  sample)`) is a reading; a label that names another quantity than the unit (an ACR
  label on mg/L) is refused;
- a text that holds a result by the rule of `analytes` (a number with the unit of a
  measurement, a test name with a number: `eGFR 45`, `uPCR 50 mg/mmol`) is never
  an intervention: it is refused, naming the other test;
- any other text that starts with a word (a dose is not a result: `Started ramipril
  2.5 mg`, `Received 100 million MSCs`) is an intervention.
Text that could be either is refused with a way to make it clear. Blank lines and
`#` comments are skipped; lines with no date (prose around the entries) are skipped
and counted, unless they hold both a date and a value with a unit: then they are
refused, never skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from albutrend.clinical.units import ACR, FAMILY_DESCRIPTIONS, albumin_unit, known_albumin_units
from albutrend.model import Origin
from albutrend.notices import Notice
from albutrend.patterns import lazy
from albutrend.reading.analytes import FAMILY_UNITS, Label, albumin_label, result_in, unit_result_in
from albutrend.reading.dates import MONTHS, looks_like_date
from albutrend.reading.quantities import split_quantity
from albutrend.reading.records import PROSE_KEPT, LineParser

# DATE (at most 60 characters: a bound keeps the pattern linear), an optional time
# (with seconds, a fraction, a zone), a colon, the text.
_ENTRY = re.compile(
    r"(?P<date>[^:]{0,60}?)"
    r"(?P<time>[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*+(?:Z|[+-]\d{2}:?\d{2}))?)?"
    r"\s*+:(?P<text>.*)"
)
# A date in brackets, the text after it: `[7-1-24] 106 mg/L`, `(7-1-24): …`.
_BRACKETED = re.compile(r"[\[(]\s*+(?P<date>[^\])]{1,60}?)\s*+[\])]\s*+:?(?P<text>.*)")
# Before an entry: a bullet (`- `, `* `, `• `), a list number (`1. `, `2) `), `On`, a
# weekday (`Sun`, `Tuesday,`).
_LEAD = re.compile(
    r"(?:[-*•]\s++)?(?:\d{1,3}[.)]\s++)?(?:on\s++)?"
    r"(?:(?P<weekday>mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday)\.?,?\s++)?(?:on\s++)?",
    re.IGNORECASE,
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Patterns for rare lines and messages are strings, compiled on first use (re
# caches them): compiling them at import cost every report 0.7 ms.
# A day and a month with no year: `9/6`, `9 Jun`.
_NO_YEAR = r"(?i)\d{1,2}[-/.]\d{1,2}|\d{1,2}\s*+[a-z]{3,9}\.?|[a-z]{3,9}\.?\s*+\d{1,2}"
# `albumin 45 mg/L, creatinine 8.2 mmol/L`: where the creatinine starts.
_CREATININE_AFTER = re.compile(
    r"[,;]\s*+(?:urine\s++|u\s*+)?(?:creatinine|creat|cr)\s*+[:=]?\s*+", re.IGNORECASE
)
# Where a comment after a value starts: `;`, `,`, or a bracket or a dash after a space
# (`mg/(24.h)` is a unit).
_COMMENT = re.compile(r"[;,]|(?<=\s)[-–—(\[]")


def _split_entry(line: str) -> tuple[str | None, str, str] | None:
    """(weekday, date, text) of a dated entry, or None. The date is looked for first
    right at the start (after a bullet), then after a list number, `On`, a weekday."""
    lead = _LEAD.match(line)
    starts = (0, lead.end()) if lead and lead.end() else (0,)
    for at in starts:
        body = line[at:] if at else line
        m = _BRACKETED.match(body) if body[:1] in "[(" else None
        if m is None or not looks_like_date(m["date"]):
            m = _ENTRY.fullmatch(body)
        if m is None or not looks_like_date(m["date"]):
            continue
        if m["text"][:1].isdigit() and (
            m.groupdict().get("time") or _ENDS_IN_HOUR.search(m["date"])
        ):
            # `2024-01-02T09:14:31Z,,…` (a CSV row read as notes): a digit right after
            # the colon of a time is the time going on, not the entry's text; never cut
            # a time into a date and a text.
            continue
        return (lead["weekday"] if at and lead else None), m["date"], m["text"]
    return None


# A date that ends in an hour (`2024-01-02T09`, `9-6-24 08`) followed by `:` and
# digits is a date with a time whose colon is not the entry's.
_ISO_TIME = r"T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
_ENDS_IN_HOUR = re.compile(r"[T ]\d{1,2}$")


def parse_notes(lines: Iterable[tuple[int, str]], source: str, parser: LineParser) -> None:
    records = parser.records
    prose: list[int] = []  # the first line numbers (PROSE_KEPT), and how many
    prose_count = 0
    named = 0  # prose lines that hold a date or a result: each in a warning (PROSE_KEPT)
    for number, raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        origin = Origin(source, number)
        entry = _split_entry(line)
        if entry is None:
            if not _not_an_entry(line, origin, parser):
                prose_count += 1
                if prose_count <= PROSE_KEPT:
                    prose.append(number)
                if named < PROSE_KEPT and (why := _prose_holds(line)) is not None:
                    named += 1
                    records.reader_notices.append(
                        Notice("prose_with_data", why, source, number, line)
                    )
            continue
        weekday, date_text, text = entry
        when = parser.parse_date(date_text, origin)
        if when is None:
            continue
        if weekday and not _WEEKDAYS[when.weekday()].startswith(weekday[:3].lower()):
            records.problem(
                origin,
                line,
                f"says {weekday} but {date_text.strip()} is a {_WEEKDAY_NAMES[when.weekday()]}: "
                "check the date (or leave the weekday out)",
            )
            continue
        text = text.strip()
        if not text:
            records.problem(origin, line, "has a date but no value or event after the ':'")
            continue
        _entry(parser, when, text, origin)
    if prose:
        records.skip_prose(source, prose, prose_count)
    parser.refuse_mixed_units(source)


def _not_an_entry(line: str, origin: Origin, parser: LineParser) -> bool:
    """Report a line that is not a dated entry but is not prose either; False: prose."""
    records = parser.records
    lead = _LEAD.match(line)
    body = line[lead.end() :] if lead else line
    head, colon, _ = body.partition(":")
    before = head.strip()  # what stands before a colon: a date, if the line is an entry
    label = albumin_label(body)
    if _is_bare_value(body) or (label is not None and _is_bare_value(body[label.end :].strip())):
        # `2487.4 mg/L`, `Urine ACR 4.1 mg/mmol`, `ACR: 4.1 mg/mmol`: a reading, undated
        records.problem(
            origin, line, "is a value with no date (write 'DATE: VALUE', e.g. 9-6-24: 45 mg/L)"
        )
    elif _starts_with_date(body):
        records.problem(origin, line, _NO_COLON + _csv_hint(line))
    elif colon and re.fullmatch(_NO_YEAR, before):
        records.problem(origin, before, "is not a date: it has no year (e.g. 9-6-24)")
    elif (result := unit_result_in(line)) is not None and _date_in(line) is not None:
        records.problem(
            origin,
            line,
            f"holds a date and a result ({result}) but is not a 'DATE: TEXT' entry: write "
            "it as one (e.g. 27-10-24: 954.9 mg/L), or make the line a '#' comment",
        )
    elif colon and _DATE_LIKE().fullmatch(before):
        # `15-5-2O24: ACR 4.1 mg/mmol`, `15--5-24: Started ramipril`: an entry whose
        # date is mistyped (a letter O for a zero, a doubled dash), never prose.
        records.problem(
            origin,
            before,
            "is not a date: write day-month-year in digits (e.g. 15-5-24), or make the "
            "line a '#' comment",
        )
    else:
        return False
    return True


# Before the `:` of a line, what is meant as a numeric date but is none: digits (or a
# letter O, o, I, l typed for one) in three groups parted by dashes, slashes or dots.
_DATE_LIKE = lazy(r"(?=.*\d)[\dOoIl]{1,4}(?:[-/.]+[\dOoIl]{1,4}){2}[a-z]?", re.IGNORECASE)


def _prose_holds(line: str) -> str | None:
    """Why a line skipped as prose is named in a warning of its own (None: it is not):
    a date (`Losartan started 2-4-24`: an intervention written the wrong way round) or
    a urine albumin result (`Her ACR fell to 20 mg/mmol`) would be lost without a word."""
    found = _date_in(line)
    if found is not None:
        return (
            f"holds a date ({found}) but is not a 'DATE: TEXT' entry, so it is skipped as "
            f"prose: if it records an intervention, write it as one ('{found}: TEXT'), or "
            "make it a '#' comment"
        )
    result = unit_result_in(line)
    parts = split_quantity(result) if result is not None else None
    if parts is not None and albumin_unit(parts[2]) is not None:
        return (
            f"holds a urine albumin result ({result}) but no date, so it is skipped as "
            f"prose: if it is a reading, write it as 'DATE: VALUE' (e.g. 9-6-24: {result}), "
            "or make it a '#' comment"
        )
    return None


_NO_COLON = "starts with a date but has no ':' after it (write 'DATE: TEXT'"
# Where a date at the start of a line ends: a space, or a CSV delimiter.
_FIELD_END = r"[\s,;|]+"
# The parts of a date: numbers and words (`10 Jun 2024`, `2024-06-09T08:15Z`).
_DATE_PART = r"\d+|[^\W\d_]+"
_NOT_MONTHS = {"st", "nd", "rd", "th", "t", "z"}


def _starts_with_date(line: str) -> bool:
    """The line begins with a full date (day, month, year) in any spelling."""
    words = re.split(_FIELD_END, line.strip(), maxsplit=3)[:3]
    if words:  # `2024-01-02T09:14:31Z` is a date with a time
        words[0] = re.sub(_ISO_TIME, "", words[0])
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


def _date_in(line: str) -> str | None:
    """A full date (day, month, year) anywhere in `line`, in one to three words."""
    words = [w.strip(".,") for w in re.split(r"[\s;:()\[\]]++", line) if len(w) <= 30]
    for i, word in enumerate(words):
        if any(ch.isdigit() for ch in word) or word[:3].lower() in MONTHS:
            for n in (1, 3):
                if _is_full_date(found := " ".join(words[i : i + n])):
                    return found
    return None


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
    label = albumin_label(body)
    if label is not None and split_quantity(body[label.end :]) is not None:
        body = body[label.end :]
    else:
        label = None
    creatinine = _CREATININE_AFTER.search(body)
    if creatinine is not None:
        albumin_text, creat_text = body[: creatinine.start()].strip(), body[creatinine.end() :]
        if albumin_text and creat_text.strip() and split_quantity(albumin_text) is not None:
            albumin = parser.measurement(albumin_text, origin)
            if albumin is not None and not _contradicts(parser, label, albumin_text, text, origin):
                creat = parser.creatinine(creat_text, origin, None)
                if creat is not None:
                    parser.add_reading(when, albumin, origin, None, creat, creat_text)
            return
    parts = split_quantity(body)
    if parts is None:
        parser.add_intervention(when, text, origin, None)
        return
    sign, number, rest = parts
    unit_text, comment = _unit_and_comment(rest)
    if not unit_text or albumin_unit(unit_text) is not None:
        if comment and (second := result_in(comment)) is not None:
            parser.records.problem(
                origin,
                text,
                f"has a second result after its value ({second.text}): write one result "
                "a line, each with its date",
            )
            return
        if comment and (done := _EVENT_IN_COMMENT().match(comment)) is not None:
            # `2.9 mg/mmol - started ramipril`: read as a comment, the start of the
            # drug would be lost, and with it every change since.
            event = comment[done.start("verb") :].rstrip(")]")
            parser.records.problem(
                origin,
                text,
                f"has an intervention in its comment ('{event}'): write it on a line of its "
                f"own with its date (e.g. {when.day}-{when.month}-{when.year % 100:02d}: "
                f"{event[:1].upper()}{event[1:]}), and keep the reading alone on this one",
            )
            return
        value_text = f"{sign}{number} {unit_text}".strip()
        if _contradicts(parser, label, value_text, text, origin):
            return
        albumin = parser.measurement(value_text, origin)
        if albumin is not None:
            parser.add_reading(when, albumin, origin, None)
        return
    first_word = rest.split()[0]
    if (no_comma := _CREATININE_WITHOUT_COMMA().search(rest)) is not None:
        # `56 mg/L creatinine 8.1 mmol/L`: an albumin and its creatinine, the comma
        # that parts them left out.
        at = text.find(no_comma.group(), text.find(number) + len(number))
        parser.records.problem(
            origin,
            text,
            "holds a creatinine after its value with no comma between them: write "
            f"'{text[:at].rstrip()}, {text[at:]}'",
        )
        return
    if label is not None:
        parser.records.problem(
            origin,
            text,
            f"is labelled {label.text}, but '{rest}' is not a unit of urine albumin (known: "
            f"{known_albumin_units()}); a comment goes after ' - ' or in brackets "
            "(e.g. ACR 4.2 mg/mmol (repeat))",
        )
        return
    if sign or "/" in first_word or albumin_unit(first_word) is not None:
        known = albumin_unit(first_word)
        if known is not None:
            parser.records.problem(
                origin,
                text,
                f"starts like a reading ({number} {known}) but goes on: write a reading as "
                "'DATE: VALUE UNIT' alone (a comment after ' - ' or in brackets), and start "
                "an intervention with a word (e.g. 'Started losartan 50 mg/day')",
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


# `creatinine` after a value's unit, with no comma before it.
_CREATININE_WITHOUT_COMMA = lazy(r"(?<=\s)(?:urine\s+)?(?:creatinine|creat|cr)\b", re.IGNORECASE)
# A comment after a value that starts by starting or stopping a treatment (`- started
# ramipril`, `(commenced losartan)`); a verb later on is the comment's own (`- stable
# since ramipril started`, `(repeat, patient started fasting)`).
_EVENT_IN_COMMENT = lazy(
    r"[-–—(\[;,\s]*(?P<verb>started|starting|commenced|initiated|restarted|stopped"
    r"|discontinued|switched|received|began|begun)\b",
    re.IGNORECASE,
)


def _unit_and_comment(rest: str) -> tuple[str, str]:
    """The unit after a number and a comment after it: `mg/L - felt well`,
    `mg/L (repeat sample)`; the comment is '' when there is none."""
    m = None if albumin_unit(rest) is not None else _COMMENT.search(rest)
    if m is None:
        return rest, ""
    return rest[: m.start()].strip(), rest[m.start() :].strip()


def _contradicts(
    parser: LineParser, label: Label | None, value: str, text: str, origin: Origin
) -> bool:
    """A label that names another quantity than the value's unit (an ACR label on
    mg/L, an AER label on mg/g) or a ratio label with no unit: reported, True."""
    if label is None or label.family is None:
        return False
    parts = split_quantity(value)
    unit = albumin_unit(parts[2]) if parts and parts[2] else None
    wanted = FAMILY_UNITS[label.family]
    if unit is None:
        parser.records.problem(
            origin,
            text,
            f"is labelled {label.text} but has no unit: write it, e.g. "
            + (
                "ACR 45 mg/g or ACR 4.5 mg/mmol"
                if label.family is ACR
                else "AER 45 mg/24h or AER 30 µg/min"
            ),
        )
        return True
    if unit.family == label.family:
        return False
    parser.records.problem(
        origin,
        text,
        f"is labelled {label.text} (an {FAMILY_DESCRIPTIONS[label.family]}) but {unit} is "
        f"an {FAMILY_DESCRIPTIONS[unit.family]}: an {label.family} is in {wanted}; if the "
        f"value is right, drop the label ({value})",
    )
    return True


_WORD = r"[^\W\d_]{2,}"
# A word that is meant as a unit but is not one albutrend knows: `mg%`, `mgL`,
# `mg per L`, `ACR`. A dose (`50 mg losartan`) is refused the same way: an
# intervention starts with a word.
_UNIT_LIKE = r"(?i)(?:[mµμun]?g|mcg|[mµμu]?mol|m?l|dl)(?:[%/]|per|[a-z]?$)|%|u?acr|aer"


def _unit_like(word: str) -> bool:
    return albumin_unit(word) is None and re.match(_UNIT_LIKE, word) is not None


def _ends_with_unit(text: str) -> bool:
    words = text.split()
    return any(albumin_unit(" ".join(words[-n:])) is not None for n in range(1, 4))
