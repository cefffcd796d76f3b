"""Contributor tools: canonical formatting (`fmt`), skeleton records (`new`) and record diffs (`diff`)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from . import jsonparse
from .collections import COLLECTIONS, SOURCE_TEXT_SUFFIX, schema_path
from .load import Dataset, Record, display_path, load
from .problems import Problem, did_you_mean, printable, with_article
from .schemas import load_schemas, resolve
from .validate import PLACEHOLDER, SLUG

MAX_ID = 80
SHORT = 60  # longest value a diff line shows in full

# --- fmt -------------------------------------------------------------------------------


def _ordered(value: Any, schema: dict[str, Any]) -> Any:
    """`value` with object keys in the schema's property order (unknown keys last, sorted)."""
    node = resolve(schema)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        keys = [k for k in properties if k in value] + sorted(k for k in value if k not in properties)
        return {k: _ordered(value[k], properties.get(k, {})) for k in keys}
    if isinstance(value, list):
        items = node.get("items", {})
        return [_ordered(item, items if isinstance(items, dict) else {}) for item in value]
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def canonical_text(collection: str, data: dict[str, Any]) -> str:
    """The one accepted way to write a record: 2-space indent, schema key order, NFC, final newline."""
    schema = load_schemas()[COLLECTIONS[collection].schema]
    return json.dumps(_ordered(data, schema), indent=2, ensure_ascii=False) + "\n"


def is_canonical(record: Record) -> bool:
    return record.text == canonical_text(record.collection, record.data)


def format_problems(dataset: Dataset, skip: set[str] | None = None) -> list[Problem]:
    """One problem per record that is not in canonical form (records in `skip` excepted).

    The records not skipped must be schema-valid (the check skips every record with a problem)."""
    skip = skip or set()
    return [
        Problem(record.path, 1, 1, "", "not in canonical form: run `python build.py fmt` to rewrite it")
        for record in dataset.all()
        if record.path not in skip and not (_plainly_canonical(record) or is_canonical(record))
    ]


# The check's fast path. For a schema-valid record, text == canonical_text(...) exactly when
# (1) orjson's 2-space dump of the data in its own key order is the text (same output as
# json.dumps(indent=2, ensure_ascii=False) for strings, booleans, null and integers; valid
# records hold no floats while no schema admits numbers), (2) every object's keys are in
# schema order, and (3) the text is NFC (strings are NFC then: '"' starts no composition).
_Shape = tuple[tuple[str, ...], dict[str, Any]]  # (property order, shapes of the keys that can hold objects)


