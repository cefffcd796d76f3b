"""Record text can run no script, in real Chromium: on load, on focus or on hover.

Two sites: the hostile fixture (a payload of each class in every text field, accepted by the
check), and the check's base tree with payloads the check refuses (tel:, ms-msdt:, javascript:
links), built anyway to show the renderer is safe on its own. Every page is opened with a
dialog handler; then, on every page that shows record text, every link, every element with a
title, every focusable element and every element that rendered Markdown makes is focused, and
hovered with the real mouse."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_build

from .conftest import REPO, html_pages

pytestmark = pytest.mark.browser

# What a payload could hang a handler on: links, anything with a title (hover shows it),
# anything focusable, and the elements rendered Markdown produces.
TARGETS = "a, [title], [tabindex], [autofocus], button, input, select, textarea, summary, code, pre, time, td, th, li, blockquote, svg *"

# Focus each target in turn (focus handlers run as they would for a keyboard user), then return
# the centre of each, in a viewport as tall as the page so that no hover needs a scroll.
_FOCUS_ALL = (
    "() => { const all = Array.from(document.querySelectorAll(" + repr(TARGETS) + "));"
    " for (const el of all) { if (el.focus) el.focus(); }"
    " if (document.activeElement && document.activeElement.blur) document.activeElement.blur();"
    " window.scrollTo(0, 0);"
    " return all.map((el) => el.getBoundingClientRect()).filter((r) => r.width && r.height)"
    ".map((r) => [r.left + r.width / 2, r.top + r.height / 2]); }"
)
NO_RECORD_TEXT = {"reference/fields.html"}  # made from the schemas, not the records
_HEIGHT = "() => Math.min(document.documentElement.scrollHeight, 16000)"


def shows_record_text(site: Path, path: Path) -> bool:
    """False for a redirect (it moves on by itself) and for pages made from docs/ or the schemas."""
    name = path.relative_to(site).as_posix()
    if name in NO_RECORD_TEXT or (REPO / "docs" / name.replace(".html", ".md")).is_file():
        return False
    return 'http-equiv="refresh"' not in path.read_text("utf-8")


def touch_everything(page: Any) -> int:
    """Focus and hover every target on the page; return how many were hovered."""
    page.set_viewport_size({"width": 1200, "height": 900})
    page.set_viewport_size({"width": 1200, "height": max(900, int(page.evaluate(_HEIGHT)))})
    points = page.evaluate(_FOCUS_ALL)
    for x, y in points:
        page.mouse.move(x, y)
    return len(points)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def test_no_dialog_on_load_focus_or_hover(hostile_site: Path, serve: Callable[[Path], str], page: Any) -> None:
    from playwright.sync_api import Error as PlaywrightError

    base = serve(hostile_site)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.type} {d.message}"), d.dismiss()))
    pages = [p.relative_to(hostile_site).as_posix() for p in html_pages(hostile_site)]
    assert len(pages) > 15
    touched = 0
    moved: list[str] = []  # a page that navigates by itself while touched: record text took control
    for path in pages:
        try:
            page.goto(f"{base}/{path}", wait_until="load")
        except PlaywrightError as error:  # the page before started a navigation of its own
            moved.append(f"before {path}: {error.message.splitlines()[0]}")
            page.goto(f"{base}/{path}", wait_until="load")
        if 'http-equiv="refresh"' in (hostile_site / path).read_text("utf-8"):
            page.wait_for_url(lambda url, here=f"{base}/{path}": url != here)  # a former id's redirect moves on
            page.wait_for_load_state("load")
            continue
        if not shows_record_text(hostile_site, hostile_site / path):
            continue  # opened (a dialog on load would show), but it holds no record text to touch
        try:
            touched += touch_everything(page)
        except PlaywrightError as error:
            moved.append(f"{path}: {error.message.splitlines()[0]}")
        if page.url != f"{base}/{path}":
            moved.append(f"{path}: went to {page.url}")
    assert not dialogs, dialogs
    assert not moved, moved
    assert touched > 500, f"the pages hold the hostile records' links and text ({touched} touched)"


def test_the_payloads_would_fire(hostile_site: Path, serve: Callable[[Path], str], page: Any, tmp_path: Path) -> None:
    """The same handlers, on a page holding what the first test guards against, do fire: the test above can fail."""
    (tmp_path / "bait.html").write_text(
        '<!doctype html><p><a href="https://example.org" title="x" autofocus onfocus="alert(1)">a</a>'
        '<code onmouseover="alert(2)">c</code></p>',
        "utf-8",
    )
    base = serve(tmp_path)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{base}/bait.html", wait_until="load")
    assert touch_everything(page) == 2
    assert "1" in dialogs and "2" in dialogs, dialogs


BASE = Path(__file__).resolve().parents[1] / "check" / "base" / "records"

# One payload of each class the review found, in Markdown fields: a link title holding a
# link (re-read by a second Markdown parser), a fenced-code info string, an autolink, a
# reference definition split over blockquote lines, and entity-encoded markup.
MARKDOWN = (
    '[a](https://example.org "[y](x autofocus onfocus=alert(1)//)") and '
    '[b](https://example.org "\\"><img src=x onerror=alert(2)>")\n\n'
    "```x onmouseover=alert(3) autofocus\ncode\n```\n\n"
    "> [c][r]\n>\n> [r]:\n> javascript:alert(4)\n\n"
    "&lt;img src=x onerror=alert(5)&gt; <javascript:alert(6)> [d](tel:1) [e](ms-msdt:x)"
)
PLAIN = '[t](x autofocus onfocus=alert(7)//) <img src=x onerror=alert(8)> " onmouseover="alert(9)'


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _demand(demand: dict[str, Any]) -> None:
    demand["title"] = "Withdraw " + PLAIN
    demand["summary"] = MARKDOWN
    for occasion in demand["occasions"]:
        occasion["note"] = MARKDOWN
        occasion["wording"] = PLAIN
        for citation in occasion["citations"]:
            citation["note"] = MARKDOWN


def _meeting(meeting: dict[str, Any]) -> None:
    meeting["summary"] = MARKDOWN
    meeting["outcome"] = MARKDOWN
    meeting["place"]["text"] = PLAIN


def _actor(actor: dict[str, Any]) -> None:
    actor["name"] = "Alphaland " + PLAIN
    actor["aliases"] = [PLAIN]
    actor["summary"] = MARKDOWN


@pytest.fixture(scope="module")
def refused_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The check's base tree with payloads the check refuses, built into a site all the same."""
    root = tmp_path_factory.mktemp("refused")
    records = root / "records"
    shutil.copytree(BASE, records)
    _edit(records / "demands" / "withdraw-forces.json", _demand)
    _edit(records / "meetings" / "example-city-talks.json", _meeting)
    _edit(records / "actors" / "alphaland.json", _actor)
    fmt = run_build("fmt", "--records", str(records), cwd=root)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    check = run_build("check", "--records", str(records), cwd=root)
    assert "tel:1" in check.stderr and "ms-msdt:x" in check.stderr and "javascript:alert(4)" in check.stderr
    from peacetalks.load import load
    from peacetalks.site import build_site

    dataset, problems = load(records)
    assert problems == []
    out = root / "site"
    out.mkdir()
    assert build_site(dataset, out) == []
    return out


_INJECTED = (
    "() => [...document.querySelectorAll('main *')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name)"
    " || a.name === 'autofocus')).length"
)
_BAD_LINKS = "() => [...document.querySelectorAll('main [href]')].filter((a) => /^(javascript|tel|ms-msdt|data|vbscript):/i.test(a.getAttribute('href').trim())).length"


def test_the_renderer_is_safe_without_the_check(refused_site: Path, page: Any) -> None:
    pages = html_pages(refused_site)
    assert len(pages) > 10
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(f"{page.url}: {d.message}"), d.dismiss()))
    for path in pages:
        here = path.as_uri()
        page.goto(here, wait_until="load")
        if 'http-equiv="refresh"' in path.read_text("utf-8"):
            page.wait_for_url(lambda url, here=here: url != here)
            page.wait_for_load_state("load")
        elif shows_record_text(refused_site, path):
            touch_everything(page)
            assert page.evaluate(_INJECTED) == 0, path
            assert page.evaluate(_BAD_LINKS) == 0, path
    assert fired == []
