"""Stage 3b: the downloadable data files, from a checked Dataset.

`write_exports(dataset, out)` writes one CSV and one Parquet file per table (see `DOWNLOADS`), a workbook of
them all (peacetalks.xlsx, xlsx.py), dataset.json,
peacetalks.sqlite with its Datasette metadata (sqlite.py) and datapackage.json into `out`, and the marker that lets the
next export replace it (`output.MARKER`). The same records give the same bytes. It writes in place: `build.py
export` gives it a fresh staging directory and swaps that in (peacetalks/output.py)."""

from __future__ import annotations

import json
from pathlib import Path

from ..collections import COLLECTIONS
from ..load import Dataset, gc_paused
from ..output import mark
from . import files, package, sqlite, tables
from .parallel import beside
from .parquet import write_parquet
from .version import created, dataset_version
from .xlsx import XLSX, write_xlsx

__all__ = ["DOWNLOADS", "dataset_version", "write_exports"]

DATASET_JSON = "dataset.json"
SQLITE = sqlite.SQLITE
METADATA = sqlite.METADATA
DATAPACKAGE = "datapackage.json"


def _downloads() -> list[tuple[str, str]]:
    listed = [
        (DATAPACKAGE, "Frictionless Data Package: every CSV file's columns, types, keys and descriptions, with the licence and version."),
        (DATASET_JSON, "Every record, nested as in the source files, by collection, with the dataset version."),
        (
            SQLITE,
            "SQLite database: a table per CSV file with primary and foreign keys, indexed; lists as JSON arrays; "
            "full-text search on titles, summaries, quotes and notes; views of demands and occasions.",
        ),
        (METADATA, f"Datasette metadata for {SQLITE}: title, licence, source, table and column descriptions, facets."),
    ]
    every = list(tables.tables())
    csvs = [(f"{table.name}.csv", _describe(table)) for table in every]
    parquets = [
        (f"{table.name}.parquet", f"Parquet: the rows of {table.name}.csv typed (lists, dates, booleans), with its column descriptions.")
        for table in every
    ]
    workbook = (
        XLSX,
        "Excel workbook: a README sheet (the dataset, every sheet and column described), then a sheet per CSV file "
        "with the same columns, typed cells (dates, booleans, numbers) and text exactly as in the records.",
    )
    return [*listed, workbook, *csvs, *parquets]


def _describe(table: tables.Table) -> str:
    if table.collection:
        return f"One row per {COLLECTIONS[table.collection].singular}: {table.description[:1].lower()}{table.description[1:]}"
    return table.description


DOWNLOADS: list[tuple[str, str]] = _downloads()


def _write_beside(out: Path, every: list[tables.Table], rows: tables.Rows, version: str, stamp: str) -> OSError | None:
    """In the worker, the Parquet files and the workbook (about half the writers' time, the
    workbook the largest share): an OS error comes back as a value."""
    try:
        for table in every:
            write_parquet(out / f"{table.name}.parquet", table, rows[table.name])
        write_xlsx(out / XLSX, every, rows, version, stamp)
    except OSError as exc:
        return exc
    return None


def write_exports(dataset: Dataset, out: Path) -> None:
    """Write every file of `DOWNLOADS` into `out` (created if needed) from a dataset that passed the check.

    Raises OSError when the output cannot be written (full disk, read-only file system). The cyclic
    collector is paused meanwhile (load.gc_paused): the writers make millions of short-lived objects and
    next to no cycles, and each collection rescans the records and the rows (at 10,000 records 1 s of the
    export's CPU; at 50,000 the export took 23 s with it running, 19 s without)."""
    with gc_paused():
        _write_exports(dataset, out)


def _write_exports(dataset: Dataset, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    mark(out)
    version = dataset_version()
    stamp = created(dataset.root)
    every = list(tables.tables())
    rows = tables.rows(dataset)
    header = {
        "name": package.NAME,
        "title": package.TITLE,
        "version": version,
        "created": stamp,
        "description": package.DESCRIPTION,
        "licenses": [package.DATA_LICENSE],
    }
    about = {key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False) for key, value in header.items()}
    # Two cores, two shares of about the same time: Parquet and the workbook on the second, the rest here.
    with beside(_write_beside, out, every, rows, version, stamp) as written_beside:
        paths = {table.name: out / f"{table.name}.csv" for table in every}
        for table in every:
            files.write_csv(paths[table.name], table, rows[table.name])
        files.write_dataset_json(out / DATASET_JSON, dataset, header)
        files.write_json(out / DATAPACKAGE, package.datapackage(dataset, every, paths, version, stamp))
        sqlite.write_sqlite(out / SQLITE, every, rows, about)
        sqlite.write_metadata(out / METADATA, every, version, stamp)
        error = written_beside()
    if error is not None:
        raise error
