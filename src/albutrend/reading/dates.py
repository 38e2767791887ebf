"""Dates as clinicians write them, read without guessing.

Rules (README "Dates"):
- ISO `2024-06-09` (and `20240609`) always works; a time after the date is ignored.
- Other numeric dates are read in the order the caller gives (`--day-first`,
  `--month-first`). Given none, they are read day first (`9-6-24`, `26/06/2024`,
  `27.10.24`) and the reader notes whether the order mattered: the first date that
  reads as two different dates (`6/9/2024`), and whether one read only day first
  (`25/6/2024`) and so settled it. A table refuses to guess (sources.py); notes are
  day first by definition.
- Month names work in any order: `9 Jun 2024`, `09-Jun-2024`, `June 9, 2024`.
- A two-digit year is 20YY, unless that date lies in the future: then 19YY, from
  1970 on (`1-1-99` is 1999); a future 20YY date before that is an error
  (`1-12-26` typed in November 2026 is not 1926).
- A date that does not exist, lies in the future or lacks a day is an error.
"""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# A time after a date, ignored: `08:15`, `T08:15:00Z`, `+02:00`, and a US portal's
# `08:15 AM` (which must not send a numeric date past the day/month bookkeeping).
_TIME = (
    r"(?:(?:T|\s{1,3}+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2}|\s{0,3}+[AaPp]\.?[Mm]\.?)?)?"
)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_YEAR_FIRST = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})" + _TIME)
# Month names: patterns compiled on first use (re caches them), not at start-up.
_DAY_MONTH_NAME = r"(\d{1,2})(?:st|nd|rd|th)?[-/ .]+([a-z]+)\.?[-/ .,]+(\d{4}|\d{2})"
_MONTH_NAME_DAY = r"([a-z]+)\.?[-/ .]+(\d{1,2})(?:st|nd|rd|th)?,?[-/ .]+(\d{4}|\d{2})"
_MONTH_YEAR_ONLY = r"(?:([a-z]+)\.?[-/ .,]+(\d{4}|\d{2})|(\d{1,2})[-/.](\d{4}))"

# Text that looks like a date was meant (used to tell a bad date from prose).
DATE_LIKE = re.compile(
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}[-/.]\d{4}"
    r"|[a-z]{3,9}\.?[-/ .,]+\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)?[-/ .]+[a-z]{3,9}\.?(?:[-/ .,]+\d{2,4})?"
    r"|[a-z]{3,9}\.?[-/ .]+\d{1,2}(?:st|nd|rd|th)?(?:,?[-/ .]+\d{2,4})?"
    r"|\d{8}",
    re.IGNORECASE,
)

# A two-digit year is 20YY, or 19YY from this year on when 20YY is in the future.
EARLIEST_TWO_DIGIT_YEAR = 1970

_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# Longer than any date with a weekday, a time and a zone (`Wednesday, 27th September
# 2024 10:30:00.000 +02:00` is 51): not a date.
_SPELL_IT = "write day-month-year, e.g. 9-6-24, or 2024-06-09"
_LONGEST_DATE = 80

# The order of a numeric date's day and month, as given (`--day-first`,
# `--month-first`, or the configured default); None: not given.
DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)

SEEN_LIMIT = 200_000  # dates remembered (a few MB), so memory stays bounded


class DateError(ValueError):
    """The text is not a date albutrend can read without guessing."""


def looks_like_date(text: str) -> bool:
    return DATE_LIKE.fullmatch(text.strip()) is not None


