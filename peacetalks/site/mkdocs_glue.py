"""The MkDocs side: hook functions that add the generated pages and files to a build.

`python build.py build` renders first (to report located problems) and hands the result over
through `preloaded`; plain `mkdocs build|serve` renders from records/ here, so live reload
picks up an edited record. Under `mkdocs serve` the hook keeps the last render and re-renders
only what an edit can change (incremental.py); with `--dirty`, MkDocs then rebuilds only the
pages whose Markdown changed, as they are read from a per-process cache directory."""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from ..load import Dataset
from ..parallel import can_fork
from ..problems import Problem
from . import api, feed, incremental, pagesplit, rawblocks, searchindex, watch
from .packed import Pages, pack, unpack
from .pagetrim import trim_indentation
from .render import Rendered, Stopped, render
from .views import Settings

log = logging.getLogger("mkdocs.plugins.peacetalks")
_HTTP = re.compile(r"https?://[^\s<>\"'`\\]+")

_preloaded: tuple[Dataset, Rendered] | None = None
_standalone: Dataset | None = None
_serve_cache: Path | None = None  # set under `mkdocs serve`: generated pages live here as files
_serve_state: incremental.State | None = None  # the last render without problems
_split = ExitStack()  # under serve, pagesplit.two_cores() for the build that can use it
_on_disk: dict[str, bytes] = {}  # under serve: the pages as written in _serve_cache (compressed)
_exported = False  # under serve: the data files were written (by the first build)
# Under serve, an edit's neighbours and the overview pages are rendered in the background after
# the build that shows the edited page (incremental.complete); when they are ready, a file in a
# directory the server watches is rewritten, and the rebuild that follows takes them.
_trigger: Path | None = None
_records_watch: watch.RecordsWatch | None = None  # under serve: the records' change events, where used
_generation = 0  # counts the serve builds; a background result is taken only in the generation it began
_completed: tuple[int, incremental.State] | None = None
_completing = threading.Lock()
_newer = threading.Event()  # set when a build begins: the background rendering of an older one stops
_complete_after_build = False  # this build showed a preview: start completing it once it is written
SHOWN_PROBLEMS = 200  # on the preview's problem page; the check prints them all


def on_startup(command: str, dirty: bool) -> None:
    global _serve_cache, _serve_state, _exported, _trigger, _completed
    if command == "serve":
        _serve_cache = Path(tempfile.mkdtemp(prefix="peacetalks-pages-"))
        _trigger = Path(tempfile.mkdtemp(prefix="peacetalks-ready-")) / "ready"
        _serve_state, _exported, _completed = None, False, None
        _on_disk.clear()
    if dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_dirty_warning)


def _dirty_warning(record: logging.LogRecord) -> bool:
    """Drop MkDocs' warning that --dirty is in use: under strict it would abort every serve build.
    The hook re-renders whatever an edit changes, so the warning does not apply to generated pages."""
    return "A 'dirty' build is being performed" not in record.getMessage()


def on_shutdown() -> None:
    global _serve_cache, _serve_state, _trigger, _records_watch
    if _records_watch is not None:
        _records_watch.stop()
        _records_watch = None
    if _serve_cache is not None:
        shutil.rmtree(_serve_cache, ignore_errors=True)
    if _trigger is not None:
        shutil.rmtree(_trigger.parent, ignore_errors=True)
    _serve_cache, _serve_state, _trigger = None, None, None


@contextmanager
def preloaded(dataset: Dataset, rendered: Rendered) -> Iterator[None]:
    global _preloaded
    _preloaded = (dataset, rendered)
    try:
        yield
    finally:
        _preloaded = None
        searchindex.restore()


def settings(config: Any) -> Settings:
    """Where the site and its repository live: each from one setting, the environment first.

    The repository: PEACETALKS_REPO_URL, else `extra.peacetalks.repo_url`; the site: feed.site_url()
    (PEACETALKS_SITE_URL, else `site_url`). An unset or non-http(s) value is "": the links that
    need it are left out."""
    extra = (config.get("extra") or {}).get("peacetalks") or {}
    return Settings(repo_url(config), str(extra.get("branch") or "main"), bool(config.get("use_directory_urls")), feed.site_url())


def repo_url(config: Any) -> str:
    extra = (config.get("extra") or {}).get("peacetalks") or {}
    value = os.environ.get("PEACETALKS_REPO_URL", "").strip() or str(extra.get("repo_url") or "").strip()
    return value.rstrip("/") if _HTTP.fullmatch(value) else ""


def records_dir(config: Any) -> Path:
    configured = os.environ.get("PEACETALKS_RECORDS")
    return Path(configured) if configured else Path(config.config_file_path).parent / "records"


