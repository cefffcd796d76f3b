"""The bad-input corpus: every case runs the real `build.py check` on a small record tree.

Convention (see README.md in this directory): a case's tree is `base/records/` with the
case's own `records/` laid over it (its files replace or add to the base's), minus the
base files listed in its `delete.txt`. Cases too big to commit are written by GENERATED.
`expected.txt` holds the exact standard error: the error lines, then the summary line."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_build

HERE = Path(__file__).resolve().parent
BASE = HERE / "base" / "records"
CASES = HERE / "cases"


def _huge_file(records: Path) -> None:
    """A 10 MB record: syntactically fine JSON, far over the size limit."""
    (records / "actors" / "gammaland.json").write_bytes(b'{"name": "' + b"x" * 10_000_000 + b'"}\n')


def _deep_nesting(records: Path) -> None:
    """100,000 nested arrays, which would overflow a recursive parser."""
    (records / "actors" / "gammaland.json").write_bytes(b"[" * 100_000 + b"]" * 100_000 + b"\n")


def _json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _actor(record_id: str, name: str, **fields: object) -> dict[str, object]:
    quote = {"source": "example-report", "quote": "Officials of Alphaland and Betaland met"}
    return {"$schema": "../../schema/actor.schema.json", "id": record_id, "name": name, "kind": "state", **fields, "citations": [quote]}


def _errors_in_one_file(count: int) -> Callable[[Path], None]:
    """An actor whose `count` aliases are each wrong (numbers, not names): as many located errors."""

    def write(records: Path) -> None:
        _json(records / "actors" / "gammaland.json", _actor("gammaland", "Gammaland", aliases=list(range(1, count + 1))))

    return write


def _repeated_alias(records: Path) -> None:
    """60,000 different aliases and, at the end, one of them again."""
    aliases = [f"G{i}" for i in range(1, 60_001)]
    _json(records / "actors" / "gammaland.json", _actor("gammaland", "Gammaland", aliases=[*aliases, "G30000"]))


def _unknown_actors(records: Path) -> None:
    """2,000 actors, and a meeting naming 20,000 that do not exist: every other one a real id with one
    letter dropped (a hint is found), the rest unlike any id (no hint)."""
    for i in range(1, 2_001):
        _json(records / "actors" / f"state-{i:04d}.json", _actor(f"state-{i:04d}", f"State {i:04d}"))
    meeting = json.loads((records / "meetings" / "example-city-talks.json").read_text("utf-8"))
    typos = [f"{'state'[:v]}{'state'[v + 1 :]}-{i:04d}" for v in range(5) for i in range(1, 2_001)]
    unlike = [f"unknown-party-{i:05d}" for i in range(10_000)]
    meeting["participants"] = [name for pair in zip(typos, unlike, strict=True) for name in pair]
    _json(records / "meetings" / "example-city-talks.json", meeting)


def _huge_source_text(records: Path) -> None:
    """A stored source text one byte over its 10 MB limit."""
    (records / "sources" / "example-report.txt").write_bytes(b"x" * 10_000_001)


GENERATED: dict[str, Callable[[Path], None]] = {
    "huge-file": _huge_file,
    "deep-nesting": _deep_nesting,
    "errors-4000-in-one-file": _errors_in_one_file(4_000),
    "repeated-alias-among-60000": _repeated_alias,
    "huge-source-text": _huge_source_text,
    "unknown-ids-20000-against-2000-actors": _unknown_actors,
}


# Not in the corpus (their output is that of a smaller case): bench/ times them too, to show how
# the time grows, up to the most errors a 1 MB file can hold.
def _errors_in_one_compact_file(records: Path) -> None:
    """The most errors a record file can hold: 300,000 wrong aliases written without spaces (600 kB)."""
    actor = _actor("gammaland", "Gammaland", aliases=[1] * 300_000)
    (records / "actors" / "gammaland.json").write_text(json.dumps(actor, separators=(",", ":")), "utf-8")


BENCH_ONLY: dict[str, Callable[[Path], None]] = {
    "errors-8000-in-one-file": _errors_in_one_file(8_000),
    "errors-300000-in-one-compact-file": _errors_in_one_compact_file,
}

# The check's own environment, without GitHub Actions annotations (tested separately).
ENV = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}

CASE_NAMES = sorted(path.name for path in CASES.iterdir() if path.is_dir())


def build_tree(case: Path, target: Path) -> Path:
    """Lay the case over a copy of the base tree in `target`; return the records directory."""
    records = target / "records"
    shutil.copytree(BASE, records)
    if (case / "records").is_dir():
        shutil.copytree(case / "records", records, dirs_exist_ok=True)
    delete = case / "delete.txt"
    if delete.is_file():
        for name in delete.read_text("utf-8").split():
            (records / name).unlink()
    if case.name in GENERATED:
        GENERATED[case.name](records)
    return records


def test_base_tree_is_valid(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "records")
    result = run_build("check", "--records", str(tmp_path / "records"), cwd=tmp_path, env=ENV)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "ok: 6 records (1 demand, 1 meeting, 0 documents, 2 actors, 1 topic, 1 source)\n"


def test_every_case_has_expected_output() -> None:
    assert len(CASE_NAMES) >= 40
    for name in CASE_NAMES:
        case = CASES / name
        assert (case / "expected.txt").is_file(), f"{name} has no expected.txt"
        assert (case / "records").is_dir() or (case / "delete.txt").is_file() or name in GENERATED, f"{name} changes nothing"
    assert set(GENERATED) <= set(CASE_NAMES)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case(name: str, tmp_path: Path) -> None:
    records = build_tree(CASES / name, tmp_path)
    result = run_build("check", "--records", str(records), cwd=tmp_path, env=ENV)
    expected = (CASES / name / "expected.txt").read_text("utf-8")
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == expected
