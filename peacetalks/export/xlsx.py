"""peacetalks.xlsx: the tables as one workbook, a README sheet first, then a sheet per CSV file.

Every cell is a typed value, never a formula: text is a string cell (`t="inlineStr"`), so a text
starting with `=`, `+`, `-` or `@` is shown and read back exactly as written and needs none of
the CSV's apostrophe escaping (text.neutralise); booleans are boolean cells; integers are numbers;
the `_first`/`_last` dates are real dates (day serials formatted `yyyy-mm-dd`, which spreadsheets
sort and filter as dates, and pandas and openpyxl read as datetimes; a date before 1900-03-01,
which Excel's calendar cannot show, stays ISO text); the EDTF strings stay text; a list is its
`;`-joined text, as in the CSV. A sheet has the CSV's columns in the same order, a bold frozen
header row, an autofilter and column widths from the longest cell (capped).

openpyxl writes the workbook: its parts, styles, properties, the README sheet and each sheet's
header row. Its cell writer took 75 s for the 1.2 million cells of 10,000 synthetic records, so
the rows of the table sheets are written here, a column at a time, as the SpreadsheetML openpyxl
writes, into each sheet's part (1.8 s); tests read every cell back with openpyxl and pandas.

The same rows give the same bytes: the document properties' created and modified times are the
package's `created` time (version.created), and so are the dates of the zip entries.

A cell cannot hold more than 32,767 characters or an XML-illegal character. The check refuses
records with control characters and no schema field allows such long text, but a `;`-joined list
could grow that long: such a cell is cut and says so, and an illegal character becomes U+FFFD,
rather than the export failing."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from . import package
from .files import atomic_write
from .tables import LIST_DELIMITER, Column, Row, Table

XLSX = "peacetalks.xlsx"
README = "README"
MAX_CELL = 32_767  # characters a cell can hold
MAX_ROWS = 1_048_576  # rows a sheet can hold, the header included
CUT = " … [cut: the full list is in the CSV file]"
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 8, 60
_EARLIEST_ZIP = (1980, 1, 1, 0, 0, 0)  # the zip format dates nothing earlier
_EPOCH = dt.date(1899, 12, 30)  # day 0 of the 1900 date system, for days from 1900-03-01 on
_FIRST_DAY = dt.date(1900, 3, 1)  # before it, Excel's day numbers are off by its phantom 1900-02-29
# Characters XML 1.0 does not allow (tab, line feed and carriage return are allowed).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ILLEGAL_ELSE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # _ILLEGAL but _BETWEEN
_BETWEEN = "\x00"  # joins a column's values while they are escaped together: XML-illegal, so text() replaces it in a value
# A value after the first that begins, or one before the last that ends, with white space (a
# literal first, so the search skips from one _BETWEEN to the next).
_EDGE_SPACE = re.compile(r"\x00(?:\s|(?<=\s\x00))")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})  # a raw CR would be read as LF
_END = "</sheetData>"
# openpyxl is untyped, and imported where it is used (importing it takes a noticeable part of a
# second, which `build.py build` and the export's worker need not wait for in the main process).
Book = Any  # openpyxl.Workbook
Sheet = Any  # openpyxl.worksheet._write_only.WriteOnlyWorksheet
Cell = Any  # openpyxl.cell.WriteOnlyCell


def text(value: str) -> str:
    """A text as a cell can hold it: the same text, unless it is too long or has an illegal character."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("\ufffd", value)
    if len(value) > MAX_CELL:
        value = value[: MAX_CELL - len(CUT)] + CUT
    return value


def column_letter(number: int) -> str:
    """A column's letters from its 1-based number: 1 is A, 27 is AA."""
    letters = ""
    while number:
        number, digit = divmod(number - 1, 26)
        letters = chr(ord("A") + digit) + letters
    return letters


def _string(sheet: Sheet, value: str, bold: bool = False) -> Cell:
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    cell = WriteOnlyCell(sheet, value=text(value))
    cell.data_type = "s"  # a string, even when it starts with '=' or reads like an error code ('#N/A')
    if bold:
        cell.font = Font(bold=True)
    return cell


# ---------------------------------------------------------------- the rows of a table sheet


