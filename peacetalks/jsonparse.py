"""Strict JSON parsing, and locating a JSON pointer at a line and column.

Parsing is the fast path: orjson for files already in canonical form, otherwise the C json
module with strict hooks. Locating runs only for files that have problems, with a small
scanner that records where every value starts."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

MAX_BYTES = 1_000_000
MAX_DEPTH = 32

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_MARKS = "\u061c\u200e\u200f"  # ARABIC LETTER MARK, LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
_JOINERS = "\u200c\u200d"  # ZERO WIDTH NON-JOINER and JOINER: some scripts and emoji need them
# Unicode's Default_Ignorable_Code_Point characters (DerivedCoreProperties.txt), which render as
# nothing, and U+2800 BRAILLE PATTERN BLANK, which renders as a blank: a text made only of these
# (and whitespace) shows nothing at all.
_IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# The 66 noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
# What no string of a record may hold: control characters (C0 but tab, line feed and carriage
# return; DEL; C1), bidi controls and marks, noncharacters and lone surrogates.
_FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}{_MARKS}{_NONCHARACTERS}\ud800-\udfff]")
# A raw character that sends a file's strings to the slow, per-string scan: one that is forbidden,
# a joiner (it must sit between two characters), or an invisible one (a text may not be only those).
_RAW_BAD = re.compile(f"[\x7f-\x9f{_BIDI}{_MARKS}{_NONCHARACTERS}{_JOINERS}{_IGNORABLE}]")
# Two searches, not one pattern like [ws]*[ignorable][ws]*, which backtracks quadratically.
_VISIBLE = re.compile(f"[^\\s{_IGNORABLE}]")
_IGNORABLE_CHAR = re.compile(f"[{_IGNORABLE}]")
_LOOSE_JOINER = re.compile(f"(?:^|(?<=\\s))[{_JOINERS}]|[{_JOINERS}](?=\\s|\\Z)")
# Numbers beyond this lose precision in JavaScript and most JSON tools.
MAX_SAFE_INTEGER = 2**53 - 1


@dataclass(frozen=True)
class ParseError:
    line: int
    col: int
    pointer: str
    message: str


class _Reject(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Reject(f"duplicate key {key!r}: each key may appear once in an object")
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    raise _Reject(f"{name} is not valid JSON: write a number, or leave the field out")


def _too_large(text: str) -> _Reject:
    shown = text if len(text) <= 24 else f"{text[:20]}…"
    return _Reject(f"number {shown} is too large: JSON tools lose precision beyond ±{MAX_SAFE_INTEGER:,}")


def _int(text: str) -> int:
    if len(text) > 17 or abs(int(text)) > MAX_SAFE_INTEGER:
        raise _too_large(text)
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _too_large(text)
    return value


def _unsafe_number(value: Any) -> bool:
    """True for what _int and _float reject, as the lenient locating decoder reads it."""
    if isinstance(value, float):
        return not math.isfinite(value)
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER


def _lenient_int(text: str) -> float | int:
    return math.inf if len(text) > 17 else int(text)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def parse(raw: bytes) -> tuple[Any, str, ParseError | None]:
    """Decode and parse one record file. Returns (value, text, error)."""
    if len(raw) > MAX_BYTES:
        return None, "", ParseError(1, 1, "", f"file is {len(raw):,} bytes; a record may be at most {MAX_BYTES:,} bytes")
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, "", ParseError(1, 1, "", "file starts with a byte-order mark (BOM): save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = line_col(prefix, len(prefix))
        return None, "", ParseError(line, col, "", f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}): save the file as UTF-8")
    if not text.strip():
        return None, text, ParseError(1, 1, "", "file is empty: write the record as a JSON object, or delete the file")
    value = _canonical_fast(raw)  # its files are at most MAX_DEPTH deep
    if value is _SLOW and text.count("[") + text.count("{") > MAX_DEPTH:
        deep = _too_deep(text)
        if deep >= 0:
            line, col = line_col(text, deep)
            return (
                None,
                text,
                ParseError(line, col, "", f"arrays and objects nested more than {MAX_DEPTH} levels deep: a record needs only a few levels"),
            )
    try:
        if value is _SLOW:
            value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant, parse_int=_int, parse_float=_float)
    except json.JSONDecodeError as exc:
        return None, text, _decode_error(exc)
    except _Reject as exc:
        pointer, offset = _find_reject(text)
        line, col = line_col(text, offset)
        return None, text, ParseError(line, col, pointer, exc.message)
    bad = _bad_characters(text, value)
    if bad:
        return None, text, bad
    return value, text, None


_SLOW = object()
# A number written as a value in 2-space indented JSON: after a key, or alone on a line in an array.
_NUMBER_AFTER_KEY = re.compile(rb'": [-0-9]')
_NUMBER_ITEM = re.compile(rb"\n *[-0-9]")
# In 2-space indented JSON a bracket nested d levels deep sits on a line indented 2(d-1) spaces.
_DEEP_LINE = re.compile(rb"\n" + b" " * (2 * MAX_DEPTH))


def _canonical_fast(raw: bytes) -> Any:
    """The value of an object written exactly as orjson writes it back (2-space indent) and free
    of numbers, parsed by orjson; otherwise _SLOW, for the strict parser and its messages.

    Writing the value back identically proves there were no duplicate keys; with no numbers
    there is nothing the strict parser's number rules would reject. The checks that follow
    (control and bidi characters) run on both paths."""
    if not raw.startswith(b"{") or _NUMBER_AFTER_KEY.search(raw) or _NUMBER_ITEM.search(raw) or _DEEP_LINE.search(raw):
        return _SLOW
    try:
        value = orjson.loads(raw)
        same = orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n" == raw
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return _SLOW
    return value if same else _SLOW


_DECODE_MESSAGES = {
    "Expecting property name enclosed in double quotes": "expected a key in double quotes: JSON has no single quotes, comments or trailing commas",
    "Expecting ':' delimiter": "expected ':' between a key and its value",
    "Expecting ',' delimiter": "expected ',' or a closing bracket: is a comma missing between two items?",
    "Expecting value": 'expected a value: a "string", a number, true, false, null, [an array] or {an object}',
    "Invalid \\escape": 'invalid escape in a string: after a backslash write n, t, ", \\, / or uXXXX (a backslash itself is \\\\)',
    "Invalid \\uXXXX escape": "invalid \\u escape: it takes exactly four hexadecimal digits, as in \\u00e9",
}


def _decode_error(exc: json.JSONDecodeError) -> ParseError:
    """A located, plain-English version of the json module's error."""
    text, msg = exc.doc, exc.msg
    if msg == "Extra data":
        message = "unexpected data after the end of the JSON value: a file holds exactly one object"
    elif msg.startswith("Unterminated string"):
        message = "string not closed before the end of the file: add its closing double quote (is the file truncated?)"
    elif msg.startswith("Expecting") and exc.pos >= len(text.rstrip()):
        message = "the file ends before the JSON is complete: is it truncated, or is a closing } or ] missing?"
    elif msg.startswith("Invalid control character"):
        message = f"control character U+{ord(text[exc.pos]):04X} inside a string: escape it (\\n, \\t) or remove it"
    else:
        comma = _trailing_comma(text, exc.pos) if msg.startswith("Expecting") else -1
        if comma >= 0:
            line, col = line_col(text, comma)
            return ParseError(
                line, col, "", f"trailing comma before '{text[exc.pos]}': remove it (JSON allows no comma after the last item)"
            )
        message = _DECODE_MESSAGES.get(msg, f"invalid JSON: {msg[0].lower()}{msg[1:]}")
    return ParseError(exc.lineno, exc.colno, "", message)


