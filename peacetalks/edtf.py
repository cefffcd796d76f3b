"""The project's subset of EDTF: YYYY, YYYY-MM, YYYY-MM-DD, a `~` (approximate) or `?`
(uncertain) suffix, and intervals A/B. A date is a span of days, at its stated precision."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

_PART = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?]?)")  # used with fullmatch: ASCII digits, no trailing newline

PRECISIONS = ("year", "month", "day")
# The years a record's date may name (README, Dates). parse() takes any year of the calendar
# (1 to 9999); the check takes only these, far enough from the calendar's edges that no date
# computation (a margin of days around a timeline, the day after a span) can leave it.
MIN_YEAR = 1900
MAX_YEAR = 2100


class DateError(ValueError):
    """A date string outside the subset, or naming a day that does not exist."""


@dataclass(frozen=True)
class Point:
    """One EDTF date: the first and last day it may mean, and how precisely it is known."""

    text: str
    first: dt.date
    last: dt.date
    precision: str  # "year" | "month" | "day"
    approximate: bool
    uncertain: bool


@dataclass(frozen=True)
class Span:
    """A parsed date value: a single point, or an interval between two points."""

    text: str
    start: Point
    end: Point

    @property
    def first(self) -> dt.date:
        return self.start.first

    @property
    def last(self) -> dt.date:
        return self.end.last

    @property
    def is_interval(self) -> bool:
        return "/" in self.text

    @property
    def approximate(self) -> bool:
        return self.start.approximate or self.end.approximate

    @property
    def uncertain(self) -> bool:
        return self.start.uncertain or self.end.uncertain


def _point(text: str) -> Point:
    match = _PART.fullmatch(text)
    if not match:
        raise DateError(
            f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (as in 2025-03-11), optionally followed by ~ (approximate) or ? (uncertain)"
        )
    year_s, month_s, day_s, flag = match.groups()
    year = int(year_s)
    if year < 1:
        raise DateError(f"{text!r} is not a valid date: year 0000 does not exist")
    if month_s is None:
        first, last, precision = dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    else:
        month = int(month_s)
        if not 1 <= month <= 12:
            raise DateError(f"{text!r} is not a valid date: there is no month {month_s}")
        days = calendar.monthrange(year, month)[1]
        if day_s is None:
            first, last, precision = dt.date(year, month, 1), dt.date(year, month, days), "month"
        else:
            day = int(day_s)
            if day == 0:
                raise DateError(f"{text!r} is not a valid date: there is no day 00")
            if day > days:
                raise DateError(f"{text!r} is not a valid date: {calendar.month_name[month]} {year} has {days} days")
            first = last = dt.date(year, month, day)
            precision = "day"
    return Point(text, first, last, precision, flag == "~", flag == "?")


@lru_cache(maxsize=1 << 14)  # a dataset names far fewer dates than it has occasions; a Span is immutable
def parse(text: str) -> Span:
    """Parse a date value; raises DateError with a message fit for a contributor."""
    if text.count("/") > 1:
        raise DateError(f"{text!r} is not a date: an interval has one '/' between two dates")
    if "/" in text:
        left, right = text.split("/")
        if not left or not right:
            raise DateError(f"{text!r} is not a date: an interval A/B needs a date on both sides of the '/'")
        start, end = _point(left), _point(right)
        if end.last < start.first:
            raise DateError(f"{text!r} is not a valid interval: it ends before it starts")
        return Span(text, start, end)
    point = _point(text)
    return Span(text, point, point)


def parse_record_date(text: str) -> Span:
    """Parse a record's date: as parse(), and its years between MIN_YEAR and MAX_YEAR."""
    span = parse(text)
    for point in (span.start, span.end):
        if not MIN_YEAR <= point.first.year <= MAX_YEAR:
            raise DateError(f"{text!r} is outside the years a record's date may name, {MIN_YEAR} to {MAX_YEAR}: check the year")
    return span


def human(text: str) -> str:
    """The date in words at its own precision: '11 March 2025', 'March 2025', 'about 2022'."""
    try:
        span = parse(text)
    except DateError:
        return text
    if span.is_interval:
        return f"{_human_point(span.start)} to {_human_point(span.end)}"
    return _human_point(span.start)


def _human_point(point: Point) -> str:
    if point.precision == "day":
        words = f"{point.first.day} {calendar.month_name[point.first.month]} {point.first.year}"
    elif point.precision == "month":
        words = f"{calendar.month_name[point.first.month]} {point.first.year}"
    else:
        words = str(point.first.year)
    if point.approximate:
        words = f"about {words}"
    if point.uncertain:
        words = f"{words} (uncertain)"
    return words
