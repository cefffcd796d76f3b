"""Stage 1: read the record tree into a Dataset, parsing strictly.

Anything under records/ that is not a record, or a source's text snapshot, is a problem."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import jsonparse
from .collections import COLLECTIONS, SOURCE_TEXT_SUFFIX
from .problems import Problem, did_you_mean

MAX_TEXT_BYTES = 10_000_000  # a source's stored text: a long report is a few hundred kB


@dataclass(frozen=True)
class Record:
    collection: str
    id: str  # the file name without .json
    path: str  # as shown in messages
    data: dict[str, Any]
    text: str  # the file's text, for locating problems

    @property
    def label(self) -> str:
        value = self.data.get(COLLECTIONS[self.collection].label)
        return value if isinstance(value, str) else self.id


@dataclass
class Dataset:
    root: Path
    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {name: {} for name in COLLECTIONS})
    source_texts: dict[str, str] = field(default_factory=dict)  # source id -> stored text
    # (collection, id) of record files that exist but could not be read: their own problem is
    # reported, so references to them are not reported again as unknown.
    unreadable: set[tuple[str, str]] = field(default_factory=set)

    def all(self) -> Iterator[Record]:
        for name in COLLECTIONS:
            yield from (self.records[name][key] for key in sorted(self.records[name]))

    def get(self, collection: str, record_id: str) -> Record | None:
        return self.records.get(collection, {}).get(record_id)

    def counts(self) -> dict[str, int]:
        return {name: len(self.records[name]) for name in COLLECTIONS}


def display_path(path: Path) -> str:
    """The path as messages show it: relative to the working directory when inside it."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


# How a record file is read into the dataset: (dataset, collection, entry, path shown) -> problems.
Reader = Callable[[Dataset, str, "os.DirEntry[str]", str], list[Problem]]


# The collector's thresholds while the site is built: a young collection every 20,000 allocations
# rather than 700, and older ones as rarely (gc_relaxed).
RELAXED_GC = (20_000, 20, 20)


@contextmanager
def gc_relaxed() -> Iterator[None]:
    """The cyclic garbage collector run less often (the site's build: rendering and MkDocs make
    some reference cycles, so it cannot be paused, but each collection rescans every live object:
    at 10,000 records the default thresholds cost 8.6 s of the render's 34 s of CPU, these 1.8 s)."""
    before = gc.get_threshold()
    gc.set_threshold(*RELAXED_GC)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused (reference counting still frees what is dropped).

    Parsing and checking make millions of small objects and next to no reference cycles, so
    collecting meanwhile only rescans the records' growing tree (for 10,000 records about
    0.3-0.5 s of CPU during the load, as much again during the rules)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _age_all()
            gc.enable()


def _age_all() -> None:
    """Every tracked object moved to the oldest generation, without a collection.

    Re-enabled as it stands, the collector would scan at the next allocation every object made
    during the pause (they count as young): about 0.05 s after loading 10,000 records. They are
    the records, which live on; a cycle among them is found by the next full collection."""
    gc.freeze()  # into the permanent generation, and the count of new objects back to 0
    gc.unfreeze()  # from there into the oldest generation


def load(records_dir: Path, reader: Reader | None = None) -> tuple[Dataset, list[Problem]]:
    """Read every record; the cyclic garbage collector is paused meanwhile (gc_paused)."""
    with gc_paused():
        return _load(records_dir, reader or _load_record)


