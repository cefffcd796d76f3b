"""Stage: records → the site's generated Markdown pages and static files, in memory.

A pure function of the dataset and the settings: the MkDocs hook adds the result to the
build, so `python build.py build` and plain `mkdocs build|serve` give the same pages."""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec

import jinja2
from markupsafe import Markup

from .. import edtf, occasions
from ..collections import COLLECTIONS, index_page
from ..export import dictionary
from ..jsonparse import locate
from ..load import Dataset, Record
from ..problems import Problem
from . import cite, explorer, feed, fieldref, history, pager, timeline
from .graph import Graph, Key, build_graph
from .packed import Pages, pack
from .text import LinkProblem, Renderer, html_block, md_paragraphs, md_separator, md_text, url_attr
from .views import (
    VIEWS,
    Settings,
    Site,
    act_label,
    date_view,
    enum_label,
    first_date,
    occasion_anchor,
    occasion_style,
    page_path,
    relative,
    release_caches,
    sort_key,
    status_label,
)

_P = ParamSpec("_P")
DICTIONARY_PAGE = "data-dictionary.md"  # generated with the other pages, never committed to docs/

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPO = Path(__file__).resolve().parent.parent.parent
TEASER_ROWS = 8
TIMELINE_MAX_ROWS = 100  # beyond this a one-row-per-record drawing stops being readable (and the page, drawn twice, grows large)

INTROS = {
    "demands": "Every demand, condition, proposal and offer in the dataset, with who made it of whom and its latest status.",
    "meetings": "Every meeting, call and series of talks, with its dates at the precision the sources support.",
    "documents": "Written texts that carry demands: lists, draft agreements, statements.",
    "actors": "States, alliances, governments, delegations and people that made, received or discussed demands.",
    "topics": "Subjects that group the demands.",
    "sources": "The published texts the records cite. Every quote on this site is verbatim from one of them.",
}


@dataclass
class Rendered:
    pages: Pages = field(default_factory=Pages)  # docs-relative .md path -> Markdown, kept compressed
    files: dict[str, bytes] = field(default_factory=dict)  # site-relative path -> bytes, copied as is
    problems: list[Problem] = field(default_factory=list)


def _finalize(value: Any) -> Any:
    """Every value a template prints is inert unless a view marked it as trusted Markup."""
    if value is None:
        return ""
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Markup(str(value))
    return md_text(str(value))


def cell_html(cell: Any) -> Markup:
    """A table cell as _macros.md.j2's `cell` macro prints it (the same bytes), in Python: an index
    of 6,300 rows has 44,100 cells, and a Jinja macro call per cell is most of the page's render."""
    f = _finalize
    if cell is None:
        return Markup("")
    if isinstance(cell, str):
        return Markup(f(cell))
    if "links" in cell:
        return Markup(", ").join(Markup(f'<a href="{f(link["href"])}">{f(link["label"])}</a>') for link in cell["links"] or [])
    if "date" in cell:
        date = cell["date"]
        if not date:
            return Markup("not known")
        inferred = " (inferred)" if date["inferred"] else ""
        return Markup(f'<time datetime="{f(date["iso"])}">{f(date["words"])}</time>{inferred}')
    if "link" in cell:
        return Markup(f'<a href="{f(cell["link"]["href"])}">{f(cell["link"]["label"])}</a>')
    if cell.get("href"):
        return Markup(f'<a href="{f(cell["href"])}">{f(cell["text"])}</a>')
    return Markup(f(cell["text"]))


def _join(values: Any, separator: str = ", ") -> Markup:
    return md_separator(separator).join(_finalize(v) for v in values or [])


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["join"] = _join
    env.filters["paragraphs"] = md_paragraphs
    env.filters["html_block"] = html_block
    env.filters["explorer_block"] = explorer.explorer_block
    env.filters["cell"] = cell_html
    return env


def _page_url(settings: Settings) -> Any:
    def url(path: str) -> str:
        stem = path.removesuffix(".md")
        if not settings.directory_urls:
            return stem + ".html"
        return stem.removesuffix("index") if stem.endswith("index") else stem + "/"

    return url


