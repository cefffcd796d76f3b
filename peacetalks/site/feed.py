"""Record changes from `git log` of the records directory, and releases from CHANGELOG.md: for
the home page and an Atom feed.

The feed has an entry per release (peacetalks.export.version.releases) and one per commit that
changed records, saying in words what changed ("added demand x", "demand x: title a → b"):
the two trees of the commit's files compared by peacetalks/contrib/diff.py. Links are absolute
when a site URL is configured (`site_url()`), relative to the feed otherwise.

Deterministic: the same commits and changelog give the same feed. Outside a git checkout there
are no changes, and the feed holds the releases alone. Every text written into the feed goes
through xmltext.escape, so a commit subject or a file name cannot make it ill-formed."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .. import jsonparse
from ..collections import COLLECTIONS
from ..contrib import diff
from ..export.version import CHANGELOG, releases
from . import xmltext
from .xmltext import escape

LIMIT = 50
WORDS = 20  # lines of words per entry; the rest are counted
MKDOCS_YML = Path(__file__).resolve().parent.parent.parent / "mkdocs.yml"
_SITE_URL = re.compile(r"^site_url:[ \t]*['\"]?(https?://[^\s'\"#]+)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)
_URL = re.compile(r"https?://[^\s<>\"'`\\]+")
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
    # The commit's record files before and after it, and what changed between them (diff.diff_trees)
    base: diff.Tree = field(default_factory=dict, compare=False)
    head: diff.Tree = field(default_factory=dict, compare=False)
    diffs: tuple[diff.Change, ...] = field(default=(), compare=False)

    @property
    def words(self) -> tuple[tuple[str, str, str], ...]:
        """(collection, id, "added demand x") per change, as `build.py diff` says it."""
        return tuple((c.collection, c.id, xmltext.clean(c.text())) for c in self.diffs)

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
    found = [change for change in parse_log(result.stdout) if change.records]
    return with_words(records, found)


def site_url(config: Path = MKDOCS_YML) -> str:
    """The site's address without a trailing slash: PEACETALKS_SITE_URL, else mkdocs.yml's
    `site_url`; "" when neither is set (or is not an http(s) address): links stay relative."""
    value = os.environ.get("PEACETALKS_SITE_URL", "").strip()
    if not value:
        try:
            match = _SITE_URL.search(config.read_text("utf-8"))
        except OSError:
            match = None
        value = match.group(1) if match else ""
    return value.rstrip("/") if _URL.fullmatch(value) else ""


def with_words(records: Path, found: list[Change]) -> list[Change]:
    """The changes with the trees of the records each commit touched, before and after it, and
    what changed between them (diff.diff_trees), from one `git cat-file --batch`."""
    try:
        prefix = subprocess.run(
            ["git", "-C", str(records), "rev-parse", "--show-prefix"], capture_output=True, text=True, timeout=60, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return found
    paths = {id(change): [(t, f"{prefix}{t.collection}/{t.id}.json") for t in change.records] for change in found}
    specs = [f"{c.commit}{side}:{path}" for c in found for _, path in paths[id(c)] if _SAFE_PATH.fullmatch(path) for side in ("^", "")]
    try:
        contents = diff.cat_file(records, specs)
    except diff.GitError:
        return found
    out = []
    for change in found:
        base: diff.Tree = {}
        head: diff.Tree = {}
        for t, path in paths[id(change)]:
            for tree, spec in ((base, f"{change.commit}^:{path}"), (head, f"{change.commit}:{path}")):
                value = _parsed(contents.get(spec))
                if value is not None:
                    tree[(t.collection, t.id)] = value
        diffs = tuple(diff.diff_trees(base, head))
        out.append(Change(change.commit, change.time, change.subject, change.records, base, head, diffs))
    return out


_SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")  # what `rev:path` can name on one line of cat-file's input


def _parsed(raw: bytes | None) -> object:
    if raw is None:
        return None
    value, _, error = jsonparse.parse(raw)
    return value if error is None and isinstance(value, dict) else None


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


@dataclass(frozen=True)
class Release:
    version: str
    day: str  # ISO date, from the changelog heading
    notes: str  # the changelog's section for it, as written

    @property
    def date(self) -> dt.datetime:
        return dt.datetime.strptime(self.day, "%Y-%m-%d").replace(tzinfo=dt.UTC)


def changelog_releases(changelog: Path = CHANGELOG) -> list[Release]:
    """Every release listed in the changelog, newest first, with its section's text."""
    try:
        text = changelog.read_text("utf-8")
    except OSError:
        return []
    found = []
    for version, day in releases(changelog):
        heading = f"## [{version}] - {day}"
        start = text.find(heading)
        body = text[start + len(heading) :] if start >= 0 else ""
        following = re.search(r"^## ", body, re.MULTILINE)
        found.append(Release(version, day, (body[: following.start()] if following else body).strip()))
    return found


