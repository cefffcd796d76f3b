"""The tables of the data files, derived from the JSON Schemas, and their rows in one pass.

Every collection gives a table named after it, one row per record, with columns in the
schema's field order. A nested object's fields become prefixed columns (`place_text`); a
date becomes its EDTF string plus the derived columns of `dates.DATE_PARTS`; a reference
becomes a `<field>_id` column with a foreign key; a list of identifiers becomes a `;`-joined
column and a link table; a list of objects becomes a child table keyed by the owner and the
item's `id` when items have one (a demand's occasions), else by the item's 0-based position.
Citations of every collection go to one table, keyed by record and stable citation id
(`occasions.citation_id`); former identifiers to another. Columns and tables derived from a
demand's occasions (who made it, when, its status) are computed by `peacetalks.occasions`, the
one place that derives them. The few names that are editorial choices are data below."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .. import edtf
from .. import occasions as occ
from ..collections import COLLECTIONS
from ..load import Dataset, gc_paused
from ..schemas import field_rules, load_schemas, resolve, values_at
from .dates import DATE_PARTS, WIDENING, date_cells
from .text import plain_text, prepare

Row = tuple[Any, ...]
Rows = dict[str, list[Row]]
Occasions = dict[str, list[occ.Occasion]]  # demand id -> its occasions, made once per export

# Child tables whose name is not <singular>_<field>.
TABLE_NAMES: dict[tuple[str, str], str] = {
    ("demand", "occasions"): "occasions",
}
# Reference columns whose name is not <field>_id: (table, field) -> column.
COLUMN_NAMES: dict[tuple[str, str], str] = {
    ("occasions", "at"): "meeting_id",
    ("occasions", "in"): "document_id",
}
LIST_DELIMITER = ";"  # joins a list column's items in the CSV files (no identifier or field name holds it)
CITATIONS = "citations"
FORMER_IDS = "former_ids"
OCCASIONS = "occasions"
# Where an occasion's date comes from (occasions.occasion_date): its own, its meeting's, its document's.
DATE_FROM = ("occasion", "meeting", "document")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless field type: string, integer, boolean, date
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    markdown: bool = False  # reduced from a Markdown field to plain text
    safe: bool = False  # its values never start with a formula character (ids, enumerations, dates)
    derived: bool = False  # computed from other fields (the occasions), not stored in the records
    joined: bool = False  # a list: its items joined with LIST_DELIMITER (a list type in Parquet, a JSON array in SQLite)


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    target: tuple[str, ...]


@dataclass
class Table:
    name: str
    description: str
    key: tuple[str, ...]
    columns: list[Column] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    search: tuple[str, ...] = ()  # columns under full-text search
    collection: str = ""  # for a collection's own table
    derived: bool = False  # every row derived from other tables' data

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Holder:
    """What holds the values a step reads: the record itself, or an item of one of its lists."""

    list: str = ""  # the record's list field ("occasions", "roles"); "" for the record itself
    position: int | None = None  # the item's 0-based position in that list
    item_id: str | None = None  # the item's `id`, for lists whose items have one


RECORD = Holder()


@dataclass
class Context:
    collection: str
    record_id: str
    rows: Rows
    dataset: Dataset


Step = Callable[[dict[str, Any], list[Any], tuple[Any, ...], Holder, Context], None]


@dataclass
class Schema:
    """Every table in file order, and for each collection the steps that fill its rows."""

    tables: dict[str, Table]
    steps: dict[str, list[Step]]


# ---------------------------------------------------------------- compiling the schemas


def _description(node: dict[str, Any], fallback: str = "") -> str:
    text = node.get("description") or fallback
    return " ".join(str(text).split())


def _is_dated(node: dict[str, Any]) -> bool:
    props = node.get("properties", {})
    return "date" in props and resolve(props["date"]).get("x-kind") == "date"


def _is_citations(node: dict[str, Any]) -> bool:
    items = node.get("items")
    return isinstance(items, dict) and "quote" in resolve(items).get("properties", {})


def _singular(name: str) -> str:
    if name.endswith(("ss", "us")):
        return name
    if name.endswith(("ses", "xes")):
        return name[:-2]
    return name[:-1] if name.endswith("s") else name


_SAFE_START = re.compile(r"\^(?:[A-Za-z0-9]|\[(?:[A-Za-z0-9](?:-[A-Za-z0-9])?)+\])")


def _is_safe(node: dict[str, Any]) -> bool:
    """Whether the schema rules out a value starting with a formula character."""
    if "enum" in node:
        return all(str(v)[:1].isalnum() for v in node["enum"] if v is not None)
    return "x-collection" in node or bool(_SAFE_START.match(str(node.get("pattern", ""))))


def _scalar_type(node: dict[str, Any]) -> str:
    kind = node.get("type")
    return {"boolean": "boolean", "integer": "integer", "number": "number"}.get(str(kind), "string")


@dataclass
class _Owner:
    """The table being filled, how its rows are keyed, and the prefix of its link tables."""

    table: Table
    key_columns: tuple[str, ...]  # columns identifying an owner row in its link tables
    prefix: str  # link and child tables are named <prefix>_<field>


@dataclass(frozen=True)
class _Keyed:
    """A list field whose items carry an `id`: its child table is keyed by it."""

    field: str  # "occasions"
    column: str  # "occasion_id"
    table: str  # "occasions"


class _Compiler:
    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.keyed: list[_Keyed] = []  # filled while compiling; read by the citation steps when rows are made
        self.holders: list[str] = []  # list fields whose items hold citations

    def add(self, table: Table) -> Table:
        self.tables[table.name] = table
        return table

    def collection(self, name: str) -> list[Step]:
        info = COLLECTIONS[name]
        schema = load_schemas()[info.schema]
        table = self.add(Table(name, _description(schema), ("id",), collection=name))
        owner = _Owner(table, (f"{info.singular}_id",), info.singular)
        steps = self.fields(schema, owner, "", required=True)
        table.search = tuple(c.name for c in table.columns if c.name == info.label or c.markdown)
        return steps

    def fields(self, schema: dict[str, Any], owner: _Owner, prefix: str, required: bool, skip: tuple[str, ...] = ()) -> list[Step]:
        node = resolve(schema)
        needed = set(node.get("required", [])) if required else set()
        props = {k: resolve(v) for k, v in node["properties"].items()}
        ref_lists: dict[str, list[str]] = {}
        for key, child in props.items():
            items = child.get("items")
            if child.get("type") == "array" and isinstance(items, dict) and "x-collection" in resolve(items):
                ref_lists.setdefault(resolve(items)["x-collection"], []).append(key)
        steps: list[Step] = []
        for key, child in props.items():
            if key == "$schema" or key in skip:
                continue
            steps.append(self.field(key, child, owner, prefix, key in needed, ref_lists))
        return steps

    def field(self, key: str, node: dict[str, Any], owner: _Owner, prefix: str, required: bool, ref_lists: dict[str, list[str]]) -> Step:
        name = prefix + key
        table = owner.table
        description = _description(node)
        special = SPECIAL_FIELDS.get((table.name, key))
        if special is not None:
            columns, step = special(name, description, required)
            table.columns.extend(columns)
            return step
        if key == "former_ids":
            return _former_ids(key)
        if node.get("type") == "array" and _is_citations(node):
            return _citations(key, self.keyed)
        if _is_dated(node):
            table.columns.extend(date_columns(name, description, required))
            return _date(key)
        if node.get("type") == "object" and "properties" in node:
            return _object(key, self.fields(node, owner, f"{name}_", required))
        if node.get("type") == "array":
            items = resolve(node["items"])
            if "x-collection" in items:
                return self.ref_list(key, name, node, items, owner, required, ref_lists)
            if items.get("type") == "object":
                return self.child_table(key, node, items, owner)
            return self.string_list(key, node, owner)
        markdown = node.get("contentMediaType") == "text/markdown"
        if markdown:
            description += " Plain text, reduced from Markdown."
        enum = tuple(str(v) for v in node.get("enum", ()))
        if "x-collection" in node:
            name = COLUMN_NAMES.get((table.name, key), f"{name}_id")
            table.foreign_keys.append(ForeignKey((name,), node["x-collection"], ("id",)))
        table.columns.append(Column(name, _scalar_type(node), description, required, enum, markdown, _is_safe(node)))
        return _scalar(key, markdown)

    def ref_list(
        self,
        key: str,
        name: str,
        node: dict[str, Any],
        items: dict[str, Any],
        owner: _Owner,
        required: bool,
        ref_lists: dict[str, list[str]],
    ) -> Step:
        target = items["x-collection"]
        owner.table.columns.append(
            Column(
                name, "string", f"{_description(node)} Identifiers joined with ';'; also in a link table.", required, safe=True, joined=True
            )
        )
        siblings = ref_lists[target]
        merged = len(siblings) > 1
        link_name = f"{owner.prefix}_{target}" if merged else TABLE_NAMES.get((owner.prefix, key), f"{owner.prefix}_{key}")
        target_column = f"{COLLECTIONS[target].singular}_id"
        if target_column in owner.key_columns:
            target_column = f"{key}_id"
        role = "role" if merged else None
        if link_name not in self.tables:
            what = " or ".join(f"'{s}'" for s in siblings) if merged else f"'{key}'"
            link = self.add(
                Table(
                    link_name,
                    f"Link table: one row per identifier in the {what} field of {owner.table.name}.",
                    (*owner.key_columns, *([role] if role else []), target_column),
                )
            )
            link.columns.extend(_key_columns(owner))
            if role:
                link.columns.append(
                    Column(role, "string", "Which field of the owner lists the identifier.", True, tuple(siblings), safe=True)
                )
            link.columns.append(Column(target_column, "string", _description(items), True, safe=True))
            link.columns.append(Column("position", "integer", "0-based position in the owner's list.", True))
            link.foreign_keys.append(ForeignKey(owner.key_columns, owner.table.name, owner.table.key))
            link.foreign_keys.append(ForeignKey((target_column,), target, ("id",)))
        return _ref_list(key, link_name, key if role else None)

    def child_table(self, key: str, node: dict[str, Any], items: dict[str, Any], owner: _Owner) -> Step:
        name = TABLE_NAMES.get((owner.prefix, key), f"{owner.prefix}_{key}")
        singular = _singular(name.removeprefix(f"{owner.prefix}_"))
        keyed = "id" in items.get("properties", {})
        own_key = f"{singular}_id" if keyed else "position"
        described = f"One row per item of the '{key}' field of {owner.table.name}: {_description(node)}"
        child = self.add(Table(name, described, (*owner.key_columns, own_key)))
        child.columns.extend(_key_columns(owner))
        if keyed:
            id_node = resolve(items["properties"]["id"])
            child.columns.append(Column(own_key, "string", _description(id_node), True, safe=True))
            child.columns.append(Column("position", "integer", f"0-based position in the '{key}' list (data, not part of the key).", True))
            self.keyed.append(_Keyed(key, own_key, name))
        else:
            child.columns.append(Column("position", "integer", f"0-based position in the '{key}' list.", True))
        child.foreign_keys.append(ForeignKey(owner.key_columns, owner.table.name, owner.table.key))
        if _is_citations(resolve(items["properties"].get("citations", {}))) and key not in self.holders:
            self.holders.append(key)
        child_owner = _Owner(
            child,
            (*owner.key_columns, own_key if keyed else f"{singular}_position"),
            singular if keyed else name,
        )
        steps = self.fields(items, child_owner, "", required=True, skip=("id",) if keyed else ())
        return _child_table(key, name, keyed, steps)

    def string_list(self, key: str, node: dict[str, Any], owner: _Owner) -> Step:
        name = TABLE_NAMES.get((owner.prefix, key), f"{owner.prefix}_{key}")
        value = _singular(key)
        link = self.add(
            Table(name, f"One row per item of the '{key}' field of {owner.table.name}: {_description(node)}", (*owner.key_columns, value))
        )
        link.columns.extend(_key_columns(owner))
        items = resolve(node["items"])
        link.columns.append(Column(value, "string", _description(items, _description(node)), True, safe=_is_safe(items)))
        link.columns.append(Column("position", "integer", "0-based position in the owner's list.", True))
        link.foreign_keys.append(ForeignKey(owner.key_columns, owner.table.name, owner.table.key))
        return _string_list(key, name)


def _key_columns(owner: _Owner) -> list[Column]:
    """The columns a link or child table uses to point at its owner row."""
    table = owner.table
    columns = []
    for own, theirs in zip(owner.key_columns, table.key, strict=True):
        if theirs == "id":
            columns.append(Column(own, "string", f"Identifier of the {COLLECTIONS[table.collection].singular}.", True, safe=True))
        else:
            column = table.column(theirs)
            columns.append(Column(own, column.type, f"{column.description} In {table.name}.", True, safe=column.safe))
    return columns


def date_columns(name: str, description: str, required: bool, derived: bool = False) -> list[Column]:
    """The columns of one date field, stored or derived: the same for every date (see `dates.DATE_PARTS`)."""
    first_last = "Widened for ~ and ? as the data dictionary's 'Dates' convention says."
    parts = [
        Column(
            name,
            "string",
            f"{description} An EDTF date string (YYYY, YYYY-MM, YYYY-MM-DD, ~ approximate, ? uncertain, A/B interval).",
            required,
            safe=True,
            derived=derived,
        ),
        Column(
            f"{name}_first",
            "date",
            f"The first day the date '{name}' can mean (for sorting and filtering). {first_last}",
            required,
            derived=derived,
        ),
        Column(
            f"{name}_last",
            "date",
            f"The last day the date '{name}' can mean (for sorting and filtering). {first_last}",
            required,
            derived=derived,
        ),
    ]
    ends = (("start", f"'{name}' (of its start, for an interval)"), ("end", f"'{name}' (of its end, for an interval)"))
    for end, which in ends:
        parts.append(
            Column(
                f"{name}_{end}_precision",
                "string",
                f"The precision of {which}: year, month or day.",
                required,
                edtf.PRECISIONS,
                safe=True,
                derived=derived,
            )
        )
    for end, which in ends:
        parts.append(
            Column(f"{name}_{end}_approximate", "boolean", f"Whether {which} is marked approximate (~).", required, derived=derived)
        )
        parts.append(Column(f"{name}_{end}_uncertain", "boolean", f"Whether {which} is marked uncertain (?).", required, derived=derived))
    parts.append(
        Column(
            f"{name}_inferred",
            "boolean",
            f"Whether '{name}' was worked out from relative wording rather than stated by the source.",
            required,
            derived=derived,
        )
    )
    parts.append(Column(f"{name}_reasoning", "string", f"How an inferred '{name}' was worked out.", derived=derived))
    assert [c.name.removeprefix(name) for c in parts] == list(DATE_PARTS)
    return parts


# ---------------------------------------------------------------- fields with a derived part


def _occasion_date(name: str, description: str, required: bool) -> tuple[list[Column], Step]:
    """An occasion's date as occasions.occasion_date gives it: its own, else its meeting's or document's."""
    own = (
        f"{description} Here the occasion's effective date: its own, or the one it takes from its meeting or document "
        "('date_from' says which)."
    )
    columns = date_columns(name, own, True)
    columns.append(
        Column(
            f"{name}_from",
            "string",
            "Where the date comes from: 'occasion' (its own `date`), 'meeting' (the span of the meeting in "
            "meeting_id: its start, or start to end) or 'document' (the date of the document in document_id). "
            "Derived; only 'occasion' dates are in the record.",
            True,
            DATE_FROM,
            safe=True,
            derived=True,
        )
    )

    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        found = occ.occasion_date(data, ctx.dataset)
        row.extend(date_cells(found.value if found else None))
        row.append(None if found is None else "occasion" if found.taken_from is None else COLLECTIONS[found.taken_from[0]].singular)

    return columns, step


