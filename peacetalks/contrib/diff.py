"""`build.py diff [BASE]`: what the working tree changes against a git revision, record by record.

A change is a value (`Change`), for reviewers, the changelog and the feed. Lists are compared
by what identifies their items: an occasion by its id ("occasion 2025-06-istanbul added"),
other items by their date, status, reference or source, never by their position."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import jsonparse
from ..collections import COLLECTIONS, SOURCE_TEXT_SUFFIX
from ..load import display_path
from ..problems import printable
from ..schemas import load_schemas, resolve

SHORT = 60  # longest value a diff line shows in full


@dataclass(frozen=True, order=True)
class Change:
    """One change to the records between two trees, for reviewers, the changelog and the feed.

    `action` is "added", "removed" or "renamed" for a whole record (then `field` is ""), and for
    a field "added", "removed", "changed" or "reordered"; `old`/`new` are short renderings of the
    values. `entry` names an item of a list kept by id ("occasion 2025-06-istanbul"): the change is
    to that item as a whole when `field` is "", else to one of its fields."""

    order: int  # the collection's place in COLLECTIONS, for a stable sort
    collection: str
    id: str
    seq: int  # position within the record's changes
    action: str
    field: str = ""
    old: str = ""
    new: str = ""
    entry: str = ""

    @property
    def singular(self) -> str:
        return COLLECTIONS[self.collection].singular

    def text(self) -> str:
        """The human line, e.g. "meeting jeddah-talks: start 2025-03 → 2025-03-11" (not yet terminal-safe)."""
        value = self.new if self.action == "added" else self.old
        if self.entry and not self.field:
            about = f" ({value})" if value else ""
            return f"{self.singular} {self.id}: {self.entry} {self.action}{about}"
        if not self.field:
            if self.action == "renamed":
                return f"renamed {self.singular} {self.old} → {self.id}"
            return f"{self.action} {self.singular} {self.id}"
        head = f"{self.singular} {self.id}: {self.entry + ': ' if self.entry else ''}{self.field}"
        if self.action == "reordered":
            return f"{head}: reordered"
        if self.action == "changed":
            return f"{head} {self.old} → {self.new}" if self.old or self.new else f"{head} changed"
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
            fields.append(("stored text", "changed", "", "", ""))
        for seq, (field, action, old, new, entry) in enumerate(fields, start=1):
            changes.append(Change(rank, collection, record_id, seq, action, field, old, new, entry))
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


FieldChange = tuple[str, str, str, str, str]  # field, action, old, new, entry ("" or "occasion <id>")


def _field_changes(collection: str, old: Any, new: Any) -> Iterator[FieldChange]:
    if not isinstance(old, dict) or not isinstance(new, dict):
        if old != new:
            yield ("record", "changed", "", "", "")
        return
    schema = load_schemas()[COLLECTIONS[collection].schema]
    yield from _compare("", old, new, schema)


def _compare(path: str, old: Any, new: Any, schema: dict[str, Any]) -> Iterator[FieldChange]:
    if old == new:
        return
    node = resolve(schema)
    if isinstance(old, dict) and isinstance(new, dict):
        if _is_dated(old) and _is_dated(new) and old["date"] != new["date"]:
            yield (path, "changed", old["date"], new["date"], "")
            old, new = {k: v for k, v in old.items() if k != "date"}, {k: v for k, v in new.items() if k != "date"}
        properties = node.get("properties", {})
        keys = [k for k in properties if k in old or k in new] + sorted((set(old) | set(new)) - set(properties))
        for key in keys:
            child = f"{path}.{key}" if path else key
            sub = properties.get(key, {})
            if key in old and key in new:
                yield from _compare(child, old[key], new[key], sub)
            elif _keyed_list(new.get(key, old.get(key)), sub):
                yield from _compare_keyed(child, old.get(key, []), new.get(key, []), _items(sub))
            elif key not in old:
                yield (child, "added", "", _render(new[key], sub), "")
            else:
                yield (child, "removed", _render(old[key], sub), "", "")
        return
    if isinstance(old, list) and isinstance(new, list):
        if _keyed_list(old, schema) and _keyed_list(new, schema):
            yield from _compare_keyed(path, old, new, _items(schema))
        else:
            yield from _compare_lists(path, old, new, _items(schema))
        return
    shown_old, shown_new = _render(old, node), _render(new, node)
    if shown_old == shown_new or _is_prose(old, node) or _is_prose(new, node):
        yield (path, "changed", "", "", "")
    else:
        yield (path, "changed", shown_old, shown_new, "")


def _items(schema: dict[str, Any]) -> dict[str, Any]:
    items = resolve(schema).get("items", {})
    return items if isinstance(items, dict) else {}


def _keyed_list(value: Any, schema: dict[str, Any]) -> bool:
    """A list whose items the schema identifies by a required `id` (a demand's occasions), each
    with a distinct id: compared item by item, by id, whatever their positions."""
    if not isinstance(value, list) or "id" not in resolve(_items(schema)).get("required", []):
        return False
    ids = [item.get("id") if isinstance(item, dict) else None for item in value]
    return all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)


def _compare_keyed(path: str, old: list[Any], new: list[Any], items: dict[str, Any]) -> Iterator[FieldChange]:
    """Items removed, then in the new order items changed (field by field) or added, then "reordered"."""
    noun = str(resolve(items).get("title", "item")).lower()
    before = {item["id"]: item for item in old}
    after = {item["id"]: item for item in new}
    for item_id, item in before.items():
        if item_id not in after:
            yield ("", "removed", _summary(item), "", f"{noun} {item_id}")
    for item_id, item in after.items():
        if item_id in before:
            for field, action, was, now, _ in _compare("", before[item_id], item, items):
                yield (field, action, was, now, f"{noun} {item_id}")
        else:
            yield ("", "added", "", _summary(item), f"{noun} {item_id}")
    if [i for i in before if i in after] != [i for i in after if i in before]:
        yield (path, "reordered", "", "", "")


def _summary(item: dict[str, Any]) -> str:
    """An occasion in words: "restated by northland at meeting harbour-town-talks"."""
    words = [item["act"]] if isinstance(item.get("act"), str) else []
    for key in ("by", "of"):
        actors = item.get(key)
        if isinstance(actors, list) and actors:
            words.append(f"{key} {', '.join(str(actor) for actor in actors)}")
    for key, collection in (("at", "meetings"), ("in", "documents")):
        if isinstance(item.get(key), str):
            words.append(f"{key} {COLLECTIONS[collection].singular} {item[key]}")
    if _is_dated(item.get("date")):
        words.append(f"on {item['date']['date']}")
    return " ".join(words)


def _compare_lists(path: str, old: list[Any], new: list[Any], items: dict[str, Any]) -> Iterator[FieldChange]:
    """Items removed and added; an item whose label stays the same but whose content changes is compared inside."""
    removed = [item for item in old if item not in new]
    added = [item for item in new if item not in old]
    label = _labeller(old, new, items)
    for item in removed:
        twin = next((other for other in added if label(other) == label(item)), None)
        if twin is not None and isinstance(item, dict):
            added.remove(twin)
            yield from _compare(f"{path}[{label(item)}]", item, twin, items)
        else:
            yield (path, "removed", label(item) if isinstance(item, dict) else _render(item, items), "", "")
    for item in added:
        yield (path, "added", "", label(item) if isinstance(item, dict) else _render(item, items), "")
    if not removed and not added and old != new:
        yield (path, "reordered", "", "", "")


def _labeller(old: list[Any], new: list[Any], items: dict[str, Any]) -> Callable[[Any], str]:
    """`_label`, made distinct where two items of one list share a label (two citations of one
    source): those add their first other text, in quotes ("reuters-x “We demand…”")."""
    crowded = {
        label
        for side in (old, new)
        for label, count in Counter(_label(item, items) for item in side if isinstance(item, dict)).items()
        if count > 1
    }

    def label(item: Any) -> str:
        plain = _label(item, items)
        if plain not in crowded or not isinstance(item, dict):
            return plain
        properties = resolve(items).get("properties", {})
        texts = (v for k, v in item.items() if isinstance(v, str) and not _identifies(resolve(properties.get(k, {}))))
        text = next(texts, None)
        return f"{plain} “{_short(text)}”" if text else plain

    return label


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
        elif isinstance(item, str) and _identifies(sub):
            parts.append(item)
    if parts:
        return " ".join(parts)
    words = [item for item in value.values() if isinstance(item, str)]  # no date, status or id: its text, else its JSON
    return _short(" ".join(words) if words else json.dumps(value, ensure_ascii=False, sort_keys=True))


def _identifies(node: dict[str, Any]) -> bool:
    """A status or a reference: a value a reader knows an item by, unlike its prose."""
    return "enum" in node or "x-collection" in node


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
        return _short(value)
    return json.dumps(value)


def _short(text: str) -> str:
    return text if len(text) <= SHORT else text[: SHORT - 1].rstrip() + "…"


# --- reading trees ---------------------------------------------------------------------


class GitError(Exception):
    """git could not answer: not a repository, an unknown revision."""


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    except OSError as exc:
        raise GitError(f"git {args[0]} could not run: {exc.strerror or exc}") from exc
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


def cat_file(cwd: Path, specs: list[str]) -> dict[str, bytes]:
    """Object name or `rev:path` -> the blob's bytes, in one `git cat-file --batch` call.

    Names that are missing or not a blob (a tree at that path) are left out. Raises GitError
    when git cannot run there."""
    if not specs:
        return {}
    output = _git(["cat-file", "--batch"], cwd, data="".join(f"{spec}\n" for spec in specs).encode())
    found: dict[str, bytes] = {}
    offset = 0
    for spec in specs:
        end = output.find(b"\n", offset)
        if end < 0:
            break
        header = output[offset:end].split()
        offset = end + 1
        if len(header) == 3 and header[2].isdigit():  # "<object> <type> <size>"; a missing one says "missing"
            size = int(header[2])
            if header[1] == b"blob":
                found[spec] = output[offset : offset + size]
            offset += size + 1
    return found


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
    contents = cat_file(top, [blob for _, blob in wanted])
    for key, blob in wanted:
        value = _parse(contents[blob], key[1])
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
