"""Loading the JSON Schemas, compiling validators, and reading per-field rules from them.

Rules that differ between fields live in the schemas as annotations, not in code:
`x-collection` marks a reference, `x-kind: date` an EDTF date, `x-kind: quote` text that
must be verbatim in the cited source, `contentMediaType: text/markdown` Markdown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the pure-Python validator is imported only when a record is invalid; the
    # compiled one only when a record is validated (not by a check that the cache answers)
    import jsonschema
    from referencing import Registry

from .collections import COLLECTIONS

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
BASE_URI = "https://peacetalks.invalid/schema/"

WILDCARD = "*"


@dataclass(frozen=True)
class FieldRule:
    """A place in a record (a path with `*` for array items) and what is checked there."""

    path: tuple[str, ...]
    kind: str  # "ref", "date", "quote", "markdown", "ordered"
    target: str = ""  # for refs: the collection referred to; for "ordered": the key


@cache
def load_schemas(schema_dir: Path = SCHEMA_DIR) -> dict[str, dict[str, Any]]:
    """Every schema by file stem ('demand', 'defs', ...)."""
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schemas[path.name.removesuffix(".schema.json")] = json.loads(path.read_text("utf-8"))
    return schemas


def _uri(stem: str) -> str:
    return f"{BASE_URI}{stem}.schema.json"


@cache
def _registry(schema_dir: Path = SCHEMA_DIR) -> Registry:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (_uri(stem), Resource.from_contents(schema | {"$id": _uri(stem)}, default_specification=DRAFT202012))
        for stem, schema in load_schemas(schema_dir).items()
    ]
    return Registry().with_resources(resources)


@cache
def _ecma_pattern(pattern: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for({"type": "string", "pattern": pattern})


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[jsonschema.ValidationError]:
    """The `pattern` keyword with the compiled validator's ECMA-262 semantics.

    Python's `re` differs (`$` matches before a final newline, `.` matches a carriage return,
    `\\s` misses U+FEFF), and the two validators must agree on what is valid."""
    if isinstance(instance, str) and not _ecma_pattern(pattern).is_valid(instance):
        import jsonschema

        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _reporting_class() -> Any:
    import jsonschema

    return jsonschema.validators.extend(jsonschema.Draft202012Validator, validators={"pattern": _pattern})  # type: ignore[no-untyped-call]


@cache
def reporting_validator(collection: str, schema_dir: Path = SCHEMA_DIR) -> jsonschema.Draft202012Validator:
    """The pure-Python validator: slower, but its errors carry everything a message needs."""
    stem = COLLECTIONS[collection].schema
    schema = load_schemas(schema_dir)[stem] | {"$id": _uri(stem)}
    validator: jsonschema.Draft202012Validator = _reporting_class()(schema, registry=_registry(schema_dir))
    return validator


@cache
def fast_validator(collection: str, schema_dir: Path = SCHEMA_DIR) -> Any:
    """The compiled validator, used to tell valid records apart quickly."""
    import jsonschema_rs

    stem = COLLECTIONS[collection].schema
    schemas = load_schemas(schema_dir)
    registry = jsonschema_rs.Registry([(_uri(s), body | {"$id": _uri(s)}) for s, body in schemas.items()])
    return jsonschema_rs.validator_for(schemas[stem] | {"$id": _uri(stem)}, registry=registry)


# id(node) -> (node, resolved): holding the node keeps its id from being reused by another dict.
_RESOLVED: dict[tuple[int, Path], tuple[dict[str, Any], dict[str, Any]]] = {}


def resolve(schema: dict[str, Any], schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """Follow `$ref`s (to `defs.schema.json` or within it), merging sibling keywords over them.

    Memoised per schema node (the check resolves the same nodes for every record); treat the
    result as read-only."""
    if "$ref" not in schema:
        return schema
    hit = _RESOLVED.get((id(schema), schema_dir))
    if hit is not None and hit[0] is schema:
        return hit[1]
    resolved = _resolve(schema, schema_dir)
    _RESOLVED[(id(schema), schema_dir)] = (schema, resolved)
    return resolved


def _resolve(schema: dict[str, Any], schema_dir: Path) -> dict[str, Any]:
    while "$ref" in schema:
        ref = schema["$ref"]
        file_part, _, fragment = ref.partition("#")
        target: Any = load_schemas(schema_dir)[file_part.removesuffix(".schema.json") or "defs"]
        for token in [t for t in fragment.split("/") if t]:
            target = target[token]
        schema = {**{k: v for k, v in target.items()}, **{k: v for k, v in schema.items() if k != "$ref"}}
        if "$ref" in target and target["$ref"] != ref:
            schema["$ref"] = target["$ref"]
        else:
            schema.pop("$ref", None)
    return schema


def _walk(schema: dict[str, Any], path: tuple[str, ...], schema_dir: Path) -> Iterator[FieldRule]:
    node = resolve(schema, schema_dir)
    if "x-collection" in node:
        yield FieldRule(path, "ref", node["x-collection"])
    if node.get("x-kind") in ("date", "quote"):
        yield FieldRule(path, node["x-kind"])
    if node.get("contentMediaType") == "text/markdown":
        yield FieldRule(path, "markdown")
    if "x-ordered-by" in node:
        yield FieldRule(path, "ordered", node["x-ordered-by"])
    for key, child in node.get("properties", {}).items():
        if not key.startswith("$"):
            yield from _walk(child, (*path, key), schema_dir)
    if isinstance(node.get("items"), dict):
        yield from _walk(node["items"], (*path, WILDCARD), schema_dir)


@cache
def field_rules(collection: str, schema_dir: Path = SCHEMA_DIR) -> tuple[FieldRule, ...]:
    stem = COLLECTIONS[collection].schema
    return tuple(_walk(load_schemas(schema_dir)[stem], (), schema_dir))


def schema_at(collection: str, pointer_path: tuple[str | int, ...], schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """The (resolved) schema of the value at a place in a record; {} where the schema says nothing."""
    node = resolve(load_schemas(schema_dir)[COLLECTIONS[collection].schema], schema_dir)
    for part in pointer_path:
        child = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
        if not isinstance(child, dict):
            return {}
        node = resolve(child, schema_dir)
    return node


def values_at(data: Any, path: tuple[str, ...], pointer: str = "") -> list[tuple[str, Any]]:
    """Every (JSON pointer, value) in `data` that matches `path`, in document order.

    Level by level rather than recursive: the check calls this for every rule of every record."""
    found: list[tuple[str, Any]] = [(pointer, data)]
    for head in path:
        if head == WILDCARD:
            found = [(f"{where}/{index}", item) for where, value in found if isinstance(value, list) for index, item in enumerate(value)]
        else:
            found = [(f"{where}/{head}", value[head]) for where, value in found if isinstance(value, dict) and head in value]
        if not found:
            break
    return found


def property_order(collection: str, schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Top-level field names in the order the schema lists them (the canonical order)."""
    stem = COLLECTIONS[collection].schema
    return list(load_schemas(schema_dir)[stem]["properties"])
