"""A quote with its sentence of context: what a restricted source keeps, and what a page shows
of a text it may not show whole."""

from __future__ import annotations

import re

from ..quotes import occurrences
from .extract import paragraphs

# A sentence ends at . ! or ? (perhaps followed by closing quotation marks or brackets) and a space.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")


def in_sentence(text: str, quote: str) -> str | None:
    """The sentence(s) of the text holding the first occurrence of the quote, within its paragraph;
    None when the quote is not in the text. Whitespace is normalised; case and marks may differ."""
    for paragraph in paragraphs(text):
        found = occurrences(paragraph, quote)
        if found:
            start, end = found[0].start, found[0].start + len(found[0].text)
            return paragraph[_sentence_start(paragraph, start) : _sentence_end(paragraph, end)]
    found = occurrences(text, quote)  # across paragraphs: the quote itself is the passage
    return found[0].text if found else None


def _sentence_start(paragraph: str, start: int) -> int:
    begin = 0
    for match in _SENTENCE_END.finditer(paragraph, 0, start + 1):
        if match.end() <= start:
            begin = match.end()
    return begin


def _sentence_end(paragraph: str, end: int) -> int:
    match = _SENTENCE_END.search(paragraph, max(end - 1, 0))
    return len(paragraph) if match is None else match.start() + len(match.group(0).rstrip())
