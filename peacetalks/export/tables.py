"""The tables of the data files, derived from the JSON Schemas, and their rows in one pass.

Every collection gives a table named after it, one row per record, with columns in the
schema's field order. A nested object's fields become prefixed columns (`place_text`); a
date becomes its EDTF string plus derived columns (`_first`, `_last`, `_precision`,
`_inferred`, `_reasoning`); a list of identifiers becomes a `;`-joined column and a link
table; a list of objects becomes a child table keyed by the owner and the item's 0-based
position (as in JSON pointers). Citations and former identifiers of every collection go to
one table each. The few names and derived tables that are editorial choices are data below."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from .. import edtf
from ..collections import COLLECTIONS
from ..load import Dataset
from ..schemas import field_rules, load_schemas, resolve, values_at
from .text import plain_text, prepare

Row = tuple[Any, ...]
Rows = dict[str, list[Row]]

# Child tables whose name is not <singular>_<field>.
TABLE_NAMES: dict[tuple[str, str], str] = {
    ("demand", "status_history"): "demand_status",
    ("demand", "raised_at"): "demand_occasions",
}
CITATIONS = "citations"
FORMER_IDS = "former_ids"
DATE_PARTS = ("", "_first", "_last", "_precision", "_inferred", "_reasoning")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless field type: string, integer, boolean, date
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    markdown: bool = False  # reduced from a Markdown field to plain text
    safe: bool = False  # its values never start with a formula character (ids, enumerations, dates)


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

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass
class Context:
    collection: str
    record_id: str
    rows: Rows


Step = Callable[[dict[str, Any], list[Any], tuple[Any, ...], str, Context], None]


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
        return all(str(v)[:1].isalnum() for v in node["enum"])
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


class _Compiler:
    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}

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

    def fields(self, schema: dict[str, Any], owner: _Owner, prefix: str, required: bool) -> list[Step]:
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
            if key == "$schema":
                continue
            steps.append(self.field(key, child, owner, prefix, key in needed, ref_lists))
        return steps

    def field(self, key: str, node: dict[str, Any], owner: _Owner, prefix: str, required: bool, ref_lists: dict[str, list[str]]) -> Step:
        name = prefix + key
        table = owner.table
        description = _description(node)
        if key == "former_ids":
            return _former_ids(key)
        if node.get("type") == "array" and _is_citations(node):
            return _citations(key)
        if _is_dated(node):
            table.columns.extend(_date_columns(name, description, required))
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
        table.columns.append(Column(name, _scalar_type(node), description, required, enum, markdown, _is_safe(node)))
        if "x-collection" in node:
            table.foreign_keys.append(ForeignKey((name,), node["x-collection"], ("id",)))
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
            Column(name, "string", f"{_description(node)} Identifiers joined with ';'; also in a link table.", required, safe=True)
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
        child = self.add(
            Table(
                name, f"One row per item of the '{key}' field of {owner.table.name}: {_description(node)}", (*owner.key_columns, "position")
            )
        )
        child.columns.extend(_key_columns(owner))
        child.columns.append(Column("position", "integer", f"0-based position in the '{key}' list (as in JSON pointers).", True))
        child.foreign_keys.append(ForeignKey(owner.key_columns, owner.table.name, owner.table.key))
        suffix = name.removeprefix(f"{owner.prefix}_")
        child_owner = _Owner(child, (*owner.key_columns, f"{_singular(suffix)}_position"), name)
        return _child_table(key, name, self.fields(items, child_owner, "", required=True))

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


def _date_columns(name: str, description: str, required: bool) -> list[Column]:
    return [
        Column(
            name,
            "string",
            f"{description} An EDTF date string (YYYY, YYYY-MM, YYYY-MM-DD, ~ approximate, ? uncertain, A/B interval).",
            required,
            safe=True,
        ),
        Column(f"{name}_first", "date", f"The first day the date '{name}' can mean (derived, for sorting).", required),
        Column(f"{name}_last", "date", f"The last day the date '{name}' can mean (derived, for sorting).", required),
        Column(
            f"{name}_precision",
            "string",
            f"The precision of '{name}': year, month or day (for an interval, the coarser end).",
            required,
            edtf.PRECISIONS,
            safe=True,
        ),
        Column(
            f"{name}_inferred",
            "boolean",
            f"Whether '{name}' was worked out from relative wording rather than stated by the source.",
            required,
        ),
        Column(f"{name}_reasoning", "string", f"How an inferred '{name}' was worked out."),
    ]


def _special_tables(compiler: _Compiler) -> None:
    citation = resolve(load_schemas()["defs"]["$defs"]["citation"])
    props = citation["properties"]
    compiler.add(
        Table(
            CITATIONS,
            "Every citation of every record: the verbatim words of a source that back a claim.",
            ("collection", "record_id", "pointer"),
            [
                Column("collection", "string", "The collection of the citing record.", True, tuple(COLLECTIONS), safe=True),
                Column("record_id", "string", "Identifier of the citing record (in the table named by 'collection').", True, safe=True),
                Column(
                    "pointer",
                    "string",
                    "JSON pointer to the citation inside the record, e.g. /status_history/0/citations/1.",
                    True,
                    safe=True,
                ),
                Column("source_id", "string", _description(resolve(props["source"])), True, safe=True),
                Column("quote", "string", _description(props["quote"]), True),
                Column("attribution", "string", _description(props["attribution"])),
                Column("supports", "string", _description(props["supports"]) + " Field names joined with ';'.", safe=True),
                Column("note", "string", _description(resolve(props["note"])) + " Plain text, reduced from Markdown.", markdown=True),
            ],
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
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], pointer: str, ctx: Context) -> None:
        value = data.get(key)
        row.append(plain_text(value) if markdown and value is not None else value)

    return step


def _date(key: str) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], pointer: str, ctx: Context) -> None:
        value = data.get(key)
        row.extend(date_cells(value) if value is not None else (None,) * len(DATE_PARTS))

    return step


def date_cells(value: dict[str, Any]) -> tuple[Any, ...]:
    return (value["date"], *_span(value["date"]), bool(value.get("inferred", False)), value.get("reasoning"))


@lru_cache(maxsize=65536)
def _span(text: str) -> tuple[str, str, str]:
    """First day, last day and precision of an EDTF date (dates repeat: parse each once)."""
    span = edtf.parse(text)
    return span.first.isoformat(), span.last.isoformat(), min(span.start.precision, span.end.precision, key=edtf.PRECISIONS.index)


def _object(key: str, steps: list[Step]) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], pointer: str, ctx: Context) -> None:
        inner = data.get(key) or {}
        for sub in steps:
            sub(inner, row, owner, f"{pointer}/{key}", ctx)

    return step


def _ref_list(key: str, link: str, role: str | None) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], pointer: str, ctx: Context) -> None:
        values = data.get(key) or []
        row.append(";".join(values) or None)
        out = ctx.rows[link]
        for position, value in enumerate(values):
            out.append((*owner, role, value, position) if role else (*owner, value, position))

    return step


def _string_list(key: str, link: str) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], pointer: str, ctx: Context) -> None:
        out = ctx.rows[link]
        for position, value in enumerate(data.get(key) or []):
            out.append((*owner, value, position))

    return step


def _child_table(key: str, name: str, steps: list[Step]) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], pointer: str, ctx: Context) -> None:
        out = ctx.rows[name]
        for position, item in enumerate(data.get(key) or []):
            child_key = (*owner, position)
            child_row: list[Any] = list(child_key)
            for sub in steps:
                sub(item, child_row, child_key, f"{pointer}/{key}/{position}", ctx)
            out.append(tuple(child_row))

    return step


def _citations(key: str) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], pointer: str, ctx: Context) -> None:
        out = ctx.rows[CITATIONS]
        for position, cite in enumerate(data.get(key) or []):
            note = cite.get("note")
            out.append(
                (
                    ctx.collection,
                    ctx.record_id,
                    f"{pointer}/{key}/{position}",
                    cite["source"],
                    cite["quote"],
                    cite.get("attribution"),
                    ";".join(cite.get("supports") or []) or None,
                    plain_text(note) if note is not None else None,
                )
            )

    return step


def _former_ids(key: str) -> Step:
    def step(data: dict[str, Any], row: list[Any], owner: tuple[Any, ...], pointer: str, ctx: Context) -> None:
        for former in data.get(key) or []:
            ctx.rows[FORMER_IDS].append((ctx.collection, ctx.record_id, former))

    return step


# ---------------------------------------------------------------- derived tables and columns


@dataclass(frozen=True)
class Derived:
    """Columns appended to a table, or a new table, computed from other rows by `fill`."""

    table: str
    columns: tuple[Column, ...]
    fill: Callable[[Rows, Schema], None]
    new: Table | None = None  # the table's description, key and foreign keys, when it is new
    after: str = ""  # a new table's place: after this table


def _latest_status(rows: Rows, schema: Schema) -> None:
    """demands.latest_status(_date): the last entry of each demand's status history."""
    status = schema.tables["demand_status"]
    at = {name: status.columns.index(status.column(name)) for name in ("demand_id", "status", "date")}
    latest = {row[at["demand_id"]]: (row[at["status"]], row[at["date"]]) for row in rows["demand_status"]}
    rows["demands"] = [(*row, *latest.get(row[0], (None, None))) for row in rows["demands"]]


