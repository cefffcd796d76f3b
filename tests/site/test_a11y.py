"""axe-core on every HTML page of the real site (assets aside), at a desktop and a phone width: no
serious or critical violation anywhere. One browser context per width, one page reused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import html_pages
from .screenshots import chromium

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_violation_on_any_page(width: int, real_site: Path, serve: Callable[[Path], str]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    pages = [p.relative_to(real_site).as_posix() for p in html_pages(real_site)]
    assert len(pages) > 40, "the whole site, not a sample"
    base = serve(real_site)
    axe = Axe()
    found: list[tuple[str, str, str, list[Any]]] = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in pages:
            page.goto(f"{base}/{path}", wait_until="load")
            for v in axe.run(page).response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    found.append((path, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]))
    assert not found, found