def _occasion_act(name: str, description: str, required: bool) -> tuple[list[Column], Step]:
    """The act, and the status it sets (the schema's x-standing)."""
    vocabulary = occ.vocabulary()
    setting = ", ".join(f"{act} → {status}" for act, status in vocabulary.standing.items() if status)
    keeping = ", ".join(act for act, status in vocabulary.standing.items() if not status)
    columns = [
        Column(name, "string", description, True, vocabulary.acts, safe=True),
        Column(
            "sets_status",
            "string",
            f"Derived from the act: the status it gives the demand from then on ({setting}); empty when the act "
            f"changes nothing ({keeping}). The rows with a value are the status changes.",
            False,
            vocabulary.statuses,
            safe=True,
            derived=True,
        ),
    ]

    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        act = data.get("act")
        row.append(act)
        row.append(vocabulary.standing.get(act) if isinstance(act, str) else None)

    return columns, step


SPECIAL_FIELDS: dict[tuple[str, str], Callable[[str, str, bool], tuple[list[Column], Step]]] = {
    (OCCASIONS, "date"): _occasion_date,
    (OCCASIONS, "act"): _occasion_act,
}


def _special_tables(compiler: _Compiler) -> None:
    citation = resolve(load_schemas()["defs"]["$defs"]["citation"])
    props = citation["properties"]
    keyed = [
        Column(
            k.column,
            "string",
            f"Identifier of the item of the record's '{k.field}' holding the citation (with record_id, a key of {k.table}.csv); "
            f"empty when the citation is held elsewhere.",
            safe=True,
        )
        for k in compiler.keyed
    ]
    compiler.add(
        Table(
            CITATIONS,
            "Every citation of every record: the verbatim words of a source that back a claim, keyed by the record and a "
            "stable citation id.",
            ("collection", "record_id", "citation_id"),
            [
                Column(
                    "citation_id",
                    "string",
                    "Stable identifier of the citation: 'c' and 10 hexadecimal digits hashed from its source and quote, "
                    "unique within a record. It stays the same when citations are reordered or moved between occasions, "
                    "and changes when the quote is corrected.",
                    True,
                    safe=True,
                ),
                Column("collection", "string", "The collection of the citing record.", True, tuple(COLLECTIONS), safe=True),
                Column("record_id", "string", "Identifier of the citing record (in the table named by 'collection').", True, safe=True),
                *keyed,
                Column(
                    "item_list",
                    "string",
                    "The record's list whose item holds the citation; empty when the record itself holds it.",
                    enum=tuple(compiler.holders),
                    safe=True,
                ),
                Column("item_position", "integer", "0-based position of that item in its list (data, not a key)."),
                Column("position", "integer", "0-based position of the citation in the list holding it (data, not a key).", True),
                Column("source_id", "string", _description(resolve(props["source"])), True, safe=True),
                Column("quote", "string", _description(props["quote"]), True),
                Column("attribution", "string", _description(props["attribution"])),
                Column("supports", "string", _description(props["supports"]) + " Field names joined with ';'.", safe=True, joined=True),
                Column("note", "string", _description(resolve(props["note"])) + " Plain text, reduced from Markdown.", markdown=True),
                Column("original_quote", "string", _description(props["original_quote"])),
            ],
            # No foreign key on the occasion: Frictionless checks a composite key unless every cell is empty,
            # and a citation held by the record has a record_id but no occasion_id.
            [ForeignKey(("source_id",), "sources", ("id",))],
        )
    )
    compiler.add(
        Table(
            FORMER_IDS,
            "Identifiers records had before they were renamed; the site redirects them.",
            ("collection", "former_id"),
            [
                Column("collection", "string", "The collection of the renamed record.", True, tuple(COLLECTIONS), safe=True),
                Column("record_id", "string", "The record's current identifier.", True, safe=True),
                Column("former_id", "string", "An identifier the record had before.", True, safe=True),
            ],
        )
    )


