"""`build.py source add FILE --id ID`: from a saved page, PDF or text file to a source record.

It extracts the main text (peacetalks.sources.extract), writes records/sources/<id>.json with
every field it knows and a placeholder for the rest, and records/sources/<id>.txt with the
text the licence allows (the full text; for a restricted source only the passages of the
`--quote` words, each in its sentence), with their hashes. Then it prints each `--quote`
ready to paste, and the existing quotes of other records that the new text contains.
It never overwrites: an existing record or text file is left as it is."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..canonical import canonical_text
from ..collections import SOURCE_TEXT_SUFFIX
from ..contrib.new import skeleton
from ..load import display_path, load
from ..problems import printable
from ..quotes import closest, describe, normalise, occurrences
from . import licence
from .extract import Extracted, ExtractError, extract, paragraphs
from .passages import in_sentence
from .rules import citations, fingerprint, sha256


@dataclass(frozen=True)
class AddRequest:
    file: Path
    id: str
    url: str | None = None
    archived_url: str | None = None
    accessed: str | None = None
    title: str | None = None
    kind: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None
    original_language: str | None = None
    translation_of: str | None = None
    licence: str | None = None  # the text_licence value
    terms: str | None = None  # the free-text licence
    quotes: tuple[str, ...] = field(default=())


def _fail(message: str) -> int:
    print(f"build.py source add: error: {message}", file=sys.stderr)
    return 1


def add_source(records: Path, request: AddRequest) -> int:
    """The command: exit status 0 when the record and its text were written."""
    from ..validate import SLUG

    if not SLUG.match(request.id):
        return _fail(f"{printable(repr(request.id))} is not a valid id: use lowercase letters, digits and single hyphens")
    folder = records / "sources"
    targets = [folder / f"{request.id}.json", folder / f"{request.id}{SOURCE_TEXT_SUFFIX}"]
    existing = [p for p in targets if p.exists()]
    if existing and _restricted(targets[0]) and targets[1].exists():
        return more_passages(request, targets)
    if existing:
        return _fail(f"{printable(display_path(existing[0]))} already exists: choose another id (nothing was written)")
    kind = request.licence or licence.UNKNOWN
    if kind == licence.RESTRICTED and not request.quotes:
        return _fail("a restricted source keeps only the quoted passages: name each with --quote WORDS (nothing was written)")
    try:
        extracted = extract(request.file)
    except ExtractError as exc:
        return _fail(f"{printable(str(request.file))}: {exc}")
    found: list[str] = []
    for words in request.quotes:
        hits = occurrences(extracted.text, words)
        if not hits:
            passage = closest(extracted.text, words)
            hint = f": {describe(passage)}" if passage else ""
            return _fail(
                f"--quote {printable(json.dumps(words, ensure_ascii=False))} is not in the text of {printable(str(request.file))}{hint} (nothing was written)"
            )
        found.append(hits[0].text)
    stored = extracted.text if kind != licence.RESTRICTED else _passages(extracted.text, found)
    data, todos = _record(request, extracted, kind, stored)
    folder.mkdir(parents=True, exist_ok=True)
    with open(targets[1], "x", encoding="utf-8", newline="") as text_file:
        text_file.write(stored)
    with open(targets[0], "x", encoding="utf-8", newline="") as record_file:
        record_file.write(canonical_text("sources", data))
    _report(records, request, extracted, stored, kind, found, todos, targets)
    return 0


def _restricted(path: Path) -> bool:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return licence.text_licence(data) == licence.RESTRICTED


def more_passages(request: AddRequest, targets: list[Path]) -> int:
    """`source add FILE --id ID --quote WORDS` for an existing restricted source: add the
    passages of the new quotes, when FILE is the text the source was added from."""
    if not request.quotes:
        return _fail(
            f"{printable(display_path(targets[0]))} already exists: to add passages of this restricted source, name them with --quote WORDS"
        )
    data = json.loads(targets[0].read_text("utf-8"))
    try:
        extracted = extract(request.file)
    except ExtractError as exc:
        return _fail(f"{printable(str(request.file))}: {exc}")
    if fingerprint(extracted.text) != data.get("original_sha256"):
        return _fail(
            f"{printable(str(request.file))} is not the text {request.id} was added from: its SHA-256 differs from original_sha256 (nothing was written)"
        )
    found: list[str] = []
    for words in request.quotes:
        hits = occurrences(extracted.text, words)
        if not hits:
            return _fail(
                f"--quote {printable(json.dumps(words, ensure_ascii=False))} is not in the text of {printable(str(request.file))} (nothing was written)"
            )
        found.append(hits[0].text)
    kept = paragraphs(targets[1].read_text("utf-8"))
    stored = _passages(extracted.text, found, kept)
    targets[1].write_text(stored, encoding="utf-8", newline="")
    data["text_sha256"] = sha256(stored)
    targets[0].write_text(canonical_text("sources", data), encoding="utf-8", newline="")
    added = len(stored.split("\n\n")) - len(kept)
    print(f"added {added} passage{'' if added == 1 else 's'} to {printable(display_path(targets[1]))}, and set text_sha256")
    print("quotes, ready to paste into a citation:")
    for quote in found:
        print(f'  "source": "{request.id}", "quote": {printable(json.dumps(quote, ensure_ascii=False))}')
    return 0


def _passages(text: str, quotes: list[str], kept: list[str] | None = None) -> str:
    """Each quote's sentence (and each passage kept before), once, in the order of the text, as paragraphs."""
    passages = {sentence for sentence in (in_sentence(text, q) for q in quotes) if sentence} | set(kept or [])
    ordered = sorted(passages, key=lambda p: normalise(text).find(p))
    return "\n\n".join(ordered) + "\n"


