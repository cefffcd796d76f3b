"""The CSV files in base R, as the data dictionary tells a researcher to read them: booleans are
logical, counts integer, empty cells NA, text exactly as in the CSV, every row there; the rows
and values compared with what pandas reads (Rscript from Debian's r-base-core, installed by
.ci/run)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from .conftest import read_csv

R_TYPES = {"boolean": "logical", "integer": "integer", "string": "character", "date": "character", "list": "character"}

PROGRAM = r"""
for (path in commandArgs(trailingOnly = TRUE)) {
  d <- read.csv(path, na.strings = "", encoding = "UTF-8", check.names = FALSE)
  cat(basename(path), "", "rows", nrow(d), sep = "\t")
  cat("\n")
  for (column in names(d)) {
    x <- d[[column]]
    cat(basename(path), column, if (all(is.na(x))) "empty" else class(x)[1], sum(is.na(x)), sep = "\t")
    cat("\n")
  }
}
"""


def test_base_r_reads_every_csv_with_its_declared_types(exported: tuple[Path, Path], tmp_path: Path) -> None:
    rscript = shutil.which("Rscript")
    assert rscript is not None, "Rscript (Debian's r-base-core) is installed by .ci/run"
    _, out = exported
    every = json.loads((out / "datapackage.json").read_text("utf-8"))["resources"]
    paths = [out / resource["path"] for resource in every]
    result = subprocess.run([rscript, "-e", PROGRAM, *map(str, paths)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    read: dict[str, dict[str, tuple[str, int]]] = {}
    for line in result.stdout.splitlines():
        name, column, kind, count = line.split("\t")
        read.setdefault(name, {})[column] = (kind, int(count))
    for resource in every:
        name = Path(resource["path"]).name
        frame = read_csv(out, resource)
        assert read[name][""] == ("rows", len(frame)), name
        assert list(read[name])[1:] == [f["name"] for f in resource["schema"]["fields"]], name
        names = {f["name"] for f in resource["schema"]["fields"]}
        for field in resource["schema"]["fields"]:
            column = field["name"]
            missing = int(frame[column].isna().sum())
            kind, count = read[name][column]
            assert count == missing, (name, column)
            if missing == len(frame):
                continue
            if f"{column}_first" in names and kind == "integer":  # an EDTF column of bare years: the dictionary says so
                assert frame[column].dropna().str.fullmatch(r"[0-9]{4}").all(), (name, column)
                continue
            assert kind == R_TYPES[field["type"]], (name, column, field["type"], kind)
