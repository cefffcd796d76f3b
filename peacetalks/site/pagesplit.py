"""MkDocs converts and writes half of the record pages in a forked process, on the second core
(`build.py build` only).

MkDocs builds a site in two passes: it converts every page's Markdown, then writes every page
(theme template, the search plugin's reading of the page, the file). A page out of the navigation
(every record's) needs, in both passes, only itself and the pages of the navigation (their
titles). From `SPLIT_FROM` pages, while `two_cores()` is active, a child forked when the first
pass begins takes the record pages at odd places in MkDocs' order: it converts the navigation's
pages and its own, then writes its own, as MkDocs would. This process does the rest and skips
the child's. When this process's second pass reaches the last page, the child's anchors come
back (MkDocs checks the links to anchors across pages next); at on_post_build (`finish`, before
the search index is trimmed and written) what the child's pages added to the search index, each
in its page's place. The warnings the child logs are logged here when it returns. The site is the
one a single process writes, byte for byte."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from ..parallel import beside, can_fork

SPLIT_FROM = 1_000
written_beside = 0  # how many pages the child converted and wrote in the last split build (for the tests)

Entries = list[dict[str, Any]]
Logged = list[tuple[str, int, str]]  # logger name, level, message
# A page's anchors, and its links to other pages' anchors by the linked file's src_uri.
Anchors = tuple[set[str] | None, dict[str, dict[str, str]] | None]


class _Capture(logging.Handler):
    """The warnings logged while `on`: those of the child's own pages (this process logs the
    navigation's pages' own, which the child converts again)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.logged: Logged = []
        self.on = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.on:
            self.logged.append((record.name, record.levelno, record.getMessage()))


def _index(config: Any) -> Any:
    search = config.plugins.get("material/search")
    return search.search_index if search is not None else None


def _included(files: Any) -> list[Any]:
    from mkdocs.structure.files import InclusionLevel

    return list(files.documentation_pages(inclusion=InclusionLevel.is_included))  # as `mkdocs build` reads them


def _write(build_page: Any, page: Any, config: Any, doc_files: Sequence[Any], nav: Any, env: Any, excluded: bool) -> Entries:
    """Write one page as MkDocs does; what it added to the search index."""
    index = _index(config)
    before = len(index.entries) if index is not None else 0
    build_page(page, config, doc_files, nav, env, False, excluded=excluded)
    return index.entries[before:] if index is not None else []


def _both_passes(split: _Split, config: Any, files: Any) -> tuple[dict[int, Entries], dict[str, Anchors], Logged, OSError | None]:
    """In the child: the chosen pages' results; an OS error (a full disk) comes back as a value, to
    be raised in this process as itself, as MkDocs would raise it here."""
    capture = _Capture()
    logging.getLogger("mkdocs").addHandler(capture)
    try:
        added, anchors = _in_child(split, config, files, capture)
    except OSError as exc:
        return {}, {}, capture.logged, exc
    finally:
        logging.getLogger("mkdocs").removeHandler(capture)
    return added, anchors, capture.logged, None


def _in_child(split: _Split, config: Any, files: Any, capture: _Capture) -> tuple[dict[int, Entries], dict[str, Anchors]]:
    """Convert the navigation's pages and the chosen ones, then write the chosen ones, as MkDocs would."""
    from mkdocs.structure.pages import Page

    pages = _included(files)
    for file in pages:
        if file.src_uri in split.theirs or not file.inclusion.is_not_in_nav():
            if file.page is None:  # a page out of the navigation: MkDocs' loop makes it just before
                Page(None, file, config)
            capture.on = file.src_uri in split.theirs
            split.populate(file.page, config, files, False)
    capture.on = True
    env = config.plugins.on_env(config.theme.get_env(), config=config, files=files)  # as `mkdocs build` makes it
    added = {
        place: _write(split.build, file.page, config, pages, split.nav, env, file.inclusion.is_excluded())
        for place, file in enumerate(pages)
        if file.src_uri in split.theirs
    }
    anchors: dict[str, Anchors] = {}
    for file in pages:
        if file.src_uri in split.theirs:
            links = file.page.links_to_anchors
            anchors[file.src_uri] = (file.page.present_anchor_ids, {t.src_uri: a for t, a in links.items()} if links is not None else None)
    return added, anchors


