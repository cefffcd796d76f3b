"""Sites built once per test session with the real command line, and helpers to read them."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RECORDS, REPO, run_build

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def build(records: Path, out: Path) -> Path:
    result = run_build("build", "--records", str(records), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(RECORDS, tmp_path_factory.mktemp("real") / "site")


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(FIXTURES / "basic", tmp_path_factory.mktemp("basic") / "site")


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(FIXTURES / "hostile", tmp_path_factory.mktemp("hostile") / "site")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""  # the text directly and indirectly inside, for leaf-ish elements


PLAIN = frozenset(["code", "pre", "kbd", "samp", "script", "style"])  # data, not prose


@dataclass
class Page(HTMLParser):
    """A parsed page: every element with its attributes, the article's text, headings and links.

    `prose` is the article's text outside code and scripts; `ids` every id on the page; `within[id]`
    the links (href) inside the element with that id, and `text_of[id]` its text."""

    elements: list[Element] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    article_links: list[str] = field(default_factory=list)
    article_text: str = ""
    prose: str = ""
    comments: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    within: dict[str, list[str]] = field(default_factory=dict)
    text_of: dict[str, str] = field(default_factory=dict)
    _open: list[Element] = field(default_factory=list)
    _article_depth: int = 0
    _depth: int = 0

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if "id" in element.attrs:
            self.ids.add(element.attrs["id"])
            self.within.setdefault(element.attrs["id"], [])
        if tag == "article":
            self._article_depth = self._depth + 1
        if self._article_depth and tag == "a" and "href" in element.attrs:
            self.article_links.append(element.attrs["href"])
        if tag == "a" and "href" in element.attrs:
            for scope in self._open:
                if "id" in scope.attrs:
                    self.within[scope.attrs["id"]].append(element.attrs["href"])
        if tag not in self.VOID:
            self._depth += 1
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if "id" in element.attrs:
            self.ids.add(element.attrs["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self._open:
            element = self._open.pop()
            self._depth -= 1
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._article_depth:
                self.headings.append((int(element.tag[1]), " ".join(element.text.split())))
            if element.tag == "article":
                self._article_depth = 0
            if "id" in element.attrs:
                self.text_of[element.attrs["id"]] = " ".join(element.text.split())
            if element.tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data
        if self._article_depth:
            self.article_text += data
            if not any(element.tag in PLAIN for element in self._open):
                self.prose += data

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


@functools.cache
def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[object]:
    """serve(directory) -> base URL of a local HTTP server on 127.0.0.1 for that directory."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(directory: Path) -> str:
        handler = functools.partial(_Quiet, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


__all__ = ["FIXTURES", "REPO", "Page", "build", "html_pages", "parse", "rolled"]


def rolled(dataset: Any, actors: list[str]) -> set[str]:
    """Each actor and everything it is affiliated with, read from the actor records here."""
    out = set()
    for actor in actors:
        while isinstance(actor, str) and actor in dataset.records["actors"] and actor not in out:
            out.add(actor)
            actor = dataset.records["actors"][actor].data.get("affiliation")
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by playwright, one per test module (the browser tests share it)."""
    from .screenshots import chromium

    with chromium() as launched:
        yield launched
