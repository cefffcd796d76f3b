"""Parquet files: one per table, with typed columns (lists, dates, booleans) and the field
descriptions as metadata.

A `;`-joined identifier column of the CSV is a list of strings here; a date column is a
`date32`; booleans are booleans. Each field carries its description under the metadata key
`description`, and the file its table's under the schema's. The same rows give the same bytes:
the writer's options are fixed here, and nothing in the file depends on the time or the machine
(pyarrow's `created_by` names only its version, which requirements.txt pins)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from .files import atomic_write
from .optional import absent
from .tables import LIST_DELIMITER, Column, Row, Table

TYPES = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(), "number": pa.float64(), "date": pa.date32()}
OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "store_schema": True,
}


def arrow_type(column: Column) -> pa.DataType:
    return pa.list_(pa.string()) if column.joined else TYPES[column.type]


def arrow_schema(table: Table) -> pa.Schema:
    fields = [pa.field(c.name, arrow_type(c), nullable=not c.required, metadata={"description": c.description}) for c in table.columns]
    return pa.schema(fields, metadata={"name": table.name, "description": table.description})


def _values(column: Column, cells: Sequence[Any]) -> list[Any]:
    if column.joined:
        return [None if v is None else v.split(LIST_DELIMITER) for v in cells]
    if column.type == "date":
        return [None if v is None else dt.date.fromisoformat(v) for v in cells]
    return list(cells)


def arrow_table(table: Table, rows: list[Row]) -> pa.Table:
    schema = arrow_schema(table)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in table.columns]
    with absent("pandas"):  # pa.array would import it to ask whether a list is a pandas object (optional.py)
        arrays = [pa.array(_values(c, cells), type=arrow_type(c)) for c, cells in zip(table.columns, columns, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def write_parquet(path: Path, table: Table, rows: list[Row]) -> None:
    data = arrow_table(table, rows)

    def write(target: Path) -> None:
        pq.write_table(data, target, **OPTIONS)

    atomic_write(path, write)
