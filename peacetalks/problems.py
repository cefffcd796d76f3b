"""Problems are values: a location and a message, collected and reported together."""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Iterable
from typing import NamedTuple

# Control characters (line breaks and tabs too: a message is one line), bidi controls,
# line and paragraph separators, and lone surrogates (from undecodable file names).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """Make untrusted text safe for a terminal: control and bidi characters become escapes."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class Problem(NamedTuple):
    """One thing wrong with the records, at a place a contributor can jump to.

    A named tuple, not a dataclass: problems are sorted, and tuples compare in C (a dataclass's
    generated comparison is Python code, which a file with 20,000 problems makes seconds of)."""

    path: str  # relative to the repository, with forward slashes
    line: int  # 1-based; 0 when the problem is about the whole file
    col: int  # 1-based
    pointer: str  # JSON pointer of the offending value ("" for the whole document)
    message: str
    hidden: int = 0  # > 0: not a problem itself, but this many problems of the file left unshown

    @property
    def errors(self) -> int:
        """How many problems this line stands for."""
        return self.hidden or 1

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
    total = sum(p.errors for p in problems)
    files = len({p.path for p in problems})
    noun = "error" if total == 1 else "errors"
    return f"{total:,} {noun} in {files:,} file{'s' if files != 1 else ''}"


MAX_PER_FILE = 50


def cap_per_file(problems: Iterable[Problem], limit: int = MAX_PER_FILE) -> list[Problem]:
    """The problems sorted, at most `limit` per file; the rest of a file become one line saying
    how many more there are, at the first one left out."""
    by_path: dict[str, list[Problem]] = {}
    counted: dict[str, list[Problem]] = {}  # lines that already stand for problems not made
    for problem in sorted(set(problems)):
        (counted if problem.hidden else by_path).setdefault(problem.path, []).append(problem)
    kept: list[Problem] = []
    for path in sorted(by_path.keys() | counted.keys()):
        found = by_path.get(path, [])
        kept.extend(found[:limit])
        left = sorted(found[limit:] + counted.get(path, []))
        if left:
            first = left[0]
            rest = sum(p.errors for p in left)
            message = (
                f"and {rest:,} more error{'s' if rest != 1 else ''} in this file from here on, not shown: "
                f"the check shows the first {limit} errors of a file; fix these and run it again"
            )
            kept.append(Problem(path, first.line, first.col, "", message, hidden=rest))
    return kept


# --- did you mean -----------------------------------------------------------------------

CUTOFF = 0.6  # difflib's similarity ratio a suggestion needs
HINT_BUDGET = 20_000  # comparisons of a word with a candidate that one run may spend on the slow search


def _one_deleted(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Suggester:
    """'Did you mean' over one set of candidates, in bounded time however many there are.

    A candidate one edit away (a character added, dropped or changed, or two swapped) is found
    through an index of the candidates with one character deleted: a few dictionary look-ups per
    word. Only when none is that close does difflib compare the word with every candidate, while
    the shared `budget` (a one-element list, counting comparisons) lasts."""

    def __init__(self, candidates: Iterable[str], budget: list[int] | None = None) -> None:
        self._candidates = sorted(set(candidates))
        self._budget = budget if budget is not None else [len(self._candidates)]
        self._index: dict[str, list[str]] | None = None
        self._memo: dict[str, str | None] = {}

    def _neighbours(self, word: str) -> list[str]:
        if self._index is None:
            self._index = {}
            for candidate in self._candidates:
                for key in _one_deleted(candidate) | {candidate}:
                    self._index.setdefault(key, []).append(candidate)
        found: set[str] = set()
        for key in _one_deleted(word) | {word}:
            found.update(self._index.get(key, ()))
        found.discard(word)
        return sorted(found)

    def closest(self, word: str) -> str | None:
        if word not in self._memo:
            self._memo[word] = self._search(word)
        return self._memo[word]

    def _search(self, word: str) -> str | None:
        near = self._neighbours(word) if len(self._candidates) > 8 else []
        if near:  # a few at most: their ratio straight away (get_close_matches' quick bounds would pass)
            matcher = difflib.SequenceMatcher(b=word)
            scored = []
            for candidate in near:
                matcher.set_seq1(candidate)
                scored.append((matcher.ratio(), candidate))
            best = max(scored)  # as get_close_matches: the highest ratio, then the greatest candidate
            if best[0] >= CUTOFF:
                return best[1]
        if self._budget[0] < len(self._candidates):
            return None  # the slow search has had its share of this run
        self._budget[0] -= len(self._candidates)
        found = difflib.get_close_matches(word, self._candidates, n=1, cutoff=CUTOFF)
        return found[0] if found else None


class Hints:
    """The did-you-mean hints of one run of the check: one Suggester per set of candidates, all
    sharing one budget for the slow search, so hints never cost more than a bounded time."""

    def __init__(self, budget: int = HINT_BUDGET) -> None:
        self._budget = [budget]
        self._start = budget
        self._suggesters: dict[Hashable, Suggester] = {}

    @property
    def spent(self) -> int:
        """Comparisons the slow search has spent so far in this run."""
        return self._start - self._budget[0]

    def closest(self, word: str, candidates: Iterable[str], key: Hashable | None = None) -> str | None:
        """`key` names the candidate set when it is large (a collection's ids); small sets are their own key."""
        if key is None:
            candidates = tuple(candidates)
            key = candidates
        suggester = self._suggesters.get(key)
        if suggester is None:
            suggester = self._suggesters[key] = Suggester(candidates, self._budget)
        return suggester.closest(word)

    def did_you_mean(self, word: str, candidates: Iterable[str], key: Hashable | None = None) -> str:
        best = self.closest(word, candidates, key)
        return f" (did you mean '{best}'?)" if best else ""


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like `word`, for 'did you mean' hints; None when nothing is close."""
    return Suggester(candidates).closest(word)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    best = closest(word, candidates)
    return f" (did you mean '{best}'?)" if best else ""


def with_article(noun: str) -> str:
    """The noun with its indefinite article: 'a demand', 'an actor'."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def quoted(value: object, limit: int = 60) -> str:
    """A short, repr-like rendering of a value for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
