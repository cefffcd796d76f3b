"""View models: plain dictionaries that the templates lay out. All facts come from the records;
all presentation lives in the templates. Strings stay raw here (the template environment
escapes them); trusted markup (URLs built from ids, rendered Markdown) is Markup."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from .. import edtf
from ..collections import COLLECTIONS, index_page
from ..load import Dataset, Record
from .graph import Graph, Key
from .text import Renderer, url_attr

# Headings for references that point at a page, keyed by (referring collection, relation).
INCOMING_LABELS: dict[tuple[str, str], str] = {
    ("demands", "made_by"): "Demands made",
    ("demands", "made_of"): "Demands received",
    ("demands", "status_history.by"): "Demand statuses set",
    ("demands", "topics"): "Demands",
    ("demands", "raised_at.meeting"): "Demands raised here",
    ("demands", "raised_at.document"): "Demands in this document",
    ("demands", "related"): "Related demands",
    ("meetings", "participants"): "Meetings attended",
    ("meetings", "place.country"): "Meetings held here",
    ("meetings", "demands"): "Discussed at",
    ("meetings", "part_of"): "Meetings in this series",
    ("documents", "authors"): "Documents written",
    ("documents", "recipients"): "Documents received",
    ("documents", "meetings"): "Documents discussed here",
    ("actors", "affiliation"): "Affiliated actors",
    ("actors", "roles.of"): "Roles held in it",
    ("topics", "parent"): "Narrower topics",
}


@dataclass(frozen=True)
class Settings:
    repo_url: str  # the public repository, for edit and report links
    branch: str = "main"
    directory_urls: bool = False


def page_path(key: Key) -> str:
    return f"{key[0]}/{key[1]}.md"


@lru_cache(maxsize=65536)
def relative(page: str, target: str) -> str:
    """`target` relative to the directory of `page` (both docs-relative paths without '..')."""
    here, there = page.split("/")[:-1], target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


class Site:
    """Everything a view needs: the records, the reference graph, the Markdown renderer, links."""

    def __init__(self, dataset: Dataset, graph: Graph, renderer: Renderer, settings: Settings) -> None:
        self.dataset = dataset
        self.graph = graph
        self.renderer = renderer
        self.settings = settings

    def record(self, key: Key) -> Record:
        return self.dataset.records[key[0]][key[1]]

    def link(self, page: str, key: Key, *, anchor: str = "") -> dict[str, Any]:
        url = relative(page, page_path(key))
        return {"url": Markup(url_attr(url + (f"#{anchor}" if anchor else ""))), "label": self.record(key).label, "id": key[1]}

    def links(self, page: str, collection: str, ids: Any) -> list[dict[str, Any]]:
        return [self.link(page, (collection, i)) for i in ids or [] if i in self.dataset.records[collection]]

    def to(self, page: str, target: str) -> Markup:
        """Relative link from one generated page to another (both docs-relative .md paths)."""
        return Markup(url_attr(relative(page, target)))

    def edit_url(self, record: Record) -> Markup:
        return Markup(url_attr(f"{self.settings.repo_url}/edit/{self.settings.branch}/records/{record.collection}/{record.id}.json"))

    def report_url(self, record: Record) -> Markup:
        query = urlencode(
            {
                "title": f"Error in {record.collection}/{record.id}",
                "body": f"Record: records/{record.collection}/{record.id}.json\n\nWhat is wrong, and the source that shows it:\n",
            },
            quote_via=quote,
        )
        return Markup(f"{url_attr(self.settings.repo_url)}/issues/new?{query}")

    def markdown(self, record: Record, pointer: str, value: Any, page: str, *, inline: bool = False) -> Markup | None:
        if not isinstance(value, str):
            return None
        render = self.renderer.inline_html if inline else self.renderer.html
        return render(value, page, f"{record.path}\0{pointer}")


def date_view(value: Any) -> dict[str, Any] | None:
    """A `dated` object in words at its own precision, with how it was established."""
    if not isinstance(value, dict) or not isinstance(value.get("date"), str):
        return None
    text = value["date"]
    words, iso = _date_words(text)
    return {
        "words": words,
        "edtf": text,
        "iso": iso,
        "inferred": bool(value.get("inferred")),
        "reasoning": value.get("reasoning"),
    }


@lru_cache(maxsize=16384)
def _date_words(text: str) -> tuple[str, str]:
    try:
        iso = edtf.parse(text).first.isoformat()
    except edtf.DateError:
        iso = ""
    return edtf.human(text), iso


def sort_key(value: Any) -> str:
    view = date_view(value)
    return view["iso"] if view else ""


def citation_views(site: Site, record: Record, page: str, citations: Any, pointer: str, context: str) -> list[dict[str, Any]]:
    out = []
    for index, citation in enumerate(citations or []):
        source_id = citation.get("source", "")
        source = site.link(page, ("sources", source_id)) if source_id in site.dataset.records["sources"] else None
        out.append(
            {
                "context": context,
                "quote": citation.get("quote", ""),
                "source": source,
                "attribution": citation.get("attribution"),
                "supports": citation.get("supports") or [],
                "note": site.markdown(record, f"{pointer}/{index}/note", citation.get("note"), page, inline=True),
            }
        )
    return out


def common(site: Site, record: Record) -> dict[str, Any]:
    page = page_path((record.collection, record.id))
    return {
        "page": page,
        "id": record.id,
        "title": record.label,
        "singular": COLLECTIONS[record.collection].singular,
        "collection": record.collection,
        "edit_url": site.edit_url(record),
        "report_url": site.report_url(record),
        "json_path": f"records/{record.collection}/{record.id}.json",
        "index": site.to(page, index_page(record.collection)),
    }


def grouped_incoming(site: Site, record: Record, page: str, skip: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Sections for every other kind of reference into this record, so no link is one-way."""
    key = (record.collection, record.id)
    groups: dict[tuple[str, str], list[Key]] = {}
    for edge in site.graph.incoming.get(key, []):
        group = (edge.source[0], edge.relation)
        if group in skip:
            continue
        members = groups.setdefault(group, [])
        if edge.source not in members:
            members.append(edge.source)
    sections = []
    for group, keys in sorted(groups.items()):
        heading = INCOMING_LABELS.get(group, f"{COLLECTIONS[group[0]].name.capitalize()} referring to it ({group[1]})")
        if group[1] == "cites":
            heading = f"Cited by {group[0]}"
        sections.append({"heading": heading, "links": [site.link(page, k) for k in keys]})
    return sections