def _escaped(value: str) -> str:
    if "&" in value or "<" in value or ">" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _text_cells(letter: str, numbers: Sequence[int], values: Sequence[Any]) -> list[str]:
    """A text column's cells: its values escaped in one pass over them all, joined by `_BETWEEN`;
    a column where that cannot be done (a value that is not text, holds `_BETWEEN`, is too long or
    begins or ends with white space) a cell at a time (`_each_text_cell`)."""
    present = [v for v in values if v is not None]
    try:
        joined = _BETWEEN.join(present)
    except TypeError:
        joined = None
    if (
        joined is None
        or joined.count(_BETWEEN) != max(len(present) - 1, 0)
        or (len(joined) > MAX_CELL and max(map(len, present)) > MAX_CELL)
        or joined[:1].isspace()
        or joined[-1:].isspace()
        or _EDGE_SPACE.search(joined)
    ):
        return [_each_text_cell(letter, n, v) for n, v in zip(numbers, values, strict=True)]
    if _ILLEGAL_ELSE.search(joined):
        joined = _ILLEGAL_ELSE.sub("\ufffd", joined)
    if "&" in joined or "<" in joined or ">" in joined or "\r" in joined:
        joined = joined.translate(_ESCAPES)
    escaped = iter(joined.split(_BETWEEN) if present else ())
    start = f'<c r="{letter}'
    return [
        "" if v is None else f'{start}{n}" t="inlineStr"><is><t>{next(escaped)}</t></is></c>' for n, v in zip(numbers, values, strict=True)
    ]


def _each_text_cell(letter: str, number: int, value: Any) -> str:
    if value is None:
        return ""
    value = text(value if isinstance(value, str) else str(value))
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""  # else a reader may trim it
    return f'<c r="{letter}{number}" t="inlineStr"><is><t{space}>{_escaped(value)}</t></is></c>'


def _date_cells(letter: str, numbers: Sequence[int], values: Sequence[Any], style: int) -> list[str]:
    out = []
    for number, value in zip(numbers, values, strict=True):
        day = None if value is None else dt.date.fromisoformat(value)
        if day is None:
            out.append("")
        elif day < _FIRST_DAY:
            out.append(_each_text_cell(letter, number, value))
        else:
            out.append(f'<c r="{letter}{number}" s="{style}"><v>{(day - _EPOCH).days}</v></c>')
    return out


def _column_cells(column: Column, letter: str, numbers: Sequence[int], values: Sequence[Any], date_style: int) -> list[str]:
    """The <c> elements of one column, "" for an empty cell (a cell that is left out)."""
    if column.type == "date":
        return _date_cells(letter, numbers, values, date_style)
    if column.type == "boolean":
        return ["" if v is None else f'<c r="{letter}{n}" t="b"><v>{1 if v else 0}</v></c>' for n, v in zip(numbers, values, strict=True)]
    if column.type in ("integer", "number"):
        return ["" if v is None else f'<c r="{letter}{n}"><v>{v!r}</v></c>' for n, v in zip(numbers, values, strict=True)]
    return _text_cells(letter, numbers, values)


def transposed(table: Table, rows: Sequence[Row]) -> list[Sequence[Any]]:
    """A table's values a column at a time (for the widths and the rows of its sheet)."""
    return list(zip(*rows, strict=True)) if rows else [() for _ in table.columns]


def sheet_rows(columns: Sequence[Column], values: Sequence[Sequence[Any]], date_style: int) -> str:
    """The <row> elements of a table's rows, from the sheet's second row on, from its values a
    column at a time (`transposed`): built a call per column, not per cell, then joined in one pass."""
    count = len(values[0]) if values else 0
    if not count:
        return ""
    numbers = range(2, count + 2)
    cells = [
        _column_cells(column, column_letter(index), numbers, values[index - 1], date_style) for index, column in enumerate(columns, start=1)
    ]
    starts = [f'<row r="{number}">' for number in numbers]
    return "".join(chain.from_iterable(zip(starts, *cells, ["</row>"] * count, strict=True)))


# ---------------------------------------------------------------- the sheets as openpyxl writes them


def _longest(column: Column, values: Sequence[Any]) -> int:
    """About how many characters wide the column's widest value shows (a long text wraps anyway)."""
    if column.type == "date":
        return 10
    if column.type == "boolean":
        return 5
    if column.type == "string":
        try:
            return max(map(len, filter(None, values)), default=0)  # None and "" are left out: they show nothing
        except TypeError:  # a value that is not text
            pass
    return max((len(str(v)) for v in values if v is not None), default=0)


def _widths(table: Table, columns: Sequence[Sequence[Any]]) -> list[int]:
    return [
        min(MAX_WIDTH, max(MIN_WIDTH, len(column.name) + 2, _longest(column, values) + 2))
        for column, values in zip(table.columns, columns, strict=True)
    ]


def _size(sheet: Sheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letter(index)].width = width


