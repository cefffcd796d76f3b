"""The one canonical way to write a record, and the check's test for it.

`canonical_text` is what `build.py fmt`, `new` and `synth` write; `is_laid_out` is the
part of `build.py check` that refuses any other layout. They live together so that the writer
and the check cannot disagree."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from typing import Any

import orjson

from .collections import COLLECTIONS
from .load import Record
from .problems import Problem
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


def is_laid_out(record: Record) -> bool:
    """Whether a schema-valid record is written in the canonical layout."""
    return _plainly_canonical(record) or is_canonical(record)


def layout_problem(record: Record) -> Problem:
    return Problem(record.path, 1, 1, "", "not in canonical form: run `python build.py fmt` to rewrite it")


# The check's fast path. For a schema-valid record, text == canonical_text(...) exactly when
# (1) orjson's 2-space dump of the data in its own key order is the text (same output as
# json.dumps(indent=2, ensure_ascii=False) for strings, booleans, null and integers; valid
# records hold no floats while no schema admits numbers), (2) every object's keys are in
# schema order, and (3) the text is NFC (strings are NFC then: '"' starts no composition).
_Shape = tuple[dict[str, int], dict[str, Any]]  # (each property's place in order, shapes of the keys that can hold objects)


def _plainly_canonical(record: Record) -> bool:
    """True only if the (schema-valid) record is canonical; False means 'ask is_canonical'."""
    shape = _shape(record.collection)
    if shape is None or not unicodedata.is_normalized("NFC", record.text):
        return False
    try:
        dumped = orjson.dumps(record.data, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        return False
    return dumped.decode("utf-8") + "\n" == record.text and _keys_in_order(record.data, shape)


@cache
def _shape(collection: str) -> _Shape | None:
    """The collection's objects as (key order, child shapes); None when a schema admits numbers."""
    schemas = load_schemas()
    if '"number"' in json.dumps(schemas) or '"integer"' in json.dumps(schemas):
        return None
    shape = _shape_of(schemas[COLLECTIONS[collection].schema])
    return shape[1] if shape and shape[0] == "object" else None


def _shape_of(schema: dict[str, Any]) -> tuple[str, Any] | None:
    node = resolve(schema)
    items = node.get("items")
    if isinstance(items, dict):
        inner = _shape_of(items)
        return ("array", inner) if inner else None
    properties = node.get("properties")
    if not isinstance(properties, dict):
        return None
    children = {key: child for key, child in ((key, _shape_of(value)) for key, value in properties.items()) if child}
    return ("object", ({key: rank for rank, key in enumerate(properties)}, children))


def _keys_in_order(value: dict[str, Any], shape: _Shape) -> bool:
    rank, children = shape
    if len(value) > 1:
        try:
            ranks = list(map(rank.__getitem__, value))
        except KeyError:  # a key the schema does not name
            return False
        if ranks != sorted(ranks):
            return False
    for key, (kind, inner) in children.items():
        child = value.get(key)
        if child is None:
            continue
        if kind == "object":
            if isinstance(child, dict) and not _keys_in_order(child, inner):
                return False
        elif isinstance(child, list):
            for item in child:
                if isinstance(item, dict) and not (inner[0] == "object" and _keys_in_order(item, inner[1])):
                    return False
    return True