def _releasing_caches(function: Callable[_P, Rendered]) -> Callable[_P, Rendered]:
    """The render, with the caches it fills emptied when it is done (views.release_caches)."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Rendered:
        try:
            return function(*args, **kwargs)
        finally:
            release_caches()

    return wrapper


@_releasing_caches
def render(
    dataset: Dataset,
    settings: Settings,
    *,
    records_dir: Path | None = None,
    changelog: Path | None = None,
    graph: Graph | None = None,
    only: set[Key] | None = None,
    overviews: bool = True,
    stop: Callable[[], bool] | None = None,
) -> Rendered:
    """All generated pages and files. Problems (a record's broken relative link) come back located.

    With `only`, just those records' pages (and their redirects) are rendered, plus every page that
    is not a record's (unless `overviews` is false): what `make serve` needs after an edit. `graph`
    saves rebuilding the graph. `stop` is asked between the overview pages; when it says yes, the
    render raises Stopped (serve's background rendering, when a newer edit needs the processor)."""
    records_dir = records_dir or dataset.root
    graph = graph or build_graph(dataset)
    record_pages = {page_path((r.collection, r.id)) for r in dataset.all()}
    docs = REPO / "docs"
    hand_written = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}
    static_pages = {index_page(name) for name in COLLECTIONS} | set(STATIC_PAGES) | {"index.md"} | hand_written
    renderer = Renderer(record_pages | static_pages, _page_url(settings))
    site = Site(dataset, graph, renderer, settings, cite.edition(records_dir))
    env = environment()
    out = Rendered()
    chosen = list(dataset.all()) if only is None else [dataset.records[c][i] for c, i in sorted(only)]
    if not overviews:
        _add_record_pages(out, record_pages_of(site, env, chosen))
        out.problems = _link_problems(dataset, renderer)
        return out
    # The overview pages are rendered while the second core renders its share of the record pages
    # (the larger one, so that both end together); the record pages go first, as in one process.
    with record_pages_beside(site, env, chosen, CHILD_SHARE_WITH_OVERVIEWS) as records_rendered:
        overview = _overview_pages(site, env, records_dir, changelog, settings, stop)
    _add_record_pages(out, records_rendered())
    out.pages.adopt(overview.pages)
    out.files.update(overview.files)
    out.problems = _link_problems(dataset, renderer)
    return out


def render_apart(dataset: Dataset, settings: Settings, records_dir: Path) -> Rendered:
    """`render` in full, in a forked process where this one has no other thread (parallel.beside):
    this process then holds only what comes back (the compressed pages, the files, the problems),
    not the render's working memory, which Python keeps once it has grown (`build.py build` and
    serve's first build, before MkDocs runs)."""
    from ..parallel import beside

    with beside(_render_all, dataset, settings, records_dir) as rendered:
        return rendered()


def _render_all(dataset: Dataset, settings: Settings, records_dir: Path) -> Rendered:
    return render(dataset, settings, records_dir=records_dir)  # `beside` passes no keywords


def _add_record_pages(out: Rendered, pages: list[RecordPage]) -> None:
    for page, packed, redirects in pages:
        out.pages.put_packed(page, packed)
        out.files.update(redirects)


def _overview_pages(
    site: Site,
    env: jinja2.Environment,
    records_dir: Path,
    changelog: Path | None,
    settings: Settings,
    stop: Callable[[], bool] | None,
) -> Rendered:
    """Every page that is not a record's, and the files they come with."""
    dataset, renderer = site.dataset, site.renderer
    out = Rendered()

    def checkpoint() -> None:
        if stop is not None and stop():
            raise Stopped

    index_template = env.get_template("index.md.j2")
    for name in COLLECTIONS:
        checkpoint()
        for path, view in index_views(site, name):
            out.pages[path] = index_template.render(view)
        if name == "demands" and view["pager"]:
            out.files[explorer.ROWS_FILE] = explorer.rows_script(view["columns"], view.pop("all_rows"), view.pop("all_facets"))
    checkpoint()
    changes = feed.changes(records_dir)
    labels = {(r.collection, r.id): r.label for r in dataset.all()}
    epoch = dt.datetime.fromtimestamp(changes[0].time if changes else 0, dt.UTC)
    out.files["feed.xml"] = feed.atom(changes, epoch, "peacetalks: releases and record changes", labels, feed.changelog_releases()).encode(
        "utf-8"
    )
    out.pages["index.md"] = env.get_template("home.md.j2").render(home_view(site, changes))
    checkpoint()
    out.pages["explore/timeline.md"] = env.get_template("timeline.md.j2").render(timeline_view(site, "explore/timeline.md"))
    for page, make, noun in (
        ("explore/demands-by-meeting.md", demand_meeting_matrix, "demands"),
        ("explore/parties-by-topic.md", party_topic_matrix, "parties"),
    ):
        checkpoint()
        matrix = make(site, page)
        # Drawn as a list, a row weighs its entries (a party may list a hundred topics).
        weights = None if matrix["as_matrix"] else [1 + len(row[1]["links"]) for row in matrix["rows"]]
        for path, view in paged(page, matrix, noun, weights, limit=pager.PAGE_ROWS * (1 if weights is None else 5)):
            out.pages[path] = env.get_template("matrix.md.j2").render(view)
    checkpoint()
    positions = explorer.positions_view(site, "explore/positions.md")
    if positions["as_matrix"]:  # a row weighs its demands; listed, its parties
        weights, limit = [1 + sum(len(c["entries"]) for c in row["cells"]) for row in positions["rows"]], pager.PAGE_ROWS * 2
    else:
        weights, limit = [1 + len(row["parties"]) for row in positions["rows"]], pager.PAGE_ROWS * 3  # two links each
    for path, view in paged("explore/positions.md", positions, "topics", weights, limit=limit):
        out.pages[path] = env.get_template("positions.md.j2").render(view)
    out.pages["reference/fields.md"] = env.get_template("fields.md.j2").render(fields_view())
    out.pages[DICTIONARY_PAGE] = dictionary.markdown()
    out.pages["downloads.md"] = env.get_template("downloads.md.j2").render(downloads_view(settings))
    out.pages["cite.md"] = env.get_template("cite.md.j2").render(cite_view(settings, site.edition))
    changelog = changelog or REPO / "CHANGELOG.md"
    text = changelog.read_text("utf-8") if changelog.is_file() else ""
    in_repository = functools.partial(_repository_file, settings)
    body = renderer.html(text, "changelog.md", "CHANGELOG.md\0", min_heading=2, elsewhere=in_repository) if text else None
    out.pages["changelog.md"] = env.get_template("changelog.md.j2").render({"body": body})
    return out


class Stopped(Exception):
    """A render given up at a checkpoint because `stop` said so: not an error."""


RecordPage = tuple[str, bytes, dict[str, bytes]]  # page path, its Markdown compressed (packed.pack), its redirect files
SPLIT_FROM = 1_000  # record pages: from this many, every other one is rendered in a forked process


CHILD_SHARE_WITH_OVERVIEWS = 2 / 3  # of the record pages, when this process renders the overview pages meanwhile


def record_pages_of(site: Site, env: jinja2.Environment, records: list[Record]) -> list[RecordPage]:
    """Each record's page and redirects, in the order given (half of them on the second core)."""
    with record_pages_beside(site, env, records, 0.5) as pages:
        pass
    return pages()


def rendered_beside(count: int, share: float) -> list[bool]:
    """Which of `count` record pages are rendered beside: `share` of them, spread evenly."""
    return [int((n + 1) * share) > int(n * share) for n in range(count)]


@contextmanager
def record_pages_beside(site: Site, env: jinja2.Environment, records: list[Record], share: float) -> Iterator[Callable[[], list[RecordPage]]]:
    """Each record's page and redirects, in the order given: yields a function that returns them.

    From SPLIT_FROM records, `share` of them, spread evenly, are rendered beside the caller
    (peacetalks/parallel.py), which renders the rest before it yields and may render other pages
    in the block meanwhile; the two parts are merged in order, so the pages are the same as from
    one process, and the link problems found beside join the renderer's."""
    from ..parallel import beside, can_fork

    if len(records) < SPLIT_FROM or not can_fork():
        pages = _record_pages(site, env, records)[0]
        yield lambda: pages
        return
    theirs_at = rendered_beside(len(records), share)
    with beside(_record_pages, site, env, [r for r, theirs in zip(records, theirs_at, strict=True) if theirs]) as other:
        mine = iter(_record_pages(site, env, [r for r, theirs in zip(records, theirs_at, strict=True) if not theirs])[0])
        collected: list[RecordPage] = []

        def merged() -> list[RecordPage]:
            if not collected:
                pages, problems = other()
                site.renderer.problems.extend(problems)
                from_child = iter(pages)
                collected.extend(next(from_child) if theirs else next(mine) for theirs in theirs_at)
            return collected

        yield merged
        merged()  # waited for inside the block: `beside` ends the child on the way out


def _record_pages(site: Site, env: jinja2.Environment, records: list[Record]) -> tuple[list[RecordPage], list[LinkProblem]]:
    """The pages, and the link problems found while rendering them (in a worker, its only way back)."""
    # Each template looked up once per render: a lookup checks the file's mtime (so that `make serve`
    # sees an edited template), which for 10,000 record pages is 10,000 stat calls.
    templates = {name: env.get_template(f"{info.singular}.md.j2") for name, info in COLLECTIONS.items()}
    before = len(site.renderer.problems)
    pages = []
    for record in records:
        view = VIEWS[record.collection](site, record)
        redirects = {
            f"{record.collection}/{former}.html": redirect(f"{record.id}.html", record.label).encode("utf-8")
            for former in record.data.get("former_ids") or []
        }
        pages.append((view["page"], pack(templates[record.collection].render(view)), redirects))
    return pages, site.renderer.problems[before:]


def paged(
    page: str, view: dict[str, Any], noun: str, weights: list[int] | None = None, limit: int = pager.PAGE_ROWS
) -> list[tuple[str, dict[str, Any]]]:
    """A view's rows on as many pages as pager.split gives (the row links stay right: every page of
    a table sits in the directory of its first), each view with its pager (None on a single page)."""
    rows = view["rows"]
    parts = pager.split(page, weights or [1] * len(rows), noun, limit)
    return [(part.path, view | {"rows": rows[part.start : part.stop], "pager": part.pager}) for part in parts]


STATIC_PAGES = (
    "explore/timeline.md",
    "explore/demands-by-meeting.md",
    "explore/parties-by-topic.md",
    "explore/positions.md",
    "reference/fields.md",
    DICTIONARY_PAGE,
    "downloads.md",
    "cite.md",
    "changelog.md",
)


def _link_problems(dataset: Dataset, renderer: Renderer) -> list[Problem]:
    by_path = {r.path: r for r in dataset.all()}
    problems = []
    for item in renderer.problems:
        path, _, pointer = item.pointer.partition("\0")
        record = by_path.get(path)
        line, col = locate(record.text, pointer) if record else (0, 0)
        problems.append(Problem(path, line, col, pointer, item.message))
    return sorted(set(problems))


def _repository_file(settings: Settings, path: str) -> str:
    """A file of the repository (linked from CHANGELOG.md at its root), on the repository's host."""
    return url_attr(f"{settings.repo_url}/blob/{settings.branch}/{posixpath.normpath(path)}")


def redirect(target: str, label: str) -> str:
    """A page that sends an old address to the record's current page; relative, works offline."""
    t, lbl = escape(target, quote=True), escape(label)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>Moved: {lbl}</title>\n<meta http-equiv="refresh" content="0; url={t}">\n<link rel="canonical" href="{t}">\n'
        '<meta name="robots" content="noindex">\n</head>\n<body>\n'
        f'<h1>This record has moved</h1>\n<p>It is now at <a href="{t}">{lbl}</a>.</p>\n</body>\n</html>\n'
    )