def on_config(config: Any) -> Any:
    """Leave out nav entries for hand-written pages that are not there (e.g. on a partial checkout);
    a site URL from the environment is MkDocs' too (canonical links, sitemap)."""
    if feed.site_url():
        config.site_url = feed.site_url() + "/"
    # The generator's one-line HTML blocks go to the page as they are (rawblocks.py). Added here,
    # not in mkdocs.yml, where MkDocs would load it before this hook makes the package importable.
    if not any(isinstance(e, rawblocks.RawBlocksExtension) for e in config.markdown_extensions):
        config.markdown_extensions.append(rawblocks.RawBlocksExtension())
    docs = Path(config.docs_dir)
    config.nav = _prune(config.nav, docs) if config.nav else config.nav
    return config


def _prune(nav: Any, docs: Path) -> Any:
    from .render import STATIC_PAGES

    generated = set(STATIC_PAGES) | {"index.md"}
    out = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            out.append({next(iter(item)): _prune(value, docs)})
        elif (
            isinstance(value, str)
            and value.endswith(".md")
            and value not in generated
            and "/" not in value
            and not (docs / value).is_file()
        ):
            log.info("nav: %s is not in docs/, left out of the navigation", value)
        else:
            out.append(item)
    return out


def on_pre_build(config: Any) -> None:
    """The search plugin's index (made anew in its on_config) reads the pages with searchindex.py.
    Under serve, the first build (before the server starts its threads) uses both cores, as
    `build.py build` does, and this process holds only half of the pages' HTML (pagesplit.py)."""
    searchindex.install(config)
    if _serve_cache is not None and can_fork():
        _split.enter_context(pagesplit.two_cores())


def on_build_error(error: Exception) -> None:
    _split.close()


def on_files(files: Files, config: Any) -> Files:
    global _standalone, _serve_state, _complete_after_build
    if _preloaded is not None:
        rendered = _preloaded[1]
    else:
        _newer.set()  # under serve, a background rendering still running gives way to this build
        from ..pipeline import check
        from ..problems import summary

        dataset, problems = check(records_dir(config), cache=_serve_cache is not None)
        state = None
        if not problems:
            if _serve_cache is not None:
                state = _serve_update(dataset, config)
                rendered = state.rendered
            else:
                rendered = render(dataset, settings(config), records_dir=records_dir(config))
            problems = rendered.problems
        if problems and _serve_cache is not None and _serve_state is not None:
            return _problem_pages(files, config, problems, _serve_state.rendered, _serve_cache)
        if problems:
            raise PluginError("\n".join(p.format() for p in problems) + f"\nrecords have problems: {summary(problems)}")
        _standalone = dataset
        if state is not None and _serve_cache is not None:
            _serve_state, _complete_after_build = state, not state.complete
            return _add_cached(files, config, rendered, _serve_cache)
    # Pages rendered by build_site are handed over: MkDocs' File holds each page's only copy, compressed
    # until MkDocs reads it, and released once the page is converted (on_page_content).
    pages = rendered.pages
    for path in sorted(pages):
        _add(files, PackedPage.of(config, path, pages.packed(path)))
        if _preloaded is not None:
            del pages[path]
    for path, data in sorted(rendered.files.items()):
        _add(files, File.generated(config, path, content=data))
    return files


def _serve_update(dataset: Dataset, config: Any) -> incremental.State:
    """Under serve: the edited pages at once (incremental.preview), the rest when the background
    has completed them; a full update where a preview will not do."""
    global _generation, _completed
    with _completing:
        done, _completed = _completed, None
        _generation += 1
    base = done[1] if done is not None and done[0] == _generation - 1 else _serve_state
    quick = incremental.preview(base, dataset, settings(config), records_dir(config))
    state, _ = quick if quick is not None else incremental.update(base, dataset, settings(config), records_dir(config))
    return state


def _complete_in_background(state: incremental.State, config: Any) -> None:
    """Render what the preview left stale; if no build has begun since, hand it to the next one and
    rewrite the watched file, so the server rebuilds (only the pages that changed, with --dirty)."""
    global _newer
    generation, where, trigger = _generation, records_dir(config), _trigger
    _newer = newer = threading.Event()

    def work() -> None:
        global _completed
        try:
            done, _ = incremental.complete(state, where, stop=newer.is_set)
        except Stopped:  # a newer build began: its own background run covers these pages too
            return
        except Exception:  # a bug: say so and leave the preview as it is (the next edit tries again)
            log.exception("rendering the rest of the site after an edit failed")
            return
        if done.rendered.problems:  # shown by the next rebuild, which renders in full
            print("\n".join(p.format() for p in done.rendered.problems), file=sys.stderr, flush=True)
            return
        with _completing:
            if generation != _generation or trigger is None:
                return  # another edit came first: its own background run covers this one's pages too
            _completed = (generation, done)
        try:
            trigger.write_text(str(generation), "utf-8")
        except OSError:
            pass  # the server was stopped meanwhile

    threading.Thread(target=work, name="peacetalks-complete", daemon=True).start()


