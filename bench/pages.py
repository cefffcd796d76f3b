"""The baseline: a plain MkDocs project of pre-written Markdown pages, one per record.

Record pages stay out of the sidebar (`not_in_nav`) and are listed on one index page per
collection, as the project's site does. Theme and navigation settings are copied from the
project's mkdocs.yml when it exists (its `custom_dir` and hooks are left out: this is the
plain theme)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from peacetalks.collections import COLLECTIONS

# What the baseline takes from the project's mkdocs.yml: the theme, how navigation and URLs work,
# the Markdown extensions, and the plugins that come with MkDocs and Material.
COPIED = ("theme", "use_directory_urls", "markdown_extensions", "plugins")
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
