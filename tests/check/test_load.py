"""The loader reports what it cannot read, and a broken record is reported once, not again by
every record that refers to it."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from peacetalks.load import load
from peacetalks.pipeline import check

from .test_corpus import BASE


def _tree(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
    return records


def test_unreadable_directory_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "actors":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    dataset, problems = load(Path("records"))
    assert [p.format() for p in problems] == ["records/actors:1:1: error: cannot read directory: Permission denied"]
    assert dataset.counts()["actors"] == 0
    assert dataset.counts()["demands"] == 1


def test_broken_record_is_reported_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = _tree(tmp_path)
    (records / "actors" / "betaland.json").write_text('{"id": "betaland",', encoding="utf-8")
    (records / "sources" / "example-report.json").write_bytes(b"\xef\xbb\xbf{}")
    monkeypatch.chdir(tmp_path)
    dataset, problems = check(Path("records"))
    assert [p.format() for p in problems] == [
        "records/actors/betaland.json:1:19: error: the file ends before the JSON is complete: is it truncated, or is a closing } or ] missing?",
        "records/sources/example-report.json:1:1: error: file starts with a byte-order mark (BOM): save it as UTF-8 without BOM",
    ]
    assert dataset.unreadable == {("actors", "betaland"), ("sources", "example-report")}


def test_reference_to_a_missing_record_is_still_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = _tree(tmp_path)
    (records / "actors" / "betaland.json").unlink()
    monkeypatch.chdir(tmp_path)
    _dataset, problems = check(Path("records"))
    assert {p.pointer for p in problems} == {"/occasions/0/of/0", "/occasions/1/by/0", "/participants/1"}
    assert all("unknown actor 'betaland'" in p.message for p in problems)


def test_missing_records_directory_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    for name in ("nowhere", "a-file"):
        dataset, problems = load(Path(name))
        assert [p.format() for p in problems] == [f"{name}:1:1: error: records directory not found: pass --records DIR"]
        assert sum(dataset.counts().values()) == 0
