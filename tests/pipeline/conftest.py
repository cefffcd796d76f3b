"""A small record tree, a larger synthetic one, and helpers to watch what a run touches."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO, run_build

SMALL = REPO / "tests" / "check" / "base" / "records"


def snapshot(root: Path) -> dict[str, str]:
    """Every path under `root` (hidden ones and .git too): a directory, a link's target, a file's digest."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = "-> " + os.readlink(path)
            elif path.is_dir():
                found[key] = "dir"
            else:
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(parent: Path) -> list[str]:
    """Staging directories and lock files a run left in `parent`."""
    return sorted(p.name for p in parent.iterdir() if ".new-" in p.name or p.name.endswith(".lock"))


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A copy of a small valid record tree, to edit freely."""
    return Path(shutil.copytree(SMALL, tmp_path / "records"))


@pytest.fixture(scope="session")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 synthetic records: a build long enough to be caught in the middle."""
    records = tmp_path_factory.mktemp("large") / "records"
    result = run_build("synth", "300", "--out", str(records))
    assert result.returncode == 0, result.stderr
    return records


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git-initialised copy of the repository: the program (build.py, peacetalks/) with
    records/, docs/ and schema/ beside it. Run through `run_copy`, its idea of "this project"
    is the copy, so a refusal that failed would harm only the copy, never the real checkout."""
    root = tmp_path / "checkout"
    root.mkdir()
    shutil.copy2(REPO / "build.py", root / "build.py")
    shutil.copytree(REPO / "peacetalks", root / "peacetalks", ignore=shutil.ignore_patterns("__pycache__", "*.tmp"))
    shutil.copytree(SMALL, root / "records")
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (root / "README.md").write_text("A checkout.\n", "utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def run_copy(checkout: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python build.py ARGS` of the copied program, in `cwd` (default: the copy)."""
    return subprocess.run(
        [sys.executable, str(checkout / "build.py"), *args], cwd=cwd or checkout, capture_output=True, text=True, timeout=600
    )


@contextmanager
def tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at `where` (as root): a real full or read-only file system."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}): needs root; test_mechanism.py covers the same path in-process")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def disk_usage(root: Path) -> int:
    """Bytes a tree takes on a tmpfs: whole 4 KiB pages per file and directory."""
    pages = 0
    for folder, dirs, files in os.walk(root):
        pages += len(dirs) + sum(-(-os.stat(Path(folder, name)).st_size // 4096) for name in files)
    return pages * 4096


__all__ = ["REPO", "SMALL", "disk_usage", "leftovers", "no_traceback", "run_copy", "snapshot", "tmpfs"]
