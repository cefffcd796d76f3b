"""The demand explorer (facets on the demands index) and the positions views (topics × parties).

Every fact comes from peacetalks.occasions (made_by, made_of, current_status, first_raised,
last_stated), with parties rolled up through `affiliation` (parties.py). The explorer's facet
values sit in data- attributes of the index's rows, which docs/assets/explorer.js filters in
the browser; without JavaScript the full table shows."""

from __future__ import annotations

import html
import json
import weakref
from typing import Any

import nh3
from markupsafe import Markup

from .. import occasions as occ
from ..collections import index_page
from . import parties
from .text import _MARKDOWN_TAGS, url_attr
from . import pager
from .views import Site, act_label, date_view, enum_label, enum_labels, explorer_href, output_path, relative, status_label

# The explorer's and the cards' HTML: the site's block markup plus form controls and data- attributes.
# Record text never reaches an attribute here except as escaped plain text (labels, ids).
_BLOCK = nh3.Cleaner(
    tags=_MARKDOWN_TAGS
    | {"dd", "div", "dl", "dt", "q", "span", "table", "tbody", "td", "th", "thead", "time", "tr"}
    | {"form", "fieldset", "legend", "label", "select", "option", "input", "button", "nav"},
    attributes={
        "*": {"class", "id", "hidden"},
        "a": {"href", "title"},
        "time": {"datetime"},
        "th": {"scope"},
        "label": {"for"},
        "select": {"name"},
        "option": {"value", "selected"},
        "input": {"type", "name", "value", "min", "max"},
        "button": {"type"},
        "form": {"aria-label"},
    },
    generic_attribute_prefixes={"data-", "aria-"},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
    strip_comments=True,
)


def explorer_block(html: str) -> Markup:
    """As text.html_block (one sanitised raw block Python-Markdown passes through), with form controls."""
    body = str(_BLOCK.clean(str(html).strip())).replace("\r", "&#13;").replace("\n", "&#10;")
    return Markup(f'\n<div class="peacetalks-html">{body}</div>\n\n')


def _span_days(item: occ.Occasion | None, first: bool) -> str:
    """'start end' ISO days an occasion's date may mean ('' when undated)."""
    span = item.span if item is not None else None
    return f"{span.first.isoformat()} {span.last.isoformat()}" if span is not None else ""


def demand_facets(site: Site, demand_id: str) -> dict[str, str]:
    """The data- attributes of a demand's row: ids separated by spaces (slugs), dates as ISO days."""
    dataset, items = site.dataset, site.occasions(demand_id)
    record = site.record(("demands", demand_id))
    current = occ.current_status(items)
    topics = [t for t in record.data.get("topics") or [] if isinstance(t, str)]
    return {
        "made-by": " ".join(parties.rolled_up(dataset, occ.made_by(items))),
        "made-of": " ".join(parties.rolled_up(dataset, occ.made_of(items))),
        "topic": " ".join(dict.fromkeys(x for t in topics for x in parties.topic_chain(dataset, t))),
        "kind": str(record.data.get("kind") or ""),
        "status": current[0] if current else "unknown",
        "raised": _span_days(occ.first_raised(items), True),
        "stated": _span_days(occ.last_stated(items), False),
    }


def _actor_options(site: Site, rows: list[dict[str, str]], name: str) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for row in rows:
        for value in row[name].split():
            counts[value] = counts.get(value, 0) + 1
    dataset = site.dataset

    def order(actor: str) -> tuple[str, int, str, str]:
        chain = parties.chain(dataset, actor)
        root = site.record(("actors", chain[-1])).label.casefold()
        return root, len(chain), site.record(("actors", actor)).label.casefold(), actor

    out = []
    for actor in sorted(counts, key=order):
        chain = parties.chain(dataset, actor)
        label = site.record(("actors", actor)).label
        if len(chain) > 1:
            label = f"{label} — {site.record(('actors', chain[-1])).label}"
        out.append({"value": actor, "label": label, "count": counts[actor]})
    return out


