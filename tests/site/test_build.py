"""The build as a whole: reproducible, atomic, and reporting bad records as located problems."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from peacetalks.export import DOWNLOADS
from peacetalks.export.version import releases
from peacetalks.schemas import load_schemas, resolve
from tests.conftest import run_build

from .conftest import FIXTURES, build, parse

ATOM = "{http://www.w3.org/2005/Atom}"


def tree_digest(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def copy_records(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def test_two_builds_are_byte_identical(basic_site: Path, tmp_path: Path) -> None:
    again = build(FIXTURES / "basic", tmp_path / "again")
    first, second = tree_digest(basic_site), tree_digest(again)
    assert first.keys() == second.keys()
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, differ
    for name in ("sitemap.xml.gz", "search/search_index.json", "search/search_index.js", "feed.xml", "data/peacetalks.sqlite"):
        assert name in first


def test_sitemap_dates_come_from_source_date_epoch(tmp_path: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    result = run_build("build", "--records", str(FIXTURES / "basic"), "--out", str(tmp_path / "site"), env=env)
    assert result.returncode == 0, result.stderr
    with gzip.open(tmp_path / "site" / "sitemap.xml.gz") as handle:
        handle.read()
    header = (tmp_path / "site" / "sitemap.xml.gz").read_bytes()[:10]
    assert int.from_bytes(header[4:8], "little") == 1700000000 - 1700000000 % 86400, "gzip mtime is the epoch's day, not the clock"


def test_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    records = copy_records(FIXTURES / "basic", tmp_path / "records")
    site = build(records, tmp_path / "site")
    before = tree_digest(site)
    (records / "demands" / "cap-army.json").write_text('{"id": "cap-army",', "utf-8")
    result = run_build("build", "--records", str(records), "--out", str(site))
    assert result.returncode == 1
    assert "cap-army.json" in result.stderr
    assert tree_digest(site) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")], "no staging directory left behind"


def test_broken_relative_link_in_a_record_is_a_located_problem(tmp_path: Path) -> None:
    records = copy_records(FIXTURES / "basic", tmp_path / "records")
    path = records / "topics" / "alliances.json"
    data = json.loads(path.read_text("utf-8"))
    data["summary"] = "Membership of alliances. See [nowhere](../topics/no-such-topic.md)."
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    result = run_build("build", "--records", str(records), "--out", str(tmp_path / "site"))
    assert result.returncode == 1
    line = next(i for i, text in enumerate(path.read_text("utf-8").splitlines(), 1) if '"summary"' in text)
    assert re.search(
        rf"alliances\.json:{line}:\d+: error: /summary: link '\.\./topics/no-such-topic\.md' leads to no page", result.stderr
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_redirects_for_former_ids(basic_site: Path) -> None:
    for old, new in (("demands/army-cap.html", "cap-army.html"), ("meetings/first-round.html", "round-one.html")):
        page = parse(basic_site / old)
        refresh = [e.attrs["content"] for e in page.elements if e.tag == "meta" and e.attrs.get("http-equiv") == "refresh"]
        assert refresh == [f"0; url={new}"]
        assert (basic_site / old).parent.joinpath(new).is_file()


def test_feed_is_valid_atom_and_empty_outside_git(basic_site: Path, tmp_path: Path) -> None:
    feed = ET.fromstring((basic_site / "feed.xml").read_bytes())
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}updated") is not None
    outside = Path(shutil.copytree(FIXTURES / "basic", tmp_path / "records"))
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path))  # git must not find a repository above
    result = run_build("build", "--records", str(outside), "--out", str(tmp_path / "site"), env=env)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    lone = ET.fromstring((site / "feed.xml").read_bytes())
    titles = [entry.findtext(f"{ATOM}title") for entry in lone.findall(f"{ATOM}entry")]
    assert titles == [f"Release {version}" for version, _ in releases()]  # no record changes: only the changelog's releases
    assert lone.find(f"{ATOM}id") is not None and lone.find(f"{ATOM}title") is not None


def test_feed_lists_commits_touching_records(real_site: Path) -> None:
    feed = ET.fromstring((real_site / "feed.xml").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert entries, "the real records are committed, so the feed has entries"
    for entry in entries:
        for link in entry.findall(f"{ATOM}link"):
            assert (real_site / link.attrib["href"]).is_file()


def test_timeline_draws_dates_at_their_precision(basic_site: Path) -> None:
    html = (basic_site / "explore" / "timeline.html").read_text("utf-8")
    svg = ET.fromstring(re.search(r'<svg [^>]*class="peacetalks-timeline".*?</svg>', html, re.S).group(0))  # type: ignore[union-attr]
    widths = {}
    for rect in svg.iter("{http://www.w3.org/2000/svg}rect"):
        title = rect.find("{http://www.w3.org/2000/svg}title")
        if title is not None:
            widths[title.text] = (float(rect.attrib["width"]), rect.attrib.get("stroke-dasharray"))
    day, _ = widths["First round in Exampleville: 11 March 2025"]
    month, _ = widths["Second round: April 2025"]
    interval, dashed = widths["Early talks: about November 2021 to about February 2022"]
    per_day = month / 30  # April has 30 days
    assert interval == pytest.approx(per_day * (30 + 31 + 31 + 28), rel=0.02), "the interval spans November 2021 to February 2022"
    assert day < month / 2, "a single day is a thin mark, a month a month-long bar"
    assert dashed, "approximate dates are drawn dashed"


SVG = "{http://www.w3.org/2000/svg}"


def _timeline(site: Path) -> ET.Element:
    html = (site / "explore" / "timeline.html").read_text("utf-8")
    return ET.fromstring(re.search(r'<svg [^>]*class="peacetalks-timeline".*?</svg>', html, re.S).group(0))  # type: ignore[union-attr]


@pytest.mark.parametrize("which", ["real", "basic"])
def test_timeline_has_one_mark_per_dated_occasion(which: str, real_site: Path, basic_site: Path) -> None:
    """Each dated occasion is one mark on its demand's row, titled with what happened in words, with a
    symbol whose shape tells the act's role; the key names each kind of mark in words."""
    from peacetalks import occasions
    from peacetalks.load import load
    from tests.conftest import RECORDS

    site, records = (real_site, RECORDS) if which == "real" else (basic_site, FIXTURES / "basic")
    dataset, _ = load(records)
    vocabulary = occasions.vocabulary()
    expected = sorted(vocabulary.labels[o.act] for o in occasions.all_occasions(dataset) if o.span is not None)
    svg = _timeline(site)
    marks = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "peacetalks-occasion"]
    symbols = [e for e in svg.iter() if e.get("class") == "peacetalks-symbol"]
    assert len(marks) == len(symbols) == len(expected) > 0
    assert {e.tag.removeprefix(SVG) for e in symbols} <= {"circle", "polygon", "rect"}
    drawn = []
    for mark in marks:
        title = mark.find(f"{SVG}rect/{SVG}title")
        assert title is not None and title.text
        drawn.append(next(label for label in sorted(vocabulary.labels.values(), key=len, reverse=True) if title.text.startswith(label)))
    assert sorted(drawn) == expected
    cells = [" ".join(e.text.split()) for e in parse(site / "explore" / "timeline.html").elements if e.tag == "td"]
    for label in set(expected):  # the key: "raised, restated (by the party making the demand; status from then on: open)"
        assert any(re.match(rf"(.*, )?{re.escape(label)}(, .*)? \(", cell) for cell in cells), label


