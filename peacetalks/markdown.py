"""Record Markdown: one parser, and one parse of each text, for the check, the site and the data files.

Every Markdown field is read by the same markdown-it-py parser (CommonMark; no images, no
linkify, no typographer). It recognises raw HTML and keeps every link as written, so that the
check can report them; the site's renderer and the export's plain text then read the very
tokens the check judged (`tokens` keeps each text's parse), never a second reading of the text.

The check (`problems`) reports raw HTML, links to anything but http(s):, mailto: or relative
addresses, and containers nested deeper than the parser follows (it would drop their
content). Text that provably holds none of these skips the parser (`plainly_safe`), and so does
text whose every link plainly goes to http(s): (`plainly_judged`): the site parses it when it renders it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from .problems import quoted

if TYPE_CHECKING:  # imported by parser(): a check whose texts all skip the parser never loads it
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# A link may go to http(s):, mailto:, a fragment, or a relative address (no scheme before the
# first / ? #). Everything else (javascript:, data:, tel:, ms-msdt:, ...) is refused.
_SAFE_LINK = re.compile(r"^(https?:|mailto:|#|/|\./|\.\./|[^:/?#]+([/?#]|$))", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# Block tokens that hold other blocks: their content is parsed only while the nesting is below the limit.
_CONTAINERS = frozenset(("blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open"))


@cache
def parser() -> MarkdownIt:
    """The one parser of record Markdown. Its tokens are shared: never change them."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.disable("image")  # `![a](b)` is the text "!" and a link, judged and shown as a link
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # keep every link: the check judges them
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]  # as written; the site encodes it
    if int(md.options["maxNesting"]) != MAX_NESTING:
        raise RuntimeError(
            f"markdown-it's commonmark preset nests {md.options['maxNesting']} levels, not {MAX_NESTING}: update MAX_NESTING"
        )
    return md


MAX_NESTING = 20  # the commonmark preset's maxNesting (parser() makes sure)

_CACHE: dict[str, list[Token]] = {}
_CACHE_LIMIT = 100_000


def tokens(text: str, keep: bool = True) -> list[Token]:
    """The parse of `text` (block tokens, inline children), computed once per text. Without `keep`
    a text not parsed before is not kept either: the site renders most texts once, and their
    tokens weigh about ten times the text (at 50,000 records, about 180 MB of them)."""
    found = _CACHE.get(text)
    if found is None:
        found = parser().parse(text)
        if keep and len(_CACHE) < _CACHE_LIMIT:
            _CACHE[text] = found
    return found


def is_safe_link(href: str) -> bool:
    return bool(_SAFE_LINK.match(href.strip()))


# Markdown normalises line ends the same way before it reads a text.
_LINE_END = re.compile(r"\r\n?")
# Where a line's container markers can be: before its first character that is none of these.
_LINE_START_CHARS = " \t>*+-0123456789.)"
_MARKERS = ">*+-.)"


def plainly_safe(text: str) -> bool:
    """True only when the text can hold no raw HTML, no link and no too-deep nesting.

    Every link, image, autolink, reference definition and HTML tag starts with `[` or `<`
    (entities and backslash escapes only ever make text). Every block quote or list item
    starts with a marker (`>`, `-`, `+`, `*`, or digits and `.` or `)`) preceded on its
    line only by spaces, tabs and the markers of the containers around it: so each
    container, at most two nesting levels (a list and its item), has its own marker
    character in the run of such characters at the start of a line. Fewer of those than
    half the parser's limit cannot reach it."""
    if "[" in text or "<" in text:
        return False
    return _shallow(text)


# Where a link destination starts: after `](` (an inline link) or `]:` (a reference definition),
# and the whitespace (line breaks included) the parser skips before it.
_TARGET = re.compile(r"\]\(|\]:")
_PLAIN_TARGET = re.compile(r"[ \t\r\n]*https?://")


def plainly_judged(text: str) -> bool:
    """True only when the check would find no problem in the text: no raw HTML, no too-deep
    nesting, and every link goes to http: or https:.

    Without `<` there is no raw HTML, no autolink and no `<destination>`. Every other link's
    href is a destination read after `](` or `]:` and the spaces, tabs and line breaks after it
    (a container's markers on the next line stop the scan here, not the parser's: the text then
    goes to the parser). A destination whose first characters are literally `http://` or
    `https://` keeps them through unescaping, so the href is a safe link."""
    if "<" in text:
        return False
    if "[" in text:
        for found in _TARGET.finditer(text):
            if not _PLAIN_TARGET.match(text, found.end()):
                return False
    return _shallow(text)


def _shallow(text: str) -> bool:
    markers = 0
    for line in _LINE_END.sub("\n", text).split("\n"):
        rest = line.lstrip(_LINE_START_CHARS)
        if len(rest) != len(line):
            start = line[: len(line) - len(rest)]
            markers += sum(start.count(marker) for marker in _MARKERS)
    return 2 * markers < MAX_NESTING - 1


def too_deep(parsed: Sequence[Token]) -> Token | None:
    """The first block opened at the parser's nesting limit (past it, content is dropped), if any."""
    for token in parsed:
        if token.nesting == 1 and token.level >= MAX_NESTING - 1 and (token.type in _CONTAINERS or token.level >= MAX_NESTING):
            return token
    return None


def problems(text: str) -> list[str]:
    """Raw HTML, unsafe link targets and too-deep nesting in a Markdown field, in words."""
    if plainly_judged(text):
        return []
    parsed = tokens(text)
    found: list[str] = []
    opened: set[str] = set()  # tags already reported: their closing tags are not reported again
    for token in parsed:
        for item in [token, *(token.children or [])]:
            if item.type in ("html_block", "html_inline"):
                tag = _TAG.match(item.content.strip())
                if tag and tag.group(1) and tag.group(2).lower() in opened:
                    continue
                if tag:
                    opened.add(tag.group(2).lower())
                found.append(
                    f"raw HTML {quoted(item.content.strip(), 40)} is not allowed in Markdown: describe it in words, or use Markdown syntax"
                )
            target = item.attrGet("href") if item.type == "link_open" else None
            if isinstance(target, str) and not is_safe_link(target):
                found.append(f"link to {quoted(target, 50)} is not allowed: links may only go to http(s):, mailto: or relative addresses")
    deep = too_deep(parsed)
    if deep is not None:
        where = f" (from line {deep.map[0] + 1} of the text)" if deep.map else ""
        found.append(
            f"Markdown is nested too deeply{where}: block quotes and lists may go at most {MAX_NESTING - 1} levels"
            " inside one another (a list counts as two: the list and its item), or what is deeper is lost: flatten them"
        )
    return found
