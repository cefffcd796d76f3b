"""The MkDocs side: hook functions that add the generated pages and files to a build.

`python build.py build` renders first (to report located problems) and hands the result over
through `preloaded`; plain `mkdocs build|serve` renders from records/ here, so live reload
picks up an edited record. Under `mkdocs serve` the hook keeps the last render and re-renders
only what an edit can change (incremental.py); with `--dirty`, MkDocs then rebuilds only the
pages whose Markdown changed, as they are read from a per-process cache directory."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from ..load import Dataset
from . import api, feed, incremental
from .render import Rendered, render
from .views import Settings

log = logging.getLogger("mkdocs.plugins.peacetalks")
_HTTP = re.compile(r"https?://[^\s<>\"'`\\]+")

_preloaded: tuple[Dataset, Rendered] | None = None
_standalone: Dataset | None = None
_serve_cache: Path | None = None  # set under `mkdocs serve`: generated pages live here as files
_serve_state: incremental.State | None = None


def on_startup(command: str, dirty: bool) -> None:
    global _serve_cache, _serve_state
    if command == "serve":
        _serve_cache = Path(tempfile.mkdtemp(prefix="peacetalks-pages-"))
        _serve_state = None
    if dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_dirty_warning)


def _dirty_warning(record: logging.LogRecord) -> bool:
    """Drop MkDocs' warning that --dirty is in use: under strict it would abort every serve build.
    The hook re-renders whatever an edit changes, so the warning does not apply to generated pages."""
    return "A 'dirty' build is being performed" not in record.getMessage()


def on_shutdown() -> None:
    global _serve_cache, _serve_state
    if _serve_cache is not None:
        shutil.rmtree(_serve_cache, ignore_errors=True)
    _serve_cache, _serve_state = None, None


@contextmanager
def preloaded(dataset: Dataset, rendered: Rendered) -> Iterator[None]:
    global _preloaded
    _preloaded = (dataset, rendered)
    try:
        yield
    finally:
        _preloaded = None


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


def on_files(files: Files, config: Any) -> Files:
    global _standalone, _serve_state
    if _preloaded is not None:
        rendered = _preloaded[1]
    else:
        from ..pipeline import check
        from ..problems import summary

        dataset, problems = check(records_dir(config))
        state, previous = None, _serve_state
        if not problems:
            if _serve_cache is not None:
                state, _ = incremental.update(_serve_state, dataset, settings(config), records_dir(config))
                rendered = state.rendered
            else:
                rendered = render(dataset, settings(config), records_dir=records_dir(config))
            problems = rendered.problems
        if problems:
            raise PluginError("\n".join(p.format() for p in problems) + f"\nrecords have problems: {summary(problems)}")
        _standalone = dataset
        if state is not None and _serve_cache is not None:
            _serve_state = state
            written = previous.rendered.pages if previous is not None else {}
            return _add_cached(files, config, rendered, written, _serve_cache)
    for path, text in sorted(rendered.pages.items()):
        _add(files, File.generated(config, path, content=text))
    for path, data in sorted(rendered.files.items()):
        _add(files, File.generated(config, path, content=data))
    return files


def _add_cached(files: Files, config: Any, rendered: Rendered, written: dict[str, str], cache: Path) -> Files:
    """Pages as files under `cache`, rewritten only when changed, so `--dirty` skips the rest."""
    incremental.write_changed(rendered.pages, written, cache)
    for path in sorted(rendered.pages):
        _add(files, File(path, str(cache), config.site_dir, config.use_directory_urls))
    for path, data in sorted(rendered.files.items()):
        _add(files, File.generated(config, path, content=data))
    return files


def _add(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """Rebuild when a record changes, also when PEACETALKS_RECORDS points outside the repository."""
    server.watch(str(records_dir(config).absolute()))
    return server


@event_priority(50)  # before the search plugin writes its index
def on_post_build(config: Any) -> None:
    if _serve_cache is not None:
        _merge_search_index(config)
    _write_exports(config)


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
    marker that lets `build.py build` replace the site later."""
    global _standalone
    if _standalone is not None and _preloaded is None:
        from ..export import write_exports
        from ..output import mark

        write_exports(_standalone, Path(config.site_dir) / "data")
        api.write_beside_data(_standalone, Path(config.site_dir))
        mark(Path(config.site_dir))
        _standalone = None