def _plainly_canonical(record: Record) -> bool:
    """True only if the (schema-valid) record is canonical; False means 'ask is_canonical'."""
    shape = _shape(record.collection)
    if shape is None or not unicodedata.is_normalized("NFC", record.text):
        return False
    try:
        dumped = orjson.dumps(record.data, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        return False
    return dumped.decode("utf-8") + "\n" == record.text and _keys_in_order(record.data, shape)


@cache
def _shape(collection: str) -> _Shape | None:
    """The collection's objects as (key order, child shapes); None when a schema admits numbers."""
    schemas = load_schemas()
    if '"number"' in json.dumps(schemas) or '"integer"' in json.dumps(schemas):
        return None
    shape = _shape_of(schemas[COLLECTIONS[collection].schema])
    return shape[1] if shape and shape[0] == "object" else None


def _shape_of(schema: dict[str, Any]) -> tuple[str, Any] | None:
    node = resolve(schema)
    items = node.get("items")
    if isinstance(items, dict):
        inner = _shape_of(items)
        return ("array", inner) if inner else None
    properties = node.get("properties")
    if not isinstance(properties, dict):
        return None
    children = {key: child for key, child in ((key, _shape_of(value)) for key, value in properties.items()) if child}
    return ("object", (tuple(properties), children))


def _keys_in_order(value: dict[str, Any], shape: _Shape) -> bool:
    order, children = shape
    if len(value) > 1 and list(value) != [key for key in order if key in value]:
        return False
    for key, (kind, inner) in children.items():
        child = value.get(key)
        if child is None:
            continue
        if kind == "object":
            if isinstance(child, dict) and not _keys_in_order(child, inner):
                return False
        elif isinstance(child, list):
            for item in child:
                if isinstance(item, dict) and not (inner[0] == "object" and _keys_in_order(item, inner[1])):
                    return False
    return True


def format_records(records: Path, check_only: bool = False) -> int:
    """Rewrite (or with check_only, list) records that are not canonical. Exit status.

    Files that cannot be parsed cannot be formatted: they are reported and make the status 1.
    Other problems of the tree (stray files, broken references) are the check's business."""
    dataset, problems = load(records)
    if not records.is_dir():
        print(f"fmt: error: records directory {printable(display_path(records))} not found", file=sys.stderr)
        return 1
    unparsable = sorted(p for p in problems if p.path.endswith(".json"))
    changed = [record for record in dataset.all() if not is_canonical(record)]
    for record in changed:
        if not check_only:
            Path(record.path).write_bytes(canonical_text(record.collection, record.data).encode("utf-8"))
        print(f"{printable(record.path)}: {'not in canonical form' if check_only else 'reformatted'}")
    for problem in unparsable:
        print(problem.format(), file=sys.stderr)
    if unparsable:
        print(f"fmt: {_count(len(unparsable), 'file')} could not be read: fix the errors above first", file=sys.stderr)
    if check_only and changed:
        print(f"fmt: {_count(len(changed), 'file')} not in canonical form: run `python build.py fmt` to rewrite", file=sys.stderr)
        return 1
    if not changed and not unparsable:
        print(f"fmt: all {_count(sum(dataset.counts().values()), 'record')} in canonical form")
    return 1 if unparsable else 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- new -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Todo:
    """A placeholder in a skeleton record and what belongs there."""

    pointer: str
    hint: str


def skeleton(collection: str, record_id: str) -> tuple[dict[str, Any], list[Todo]]:
    """A record with every required field (nested ones too) as a placeholder the check rejects.

    Text placeholders start with "TODO" (the check's placeholder rule); references get an id
    that is no record's (the reference check); dates and enums get "TODO" (the schema)."""
    schema = load_schemas()[COLLECTIONS[collection].schema]
    todos: list[Todo] = []
    data = _placeholder(schema, "", todos)
    data["$schema"] = schema_path(collection)
    data["id"] = record_id
    todos = [todo for todo in todos if todo.pointer not in ("/$schema", "/id")]
    if collection == "sources":
        data["text_sha256"] = "0" * 64
        todos = [todo for todo in todos if todo.pointer != "/text_sha256"]
    return data, todos


def _placeholder(schema: dict[str, Any], pointer: str, todos: list[Todo]) -> Any:
    node = resolve(schema)
    about = str(node.get("description", "")).rstrip(".")
    if node.get("type") == "object" or "properties" in node:
        required = list(node.get("required", []))
        for option in node.get("oneOf", [])[:1]:  # "one of meeting or document": offer the first
            required += [name for name in option.get("required", []) if name not in required]
        properties = node.get("properties", {})
        return {name: _placeholder(properties.get(name, {}), f"{pointer}/{jsonparse.escape_pointer(name)}", todos) for name in required}
    if node.get("type") == "array":
        count = max(1, int(node.get("minItems", 1)))
        items = node.get("items", {})
        return [_placeholder(items if isinstance(items, dict) else {}, f"{pointer}/{index}", todos) for index in range(count)]
    if "x-collection" in node:
        target = COLLECTIONS[node["x-collection"]]
        todos.append(Todo(pointer, f"{with_article(target.singular)} id (a file name in records/{target.name}/, without .json)"))
        return f"todo-{target.singular}"
    if node.get("x-kind") == "date":
        todos.append(Todo(pointer, "a date: YYYY, YYYY-MM or YYYY-MM-DD, only as precise as the source"))
        return "TODO"
    if "enum" in node:
        todos.append(Todo(pointer, f"one of {', '.join(str(option) for option in node['enum'])}"))
        return "TODO"
    if node.get("x-kind") == "quote":
        todos.append(Todo(pointer, "the exact words from the source's stored text"))
        return "TODO: copy the exact words from the source"
    examples = node.get("examples")
    example = f", such as {examples[0]}" if isinstance(examples, list) and examples else ""
    todos.append(Todo(pointer, f"{_lower_first(about) or 'the value'}{example}"))
    pattern = str(node.get("pattern", r"\S"))
    if not (pattern == r"\S" or pattern.startswith(r"^\S")):  # a formatted value (a tag, a hash): TODO fails its pattern
        return "TODO"
    limit = int(node.get("maxLength", 200))
    return f"TODO: {_lower_first(about)}"[:limit].rstrip() if about else "TODO"


def _lower_first(text: str) -> str:
    """'Short title' -> 'short title', but 'BCP 47 tag' stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def new_record(records: Path, collection: str, record_id: str) -> int:
    """`build.py new`: write records/<collection>/<id>.json as a skeleton. Exit status."""
    error = _new_refusal(records, collection, record_id)
    if error:
        print(f"new: error: {printable(error)}", file=sys.stderr)
        return 1
    data, todos = skeleton(collection, record_id)
    folder = records / collection
    folder.mkdir(exist_ok=True)
    path = folder / f"{record_id}.json"
    path.write_bytes(canonical_text(collection, data).encode("utf-8"))
    shown = display_path(path)
    print(f"wrote {shown}: replace every placeholder, then run `python build.py check`")
    for todo in todos:
        print(f"  {todo.pointer}: {todo.hint}")
    if collection == "sources":
        text = folder / f"{record_id}{SOURCE_TEXT_SUFFIX}"
        if not text.exists():
            text.write_bytes(b"")
            print(f"wrote {display_path(text)}: paste the text of the source there, exactly as published, as UTF-8")
        print(
            "  /text_sha256: when the other fields are filled in, `python build.py check` prints the SHA-256 of the stored text: paste it here"
        )
    return 0


def _new_refusal(records: Path, collection: str, record_id: str) -> str | None:
    """Why `new` cannot write this record, or None."""
    if collection not in COLLECTIONS:
        hint = did_you_mean(collection, list(COLLECTIONS))
        return f"unknown collection '{collection}'{hint}: collections are {', '.join(COLLECTIONS)}"
    if not records.is_dir():
        return f"records directory {display_path(records)} not found: run this in the repository, or pass --records DIR"
    if not SLUG.fullmatch(record_id) or len(record_id) > MAX_ID:
        suggestion = _slugify(record_id)
        hint = f" (such as '{suggestion}')" if suggestion and suggestion != record_id else ""
        return f"'{record_id}' is not a valid id: use lowercase letters, digits and single hyphens, at most {MAX_ID} characters{hint}"
    path = records / collection / f"{record_id}.json"
    if path.exists():
        return f"{display_path(path)} already exists: edit it, or choose another id"
    dataset, _ = load(records)
    for record in dataset.records[collection].values():
        former = record.data.get("former_ids")
        if isinstance(former, list) and record_id in former:
            singular = COLLECTIONS[collection].singular
            return f"'{record_id}' is a former id of {singular} '{record.id}' ({record.path}): old links to it lead there, so choose another id"
    return None


def _slugify(text: str) -> str:
    """A best-effort slug for a 'such as' hint: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text).split()
    return "-".join(words)[:MAX_ID].strip("-")


