"""Cross-record rules of the occasions model and of "each fact stated once".

- A quote appears once in a record; a citation names what it backs in `supports`, and the
  names must exist: a field of the object holding the citation, a field of the record, or
  `<occasion id>/<field>` for another occasion of the same demand.
- Every occasion is backed by a citation: its own, or one elsewhere in the record naming it.
- An occasion has a date, its own or its meeting's or document's; occasions are in date order.
- The demand has at least one occasion that made it (who made it of whom is derived from them).
- A link marked `x-symmetric` in the schema (related demands) is stated on one side only."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from functools import cache
from typing import Any

from . import jsonparse, occasions
from .collections import COLLECTIONS
from .load import Dataset, Record
from .problems import Problem, quoted
from .schemas import load_schemas, resolve, schema_at


def _at(record: Record, pointer: str, message: str) -> Problem:
    line, col = jsonparse.locate(record.text, pointer)
    return Problem(record.path, line, col, pointer, message)


@cache
def _fields(collection: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the record's top-level field names, an occasion's field names) that `supports` may name."""
    schema = load_schemas()[COLLECTIONS[collection].schema]
    top = frozenset(k for k in schema["properties"] if k not in ("$schema", "id", "citations", "former_ids", "occasions"))
    occasion = load_schemas()["defs"]["$defs"]["occasion"]["properties"]
    inner = frozenset(k for k in occasion if k not in ("id", "citations"))
    return top, inner


_Lists = tuple[str, "dict[str, Any] | None", list[Any]]


def _citation_lists(data: dict[str, Any]) -> Iterator[_Lists]:
    """(pointer of the list, the object holding it or None for the record, the list) for every
    `citations` list in the record (an occasion's, an actor role's, …), in file order with the
    record's own citations last, so that of two equal quotes the later is the repeat."""
    # Only arrays and objects are walked (a pointer is made for those alone): strings, the most
    # of a record's values, hold no list.
    stack: list[tuple[str, Any]] = [
        (f"/{jsonparse.escape_pointer(k)}", v) for k, v in reversed(list(data.items())) if k != "citations" and isinstance(v, (dict, list))
    ]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("citations"), list):
                yield f"{pointer}/citations", value, value["citations"]
            children = [
                (f"{pointer}/{jsonparse.escape_pointer(k)}", v)
                for k, v in value.items()
                if k != "citations" and isinstance(v, (dict, list))
            ]
            stack.extend(reversed(children))
        else:
            stack.extend(reversed([(f"{pointer}/{i}", v) for i, v in enumerate(value) if isinstance(v, (dict, list))]))
    if isinstance(data.get("citations"), list):
        yield "/citations", None, data["citations"]


@cache
def _holder_fields(collection: str, path: tuple[str | int, ...]) -> frozenset[str]:
    """The field names of the object at `path` (an occasion, an actor's role) that `supports` may name."""
    return frozenset(k for k in schema_at(collection, path).get("properties", {}) if k not in ("id", "citations"))


def _path(pointer: str) -> tuple[str | int, ...]:
    """A JSON pointer of a holder's citations list as a schema path (array indexes as 0)."""
    parts = pointer.split("/")[1:-1]
    return tuple(0 if part.isdigit() else part.replace("~1", "/").replace("~0", "~") for part in parts)


def record_problems(record: Record, dataset: Dataset) -> Iterator[Problem]:
    lists = list(_citation_lists(record.data))  # walked once, read by each rule
    yield from _quotes_once(record, lists)
    yield from _supports(record, lists)
    yield from _attributions(record, dataset, lists)
    if record.collection == "demands":
        yield from _occasions(record, dataset, lists)


def _quotes_once(record: Record, lists: list[_Lists]) -> Iterator[Problem]:
    first: dict[tuple[Any, Any], str] = {}
    via = " (another occasion's field as '<occasion id>/<field>')" if record.data.get("occasions") else ""
    for pointer, _, items in lists:
        for index, citation in enumerate(items):
            if not isinstance(citation, dict):
                continue
            key = (citation.get("source"), citation.get("quote"))
            where = f"{pointer}/{index}"
            if key in first:
                yield _at(
                    record,
                    f"{where}/quote",
                    f"this quote is already cited at {first[key]}: cite it once and list there, in its 'supports', "
                    f"every field it backs{via}",
                )
            else:
                first[key] = where


class _Paragraphs:
    """A stored text whitespace-normalised and joined, with where each paragraph (line) starts."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        parts: list[str] = []
        offset = 0
        for line in text.splitlines():
            words = " ".join(line.split())
            if not words:
                continue
            self.starts.append(offset)
            parts.append(words)
            offset += len(words) + 1
        self.joined = " ".join(parts)
        self.flat = " ".join(text.split())  # the whole text on one line, as an attribution is searched in

    def around(self, quote: str) -> str | None:
        """The paragraphs the quote's first occurrence spans, or None when it is not there."""
        wanted = " ".join(quote.split())
        at = self.joined.find(wanted)
        if at < 0:
            return None
        first = bisect.bisect_right(self.starts, at) - 1
        last = bisect.bisect_right(self.starts, at + max(len(wanted) - 1, 0)) - 1
        end = self.starts[last + 1] - 1 if last + 1 < len(self.starts) else len(self.joined)
        return self.joined[self.starts[first] : end]


_PARAGRAPHS: dict[int, tuple[str, _Paragraphs]] = {}


def _paragraphs(text: str) -> _Paragraphs:
    hit = _PARAGRAPHS.get(id(text))
    if hit is None or hit[0] is not text:
        hit = (text, _Paragraphs(text))
        _PARAGRAPHS[id(text)] = hit
    return hit[1]


