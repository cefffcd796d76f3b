"""The occasions model: every act about a demand is an occasion; the rest is derived here.

A demand record stores its position (title, kind, topics, summary) and its occasions. What a
page or an export shows about "when", "where", "who of whom" and "status" is computed from
the occasions by the functions below, and never stored a second time. The vocabulary of acts
(labels, which acts make the demand, which status each gives it) is read from the schema's
annotations on the occasion's `act`: data, not code."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import edtf
from .load import Dataset, Record
from .schemas import load_schemas

Key = tuple[str, str]  # (collection, id)


@dataclass(frozen=True)
class Vocabulary:
    """The acts an occasion can record, from the schema's `act` annotations."""

    acts: tuple[str, ...]
    labels: dict[str, str]
    definitions: dict[str, str]
    role: dict[str, str]  # "makes" | "responds" | "none"
    standing: dict[str, str | None]  # the status an act gives the demand; None: no change
    statuses: tuple[str, ...]
    status_labels: dict[str, str]
    status_definitions: dict[str, str]


@cache
def vocabulary() -> Vocabulary:
    defs = load_schemas()["defs"]["$defs"]
    act = defs["occasion"]["properties"]["act"]
    standing = defs["standing"]
    return Vocabulary(
        acts=tuple(act["enum"]),
        labels=dict(act["x-labels"]),
        definitions=dict(act["x-definitions"]),
        role=dict(act["x-role"]),
        standing=dict(act["x-standing"]),
        statuses=tuple(standing["enum"]),
        status_labels=dict(standing["x-labels"]),
        status_definitions=dict(standing["x-definitions"]),
    )


@dataclass(frozen=True)
class OccasionDate:
    """An occasion's date object, and where it came from when the occasion does not give one."""

    value: dict[str, Any]  # a `dated` object: {"date": EDTF, "inferred"?, "reasoning"?}
    taken_from: Key | None  # the meeting or document it was taken from; None: the occasion's own


def meeting_date(meeting: dict[str, Any]) -> dict[str, Any] | None:
    """A meeting's whole span as one date object: its start, or start-to-end when it has an end."""
    start = meeting.get("start")
    if not isinstance(start, dict) or not isinstance(start.get("date"), str):
        return None
    end = meeting.get("end")
    if not isinstance(end, dict) or not isinstance(end.get("date"), str):
        return start
    left = start["date"].split("/")[0]
    right = end["date"].split("/")[-1]
    combined: dict[str, Any] = {"date": left if left == right else f"{left}/{right}"}
    if start.get("inferred") or end.get("inferred"):
        combined["inferred"] = True
    reasons = [
        f"{label}: {part['reasoning']}" for label, part in (("Start", start), ("End", end)) if isinstance(part.get("reasoning"), str)
    ]
    if reasons:
        combined["reasoning"] = " ".join(reasons)
    return combined


def occasion_date(occasion: dict[str, Any], dataset: Dataset) -> OccasionDate | None:
    """The occasion's own date, else its meeting's span, else its document's date."""
    own = occasion.get("date")
    if isinstance(own, dict):
        return OccasionDate(own, None)
    meeting = dataset.get("meetings", occasion["at"]) if isinstance(occasion.get("at"), str) else None
    if meeting is not None:
        value = meeting_date(meeting.data)
        if value is not None:
            return OccasionDate(value, ("meetings", meeting.id))
    document = dataset.get("documents", occasion["in"]) if isinstance(occasion.get("in"), str) else None
    if document is not None and isinstance(document.data.get("date"), dict):
        return OccasionDate(document.data["date"], ("documents", document.id))
    return None


def span(value: OccasionDate | None) -> edtf.Span | None:
    if value is None:
        return None
    try:
        return edtf.parse(value.value["date"])
    except (edtf.DateError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Occasion:
    """One occasion of a demand, with its derived date: what pages and exports are built from."""

    demand: Record
    index: int  # position in the demand's list (for JSON pointers in messages only)
    data: dict[str, Any]
    date: OccasionDate | None

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def act(self) -> str:
        return str(self.data["act"])

    @property
    def pointer(self) -> str:
        return f"/occasions/{self.index}"

    @property
    def span(self) -> edtf.Span | None:
        return span(self.date)


def occasions(demand: Record, dataset: Dataset) -> list[Occasion]:
    entries = demand.data.get("occasions")
    if not isinstance(entries, list):
        return []
    return [Occasion(demand, index, entry, occasion_date(entry, dataset)) for index, entry in enumerate(entries) if isinstance(entry, dict)]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def made_by(items: list[Occasion]) -> list[str]:
    """Who made the demand: everyone who raised, restated, discussed or withdrew it."""
    role = vocabulary().role
    return _unique(actor for o in items if role.get(o.act) == "makes" for actor in o.data.get("by", []))


def made_of(items: list[Occasion]) -> list[str]:
    """Of whom it was made, over the occasions that made it."""
    role = vocabulary().role
    return _unique(actor for o in items if role.get(o.act) == "makes" for actor in o.data.get("of", []))


def answered_by(items: list[Occasion]) -> list[str]:
    role = vocabulary().role
    return _unique(actor for o in items if role.get(o.act) == "responds" for actor in o.data.get("by", []))


def first_raised(items: list[Occasion]) -> Occasion | None:
    """The earliest occasion that made the demand (the list is in date order)."""
    role = vocabulary().role
    return next((o for o in items if role.get(o.act) == "makes"), None)


def last_stated(items: list[Occasion]) -> Occasion | None:
    """The latest occasion that made, restated or discussed the demand."""
    role = vocabulary().role
    return next((o for o in reversed(items) if role.get(o.act) == "makes"), None)


def current_status(items: list[Occasion]) -> tuple[str, Occasion] | None:
    """The status set by the latest occasion that changes it, and that occasion."""
    standing = vocabulary().standing
    for item in reversed(items):
        status = standing.get(item.act)
        if status is not None:
            return status, item
    return None


def status_as_of(items: list[Occasion], day: Any) -> str | None:
    """The status on a given day: set by the latest occasion that certainly began by then."""
    standing = vocabulary().standing
    found: str | None = None
    for item in items:
        when = item.span
        status = standing.get(item.act)
        if status is not None and when is not None and when.first <= day:
            found = status
    return found


def places(dataset: Dataset) -> dict[Key, list[Occasion]]:
    """(meetings|documents, id) -> every occasion that names it, by demand id then list order."""
    return places_of(occasions(demand, dataset) for demand in dataset.records["demands"].values())


def places_of(lists: Iterable[list[Occasion]]) -> dict[Key, list[Occasion]]:
    """`places`, from occasions already made: each demand's list."""
    found: dict[Key, list[Occasion]] = {}
    for items in lists:
        for item in items:
            for field, collection in (("at", "meetings"), ("in", "documents")):
                target = item.data.get(field)
                if isinstance(target, str):
                    found.setdefault((collection, target), []).append(item)
    for items in found.values():
        items.sort(key=lambda o: (o.demand.id, o.index))
    return found


def all_occasions(dataset: Dataset) -> Iterator[Occasion]:
    for demand_id in sorted(dataset.records["demands"]):
        yield from occasions(dataset.records["demands"][demand_id], dataset)


def citation_id(citation: dict[str, Any]) -> str:
    """A citation's stable id: its source and quote (unique within a record), hashed.

    It survives reordering and moves between occasions; it changes when the quote is corrected."""
    import hashlib

    text = f"{citation.get('source', '')}\n{citation.get('quote', '')}"
    return "c" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
