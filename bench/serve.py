"""`make serve` as a contributor uses it: start the live-reloading server on synthetic records,
wait for its first build, then save an edit and time until the browser would show it.

Three edits, each timed from the file's write to the first response that shows it:
1. one demand's summary reworded: until its own page shows the new words;
2. that demand broken (its JSON cut short): until the preview's home page lists the problem;
3. the break repaired: until the home page is the site's own again.

The server is the real `mkdocs serve --livereload --dirty` (as `make serve` runs it), with
PEACETALKS_RECORDS pointing at the records. Requests go to loopback with a timeout, and a request
the server keeps waiting counts against the time, as a reader's browser would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.measure import environment

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROBLEMS_HEADING = "The records have problems"  # the preview's home page while a record is broken


@dataclass(frozen=True)
class Served:
    """Seconds to the first build and to each edit shown; None where it did not show in time."""

    first_build: float | None
    edit: float | None
    broken: float | None
    repaired: float | None
    peak_rss_mb: float
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str, timeout: float) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, OSError):
        return None


def _until(url: str, shows: str, absent: bool, limit: float, server: subprocess.Popen[bytes]) -> float | None:
    """Seconds until the page at `url` contains `shows` (or, with `absent`, no longer does)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit and server.poll() is None:
        page = _get(url, timeout=max(1.0, limit - (time.perf_counter() - start)))
        if page is not None and (shows in page) != absent:
            return time.perf_counter() - start
        time.sleep(0.05)
    return None


def _peak_rss_mb(pid: int) -> float:
    """The server's peak resident set (VmHWM), read while it runs."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(records: Path, log: Path, first_limit: float = 1800.0, edit_limit: float = 120.0) -> Served:
    """Start the server on `records`, make the three edits, stop it. Leaves the records as found."""
    demand = sorted((records / "demands").glob("*.json"))[-1]
    original = demand.read_text("utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    page = f"{base}demands/{demand.stem}.html"
    env = environment() | {"PEACETALKS_RECORDS": str(records.absolute())}
    command = [str(BIN / "mkdocs"), "serve", "--livereload", "--dirty", "-a", f"127.0.0.1:{port}", "-f", str(REPO / "mkdocs.yml")]
    log.parent.mkdir(parents=True, exist_ok=True)
    edit = broken = repaired = None
    with log.open("wb") as out:
        out.write(("$ " + " ".join(command) + "\n").encode("utf-8"))
        out.flush()
        start = time.perf_counter()
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        try:
            first = _until(page, demand.stem, False, first_limit, server)
            first = None if first is None else time.perf_counter() - start
            if first is not None:
                marker = "Edited in the preview"
                time.sleep(1.0)  # past the first build's own reload
                demand.write_text(original.replace('"summary": "', f'"summary": "{marker}. ', 1), "utf-8")
                edit = _until(page, marker, False, edit_limit, server)
                demand.write_text(original[: len(original) // 2], "utf-8")
                broken = _until(base, PROBLEMS_HEADING, False, edit_limit, server)
                demand.write_text(original, "utf-8")
                repaired = _until(base, PROBLEMS_HEADING, True, edit_limit, server)
            peak = _peak_rss_mb(server.pid)
        finally:
            demand.write_text(original, "utf-8")
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return Served(first, edit, broken, repaired, peak, log)


if __name__ == "__main__":  # python -m bench.serve RECORDS: the three times, for a quick look
    result = measure(Path(sys.argv[1]), Path(os.environ.get("TMPDIR", "/tmp")) / "bench-serve.log")
    print(result)
