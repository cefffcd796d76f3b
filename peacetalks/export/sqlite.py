"""The SQLite database of the exports (peacetalks.sqlite), built with sqlite-utils, and the
Datasette metadata beside it (peacetalks.metadata.json).

A table per export table, with the CSV file's name and columns in its order; its primary key and
foreign keys; an index on every foreign-key column that its primary key does not already lead
with; a list column (`;`-joined in the CSV) as text holding a JSON array, so `json_each` and
Datasette's array facets read it; booleans as 0/1. FTS5 (`<table>_fts`, porter stemming) on the
titles, summaries, quotes, attributions, wordings and notes (`fts_columns`); views for the common
questions (`VIEWS`); an `about` table with the dataset's name, version, creation time and licence.

The same rows give the same bytes: the database is built in memory, tables in the export's
order, rows in the order the tables give them (the CSV's), then written with VACUUM INTO, which
lays the pages out afresh, through `files.atomic_write`. A failure to write the file is the OS
error it stands for (`_os_error`): a full disk is ENOSPC, a read-only file system EROFS."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from . import package
from .files import atomic_write, write_json
from .optional import absent
from .tables import LIST_DELIMITER, ForeignKey, Row, Rows, Table

SQLITE = "peacetalks.sqlite"
METADATA = "peacetalks.metadata.json"  # `datasette peacetalks.sqlite --metadata peacetalks.metadata.json`
DATABASE = SQLITE.removesuffix(".sqlite")  # Datasette names a database after its file
TOKENIZE = "porter unicode61"
# Text columns under full-text search besides each collection's title and Markdown (Table.search).
SEARCHED = ("quote", "original_quote", "attribution", "wording", "note", "notes")
PYTHON_TYPES: dict[str, type] = {"string": str, "boolean": int, "integer": int, "number": float, "date": str}


def fts_columns(table: Table) -> tuple[str, ...]:
    """The columns of `table` in its `<table>_fts` index, in column order; () for none."""
    wanted = set(table.search) | set(SEARCHED)
    return tuple(c.name for c in table.columns if c.name in wanted and c.type == "string")


def list_columns(table: Table) -> tuple[str, ...]:
    """The columns that hold a JSON array here (`;`-joined identifiers in the CSV)."""
    return tuple(c.name for c in table.columns if c.joined)


def index_name(table: str, columns: Iterable[str]) -> str:
    return f"idx_{table}_{'_'.join(columns)}"


def indexed_keys(table: Table) -> list[tuple[str, ...]]:
    """The foreign keys that get an index of their own: those the primary key does not lead with."""
    out: list[tuple[str, ...]] = []
    for key in table.foreign_keys:
        if table.key[: len(key.columns)] != key.columns and key.columns not in out:
            out.append(key.columns)
    return out


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class Shown:
    """A column of a view: its name, the SQL giving it, and what describes it: `table.column`
    (that column's description) or the description itself."""

    name: str
    sql: str
    about: str


@dataclass(frozen=True)
class View:
    name: str
    description: str
    columns: tuple[Shown, ...]
    source: str  # the FROM clause

    @property
    def sql(self) -> str:
        shown = ", ".join(c.sql if c.sql.rsplit(".", 1)[-1].strip('"') == c.name else f'{c.sql} AS "{c.name}"' for c in self.columns)
        return f"SELECT {shown} FROM {self.source}"


def _of(alias: str, table: str, *names: str) -> tuple[Shown, ...]:
    return tuple(Shown(name, f'{alias}."{name}"' if name in ("by", "of") else f"{alias}.{name}", f"{table}.{name}") for name in names)


def _labels(link: str, column: str, target: str, label: str, where: str, about: str, name: str) -> Shown:
    """A JSON array of the labels of the records a link table names, in list order; NULL for none (as the list column)."""
    sql = (
        f"nullif((SELECT json_group_array({label}) FROM (SELECT t.{label} FROM {link} AS x JOIN {target} AS t ON t.id = x.{column} "
        f"WHERE {where} ORDER BY x.position)), '[]')"
    )
    return Shown(name, sql, about)


VIEWS = (
    View(
        "demand_overview",
        "One row per demand: who made it of whom (identifiers and names), its topics (identifiers and titles), when it "
        "was first raised and last stated, its current status and the occasion, date and meeting that set it.",
        (
            *_of("d", "demands", "id", "title", "kind", "made_by"),
            _labels(
                "demand_actors",
                "actor_id",
                "actors",
                "name",
                "x.demand_id = d.id AND x.role = 'made_by'",
                "The names of the actors in made_by, in the same order (a JSON array).",
                "made_by_names",
            ),
            *_of("d", "demands", "made_of"),
            _labels(
                "demand_actors",
                "actor_id",
                "actors",
                "name",
                "x.demand_id = d.id AND x.role = 'made_of'",
                "The names of the actors in made_of, in the same order (a JSON array).",
                "made_of_names",
            ),
            *_of("d", "demands", "topics"),
            _labels(
                "demand_topics",
                "topic_id",
                "topics",
                "title",
                "x.demand_id = d.id",
                "The titles of the topics in topics, in the same order (a JSON array).",
                "topic_titles",
            ),
            *_of("d", "demands", "first_raised", "first_raised_first", "last_stated", "last_stated_last"),
            *_of("d", "demands", "current_status", "status_occasion_id"),
            Shown("status_date", "s.date", "The date of the occasion that set the current status (occasions.date)."),
            Shown("status_meeting_id", "s.meeting_id", "The meeting of the occasion that set the current status, if it was at one."),
        ),
        "demands AS d LEFT JOIN occasions AS s ON s.demand_id = d.id AND s.occasion_id = d.status_occasion_id",
    ),
    View(
        "occasion_overview",
        "One row per occasion of a demand: its demand's title, its effective date, the act and the status it sets, who "
        "acted of whom, and the titles of its meeting and of its document.",
        (
            *_of("o", "occasions", "demand_id"),
            Shown("demand_title", "d.title", "The title of the demand (demands.title)."),
            *_of("o", "occasions", "occasion_id", "position", "date", "date_first", "date_last", "date_from"),
            *_of("o", "occasions", "act", "sets_status", "by", "of", "meeting_id"),
            Shown("meeting_title", "m.title", "The title of the meeting in meeting_id (meetings.title)."),
            *_of("o", "occasions", "document_id"),
            Shown("document_title", "doc.title", "The title of the document in document_id (documents.title)."),
            *_of("o", "occasions", "wording", "note"),
        ),
        "occasions AS o JOIN demands AS d ON d.id = o.demand_id "
        "LEFT JOIN meetings AS m ON m.id = o.meeting_id LEFT JOIN documents AS doc ON doc.id = o.document_id",
    ),
)


def view_columns(view: View, tables: Iterable[Table]) -> dict[str, str]:
    """Each column of the view and its description."""
    known = {(t.name, c.name): c.description for t in tables for c in t.columns}
    out = {}
    for column in view.columns:
        table, _, name = column.about.partition(".")
        out[column.name] = known.get((table, name), column.about)
    return out


# ---------------------------------------------------------------- the database


def _rows(table: Table, rows: list[Row]) -> Iterable[Row]:
    """The rows with their list columns as compact JSON arrays (`["russia","nato"]`, as SQLite's own
    json_group_array writes them). A generator: each new row is dropped once inserted, so that the
    garbage collector is not set to scan the whole dataset again and again."""
    lists = [i for i, c in enumerate(table.columns) if c.joined]
    if not lists:
        yield from rows
        return
    dumps = orjson.dumps
    for row in rows:
        cells = list(row)
        for i in lists:
            if cells[i] is not None:
                cells[i] = dumps(cells[i].split(LIST_DELIMITER)).decode()
        yield tuple(cells)


def creation_order(tables: list[Table]) -> tuple[list[Table], dict[str, list[ForeignKey]]]:
    """The tables with each one's targets before it where possible (sqlite-utils checks that a
    foreign key's table exists), and the keys that close a cycle (demands → occasions → demands),
    to be added once both tables exist."""
    named = {t.name: t for t in tables}
    order: list[Table] = []
    later: dict[str, list[ForeignKey]] = {}
    state: dict[str, str] = {}

    def visit(table: Table) -> None:
        state[table.name] = "open"
        for key in table.foreign_keys:
            if key.table == table.name or state.get(key.table) == "done":
                continue
            if state.get(key.table) == "open":
                later.setdefault(table.name, []).append(key)
            else:
                visit(named[key.table])
        state[table.name] = "done"
        order.append(table)

    for table in tables:
        if table.name not in state:
            visit(table)
    return order, later


def _sqlite_utils() -> Any:
    """sqlite-utils, imported without the pandas and numpy it would import for nothing (optional.py)."""
    with absent("pandas", "numpy"):
        import sqlite_utils
    return sqlite_utils


def build(connection: sqlite3.Connection, tables: list[Table], rows: Rows, about: dict[str, str]) -> None:
    """Fill an empty database with every table, index, full-text index and view.

    sqlite-utils makes the schema; the rows go in with one `executemany` per table (sqlite-utils'
    `insert_all` converts every value in Python, several times slower for the same result)."""
    db = _sqlite_utils().Database(connection, execute_plugins=False)
    db.table("about").create({"key": str, "value": str}, pk="key", not_null=["key", "value"])
    order, later = creation_order(tables)
    for table in order:
        deferred = later.get(table.name, [])
        db.table(table.name).create(
            {c.name: PYTHON_TYPES[c.type] for c in table.columns},
            pk=table.key[0] if len(table.key) == 1 else table.key,
            not_null=[c.name for c in table.columns if c.required],
            foreign_keys=[(k.columns, k.table, k.target) for k in table.foreign_keys if k not in deferred],
        )
    for name, keys in sorted(later.items()):
        specs = [(k.columns, k.table, k.target) for k in keys]
        db.table(name).transform(add_foreign_keys=db.resolve_foreign_keys(name, specs))  # still empty: cheap
    connection.executemany('INSERT INTO "about" VALUES (?, ?)', sorted(about.items()))
    for table in tables:
        marks = ", ".join("?" * len(table.columns))
        connection.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', _rows(table, rows[table.name]))
        for columns in indexed_keys(table):
            db.table(table.name).create_index(columns, index_name=index_name(table.name, columns))
        searched = fts_columns(table)
        if searched:
            db.table(table.name).enable_fts(searched, fts_version="FTS5", tokenize=TOKENIZE, create_triggers=False)
    for view in VIEWS:
        db.create_view(view.name, view.sql)


def write_sqlite(path: Path, tables: Iterable[Table], rows: Rows, about: dict[str, str]) -> None:
    """Build the database in memory, then VACUUM INTO the file: same rows, same bytes."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("PRAGMA page_size = 4096")
        build(connection, list(tables), rows, about)
        connection.commit()

        def write(target: Path) -> None:
            try:
                connection.execute("VACUUM INTO ?", (str(target),))
            except sqlite3.Error as exc:
                raise _os_error(exc, path) from exc

        atomic_write(path, write)
    finally:
        connection.close()


_SQLITE_ERRNO = {"SQLITE_FULL": errno.ENOSPC, "SQLITE_READONLY": errno.EROFS, "SQLITE_PERM": errno.EACCES}


def _os_error(exc: sqlite3.Error, path: Path) -> OSError:
    """SQLite's failure to write the file as the OS error it stands for (a full disk is ENOSPC)."""
    primary = "_".join(str(getattr(exc, "sqlite_errorname", "")).split("_")[:2])  # SQLITE_READONLY_DIRECTORY: SQLITE_READONLY
    return OSError(_SQLITE_ERRNO.get(primary, errno.EIO), f"SQLite: {exc}", str(path))


# ---------------------------------------------------------------- Datasette's metadata


def _site_url() -> str:
    from ..site.feed import site_url

    return site_url()


def metadata(tables: Iterable[Table], version: str, created: str) -> dict[str, Any]:
    """Datasette's metadata (0.x `--metadata` format): the dataset's title, description, licence
    and source, and for every table and view its description, its columns' and its facets. The
    source's address is the site's (PEACETALKS_SITE_URL, else mkdocs.yml's site_url), left out
    while none is set."""
    licence = package.DATA_LICENSE
    out: dict[str, Any] = {
        "title": package.TITLE,
        "description": (
            "An open, hand-curated dataset of the demands made and the meetings held in the negotiations to end "
            "Russia's war against Ukraine; every claim cites a source and the verbatim words that back it. "
            f"Version {version}, built {created}. Lists of identifiers are JSON arrays; the _fts tables search titles, "
            "summaries, quotes and notes; the data dictionary documents every column."
        ),
        "license": licence["title"],
        "license_url": licence["path"],
        "source": "The peacetalks records, each citing the published sources in the sources table",
    }
    site = _site_url()
    if site:
        out["source_url"] = site + "/"
    described: dict[str, Any] = {}
    every = list(tables)
    for table in every:
        entry: dict[str, Any] = {
            "description": table.description,
            "columns": {c.name: c.description for c in table.columns},
        }
        facets = [{"array": name} for name in list_columns(table)]
        if facets:
            entry["facets"] = facets
        if fts_columns(table):
            entry["fts_table"] = f"{table.name}_fts"
        described[table.name] = entry
    for view in VIEWS:
        described[view.name] = {"description": view.description, "columns": view_columns(view, every)}
    out["databases"] = {DATABASE: {"tables": described}}
    return out


def write_metadata(path: Path, tables: Iterable[Table], version: str, created: str) -> None:
    write_json(path, metadata(tables, version, created))


# ---------------------------------------------------------------- the research questions


@dataclass(frozen=True)
class Question:
    """A research question, answered by one SQL query on peacetalks.sqlite and one pandas
    expression on the CSV files (run in the data folder, `import pandas as pd`); both give the
    same rows. The data dictionary prints them; tests/export/test_research_queries.py runs them."""

    title: str
    text: str
    sql: str
    pandas: str


AS_OF = "2025-03-01"  # the day of the example "status as of a given date"

QUESTIONS = (
    Question(
        "Russia's demands of Ukraine, with first and last date and current status",
        "Demands whose makers (`made_by`) include Russia and whose addressees (`made_of`) include Ukraine; "
        "the list columns are JSON arrays in SQLite, `;`-joined in the CSV.",
        """\
SELECT id, title, first_raised, last_stated, current_status
FROM demands
WHERE 'russia' IN (SELECT value FROM json_each(made_by))
  AND 'ukraine' IN (SELECT value FROM json_each(made_of))
ORDER BY first_raised_first, id;""",
        """\
pd.read_csv("demands.csv").sort_values(["first_raised_first", "id"]).loc[
    lambda d: d.made_by.str.contains(r"(?:^|;)russia(?:;|$)", na=False)
    & d.made_of.str.contains(r"(?:^|;)ukraine(?:;|$)", na=False),
    ["id", "title", "first_raised", "last_stated", "current_status"],
]""",
    ),
    Question(
        "Demands per meeting",
        "How many demands had an occasion at each meeting (any act: raised, restated, discussed, answered, mentioned).",
        """\
SELECT m.id, m.title, count(DISTINCT o.demand_id) AS demands
FROM meetings AS m JOIN occasions AS o ON o.meeting_id = m.id
GROUP BY m.id, m.title
ORDER BY m.id;""",
        """\
pd.read_csv("occasions.csv").merge(pd.read_csv("meetings.csv"), left_on="meeting_id", right_on="id").groupby(
    ["id", "title"]
)["demand_id"].nunique()""",
    ),
    Question(
        "Demands per topic per party",
        "How many demands each actor made (`demand_actors` with the role `made_by`) on each topic.",
        """\
SELECT t.topic_id, a.actor_id, count(*) AS demands
FROM demand_topics AS t
JOIN demand_actors AS a ON a.demand_id = t.demand_id AND a.role = 'made_by'
GROUP BY t.topic_id, a.actor_id
ORDER BY t.topic_id, a.actor_id;""",
        """\
pd.read_csv("demand_topics.csv").merge(
    pd.read_csv("demand_actors.csv").query("role == 'made_by'"), on="demand_id"
).groupby(["topic_id", "actor_id"]).size()""",
    ),
    Question(
        f"Status as of a given date ({AS_OF})",
        "Each demand's status on a day: the status set by its latest occasion (by `position`, the date order) that "
        "sets one and certainly began by then (`date_first` on or before the day). Demands with no such occasion "
        "are left out. SQLite takes the other columns from the row holding `max(position)`.",
        f"""\
SELECT demand_id, sets_status AS status, occasion_id, max(position) AS position
FROM occasions
WHERE sets_status IS NOT NULL AND date_first <= '{AS_OF}'
GROUP BY demand_id
ORDER BY demand_id;""",
        f"""\
pd.read_csv("occasions.csv").query("sets_status.notna() and date_first <= '{AS_OF}'").sort_values(
    ["demand_id", "position"]
).drop_duplicates("demand_id", keep="last")[["demand_id", "sets_status", "occasion_id", "position"]]""",
    ),
    Question(
        "Which meeting changed a demand's status",
        "Every occasion at a meeting that set a demand's status (`sets_status`), with the meeting, in each demand's order.",
        """\
SELECT o.demand_id, o.occasion_id, o.sets_status, m.id AS meeting_id, m.title
FROM occasions AS o JOIN meetings AS m ON m.id = o.meeting_id
WHERE o.sets_status IS NOT NULL
ORDER BY o.demand_id, o.position;""",
        """\
pd.read_csv("occasions.csv").query("sets_status.notna()").merge(
    pd.read_csv("meetings.csv"), left_on="meeting_id", right_on="id"
).sort_values(["demand_id", "position"])[["demand_id", "occasion_id", "sets_status", "meeting_id", "title"]]""",
    ),
)
