"""What the latest commits changed in the records, as `build.py diff` sees it, for the home page.

Each commit touching records (feed.changes) is compared with its parent by
peacetalks/contrib/diff.py `diff_trees`, over the record files it touched: the same changes,
in the same order, as `build.py diff <parent>` would list. From git history only, so the same
commits give the same page; without git there are no commits and no changes."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..contrib import diff
from ..jsonparse import parse
from . import feed

_SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")  # what `rev:path` can name on a line of cat-file's input


@dataclass(frozen=True)
class Commit:
    """A commit's record changes, with the two trees they were computed from (for labels)."""

    change: feed.Change
    changes: tuple[diff.Change, ...]
    base: diff.Tree
    head: diff.Tree


def _git(records: Path, args: list[str], data: bytes | None = None) -> bytes | None:
    try:
        result = subprocess.run(["git", "-C", str(records), *args], input=data, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def _batch(records: Path, specs: list[str]) -> dict[str, bytes]:
    """`rev:path` -> the file's bytes, for those that name a file, in one `git cat-file --batch`."""
    output = _git(records, ["cat-file", "--batch"], "".join(f"{s}\n" for s in specs).encode()) if specs else None
    if output is None:
        return {}
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


def latest(records: Path, changes: list[feed.Change], count: int) -> list[Commit]:
    """The record changes of the `count` newest commits in `changes` (newest first)."""
    chosen = changes[:count]
    prefix_raw = _git(records, ["rev-parse", "--show-prefix"]) if chosen else None
    if prefix_raw is None:
        return []
    prefix = prefix_raw.decode("utf-8", "replace").strip()
    wanted: list[tuple[feed.Change, tuple[str, str], str, str]] = []
    for change in chosen:
        for touched in change.records:
            path = f"{prefix}{touched.collection}/{touched.id}.json"
            if _SAFE_PATH.fullmatch(path):
                wanted.append((change, (touched.collection, touched.id), f"{change.commit}^:{path}", f"{change.commit}:{path}"))
    blobs = _batch(records, [spec for *_, before, after in wanted for spec in (before, after)])
    out = []
    for change in chosen:
        base: diff.Tree = {}
        head: diff.Tree = {}
        for owner, key, before, after in wanted:
            if owner is change:
                for tree, spec in ((base, before), (head, after)):
                    value = _record(blobs.get(spec))
                    if value is not None:
                        tree[key] = value
        out.append(Commit(change, tuple(diff.diff_trees(base, head)), base, head))
    return out


def _record(raw: bytes | None) -> dict[str, object] | None:
    if raw is None:
        return None
    value, _, error = parse(raw)
    return value if error is None and isinstance(value, dict) else None


# --- in words, for the home page -----------------------------------------------------------

SHOWN = 6  # changes listed per commit; the rest are counted


def _label(collection: str, data: object, fallback: str) -> str:
    from ..collections import COLLECTIONS

    value = data.get(COLLECTIONS[collection].label) if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else fallback


def _dated_words(text: str) -> str | None:
    from .. import edtf

    try:
        edtf.parse(text)
    except edtf.DateError:
        return None
    return edtf.human(text)


def _field_words(collection: str, name: str, in_occasion: bool) -> str:
    """A diff field path ('place.text', 'roles[President].start') in the schema's words."""
    from .views import field_titles, occasion_titles

    titles = occasion_titles() if in_occasion else field_titles(collection)
    last = re.sub(r"\[[^\]]*\]", "", name).split(".")[-1]
    return titles.get(last, last.replace("_", " ")).lower() if last else "the record"


def _occasion_words(data: object, entry: str) -> str:
    """An occasion of a demand in a few words ('raised, 11 March 2025'), found by the entry's id."""
    from .views import act_label, date_view

    occasion_id = entry.partition(" ")[2]
    items = data.get("occasions") if isinstance(data, dict) else None
    item = next((o for o in items or [] if isinstance(o, dict) and o.get("id") == occasion_id), None) if isinstance(items, list) else None
    if item is None:
        return "an occasion"
    act = act_label(str(item.get("act", ""))) if isinstance(item.get("act"), str) else "an occasion"
    when = date_view(item.get("date"))
    return f"the occasion “{act}{', ' + when['words'] if when else ''}”"


def change_words(commit: Commit, change: diff.Change) -> dict[str, str]:
    """One change as the home page says it: text before the record's name (the page adds the
    space: printed text loses its edge spaces), and after it."""
    key = (change.collection, change.id)
    singular = change.singular
    if not change.field and not change.entry:
        if change.action == "added":
            return {"before": f"Added the {singular}", "after": ""}
        if change.action == "removed":
            return {"before": f"Removed the {singular}", "after": ""}
        if change.action == "renamed":
            return {"before": "", "after": ": a new identifier (its old address redirects)"}
    about = ""
    if change.entry:
        tree = commit.base if change.action == "removed" and not change.field else commit.head  # where the occasion is
        about = _occasion_words(tree.get(key), change.entry) if change.entry.startswith("occasion ") else change.entry
        if not change.field:
            return {"before": "", "after": f": {about} {change.action}"}
    what = _field_words(change.collection, change.field, bool(change.entry))
    where = f": {about}: " if about else ": "
    if change.action == "changed":
        old, new = _dated_words(change.old), _dated_words(change.new)
        values = f" from {old} to {new}" if old and new else ""
        return {"before": "", "after": f"{where}{what} changed{values}"}
    return {"before": "", "after": f"{where}{what} {change.action}"}


def record_label(commit: Commit, change: diff.Change) -> str:
    """The record's name in the commit (before it, for a record the commit removed)."""
    key = (change.collection, change.id)
    data = commit.head.get(key) if key in commit.head else commit.base.get(key)
    return _label(change.collection, data, change.id)