def _add_cached(files: Files, config: Any, rendered: Rendered, cache: Path) -> Files:
    """Pages as files under `cache`, rewritten only when changed, so `--dirty` skips the rest."""
    written = incremental.write_changed(rendered.pages, _on_disk, cache)
    _on_disk.clear()
    _on_disk.update(written)
    for path in sorted(rendered.pages):
        _add(files, File(path, str(cache), config.site_dir, config.use_directory_urls))
    for path, data in sorted(rendered.files.items()):
        _add(files, File.generated(config, path, content=data))
    return files


def _problem_pages(files: Files, config: Any, problems: list[Problem], last: Rendered, cache: Path) -> Files:
    """Under serve, while a record is broken: the home page and the page of each file with a
    problem list the located problems (the rest of the site stays as last built), instead of a
    failed build, after which the server would keep every request waiting. Printed too."""
    from ..collections import COLLECTIONS
    from ..problems import summary
    from .text import md_text
    from .views import page_path

    lines = [p.format() for p in problems]
    print("\n".join(lines) + f"\nrecords have problems: {summary(problems)}", file=sys.stderr, flush=True)
    shown = "\n".join(f"- `{index + 1}` {md_text(line)}" for index, line in enumerate(lines[:SHOWN_PROBLEMS]))
    more = len(lines) - SHOWN_PROBLEMS
    rest = f"\n\n{more:,} more: run `python build.py check` to see them all." if more > 0 else ""
    page = (
        "# The records have problems\n\n"
        f"{md_text(summary(problems))}. The preview shows the site as last built without problems; "
        "it is rebuilt when the records are fixed.\n\n"
        f"{shown}{rest}\n"
    )
    pages = Pages(last.pages)
    pages["index.md"] = page
    for problem in problems:
        parts = problem.path.removesuffix(".json").split("/")
        if len(parts) >= 2 and parts[-2] in COLLECTIONS and page_path((parts[-2], parts[-1])) in pages:
            pages[page_path((parts[-2], parts[-1]))] = page
    return _add_cached(files, config, Rendered(pages, last.files, []), cache)


class PackedPage(File):
    """A generated page whose Markdown stays compressed (packed.pack) until MkDocs reads it: MkDocs
    makes every File before it converts the first page, and the data worker forked meanwhile
    inherits them all."""

    _packed = b""

    @classmethod
    def of(cls, config: Any, path: str, packed: bytes) -> PackedPage:
        page = cls.generated(config, path, content="")
        assert isinstance(page, PackedPage)
        page._packed = packed
        return page

    @property
    def content_string(self) -> str:
        return unpack(self._packed) if self._packed else ""

    @content_string.setter
    def content_string(self, value: str) -> None:
        self._packed = pack(value) if value else b""

    @property
    def content_bytes(self) -> bytes:
        return self.content_string.encode("utf-8")

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.content_string = value.decode("utf-8")