# --- diff ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Change:
    """One change to the records between two trees, for reviewers, the changelog and the feed.

    `action` is "added", "removed" or "renamed" for a whole record (then `field` is ""), and for
    a field "added", "removed" or "changed"; `old`/`new` are short renderings of the values."""

    order: int  # the collection's place in COLLECTIONS, for a stable sort
    collection: str
    id: str
    seq: int  # position within the record's changes
    action: str
    field: str = ""
    old: str = ""
    new: str = ""

    @property
    def singular(self) -> str:
        return COLLECTIONS[self.collection].singular

    def text(self) -> str:
        """The human line, e.g. "meeting jeddah-talks: start 2025-03 → 2025-03-11" (not yet terminal-safe)."""
        if not self.field:
            if self.action == "renamed":
                return f"renamed {self.singular} {self.old} → {self.id}"
            return f"{self.action} {self.singular} {self.id}"
        head = f"{self.singular} {self.id}: {self.field}"
        if self.action == "reordered":
            return f"{head}: reordered"
        if self.action == "changed":
            return f"{head} {self.old} → {self.new}" if self.old or self.new else f"{head} changed"
        value = self.new if self.action == "added" else self.old
        return f"{head}: {self.action} {value}".rstrip()


Tree = dict[tuple[str, str], Any]  # (collection, id) -> parsed record, or the text of a source