def _options(rows: list[dict[str, str]], name: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for row in rows:
        for value in row[name].split():
            counts[value] = counts.get(value, 0) + 1
    order = list(labels)
    ranked = sorted(counts, key=lambda v: (order.index(v) if v in order else len(order), v))
    return [{"value": v, "label": labels.get(v, v), "count": counts[v]} for v in ranked]


def facets(site: Site, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The explorer's select boxes: name (the query parameter), label, options with their counts."""
    topics = {
        t: site.record(("topics", t)).label
        for t in sorted(site.dataset.records["topics"], key=lambda t: site.record(("topics", t)).label.casefold())
    }
    statuses = {s: status_label(s) for s in occ.vocabulary().statuses} | {"unknown": "not known"}
    return [
        {"name": "made_by", "attr": "made-by", "label": "Made by", "options": _actor_options(site, rows, "made-by")},
        {"name": "made_of", "attr": "made-of", "label": "Made of", "options": _actor_options(site, rows, "made-of")},
        {"name": "topic", "attr": "topic", "label": "Topic", "options": _options(rows, "topic", topics)},
        {"name": "kind", "attr": "kind", "label": "Kind", "options": _options(rows, "kind", enum_labels("demands", "kind"))},
        {"name": "status", "attr": "status", "label": "Current status", "options": _options(rows, "status", statuses)},
    ]


# --- every demand, for the explorer of a demands index split into pages -----------------------

ROWS_FILE = "demands/index_rows.js"  # beside demands/index.html; a script, so it loads from file:// too
ID_FACETS = ("made-by", "made-of", "topic")  # facets whose values are record ids
FACET_NAMES = (*ID_FACETS, "kind", "status", "raised", "stated")


class _Table:
    """Strings stored once in the data file, cells referring to them by position."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._index: dict[Any, int] = {}

    def __call__(self, item: Any) -> int:
        key = tuple(item) if isinstance(item, list) else item
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append(item)
        return self._index[key]


def _plain(value: Any) -> str:
    """A printed value as plain text (a view holds some as Markdown-inert Markup: its entities decoded)."""
    return html.unescape(str(value)) if isinstance(value, Markup) else str(value)


def _cell(cell: dict[str, Any], refs: _Table) -> Any:
    """An index cell (text, one link, links, a date) in the data file's compact form: a string, a
    link's number in `refs`, a list of them, or {"d": ISO, "w": words, "i": 1 when inferred}."""
    if "link" in cell:
        return refs([str(cell["link"]["href"]), cell["link"]["label"]])
    if "links" in cell:
        return [refs([str(link["href"]), link["label"]]) for link in cell["links"]]
    if "date" in cell:
        date = cell["date"]
        return {"d": date["iso"], "w": _plain(date["words"])} | ({"i": 1} if date.get("inferred") else {}) if date else None
    return _plain(cell.get("text", ""))


def rows_script(columns: list[str], rows: list[list[dict[str, Any]]], facets: list[dict[str, str]]) -> bytes:
    """Every row of the demands index as a script assigning window.peacetalksRows: the columns,
    the links (address and label, each once), the ids the facets name (each once), and per row its
    cells and facet values. ASCII JSON, so that no record text can end the script."""
    refs, ids = _Table(), _Table()
    out = []
    for cells, values in zip(rows, facets, strict=True):
        facet = [[ids(v) for v in values[n].split()] if n in ID_FACETS else values[n] for n in FACET_NAMES]
        out.append([[_cell(c, refs) for c in cells], facet])
    data = {"columns": columns, "facets": FACET_NAMES, "refs": refs.items, "ids": ids.items, "rows": out}
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=False)
    return f"window.peacetalksRows = {text};\n".encode("ascii")


# --- positions ---------------------------------------------------------------------------------


def _entry(site: Site, page: str, demand_id: str, party: str | None) -> dict[str, Any]:
    items = site.occasions(demand_id)
    current = occ.current_status(items)
    last = occ.last_stated(items)
    via = [a for a in occ.made_by(items) if a in site.dataset.records["actors"] and a != party and party in parties.chain(site.dataset, a)]
    return {
        "link": site.link(page, ("demands", demand_id)),
        "status": status_label(current[0]) if current else "status not known",
        "last": date_view(last.date.value) if last is not None and last.date is not None else None,
        "last_act": act_label(last.act) if last is not None else "",
        "via": site.links(page, "actors", via),
    }


def _memo(site: Site, name: str, make: Any) -> Any:
    """What `make()` gives, computed once per Site (one render): the positions' groupings read every
    demand, and the topic and actor pages each need them, so computing them per page would be O(N²)."""
    store = _MEMO.setdefault(site, {})
    if name not in store:
        store[name] = make()
    return store[name]


_MEMO: weakref.WeakKeyDictionary[Site, dict[str, Any]] = weakref.WeakKeyDictionary()


def _demands_in_order(site: Site) -> list[str]:
    return _memo(site, "order", lambda: sorted(site.dataset.records["demands"], key=lambda d: (_first(site, d), d)))  # type: ignore[no-any-return]


def _by_party_topic(site: Site) -> dict[tuple[str, str], list[str]]:
    """(party, topic) -> the demand ids that party made on that topic, by first raised then id."""

    def make() -> dict[tuple[str, str], list[str]]:
        cells: dict[tuple[str, str], list[str]] = {}
        for demand_id in _demands_in_order(site):
            record = site.record(("demands", demand_id))
            for party in parties.parties_of(site.dataset, site.occasions(demand_id)):
                for topic in record.data.get("topics") or []:
                    if topic in site.dataset.records["topics"]:
                        cells.setdefault((party, topic), []).append(demand_id)
        return cells

    return _memo(site, "party-topic", make)  # type: ignore[no-any-return]


def _by_topic(site: Site) -> dict[str, dict[str, list[str]]]:
    """topic -> party -> the demand ids, as _by_party_topic."""

    def make() -> dict[str, dict[str, list[str]]]:
        out: dict[str, dict[str, list[str]]] = {}
        for (party, topic), demands in _by_party_topic(site).items():
            out.setdefault(topic, {})[party] = demands
        return out

    return _memo(site, "topic", make)  # type: ignore[no-any-return]


def _by_maker(site: Site) -> dict[str, dict[str, list[str]]]:
    """actor -> topic -> the demand ids the actor made on it, itself or through its affiliates."""

    def make() -> dict[str, dict[str, list[str]]]:
        out: dict[str, dict[str, list[str]]] = {}
        for demand_id in _demands_in_order(site):
            topics = [t for t in site.record(("demands", demand_id)).data.get("topics") or [] if t in site.dataset.records["topics"]]
            for actor in parties.rolled_up(site.dataset, occ.made_by(site.occasions(demand_id))):
                for topic in topics:
                    out.setdefault(actor, {}).setdefault(topic, []).append(demand_id)
        return out

    return _memo(site, "maker", make)  # type: ignore[no-any-return]


def _first(site: Site, demand_id: str) -> str:
    first = occ.first_raised(site.occasions(demand_id))
    span = first.span if first is not None else None
    return span.first.isoformat() if span is not None else "9999"


def _label_order(site: Site, collection: str) -> Any:
    return lambda i: (site.record((collection, i)).label.casefold(), i)


POSITION_ENTRIES = 10  # demands listed in a cell of the positions; the rest are a link to the explorer


def _position_cell(site: Site, page: str, demand_ids: list[str], party: str, topic: str) -> dict[str, Any]:
    """A party's demands on a topic: the first POSITION_ENTRIES, and past them how many more and a
    link to the demands index's explorer filtered to that party and topic (which also counts the
    topic's narrower topics)."""
    shown = [_entry(site, page, d, party) for d in demand_ids[:POSITION_ENTRIES]]
    rest = len(demand_ids) - len(shown)
    more = {"count": rest, "href": explorer_href(page, f"made_by={party}&topic={topic}")} if rest > 0 else None
    return {"entries": shown, "more": more}


def positions_view(site: Site, page: str) -> dict[str, Any]:
    """Topics as rows, parties as columns; each cell that party's demands on that topic. With more
    parties than a matrix shows (pager.MAX_COLUMNS), each row lists only the parties with demands
    on its topic, each with how many, linked to the explorer filtered to them (the topic's page
    lists the demands): drawn as a matrix, a row would hold a cell for every party, nearly all
    empty, and a page of such rows would hold one or two topics."""
    cells = _by_party_topic(site)
    party_ids = sorted({p for p, _ in cells}, key=_label_order(site, "actors"))
    topic_ids = sorted({t for _, t in cells}, key=_label_order(site, "topics"))
    if len(party_ids) > pager.MAX_COLUMNS:
        return {"as_matrix": False, "parties": len(party_ids), "rows": [_listed_row(site, page, cells, party_ids, t) for t in topic_ids]}
    columns = [site.link(page, ("actors", p)) for p in party_ids]
    rows = [
        {
            "link": site.link(page, ("topics", t)),
            "cells": [
                {"party": site.record(("actors", p)).label} | _position_cell(site, page, cells.get((p, t), []), p, t) for p in party_ids
            ],
        }
        for t in topic_ids
    ]
    return {"as_matrix": True, "columns": columns, "rows": rows}


def _listed_row(site: Site, page: str, cells: dict[tuple[str, str], list[str]], party_ids: list[str], topic: str) -> dict[str, Any]:
    listed = [
        {"link": site.link(page, ("actors", p)), "count": len(cells[(p, topic)]), "href": explorer_href(page, f"made_by={p}&topic={topic}")}
        for p in party_ids
        if (p, topic) in cells
    ]
    return {"link": site.link(page, ("topics", topic)), "parties": listed}


POSITION_ROWS = 20  # rows of a record page's positions (an actor's topics, a topic's parties); the rest, a link to the explorer


def _most(site: Site, found: dict[str, list[str]], collection: str) -> tuple[list[str], int]:
    """The POSITION_ROWS keys of `found` with the most demands (ties by label), in label order, and
    how many are left out: a party active on every topic would otherwise have a row for each."""
    order = _label_order(site, collection)
    chosen = sorted(found, key=lambda k: (-len(found[k]), order(k)))[:POSITION_ROWS]
    return sorted(chosen, key=order), len(found) - len(chosen)


def _more_rows(page: str, left_out: int, query: str, words: str) -> dict[str, Any] | None:
    """Past the rows shown, how many more (`words`: what they are, as a count's noun phrase) and a
    link to the demands explorer filtered by `query`, where all of them are."""
    if left_out <= 0:
        return None
    return {"count": left_out, "words": words, "href": explorer_href(page, query)}


def topic_positions(site: Site, page: str, topic: str) -> dict[str, Any]:
    """A topic page's positions: the parties that made most demands on it, with those demands."""
    cells = _by_topic(site).get(topic, {})
    shown, left_out = _most(site, cells, "actors")
    return {
        "rows": [{"party": site.link(page, ("actors", p))} | _position_cell(site, page, cells[p], p, topic) for p in shown],
        "more": _more_rows(page, left_out, f"topic={topic}", "more parties made demands on it" if left_out > 1 else "more party made demands on it"),
    }


def actor_positions(site: Site, page: str, actor: str) -> dict[str, Any]:
    """An actor page's positions: the topics it made most demands on (itself or through its
    affiliates), with those demands."""
    found = _by_maker(site).get(actor, {})
    shown, left_out = _most(site, found, "topics")
    return {
        "rows": [{"topic": site.link(page, ("topics", t))} | _position_cell(site, page, found[t], actor, t) for t in shown],
        "more": _more_rows(page, left_out, f"made_by={actor}", "more topics it made demands on" if left_out > 1 else "more topic it made demands on"),
    }


__all__ = ["actor_positions", "demand_facets", "enum_label", "explorer_block", "facets", "positions_view", "topic_positions"]