def test_field_reference_covers_every_schema_field(basic_site: Path) -> None:
    text = parse(basic_site / "reference" / "fields.html").article_text
    for stem, schema in load_schemas().items():
        if stem == "defs":
            continue
        for name, prop in schema["properties"].items():
            assert name in text, (stem, name)
            description = resolve(prop).get("description")
            if description:
                assert " ".join(description.split()) in " ".join(text.split()), (stem, name)


def test_downloads_page_links_every_data_file(basic_site: Path) -> None:
    page = parse(basic_site / "downloads.html")
    for name, _ in DOWNLOADS:
        assert f"data/{name}" in page.article_links
        assert (basic_site / "data" / name).is_file()


def test_matrices_and_topic_grouping(basic_site: Path) -> None:
    matrix = parse(basic_site / "explore" / "demands-by-meeting.html")
    assert "../demands/cap-army.html" in matrix.article_links and "../meetings/round-two.html" in matrix.article_links
    parties = parse(basic_site / "explore" / "parties-by-topic.html")
    assert "../actors/state-a.html" in parties.article_links and "../topics/alliances.html" in parties.article_links
    topic = parse(basic_site / "topics" / "army-size.html")
    assert [text for level, text in topic.headings if level == 2][:2] == ["Positions", "All demands on this topic"]
    assert not [text for level, text in topic.headings if level == 3]  # no heading per maker: the positions group by party
    listed = topic.article_links
    for demand in ("cap-army", "ceasefire-offer"):  # the topic's demands, each in the positions and once in the list
        assert listed.count(f"../demands/{demand}.html") == 2


