"""The feed and every SVG of a built site are well-formed XML, whatever git's history holds.

Commit subjects may carry git log's old field separators (0x1E, 0x1F), terminal escapes, bytes
that are not UTF-8 and characters XML 1.0 forbids (U+FFFE, U+FFFF); commit times may lie far
beyond what a date can hold. A real repository is made with such commits, the real command line
builds the site from it, and the feed and every <svg> of every page are parsed as XML."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from peacetalks.site import feed, xmltext

from .conftest import FIXTURES, build, html_pages

ATOM = "{http://www.w3.org/2005/Atom}"
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
# Every subject here is followed by a space and "end", to show nothing after the hostile part is lost.
SUBJECTS = [
    b"separators \x1e record \x1f field end",
    b"escape \x1b[31mred\x1b[0m \x1b]0;title\x07 end",
    b"controls \x01\x08\x0b\x0c\x7f\xc2\x85\xc2\x9b\x00 end",  # git ends a subject at NUL
    b"noncharacters \xef\xbf\xbe \xef\xbf\xbf \xf4\x8f\xbf\xbf end",
    b"not utf-8 \xff\xfe\xc3( end",
    b"markup <b>&amp;</b> ]]> \"'<!-- end",
]
# A commit time git accepts but no date can hold: year 3,170,843.
FAR_FUTURE = 99_999_999_999_999
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def _git(repo: Path, *args: str, data: bytes | None = None, check: bool = True) -> bytes:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True, check=check, env=env).stdout


def _hostile_commit(repo: Path, subject: bytes, time: int) -> None:
    """Commit the working tree with exactly these bytes as its subject.

    `git commit` rewrites a message it deems not UTF-8 (U+FFFE counts), so the commit object is
    written by hand, as a forged or imported history could hold it."""
    _git(repo, "add", "-A")
    tree = _git(repo, "write-tree").strip()
    parent = _git(repo, "rev-parse", "--verify", "-q", "HEAD", check=False).strip()  # none before the first
    head = b"tree " + tree + b"\n" + (b"parent " + parent + b"\n" if parent else b"")
    who = f"Test <test@example.org> {time} +0000\n".encode()
    body = head + b"author " + who + b"committer " + who + b"\n" + subject + b"\n"
    commit = _git(repo, "hash-object", "-t", "commit", "-w", "--literally", "--stdin", data=body).strip()
    _git(repo, "update-ref", "HEAD", commit.decode())


@pytest.fixture(scope="module")
def hostile_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository of the basic records, each commit touching a record, with hostile subjects."""
    repo = tmp_path_factory.mktemp("history")
    _git(repo, "init", "-q")
    records = repo / "records"
    shutil.copytree(FIXTURES / "basic", records)
    _hostile_commit(repo, b"Add the basic records", 1_700_000_000)
    actors = sorted((records / "actors").glob("*.json"))
    for index, subject in enumerate(SUBJECTS):
        actor = actors[index % len(actors)]
        actor.write_text(actor.read_text("utf-8").rstrip("\n") + "\n" * (index + 2), "utf-8")  # any change
        _hostile_commit(repo, subject, 1_700_000_000 + 3_600 * (index + 1))
    (records / "topics" / "alliances.json").unlink()
    _hostile_commit(repo, b"remove \x1e\x1f a topic end", FAR_FUTURE)
    shutil.rmtree(records)
    shutil.copytree(FIXTURES / "basic", records)  # the last commit is the valid fixture again
    _hostile_commit(repo, b"restore the topic", 1_700_100_000)
    return repo


@pytest.fixture(scope="module")
def hostile_history_site(hostile_history: Path) -> Path:
    return build(hostile_history / "records", hostile_history.parent / "site")


def _well_formed(text: str | bytes, where: str) -> ET.Element:
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise AssertionError(f"{where} is not well-formed XML: {exc}") from exc


def test_hostile_subjects_leave_the_feed_well_formed(hostile_history: Path) -> None:
    changes = feed.changes(hostile_history / "records")
    assert len(changes) == len(SUBJECTS) + 3
    subjects = [change.subject for change in changes]
    assert subjects[0] == "restore the topic"
    assert subjects[1] == "remove  a topic end"
    assert "separators  record  field end" in subjects
    assert "escape [31mred[0m ]0;title end" in subjects
    assert "controls " in subjects  # the controls dropped, and nothing after the NUL (git ends the subject there)
    assert "noncharacters    end" in subjects
    assert "not utf-8 \ufffd\ufffd\ufffd( end" in subjects  # undecodable bytes become U+FFFD, which XML allows
    assert "markup <b>&amp;</b> ]]> \"'<!-- end" in subjects
    assert changes[1].time == 2**32 - 1  # clamped: the far-future time cannot become a date
    assert changes[1].records == (feed.Touched("topics", "alliances", "removed"),)
    document = feed.atom(changes, dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "feed", {})
    root = _well_formed(document, "the feed")
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles == subjects


