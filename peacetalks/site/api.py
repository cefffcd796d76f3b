"""The static JSON API of the site: `api/v1/`, plain files any web server can serve.

- `<collection>/<id>.json`: a record exactly as stored in records/ (it passes the published schema);
- `<collection>.json`: the collection's index, a row per record with its label and address, and
  for demands, meetings and documents the facts derived from the occasions (peacetalks/occasions.py);
- `<collection>.jsonl`: every record of the collection, one compact JSON object per line;
- `../schema/<name>.schema.json` (that is, `api/schema/`): the JSON Schemas, each with its `$id`, refs
  between them relative; where a record's own `$schema` (`../../schema/…`) leads from its address;
- `index.json` (the collections and the version) and `openapi.json` (OpenAPI 3.1, describing all of it).

Every address in the files is relative to `api/v1/`, so the site works from any sub-path; with a
site URL configured (`site_url`), openapi.json names the server. Same records, same bytes."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any

from ..collections import COLLECTIONS
from ..load import Dataset, Record
from ..occasions import Occasion, current_status, first_raised, last_stated, made_by, made_of, meeting_date, occasions, places
from ..schemas import SCHEMA_DIR

ROOT = "api/v1"
OPENAPI = "openapi.json"


def _dump(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


SCHEMAS = "../schema"  # beside api/v1/, where each record's own `$schema` ("../../schema/…") leads


def schema_name(collection: str) -> str:
    return f"{SCHEMAS}/{COLLECTIONS[collection].schema}.schema.json"


def _date(occasion: Occasion | None) -> str | None:
    if occasion is None or occasion.date is None:
        return None
    value = occasion.date.value.get("date")
    return value if isinstance(value, str) else None


def _demand_facts(record: Record, dataset: Dataset) -> dict[str, Any]:
    items = occasions(record, dataset)
    status = current_status(items)
    first, last = first_raised(items), last_stated(items)
    return {
        "kind": record.data.get("kind"),
        "made_by": made_by(items),
        "made_of": made_of(items),
        "first_raised": _date(first),
        "first_raised_occasion": first.id if first else None,
        "last_stated": _date(last),
        "current_status": status[0] if status else None,
        "status_occasion": status[1].id if status else None,
    }


def _place_facts(record: Record, named: list[Occasion]) -> dict[str, Any]:
    facts: dict[str, Any] = {"demands": list(dict.fromkeys(o.demand.id for o in named))}
    if record.collection == "meetings":
        when = meeting_date(record.data)
        facts = {"date": when.get("date") if when else None} | facts
    return facts


def index_rows(dataset: Dataset, collection: str) -> list[dict[str, Any]]:
    """A row per record: id, label, the record's address (and its page's), and derived facts."""
    where = places(dataset)
    rows = []
    for record_id in sorted(dataset.records[collection]):
        record = dataset.records[collection][record_id]
        row: dict[str, Any] = {
            "id": record.id,
            "label": record.label,
            "url": f"{collection}/{record.id}.json",
            "page": f"../../{collection}/{record.id}.html",
        }
        if collection == "demands":
            row |= _demand_facts(record, dataset)
        elif collection in ("meetings", "documents"):
            row |= _place_facts(record, where.get((collection, record.id), []))
        rows.append(row)
    return rows


def files(dataset: Dataset, version: str, site_url: str = "") -> dict[str, bytes]:
    """Every file of the API by its path under `api/v1/`."""
    out: dict[str, bytes] = {}
    for collection in COLLECTIONS:
        chosen = [dataset.records[collection][i] for i in sorted(dataset.records[collection])]
        for record in chosen:
            out[f"{collection}/{record.id}.json"] = record.text.encode("utf-8")
        out[f"{collection}.jsonl"] = "".join(_line(r.data) + "\n" for r in chosen).encode("utf-8")
        index = {
            "collection": collection,
            "version": version,
            "count": len(chosen),
            "schema": schema_name(collection),
            "items": index_rows(dataset, collection),
        }
        out[f"{collection}.json"] = _dump(index)
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        out[f"{SCHEMAS}/{path.name}"] = path.read_bytes()
    listing = [{"name": c, "index": f"{c}.json", "lines": f"{c}.jsonl", "schema": schema_name(c)} for c in COLLECTIONS]
    out["index.json"] = _dump({"version": version, "openapi": OPENAPI, "collections": listing})
    out[OPENAPI] = _dump(openapi(version, site_url))
    return out


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _paths(collection: str) -> dict[str, Any]:
    singular = COLLECTIONS[collection].singular
    record = {"$ref": schema_name(collection)}
    index_schema = {"$ref": "#/components/schemas/Index"}
    lines = {"description": f"Every {singular}, one JSON object per line", "content": {"application/jsonl": {"schema": record}}}
    parameter = {"name": "id", "in": "path", "required": True, "schema": {"$ref": f"{SCHEMAS}/defs.schema.json#/$defs/slug"}}
    return {
        f"/{collection}.json": {
            "get": {
                "operationId": f"list_{collection}",
                "summary": f"The {collection}: a row per {singular}",
                "responses": {"200": _json(index_schema, f"The index of the {collection}")},
            }
        },
        f"/{collection}.jsonl": {
            "get": {"operationId": f"lines_{collection}", "summary": f"Every {singular} as JSON Lines", "responses": {"200": lines}}
        },
        f"/{collection}/{{id}}.json": {
            "get": {
                "operationId": f"get_{singular}",
                "summary": f"One {singular}, as stored in records/{collection}/",
                "parameters": [parameter],
                "responses": {"200": _json(record, f"The {singular}"), "404": {"description": f"No {singular} has this id"}},
            }
        },
    }


def openapi(version: str, site_url: str = "") -> dict[str, Any]:
    """The OpenAPI 3.1 description of the files (a static API: every operation is a GET of a file)."""
    paths: dict[str, Any] = {}
    for collection in COLLECTIONS:
        paths |= _paths(collection)
    row = {
        "type": "object",
        "required": ["id", "label", "url", "page"],
        "properties": {name: {"type": "string"} for name in ("id", "label", "url", "page")},
    }
    index = {
        "type": "object",
        "required": ["collection", "version", "count", "schema", "items"],
        "properties": {
            "collection": {"type": "string", "enum": list(COLLECTIONS)},
            "version": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
            "schema": {"type": "string"},
            "items": {"type": "array", "items": row},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "peacetalks static API",
            "version": version,
            "summary": "The peacetalks records as static JSON files, one per record, with an index and JSON Lines per collection.",
            "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": f"{site_url}/{ROOT}" if site_url else "."}],
        "paths": paths,
        "components": {"schemas": {"Index": index}},
    }


def write_api(dataset: Dataset, site: Path, version: str, site_url: str = "") -> None:
    """Write the API's files under `site/api/v1/` (the schemas beside it, in `site/api/schema/`). Raises OSError."""
    for name, data in sorted(files(dataset, version, site_url).items()):
        path = site / posixpath.normpath(f"{ROOT}/{name}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_beside_data(dataset: Dataset, site: Path) -> None:
    """After the data files are in `site/data/`: the API, and the release zip of this version
    in `site/releases/` (made from those data files). Raises OSError."""
    from ..export import dataset_version
    from ..release import RELEASES_DIR, write_release
    from .feed import site_url

    write_api(dataset, site, dataset_version(), site_url())
    write_release(dataset, site / RELEASES_DIR, exported=site / "data")
