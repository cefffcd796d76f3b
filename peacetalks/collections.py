"""The one table of what differs between collections."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Collection:
    name: str  # directory under records/, plural: "demands"
    schema: str  # schema/<schema>.schema.json, singular: "demand"
    label: str  # the field holding the human title
    singular: str  # for messages and pages: "demand"


COLLECTIONS: dict[str, Collection] = {
    c.name: c
    for c in (
        Collection("demands", "demand", "title", "demand"),
        Collection("meetings", "meeting", "title", "meeting"),
        Collection("documents", "document", "title", "document"),
        Collection("actors", "actor", "name", "actor"),
        Collection("topics", "topic", "title", "topic"),
        Collection("sources", "source", "title", "source"),
    )
}

SOURCE_TEXT_SUFFIX = ".txt"


def schema_path(collection: str) -> str:
    """The `$schema` value every record of the collection carries (relative to the record file)."""
    return f"../../schema/{COLLECTIONS[collection].schema}.schema.json"
