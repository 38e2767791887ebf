"""Property tests of the parsers (hypothesis): 200 examples each, no deadline (the
profile in conftest.py); `HYPOTHESIS_PROFILE=hard pytest tests/test_properties.py`
runs 5000.

- Any input, text or bytes, gives records or problems with line numbers, or a
  one-line refusal of the whole file; never another exception.
- Readings written out as CSV or notes, in any spelling albutrend accepts, read
  back equal; under --decimal auto they read back equal or are refused as
  ambiguous, never as another number.
- Any valid date in any supported spelling parses to itself.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, timedelta
from decimal import Decimal

from conftest import FRAGMENTS, TODAY
from hypothesis import example, given
from hypothesis import strategies as st

from albutrend.clinical.units import ALBUMIN_UNITS
from albutrend.model import CENSOR_SIGNS
from albutrend.problems import AlbutrendError
from albutrend.reading.dates import EARLIEST_TWO_DIGIT_YEAR, MONTH_NAMES, DateReader
from albutrend.reading.records import ReadOptions, Records
from albutrend.reading.sources import read_sources

# ---- any input -----------------------------------------------------------------

HEADERS = [
    "",
    "date,albumin,unit\n",
    "date;albumin;unit;event\n",
    "date\tvalue\tevent\tpatient\tcreatinine\n",
    "Date,ACR,Units,Creatinine,Creatinine unit\n",
]
LINE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=8).map("".join)
TEXT = st.builds(
    lambda header, lines: header + "\n".join(lines),
    st.sampled_from(HEADERS),
    st.lists(LINE, max_size=12),
)
ENCODINGS = ["utf-8-sig", "cp1252", "latin-1", "utf-16"]


def read_bytes(data: bytes, **options: object) -> Records | AlbutrendError:
    opts = ReadOptions(today=TODAY, **options)  # type: ignore[arg-type]
    try:
        return read_sources(["-"], opts, stdin=io.BytesIO(data))
    except AlbutrendError as e:
        return e


def line_count(text: str) -> int:
    return len(re.split(r"\r\n|\r|\n", text))


def check(result: Records | AlbutrendError, lines: int) -> None:
    """Records whose every problem and reading names a line of the input, with
    messages safe for a terminal; or a one-line refusal of the whole file."""
    if isinstance(result, AlbutrendError):
        assert type(result) is AlbutrendError and result.exit_code == 1
        assert str(result).isprintable() and "\n" not in str(result)
        return
    for p in result.problems:
        assert 1 <= p.origin.line <= lines + 1, p
        assert str(p).isprintable(), str(p)
    assert len(result.problems) == min(result.problem_count, 1000)
    for r in result.readings:
        assert 1 <= r.origin.line <= lines
        m = r.measurement
        assert math.isfinite(m.value) and m.value > 0 and m.censor in ("", *CENSOR_SIGNS)
        assert r.date <= TODAY
    for i in result.interventions:
        assert 1 <= i.origin.line <= lines and i.text.strip()


@given(
    TEXT,
    st.sampled_from(["auto", "point", "comma"]),
    st.sampled_from([None, "day-first", "month-first"]),
)
@example("9-6-24: 1e309\n10-6-24: nan mg/L\n11-6-24: ٣ mg/L\n", "auto", None)
@example("date,albumin\n9/6/24," + "9" * 400 + "\n", "auto", None)
def test_any_text_gives_records_or_problems_with_line_numbers(text, decimal, date_order):
    check(
        read_bytes(text.encode("utf-8", "surrogatepass"), decimal=decimal, date_order=date_order),
        line_count(text),
    )


@given(st.binary(max_size=400), st.sampled_from(ENCODINGS))
@example(b"\xff\xfe9\x00-\x006\x00", "utf-8-sig")
@example(b"date,albumin\n9/6/24,\xb5\n", "utf-8-sig")
@example(b"9-6-24: 45 mg/L\n\x81\n", "cp1252")
def test_any_bytes_in_any_encoding(data, encoding):
    result = read_bytes(data, encoding=encoding)
    text = data.decode("latin-1")  # one character a byte: at least as many lines
    check(result, max(line_count(text), line_count(data.decode("utf-16", "replace"))))


@given(TEXT, st.sampled_from(ENCODINGS))
def test_any_text_saved_in_any_encoding(text, encoding):
    data = text.encode(encoding, "replace")
    check(read_bytes(data, encoding=encoding), line_count(data.decode(encoding, "replace")))


# ---- readings written out and read back -----------------------------------------

# A two-digit year is 20YY, or 19YY back to 1970 (dates.EARLIEST_TWO_DIGIT_YEAR).
FIRST_DAY = date(EARLIEST_TWO_DIGIT_YEAR, 1, 1)
DATES = st.dates(min_value=FIRST_DAY, max_value=TODAY)
CENSORS = {"": "", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}


@st.composite
def values(draw: st.DrawFn) -> Decimal:
    """A result as a lab prints it: up to 6 significant digits."""
    mantissa = draw(st.integers(min_value=1, max_value=999_999))
    return Decimal(mantissa).scaleb(-draw(st.integers(min_value=0, max_value=4))).normalize()


def _plausible(reading):
    """A concentration above 20 g/L is refused as no urine result: scaled below it."""
    when, value, unit, censor = reading
    while (
        unit.family == "concentration"
        and censor not in ("<", "<=")
        and float(value) * unit.to_base > 20_000
    ):
        value = value.scaleb(-1).normalize()
    return when, value, unit, censor


READING = st.tuples(
    DATES, values(), st.sampled_from(ALBUMIN_UNITS), st.sampled_from(list(CENSORS))
).map(_plausible)

MONTH_FULL = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

SPELLINGS = {
    "2024-06-09": lambda d: d.isoformat(),
    "20240609": lambda d: f"{d.year}{d.month:02}{d.day:02}",
    "9-6-24": lambda d: f"{d.day}-{d.month}-{d.year % 100:02}",
    "09/06/2024": lambda d: f"{d.day:02}/{d.month:02}/{d.year}",
    "9/6/2024": lambda d: f"{d.day}/{d.month}/{d.year}",
    "9.6.24": lambda d: f"{d.day}.{d.month}.{d.year % 100:02}",
    "27.10.2024": lambda d: f"{d.day}.{d.month}.{d.year}",
    "09.06.2024": lambda d: f"{d.day:02}.{d.month:02}.{d.year}",
    "9 Jun 2024": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}",
    "09-Jun-2024": lambda d: f"{d.day:02}-{MONTH_NAMES[d.month - 1]}-{d.year}",
    "9-JUN-24": lambda d: f"{d.day}-{MONTH_NAMES[d.month - 1].upper()}-{d.year % 100:02}",
    "June 9, 2024": lambda d: f"{MONTH_FULL[d.month - 1]} {d.day}, {d.year}",
    "9 June 2024": lambda d: f"{d.day} {MONTH_FULL[d.month - 1]} {d.year}",
    "Jun 9 2024": lambda d: f"{MONTH_NAMES[d.month - 1]} {d.day} {d.year}",
    "9th June 2024": lambda d: f"{d.day}th {MONTH_FULL[d.month - 1]} {d.year}",
    "2024-06-09T08:15:00": lambda d: f"{d.isoformat()}T08:15:00",
    "2024-06-09 08:15": lambda d: f"{d.isoformat()} 08:15",
    "09/06/2024 08:15": lambda d: f"{d.day:02}/{d.month:02}/{d.year} 08:15",
}
# The spellings the round trips below write notes and CSV in: some of those read.
DATE_SPELLINGS = {
    name: SPELLINGS[name]
    for name in ("2024-06-09", "9/6/2024", "09.06.2024", "9-6-24", "9 Jun 2024", "2024-06-09 08:15")
}


def spell_number(value: Decimal, mark: str, grouped: bool) -> str:
    """`value` with `mark` as the decimal mark, thousands grouped if asked."""
    text = f"{value:,f}" if grouped else f"{value:f}"
    if mark == ",":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def spell_unit(symbol: str, variant: int) -> str:
    return [symbol, symbol.lower(), symbol.replace("µ", "u"), symbol.replace("µ", "μ")][variant]


def expected(readings: list[tuple[date, Decimal, object, str]]) -> list[tuple[object, ...]]:
    return [(d, float(v), u, CENSORS[c]) for d, v, u, c in readings]


def got(records: Records) -> list[tuple[object, ...]]:
    return [
        (r.date, r.measurement.value, r.measurement.unit, r.measurement.censor)
        for r in records.readings
    ]


@given(
    st.lists(READING, min_size=1, max_size=8),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from([".", ","]),
    st.booleans(),
    st.sampled_from(list(DATE_SPELLINGS)),
    st.sampled_from(["column", "cell", "header"]),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["\n", "\r\n"]),
)
def test_readings_written_as_csv_read_back_equal(
    readings, delimiter, mark, grouped, spelling, unit_in, unit_variant, newline
):
    if unit_in == "header":  # one unit for the whole column
        readings = [_plausible((d, v, readings[0][2], c)) for d, v, _, c in readings]
    if mark == "," and delimiter == ",":
        grouped = False  # a decimal comma in a comma file is quoted, grouping dots too
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    unit_header = f" ({readings[0][2].symbol})" if unit_in == "header" else ""
    writer.writerow(["Date", f"Albumin{unit_header}", *(["Unit"] if unit_in == "column" else [])])
    for d, v, u, c in readings:
        number = c + spell_number(v, mark, grouped)
        unit = spell_unit(u.symbol, unit_variant)
        if unit_in == "cell":
            writer.writerow([DATE_SPELLINGS[spelling](d), f"{number} {unit}"])
        elif unit_in == "column":
            writer.writerow([DATE_SPELLINGS[spelling](d), number, unit])
        else:
            writer.writerow([DATE_SPELLINGS[spelling](d), number])
    data = out.getvalue().encode("utf-8")
    decimal = "point" if mark == "." else "comma"
    # The numeric spellings are day first, as given (a table whose dates all read both
    # ways needs the order: test_date_order.py).
    records = read_bytes(data, decimal=decimal, date_order="day-first")
    assert isinstance(records, Records) and records.problems == [], out.getvalue()
    assert got(records) == expected(readings)
    # With --decimal auto: the same readings, or a refusal as ambiguous; never another
    # number.
    auto = read_bytes(data, date_order="day-first")
    assert isinstance(auto, Records)
    ambiguous = {p.origin.line for p in auto.problems}
    assert all("ambiguous" in p.message for p in auto.problems), auto.problems
    kept = [
        e
        for e, line in zip(expected(readings), range(2, 99), strict=False)
        if line not in ambiguous
    ]
    assert got(auto) == kept


@given(st.lists(READING, min_size=1, max_size=8), st.sampled_from(list(DATE_SPELLINGS)))
def test_readings_written_as_notes_read_back_equal(readings, spelling):
    if spelling == "with time":
        spelling = "iso"
    text = "".join(
        f"{DATE_SPELLINGS[spelling](d)}: {c}{v:f} {u.symbol}\n" for d, v, u, c in readings
    )
    records = read_bytes(text.encode("utf-8"), decimal="point")
    assert isinstance(records, Records) and records.problems == [], text
    assert got(records) == expected(readings)


# ---- dates ----------------------------------------------------------------------

MONTH_FIRST = {
    "6/9/2024": lambda d: f"{d.month}/{d.day}/{d.year}",
    "06-09-24": lambda d: f"{d.month:02}-{d.day:02}-{d.year % 100:02}",
    "June 9, 2024": SPELLINGS["June 9, 2024"],
    "2024-06-09": SPELLINGS["2024-06-09"],
}


@given(DATES, st.sampled_from(list(SPELLINGS)))
@example(date(2024, 2, 29), "9-6-24")
@example(date(1970, 1, 1), "9.6.24")
@example(TODAY, "9-6-24")
def test_any_valid_date_in_any_spelling_parses_to_itself(day, spelling):
    text = SPELLINGS[spelling](day)
    assert DateReader(today=TODAY)(text) == day, text


@given(DATES, st.sampled_from(list(MONTH_FIRST)))
def test_month_first_dates_parse_to_themselves(day, spelling):
    text = MONTH_FIRST[spelling](day)
    assert DateReader(today=TODAY, month_first=True)(text) == day, text


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(9999, 12, 31)))
def test_a_four_digit_date_in_the_future_is_refused_never_moved(day):
    from albutrend.reading.dates import DateError

    for text in (day.isoformat(), f"{day.day}/{day.month}/{day.year}"):
        try:
            DateReader(today=TODAY)(text)
        except DateError as e:
            assert "future" in str(e)
        else:
            raise AssertionError(f"{text} was read")


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2069, 12, 31)))
def test_a_future_two_digit_year_is_refused_never_moved_a_century(day):
    from albutrend.reading.dates import DateError

    text = SPELLINGS["9-6-24"](day)
    try:
        got = DateReader(today=TODAY)(text)
    except DateError as e:
        assert "is in the future" in str(e)
    else:
        raise AssertionError(f"{text} was read as {got}")
