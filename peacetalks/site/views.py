"""View models: plain dictionaries that the templates lay out. All facts come from the records;
all presentation lives in the templates. Strings stay raw here (the template environment
escapes them); trusted markup (URLs built from ids, rendered Markdown) is Markup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from .. import edtf
from .. import occasions as occ
from ..collections import COLLECTIONS, index_page
from ..load import Dataset, Record
from ..schemas import load_schemas, resolve, schema_at
from . import cite, sourcetext
from . import text as text_module
from .api import ROOT as API_ROOT
from .cite import Edition
from .graph import SHOWS, Graph, Key
from .text import Renderer, url_attr
from .timeline import COLOURS

# Headings for references that point at a page, keyed by (referring collection, relation).
# The demands' occasions (by, of, at, in) are shown by the pages' own sections, not here.
INCOMING_LABELS: dict[tuple[str, str], str] = {
    ("demands", "topics"): "Demands",
    ("demands", "related"): "Related demands",
    ("meetings", "participants"): "Meetings attended",
    ("meetings", "place.country"): "Meetings held here",
    ("meetings", "part_of"): "Meetings in this series",
    ("documents", "authors"): "Documents written",
    ("documents", "recipients"): "Documents received",
    ("documents", "meetings"): "Documents discussed here",
    ("actors", "affiliation"): "Affiliated actors",
    ("actors", "roles.of"): "Roles held in it",
    ("topics", "parent"): "Narrower topics",
    ("sources", "translation_of"): "Translations",
}
OCCASION_RELATIONS = {("demands", f"occasions.{name}") for name in ("by", "of", "at", "in")}


@dataclass(frozen=True)
class Settings:
    """What the site needs to know about where it and its repository live (mkdocs_glue.settings).

    Empty `repo_url`: no "Edit this record" or "Report an error" link (never a guessed address).
    Empty `site_url`: links stay relative and a record's citation names no address."""

    repo_url: str = ""  # the public repository, for edit and report links
    branch: str = "main"
    directory_urls: bool = False
    site_url: str = ""  # the site's public address, without a trailing slash


def page_path(key: Key) -> str:
    return f"{key[0]}/{key[1]}.md"


def output_path(path: str, directory_urls: bool = False) -> str:
    """Where MkDocs writes a docs-relative .md page: 'demands/x.md' -> 'demands/x.html'."""
    stem = path.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    return stem.removesuffix("index") if stem.endswith("index") else stem + "/"


@lru_cache(maxsize=65536)
def relative(page: str, target: str) -> str:
    """`target` relative to the directory of `page` (both docs-relative paths without '..')."""
    here, there = page.split("/")[:-1], target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


@lru_cache(maxsize=1 << 16)
def _addresses(directory: str, key: Key, anchor: str, directory_urls: bool) -> tuple[Markup, Markup]:
    """A record page's address from a page in `directory`, for Markdown and for HTML: every page of
    a directory links to a record by the same two, so they are worked out once."""
    page = f"{directory}/index.md" if directory else "index.md"  # `relative` reads only the directory
    fragment = f"#{anchor}" if anchor else ""
    url = relative(page, page_path(key))
    href = relative(page, output_path(page_path(key), directory_urls))
    return Markup(url_attr(url + fragment)), Markup(url_attr(href + fragment))


def release_caches() -> None:
    """Empty the caches a render fills (addresses, labels, URLs): MkDocs, which runs after it, needs
    the memory more (its peak is at the end of its build, with every page's search text held)."""
    for cached in (_addresses, relative, text_module.url_attr, text_module.short_md_text):
        cached.cache_clear()


def occasion_anchor(occasion_id: str) -> str:
    """The id of an occasion on its demand's page (occasion ids are slugs: safe in a URL and an id)."""
    return f"occasion-{occasion_id}"


# --- words for codes, from the schemas ---------------------------------------------------------


