"""Parties: actors rolled up to the state (or alliance, group) they belong to, through `affiliation`.

A demand made by Vladimir Putin is one of Russia's: the actor schema's `affiliation` links a
person, an administration or a delegation to its state. The demand explorer and the positions
pages read who made a demand and of whom through these functions, on top of
peacetalks.occasions (made_by, made_of), which stay the only source of the facts."""

from __future__ import annotations

from collections.abc import Iterable

from .. import occasions as occ
from ..load import Dataset

Key = tuple[str, str]  # (collection, id)


def _follow(dataset: Dataset, collection: str, start: str, link: str) -> list[str]:
    """`start`, then the record its `link` field names, that one's, and so on (a cycle stops it)."""
    out: list[str] = []
    current: object = start
    records = dataset.records[collection]
    while isinstance(current, str) and current in records and current not in out:
        out.append(current)
        current = records[current].data.get(link)
    return out


def chain(dataset: Dataset, actor: str) -> list[str]:
    """The actor, then its affiliation, that one's affiliation and so on."""
    return _follow(dataset, "actors", actor, "affiliation")


def party(dataset: Dataset, actor: str) -> str:
    """The actor's party: the last actor of its affiliation chain (itself when it has none)."""
    found = chain(dataset, actor)
    return found[-1] if found else actor


def rolled_up(dataset: Dataset, actors: Iterable[str]) -> list[str]:
    """The actors and everyone they are affiliated with, in order, each once (unknown ids dropped)."""
    return list(dict.fromkeys(a for actor in actors for a in chain(dataset, actor)))


def topic_chain(dataset: Dataset, topic: str) -> list[str]:
    """The topic, then its broader topic, and so on."""
    return _follow(dataset, "topics", topic, "parent")


def parties_of(dataset: Dataset, items: list[occ.Occasion]) -> list[str]:
    """The parties that made a demand (made_by, rolled up to the end of each affiliation chain)."""
    return list(dict.fromkeys(party(dataset, a) for a in occ.made_by(items) if a in dataset.records["actors"]))


def shown(dataset: Dataset) -> list[tuple[Key, Key]]:
    """(page's record, record it shows) pairs for the positions sections, which show records two
    references away: a topic page its demands' parties; an actor page the demands its affiliates
    made, their topics, and the meeting or document a last statement's date is taken from."""
    pairs: dict[tuple[Key, Key], None] = {}
    for demand_id in sorted(dataset.records["demands"]):
        demand = dataset.records["demands"][demand_id]
        items = occ.occasions(demand, dataset)
        makers = rolled_up(dataset, occ.made_by(items))
        topics = [t for t in demand.data.get("topics") or [] if isinstance(t, str) and t in dataset.records["topics"]]
        last = occ.last_stated(items)
        dated = [last.date.taken_from] if last is not None and last.date is not None and last.date.taken_from else []
        for topic in topics:
            for key in [*(("actors", m) for m in makers), *dated]:
                pairs.setdefault((("topics", topic), key))
        for maker in makers:
            for key in [("demands", demand_id), *(("topics", t) for t in topics), *dated]:
                pairs.setdefault((("actors", maker), key))
    return list(pairs)
