"""A release of the real records, opened with every tool the venv pins, without a warning a user
would have to work around: frictionless, pandas, polars, duckdb, openpyxl, sqlite3, csvkit,
sqlite-utils and check-jsonschema (datasette: tests/export/test_datasette.py starts it). A tool
that is missing fails here (a broken pin), it is never skipped.

Types come from datapackage.json, as a reader would take them, and so does a list's delimiter."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pandas as pd
import polars as pl
import pytest
from frictionless import validate

from peacetalks.collections import COLLECTIONS
from peacetalks.export import dataset_version
from peacetalks.release import zip_name
from tests.conftest import RECORDS, run_build

from .conftest import read_csv

BIN = Path(sys.executable).parent
POLARS = {"string": pl.String, "list": pl.String, "integer": pl.Int64, "boolean": pl.Boolean, "date": pl.Date, "number": pl.Float64}
DUCKDB = {"string": "VARCHAR", "list": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE", "number": "DOUBLE"}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release zip of the real records (`build.py release`), unpacked: its top folder."""
    out = tmp_path_factory.mktemp("release")
    result = run_build("release", "--records", str(RECORDS), "--out", str(out / "dist"))
    assert result.returncode == 0, result.stderr
    archive = out / "dist" / zip_name(dataset_version())
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(out / "unpacked")
    (top,) = (out / "unpacked").iterdir()
    return top


