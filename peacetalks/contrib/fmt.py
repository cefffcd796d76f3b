"""`build.py fmt [--check]`: rewrite records in canonical form, or list those that are not."""

from __future__ import annotations

import sys
from pathlib import Path

from ..canonical import canonical_text, is_canonical
from ..load import display_path, load
from ..problems import printable


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
        print(f"fmt: {count(len(unparsable), 'file')} could not be read: fix the errors above first", file=sys.stderr)
    if check_only and changed:
        print(f"fmt: {count(len(changed), 'file')} not in canonical form: run `python build.py fmt` to rewrite", file=sys.stderr)
        return 1
    if not changed and not unparsable:
        print(f"fmt: all {count(sum(dataset.counts().values()), 'record')} in canonical form")
    return 1 if unparsable else 0


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
