"""Making untrusted record text inert wherever it lands in a generated page.

Plain-text fields become Markdown in which every character that could be syntax
(Markdown, HTML, tables) is a numeric character reference: any Markdown engine shows the
character and none treats it as markup, and the same string is also safe inside HTML
text and attribute values. Only those characters are encoded (not all punctuation):
each reference costs the Markdown engine a pattern match, which adds up over 10,000 pages. Markdown fields are rendered with markdown-it-py
(no raw HTML, no images, safe links only) and embedded as HTML."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from markdown_it import MarkdownIt
from markupsafe import Markup

# Characters that are syntax anywhere in a line (Markdown, HTML, tables, Jinja-looking braces,
# double quotes for attribute values). Line-start syntax (#, -, +, 1.) is handled by _LEADING.
_SPECIAL = '"&*<>[\\]_`{|}~'
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
_LEADING = re.compile(r"^([!#$%()+,\-.:;=?@^]|\d+(?=[.)]))")
# In text that markdown-it already escaped, & starts an entity and must stay; < and > are gone.
_ENTITIES_IN_HTML = {k: v for k, v in _ENTITIES.items() if chr(k) not in "&#;<>\"'"}
_WS = re.compile(r"\s+")
_TAG = re.compile(r"(<[^>]*>)")
_BLANK_LINE = re.compile(r"\n\s*\n")


def md_text(value: str) -> Markup:
    """One line of plain text, inert in Markdown and HTML (whitespace collapsed)."""
    text = _WS.sub(" ", value).strip().translate(_ENTITIES)
    return Markup(_LEADING.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), text))


def md_paragraphs(value: str) -> Markup:
    """Multi-line plain text as Markdown paragraphs, each inert."""
    parts = [md_text(p) for p in _BLANK_LINE.split(value) if p.strip()]
    return Markup("\n\n".join(parts))


def url_attr(url: str) -> str:
    """A URL made safe as a Markdown link destination and an HTML attribute value."""
    return quote(url, safe="/:?=&%#@!$+,;~-._*")


@dataclass
class LinkProblem:
    pointer: str
    message: str


@dataclass
class Renderer:
    """Renders record Markdown to HTML, resolving relative links against the site's pages.

    `pages` is the set of generated page paths ('demands/x.md'); `page_url` maps a page path to
    its output path ('demands/x.html'). Problems with links are collected, never raised."""

    pages: set[str]
    page_url: Callable[[str], str]
    problems: list[LinkProblem] = field(default_factory=list)
    _md: MarkdownIt = field(init=False)

    def __post_init__(self) -> None:
        md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        md.disable(["image", "html_block", "html_inline"])
        self._md = md

    def html(self, text: str, page: str, pointer: str, *, min_heading: int = 2, elsewhere: Callable[[str], str] | None = None) -> Markup:
        """Markdown → HTML for a field of the record shown on `page` (a docs-relative .md path).

        A relative link to no page of the site is a problem, unless `elsewhere` maps it to an address
        (the changelog links to files of the repository).

        Headings are shifted so the highest is `min_heading`: the page keeps its one h1."""
        env: dict[str, Any] = {}
        tokens = self._md.parse(text, env)
        levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
        shift = max(min_heading - min(levels), 0) if levels else 0
        for token in tokens:
            if token.type in ("heading_open", "heading_close") and shift:
                token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
            for item in [token, *(token.children or [])]:
                if item.type == "link_open":
                    href = item.attrGet("href")
                    item.attrSet("href", self._resolve(str(href or ""), page, pointer, elsewhere))
        rendered = self._md.renderer.render(tokens, self._md.options, env)
        return Markup(_inert_text(rendered))

    def inline_html(self, text: str, page: str, pointer: str) -> Markup:
        """As html(), on one line (for table cells): a lone paragraph loses its <p>."""
        rendered = str(self.html(text, page, pointer)).strip()
        if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
            rendered = rendered[3:-4]
        return Markup(rendered.replace("\n", "&#10;"))

    def _resolve(self, href: str, page: str, pointer: str, elsewhere: Callable[[str], str] | None = None) -> str:
        if not href or href.startswith("#") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith("//"):
            return href
        path, _, fragment = href.partition("#")
        if path.startswith("/"):
            self.problems.append(
                LinkProblem(pointer, f"link '{href}' is absolute: write it relative to the record's page, e.g. ../demands/<id>.md")
            )
            return "#"
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if target not in self.pages and elsewhere is not None:
            return elsewhere(path) + (f"#{fragment}" if fragment else "")
        if target not in self.pages:
            hint = f" (the record's page is {page})"
            self.problems.append(LinkProblem(pointer, f"link '{href}' leads to no page of the site{hint}: link to ../<collection>/<id>.md"))
            return "#"
        url = posixpath.relpath(self.page_url(target), posixpath.dirname(page) or ".")
        return url + (f"#{fragment}" if fragment else "")


# The HTML record Markdown may become: an allow-list of tags, attributes and URL schemes
# (defence in depth: markdown-it already renders no raw HTML and validates links).
_ALLOWED_TAGS = {"p", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "br", "hr"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto"}
# Characters of Markdown syntax, encoded inside attribute values too: Python-Markdown reads
# the generated page again, and must find nothing there to make into a link or a tag.
_IN_ATTRIBUTE = {ord(c): f"&#{ord(c)};" for c in "[]()*_`\\!~{}|<>"}
_ATTRIBUTE_VALUE = re.compile(r'="([^"]*)"')


def sanitise(html: str) -> str:
    """Keep only the allowed tags, attributes and URL schemes of HTML made from record text."""
    import nh3

    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def _inert_text(html: str) -> str:
    """Sanitise, then entity-encode Markdown syntax between tags and inside attribute values,
    so that no Markdown engine reading the page re-reads what is already HTML."""
    parts = _TAG.split(sanitise(html))
    return "".join(_inert_tag(part) if index % 2 else part.translate(_ENTITIES_IN_HTML) for index, part in enumerate(parts))


def _inert_tag(tag: str) -> str:
    return _ATTRIBUTE_VALUE.sub(lambda m: '="' + m.group(1).translate(_IN_ATTRIBUTE) + '"', tag)
