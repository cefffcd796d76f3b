"""Problems are values: a location and a message, collected and reported together."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Control characters (line breaks and tabs too: a message is one line), bidi controls,
# line and paragraph separators, and lone surrogates (from undecodable file names).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """Make untrusted text safe for a terminal: control and bidi characters become escapes."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the records, at a place a contributor can jump to."""

    path: str  # relative to the repository, with forward slashes
    line: int  # 1-based; 0 when the problem is about the whole file
    col: int  # 1-based
    pointer: str  # JSON pointer of the offending value ("" for the whole document)
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else f"{self.path}:1:1"
        field = f"{self.pointer}: " if self.pointer else ""
        return printable(f"{where}: error: {field}{self.message}")

    def github_annotation(self) -> str:
        """A GitHub Actions `::error` workflow command that record text cannot break out of."""
        props = ",".join(
            f"{key}={_escape_property(value)}"
            for key, value in (
                ("file", printable(self.path)),
                ("line", str(max(self.line, 1))),
                ("col", str(max(self.col, 1))),
                ("title", "peacetalks check"),
            )
        )
        field = f"{self.pointer}: " if self.pointer else ""
        return f"::error {props}::{_escape_data(printable(field + self.message))}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def summary(problems: list[Problem]) -> str:
    files = len({p.path for p in problems})
    noun = "error" if len(problems) == 1 else "errors"
    return f"{len(problems)} {noun} in {files} file{'s' if files != 1 else ''}"


def closest(word: str, candidates: list[str] | set[str] | tuple[str, ...]) -> str | None:
    """The candidate most like `word`, for 'did you mean' hints; None when nothing is close."""
    import difflib

    found = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, candidates: list[str] | set[str] | tuple[str, ...]) -> str:
    best = closest(word, candidates)
    return f" (did you mean '{best}'?)" if best else ""


def with_article(noun: str) -> str:
    """The noun with its indefinite article: 'a demand', 'an actor'."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def quoted(value: object, limit: int = 60) -> str:
    """A short, repr-like rendering of a value for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
