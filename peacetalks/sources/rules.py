"""The check's rules for sources and for citations' `original_quote`.

- The stored text's SHA-256: a new source's message says what to set; a text edited after its
  quotes were checked names every quote it breaks, with the closest passage.
- A restricted source keeps only quoted passages: every paragraph of its file is quoted by a
  citation, none is longer than a quote's sentences, the file is not the full text, and the
  full text's SHA-256 is recorded.
- `original_quote` is checked against the text of the source the cited one translates."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import jsonparse
from ..load import Dataset, Record
from ..problems import Problem
from ..quotes import closest, describe, normalise
from . import licence

MAX_PASSAGE = 1500  # characters: a quote with its sentence, not a page
SHOWN_BROKEN = 3


@dataclass(frozen=True)
class Quoted:
    """One verbatim text of a citation, and the source whose stored text must hold it."""

    record: Record
    pointer: str
    text: str
    source: str


def _at(record: Record, pointer: str, message: str) -> Problem:
    line, col = jsonparse.locate(record.text, pointer)
    return Problem(record.path, line, col, pointer, message)


def problems(record: Record, dataset: Dataset) -> Iterator[Problem]:
    """Every rule of this module that applies to the record."""
    if record.collection == "sources":
        yield from _hash(record, dataset)
        if licence.text_licence(record.data) == licence.RESTRICTED:
            yield from _restricted(record, dataset)
    if "original_quote" in record.text:
        yield from _original_quotes(record, dataset)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(text: str) -> str:
    """SHA-256 of the normalised text: what original_sha256 records of a restricted source."""
    return sha256(normalise(text))


def _text_path(record: Record) -> str:
    return record.path.removesuffix(".json") + ".txt"


def _hash(record: Record, dataset: Dataset) -> Iterator[Problem]:
    text = dataset.source_texts.get(record.id)
    if text is None:
        return
    digest = sha256(text)
    if record.data.get("text_sha256") == digest:
        return
    normalised = normalise(text)
    broken = [q for q in quoted_in(dataset).get(record.id, []) if normalise(q.text) not in normalised]
    if not broken:
        yield _at(record, "/text_sha256", f"does not match {_text_path(record)}: set text_sha256 to '{digest}'")
        return
    listed = "; ".join(_broken(q, text) for q in broken[:SHOWN_BROKEN])
    more = f"; and {len(broken) - SHOWN_BROKEN} more" if len(broken) > SHOWN_BROKEN else ""
    count = "1 quote" if len(broken) == 1 else f"{len(broken)} quotes"
    yield _at(
        record,
        "/text_sha256",
        f"{_text_path(record)} was changed after its quotes were checked, and the change breaks {count}: {listed}{more}. "
        f"Restore the text (git checkout the file), or correct each quote; then set text_sha256 to '{digest}'",
    )


def _broken(quoted: Quoted, text: str) -> str:
    shown = quoted.text if len(quoted.text) <= 80 else quoted.text[:79] + "…"
    passage = closest(text, quoted.text)
    near = f" ({describe(passage, 160)})" if passage else " (nothing close is left)"
    return f"{quoted.record.path} {quoted.pointer} “{shown}”{near}"


def _restricted(record: Record, dataset: Dataset) -> Iterator[Problem]:
    if not isinstance(record.data.get("original_sha256"), str):
        yield _at(
            record,
            "",
            "a restricted source keeps only the quoted passages, so it must record original_sha256, the SHA-256 of its full text: "
            "`build.py source add FILE --id ID --licence restricted` sets it",
        )
    text = dataset.source_texts.get(record.id)
    if text is None:
        return
    path = _text_path(record)
    if record.data.get("original_sha256") == fingerprint(text):
        yield Problem(
            path,
            1,
            1,
            "",
            "this is the full text of a restricted source, whose licence forbids republication: keep only the quoted passages "
            f"(`build.py source add FILE --id {record.id} --licence restricted --quote WORDS` writes them)",
        )
        return
    quotes = [normalise(q.text) for q in quoted_in(dataset).get(record.id, [])]
    for line, paragraph in _numbered(text):
        if len(paragraph) > MAX_PASSAGE:
            yield Problem(
                path,
                line,
                1,
                "",
                f"a passage of a restricted source is at most {MAX_PASSAGE:,} characters (this one has {len(paragraph):,}): keep the quote and its sentence only",
            )
        elif not any(q in paragraph for q in quotes):
            yield Problem(
                path,
                line,
                1,
                "",
                "no citation quotes this passage: a restricted source keeps only the quoted passages: cite it, or remove the paragraph (then set text_sha256 as the check says)",
            )


def _numbered(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, normalised paragraph) for every paragraph of the text: blank-line
    separated, or one a line when the text has no blank line (as `extract.paragraphs`)."""
    start, lines = None, []
    by_line = "\n\n" not in text.strip().replace("\r", "")
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip() and by_line:
            yield number, normalise(line)
        elif line.strip():
            start = number if start is None else start
            lines.append(line)
        elif start is not None:
            yield start, normalise(" ".join(lines))
            start, lines = None, []


def _original_quotes(record: Record, dataset: Dataset) -> Iterator[Problem]:
    for pointer, citation in citations(record.data, ""):
        original = citation.get("original_quote")
        if not isinstance(original, str):
            continue
        source = dataset.records["sources"].get(str(citation.get("source")))
        if source is None:
            continue  # an unknown source is reported as a reference problem
        of = source.data.get("translation_of")
        where = f"{pointer}/original_quote"
        if not isinstance(of, str):
            yield _at(
                record,
                where,
                f"source '{source.id}' is not a translation of another source: set its translation_of to the original's source id, or remove original_quote",
            )
            continue
        text = dataset.source_texts.get(of)
        if text is None or normalise(original) in normalise(text):
            continue  # a missing original or text is reported on its own
        passage = closest(text, original)
        hint = f": {describe(passage)}" if passage else ""
        yield _at(
            record,
            where,
            f"original_quote not found in the text of source '{of}' (the original of '{source.id}'): copy the words exactly as the original has them{hint}",
        )


def citations(data: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, citation) for every citation in the record: an object with a source and a quote."""
    if isinstance(data, dict):
        if "source" in data and "quote" in data:
            yield pointer, data
            return
        for key, value in data.items():
            yield from citations(value, f"{pointer}/{jsonparse.escape_pointer(key)}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from citations(value, f"{pointer}/{index}")


_INDEX: list[tuple[Dataset, dict[str, list[Quoted]]]] = []


def quoted_in(dataset: Dataset) -> dict[str, list[Quoted]]:
    """Source id -> every verbatim text the records take from it (quotes, attributions, original quotes)."""
    if _INDEX and _INDEX[0][0] is dataset:
        return _INDEX[0][1]
    found: dict[str, list[Quoted]] = {}
    sources = dataset.records["sources"]
    for record in dataset.all():
        if '"quote"' not in record.text:
            continue
        for pointer, citation in citations(record.data, ""):
            source = citation.get("source")
            if not isinstance(source, str):
                continue
            for key in ("quote", "attribution"):
                if isinstance(citation.get(key), str):
                    found.setdefault(source, []).append(Quoted(record, f"{pointer}/{key}", citation[key], source))
            of = sources[source].data.get("translation_of") if source in sources else None
            if isinstance(of, str) and isinstance(citation.get("original_quote"), str):
                found.setdefault(of, []).append(Quoted(record, f"{pointer}/original_quote", citation["original_quote"], of))
    _INDEX[:] = [(dataset, found)]
    return found
