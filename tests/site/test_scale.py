"""Rendering many records (synthetic, from `build.py synth`): record pages stay out of the
navigation and the timeline stays bounded."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from peacetalks.pipeline import check
from peacetalks.site.render import TIMELINE_MAX_ROWS, render
from peacetalks.site.views import Settings
from tests.conftest import REPO, run_build


def test_many_records_render_with_a_bounded_timeline(tmp_path: Path) -> None:
    result = run_build("synth", "1000", "--out", str(tmp_path / "records"))
    assert result.returncode == 0, result.stderr
    dataset, problems = check(tmp_path / "records")
    assert not problems
    rendered = render(dataset, Settings("https://example.invalid/repo"))
    assert not rendered.problems
    assert sum(dataset.counts().values()) == 1000
    assert all(f"{r.collection}/{r.id}.md" in rendered.pages for r in dataset.all())
    timeline = rendered.pages["explore/timeline.md"]
    drawn = re.search(r'<svg [^>]*class="peacetalks-timeline".*?</svg>', timeline, re.S)
    assert drawn
    rows = drawn.group(0).count("<a href=")
    assert 0 < rows <= TIMELINE_MAX_ROWS < len(dataset.records["meetings"]) + len(dataset.records["demands"])
    assert "too many records to draw one row for each" in timeline
    assert len(timeline) < 1_000_000


def test_record_pages_are_not_in_nav_by_configuration() -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8").replace("!!python", "python"))
    patterns = config["not_in_nav"].split()
    listed = [next(iter(item.values())) for item in config["nav"]]
    for collection in ("demands", "meetings", "documents", "actors", "topics", "sources"):
        assert f"/{collection}/*.md" in patterns
        assert f"{collection}/index.md" in listed
