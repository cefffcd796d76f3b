"""The check's cache: what an earlier `build.py check` proved of each record file, so that an
unchanged file is neither read nor validated again (as ruff's and mypy's caches do).

One file per record tree, `.peacetalks-cache/check-<hash of the tree's path>.json` in the
working directory (git-ignored). Its first line holds the cache's version (a hash of the
package's Python code, the schema files and the Python version) and a checksum of the rest;
a file whose version or checksum differs, or that cannot be read as expected, is ignored and
rewritten, never trusted.

What is kept is only "this file had no problem": a file with any problem is read and checked
in full on every run, so each message comes from the same code as without the cache. For a
record file the cache holds its stat signature (size, mtime, ctime, inode), the hash of its
content, and the hashes of what the cross-record rules of *other* records can read of it (its
data without its prose fields, once with and once without its citations), and the
environments under which it was last found clean (two: KEPT_ENVIRONMENTS). The environment is
a hash of those projections of every record, of the stored source texts and of the unreadable
files: a record is skipped only if its content is unchanged and it was clean under the
environment of this run. Editing a demand's summary
leaves the environment as it was, so only that demand is checked again; deleting an actor
changes it, so every record's cross-record rules run again (and a reference that now dangles
is found). Source records' rules read every citation, so their environment also covers the
citations of every record.

A file whose stat signature matches is not read: it enters the dataset as a record parsed on
first access (`_Lazy`), which the cross-record rules of an edited neighbour may still read.
`--no-cache` (as CI runs the check) ignores all of this."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

try:  # hashlib's own blake2b, without hashlib loading OpenSSL (some 15 ms of every check's start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

from . import jsonparse, load
from .load import Dataset, Record
from .problems import Problem

CACHE_DIR = Path(".peacetalks-cache")
FORMAT = "2"
PROSE = frozenset({"summary", "wording", "note"})  # read only by their own record's rules
_PACKAGE = Path(__file__).resolve().parent

# A record file's entry: [stat signature, content hash, projection, projection with
# citations, former ids, the environments under which it had no problem (the latest first)].
Entry = list[Any]
# Environments remembered per file: the last two, so that a break and its repair (under `make
# serve`, an editor's autosave of a half-typed edit) check every other file once, not twice.
KEPT_ENVIRONMENTS = 2


class _Lazy(Record):
    """A record whose file is unchanged since it was found clean: read and parsed only if a
    rule asks for its data or text."""

    def __init__(self, collection: str, record_id: str, path: str, file: str) -> None:
        # One update of the instance dict (the dataclass is frozen): 10,000 of these per warm check.
        self.__dict__.update(collection=collection, id=record_id, path=path, _file=file)

    def __getattr__(self, name: str) -> Any:
        if name not in ("data", "text"):
            raise AttributeError(name)
        with open(object.__getattribute__(self, "_file"), "rb") as file:
            value, text, _ = jsonparse.parse(file.read())
        object.__setattr__(self, "data", value if isinstance(value, dict) else {})
        object.__setattr__(self, "text", text)
        return object.__getattribute__(self, name)


def _digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def version() -> str:
    """A hash of everything a check result depends on besides the records."""
    parts = [FORMAT.encode(), sys.version.encode()]
    for path in sorted([*_PACKAGE.glob("*.py"), *_PACKAGE.glob("sources/*.py"), *(_PACKAGE.parent / "schema").glob("*.json")]):
        parts += [path.name.encode("utf-8", "surrogatepass"), path.read_bytes()]
    return _digest(b"\0".join(parts))


def cache_file(records: Path, directory: Path = CACHE_DIR) -> Path:
    return directory / f"check-{_digest(str(records.absolute()).encode('utf-8', 'surrogatepass'))}.json"


def read_index(path: Path, expected: str) -> dict[str, Entry]:
    """The stored entries; empty when the file is missing, from another version, or corrupt."""
    try:
        raw = path.read_bytes()
        header, _, body = raw.partition(b"\n")
        stored_version, checksum = header.decode("ascii").split(" ")
        if stored_version != expected or checksum != _digest(body):
            return {}
        index = orjson.loads(body)
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(index, dict) or not all(_well_formed(entry) for entry in index.values()):
        return {}
    return index


def _well_formed(entry: Any) -> bool:
    """The shape of an entry (its values are compared, never executed or trusted further)."""
    return (
        type(entry) is list
        and len(entry) == 6
        and type(entry[0]) is list
        and type(entry[4]) is list
        and type(entry[1]) is type(entry[2]) is type(entry[3]) is str
        and type(entry[5]) is list
        and all(type(env) is str for env in entry[5])
    )


def write_index(path: Path, expected: str, index: dict[str, Entry]) -> None:
    """Write atomically (a rename), so a concurrent check reads the old file or the new one."""
    body = orjson.dumps(index, option=orjson.OPT_SORT_KEYS)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n", "utf-8")
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as file:
            file.write(f"{expected} {_digest(body)}\n".encode("ascii") + body)
        os.replace(temporary, path)
    except OSError:
        return  # a read-only or full disk: the check's result stands without the cache


def _strip(value: Any, citations: bool) -> Any:
    """The value without its prose fields (and without its citations unless `citations`)."""
    if isinstance(value, dict):
        return {k: _strip(v, citations) for k, v in value.items() if k not in PROSE and (citations or k != "citations")}
    if isinstance(value, list):
        return [_strip(v, citations) for v in value]
    return value


def _projections(data: dict[str, Any]) -> tuple[str, str]:
    dump = orjson.OPT_SORT_KEYS
    return _digest(orjson.dumps(_strip(data, False), option=dump)), _digest(orjson.dumps(_strip(data, True), option=dump))


def _former(data: dict[str, Any]) -> list[str]:
    former = data.get("former_ids")
    return [x for x in former if isinstance(x, str)] if isinstance(former, list) else []


def check(records: Path, directory: Path = CACHE_DIR) -> tuple[Dataset, list[Problem]]:
    """pipeline.check, skipping the files an earlier run found clean under the same environment."""
    expected = version()
    path = cache_file(records, directory)
    index = read_index(path, expected)
    seen: dict[str, list[int]] = {}

    def reader(dataset: Dataset, collection: str, entry: os.DirEntry[str], shown: str) -> list[Problem]:
        key = f"{collection}/{entry.name}"
        try:
            st = entry.stat()  # the stat signature (size, mtime, ctime, inode)
            seen[key] = signature = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        except OSError:
            return load._load_record(dataset, collection, entry, shown)
        old = index.get(key)
        if old is not None and old[0] == signature:
            record_id = entry.name[:-5]
            dataset.records[collection][record_id] = _Lazy(collection, record_id, shown, entry.path)
            return []
        return load._load_record(dataset, collection, entry, shown)

    with load.gc_paused():
        return _check(records, path, expected, index, reader, seen)


def _check(
    records: Path, path: Path, expected: str, index: dict[str, Entry], reader: load.Reader, seen: dict[str, list[int]]
) -> tuple[Dataset, list[Problem]]:
    from .validate import validate

    dataset, problems = load.load(records, reader)
    listed = [(f"{r.collection}/{r.id}.json", r) for r in dataset.all()]
    facts = _facts(listed, index, seen)
    envs = _environment(dataset, listed, facts)
    skip = {(r.collection, r.id) for key, r in listed if envs[r.collection == "sources"] in facts[key][5]}
    former: dict[tuple[str, str], str] = {}
    for key, record in listed:
        for old_id in facts[key][4]:
            former.setdefault((record.collection, old_id), record.id)
    problems = problems + validate(dataset, skip=skip, former=former, layout_except={p.path for p in problems})
    problems = sorted(set(problems))
    fresh = _entries(listed, facts, problems, envs)
    if fresh != index:
        write_index(path, expected, fresh)
    return dataset, problems


_Listed = list[tuple[str, Record]]


def _facts(listed: _Listed, index: dict[str, Entry], seen: dict[str, list[int]]) -> dict[str, Entry]:
    """Each record's entry for this run: the stored one for an unread file; for a file read, its
    hashes, with the stored environment kept only if its content is the same."""
    facts: dict[str, Entry] = {}
    for key, record in listed:
        old = index.get(key)
        if old is not None and isinstance(record, _Lazy):
            facts[key] = old
            continue
        content = _digest(record.text.encode("utf-8", "surrogatepass"))
        plain, cited = _projections(record.data)
        clean = old[5] if old is not None and old[1] == content else []
        facts[key] = [seen.get(key, []), content, plain, cited, _former(record.data), clean]
    return facts


def _environment(dataset: Dataset, listed: _Listed, facts: dict[str, Entry]) -> tuple[str, str]:
    """(what other records' rules can read, the same with every citation) as two hashes."""
    shown = sorted(f"{key}\0{r.path}\0{facts[key][2]}" for key, r in listed)
    texts = sorted(f"{k}\0{_digest(v.encode('utf-8', 'surrogatepass'))}" for k, v in dataset.source_texts.items())
    unreadable = sorted(f"{c}/{i}" for c, i in dataset.unreadable)
    general = _digest("\n".join([*shown, "texts", *texts, "unreadable", *unreadable]).encode("utf-8", "surrogatepass"))
    cited = sorted(f"{key}\0{facts[key][3]}" for key, _ in listed)
    return general, _digest("\n".join([general, *cited]).encode("utf-8", "surrogatepass"))


def _entries(listed: _Listed, facts: dict[str, Entry], problems: list[Problem], envs: tuple[str, str]) -> dict[str, Entry]:
    """An entry for each record file with no problem (nor its stored text), clean under `envs`."""
    flagged = {p.path for p in problems}
    index: dict[str, Entry] = {}
    for key, record in listed:
        entry = facts[key]
        if not entry[0] or (flagged and (record.path in flagged or record.path[:-5] + ".txt" in flagged)):
            continue
        env = envs[record.collection == "sources"]
        index[key] = entry if env in entry[5] else [*entry[:5], [env, *entry[5]][:KEPT_ENVIRONMENTS]]
    return index
