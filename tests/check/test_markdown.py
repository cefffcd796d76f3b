"""The check and the site read Markdown with one parser: properties of peacetalks.markdown on
generated text, with containers (block quotes, lists, indentation) nested inside one another,
reference definitions split over lines, and every line ending Markdown knows."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from peacetalks import markdown
from peacetalks.site.text import Renderer
from peacetalks.validate import markdown_problems

# Line starts that open (or continue, or merely look like) containers.
PREFIXES = st.lists(
    st.sampled_from(["> ", ">", "- ", "* ", "+ ", "1. ", "2) ", "10. ", "  ", "   ", "    ", "\t", " > ", "-"]), max_size=24
)
# Inline text: plain words, links safe and unsafe, things that look like links and are not.
INLINE = st.sampled_from(
    [
        "words",
        "[a](https://example.org)",
        "[b](javascript:alert(1))",
        "[c](tel:+1)",
        "[d][r]",
        "[r]",
        "<b>bold</b>",
        "<https://example.org>",
        "<ms-msdt:x>",
        "&#91;x&#93;(javascript:y)",
        "\\[x\\](tel:1)",
        "`[c](ms-msdt:d)`",
        "*em*",
        "tel:1 ms-msdt:x javascript:y",
        "&lt;script&gt;",
        "(x)",
        "]:",
        "](",
        "!",
    ]
)
DESTINATIONS = st.sampled_from(["https://example.org", "javascript:alert(1)", "tel:+1", "ms-msdt:/id", "../topics/x.md", "<tel:1>"])
ENDS = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])
# Deep nesting: one marker many times over, as a line start or as indentation under a list.
RUNS = st.builds(lambda marker, count: marker * count, st.sampled_from(["> ", "- ", "* ", "1. ", "  ", ">"]), st.integers(3, 22))


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Markdown text, and the sentinel words it holds that must not be lost."""
    parts: list[str] = []
    sentinels: list[str] = []
    plain = draw(st.booleans())  # text with no link syntax at all, which the prefilter may skip
    inline = INLINE.filter(lambda piece: "[" not in piece and "<" not in piece) if plain else INLINE
    for index in range(draw(st.integers(1, 12))):
        prefix = "".join(draw(st.one_of(PREFIXES, st.lists(RUNS, min_size=1, max_size=2))))
        if not plain and draw(st.integers(0, 5)) == 0:  # a reference definition, perhaps split over container lines
            split = draw(st.sampled_from(["", "\n" + prefix, "\n" + "".join(draw(PREFIXES))]))
            parts.append(f"{prefix}[r]:{split or ' '}{draw(DESTINATIONS)}")
        else:
            word = f"z{index}z"
            sentinels.append(word)
            parts.append(prefix + " ".join(draw(st.lists(inline, max_size=3))) + f" {word}")
        parts.append(draw(ENDS))
    return "".join(parts), sentinels


def _all(parsed: list[Token]) -> Iterator[Token]:
    for token in parsed:
        yield token
        yield from token.children or []


def _holds_markup(parsed: list[Token]) -> bool:
    return any(t.type in ("link_open", "html_block", "html_inline") for t in _all(parsed))


@settings(max_examples=400, deadline=None)
@given(documents())
@example(("> [a]:\n> javascript:alert(1)\n> [a]", []))
@example(("" + "> " * 20 + "x", []))
def test_the_prefilter_never_skips_what_the_parser_would_judge(document: tuple[str, list[str]]) -> None:
    text, _ = document
    if markdown.plainly_safe(text):
        parsed = markdown.tokens(text)
        assert not _holds_markup(parsed), text
        assert markdown.too_deep(parsed) is None, text
        assert markdown_problems(text) == []