@cache
def enum_labels(collection: str, name: str) -> dict[str, str]:
    """The schema's `x-labels` for an enumerated field of a collection's records."""
    labels = schema_at(collection, (name,)).get("x-labels")
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def enum_label(collection: str, name: str, value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return enum_labels(collection, name).get(value, value)


def _titles(properties: dict[str, Any], into: dict[str, str]) -> dict[str, str]:
    for name, node in properties.items():
        resolved = resolve(node)
        into.setdefault(name, str(resolved.get("title") or name.replace("_", " ")))
    for node in properties.values():
        resolved = resolve(node)
        inner = resolve(resolved.get("items", {})) if resolved.get("type") == "array" else resolved
        if isinstance(inner.get("properties"), dict) and "quote" not in inner["properties"]:
            _titles(inner["properties"], into)
    return into


@cache
def field_titles(collection: str) -> dict[str, str]:
    """Field name -> its schema `title` (nested fields too, where the name is not taken above)."""
    schema = load_schemas()[COLLECTIONS[collection].schema]
    properties = {k: v for k, v in schema["properties"].items() if k != "occasions"}
    return _titles(properties, {})


@cache
def occasion_titles() -> dict[str, str]:
    return _titles(load_schemas()["defs"]["$defs"]["occasion"]["properties"], {})


@lru_cache(maxsize=1024)
def language_name(tag: Any) -> str:
    """A BCP 47 language tag in English words ('uk' -> 'Ukrainian', 'en-GB' -> 'English (United
    Kingdom)'), from Babel's CLDR data; a tag it does not know is shown as the tag."""
    if not isinstance(tag, str) or not tag:
        return ""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(tag.replace("-", "_")).get_display_name("en"))
    except (UnknownLocaleError, ValueError, TypeError):
        names = Locale("en").languages
        return str(names.get(tag.split("-")[0].lower(), tag))


def act_label(act: str) -> str:
    return occ.vocabulary().labels.get(act, act)


def status_label(status: str) -> str:
    return occ.vocabulary().status_labels.get(status, status)


SHAPE_OF_ROLE = {"makes": "circle", "responds": "diamond"}  # any other role: "square" (timeline.SHAPES)


def occasion_style(act: str) -> tuple[str, str]:
    """(timeline.COLOURS key, shape) of an occasion: the status it leaves the demand in, and its act's role.

    The timeline draws it so, and the demand page's track of occasions uses the same colour and shape."""
    vocabulary = occ.vocabulary()
    status = vocabulary.standing.get(act)
    return status or "unchanged", SHAPE_OF_ROLE.get(vocabulary.role.get(act, ""), "square")


# --- derived facts, computed once per render ---------------------------------------------------

PARTS = ("made", "made_of", "answered", "other")  # an actor's part in a demand, by occasion


@dataclass
class Derived:
    """What the occasions say, indexed for the pages: per demand, per meeting/document, per actor."""

    occasions: dict[str, list[occ.Occasion]]  # demand id -> its occasions
    places: dict[Key, list[occ.Occasion]]  # (meetings|documents, id) -> occasions there
    actors: dict[str, dict[str, dict[str, list[occ.Occasion]]]] = field(default_factory=dict)  # actor -> part -> demand -> occasions

    def parts(self, actor: str, part: str) -> dict[str, list[occ.Occasion]]:
        return self.actors.get(actor, {}).get(part, {})


def derive(dataset: Dataset, known: dict[str, list[occ.Occasion]] | None = None) -> Derived:
    """Every demand's occasions (those in `known` as they are), where each took place, and what each actor did."""
    known = known or {}
    by_demand = {d.id: known[d.id] if d.id in known else occ.occasions(d, dataset) for d in dataset.records["demands"].values()}
    out = Derived(by_demand, occ.places_of(by_demand.values()))
    role = occ.vocabulary().role
    for demand_id in sorted(by_demand):
        for item in by_demand[demand_id]:
            part = {"makes": "made", "responds": "answered"}.get(role.get(item.act, ""), "other")
            for name, actors in ((part, item.data.get("by")), ("made_of", item.data.get("of"))):
                for actor in actors if isinstance(actors, list) else []:
                    out.actors.setdefault(actor, {}).setdefault(name, {}).setdefault(demand_id, []).append(item)
    return out


