"""Property-based tests: whatever bytes or JSON values are in records/, the parser, the loader
and the check report problems and never raise. Example counts are kept moderate (2 cores)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from peacetalks import jsonparse
from peacetalks.load import load
from peacetalks.pipeline import check
from peacetalks.problems import Problem, printable
from tests.conftest import run_build

from .test_corpus import BASE, ENV

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLI_SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Every character, surrogates and controls included.
ANY_CHAR = st.characters(exclude_categories=())
KEYS = st.one_of(
    st.text(ANY_CHAR, max_size=12),
    st.sampled_from(["id", "$schema", "title", "name", "kind", "date", "source", "quote", "", "/", "~", "~1", "a/b", "..", "__proto__"]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(ANY_CHAR, max_size=40),
    st.sampled_from(["2025-02-30", "2025-03-11", "2025~/2024", "<script>x</script>", "[a](javascript:x)", "TODO", "alphaland", "\u202e"]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(KEYS, children, max_size=5)),
    max_leaves=30,
)

# Fragments of JSON text, good and bad, so arbitrary byte strings reach past the first character.
TOKENS = [
    "{",
    "}",
    "[",
    "]",
    '"',
    ":",
    ",",
    " ",
    "\n",
    "\t",
    "\r",
    "\\",
    "\ufeff",
    "true",
    "null",
    "0",
    "-1.5e3",
    "1e400",
    "9" * 30,
    "NaN",
    "-Infinity",
    '"a"',
    '"id"',
    '"\\ud800"',
    '"\\udc00\\ud800"',
    '"\\u0000"',
    '"\\u202e"',
    "\u202e",
    "\x07",
    "x",
]
JSONISH = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from(TOKENS), max_size=60).map(lambda parts: "".join(parts).encode("utf-8")),
)


@st.composite
def deep_values(draw: st.DrawFn) -> Any:
    """A value nested 0–200 levels deep in arrays and objects (the limit is 32)."""
    value: Any = draw(SCALARS)
    for is_list in draw(st.lists(st.booleans(), max_size=200)):
        value = [value] if is_list else {draw(KEYS): value}
    return value


def _dump(value: Any, ascii_only: bool, indent: int | None) -> bytes:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    return text.encode("utf-8", errors="surrogatepass")  # lone surrogates become invalid UTF-8


@contextmanager
def _tree() -> Iterator[Path]:
    """A fresh copy of the valid base tree (hypothesis reruns the test body, so no tmp_path)."""
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records"
        shutil.copytree(BASE, records)
        yield records


def _assert_reported(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.line >= 0 and problem.col >= 0
        line = problem.format()
        assert "\n" not in line and "\r" not in line
        assert printable(line) == line
        line.encode("utf-8")  # printable on any terminal: no lone surrogates
        annotation = problem.github_annotation()
        assert "\n" not in annotation and "\r" not in annotation
        annotation.encode("utf-8")


def _check_in_process(records: Path) -> list[Problem]:
    _dataset, problems = check(records)
    _assert_reported(problems)
    return problems


@SETTINGS
@given(JSONISH)
def test_parse_arbitrary_bytes(raw: bytes) -> None:
    value, text, error = jsonparse.parse(raw)
    if error is None:
        assert json.loads(text) == value  # a clean parse is plain JSON
    else:
        assert value is None
        assert error.line >= 1 and error.col >= 1
        assert isinstance(error.message, str) and error.message


@SETTINGS
@given(JSON_VALUES, st.booleans(), st.sampled_from([None, 2, 4]))
def test_parse_arbitrary_json(value: Any, ascii_only: bool, indent: int | None) -> None:
    raw = _dump(value, ascii_only, indent)
    parsed, text, error = jsonparse.parse(raw)
    if error is None:
        assert parsed == value
    else:
        assert error.line >= 1 and error.col >= 1
        if error.pointer:  # a located error points at a place that exists
            assert jsonparse.locate(text, error.pointer) >= (1, 1)


@SETTINGS
@given(st.sampled_from(["actors", "demands", "sources", "topics"]), JSONISH)
def test_load_arbitrary_bytes_as_record_file(collection: str, raw: bytes) -> None:
    with _tree() as records:
        (records / collection / "fuzz.json").write_bytes(raw)
        dataset, problems = load(records)
        _assert_reported(problems)
        assert ("fuzz" in dataset.records[collection]) != any(p.path.endswith("fuzz.json") for p in problems)
        _check_in_process(records)


@SETTINGS
@given(st.sampled_from(["actors", "demands", "meetings", "documents", "sources", "topics"]), st.one_of(JSON_VALUES, deep_values()))
def test_check_arbitrary_json_record(collection: str, value: Any) -> None:
    with _tree() as records:
        (records / collection).mkdir(exist_ok=True)
        (records / collection / "fuzz.json").write_bytes(_dump(value, True, 2))
        problems = _check_in_process(records)
        assert any(p.path.endswith("fuzz.json") for p in problems)  # no arbitrary value is a valid record


BASE_RECORDS = {path.relative_to(BASE).as_posix(): json.loads(path.read_text("utf-8")) for path in sorted(BASE.glob("*/*.json"))}


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a value (as a path of keys and indexes), the root included."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _places(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _places(child, (*path, index))
    return found


@st.composite
def mutated_records(draw: st.DrawFn) -> tuple[str, Any]:
    """A base record with one place replaced by an arbitrary value, or one key added: near-valid
    records reach the cross-record rules (references, dates, quotes, Markdown) too."""
    name = draw(st.sampled_from(sorted(BASE_RECORDS)))
    data = copy.deepcopy(BASE_RECORDS[name])
    path = draw(st.sampled_from(_places(data)))
    new = draw(st.one_of(JSON_VALUES, SCALARS, st.text(ANY_CHAR, max_size=80), deep_values()))
    if not path:
        return name, new
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and draw(st.booleans()):
        parent[draw(KEYS)] = new
    else:
        parent[path[-1]] = new
    return name, data


@SETTINGS
@given(mutated_records(), st.booleans())
def test_check_mutated_base_record(mutation: tuple[str, Any], ascii_only: bool) -> None:
    name, data = mutation
    with _tree() as records:
        (records / name).write_bytes(_dump(data, ascii_only, 2))
        _check_in_process(records)


@SETTINGS
@given(st.text(ANY_CHAR, min_size=1, max_size=30), st.binary(max_size=50))
def test_check_arbitrary_file_names(name: str, raw: bytes) -> None:
    try:
        encoded = os.fsencode(name)  # undecodable bytes come back as surrogate escapes
    except UnicodeEncodeError:
        encoded = b""
    assume(encoded and b"/" not in encoded and b"\x00" not in encoded and encoded not in (b".", b"..") and len(encoded) <= 200)
    with _tree() as records:
        with open(os.fsencode(records / "actors") + b"/" + encoded, "wb") as handle:
            handle.write(raw)
        problems = _check_in_process(records)
        assert problems  # nothing arbitrary is a valid actor file


@CLI_SETTINGS
@given(st.one_of(JSONISH.map(lambda raw: ("bytes", raw)), mutated_records()))
def test_command_line_never_tracebacks(case: tuple[str, Any]) -> None:
    kind, content = case
    with _tree() as records:
        if kind == "bytes":
            (records / "actors" / "fuzz.json").write_bytes(content)
        else:
            (records / kind).write_bytes(_dump(content, False, 2))
        result = run_build("check", "--records", str(records), cwd=records.parent, env={**ENV, "GITHUB_ACTIONS": "true"})
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    if result.returncode == 1:
        lines = result.stderr.splitlines()
        assert lines[-1].startswith("check failed: ")
        assert all(": error: " in line for line in lines[:-1])
        assert len(result.stdout.splitlines()) == len(lines) - 1
    else:
        assert result.stdout.startswith("ok: ")
