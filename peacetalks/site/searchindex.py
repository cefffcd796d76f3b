"""The search index's reading of a page, without html.parser: the same index, in a third of the time.

Material's search plugin (material/plugins/search/plugin.py) splits each page's HTML into sections
at its headings with a subclass of html.parser.HTMLParser, in pure Python; at 10,000 records that
was the largest single cost of writing the site. `sections` reads the same HTML with one regular
expression and runs the same steps on the same events, so each section gets the same title, text
and id, and the index is the same bytes (tests/site/test_searchindex.py compares the two on every
page of the test sites and on generated HTML).

It reads only plain, well-formed HTML: start tags whose attributes are double-quoted or bare names,
end tags without spaces, text without a stray `<`, comments without `--` in them, and an element
whose content html.parser reads in its own way (script, style, an SVG's title and the like) only
when that content is text without `<` (nor `&`, but in an SVG's title). For anything else it
returns None and the page is read by Material's own parser, as before. `install` puts it in front
of the plugin's index for one build."""

from __future__ import annotations

import re
from contextlib import ExitStack
from html import escape, unescape
from pathlib import Path
from typing import Any

# A start tag (name, attributes, `/` before `>`), an end tag or a plain comment, in the form every
# version of html.parser reads alike.
_TAG = re.compile(
    r"<(?:([a-zA-Z][a-zA-Z0-9-]*)((?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=\"[^\"]*\")?)*)[ \t\n\r\f]*(/?)>"
    r"|/([a-zA-Z][a-zA-Z0-9-]*)>"
    r"|!--(?:[^<>-]|-(?!-))*-->)"  # a comment with no `--`, `<` or `>` in it
)
_ATTRIBUTE = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=\"([^\"]*)\")?")
# Elements whose content html.parser (in some Python version) reads as text, not as tags: read
# here only when text without `<` (and without `&`, but in _ESCAPABLE) comes before their end tag,
# which every version reads alike.
_OWN_CONTENT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"})
_ESCAPABLE = frozenset({"textarea", "title"})  # whose references are read in every version

# As in Material's Parser.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})
_KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ALWAYS_SKIPPED = ("script", "style", "object")


class _Unreadable(Exception):
    """The page is not in the plain form read here, or Material's parser would fail on it."""


