"""Sources as readers meet them: a short label for each citation ("Example Wire, 12–13 March
2025"), where each quoted passage is on its source's page (an anchor), and the source page's
passages with every quote marked and linked to the claims it backs.

What a source page shows of its stored text follows its licence (peacetalks.sources.licence):
an open or public-domain text is shown whole; of any other text, only each quote with its
sentence (passages.in_sentence), and of a text whose licence is unknown no more than
MAX_SHOWN_SHARE of it, since the records may quote most of a text between them and one page of
every quote in context would show it whole. A quote past that share is listed by its opening
words (EXCERPT_WORDS, counted in the share) with the claims that cite it, whose pages show its
words. Strings stay raw here (templates escape them)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import edtf
from .. import occasions as occ
from ..collections import COLLECTIONS
from ..load import Dataset, Record
from ..quotes import FOLD, normalise
from ..sources import licence
from ..sources.extract import paragraphs
from ..sources.passages import _sentence_end, _sentence_start
from ..sources.rules import quoted_in

if TYPE_CHECKING:
    from .views import Site

# The parts of a record view that hold citations (views.py), in the order the page shows them.
CITING = ("occasions", "own_evidence", "demands", "roles", "evidence", "certain_second_hand", "second_hand")
MAX_SHOWN_SHARE = 0.5  # of a text of unknown licence, at most this share (in characters) is shown on its page
EXCERPT_WORDS = 5  # of a quote not shown in context, its opening words name it
MAX_PUBLISHER = 60  # characters of the publisher in a short label
_UNKNOWN = re.compile(r"^\s*(?:unknown|not known)\b\s*[:;,.\u2013\u2014-]?\s*", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.IGNORECASE)


# --- labels ------------------------------------------------------------------------------------


def publisher_words(publisher: Any) -> str:
    """The publisher as a label names it. A value that says the publisher is unknown ('Unknown: an
    English rendering of a report by Reuters') gives only what it says of the text after that
    ('English rendering of a report by Reuters'), never a publisher it does not state."""
    if not isinstance(publisher, str):
        return ""
    text = " ".join(publisher.split())
    found = _UNKNOWN.match(text)
    if found is not None:
        text = _ARTICLE.sub("", text[found.end() :]).rstrip(" .")
        text = text[:1].upper() + text[1:]
    if len(text) > MAX_PUBLISHER:
        text = text[: MAX_PUBLISHER - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return text


@lru_cache(maxsize=4096)
def date_label(text: str | None) -> str:
    """A published date for readers, at its stored precision: '12–13 March 2025', '30 March – 2 April
    2025', 'March 2025'; anything with a qualifier (about, uncertain) in the words of edtf.human."""
    if not isinstance(text, str):
        return ""
    try:
        span = edtf.parse(text)
    except edtf.DateError:
        return text
    start, end = span.start, span.end
    plain = not (span.approximate or span.uncertain)
    if not span.is_interval or not plain or start.precision != end.precision or start.precision == "year":
        return edtf.human(text).replace(" to ", " – ") if span.is_interval else edtf.human(text)
    a, b = start.first, end.last
    month = "%B"
    if start.precision == "month":
        return f"{a:{month}}–{b:{month} %Y}" if a.year == b.year else f"{a:{month} %Y} – {b:{month} %Y}"
    if a.year == b.year and a.month == b.month:
        return f"{a.day}–{b.day} {b:{month} %Y}"
    if a.year == b.year:
        return f"{a.day} {a:{month}} – {b.day} {b:{month} %Y}"
    return f"{a.day} {a:{month} %Y} – {b.day} {b:{month} %Y}"


def short_label(data: dict[str, Any], source_id: str) -> str:
    """'Publisher, date' from the source record's own fields; without a publisher its title, then its id."""
    published = data.get("published")
    date = published.get("date") if isinstance(published, dict) else None
    return _label(data.get("publisher"), data.get("title"), date if isinstance(date, str) else None, source_id)


@lru_cache(maxsize=4096)
def _label(publisher: Any, title: Any, date: str | None, source_id: str) -> str:
    who = publisher_words(publisher)
    if not who:
        who = " ".join(title.split()) if isinstance(title, str) and title.strip() else source_id
    when = date_label(date) if date else ""
    return f"{who}, {when}" if when else who


@lru_cache(maxsize=65536)
def quote_anchor(words: str) -> str:
    """The id of a quoted passage on its source's page: the same words always get the same id."""
    return "quote-" + hashlib.sha256(normalise(words).encode("utf-8")).hexdigest()[:10]


def source_ref(site: Site, page: str, source_id: Any, words: str) -> dict[str, Any] | None:
    """A citation's link to its source: the short label, to the quote's place on the source's page,
    with the full title (the page lists it once, under Sources, and as the link's title)."""
    record = site.dataset.records["sources"].get(source_id) if isinstance(source_id, str) else None
    if record is None:
        return None
    link = site.link(page, ("sources", record.id), anchor=quote_anchor(words) if words else "")
    label = short_label(record.data, record.id)
    who, _, when = label.rpartition(", ") if _has_date(record.data) else ("", "", label)
    return link | {
        "label": label,
        "who": who,  # the label's parts, so that its date is not broken across lines
        "when": when,
        "source_title": record.label,
        "language": record.data.get("language"),
    }


def _has_date(data: dict[str, Any]) -> bool:
    published = data.get("published")
    date = published.get("date") if isinstance(published, dict) else None
    return isinstance(date, str) and bool(date_label(date))


def original_view(site: Site, page: str, citation: dict[str, Any]) -> dict[str, Any] | None:
    """A citation's `original_quote`: the words in the original's language, linked to their place
    in the original's own source page (the source the cited one is a `translation_of`)."""
    words = citation.get("original_quote")
    sources = site.dataset.records["sources"]
    cited = sources.get(citation.get("source", ""))
    if not isinstance(words, str) or cited is None:
        return None
    of = cited.data.get("translation_of")
    original = sources.get(of) if isinstance(of, str) else None
    tag = original.data.get("language") if original is not None else cited.data.get("original_language")
    tag = tag if isinstance(tag, str) else ""
    from .views import language_name

    return {
        "quote": words,
        "lang": tag,
        "language": language_name(tag) or "the original language",
        "source": source_ref(site, page, of, words) if original is not None else None,
    }


def sources_cited(view: Any) -> list[dict[str, Any]]:
    """Every source a page's view links to, once, in order of first mention: for the page's list
    of sources, which gives each full title once."""
    found: dict[str, dict[str, Any]] = {}
    for ref in _refs([view.get(key) for key in CITING] if isinstance(view, dict) else view):
        if ref["id"] not in found:
            found[ref["id"]] = {
                "href": ref["href"].partition("#")[0],
                "label": ref["label"],
                "title": ref["source_title"],
                "same": ref["source_title"] in ref["label"],  # a label made of the title: not given twice
            }
    return list(found.values())


def _refs(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if "source_title" in value and "href" in value:
            yield value
            return
        for inner in value.values():
            yield from _refs(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _refs(inner)


# --- a source's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """One citation's words taken from a source: its quote, or its original quote."""

    record: Record
    citation: dict[str, Any]
    pointer: str  # the citation's JSON pointer in the record
    words: str


def uses(dataset: Dataset, source_id: str) -> list[Use]:
    """Every quote and original quote the records take from the source, in record order."""
    out = []
    for quoted in quoted_in(dataset).get(source_id, []):
        pointer, _, key = quoted.pointer.rpartition("/")
        if key not in ("quote", "original_quote"):
            continue
        citation = _at(quoted.record.data, pointer)
        if isinstance(citation, dict):
            out.append(Use(quoted.record, citation, pointer, quoted.text))
    return out


def _at(data: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


def claim_link(site: Site, page: str, use: Use) -> dict[str, Any]:
    """The claim a quote backs: the citing record's page, at the citation (for a demand, the
    occasion holding it), labelled with the record and, for a demand, the occasion."""
    record = use.record
    link = site.link(page, (record.collection, record.id), anchor=occ.citation_id(use.citation))
    detail = COLLECTIONS[record.collection].singular
    if record.collection == "demands":
        from .views import occasion_label

        parts = use.pointer.split("/")
        if len(parts) > 2 and parts[1] == "occasions" and parts[2].isdigit():
            index = int(parts[2])
            item = next((i for i in site.occasions(record.id) if i.index == index), None)
            detail = f"demand, {occasion_label(item, own_date=True)}" if item is not None else detail
        else:
            detail = "demand as a whole"
    return link | {"detail": detail}


def text_view(site: Site, record: Record, page: str) -> dict[str, Any]:
    """What the page shows of the stored text: passages (each a list of pieces, some of them marked
    quotes with their anchors) and the claims each passage's quotes back."""
    data, text = record.data, site.dataset.source_texts.get(record.id)
    kind = licence.text_licence(data)
    whole = licence.shows_full_text(data)
    quotes: dict[str, list[Use]] = {}
    for use in uses(site.dataset, record.id):
        quotes.setdefault(normalise(use.words), []).append(use)
    claims = {words: _distinct([claim_link(site, page, u) for u in found]) for words, found in quotes.items()}
    blocks = paragraphs(text) if text else []
    spans = _spans(blocks, list(quotes), whole)
    # The excerpts of every passage that might be left out are counted first: all shown stays within the share.
    reserve = sum(len(excerpt(blocks[i][a:b])) for i, a, b, _ in spans)
    budget = None if whole or kind == licence.RESTRICTED else MAX_SHOWN_SHARE * sum(len(b) for b in blocks) - reserve
    passages: list[dict[str, Any]] = []
    listed: list[dict[str, Any]] = []
    shown = 0
    for block_index, start, end, inside in spans:
        passage = blocks[block_index][start:end]
        anchors = list(dict.fromkeys(quote_anchor(w) for w, _, _ in sorted(inside, key=lambda x: x[1])))
        backs = _distinct([c for w, _, _ in inside for c in claims[w]])
        if budget is not None and shown + len(passage) > budget:
            listed.append({"anchors": anchors, "excerpt": excerpt(passage), "claims": backs})
            continue
        shown += len(passage)
        passages.append(
            {
                "pieces": _pieces(passage, [(a - start, b - start, w) for w, a, b in inside]),
                "cut_before": start > 0,
                "cut_after": end < len(blocks[block_index]),
                "claims": backs,
            }
        )
    placed = {w for _, _, _, inside in spans for w, _, _ in inside}
    listed += [{"anchors": [quote_anchor(w)], "excerpt": excerpt(w), "claims": claims[w]} for w in quotes if w not in placed]
    return {
        "whole": whole,
        "restricted": kind == licence.RESTRICTED,
        "quoted": bool(quotes),
        "passages": passages,
        "unshown": listed,
        "language_tag": data.get("language") if isinstance(data.get("language"), str) else "",
    }


def excerpt(words: str) -> str:
    """A passage's opening words, to name a passage whose words the page does not show."""
    parts = normalise(words).split(" ")
    return " ".join(parts[:EXCERPT_WORDS]) + ("…" if len(parts) > EXCERPT_WORDS else "")


def _distinct(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One link per claim (record and occasion): a record citing a passage twice is named once."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for link in links:
        seen.setdefault((str(link["href"]).partition("#")[0], link["detail"]), link)
    return list(seen.values())


def _folded(text: str) -> tuple[str, bool, str]:
    """A normalised text as quotes.occurrences searches it: marks folded, then casefolded (and
    whether that kept its length, so offsets hold), and lowercased."""
    marks = text.translate(FOLD)
    casefolded = marks.casefold()
    return casefolded, len(casefolded) == len(marks), marks.lower() if len(marks.lower()) == len(marks) else marks


def _spans(blocks: list[str], quotes: list[str], whole: bool) -> list[tuple[int, int, int, list[tuple[str, int, int]]]]:
    """(paragraph, start, end, [(quote, start, end)]) of every passage to show, in text order: a
    whole paragraph when the text may be shown, else each quote's sentence(s), merged where they meet."""
    found: dict[int, list[tuple[str, int, int, int, int]]] = {}
    folded = [_folded(block) for block in blocks]
    for words in quotes:
        needle = _folded(normalise(words))
        for index, block in enumerate(blocks):
            a = folded[index][0].find(needle[0]) if folded[index][1] and needle[1] else folded[index][2].find(needle[2])
            if a >= 0 and needle[2]:
                b = a + len(needle[2])
                # the sentence(s) holding it, as passages.in_sentence finds them
                s, e = (0, len(block)) if whole else (_sentence_start(block, a), _sentence_end(block, b))
                found.setdefault(index, []).append((words, a, b, min(s, a), max(e, b)))
                break
    out = []
    for index in sorted(found):
        group: list[tuple[str, int, int]] = []
        start = end = -1
        for words, a, b, s, e in sorted(found[index], key=lambda x: (x[3], x[1])):
            if group and blocks[index][end:s].strip():  # a gap of text between: two passages
                out.append((index, start, end, group))
                group = []
            if not group:
                start, end = s, e
            group.append((words, a, b))
            end = max(end, e)
        out.append((index, start, end, group))
    if whole:  # every paragraph, quoted or not
        have = {index for index, *_ in out}
        out += [(index, 0, len(block), []) for index, block in enumerate(blocks) if index not in have]
        out.sort(key=lambda x: x[0])
    return out


def _pieces(passage: str, marks: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """The passage as pieces: plain text, and marked runs (overlapping quotes merged into one), each
    marked run with the anchor of every quote starting in it ({"text", "mark", "anchors"} parts)."""
    marks = sorted(marks)
    pieces: list[dict[str, Any]] = []
    at = 0
    index = 0
    while index < len(marks):
        a, b, _ = marks[index]
        group = [marks[index]]
        index += 1
        while index < len(marks) and marks[index][0] < b:
            b = max(b, marks[index][1])
            group.append(marks[index])
            index += 1
        if a > at:
            pieces.append({"text": passage[at:a], "mark": None})
        starts = sorted({s for s, _, _ in group})
        parts = []
        for n, s in enumerate(starts):
            stop = starts[n + 1] if n + 1 < len(starts) else b
            parts.append({"anchors": sorted({quote_anchor(w) for x, _, w in group if x == s}), "text": passage[s:stop]})
        pieces.append({"text": "", "mark": {"id": parts[0]["anchors"][0], "parts": parts}})
        at = b
    if at < len(passage):
        pieces.append({"text": passage[at:], "mark": None})
    return pieces