def _attributions(record: Record, dataset: Dataset, lists: list[_Lists]) -> Iterator[Problem]:
    """An attribution credits the quoted claim: it stands in the paragraph(s) of the quote."""
    for pointer, _, items in lists:
        for index, citation in enumerate(items):
            if not isinstance(citation, dict) or not isinstance(citation.get("attribution"), str):
                continue
            text = dataset.source_texts.get(str(citation.get("source")))
            quote = citation.get("quote")
            if text is None or not isinstance(quote, str):
                continue
            paragraphs = _paragraphs(text)
            around = paragraphs.around(quote)
            attribution = " ".join(citation["attribution"].split())
            if around is not None and attribution in paragraphs.flat and attribution not in around:
                yield _at(
                    record,
                    f"{pointer}/{index}/attribution",
                    "the attribution is not in the paragraph of the quote: it must credit this claim, so copy it from the same paragraph",
                )


def _supports(record: Record, lists: list[_Lists]) -> Iterator[Problem]:
    top, inner = _fields(record.collection)
    ids = {e["id"]: e for e in record.data.get("occasions") or [] if isinstance(e, dict) and isinstance(e.get("id"), str)}
    for pointer, holder, items in lists:
        own = _holder_fields(record.collection, _path(pointer)) if holder is not None else frozenset()
        for index, citation in enumerate(items):
            names = citation.get("supports") if isinstance(citation, dict) else None
            for position, name in enumerate(names if isinstance(names, list) else []):
                if not isinstance(name, str) or name in top or name in own:
                    continue
                occasion_id, _, field = name.partition("/")
                if occasion_id in ids and (not field or field in inner):
                    continue
                allowed = sorted(top | own)
                kind = str(schema_at(record.collection, _path(pointer)).get("title", "entry")).lower() if holder is not None else ""
                hint = f"a field of this {kind + ' or of the ' if kind else ''}record ({', '.join(allowed)})"
                if ids:
                    hint += ", or '<occasion id>/<field>' for another occasion"
                yield _at(record, f"{pointer}/{index}/supports/{position}", f"'supports' names {quoted(name)}, which is not {hint}")


def _occasions(record: Record, dataset: Dataset, lists: list[_Lists]) -> Iterator[Problem]:
    items = occasions.occasions(record, dataset)
    cited_elsewhere = {
        str(name).partition("/")[0]
        for _, _, cited in lists
        for citation in cited
        if isinstance(citation, dict)
        for name in citation.get("supports") or []
        if isinstance(name, str)
    }
    previous = None
    seen: dict[str, int] = {}
    for item in items:
        if item.id in seen:
            yield _at(
                record,
                f"{item.pointer}/id",
                f"occasion id '{item.id}' is already used by /occasions/{seen[item.id]}: give each occasion of a demand its own id",
            )
        seen.setdefault(item.id, item.index)
        if not item.data.get("citations") and item.id not in cited_elsewhere:
            yield _at(
                record,
                item.pointer,
                f"occasion '{item.id}' has no citation: add 'citations', or name it in the 'supports' of a citation "
                f"elsewhere in this record as '{item.id}/act'",
            )
        when = item.span
        if item.date is None:
            if not _dated_elsewhere(item.data, dataset):
                yield _at(
                    record,
                    item.pointer,
                    f"occasion '{item.id}' has no date: give it a 'date', or name a meeting ('at') or a document ('in') that has one",
                )
        elif when is not None and previous is not None and when.first < previous.first:
            where = f"{item.pointer}/date" if "date" in item.data else item.pointer
            taken = (
                f", the date of {COLLECTIONS[item.date.taken_from[0]].singular} {item.date.taken_from[1]}" if item.date.taken_from else ""
            )
            yield _at(
                record,
                where,
                f"occasions must be in date order, oldest first: this one ({when.text}{taken}) is listed after one of {previous.text}: move it up",
            )
        if when is not None:
            previous = when
    if items and occasions.first_raised(items) is None:
        makers = ", ".join(a for a in occasions.vocabulary().acts if occasions.vocabulary().role[a] == "makes")
        yield _at(record, "/occasions", f"no occasion says who made this demand: add one whose act is one of {makers}, with 'by'")


def _dated_elsewhere(occasion: dict[str, Any], dataset: Dataset) -> bool:
    """The occasion names a meeting, or a document that is not there: its missing date is that
    record's problem (an unknown id, an unreadable file, a meeting without a valid start), reported
    at that place, not again here."""
    if isinstance(occasion.get("at"), str):
        return True  # every meeting has a start: when none is found, the id or the meeting is wrong
    target = occasion.get("in")
    return isinstance(target, str) and dataset.get("documents", target) is None


@cache
def _symmetric_fields(collection: str) -> tuple[str, ...]:
    schema = load_schemas()[COLLECTIONS[collection].schema]
    return tuple(name for name, node in schema["properties"].items() if resolve(node).get("x-symmetric"))


def symmetric_problems(dataset: Dataset, records: list[Record]) -> Iterator[Problem]:
    """A symmetric link (A lists B, B lists A) stated twice: the later record's entry is refused."""
    for record in records:
        for name in _symmetric_fields(record.collection):
            for index, other_id in enumerate(record.data.get(name) or []):
                other = dataset.get(record.collection, other_id) if isinstance(other_id, str) else None
                if other is None or other.id >= record.id:
                    continue
                back = other.data.get(name)
                if isinstance(back, list) and record.id in back:
                    yield _at(
                        record,
                        f"/{name}/{index}",
                        f"'{other.id}' already lists this {COLLECTIONS[record.collection].singular} in its '{name}' "
                        f"({other.path}): a link is stated on one side only, so remove '{other_id}' here",
                    )
