"""`build.py new COLLECTION ID` writes a skeleton record; `build.py new occasion DEMAND` adds a
skeleton occasion to an existing demand.

Every placeholder is one the check refuses, and each is listed with what belongs there: text
placeholders start with "TODO" (the check's placeholder rule), references get an id that is no
record's (the reference check), dates and enums get "TODO" (the schema)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import jsonparse, occasions
from ..canonical import canonical_text
from ..collections import COLLECTIONS, SOURCE_TEXT_SUFFIX, schema_path
from ..load import Dataset, Record, display_path, load
from ..problems import did_you_mean, printable, with_article
from ..schemas import load_schemas, resolve
from ..validate import SLUG

MAX_ID = 80
OCCASION = "occasion"  # `new occasion DEMAND`: not a collection, an entry in a demand
OCCASION_FIELDS = ("id", "date", "by", "act", "citations")  # what a skeleton occasion holds, in schema order


@dataclass(frozen=True)
class Todo:
    """A placeholder in a skeleton and what belongs there."""

    pointer: str
    hint: str


@dataclass(frozen=True)
class OccasionRequest:
    """What `new occasion` was asked for; None where the option was not given."""

    demand: str
    at: str | None = None
    in_: str | None = None
    source: str | None = None
    occasion_id: str | None = None


# --- skeletons -------------------------------------------------------------------------


def skeleton(collection: str, record_id: str) -> tuple[dict[str, Any], list[Todo]]:
    """A record with every required field (nested ones too) as a placeholder the check rejects.

    A demand gets one skeleton occasion (see `occasion_skeleton`)."""
    schema = load_schemas()[COLLECTIONS[collection].schema]
    todos: list[Todo] = []
    data = _placeholder(schema, "", todos)
    data["$schema"] = schema_path(collection)
    data["id"] = record_id
    todos = [todo for todo in todos if todo.pointer not in ("/$schema", "/id")]
    if collection == "sources":
        data["text_sha256"] = "0" * 64
        todos = [todo for todo in todos if todo.pointer != "/text_sha256"]
    if collection == "demands":
        occasion, more = occasion_skeleton("/occasions/0", None, dated=False)
        data["occasions"] = [occasion]
        todos = [todo for todo in todos if not todo.pointer.startswith("/occasions/")] + more
    return data, todos


def occasion_skeleton(
    pointer: str, occasion_id: str | None, *, dated: bool, source: str | None = None, source_text: str = ""
) -> tuple[dict[str, Any], list[Todo]]:
    """An occasion with id, date (unless `dated`: its meeting or document gives one), by, act and
    a citation, each a placeholder unless given. `pointer` is where it will stand in the demand."""
    node = dict(resolve(load_schemas()["defs"]["$defs"]["occasion"]))
    node["required"] = [name for name in OCCASION_FIELDS if name != "date" or not dated]
    todos: list[Todo] = []
    data: dict[str, Any] = _placeholder(node, pointer, todos)
    hints = {
        f"{pointer}/id": "an id for this occasion, unique in the demand, such as 2025-06-istanbul",
        f"{pointer}/date/date": "when it happened: YYYY, YYYY-MM or YYYY-MM-DD, only as precise as the source "
        "(or remove 'date' and name a meeting in 'at' or a document in 'in' that has a date)",
        f"{pointer}/by/0": "who acted on this occasion: an actor id (a file name in records/actors/, without .json)",
        f"{pointer}/act": f"what happened: {todos_hint(todos, f'{pointer}/act')}",
    }
    if occasion_id is not None:
        data["id"] = occasion_id
        del hints[f"{pointer}/id"]
    if source is not None:
        data["citations"][0]["source"] = source
        hints[f"{pointer}/citations/0/quote"] = f"the exact words from {source_text}"
    kept = [Todo(todo.pointer, hints.get(todo.pointer, todo.hint)) for todo in todos]
    skip = {f"{pointer}/id"} if occasion_id is not None else set()
    if source is not None:
        skip.add(f"{pointer}/citations/0/source")
    return data, [todo for todo in kept if todo.pointer not in skip]


def todos_hint(todos: list[Todo], pointer: str) -> str:
    return next((todo.hint for todo in todos if todo.pointer == pointer), "")


def _placeholder(schema: dict[str, Any], pointer: str, todos: list[Todo]) -> Any:
    node = resolve(schema)
    about = str(node.get("description", "")).rstrip(".")
    if node.get("type") == "object" or "properties" in node:
        required = list(node.get("required", []))
        for option in node.get("oneOf", [])[:1]:  # "one of meeting or document": offer the first
            required += [name for name in option.get("required", []) if name not in required]
        properties = node.get("properties", {})
        return {name: _placeholder(properties.get(name, {}), f"{pointer}/{jsonparse.escape_pointer(name)}", todos) for name in required}
    if node.get("type") == "array":
        count = max(1, int(node.get("minItems", 1)))
        items = node.get("items", {})
        return [_placeholder(items if isinstance(items, dict) else {}, f"{pointer}/{index}", todos) for index in range(count)]
    if "x-collection" in node:
        target = COLLECTIONS[node["x-collection"]]
        todos.append(Todo(pointer, f"{with_article(target.singular)} id (a file name in records/{target.name}/, without .json)"))
        return f"todo-{target.singular}"
    if node.get("x-kind") == "date":
        todos.append(Todo(pointer, "a date: YYYY, YYYY-MM or YYYY-MM-DD, only as precise as the source"))
        return "TODO"
    if "enum" in node:
        todos.append(Todo(pointer, f"one of {', '.join(str(option) for option in node['enum'])}"))
        return "TODO"
    if node.get("x-kind") == "quote":
        todos.append(Todo(pointer, "the exact words from the source's stored text"))
        return "TODO: copy the exact words from the source"
    examples = node.get("examples")
    example = f", such as {examples[0]}" if isinstance(examples, list) and examples else ""
    todos.append(Todo(pointer, f"{_lower_first(about) or 'the value'}{example}"))
    pattern = str(node.get("pattern", r"\S"))
    if not (pattern == r"\S" or pattern.startswith(r"^\S")):  # a formatted value (a tag, a hash): TODO fails its pattern
        return "TODO"
    limit = int(node.get("maxLength", 200))
    return f"TODO: {_lower_first(about)}"[:limit].rstrip() if about else "TODO"


def _lower_first(text: str) -> str:
    """'Short title' -> 'short title', but 'BCP 47 tag' stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


