"""The stages end to end: load → validate → (render and export). Each returns its problems."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .load import Dataset, load
from .problems import Problem
from .validate import validate


def check(records: Path) -> tuple[Dataset, list[Problem]]:
    dataset, problems = load(records)
    problems = problems + validate(dataset)
    from .canonical import format_problems

    problems += format_problems(dataset, skip={p.path for p in problems})
    return dataset, sorted(set(problems))


def export(records: Path, out: Path) -> list[Problem]:
    dataset, problems = check(records)
    if problems:
        return problems
    from .export import write_exports

    write_exports(dataset, out)
    return []


def build(records: Path, out: Path) -> list[Problem]:
    """Build the site into a fresh directory beside `out`, then swap it in.

    A failed check or build leaves `out` exactly as it was."""
    dataset, problems = check(records)
    if problems:
        return problems
    from .site import build_site

    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        problems = build_site(dataset, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if problems:
        shutil.rmtree(staging, ignore_errors=True)
        return problems
    retired = out.parent / f".{out.name}.old"
    shutil.rmtree(retired, ignore_errors=True)
    if out.exists():
        out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
    return []
