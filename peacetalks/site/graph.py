"""Who refers to whom: every reference between records, found through the schemas' x-collection
annotations, indexed both ways so each page can list what links to it.

Besides the fields' references, `shows` edges record where a page shows a record it does not refer
to, through a third one: a topic page names the parties that made its demands (derived from the
demands' occasions). `make serve` re-renders a page when a record one edge away changes, so the
edge keeps that page fresh when the party is renamed; pages do not list `shows` edges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from .. import occasions
from ..collections import COLLECTIONS
from ..load import Dataset
from ..schemas import WILDCARD, field_rules, values_at
from . import parties

Key = tuple[str, str]  # (collection, id)
SHOWS = "shows"


@dataclass(frozen=True, order=True)
class Edge:
    """One reference: `source` record's field `relation` points at `target`."""

    source: Key
    relation: str  # "occasions.by", "occasions.at", "topics", "cites", "shows", ...
    target: Key
    pointer: str  # where in the source record


def relation_name(path: tuple[str, ...]) -> str:
    """A field path as a relation: citations anywhere are 'cites'; else the named parts."""
    if "citations" in path:
        return "cites"
    return ".".join(p for p in path if p != WILDCARD)


@dataclass
class Graph:
    outgoing: dict[Key, list[Edge]]
    incoming: dict[Key, list[Edge]]

    def into(self, key: Key, relation: str, source_collection: str | None = None) -> list[Key]:
        """Distinct records whose `relation` points at `key`, in a stable order."""
        seen: dict[Key, None] = {}
        for edge in self.incoming.get(key, []):
            if edge.relation == relation and (source_collection is None or edge.source[0] == source_collection):
                seen.setdefault(edge.source)
        return list(seen)

    def out_of(self, key: Key, relation: str) -> list[Key]:
        seen: dict[Key, None] = {}
        for edge in self.outgoing.get(key, []):
            if edge.relation == relation:
                seen.setdefault(edge.target)
        return list(seen)


def build_graph(dataset: Dataset) -> Graph:
    outgoing: dict[Key, list[Edge]] = defaultdict(list)
    incoming: dict[Key, list[Edge]] = defaultdict(list)
    for edge in references(dataset):
        outgoing[edge.source].append(edge)
        incoming[edge.target].append(edge)
    for edge in _shown(dataset):
        outgoing[edge.source].append(edge)
        incoming[edge.target].append(edge)
    return Graph(dict(outgoing), dict(incoming))


def references(dataset: Dataset, only: set[Key] | None = None) -> Iterator[Edge]:
    """The references the records' fields make (of `only` those records), in record order."""
    for name in COLLECTIONS:
        rules = [r for r in field_rules(name) if r.kind == "ref"]
        for record_id in sorted(dataset.records[name]):
            if only is not None and (name, record_id) not in only:
                continue
            data = dataset.records[name][record_id].data
            for rule in rules:
                for pointer, value in values_at(data, rule.path):
                    if isinstance(value, str) and value in dataset.records[rule.target]:
                        yield Edge((name, record_id), relation_name(rule.path), (rule.target, value), pointer)


def _shown(dataset: Dataset) -> list[Edge]:
    """A topic page shows the parties that made its demands: topic -> actor, once per pair."""
    edges: dict[tuple[Key, Key], Edge] = {}
    for demand_id in sorted(dataset.records["demands"]):
        demand = dataset.records["demands"][demand_id]
        makers = [m for m in occasions.made_by(occasions.occasions(demand, dataset)) if m in dataset.records["actors"]]
        for topic in demand.data.get("topics") or []:
            if isinstance(topic, str) and topic in dataset.records["topics"]:
                for maker in makers:
                    edge = Edge(("topics", topic), SHOWS, ("actors", maker), "")
                    edges.setdefault((edge.source, edge.target), edge)
    for source, target in parties.shown(dataset):  # the positions sections (parties rolled up)
        edges.setdefault((source, target), Edge(source, SHOWS, target, ""))
    for source, target in _quoted(dataset):
        edges.setdefault((source, target), Edge(source, SHOWS, target, ""))
    return list(edges.values())


def _quoted(dataset: Dataset) -> list[tuple[Key, Key]]:
    """Source labels a page shows through a third record (sourcetext.source_ref): a meeting's or
    document's page shows its demands' quotes with their sources; a citation's original quote the
    original's source, which is not the cited one."""
    from ..sources.rules import quoted_in

    out: list[tuple[Key, Key]] = []
    sources = dataset.records["sources"]
    for source_id, found in sorted(quoted_in(dataset).items()):
        for quoted in found:
            holder = (quoted.record.collection, quoted.record.id)
            if quoted.pointer.endswith("/original_quote"):
                out.append((holder, ("sources", source_id)))
            elif quoted.record.collection == "demands" and source_id in sources:  # any of its places may show the quote
                for entry in quoted.record.data.get("occasions") or []:
                    for field, collection in (("at", "meetings"), ("in", "documents")):
                        if isinstance(entry, dict) and entry.get(field) in dataset.records[collection]:
                            out.append(((collection, entry[field]), ("sources", source_id)))
    return out
