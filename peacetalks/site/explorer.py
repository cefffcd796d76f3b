"""The demand explorer (facets on the demands index) and the positions views (topics × parties).

Every fact comes from peacetalks.occasions (made_by, made_of, current_status, first_raised,
last_stated), with parties rolled up through `affiliation` (parties.py). The explorer's facet
values sit in data- attributes of the index's rows, which docs/assets/explorer.js filters in
the browser; without JavaScript the full table shows."""

from __future__ import annotations

from typing import Any

import nh3
from markupsafe import Markup

from .. import occasions as occ
from . import parties
from .text import _MARKDOWN_TAGS
from .views import Site, act_label, date_view, enum_label, enum_labels, status_label

# The explorer's and the cards' HTML: the site's block markup plus form controls and data- attributes.
# Record text never reaches an attribute here except as escaped plain text (labels, ids).
_BLOCK = nh3.Cleaner(
    tags=_MARKDOWN_TAGS
    | {"dd", "div", "dl", "dt", "q", "span", "table", "tbody", "td", "th", "thead", "time", "tr"}
    | {"form", "fieldset", "legend", "label", "select", "option", "input", "button"},
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


def _by_party_topic(site: Site) -> dict[tuple[str, str], list[str]]:
    """(party, topic) -> the demand ids that party made on that topic, by first raised then id."""
    cells: dict[tuple[str, str], list[str]] = {}
    for demand_id in sorted(site.dataset.records["demands"], key=lambda d: (_first(site, d), d)):
        record = site.record(("demands", demand_id))
        for party in parties.parties_of(site.dataset, site.occasions(demand_id)):
            for topic in record.data.get("topics") or []:
                if topic in site.dataset.records["topics"]:
                    cells.setdefault((party, topic), []).append(demand_id)
    return cells


def _first(site: Site, demand_id: str) -> str:
    first = occ.first_raised(site.occasions(demand_id))
    span = first.span if first is not None else None
    return span.first.isoformat() if span is not None else "9999"


def _label_order(site: Site, collection: str) -> Any:
    return lambda i: (site.record((collection, i)).label.casefold(), i)


def positions_view(site: Site, page: str) -> dict[str, Any]:
    """Topics as rows, parties as columns; each cell that party's demands on that topic."""
    cells = _by_party_topic(site)
    party_ids = sorted({p for p, _ in cells}, key=_label_order(site, "actors"))
    topic_ids = sorted({t for _, t in cells}, key=_label_order(site, "topics"))
    columns = [site.link(page, ("actors", p)) for p in party_ids]
    rows = [
        {
            "link": site.link(page, ("topics", t)),
            "cells": [
                {"party": site.record(("actors", p)).label, "entries": [_entry(site, page, d, p) for d in cells.get((p, t), [])]}
                for p in party_ids
            ],
        }
        for t in topic_ids
    ]
    return {"columns": columns, "rows": rows}


def topic_positions(site: Site, page: str, topic: str) -> list[dict[str, Any]]:
    """A topic page's positions: each party that made demands on it, with those demands."""
    cells = {p: ds for (p, t), ds in _by_party_topic(site).items() if t == topic}
    return [
        {"party": site.link(page, ("actors", p)), "entries": [_entry(site, page, d, p) for d in cells[p]]}
        for p in sorted(cells, key=_label_order(site, "actors"))
    ]


def actor_positions(site: Site, page: str, actor: str) -> list[dict[str, Any]]:
    """An actor page's positions: per topic, the demands it made (itself or through its affiliates)."""
    found: dict[str, list[str]] = {}
    for demand_id in sorted(site.dataset.records["demands"], key=lambda d: (_first(site, d), d)):
        items = site.occasions(demand_id)
        if actor not in parties.rolled_up(site.dataset, occ.made_by(items)):
            continue
        for topic in site.record(("demands", demand_id)).data.get("topics") or []:
            if topic in site.dataset.records["topics"]:
                found.setdefault(topic, []).append(demand_id)
    return [
        {"topic": site.link(page, ("topics", t)), "entries": [_entry(site, page, d, actor) for d in found[t]]}
        for t in sorted(found, key=_label_order(site, "topics"))
    ]


__all__ = ["actor_positions", "demand_facets", "enum_label", "explorer_block", "facets", "positions_view", "topic_positions"]