def _certainty(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in views if c["attribution"]]


def merge_evidence(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per distinct quote (same source, attribution and note), listing every claim it backs."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for view in views:
        key = (view["source"]["id"] if view["source"] else None, view["quote"], view["attribution"], str(view["note"] or ""))
        if key in merged:
            entry = merged[key]
            if view["context"] not in entry["contexts"]:
                entry["contexts"].append(view["context"])
            entry["supports"] = sorted(set(entry["supports"]) | set(view["supports"]))
        else:
            merged[key] = view | {"contexts": [view["context"]]}
    return [entry | {"context": "; ".join(entry["contexts"])} for entry in merged.values()]


def demand_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    raised: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    for index, entry in enumerate(data.get("raised_at") or []):
        target = ("meetings", entry["meeting"]) if "meeting" in entry else ("documents", entry.get("document", ""))
        if target[1] not in site.dataset.records[target[0]]:
            continue
        link = site.link(page, target)
        when = date_view(site.record(target).data.get("start") or site.record(target).data.get("date"))
        raised.append(
            {
                "link": link,
                "kind": COLLECTIONS[target[0]].singular,
                "when": when,
                "note": site.markdown(record, f"/raised_at/{index}/note", entry.get("note"), page, inline=True),
            }
        )
        evidence += citation_views(
            site, record, page, entry.get("citations"), f"/raised_at/{index}/citations", f"Raised at {link['label']}"
        )
    listed = {r["link"]["id"] for r in raised}
    for meeting in site.graph.into(key, "demands", "meetings"):
        if meeting[1] not in listed:
            raised.append(
                {
                    "link": site.link(page, meeting),
                    "kind": "meeting",
                    "when": date_view(site.record(meeting).data.get("start")),
                    "note": None,
                }
            )
    history = []
    for index, entry in enumerate(data.get("status_history") or []):
        when = date_view(entry.get("date"))
        cites = citation_views(
            site,
            record,
            page,
            entry.get("citations"),
            f"/status_history/{index}/citations",
            f"Status “{entry.get('status', '')}”, {when['words'] if when else ''}",
        )
        evidence += cites
        history.append(
            {
                "when": when,
                "status": entry.get("status", ""),
                "by": site.links(page, "actors", entry.get("by")),
                "note": site.markdown(record, f"/status_history/{index}/note", entry.get("note"), page, inline=True),
                "sources": _distinct_sources(cites),
            }
        )
    evidence = citation_views(site, record, page, data.get("citations"), "/citations", "The demand as a whole") + evidence
    related = list(
        dict.fromkeys(
            [("demands", i) for i in data.get("related") or [] if i in site.dataset.records["demands"]] + site.graph.into(key, "related")
        )
    )
    dates = [("First raised", date_view(data.get("first_raised")))] + [(f"Status “{h['status']}”", h["when"]) for h in history]
    view |= {
        "kind": data.get("kind", ""),
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "made_by": site.links(page, "actors", data.get("made_by")),
        "made_of": site.links(page, "actors", data.get("made_of")),
        "topics": site.links(page, "topics", data.get("topics")),
        "first_raised": date_view(data.get("first_raised")),
        "latest_status": history[-1]["status"] if history else "",
        "history": history,
        "raised": raised,
        "related": [site.link(page, k) for k in related],
        "evidence": merge_evidence(evidence),
        "second_hand": _certainty(merge_evidence(evidence)),
        "inferred": [{"what": what, "date": d} for what, d in dates if d and d["inferred"]],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, {("meetings", "demands"), ("demands", "related")}),
    }
    return view