# ---------------------------------------------------------------- steps: filling rows


def _scalar(key: str, markdown: bool) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        value = data.get(key)
        row.append(plain_text(value) if markdown and value is not None else value)

    return step


def _date(key: str) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        row.extend(date_cells(data.get(key)))

    return step


def _object(key: str, steps: list[Step]) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        inner = data.get(key) or {}
        for sub in steps:
            sub(inner, row, owner, holder, ctx)

    return step


def _ref_list(key: str, link: str, role: str | None) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        values = data.get(key) or []
        row.append(LIST_DELIMITER.join(values) or None)
        out = ctx.rows[link]
        for position, value in enumerate(values):
            out.append((*owner, role, value, position) if role else (*owner, value, position))

    return step


def _string_list(key: str, link: str) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        out = ctx.rows[link]
        for position, value in enumerate(data.get(key) or []):
            out.append((*owner, value, position))

    return step


def _child_table(key: str, name: str, keyed: bool, steps: list[Step]) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        out = ctx.rows[name]
        for position, item in enumerate(data.get(key) or []):
            item_id = item["id"] if keyed else None
            child_key = (*owner, item_id if keyed else position)
            child_row: list[Any] = [*child_key, position] if keyed else list(child_key)
            inner = Holder(key, position, item_id)
            for sub in steps:
                sub(item, child_row, child_key, inner, ctx)
            out.append(tuple(child_row))

    return step


