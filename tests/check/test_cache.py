"""The check's cache (peacetalks/cache.py): it never changes what `build.py check` prints.

Each test runs the real command line in a temporary working directory, so the cache lands in
that directory's .peacetalks-cache/, and compares the cached run with `--no-cache`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from peacetalks import cache
from tests.check.test_corpus import BASE, CASES, ENV
from tests.conftest import REPO, run_build


def check(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    result = run_build("check", "--records", "records", *flags, cwd=tmp_path, env=ENV)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def same(a: subprocess.CompletedProcess[str], b: subprocess.CompletedProcess[str]) -> bool:
    return (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / ".peacetalks-cache").glob("check-*.json"))


def test_the_real_records_checked_twice_give_the_same_output(tmp_path: Path) -> None:
    shutil.copytree(REPO / "records", tmp_path / "records")
    first = check(tmp_path)
    assert len(cache_files(tmp_path)) == 1
    second = check(tmp_path)
    uncached = check(tmp_path, "--no-cache")
    assert first.returncode == 0, first.stderr
    assert same(first, second) and same(second, uncached)


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "records")
    assert check(tmp_path, "--no-cache").returncode == 0
    assert not (tmp_path / ".peacetalks-cache").exists()


def test_deleting_an_actor_finds_the_dangling_reference_in_the_demand(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
    assert check(tmp_path).returncode == 0
    (records / "actors" / "betaland.json").unlink()
    cached = check(tmp_path)
    assert cached.returncode == 1
    assert "records/demands/withdraw-forces.json:" in cached.stderr
    assert "unknown actor 'betaland'" in cached.stderr
    assert same(cached, check(tmp_path, "--no-cache"))
    assert same(cached, check(tmp_path))  # the demand with a problem is not cached as clean


def test_an_edited_summary_rereads_only_that_record_and_what_its_rules_read(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
    directory = tmp_path / "cache"
    dataset, problems = cache.check(records, directory)
    assert problems == []
    assert not any(isinstance(r, cache._Lazy) for r in dataset.all())  # the first run reads everything
    demand = records / "demands" / "withdraw-forces.json"
    data = json.loads(demand.read_text("utf-8"))
    demand.write_text(demand.read_text("utf-8").replace(json.dumps(data["summary"]), json.dumps("An edited summary."), 1), "utf-8")
    dataset, problems = cache.check(records, directory)
    assert problems == []
    read = sorted(r.id for r in dataset.all() if "data" in vars(r))
    # The demand, and the meeting its occasion takes its date from; not the actors, topic or source.
    assert read == ["example-city-talks", "withdraw-forces"]
    # A lazily read record still has exactly the data and text of its file.
    actor = dataset.records["actors"]["alphaland"]
    assert actor.text == (records / "actors" / "alphaland.json").read_text("utf-8")
    assert actor.data == json.loads(actor.text)


def test_a_break_and_its_repair_check_the_other_records_once(tmp_path: Path) -> None:
    """A file cut short changes the environment (it is unreadable), so every other record is
    checked again; repairing it restores the environment they were last clean under, so then
    they are not (the cache remembers two environments), and the output is the uncached one."""
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
    directory = tmp_path / "cache"
    assert cache.check(records, directory)[1] == []
    demand = records / "demands" / "withdraw-forces.json"
    good = demand.read_text("utf-8")
    demand.write_text(good[: len(good) // 2], "utf-8")
    dataset, problems = cache.check(records, directory)
    assert problems and all(p.path.endswith("demands/withdraw-forces.json") for p in problems)
    assert sum("data" in vars(r) for r in dataset.all()) > 1  # the others checked again under the new environment
    demand.write_text(good, "utf-8")
    dataset, problems = cache.check(records, directory)
    assert problems == []
    read = sorted(r.id for r in dataset.all() if "data" in vars(r))
    assert read == ["example-city-talks", "withdraw-forces"]  # as after an edit that changes no environment
    assert same(check(tmp_path), check(tmp_path, "--no-cache"))


@pytest.mark.parametrize(
    "damage",
    [
        b"not a cache at all",
        b"",
        None,  # one byte of the body changed, the header kept
        "truncated",
    ],
)
def test_a_corrupted_cache_file_is_ignored(tmp_path: Path, damage: bytes | str | None) -> None:
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
    assert check(tmp_path).returncode == 0
    (path,) = cache_files(tmp_path)
    raw = path.read_bytes()
    if damage is None:
        header, _, body = raw.partition(b"\n")
        at = body.index(b"[") + 2
        raw = header + b"\n" + body[:at] + bytes([body[at] ^ 1]) + body[at + 1 :]
    elif damage == "truncated":
        raw = raw[: len(raw) // 2]
    else:
        assert isinstance(damage, bytes)
        raw = damage
    path.write_bytes(raw)
    # The tree now has a problem the stale cache would hide if it were trusted.
    (records / "actors" / "betaland.json").unlink()
    cached = check(tmp_path)
    assert cached.returncode == 1 and "unknown actor 'betaland'" in cached.stderr
    assert same(cached, check(tmp_path, "--no-cache"))
    assert cache.read_index(path, cache.version()) != {}  # rewritten whole


def test_a_cache_of_another_version_is_ignored(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
    assert check(tmp_path).returncode == 0
    (path,) = cache_files(tmp_path)
    assert cache.read_index(path, cache.version()) != {}
    assert cache.read_index(path, "another-version") == {}


# Cases whose change reaches across records (references, ids, links stated twice, stored texts,
# restricted sources) or that break one file (layout, encoding, syntax).
CASES_BOTH_WAYS = [
    "dangling-reference",
    "duplicate-id",
    "former-id-reused",
    "related-stated-on-both-sides",
    "stored-text-breaks-quotes",
    "text-sha256-mismatch",
    "quote-not-in-source",
    "occasions-out-of-order",
    "restricted-source-unquoted-passage",
    "text-snapshot-without-source",
    "non-canonical-indentation",
    "invalid-utf8",
    "missing-required-field",
]


def overlay(case: Path, records: Path) -> None:
    """Change a checked tree into the case's tree in place (as an edit would), not afresh."""
    if (case / "records").is_dir():
        shutil.copytree(case / "records", records, dirs_exist_ok=True)
    delete = case / "delete.txt"
    if delete.is_file():
        for name in delete.read_text("utf-8").split():
            (records / name).unlink()


