"""The stages end to end: load → validate → (render and export). Each returns its problems.

`build` and `export` first refuse an output directory they must not replace, then write into a
fresh staging directory and swap it in (peacetalks/output.py): a record problem or an OS error
leaves `out` as it was, and comes back as a value (Problems, or one OutputError)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .load import Dataset, gc_paused, load
from .problems import Problem
from .validate import validate

if TYPE_CHECKING:  # imported where used: `check` writes nothing
    from .output import OutputError


def check(records: Path, cache: bool = False) -> tuple[Dataset, list[Problem]]:
    """Load and validate; with `cache`, skip the files an earlier run found clean (peacetalks/cache.py)."""
    if cache:
        from . import cache as check_cache

        return check_cache.check(records)
    with gc_paused():
        dataset, problems = load(records)
        problems = problems + validate(dataset, layout_except={p.path for p in problems})
    return dataset, sorted(set(problems))


def export(records: Path, out: str | os.PathLike[str], cache: bool = False) -> list[Problem] | OutputError:
    """Check, then write the data files into a fresh directory swapped in for `out`."""
    from .output import publish, refuse

    refused = refuse(out, records)
    if refused is not None:
        return refused
    dataset, problems = check(records, cache)
    if problems:
        return problems
    from .export import write_exports

    def fill(staging: Path) -> list[Problem]:
        write_exports(dataset, staging)
        return []

    return publish(out, records, fill)


def build(records: Path, out: str | os.PathLike[str], cache: bool = False) -> list[Problem] | OutputError:
    """Check, then build the site into a fresh directory beside `out` and swap it in.

    A failed check or build leaves `out` exactly as it was."""
    from .output import publish, refuse

    refused = refuse(out, records)
    if refused is not None:
        return refused
    dataset, problems = check(records, cache)
    if problems:
        return problems
    from .site import build_site

    return publish(out, records, lambda staging: build_site(dataset, staging))
