"""A date of the data files: the record's EDTF string and the cells derived from it.

Every date field, stored or derived, gives the same columns (`DATE_PARTS` after its name): the
EDTF string; `_first` and `_last`, the widest days it can mean under the widening rule below;
the precision, approximate and uncertain flags of each end; `_inferred` and `_reasoning`."""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from typing import Any

from .. import edtf

DATE_PARTS = (
    "",
    "_first",
    "_last",
    "_start_precision",
    "_end_precision",
    "_start_approximate",
    "_start_uncertain",
    "_end_approximate",
    "_end_uncertain",
    "_inferred",
    "_reasoning",
)

WIDENING = (
    "An end marked `~` (approximate) or `?` (uncertain) is widened outward by one unit of its own precision: "
    "a year by a year, a month by a month, a day by a day. So `2005~` gives 2004-01-01 to 2006-12-31, "
    "`2025-03?` gives 2025-02-01 to 2025-04-30 and `2025-03-11~` gives 2025-03-10 to 2025-03-12. "
    "In an interval `A/B`, `_first` comes from A (widened earlier if A is marked) and `_last` from B "
    "(widened later if B is marked): `2022~/2025-03` gives 2021-01-01 to 2025-03-31. "
    "Unmarked ends are not widened, and nothing goes before 0001-01-01 or after 9999-12-31."
)


def _flagged(point: edtf.Point) -> bool:
    return point.approximate or point.uncertain


def _earlier(point: edtf.Point) -> dt.date:
    """The first day of the unit before the point's first day (its own precision)."""
    first = point.first
    if point.precision == "day":
        return first - dt.timedelta(days=1) if first > dt.date.min else first
    if point.precision == "month":
        year, month = (first.year, first.month - 1) if first.month > 1 else (first.year - 1, 12)
        return dt.date(year, month, 1) if year >= dt.MINYEAR else dt.date.min
    return dt.date(first.year - 1, 1, 1) if first.year > dt.MINYEAR else dt.date.min


def _later(point: edtf.Point) -> dt.date:
    """The last day of the unit after the point's last day (its own precision)."""
    last = point.last
    if point.precision == "day":
        return last + dt.timedelta(days=1) if last < dt.date.max else last
    if point.precision == "month":
        year, month = (last.year, last.month + 1) if last.month < 12 else (last.year + 1, 1)
        return dt.date(year, month, calendar.monthrange(year, month)[1]) if year <= dt.MAXYEAR else dt.date.max
    return dt.date(last.year + 1, 12, 31) if last.year < dt.MAXYEAR else dt.date.max


def widened(span: edtf.Span) -> tuple[dt.date, dt.date]:
    """The first and last day a date can mean under `WIDENING`."""
    first = _earlier(span.start) if _flagged(span.start) else span.start.first
    last = _later(span.end) if _flagged(span.end) else span.end.last
    return first, last


@lru_cache(maxsize=65536)
def span_cells(text: str) -> tuple[Any, ...]:
    """Every cell derived from the EDTF string alone (dates repeat: parse each once)."""
    span = edtf.parse(text)
    first, last = widened(span)
    start, end = span.start, span.end
    return (
        first.isoformat(),
        last.isoformat(),
        start.precision,
        end.precision,
        start.approximate,
        start.uncertain,
        end.approximate,
        end.uncertain,
    )


EMPTY: tuple[None, ...] = (None,) * len(DATE_PARTS)


def date_cells(value: dict[str, Any] | None) -> tuple[Any, ...]:
    """The cells of a `dated` object ({"date", "inferred"?, "reasoning"?}), in `DATE_PARTS` order."""
    if value is None:
        return EMPTY
    return (value["date"], *span_cells(value["date"]), bool(value.get("inferred", False)), value.get("reasoning"))