def _trailing_comma(text: str, pos: int) -> int:
    """Offset of a comma directly before the closing bracket at `pos`, or -1."""
    if pos >= len(text) or text[pos] not in "]}":
        return -1
    before = len(text[:pos].rstrip(" \t\n\r")) - 1
    return before if before >= 0 and text[before] == "," else -1


def _too_deep(text: str) -> int:
    """Offset of the first bracket nested deeper than MAX_DEPTH, or -1."""
    depth = 0
    in_string = False
    escaped = False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif char in "]}":
            depth -= 1
    return -1


def _find_reject(text: str) -> tuple[str, int]:
    """Pointer and offset of what json.loads rejected inside a value (duplicate key, NaN)."""
    positions = _positions(text)
    if positions.rejected:
        return positions.rejected[0]
    return "", 0


def _bad_characters(text: str, value: Any) -> ParseError | None:
    # A raw control character other than tab, LF and CR cannot be in a parsed text at all: JSON
    # forbids it inside strings and between tokens. Any other bad character is raw, so found by
    # _RAW_BAD (ASCII text can hold only DEL), or written as a \u escape.
    raw_bad = "\x7f" in text if text.isascii() else _RAW_BAD.search(text) is not None
    if not (raw_bad or "\\u" in text):
        return None
    for pointer, string, is_key in _strings(value, ""):
        message = string_problem(string)
        if message:
            return _located(text, pointer, message, is_key)
    return None