def diff_trees(base: Tree, head: Tree) -> list[Change]:
    """Every change from `base` to `head`, in a deterministic order.

    A record in neither tree is taken as unchanged; its stored text may still have changed."""
    order = {name: index for index, name in enumerate(COLLECTIONS)}
    renamed = _renames(base, head)
    keys = {(c, name.removesuffix(SOURCE_TEXT_SUFFIX)) for c, name in set(base) | set(head)}
    changes: list[Change] = []
    for key in sorted(keys, key=lambda k: (order[k[0]], k[1])):
        collection, record_id = key
        rank = order[collection]
        old_key = renamed.get(key)
        if key in head and key not in base and old_key is None:
            changes.append(Change(rank, collection, record_id, 0, "added"))
            continue
        if key in base and key not in head:
            if key not in renamed.values():
                changes.append(Change(rank, collection, record_id, 0, "removed"))
            continue
        before_key = old_key or key
        fields: list[FieldChange] = []
        if old_key:
            changes.append(Change(rank, collection, record_id, 0, "renamed", old=old_key[1]))
        if before_key in base and key in head:
            fields += _field_changes(collection, _without_rename(base[before_key], old_key), _without_rename(head[key], old_key))
        old_text = base.get((collection, before_key[1] + SOURCE_TEXT_SUFFIX))
        new_text = head.get((collection, record_id + SOURCE_TEXT_SUFFIX))
        if old_text is not None and new_text is not None and old_text != new_text:
            fields.append(("stored text", "changed", "", ""))
        for seq, (field, action, old, new) in enumerate(fields, start=1):
            changes.append(Change(rank, collection, record_id, seq, action, field, old, new))
    return changes


