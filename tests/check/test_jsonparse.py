"""Strict parsing and `locate`: every rejected file gets an exact line and column."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks import jsonparse

DOC = """{
  "id": "x",
  "list": [
    1,
    {"a/b": "slash", "t~n": "tilde", "": "empty key"},
    [true, null]
  ],
  "nested": {
    "inner": "v"
  }
}
"""


@pytest.mark.parametrize(
    ("pointer", "where"),
    [
        ("", (1, 1)),
        ("/id", (2, 9)),
        ("/list", (3, 11)),
        ("/list/0", (4, 5)),
        ("/list/1", (5, 5)),
        ("/list/1/a~1b", (5, 13)),
        ("/list/1/t~0n", (5, 29)),
        ("/list/1/", (5, 42)),
        ("/list/2/1", (6, 12)),
        ("/nested/inner", (9, 14)),
    ],
)
def test_locate_finds_each_value(pointer: str, where: tuple[int, int]) -> None:
    assert jsonparse.locate(DOC, pointer) == where


def test_locate_finds_keys() -> None:
    assert jsonparse.locate(DOC, "/nested/inner", key=True) == (9, 5)
    assert jsonparse.locate(DOC, "/list/1/a~1b", key=True) == (5, 6)


def test_locate_falls_back_to_the_nearest_existing_parent() -> None:
    assert jsonparse.locate(DOC, "/nested/missing") == (8, 13)
    assert jsonparse.locate(DOC, "/list/7/x") == (3, 11)
    assert jsonparse.locate(DOC, "/nowhere") == (1, 1)
    assert jsonparse.locate("{ broken", "/a") == (1, 1)


def test_columns_count_characters_not_bytes() -> None:
    text = '{"name": "Київ", "kind": 5}'
    assert jsonparse.locate(text, "/kind") == (1, 26)


C1 = "C1 control character U+%s in text: remove it (often a quotation mark or dash of Windows-1252 text read as Latin-1: type the character itself)"
NONCHARACTER = "Unicode noncharacter U+%s in text: remove it (it is not a character, and XML and HTML cannot carry it)"
INVISIBLE = "text holds only invisible characters (%s): write visible text"


@pytest.mark.parametrize(
    ("raw", "line", "col", "pointer", "message"),
    [
        (b"", 1, 1, "", "file is empty: write the record as a JSON object, or delete the file"),
        (b"\xef\xbb\xbf{}", 1, 1, "", "file starts with a byte-order mark (BOM): save it as UTF-8 without BOM"),
        (b'{\n  "a": "\xc3("\n}', 2, 9, "", "invalid UTF-8 (byte 0xc3): save the file as UTF-8"),
        (b'{"a": 1, "a": 2}', 1, 10, "/a", "duplicate key 'a': each key may appear once in an object"),
        (b'{"a": [NaN]}', 1, 8, "/a/0", "NaN is not valid JSON: write a number, or leave the field out"),
        (b'{"a": Infinity}', 1, 7, "/a", "Infinity is not valid JSON: write a number, or leave the field out"),
        (b'{"a": 1e999}', 1, 7, "/a", "number 1e999 is too large: JSON tools lose precision beyond ±9,007,199,254,740,991"),
        (
            b'{"a": 9007199254740992}',
            1,
            7,
            "/a",
            "number 9007199254740992 is too large: JSON tools lose precision beyond ±9,007,199,254,740,991",
        ),
        (b'{"a": "x\\u0000"}', 1, 7, "/a", "control character U+0000 in text: remove it"),
        (b'{"a\\u001b": 1}', 1, 2, "/a\x1b", "control character U+001B in text: remove it"),
        (b'{"a": "\\u202e"}', 1, 7, "/a", "Unicode bidirectional control character U+202E in text: remove it"),
        ('{"a": "\u2067"}'.encode(), 1, 7, "/a", "Unicode bidirectional control character U+2067 in text: remove it"),
        (b'{"a": "\\udc00"}', 1, 7, "/a", "unpaired surrogate \\udc00 in text: write the character itself instead of a \\u escape"),
        (b'{"a": "\\u0085"}', 1, 7, "/a", C1 % "0085"),
        ('{"a": "\x9d"}'.encode(), 1, 7, "/a", C1 % "009D"),
        (b'{"a": "\\u200f"}', 1, 7, "/a", "Unicode bidirectional mark U+200F (right-to-left mark) in text: remove it"),
        ('{"a": "x\u200e"}'.encode(), 1, 7, "/a", "Unicode bidirectional mark U+200E (left-to-right mark) in text: remove it"),
        ('{"a": "\u061c"}'.encode(), 1, 7, "/a", "Unicode bidirectional mark U+061C (arabic letter mark) in text: remove it"),
        ('{"a": "x\ufffe"}'.encode(), 1, 7, "/a", NONCHARACTER % "FFFE"),
        (b'{"a": ["\\uffff"]}', 1, 8, "/a/0", NONCHARACTER % "FFFF"),
        ('{"a": "\ufdd0"}'.encode(), 1, 7, "/a", NONCHARACTER % "FDD0"),
        (b'{"a": "\\ud83f\\udffe"}', 1, 7, "/a", NONCHARACTER % "1FFFE"),
        ('{"a": "\U0010ffff"}'.encode(), 1, 7, "/a", NONCHARACTER % "10FFFF"),
        ('{"a": "\u200b"}'.encode(), 1, 7, "/a", INVISIBLE % "U+200B"),
        (b'{"a": "\\u2060 \\ufeff"}', 1, 7, "/a", INVISIBLE % "U+2060, U+FEFF"),
        ('{"a": "\u3164"}'.encode(), 1, 7, "/a", INVISIBLE % "U+3164"),
        ('{"a": "\u2800\u2800"}'.encode(), 1, 7, "/a", INVISIBLE % "U+2800"),
        ('{"a": "\u200d"}'.encode(), 1, 7, "/a", INVISIBLE % "U+200D"),
        ('{"\u200b": 1}'.encode(), 1, 2, "/\u200b", INVISIBLE % "U+200B"),
        (
            '{"a": "Party\u200c X"}'.encode(),
            1,
            7,
            "/a",
            "zero width non-joiner U+200C at the edge of a word: it belongs between two characters it joins or separates; remove it",
        ),
        (
            '{"a": "\u200dX"}'.encode(),
            1,
            7,
            "/a",
            "zero width joiner U+200D at the edge of a word: it belongs between two characters it joins or separates; remove it",
        ),
        (b'{"a": "x\ty"}', 1, 9, "", "control character U+0009 inside a string: escape it (\\n, \\t) or remove it"),
        (b'{"a": 1}\n{}', 2, 1, "", "unexpected data after the end of the JSON value: a file holds exactly one object"),
        (b'{"a": [1,\n  2,\n]}', 2, 4, "", "trailing comma before ']': remove it (JSON allows no comma after the last item)"),
        (b"{'a': 1}", 1, 2, "", "expected a key in double quotes: JSON has no single quotes, comments or trailing commas"),
        (b'{"a" 1}', 1, 6, "", "expected ':' between a key and its value"),
        (b'{"a": 1 "b": 2}', 1, 9, "", "expected ',' or a closing bracket: is a comma missing between two items?"),
        (b'{"a": tru}', 1, 7, "", 'expected a value: a "string", a number, true, false, null, [an array] or {an object}'),
        (
            b'{"a": "\\x"}',
            1,
            8,
            "",
            'invalid escape in a string: after a backslash write n, t, ", \\, / or uXXXX (a backslash itself is \\\\)',
        ),
        (b'{"a": [1, 2', 1, 12, "", "the file ends before the JSON is complete: is it truncated, or is a closing } or ] missing?"),
        (b'{"a": "abc', 1, 7, "", "string not closed before the end of the file: add its closing double quote (is the file truncated?)"),
        (b"[" * 33 + b"]" * 33, 1, 33, "", "arrays and objects nested more than 32 levels deep: a record needs only a few levels"),
    ],
)
def test_parse_rejects_with_location(raw: bytes, line: int, col: int, pointer: str, message: str) -> None:
    value, _text, error = jsonparse.parse(raw)
    assert value is None
    assert error == jsonparse.ParseError(line, col, pointer, message)


def test_parse_accepts_plain_json() -> None:
    value, text, error = jsonparse.parse(DOC.encode())
    assert error is None and text == DOC
    assert value == json.loads(DOC)
    nested = "[" * 32 + "]" * 32
    assert jsonparse.parse(nested.encode())[2] is None
    assert jsonparse.parse(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')[2] is None  # brackets inside a string
    accepted = {
        "emoji": "😀",
        "tab": "a\tb",
        "persian": "می\u200cخواهم",  # a zero-width non-joiner the script needs
        "family": "👨\u200d👩\u200d👧",  # an emoji sequence joined by zero-width joiners
        "thai": "ภาษา\u200bไทย",  # a zero-width space between words, as Thai writes them
        "soft hyphen": "peace\u00adtalks",
    }
    assert jsonparse.parse(json.dumps(accepted, ensure_ascii=False).encode())[0] == accepted
    assert jsonparse.parse(json.dumps(accepted, ensure_ascii=True).encode())[0] == accepted


def test_parse_rejects_files_over_the_size_limit() -> None:
    raw = b'{"a": "' + b"x" * jsonparse.MAX_BYTES + b'"}'
    assert jsonparse.parse(raw)[2] == jsonparse.ParseError(1, 1, "", f"file is {len(raw):,} bytes; a record may be at most 1,000,000 bytes")


def _pointers(value: Any, pointer: str = "") -> list[tuple[str, Any]]:
    found = [(pointer, value)]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _pointers(child, f"{pointer}/{jsonparse.escape_pointer(key)}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _pointers(child, f"{pointer}/{index}")
    return found


VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=8)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(VALUES, st.sampled_from([None, 0, 2]), st.booleans())
def test_locate_points_at_the_text_of_every_value(value: Any, indent: int | None, ascii_only: bool) -> None:
    """Decoding the text from the located line and column gives back the value itself."""
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    lines = text.split("\n")
    decoder = json.JSONDecoder()
    for pointer, expected in _pointers(value):
        line, col = jsonparse.locate(text, pointer)
        offset = sum(len(row) + 1 for row in lines[: line - 1]) + col - 1
        assert decoder.raw_decode(text, offset)[0] == expected


NONCHARACTERS = [*range(0xFDD0, 0xFDF0), *(plane * 0x10000 + low for plane in range(17) for low in (0xFFFE, 0xFFFF))]


@pytest.mark.parametrize("escaped", [False, True])
def test_every_c1_control_and_noncharacter_is_rejected_raw_or_escaped(escaped: bool) -> None:
    assert len(NONCHARACTERS) == 66
    for code in [*range(0x80, 0xA0), *NONCHARACTERS]:
        raw = json.dumps({"title": f"peace{chr(code)}talks"}, ensure_ascii=escaped).encode()
        value, _text, error = jsonparse.parse(raw)
        assert value is None and error is not None, f"U+{code:04X}"
        assert error.pointer == "/title" and f"U+{code:04X} in text" in error.message


def test_text_made_only_of_invisible_characters_is_rejected() -> None:
    # Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), and the blank braille pattern
    ignorable = [0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, *range(0x180B, 0x1810), 0x200B, 0x200C, 0x200D, 0x2060]
    ignorable += [*range(0x2061, 0x2065), 0x2800, 0x3164, *range(0xFE00, 0xFE10), 0xFEFF, 0xFFA0, 0x1BCA0, 0x1D173, 0xE0001, 0xE0100]
    for code in ignorable:
        for text in (chr(code), f" {chr(code)}{chr(code)}\n"):
            _value, _text, error = jsonparse.parse(json.dumps({"title": text}, ensure_ascii=False).encode())
            assert error is not None and error.message.startswith("text holds only invisible characters"), f"U+{code:04X}"
    for text in ("x\u200by", "\u00adx", "a\ufe0f", " "):  # visible text with them, and plain whitespace (the schema's business)
        assert jsonparse.parse(json.dumps({"title": text}).encode())[2] is None, repr(text)


def test_locating_many_values_indexes_the_file_once() -> None:
    text = json.dumps({"items": [f"item {i}" for i in range(20_000)]}, indent=2)
    assert jsonparse.locate(text, "/items/19999") == (20_002, 5)
    assert jsonparse._index.cache_info().currsize >= 1
    before = jsonparse._index.cache_info().misses
    for i in range(0, 20_000, 7):
        assert jsonparse.locate(text, f"/items/{i}") == (i + 3, 5)
    assert jsonparse._index.cache_info().misses == before