def _citations(key: str, keyed: list[_Keyed]) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        out = ctx.rows[CITATIONS]
        items = tuple(holder.item_id if holder.list == k.field else None for k in keyed)
        for position, cite in enumerate(data.get(key) or []):
            note = cite.get("note")
            out.append(
                (
                    occ.citation_id(cite),
                    ctx.collection,
                    ctx.record_id,
                    *items,
                    holder.list or None,
                    holder.position,
                    position,
                    cite["source"],
                    cite["quote"],
                    cite.get("attribution"),
                    LIST_DELIMITER.join(cite.get("supports") or []) or None,
                    plain_text(note) if note is not None else None,
                    cite.get("original_quote"),
                )
            )

    return step


def _former_ids(key: str) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], holder: Holder, ctx: Context) -> None:
        for former in data.get(key) or []:
            ctx.rows[FORMER_IDS].append((ctx.collection, ctx.record_id, former))

    return step


# ---------------------------------------------------------------- derived tables and columns


@dataclass(frozen=True)
class Derived:
    """Columns appended to a table, or a new table, computed by `fill` from the dataset (via peacetalks.occasions)."""

    table: str
    columns: tuple[Column, ...]
    fill: Callable[[Rows, Dataset, Occasions], None]
    new: Table | None = None  # the table's description, key and foreign keys, when it is new
    after: str = ""  # a new table's place: after this table
    foreign_keys: tuple[ForeignKey, ...] = ()  # added to an existing table


