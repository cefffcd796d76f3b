"""MkDocs' two passes over the record pages split across two processes (pagesplit.py) write the
site one process writes, byte for byte (search index included), and a warning logged while the
child converts or writes a page fails the build as it would in one process, once."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from peacetalks.pipeline import check
from peacetalks.site import build_site, pagesplit
from tests.conftest import RECORDS

from .test_build import tree_digest


def test_pages_written_on_two_cores_are_the_site_of_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert threading.active_count() == 1  # else nothing would fork and this would compare one process with itself
    dataset, problems = check(RECORDS)
    assert not problems
    monkeypatch.setattr(pagesplit, "SPLIT_FROM", 10**9)
    assert build_site(dataset, tmp_path / "one") == []
    monkeypatch.setattr(pagesplit, "SPLIT_FROM", 2)
    pagesplit.written_beside = 0
    assert build_site(dataset, tmp_path / "two") == []
    pages = len(list((tmp_path / "one").rglob("*.html")))
    assert pagesplit.written_beside > pages // 3
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert "search/search_index.json" in one
    assert list(two) == list(one)
    assert [name for name in one if one[name] != two[name]] == []


@pytest.mark.parametrize("stage", ["_populate_page", "_build_page"])
def test_a_warning_while_the_child_converts_or_writes_a_page_fails_the_build(
    stage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mkdocs.commands.build as mkdocs_build

    original = getattr(mkdocs_build, stage)
    warned: set[str] = set()

    def wrapped(page: Any, config: Any, files: Any, *args: Any, **kwargs: Any) -> None:
        original(page, config, files, *args, **kwargs)
        order = [f.src_uri for f in (files.documentation_pages() if stage == "_populate_page" else files)]
        logging.getLogger("mkdocs.test").warning("page %s", page.file.src_uri)
        if order.index(page.file.src_uri) % 2 and page.file.inclusion.is_not_in_nav():  # a page the child does
            warned.add(page.file.src_uri)  # in the child's memory only

    monkeypatch.setattr(mkdocs_build, stage, wrapped)
    monkeypatch.setattr(pagesplit, "SPLIT_FROM", 2)
    dataset, _ = check(RECORDS)
    problems = build_site(dataset, tmp_path / "site")
    assert not warned  # the child did those pages
    reported = [p.message.removeprefix("site build: ") for p in problems if "site build: page " in p.message]
    assert len(reported) == len(set(reported))  # each page's once: the navigation's pages, converted in both, too
    assert {f"page {r.collection}/{r.id}.md" for r in dataset.all()} <= set(reported)  # the child's pages' among them
    assert pagesplit.written_beside > 10


def test_a_full_disk_while_the_child_writes_a_page_is_raised_as_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As MkDocs raises it in one process: build.py then reports it, naming the output, and swaps nothing in."""
    import errno
    import os

    import mkdocs.utils

    parent, original = os.getpid(), mkdocs.utils.write_file

    def write_file(content: bytes, output_path: str) -> None:
        if os.getpid() != parent and "/demands/" in output_path:
            raise OSError(errno.ENOSPC, "No space left on device", output_path)
        original(content, output_path)

    monkeypatch.setattr(mkdocs.utils, "write_file", write_file)
    monkeypatch.setattr(pagesplit, "SPLIT_FROM", 2)
    dataset, _ = check(RECORDS)
    with pytest.raises(OSError) as raised:
        build_site(dataset, tmp_path / "site")
    assert raised.value.errno == errno.ENOSPC and "/demands/" in str(raised.value.filename)


def _serve_first_build(out: Path) -> None:
    """The first build of `mkdocs serve --dirty`, in this process, with the hook's serve state."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from tests.conftest import REPO

    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(out))
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        build(config, dirty=True)
    finally:
        config.plugins.on_shutdown()


def test_serves_first_build_on_two_cores_is_the_site_of_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert threading.active_count() == 1
    monkeypatch.chdir(tmp_path)  # the check's cache goes here
    monkeypatch.setenv("PEACETALKS_RECORDS", str(RECORDS))
    monkeypatch.setattr(pagesplit, "SPLIT_FROM", 10**9)
    _serve_first_build(tmp_path / "one")
    monkeypatch.setattr(pagesplit, "SPLIT_FROM", 2)
    pagesplit.written_beside = 0
    _serve_first_build(tmp_path / "two")
    assert pagesplit.written_beside > len(list((tmp_path / "one").rglob("*.html"))) // 3
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert "search/search_index.json" in one
    assert [name for name in one if one.get(name) != two.get(name)] == [] and list(two) == list(one)


def test_the_build_keeps_each_generated_page_compressed_until_mkdocs_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each generated page's only copy, from the render until MkDocs reads it, is its compressed
    Markdown (mkdocs_glue.PackedPage); MkDocs reads the text the render made, and it is released
    once the page is converted; between MkDocs' passes the page's HTML is kept compressed too."""
    import mkdocs.commands.build as mkdocs_build

    from mkdocs.config import load_config

    from peacetalks.site import CONFIG, mkdocs_glue
    from peacetalks.site.mkdocs_glue import settings
    from peacetalks.site.packed import unpack
    from peacetalks.site.render import render

    seen: dict[str, tuple[int, str, str, str]] = {}
    between: dict[str, tuple[str, str]] = {}
    original_populate = mkdocs_build._populate_page

    def populate(page: Any, config: Any, files: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(page.file, mkdocs_glue.PackedPage):
            before, text = len(page.file._packed), page.file.content_string
            original_populate(page, config, files, *args, **kwargs)
            seen[page.file.src_uri] = (before, text, page.markdown, page.file.content_string)
            between[page.file.src_uri] = (page.content, unpack(page.peacetalks_html))
        else:
            original_populate(page, config, files, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_populate_page", populate)
    monkeypatch.setattr(pagesplit, "SPLIT_FROM", 10**9)  # every page converted in this process, where it is seen
    dataset, problems = check(RECORDS)
    assert not problems
    assert build_site(dataset, tmp_path / "site") == []
    config = load_config(str(CONFIG), site_dir=str(tmp_path / "site"), strict=True)
    rendered_texts = dict(render(dataset, settings(config), records_dir=dataset.root).pages)  # the same pages again
    assert set(seen) == set(rendered_texts)  # every generated page, and only those
    assert {uri: text for uri, (_, text, _, _) in seen.items()} == rendered_texts  # read back as rendered
    packed = sum(before for before, _, _, _ in seen.values())
    assert 0 < packed < 0.5 * sum(len(text.encode("utf-8")) for text in rendered_texts.values())
    assert all(markdown == "" and content == "" for _, _, markdown, content in seen.values())  # released once converted
    assert all(content == "" and "<h1" in html for content, html in between.values())
