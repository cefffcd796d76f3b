"""The record pages rendered on two cores (render.record_pages_of) are the pages one process renders,
in the same order, with the same link problems; the one-line HTML blocks Python-Markdown is spared
(rawblocks.py) come out of it as its own HTML parser would leave them."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import markdown
import pytest

from peacetalks.pipeline import check
from peacetalks.site import render as render_module
from peacetalks.site.render import render
from peacetalks.site.views import Settings
from tests.conftest import RECORDS

SETTINGS = Settings("https://example.invalid/repo")


def _render(records: Path, split_from: int, monkeypatch: pytest.MonkeyPatch) -> render_module.Rendered:
    dataset, problems = check(records)
    assert not problems
    monkeypatch.setattr(render_module, "SPLIT_FROM", split_from)
    return render(dataset, SETTINGS, records_dir=records)


def test_pages_rendered_on_two_cores_are_the_pages_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    assert threading.active_count() == 1  # else the split would not fork and this would compare one process with itself
    one = _render(RECORDS, 10**9, monkeypatch)
    two = _render(RECORDS, 2, monkeypatch)
    assert list(two.pages) == list(one.pages)
    assert two.pages == one.pages
    assert two.files == one.files


def test_a_link_problem_found_in_the_worker_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    dataset, _ = check(records)
    # Break a link in a demand the worker renders and in one this process renders.
    beside = render_module.rendered_beside(len(list(dataset.all())), render_module.CHILD_SHARE_WITH_OVERVIEWS)
    places = {(r.collection, r.id): n for n, r in enumerate(dataset.all())}
    demands = [r for r in dataset.all() if r.collection == "demands"]
    chosen = [next(r for r in demands if beside[places[(r.collection, r.id)]] is side) for side in (True, False)]
    for record in chosen:
        path = Path(record.path)
        text = path.read_text("utf-8")
        path.write_text(text.replace('"summary": "', '"summary": "See [nowhere](../meetings/no-such-meeting.md). ', 1), "utf-8")
    dataset, problems = check(records)
    assert not problems
    monkeypatch.setattr(render_module, "SPLIT_FROM", 2)
    rendered = render(dataset, SETTINGS, records_dir=records)
    located = {p.path for p in rendered.problems}
    assert located == {r.path for r in chosen}, rendered.problems


def test_raw_blocks_come_out_as_python_markdowns_own_parser_leaves_them(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = _render(RECORDS, 10**9, monkeypatch).pages
    spared = 0
    for text in pages.values():
        plain = markdown.Markdown(extensions=["tables", "toc"]).convert(text)
        quick = markdown.Markdown(extensions=["tables", "toc", "peacetalks.site.rawblocks"]).convert(text)
        assert quick == plain
        spared += text.count('\n<div class="peacetalks-html">')
    assert spared > len(pages)  # the extension had blocks to take on most pages


@pytest.mark.parametrize(
    "text",
    [
        'Para\n<div class="peacetalks-html"><p>x</p></div>\n\nafter',  # no blank line before: Markdown's to read
        '- item\n\n    <div class="peacetalks-html"><p>x</p></div>\n',  # indented, in a list
        '<div class="peacetalks-html"><p>x</p></div>\nno blank line after',
        '<div class="peacetalks-html"><p>x</p>\n</div>\n',  # not one line
        '<div class="peacetalks-html"><p>a</p></div>\n\n<div class="peacetalks-html"><p>b</p></div>',
    ],
)
def test_raw_blocks_edge_cases_match_python_markdown(text: str) -> None:
    plain = markdown.Markdown(extensions=["tables", "toc"]).convert(text)
    assert markdown.Markdown(extensions=["tables", "toc", "peacetalks.site.rawblocks"]).convert(text) == plain


@pytest.mark.parametrize(("count", "share"), [(10, 0.5), (10_000, 2 / 3), (7, 2 / 3), (1, 0.5)])
def test_the_share_rendered_beside_is_spread_evenly(count: int, share: float) -> None:
    beside = render_module.rendered_beside(count, share)
    assert len(beside) == count
    assert sum(beside) == int(count * share)
    for start in range(0, count - 30, 30):  # every run of 30 pages has its share, give or take one
        assert abs(sum(beside[start : start + 30]) - 30 * share) <= 1