def _load(records_dir: Path, reader: Reader) -> tuple[Dataset, list[Problem]]:
    dataset = Dataset(records_dir)
    problems: list[Problem] = []
    if not records_dir.is_dir():
        problems.append(Problem(display_path(records_dir), 0, 0, "", "records directory not found: pass --records DIR"))
        return dataset, problems
    text_files: dict[str, Path] = {}
    for entry in _entries(records_dir, problems):
        path = Path(entry.path)
        if not entry.is_dir(follow_symlinks=False):
            problems.append(_stray(path, "a file directly under records/: records go in records/<collection>/<id>.json"))
            continue
        if entry.name not in COLLECTIONS:
            hint = did_you_mean(entry.name, list(COLLECTIONS))
            problems.append(
                _stray(path, f"unknown collection directory '{entry.name}'{hint}: collections are {', '.join(sorted(COLLECTIONS))}")
            )
            continue
        folder = display_path(path)  # once per collection, not once per file
        for item in _entries(path, problems):
            if item.is_symlink() or not item.is_file():
                problems.append(_stray(Path(item.path), "not a regular file: records are plain .json files, one per record"))
            elif item.name.endswith(".json"):
                shown = item.name if folder == "." else f"{folder}/{item.name}"
                problems.extend(reader(dataset, entry.name, item, shown))
            elif entry.name == "sources" and item.name.endswith(SOURCE_TEXT_SUFFIX):
                text_files[item.name.removesuffix(SOURCE_TEXT_SUFFIX)] = Path(item.path)
            else:
                problems.append(
                    _stray(Path(item.path), "not a record: only <id>.json files belong here (and <id>.txt text snapshots in sources/)")
                )
    for source_id, path in sorted(text_files.items()):
        if source_id not in dataset.records["sources"]:
            if ("sources", source_id) not in dataset.unreadable:
                problems.append(
                    _stray(path, f"text snapshot without a source record: add records/sources/{source_id}.json or remove this file")
                )
            continue
        try:
            with open(path, "rb") as file:
                raw = file.read(MAX_TEXT_BYTES + 1)
            if len(raw) > MAX_TEXT_BYTES:
                size = path.stat().st_size
                message = f"stored text is {size:,} bytes; a source's text may be at most {MAX_TEXT_BYTES:,} bytes: store the part the records cite"
                problems.append(Problem(display_path(path), 1, 1, "", message))
                continue
            dataset.source_texts[source_id] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            prefix = raw[: exc.start].decode("utf-8", errors="replace")
            line, col = jsonparse.line_col(prefix, len(prefix))
            problems.append(
                Problem(display_path(path), line, col, "", f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}): store the text as UTF-8")
            )
        except OSError as exc:
            problems.append(Problem(display_path(path), 0, 0, "", f"cannot read file: {exc.strerror}"))
    for source_id, record in sorted(dataset.records["sources"].items()):
        if source_id not in text_files:
            problems.append(
                Problem(record.path, 1, 1, "", f"source has no stored text: add records/sources/{source_id}.txt with the text as published")
            )
    return dataset, problems


_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false", type(None): "null"}


def _entries(directory: Path, problems: list[Problem]) -> list[os.DirEntry[str]]:
    """The directory's entries by name; an unreadable directory is a problem, not a crash."""
    try:
        with os.scandir(directory) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        problems.append(Problem(display_path(directory), 0, 0, "", f"cannot read directory: {exc.strerror}"))
        return []


def _stray(path: Path, message: str) -> Problem:
    return Problem(display_path(path), 0, 0, "", message)


def _load_record(dataset: Dataset, collection: str, entry: os.DirEntry[str], shown: str) -> list[Problem]:
    problems = _read_record(dataset, collection, entry, shown)
    if problems:
        dataset.unreadable.add((collection, entry.name.removesuffix(".json")))
    return problems


_FIRST_READ = 1 << 16  # bytes asked for first: a record is smaller; asking for MAX_BYTES costs a large allocation a file


def _read_bytes(path: str) -> tuple[bytes, int | None]:
    """The file's bytes, with one open; and the file's size where it is larger than a record may be
    (then not all its bytes are read)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        chunks = [os.read(descriptor, _FIRST_READ)]
        total = len(chunks[0])
        while chunks[-1] and total <= jsonparse.MAX_BYTES:  # to the end of the file: a read may return less
            chunks.append(os.read(descriptor, max(_FIRST_READ, jsonparse.MAX_BYTES + 1 - total)))
            total += len(chunks[-1])
        if total > jsonparse.MAX_BYTES:
            return b"", os.fstat(descriptor).st_size
        return b"".join(chunks), None
    finally:
        os.close(descriptor)


def _read_record(dataset: Dataset, collection: str, entry: os.DirEntry[str], shown: str) -> list[Problem]:
    try:
        raw, size = _read_bytes(entry.path)
    except OSError as exc:
        return [Problem(shown, 0, 0, "", f"cannot read file: {exc.strerror}")]
    if size is not None:
        return [Problem(shown, 1, 1, "", f"file is {size:,} bytes; a record may be at most {jsonparse.MAX_BYTES:,} bytes")]
    value, text, error = jsonparse.parse(raw)
    if error is not None:
        return [Problem(shown, error.line, error.col, error.pointer, error.message)]
    if not isinstance(value, dict):
        return [Problem(shown, 1, 1, "", f"a record is a JSON object {{ … }}, not {_JSON_KINDS.get(type(value), 'a value')}")]
    record_id = entry.name.removesuffix(".json")
    dataset.records[collection][record_id] = Record(collection, record_id, shown, value, text)
    return []