def test_home_page_counts_and_links(basic_site: Path) -> None:
    page = parse(basic_site / "index.html")
    text = " ".join(page.article_text.split())
    assert "Demands 3" in text and "Meetings 3" in text
    for target in ("explore/timeline.html", "downloads.html", "cite.html", "feed.xml", "methodology.html"):
        assert target in page.article_links


def test_changelog_page_renders_the_changelog(basic_site: Path) -> None:
    from tests.conftest import REPO

    changelog = REPO / "CHANGELOG.md"
    page = parse(basic_site / "changelog.html")
    assert [level for level, _ in page.headings].count(1) == 1
    if changelog.is_file():
        releases = re.findall(r"^## \[([^\]]+)\]", changelog.read_text("utf-8"), re.M)
        assert releases and all(release in page.article_text for release in releases)


def edit_and_rerender(source: Path, tmp_path: Path, path: str, old: str, new: str, settings: Any) -> tuple[Any, Any, Any, Any]:
    """Render a copy of `source` as `make serve` does, replace `old` by `new` once in `path`, re-render
    what the edit can change: (first state, fresh state, changed pages, full render). The fresh
    state's pages equal a full render of the edited records (asserted here)."""
    from peacetalks.pipeline import check
    from peacetalks.site import incremental
    from peacetalks.site.render import render

    records = copy_records(source, tmp_path / "records")
    before, problems = check(records)
    assert problems == []
    state, _ = incremental.update(None, before, settings, records)
    file = records / path
    text = file.read_text("utf-8")
    assert text.count(old) == 1
    file.write_text(text.replace(old, new), "utf-8")
    after, problems = check(records)
    assert problems == []
    fresh, changed = incremental.update(state, after, settings, records)
    full = render(after, settings, records_dir=records)
    stale = sorted(p for p in full.pages if fresh.rendered.pages.get(p) != full.pages[p])
    assert stale == []
    return state, fresh, changed, full


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("actors/russia.json", '"name": "Russia"', '"name": "Renamed maker"'),  # named on topic pages through its demands
        ("actors/volodymyr-zelenskyy.json", '"name": "Volodymyr Zelenskyy"', '"name": "Renamed actor"'),  # acts on an occasion only
        ("meetings/istanbul-talks-2022.json", '"date": "2022"', '"date": "2022-03"'),  # the date its occasions take
        # the date its occasions take, shown on the pages of actors they are made of, who did not attend
        ("meetings/russia-us-meetings-2021-2022.json", '"date": "2021-07/2021-12"', '"date": "2021-06/2021-12"'),
    ],
)
def test_partial_render_after_an_edit_seen_through_a_demand_equals_a_full_render(tmp_path: Path, path: str, old: str, new: str) -> None:
    """Pages showing a demand's occasions (a meeting's, an actor's, a topic's) stay right when `make serve`
    re-renders only the edited record's neighbours: they show nothing two references away."""
    from peacetalks.site.views import Settings
    from tests.conftest import RECORDS

    _, _, changed, full = edit_and_rerender(RECORDS, tmp_path, path, old, new, Settings("https://example.org/repo"))
    assert len(changed) < len(full.pages)
