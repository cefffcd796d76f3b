"""Finding words in a source's stored text: where a quote is, or the passage it most resembles.

Used by the check (a quote not found gets the closest passage, with where it differs) and by
`build.py quote` (a contributor's words, found in the text and printed ready to paste)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\S+")
# Quotation marks, apostrophes and dashes a contributor may type differently.
FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-"})


def normalise(text: str) -> str:
    """NFC, whitespace runs as one space, trimmed: the form quotes are compared in."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def loose(text: str) -> str:
    """Normalised, then quotation marks and dashes folded and case ignored: for finding words."""
    return normalise(text).translate(FOLD).casefold()


@dataclass(frozen=True)
class Passage:
    text: str  # the source's own characters (normalised whitespace)
    start: int  # offset in the normalised text
    differences: tuple[tuple[str, str], ...]  # (the quote's words, the source's words) where they differ


def occurrences(source_text: str, words: str) -> list[Passage]:
    """Every place the words occur in the text, ignoring whitespace, case, quotation marks and dashes.

    Folding keeps lengths (every folded character is one character, and casefold is only used to
    find positions when it keeps the length), so an offset in the folded text is one in the text."""
    text = normalise(source_text)
    folded = text.translate(FOLD)
    wanted = normalise(words).translate(FOLD)
    if not wanted:
        return []
    haystack, needle = (folded.casefold(), wanted.casefold())
    if len(haystack) != len(folded) or len(needle) != len(wanted):
        haystack, needle = folded.lower(), wanted.lower()
    found: list[Passage] = []
    start = haystack.find(needle)
    while start >= 0 and len(haystack) == len(text):
        found.append(Passage(text[start : start + len(wanted)], start, ()))
        start = haystack.find(needle, start + 1)
    return found


def closest(source_text: str, quote: str, *, limit: int = 4000) -> Passage | None:
    """The passage of the text most like the quote, with the words that differ; None if nothing is close.

    Bounded work: candidates are windows of the quote's length around places where one of the
    quote's rarer words occurs, scored with difflib on words."""
    text = normalise(source_text)
    quote_words = _WORD.findall(normalise(quote))
    if not quote_words or not text:
        return None
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    words = [text[a:b] for a, b in spans]
    keys = [w.translate(FOLD).casefold().strip(".,;:!?") for w in words]
    wanted = [w.translate(FOLD).casefold().strip(".,;:!?") for w in quote_words]
    anchors = sorted({i for i, key in enumerate(keys) if key in set(wanted)})[:limit]
    if not anchors:
        return None
    n = len(quote_words)
    best: tuple[float, int] | None = None
    seen: set[int] = set()
    for anchor in anchors:
        for offset in {wanted.index(keys[anchor])} if keys[anchor] in wanted else {0}:
            first = max(0, anchor - offset)
            if first in seen:
                continue
            seen.add(first)
            ratio = difflib.SequenceMatcher(None, wanted, keys[first : first + n], autojunk=False).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, first)
    if best is None or best[0] < 0.5:
        return None
    window = keys[best[1] : best[1] + n + 3]
    blocks = [b for b in difflib.SequenceMatcher(None, wanted, window, autojunk=False).get_matching_blocks() if b.size]
    first = best[1] + (blocks[0].b if blocks[0].a == 0 else 0)  # start where the quote starts, if it matches there
    last = best[1] + (blocks[-1].b + blocks[-1].size - 1 if blocks[-1].a + blocks[-1].size == n else min(n, len(window)) - 1)
    passage = text[spans[first][0] : spans[last][1]]
    matcher = difflib.SequenceMatcher(None, quote_words, words[first : last + 1], autojunk=False)
    differences = tuple(
        (" ".join(quote_words[a1:a2]), " ".join(words[first + b1 : first + b2]))
        for tag, a1, a2, b1, b2 in matcher.get_opcodes()
        if tag != "equal"
    )
    return Passage(passage, spans[first][0], differences)


def describe(passage: Passage, width: int = 240) -> str:
    """'the closest passage is “…”; where they differ: “NAT0” → “NATO”' for a message."""
    shown = passage.text if len(passage.text) <= width else passage.text[: width - 1] + "…"
    changes = "; ".join(
        f"“{mine or '(nothing)'}” where the source has “{theirs or '(nothing)'}”" for mine, theirs in passage.differences[:3]
    )
    more = f" (and {len(passage.differences) - 3} more)" if len(passage.differences) > 3 else ""
    return f"the closest passage is “{shown}”" + (f"; the quote has {changes}{more}" if changes else "")