def _distinct_sources(cites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for c in cites:
        if c["source"]:
            seen.setdefault(c["source"]["id"], c["source"])
    return list(seen.values())


def meeting_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    place = data.get("place") or {}
    demands = list(
        dict.fromkeys(
            [("demands", i) for i in data.get("demands") or [] if i in site.dataset.records["demands"]]
            + site.graph.into(key, "raised_at.meeting")
        )
    )
    start, end = date_view(data.get("start")), date_view(data.get("end"))
    evidence = citation_views(site, record, page, data.get("citations"), "/citations", "The meeting")
    view |= {
        "kind": data.get("kind", ""),
        "status": data.get("status", ""),
        "start": start,
        "end": end,
        "place": place.get("text"),
        "country": site.link(page, ("actors", place["country"])) if place.get("country") in site.dataset.records["actors"] else None,
        "participants": site.links(page, "actors", data.get("participants")),
        "part_of": site.link(page, ("meetings", data["part_of"])) if data.get("part_of") in site.dataset.records["meetings"] else None,
        "demands": [site.link(page, k) for k in demands],
        "documents": [site.link(page, k) for k in site.graph.into(key, "meetings", "documents")],
        "parts": [site.link(page, k) for k in site.graph.into(key, "part_of")],
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "outcome": site.markdown(record, "/outcome", data.get("outcome"), page),
        "evidence": merge_evidence(evidence),
        "second_hand": _certainty(merge_evidence(evidence)),
        "inferred": [{"what": what, "date": d} for what, d in (("Start", start), ("End", end)) if d and d["inferred"]],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(
            site, record, page, {("demands", "raised_at.meeting"), ("documents", "meetings"), ("meetings", "part_of")}
        ),
    }
    return view


def document_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    date = date_view(data.get("date"))
    evidence = citation_views(site, record, page, data.get("citations"), "/citations", "The document")
    view |= {
        "kind": data.get("kind", ""),
        "date": date,
        "public": data.get("public"),
        "authors": site.links(page, "actors", data.get("authors")),
        "recipients": site.links(page, "actors", data.get("recipients")),
        "meetings": site.links(page, "meetings", data.get("meetings")),
        "demands": [site.link(page, k) for k in site.graph.into(key, "raised_at.document")],
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "evidence": merge_evidence(evidence),
        "second_hand": _certainty(merge_evidence(evidence)),
        "inferred": [{"what": "Date", "date": date}] if date and date["inferred"] else [],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, {("demands", "raised_at.document")}),
    }
    return view


