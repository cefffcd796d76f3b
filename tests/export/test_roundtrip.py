"""Records → CSV and SQLite → records again, compared field by field with dataset.json.

The rebuild below is written by hand from the data dictionary's conventions, not from the
exporter's code: if a field is dropped, renamed or garbled anywhere, the records differ."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from peacetalks import edtf
from peacetalks.export.text import plain_text
from peacetalks.schemas import field_rules, values_at

from .conftest import Tables, csv_tables, sqlite_tables

Record = dict[str, Any]


class Rebuild:
    def __init__(self, tables: Tables) -> None:
        self.t = tables
        self.index: dict[str, dict[tuple[Any, ...], list[dict[str, Any]]]] = {}

    def rows(self, table: str, *owner: tuple[str, Any]) -> list[dict[str, Any]]:
        """Rows of a link or child table belonging to one owner, in list order."""
        columns = tuple(c for c, _ in owner)
        key = (table, *columns)
        if key not in self.index:
            grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
            for row in self.t[table]:
                grouped[tuple(row[c] for c in columns)].append(row)
            self.index[key] = grouped  # type: ignore[index]
        found = self.index[key].get(tuple(v for _, v in owner), [])  # type: ignore[index]
        return sorted(found, key=lambda row: row["position"]) if found and "position" in found[0] else found

    def ids(self, table: str, column: str, *owner: tuple[str, Any], joined: str | None = None, role: str | None = None) -> list[str]:
        found = [r for r in self.rows(table, *owner) if role is None or r["role"] == role]
        assert [r["position"] for r in found] == list(range(len(found))), f"{table}: positions"
        values = [r[column] for r in found]
        assert (joined or None) == (";".join(values) or None), f"{table}: the ';'-joined column disagrees with the link table"
        return values

    def citations(self, collection: str, record_id: str, prefix: str = "") -> list[Record]:
        out = []
        for row in self.rows("citations", ("collection", collection), ("record_id", record_id)):
            head, _, index = row["pointer"].rpartition("/")
            if head != f"{prefix}/citations":
                continue
            assert int(index) == len(out), "citations in pointer order"
            cite: Record = {"source": row["source_id"], "quote": row["quote"]}
            put(cite, "supports", row["supports"].split(";") if row["supports"] else None)
            put(cite, "attribution", row["attribution"])
            put(cite, "note", row["note"])
            out.append(cite)
        return out

    def former(self, collection: str, record_id: str) -> list[str]:
        return [r["former_id"] for r in self.t["former_ids"] if (r["collection"], r["record_id"]) == (collection, record_id)]


def put(record: Record, key: str, value: Any) -> None:
    if value is not None and value != [] and value != {}:
        record[key] = value


def date(row: dict[str, Any], name: str) -> Record | None:
    text = row[name]
    if text is None:
        assert all(row[f"{name}{s}"] is None for s in ("_first", "_last", "_precision", "_inferred", "_reasoning"))
        return None
    span = edtf.parse(text)
    assert row[f"{name}_first"] == span.first.isoformat() and row[f"{name}_last"] == span.last.isoformat()
    assert row[f"{name}_precision"] in {span.start.precision, span.end.precision}
    value: Record = {"date": text, "inferred": row[f"{name}_inferred"]}
    put(value, "reasoning", row[f"{name}_reasoning"])
    return value


def rebuild(tables: Tables) -> dict[str, list[Record]]:
    r = Rebuild(tables)
    out: dict[str, list[Record]] = {}

    demands = []
    for row in tables["demands"]:
        rid = row["id"]
        rec: Record = {"id": rid, "title": row["title"], "kind": row["kind"]}
        owner = ("demand_id", rid)
        rec["made_by"] = r.ids("demand_actors", "actor_id", owner, joined=row["made_by"], role="made_by")
        put(rec, "made_of", r.ids("demand_actors", "actor_id", owner, joined=row["made_of"], role="made_of"))
        put(rec, "topics", r.ids("demand_topics", "topic_id", owner, joined=row["topics"]))
        rec["summary"] = row["summary"]
        rec["first_raised"] = date(row, "first_raised")
        occasions = []
        for item in r.rows("demand_occasions", owner):
            occasion: Record = {}
            put(occasion, "meeting", item["meeting"])
            put(occasion, "document", item["document"])
            put(occasion, "note", item["note"])
            occasion["citations"] = r.citations("demands", rid, f"/raised_at/{item['position']}")
            occasions.append(occasion)
        put(rec, "raised_at", occasions)
        history = []
        for item in r.rows("demand_status", owner):
            entry: Record = {"date": date(item, "date"), "status": item["status"]}
            by = r.ids("demand_status_by", "actor_id", owner, ("status_position", item["position"]), joined=item["by"])
            put(entry, "by", by)
            put(entry, "note", item["note"])
            entry["citations"] = r.citations("demands", rid, f"/status_history/{item['position']}")
            history.append(entry)
        rec["status_history"] = history
        assert (row["latest_status"], row["latest_status_date"]) == (history[-1]["status"], history[-1]["date"]["date"])
        put(rec, "related", r.ids("demand_related", "related_id", owner, joined=row["related"]))
        put(rec, "former_ids", r.former("demands", rid))
        rec["citations"] = r.citations("demands", rid)
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
        put(place, "country", row["place_country"])
        put(rec, "place", place)
        rec["participants"] = r.ids("meeting_participants", "actor_id", owner, joined=row["participants"])
        put(rec, "demands", r.ids("meeting_demands", "demand_id", owner, joined=row["demands"]))
        put(rec, "part_of", row["part_of"])
        rec["summary"] = row["summary"]
        put(rec, "outcome", row["outcome"])
        put(rec, "former_ids", r.former("meetings", rid))
        rec["citations"] = r.citations("meetings", rid)
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
        rec["citations"] = r.citations("documents", rid)
        documents.append(rec)
    out["documents"] = documents

    actors = []
    for row in tables["actors"]:
        rid = row["id"]
        owner = ("actor_id", rid)
        rec = {"id": rid, "name": row["name"], "kind": row["kind"]}
        put(rec, "aliases", [a["alias"] for a in r.rows("actor_aliases", owner)])
        put(rec, "affiliation", row["affiliation"])
        put(rec, "wikidata", row["wikidata"])
        put(rec, "summary", row["summary"])
        roles = []
        for item in r.rows("actor_roles", owner):
            role: Record = {"title": item["title"]}
            put(role, "of", item["of"])
            for name in ("start", "end", "as_of"):
                put(role, name, date(item, name))
            role["citations"] = r.citations("actors", rid, f"/roles/{item['position']}")
            roles.append(role)
        put(rec, "roles", roles)
        put(rec, "former_ids", r.former("actors", rid))
        rec["citations"] = r.citations("actors", rid)
        actors.append(rec)
    out["actors"] = actors

    topics = []
    for row in tables["topics"]:
        rec = {"id": row["id"], "title": row["title"], "summary": row["summary"]}
        put(rec, "parent", row["parent"])
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
        for name in ("url", "language", "original_language", "notes", "licence", "text_sha256"):
            put(rec, name, row[name])
        put(rec, "former_ids", r.former("sources", rid))
        sources.append(rec)
    out["sources"] = sources

    pairs = {(d["id"], o["meeting"]) for d in demands for o in d.get("raised_at", []) if "meeting" in o}
    listed = {(d, m["id"]) for m in meetings for d in m.get("demands", [])}
    assert [(x["demand_id"], x["meeting_id"], x["raised_at"], x["listed_by_meeting"]) for x in tables["demand_meetings"]] == [
        (d, m, (d, m) in pairs, (d, m) in listed) for d, m in sorted(pairs | listed)
    ]
    return out


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
    rebuilt = rebuild(reader(out))
    assert list(rebuilt) == list(document["collections"])
    for collection, records in document["collections"].items():
        expected = [as_exported(collection, record) for record in records]
        assert [r["id"] for r in rebuilt[collection]] == [r["id"] for r in expected], "rows sorted by id"
        for got, want in zip(rebuilt[collection], expected, strict=True):
            assert got == want, f"{collection}/{want['id']}"


def test_dataset_json_holds_every_record_as_in_its_file(exported: tuple[Path, Path]) -> None:
    records, out = exported
    document = json.loads((out / "dataset.json").read_text("utf-8"))
    for collection, listed in document["collections"].items():
        files = sorted((records / collection).glob("*.json"))
        assert [r["id"] for r in listed] == [f.stem for f in files]
        for record, path in zip(listed, files, strict=True):
            original = json.loads(path.read_text("utf-8"))
            original.pop("$schema")
            assert record == original
            assert list(record) == list(original), "key order as in the file"