# --- new COLLECTION ID -----------------------------------------------------------------


def new_command(records: Path, collection: str, record_id: str, request: OccasionRequest | None = None) -> int:
    """`build.py new`: a record (`new COLLECTION ID`) or an occasion (`new occasion DEMAND ...`). Exit status."""
    if collection == OCCASION:
        return new_occasion(records, request or OccasionRequest(record_id))
    if request is not None and any(value is not None for value in (request.at, request.in_, request.source, request.occasion_id)):
        return _refuse([f"--at, --in, --source and --id go with `new {OCCASION} DEMAND`, not with `new {collection}`"])
    return new_record(records, collection, record_id)


def new_record(records: Path, collection: str, record_id: str) -> int:
    """`build.py new COLLECTION ID`: write records/<collection>/<id>.json as a skeleton. Exit status."""
    error = _new_refusal(records, collection, record_id)
    if error:
        return _refuse([error])
    data, todos = skeleton(collection, record_id)
    folder = records / collection
    folder.mkdir(exist_ok=True)
    path = folder / f"{record_id}.json"
    path.write_bytes(canonical_text(collection, data).encode("utf-8"))
    shown = display_path(path)
    print(f"wrote {shown}: replace every placeholder, then run `python build.py check`")
    for todo in todos:
        print(f"  {todo.pointer}: {todo.hint}")
    if collection == "sources":
        text = folder / f"{record_id}{SOURCE_TEXT_SUFFIX}"
        if not text.exists():
            text.write_bytes(b"")
            print(f"wrote {display_path(text)}: paste the text of the source there, exactly as published, as UTF-8")
        print(
            "  /text_sha256: when the other fields are filled in, `python build.py check` prints the SHA-256 of the stored text: paste it here"
        )
    return 0


def _refuse(errors: list[str]) -> int:
    for error in errors:
        print(f"new: error: {printable(error)}", file=sys.stderr)
    return 1


def _new_refusal(records: Path, collection: str, record_id: str) -> str | None:
    """Why `new` cannot write this record, or None."""
    if collection not in COLLECTIONS:
        if collection == "occasions":
            return f"an occasion is not a record of its own but an entry in a demand: use `new {OCCASION} DEMAND [--at MEETING] ...`"
        hint = did_you_mean(collection, [*COLLECTIONS, OCCASION])
        return f"unknown collection '{collection}'{hint}: collections are {', '.join(COLLECTIONS)} (or `new {OCCASION} DEMAND`)"
    if not records.is_dir():
        return _no_records(records)
    id_error = _id_refusal(record_id, "id")
    if id_error:
        return id_error
    path = records / collection / f"{record_id}.json"
    if path.exists():
        return f"{display_path(path)} already exists: edit it, or choose another id"
    dataset, _ = load(records)
    for record in dataset.records[collection].values():
        former = record.data.get("former_ids")
        if isinstance(former, list) and record_id in former:
            singular = COLLECTIONS[collection].singular
            return f"'{record_id}' is a former id of {singular} '{record.id}' ({record.path}): old links to it lead there, so choose another id"
    return None


def _no_records(records: Path) -> str:
    return f"records directory {display_path(records)} not found: run this in the repository, or pass --records DIR"


def _id_refusal(value: str, what: str) -> str | None:
    if SLUG.fullmatch(value) and len(value) <= MAX_ID:
        return None
    suggestion = _slugify(value)
    hint = f" (such as '{suggestion}')" if suggestion and suggestion != value else ""
    return f"'{value}' is not a valid {what}: use lowercase letters, digits and single hyphens, at most {MAX_ID} characters{hint}"


