"""datapackage.json: a Frictionless (Tabular) Data Package describing the CSV files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..load import Dataset
from .dates import WIDENING
from .tables import Table

NAME = "peacetalks"
TITLE = "peacetalks: demands and meetings in the negotiations to end Russia's war against Ukraine"
DESCRIPTION = (
    "An open, hand-curated dataset of the demands made and the meetings held in the negotiations to end "
    "Russia's war against Ukraine. Every claim cites a source and the verbatim words that back it. "
    "One CSV file per collection and per link table, described here; the same data is in dataset.json "
    "(records nested as in the source files) and peacetalks.sqlite (with full-text search). "
    "Each act about a demand is a row of occasions.csv; who made a demand of whom, when, and its status are "
    "derived from them (the columns say so). "
    "Dates: the _first and _last columns of a date are the widest days it can mean. " + WIDENING.replace("`", "") + " "
    "The data is licensed under CC BY 4.0; quoted extracts from sources (the quote and attribution "
    "fields) remain the copyright of their publishers and are reproduced for citation."
)
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
CONTRIBUTORS = [{"title": "The peacetalks contributors", "role": "author"}]
KEYWORDS = ["Russia", "Ukraine", "war", "peace negotiations", "demands", "meetings", "diplomacy"]
DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}


def _field(table: Table, index: int) -> dict[str, Any]:
    column = table.columns[index]
    spec: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.description}
    if column.type == "boolean":
        spec["trueValues"] = ["true"]
        spec["falseValues"] = ["false"]
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if constraints:
        spec["constraints"] = constraints
    return spec


def _resource(table: Table, path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    schema: dict[str, Any] = {
        "fields": [_field(table, i) for i in range(len(table.columns))],
        "missingValues": [""],
        "primaryKey": list(table.key),
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": list(key.columns),
                "reference": {"resource": "" if key.table == table.name else key.table, "fields": list(key.target)},
            }
            for key in table.foreign_keys
        ]
    return {
        "name": table.name,
        "path": path.name,
        "profile": "tabular-data-resource",
        "title": table.name,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "dialect": DIALECT,
        "schema": schema,
    }


def _sources(dataset: Dataset) -> list[dict[str, str]]:
    out = []
    for source_id in sorted(dataset.records["sources"]):
        data = dataset.records["sources"][source_id].data
        entry = {"title": str(data.get("title", source_id))}
        if isinstance(data.get("url"), str):
            entry["path"] = data["url"]
        out.append(entry)
    return out


def datapackage(dataset: Dataset, tables: list[Table], paths: dict[str, Path], version: str, created: str) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        "created": created,
        "licenses": [DATA_LICENSE],
        "keywords": KEYWORDS,
        "contributors": CONTRIBUTORS,
        "sources": _sources(dataset),
        "resources": [_resource(table, paths[table.name]) for table in tables],
    }
