"""Contributor tools: canonical formatting (`fmt`), skeletons (`new`, `new occasion`) and record diffs (`diff`).

The canonical form itself, which the check also applies, is in peacetalks/canonical.py."""

from __future__ import annotations

from ..canonical import canonical_text
from .diff import Change, diff_records, diff_trees, record_changes
from .fmt import format_records
from .new import new_occasion, new_record, skeleton

__all__ = [
    "Change",
    "canonical_text",
    "diff_records",
    "diff_trees",
    "format_records",
    "new_occasion",
    "new_record",
    "record_changes",
    "skeleton",
]