# --- index pages -------------------------------------------------------------------------


def _links(site: Site, page: str, collection: str, ids: Any) -> dict[str, Any]:
    return {"links": site.links(page, collection, ids)}


def index_views(site: Site, name: str) -> list[tuple[str, dict[str, Any]]]:
    """The collection's index: one page, or past pager.PAGE_ROWS records pages of that many.

    The demands index is the explorer: each row's facet values in data- attributes, and the facets.
    Split into pages, only its first page has the explorer, which then filters every demand from
    explorer.ROWS_FILE; the last view also carries every row and facet, for that file."""
    page = index_page(name)
    records = sorted(site.dataset.records[name].values(), key=lambda r: (_record_sort(site, r), r.label.casefold(), r.id))
    columns = INDEX_COLUMNS[name]
    parts = pager.split(page, [1] * len(records), name)
    paged = len(parts) > 1
    all_facets = [explorer.demand_facets(site, record.id) for record in records] if name == "demands" else []
    facets = explorer.facets(site, all_facets) if name == "demands" else []
    base = {"heading": name.capitalize(), "intro": INTROS[name], "columns": columns, "noun": name, "total": len(records)}
    out, all_rows = [], []
    for part in parts:
        rows = [
            [{"link": site.link(part.path, (r.collection, r.id))}, *INDEX_CELLS[name](site, part.path, r)]
            for r in records[part.start : part.stop]
        ]
        all_rows += rows
        attrs = all_facets[part.start : part.stop] if name == "demands" and not paged else [{} for _ in rows]
        first = part.start == 0
        view = base | {"rows": rows, "attrs": attrs, "facets": facets if first else [], "pager": part.pager}
        out.append((part.path, view | {"rows_file": explorer.ROWS_FILE.rpartition("/")[2] if paged and first and facets else ""}))
    if name == "demands":
        out[-1][1].update(all_rows=all_rows, all_facets=all_facets)
    return out


