"""The search index read without html.parser (searchindex.py) is Material's own, byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser

from peacetalks.pipeline import check
from peacetalks.site import build_site, searchindex

from .conftest import FIXTURES
from tests.conftest import RECORDS


def _materials(html: str) -> list[tuple[Any, ...]]:
    parser = Parser()
    parser.feed(html)
    parser.close()
    return _shape(parser.data)


def _shape(sections: list[Any]) -> list[tuple[Any, ...]]:
    return [(s.el.tag, s.el.attrs, s.depth, s.id, s.title, s.text, s.is_excluded()) for s in sections]


def _build_with_materials_parser(records: Path, out: Path) -> list[str]:
    """Build with the search plugin's own parser, and its own and the offline plugin's writing of
    the index files; the HTML of every page it read."""
    dataset, problems = check(records)
    assert not problems
    contents: list[str] = []

    def install(config: Any) -> None:
        index = config.plugins["material/search"].search_index
        original = index.add_entry_from_context

        def read(page: Any) -> None:
            contents.append(page.content)
            original(page)

        index.add_entry_from_context = read

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(searchindex, "install", install)
        patch.setattr(searchindex, "write_files", lambda config: False)
        patch.setattr("peacetalks.site.pagesplit.SPLIT_FROM", 10**9)  # one process, so every page is seen here
        assert build_site(dataset, out) == []
    return contents


@pytest.mark.parametrize("name", ["real", "basic", "hostile"])
def test_the_index_is_the_one_materials_parser_writes(name: str, tmp_path: Path) -> None:
    records = RECORDS if name == "real" else FIXTURES / name
    dataset, problems = check(records)
    assert not problems
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("peacetalks.site.pagesplit.SPLIT_FROM", 10**9)  # both in one process, alike
        patch.setattr(searchindex, "write_files", lambda config: False)  # both written by Material
        assert build_site(dataset, tmp_path / "fast") == []  # with searchindex.py
    contents = _build_with_materials_parser(records, tmp_path / "site")
    ours, materials = (tmp_path / d / "search" / "search_index.json" for d in ("fast", "site"))
    assert ours.read_bytes() == materials.read_bytes()
    assert len(contents) > 20
    for html in contents:
        found = searchindex.sections(html)
        # Every generated page is in the plain form read without html.parser (or the gain is lost).
        assert found is not None, html[:300]
        assert _shape(found) == _materials(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a < b</p>",  # a stray `<`
        "<script>let a = '<p>';</script><p>x</p>",  # content read as text
        "<style>a &amp; b</style>",  # a reference in text some versions read raw
        "<title/>",
        "<textarea><p>x</p></textarea>",
        "<!-- a -- b --><p>x</p>",
        "<!DOCTYPE html><p>x</p>",
        "<p class='single'>x</p>",  # single quotes
        "<p class=bare>x</p>",
        "<p >x</ p>",
    ],
)
def test_what_is_not_plain_is_left_to_materials_parser(html: str) -> None:
    assert searchindex.sections(html) is None


def test_the_plain_form_is_read() -> None:
    html = (
        '<h1 id="t">Title<a class="headerlink" href="#t">¶</a></h1>\n<p>One &amp; two&nbsp;&lt;three&gt;</p>'
        '<!-- peacetalks:filterable --><div data-search-exclude><p>hidden</p></div><h2 id="s">Sub</h2><pre><code>a\n  b</code></pre>'
        '<ul><li><a href="x.html">link</a></li><li> </li></ul><br/><img src="x.png" alt=""><span/>tail'
        '<svg><title id="t2">A chart</title><text>1</text></svg><script>var a = 1;</script><style>p { }</style>'
    )
    found = searchindex.sections(html)
    assert found is not None
    assert _shape(found) == _materials(html)
    assert [s.id for s in found] == [None, "s"]
    assert "hidden" not in "".join(found[0].text)


_TAGS = ["p", "div", "span", "a", "ul", "li", "ol", "pre", "code", "sub", "sup", "table", "td", "h1", "h2", "h3", "object", "br", "img", "hr"]
_ATTRIBUTES = st.sampled_from(
    [
        "",
        ' id="x"',
        ' id="y"',
        ' class="headerlink"',
        ' class="linenodiv"',
        " data-search-exclude",
        ' data-search-exclude=""',
        ' href="a&amp;b"',
        ' title="1 &lt; 2 > 0"',
        " hidden",
        ' ID="Up"',
    ]
)
_TEXT = st.sampled_from(["", "a", " ", "\n", "  \n ", "x y", "&amp;", "&lt;b&gt;", "&copy", "Fish &amp chips", "é", "\t"])
_PIECE = st.one_of(
    st.builds(lambda t, a, c: f"<{t}{a}{'/' if c else ''}>", st.sampled_from(_TAGS), _ATTRIBUTES, st.booleans()),
    st.builds(lambda t: f"</{t}>", st.sampled_from(_TAGS)),
    _TEXT,
    st.sampled_from(["<!-- note -->", "<", "<!x>", "< p>", "<p/ >", "<P>", "</P>", "<script>1<2</script>", "<script>x</script>", "<title>t</title>", "<style>"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECE, max_size=40))
def test_any_html_gives_materials_sections_or_is_left_to_it(pieces: list[str]) -> None:
    html = "".join(pieces)
    found = searchindex.sections(html)
    try:
        expected = _materials(html)
    except ValueError:  # Material's parser fails on it: it must be left to it
        assert found is None
        return
    if found is not None:
        assert _shape(found) == expected


def test_the_index_files_are_the_ones_materials_plugins_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """searchindex.write_files writes, for the same entries, the bytes Material's search plugin
    (generate_search_index) and its offline plugin (`var __index = ` and the JSON) write."""
    dataset, problems = check(FIXTURES / "basic")
    assert not problems
    expected: dict[str, bytes] = {}
    write_files = searchindex.write_files

    def compared(config: Any) -> bool:
        index = config.plugins["material/search"].search_index
        data = index.generate_search_index(None).encode("utf-8")
        expected["search_index.json"], expected["search_index.js"] = data, b"var __index = " + data
        return write_files(config)

    monkeypatch.setattr(searchindex, "_BATCH", 7)  # several batches, a last one not full
    monkeypatch.setattr(searchindex, "write_files", compared)
    assert build_site(dataset, tmp_path / "site") == []
    assert len(expected["search_index.json"]) > 10_000
    for name, data in expected.items():
        assert (tmp_path / "site" / "search" / name).read_bytes() == data, name
