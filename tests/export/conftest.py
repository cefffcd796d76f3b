"""Exports made once per session with the real command line, and readers of the files."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from peacetalks.export.text import restore
from tests.conftest import RECORDS, run_build

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE = FIXTURES / "hostile"

Tables = dict[str, list[dict[str, Any]]]


def export(records: Path, out: Path, **env: str) -> Path:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | env
    result = run_build("export", "--records", str(records), "--out", str(out), env=environment)
    assert result.returncode == 0, result.stderr
    assert "exported data into" in result.stdout
    return out


@pytest.fixture(scope="session")
def real_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(RECORDS, tmp_path_factory.mktemp("real") / "data")


@pytest.fixture(scope="session")
def hostile_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(HOSTILE, tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(params=["real", "hostile"])
def exported(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """(records, export) for the real records and for the hostile fixture."""
    if request.param == "real":
        return RECORDS, request.getfixturevalue("real_export")
    return HOSTILE, request.getfixturevalue("hostile_export")


def descriptor(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "datapackage.json").read_text("utf-8"))
    return data


# A list field is read as its joined text here (the CSV cell); tests split it with the declared delimiter.
PANDAS_TYPES = {"string": "string", "list": "string", "integer": "Int64", "boolean": "boolean", "number": "Float64"}


def read_csv(out: Path, resource: dict[str, Any]) -> pd.DataFrame:
    """A CSV file read by pandas with the types the data package documents."""
    fields = resource["schema"]["fields"]
    return pd.read_csv(
        out / resource["path"],
        dtype={f["name"]: PANDAS_TYPES[f["type"]] for f in fields if f["type"] != "date"},
        parse_dates=[f["name"] for f in fields if f["type"] == "date"],
        date_format="%Y-%m-%d",
        keep_default_na=False,
        na_values=[""],
        true_values=["TRUE"],
        false_values=["FALSE"],
        encoding="utf-8",
    )


def _python(value: Any, kind: str) -> Any:
    if value is pd.NA or value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if kind == "date":
        return value.date().isoformat()
    if kind == "integer":
        return int(value)
    if kind == "boolean":
        return bool(value)
    return restore(str(value)) if kind == "string" else value


def csv_tables(out: Path) -> Tables:
    """Every CSV file as rows of Python values, exact text restored from the spreadsheet-safe form."""
    tables: Tables = {}
    for resource in descriptor(out)["resources"]:
        frame = read_csv(out, resource)
        kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        tables[resource["name"]] = [{k: _python(v, kinds[k]) for k, v in row.items()} for row in frame.to_dict("records")]
    return tables


def is_list_field(field: dict[str, Any]) -> bool:
    """A `;`-joined column of the CSV (a JSON array in SQLite), as datapackage.json describes it."""
    return bool(field["type"] == "list" or "joined with ';'" in field["description"])


def json_list(value: Any) -> str | None:
    """A list column of peacetalks.sqlite, which must hold a JSON array of strings, in the CSV's `;`-joined form."""
    if value is None:
        return None
    items = json.loads(value)
    assert isinstance(items, list) and items and all(isinstance(i, str) and ";" not in i for i in items), value
    return ";".join(items)


def sqlite_tables(out: Path) -> Tables:
    """Every table of peacetalks.sqlite that has a CSV file, booleans as bool, JSON arrays `;`-joined as in the CSV."""
    tables: Tables = {}
    connection = sqlite3.connect(f"file:{out / 'peacetalks.sqlite'}?mode=ro", uri=True)
    try:
        for resource in descriptor(out)["resources"]:
            kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
            lists = {f["name"] for f in resource["schema"]["fields"] if is_list_field(f)}
            order = ", ".join(f'"{c}"' for c in resource["schema"]["primaryKey"])
            cursor = connection.execute(f'SELECT * FROM "{resource["name"]}" ORDER BY {order}')
            names = [d[0] for d in cursor.description]
            tables[resource["name"]] = [
                {
                    n: json_list(v) if n in lists else (bool(v) if kinds[n] == "boolean" and v is not None else v)
                    for n, v in zip(names, row, strict=True)
                }
                for row in cursor
            ]
    finally:
        connection.close()
    return tables
