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
    corpus: bool  # a case of the corpus (the target applies); else a bench-only case showing how time scales

    @property
    def status(self) -> str:
        log = self.run.log.read_text("utf-8", errors="replace")
        if "Traceback" in log:
            return "TRACEBACK"
        if self.run.returncode != 1:
            return f"exit {self.run.returncode}, expected 1"
        if self.run.seconds <= TARGET_SECONDS:
            return "ok"
        return "too slow" if self.corpus else f"over {TARGET_SECONDS:.0f} s"


def _cases() -> dict[str, tuple[Callable[[Path], Path], bool]]:
    """Name -> (a function writing the case's record tree under a directory, is it a corpus case)."""
    from tests.check.test_corpus import BASE, BENCH_ONLY, CASES, GENERATED, build_tree

    def corpus(name: str) -> Callable[[Path], Path]:
        return lambda target: build_tree(CASES / name, target)

    def bench_only(write: Callable[[Path], None]) -> Callable[[Path], Path]:
        def make(target: Path) -> Path:
            shutil.copytree(BASE, target / "records")
            write(target / "records")
            return target / "records"

        return make

    return {
        **{name: (corpus(name), True) for name in GENERATED},
        **{name: (bench_only(write), False) for name, write in BENCH_ONLY.items()},
    }


def _fastest(runs: list[Run]) -> Run:
    best = min(runs, key=lambda r: r.seconds)
    return Run(best.seconds, max(r.peak_rss_mb for r in runs), next((r.returncode for r in runs if r.returncode != 1), 1), best.log)


def measure(work: Path, repeat: int = 3) -> list[Case]:
    """Time the check on every bad-input case; trees go under `work`/bad-input."""
    found = []
    for name, (make, in_corpus) in _cases().items():
        target = work / "bad-input" / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        make(target)
        print(f"  bad input: {name} ...", flush=True)
        command = [sys.executable, str(REPO / "build.py"), "check", "--records", "records"]
        runs = [run(command, target / f"check-{i}.log", target) for i in range(max(1, repeat))]
        found.append(Case(name, _fastest(runs), in_corpus))
    return found


def table(cases: list[Case]) -> list[str]:
    lines = [
        "| bad input (one `build.py check`) | wall s | peak RSS MB | target | status |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for case in cases:
        name = case.name if case.corpus else f"{case.name} (bench only)"
        target = f"≤ {TARGET_SECONDS:.0f} s" if case.corpus else "—"
        lines.append(f"| {name} | {case.run.seconds:.2f} | {case.run.peak_rss_mb:.0f} | {target} | {case.status} |")
    return lines


def report(cases: list[Case]) -> list[str]:
    corpus = [case for case in cases if case.corpus]
    slowest = max(corpus, key=lambda c: c.run.seconds) if corpus else None
    met = all(case.status == "ok" for case in corpus) and all(case.status != "TRACEBACK" for case in cases)
    verdict = "met" if met else "NOT met"
    summary = (
        f"Slowest corpus case: {slowest.name}, {slowest.run.seconds:.2f} s. Every corpus case within {TARGET_SECONDS:.0f} s, "
        f"exit 1, no traceback: {verdict}."
        if slowest
        else ""
    )
    return [
        "## Bad input",
        "",
        "Each generated case of the check's corpus (tests/check/test_corpus.py) in a fresh tree, through",
        "`build.py check` as a subprocess; fastest of the runs. The corpus test checks the output itself.",
        "Bench-only cases (BENCH_ONLY there) show how the time grows, up to the most errors a 1 MB record holds.",
        "",
        *table(cases),
        "",
        summary if slowest else "No cases.",
        "",
    ]
