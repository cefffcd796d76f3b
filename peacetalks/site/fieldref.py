"""The field reference, read from schema/*.schema.json: every field of every collection with its
type, whether it is required, its description and an example."""

from __future__ import annotations

import json
from typing import Any

from ..collections import COLLECTIONS
from ..schemas import load_schemas, resolve


def _type(node: dict[str, Any]) -> str:
    if "x-collection" in node:
        return f"identifier of a {COLLECTIONS[node['x-collection']].singular}"
    if node.get("x-kind") == "date":
        return "date (EDTF subset)"
    if node.get("x-kind") == "quote":
        return "verbatim quote"
    if node.get("contentMediaType") == "text/markdown":
        return "Markdown"
    if "enum" in node:
        return "one of: " + ", ".join(str(v) for v in node["enum"])
    kind = node.get("type", "")
    if kind == "array":
        items = resolve(node.get("items", {}))
        return f"list of {_type(items) or 'values'}"
    if kind == "object" and "date" in node.get("properties", {}):
        return "dated (date, inferred, reasoning)"
    return str(kind)


def _example(node: dict[str, Any]) -> str:
    examples = node.get("examples")
    if not examples:
        return ""
    value = examples[0]
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def rows(collection: str) -> list[dict[str, str]]:
    schema = load_schemas()[COLLECTIONS[collection].schema]
    out: list[dict[str, str]] = []
    _walk(schema, "", out)
    return out


def _walk(node: dict[str, Any], prefix: str, out: list[dict[str, str]]) -> None:
    node = resolve(node)
    required = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        resolved = resolve(child)
        path = f"{prefix}{name}"
        out.append(
            {
                "field": path,
                "type": _type(resolved),
                "required": "yes" if name in required else "no",
                "description": str(resolved.get("description") or resolved.get("title") or ""),
                "example": _example(resolved),
            }
        )
        if resolved.get("type") == "object" and "date" not in resolved.get("properties", {}):
            _walk(resolved, f"{path}.", out)
        items = resolve(resolved.get("items", {})) if resolved.get("type") == "array" else {}
        if items.get("type") == "object" and "source" not in items.get("properties", {}):
            _walk(items, f"{path}[].", out)


def def_rows(name: str) -> list[dict[str, str]]:
    """Rows for a shared definition (citation, dated) from defs.schema.json."""
    out: list[dict[str, str]] = []
    _walk(load_schemas()["defs"]["$defs"][name], "", out)
    return out
