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


# What the site itself writes inside every collection folder of the site, besides the records'
# own pages (<id>.html) and the redirects from their former ids (<former id>.html). No record
# may take one of these names as its id or former id, or its page would overwrite the site's
# page (or be overwritten by it). The check refuses them; the site builds these pages' paths
# from here. Each name maps to what the page is, for the check's message ("{collection}" is
# filled in).
INDEX_PAGE = "index"
RESERVED_IDS: dict[str, str] = {
    INDEX_PAGE: "the index page listing all the {collection}",
}


def index_page(collection: str) -> str:
    """The docs-relative Markdown path of the collection's index page: 'demands/index.md'."""
    return f"{collection}/{INDEX_PAGE}.md"
