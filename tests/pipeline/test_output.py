"""`build --out` and `export --out` with the real command line: what they refuse to replace, how
they replace what they built, and how they fail (one clean line, exit 1, nothing touched)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peacetalks.output import MARKER, MARKER_TEXT
from tests.conftest import REPO, run_build

from .conftest import SMALL, disk_usage, leftovers, no_traceback, run_copy, snapshot, tmpfs


def refused(result: subprocess.CompletedProcess[str], shown: str, reason: str) -> None:
    assert result.returncode == 1, result.stderr
    no_traceback(result)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"build.py: error: {shown}: will not write into it: ") or shown == "", lines[0]
    assert reason in lines[0], lines[0]


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        (".", "it is this project's checkout"),
        ("..", "it holds this project's checkout"),
        ("/", "it holds this project's checkout"),
        ("records", "it is the project's records/ directory"),
        ("records/demands", "it is inside the project's records/ directory"),
        ("docs", "it is the project's docs/ directory"),
        ("docs/new-site", "it is inside the project's docs/ directory"),
        ("schema", "it is the project's schema/ directory"),
        ("peacetalks", "it is not empty and was not written by build.py (it has no .peacetalks-build file)"),
        ("README.md", "it is a file, not a directory"),
    ],
)
@pytest.mark.parametrize("command", ["build", "export"])
def test_the_checkout_and_its_sources_are_refused_and_left_alone(checkout: Path, command: str, out: str, reason: str) -> None:
    before = snapshot(checkout.parent)
    refused(run_copy(checkout, command, "--out", out), out, reason)
    assert snapshot(checkout.parent) == before


def test_the_project_directories_are_refused_from_anywhere(checkout: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(SMALL, elsewhere / "records")
    before = snapshot(tmp_path)
    for relative, reason in (("", "it is this project's checkout"), ("docs", "it is the project's docs/ directory")):
        out = str(checkout / relative)
        refused(run_copy(checkout, "build", "--records", "records", "--out", out, cwd=elsewhere), out, reason)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["build", "export"])
def test_another_checkout_the_records_and_the_current_directory_are_refused(checkout: Path, tmp_path: Path, command: str) -> None:
    other = tmp_path / "other"
    (other / "records").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    records = other / "records"
    shutil.copytree(SMALL, records, dirs_exist_ok=True)
    work = other / "work" / "sub"
    work.mkdir(parents=True)
    before = snapshot(tmp_path)
    cases = [
        (str(other), other / "records", "it holds the --records directory"),
        ("records", other, "it is the --records directory"),
        ("records/topics", other, "it is inside the --records directory"),
        (".", work, "it is the current directory"),
        ("..", work, "it holds the current directory"),
        (str(other / ".git" / "x"), other / "records", "it is inside a git repository's .git directory"),
    ]
    for out, cwd, reason in cases:
        refused(run_copy(checkout, command, "--records", str(records), "--out", out, cwd=cwd), out, reason)
    moved = tmp_path / "moved-records"
    shutil.copytree(SMALL, moved)
    refused(
        run_copy(checkout, command, "--records", str(moved), "--out", str(other), cwd=tmp_path),
        str(other),
        "it holds a git repository (.git)",
    )
    shutil.rmtree(moved)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["build", "export"])
def test_an_empty_out_an_unset_variable_is_refused(checkout: Path, command: str) -> None:
    before = snapshot(checkout.parent)
    result = run_copy(checkout, command, "--out", "")
    refused(result, "", "")
    assert result.stderr == "build.py: error: --out is empty (an unset variable?): name the directory to write into\n"
    assert snapshot(checkout.parent) == before


def test_a_regular_file_is_refused_and_kept(small: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("my notes\n", "utf-8")
    for command in ("build", "export"):
        refused(run_build(command, "--records", str(small), "--out", str(target)), str(target), "it is a file, not a directory")
        below = target / "site"
        refused(run_build(command, "--records", str(small), "--out", str(below)), str(below), f"{target} is a file, not a directory")
    assert target.read_text("utf-8") == "my notes\n"
    assert leftovers(tmp_path) == []


def test_a_foreign_directory_is_refused_and_kept(small: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "photos"
    (foreign / "2024").mkdir(parents=True)
    (foreign / "2024" / "beach.jpg").write_bytes(b"\xff\xd8 a photo")
    (foreign / ".hidden").write_text("x", "utf-8")
    before = snapshot(tmp_path)
    for command in ("build", "export"):
        refused(run_build(command, "--records", str(small), "--out", str(foreign)), str(foreign), f"it has no {MARKER} file")
    assert snapshot(tmp_path) == before


def test_a_marker_with_other_content_does_not_count(small: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "data"
    foreign.mkdir()
    (foreign / MARKER).write_text("mine\n", "utf-8")
    (foreign / "keep.csv").write_text("a,b\n", "utf-8")
    before = snapshot(tmp_path)
    refused(run_build("export", "--records", str(small), "--out", str(foreign)), str(foreign), "was not written by build.py")
    assert snapshot(tmp_path) == before


def test_an_empty_directory_and_an_earlier_build_are_replaced(small: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    first = run_build("build", "--records", str(small), "--out", str(site))
    assert first.returncode == 0, first.stderr
    assert (site / MARKER).read_text("utf-8") == MARKER_TEXT == (site / "data" / MARKER).read_text("utf-8")
    (site / "stray.txt").write_text("left by hand\n", "utf-8")
    topic = next((small / "topics").glob("*.json"))
    data = json.loads(topic.read_text("utf-8"))
    data["title"] = "A renamed topic"
    topic.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    second = run_build("build", "--records", str(small), "--out", str(site))
    assert second.returncode == 0, second.stderr
    assert not (site / "stray.txt").exists()
    assert "A renamed topic" in (site / "topics" / f"{topic.stem}.html").read_text("utf-8")
    assert oct(site.stat().st_mode & 0o777) == oct(0o777 & ~_umask()), "the site is readable by a web server, not private"
    assert leftovers(tmp_path) == []


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_export_replaces_an_earlier_export_and_the_site_data(small: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_build("build", "--records", str(small), "--out", str(site)).returncode == 0
    built = snapshot(site / "data")
    result = run_build("export", "--records", str(small), "--out", str(site / "data"))
    assert result.returncode == 0, result.stderr
    assert snapshot(site / "data") == built, "export writes the same files the build puts in site/data"
    assert leftovers(site) == [] and leftovers(tmp_path) == []
    again = run_build("export", "--records", str(small), "--out", str(site / "data"))
    assert again.returncode == 0, again.stderr


def test_a_control_character_in_out_is_escaped(small: Path, tmp_path: Path) -> None:
    hostile = tmp_path / "bad\x1b[31mname\u202e"
    hostile.mkdir()
    (hostile / "keep").write_text("x", "utf-8")
    result = run_build("build", "--records", str(small), "--out", str(hostile))
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "bad\\u001b[31mname\\u202e: will not write into it" in result.stderr
    built = run_build("build", "--records", str(small), "--out", str(tmp_path / "ok\x07"))
    assert built.returncode == 0 and built.stdout == f"built site into {tmp_path}/ok\\u0007\n"


def test_leftover_staging_directories_of_killed_builds_are_removed_and_no_others(small: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    marked = tmp_path / ".site.new-abcd1234"
    (marked / "sub" / "deeper").mkdir(parents=True)
    (marked / "sub" / "deeper" / "page.html").write_text("old", "utf-8")
    (marked / MARKER).write_text(MARKER_TEXT, "utf-8")
    empty = tmp_path / ".site.new-empty___"
    empty.mkdir()
    unmarked = tmp_path / ".site.new-zzzzzzzz"
    unmarked.mkdir()
    (unmarked / "mine.txt").write_text("not the build's", "utf-8")
    other_name = tmp_path / ".site.new-short"
    other_name.mkdir()
    (other_name / MARKER).write_text(MARKER_TEXT, "utf-8")
    other_site = tmp_path / ".docs.new-abcd1234"
    other_site.mkdir()
    (other_site / MARKER).write_text(MARKER_TEXT, "utf-8")
    result = run_build("build", "--records", str(small), "--out", str(site))
    assert result.returncode == 0, result.stderr
    assert not marked.exists() and not empty.exists()
    assert (unmarked / "mine.txt").read_text("utf-8") == "not the build's"
    assert other_name.is_dir() and other_site.is_dir()


def test_a_held_lock_is_another_build_running(small: Path, tmp_path: Path) -> None:
    """A build or an export into the site, or an export into its data/ (which a build of the site
    would swap away with the old site), is refused while another run holds the site's lock."""
    site = tmp_path / "site"
    assert run_build("build", "--records", str(small), "--out", str(site)).returncode == 0
    before = snapshot(tmp_path)
    lock = tmp_path / ".site.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        for command, out in (("build", site), ("export", site), ("export", site / "data")):
            result = run_build(command, "--records", str(small), "--out", str(out))
            assert result.returncode == 1
            no_traceback(result)
            assert result.stderr == (
                f"build.py: error: another build is running into {site}/ (it holds {lock}); try again when it has finished\n"
            )
    lock.unlink()
    assert snapshot(tmp_path) == before
    result = run_build("export", "--records", str(small), "--out", str(site / "data"))
    assert result.returncode == 0, result.stderr
    assert not lock.exists() and not (site / ".data.lock").exists()


