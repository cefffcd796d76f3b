"""Record changes from `git log` of the records directory: for the home page and an Atom feed.

Deterministic: the same commits give the same feed. Outside a git checkout there are no
changes, and the feed is empty but valid."""

from __future__ import annotations

import datetime as dt
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..collections import COLLECTIONS

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
    """The latest commits touching record files, newest first."""
    try:
        result = subprocess.run(
            [
                "git",
                "-C",
                str(records),
                "log",
                "--no-merges",
                f"-n{limit}",
                "--no-renames",
                "--format=%x1e%H%x1f%ct%x1f%s",
                "--name-status",
                "--",
                ".",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    return [c for c in (_parse(chunk) for chunk in result.stdout.split("\x1e") if chunk.strip()) if c.records]


def _parse(chunk: str) -> Change:
    head, _, body = chunk.partition("\n")
    commit, time, subject = ([*head.split("\x1f"), "", "", ""])[:3]
    touched: dict[tuple[str, str], Touched] = {}
    for line in body.splitlines():
        status, _, path = line.partition("\t")
        parts = path.split("/")
        if len(parts) >= 2 and parts[-2] in COLLECTIONS and parts[-1].endswith(".json"):
            key = (parts[-2], parts[-1].removesuffix(".json"))
            touched.setdefault(key, Touched(key[0], key[1], _VERBS.get(status[:1], "changed")))
    return Change(commit, int(time or 0), subject, tuple(sorted(touched.values(), key=lambda t: (t.collection, t.id))))


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
                lines.append(f"<li>{escape(t.verb)}: <a href={quoteattr(href)}>{escape(label)}</a></li>")
        first = next((t for t in change.records if (t.collection, t.id) in labels and t.verb != "removed"), None)
        out += [
            "<entry>",
            f"<title>{escape(change.subject or 'Record changes')}</title>",
            f"<id>urn:uuid:{uuid.uuid5(_NAMESPACE, change.commit)}</id>",
            f"<updated>{_stamp(change.date)}</updated>",
        ]
        if first:
            out.append(f'<link rel="alternate" href="{first.collection}/{first.id}.html"/>')
        out.append(f'<content type="html">{escape("<ul>" + "".join(lines) + "</ul>")}</content>')
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"
