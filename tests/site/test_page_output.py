"""The pages as the hook leaves them (mkdocs_glue.on_page_content and on_post_page): each still
titled by its heading although its Markdown is released once converted, and written without the
theme's indentation, a change no element, attribute or text shows, in a parser or in Chromium."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peacetalks.site import mkdocs_glue
from peacetalks.site.pagetrim import trim_indentation

from .conftest import Page, html_pages, parse

_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_HEADER_TOPIC = re.compile(r'data-md-component="header-topic">\s*<span class="md-ellipsis">(.*?)</span>', re.S)


def test_every_page_is_titled_by_its_heading(real_site: Path) -> None:
    checked = 0
    for path in html_pages(real_site):
        text = path.read_text("utf-8")
        first = next((heading for level, heading in parse(path).headings if level == 1), None)
        if path.name in ("index.html", "404.html") and path.parent == real_site or first is None:
            continue
        title, topic = _TITLE.search(text), _HEADER_TOPIC.search(text)
        assert title and topic, path
        assert " ".join(html.unescape(title.group(1)).split()) == f"{first} - peacetalks", path
        assert " ".join(html.unescape(topic.group(1)).split()) == first, path
        checked += 1
    assert checked > 40


def test_no_page_keeps_the_theme_indentation(real_site: Path) -> None:
    for path in html_pages(real_site):
        text = path.read_text("utf-8")
        outside = re.sub(r"<(pre|textarea|script|style|code|kbd|samp)\b.*?</\1>", "<kept/>", text, flags=re.S | re.I)
        assert not re.search(r">(?:[ \t]+\n|\n[ \t\n]+)|\n[ \t\n]+<", outside), path  # a run left longer than its line break


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("<ul>\n    <li>a</li>\n    <li>b</li>\n</ul>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        ("<a>x</a>\n  \n\t<a>y</a>", "<a>x</a>\n<a>y</a>"),  # still apart: "x y", not "xy"
        ("<p>a\n    b</p>", "<p>a\n    b</p>"),  # inside a text: left as it is
        ("<span>\n    \n  Home\n  \n  </span>", "<span>\nHome\n</span>"),  # at its ends: one line break
        ("<p>a  \n b</p>", "<p>a  \n b</p>"),
        ("<code>\n  x\n  </code>\n  <kbd>\n y </kbd><samp>\n  </samp>", "<code>\n  x\n  </code>\n<kbd>\n y </kbd><samp>\n  </samp>"),
        ("<span>a</span> <span>b</span>", "<span>a</span> <span>b</span>"),  # no line break: left
        ("<b>a</b>   <i>b</i>  x", "<b>a</b>   <i>b</i>  x"),
        ("<pre><code>x\n    <b>y</b>\n</code></pre>\n  <p>", "<pre><code>x\n    <b>y</b>\n</code></pre>\n<p>"),
        ("<TEXTAREA>\n  <i>\n  </TEXTAREA>", "<TEXTAREA>\n  <i>\n  </TEXTAREA>"),
        ("<script>let s = `a>\n   <b`;</script>\n    <script>1</script>", "<script>let s = `a>\n   <b`;</script>\n<script>1</script>"),
        ("<style>a>\n  <b</style>", "<style>a>\n  <b</style>"),
        ("<prefix>\n  <x>", "<prefix>\n<x>"),  # not a pre element
        ("<p>\x00</p>\n  <p>", "<p>\x00</p>\n  <p>"),  # left as it is
    ],
)
def test_trimming_leaves_text_and_kept_elements(before: str, after: str) -> None:
    assert trim_indentation(before) == after


@pytest.fixture(scope="module")
def untrimmed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real records built in this process with the trimming turned off."""
    from peacetalks.pipeline import check
    from peacetalks.site import build_site
    from tests.conftest import RECORDS

    dataset, problems = check(RECORDS)
    assert not problems
    out = tmp_path_factory.mktemp("untrimmed") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mkdocs_glue, "trim_indentation", lambda text: text)
        assert build_site(dataset, out) == []
    return out


def _shape(page: Page) -> list[tuple[str, dict[str, str], str]]:
    return [(e.tag, e.attrs, " ".join(e.text.split()) if e.tag not in ("pre", "textarea") else e.text) for e in page.elements]


def test_trimming_changes_no_element_attribute_or_text(untrimmed_site: Path, tmp_path: Path) -> None:
    pages = html_pages(untrimmed_site)
    shrunk = 0
    for path in pages:
        text = path.read_text("utf-8")
        trimmed = trim_indentation(text)
        assert trim_indentation(trimmed) == trimmed
        copy = tmp_path / "page.html"
        copy.write_text(trimmed, "utf-8")
        parse.cache_clear()
        assert _shape(parse(copy)) == _shape(parse(path)), path
        shrunk += len(text) - len(trimmed)
    parse.cache_clear()
    assert shrunk > 0.08 * sum(p.stat().st_size for p in pages)


@pytest.mark.browser
def test_chromium_shows_the_same_text_trimmed(untrimmed_site: Path, tmp_path: Path, browser: Any, serve: Callable[[Path], str]) -> None:
    from .test_browser import busiest_demand

    trimmed = tmp_path / "site"
    shutil.copytree(untrimmed_site, trimmed)
    chosen = ["index.html", f"demands/{busiest_demand()}", "demands/index.html", "meetings/istanbul-talks-2022.html", "explore/timeline.html"]
    for name in chosen:
        (trimmed / name).write_text(trim_indentation((untrimmed_site / name).read_text("utf-8")), "utf-8")
    before, after = serve(untrimmed_site), serve(trimmed)
    # Without JavaScript: the text as the HTML lays it out, not as a script has changed it by the time it is read.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    for name in chosen:
        texts = []
        for base in (before, after):
            page.goto(f"{base}/{name}", wait_until="load")
            texts.append(page.evaluate("document.body.innerText"))
        assert texts[0] == texts[1], name
        assert len(texts[0]) > 200
    context.close()