class Site:
    """Everything a view needs: the records, the reference graph, the Markdown renderer, links."""

    def __init__(self, dataset: Dataset, graph: Graph, renderer: Renderer, settings: Settings, edition: Edition | None = None) -> None:
        self.dataset = dataset
        self.graph = graph
        self.renderer = renderer
        self.settings = settings
        self.edition = edition or cite.edition(dataset.root)  # the version and date every citation names
        self._schema_texts: dict[str, Markup] = {}
        self._occasions: dict[str, list[occ.Occasion]] = {}  # demand id -> its occasions, before `derived`

    @cached_property
    def derived(self) -> Derived:
        return derive(self.dataset, self._occasions)

    def occasions(self, demand_id: str) -> list[occ.Occasion]:
        """A demand's occasions: made for it alone until something needs every demand's (`derived`),
        so that a preview of one edited page does not derive all 10,000 records' occasions."""
        if "derived" in self.__dict__:
            return self.derived.occasions.get(demand_id, [])
        found = self._occasions.get(demand_id)
        if found is None:
            record = self.dataset.records["demands"].get(demand_id)
            found = self._occasions[demand_id] = occ.occasions(record, self.dataset) if record is not None else []
        return found

    def record(self, key: Key) -> Record:
        return self.dataset.records[key[0]][key[1]]

    def link(self, page: str, key: Key, *, anchor: str = "") -> dict[str, Any]:
        """A link to a record's page: `url` for Markdown (MkDocs resolves the .md), `href` for raw HTML."""
        url, href = _addresses(page.rpartition("/")[0], key, anchor, self.settings.directory_urls)
        return {"url": url, "href": href, "label": self.record(key).label, "id": key[1]}

    def links(self, page: str, collection: str, ids: Any) -> list[dict[str, Any]]:
        return [self.link(page, (collection, i)) for i in ids or [] if i in self.dataset.records[collection]]

    def to(self, page: str, target: str) -> Markup:
        """Relative link from one generated page to another (both docs-relative .md paths)."""
        return Markup(url_attr(relative(page, target)))

    def edit_url(self, record: Record) -> Markup | None:
        if not self.settings.repo_url:
            return None
        return Markup(url_attr(f"{self.settings.repo_url}/edit/{self.settings.branch}/records/{record.collection}/{record.id}.json"))

    def report_url(self, record: Record) -> Markup | None:
        if not self.settings.repo_url:
            return None
        query = urlencode(
            {
                "title": f"Error in {record.collection}/{record.id}",
                "body": f"Record: records/{record.collection}/{record.id}.json\n\nWhat is wrong, and the source that shows it:\n",
            },
            quote_via=quote,
        )
        return Markup(f"{url_attr(self.settings.repo_url)}/issues/new?{query}")

    def schema_text(self, text: str, page: str) -> Markup:
        """An annotation of the schemas (an act's definition), which may hold Markdown code spans.

        Rendered once per text: the schemas' definitions hold no links, so the page does not matter."""
        if text not in self._schema_texts:
            self._schema_texts[text] = self.renderer.inline_html(text, page, "schema/defs.schema.json\0")
        return self._schema_texts[text]

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


def first_date(items: list[occ.Occasion]) -> dict[str, Any] | None:
    """The date the demand was first raised (its first occasion that made it), as a `dated` object."""
    first = occ.first_raised(items)
    return first.date.value if first is not None and first.date is not None else None


