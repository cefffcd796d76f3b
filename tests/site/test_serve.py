"""`make serve`: the real `mkdocs serve` shows an edited record on its page and on the pages
that link to it, and serve mode's partial re-render gives the same pages as a full render."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from peacetalks.collections import COLLECTIONS
from peacetalks.pipeline import check
from peacetalks.site import incremental
from peacetalks.site.packed import Pages
from peacetalks.site.render import render
from peacetalks.site.views import Settings
from tests.conftest import REPO, stop
from tests.site.conftest import FIXTURES

SETTINGS = Settings("https://example.org/repo", "main", False)
WAIT = 300  # seconds before giving up on the server: a guard against hanging, not a timing test


def serve_command(address: str) -> list[str]:
    """The `serve:` recipe of the Makefile, with a private address."""
    lines = (REPO / "Makefile").read_text("utf-8").splitlines()
    recipe = lines[lines.index(next(x for x in lines if x.startswith("serve:"))) + 1]
    words = shlex.split(recipe.strip().replace("$(BIN)", str(REPO / ".venv" / "bin")))
    assert words[1] == "serve", recipe
    return [*words, "--dev-addr", address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, server: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert server.poll() is None, "mkdocs serve exited"
        page = fetch(url)
        if page is not None and text in page:
            return page
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {text!r}")


@contextmanager
def serving(records: Path, log_path: Path, **environment: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The real `make serve` on the records at a free local address: (base URL, server);
    stopped, with its whole process group, on the way out. Its output goes to `log_path`."""
    base = f"http://127.0.0.1:{free_port()}"
    env = dict(os.environ, PEACETALKS_RECORDS=str(records), NO_MKDOCS_2_WARNING="1", **environment)
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            serve_command(base.removeprefix("http://")), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield base, server
        finally:
            stop(server)


def set_title(path: Path, title: str) -> None:
    data = json.loads(path.read_text("utf-8"))
    old = json.dumps(data["title"], ensure_ascii=False)
    path.write_text(path.read_text("utf-8").replace(old, json.dumps(title, ensure_ascii=False), 1), "utf-8")


