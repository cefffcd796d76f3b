"""Writing Parquet and the database imports none of the pandas the writers' libraries probe for,
and pandas still works afterwards in the same process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import RECORDS, REPO

_SCRIPT = """
import json, sys
from pathlib import Path
from peacetalks.pipeline import check
from peacetalks.export import sqlite, tables
from peacetalks.export.parquet import write_parquet
out = Path(sys.argv[1])
dataset, problems = check(Path(sys.argv[2]))
assert not problems
every, rows = list(tables.tables()), tables.rows(dataset)
for table in every:
    write_parquet(out / f"{table.name}.parquet", table, rows[table.name])
sqlite.write_sqlite(out / "db.sqlite", every, rows, {"name": "x"})
imported = "pandas" in sys.modules
import pyarrow.parquet as pq
frame = pq.read_table(out / "demands.parquet").to_pandas()
import pandas as pd
series = pd.Series(["a", None])
import pyarrow as pa
print(json.dumps({"imported": imported, "rows": len(frame), "expected": len(rows["demands"]),
                  "series": pa.array(series).to_pylist()}))
"""


def test_the_writers_leave_pandas_unimported_and_working(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path), str(RECORDS)], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["imported"] is False
    assert found["rows"] == found["expected"] > 0
    assert found["series"] == ["a", None]  # pyarrow still knows a pandas object once pandas is in use