def _record_sort(site: Site, record: Record) -> str:
    data = record.data
    if record.collection == "demands":
        return sort_key(first_date(site.occasions(record.id)))
    return sort_key(data.get("start") or data.get("date") or data.get("published"))


def _date_cell(value: Any) -> dict[str, Any]:
    return {"date": date_view(value)}


def _count(site: Site, key: Key, relation: str) -> dict[str, Any]:
    return {"text": Markup(str(len(site.graph.into(key, relation))))}


def _number(value: int) -> dict[str, Any]:
    return {"text": Markup(str(value))}


def _status_cell(site: Site, record: Record) -> dict[str, Any]:
    current = occasions.current_status(site.occasions(record.id))
    return {"text": status_label(current[0]) if current else "not known"}


INDEX_COLUMNS = {
    "demands": ["Demand", "Kind", "Made by", "Made of", "First raised", "Status", "Topics"],
    "meetings": ["Meeting", "When", "Status", "Kind", "Where", "Participants"],
    "documents": ["Document", "Kind", "Date", "Authors", "Recipients"],
    "actors": ["Actor", "Kind", "Demands made", "Demands made of them", "Demands answered", "Meetings attended"],
    "topics": ["Topic", "Broader topic", "Demands"],
    "sources": ["Source", "Kind", "Published", "Cited by (records)"],
}

