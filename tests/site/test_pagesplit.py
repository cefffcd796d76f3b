"""MkDocs' writing of the pages split across two processes (pagesplit.py) writes the site one
process writes, byte for byte (search index included), and a warning logged while the child
writes a page fails the build as it would in one process."""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from peacetalks.pipeline import check
from peacetalks.site import build_site, pagesplit
from tests.conftest import RECORDS


def _digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


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
    one, two = _digests(tmp_path / "one"), _digests(tmp_path / "two")
    assert "search/search_index.json" in one
    assert list(two) == list(one)
    assert [name for name in one if one[name] != two[name]] == []


def test_a_warning_while_the_child_writes_a_page_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mkdocs.commands.build as mkdocs_build

    original = mkdocs_build._build_page
    warned: set[str] = set()

    def build_page(page: Any, config: Any, doc_files: Any, *args: Any, **kwargs: Any) -> None:
        original(page, config, doc_files, *args, **kwargs)
        if list(doc_files).index(page.file) % 2:  # a page the child writes
            logging.getLogger("mkdocs.test").warning("odd page %s", page.file.src_uri)
            warned.add(page.file.src_uri)  # in the child's memory only

    monkeypatch.setattr(mkdocs_build, "_build_page", build_page)
    monkeypatch.setattr(pagesplit, "SPLIT_FROM", 2)
    dataset, _ = check(RECORDS)
    problems = build_site(dataset, tmp_path / "site")
    assert not warned  # the child wrote those pages
    reported = [p.message for p in problems if "odd page" in p.message]
    assert len(reported) == len(set(reported)) > 10  # each once, from the child, as problems of the build