@settings(max_examples=400, deadline=None)
@given(documents())
@example(("[a](https://example.org) [b](\n> javascript:alert(1))", []))
@example(("[r]: https://example.org\n[r]:\njavascript:alert(1)\n[r]", []))
def test_the_link_prefilter_skips_only_what_the_parser_accepts(document: tuple[str, list[str]]) -> None:
    """Text the check passes without parsing it (every link plainly http(s):) has, parsed, no raw
    HTML, no link the check refuses and no too-deep nesting."""
    text, _ = document
    if markdown.plainly_judged(text):
        parsed = markdown.tokens(text)
        assert not any(t.type in ("html_block", "html_inline") for t in _all(parsed)), text
        hrefs = [t.attrGet("href") for t in _all(parsed) if t.type == "link_open"]
        assert all(isinstance(h, str) and markdown.is_safe_link(h) for h in hrefs), text
        assert markdown.too_deep(parsed) is None, text


def test_the_link_prefilter_passes_plain_links() -> None:
    assert markdown.plainly_judged("See [note 4](https://example.org/4).\n\n[r]:\n  http://example.org/r")
    assert not markdown.plainly_judged("[a](javascript:alert(1))")
    assert not markdown.plainly_judged("[a]( <https://example.org>)")


@settings(max_examples=400, deadline=None)
@given(documents())
def test_no_text_is_lost_unless_the_check_says_so(document: tuple[str, list[str]]) -> None:
    """Where the check finds no nesting problem, every word of the text reaches the tokens that
    the site and the data files render."""
    text, sentinels = document
    parsed = markdown.tokens(text)
    if markdown.too_deep(parsed) is not None:
        assert any("nested too deeply" in p for p in markdown_problems(text))
        return
    seen = " ".join(t.content + " " + " ".join(str(v) for v in t.attrs.values()) for t in _all(parsed))
    for word in sentinels:
        assert word in seen, (word, text)


_HREF = re.compile(r'\shref="([^"]*)"')


@settings(max_examples=400, deadline=None)
@given(documents())
@example(('[a](https://example.org "[y](x autofocus onfocus=alert(1)//)")', []))
@example(('```x" onmouseover=alert(1) x="\ncode\n```', []))
def test_the_site_links_only_where_the_check_allows(document: tuple[str, list[str]]) -> None:
    """What the renderer writes has only safe links, no raw HTML and no attributes but href
    and title, whether or not the check accepted the text."""
    text, _ = document
    rendered = str(Renderer(set(), lambda page: page).html(text, "topics/x.md", "p"))
    for href in _HREF.findall(rendered):
        assert markdown.is_safe_link(html.unescape(href)), (href, text)
    for tag in re.findall(r"<([a-z0-9]+)((?:\s[^>]*)?)>", rendered):
        assert tag[0] in ("p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "hr", "br", "h2", "h3", "h4", "h5", "h6")
        names = re.findall(r'\s([a-z-]+)="', tag[1])
        assert set(names) <= {"href", "title", "start"}, (tag, text)


def test_a_link_title_holding_a_link_is_accepted_and_read_once() -> None:
    text = '[a](https://example.org "[y](x autofocus onfocus=alert(1)//)")'
    assert markdown_problems(text) == []
    rendered = str(Renderer(set(), lambda page: page).html(text, "topics/x.md", "p"))
    assert rendered.strip() == '<p><a href="https://example.org" title="[y](x autofocus onfocus=alert(1)//)">a</a></p>'


def test_the_limit_is_where_the_parser_stops() -> None:
    assert markdown.MAX_NESTING == 20
    assert markdown_problems("> " * 19 + "kept") == []
    assert any("kept" in token.content for token in markdown.tokens("> " * 19 + "kept"))
    assert markdown_problems("> " * 20 + "lost") != []


def test_the_site_reads_the_checks_parse_and_keeps_none_of_its_own() -> None:
    """A text the check parsed is read from its parse; one only the site parses (most texts skip the
    parser in the check) is not kept: the site renders it once."""
    checked, rendered = "Checked <b>text</b> 7f3a.", "Rendered *text* 7f3a."
    first = markdown.tokens(checked)
    assert markdown.tokens(checked, keep=False) is first
    once = markdown.tokens(rendered, keep=False)
    again = markdown.tokens(rendered, keep=False)
    assert again is not once and [t.as_dict() for t in again] == [t.as_dict() for t in once]
