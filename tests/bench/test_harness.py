"""`python -m bench` end to end at a tiny size: every step runs and the table is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

STEPS = (
    "synth (setup)",
    "build.py check",
    "build.py export",
    "build.py build (full site)",
    "check-jsonschema (6 calls)",
    "plain mkdocs build",
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
    for step in ("synth (setup)", "build.py check", "check-jsonschema (6 calls)", "plain mkdocs build"):
        assert by_step[step][-1] == "ok |", by_step[step]
    assert (tmp_path / "work" / "30" / "plain" / "site" / "index.html").exists()
    assert int(by_step["plain mkdocs build"][4]) >= 30  # one HTML page per record, at least
    assert "## Targets (at N = 30)" in text
    assert "check vs check-jsonschema" in text
    assert "nproc" in text and "Python 3." in text