@pytest.mark.parametrize("name", CASES_BOTH_WAYS)
def test_a_case_after_a_clean_cached_run_prints_what_the_uncached_check_prints(tmp_path: Path, name: str) -> None:
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
    assert check(tmp_path).returncode == 0  # every file cached as clean
    overlay(CASES / name, records)
    cached = check(tmp_path)
    assert cached.stderr == (CASES / name / "expected.txt").read_text("utf-8")
    assert same(cached, check(tmp_path, "--no-cache"))
    assert same(cached, check(tmp_path))  # and again, with the cache this run wrote
    shutil.rmtree(records)
    shutil.copytree(BASE, records)  # repaired: clean again
    assert check(tmp_path).returncode == 0


def test_a_check_split_over_two_processes_says_what_one_process_says(tmp_path: Path) -> None:
    """From validate.PARALLEL_FROM records the rules run on two cores; the output is the
    one-process output, did-you-mean hints included (whose slow search shares one budget)."""
    from peacetalks import validate
    from peacetalks.synth import synthesise

    records = tmp_path / "records"
    synthesise(validate.PARALLEL_FROM + 200, records, seed=3)
    assert check(tmp_path, "--no-cache").returncode == 0
    first = sorted((records / "demands").glob("*.json"))[0]
    last = sorted((records / "meetings").glob("*.json"))[-1]
    first.write_text(first.read_text("utf-8").replace('"synthetic-actor-', '"synthetic-actr-', 1), "utf-8")
    last.write_text(last.read_text("utf-8").replace('"id": "', '"id": "x', 1), "utf-8")
    split = check(tmp_path, "--no-cache")
    assert split.returncode == 1
    assert f"{first.relative_to(tmp_path)}:" in split.stderr and "(did you mean 'synthetic-actor-" in split.stderr
    assert f"{last.relative_to(tmp_path)}:" in split.stderr
    assert same(split, one_process_check(tmp_path))
    # Unknown ids with no near neighbour in both halves: both spend the hints' budget, so the
    # tree is checked again in one process; the output is still the one-process output.
    latest = sorted((records / "demands").glob("*.json"))[-1]
    for demand in (first, latest):
        demand.write_text(demand.read_text("utf-8").replace('"synthetic-actor-', '"qqqqqqqq-', 1), "utf-8")
    split = check(tmp_path, "--no-cache")
    assert split.returncode == 1 and "unknown actor 'qqqqqqqq-" in split.stderr
    assert same(split, one_process_check(tmp_path))


# build.py with the split switched off (taskset cannot stop a fork).
ONE_PROCESS = "import sys; from peacetalks import validate, cli; validate.PARALLEL_FROM = 10**9; sys.exit(cli.main(sys.argv[1:]))"


def one_process_check(root: Path) -> subprocess.CompletedProcess[str]:
    """`build.py check --no-cache` in `root`, checking every record in one process."""
    return subprocess.run(
        [sys.executable, "-c", ONE_PROCESS, "check", "--records", "records", "--no-cache"],
        cwd=root,
        env={**ENV, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
