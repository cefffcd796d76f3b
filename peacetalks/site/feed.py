"""Record changes from `git log` of the records directory: for the home page and an Atom feed.

Deterministic: the same commits give the same feed. Outside a git checkout there are no
changes, and the feed is empty but valid. Every text written into the feed goes through
xmltext.escape, so a commit subject or a file name cannot make it ill-formed."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..collections import COLLECTIONS
from . import xmltext
from .xmltext import escape

LIMIT = 50
_NAMESPACE = uuid.UUID("6f1c9a52-3c55-4e53-9d8e-1f0b6c1f0a77")  # fixed: ids of entries are uuid5(commit)
_VERBS = {"A": "added", "M": "changed", "D": "removed", "R": "renamed", "C": "copied", "T": "changed"}


@dataclass(frozen=True)
class Touched:
    collection: str
    id: str
    verb: str


@dataclass(frozen=True)
class Change:
    commit: str
    time: int  # seconds since the epoch, committer date
    subject: str
    records: tuple[Touched, ...]

    @property
    def date(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.time, dt.UTC)


def changes(records: Path, limit: int = LIMIT) -> list[Change]:
    """The latest commits touching record files, newest first.

    Read NUL-separated (`-z`), as bytes: a subject or a file name may hold any other character,
    and any byte sequence, and still cannot break the parse."""
    try:
        result = subprocess.run(
            [
                "git",
                "-c",
                "log.showSignature=false",
                "-C",
                str(records),
                "log",
                "-z",
                "--no-merges",
                "--no-color",
                "--encoding=UTF-8",
                f"-n{limit}",
                "--no-renames",
                "--format=%H%x00%ct%x00%s",
                "--name-status",
                "--",
                ".",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    return [change for change in parse_log(result.stdout) if change.records]


_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256
_SECONDS = re.compile(r"[0-9]{1,20}")
# Commit times are clamped to 2106-02-07, the last second an unsigned 32-bit time holds: git
# accepts far later ones, but the newest becomes SOURCE_DATE_EPOCH, which the sitemap's gzip
# header must hold (and a datetime ends in 9999).
_LATEST = 2**32 - 1


def parse_log(output: bytes) -> list[Change]:
    """Commits from `git log -z --format=%H%x00%ct%x00%s --name-status`.

    The output is a run of NUL-terminated fields: for each commit its hash, time and subject,
    then for each file a status and a path (the first status after a line break). A field that
    fits neither is skipped, so no output can raise."""
    fields = output.decode("utf-8", errors="replace").split("\0")
    found: list[tuple[str, int, str, dict[tuple[str, str], Touched]]] = []
    index = 0
    while index < len(fields):
        field = fields[index].lstrip("\n")
        if _COMMIT.fullmatch(field) and index + 2 < len(fields) and _SECONDS.fullmatch(fields[index + 1]):
            found.append((field, min(int(fields[index + 1]), _LATEST), xmltext.clean(fields[index + 2]), {}))
            index += 3
            continue
        if found and index + 1 < len(fields):
            _touch(found[-1][3], field, fields[index + 1])
            index += 2
            continue
        index += 1
    return [
        Change(commit, time, subject, tuple(sorted(touched.values(), key=lambda t: (t.collection, t.id))))
        for commit, time, subject, touched in found
    ]


def _touch(touched: dict[tuple[str, str], Touched], status: str, path: str) -> None:
    parts = path.split("/")
    if len(parts) >= 2 and parts[-2] in COLLECTIONS and parts[-1].endswith(".json"):
        key = (parts[-2], parts[-1].removesuffix(".json"))
        touched.setdefault(key, Touched(key[0], key[1], _VERBS.get(status[:1], "changed")))


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(entries: list[Change], updated: dt.datetime, title: str, labels: dict[tuple[str, str], str]) -> str:
    """The Atom document. Links are relative to the feed, which sits at the site's root."""
    feed_id = f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed')}"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title>",
        f"<id>{feed_id}</id>",
        f"<updated>{_stamp(entries[0].date if entries else updated)}</updated>",
        "<author><name>peacetalks contributors</name></author>",
        '<link rel="self" href="feed.xml"/>',
        '<link rel="alternate" href="index.html"/>',
    ]
    for change in entries:
        lines = []
        for t in change.records:
            label = labels.get((t.collection, t.id), t.id)
            if t.verb == "removed" or (t.collection, t.id) not in labels:
                lines.append(f"<li>{escape(t.verb)}: {escape(t.collection)}/{escape(t.id)}</li>")
            else:
                href = f"{t.collection}/{t.id}.html"
                lines.append(f'<li>{escape(t.verb)}: <a href="{escape(href)}">{escape(label)}</a></li>')
        first = next((t for t in change.records if (t.collection, t.id) in labels and t.verb != "removed"), None)
        out += [
            "<entry>",
            f"<title>{escape(change.subject or 'Record changes')}</title>",
            f"<id>urn:uuid:{uuid.uuid5(_NAMESPACE, change.commit)}</id>",
            f"<updated>{_stamp(change.date)}</updated>",
        ]
        if first:
            out.append(f'<link rel="alternate" href="{escape(first.collection)}/{escape(first.id)}.html"/>')
        out.append(f'<content type="html">{escape("<ul>" + "".join(lines) + "</ul>")}</content>')
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"
