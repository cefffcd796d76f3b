"""What the latest commits changed in the records, in words, for the home page.

Each commit touching records (feed.changes) carries its record files before and after it and
their differences (peacetalks/contrib/diff.py `diff_trees`): the same changes, in the same
order, as `build.py diff <parent>` would list. This module says them as a reader reads them."""

from __future__ import annotations

import re

from ..contrib import diff
from .feed import Change as Commit

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