class _Split:
    def __init__(self, populate: Any, build: Any) -> None:
        self.populate, self.build = populate, build
        self.stack = ExitStack()
        self.nav: Any = None  # MkDocs' navigation, from the hook's on_nav
        self.files: Any = None
        self.decided = False
        self.theirs: set[str] = set()  # src_uri of the pages the child converts and writes
        self.child: Any = None  # waits for the child
        self.entries: dict[int, Entries] = {}  # place -> what that page added to the search index
        self.head: Entries | None = None  # in the index before the first page is written
        self.places: dict[int, int] = {}  # id(file) -> its place in MkDocs' order of writing

    def populate_page(self, page: Any, config: Any, files: Any, dirty: bool = False) -> None:
        if not self.decided:
            self.decided, self.files = True, files
            pages = _included(files)
            # A dirty build (serve's) is split only while every page is to be built, as in its first
            # build: the child converts and writes its pages as a full build does.
            if len(pages) >= SPLIT_FROM and self.nav is not None and can_fork() and (not dirty or all(f.is_modified() for f in pages)):
                self.theirs = {f.src_uri for f in pages[1::2] if f.inclusion.is_not_in_nav()}
                self.child = self.stack.enter_context(beside(_both_passes, self, config, files))
        if page.file.src_uri in self.theirs:
            page.markdown = ""  # not None, which MkDocs reads as a page without a title; the child converts it
            return
        self.populate(page, config, files, dirty)

    def build_page(self, page: Any, config: Any, doc_files: Sequence[Any], nav: Any, env: Any, dirty: bool = False, excluded: bool = False) -> None:
        if not self.theirs:  # not split: MkDocs' own
            self.build(page, config, doc_files, nav, env, dirty, excluded=excluded)
            return
        if self.head is None:
            index = _index(config)
            self.head = list(index.entries) if index is not None else []
            self.places = {id(f): n for n, f in enumerate(doc_files)}
        place = self.places[id(page.file)]
        if page.file.src_uri not in self.theirs:
            self.entries[place] = _write(self.build, page, config, doc_files, nav, env, excluded)
        if self.child is not None and place == len(doc_files) - 1:
            self._collect()

    def _collect(self) -> None:
        """The child's results: its warnings logged here, its pages' anchors on them."""
        added, anchors, logged, error = self.child()
        self.child = None
        self.stack.close()
        for name, level, message in logged:
            logging.getLogger(name).log(level, message)
        if error is not None:
            raise error
        for src_uri, (present, links) in anchors.items():
            page = self.files.get_file_from_path(src_uri).page
            page.present_anchor_ids = present
            page.links_to_anchors = {self.files.get_file_from_path(uri): found for uri, found in links.items()} if links is not None else None
        self.entries |= added
        global written_beside
        written_beside = len(added)

    def finish(self, config: Any) -> None:
        """The search index in page order, the child's pages' entries in their places."""
        index = _index(config)
        if not self.theirs or index is None:
            return
        index.entries = (self.head or []) + [entry for place in sorted(self.entries) for entry in self.entries[place]]


_active: _Split | None = None


@contextmanager
def two_cores() -> Iterator[None]:
    """While active, MkDocs' passes over the record pages are split across two processes (see the module's doc)."""
    import mkdocs.commands.build as mkdocs_build

    global _active
    populate, build = mkdocs_build._populate_page, mkdocs_build._build_page
    _active = _Split(populate, build)
    mkdocs_build._populate_page, mkdocs_build._build_page = _active.populate_page, _active.build_page
    try:
        yield
    finally:
        mkdocs_build._populate_page, mkdocs_build._build_page = populate, build
        _active.stack.close()
        _active = None


def navigation(nav: Any) -> None:
    """From on_nav: the navigation, which the child needs to write its pages."""
    if _active is not None:
        _active.nav = nav


def finish(config: Any) -> None:
    """From on_post_build: the child's part of the search index (a no-op unless split)."""
    if _active is not None:
        _active.finish(config)