def test_serve_shows_an_edited_title_on_the_page_and_on_pages_linking_to_it(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    demand = records / "demands" / "cap-army.json"
    data = json.loads(demand.read_text("utf-8"))
    with serving(records, tmp_path / "serve.log") as (base, server):
        wait_for(f"{base}/demands/cap-army.html", data["title"], server)
        actor = f"{base}/actors/{data['occasions'][0]['by'][0]}.html"
        assert data["title"] in (fetch(actor) or "")
        set_title(demand, "Renamed: an army ceiling for State B")
        wait_for(f"{base}/demands/cap-army.html", "Renamed: an army ceiling for State B", server)
        for linking in (actor, f"{base}/meetings/round-one.html", f"{base}/demands/index.html"):
            page = wait_for(linking, "Renamed: an army ceiling for State B", server)
            assert data["title"] + "<" not in page, linking
        untouched = fetch(f"{base}/topics/alliances.html")
        assert untouched is not None and "Renamed: an army ceiling" not in untouched
        index = json.loads(wait_for(f"{base}/search/search_index.json", "Renamed: an army ceiling", server))
        locations = [entry["location"] for entry in index["docs"]]
        assert len(locations) == len(set(locations)), "a rebuilt page is indexed twice"
        assert {"topics/alliances.html", "demands/cap-army.html", "index.html"} <= {x.partition("#")[0] for x in locations}
        stale = [e["location"] for e in index["docs"] if data["title"] + "<" in e["text"] or e["title"] == data["title"]]
        assert stale == []
    assert "ERROR" not in (tmp_path / "serve.log").read_text("utf-8", "replace")


def polled(log: Path) -> str:
    """The paths MkDocs says it polls for changes, as its log line lists them."""
    lines = [line for line in log.read_text("utf-8", "replace").splitlines() if "Watching paths for changes:" in line]
    assert lines, "mkdocs serve did not say what it watches"
    return lines[0]


@pytest.mark.parametrize("watch", ["events", "poll"])
def test_serve_sees_an_edit_through_change_events_or_by_polling(tmp_path: Path, watch: str) -> None:
    """By default the records are watched through the system's change events, not in MkDocs' poll
    (which stats every file twice a second); reading them, as each build does, starts no rebuild.
    PEACETALKS_WATCH=poll leaves them to the poll, for file systems that send no events."""
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    demand = records / "demands" / "cap-army.json"
    log = tmp_path / "serve.log"
    environment = {"PEACETALKS_WATCH": "poll"} if watch == "poll" else {}
    with serving(records, log, **environment) as (base, server):
        wait_for(f"{base}/demands/cap-army.html", json.loads(demand.read_text("utf-8"))["title"], server)
        assert (str(records) in polled(log)) == (watch == "poll"), polled(log)
        set_title(demand, f"Seen by {watch}: an army ceiling for State B")
        wait_for(f"{base}/demands/cap-army.html", f"Seen by {watch}: an army ceiling", server)
        assert settles(log), "the builds never stopped: a build's own reading of the records started another"
    assert "ERROR" not in log.read_text("utf-8", "replace")


def settles(log: Path, quiet: float = 3.0, limit: float = 60.0) -> bool:
    """Whether the server's builds stop: no new build for `quiet` seconds within `limit` (an edit
    makes one or two, the preview and its completion)."""
    deadline = time.monotonic() + limit
    builds, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = log.read_text("utf-8", "replace").count("Building documentation")
        if now != builds:
            builds, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return True
        time.sleep(0.2)
    return False


def labelled(records: Path) -> list[Path]:
    """One record file of each collection."""
    return [sorted(folder.glob("*.json"))[0] for folder in sorted(p for p in records.iterdir() if p.is_dir())]


@pytest.mark.parametrize("index", range(6))
def test_partial_render_after_an_edit_equals_a_full_render(tmp_path: Path, index: int) -> None:
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    before, problems = check(records)
    assert problems == []
    state, _ = incremental.update(None, before, SETTINGS, records)
    path = labelled(records)[index]
    data = json.loads(path.read_text("utf-8"))
    field = COLLECTIONS[path.parent.name].label
    old = json.dumps(data[field], ensure_ascii=False)
    path.write_text(path.read_text("utf-8").replace(old, json.dumps(f"Renamed record {index}"), 1), "utf-8")
    after, problems = check(records)
    assert problems == []
    new_state, changed = incremental.update(state, after, SETTINGS, records)
    full = render(after, SETTINGS, records_dir=records)
    assert new_state.rendered.pages == full.pages
    assert new_state.rendered.files == full.files
    assert any(f"Renamed record {index}" in full.pages[p] for p in changed)
    assert len(changed) < len(full.pages)


def test_partial_render_after_moving_a_reference_equals_a_full_render(tmp_path: Path) -> None:
    """A demand raised by another actor (its first occasion's `by`): the old actor's page loses it, the new one's gains it."""
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    before, problems = check(records)
    assert problems == []
    state, _ = incremental.update(None, before, SETTINGS, records)
    demand = records / "demands" / "cap-army.json"
    text = demand.read_text("utf-8")
    by = '"by": [\n        "state-a"\n      ]'
    assert text.count(by) == 1
    demand.write_text(text.replace(by, by.replace("state-a", "mediator-c")), "utf-8")
    after, problems = check(records)
    assert problems == []
    new_state, changed = incremental.update(state, after, SETTINGS, records)
    assert {"actors/state-a.md", "actors/mediator-c.md"} <= changed
    assert new_state.rendered.pages == render(after, SETTINGS, records_dir=records).pages


def _edited(records: Path, index: int) -> tuple[Path, str]:
    path = labelled(records)[index]
    data = json.loads(path.read_text("utf-8"))
    old = json.dumps(data[COLLECTIONS[path.parent.name].label], ensure_ascii=False)
    path.write_text(path.read_text("utf-8").replace(old, json.dumps(f"Renamed record {index}"), 1), "utf-8")
    return path, f"Renamed record {index}"


@pytest.mark.parametrize("index", range(6))
def test_a_preview_shows_the_edited_page_and_its_completion_equals_a_full_render(tmp_path: Path, index: int) -> None:
    """As `make serve` shows an edit: first the edited record's own page (incremental.preview), then
    the rest (incremental.complete, in the background there), after which nothing is stale."""
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    before, _ = check(records, cache=True)
    state, _ = incremental.update(None, before, SETTINGS, records)
    path, name = _edited(records, index)
    after, problems = check(records, cache=True)
    assert problems == []
    quick = incremental.preview(state, after, SETTINGS, records)
    assert quick is not None
    shown, changed = quick
    page = f"{path.parent.name}/{path.stem}.md"
    assert changed == {page}
    full = render(after, SETTINGS, records_dir=records)
    assert shown.rendered.pages[page] == full.pages[page]
    assert not shown.complete
    done, _ = incremental.complete(shown, records)
    assert done.complete
    assert done.rendered.pages == full.pages
    assert done.rendered.files == full.files
    assert any(name in full.pages[p] for p in full.pages if p != page)  # a neighbour or an overview shows it too


def test_a_preview_reads_no_file_the_check_did_not(tmp_path: Path) -> None:
    """A demand's summary reworded: the check's cache reads only that file, and the preview takes the
    records parsed for the first render for all the others."""
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    before, _ = check(records, cache=True)
    state, _ = incremental.update(None, before, SETTINGS, records)
    demand = records / "demands" / "cap-army.json"
    demand.write_text(demand.read_text("utf-8").replace('"summary": "', '"summary": "Reworded. ', 1), "utf-8")
    after, problems = check(records, cache=True)
    assert problems == []
    unread = {(r.collection, r.id) for r in after.all() if "data" not in vars(r)}
    assert ("demands", "cap-army") not in unread and len(unread) >= 5
    quick = incremental.preview(state, after, SETTINGS, records)
    assert quick is not None and quick[1] == {"demands/cap-army.md"}
    reused = {(r.collection, r.id) for r in after.all() if r is before.records[r.collection][r.id]}
    assert reused == unread
    assert "Reworded." in quick[0].rendered.pages["demands/cap-army.md"]


def test_two_previews_before_a_completion_leave_nothing_stale(tmp_path: Path) -> None:
    """A second edit before the background has completed the first: completing the second covers both."""
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    before, _ = check(records, cache=True)
    state, _ = incremental.update(None, before, SETTINGS, records)
    _edited(records, 0)
    first = incremental.preview(state, check(records, cache=True)[0], SETTINGS, records)
    assert first is not None
    _edited(records, 3)
    after, _ = check(records, cache=True)
    second = incremental.preview(first[0], after, SETTINGS, records)
    assert second is not None
    done, _ = incremental.complete(second[0], records)
    assert done.rendered.pages == render(after, SETTINGS, records_dir=records).pages


def test_an_added_record_is_rendered_in_full_at_once(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    before, _ = check(records, cache=True)
    state, _ = incremental.update(None, before, SETTINGS, records)
    topic = labelled(records)[5]
    assert topic.parent.name == "topics"
    shutil.copy(topic, topic.with_name("a-copy.json"))
    text = topic.with_name("a-copy.json").read_text("utf-8").replace(f'"id": "{topic.stem}"', '"id": "a-copy"', 1)
    topic.with_name("a-copy.json").write_text(text, "utf-8")
    after, problems = check(records, cache=True)
    assert problems == []
    assert incremental.preview(state, after, SETTINGS, records) is None  # the indexes must list it: mkdocs_glue updates in full


@pytest.mark.parametrize("after_checks", [0, 1, 3])
def test_a_completion_asked_to_stop_gives_up_and_leaves_the_preview_stale(tmp_path: Path, after_checks: int) -> None:
    """A newer edit needs the processor: the background completion stops at its next checkpoint
    (after the graph, between overview pages) and the state it was given stays stale for the next."""
    from peacetalks.site.render import Stopped

    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    state, _ = incremental.update(None, check(records, cache=True)[0], SETTINGS, records)
    _edited(records, 1)
    quick = incremental.preview(state, check(records, cache=True)[0], SETTINGS, records)
    assert quick is not None
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > after_checks

    with pytest.raises(Stopped):
        incremental.complete(quick[0], records, stop=stop)
    assert len(asked) == after_checks + 1
    assert not quick[0].complete


def test_serve_keeps_its_pages_compressed_and_reads_them_back_as_written(tmp_path: Path) -> None:
    dataset, problems = check(FIXTURES / "basic")
    assert not problems
    full = render(dataset, SETTINGS, records_dir=FIXTURES / "basic")
    state, _ = incremental.update(None, dataset, SETTINGS, FIXTURES / "basic")
    pages = state.rendered.pages
    assert isinstance(pages, Pages)
    assert pages == full.pages and sorted(pages) == sorted(full.pages)
    assert sum(len(pages.packed(p)) for p in pages) < 0.5 * sum(len(t.encode("utf-8")) for t in full.pages.values())
    copy = Pages(pages)
    copy["index.md"] = "# Changed\n"
    assert pages["index.md"] == full.pages["index.md"] and copy["index.md"] == "# Changed\n"
    assert all(copy.packed(p) is pages.packed(p) for p in pages if p != "index.md")  # a copy shares the rest
    # Written once; written again only where a page changed (MkDocs' --dirty reads the mtimes).
    cache = tmp_path / "cache"
    written = incremental.write_changed(pages, {}, cache)
    assert (cache / "index.md").read_text("utf-8") == full.pages["index.md"]
    before = {p: (cache / p).stat().st_mtime_ns for p in pages}
    time.sleep(0.01)
    incremental.write_changed(copy, written, cache)
    assert [p for p in pages if (cache / p).stat().st_mtime_ns != before[p]] == ["index.md"]
    assert (cache / "index.md").read_text("utf-8") == "# Changed\n"