_DERIVED = "Derived from the demand's occasions (peacetalks.occasions), not stored in the record."


def _acts(role: str) -> str:
    vocabulary = occ.vocabulary()
    return ", ".join(act for act in vocabulary.acts if vocabulary.role[act] == role)


def _occasion_key(column: str) -> ForeignKey:
    return ForeignKey(("id", column), OCCASIONS, ("demand_id", "occasion_id"))


def _demand_columns() -> tuple[Column, ...]:
    makes = _acts("makes")
    statuses = occ.vocabulary().statuses
    # Every demand has an occasion that makes it (the check requires one), and so a first and a last.
    # It has a status unless no act that makes a demand sets one, which the vocabulary can tell.
    standing = occ.vocabulary().standing
    has_status = all(standing[act] for act in occ.vocabulary().acts if occ.vocabulary().role[act] == "makes")
    return (
        Column(
            "made_by",
            "string",
            f"{_DERIVED} Who made the demand: every actor in the 'by' of an occasion whose act makes it ({makes}), "
            "in order of first appearance. Identifiers joined with ';'; also in demand_actors.",
            safe=True,
            derived=True,
            joined=True,
        ),
        Column(
            "made_of",
            "string",
            f"{_DERIVED} Of whom it was made: every actor in the 'of' of those occasions, in order of first appearance. "
            "Identifiers joined with ';'; also in demand_actors.",
            safe=True,
            derived=True,
            joined=True,
        ),
        *date_columns(
            "first_raised",
            f"{_DERIVED} When it was first raised: the date of the first occasion whose act makes it.",
            True,
            derived=True,
        ),
        Column(
            "first_raised_occasion_id",
            "string",
            f"{_DERIVED} The occasion that first raised it (with id, a key of occasions.csv).",
            True,
            safe=True,
            derived=True,
        ),
        *date_columns(
            "last_stated",
            f"{_DERIVED} When it was last stated: the date of the last occasion whose act makes it.",
            True,
            derived=True,
        ),
        Column(
            "last_stated_occasion_id",
            "string",
            f"{_DERIVED} The occasion that last stated it (with id, a key of occasions.csv).",
            True,
            safe=True,
            derived=True,
        ),
        Column(
            "current_status",
            "string",
            f"{_DERIVED} Its status now: the status set by the latest occasion whose act sets one (occasions.sets_status).",
            has_status,
            statuses,
            safe=True,
            derived=True,
        ),
        Column(
            "status_occasion_id",
            "string",
            f"{_DERIVED} The occasion that set the current status (with id, a key of occasions.csv).",
            has_status,
            safe=True,
            derived=True,
        ),
    )


