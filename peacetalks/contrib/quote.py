"""`build.py quote SOURCE WORDS`: find words in a source's stored text, ready to paste as a quote."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..collections import SOURCE_TEXT_SUFFIX
from ..problems import did_you_mean, printable
from ..quotes import closest, describe, normalise, occurrences


def _line_of(text: str, start: int) -> int:
    """The 1-based line of the stored text holding offset `start` of its normalised form."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        words = normalise(line)
        if not words:
            continue
        if start < seen + len(words) + 1:
            return number
        seen += len(words) + 1
    return max(1, len(text.splitlines()))


def find_quote(records: Path, source: str, words: str) -> int:
    path = records / "sources" / f"{source}{SOURCE_TEXT_SUFFIX}"
    if not path.is_file():
        known = sorted(p.stem for p in (records / "sources").glob(f"*{SOURCE_TEXT_SUFFIX}"))
        print(f"build.py quote: no stored text for source {printable(repr(source))}{did_you_mean(source, known)}", file=sys.stderr)
        return 1
    text = path.read_text("utf-8")
    found = occurrences(text, words)
    shown = printable(path.as_posix())
    if not found:
        passage = closest(text, words)
        hint = f": {describe(passage)}" if passage else ""
        print(f"not found in {shown}{hint}", file=sys.stderr)
        return 1
    times = "once" if len(found) == 1 else f"{len(found)} times"
    pick = "" if len(found) == 1 else " (quote a longer passage to pick one)"
    print(f"found {times} in {shown}{pick}:")
    for passage in found:
        print(f"  line {_line_of(text, passage.start)}: {printable(passage.text)}")
    print("paste into the citation:")
    print(f'  "quote": {printable(json.dumps(found[0].text, ensure_ascii=False))}')
    return 0
