"""`build.py synth`: valid, canonical, deterministic trees that exercise every rule the check applies."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from peacetalks import edtf
from peacetalks.collections import COLLECTIONS
from tests.conftest import run_build


def synth(out: Path, n: int = 60, seed: int = 0) -> Path:
    result = run_build("synth", str(n), "--out", str(out), "--seed", str(seed))
    assert result.returncode == 0, result.stderr
    return out


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def records(root: Path, collection: str) -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((root / collection).glob("*.json"))]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth(tmp_path_factory.mktemp("synth") / "records")


def test_check_passes_on_a_synthetic_tree(tree: Path) -> None:
    result = run_build("check", "--records", str(tree))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 60 records")


def test_every_collection_is_covered_and_demands_and_meetings_dominate(tree: Path) -> None:
    counts = {name: len(list((tree / name).glob("*.json"))) for name in COLLECTIONS}
    assert sum(counts.values()) == 60
    assert all(count >= 1 for count in counts.values()), counts
    assert counts["demands"] > counts["meetings"] > counts["actors"]


def test_same_seed_gives_byte_identical_trees(tree: Path, tmp_path: Path) -> None:
    again = files(synth(tmp_path / "again"))
    assert again == files(tree)


def test_another_seed_gives_another_tree(tree: Path, tmp_path: Path) -> None:
    other = files(synth(tmp_path / "other", seed=1))
    assert other.keys() == files(tree).keys()
    assert other != files(tree)


def test_sources_have_stored_texts_with_their_digest_and_quotes_from_them(tree: Path) -> None:
    texts = {}
    for source in records(tree, "sources"):
        raw = (tree / "sources" / f"{source['id']}.txt").read_bytes()
        assert source["text_sha256"] == hashlib.sha256(raw).hexdigest()
        assert b"SYNTHETIC" in raw
        texts[source["id"]] = raw.decode("utf-8")
    for collection in COLLECTIONS:
        for record in records(tree, collection):
            for citation in _citations(record):
                assert citation["quote"] in texts[citation["source"]]


def _citations(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Every citation of a record, at any depth (occasions, roles)."""
    found: list[dict[str, Any]] = []
    stack: list[Any] = [record]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            found.extend(value.get("citations", []))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def test_demands_follow_the_occasions_model(tree: Path) -> None:
    """Occasions in date order with dates of their own or from their meeting or document, no
    quote twice in a record, a related link on one side only, and every rule's case present."""
    demands = {record["id"]: record for record in records(tree, "demands")}
    meetings = {record["id"]: record for record in records(tree, "meetings")}
    assert not any("demands" in meeting for meeting in meetings.values())
    taken_from = {"at": 0, "in": 0}
    named_elsewhere = 0
    for demand in demands.values():
        items = demand["occasions"]
        assert items and len({item["id"] for item in items}) == len(items)
        assert any(item["act"] == "raised" and item["by"] for item in items)
        for item in items:
            if "date" not in item:
                taken_from["at" if "at" in item else "in"] += 1
            named_elsewhere += "citations" not in item
        quotes = [(c["source"], c["quote"]) for c in _citations(demand)]
        assert len(quotes) == len(set(quotes)), demand["id"]
        for other in demand.get("related", []):
            assert demand["id"] not in demands[other].get("related", [])
    assert taken_from["at"] and taken_from["in"] and named_elsewhere
    assert any("related" in demand for demand in demands.values())


def test_the_tree_exercises_dates_markdown_and_attributions(tree: Path) -> None:
    text = "\n".join(p.read_text("utf-8") for p in sorted(tree.rglob("*.json")))
    dates = [edtf.parse(d) for d in set(re.findall(r'"date": "([^"]+)"', text))]
    assert {d.start.precision for d in dates} == {"day", "month", "year"}
    assert any(d.is_interval for d in dates) and any(d.approximate for d in dates) and any(d.uncertain for d in dates)
    assert '"inferred": true' in text and '"reasoning": ' in text
    assert '"attribution": ' in text
    assert "](https://example.org/synthetic/" in text
    assert '"part_of": ' in text and '"occasions": ' in text and '"wording": ' in text


def test_synthetic_text_says_it_is_synthetic(tree: Path) -> None:
    for collection in ("demands", "meetings", "actors"):
        for record in records(tree, collection):
            label = record.get(COLLECTIONS[collection].label, "")
            assert "(synthetic)" in label, label


def test_a_rerun_replaces_its_own_files_and_nothing_else(tmp_path: Path) -> None:
    out = synth(tmp_path / "records", n=60)
    (out / "demands" / "hand-written.json").write_text("{}\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    synth(out, n=20)
    assert (out / "demands" / "hand-written.json").read_text("utf-8") == "{}\n"
    assert (out / "notes.txt").read_text("utf-8") == "mine\n"
    written = {p.relative_to(out).as_posix() for p in out.rglob("synthetic-*")}
    assert written == {p.relative_to(tmp_path / "fresh").as_posix() for p in synth(tmp_path / "fresh", n=20).rglob("synthetic-*")}
