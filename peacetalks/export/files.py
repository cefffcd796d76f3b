"""Writing the tables: CSV files and dataset.json; the atomic write every file goes through
(the SQLite database is written by `sqlite.py`)."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

from ..collections import COLLECTIONS
from ..load import Dataset
from .tables import Table
from .text import FORMULA_STARTS, neutralise

RISKY_FIRST = frozenset("".join(FORMULA_STARTS) + "'")  # a cell starting otherwise needs no check


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file beside `path`, then rename it into place.

    An OS error that names no file (a write to a full disk) is raised naming `path`."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        temporary.unlink()
        write(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    finally:
        temporary.unlink(missing_ok=True)


def write_csv(path: Path, table: Table, rows: Iterable[tuple[Any, ...]]) -> None:
    """UTF-8, a header row, RFC 4180 quoting, \\n line ends; text cells safe from formula injection.

    Empty cells are missing values; booleans are `true`/`false`; dates are ISO 8601 already."""
    texts = [i for i, column in enumerate(table.columns) if column.type == "string" and not column.safe]
    flags = [i for i, column in enumerate(table.columns) if column.type == "boolean"]

    def cells(row: tuple[Any, ...]) -> Any:
        out = list(row)
        for i in texts:
            value = out[i]
            if value and value[0] in RISKY_FIRST:
                out[i] = neutralise(value)
        for i in flags:
            if out[i] is not None:
                out[i] = "TRUE" if out[i] else "FALSE"  # as base R, readr, pandas, polars, duckdb read logicals
        return out

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow([column.name for column in table.columns])
            writer.writerows(map(cells, rows) if texts or flags else rows)

    atomic_write(path, write)


def write_json(path: Path, document: dict[str, Any]) -> None:
    def write(target: Path) -> None:
        target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    atomic_write(path, write)


def write_dataset_json(path: Path, dataset: Dataset, header: dict[str, Any]) -> None:
    """dataset.json: the header fields, then `collections` with one record per line.

    One compact record a line keeps the file fast to write and easy to diff and grep."""

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8", newline="\n") as stream:
            stream.write("{\n")
            for key, value in header.items():
                stream.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
            stream.write('  "collections": {\n')
            for index, name in enumerate(COLLECTIONS):
                records = dataset.records[name]
                lines = ("    " + orjson.dumps(records[key].data).decode() for key in sorted(records))
                stream.write(f"    {json.dumps(name)}: [\n" + ",\n".join(lines) + ("\n    ]" if records else "]"))
                stream.write(",\n" if index < len(COLLECTIONS) - 1 else "\n")
            stream.write("  }\n}\n")

    atomic_write(path, write)
