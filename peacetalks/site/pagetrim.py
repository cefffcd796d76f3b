"""A written page without the theme's indentation and blank lines (the hook's on_post_page)."""

from __future__ import annotations

import re

# The elements whose white space shows (pre, textarea; code, kbd and samp, which Material sets in
# pre-wrap) or is code (script, style); and the runs of white space with a line break in them that
# begin a text, after a tag's `>`, or end one, before a tag's `<` (neither is ever inside an
# attribute value: a line break in a generated one is written &#10;).
_KEPT = re.compile(r"<(pre|textarea|script|style|code|kbd|samp)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_OPENING_RUN = re.compile(r">[ \t]*\n[ \t\n]*")
_CLOSING_RUN = re.compile(r"\n[ \t\n]*<")
_HELD = "\x00"  # stands for a kept element while the rest is trimmed
# The generated blocks write their line breaks as this reference, to stay one line for
# Python-Markdown; outside the kept elements the browser reads a line break itself the same.
_LINE_BREAK_REFERENCE = "&#10;"


def trim_indentation(page_html: str) -> str:
    """The page without the theme's indentation and blank lines (15% of a page's bytes): a run of
    white space with a line break in it, at the start or the end of a text, becomes that one line
    break, which the browser reads as it read the run (collapsible white space); the elements of
    `_KEPT` are left whole. Then a line break written `&#10;` (by the generated blocks) is written
    as itself, which reads the same in a text and in an attribute value. (A page with a NUL character in it, which no page has, is left as it is.)"""
    if _HELD in page_html:
        return page_html
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return _HELD

    held = _KEPT.sub(hold, page_html).replace(_HELD, f"<{_HELD}>")  # a tag to the trimming, as the element was
    trimmed = _CLOSING_RUN.sub("\n<", _OPENING_RUN.sub(">\n", held)).replace(_LINE_BREAK_REFERENCE, "\n")
    parts = trimmed.split(f"<{_HELD}>")
    return "".join(part + element for part, element in zip(parts, [*kept, ""], strict=True))
