"""The main text of a saved web page, a PDF or a text file, as paragraphs.

A page's article is found by trafilatura (navigation, footers, asides, scripts and styles are
dropped); a PDF's text by pypdf (its layout mode, whose blank lines separate paragraphs), without the lines repeated on every page (running headers,
footers, page numbers); a text file is read as UTF-8. The result is the stored form: each
paragraph on one line (NFC, whitespace runs as one space), paragraphs separated by a blank
line, a final newline."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..quotes import normalise

MAX_INPUT_BYTES = 50_000_000
_BLANK = re.compile(r"\n\s*\n")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Extracted:
    text: str  # the stored form: paragraphs separated by blank lines, final newline
    kind: str  # "html", "pdf" or "text"
    title: str | None = None
    authors: tuple[str, ...] = field(default=())
    published: str | None = None  # YYYY-MM-DD, when the page's markup states it
    publisher: str | None = None


class ExtractError(Exception):
    """The file cannot be read as a page, a PDF or a text: the message says why and what to do."""


def stored_form(paragraphs: list[str]) -> str:
    kept = [p for p in (normalise(p) for p in paragraphs) if p]
    return "\n\n".join(kept) + "\n" if kept else ""


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a stored text, normalised: its blank-line-separated blocks, or its lines
    when it has no blank line (a text kept as received, one paragraph a line)."""
    blocks = _BLANK.split(text.strip()) if _BLANK.search(text.strip()) else text.splitlines()
    return [p for p in (normalise(block) for block in blocks) if p]


def file_kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf" or head.startswith(b"%PDF-"):
        return "pdf"
    if suffix in (".html", ".htm", ".xhtml", ".mhtml") or head.lstrip()[:1] == b"<":
        return "html"
    return "text"


def extract(path: Path) -> Extracted:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ExtractError(f"the file is {size:,} bytes; at most {MAX_INPUT_BYTES:,} bytes are read: save only the article")
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"cannot read the file: {exc.strerror}") from None
    kind = file_kind(path, raw[:64])
    if kind == "pdf":
        result = _pdf(raw)
    elif kind == "html":
        result = _html(_decode(raw))
    else:
        result = Extracted(stored_form(_BLANK.split(_decode(raw))), "text")
    if not result.text:
        raise ExtractError(f"no text found in this {_NAMES[kind]}: {_EMPTY_HINT[kind]}")
    return result


_NAMES = {"pdf": "PDF", "html": "page", "text": "text file"}
_EMPTY_HINT = {
    "pdf": "a scanned PDF holds images, not text: save the text from the publisher's page instead",
    "html": "save the page after it has loaded (the article may be filled in by a script), or save its text",
    "text": "the file is empty",
}


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractError(f"invalid UTF-8 at byte {exc.start} (0x{raw[exc.start]:02x}): save the file as UTF-8") from None


def _html(html: str) -> Extracted:
    import trafilatura

    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, include_images=False, favor_precision=True, deduplicate=False
    )
    meta = trafilatura.extract_metadata(html, extensive=False)
    authors = tuple(a.strip() for a in (meta.author or "").split(";") if a.strip()) if meta else ()
    date = _meta_date(html) or (
        meta.date if meta and isinstance(meta.date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date) else None
    )
    return Extracted(
        stored_form((text or "").split("\n")),
        "html",
        title=(meta.title or None) if meta else None,
        authors=authors,
        published=date,
        publisher=(meta.sitename or None) if meta else None,
    )


_DATE_META = {"article:published_time", "datepublished", "date", "dc.date.issued", "dcterms.date", "dcterms.issued"}


class _Meta(HTMLParser):
    """The first publication date a page's meta tags state (YYYY-MM-DD): what the page says, not a guess."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.date: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta" or self.date is not None:
            return
        values = {name: value or "" for name, value in attrs}
        names = {values.get(key, "").lower() for key in ("property", "name", "itemprop")}
        found = re.match(r"(\d{4}-\d{2}-\d{2})(?:$|T)", values.get("content", ""))
        if names & _DATE_META and found:
            self.date = found.group(1)


def _meta_date(html: str) -> str | None:
    parser = _Meta()
    parser.feed(html[:200_000])
    return parser.date


def _pdf(raw: bytes) -> Extracted:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ExtractError(f"not a readable PDF ({exc}): save it again from the publisher, or save its text") from None
    lines = [[line.strip() for line in page.splitlines()] for page in pages]
    repeated = _repeated(lines) if len(pages) > 1 else set()
    blocks: list[str] = []
    for page in lines:
        current: list[str] = []
        for line in page:
            if not line or _DIGITS.sub("#", line) in repeated or re.fullmatch(r"(page\s*)?\d+(\s*(of|/)\s*\d+)?", line, re.I):
                if current and not line:
                    blocks.append(" ".join(current))
                    current = []
                continue
            current.append(line)
        if current:
            blocks.append(" ".join(current))
    title = str(info.title) if info is not None and info.title else None
    author = str(info.author) if info is not None and info.author else None
    return Extracted(stored_form(blocks), "pdf", title=title, authors=(author,) if author else ())


def _repeated(pages: list[list[str]]) -> set[str]:
    """Lines found on more than half the pages (digits ignored): running headers and footers."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_DIGITS.sub("#", line) for line in page if line})
    return {line for line, n in counts.items() if n > len(pages) / 2}