def _record(request: AddRequest, extracted: Extracted, kind: str, stored: str) -> tuple[dict[str, Any], list[str]]:
    data, todos = skeleton("sources", request.id)
    known: dict[str, Any] = {
        "title": request.title or extracted.title,
        "kind": request.kind,
        "publisher": request.publisher or extracted.publisher,
        "authors": list(dict.fromkeys(extracted.authors)) or None,
        "published": {"date": request.published or extracted.published} if request.published or extracted.published else None,
        "url": request.url,
        "archived_url": request.archived_url,
        "accessed": request.accessed,
        "language": request.language,
        "original_language": request.original_language,
        "translation_of": request.translation_of,
        "licence": request.terms,
        "text_licence": kind,
        "text_sha256": sha256(stored),
        "original_sha256": fingerprint(extracted.text) if kind == licence.RESTRICTED else None,
    }
    data.update({key: value for key, value in known.items() if value is not None})
    left = [
        f"{todo.pointer}: {todo.hint}" for todo in todos if todo.pointer.split("/")[1] not in {k for k, v in known.items() if v is not None}
    ]
    if request.url is None:
        left.append("/url (optional): where the source can be read, if known: `--url` or add it; never guessed")
    return data, left


def _report(
    records: Path,
    request: AddRequest,
    extracted: Extracted,
    stored: str,
    kind: str,
    found: list[str],
    todos: list[str],
    targets: list[Path],
) -> None:
    count = len(stored.split("\n\n"))
    what = "the full text" if kind != licence.RESTRICTED else "only the quoted passages (the licence forbids republication)"
    print(
        f"read {printable(str(request.file))} as {'a PDF' if extracted.kind == 'pdf' else 'a ' + ('page' if extracted.kind == 'html' else 'text file')}"
    )
    print(f"wrote {printable(display_path(targets[1]))}: {what}, {count} paragraph{'' if count == 1 else 's'}")
    print(
        f"wrote {printable(display_path(targets[0]))}: text licence: {licence.labels().get(kind, kind)}; quotes are verified {licence.verification({'text_licence': kind})}"
    )
    if todos:
        print("fill in:")
        for todo in todos:
            print(f"  {printable(todo)}")
    if found:
        print("quotes, ready to paste into a citation:")
        for quote in found:
            print(f'  "source": "{request.id}", "quote": {printable(json.dumps(quote, ensure_ascii=False))}')
    existing = _existing_quotes(records, request.id, extracted.text)
    if existing:
        print("quotes of existing records that this text contains too:")
        for line in existing:
            print(f"  {printable(line)}")
    else:
        print("no quote of an existing record is in this text")
    print("then run `python build.py check`")


def _existing_quotes(records: Path, source_id: str, text: str) -> list[str]:
    dataset, _ = load(records)
    lines: list[str] = []
    for record in sorted(dataset.all(), key=lambda r: r.path):
        if record.collection == "sources" and record.id == source_id:
            continue
        for pointer, citation in citations(record.data, ""):
            quote = citation.get("quote")
            if isinstance(quote, str) and not quote.startswith("TODO") and occurrences(text, quote):
                lines.append(f"{record.path} {pointer}/quote (source '{citation.get('source')}'): {json.dumps(quote, ensure_ascii=False)}")
    return lines