def string_problem(string: str) -> str | None:
    """What is wrong with the characters of one string of a record, or None."""
    forbidden = _FORBIDDEN.search(string)
    if forbidden:
        return _forbidden_message(forbidden.group())
    if not _VISIBLE.search(string) and _IGNORABLE_CHAR.search(string):
        names = [f"U+{ord(char):04X}" for char in dict.fromkeys(string) if not char.isspace()]
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        return f"text holds only invisible characters ({shown}): write visible text"
    joiner = _LOOSE_JOINER.search(string)
    if joiner:
        name = unicodedata.name(joiner.group()).lower()
        return (
            f"{name} U+{ord(joiner.group()):04X} at the edge of a word: it belongs between two characters it joins or separates; remove it"
        )
    return None


def _forbidden_message(char: str) -> str:
    code = ord(char)
    if char in _BIDI:
        return f"Unicode bidirectional control character U+{code:04X} in text: remove it"
    if char in _MARKS:
        return f"Unicode bidirectional mark U+{code:04X} ({unicodedata.name(char).lower()}) in text: remove it"
    if 0xD800 <= code <= 0xDFFF:
        return f"unpaired surrogate \\u{code:04x} in text: write the character itself instead of a \\u escape"
    if 0x80 <= code <= 0x9F:
        return (
            f"C1 control character U+{code:04X} in text: remove it (often a quotation mark or dash of Windows-1252 text read as "
            "Latin-1: type the character itself)"
        )
    if code <= 0x7F:
        return f"control character U+{code:04X} in text: remove it"
    return f"Unicode noncharacter U+{code:04X} in text: remove it (it is not a character, and XML and HTML cannot carry it)"


def _located(text: str, pointer: str, message: str, is_key: bool = False) -> ParseError:
    line, col = locate(text, pointer, key=is_key)
    return ParseError(line, col, pointer, message)


def _strings(value: Any, pointer: str) -> list[tuple[str, str, bool]]:
    """Every string in the value, keys included: (pointer, string, is it a key)."""
    found: list[tuple[str, str, bool]] = []
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            found.append((where, item, False))
        elif isinstance(item, dict):
            for key, child in item.items():
                found.append((f"{where}/{escape_pointer(key)}", key, True))
                stack.append((f"{where}/{escape_pointer(key)}", child))
        elif isinstance(item, list):
            stack.extend((f"{where}/{i}", child) for i, child in enumerate(item))
    found.sort()
    return found


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer_of(path: list[str | int] | tuple[str | int, ...]) -> str:
    return "".join(f"/{escape_pointer(str(part))}" for part in path)


# --- locating -------------------------------------------------------------------------


@dataclass
class _Positions:
    values: dict[str, int]
    keys: dict[str, int]
    rejected: list[tuple[str, int]]  # duplicate keys and NaN/Infinity, in text order


# The tokens of JSON text: a string, a structural character, or a bare word (a number, true,
# false, null; NaN and Infinity, which the parser rejects but a text may hold). Whitespace
# between tokens is skipped by finditer.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:,]|[^\s\[\]{}:,"]+')
_INTEGER = re.compile(r"-?[0-9]+")


