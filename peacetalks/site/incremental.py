"""Serve-mode rendering: keep the previous render and re-render only what an edit can change.

A record page shows its own record and the labels (and quotes, counts) of the records it
refers to or that refer to it, so an edit changes the edited record's page and its
neighbours' pages in the reference graph, before or after the edit. The collection indexes,
home, timeline, matrices and the other non-record pages summarise every record and are
re-rendered each time. `python build.py build` never comes here: it always renders in full."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..load import Dataset
from .graph import Graph, Key, build_graph
from .render import Rendered, render
from .views import Settings, page_path


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
    fresh = render(dataset, settings, records_dir=records_dir, graph=graph, only=keys)
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


def write_changed(pages: dict[str, str], written: dict[str, str], cache: Path) -> None:
    """Write each page under `cache` only when it differs from what was `written` there before,
    so MkDocs' --dirty mtime test (File.is_modified) is true for exactly the changed pages."""
    for path, text in pages.items():
        if written.get(path) == text:
            continue
        target = cache / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