def _demand_keys() -> tuple[ForeignKey, ...]:
    keys = [_occasion_key("first_raised_occasion_id"), _occasion_key("last_stated_occasion_id")]
    if next(c for c in _demand_columns() if c.name == "status_occasion_id").required:
        keys.append(_occasion_key("status_occasion_id"))  # Frictionless refuses a composite key with one empty cell
    return tuple(keys)


def _fill_demands(rows: Rows, dataset: Dataset, every: Occasions) -> None:
    """demands: made_by, made_of, first_raised, last_stated, current_status; demand_actors from the same lists."""
    out: list[Row] = []
    links = rows["demand_actors"]
    for row in rows["demands"]:
        items = every[row[0]]
        by, of = occ.made_by(items), occ.made_of(items)
        links.extend((row[0], "made_by", actor, i) for i, actor in enumerate(by))
        links.extend((row[0], "made_of", actor, i) for i, actor in enumerate(of))
        first, last, status = occ.first_raised(items), occ.last_stated(items), occ.current_status(items)
        out.append(
            (
                *row,
                LIST_DELIMITER.join(by) or None,
                LIST_DELIMITER.join(of) or None,
                *_occasion_date_cells(first),
                first.id if first else None,
                *_occasion_date_cells(last),
                last.id if last else None,
                status[0] if status else None,
                status[1].id if status else None,
            )
        )
    rows["demands"] = out