INDEX_CELLS: dict[str, Any] = {
    "demands": lambda s, p, r: [
        {"text": enum_label("demands", "kind", r.data.get("kind"))},
        _links(s, p, "actors", occasions.made_by(s.occasions(r.id))),
        _links(s, p, "actors", occasions.made_of(s.occasions(r.id))),
        _date_cell(first_date(s.occasions(r.id))),
        _status_cell(s, r),
        _links(s, p, "topics", r.data.get("topics")),
    ],
    "meetings": lambda s, p, r: [
        _date_cell(r.data.get("start")),
        {"text": enum_label("meetings", "status", r.data.get("status"))},
        {"text": enum_label("meetings", "kind", r.data.get("kind"))},
        {"text": (r.data.get("place") or {}).get("text", "")},
        _links(s, p, "actors", r.data.get("participants")),
    ],
    "documents": lambda s, p, r: [
        {"text": enum_label("documents", "kind", r.data.get("kind"))},
        _date_cell(r.data.get("date")),
        _links(s, p, "actors", r.data.get("authors")),
        _links(s, p, "actors", r.data.get("recipients")),
    ],
    "actors": lambda s, p, r: [
        {"text": enum_label("actors", "kind", r.data.get("kind"))},
        _number(len(s.derived.parts(r.id, "made"))),
        _number(len(s.derived.parts(r.id, "made_of"))),
        _number(len(s.derived.parts(r.id, "answered"))),
        _count(s, ("actors", r.id), "participants"),
    ],
    "topics": lambda s, p, r: [
        _links(s, p, "topics", [r.data["parent"]] if r.data.get("parent") else []),
        _count(s, ("topics", r.id), "topics"),
    ],
    "sources": lambda s, p, r: [
        {"text": enum_label("sources", "kind", r.data.get("kind"))},
        _date_cell(r.data.get("published")),
        _count(s, ("sources", r.id), "cites"),
    ],
}


# --- home, timeline, matrices --------------------------------------------------------------


LATEST_COMMITS = 5  # commits shown under "Latest changes" on the home page


def home_view(site: Site, changes: list[feed.Change]) -> dict[str, Any]:
    page = "index.md"
    meetings = timeline_rows(site, page, ("meeting",))[-TEASER_ROWS:]
    teaser = drawings([r["row"] for r in meetings], "teaser", "Timeline of the latest meetings", _describe(meetings, "the latest meetings"))
    return {
        "counts": [{"name": n, "count": len(site.dataset.records[n]), "url": site.to(page, index_page(n))} for n in COLLECTIONS],
        "sources": len(site.dataset.records["sources"]),
        "period": period_covered(site),
        "latest": latest_changes(site, page, changes),
        "teaser": teaser,
    }


def _dated_texts(site: Site) -> list[str]:
    """Every date the records state: meetings' start and end, documents' dates, occasions' own dates."""
    texts = []
    for collection, names in (("meetings", ("start", "end")), ("documents", ("date",))):
        for record in site.dataset.records[collection].values():
            texts += [v["date"] for v in (record.data.get(n) for n in names) if isinstance(v, dict) and isinstance(v.get("date"), str)]
    for demand_id in sorted(site.dataset.records["demands"]):
        for item in site.occasions(demand_id):
            own = item.data.get("date")
            if isinstance(own, dict) and isinstance(own.get("date"), str):
                texts.append(own["date"])
    return texts


def period_covered(site: Site) -> dict[str, Any] | None:
    """The earliest and the latest dated meeting, document or occasion, in words at their precision
    (an interval's start bound for the earliest, its end bound for the latest)."""
    points = []
    for text in _dated_texts(site):
        try:
            span = edtf.parse(text)
        except edtf.DateError:
            continue
        points += [span.start, span.end]
    if not points:
        return None
    first = min(points, key=lambda p: (p.first, p.last, p.text))
    last = max(points, key=lambda p: (p.last, p.first, p.text))
    return {
        "from": {"words": edtf.human(first.text), "iso": first.first.isoformat()},
        "to": {"words": edtf.human(last.text), "iso": last.last.isoformat()},
    }


def latest_changes(site: Site, page: str, changes: list[feed.Change]) -> list[dict[str, Any]]:
    """The latest commits' record changes in words (as `build.py diff` computes them), newest first:
    per commit, each record it changed, with what changed in it."""
    out = []
    for commit in changes[:LATEST_COMMITS]:
        records: dict[tuple[str, str], dict[str, Any]] = {}
        for change in commit.diffs:
            key = (change.collection, change.id)
            if key not in records:
                link = site.link(page, key) if change.id in site.dataset.records[change.collection] else None
                records[key] = {"link": link, "label": history.record_label(commit, change), "before": "", "phrases": []}
            words = history.change_words(commit, change)
            entry = records[key]
            if words["before"]:
                entry["before"] = words["before"]
            phrase = words["after"].removeprefix(": ")
            if phrase and phrase not in entry["phrases"]:
                entry["phrases"].append(phrase)
        shown = list(records.values())
        for entry in shown:
            extra = len(entry["phrases"]) - history.SHOWN
            entry["phrases"] = entry["phrases"][: history.SHOWN] + ([f"{extra} more"] if extra > 0 else [])
        if shown:
            day = commit.date.date()
            out.append(
                {
                    "iso": day.isoformat(),
                    "date": edtf.human(day.isoformat()),
                    "records": shown[: history.SHOWN],
                    "more": max(len(shown) - history.SHOWN, 0),
                }
            )
    return out


