"""Run one command as a real subprocess and measure its wall time and peak RSS."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float  # of the process and the children it waited for (wait4 rusage)
    returncode: int
    log: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 3) -> str:
        text = self.log.read_text("utf-8", errors="replace").strip().splitlines()
        return " / ".join(text[-lines:])


# Python's compiled bytecode is kept as on a contributor's machine (an environment that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile the package afresh in every run), in the
# bench's scratch directory rather than beside the sources.
PYCACHE = Path(__file__).resolve().parent / "out" / "pycache"
REPO = Path(__file__).resolve().parent.parent


def environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    # Plain `mkdocs` (the baselines, the preview) reads the project's Markdown extension
    # (peacetalks.site.rawblocks, in mkdocs.yml) from the repository, as `make` runs it there.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def run(command: list[str], log: Path, cwd: Path) -> Run:
    """Run `command` with its output to `log`; rusage comes from wait4 on this one child."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        out.write(("$ " + " ".join(command) + "\n").encode("utf-8"))
        out.flush()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=environment())
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting again
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, log)


def combine(runs: list[Run], log: Path) -> Run:
    """Several calls measured as one: times add up, peak RSS is the largest."""
    log.write_text("".join(r.log.read_text("utf-8", errors="replace") for r in runs), "utf-8")
    return Run(
        sum(r.seconds for r in runs),
        max((r.peak_rss_mb for r in runs), default=0.0),
        next((r.returncode for r in runs if r.returncode), 0),
        log,
    )


def tree_size(root: Path) -> tuple[int, int, int]:
    """(HTML pages, bytes of HTML pages, bytes of all files) under `root`."""
    pages = html_bytes = total = 0
    for path in root.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html":
                pages += 1
                html_bytes += size
    return pages, html_bytes, total