def _demand_meetings(rows: Rows, schema: Schema) -> None:
    """Every (demand, meeting) pair the records tie together, from either side."""
    occasions = schema.tables["demand_occasions"]
    d, m = occasions.columns.index(occasions.column("demand_id")), occasions.columns.index(occasions.column("meeting"))
    raised = {(row[d], row[m]) for row in rows["demand_occasions"] if row[m] is not None}
    listed = {(demand, meeting) for meeting, demand, _ in rows["meeting_demands"]}
    rows["demand_meetings"] = [
        (demand, meeting, (demand, meeting) in raised, (demand, meeting) in listed) for demand, meeting in sorted(raised | listed)
    ]


_STATUSES = tuple(resolve(load_schemas()["demand"]["properties"]["status_history"]["items"]["properties"]["status"])["enum"])

DERIVED: tuple[Derived, ...] = (
    Derived(
        "demands",
        (
            Column("latest_status", "string", "The status in the last entry of the status history (derived).", enum=_STATUSES, safe=True),
            Column("latest_status_date", "string", "The EDTF date of the last entry of the status history (derived).", safe=True),
        ),
        _latest_status,
    ),
    Derived(
        "demand_meetings",
        (
            Column("demand_id", "string", "Identifier of the demand.", True, safe=True),
            Column("meeting_id", "string", "Identifier of the meeting.", True, safe=True),
            Column("raised_at", "boolean", "Whether the demand's 'raised_at' list names the meeting.", True),
            Column("listed_by_meeting", "boolean", "Whether the meeting's 'demands' list names the demand.", True),
        ),
        _demand_meetings,
        Table(
            "demand_meetings",
            "Every demand–meeting pair the records tie together, from either side (derived from demand_occasions and meeting_demands).",
            ("demand_id", "meeting_id"),
            foreign_keys=[ForeignKey(("demand_id",), "demands", ("id",)), ForeignKey(("meeting_id",), "meetings", ("id",))],
        ),
        after="demand_occasions",
    ),
)


def _add_derived(compiler: _Compiler) -> None:
    for derived in DERIVED:
        if derived.new is None:
            compiler.tables[derived.table].columns.extend(derived.columns)
            continue
        table = Table(derived.new.name, derived.new.description, derived.new.key, list(derived.columns), list(derived.new.foreign_keys))
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
    """Every table's rows, in key order (records are visited in id order)."""
    plan = schema()
    out: Rows = {name: [] for name in plan.tables}
    prepare(text for record in dataset.all() for text in _markdown(record.collection, record.data))
    for name in COLLECTIONS:
        records = dataset.records[name]
        table = out[name]
        steps = plan.steps[name]
        for record_id in sorted(records):
            ctx = Context(name, record_id, out)
            row: list[Any] = []
            for step in steps:
                step(records[record_id].data, row, (record_id,), "", ctx)
            table.append(tuple(row))
    for derived in DERIVED:
        derived.fill(out, plan)
    return out


def _markdown(collection: str, data: dict[str, Any]) -> Iterator[str]:
    for rule in field_rules(collection):
        if rule.kind == "markdown":
            yield from (value for _, value in values_at(data, rule.path) if isinstance(value, str))


def tables() -> Iterable[Table]:
    return schema().tables.values()
