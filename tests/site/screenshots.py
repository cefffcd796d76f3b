"""Take the README's screenshots with the headless Chromium the tests use.

    python -m tests.site.screenshots SITE_DIR docs/img

Serves SITE_DIR on 127.0.0.1 and saves demand.png (a demand page) and timeline.png."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SHOTS = {
    "demand.png": ("demands/ukraine-not-in-nato.html", None),
    "timeline.png": ("explore/timeline.html", "svg.peacetalks-timeline[data-layout=wide]"),  # from the h1 down to the last timeline
}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, launched by playwright, closed on the way out; and the thread playwright's
    asyncio child watcher starts for its driver is waited for, so that no thread outlives the block
    (a later test in the same process that forks only when it is the process's one thread, as
    render.record_pages_of does, would otherwise find one and not fork)."""
    from playwright.sync_api import sync_playwright

    before = set(threading.enumerate())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=30)
        assert not thread.is_alive(), f"{thread.name} outlived the browser"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main(site: Path, out: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out.mkdir(parents=True, exist_ok=True)
    try:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1100, "height": 760})
            for name, (path, selector) in SHOTS.items():
                page.goto(f"http://127.0.0.1:{server.server_port}/{path}", wait_until="networkidle")
                if selector:
                    top = page.locator("article h1").bounding_box()
                    last = page.locator(selector).last.bounding_box()
                    assert top and last
                    page.set_viewport_size({"width": 1100, "height": int(last["y"] + last["height"]) + 20})
                    clip = {"x": 0, "y": top["y"] - 10, "width": 1100, "height": last["y"] + last["height"] - top["y"] + 20}
                    page.screenshot(path=str(out / name), clip=clip)
                    page.set_viewport_size({"width": 1100, "height": 760})
                else:
                    page.screenshot(path=str(out / name))
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
