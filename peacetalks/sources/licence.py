"""What a source's `text_licence` allows (schema: source.schema.json `text_licence`).

open and public-domain: the full text is stored, quotes are verified against it, it may be shown.
unknown (also when the field is absent): stored for verification only, never shown whole.
restricted: only the quoted passages are stored, with the SHA-256 of the full text."""

from __future__ import annotations

from typing import Any

from ..schemas import schema_at

OPEN = frozenset({"open", "public-domain"})
RESTRICTED = "restricted"
UNKNOWN = "unknown"


def text_licence(data: Any) -> str:
    """The source's text licence; `unknown` when absent or not a known value."""
    value = data.get("text_licence") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value in labels() else UNKNOWN


def labels() -> dict[str, str]:
    found = schema_at("sources", ("text_licence",)).get("x-labels")
    return dict(found) if isinstance(found, dict) else {}


def stores_full_text(data: Any) -> bool:
    return text_licence(data) != RESTRICTED


def shows_full_text(data: Any) -> bool:
    """Whether the site and the data files may show the stored text whole."""
    return text_licence(data) in OPEN


def verification(data: Any) -> str:
    """How this source's quotes are verified, in words."""
    kind = text_licence(data)
    if kind == RESTRICTED:
        return "against the stored quoted passages; the full text is not kept (its SHA-256 is), so build.py source verify confirms them against a local copy"
    shown = "may be shown" if kind in OPEN else "is kept for verification only and never shown whole"
    return f"against the stored full text, which {shown}"
