"""`python -m bench` end to end at a tiny size: every step runs and the table is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

CHECK_AND_EXPORT = (
    "synth (setup)",
    "build.py check (cold, --no-cache)",
    "build.py check (first, filling the cache)",
    "build.py check (warm cache, nothing changed)",
    "build.py check (one record edited)",
    "build.py export (--no-cache, incl. check)",
)
SERVE = (
    "make serve: first build, until a record page is served",
    "make serve: an edited record shown",
    "make serve: that record broken, until the home page lists the problem",
    "make serve: the record repaired, until the home page is the site's again",
)
STEPS = (
    *CHECK_AND_EXPORT,
    "build.py build (full site)",
    "check-jsonschema (6 calls)",
    "plain mkdocs build",
    "generated Markdown written (setup)",
    "plain mkdocs on the generated Markdown",
    *SERVE,
)


def test_bench_runs_end_to_end_and_writes_the_table(tmp_path: Path) -> None:
    results = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "30", "--repeat", "2", "--work", str(tmp_path / "work"), "--results", str(results)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    text = results.read_text("utf-8")
    assert text in done.stdout
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| 30 |")]
    assert [row[1] for row in rows] == list(STEPS)
    by_step = {row[1]: row for row in rows}
    # The steps that exist on every checkout must have succeeded; the check found the records valid.
    for step in (*CHECK_AND_EXPORT[:5], "check-jsonschema (6 calls)", "plain mkdocs build", *STEPS[-2:]):
        assert by_step[step][-1] == "ok |", by_step[step]
    assert (tmp_path / "work" / "30" / "plain" / "site" / "index.html").exists()
    assert int(by_step["plain mkdocs build"][4]) >= 30  # one HTML page per record, at least
    assert "## Targets (at N = 30)" in text
    assert "check vs check-jsonschema" in text
    # The second baseline: plain MkDocs on the project's own generated pages, every one of them.
    assert (tmp_path / "work" / "30" / "generated" / "site" / "explore" / "timeline.html").exists()
    assert int(by_step["plain mkdocs on the generated Markdown"][4]) >= 30
    assert "| generator's share: full build less plain mkdocs on its generated Markdown, of the latter | ≤ 10% |" in text
    assert "nproc" in text and "Python 3." in text
    # The preview: a real `mkdocs serve` showed the edit, the problem and the repair, each timed.
    for step in SERVE:
        assert by_step[step][-1] == "ok |", by_step[step]
        assert float(by_step[step][2]) > 0
    assert "| make serve: an edited record shown | ≤ 5 s |" in text


def _growth_run(tmp_path: Path, flag: str) -> str:
    """The bench at 20 and 40 records with `flag`, one run each; the results table it wrote."""
    results = tmp_path / "results.md"
    command = [sys.executable, "-m", "bench", "--sizes", "20,40", flag, "--repeat", "1", "--work", str(tmp_path / "work")]
    done = subprocess.run([*command, "--results", str(results)], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return results.read_text("utf-8")


def _rows(text: str, size: str) -> list[list[str]]:
    return [line.split(" | ") for line in text.splitlines() if line.startswith(f"| {size} |")]


def _targets(text: str) -> dict[str, str]:
    return {line.split(" | ")[0].removeprefix("| "): line for line in text.splitlines() if line.startswith("| ") and " | ≤ " in line}


def test_bench_without_the_site_prints_every_ratio_and_verdict(tmp_path: Path) -> None:
    """Two sizes, check and export only (as the 50,000-record point runs): the growth of each
    step between the sizes and the peak RSS at each are judged in the same run."""
    text = _growth_run(tmp_path, "--no-site")
    for size in ("20", "40"):
        rows = _rows(text, size)
        assert [row[1] for row in rows] == list(CHECK_AND_EXPORT)
        assert all(row[-1] == "ok |" for row in rows), rows
    targets = _targets(text)
    for name in (
        "check time 40 vs 20",
        "export time 40 vs 20",
        "peak RSS at 20 (check, export, build, serve)",
        "peak RSS at 40 (check, export, build, serve)",
    ):
        assert name in targets, sorted(targets)
        assert targets[name].endswith((" met |", " NOT met |")), targets[name]
    assert targets["build time 40 vs 20"].endswith(" not measured |")
    assert "check after one record is edited" in targets
    assert not (REPO / "bench" / "out" / "40").exists() or (tmp_path / "work" / "40").exists()


def test_bench_without_the_baselines_judges_the_builds_growth(tmp_path: Path) -> None:
    """`--no-baselines` (the 50,000-record point with its build): the full build at each size, its
    growth and peak RSS judged, and neither check-jsonschema, plain MkDocs nor make serve run."""
    text = _growth_run(tmp_path, "--no-baselines")
    for size in ("20", "40"):
        rows = _rows(text, size)
        assert [row[1] for row in rows] == [*CHECK_AND_EXPORT, "build.py build (full site)"]
        assert all(row[-1] == "ok |" for row in rows), rows
        assert int(rows[-1][4]) > 30  # the build's HTML pages
    targets = _targets(text)
    assert targets["build time 40 vs 20"].endswith((" met |", " NOT met |")), targets["build time 40 vs 20"]
    assert targets["full build vs plain mkdocs"].endswith(" — | not measured |"), targets["full build vs plain mkdocs"]
    assert "not measured (--no-baselines)" in text
