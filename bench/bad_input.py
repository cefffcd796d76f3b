"""The benchmark's bad-input section: the check on single hostile files.

Every generated case of the check's corpus (`GENERATED` in tests/check/test_corpus.py: a 10 MB
record, 100,000 nested arrays, 4,000 errors in one file, 60,000 aliases with one repeat,
20,000 unknown ids against 2,000 actors, ...) plus `BENCH_ONLY` (8,000 errors, to show the time
grows linearly) is written into a fresh tree and run through `build.py check` as a real
subprocess, the fastest of `repeat` runs counting. Each must exit 1 without a traceback, within
TARGET_SECONDS. The corpus test checks the exact output; this only times it."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Run, run

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0


@dataclass(frozen=True)
class Case:
    name: str
    run: Run

    @property
    def status(self) -> str:
        log = self.run.log.read_text("utf-8", errors="replace")
        if "Traceback" in log:
            return "TRACEBACK"
        if self.run.returncode != 1:
            return f"exit {self.run.returncode}, expected 1"
        return "ok" if self.run.seconds <= TARGET_SECONDS else "too slow"


def _cases() -> dict[str, Callable[[Path], Path]]:
    """Name -> a function writing the case's record tree under a directory (returns `records`)."""
    from tests.check.test_corpus import BASE, BENCH_ONLY, CASES, GENERATED, build_tree

    def corpus(name: str) -> Callable[[Path], Path]:
        return lambda target: build_tree(CASES / name, target)

    def bench_only(write: Callable[[Path], None]) -> Callable[[Path], Path]:
        def make(target: Path) -> Path:
            shutil.copytree(BASE, target / "records")
            write(target / "records")
            return target / "records"

        return make

    return {**{name: corpus(name) for name in GENERATED}, **{name: bench_only(write) for name, write in BENCH_ONLY.items()}}


def _fastest(runs: list[Run]) -> Run:
    best = min(runs, key=lambda r: r.seconds)
    return Run(best.seconds, max(r.peak_rss_mb for r in runs), next((r.returncode for r in runs if r.returncode != 1), 1), best.log)


def measure(work: Path, repeat: int = 3) -> list[Case]:
    """Time the check on every bad-input case; trees go under `work`/bad-input."""
    found = []
    for name, make in _cases().items():
        target = work / "bad-input" / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        make(target)
        print(f"  bad input: {name} ...", flush=True)
        command = [sys.executable, str(REPO / "build.py"), "check", "--records", "records"]
        runs = [run(command, target / f"check-{i}.log", target) for i in range(max(1, repeat))]
        found.append(Case(name, _fastest(runs)))
    return found


def table(cases: list[Case]) -> list[str]:
    lines = [
        "| bad input (one `build.py check`) | wall s | peak RSS MB | target | status |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for case in cases:
        lines.append(f"| {case.name} | {case.run.seconds:.2f} | {case.run.peak_rss_mb:.0f} | ≤ {TARGET_SECONDS:.0f} s | {case.status} |")
    return lines


def report(cases: list[Case]) -> list[str]:
    slowest = max(cases, key=lambda c: c.run.seconds) if cases else None
    met = all(case.status == "ok" for case in cases)
    verdict = "met" if met else "NOT met"
    summary = (
        f"Slowest: {slowest.name}, {slowest.run.seconds:.2f} s. Every case within {TARGET_SECONDS:.0f} s, exit 1, no traceback: {verdict}."
    )
    return [
        "## Bad input",
        "",
        "Each generated case of the check's corpus (tests/check/test_corpus.py) in a fresh tree, through",
        "`build.py check` as a subprocess; fastest of the runs. The corpus test checks the output itself.",
        "",
        *table(cases),
        "",
        summary if slowest else "No cases.",
        "",
    ]