def _slugify(text: str) -> str:
    """A best-effort slug for a 'such as' hint: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text).split()
    return "-".join(words)[:MAX_ID].strip("-")


# --- new occasion DEMAND ---------------------------------------------------------------


def new_occasion(records: Path, request: OccasionRequest) -> int:
    """`build.py new occasion DEMAND`: add a skeleton occasion to the demand, rewritten in canonical form."""
    if not records.is_dir():
        return _refuse([_no_records(records)])
    dataset, _ = load(records)
    demand, errors = _occasion_refusals(dataset, request)
    if demand is None or errors:
        return _refuse(errors)
    entries: list[Any] = demand.data["occasions"]
    occasion_id = request.occasion_id or _derived_id(request, entries)
    probe = {"id": occasion_id or "new", **({"at": request.at} if request.at else {}), **({"in": request.in_} if request.in_ else {})}
    taken = occasions.occasion_date(probe, dataset)
    when = occasions.span(taken)
    index = _position(occasions.occasions(demand, dataset), when)
    pointer = f"/occasions/{index}"
    source_text = display_path(records / "sources" / f"{request.source}{SOURCE_TEXT_SUFFIX}")
    entry, todos = occasion_skeleton(pointer, occasion_id, dated=taken is not None, source=request.source, source_text=source_text)
    if request.at:
        entry["at"] = request.at
    if request.in_:
        entry["in"] = request.in_
    entries.insert(index, entry)
    text = canonical_text("demands", demand.data)
    _replace(Path(demand.path), text)
    named = f"occasion '{occasion_id}'" if occasion_id else "an occasion"
    print(f"added {named} to {printable(demand.path)} at {pointer}: replace every placeholder, then run `python build.py check`")
    if taken is not None and taken.taken_from is not None:
        collection, place = taken.taken_from
        where = f"{COLLECTIONS[collection].singular} {place}"
        told = f"is taken from {where} ({when.text})" if when is not None else f"will be taken from {where} once that has a valid date"
        print(printable(f"  its date {told}: add a 'date' only if the source dates this act itself"))
    for todo in todos:
        line, _ = jsonparse.locate(text, todo.pointer)
        print(f"  {todo.pointer} (line {line}): {printable(todo.hint)}")
    return 0


def _occasion_refusals(dataset: Dataset, request: OccasionRequest) -> tuple[Record | None, list[str]]:
    """The demand to add to, and every reason the request cannot be done (all of them at once)."""
    errors: list[str] = []
    demand = dataset.get("demands", request.demand)
    if demand is None:
        if ("demands", request.demand) in dataset.unreadable:
            errors.append(f"records/demands/{request.demand}.json cannot be read: run `python build.py check` and fix it first")
        else:
            hint = did_you_mean(request.demand, list(dataset.records["demands"]))
            errors.append(f"unknown demand '{request.demand}'{hint}: name a file in records/demands/, without .json")
    elif not isinstance(demand.data.get("occasions"), list) or not all(isinstance(e, dict) for e in demand.data["occasions"]):
        errors.append(f"{demand.path} has no list of occasions to add to: run `python build.py check` and fix it first")
    for value, collection, option in (
        (request.at, "meetings", "--at"),
        (request.in_, "documents", "--in"),
        (request.source, "sources", "--source"),
    ):
        if value is not None and dataset.get(collection, value) is None:
            errors.append(f"{option}: {_unknown(dataset, collection, value)}")
    if request.occasion_id is not None:
        invalid = _id_refusal(request.occasion_id, "occasion id")
        if invalid:
            errors.append(f"--id: {invalid}")
        elif demand is not None and not errors:
            for index, entry in enumerate(demand.data["occasions"]):
                if entry.get("id") == request.occasion_id:
                    errors.append(
                        f"--id: demand '{demand.id}' already has an occasion '{request.occasion_id}' (/occasions/{index}): "
                        "occasion ids are unique in a demand, so choose another --id"
                    )
    return (demand if not errors else None), errors


def _unknown(dataset: Dataset, collection: str, value: str) -> str:
    singular = COLLECTIONS[collection].singular
    elsewhere = [name for name in COLLECTIONS if value in dataset.records[name]]
    if elsewhere:
        return f"'{value}' is {with_article(COLLECTIONS[elsewhere[0]].singular)}, not {with_article(singular)}"
    hint = did_you_mean(value, list(dataset.records[collection]))
    return f"unknown {singular} '{value}'{hint}: name a file in records/{collection}/, without .json"


def _derived_id(request: OccasionRequest, entries: list[Any]) -> str | None:
    """The meeting's (else the document's) id, made unique in the demand with -2, -3, ...; None without either."""
    base = request.at or request.in_
    if base is None:
        return None
    taken = {entry.get("id") for entry in entries}
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: MAX_ID - len(suffix)].rstrip("-") + suffix
    return candidate


def _position(items: list[occasions.Occasion], when: Any) -> int:
    """Where a new occasion goes: before the first one that certainly starts later; last when undated."""
    if when is None:
        return len(items)
    for item in items:
        span = item.span
        if span is not None and span.first > when.first:
            return item.index
    return len(items)


def _replace(path: Path, text: str) -> None:
    """Write `text` over `path` in one step: a reader sees the old file or the new one, never half."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(text.encode("utf-8"))
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
