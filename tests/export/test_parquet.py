"""The Parquet files as duckdb and pandas read them: the CSVs' rows, typed, described, reproducible."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from tests.conftest import RECORDS

from .conftest import csv_tables, descriptor, export


def _python(value: object) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def test_parquet_files_hold_the_csv_rows_with_types_and_descriptions(exported: tuple[Path, Path]) -> None:
    _, out = exported
    from_csv = csv_tables(out)
    for resource in descriptor(out)["resources"]:
        path = out / f"{resource['name']}.parquet"
        fields = resource["schema"]["fields"]
        schema = pq.read_schema(path)
        assert schema.names == [f["name"] for f in fields], path.name
        for field in fields:
            arrow = schema.field(field["name"])
            assert arrow.metadata[b"description"].decode() == field["description"], (path.name, field["name"])
            kind = str(arrow.type)
            if field["type"] == "date":
                assert kind == "date32[day]"
            elif field["type"] == "boolean":
                assert kind == "bool"
            elif "joined with ';'" in field["description"]:
                assert kind.startswith("list<") and kind.endswith(": string>"), (path.name, field["name"])
        rows = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()
        frame = pd.read_parquet(path)
        assert len(rows) == len(frame) == len(from_csv[resource["name"]]), path.name
        lists = {f["name"] for f in fields if "joined with ';'" in f["description"]}
        names = [f["name"] for f in fields]
        for csv_row, duck_row, pandas_row in zip(from_csv[resource["name"]], rows, frame.to_dict("records"), strict=True):
            for name, duck in zip(names, duck_row, strict=True):
                expected = csv_row[name]
                if name in lists:
                    expected = expected.split(";") if expected is not None else None
                elif expected is not None and fields[names.index(name)]["type"] == "date":
                    duck = duck.isoformat()
                    pandas_value = pandas_row[name]
                    assert pandas_value.isoformat() == expected, (path.name, name)
                    assert duck == expected, (path.name, name)
                    continue
                assert duck == expected, (path.name, name, duck, expected)
                assert _python(pandas_row[name]) == expected, (path.name, name)


def test_parquet_files_are_byte_identical_across_exports(real_export: Path, tmp_path: Path) -> None:
    again = export(RECORDS, tmp_path / "again")
    paths = sorted(real_export.glob("*.parquet"))
    assert len(paths) == len(descriptor(real_export)["resources"])
    for path in paths:
        assert path.read_bytes() == (again / path.name).read_bytes(), path.name