def drawings(
    rows: list[timeline.Row], ident: str, title: str, description: str, window: tuple[dt.date, dt.date] | None = None
) -> dict[str, Markup] | None:
    """A timeline drawn for wide screens (labels beside the marks) and for phones (labels above
    them); the CSS shows one of the two. None when nothing is dated."""
    wide = timeline.draw(rows, ident, title, description, window)
    if not wide:
        return None
    narrow = timeline.draw(rows, f"{ident}-narrow", title, description, window, timeline.NARROW)
    return {"wide": Markup(wide), "narrow": Markup(narrow)}


def _describe(rows: list[dict[str, Any]], what: str) -> str:
    if not rows:
        return f"No dated {what}."
    first = min(r["first"] for r in rows)
    last = max(r["last"] for r in rows)
    return f"{len(rows)} rows for {what}, from {first.isoformat()} to {last.isoformat()}. Each bar spans the days its date may mean; dashed bars are approximate or uncertain. The table below lists the same events."


def timeline_rows(site: Site, page: str, kinds: tuple[str, ...] = ("meeting", "document", "demand")) -> list[dict[str, Any]]:
    """Rows for the timeline: meetings and documents by their dates, demands by their occasions
    (the rows of `kinds` only: in the same order as they are among all rows)."""
    rows = []
    for key, field_names, kind in ((("meetings"), ("start", "end"), "meeting"), ("documents", ("date",), "document")):
        if kind not in kinds:
            continue
        for record in site.dataset.records[key].values():
            span = _span([record.data.get(f) for f in field_names])
            if span is None:
                continue
            words = edtf.human(span.text) + timeline.precision_words(span)
            mark = timeline.Mark(span, kind, f"{record.label}: {words}")
            event = {"span": span, "what": f"{kind.capitalize()}: {words}", "link": site.link(page, (record.collection, record.id))}
            rows.append(_row(site, page, record, [mark], kind, [event]))
    for record in site.dataset.records["demands"].values() if "demand" in kinds else ():
        marks, events = [], []
        for item in site.occasions(record.id):
            span = item.span
            if span is None:
                continue
            colour, shape = occasion_style(item.act)
            by = [site.record(("actors", a)).label for a in item.data.get("by") or [] if a in site.dataset.records["actors"]]
            what = act_label(item.act) + (f" by {', '.join(by)}" if by else "")
            marks.append(timeline.Mark(span, colour, f"{what}: {edtf.human(span.text)}{timeline.precision_words(span)}", shape))
            link = site.link(page, ("demands", record.id), anchor=occasion_anchor(item.id))
            events.append({"span": span, "what": what[:1].upper() + what[1:], "link": link, "act": item.act})
        if marks:
            rows.append(_row(site, page, record, marks, "demand", events))
    return sorted(rows, key=lambda r: (r["first"], r["last"], r["label"].casefold(), r["id"]))


def _span(values: list[Any]) -> edtf.Span | None:
    texts = [v["date"] for v in values if isinstance(v, dict) and isinstance(v.get("date"), str)]
    if not texts:
        return None
    try:
        spans = [edtf.parse(t) for t in texts]
    except edtf.DateError:
        return None
    if len(spans) == 1:
        return spans[0]
    return edtf.Span(f"{spans[0].start.text}/{spans[-1].end.text}", spans[0].start, spans[-1].end)