def _table_sheet(workbook: Book, table: Table, columns: Sequence[Sequence[Any]], count: int) -> Sheet:
    """The sheet with its header row; its other rows go in after openpyxl has written it."""
    sheet = workbook.create_sheet(table.name)
    _size(sheet, _widths(table, columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{column_letter(len(table.columns))}{count + 1}"
    sheet.append([_string(sheet, column.name, bold=True) for column in table.columns])
    return sheet


def _kind(column: Column) -> str:
    if column.joined:
        return f"list (joined with '{LIST_DELIMITER}')"
    return {"date": "date", "boolean": "boolean (TRUE/FALSE)", "integer": "integer", "number": "number"}.get(column.type, "text")


def readme_rows(tables: Sequence[Table], rows: dict[str, list[Row]], version: str, created: str) -> Iterator[list[str | int]]:
    """The README sheet's rows: about the dataset, the sheets, then every column."""
    licence = package.DATA_LICENSE
    yield [package.TITLE]
    yield []
    yield ["Version", version]
    yield ["Created", created]
    yield ["Licence", f"{licence['title']} ({licence['name']}): {licence['path']}"]
    yield ["About", package.DESCRIPTION]
    yield [
        "Cells",
        "Every cell is a value, never a formula: text is exactly as in the records (no apostrophe is added, unlike the "
        f"CSV files); booleans are TRUE/FALSE; the _first and _last columns of a date are dates ({DATE_FORMAT}); "
        f"lists are their items joined with '{LIST_DELIMITER}'; an empty cell is a missing value.",
    ]
    yield []
    yield ["sheet", "rows", "what it is"]
    for table in tables:
        yield [table.name, len(rows[table.name]), table.description]
    yield []
    yield ["sheet", "column", "type", "required", "description"]
    for table in tables:
        for column in table.columns:
            yield [table.name, column.name, _kind(column), "yes" if column.required else "", column.description]


_README_WIDTHS = (24, 34, 22, 10, 100)


def _readme_sheet(workbook: Book, tables: Sequence[Table], rows: dict[str, list[Row]], version: str, created: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    sheet = workbook.create_sheet(README)
    _size(sheet, _README_WIDTHS)
    for line in readme_rows(tables, rows, version, created):
        heading = len(line) == 1 or (bool(line) and line[0] == "sheet")
        cells: list[Cell] = []
        for index, value in enumerate(line):
            if isinstance(value, int):
                cells.append(WriteOnlyCell(sheet, value=value))
                continue
            cell = _string(sheet, value, bold=heading or (index == 0 and len(line) == 2))
            if len(value) > 80:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(cell)
        sheet.append(cells)


def _date_style(sheet: Sheet) -> int:
    """The index of the yyyy-mm-dd cell style, registered in the workbook's styles."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=dt.date(2000, 1, 1))
    cell.number_format = DATE_FORMAT
    style: int = cell.style_id
    return style


def _moment(created: str) -> dt.datetime:
    return dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")


def workbook_bytes(tables: Sequence[Table], rows: dict[str, list[Row]], version: str, created: str) -> bytes:
    """The workbook's bytes: the same for the same rows, version and `created`."""
    for table in tables:
        if len(rows[table.name]) >= MAX_ROWS:
            raise ValueError(f"{table.name}: {len(rows[table.name])} rows do not fit in a sheet")
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    moment = _moment(created)
    properties = workbook.properties
    properties.title = package.TITLE
    properties.creator = package.CONTRIBUTORS[0]["title"]
    properties.description = f"Version {version}. {package.DATA_LICENSE['title']}."
    properties.identifier = f"{package.NAME}-{version}"
    properties.created = moment
    properties.modified = moment  # openpyxl's save() would set the wall clock: its writer is driven directly below
    _readme_sheet(workbook, tables, rows, version, created)
    made: list[tuple[Sheet, str]] = []
    style = -1
    for table in tables:
        columns = transposed(table, rows[table.name])
        sheet = _table_sheet(workbook, table, columns, len(rows[table.name]))
        if style < 0:
            style = _date_style(sheet)
        made.append((sheet, sheet_rows(table.columns, columns, style)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:  # compressed once, below
        ExcelWriter(workbook, archive).save()
    parts = {sheet.path.lstrip("/"): xml for sheet, xml in made}  # a sheet's part is named when the workbook is written
    return _finished(buffer.getvalue(), parts, moment)


def _finished(data: bytes, rows: dict[str, str], moment: dt.datetime) -> bytes:
    """The zip openpyxl wrote with the rows put into their sheets and every entry dated `moment`."""
    when = max((moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second), _EARLIEST_ZIP)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename in rows:
                xml = content.decode("utf-8")
                if xml.count(_END) != 1:
                    raise RuntimeError(f"{entry.filename}: openpyxl wrote no single {_END}")
                content = xml.replace(_END, rows[entry.filename] + _END).encode("utf-8")
            info = zipfile.ZipInfo(entry.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions are read
            info.external_attr = (0o100000 | 0o644) << 16
            target.writestr(info, content, compresslevel=3)  # 6 makes a 10,000-record workbook 13% smaller, in twice the time
    return out.getvalue()


def write_xlsx(path: Path, tables: Sequence[Table], rows: dict[str, list[Row]], version: str, created: str) -> None:
    data = workbook_bytes(tables, rows, version, created)

    def write(target: Path) -> None:
        target.write_bytes(data)

    atomic_write(path, write)
