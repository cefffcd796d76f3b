"""Serve-mode rendering: keep the previous render and re-render only what an edit can change.

A record page shows its own record and the labels (and quotes, counts) of the records it
refers to or that refer to it, so an edit changes the edited record's page and its
neighbours' pages in the reference graph, before or after the edit. The collection indexes,
home, timeline, matrices and the other non-record pages summarise every record and are
re-rendered each time. `python build.py build` never comes here: it always renders in full.

An edit is shown in two steps (mkdocs_glue runs the second in the background):
1. `preview`: the edited records' own pages, from the new records and the last graph with their
   own references renewed; the records whose files did not change are reused as parsed before
   (a file's stat signature tells), so a preview reads only what was edited;
2. `complete`: the neighbours and the overview pages, after which the pages are those of a full
   render (as `update` gives in one step).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..load import Dataset, Record
from .graph import Graph, Key, build_graph, references
from .packed import Pages, unpack_bytes
from .render import Rendered, Stopped, render, render_apart
from .views import Settings, page_path


@dataclass
class State:
    """What the last render saw: inputs per record, the reference graph, the settings, the result."""

    settings: Settings
    texts: dict[Key, str]
    graph: Graph
    rendered: Rendered
    record_files: dict[Key, list[str]] = field(default_factory=dict)  # redirect files each record owns
    dataset: Dataset | None = None  # the records as last rendered (their parsed data is reused)
    signatures: dict[Key, Signature | None] = field(default_factory=dict)  # each record file's stat signature then
    stale: set[Key] = field(default_factory=set)  # edited since `graph`: their neighbours and the overviews wait for `complete`

    @property
    def complete(self) -> bool:
        return not self.stale


Signature = tuple[int, int, int, int]


def _signature(path: str) -> Signature | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _signatures(dataset: Dataset) -> dict[Key, Signature | None]:
    return {(r.collection, r.id): _signature(r.path) for r in dataset.all()}


def _texts(dataset: Dataset) -> dict[Key, str]:
    return {(r.collection, r.id): _text(dataset, r) for r in dataset.all()}


def _text(dataset: Dataset, record: Record) -> str:
    """What a record's pages are made from: its file, and for a source its stored text."""
    stored = dataset.source_texts.get(record.id) if record.collection == "sources" else None
    return record.text if stored is None else record.text + "\0" + stored


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
    signatures = _signatures(dataset)
    if previous is None or previous.settings != settings:
        rendered = render_apart(dataset, settings, records_dir)  # before the server starts its threads
        state = State(settings, texts, build_graph(dataset), rendered, _files(dataset), dataset, signatures)
        return state, set(rendered.pages)
    changed = changed_keys(previous.texts, texts) | previous.stale
    state = State(settings, texts, previous.graph, previous.rendered, previous.record_files, dataset, signatures, changed)
    return complete(state, records_dir)


def complete(state: State, records_dir: Path, stop: Callable[[], bool] | None = None) -> tuple[State, set[str]]:
    """Render what `state` left stale: its edited records, their neighbours (in the graph before
    and after) and the overview pages. The pages are then those of a full render. Raises
    render.Stopped when `stop` says so between overview pages."""
    dataset = state.dataset
    assert dataset is not None, "a state without its records cannot be completed"
    graph = build_graph(dataset)
    if stop is not None and stop():
        raise Stopped
    keys = {k for k in affected(state.stale, (state.graph, graph)) if k[1] in dataset.records[k[0]]}
    fresh = render(dataset, state.settings, records_dir=records_dir, graph=graph, only=keys, stop=stop)
    rendered, record_files = _merged(state, dataset, state.stale, keys, fresh)
    return State(state.settings, state.texts, graph, rendered, record_files, dataset, state.signatures), set(fresh.pages)


def _merged(state: State, dataset: Dataset, changed: set[Key], keys: set[Key], fresh: Rendered) -> tuple[Rendered, dict[Key, list[str]]]:
    """The last pages and files with `fresh` in place; a changed record's old page and redirects
    go first (it may have been deleted, or lost a former id)."""
    pages = Pages(state.rendered.pages)
    files = dict(state.rendered.files)
    record_files = dict(state.record_files)
    for key in changed:
        pages.pop(page_path(key), None)
        for path in record_files.pop(key, []):
            files.pop(path, None)
    record_files.update({k: v for k, v in _files(dataset).items() if k in keys})
    pages.adopt(fresh.pages)
    files.update(fresh.files)
    return Rendered(pages, files, fresh.problems), record_files


def preview(previous: State | None, dataset: Dataset, settings: Settings, records_dir: Path) -> tuple[State, set[str]] | None:
    """The first step of showing an edit: the edited records' own pages only, the rest as last
    rendered and marked stale. None where only a full update will do: nothing rendered yet, other
    settings, or records added or removed (the overviews and links must follow at once)."""
    if previous is None or previous.dataset is None or previous.settings != settings:
        return None
    signatures = _signatures(dataset)
    if signatures.keys() != previous.texts.keys():
        return None
    before = previous.dataset
    # Touched: a file whose signature changed, or that the check read (its data is there): a file
    # saved again between the last check's read and the stat of its signature is read by this one.
    touched = {k for k, signature in signatures.items() if signature is None or signature != previous.signatures.get(k)}
    touched |= {(r.collection, r.id) for r in dataset.all() if "data" in vars(r)}
    touched |= {
        ("sources", s)
        for s in dataset.source_texts.keys() | before.source_texts.keys()
        if ("sources", s) in signatures and dataset.source_texts.get(s) != before.source_texts.get(s)
    }
    for collection, record_id in signatures.keys() - touched:  # unchanged since parsed: reuse, do not read again
        dataset.records[collection][record_id] = before.records[collection][record_id]
    texts = dict(previous.texts)
    texts.update({k: _text(dataset, dataset.records[k[0]][k[1]]) for k in touched})
    changed = changed_keys(previous.texts, texts)
    stale = previous.stale | changed
    if not changed:
        state = State(settings, texts, previous.graph, previous.rendered, previous.record_files, dataset, signatures, stale)
        return state, set()
    graph = _renewed(previous.graph, dataset, changed)
    fresh = render(dataset, settings, records_dir=records_dir, graph=graph, only=changed, overviews=False)
    rendered, record_files = _merged(previous, dataset, changed, changed, fresh)
    return State(settings, texts, previous.graph, rendered, record_files, dataset, signatures, stale), set(fresh.pages)


def _renewed(graph: Graph, dataset: Dataset, changed: set[Key]) -> Graph:
    """`graph` with the references made by the `changed` records as they are now (the derived
    `shows` edges wait for the full graph of `complete`)."""
    outgoing = {k: v for k, v in graph.outgoing.items() if k not in changed}
    incoming = {k: [e for e in v if e.source not in changed] for k, v in graph.incoming.items()}
    for edge in references(dataset, changed):
        outgoing.setdefault(edge.source, []).append(edge)
        incoming.setdefault(edge.target, []).append(edge)
    return Graph(outgoing, incoming)


def write_changed(pages: Pages, written: dict[str, bytes], cache: Path) -> dict[str, bytes]:
    """Write each page under `cache` only when it differs from what was `written` there before,
    so MkDocs' --dirty mtime test (File.is_modified) is true for exactly the changed pages.
    Returns what is written there now (each page compressed, as `pages` holds it)."""
    now: dict[str, bytes] = {}
    for path in pages:
        packed = now[path] = pages.packed(path)
        if written.get(path) == packed:
            continue
        target = cache / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(unpack_bytes(packed))
    return now
