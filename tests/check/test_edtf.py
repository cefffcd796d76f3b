"""The project's EDTF subset: valid forms, leap years, intervals, precision and the messages."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks import edtf


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year"),
        ("2025-03", dt.date(2025, 3, 1), dt.date(2025, 3, 31), "month"),
        ("2025-04", dt.date(2025, 4, 1), dt.date(2025, 4, 30), "month"),
        ("2025-03-11", dt.date(2025, 3, 11), dt.date(2025, 3, 11), "day"),
        ("0001-01-01", dt.date(1, 1, 1), dt.date(1, 1, 1), "day"),
        ("9999-12", dt.date(9999, 12, 1), dt.date(9999, 12, 31), "month"),
    ],
)
def test_single_dates_span_their_precision(text: str, first: dt.date, last: dt.date, precision: str) -> None:
    span = edtf.parse(text)
    assert (span.first, span.last, span.start.precision, span.is_interval) == (first, last, precision, False)
    assert not span.approximate and not span.uncertain
    assert span.text == text


@pytest.mark.parametrize(
    ("text", "days"),
    [("2024-02", 29), ("2025-02", 28), ("2000-02", 29), ("1900-02", 28), ("2100-02", 28), ("2400-02", 29)],
)
def test_february_follows_the_leap_year_rules(text: str, days: int) -> None:
    span = edtf.parse(text)
    assert span.last.day == days
    assert edtf.parse(f"{text}-{days}").first == span.last
    with pytest.raises(edtf.DateError, match=f"has {days} days"):
        edtf.parse(f"{text}-{days + 1}")


def test_flags_mark_approximate_and_uncertain() -> None:
    assert edtf.parse("2025-03~").approximate and not edtf.parse("2025-03~").uncertain
    assert edtf.parse("2025?").uncertain and not edtf.parse("2025?").approximate
    assert edtf.parse("2025-03-11~").first == dt.date(2025, 3, 11)


def test_intervals_run_from_the_first_day_of_the_start_to_the_last_day_of_the_end() -> None:
    span = edtf.parse("2021-11~/2022-02")
    assert span.is_interval
    assert (span.first, span.last) == (dt.date(2021, 11, 1), dt.date(2022, 2, 28))
    assert (span.start.precision, span.end.precision) == ("month", "month")
    assert span.approximate and not span.uncertain
    assert edtf.parse("2025-03-12/2025-03-13").last == dt.date(2025, 3, 13)
    # An interval may end inside its start's span: the same month, at a finer precision.
    assert edtf.parse("2025-03/2025-03-01").last == dt.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", "'2025-02-30' is not a valid date: February 2025 has 28 days"),
        ("2025-13", "'2025-13' is not a valid date: there is no month 13"),
        ("2025-00-10", "'2025-00-10' is not a valid date: there is no month 00"),
        ("2025-04-31", "'2025-04-31' is not a valid date: April 2025 has 30 days"),
        ("2025-03-00", "'2025-03-00' is not a valid date: there is no day 00"),
        ("0000", "'0000' is not a valid date: year 0000 does not exist"),
        ("2025-03/2025-02", "'2025-03/2025-02' is not a valid interval: it ends before it starts"),
        ("2025/", "'2025/' is not a date: an interval A/B needs a date on both sides of the '/'"),
        ("/2025", "'/2025' is not a date: an interval A/B needs a date on both sides of the '/'"),
        ("2020/2021/2022", "'2020/2021/2022' is not a date: an interval has one '/' between two dates"),
    ],
)
def test_impossible_dates_say_why(text: str, message: str) -> None:
    with pytest.raises(edtf.DateError) as raised:
        edtf.parse(text)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "text",
    ["", "25", "2025-3", "2025-03-1", "11 March 2025", "2025/03/11", "2025-03-11T10:00", "2025~?", "~2025",
     "2025\n", " 2025", "２０２５", "٢٠٢٥-٠٣", "2025-03-11 ", "-2025", "2025..", "2025-W10", "2025-21"],
)  # fmt: skip
def test_other_forms_are_not_dates(text: str) -> None:
    with pytest.raises(edtf.DateError):
        edtf.parse(text)


def test_badly_formatted_date_names_the_accepted_forms() -> None:
    with pytest.raises(edtf.DateError) as raised:
        edtf.parse("11 March 2025")
    assert str(raised.value) == (
        "'11 March 2025' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (as in 2025-03-11), "
        "optionally followed by ~ (approximate) or ? (uncertain)"
    )


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1)))
def test_every_real_day_parses_to_itself(day: dt.date) -> None:
    span = edtf.parse(f"{day.year:04d}-{day.month:02d}-{day.day:02d}")
    assert span.first == span.last == day


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 9999), st.integers(0, 99), st.integers(0, 99))
def test_a_day_exists_exactly_when_the_calendar_has_it(year: int, month: int, day: int) -> None:
    text = f"{year:04d}-{month:02d}-{day:02d}"
    exists = 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
    if exists:
        assert edtf.parse(text).first == dt.date(year, month, day)
    else:
        with pytest.raises(edtf.DateError):
            edtf.parse(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_parse_raises_only_date_errors(text: str) -> None:
    try:
        span = edtf.parse(text)
    except edtf.DateError as exc:
        assert repr(text) in str(exc) or "/" in text
    else:
        assert span.first <= span.last


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2025-03-11", "11 March 2025"),
        ("2025-03", "March 2025"),
        ("2022~", "about 2022"),
        ("2025-03?", "March 2025 (uncertain)"),
        ("2025-03-12/2025-03-13", "12 March 2025 to 13 March 2025"),
        ("not a date", "not a date"),
    ],
)
def test_human_keeps_the_stated_precision(text: str, words: str) -> None:
    assert edtf.human(text) == words


@pytest.mark.parametrize(
    "text",
    ["0001-01-01", "9999-12-31", "1899-12-31", "2101", "2101-01-01", "1850~/2025", "2025/2101-01?", "0001/9999"],
)
def test_a_record_date_names_a_year_from_1900_to_2100(text: str) -> None:
    assert edtf.parse(text)  # the calendar has the day
    with pytest.raises(edtf.DateError) as raised:
        edtf.parse_record_date(text)
    assert str(raised.value) == f"{text!r} is outside the years a record's date may name, 1900 to 2100: check the year"


@pytest.mark.parametrize("text", ["1900", "1900-01-01", "2100-12-31", "2100", "1900~/2100?", "2025-03-11"])
def test_dates_inside_the_bounds_are_record_dates(text: str) -> None:
    assert edtf.parse_record_date(text) == edtf.parse(text)
