"""The swap, the lock and the staging clean-up of peacetalks/output.py on real directories, in
process: the moments a subprocess cannot be stopped at (between two renames, a failed rename)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from peacetalks import output
from peacetalks.output import MARKER, OutputError, exchange, publish, swap
from peacetalks.problems import Problem

from .conftest import SMALL, leftovers, snapshot


def tree(root: Path, name: str, text: str) -> Path:
    folder = root / name
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "page.html").write_text(text, "utf-8")
    output.mark(folder)
    return folder


def test_exchange_swaps_two_directories_in_one_step(tmp_path: Path) -> None:
    if output._renameat2 is None:
        pytest.skip("this C library has no renameat2: swap() takes the two-rename path, tested below")
    old, new = tree(tmp_path, "site", "old"), tree(tmp_path, ".site.new-abcdefgh", "new")
    assert exchange(new, old) is True
    assert (old / "sub" / "page.html").read_text("utf-8") == "new"
    assert (new / "sub" / "page.html").read_text("utf-8") == "old"


def test_exchange_with_a_missing_side_is_an_os_error_naming_both(tmp_path: Path) -> None:
    if output._renameat2 is None:
        pytest.skip("this C library has no renameat2")
    present = tree(tmp_path, "site", "old")
    with pytest.raises(FileNotFoundError) as raised:
        exchange(tmp_path / "missing", present)
    assert raised.value.filename == str(tmp_path / "missing") and raised.value.filename2 == str(present)
    assert (present / "sub" / "page.html").read_text("utf-8") == "old"


def test_swap_into_nothing_is_one_rename(tmp_path: Path) -> None:
    new = tree(tmp_path, ".site.new-abcdefgh", "new")
    assert swap(new, tmp_path / "site") is None
    assert (tmp_path / "site" / "sub" / "page.html").read_text("utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_without_exchange_the_old_site_goes_to_a_marked_staging_name_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "_renameat2", None)
    old, new = tree(tmp_path, "site", "old"), tree(tmp_path, ".site.new-abcdefgh", "new")
    retired = swap(new, old)
    assert retired is not None and retired.parent == tmp_path and retired.name.startswith(".site.new-")
    assert (old / "sub" / "page.html").read_text("utf-8") == "new"
    assert (retired / "sub" / "page.html").read_text("utf-8") == "old"
    assert output.remove_leftovers(old) == [retired], "a kill right after the first rename leaves a directory the next run removes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_without_exchange_a_failed_second_rename_puts_the_old_site_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "_renameat2", None)
    old, new = tree(tmp_path, "site", "old"), tree(tmp_path, ".site.new-abcdefgh", "new")
    real = os.rename

    def rename(source: str | Path, target: str | Path) -> None:
        if Path(source) == new:
            raise OSError(errno.EIO, "Input/output error", str(source))
        real(source, target)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError):
        swap(new, old)
    assert (old / "sub" / "page.html").read_text("utf-8") == "old"


def test_a_failed_swap_is_an_output_error_and_leaves_the_old_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tree(tmp_path, "site", "old")
    before = snapshot(tmp_path)

    def cross_device(first: Path, second: Path) -> bool:
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(first), None, str(second))

    def fill(staging: Path) -> list[Problem]:
        (staging / "index.html").write_text("new", "utf-8")
        return []

    monkeypatch.setattr(output, "exchange", cross_device)
    result = publish(old, SMALL, fill)
    assert isinstance(result, OutputError)
    assert result.format().startswith(f"build.py: error: {old}: Invalid cross-device link (EXDEV) at {tmp_path}/.site.new-")
    assert result.format().endswith(f"; {old} was left as it was")
    assert snapshot(tmp_path) == before


def test_record_problems_from_the_fill_discard_the_staging_directory(tmp_path: Path) -> None:
    old = tree(tmp_path, "site", "old")
    before = snapshot(tmp_path)
    problem = Problem("records/demands/x.json", 1, 1, "", "bad")
    seen: list[Path] = []

    def fill(staging: Path) -> list[Problem]:
        seen.append(staging)
        assert (staging / MARKER).is_file(), "a staging directory is marked before anything is written into it"
        (staging / "half.html").write_text("half", "utf-8")
        return [problem]

    assert publish(old, SMALL, fill) == [problem]
    assert seen and not seen[0].exists()
    assert snapshot(tmp_path) == before


def test_the_lock_refuses_a_second_holder_and_is_removed_after(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with output._locked(site, "site"):
        with pytest.raises(output._Stop) as raised, output._locked(site, "site"):
            pass
        assert raised.value.error.format() == (
            f"build.py: error: another build is running into site/ (it holds {tmp_path}/.site.lock); try again when it has finished"
        )
        assert leftovers(tmp_path) == [".site.lock"]
    assert leftovers(tmp_path) == []
    with output._locked(site, "site"):
        pass


def test_an_interrupted_removal_is_still_recognised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    leftover = tree(tmp_path, ".site.new-abcdefgh", "old")
    (leftover / "z-last.html").write_text("x", "utf-8")
    real = os.unlink

    def interrupted(path: str | Path, *args: object, **kwargs: object) -> None:
        if Path(path).name == "z-last.html":
            raise KeyboardInterrupt
        real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output._discard(leftover)
    monkeypatch.undo()
    assert output.is_marked(leftover), "the marker goes last"
    assert output.remove_leftovers(tmp_path / "site") == [leftover]
    assert not leftover.exists()
