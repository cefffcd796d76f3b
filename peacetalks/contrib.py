"""Contributor tools: canonical formatting (`fmt`), skeleton records (`new`) and record diffs (`diff`)."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from .collections import COLLECTIONS
from .load import Dataset, Record, load
from .problems import Problem, printable
from .schemas import load_schemas, resolve


def _ordered(value: Any, schema: dict[str, Any]) -> Any:
    """`value` with object keys in the schema's property order (unknown keys last, sorted)."""
    node = resolve(schema)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        keys = [k for k in properties if k in value] + sorted(k for k in value if k not in properties)
        return {k: _ordered(value[k], properties.get(k, {})) for k in keys}
    if isinstance(value, list):
        items = node.get("items", {})
        return [_ordered(item, items if isinstance(items, dict) else {}) for item in value]
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def canonical_text(collection: str, data: dict[str, Any]) -> str:
    """The one accepted way to write a record: 2-space indent, schema key order, NFC, final newline."""
    schema = load_schemas()[COLLECTIONS[collection].schema]
    return json.dumps(_ordered(data, schema), indent=2, ensure_ascii=False) + "\n"


def is_canonical(record: Record) -> bool:
    return record.text == canonical_text(record.collection, record.data)


def format_problems(dataset: Dataset, skip: set[str] | None = None) -> list[Problem]:
    """One problem per record that is not in canonical form (records in `skip` excepted)."""
    return [
        Problem(record.path, 1, 1, "", "not in canonical form: run `python build.py fmt` to rewrite it")
        for record in dataset.all()
        if record.path not in (skip or set()) and not is_canonical(record)
    ]


def format_records(records: Path, check_only: bool = False) -> int:
    """Rewrite (or with check_only, list) records that are not canonical. Exit status."""
    dataset, problems = load(records)
    unreadable = {p.path for p in problems}
    changed: list[Record] = []
    for record in dataset.all():
        if record.path in unreadable or is_canonical(record):
            continue
        changed.append(record)
        if not check_only:
            Path(record.path).write_text(canonical_text(record.collection, record.data), encoding="utf-8")
    for record in changed:
        print(f"{printable(record.path)}: {'not canonical' if check_only else 'reformatted'}")
    if problems:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
    if check_only and changed:
        print(f"{len(changed)} file{'s' if len(changed) != 1 else ''} not in canonical form: run `python build.py fmt`", file=sys.stderr)
        return 1
    return 1 if problems else 0
