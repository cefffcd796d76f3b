"""Records → CSV and SQLite → records again, compared field by field with dataset.json.

The rebuild below is written by hand from the data dictionary's conventions, not from the
exporter's code: if a field is dropped, renamed or garbled anywhere, the records differ. The
derived columns (who made a demand, when, its status; an occasion's effective date) are
recomputed here by hand from the rebuilt records and the schema's annotations, and compared."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from peacetalks import edtf
from peacetalks.export.text import plain_text
from peacetalks.schemas import SCHEMA_DIR, field_rules, values_at

from .conftest import Tables, csv_tables, sqlite_tables

Record = dict[str, Any]

DATE_SUFFIXES = (
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


def act_annotations() -> tuple[dict[str, str], dict[str, str | None]]:
    """(act -> role, act -> status it sets), read straight from the schema file."""
    act = json.loads((SCHEMA_DIR / "defs.schema.json").read_text("utf-8"))["$defs"]["occasion"]["properties"]["act"]
    return act["x-role"], act["x-standing"]


class Rebuild:
    def __init__(self, tables: Tables) -> None:
        self.t = tables
        self.index: dict[tuple[Any, ...], dict[tuple[Any, ...], list[dict[str, Any]]]] = {}

    def rows(self, table: str, *owner: tuple[str, Any]) -> list[dict[str, Any]]:
        """Rows of a link or child table belonging to one owner, in list order."""
        columns = tuple(c for c, _ in owner)
        key = (table, *columns)
        if key not in self.index:
            grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
            for row in self.t[table]:
                grouped[tuple(row[c] for c in columns)].append(row)
            self.index[key] = grouped
        found = self.index[key].get(tuple(v for _, v in owner), [])
        return sorted(found, key=lambda row: row["position"]) if found and "position" in found[0] else found

    def ids(self, table: str, column: str, *owner: tuple[str, Any], joined: str | None = None, role: str | None = None) -> list[str]:
        found = [r for r in self.rows(table, *owner) if role is None or r["role"] == role]
        assert [r["position"] for r in found] == list(range(len(found))), f"{table}: positions"
        values = [r[column] for r in found]
        assert (joined or None) == (";".join(values) or None), f"{table}: the ';'-joined column disagrees with the link table"
        return values

    def citations(self, collection: str, record_id: str, item_list: str | None = None, position: int | None = None) -> list[Record]:
        """The citations held by the record itself (no item_list), or by one item of one of its lists."""
        out = []
        for row in self.rows("citations", ("collection", collection), ("record_id", record_id)):
            if (row["item_list"], row["item_position"]) != (item_list, position):
                continue
            assert row["position"] == len(out), "citations in list order"
            cite: Record = {"source": row["source_id"], "quote": row["quote"]}
            put(cite, "original_quote", row["original_quote"])
            put(cite, "supports", row["supports"].split(";") if row["supports"] else None)
            put(cite, "attribution", row["attribution"])
            put(cite, "note", row["note"])
            assert row["citation_id"].startswith("c") and len(row["citation_id"]) == 11
            out.append(cite)
        return out

    def former(self, collection: str, record_id: str) -> list[str]:
        return [r["former_id"] for r in self.t["former_ids"] if (r["collection"], r["record_id"]) == (collection, record_id)]


def put(record: Record, key: str, value: Any) -> None:
    if value is not None and value != [] and value != {}:
        record[key] = value


def _earlier(point: edtf.Point) -> dt.date:
    """The data dictionary's rule, by hand: one unit of the point's precision before it."""
    first = point.first
    if point.precision == "year":
        return first.replace(year=first.year - 1)
    if point.precision == "month":
        return first.replace(year=first.year - (first.month == 1), month=(first.month - 2) % 12 + 1)
    return first - dt.timedelta(days=1)


def _later(point: edtf.Point) -> dt.date:
    last = point.last
    if point.precision == "year":
        return last.replace(year=last.year + 1)
    if point.precision == "month":
        year, month = last.year + (last.month == 12), last.month % 12 + 1
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return last + dt.timedelta(days=1)


def expected_span(text: str) -> tuple[str, str]:
    span = edtf.parse(text)
    first = _earlier(span.start) if span.start.approximate or span.start.uncertain else span.start.first
    last = _later(span.end) if span.end.approximate or span.end.uncertain else span.end.last
    return first.isoformat(), last.isoformat()


def date(row: dict[str, Any], name: str) -> Record | None:
    text = row[name]
    if text is None:
        assert all(row[f"{name}{s}"] is None for s in DATE_SUFFIXES)
        return None
    span = edtf.parse(text)
    assert (row[f"{name}_first"], row[f"{name}_last"]) == expected_span(text), name
    assert (row[f"{name}_start_precision"], row[f"{name}_end_precision"]) == (span.start.precision, span.end.precision)
    assert (row[f"{name}_start_approximate"], row[f"{name}_start_uncertain"]) == (span.start.approximate, span.start.uncertain)
    assert (row[f"{name}_end_approximate"], row[f"{name}_end_uncertain"]) == (span.end.approximate, span.end.uncertain)
    value: Record = {"date": text, "inferred": row[f"{name}_inferred"]}
    put(value, "reasoning", row[f"{name}_reasoning"])
    return value


def date_cells(row: dict[str, Any], name: str) -> tuple[Any, ...]:
    return tuple(row[f"{name}{s}"] for s in ("", *DATE_SUFFIXES))


def rebuild(tables: Tables) -> dict[str, list[Record]]:
    r = Rebuild(tables)
    out: dict[str, list[Record]] = {}

    demands = []
    for row in tables["demands"]:
        rid = row["id"]
        rec: Record = {"id": rid, "title": row["title"], "kind": row["kind"]}
        owner = ("demand_id", rid)
        put(rec, "topics", r.ids("demand_topics", "topic_id", owner, joined=row["topics"]))
        rec["summary"] = row["summary"]
        occasions = []
        for item in r.rows("occasions", owner):
            occasion: Record = {"id": item["occasion_id"]}
            effective = date(item, "date")
            if item["date_from"] == "occasion":
                occasion["date"] = effective
            inner = ("occasion_id", item["occasion_id"])
            put(occasion, "by", r.ids("occasion_actors", "actor_id", owner, inner, joined=item["by"], role="by"))
            put(occasion, "of", r.ids("occasion_actors", "actor_id", owner, inner, joined=item["of"], role="of"))
            put(occasion, "at", item["meeting_id"])
            put(occasion, "in", item["document_id"])
            occasion["act"] = item["act"]
            put(occasion, "wording", item["wording"])
            put(occasion, "note", item["note"])
            cited = r.citations("demands", rid, "occasions", item["position"])
            held = r.rows("citations", ("collection", "demands"), ("record_id", rid), ("item_list", "occasions"))
            assert all(c["occasion_id"] == item["occasion_id"] for c in held if c["item_position"] == item["position"])
            put(occasion, "citations", cited)
            occasions.append(occasion)
        rec["occasions"] = occasions
        put(rec, "related", r.ids("demand_related", "related_id", owner, joined=row["related"]))
        put(rec, "former_ids", r.former("demands", rid))
        put(rec, "citations", r.citations("demands", rid))
        demands.append(rec)
    out["demands"] = demands

    meetings = []
    for row in tables["meetings"]:
        rid = row["id"]
        owner = ("meeting_id", rid)
        rec = {"id": rid, "title": row["title"], "kind": row["kind"], "status": row["status"], "start": date(row, "start")}
        put(rec, "end", date(row, "end"))
        place: Record = {}
        put(place, "text", row["place_text"])
        put(place, "country", row["place_country_id"])
        put(rec, "place", place)
        rec["participants"] = r.ids("meeting_participants", "actor_id", owner, joined=row["participants"])
        put(rec, "part_of", row["part_of_id"])
        rec["summary"] = row["summary"]
        put(rec, "outcome", row["outcome"])
        put(rec, "former_ids", r.former("meetings", rid))
        put(rec, "citations", r.citations("meetings", rid))
        meetings.append(rec)
    out["meetings"] = meetings

    documents = []
    for row in tables["documents"]:
        rid = row["id"]
        owner = ("document_id", rid)
        rec = {"id": rid, "title": row["title"], "kind": row["kind"]}
        put(rec, "authors", r.ids("document_actors", "actor_id", owner, joined=row["authors"], role="authors"))
        put(rec, "recipients", r.ids("document_actors", "actor_id", owner, joined=row["recipients"], role="recipients"))
        put(rec, "date", date(row, "date"))
        put(rec, "public", row["public"])
        put(rec, "meetings", r.ids("document_meetings", "meeting_id", owner, joined=row["meetings"]))
        rec["summary"] = row["summary"]
        put(rec, "former_ids", r.former("documents", rid))
        put(rec, "citations", r.citations("documents", rid))
        documents.append(rec)
    out["documents"] = documents

    actors = []
    for row in tables["actors"]:
        rid = row["id"]
        owner = ("actor_id", rid)
        rec = {"id": rid, "name": row["name"], "kind": row["kind"]}
        put(rec, "aliases", [a["alias"] for a in r.rows("actor_aliases", owner)])
        put(rec, "affiliation", row["affiliation_id"])
        put(rec, "wikidata", row["wikidata"])
        put(rec, "summary", row["summary"])
        roles = []
        for item in r.rows("actor_roles", owner):
            role: Record = {"title": item["title"]}
            put(role, "of", item["of_id"])
            for name in ("start", "end", "as_of"):
                put(role, name, date(item, name))
            role["citations"] = r.citations("actors", rid, "roles", item["position"])
            roles.append(role)
        put(rec, "roles", roles)
        put(rec, "former_ids", r.former("actors", rid))
        put(rec, "citations", r.citations("actors", rid))
        actors.append(rec)
    out["actors"] = actors

    topics = []
    for row in tables["topics"]:
        rec = {"id": row["id"], "title": row["title"], "summary": row["summary"]}
        put(rec, "parent", row["parent_id"])
        put(rec, "former_ids", r.former("topics", row["id"]))
        topics.append(rec)
    out["topics"] = topics

    sources = []
    for row in tables["sources"]:
        rid = row["id"]
        rec = {"id": rid, "title": row["title"], "kind": row["kind"]}
        put(rec, "publisher", row["publisher"])
        put(rec, "authors", [a["author"] for a in r.rows("source_authors", ("source_id", rid))])
        rec["published"] = date(row, "published")
        for name in ("url", "archived_url", "accessed", "language", "original_language", "notes", "licence", "text_licence", "text_sha256"):
            put(rec, name, row[name])
        put(rec, "translation_of", row["translation_of_id"])
        put(rec, "original_sha256", row["original_sha256"])
        put(rec, "former_ids", r.former("sources", rid))
        sources.append(rec)
    out["sources"] = sources
    return out


def effective_date(occasion: Record, meetings: dict[str, Record], documents: dict[str, Record]) -> tuple[Record, str]:
    """The methodology's rule, by hand: the occasion's own date, else its meeting's span, else its document's date."""
    if "date" in occasion:
        return occasion["date"], "occasion"
    meeting = meetings.get(occasion.get("at", ""))
    if meeting is not None:
        start, end = meeting["start"], meeting.get("end")
        if end is None:
            return start, "meeting"
        left, right = start["date"].split("/")[0], end["date"].split("/")[-1]
        value: Record = {"date": left if left == right else f"{left}/{right}", "inferred": start["inferred"] or end["inferred"]}
        reasons = [f"{label}: {part['reasoning']}" for label, part in (("Start", start), ("End", end)) if part.get("reasoning")]
        if reasons:  # the reasoning of both ends travels with the derived span
            value["reasoning"] = " ".join(reasons)
        return value, "meeting"
    return documents[occasion["in"]]["date"], "document"


def check_derived(tables: Tables, rebuilt: dict[str, list[Record]]) -> None:
    """The derived columns and tables, against the rebuilt records and the schema's act annotations."""
    role, standing = act_annotations()
    meetings = {m["id"]: m for m in rebuilt["meetings"]}
    documents = {d["id"]: d for d in rebuilt["documents"]}
    occasion_rows = {(o["demand_id"], o["occasion_id"]): o for o in tables["occasions"]}
    links = sorted((x["demand_id"], x["role"], x["position"], x["actor_id"]) for x in tables["demand_actors"])
    expected_links = []
    for row, demand in zip(tables["demands"], rebuilt["demands"], strict=True):
        rid = demand["id"]
        for occasion in demand["occasions"]:
            got = occasion_rows[(rid, occasion["id"])]
            value, where = effective_date(occasion, meetings, documents)
            assert got["date_from"] == where, (rid, occasion["id"])
            assert (got["date"], got["date_inferred"], got["date_reasoning"]) == (value["date"], value["inferred"], value.get("reasoning"))
            assert got["sets_status"] == standing[occasion["act"]], (rid, occasion["id"])
        makers = [o for o in demand["occasions"] if role[o["act"]] == "makes"]
        made_by = list(dict.fromkeys(a for o in makers for a in o.get("by", [])))
        made_of = list(dict.fromkeys(a for o in makers for a in o.get("of", [])))
        assert (row["made_by"], row["made_of"]) == (";".join(made_by) or None, ";".join(made_of) or None), rid
        expected_links += [(rid, "made_by", i, a) for i, a in enumerate(made_by)] + [(rid, "made_of", i, a) for i, a in enumerate(made_of)]
        for name, occasion in (("first_raised", makers[0]), ("last_stated", makers[-1])):
            assert row[f"{name}_occasion_id"] == occasion["id"], (rid, name)
            assert date_cells(row, name) == date_cells(occasion_rows[(rid, occasion["id"])], "date"), (rid, name)
        setting = [o for o in demand["occasions"] if standing[o["act"]] is not None]
        assert (row["current_status"], row["status_occasion_id"]) == (standing[setting[-1]["act"]], setting[-1]["id"]), rid
    assert links == sorted(expected_links)
    for collection, field in (("meetings", "at"), ("documents", "in")):
        for row in tables[collection]:
            named = sorted({d["id"] for d in rebuilt["demands"] for o in d["occasions"] if o.get(field) == row["id"]})
            assert row["demands"] == (";".join(named) or None), (collection, row["id"])