def actor_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    roles, evidence = [], citation_views(site, record, page, data.get("citations"), "/citations", "The actor")
    for index, role in enumerate(data.get("roles") or []):
        cites = citation_views(site, record, page, role.get("citations"), f"/roles/{index}/citations", f"Role “{role.get('title', '')}”")
        evidence += cites
        roles.append(
            {
                "title": role.get("title", ""),
                "of": site.link(page, ("actors", role["of"])) if role.get("of") in site.dataset.records["actors"] else None,
                "start": date_view(role.get("start")),
                "end": date_view(role.get("end")),
                "as_of": date_view(role.get("as_of")),
                "sources": _distinct_sources(cites),
            }
        )
    view |= {
        "kind": data.get("kind", ""),
        "aliases": data.get("aliases") or [],
        "affiliation": site.link(page, ("actors", data["affiliation"]))
        if data.get("affiliation") in site.dataset.records["actors"]
        else None,
        "wikidata": data.get("wikidata"),
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "roles": roles,
        "made": [site.link(page, k) for k in site.graph.into(key, "made_by")],
        "received": [site.link(page, k) for k in site.graph.into(key, "made_of")],
        "attended": [site.link(page, k) for k in site.graph.into(key, "participants")],
        "evidence": merge_evidence(evidence),
        "second_hand": _certainty(merge_evidence(evidence)),
        "inferred": [
            {"what": f"{role['title']}, {label}", "date": role[key]}
            for role in roles
            for key, label in (("start", "from"), ("end", "to"), ("as_of", "as of"))
            if role[key] and role[key]["inferred"]
        ],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, {("demands", "made_by"), ("demands", "made_of"), ("meetings", "participants")}),
    }
    return view


def topic_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    groups: dict[tuple[str, ...], list[Key]] = {}
    for demand in site.graph.into(key, "topics"):
        makers = tuple(site.record(demand).data.get("made_by") or [])
        groups.setdefault(makers, []).append(demand)
    by_maker = [
        {"anchor": "by-" + "-".join(makers), "makers": site.links(page, "actors", makers), "demands": [site.link(page, d) for d in demands]}
        for makers, demands in sorted(
            groups.items(), key=lambda item: [site.record(("actors", m)).label for m in item[0] if m in site.dataset.records["actors"]]
        )
    ]
    view |= {
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "parent": site.link(page, ("topics", data["parent"])) if data.get("parent") in site.dataset.records["topics"] else None,
        "children": [site.link(page, k) for k in site.graph.into(key, "parent")],
        "by_maker": by_maker,
        "evidence": [],
        "second_hand": [],
        "inferred": [],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, {("demands", "topics"), ("topics", "parent")}),
    }
    return view


def source_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    published = date_view(data.get("published"))
    citing: dict[str, list[dict[str, Any]]] = {}
    for edge in site.graph.incoming.get(key, []):
        if edge.relation == "cites":
            group = citing.setdefault(edge.source[0], [])
            if all(item["id"] != edge.source[1] for item in group):
                group.append(site.link(page, edge.source))
    view |= {
        "kind": data.get("kind", ""),
        "publisher": data.get("publisher"),
        "authors": data.get("authors") or [],
        "published": published,
        "url": Markup(url_attr(data["url"]))
        if isinstance(data.get("url"), str) and data["url"].startswith(("http://", "https://"))
        else None,
        "url_text": data.get("url"),
        "language": data.get("language"),
        "original_language": data.get("original_language"),
        "notes": site.markdown(record, "/notes", data.get("notes"), page),
        "licence": data.get("licence"),
        "sha256": data.get("text_sha256"),
        "cited_by": [{"heading": COLLECTIONS[name].name.capitalize(), "links": citing[name]} for name in COLLECTIONS if name in citing],
        "evidence": [],
        "second_hand": [],
        "inferred": [{"what": "Published", "date": published}] if published and published["inferred"] else [],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, {(name, "cites") for name in COLLECTIONS}),
    }
    return view


VIEWS = {
    "demands": demand_view,
    "meetings": meeting_view,
    "documents": document_view,
    "actors": actor_view,
    "topics": topic_view,
    "sources": source_view,
}