def test_labels_and_ids_that_xml_cannot_carry_are_dropped_from_the_feed() -> None:
    change = feed.Change("0" * 40, 0, "a\ufffe\x1b b", (feed.Touched("actors", "x\x1e", "changed"), feed.Touched("actors", "y", "added")))
    labels = {("actors", "x\x1e"): "X\uffff\x00", ("actors", "y"): "Y <&> \ud800"}
    root = _well_formed(feed.atom([change], dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "t\x1f", labels), "the feed")
    entry = root.find(f"{ATOM}entry")
    assert entry is not None and entry.findtext(f"{ATOM}title") == "a b"
    content = entry.findtext(f"{ATOM}content") or ""
    assert ">X</a>" in content and "Y &lt;&amp;&gt; </a>" in content


@pytest.mark.parametrize(
    "output",
    [
        b"",
        b"\x00\x00\x00",
        b"not a log at all\n",
        b"0123456789abcdef0123456789abcdef01234567\x00",  # a hash and nothing else
        b"0123456789abcdef0123456789abcdef01234567\x00" + b"9" * 5000 + b"\x00subject\x00",  # a time of 5,000 digits
        b"0123456789abcdef0123456789abcdef01234567\x00-5\x00subject\x00\nM\x00records/actors/a.json\x00",
        b"0123456789abcdef0123456789abcdef01234567\x001\x00s\x00\nM\x00records/actors/a.json\x00\nA\x00records/actors/",
    ],
)
def test_any_git_output_parses_without_raising(output: bytes) -> None:
    for change in feed.parse_log(output):
        assert 0 <= change.time <= 2**32 - 1
        change.date.isoformat()


def test_the_built_feed_is_well_formed_and_lists_the_hostile_commits(hostile_history_site: Path) -> None:
    root = _well_formed((hostile_history_site / "feed.xml").read_bytes(), "feed.xml")
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert "separators  record  field end" in titles and "markup <b>&amp;</b> ]]> \"'<!-- end" in titles
    home = (hostile_history_site / "index.html").read_text("utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]", home), "the home page's latest changes are clean"


def _svgs(site: Path) -> list[tuple[str, str]]:
    return [(page.relative_to(site).as_posix(), svg) for page in html_pages(site) for svg in SVG.findall(page.read_text("utf-8"))]


def test_every_svg_of_the_hostile_history_site_is_well_formed(hostile_history_site: Path) -> None:
    svgs = _svgs(hostile_history_site)
    assert any('class="peacetalks-timeline"' in svg for _, svg in svgs), "the timeline is drawn"
    for where, svg in svgs:
        _well_formed(svg, f"an <svg> of {where}")


def test_every_svg_of_the_hostile_records_site_is_well_formed(hostile_site: Path) -> None:
    svgs = _svgs(hostile_site)
    assert sum('class="peacetalks-timeline"' in svg for _, svg in svgs) >= 1
    for where, svg in svgs:
        _well_formed(svg, f"an <svg> of {where}")
    _well_formed((hostile_site / "feed.xml").read_bytes(), "feed.xml")


def test_xml_text_drops_exactly_what_xml_forbids_or_discourages() -> None:
    allowed = "\t\n\r -~\u00a0\u00e9\u200b\u200d\ud7ff\ue000\ufffd\U00010000\U0001f600\U0010fffd"
    assert xmltext.clean(allowed) == allowed
    forbidden = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
    forbidden += "\ud800\udfff\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff"
    assert xmltext.clean(f"a{forbidden}b") == "ab"
    assert xmltext.escape("<a href=\"x\" title='y'>&</a>") == "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;"


def test_the_timeline_draws_dates_at_the_calendars_edges() -> None:
    """The check keeps dates within 1900-2100; the drawing itself must not overflow either."""
    from peacetalks import edtf
    from peacetalks.site import timeline

    marks = tuple(timeline.Mark(edtf.parse(text), "meeting", text) for text in ("0001-01-01", "0001~/9999?", "9999-12-31"))
    rows = [timeline.Row("edges", "x.html", marks)]
    _well_formed(timeline.draw(rows, "all", "t", "d"), "the whole timeline")
    for day in (marks[0].span.first, marks[-1].span.last):
        window = timeline.recent_window(day)
        assert dt.date.min <= window[0] <= window[1] <= dt.date.max
        _well_formed(timeline.draw(rows, "recent", "t", "d", window), f"the timeline ending {day}")
