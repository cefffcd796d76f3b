"""Overview pages that stay small at any size: a long table is split into static pages.

A collection's index, a matrix drawn as a list and the positions table hold one row per record
(or topic), so at 10,000 records a single page would hold thousands of rows: megabytes of HTML
that a phone cannot use. Up to PAGE_ROWS rows nothing changes. Beyond it the rows are cut into
pages of PAGE_ROWS, each with a pager: page 1 keeps the page's address (`demands/index.md`),
page n is `demands/index_n.md` beside it. The underscore keeps those names apart from every
record's page (an id is kebab-case: letters, digits and hyphens), and `not_in_nav` in
mkdocs.yml keeps them out of the sidebar (`/*/*_[0-9]*.md`).

Without JavaScript each page is a plain table and the pager links them; with JavaScript the
demands index's explorer filters every demand from a compact data file (explorer.rows_script)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .text import url_attr
from .views import relative

PAGE_ROWS = 100  # rows of one page of a long table
MAX_COLUMNS = 30  # columns of a matrix drawn as one; with more, each row lists its entries instead
WINDOW = 2  # page numbers shown either side of the current one (and always the first and the last)


@dataclass(frozen=True)
class Part:
    """One page of a long table: where it goes, which rows it holds, and its pager."""

    path: str  # docs-relative .md path
    start: int  # the first row, 0-based
    stop: int  # one past the last row
    pager: dict[str, Any] | None  # None when the table is not split


def path_of(page: str, number: int) -> str:
    """The docs-relative path of page `number` (1-based) of the table first shown on `page`."""
    return page if number == 1 else f"{page.removesuffix('.md')}_{number}.md"


def _href(page: str, target: str) -> Markup:
    return Markup(url_attr(relative(page, target.removesuffix(".md") + ".html")))


def pager(page: str, number: int, count: int, total: int, noun: str, cut: list[int]) -> dict[str, Any]:
    """The pager of page `number` of `count`: links to the first, previous, nearby, next and last
    pages (gaps marked by None), and which rows ("101–200 of 6,300 demands") this page holds."""
    here = path_of(page, number)
    shown = sorted({1, count, *range(max(1, number - WINDOW), min(count, number + WINDOW) + 1)})
    items: list[dict[str, Any] | None] = []
    for n in shown:
        if items and items[-1] is not None and n - items[-1]["number"] > 1:
            items.append(None)
        items.append({"number": n, "href": _href(here, path_of(page, n)), "current": n == number})
    start, stop = cut[number - 1], cut[number]
    return {
        "number": number,
        "count": count,
        "items": items,
        "previous": _href(here, path_of(page, number - 1)) if number > 1 else None,
        "next": _href(here, path_of(page, number + 1)) if number < count else None,
        "first_row": f"{start + 1:,}",
        "last_row": f"{stop:,}",
        "total": f"{total:,}",
        "noun": noun,
        "first": _href(here, page),
    }


def split(page: str, sizes: list[int], noun: str, limit: int = PAGE_ROWS) -> list[Part]:
    """The pages of a table whose rows weigh `sizes` (1 each for plain rows; a row listing many
    entries counts them): rows in order, a new page once a page reaches `limit`. One page, with
    no pager, when the whole table is within the limit."""
    if sum(sizes) <= limit:
        return [Part(page, 0, len(sizes), None)]
    cut, weight = [0], 0
    for index, size in enumerate(sizes):
        if weight and weight + size > limit:
            cut.append(index)
            weight = 0
        weight += size
    cut.append(len(sizes))
    count = len(cut) - 1
    return [Part(path_of(page, n), cut[n - 1], cut[n], pager(page, n, count, len(sizes), noun, cut)) for n in range(1, count + 1)]