def _row(site: Site, page: str, record: Record, marks: list[timeline.Mark], kind: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    link = site.link(page, (record.collection, record.id))
    href = relative(page, page_path((record.collection, record.id)).removesuffix(".md") + ".html")
    return {
        "row": timeline.Row(record.label, href, tuple(marks)),
        "kind": kind,
        "label": record.label,
        "id": record.id,
        "link": link,
        "first": min(m.span.first for m in marks),
        "last": max(m.span.last for m in marks),
        "events": [e | {"iso": e["span"].first.isoformat(), "words": edtf.human(e["span"].text)} for e in events],
    }


def timeline_view(site: Site, page: str) -> dict[str, Any]:
    rows = timeline_rows(site, page)
    total, limited = len(rows), ""
    if total > TIMELINE_MAX_ROWS:
        rows = [r for r in rows if r["kind"] == "meeting"][-TIMELINE_MAX_ROWS:]
        limited = f"the {len(rows)} latest meetings of {total} dated records"
    svg = drawings(
        [r["row"] for r in rows],
        "timeline",
        "Timeline of meetings, documents and the occasions of demands",
        _describe(rows, "meetings, documents and demands"),
    )
    events = sorted(
        (
            {"iso": e["iso"], "date": e["words"], "what": e["what"], "link": e["link"] | {"label": r["label"]}}
            for r in rows
            for e in r["events"]
        ),
        key=lambda e: (e["iso"], e["link"]["label"].casefold(), e["what"]),
    )
    recent = None
    if rows and (max(r["last"] for r in rows) - min(r["first"] for r in rows)).days > 3 * 366:
        start, end = timeline.recent_window(max(r["last"] for r in rows))
        shown = [r for r in rows if r["last"] >= start]
        since = f"{start:%B %Y}"
        recent = {
            "since": since,
            "anchor": since.lower().replace(" ", "-"),
            "svg": drawings(
                [r["row"] for r in shown],
                "recent",
                f"Timeline since {since}",
                _describe(shown, f"records dated since {since}") + " Bars that began earlier are cut at the left edge.",
                (start, end),
            ),
        }
    event_rows = [
        [{"date": {"iso": e["iso"], "words": e["date"], "inferred": False}}, {"text": e["what"]}, {"link": e["link"]}] for e in events
    ]
    return {
        "svg": svg,
        "event_rows": event_rows,
        "legend": timeline_key(rows),
        "recent": recent,
        "limited": limited,
    }


def timeline_key(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The key: one entry per kind of mark drawn, in words (the acts' and statuses' labels), with its picture."""
    kinds = {r["kind"] for r in rows}
    key = [
        {"swatch": Markup(timeline.swatch(kind)), "label": label}
        for kind, label in (("meeting", "Meeting"), ("document", "Document"))
        if kind in kinds
    ]
    vocabulary = occasions.vocabulary()
    drawn = {e["act"] for r in rows for e in r["events"] if "act" in e}
    styles: dict[tuple[str, str], list[str]] = {}
    for act in vocabulary.acts:
        if act in drawn:
            styles.setdefault(occasion_style(act), []).append(act)
    for (colour, shape), acts in styles.items():
        status = vocabulary.standing.get(acts[0])
        who = {"circle": "by the party making the demand; ", "diamond": "by a party answering it; "}.get(shape, "")
        after = f"status from then on: {status_label(status)}" if status else "status unchanged"
        label = f"{', '.join(act_label(a) for a in acts)} ({who}{after})"
        key.append({"swatch": Markup(timeline.swatch(colour, shape)), "label": label})
    return key + precision_key(rows)


PRECISIONS = (
    ("2022", "A faint bar: a date known only to the year (e.g. “2022, month not known”), drawn over the whole year"),
    ("2022~", "A dashed bar: an approximate date (“about …”)"),
    ("2022-03?", "A dotted bar followed by “?”: an uncertain date"),
)


def precision_key(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The key's entries for how vaguely known dates are drawn, for those the timeline holds."""
    spans = [m.span for r in rows for m in r["row"].marks]
    present = {
        "2022": any(timeline.precision_words(s) for s in spans),
        "2022~": any(s.approximate for s in spans),
        "2022-03?": any(s.uncertain for s in spans),
    }
    return [{"swatch": Markup(timeline.swatch("unknown", date=d)), "label": label} for d, label in PRECISIONS if present[d]]


def demand_meeting_matrix(site: Site, page: str) -> dict[str, Any]:
    """Demands × meetings from the demands' occasions: each cell says what happened there."""
    at: dict[tuple[str, str], list[occasions.Occasion]] = {}
    for (collection, meeting_id), items in site.derived.places.items():
        if collection == "meetings" and meeting_id in site.dataset.records["meetings"]:
            for item in items:
                at.setdefault((item.demand.id, meeting_id), []).append(item)

    def cell(demand_id: str, meeting_id: str) -> tuple[str, Markup | None]:
        items = at.get((demand_id, meeting_id))
        if not items:
            return "", None
        url = site.link(page, ("demands", demand_id), anchor=occasion_anchor(items[0].id))["href"]
        return ", ".join(dict.fromkeys(act_label(i.act) for i in items)), url

    demands = sorted({d for d, _ in at}, key=lambda i: (sort_key(first_date(site.occasions(i))), i))
    meetings = sorted({m for _, m in at}, key=lambda i: (sort_key(site.record(("meetings", i)).data.get("start")), i))
    return _matrix(
        site,
        page,
        "Demands × meetings",
        "What happened to each demand at each meeting, from the demands' occasions. Each entry leads to that occasion on the demand's page.",
        ("demands", demands),
        ("meetings", meetings),
        cell,
        _entries(set(at)),
    )


def party_topic_matrix(site: Site, page: str) -> dict[str, Any]:
    """Parties × topics: how many demands each party made (raised, restated, ...) on each topic."""
    counts: dict[tuple[str, str], int] = {}
    for record in site.dataset.records["demands"].values():
        for maker in occasions.made_by(site.occasions(record.id)):
            for topic in record.data.get("topics") or []:
                if maker in site.dataset.records["actors"] and topic in site.dataset.records["topics"]:
                    counts[(maker, topic)] = counts.get((maker, topic), 0) + 1
    parties = sorted({a for a, _ in counts}, key=lambda i: (site.record(("actors", i)).label.casefold(), i))
    topics = sorted({t for _, t in counts}, key=lambda i: (site.record(("topics", i)).label.casefold(), i))

    def cell(actor: str, topic: str) -> tuple[str, Markup | None]:
        if (actor, topic) not in counts:
            return "", None
        return str(counts[(actor, topic)]), site.link(page, ("topics", topic))["href"]

    return _matrix(
        site,
        page,
        "Parties × topics",
        "How many demands each party made on each topic (raised it, restated it or discussed it, on any occasion). Each number leads to the topic's page, where its demands are grouped by who made them.",
        ("actors", parties),
        ("topics", topics),
        cell,
        _entries(set(counts)),
    )


def _entries(pairs: set[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r, c in pairs:
        out.setdefault(r, []).append(c)
    return out


def _matrix(
    site: Site,
    page: str,
    heading: str,
    intro: str,
    rows: tuple[str, list[str]],
    cols: tuple[str, list[str]],
    cell: Any,
    entries: dict[str, list[str]],
) -> dict[str, Any]:
    """Rows × columns when the table fits on a screen; otherwise each row with its entries."""
    col_links = [site.link(page, (cols[0], c)) for c in cols[1]]
    as_matrix = 0 < len(col_links) <= pager.MAX_COLUMNS
    rank = {c: i for i, c in enumerate(cols[1])}
    body = []
    for r in rows[1]:
        cells = [dict(zip(("text", "href"), cell(r, c), strict=True)) for c in cols[1]] if as_matrix else []
        listed = [col_links[rank[c]] for c in sorted(entries.get(r, []), key=rank.__getitem__)]
        row = {"link": site.link(page, (rows[0], r))}
        body.append([row, *cells] if as_matrix else [row, {"links": listed}])
    return {
        "heading": heading,
        "intro": intro,
        "row_noun": COLLECTIONS[rows[0]].singular.capitalize(),
        "col_noun": cols[0].capitalize(),
        "columns": [{"link": link} for link in col_links],
        "rows": body,
        "as_matrix": as_matrix,
    }


# --- reference, downloads, citation --------------------------------------------------------


def fields_view() -> dict[str, Any]:
    sections = [
        {"heading": f"{COLLECTIONS[n].singular.capitalize()} ({n}/)", "schema": COLLECTIONS[n].schema, "rows": fieldref.rows(n)}
        for n in COLLECTIONS
    ]
    shared = [
        {"heading": "Citation", "rows": fieldref.def_rows("citation")},
        {"heading": "Date (dated)", "rows": fieldref.def_rows("dated")},
    ]
    return {"sections": sections, "shared": shared}


def downloads_view(settings: Settings) -> dict[str, Any]:
    from .. import export
    from ..release import RELEASES_DIR, download_url, zip_name

    files = [{"name": name, "url": Markup(url_attr(f"data/{name}")), "description": description} for name, description in export.DOWNLOADS]
    current = export.dataset_version()
    releases = [
        {
            "version": _version(version),
            "date": day,
            "name": zip_name(version),
            "url": Markup(
                url_attr(f"{RELEASES_DIR}/{zip_name(version)}" if version == current else download_url(settings.repo_url, version))
            ),
        }
        for version, day in export.version.releases()
    ]
    return {"files": files, "version": _version(current), "releases": releases, "latest": zip_name(current)}


def _version(version: str) -> str:
    """A version such as 2026.11.0 is printed as is (it also goes into a code block); anything else is escaped."""
    return Markup(version) if re.fullmatch(r"[0-9A-Za-z.+-]+", version) else version


def cite_view(settings: Settings, edition: cite.Edition) -> dict[str, Any]:
    """The dataset's citation: its version and date, and the site's or repository's address when set."""
    address = settings.site_url + "/" if settings.site_url else settings.repo_url
    fields = [
        ("author", cite.AUTHOR),
        ("title", cite.TITLE),
        ("year", edition.year),
        ("date", edition.day),
        ("version", edition.version),
        ("note", "Dataset"),
        ("url", address),
    ]
    return {
        "version": _version(edition.version),
        "year": edition.year,
        "day": edtf.human(edition.day),
        "address": address,
        "href": Markup(url_attr(address)) if address else None,
        "bibtex": cite.bibtex("misc", f"peacetalks:{edition.version}", fields),
    }
