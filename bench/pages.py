"""The baselines of the full build: plain MkDocs projects.

1. `write_project`: pre-written Markdown pages, one per record. Record pages stay out of the
   sidebar (`not_in_nav`) and are listed on one index page per collection, as the project's site
   does. Theme and navigation settings are copied from the project's mkdocs.yml when it exists (its
   `custom_dir` and hooks are left out: this is the plain theme).
2. `write_generated`: the project's own generated Markdown (every page and file peacetalks.site
   renders, plus the hand-written docs/), written out once, with the project's mkdocs.yml less its
   hooks (and not strict: the data files the hook writes are not there). `mkdocs build` on it does
   everything the full build does but the generator's own work (check, render, the hook's search
   and export steps), which is therefore the full build's time less this one's.

    python -m bench.pages RECORDS ROOT   # writes ROOT/mkdocs.yml and ROOT/docs/ for baseline 2"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

from peacetalks.collections import COLLECTIONS

# What the baseline takes from the project's mkdocs.yml: the theme, how navigation and URLs work,
# the Markdown extensions, and the plugins that come with MkDocs and Material.
COPIED = ("theme", "use_directory_urls", "markdown_extensions", "plugins")
RAW_BLOCKS = "peacetalks.site.rawblocks"  # importable with the repository on PYTHONPATH (bench/measure.py)
STOCK_PLUGINS = {"search", "offline", "tags"}
DEFAULT_THEME: dict[str, Any] = {"name": "material", "features": ["navigation.indexes", "search.suggest"]}


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, turning tags such as !!python/name:... into plain strings."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None)


def project_settings(repo: Path) -> tuple[dict[str, Any], str]:
    """The theme and navigation settings to copy, and where they came from."""
    path = repo / "mkdocs.yml"
    if not path.exists():
        return {"theme": DEFAULT_THEME}, "mkdocs.yml not found: Material defaults with record pages kept out of the sidebar"
    config = yaml.load(path.read_text("utf-8"), Loader=_Loader) or {}
    settings = {key: config[key] for key in COPIED if key in config}
    theme = settings.get("theme", DEFAULT_THEME)
    if isinstance(theme, dict):
        settings["theme"] = {k: v for k, v in theme.items() if k != "custom_dir"}
    if isinstance(settings.get("plugins"), list):
        settings["plugins"] = [p for p in settings["plugins"] if (p if isinstance(p, str) else next(iter(p), "")) in STOCK_PLUGINS]
    copied = ", ".join(key for key in COPIED if key in settings)
    return settings, f"{copied} copied from mkdocs.yml (without the theme's custom_dir, hooks or project plugins)"


def _page(collection: str, record: dict[str, Any]) -> str:
    """A record as Markdown: its title, fields, summary and citations."""
    label = COLLECTIONS[collection].label
    lines = [f"# {record.get(label, record['id'])}", ""]
    for key, value in record.items():
        if key in ("$schema", "id", label, "summary", "citations", "notes"):
            continue
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(f"- **{key}**: {shown[:300]}")
    lines += ["", record.get("summary") or record.get("notes") or "", "", "## Sources", ""]
    for citation in record.get("citations", []):
        lines += [f"> {citation['quote']}", "", f"— [{citation['source']}](../sources/{citation['source']}.md)", ""]
    return "\n".join(lines)


def write_project(records: Path, root: Path, repo: Path) -> tuple[int, str]:
    """Write root/mkdocs.yml and root/docs/; returns the number of pages and the settings' origin."""
    docs = root / "docs"
    settings, origin = project_settings(repo)
    pages = 0
    sections = []
    for collection in COLLECTIONS:
        folder = docs / collection
        folder.mkdir(parents=True, exist_ok=True)
        listing = [f"# {collection.capitalize()}", ""]
        for path in sorted((records / collection).glob("*.json")):
            record = json.loads(path.read_text("utf-8"))
            (folder / f"{path.stem}.md").write_text(_page(collection, record), "utf-8")
            listing.append(f"- [{record.get(COLLECTIONS[collection].label, path.stem)}]({path.stem}.md)")
            pages += 1
        (folder / "index.md").write_text("\n".join(listing) + "\n", "utf-8")
        sections.append({collection.capitalize(): f"{collection}/index.md"})
    (docs / "index.md").write_text("# Benchmark baseline\n\nPre-written pages for `mkdocs build`.\n", "utf-8")
    config: dict[str, Any] = {
        "site_name": "peacetalks benchmark baseline",
        **settings,
        "nav": [{"Home": "index.md"}, *sections],
        "not_in_nav": "\n".join(f"/{collection}/*.md" for collection in COLLECTIONS) + "\n",
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return pages, origin


def generated_settings(repo: Path, root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml for baseline 2: its theme (and custom_dir), nav, plugins and Markdown
    extensions (with the one its hook adds), no hooks."""
    config = yaml.load((repo / "mkdocs.yml").read_text("utf-8"), Loader=_Loader) or {}
    for key in ("hooks", "watch", "validation"):
        config.pop(key, None)
    config["strict"] = False
    config["docs_dir"] = "docs"
    # The Markdown extension the hook adds (the generator's HTML blocks stored as they are): part of
    # how the project's pages are read, so the baseline reads them the same way.
    config["markdown_extensions"] = [*(config.get("markdown_extensions") or []), RAW_BLOCKS]
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str(repo / theme["custom_dir"])
    return dict(config)


def write_generated(records: Path, root: Path, repo: Path) -> int:
    """Write root/mkdocs.yml and root/docs/: the generated pages and files, and docs/. Returns the pages."""
    from peacetalks.pipeline import check
    from peacetalks.site.render import render
    from peacetalks.site.views import Settings

    dataset, problems = check(records, cache=False)
    if problems:
        raise SystemExit(f"{records}: {len(problems)} problems; the baseline needs valid records")
    rendered = render(dataset, Settings(), records_dir=records)
    docs = root / "docs"
    shutil.copytree(repo / "docs", docs, ignore=shutil.ignore_patterns("img"), dirs_exist_ok=True)
    for path, text in rendered.pages.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, "utf-8")
    for path, data in rendered.files.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_bytes(data)
    config = generated_settings(repo, root)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return len(rendered.pages)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python -m bench.pages RECORDS ROOT")
    print(f"{write_generated(Path(sys.argv[1]), Path(sys.argv[2]), Path(__file__).resolve().parent.parent)} pages written")