def citation_views(site: Site, record: Record, page: str, citations: Any, pointer: str, context: str) -> list[dict[str, Any]]:
    titles = field_titles(record.collection)
    out = []
    for index, citation in enumerate(citations or []):
        quote = citation.get("quote", "")
        out.append(
            {
                "context": context,
                "anchor": occ.citation_id(citation),
                "quote": quote,
                "excerpt": sourcetext.excerpt(quote),
                "source": sourcetext.source_ref(site, page, citation.get("source"), quote),
                "original": sourcetext.original_view(site, page, citation),
                "attribution": citation.get("attribution"),
                "supports": [titles.get(name, name) for name in citation.get("supports") or []],
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
        "index_href": Markup(url_attr(relative(page, output_path(index_page(record.collection), site.settings.directory_urls)))),
        "cite": record_cite(site, record),
        "data": {
            "csv": f"{record.collection}.csv",
            "csv_href": Markup(url_attr(relative(page, f"data/{record.collection}.csv"))),
            "api": f"{API_ROOT}/{record.collection}/{record.id}.json",
            "api_href": Markup(url_attr(relative(page, f"{API_ROOT}/{record.collection}/{record.id}.json"))),
        },
    }


def record_cite(site: Site, record: Record) -> dict[str, Any]:
    """'Cite this record': with a site URL, the page's permanent address (never a guessed one)."""
    base = site.settings.site_url
    address = f"{base}/{output_path(page_path((record.collection, record.id)), site.settings.directory_urls)}" if base else ""
    view = cite.record_citation(site.edition, record.collection, record.id, record.label, address)
    return view | {"href": Markup(url_attr(address)) if address else None, "day_words": edtf.human(site.edition.day)}


def grouped_incoming(site: Site, record: Record, page: str, skip: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Sections for every other kind of reference into this record, so no link is one-way."""
    key = (record.collection, record.id)
    groups: dict[tuple[str, str], list[Key]] = {}
    for edge in site.graph.incoming.get(key, []):
        group = (edge.source[0], edge.relation)
        if group in skip or group in OCCASION_RELATIONS or edge.relation == SHOWS:
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
    anchors: set[str | None] = set()  # two entries of one quote (other notes) share an anchor: the first keeps it
    out = []
    for entry in merged.values():
        anchor = entry.get("anchor")
        out.append(entry | {"context": "; ".join(entry["contexts"]), "anchor": anchor if anchor not in anchors else None})
        anchors.add(anchor)
    return out


def _distinct_sources(cites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for c in cites:
        if c["source"]:
            seen.setdefault(c["source"]["id"], c["source"])
    return list(seen.values())


# --- occasions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cited:
    """A citation of a demand, where it is held, and which fields of which occasion it backs."""

    citation: dict[str, Any]
    pointer: str  # the citation's JSON pointer in the record
    holder: str | None  # the occasion holding it; None: the demand itself
    backs: dict[str | None, tuple[str, ...]]  # occasion id (None: the demand) -> field names (empty: as a whole)

    @property
    def anchor(self) -> str:
        return occ.citation_id(self.citation)


def cited(record: Record) -> list[Cited]:
    """Every citation of a demand, with what its `supports` names, read as record_rules reads it."""
    occasion_ids = {e.get("id") for e in record.data.get("occasions") or [] if isinstance(e, dict)}
    top = set(load_schemas()[COLLECTIONS[record.collection].schema]["properties"]) - {
        "$schema",
        "id",
        "citations",
        "former_ids",
        "occasions",
    }
    inner = set(load_schemas()["defs"]["$defs"]["occasion"]["properties"]) - {"id", "citations"}
    lists: list[tuple[str, str | None, Any]] = [("/citations", None, record.data.get("citations"))]
    for index, entry in enumerate(record.data.get("occasions") or []):
        if isinstance(entry, dict):
            lists.append((f"/occasions/{index}/citations", entry.get("id"), entry.get("citations")))
    out = []
    for pointer, holder, items in lists:
        for index, citation in enumerate(items if isinstance(items, list) else []):
            if not isinstance(citation, dict):
                continue
            backs: dict[str | None, list[str]] = {}
            names = [n for n in citation.get("supports") or [] if isinstance(n, str)]
            if not names:
                backs[holder] = []
            for name in names:
                if holder is not None and name in inner:
                    backs.setdefault(holder, []).append(name)
                elif name in top:
                    backs.setdefault(None, []).append(name)
                else:
                    other, _, part = name.partition("/")
                    if other in occasion_ids:
                        fields = backs.setdefault(other, [])
                        if part:
                            fields.append(part)
            out.append(Cited(citation, f"{pointer}/{index}", holder, {k: tuple(v) for k, v in backs.items()}))
    return out


def occasion_label(item: occ.Occasion, *, own_date: bool = False) -> str:
    """An occasion in a few words: what happened and when ('raised, 11 March 2025').

    With `own_date`, a date taken from the occasion's meeting or document is left out: pages other
    than the demand's stay within one reference of what they show (see place_view)."""
    taken = item.date is not None and item.date.taken_from is not None
    when = date_view(item.date.value) if item.date and not (own_date and taken) else None
    return f"{act_label(item.act)}, {when['words']}" if when else act_label(item.act)


def occasion_link(site: Site, page: str, item: occ.Occasion) -> dict[str, Any]:
    """A link to an occasion on its demand's page (a bare fragment on that page itself)."""
    anchor = occasion_anchor(item.id)
    here = page == page_path(("demands", item.demand.id))
    label = {"label": occasion_label(item, own_date=not here), "demand": item.demand.label}
    if here:
        fragment = Markup(f"#{anchor}")
        return {"url": fragment, "href": fragment, "id": item.demand.id} | label
    return site.link(page, ("demands", item.demand.id), anchor=anchor) | label


def _inferred_groups(items: list[occ.Occasion]) -> dict[str, str]:
    """Occasion id -> the anchor of the entry explaining its inferred date (one per distinct reasoning)."""
    first: dict[str, str] = {}
    out: dict[str, str] = {}
    for item in items:
        own = item.data.get("date")
        if isinstance(own, dict) and own.get("inferred"):
            reasoning = str(own.get("reasoning") or "")
            out[item.id] = first.setdefault(reasoning, f"inferred-{item.id}")
    return out


def occasion_date_view(site: Site, page: str, item: occ.Occasion, how: dict[str, str]) -> dict[str, Any] | None:
    """The occasion's date, where it comes from ('date of <meeting>'), and where its inference is explained."""
    if item.date is None:
        return None
    view = date_view(item.date.value)
    if view is None:
        return None
    taken = item.date.taken_from
    source = site.link(page, taken) if taken and taken[1] in site.dataset.records[taken[0]] else None
    how_href: Markup | None = None
    if view["inferred"]:
        if source is not None:
            how_href = Markup(source["href"] + "#how-certain-this-is")
        elif item.id in how:
            how_href = Markup(f"#{how[item.id]}")
    return view | {"taken_from": source, "taken_kind": COLLECTIONS[taken[0]].singular if taken else "", "how": how_href}


def _backs_views(
    site: Site, page: str, record: Record, entry: Cited, here: str | None, by_id: dict[str, occ.Occasion]
) -> list[dict[str, Any]]:
    """Which fields a citation backs, in the schema's words, with the other occasions linked."""
    titles, inner = field_titles("demands"), occasion_titles()
    out: list[dict[str, Any]] = []
    order = sorted(entry.backs, key=lambda k: (k != here, k is not None, by_id[k].index if k is not None and k in by_id else -1))
    for scope in order:
        fields = entry.backs[scope]
        names = ", ".join((titles if scope is None else inner).get(f, f) for f in fields)
        if scope is None:
            out.append({"what": "the demand", "link": None, "fields": names})
        elif scope == here:
            out.append({"what": "this occasion", "link": None, "fields": names})
        elif scope in by_id:
            out.append({"what": "", "link": occasion_link(site, page, by_id[scope]), "fields": names})
    return out


def evidence_view(site: Site, page: str, record: Record, entry: Cited, here: str | None, by_id: dict[str, occ.Occasion]) -> dict[str, Any]:
    """A citation shown on a demand's page: at its holder (with its anchor) or at an occasion it backs."""
    citation = entry.citation
    source = sourcetext.source_ref(site, page, citation.get("source"), citation.get("quote", ""))
    at_holder = entry.holder == here
    held = None
    if not at_holder and entry.holder not in entry.backs:  # a holder it backs is linked among the fields already
        where = by_id.get(entry.holder) if entry.holder is not None else None
        held = {"href": Markup(f"#{entry.anchor}"), "label": occasion_label(where) if where else "the demand as a whole"}
    return {
        "anchor": entry.anchor if at_holder else None,
        "quote": citation.get("quote", ""),
        "source": source,
        "original": sourcetext.original_view(site, page, citation),
        "attribution": citation.get("attribution"),
        "note": site.markdown(record, f"{entry.pointer}/note", citation.get("note"), page, inline=True),
        "backs": _backs_views(site, page, record, entry, here, by_id),
        "held": held,
    }


def _occasion_evidence(entries: list[Cited], occasion_id: str) -> list[Cited]:
    """The citations an occasion shows: those it holds, then those elsewhere that name it."""
    own = [e for e in entries if e.holder == occasion_id]
    return own + [e for e in entries if e.holder != occasion_id and occasion_id in e.backs]


def occasion_view(
    site: Site, page: str, record: Record, item: occ.Occasion, entries: list[Cited], how: dict[str, str], by_id: dict[str, occ.Occasion]
) -> dict[str, Any]:
    vocabulary, data = occ.vocabulary(), item.data
    status = vocabulary.standing.get(item.act)
    at = site.link(page, ("meetings", data["at"])) if data.get("at") in site.dataset.records["meetings"] else None
    within = site.link(page, ("documents", data["in"])) if data.get("in") in site.dataset.records["documents"] else None
    label = act_label(item.act)
    when = occasion_date_view(site, page, item, how)
    colour, shape = occasion_style(item.act)
    return {
        "id": item.id,
        "anchor": occasion_anchor(item.id),
        "heading": label[:1].upper() + label[1:] + (f", {when['words']}" if when else ""),
        "act": label,
        "definition": site.schema_text(vocabulary.definitions.get(item.act, ""), page),
        "role": vocabulary.role.get(item.act, "none"),
        "shape": shape,
        "colour": Markup(COLOURS.get(colour, COLOURS["unknown"])),
        "status": status_label(status) if status else None,
        "date": when,
        "at": at,
        "in": within,
        "by": site.links(page, "actors", data.get("by")),
        "of": site.links(page, "actors", data.get("of")),
        "wording": data.get("wording"),
        "note": site.markdown(record, f"{item.pointer}/note", data.get("note"), page),
        "evidence": [evidence_view(site, page, record, e, item.id, by_id) for e in _occasion_evidence(entries, item.id)],
    }


def status_track(items: list[occ.Occasion], views: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The occasions that changed the demand's status, in order: raised -> restated -> ... -> now."""
    standing = occ.vocabulary().standing
    steps = [
        {
            "act": act_label(item.act),
            "status": status_label(str(standing[item.act])),
            "date": views[item.id]["date"],
            "href": Markup(f"#{occasion_anchor(item.id)}"),
            "current": False,
            "shape": views[item.id]["shape"],
            "colour": views[item.id]["colour"],
        }
        for item in items
        if standing.get(item.act) is not None
    ]
    if steps:
        steps[-1]["current"] = True
    return steps


def _summary_date(item: occ.Occasion | None, views: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    if item is None or views[item.id]["date"] is None:
        return None
    return {"date": views[item.id]["date"], "href": Markup(f"#{occasion_anchor(item.id)}"), "act": act_label(item.act)}


def demand_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    items = site.occasions(record.id)
    by_id = {item.id: item for item in items}
    entries = cited(record)
    how = _inferred_groups(items)
    occasions = [occasion_view(site, page, record, item, entries, how, by_id) for item in items]
    views = {v["id"]: v for v in occasions}
    current = occ.current_status(items)
    now = None
    if current is not None:
        status, item = current
        now = {
            "label": status_label(status),
            "definition": site.schema_text(occ.vocabulary().status_definitions.get(status, ""), page),
            "since": views[item.id]["date"],
            "act": occasion_label(item),
            "href": Markup(f"#{occasion_anchor(item.id)}"),
        }
    related = list(
        dict.fromkeys(
            [("demands", i) for i in data.get("related") or [] if i in site.dataset.records["demands"]] + site.graph.into(key, "related")
        )
    )
    own = [e for e in entries if e.holder is None]
    in_occasions = [e for e in entries if e.holder is not None and None in e.backs]
    inferred = []
    for anchor in dict.fromkeys(how.values()):
        members = [item for item in items if how.get(item.id) == anchor]
        reasoning = members[0].data["date"].get("reasoning") or ""
        inferred.append(
            {
                "anchor": anchor,
                "occasions": [{"label": occasion_label(m), "href": Markup(f"#{occasion_anchor(m.id)}")} for m in members],
                "reasoning": reasoning,
            }
        )
    second_hand = [
        {
            "label": occasion_label(by_id[e.holder]) if e.holder in by_id else "the demand as a whole",
            "href": Markup(f"#{e.anchor}"),
            "source": evidence_view(site, page, record, e, e.holder, by_id)["source"],
            "attribution": e.citation["attribution"],
        }
        for e in entries
        if e.citation.get("attribution")
    ]
    view |= {
        "kind": enum_label("demands", "kind", data.get("kind")),
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "made_by": site.links(page, "actors", occ.made_by(items)),
        "made_of": site.links(page, "actors", occ.made_of(items)),
        "answered_by": site.links(page, "actors", occ.answered_by(items)),
        "topics": site.links(page, "topics", data.get("topics")),
        "first_raised": _summary_date(occ.first_raised(items), views),
        "last_stated": _summary_date(occ.last_stated(items), views),
        "now": now,
        "track": status_track(items, views),
        "occasions": occasions,
        "own_evidence": [evidence_view(site, page, record, e, None, by_id) for e in own],
        "also_backing": [
            {
                "label": occasion_label(by_id[e.holder]),
                "href": Markup(f"#{e.anchor}"),
                "fields": ", ".join(field_titles("demands").get(f, f) for f in e.backs[None]),
            }
            for e in in_occasions
            if e.holder in by_id
        ],
        "related": [site.link(page, k) for k in related],
        "certain_inferred": inferred,
        "certain_second_hand": second_hand,
        # The record template's own evidence and certainty sections stay empty: the occasions carry them.
        "evidence": [],
        "second_hand": [],
        "inferred": [],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, {("demands", "related")}),
    }
    return view


def place_view(site: Site, page: str, key: Key) -> list[dict[str, Any]]:
    """A meeting's or document's demands: per demand, what happened there, in the sources' words.

    Only what the demand record itself says (no other record's label or date): `make serve`
    re-renders a page when a record one reference away changes, and the demand is that record."""
    grouped: dict[str, list[occ.Occasion]] = {}
    for item in site.derived.places.get(key, []):
        grouped.setdefault(item.demand.id, []).append(item)
    # A quote the page's own Evidence shows too (same source and words, same anchor) is named here, not repeated.
    own = {occ.citation_id(c) for c in site.record(key).data.get("citations") or [] if isinstance(c, dict)}
    out = []
    for demand_id, items in grouped.items():
        entries = cited(items[0].demand)
        rows = []
        for item in items:
            quotes = [
                {
                    "below": e.anchor if e.anchor in own else None,
                    "excerpt": sourcetext.excerpt(e.citation.get("quote", "")),
                    "quote": e.citation.get("quote", ""),
                    "source": sourcetext.source_ref(site, page, e.citation.get("source"), e.citation.get("quote", "")),
                    "original": sourcetext.original_view(site, page, e.citation),
                    "attribution": e.citation.get("attribution"),
                }
                for e in _occasion_evidence(entries, item.id)
            ]
            rows.append(
                {
                    "act": act_label(item.act),
                    "link": occasion_link(site, page, item),
                    "date": date_view(item.data.get("date")),
                    "wording": item.data.get("wording"),
                    "quotes": quotes,
                }
            )
        out.append({"link": site.link(page, ("demands", demand_id)), "occasions": rows})
    return out


def meeting_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    place = data.get("place") or {}
    start, end = date_view(data.get("start")), date_view(data.get("end"))
    evidence = citation_views(site, record, page, data.get("citations"), "/citations", "The meeting")
    view |= {
        "kind": enum_label("meetings", "kind", data.get("kind")),
        "status": enum_label("meetings", "status", data.get("status")),
        "start": start,
        "end": end,
        "place": place.get("text"),
        "country": site.link(page, ("actors", place["country"])) if place.get("country") in site.dataset.records["actors"] else None,
        "participants": site.links(page, "actors", data.get("participants")),
        "part_of": site.link(page, ("meetings", data["part_of"])) if data.get("part_of") in site.dataset.records["meetings"] else None,
        "demands": place_view(site, page, key),
        "documents": [site.link(page, k) for k in site.graph.into(key, "meetings", "documents")],
        "parts": [site.link(page, k) for k in site.graph.into(key, "part_of")],
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "outcome": site.markdown(record, "/outcome", data.get("outcome"), page),
        "evidence": merge_evidence(evidence),
        "second_hand": _certainty(merge_evidence(evidence)),
        "inferred": [{"what": what, "date": d} for what, d in (("Start", start), ("End", end)) if d and d["inferred"]],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, {("documents", "meetings"), ("meetings", "part_of")}),
    }
    return view


def document_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    date = date_view(data.get("date"))
    evidence = citation_views(site, record, page, data.get("citations"), "/citations", "The document")
    view |= {
        "kind": enum_label("documents", "kind", data.get("kind")),
        "date": date,
        "public": data.get("public"),
        "authors": site.links(page, "actors", data.get("authors")),
        "recipients": site.links(page, "actors", data.get("recipients")),
        "meetings": site.links(page, "meetings", data.get("meetings")),
        "demands": place_view(site, page, key),
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "evidence": merge_evidence(evidence),
        "second_hand": _certainty(merge_evidence(evidence)),
        "inferred": [{"what": "Date", "date": date}] if date and date["inferred"] else [],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, set()),
    }
    return view


ACTOR_LIST_ENTRIES = 25  # demands an actor page lists as made, or made of it; the rest are a link to the explorer
EXPLORER_FACETS = {"made": "made_by", "made_of": "made_of"}  # an actor page's list -> the explorer's facet


def explorer_href(page: str, query: str) -> Markup:
    """From `page`, the demands index with its explorer filtered by `query` ("made_by=russia&topic=...")."""
    return Markup(url_attr(f"{relative(page, output_path(index_page('demands')))}?{query}"))


def capped_demands(site: Site, page: str, actor: str, part: str) -> dict[str, Any]:
    """An actor's demands of one part: the first ACTOR_LIST_ENTRIES, and past them how many more,
    linked to the demands explorer filtered to the actor (which also counts affiliated actors')."""
    every = actor_demands(site, page, actor, part)
    rest = len(every) - ACTOR_LIST_ENTRIES
    if rest <= 0:
        return {"shown": every, "more": None}
    return {"shown": every[:ACTOR_LIST_ENTRIES], "more": {"count": rest, "href": explorer_href(page, f"{EXPLORER_FACETS[part]}={actor}")}}


def actor_demands(site: Site, page: str, actor: str, part: str) -> list[dict[str, Any]]:
    """The demands an actor had a part in (made, was made of, answered, other), each with the occasions."""
    found = site.derived.parts(actor, part)
    return [
        {"link": site.link(page, ("demands", demand_id)), "occasions": [occasion_link(site, page, item) for item in items]}
        for demand_id, items in sorted(found.items(), key=lambda kv: (sort_key(first_date(site.occasions(kv[0]))), kv[0]))
    ]


def actor_view(site: Site, record: Record) -> dict[str, Any]:
    from . import explorer

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
        "kind": enum_label("actors", "kind", data.get("kind")),
        "aliases": data.get("aliases") or [],
        "affiliation": site.link(page, ("actors", data["affiliation"]))
        if data.get("affiliation") in site.dataset.records["actors"]
        else None,
        "wikidata": data.get("wikidata"),
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "roles": roles,
        "made": capped_demands(site, page, record.id, "made"),
        "received": capped_demands(site, page, record.id, "made_of"),
        "answered": actor_demands(site, page, record.id, "answered"),
        "other": actor_demands(site, page, record.id, "other"),
        "positions": explorer.actor_positions(site, page, record.id),
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
        "more": grouped_incoming(site, record, page, {("meetings", "participants")}),
    }
    return view