class _Reader:
    """Material's Parser's steps on html.parser's events, with the open elements kept as tags
    (Material compares its elements by tag alone) and its skip set as a set of tags."""

    def __init__(self) -> None:
        from material.plugins.search.plugin import Element, Section  # type: ignore[import-untyped]

        self.element, self.new_section = Element, Section
        self.found: list[Any] = []
        self.section: Any = None
        self.tags: list[str] = []
        self.headerlinks: list[bool] = []  # whether each open element is a heading's permalink
        self.skip = set(_ALWAYS_SKIPPED)

    def preface(self) -> Any:
        self.section = self.new_section(self.element("hx"))
        self.found.append(self.section)
        return self.section

    def start(self, tag: str, attributes: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        tags = self.tags
        tags.append(tag)
        self.headerlinks.append(tag == "a" and attributes.get("class") == "headerlink")
        section = self.section
        if tag in _HEADINGS and "id" in attributes:
            depth = len(tags)
            if tag != "h1" and not self.found:
                self.found.append(self.new_section(self.element("hx"), depth))
            section = self.section = self.new_section(self.element(tag, attributes), depth)
            if self.found:
                section.id = attributes["id"]
            self.found.append(section)
        if section is None:
            section = self.preface()
        if "data-search-exclude" in attributes or attributes.get("class") == "linenodiv":
            self.skip.add(tag)
            return
        if tag in _KEEP and self.skip.isdisjoint(tags):
            (section.title if section.el.tag in tags else section.text).append(f"<{tag}>")

    def end(self, tag: str) -> None:
        tags = self.tags
        if not tags or tags[-1] != tag:
            return
        section = self.section
        if section.depth > len(tags):
            for earlier in reversed(self.found):
                if earlier.depth <= len(tags):
                    section.depth = float("inf")
                    section = self.section = earlier
                    break
        tags.pop()
        self.headerlinks.pop()
        if tag in self.skip:
            if tag not in _ALWAYS_SKIPPED:
                self.skip.discard(tag)
            return
        if tag in _KEEP and self.skip.isdisjoint(tags):
            data = section.title if section.el.tag in tags else section.text
            opening = f"<{tag}>"
            if opening not in data:
                raise _Unreadable  # Material's parser fails here (ValueError): let it
            index = data.index(opening)
            if any(not piece.isspace() for piece in data[index + 1 :]):
                data.append(f"</{tag}>")
            else:
                del data[index:]

    def text(self, raw: str) -> None:
        tags = self.tags
        if not self.skip.isdisjoint(tags):
            return
        text = unescape(raw) if "&" in raw else raw
        if "pre" not in tags:
            text = text.replace("\n", " ") if not text.isspace() else " "
        section = self.section if self.section is not None else self.preface()
        if section.el.tag in tags:
            if not any(self.headerlinks):
                section.title.append(escape(text, quote=False))
        elif text.isspace():
            if not section.text or not section.text[-1].isspace() or "pre" in tags:
                section.text.append(text)
        else:
            section.text.append(escape(text, quote=False))


def sections(html: str) -> list[Any] | None:
    """The page's sections as Material's Parser finds them (its Section objects), or None where
    the HTML is not in the form read here."""
    reader = _Reader()
    position = 0
    within: str | None = None  # an element of _OWN_CONTENT just opened: its end tag must come next
    try:
        for match in _TAG.finditer(html):
            start = match.start()
            name, attributes, closed, end = match.groups()
            if start > position:
                gap = html[position:start]
                if "<" in gap or (within is not None and within not in _ESCAPABLE and "&" in gap):
                    raise _Unreadable
                reader.text(gap)
            position = match.end()
            if within is not None and end != within:
                raise _Unreadable
            within = None
            if end is not None:
                reader.end(end.lower())
            elif name is None:
                continue  # a comment, which Material's parser ignores
            else:
                tag = name.lower()
                values: dict[str, str | None] = {}
                if attributes:
                    for attribute in _ATTRIBUTE.finditer(attributes):
                        value = attribute.group(2)
                        values[attribute.group(1).lower()] = unescape(value) if value else value
                reader.start(tag, values)
                if tag in _OWN_CONTENT:
                    if closed or name != tag:
                        raise _Unreadable
                    within = tag
                elif closed:
                    reader.end(tag)
        if within is not None:
            raise _Unreadable
        if position < len(html):
            gap = html[position:]
            if "<" in gap:
                raise _Unreadable
            reader.text(gap)
    except _Unreadable:
        return None
    return reader.found


def add_entry(index: Any, page: Any) -> None:
    """SearchIndex.add_entry_from_context, reading the page with `sections` where it can."""
    search = page.meta.get("search") or {}
    if search.get("exclude"):
        return
    found = sections(page.content)
    if found is None:
        _original(index)(page)
        return
    for section in found:
        if not section.is_excluded():
            index.create_entry_for_section(section, page.toc, page.url, page)


def _original(index: Any) -> Any:
    return type(index).add_entry_from_context.__get__(index)


def install(config: Any) -> None:
    """Have the search plugin's index read this build's pages with `add_entry`."""
    plugin = config.plugins.get("material/search")
    index = getattr(plugin, "search_index", None)
    if index is not None:
        index.add_entry_from_context = lambda page: add_entry(index, page)


# ---------------------------------------------------------------- writing the index

# Entries encoded and written at a time: the index at 50,000 records is about 310 MB of JSON.
_BATCH = 1_000
_SETTINGS = ("lang", "separator", "pipeline", "fields")  # what Material's index writes as its "config"
_OFFLINE_PREFIX = "var __index = "
_stood_in_for: list[Any] = []  # the plugins' configs set aside by `write_files`, until `restore`


def write_files(config: Any) -> bool:
    """Write search/search_index.json as Material's search plugin writes it, and search_index.js as
    its offline plugin writes it from that, a thousand entries at a time; then set both plugins
    aside for this build (`restore` puts them back). Material builds the whole index as one string
    and its bytes, and the offline plugin reads it back and builds two more: at 50,000 records
    about 1 GB on top of the entries, the build's largest memory. The files are the same bytes
    (tests/site/test_searchindex.py). Returns False, and writes nothing, when the search plugin
    is off or merges with an earlier build's index (`mkdocs serve --dirty`)."""
    import json

    search, offline = config.plugins.get("material/search"), config.plugins.get("material/offline")
    if search is None or not search.config.enabled or search.is_dirty:
        return False
    index = search.search_index
    encode = json.JSONEncoder(separators=(",", ":"), default=str).encode  # as Material's json.dumps
    base = Path(config.site_dir) / "search"
    base.mkdir(parents=True, exist_ok=True)
    offline_on = offline is not None and offline.config.enabled
    with ExitStack() as files:
        targets = [files.enter_context(open(base / "search_index.json", "wb"))]
        if offline_on:
            targets.append(files.enter_context(open(base / "search_index.js", "wb")))
            targets[1].write(_OFFLINE_PREFIX.encode("utf-8"))
        entries = index.entries
        settings = {key: index.config[key] for key in _SETTINGS}
        _write(targets, '{"config":' + encode(settings) + ',"docs":[')
        for start in range(0, len(entries), _BATCH):
            _write(targets, ("," if start else "") + ",".join(encode(entry) for entry in entries[start : start + _BATCH]))
        _write(targets, "]}")
    _stood_in_for.extend(plugin.config for plugin in (search, offline) if plugin is not None and plugin.config.enabled)
    for plugin_config in _stood_in_for:
        plugin_config.enabled = False
    return True


def _write(targets: list[Any], text: str) -> None:
    data = text.encode("utf-8")
    for target in targets:
        target.write(data)


def restore() -> None:
    """The plugins `write_files` set aside, on again (for the next build in this process)."""
    for plugin_config in _stood_in_for:
        plugin_config.enabled = True
    _stood_in_for.clear()