def _occasion_date_cells(item: occ.Occasion | None) -> tuple[Any, ...]:
    return date_cells(item.date.value if item is not None and item.date is not None else None)


_PLACES: list[tuple[Occasions, dict[occ.Key, list[occ.Occasion]]]] = []  # the last export's, for meetings and documents


def _places(every: Occasions) -> dict[occ.Key, list[occ.Occasion]]:
    """occasions.places from the occasions already made, once for the meetings and the documents."""
    if _PLACES and _PLACES[0][0] is every:
        return _PLACES[0][1]
    found = occ.places_of(every.values())
    _PLACES[:] = [(every, found)]
    return found


def _place_demands(collection: str) -> Callable[[Rows, Dataset, Occasions], None]:
    def fill(rows: Rows, dataset: Dataset, every: Occasions) -> None:
        places = _places(every)
        out = []
        for row in rows[collection]:
            ids = list(dict.fromkeys(o.demand.id for o in places.get((collection, row[0]), [])))
            out.append((*row, LIST_DELIMITER.join(ids) or None))
        rows[collection] = out

    return fill


def _place_column(collection: str, column: str, where: str) -> Column:
    singular = COLLECTIONS[collection].singular
    return Column(
        "demands",
        "string",
        f"Derived from the demands' occasions: the demands with an occasion {where} this {singular} (occasions.{column}), by id. "
        "Identifiers joined with ';'; the occasions themselves are in occasions.csv.",
        safe=True,
        derived=True,
        joined=True,
    )


# Actor fields that name the actor in another catalogue: field -> scheme (actor_identifiers.csv).
IDENTIFIER_SCHEMES: dict[str, str] = {"wikidata": "wikidata"}


def _schemes() -> dict[str, str]:
    """The identifier fields the actor schema has (a scheme dropped from the schema drops out here)."""
    props = load_schemas()[COLLECTIONS["actors"].schema]["properties"]
    return {name: scheme for name, scheme in IDENTIFIER_SCHEMES.items() if name in props}


def _fill_identifiers(rows: Rows, dataset: Dataset, every: Occasions) -> None:
    schemes = _schemes()
    out = rows["actor_identifiers"]
    for actor_id in sorted(dataset.records["actors"]):
        data = dataset.records["actors"][actor_id].data
        out.extend(
            (actor_id, scheme, data[name])
            for name, scheme in sorted(schemes.items(), key=lambda i: i[1])
            if isinstance(data.get(name), str)
        )