def topic_view(site: Site, record: Record) -> dict[str, Any]:
    from . import explorer

    data, view = record.data, common(site, record)
    page, key = view["page"], (record.collection, record.id)
    # Each demand once, by title (the positions above group them by party, with status and date).
    demands = sorted(site.graph.into(key, "topics"), key=lambda d: (site.record(d).label.casefold(), d[1]))
    view |= {
        "summary": site.markdown(record, "/summary", data.get("summary"), page),
        "parent": site.link(page, ("topics", data["parent"])) if data.get("parent") in site.dataset.records["topics"] else None,
        "children": [site.link(page, k) for k in site.graph.into(key, "parent")],
        "demands": [site.link(page, d) for d in demands],
        "positions": explorer.topic_positions(site, page, record.id),
        "positions_page": site.to(page, "explore/positions.md"),
        "evidence": [],
        "second_hand": [],
        "inferred": [],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, {("demands", "topics"), ("topics", "parent")}),
    }
    return view


def source_view(site: Site, record: Record) -> dict[str, Any]:
    data, view = record.data, common(site, record)
    page = view["page"]
    published = date_view(data.get("published"))
    view |= {
        "kind": enum_label("sources", "kind", data.get("kind")),
        "publisher": data.get("publisher"),
        "authors": data.get("authors") or [],
        "published": published,
        "url": Markup(url_attr(data["url"]))
        if isinstance(data.get("url"), str) and data["url"].startswith(("http://", "https://"))
        else None,
        "url_text": data.get("url"),
        "language": language_name(data.get("language")),
        "original_language": language_name(data.get("original_language")),
        "notes": site.markdown(record, "/notes", data.get("notes"), page),
        "licence": data.get("licence"),
        "sha256": data.get("text_sha256"),
        **_source_text_view(record),
        "text": sourcetext.text_view(site, record, page),
        "translation_of": site.link(page, ("sources", data["translation_of"]))
        if data.get("translation_of") in site.dataset.records["sources"]
        else None,
        "evidence": [],
        "second_hand": [],
        "inferred": [{"what": "Published", "date": published}] if published and published["inferred"] else [],
        "former_ids": data.get("former_ids") or [],
        "more": grouped_incoming(site, record, page, {(name, "cites") for name in COLLECTIONS}),
    }
    return view


def _source_text_view(record: Record) -> dict[str, Any]:
    """The text's licence and how quotes are verified. What the page shows of the text itself,
    by that licence, is sourcetext.text_view's."""
    from ..sources import licence

    return {"text_licence": licence.labels().get(licence.text_licence(record.data), ""), "verification": licence.verification(record.data)}


def _listing_sources(view: Callable[[Site, Record], dict[str, Any]]) -> Callable[[Site, Record], dict[str, Any]]:
    """A record view with the sources it cites listed once (each full title given once on the page)."""

    def make(site: Site, record: Record) -> dict[str, Any]:
        out: dict[str, Any] = view(site, record)
        return out | {"sources_cited": sourcetext.sources_cited(out)}

    return make


VIEWS = {
    "demands": _listing_sources(demand_view),
    "meetings": _listing_sources(meeting_view),
    "documents": _listing_sources(document_view),
    "actors": _listing_sources(actor_view),
    "topics": topic_view,
    "sources": source_view,
}