def format_date(d: date) -> str:
    """Unambiguous for people: `9 Jun 2024` can't be read month-first."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


class DateReader:
    """Parses dates by the rules above, remembering strings already seen.

    One reader serves one run: `today` is fixed when it is made, so a file read at
    midnight does not change its mind half way.
    """

    def __init__(
        self, *, order: str | None = None, month_first: bool = False, today: date | None = None
    ) -> None:
        if month_first:
            order = MONTH_FIRST
        if order is not None and order not in DATE_ORDERS:
            raise ValueError(f"date order {order!r}: expected one of {', '.join(DATE_ORDERS)}")
        self.order = order
        self.month_first = order == MONTH_FIRST
        self.today = today or date.today()
        # With no order given: the first numeric date that reads as two different dates
        # (`6/9/2024`), with both readings (day first, month first), and whether a date
        # that reads only day first (`25/6/2024`) settled the order.
        self.ambiguous: str | None = None
        self.both_ways: tuple[date, date] | None = None
        self.settled = False
        self.seen: dict[str, date] = {}  # text -> date, for the callers' fast paths
        # The first numeric date that only reads the other way round (`12/25/2024`
        # day first): every numeric date of its file is then in doubt.
        self.wrong_order: str | None = None

    def __call__(self, text: str) -> date:
        try:
            return self.seen[text]
        except KeyError:
            pass
        result = self._parse(text.strip())
        if len(self.seen) < SEEN_LIMIT:
            self.seen[text] = result
        return result

    def _parse(self, text: str) -> date:
        if not text:
            raise DateError("no date")
        if m := _ISO.fullmatch(text):
            return self._make(int(m[1]), int(m[2]), int(m[3]), text)
        if m := _COMPACT.fullmatch(text):
            return self._make(int(m[1]), int(m[2]), int(m[3]), text)
        if m := _YEAR_FIRST.fullmatch(text):
            return self._make(int(m[1]), int(m[3]), int(m[4]), text)
        if m := _NUMERIC.fullmatch(text):
            first, second, year = int(m[1]), int(m[3]), m[4]
            day, month = (second, first) if self.month_first else (first, second)
            result = self._make(self._year(year), month, day, text, year_text=year, numeric=True)
            if self.order is None:
                self._note_order(first, second, year, text, result)
            return result
        lowered = text.lower()
        if m := re.fullmatch(_DAY_MONTH_NAME, lowered):
            month = self._month(m[2], text)
            return self._make(self._year(m[3]), month, int(m[1]), text, year_text=m[3])
        if m := re.fullmatch(_MONTH_NAME_DAY, lowered):
            month = self._month(m[1], text)
            return self._make(self._year(m[3]), month, int(m[2]), text, year_text=m[3])
        if re.fullmatch(_MONTH_YEAR_ONLY, lowered):
            raise DateError("the date has no day; write the full date, e.g. 9-6-24")
        return self._fallback(text)

    def _note_order(self, first: int, second: int, year: str, text: str, read: date) -> None:
        """Whether this date, read day first, tells the order or leaves it open."""
        if first > 12:
            self.settled = True  # `25/6/2024`: only day first
        elif self.ambiguous is None and second <= 12 and first != second:
            try:
                other = self._make(self._year(year), first, second, text, year_text=year)
            except DateError:
                return  # the other reading is no date (in the future): not in doubt
            self.ambiguous = text
            self.both_ways = (read, other)

    def _fallback(self, text: str) -> date:
        """Other spellings with a month name, read by dateutil; a missing day is refused.

        dateutil fills a missing field from its `default`, so the text is parsed with
        two different defaults: if the results differ, a field was missing.
        """
        # No date is this long; dateutil takes quadratic time on a long text.
        if text.strip().isdigit() and len(text.strip()) == 5:
            # 45500: a spreadsheet's day count since 1900 (a date cell kept as a number)
            raise DateError(
                "it is a number (a spreadsheet's date serial?): format the column as "
                "dates in the workbook, or write day-month-year, e.g. 9-6-24"
            )
        if len(text) > _LONGEST_DATE or not any(ch.isalpha() for ch in text):
            raise DateError(_SPELL_IT)
        from dateutil import parser  # only for the rare spelling the rules above miss

        try:
            a = parser.parse(text, dayfirst=not self.month_first, default=_DEFAULT_A)
            b = parser.parse(text, dayfirst=not self.month_first, default=_DEFAULT_B)
        except (ValueError, OverflowError):
            raise DateError(_SPELL_IT) from None
        if a.date() != b.date():
            raise DateError("the date is incomplete (needs a day, a month and a year)")
        return self._make(a.year, a.month, a.day, text)

    def _month(self, name: str, text: str) -> int:
        month = MONTHS.get(name)
        if month is None:
            raise DateError(f"'{name}' is not a month name")
        return month

    def _year(self, text: str) -> int:
        # Two-digit years: 20YY first; moved to 19YY in _make if that is the future.
        return int(text) + 2000 if len(text) == 2 else int(text)

    def _make(
        self,
        year: int,
        month: int,
        day: int,
        text: str,
        *,
        year_text: str = "",
        numeric: bool = False,
    ) -> date:
        if not 1 <= month <= 12:
            hint = ""
            # Read the other way round it is a real date: the file's order is wrong.
            if numeric and 1 <= day <= 12 and 12 < month <= _DAYS_IN_MONTH[day - 1]:
                self.wrong_order = self.wrong_order or text
                hint = (
                    " (is the day first? leave out --month-first)"
                    if self.month_first
                    else " (is the month first? use --month-first)"
                )
            raise DateError(f"month {month} is out of range{hint}")
        if not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
            raise DateError(f"day out of range for {_MONTH_FULL[month - 1]}")
        try:
            result = date(year, month, day)
        except ValueError:
            raise DateError(f"day out of range for {_MONTH_FULL[month - 1]} {year}") from None
        if result > self.today:
            if len(year_text) != 2:
                raise DateError(f"the date is in the future (today is {self.today.isoformat()})")
            # 20YY is in the future: 19YY, but only back to 1970, as POSIX reads %y.
            # A date typed a month ahead must not become a century-old reading.
            if year - 100 < EARLIEST_TWO_DIGIT_YEAR:
                raise DateError(
                    f"{result.isoformat()} is in the future (today is "
                    f"{self.today.isoformat()}); write the year in full if 19YY was meant"
                )
            try:
                result = date(year - 100, month, day)
            except ValueError:
                month_name = _MONTH_FULL[month - 1]
                raise DateError(f"day out of range for {month_name} {year - 100}") from None
        return result


_MONTH_FULL = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

# Two defaults that differ in every field, for the dateutil completeness check.
_DEFAULT_A = datetime(2001, 1, 1)
_DEFAULT_B = datetime(2002, 2, 2)
