"""Cell text for the data files: Markdown reduced to plain text, and spreadsheet-safe CSV cells.

Markdown is read by the parser the check used (peacetalks.markdown), from the same parse: a
link's address is shown as written."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it.token import Token

from ..markdown import tokens as parse_markdown
from . import parallel

# OWASP "CSV Injection": a cell starting with one of these may be run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Text with none of these characters, and lines that neither start with a block marker nor
# begin or end with whitespace, is plain paragraphs to any CommonMark parser: it can skip the
# parser (most prose is like this, and parsing dominates the export's time). Inline links to
# absolute addresses, with plain link text, are allowed too: they are the commonest markup.
_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<>&\t\r\f\v\x00\ue000]")
_PLAIN_LINE = re.compile(r"(?:[^\s\-+=>#0-9~][^\n]*\S|[^\s\-+=>#0-9~])?")
_LINK_TEXT = r"[^\[\]\\`*_<>&!\s\ue000](?:[^\[\]\\`*_<>&!\n\ue000]*[^\[\]\\`*_<>&!\s\ue000])?"
_LINK = re.compile(rf"(?<!!)\[({_LINK_TEXT})\]\(((?:https?://|mailto:)[^\s()<>\\`*_&\[\]\ue000]+)\)")
_HOLE = "\ue000"  # a private-use character standing for a link while the rest is checked


def _plain_paragraphs(markdown: str) -> str | None:
    """The plain text of Markdown without any syntax but simple links, or None when it may have some."""
    links: list[str] = []

    def hold(match: re.Match[str]) -> str:
        text, href = match.group(1), match.group(2)
        links.append(f"{text} ({href})" if href.removeprefix("mailto:") != text else text)
        return _HOLE

    if "[" in markdown and _HOLE not in markdown:
        markdown = _LINK.sub(hold, markdown)
    if _INLINE_SYNTAX.search(markdown.replace(_HOLE, "") if links else markdown):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in markdown.split("\n"):
        if not _PLAIN_LINE.fullmatch(line):
            return None
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    text = "\n\n".join(" ".join(lines) for lines in paragraphs if lines)
    if links:
        parts = text.split(_HOLE)
        text = "".join(part + link for part, link in zip(parts, [*links, ""], strict=True))
    return text


_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 200_000


def plain_text(markdown: str) -> str:
    """Markdown → plain text: one paragraph per block, blank lines between, no markup.

    Links keep their text, followed by the address in brackets when it is absolute and
    differs from the text; list items become lines starting with '- ' or 'N. '."""
    text = _CACHE.get(markdown)
    if text is None:
        text = uncached_plain_text(markdown)
        if len(_CACHE) < _CACHE_LIMIT:
            _CACHE[markdown] = text
    return text


def uncached_plain_text(markdown: str) -> str:
    fast = _plain_paragraphs(markdown)
    return fast if fast is not None else parsed_text(markdown)


def prepare(texts: Iterable[str], parallel_from: int = 1000) -> None:
    """Reduce many Markdown texts at once, half of those that need the parser on another core.

    Parsing dominates the export's time; `plain_text` then finds every answer cached."""
    slow = []
    for markdown in dict.fromkeys(texts):
        if markdown not in _CACHE and len(_CACHE) < _CACHE_LIMIT:
            fast = _plain_paragraphs(markdown)
            if fast is None:
                slow.append(markdown)
            else:
                _CACHE[markdown] = fast
    if len(slow) < parallel_from or not parallel.can_fork():
        return
    half = len(slow) // 2
    with parallel.beside(_parse_all, slow[half:]) as theirs:
        mine = _parse_all(slow[:half])
        _CACHE.update(zip(slow, mine + theirs(), strict=True))


def _parse_all(texts: list[str]) -> list[str]:
    return [parsed_text(markdown) for markdown in texts]


def parsed_text(markdown: str) -> str:
    """`plain_text` through the parser, always."""
    blocks: list[tuple[str, int]] = []  # (text, the outermost list it is in, or 0)
    prefix: list[str] = []  # list-item markers waiting for their first paragraph
    ordinals: list[int] = []  # for each open list: the next number, or -1 for a bullet list
    lists = 0
    for token in parse_markdown(markdown):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists += not ordinals
            ordinals.append(int(token.attrGet("start") or 1) if kind == "ordered_list_open" else -1)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            ordinals.pop()
        elif kind == "list_item_open":
            prefix.append(_marker(ordinals))
        elif kind in ("inline", "code_block", "fence", "html_block"):  # raw HTML (refused by the check) as text
            text = _inline(token.children or []) if kind == "inline" else token.content.rstrip("\n")
            blocks.append(("".join(prefix) + text, lists if ordinals else 0))
            prefix.clear()
    return _join(blocks)


def _marker(ordinals: list[int]) -> str:
    number = ordinals[-1]
    if number < 0:
        return "- "
    ordinals[-1] = number + 1
    return f"{number}. "


def _join(blocks: list[tuple[str, int]]) -> str:
    """Blocks as paragraphs, except that the blocks of one list go on consecutive lines."""
    out: list[str] = []
    previous = 0
    for text, in_list in blocks:
        if out and in_list and in_list == previous:
            out[-1] += "\n" + text
        else:
            out.append(text)
        previous = in_list
    return "\n\n".join(out).strip()


def _inline(children: list[Token]) -> str:
    parts: list[str] = []
    hrefs: list[str] = []
    starts: list[int] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "link_open":
            hrefs.append(str(child.attrGet("href") or ""))
            starts.append(len(parts))
        elif kind == "link_close" and hrefs:
            href, start = hrefs.pop(), starts.pop()
            shown = "".join(parts[start:])
            if href.startswith(("http://", "https://", "mailto:")) and href.removeprefix("mailto:") != shown:
                parts.append(f" ({href})")
    return "".join(parts).strip()


def needs_neutralising(value: str) -> bool:
    """True for a text cell a spreadsheet could read as a formula.

    A value that starts with apostrophes and then a formula character also gets one more
    apostrophe, so that removing one leading apostrophe always gives the value back."""
    return value.lstrip("'").startswith(FORMULA_STARTS)


def neutralise(value: str) -> str:
    """The text cell as written to CSV: a leading ' where a spreadsheet could see a formula."""
    return "'" + value if needs_neutralising(value) else value


def restore(cell: str) -> str:
    """The inverse of `neutralise`, for readers that want the exact text back."""
    return cell[1:] if cell.startswith("'") and needs_neutralising(cell[1:]) else cell
