"""The MkDocs side: hook functions that add the generated pages and files to a build.

`python build.py build` renders first (to report located problems) and hands the result over
through `preloaded`; plain `mkdocs build|serve` renders from records/ here, so live reload
picks up an edited record."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from ..load import Dataset
from .render import Rendered, render
from .views import Settings

log = logging.getLogger("mkdocs.plugins.peacetalks")

_preloaded: tuple[Dataset, Rendered] | None = None
_standalone: Dataset | None = None


@contextmanager
def preloaded(dataset: Dataset, rendered: Rendered) -> Iterator[None]:
    global _preloaded
    _preloaded = (dataset, rendered)
    try:
        yield
    finally:
        _preloaded = None


def settings(config: Any) -> Settings:
    extra = (config.get("extra") or {}).get("peacetalks") or {}
    repo_url = os.environ.get("PEACETALKS_REPO_URL") or str(extra.get("repo_url") or "")
    return Settings(repo_url.rstrip("/"), str(extra.get("branch") or "main"), bool(config.get("use_directory_urls")))


def records_dir(config: Any) -> Path:
    configured = os.environ.get("PEACETALKS_RECORDS")
    return Path(configured) if configured else Path(config.config_file_path).parent / "records"


def on_config(config: Any) -> Any:
    """Leave out nav entries for hand-written pages that are not there (e.g. on a partial checkout)."""
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
    global _standalone
    if _preloaded is not None:
        rendered = _preloaded[1]
    else:
        from ..pipeline import check
        from ..problems import summary

        dataset, problems = check(records_dir(config))
        if not problems:
            rendered = render(dataset, settings(config), records_dir=records_dir(config))
            problems = rendered.problems
        if problems:
            raise PluginError("\n".join(p.format() for p in problems) + f"\nrecords have problems: {summary(problems)}")
        _standalone = dataset
    for path, text in sorted(rendered.pages.items()):
        _add(files, File.generated(config, path, content=text))
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


def on_post_build(config: Any) -> None:
    """Under plain mkdocs, write the data files too (build_site writes them itself)."""
    global _standalone
    if _standalone is not None and _preloaded is None:
        from ..export import write_exports

        write_exports(_standalone, Path(config.site_dir) / "data")
        _standalone = None
