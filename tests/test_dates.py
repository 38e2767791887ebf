from datetime import date

import pytest

from albutrend.reading.dates import DateError, DateReader, format_date, looks_like_date

TODAY = date(2026, 11, 24)
read = DateReader(today=TODAY)
read_us = DateReader(month_first=True, today=TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9-6-24", date(2024, 6, 9)),
        ("26-6-24", date(2024, 6, 26)),
        ("27-10-24", date(2024, 10, 27)),
        ("26/06/2024", date(2024, 6, 26)),
        ("27.10.24", date(2024, 10, 27)),
        ("2024-06-09", date(2024, 6, 9)),
        ("2024-6-9", date(2024, 6, 9)),
        ("20240609", date(2024, 6, 9)),
        ("2024-06-09T08:30:00", date(2024, 6, 9)),
        ("2024-06-09 08:30", date(2024, 6, 9)),
        ("09/06/2024 08:30", date(2024, 6, 9)),
        ("9 Jun 2024", date(2024, 6, 9)),
        ("09-Jun-2024", date(2024, 6, 9)),
        ("9-Jun-24", date(2024, 6, 9)),
        ("9 June 2024", date(2024, 6, 9)),
        ("June 9, 2024", date(2024, 6, 9)),
        ("Jun 9 2024", date(2024, 6, 9)),
        ("9th June 2024", date(2024, 6, 9)),
        ("  9-6-24 ", date(2024, 6, 9)),
    ],
)
def test_supported_spellings(text, expected):
    assert read(text) == expected


def test_numeric_dates_are_day_first_by_default_and_month_first_on_request():
    assert read("06/09/2024") == date(2024, 9, 6)
    assert read_us("06/09/2024") == date(2024, 6, 9)
    assert read_us("2024-06-09") == date(2024, 6, 9)  # ISO is never reordered


def test_two_digit_year_is_this_century_unless_that_is_the_future():
    assert read("24-11-26") == date(2026, 11, 24)  # today itself
    assert read("1-1-99") == date(1999, 1, 1)  # 2099 is the future → 1999
    assert read("1-1-70") == date(1970, 1, 1)
    assert read("1-1-00") == date(2000, 1, 1)


@pytest.mark.parametrize("text", ["25-11-26", "1-12-26", "1-1-69", "31-12-68"])
def test_a_future_two_digit_year_never_becomes_a_century_old_date(text):
    with pytest.raises(DateError, match="is in the future"):
        read(text)


def test_an_iso_date_gets_no_month_first_hint():
    with pytest.raises(DateError) as e:
        read("2024-13-01")
    assert "--month-first" not in str(e.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31-2-24", "day out of range for February"),
        ("30-2-2024", "day out of range for February"),
        ("29-2-23", "day out of range for February 2023"),
        ("June 2024", "no day"),
        ("6/2024", "no day"),
        ("1-13-24", "month 13 is out of range"),
        ("2027-01-01", "in the future"),
        ("25-12-2026", "in the future"),
        ("", "no date"),
        ("yesterday", "write day-month-year"),
        ("45500", "a spreadsheet's date serial"),  # a date cell kept as a number
        ("9 Jux 2024", "not a month"),
    ],
)
def test_dates_that_are_refused(text, reason):
    with pytest.raises(DateError, match=reason):
        read(text)


def test_a_leap_day_exists_in_a_leap_year():
    assert read("29-2-24") == date(2024, 2, 29)


def test_month_first_hint_when_the_month_cannot_be_a_month():
    with pytest.raises(DateError, match="--month-first"):
        read("12/25/2024")


def test_format_date_cannot_be_read_month_first():
    assert format_date(date(2024, 6, 9)) == "9 Jun 2024"


@pytest.mark.parametrize("text", ["9-6-24", "June 2024", "9 Jun 2024", "31-2-24", "20240609"])
def test_looks_like_date(text):
    assert looks_like_date(text)


@pytest.mark.parametrize("text", ["Patient", "2487.4", "Received 100", "45 mg/L"])
def test_does_not_look_like_date(text):
    assert not looks_like_date(text)