def _unsafe_bare(word: str) -> bool:
    """True for a bare word the strict parser rejects as a number: NaN, Infinity, or beyond what
    JSON tools hold. Raises ValueError for a word that is no JSON at all."""
    if word in ("true", "false", "null"):
        return False
    if word in ("NaN", "Infinity", "-Infinity"):
        return True
    if _INTEGER.fullmatch(word):
        return len(word) > 17 or abs(int(word)) > MAX_SAFE_INTEGER
    return not math.isfinite(float(word))


def _positions(text: str) -> _Positions:
    """Offsets of every value (and of every object key) by JSON pointer.

    Runs once per file with problems, over every value of it (a 1 MB file may hold 300,000):
    one pass over the tokens with a stack, no call per value."""
    values: dict[str, int] = {}
    keys: dict[str, int] = {}
    rejected: list[tuple[str, int]] = []
    # Each open array or object: [pointer, is it an array, index of the next item or the key
    # of the current member]. `expect` is what comes next: "value", "key", "colon" or "after".
    stack: list[list[Any]] = []
    expect, pointer = "value", ""
    try:
        for match in _TOKEN.finditer(text):
            token, start = match.group(), match.start()
            if expect == "first":  # just after "[": an item, or the end of an empty array
                if token == "]":
                    stack.pop()
                    expect = "after"
                    continue
                expect = "value"
            if expect == "value":
                values.setdefault(pointer, start)
                if len(stack) > MAX_DEPTH:
                    break
                if token == "{":
                    stack.append([pointer, False, ""])
                    expect = "key"
                elif token == "[":
                    stack.append([pointer, True, 0])
                    expect, pointer = "first", f"{pointer}/0"
                elif token in "]}:,":
                    break  # not a value
                else:
                    if token[0] != '"' and _unsafe_bare(token):
                        rejected.append((pointer, start))
                    expect = "after"
            elif expect == "key":
                if token == "}" and stack[-1][2] == "":
                    stack.pop()  # an empty object
                    expect = "after"
                    continue
                if token[0] != '"':
                    break
                child = f"{stack[-1][0]}/{escape_pointer(str(json.loads(token)))}"
                if child in keys:
                    rejected.append((child, start))
                keys.setdefault(child, start)
                stack[-1][2] = child
                expect = "colon"
            elif expect == "colon":
                if token != ":":
                    break
                expect, pointer = "value", stack[-1][2]
            else:  # after a value
                if not stack:
                    break
                frame = stack[-1]
                if token == ",":
                    if frame[1]:
                        frame[2] += 1
                        expect, pointer = "value", f"{frame[0]}/{frame[2]}"
                    else:
                        expect = "key"
                elif token == ("]" if frame[1] else "}"):
                    stack.pop()
                else:
                    break
    except (ValueError, IndexError):
        pass  # the text stops being JSON here: what was found so far stands
    return _Positions(values, keys, rejected)


@dataclass(frozen=True)
class _Index:
    """Where every value of one file starts, and where its lines start: built once per file."""

    positions: _Positions
    line_starts: list[int]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


@lru_cache(maxsize=8)
def _index(text: str) -> _Index:
    """The index of a file's text. Problems come file by file, so a few files cached suffice."""
    return _Index(_positions(text), [0, *(match.end() for match in re.finditer("\n", text))])


def value_offsets(text: str) -> dict[str, int]:
    """The character offset where each value starts, by JSON pointer (from the cached index)."""
    return _index(text).positions.values


def locate(text: str, pointer: str, *, key: bool = False) -> tuple[int, int]:
    """Line and column of the value at `pointer` (or of its key, with key=True).

    Falls back to the nearest enclosing value that exists. The file is indexed on the first
    call, so each further problem of the same file costs a dictionary look-up."""
    index = _index(text)
    positions = index.positions
    table = positions.keys if key else positions.values
    probe = pointer
    while True:
        if probe in table:
            return index.line_col(table[probe])
        if probe in positions.values:
            return index.line_col(positions.values[probe])
        if not probe:
            return 1, 1
        probe = probe.rsplit("/", 1)[0]