@contextmanager
def no_warnings() -> Iterator[None]:
    """Any warning raised inside is an error (the test fails with it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def resources(data: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((data / "datapackage.json").read_text("utf-8"))["resources"]
    assert len(found) >= 20
    return found


def lists(resource: dict[str, Any]) -> dict[str, str]:
    """The list fields of a resource and their delimiters, as datapackage.json declares them."""
    return {f["name"]: f["delimiter"] for f in resource["schema"]["fields"] if f["type"] == "list"}


def test_the_release_holds_every_data_file_and_the_schemas(release: Path) -> None:
    data = release / "data"
    for resource in resources(data):
        assert (data / resource["path"]).is_file() and (data / f"{resource['name']}.parquet").is_file()
    assert {"peacetalks.sqlite", "peacetalks.xlsx", "dataset.json"} <= {p.name for p in data.iterdir()}
    assert {f"{info.schema}.schema.json" for info in COLLECTIONS.values()} <= {p.name for p in (release / "schema").iterdir()}


def test_frictionless_validates_the_release_with_foreign_keys_and_no_warning(release: Path) -> None:
    data = release / "data"
    command = [sys.executable, "-W", "error", str(BIN / "frictionless"), "validate", "--json", "datapackage.json"]
    result = subprocess.run(command, cwd=data, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["valid"] and report["warnings"] == [] and report["stats"]["warnings"] == 0
    assert all(task["valid"] and not task["warnings"] for task in report["tasks"])
    with no_warnings():
        assert validate(data / "datapackage.json").valid
    assert sum(bool(r["schema"].get("foreignKeys")) for r in resources(data)) >= 15


def test_pandas_reads_every_csv_parquet_and_sheet(release: Path) -> None:
    data = release / "data"
    with no_warnings():
        sheets = pd.read_excel(data / "peacetalks.xlsx", sheet_name=None, engine="openpyxl")
        for resource in resources(data):
            frame = read_csv(data, resource)  # the dtypes datapackage.json declares
            typed = pd.read_parquet(data / f"{resource['name']}.parquet")
            assert list(frame.columns) == list(typed.columns) == list(sheets[resource["name"]].columns), resource["name"]
            assert len(frame) == len(typed) == len(sheets[resource["name"]]), resource["name"]
            for name, delimiter in lists(resource).items():
                split = [None if v is pd.NA else v.split(delimiter) for v in frame[name]]
                assert split == [None if v is None else list(v) for v in typed[name]], (resource["name"], name)


def test_polars_reads_every_csv_and_splits_lists_on_the_declared_delimiter(release: Path) -> None:
    data = release / "data"
    with no_warnings():
        for resource in resources(data):
            fields = resource["schema"]["fields"]
            frame = pl.read_csv(data / resource["path"], schema_overrides={f["name"]: POLARS[f["type"]] for f in fields})
            typed = pl.read_parquet(data / f"{resource['name']}.parquet")
            assert frame.columns == typed.columns and frame.height == typed.height, resource["name"]
            for field in fields:
                if field["type"] in ("integer", "boolean", "date"):
                    assert frame[field["name"]].to_list() == typed[field["name"]].to_list(), (resource["name"], field["name"])
            for name, delimiter in lists(resource).items():
                split = frame.select(pl.col(name).str.split(delimiter))[name]
                assert split.to_list() == typed[name].to_list(), (resource["name"], name)
    demands = pl.read_csv(data / "demands.csv", schema_overrides={"topics": pl.String}).with_columns(
        pl.col("topics").str.split(lists(next(r for r in resources(data) if r["name"] == "demands"))["topics"])
    )
    assert demands.explode("topics")["topics"].drop_nulls().n_unique() >= 5, "a list column is a list"


def test_duckdb_reads_every_csv_auto_and_every_parquet(release: Path) -> None:
    data = release / "data"
    connection = duckdb.connect()
    try:
        for resource in resources(data):
            csv_path, parquet_path = data / resource["path"], data / f"{resource['name']}.parquet"
            auto = connection.sql(f"SELECT * FROM read_csv_auto('{csv_path}')")
            typed = connection.sql(f"SELECT * FROM read_parquet('{parquet_path}')")
            fields = resource["schema"]["fields"]
            assert auto.columns == typed.columns == [f["name"] for f in fields], resource["name"]
            rows = auto.fetchall()
            assert len(rows) == len(typed.fetchall()), resource["name"]
            for index, (field, kind) in enumerate(zip(fields, auto.types, strict=True)):
                if any(row[index] is not None for row in rows):  # an empty column has nothing to sniff a type from
                    assert str(kind) == DUCKDB[field["type"]], (resource["name"], field["name"], kind)
            for name, delimiter in lists(resource).items():
                split = connection.execute(f"SELECT string_split(\"{name}\", ?) FROM read_csv_auto('{csv_path}')", [delimiter]).fetchall()
                listed = connection.sql(f"SELECT \"{name}\" FROM read_parquet('{parquet_path}')").fetchall()
                assert split == listed, (resource["name"], name)
    finally:
        connection.close()


def test_openpyxl_and_sqlite3_open_the_workbook_and_the_database(release: Path) -> None:
    data = release / "data"
    with no_warnings():
        book = openpyxl.load_workbook(data / "peacetalks.xlsx", read_only=True)
        try:
            assert book.sheetnames == ["README", *(r["name"] for r in resources(data))]
        finally:
            book.close()
    connection = sqlite3.connect(f"file:{data / 'peacetalks.sqlite'}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        for resource in resources(data):
            count = connection.execute(f'SELECT count(*) FROM "{resource["name"]}"').fetchone()
            assert count is not None and count[0] == len(read_csv(data, resource)), resource["name"]
    finally:
        connection.close()


def test_csvkit_and_sqlite_utils_open_the_csvs_and_the_database(release: Path) -> None:
    """csvclean finds no row of the wrong length (and finds the one of a broken file); sqlite-utils counts every table."""
    data = release / "data"
    for resource in resources(data):
        result = subprocess.run(
            [str(BIN / "csvclean"), "--length-mismatch", resource["path"]],
            cwd=data,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0 and result.stderr == "", (resource["path"], result.stderr[-1000:])
    broken = data.parent / "broken.csv"
    broken.write_text("a,b\n1\n", encoding="utf-8")
    assert subprocess.run([str(BIN / "csvclean"), "--length-mismatch", str(broken)], capture_output=True, timeout=120).returncode == 1
    result = subprocess.run(
        [str(BIN / "sqlite-utils"), "tables", str(data / "peacetalks.sqlite"), "--counts"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    counts = {entry["table"]: entry["count"] for entry in json.loads(result.stdout)}
    for resource in resources(data):
        assert counts[resource["name"]] == len(read_csv(data, resource)), resource["name"]


def _records(release: Path, tmp_path: Path) -> dict[str, list[Path]]:
    """dataset.json's records, one file each by collection, as a reader would cut them out."""
    document = json.loads((release / "data" / "dataset.json").read_text("utf-8"))
    out: dict[str, list[Path]] = {}
    for collection, records in document["collections"].items():
        folder = tmp_path / collection
        folder.mkdir()
        for record in records:
            path = folder / f"{record['id']}.json"
            path.write_text(json.dumps(record), encoding="utf-8")
            out.setdefault(collection, []).append(path)
    return out


def _check_jsonschema(release: Path, collection: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    schema = release / "schema" / f"{COLLECTIONS[collection].schema}.schema.json"
    tool = BIN / "check-jsonschema"
    assert tool.is_file(), "check-jsonschema is pinned in requirements-dev.txt"
    command = [str(tool), "--base-uri", schema.as_uri(), "--schemafile", str(schema), *map(str, files)]  # the $ids are relative
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def test_check_jsonschema_passes_the_records_as_dataset_json_holds_them(release: Path, tmp_path: Path) -> None:
    """Each record of dataset.json, written to a file as it stands there, passes its published schema."""
    found = _records(release, tmp_path)
    assert set(found) == set(COLLECTIONS)
    for collection, files in found.items():
        result = _check_jsonschema(release, collection, files)
        assert result.returncode == 0, (collection, result.stdout[-2000:], result.stderr[-2000:])
