"""MkDocs writes every other page in a forked process, on the second core (`build.py build` only).

MkDocs builds a site in two passes: it converts every page's Markdown, then writes every page
(theme template, the search plugin's reading of the page, the file). The second pass is three
quarters of its time, and each page in it depends only on what the first pass left: from
`SPLIT_FROM` pages, while `two_cores()` is active, a forked child writes the pages at odd places
in MkDocs' order and this process those at even places. What the child's pages add to the search
index, and the warnings they log, come back at the end (`finish`, from the hook's on_post_build,
before the index is trimmed and written), and take their places in the page order: the site is
the one a single process writes, byte for byte."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from ..parallel import beside, can_fork

SPLIT_FROM = 1_000

_active: _Split | None = None
written_beside = 0  # how many pages the child wrote in the last split build (for the tests)

# Per page, in MkDocs' order: the search index entries it added; and the warnings logged meanwhile.
Entries = list[dict[str, Any]]
Logged = list[tuple[str, int, str]]  # logger name, level, message


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.logged: Logged = []

    def emit(self, record: logging.LogRecord) -> None:
        self.logged.append((record.name, record.levelno, record.getMessage()))


def _index(config: Any) -> Any:
    search = config.plugins.get("material/search")
    return search.search_index if search is not None else None


def _write_pages(build_page: Any, pages: Sequence[Any], config: Any, doc_files: Sequence[Any], nav: Any, env: Any) -> tuple[list[Entries], Logged]:
    """In the child: write `pages` as MkDocs would; their search entries, page by page, and the warnings."""
    index = _index(config)
    capture = _Capture()
    logging.getLogger("mkdocs").addHandler(capture)
    added: list[Entries] = []
    for page in pages:
        before = len(index.entries) if index is not None else 0
        build_page(page, config, doc_files, nav, env, False, excluded=page.file.inclusion.is_excluded())
        added.append(index.entries[before:] if index is not None else [])
    logging.getLogger("mkdocs").removeHandler(capture)
    return added, capture.logged


class _Split:
    def __init__(self, build_page: Any) -> None:
        self.build_page = build_page
        self.stack = ExitStack()
        self.theirs: Any = None  # waits for the child: (its pages' entries, its warnings)
        self.place: dict[int, int] = {}  # id(page) -> its place in MkDocs' order
        self.mine: dict[int, Entries] = {}  # place -> the entries this process's page added
        self.head: Entries = []  # in the index before the first page (none, as Material indexes)

    def __call__(self, page: Any, config: Any, doc_files: Sequence[Any], nav: Any, env: Any, dirty: bool = False, excluded: bool = False) -> None:
        if not self.place:
            self.place = {id(f.page): n for n, f in enumerate(doc_files)}
            self.head = list(_index(config).entries) if _index(config) is not None else []
            if len(doc_files) >= SPLIT_FROM and not dirty and can_fork():
                odd = [f.page for f in doc_files[1::2]]
                self.theirs = self.stack.enter_context(beside(_write_pages, self.build_page, odd, config, doc_files, nav, env))
        place = self.place[id(page)]
        if self.theirs is not None and place % 2:
            page.content = None  # the child writes it; this process no longer needs its HTML
            return
        index = _index(config)
        before = len(index.entries) if index is not None else 0
        self.build_page(page, config, doc_files, nav, env, dirty, excluded=excluded)
        if index is not None:
            self.mine[place] = index.entries[before:]

    def finish(self, config: Any) -> None:
        """Wait for the child; its pages' entries in their places, its warnings logged here."""
        if self.theirs is None:
            return
        theirs, logged = self.theirs()
        self.theirs = None
        global written_beside
        written_beside = len(theirs)
        self.stack.close()
        for name, level, message in logged:
            logging.getLogger(name).log(level, message)
        index = _index(config)
        if index is None:
            return
        written = {place * 2 + 1: entries for place, entries in enumerate(theirs)} | self.mine
        index.entries = self.head + [entry for place in sorted(written) for entry in written[place]]


@contextmanager
def two_cores() -> Iterator[None]:
    """While active, MkDocs' writing of pages is split across two processes (see the module's doc)."""
    import mkdocs.commands.build as mkdocs_build

    global _active
    original = mkdocs_build._build_page
    _active = _Split(original)
    mkdocs_build._build_page = _active
    try:
        yield
    finally:
        mkdocs_build._build_page = original
        _active.stack.close()
        _active = None


def finish(config: Any) -> None:
    """From on_post_build: the child's part of the search index and its warnings (no-op unless split)."""
    if _active is not None:
        _active.finish(config)