def _add(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """Rebuild when a record changes, also when PEACETALKS_RECORDS points outside the repository:
    through change events where the system has them (watch.py), else by MkDocs' polling."""
    global _records_watch
    where = records_dir(config).absolute()
    if _trigger is not None and _records_watch is None:
        _records_watch = watch.start(where, _trigger.parent / "records-changed")
    if _records_watch is None:
        server.watch(str(where))
    if _trigger is not None:
        server.watch(str(_trigger.parent))
    return server


# Search: a record's page ranks above the reference pages that mention its name, and an actor's
# other names (Kiev for Kyiv, Zelensky for Zelenskyy) find it. Material reads both from the page's
# meta: `search.boost` and `tags` (indexed, and boosted, as the page's keywords). Set here rather
# than in front matter, so no record text is written as YAML.
# Material's lunr index does not weigh a title by its length, so "Ukraine" matches the title
# "Ukraine" no better than "Foreign troops in Ukraine": a page's boost breaks the tie, the shortest
# names first (an actor's name is what a reader types; a topic's is a phrase; a demand's a sentence).
RECORD_BOOST = 2.0
COLLECTION_BOOST = {"actors": 3.0, "topics": 2.5}  # others: RECORD_BOOST; reference pages: 1
OWN_NAME_KEYWORD = ("actors", "topics")  # names a reader types: the record's own name is a keyword of its page
NOT_SEARCHED = ("cite-this-record", "for-data-users", "sources")  # every record page has them: only noise in results


def _dataset() -> Dataset | None:
    return _preloaded[0] if _preloaded is not None else _standalone


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """A record page's search boost, and its other names as its search keywords."""
    collection, _, name = page.file.src_uri.partition("/")
    dataset = _dataset()
    if dataset is None or collection not in dataset.records or not name.endswith(".md"):
        return markdown
    record = dataset.records[collection].get(name.removesuffix(".md"))
    if record is None:
        return markdown
    page.meta["search"] = {"boost": COLLECTION_BOOST.get(collection, RECORD_BOOST)}
    return markdown


def on_nav(nav: Any, config: Any, files: Files) -> Any:
    pagesplit.navigation(nav)  # for the pages converted and written on the second core
    return nav


@event_priority(-100)  # after every other plugin's on_page_content: this one hands MkDocs an empty text
def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    """Between MkDocs' two passes (convert every page, then write every page), a page keeps its HTML
    compressed (restored in on_page_context) and no Markdown: nothing reads the Markdown again (a
    serve rebuild makes new Files). At 50,000 records each of the build's two processes held about
    380 MB of pages' HTML between the passes."""
    page.markdown = ""  # not None: MkDocs reads a page without Markdown as one without a title
    if page.file.generated_by is not None:
        page.file.content_string = ""
    page.peacetalks_html = pack(html_text)
    return ""


@event_priority(100)  # before the search plugin reads the page's HTML
def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    packed = getattr(page, "peacetalks_html", None)
    if packed is not None:
        page.content = unpack(packed)
        page.peacetalks_html = None
    return context


def on_post_page(output: str, page: Any, config: Any) -> str:
    """The written page, without the theme's indentation; and the page's HTML released: the page
    is written, and only it read its HTML (the search index took its text before the template ran)."""
    page.content = None
    return trim_indentation(output)


def on_post_template(output: str, template_name: str, config: Any) -> str:
    """The theme's own pages (404.html) without its indentation too."""
    return trim_indentation(output) if template_name.endswith(".html") else output


def search_names(data: dict[str, Any], name: str = "") -> list[str]:
    """A record's names for its search keywords, as plain one-line strings: `name` first (an actor's
    own: a keyword outweighs every title, so "Russia" finds the actor before the title "Russia–US
    relations", whose rarer word lunr's wildcard weighs higher), then its other names (`aliases`)."""
    aliases = data.get("aliases")
    names = [name] if name else []
    names += [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
    # Material's search results insert a page's tags as HTML: escape them like page text.
    return list(dict.fromkeys(html.escape(" ".join(n.split()), quote=True) for n in names if n.strip()))


@event_priority(50)  # before the search plugin writes its index
def on_post_build(config: Any) -> None:
    pagesplit.finish(config)  # the search entries of the pages written on the second core, in page order
    _split.close()
    if _serve_cache is not None:
        _merge_search_index(config)
    _trim_search_index(config)
    if _preloaded is not None:  # `build.py build`, one build in this process
        searchindex.write_files(config)
    _write_exports(config)
    global _complete_after_build
    if _complete_after_build and _serve_state is not None:
        _complete_after_build = False
        _complete_in_background(_serve_state, config)


def _trim_search_index(config: Any) -> None:
    """Leave out the sections every record page has (its citation, its data block): they match
    every record's name and push the records' own sections down the results."""
    search = config.plugins.get("material/search")
    dataset = _dataset()
    if search is None:
        return
    entries = [e for e in search.search_index.entries if e["location"].partition("#")[2] not in NOT_SEARCHED]
    for entry in entries:
        collection, _, name = entry["location"].partition("/")
        record = dataset.records[collection].get(name.removesuffix(".html")) if dataset and collection in dataset.records else None
        names = search_names(record.data, record.label if collection in OWN_NAME_KEYWORD else "") if record is not None else []
        if names:  # the page as a whole, not each of its sections
            entry["tags"] = names
    search.search_index.entries = entries


def _merge_search_index(config: Any) -> None:
    """Under --dirty the search plugin indexes only the pages just rebuilt and merges them with
    the previous index for one page only; merge for every rebuilt page so search stays whole."""
    search = config.plugins.get("material/search")
    previous = getattr(search, "search_index_prev", None)
    if search is None or previous is None:
        return
    current = search.search_index.entries
    rebuilt = {entry["location"].partition("#")[0] for entry in current}
    kept = [entry for entry in previous.entries if entry["location"].partition("#")[0] not in rebuilt]
    search.search_index.entries = kept + current
    search.search_index_prev = None


def _write_exports(config: Any) -> None:
    """Under plain mkdocs, write the data files too (build_site writes them itself), and the
    marker that lets `build.py build` replace the site later. Under serve only on the first
    build: rebuilds leave them (`make export` writes them afresh)."""
    global _standalone, _exported
    if _serve_cache is not None and _exported:
        _standalone = None
        return
    if _standalone is not None and _preloaded is None:
        _exported = _serve_cache is not None
        from ..export import write_exports
        from ..output import mark

        write_exports(_standalone, Path(config.site_dir) / "data")
        api.write_beside_data(_standalone, Path(config.site_dir))
        mark(Path(config.site_dir))
        _standalone = None