def _renames(base: Tree, head: Tree) -> dict[tuple[str, str], tuple[str, str]]:
    """New key -> old key, for records whose `former_ids` name a record that is gone."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    taken: set[tuple[str, str]] = set()
    for key in sorted(head):
        data = head[key]
        if key in base or not isinstance(data, dict):
            continue
        former = data.get("former_ids")
        for old in former if isinstance(former, list) else []:
            old_key = (key[0], old)
            if isinstance(old, str) and old_key in base and old_key not in head and old_key not in taken:
                found[key] = old_key
                taken.add(old_key)
                break
    return found


def _without_rename(data: Any, old_key: tuple[str, str] | None) -> Any:
    """The record without what a rename itself changes (its id, the new former id)."""
    if not isinstance(data, dict) or old_key is None:
        return data
    trimmed = {k: v for k, v in data.items() if k != "id"}
    former = data.get("former_ids")
    if isinstance(former, list):
        rest = [old for old in former if old != old_key[1]]
        if rest:
            trimmed["former_ids"] = rest
        else:
            trimmed.pop("former_ids", None)
    return trimmed


FieldChange = tuple[str, str, str, str]  # field, action, old, new


def _field_changes(collection: str, old: Any, new: Any) -> Iterator[FieldChange]:
    if not isinstance(old, dict) or not isinstance(new, dict):
        if old != new:
            yield ("record", "changed", "", "")
        return
    schema = load_schemas()[COLLECTIONS[collection].schema]
    yield from _compare("", old, new, schema)


def _compare(path: str, old: Any, new: Any, schema: dict[str, Any]) -> Iterator[FieldChange]:
    if old == new:
        return
    node = resolve(schema)
    if isinstance(old, dict) and isinstance(new, dict):
        if _is_dated(old) and _is_dated(new) and old["date"] != new["date"]:
            yield (path, "changed", old["date"], new["date"])
            old, new = {k: v for k, v in old.items() if k != "date"}, {k: v for k, v in new.items() if k != "date"}
        properties = node.get("properties", {})
        keys = [k for k in properties if k in old or k in new] + sorted((set(old) | set(new)) - set(properties))
        for key in keys:
            child = f"{path}.{key}" if path else key
            sub = properties.get(key, {})
            if key not in old:
                yield (child, "added", "", _render(new[key], sub))
            elif key not in new:
                yield (child, "removed", _render(old[key], sub), "")
            else:
                yield from _compare(child, old[key], new[key], sub)
        return
    if isinstance(old, list) and isinstance(new, list):
        items = node.get("items", {})
        yield from _compare_lists(path, old, new, items if isinstance(items, dict) else {})
        return
    shown_old, shown_new = _render(old, node), _render(new, node)
    if shown_old == shown_new or _is_prose(old, node) or _is_prose(new, node):
        yield (path, "changed", "", "")
    else:
        yield (path, "changed", shown_old, shown_new)


def _compare_lists(path: str, old: list[Any], new: list[Any], items: dict[str, Any]) -> Iterator[FieldChange]:
    """Items removed and added; an item whose label stays the same but whose content changes is compared inside."""
    removed = [item for item in old if item not in new]
    added = [item for item in new if item not in old]
    for item in removed:
        twin = next((other for other in added if _label(other, items) == _label(item, items)), None)
        if twin is not None and isinstance(item, dict):
            added.remove(twin)
            yield from _compare(f"{path}[{_label(item, items)}]", item, twin, items)
        else:
            yield (path, "removed", _render(item, items), "")
    for item in added:
        yield (path, "added", "", _render(item, items))
    if not removed and not added and old != new:
        yield (path, "reordered", "", "")


def _is_prose(value: Any, node: dict[str, Any]) -> bool:
    """Text too long for one line, or Markdown: the line says only that it changed."""
    return isinstance(value, str) and (len(value) > SHORT or node.get("contentMediaType") == "text/markdown")


def _is_dated(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("date"), str)


def _label(value: Any, schema: dict[str, Any]) -> str:
    """What identifies a list item to a reader: its date, status, id or source, not its prose."""
    if not isinstance(value, dict):
        return _render(value, schema)
    properties = resolve(schema).get("properties", {})
    parts: list[str] = []
    for key, item in value.items():
        sub = resolve(properties.get(key, {}))
        if _is_dated(item):
            parts.append(item["date"])
        elif isinstance(item, str) and ("enum" in sub or "x-collection" in sub):
            parts.append(item)
    return " ".join(parts) if parts else _render(value, schema)


def _render(value: Any, schema: dict[str, Any]) -> str:
    """A short rendering of a value for one line."""
    if _is_dated(value):
        return str(value["date"])
    if isinstance(value, dict):
        return _label(value, schema)
    if isinstance(value, list):
        items = resolve(schema).get("items", {})
        return ", ".join(_render(item, items if isinstance(items, dict) else {}) for item in value)
    if isinstance(value, str):
        return value if len(value) <= SHORT else value[: SHORT - 1].rstrip() + "…"
    return json.dumps(value)


# --- reading trees ---------------------------------------------------------------------


class GitError(Exception):
    """git could not answer: not a repository, an unknown revision."""


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(lines[-1] if lines else f"git {args[0]} failed")
    return result.stdout


def _parse(raw: bytes, name: str) -> Any:
    if name.endswith(SOURCE_TEXT_SUFFIX):
        return raw.decode("utf-8", "replace")
    value, _, error = jsonparse.parse(raw)
    return value if error is None else None


def _tree_key(relative: str) -> tuple[str, str] | None:
    """(collection, id) for 'demands/x.json', (collection, 'x.txt') for a source text; None for anything else."""
    parts = relative.split("/")
    if len(parts) != 2 or parts[0] not in COLLECTIONS:
        return None
    collection, name = parts
    if name.endswith(".json"):
        return collection, name.removesuffix(".json")
    if collection == "sources" and name.endswith(SOURCE_TEXT_SUFFIX):
        return collection, name
    return None


def _blob_id(raw: bytes, width: int) -> str:
    """git's object id of a file's bytes (SHA-1, or SHA-256 in a repository that uses it)."""
    digest = hashlib.sha256 if width == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(raw) + raw).hexdigest()


def _working_files(records: Path) -> dict[tuple[str, str], tuple[Path, bytes]]:
    """The record files and stored texts on disk, by tree key."""
    files: dict[tuple[str, str], tuple[Path, bytes]] = {}
    for folder in sorted(os.scandir(records), key=lambda entry: entry.name):
        if folder.name not in COLLECTIONS or not folder.is_dir(follow_symlinks=False):
            continue
        for entry in os.scandir(folder.path):
            key = _tree_key(f"{folder.name}/{entry.name}")
            if key is not None and entry.is_file(follow_symlinks=False):
                with open(entry.path, "rb") as file:
                    files[key] = (Path(entry.path), file.read())
    return files


def _git_listing(records: Path, revision: str) -> tuple[Path, dict[tuple[str, str], str]]:
    """The repository's top and the records' object ids at a git revision (none if records/ was not there)."""
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], records).decode().strip())
    except GitError as exc:
        raise GitError(f"{display_path(records)} is not inside a git repository: diff compares with a git revision") from exc
    try:
        prefix = records.resolve().relative_to(top.resolve()).as_posix()
    except ValueError as exc:
        raise GitError(f"{display_path(records)} is not inside the git repository at {top}") from exc
    pathspec, strip = (".", "") if prefix == "." else (f"{prefix}/", f"{prefix}/")
    try:
        _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], top)
    except GitError as exc:
        raise GitError(f"unknown revision '{revision}': name a commit, branch or tag, such as HEAD, main or origin/main") from exc
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", revision, "--", pathspec], top)
    blobs: dict[tuple[str, str], str] = {}
    for entry in listing.split(b"\0"):
        meta, _, name = entry.decode("utf-8", "surrogateescape").partition("\t")
        key = _tree_key(name.removeprefix(strip))
        if key is not None and meta.split()[1] == "blob":
            blobs[key] = meta.split()[2]
    return top, blobs


def _read_blobs(top: Path, blobs: list[str]) -> list[bytes]:
    """The contents of git objects, in one `git cat-file --batch` call."""
    if not blobs:
        return []
    batch = _git(["cat-file", "--batch"], top, data="".join(f"{blob}\n" for blob in blobs).encode())
    contents: list[bytes] = []
    offset = 0
    for _ in blobs:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        contents.append(batch[header_end + 1 : header_end + 1 + size])
        offset = header_end + 1 + size + 1
    return contents


def record_changes(records: Path, base: str = "HEAD") -> tuple[list[Change], list[str]]:
    """Changes of the working tree's records against git revision `base`, and the files that could not be read.

    Files whose bytes are as committed are not even parsed. Raises GitError when git cannot read `base`."""
    files = _working_files(records)
    top, blobs = _git_listing(records, base)
    same = {key for key, blob in blobs.items() if key in files and _blob_id(files[key][1], len(blob)) == blob}
    head: Tree = {}
    unreadable: dict[tuple[str, str], str] = {}
    for key, (path, raw) in files.items():
        if key not in same:
            value = _parse(raw, key[1])
            if value is None:
                unreadable[key] = display_path(path)
            else:
                head[key] = value
    wanted = [(key, blob) for key, blob in sorted(blobs.items()) if key not in same and key not in unreadable]
    before: Tree = {}
    for (key, _), raw in zip(wanted, _read_blobs(top, [blob for _, blob in wanted]), strict=True):
        value = _parse(raw, key[1])
        if value is not None:
            before[key] = value
    return diff_trees(before, head), sorted(unreadable.values())


def diff_records(records: Path, base: str = "HEAD") -> int:
    """`build.py diff`: print the changes, one line each. Exit status."""
    if not records.is_dir():
        print(f"diff: error: records directory {printable(display_path(records))} not found", file=sys.stderr)
        return 1
    try:
        changes, unreadable = record_changes(records, base)
    except GitError as exc:
        print(f"diff: error: {printable(str(exc))}", file=sys.stderr)
        return 1
    for change in changes:
        print(printable(change.text()))
    for path in unreadable:
        print(f"diff: {printable(path)}: cannot be read, left out: run `python build.py check`", file=sys.stderr)
    if not changes and not unreadable:
        print(f"no changes to records since {printable(base)}")
    return 1 if unreadable else 0


__all__ = ["PLACEHOLDER", "Change", "canonical_text", "diff_records", "diff_trees", "format_records", "new_record", "record_changes"]