def as_exported(collection: str, record: Record) -> Record:
    """A record of dataset.json as the tables must give it back: Markdown as plain text, dates with `inferred`."""
    record = copy.deepcopy(record)
    for rule in field_rules(collection):
        for pointer, value in list(values_at(record, rule.path)):
            parts = pointer.strip("/").split("/")
            parent: Any = record
            for part in parts[:-1]:
                parent = parent[int(part)] if isinstance(parent, list) else parent[part]
            last = int(parts[-1]) if isinstance(parent, list) else parts[-1]
            if rule.kind == "markdown":
                parent[last] = plain_text(value)
            elif rule.kind == "date":
                parent.setdefault("inferred", False)
    return record


@pytest.mark.parametrize("reader", [csv_tables, sqlite_tables], ids=["csv", "sqlite"])
def test_every_field_survives_the_round_trip(exported: tuple[Path, Path], reader: Any) -> None:
    _, out = exported
    document = json.loads((out / "dataset.json").read_text("utf-8"))
    tables = reader(out)
    rebuilt = rebuild(tables)
    assert list(rebuilt) == list(document["collections"])
    for collection, records in document["collections"].items():
        # The tables hold every field but `$schema`, the path from a record's file to its schema.
        expected = [as_exported(collection, {k: v for k, v in record.items() if k != "$schema"}) for record in records]
        assert [r["id"] for r in rebuilt[collection]] == [r["id"] for r in expected], "rows sorted by id"
        for got, want in zip(rebuilt[collection], expected, strict=True):
            assert got == want, f"{collection}/{want['id']}"
    check_derived(tables, rebuilt)


def test_dataset_json_holds_every_record_as_in_its_file(exported: tuple[Path, Path]) -> None:
    records, out = exported
    document = json.loads((out / "dataset.json").read_text("utf-8"))
    for collection, listed in document["collections"].items():
        files = sorted((records / collection).glob("*.json"))
        assert [r["id"] for r in listed] == [f.stem for f in files]
        for record, path in zip(listed, files, strict=True):
            original = json.loads(path.read_text("utf-8"))
            assert record == original
            assert list(record) == list(original), "key order as in the file"