def test_two_concurrent_builds_one_runs_the_other_is_told(large: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    command = [sys.executable, str(REPO / "build.py"), "build", "--records", str(large), "--out", str(site)]
    first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = tmp_path / ".site.lock"
    while not lock.exists() and first.poll() is None:
        time.sleep(0.02)
    second = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert second.returncode == 1, second.stderr
    no_traceback(second)
    assert "Traceback" not in err
    assert second.stderr.startswith(f"build.py: error: another build is running into {site}/")
    assert leftovers(tmp_path) == [], "no staging directory and no lock file left"
    assert (site / "index.html").is_file() and (site / "data" / "datapackage.json").is_file()


def test_a_build_killed_midway_leaves_the_old_site_and_the_next_build_cleans_up(small: Path, large: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_build("build", "--records", str(small), "--out", str(site)).returncode == 0
    old = snapshot(site)
    command = [sys.executable, str(REPO / "build.py"), "build", "--records", str(large), "--out", str(site)]
    build = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    staging: list[Path] = []
    while build.poll() is None and not any(len(list(p.glob("*/*.html"))) > 20 for p in staging):
        staging = list(tmp_path.glob(".site.new-*"))
        time.sleep(0.02)
    assert build.poll() is None, "the build ended before it could be killed"
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert snapshot(site) == old, "the killed build left the old site exactly"
    assert [p.name for p in tmp_path.glob(".site.new-*")], "the killed build's staging directory is still there"
    result = run_build("build", "--records", str(small), "--out", str(site))
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == old
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("command", ["build", "export"])
def test_a_path_under_proc_is_one_clean_error(small: Path, command: str) -> None:
    out = "/proc/peacetalks-no-such-site"
    result = run_build(command, "--records", str(small), "--out", out)
    assert result.returncode == 1
    no_traceback(result)
    assert result.stderr == (
        f"build.py: error: {out}: No such file or directory (ENOENT) at /proc/.peacetalks-no-such-site.lock; {out} was left as it was\n"
    )


def test_a_read_only_file_system_is_one_clean_error(small: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "ro,size=1m") as mount:
        for command in ("build", "export"):
            out = mount / "site"
            result = run_build(command, "--records", str(small), "--out", str(out))
            assert result.returncode == 1
            no_traceback(result)
            assert (
                result.stderr == f"build.py: error: {out}: Read-only file system (EROFS) at {mount}/.site.lock; {out} was left as it was\n"
            )


def _fill_twice(small: Path, tmp_path: Path, command: str) -> None:
    """Into a tmpfs with room for one output but not two at once: the second run fails cleanly."""
    sample = tmp_path / "sample"
    assert run_build(command, "--records", str(small), "--out", str(sample)).returncode == 0
    size = disk_usage(sample) * 3 // 2 // 4096 * 4096
    with tmpfs(tmp_path / "small-disk", f"size={size}") as mount:
        out = mount / "out"
        first = run_build(command, "--records", str(small), "--out", str(out))
        assert first.returncode == 0, first.stderr
        before = snapshot(mount)
        second = run_build(command, "--records", str(small), "--out", str(out))
        assert second.returncode == 1
        no_traceback(second)
        assert second.stdout == ""
        assert len(second.stderr.splitlines()) == 1, second.stderr
        assert second.stderr.startswith(f"build.py: error: {out}: ")
        assert "(ENOSPC)" in second.stderr and second.stderr.endswith(f"; {out} was left as it was\n")
        assert snapshot(mount) == before, "the previous output is untouched, no staging directory or lock is left"


def test_a_full_disk_during_export_leaves_the_previous_export(small: Path, tmp_path: Path) -> None:
    _fill_twice(small, tmp_path, "export")


def test_a_full_disk_during_build_leaves_the_previous_site(small: Path, tmp_path: Path) -> None:
    _fill_twice(small, tmp_path, "build")


def test_a_build_beside_other_threads_writes_the_data_after_mkdocs_with_the_same_bytes(small: Path, tmp_path: Path) -> None:
    """Where threads run (a server), the data files are not written in a worker thread during the
    MkDocs build, whose SOURCE_DATE_EPOCH they would see: after it, the bytes `export` writes."""
    import threading

    from peacetalks import pipeline

    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert threading.active_count() > 1
        assert pipeline.build(small, tmp_path / "site") == []
    finally:
        release.set()
        waiting.join()
    exported = run_build("export", "--records", str(small), "--out", str(tmp_path / "data"))
    assert exported.returncode == 0, exported.stderr
    assert snapshot(tmp_path / "site" / "data") == snapshot(tmp_path / "data")
    assert not (tmp_path / "site" / ".data-beside").exists()
