"""Making untrusted record text inert wherever it lands in a generated page.

A generated page is Markdown that Python-Markdown (MkDocs) turns into HTML. Record text is
read as Markdown once, by the parser the check used, and never again: it reaches a page in
one of two forms.

- Plain text (`md_text`): every character that could be syntax (Markdown, HTML, tables) is a
  numeric character reference, so Python-Markdown shows the character and treats none of it
  as markup, and the same string is also safe inside HTML text and attribute values. Only
  those characters are encoded (not all punctuation): each reference costs Python-Markdown a
  pattern match, which adds up over 10,000 pages.
- HTML (`Renderer`): a Markdown field rendered from the tokens the check judged
  (peacetalks.markdown), links resolved against the site and refused unless safe, raw HTML
  shown as text, then passed through an allow-list sanitiser (nh3: tags, attributes, URL
  schemes).

HTML from record text must never be read by Python-Markdown, which would find Markdown in
it (a link in a link's title closes the attribute). So it only ever lands inside
`html_block`: the lists and tables that show record text are written as HTML, sanitised
again as a whole, and emitted as one block-level element on its own line, with blank lines
around and none inside, which Python-Markdown passes through as it is."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import nh3
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from .. import markdown

# Characters that are syntax anywhere in a line (Markdown, HTML, tables, Jinja-looking braces,
# double quotes for attribute values, # that would close a heading). Line-start syntax
# (-, +, 1., ...) is handled by _LEADING.
_SPECIAL = '"#&*<>[\\]_`{|}~'
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
_LEADING = re.compile(r"^([!$%()+,\-.:;=?@^]|\d+(?=[.)]))")
_WS = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n\s*\n")

# What HTML rendered from record Markdown may hold: CommonMark's tags without images and raw HTML.
_MARKDOWN_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
_MARKDOWN = nh3.Cleaner(
    tags=_MARKDOWN_TAGS,
    attributes={"a": {"href", "title"}, "ol": {"start"}},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
    strip_comments=True,
)
# What the site's own HTML blocks may hold besides: the markup of its lists, tables and status
# track. Classes, ids and styles come from the templates; record text never reaches them.
_PAGE = nh3.Cleaner(
    tags=_MARKDOWN_TAGS | {"cite", "dd", "div", "dl", "dt", "mark", "q", "span", "table", "tbody", "td", "th", "thead", "time", "tr"},
    attributes={
        "*": {"class", "id", "lang"},
        "a": {"href", "title"},
        "li": {"style", "aria-current"},
        "ol": {"start", "aria-label"},
        "td": {"style"},
        "th": {"style"},
        "time": {"datetime"},
    },
    url_schemes={"http", "https", "mailto"},
    filter_style_properties={"text-align", "--peacetalks-mark"},
    link_rel=None,
    strip_comments=True,
)


def md_text(value: str) -> Markup:
    """One line of plain text, inert in Markdown and HTML (whitespace collapsed)."""
    return short_md_text(value) if len(value) <= SHORT else _md_text(value)


SHORT = 160  # a name or a label, printed on many pages: reduced once (a paragraph is seldom repeated)


@lru_cache(maxsize=1 << 16)
def short_md_text(value: str) -> Markup:
    return _md_text(value)


def _md_text(value: str) -> Markup:
    text = _WS.sub(" ", value).strip().translate(_ENTITIES)
    return Markup(_LEADING.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), text))


def md_separator(value: str) -> Markup:
    """A separator written in a template (', ', '; '), inert, its spaces kept."""
    return Markup(value.translate(_ENTITIES))


def md_paragraphs(value: str) -> Markup:
    """Multi-line plain text as Markdown paragraphs, each inert."""
    parts = [md_text(p) for p in _BLANK_LINE.split(value) if p.strip()]
    return Markup("\n\n".join(parts))


def sanitise(html: str) -> str:
    """HTML rendered from record Markdown, with only the allowed tags, attributes and URL schemes (nh3)."""
    return str(_MARKDOWN.clean(html))


def html_block(html: str) -> Markup:
    """HTML as one raw block that Python-Markdown passes through untouched: sanitised, wrapped
    in one <div>, on one line (line ends become &#10;), with a blank line before and after."""
    body = str(_PAGE.clean(str(html).strip())).replace("\r", "&#13;").replace("\n", "&#10;")
    return Markup(f'\n<div class="peacetalks-html">{body}</div>\n\n')


@lru_cache(maxsize=1 << 16)
def url_attr(url: str) -> str:
    """A URL made safe as a Markdown link destination and an HTML attribute value."""
    return quote(url, safe="/:?=&%#@!$+,;~-._*")


@dataclass
class LinkProblem:
    pointer: str
    message: str


class _HTML(RendererHTML):
    """markdown-it's HTML renderer, reading shared tokens without changing them: links are
    resolved by env["resolve"], headings shifted by env["shift"], raw HTML shown as text."""

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        token = tokens[idx]
        href = env["resolve"](normalizeLink(str(token.attrGet("href") or "")))
        title = token.attrGet("title")
        attrs = f' href="{escapeHtml(href)}"' if href is not None else ""
        attrs += f' title="{escapeHtml(str(title))}"' if title else ""
        return f"<a{attrs}>"

    def heading_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return f"<{_shifted(tokens[idx].tag, env['shift'])}>"

    def heading_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return f"</{_shifted(tokens[idx].tag, env['shift'])}>\n"

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return f"<pre><code>{escapeHtml(tokens[idx].content)}</code></pre>\n"  # the info string is not shown

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return f"<p>{escapeHtml(tokens[idx].content.strip())}</p>\n"

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return escapeHtml(tokens[idx].content)


def _shifted(tag: str, shift: int) -> str:
    return f"h{min(int(tag[1]) + shift, 6)}"


_RENDERER = _HTML()


@dataclass
class Renderer:
    """Renders record Markdown to HTML, resolving relative links against the site's pages.

    `pages` is the set of generated page paths ('demands/x.md'); `page_url` maps a page path to
    its output path ('demands/x.html'). Problems with links are collected, never raised."""

    pages: set[str]
    page_url: Callable[[str], str]
    problems: list[LinkProblem] = field(default_factory=list)

    def html(self, text: str, page: str, pointer: str, *, min_heading: int = 2, elsewhere: Callable[[str], str] | None = None) -> Markup:
        """Markdown → sanitised HTML for a field of the record shown on `page` (a docs-relative .md path).

        A relative link to no page of the site is a problem, unless `elsewhere` maps it to an address
        (the changelog links to files of the repository). A link the check would refuse loses its address.

        Headings are shifted so the highest is `min_heading`: the page keeps its one h1."""
        tokens = markdown.tokens(text, keep=False)  # the check's parse where it made one; else one for this page
        levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
        env = {
            "shift": max(min_heading - min(levels), 0) if levels else 0,
            "resolve": lambda href: self._resolve(href, page, pointer, elsewhere),
        }
        return Markup(sanitise(_RENDERER.render(tokens, markdown.parser().options, env)))

    def inline_html(self, text: str, page: str, pointer: str) -> Markup:
        """As html(), for a table cell or a list item: a lone paragraph loses its <p>."""
        rendered = str(self.html(text, page, pointer)).strip()
        if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
            rendered = rendered[3:-4]
        return Markup(rendered)

    def _resolve(self, href: str, page: str, pointer: str, elsewhere: Callable[[str], str] | None = None) -> str | None:
        if not markdown.is_safe_link(href):
            return None  # the check refuses it; never written to a page
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
