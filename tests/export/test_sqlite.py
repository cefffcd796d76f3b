"""peacetalks.sqlite read with sqlite3, and peacetalks.metadata.json, from real exports.

Keys and indexes are compared with the tables' model (peacetalks.export.tables), rows with the
CSV files and datapackage.json that the same export wrote."""

from __future__ import annotations

import csv
import errno
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from peacetalks.export import DOWNLOADS
from peacetalks.export.package import DATA_LICENSE, TITLE
from peacetalks.export.sqlite import DATABASE, METADATA, SQLITE, VIEWS, fts_columns, list_columns, view_columns, write_sqlite
from peacetalks.export.tables import rows as table_rows
from peacetalks.export.tables import tables
from peacetalks.export.text import restore
from peacetalks.pipeline import check
from tests.conftest import RECORDS
from tests.pipeline.conftest import tmpfs

from .conftest import descriptor, is_list_field


@contextmanager
def database(out: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{out / SQLITE}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def csv_rows(out: Path, name: str) -> list[dict[str, str]]:
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
        return [{k: restore(v) for k, v in row.items()} for row in csv.DictReader(stream)]


def indexes(connection: sqlite3.Connection, table: str) -> list[tuple[str, ...]]:
    """The columns of every index on `table`, the primary key's own included, in index order."""
    found = []
    for row in connection.execute(f'PRAGMA index_list("{table}")'):
        info = connection.execute(f'PRAGMA index_info("{row[1]}")').fetchall()
        found.append(tuple(r[2] for r in sorted(info)))
    return found


def test_every_foreign_key_is_declared_and_indexed(exported: tuple[Path, Path]) -> None:
    _, out = exported
    with database(out) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        checked = 0
        for table in tables():
            declared: dict[int, tuple[str, list[str], list[str]]] = {}
            for row in connection.execute(f'PRAGMA foreign_key_list("{table.name}")'):
                _, columns, targets = declared.setdefault(row[0], (row[2], [], []))
                columns.append(row[3])
                targets.append(row[4])
            wanted = sorted((k.table, list(k.columns), list(k.target)) for k in table.foreign_keys)
            assert sorted(declared.values()) == wanted, table.name
            found = indexes(connection, table.name)
            for key in table.foreign_keys:
                assert any(index[: len(key.columns)] == key.columns for index in found), (table.name, key.columns, found)
                checked += 1
        assert checked >= 20, "the model has foreign keys in most tables"
        named = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'")}
        assert "idx_occasions_meeting_id" in named and "idx_citations_source_id" in named


def test_list_columns_are_json_arrays_that_json_each_reads(exported: tuple[Path, Path]) -> None:
    _, out = exported
    package = {r["name"]: r for r in descriptor(out)["resources"]}
    seen = 0
    with database(out) as connection:
        for table in tables():
            fields = package[table.name]["schema"]["fields"]
            assert list(list_columns(table)) == [f["name"] for f in fields if is_list_field(f)], table.name
            rows = csv_rows(out, table.name)
            for name in list_columns(table):
                stored = [r[0] for r in connection.execute(f'SELECT "{name}" FROM "{table.name}" ORDER BY rowid')]
                assert [None if v is None else json.loads(v) for v in stored] == [r[name].split(";") if r[name] else None for r in rows]
                assert connection.execute(
                    f'SELECT count(*) FROM "{table.name}" WHERE "{name}" IS NOT NULL AND json_valid("{name}") = 0'
                ).fetchone() == (0,)
                seen += sum(v is not None for v in stored)
        each = connection.execute("SELECT d.id, j.value, j.key FROM demands AS d, json_each(d.topics) AS j ORDER BY d.id, j.key").fetchall()
        links = connection.execute("SELECT demand_id, topic_id, position FROM demand_topics ORDER BY demand_id, position").fetchall()
        assert each == links and links
    assert seen > 0


def test_booleans_are_zero_or_one(exported: tuple[Path, Path]) -> None:
    _, out = exported
    with database(out) as connection:
        for table in tables():
            for column in table.columns:
                if column.type == "boolean":
                    values = {
                        r for r in connection.execute(f'SELECT DISTINCT typeof("{column.name}"), "{column.name}" FROM "{table.name}"')
                    }
                    assert values <= {("integer", 0), ("integer", 1), ("null", None)}, (table.name, column.name, values)


def _word(text: str) -> str:
    return max(re.findall(r"[A-Za-z]{4,}", text), key=len)


def test_full_text_search_finds_each_tables_rows(exported: tuple[Path, Path]) -> None:
    """For every searched column of every table, a long word of its first value finds that row."""
    _, out = exported
    searched = [t for t in tables() if fts_columns(t)]
    assert {"demands", "citations", "occasions", "sources"} <= {t.name for t in searched}
    assert {"quote", "attribution", "note"} <= set(fts_columns(next(t for t in searched if t.name == "citations")))
    with database(out) as connection:
        for table in searched:
            info = [r[1] for r in connection.execute(f'PRAGMA table_info("{table.name}_fts")')]
            assert info == list(fts_columns(table)), table.name
            for column in fts_columns(table):
                row = connection.execute(
                    f'SELECT rowid, "{column}" FROM "{table.name}" WHERE "{column}" GLOB \'*[A-Za-z][A-Za-z][A-Za-z][A-Za-z]*\' '
                    "ORDER BY rowid LIMIT 1"
                ).fetchone()
                if row is None:
                    continue
                query = f'{column}:"{_word(row[1])}"'
                found = [
                    r[0] for r in connection.execute(f'SELECT rowid FROM "{table.name}_fts" WHERE "{table.name}_fts" MATCH ?', (query,))
                ]
                assert row[0] in found, (table.name, column, query)


def test_full_text_search_of_a_real_quote_finds_its_citation(real_export: Path) -> None:
    citation = csv_rows(real_export, "citations")[0]
    word = _word(citation["quote"])
    with database(real_export) as connection:
        found = connection.execute(
            "SELECT c.record_id, c.citation_id FROM citations_fts JOIN citations AS c ON c.rowid = citations_fts.rowid "
            "WHERE citations_fts MATCH ? ORDER BY rank",
            (f"quote:{word}",),
        ).fetchall()
    assert (citation["record_id"], citation["citation_id"]) in found


def test_views_agree_with_the_csv_files(exported: tuple[Path, Path]) -> None:
    _, out = exported
    demands = csv_rows(out, "demands")
    actors = {r["id"]: r["name"] for r in csv_rows(out, "actors")}
    topics = {r["id"]: r["title"] for r in csv_rows(out, "topics")}
    occasions = {(r["demand_id"], r["occasion_id"]): r for r in csv_rows(out, "occasions")}
    meetings = {r["id"]: r["title"] for r in csv_rows(out, "meetings")}
    documents = {r["id"]: r["title"] for r in csv_rows(out, "documents")}

    def listed(cell: str, names: dict[str, str] | None = None) -> Any:
        return [names[i] if names else i for i in cell.split(";")] if cell else None

    with database(out) as connection:
        connection.row_factory = sqlite3.Row
        for view in VIEWS:
            shown = [r[1] for r in connection.execute(f'PRAGMA table_info("{view.name}")')]
            assert shown == list(view_columns(view, tables())), view.name
        rows = [dict(r) for r in connection.execute("SELECT * FROM demand_overview ORDER BY id")]
        assert [r["id"] for r in rows] == [d["id"] for d in demands]
        for row, demand in zip(rows, demands, strict=True):
            for name in ("made_by", "made_of", "topics"):
                assert (json.loads(row[name]) if row[name] else None) == listed(demand[name]), (demand["id"], name)
            assert (json.loads(row["made_by_names"]) if row["made_by_names"] else None) == listed(demand["made_by"], actors)
            assert (json.loads(row["made_of_names"]) if row["made_of_names"] else None) == listed(demand["made_of"], actors)
            assert (json.loads(row["topic_titles"]) if row["topic_titles"] else None) == listed(demand["topics"], topics)
            assert (row["title"], row["current_status"] or "", row["first_raised"]) == (
                demand["title"],
                demand["current_status"],
                demand["first_raised"],
            )
            setting = occasions[(demand["id"], demand["status_occasion_id"])] if demand["status_occasion_id"] else None
            assert (row["status_date"] or "") == (setting["date"] if setting else "")
            assert (row["status_meeting_id"] or "") == (setting["meeting_id"] if setting else "")
        rows = [dict(r) for r in connection.execute("SELECT * FROM occasion_overview ORDER BY demand_id, occasion_id")]
    assert [(r["demand_id"], r["occasion_id"]) for r in rows] == sorted(occasions)
    titles = {d["id"]: d["title"] for d in demands}
    for row in rows:
        occasion = occasions[(row["demand_id"], row["occasion_id"])]
        assert row["demand_title"] == titles[row["demand_id"]]
        assert (row["date"], row["act"], row["sets_status"] or "") == (occasion["date"], occasion["act"], occasion["sets_status"])
        assert (row["meeting_title"] or "") == (meetings[occasion["meeting_id"]] if occasion["meeting_id"] else "")
        assert (row["document_title"] or "") == (documents[occasion["document_id"]] if occasion["document_id"] else "")
        assert (json.loads(row["by"]) if row["by"] else None) == listed(occasion["by"])
    assert any(r["meeting_title"] for r in rows) or not meetings


def test_the_datasette_metadata_describes_every_table_and_column(exported: tuple[Path, Path]) -> None:
    _, out = exported
    metadata = json.loads((out / METADATA).read_text("utf-8"))
    assert (metadata["title"], metadata["license"], metadata["license_url"]) == (TITLE, DATA_LICENSE["title"], DATA_LICENSE["path"])
    assert metadata["source"] and "source_url" not in metadata, "no site address is configured in the tests"
    described = metadata["databases"][DATABASE]["tables"]
    assert Path(SQLITE).stem == DATABASE
    package = descriptor(out)
    for resource in package["resources"]:
        entry = described[resource["name"]]
        assert entry["description"] == resource["description"]
        assert entry["columns"] == {f["name"]: f["description"] for f in resource["schema"]["fields"]}
        lists = [f["name"] for f in resource["schema"]["fields"] if is_list_field(f)]
        assert entry.get("facets", []) == [{"array": name} for name in lists]
    with database(out) as connection:
        views = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")]
    assert sorted(set(described) - {r["name"] for r in package["resources"]}) == views
    assert METADATA in {name for name, _ in DOWNLOADS}


def test_the_site_address_becomes_the_source_url(tmp_path: Path) -> None:
    from tests.export.conftest import HOSTILE, export

    out = export(HOSTILE, tmp_path / "data", PEACETALKS_SITE_URL="https://peacetalks.example.org/")
    metadata = json.loads((out / METADATA).read_text("utf-8"))
    assert metadata["source_url"] == "https://peacetalks.example.org/"


def test_a_full_disk_is_the_os_error_naming_the_database_and_leaves_nothing(tmp_path: Path) -> None:
    """SQLite's own failure to write (SQLITE_FULL in VACUUM INTO) comes back as ENOSPC on the file's path."""
    dataset, problems = check(RECORDS)
    assert not problems
    every = list(tables())
    rows = table_rows(dataset)
    with tmpfs(tmp_path / "full", "size=64k") as mount:
        target = mount / SQLITE
        with pytest.raises(OSError) as caught:
            write_sqlite(target, every, rows, {"name": "peacetalks"})
        assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target), caught.value
        assert "SQLite" in str(caught.value)
        assert list(mount.iterdir()) == [], "no database and no temporary file is left"
