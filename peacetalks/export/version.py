"""The dataset's version, from CHANGELOG.md, and the package's creation time, never the wall clock."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

CHANGELOG = Path(__file__).resolve().parent.parent.parent / "CHANGELOG.md"
# "## [2026.11.0] - 2026-11-25": a released version; "## [Unreleased]" is skipped.
_RELEASE = re.compile(r"^## \[([0-9][^\]]*)\] - ([0-9]{4}-[0-9]{2}-[0-9]{2})\s*$", re.MULTILINE)


def releases(changelog: Path = CHANGELOG) -> list[tuple[str, str]]:
    """(version, ISO date) of every released version, newest first, as the changelog lists them."""
    try:
        text = changelog.read_text("utf-8")
    except OSError:
        return []
    return [(m.group(1), m.group(2)) for m in _RELEASE.finditer(text)]


def dataset_version(changelog: Path = CHANGELOG) -> str:
    """The newest released version in CHANGELOG.md ('0.0.0' when there is none)."""
    found = releases(changelog)
    return found[0][0] if found else "0.0.0"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def created(records: Path, changelog: Path = CHANGELOG) -> str:
    """SOURCE_DATE_EPOCH when set; else the last git commit touching the records; else the release date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _iso(dt.datetime.fromtimestamp(int(epoch), dt.UTC))
    stamp = _git_time(records)
    if stamp is not None:
        return _iso(dt.datetime.fromtimestamp(stamp, dt.UTC))
    found = releases(changelog)
    day = found[0][1] if found else "1970-01-01"
    return f"{day}T00:00:00Z"


def _git_time(records: Path) -> int | None:
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "."],
            cwd=records,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = result.stdout.strip()
    return int(value) if result.returncode == 0 and value.isdigit() else None
