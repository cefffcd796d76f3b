"""The field reference, read from schema/*.schema.json: every field of every collection with its
type, whether it is required, its description and an example.

Codes an editor types (enumeration values, examples) are shown as code, each enumeration value
with its label from the schema's `x-labels`: the only page where the codes themselves are shown."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..collections import COLLECTIONS
from ..problems import with_article
from ..schemas import load_schemas, resolve
from .text import md_text


def _code(value: str) -> Markup:
    return Markup("<code>") + md_text(value) + Markup("</code>")


def _enum(node: dict[str, Any]) -> Markup:
    labels: dict[str, Any] = node["x-labels"] if isinstance(node.get("x-labels"), dict) else {}
    values = []
    for value in node["enum"]:
        label = labels.get(value) if isinstance(value, str) else None
        shown = _code(str(value))
        if isinstance(label, str) and label != value:
            shown += Markup(" (") + md_text(label) + Markup(")")
        values.append(shown)
    return Markup("one of: ") + Markup(", ").join(values)


def _type(node: dict[str, Any]) -> Markup:
    if "x-collection" in node:
        return md_text(f"identifier of {with_article(COLLECTIONS[node['x-collection']].singular)}")
    if node.get("x-kind") == "date":
        return md_text("date (EDTF subset)")
    if node.get("x-kind") == "quote":
        return md_text("verbatim quote")
    if node.get("contentMediaType") == "text/markdown":
        return md_text("Markdown")
    if "enum" in node:
        return _enum(node)
    kind = node.get("type", "")
    if kind == "array":
        items = resolve(node.get("items", {}))
        if "quote" in items.get("properties", {}):
            return md_text("list of citations (see Citation under Shared types)")
        if items.get("type") == "object" and not _is_dated(items):
            return md_text("list of objects (their fields follow)")
        return md_text("list of") + Markup(" ") + (_type(items) or md_text("values"))
    if kind == "object" and _is_dated(node):
        return md_text("dated (date, inferred, reasoning)")
    if kind == "object":
        return md_text("object (its fields follow)")
    return md_text(str(kind))


def _is_dated(node: dict[str, Any]) -> bool:
    return set(node.get("properties", {})) == {"date", "inferred", "reasoning"}


def _example(node: dict[str, Any]) -> str:
    examples = node.get("examples")
    if not examples:
        return ""
    value = examples[0]
    return _code(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


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
        if resolved.get("type") == "object" and not _is_dated(resolved):
            _walk(resolved, f"{path}.", out)
        items = resolve(resolved.get("items", {})) if resolved.get("type") == "array" else {}
        if items.get("type") == "object" and "source" not in items.get("properties", {}):
            _walk(items, f"{path}[].", out)


def def_rows(name: str) -> list[dict[str, str]]:
    """Rows for a shared definition (citation, dated) from defs.schema.json."""
    out: list[dict[str, str]] = []
    _walk(load_schemas()["defs"]["$defs"][name], "", out)
    return out