def atom(
    entries: list[Change],
    updated: dt.datetime,
    title: str,
    labels: dict[tuple[str, str], str],
    released: list[Release] | None = None,
    base: str | None = None,
) -> str:
    """The Atom document: the releases (`changelog_releases()`) and the record changes, newest first.

    The changes keep their order (git's); each release goes before the first change older than it.
    Links start with `base` (default: `site_url()` and a slash; "" keeps them relative to the
    feed, which sits at the site's root)."""
    prefix = (site_url() + "/" if site_url() else "") if base is None else base
    feed_id = f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed')}"
    items = _merge(
        [(r.date, _release_entry(r, prefix)) for r in sorted(released or [], key=lambda r: (r.day, r.version), reverse=True)],
        [(c.date, _change_entry(c, labels, prefix)) for c in entries],
    )
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title>",
        f"<id>{feed_id}</id>",
        f"<updated>{_stamp(items[0][0] if items else updated)}</updated>",
        "<author><name>peacetalks contributors</name></author>",
        f'<link rel="self" href="{escape(prefix)}feed.xml"/>',
        f'<link rel="alternate" href="{escape(prefix)}index.html"/>',
    ]
    for _, lines in items:
        out += lines
    out.append("</feed>")
    return "\n".join(out) + "\n"


Item = tuple[dt.datetime, list[str]]


def _merge(released: list[Item], changes: list[Item]) -> list[Item]:
    out: list[Item] = []
    while released and changes:
        out.append(released.pop(0) if released[0][0] >= changes[0][0] else changes.pop(0))
    return out + released + changes


def _release_entry(release: Release, prefix: str) -> list[str]:
    summary = f"Version {release.version} of the dataset, released on {release.day}."
    return [
        "<entry>",
        f"<title>{escape(f'Release {release.version}')}</title>",
        f"<id>urn:uuid:{uuid.uuid5(_NAMESPACE, 'release:' + release.version)}</id>",
        f"<updated>{_stamp(release.date)}</updated>",
        f'<link rel="alternate" href="{escape(prefix)}changelog.html"/>',
        f'<link rel="related" href="{escape(prefix)}downloads.html"/>',
        f"<summary>{escape(summary)}</summary>",
        f'<content type="text">{escape(release.notes or summary)}</content>',
        "</entry>",
    ]


def _change_entry(change: Change, labels: dict[tuple[str, str], str], prefix: str) -> list[str]:
    def page(collection: str, record_id: str) -> str:
        return f"{prefix}{collection}/{record_id}.html"

    lines = []
    for t in change.records:
        label = labels.get((t.collection, t.id), t.id)
        if t.verb == "removed" or (t.collection, t.id) not in labels:
            lines.append(f"<li>{escape(t.verb)}: {escape(t.collection)}/{escape(t.id)}</li>")
        else:
            lines.append(f'<li>{escape(t.verb)}: <a href="{escape(page(t.collection, t.id))}">{escape(label)}</a></li>')
    words = [f"<li>{escape(text)}</li>" for _, _, text in change.words[:WORDS]]
    if len(change.words) > WORDS:
        words.append(f"<li>and {len(change.words) - WORDS} more changes</li>")
    body = "<ul>" + "".join(lines) + "</ul>" + (f"<p>What changed:</p><ul>{''.join(words)}</ul>" if words else "")
    first = next((t for t in change.records if (t.collection, t.id) in labels and t.verb != "removed"), None)
    out = [
        "<entry>",
        f"<title>{escape(change.subject or 'Record changes')}</title>",
        f"<id>urn:uuid:{uuid.uuid5(_NAMESPACE, change.commit)}</id>",
        f"<updated>{_stamp(change.date)}</updated>",
    ]
    if first:
        out.append(f'<link rel="alternate" href="{escape(page(first.collection, first.id))}"/>')
    if change.words:
        out.append(f"<summary>{escape('; '.join(text for _, _, text in change.words[:WORDS]))}</summary>")
    out.append(f'<content type="html">{escape(body)}</content>')
    out.append("</entry>")
    return out
