"""Serve-mode rendering: keep the previous render and re-render only what an edit can change.

A record page shows its own record and the labels (and quotes, counts) of the records it
refers to or that refer to it, so an edit changes the edited record's page and its
neighbours' pages in the reference graph, before or after the edit. The collection indexes,
home, timeline, matrices and the other non-record pages summarise every record and are
re-rendered each time. `python build.py build` never comes here: it always renders in full."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from ..collections import COLLECTIONS
from ..load import Dataset
from . import feed
from .graph import Graph, Key, build_graph
from .render import (
    REPO,
    STATIC_PAGES,
    Rendered,
    _link_problems,
    _page_url,
    _repository_file,
    cite_view,
    demand_meeting_matrix,
    downloads_view,
    environment,
    fields_view,
    home_view,
    index_view,
    party_topic_matrix,
    redirect,
    render,
    timeline_view,
)
from .text import Renderer
from .views import VIEWS, Settings, Site, page_path


@dataclass
class State:
    """What the last render saw: inputs per record, the reference graph, the settings, the result."""

    settings: Settings
    texts: dict[Key, str]
    graph: Graph
    rendered: Rendered
    record_files: dict[Key, list[str]] = field(default_factory=dict)  # redirect files each record owns


def _texts(dataset: Dataset) -> dict[Key, str]:
    texts = {(r.collection, r.id): r.text for r in dataset.all()}
    for source_id, text in dataset.source_texts.items():
        if ("sources", source_id) in texts:
            texts[("sources", source_id)] += "\0" + text
    return texts


def _files(dataset: Dataset) -> dict[Key, list[str]]:
    return {(r.collection, r.id): [f"{r.collection}/{former}.html" for former in r.data.get("former_ids") or []] for r in dataset.all()}


def changed_keys(old: dict[Key, str], new: dict[Key, str]) -> set[Key]:
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


def affected(changed: set[Key], graphs: tuple[Graph, ...]) -> set[Key]:
    """The changed records and every record one reference away from one, in any of the graphs."""
    out = set(changed)
    for graph in graphs:
        for key in changed:
            out.update(e.target for e in graph.outgoing.get(key, []))
            out.update(e.source for e in graph.incoming.get(key, []))
    return out


def update(previous: State | None, dataset: Dataset, settings: Settings, records_dir: Path) -> tuple[State, set[str]]:
    """The new state and the docs-relative paths of the pages whose Markdown may have changed."""
    texts = _texts(dataset)
    if previous is None or previous.settings != settings:
        rendered = render(dataset, settings, records_dir=records_dir)
        state = State(settings, texts, build_graph(dataset), rendered, _files(dataset))
        return state, set(rendered.pages)
    graph = build_graph(dataset)
    changed = changed_keys(previous.texts, texts)
    keys = {k for k in affected(changed, (previous.graph, graph)) if k[1] in dataset.records[k[0]]}
    fresh = _render_some(dataset, graph, settings, records_dir, keys)
    pages = dict(previous.rendered.pages)
    files = dict(previous.rendered.files)
    record_files = dict(previous.record_files)
    for key in changed:
        pages.pop(page_path(key), None)
        for path in record_files.pop(key, []):
            files.pop(path, None)
    record_files.update({k: v for k, v in _files(dataset).items() if k in keys})
    pages.update(fresh.pages)
    files.update(fresh.files)
    rendered = Rendered(pages, files, fresh.problems)
    return State(settings, texts, graph, rendered, record_files), set(fresh.pages)


def _render_some(dataset: Dataset, graph: Graph, settings: Settings, records_dir: Path, keys: set[Key]) -> Rendered:
    """render() restricted to the record pages of `keys`, plus every non-record page."""
    record_pages = {page_path((r.collection, r.id)) for r in dataset.all()}
    docs = REPO / "docs"
    hand_written = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}
    static_pages = {f"{name}/index.md" for name in COLLECTIONS} | set(STATIC_PAGES) | {"index.md"} | hand_written
    renderer = Renderer(record_pages | static_pages, _page_url(settings))
    site = Site(dataset, graph, renderer, settings)
    env = environment()
    out = Rendered()
    for collection, record_id in sorted(keys):
        record = dataset.records[collection][record_id]
        view = VIEWS[collection](site, record)
        out.pages[view["page"]] = env.get_template(f"{COLLECTIONS[collection].singular}.md.j2").render(view)
        for former in record.data.get("former_ids") or []:
            out.files[f"{collection}/{former}.html"] = redirect(f"{record_id}.html", record.label).encode("utf-8")
    for name in COLLECTIONS:
        out.pages[f"{name}/index.md"] = env.get_template("index.md.j2").render(index_view(site, name))
    changes = feed.changes(records_dir)
    labels = {(r.collection, r.id): r.label for r in dataset.all()}
    epoch = dt.datetime.fromtimestamp(changes[0].time if changes else 0, dt.UTC)
    out.files["feed.xml"] = feed.atom(changes, epoch, "peacetalks: record changes", labels).encode("utf-8")
    out.pages["index.md"] = env.get_template("home.md.j2").render(home_view(site, changes))
    out.pages["explore/timeline.md"] = env.get_template("timeline.md.j2").render(timeline_view(site, "explore/timeline.md"))
    out.pages["explore/demands-by-meeting.md"] = env.get_template("matrix.md.j2").render(
        demand_meeting_matrix(site, "explore/demands-by-meeting.md")
    )
    out.pages["explore/parties-by-topic.md"] = env.get_template("matrix.md.j2").render(
        party_topic_matrix(site, "explore/parties-by-topic.md")
    )
    out.pages["reference/fields.md"] = env.get_template("fields.md.j2").render(fields_view())
    out.pages["downloads.md"] = env.get_template("downloads.md.j2").render(downloads_view(settings))
    out.pages["cite.md"] = env.get_template("cite.md.j2").render(cite_view(settings, epoch))
    changelog = REPO / "CHANGELOG.md"
    text = changelog.read_text("utf-8") if changelog.is_file() else ""
    in_repository = functools.partial(_repository_file, settings)
    body = renderer.html(text, "changelog.md", "CHANGELOG.md\0", min_heading=2, elsewhere=in_repository) if text else None
    out.pages["changelog.md"] = env.get_template("changelog.md.j2").render({"body": body})
    out.problems = _link_problems(dataset, renderer)
    return out


def write_changed(pages: dict[str, str], written: dict[str, str], cache: Path) -> None:
    """Write each page under `cache` only when it differs from what was `written` there before,
    so MkDocs' --dirty mtime test (File.is_modified) is true for exactly the changed pages."""
    for path, text in pages.items():
        if written.get(path) == text:
            continue
        target = cache / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