def _identifiers() -> Derived:
    schemes = ", ".join(f"'{scheme}' from the '{name}' field" for name, scheme in _schemes().items())
    return Derived(
        "actor_identifiers",
        (
            Column("actor_id", "string", "Identifier of the actor.", True, safe=True),
            Column(
                "scheme", "string", "The catalogue the identifier belongs to.", True, tuple(sorted(set(_schemes().values()))), safe=True
            ),
            Column("value", "string", "The actor's identifier in that catalogue, as the record states it.", True, safe=True),
        ),
        _fill_identifiers,
        Table(
            "actor_identifiers",
            f"Crosswalk: one row per identifier an actor record gives in another catalogue ({schemes}); only what the records state.",
            ("actor_id", "scheme", "value"),
            foreign_keys=[ForeignKey(("actor_id",), "actors", ("id",))],
        ),
        after="actor_roles",
    )


@cache
def _derived() -> tuple[Derived, ...]:
    return (
        _identifiers(),
        Derived("demands", _demand_columns(), _fill_demands, foreign_keys=_demand_keys()),
        Derived(
            "demand_actors",
            (
                Column("demand_id", "string", "Identifier of the demand.", True, safe=True),
                Column(
                    "role", "string", "Which derived list names the actor: made_by or made_of.", True, ("made_by", "made_of"), safe=True
                ),
                Column("actor_id", "string", "Identifier of the actor.", True, safe=True),
                Column("position", "integer", "0-based position in the derived list (order of first appearance).", True),
            ),
            lambda rows, dataset, every: None,  # filled with the demands' derived columns
            Table(
                "demand_actors",
                f"Link table for the derived made_by and made_of columns of demands: one row per actor. {_DERIVED}",
                ("demand_id", "role", "actor_id"),
                foreign_keys=[ForeignKey(("demand_id",), "demands", ("id",)), ForeignKey(("actor_id",), "actors", ("id",))],
                derived=True,
            ),
            after="occasion_actors",
        ),
        Derived("meetings", (_place_column("meetings", "meeting_id", "at"),), _place_demands("meetings")),
        Derived("documents", (_place_column("documents", "document_id", "in"),), _place_demands("documents")),
    )


def _add_derived(compiler: _Compiler) -> None:
    for derived in _derived():
        if derived.new is None:
            compiler.tables[derived.table].columns.extend(derived.columns)
            compiler.tables[derived.table].foreign_keys.extend(derived.foreign_keys)
            continue
        new = derived.new
        table = Table(new.name, new.description, new.key, list(derived.columns), list(new.foreign_keys), derived=new.derived)
        order = list(compiler.tables.items())
        at = next((i + 1 for i, (name, _) in enumerate(order) if name == derived.after), len(order))
        compiler.tables = dict([*order[:at], (table.name, table), *order[at:]])


@cache
def schema() -> Schema:
    compiler = _Compiler()
    steps = {name: compiler.collection(name) for name in COLLECTIONS}
    _special_tables(compiler)
    _add_derived(compiler)
    return Schema(compiler.tables, steps)


def rows(dataset: Dataset) -> Rows:
    """Every table's rows, in key order (records are visited in id order); the cyclic garbage
    collector paused meanwhile (the rows are millions of tuples and make no cycles)."""
    with gc_paused():
        try:
            return _rows(dataset)
        finally:
            _PLACES.clear()


def _rows(dataset: Dataset) -> Rows:
    plan = schema()
    out: Rows = {name: [] for name in plan.tables}
    prepare(text for record in dataset.all() for text in _markdown(record.collection, record.data))
    for name in COLLECTIONS:
        records = dataset.records[name]
        table = out[name]
        steps = plan.steps[name]
        for record_id in sorted(records):
            ctx = Context(name, record_id, out, dataset)
            row: list[Any] = []
            for step in steps:
                step(records[record_id].data, row, (record_id,), RECORD, ctx)
            table.append(tuple(row))
    every = {demand_id: occ.occasions(record, dataset) for demand_id, record in dataset.records["demands"].items()}
    for derived in _derived():
        derived.fill(out, dataset, every)
    return out


def _markdown(collection: str, data: dict[str, Any]) -> Iterator[str]:
    for rule in field_rules(collection):
        if rule.kind == "markdown":
            yield from (value for _, value in values_at(data, rule.path) if isinstance(value, str))


def tables() -> Iterable[Table]:
    return schema().tables.values()


__all__ = ["DATE_PARTS", "WIDENING", "Column", "ForeignKey", "Row", "Rows", "Table", "date_cells", "rows", "schema", "tables"]
