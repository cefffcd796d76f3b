"""Stage 2: validate a Dataset against the schemas, then against the cross-record rules.

Every problem is located (file, line, column, JSON pointer). A record that fails its
schema skips the cross-record rules, which assume the schema's shapes."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from . import canonical, edtf, jsonparse, markdown, parallel, record_rules
from .collections import COLLECTIONS, RESERVED_IDS, schema_path
from .load import Dataset, Record
from .problems import Hints, Problem, cap_per_file, closest, quoted, with_article
from .schemas import WILDCARD, FieldRule, fast_validator, field_rules, load_schemas, reporting_validator, resolve, schema_at

if TYPE_CHECKING:  # imported where used: a valid record needs neither
    import jsonschema

PLACEHOLDER = re.compile(r"^TODO\b")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_WS = re.compile(r"\s+")
# JSON Schema's (ECMA-262) whitespace, as the text patterns see it: Python's \s without U+FEFF.
_BLANK = re.compile("[\\s\ufeff]*")
_EDGE_SPACE = re.compile("^[\\s\ufeff]|[\\s\ufeff]$")

_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}


def json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


_KIND_WORDS = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


# The did-you-mean hints of the current run: each run of validate() starts afresh, so the time
# hints may take is bounded per run (problems.Hints).
_hints = Hints()


def _did_you_mean(word: str, candidates: Iterable[str], key: Hashable | None = None) -> str:
    return _hints.did_you_mean(word, candidates, key)


def validate(
    dataset: Dataset,
    skip: Collection[tuple[str, str]] = (),
    former: dict[tuple[str, str], str] | None = None,
    layout_except: Collection[str] = (),
) -> list[Problem]:
    """All problems of the dataset's records, sorted; at most MAX_PER_FILE shown per file.

    `skip`: (collection, id) of records known clean (peacetalks/cache.py), with `former` the
    former-id owners, so the skipped records' data is not read. A record with no other problem,
    whose path is not in `layout_except` (files already found wrong, as by the loader), that is
    not written in the canonical layout has a layout problem (canonical.layout_problem); that
    test runs in the same pass, on both cores."""
    global _hints
    _hints = Hints()
    todo = [record for record in dataset.all() if (record.collection, record.id) not in skip]
    former = _former_ids(dataset) if former is None else former
    if len(todo) >= PARALLEL_FROM and parallel.can_fork():
        with parallel.beside(_spent_on, dataset, todo[1::2], former) as theirs:
            mine, mine_unlaid = _problems(dataset, todo[0::2], former)
            spent = _hints.spent
            (theirs_found, theirs_unlaid), theirs_spent = theirs()
        if not spent or not theirs_spent:
            return _with_layout(mine + theirs_found, mine_unlaid + theirs_unlaid, layout_except)
        # Both halves spent the hints' shared budget: checked again in one process, so that
        # every hint is the one a single run gives.
        _hints = Hints()
    return _with_layout(*_problems(dataset, todo, former), layout_except)


# From this many records to check, every other record is checked on the second core (a forked
# process that sees the loaded dataset without copying it, peacetalks/parallel.py; alternate
# records, as the collections differ in weight). The two halves give the problems one process
# gives: each record's problems depend on the dataset alone, but for the did-you-mean hints,
# whose slow search shares one budget per run (a single run spends it record by record, in
# order). When one half has spent none of it, the other half's hints are the ones the single
# run gives, and so are the first's.
PARALLEL_FROM = 1000


def _spent_on(
    dataset: Dataset, records: list[Record], former: dict[tuple[str, str], str]
) -> tuple[tuple[list[Problem], list[Record]], int]:
    """In the forked process: the problems of its half, and what their hints spent of the budget."""
    return _problems(dataset, records, former), _hints.spent


def _problems(dataset: Dataset, records: list[Record], former: dict[tuple[str, str], str]) -> tuple[list[Problem], list[Record]]:
    """The schema problems of `records`, then the rules' problems of those that pass it; and the
    schema-valid records not in the canonical layout."""
    problems: list[Problem] = []
    valid: list[Record] = []
    for record in records:
        found = list(schema_problems(record))
        problems.extend(found)
        if not found:
            valid.append(record)
    problems.extend(rule_problems(dataset, valid, former))
    return problems, [record for record in valid if not canonical.is_laid_out(record)]


def _with_layout(problems: list[Problem], unlaid: list[Record], layout_except: Collection[str]) -> list[Problem]:
    """The problems, with a layout problem for each record of `unlaid` that has no other."""
    if unlaid:
        flagged = {p.path for p in problems} | set(layout_except)
        problems = problems + [canonical.layout_problem(r) for r in unlaid if r.path not in flagged]
    return cap_per_file(problems)


# --- schema ----------------------------------------------------------------------------


# A record with more schema errors than this has only these translated into messages (those
# that come first in the file), and the rest counted: the check shows 50 a file anyway.
TRANSLATED_PER_RECORD = 1_000


def schema_problems(record: Record) -> Iterator[Problem]:
    validator = fast_validator(record.collection)
    if validator.is_valid(record.data):
        return
    found = False
    compiled = _compiled_errors(validator, record)
    if compiled is not None and compiled.hidden:
        line, col = jsonparse.locate(record.text, compiled.first_hidden)
        yield Problem(record.path, line, col, "", "", hidden=compiled.hidden)
    errors = compiled.errors if compiled is not None else reporting_validator(record.collection).iter_errors(record.data)
    for error in errors:
        for problem in _translate(record, error):
            found = True
            yield problem
    if not found:  # the two validators disagree: never let such a record pass unreported
        yield Problem(
            record.path, 1, 1, "", f"does not match {COLLECTIONS[record.collection].schema}.schema.json, but the validator gave no details"
        )


@dataclass(frozen=True)
class _Error:
    """An error of the compiled validator, in the shape of a jsonschema.ValidationError as far as
    _translate reads one. The compiled validator reports every error of a record at a cost that
    grows with the record only, where the pure-Python one spends a millisecond per array item."""

    absolute_path: tuple[str | int, ...]
    schema: dict[str, Any]  # the schema object holding the failed keyword
    instance: Any
    validator: str  # the keyword
    validator_value: Any
    message: str


@dataclass(frozen=True)
class _Compiled:
    errors: list[_Error]  # to translate
    hidden: int = 0  # problems the other errors make, counted, not made
    first_hidden: str = ""  # the pointer of the first of those in the file


def _compiled_errors(validator: Any, record: Record) -> _Compiled | None:
    """The compiled validator's errors; None if one cannot be traced to its keyword in the schemas.

    Read from `evaluate()`'s plain list: `iter_errors()` builds a Python exception object per
    error, some 40 µs each. Of a record with very many errors, only the first
    TRANSLATED_PER_RECORD in the file become _Errors; the others are counted."""
    raw: list[dict[str, Any]] = validator.evaluate(record.data).errors()
    rest: list[dict[str, Any]] = []
    if len(raw) > TRANSLATED_PER_RECORD:
        offsets = jsonparse.value_offsets(record.text)
        raw.sort(key=lambda error: offsets.get(str(error.get("instanceLocation", "")), 0))
        rest = raw[TRANSLATED_PER_RECORD:]
        del raw[TRANSLATED_PER_RECORD:]
    memo: dict[str, _Place | None] = {}
    found: list[_Error] = []
    for error in raw:
        place = _keyword_at(str(error.get("absoluteKeywordLocation") or ""))
        value = _value_at(record.data, str(error.get("instanceLocation", "")), memo)
        if place is None or value is None:
            return None
        node, keyword = place
        found.append(_Error(value[0], node, value[1], keyword, node.get(keyword), str(error.get("error", ""))))
    if not found:
        return None
    hidden = sum(_weight(record.data, error, memo) for error in rest)
    return _Compiled(found, hidden, str(rest[0].get("instanceLocation", "")) if rest else "")


def _weight(data: Any, error: dict[str, Any], memo: dict[str, _Place | None]) -> int:
    """How many problems _translate would make of an error, counted without making them."""
    place = _keyword_at(str(error.get("absoluteKeywordLocation") or ""))
    if place is None or place[1] not in ("required", "additionalProperties"):
        return 1
    value = _value_at(data, str(error.get("instanceLocation", "")), memo)
    instance = value[1] if value else None
    if not isinstance(instance, dict):
        return 1
    node, keyword = place
    if keyword == "required":
        required = node.get("required")
        return max(sum(1 for name in required if name not in instance), 1) if isinstance(required, list) else 1
    allowed = node.get("properties", {})
    return max(sum(1 for name in instance if name not in allowed), 1)


_Place = tuple[tuple[str | int, ...], Any]


def _value_at(data: Any, pointer: str, memo: dict[str, _Place | None]) -> _Place | None:
    """The path (array indices as numbers) and the value a JSON pointer names; None if it names
    nothing. `memo` holds what was found for the current record, so the thousands of errors
    inside one array resolve the array once."""
    if pointer in memo:
        return memo[pointer]
    found: _Place | None = None
    if not pointer:
        found = ((), data)
    else:
        parent, _, raw = pointer.rpartition("/")
        up = _value_at(data, parent, memo)
        token = raw.replace("~1", "/").replace("~0", "~") if "~" in raw else raw
        if up is not None:
            path, value = up
            if isinstance(value, dict) and token in value:
                found = ((*path, token), value[token])
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                found = ((*path, int(token)), value[int(token)])
    memo[pointer] = found
    return found


@lru_cache(maxsize=1024)
def _keyword_at(location: str) -> tuple[dict[str, Any], str] | None:
    """The schema object and keyword an absolute keyword location ('…/defs.schema.json#/$defs/title/pattern') names."""
    uri, _, fragment = location.partition("#")
    node: Any = load_schemas().get(uri.rsplit("/", 1)[-1].removesuffix(".schema.json"))
    tokens = [token.replace("~1", "/").replace("~0", "~") for token in fragment.split("/")[1:]]
    if not tokens:
        return None
    for token in tokens[:-1]:
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return (node, tokens[-1]) if isinstance(node, dict) else None


def _at(record: Record, pointer: str, message: str, *, key: bool = False) -> Problem:
    line, col = jsonparse.locate(record.text, pointer, key=key)
    return Problem(record.path, line, col, pointer, message)


def _translate(record: Record, error: _Error | jsonschema.ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    pointer = jsonparse.pointer_of(list(path))
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    kind = error.validator
    if kind == "required":
        # The object's own schema, not error.schema: a conditional `then` has no properties.
        properties = schema_at(record.collection, path).get("properties", {})
        required: Any = error.validator_value
        for name in required if isinstance(required, list) else []:
            if isinstance(value, dict) and name not in value:
                field = properties.get(name, {})
                about = resolve(field).get("description", "") if isinstance(field, dict) else ""
                hint = f" ({about})" if about else ""
                yield _at(record, pointer, f"missing required field '{name}'{hint}")
        return
    if pointer == "/$schema" and kind in ("pattern", "type"):
        yield _at(record, pointer, _schema_path_message(record))
        return
    if kind == "uniqueItems" and isinstance(value, list):
        repeat = _first_repeat(value)
        if repeat is not None:  # point at the repeat itself
            yield _at(record, f"{pointer}/{repeat}", _message(kind, schema, value, error))
            return
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = list(schema.get("properties", {}))
        replaced = schema.get("x-replaced", {})
        for name in sorted(set(value) - set(allowed)):
            if name in replaced:
                version = schema.get("x-version", "")
                yield _at(
                    record,
                    f"{pointer}/{jsonparse.escape_pointer(name)}",
                    f"field '{name}' was replaced in schema {version} by {replaced[name]} (see CHANGELOG.md)",
                    key=True,
                )
                continue
            yield _at(
                record,
                f"{pointer}/{jsonparse.escape_pointer(name)}",
                f"unknown field '{name}'{_did_you_mean(name, [a for a in allowed if a not in value])}: allowed fields are {', '.join(allowed)}",
                key=True,
            )
        return
    yield _at(record, pointer, _message(kind, schema, value, error))


def _first_repeat(items: list[Any]) -> int | None:
    """The index of the first item equal to an earlier one (as JSON Schema compares), in one pass."""
    seen: set[Hashable] = set()
    for index, item in enumerate(items):
        key = _json_key(item)
        if key in seen:
            return index
        seen.add(key)
    return None


def _json_key(value: Any) -> Hashable:
    """A hashable stand-in for a JSON value: equal exactly when JSON Schema calls the values equal
    (1 equals 1.0; true is not 1; object keys in any order)."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(_json_key(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _json_key(item)) for key, item in value.items()))
    return ("other", repr(value))


def _schema_path_message(record: Record) -> str:
    return f"must be '{schema_path(record.collection)}', the path from this file to the schema of {COLLECTIONS[record.collection].name}"


def _message(kind: Any, schema: dict[str, Any], value: Any, error: _Error | jsonschema.ValidationError) -> str:
    expected: Any = error.validator_value
    if kind == "type":
        return _type_message(expected, value)
    if kind == "enum":
        options = [str(option) for option in expected]
        hint = _did_you_mean(str(value), options)
        return f"{quoted(value)} is not allowed{hint}: use one of {', '.join(options)}"
    if kind == "pattern":
        return _pattern_message(expected, schema, value)
    if kind == "minLength":
        return "must not be empty"
    if kind == "maxLength":
        return f"is {len(value):,} characters long; at most {expected:,} are allowed"
    if kind == "minItems":
        return f"needs at least {expected} item{'s' if expected != 1 else ''}"
    if kind == "uniqueItems":
        index = _first_repeat(value) if isinstance(value, list) else None
        repeat = value[index] if index is not None else None
        return (
            f"lists {quoted(repeat)} twice: remove the repeat"
            if isinstance(repeat, str)
            else "lists the same item twice: remove the repeat"
        )
    if kind == "oneOf":
        names = [name for option in expected for name in option.get("required", [])]
        if names:
            return f"needs exactly one of {', '.join(repr(n) for n in names)}"
    if kind == "const":
        return f"must be {quoted(expected)}"
    return quoted(str(error.message), 200)[1:-1]


def _type_message(expected: Any, value: Any) -> str:
    """'must be an array, not the string 'russia': write ["russia"]'."""
    wanted = expected if isinstance(expected, list) else [expected]
    words = " or ".join(_KIND_WORDS.get(str(name), str(name)) for name in wanted)
    got = json_type(value)
    if isinstance(value, str):
        shown = f"the string {quoted(value)}"
    elif isinstance(value, bool) or value is None:
        shown = json.dumps(value)
    elif got in ("integer", "number"):
        shown = f"the number {quoted(value)}"
    else:
        shown = _KIND_WORDS.get(got, got)
    hint = (
        f": write {json.dumps([value], ensure_ascii=False)}"
        if wanted == ["array"] and got not in ("object", "array") and len(repr(value)) <= 60
        else ""
    )
    return f"must be {words}, not {shown}{hint}"


def _pattern_message(pattern: str, schema: dict[str, Any], value: str) -> str:
    if pattern == r"\S" or pattern.startswith(r"^\S"):  # the text kinds: title, text, markdown
        if _BLANK.fullmatch(value):
            return "must not be empty" if not value else "must not be only whitespace: write the text"
        if _EDGE_SPACE.search(value):
            return f"{quoted(value)} starts or ends with a space or line break: remove it"
        return f"{quoted(value)} must be one line of text: remove the line breaks"
    if schema.get("x-kind") == "date":
        try:
            edtf.parse(value)
        except edtf.DateError as exc:
            return str(exc)
    examples = schema.get("examples")
    example = f", as in {quoted(examples[0])}" if isinstance(examples, list) and examples else ""
    if pattern == SLUG.pattern:
        return f"{quoted(value)} is not a valid id: use lowercase letters, digits and single hyphens{example}"
    what = schema.get("description", f"it must match the pattern {pattern}")
    return f"{quoted(value)} is not in the expected form{example}: {what}"


# --- cross-record rules ----------------------------------------------------------------


def rule_problems(dataset: Dataset, records: list[Record], former: dict[tuple[str, str], str] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    former = _former_ids(dataset) if former is None else former
    normalised = _Normalised(dataset.source_texts)
    for record in records:
        problems.extend(_identity(record, dataset, former))
        found: list[tuple[FieldRule, str, Any, Any]] = []
        _rule_values(record.data, _rule_trie(record.collection), "", found)
        for rule, pointer, value, parent in found:
            # The common cases, decided here without building a generator: a reference to an
            # existing record, a quote found verbatim in its source's text, a date that parses
            # (each is parsed once), and a Markdown text that plainly holds nothing the check refuses.
            kind = rule.kind
            if kind == "ref":
                if value in dataset.records[rule.target] and (value != record.id or rule.target != record.collection):
                    continue
            elif kind == "quote":
                source = parent.get("source") if isinstance(parent, dict) else None
                if isinstance(source, str) and source in normalised and value in normalised[source]:
                    continue
            elif kind == "date":
                try:
                    _parse_date(value)
                    continue
                except edtf.DateError:
                    pass  # reported by _apply
            elif kind == "markdown" and markdown.plainly_judged(value):
                continue
            problems.extend(_apply(rule, record, pointer, value, dataset, normalised))
        problems.extend(_spans(record))
        problems.extend(_placeholders(record))
        problems.extend(record_rules.record_problems(record, dataset))
        problems.extend(_snapshot(record, dataset))
    problems.extend(record_rules.symmetric_problems(dataset, records))
    return problems


_Trie = dict[str, tuple[list[FieldRule], "_Trie"]]  # path step -> (rules ending there, deeper steps)


@cache
def _rule_trie(collection: str) -> _Trie:
    """The collection's field rules as a tree of path steps, so one walk serves them all."""
    root: _Trie = {}
    for rule in field_rules(collection):
        node = root
        for head in rule.path[:-1]:
            node = node.setdefault(head, ([], {}))[1]
        node.setdefault(rule.path[-1], ([], {}))[0].append(rule)
    return root


def _rule_values(data: Any, trie: _Trie, pointer: str, found: list[tuple[FieldRule, str, Any, Any]]) -> None:
    """Append (rule, pointer, value, the value's container) for every value a rule applies to.

    The same pairs as values_at(data, rule.path) for each rule, in one walk."""
    for head, (rules, deeper) in trie.items():
        if head == WILDCARD:
            if isinstance(data, list):
                for index, item in enumerate(data):
                    where = f"{pointer}/{index}"
                    for rule in rules:
                        found.append((rule, where, item, data))
                    if deeper and isinstance(item, (dict, list)):
                        _rule_values(item, deeper, where, found)
        elif isinstance(data, dict) and head in data:
            value, where = data[head], f"{pointer}/{head}"
            for rule in rules:
                found.append((rule, where, value, data))
            if deeper and isinstance(value, (dict, list)):
                _rule_values(value, deeper, where, found)


def _former_ids(dataset: Dataset) -> dict[tuple[str, str], str]:
    """(collection, former id) -> the id of the record that used to have it."""
    owners: dict[tuple[str, str], str] = {}
    for record in dataset.all():
        for old in record.data.get("former_ids", []) if isinstance(record.data.get("former_ids"), list) else []:
            if isinstance(old, str):
                owners.setdefault((record.collection, old), record.id)
    return owners


def _identity(record: Record, dataset: Dataset, former: dict[tuple[str, str], str]) -> Iterator[Problem]:
    if record.data["$schema"] != schema_path(record.collection):
        yield _at(record, "/$schema", _schema_path_message(record))
    data_id = record.data["id"]
    singular = COLLECTIONS[record.collection].singular
    if record.id in RESERVED_IDS:
        yield _at(
            record,
            "/id",
            f"'{record.id}' cannot be the id of {with_article(singular)}: the site's {record.collection}/{record.id}.html is "
            f"{RESERVED_IDS[record.id].format(collection=record.collection)}; choose another id, and rename the file to match",
        )
    if not SLUG.fullmatch(record.id) or len(record.id) > 80:
        yield Problem(
            record.path,
            1,
            1,
            "",
            f"file name '{record.id}.json' is not a valid id (lowercase letters, digits and single hyphens, at most 80 characters): rename the file to {data_id}.json",
        )
    elif data_id != record.id:
        other = dataset.records[record.collection].get(data_id)
        if other is not None:
            yield _at(
                record,
                "/id",
                f"id '{data_id}' is already the id of {other.path}: give this {singular} its own id, '{record.id}', to match its file name",
            )
        else:
            yield _at(
                record, "/id", f"id '{data_id}' differs from the file name: rename the file to {data_id}.json or set id to '{record.id}'"
            )
    owner = former.get((record.collection, record.id))
    if owner is not None and owner != record.id:
        yield _at(record, "/id", f"id '{record.id}' is a former id of {singular} '{owner}': choose another id, so old links keep working")
    for index, old in enumerate(record.data.get("former_ids", [])):
        if old in RESERVED_IDS:
            yield _at(
                record,
                f"/former_ids/{index}",
                f"'{old}' cannot be a former id: the site's {record.collection}/{old}.html is {RESERVED_IDS[old].format(collection=record.collection)}, "
                "so no redirect can be put there; remove it",
            )
        elif old == record.id:
            yield _at(record, f"/former_ids/{index}", "a record's former id cannot be its current id")
        elif old in dataset.records[record.collection]:
            yield _at(record, f"/former_ids/{index}", f"'{old}' is the id of another {singular}: a former id must be free")
        elif former.get((record.collection, old)) not in (None, record.id):
            yield _at(record, f"/former_ids/{index}", f"'{old}' is already a former id of '{former[(record.collection, old)]}'")


def _apply(rule: FieldRule, record: Record, pointer: str, value: Any, dataset: Dataset, normalised: dict[str, str]) -> Iterator[Problem]:
    if rule.kind == "ref":
        yield from _reference(record, pointer, value, rule.target, dataset)
    elif rule.kind == "date":
        try:
            _parse_date(value)
        except edtf.DateError as exc:
            yield _at(record, pointer, str(exc))
    elif rule.kind == "quote":
        yield from _quote(record, pointer, value, dataset, normalised)
    elif rule.kind == "markdown":
        for message in markdown_problems(value):
            yield _at(record, pointer, message)
    elif rule.kind == "ordered":
        yield from _ordered(record, pointer, value, rule.target)


def _reference(record: Record, pointer: str, target_id: str, target: str, dataset: Dataset) -> Iterator[Problem]:
    singular = COLLECTIONS[target].singular
    if target == record.collection and target_id == record.id:
        yield _at(record, pointer, f"{with_article(singular)} cannot refer to itself")
        return
    if target_id in dataset.records[target] or (target, target_id) in dataset.unreadable:
        return  # an unreadable record's own problem is reported
    elsewhere = [name for name in COLLECTIONS if target_id in dataset.records[name]]
    if elsewhere:
        yield _at(
            record,
            pointer,
            f"'{target_id}' is {with_article(COLLECTIONS[elsewhere[0]].singular)}, not {with_article(singular)}: this field takes {with_article(singular)} id",
        )
        return
    hint = _did_you_mean(target_id, dataset.records[target].keys(), key=("ids", target))
    yield _at(record, pointer, f"unknown {singular} '{target_id}'{hint}: add records/{target}/{target_id}.json or fix the id")


def _normalise(text: str) -> str:
    return _WS.sub(" ", text).strip()


class _Normalised(dict[str, str]):
    """Each source's stored text NFC- and whitespace-normalised, made when a quote first asks
    for it (a check that the cache answers for all but one record needs a source or two)."""

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self._texts = texts

    def __contains__(self, key: object) -> bool:
        return key in self._texts

    def __missing__(self, key: str) -> str:
        value = self[key] = _normalise(unicodedata.normalize("NFC", self._texts[key]))
        return value


_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def _quote(record: Record, pointer: str, quote: str, dataset: Dataset, normalised: dict[str, str]) -> Iterator[Problem]:
    parent = pointer.rsplit("/", 1)[0]
    citation = _resolve_pointer(record.data, parent)
    source_id = citation.get("source") if isinstance(citation, dict) else None
    if not isinstance(source_id, str) or source_id not in normalised:
        return  # an unknown source is reported as a reference problem
    if PLACEHOLDER.match(quote):
        return  # a placeholder left by `new` is reported as one, not also as a quote not found
    text = normalised[source_id]
    if quote in text:
        return  # then its normalised form is in the text too (the text has only single spaces)
    wanted = _normalise(unicodedata.normalize("NFC", quote))
    if wanted in text:
        return
    if wanted.translate(_FOLD) in _folded(text):
        hint = "it differs only in quotation marks, apostrophes or dashes: copy them exactly from the source"
    elif wanted.casefold() in _casefolded(text):
        hint = "it differs only in upper and lower case: copy it exactly"
    else:
        hint = "copy the words exactly as the source has them (whitespace may differ, nothing else)"
        from .quotes import closest, describe

        passage = closest(dataset.source_texts.get(source_id, text), quote)
        if passage is not None:
            hint += f": {describe(passage)}"
    yield _at(record, pointer, f"quote not found in the text of source '{source_id}': {hint}")


@lru_cache(maxsize=8)
def _folded(text: str) -> str:
    """A source's text with quotation marks and dashes folded: once per source, not per quote."""
    return text.translate(_FOLD)


@lru_cache(maxsize=8)
def _casefolded(text: str) -> str:
    return text.casefold()


def _resolve_pointer(data: Any, pointer: str) -> Any:
    for token in [t for t in pointer.split("/")[1:]]:
        data = data[int(token)] if isinstance(data, list) else data[token.replace("~1", "/").replace("~0", "~")]
    return data


# Dates repeat across records; a Span is immutable, and errors are raised afresh (not cached).
_parse_date = cache(edtf.parse_record_date)


def markdown_problems(text: str) -> list[str]:
    """Raw HTML, unsafe link targets and too-deep nesting in a Markdown field (peacetalks.markdown:
    the parse the site and the data files then render)."""
    return markdown.problems(text)


def _ordered(record: Record, pointer: str, entries: list[Any], key: str) -> Iterator[Problem]:
    previous: edtf.Span | None = None
    for index, entry in enumerate(entries):
        try:
            span = _parse_date(entry[key]["date"])
        except edtf.DateError:
            return  # reported as a date problem
        if previous is not None and span.first < previous.first:
            yield _at(
                record, f"{pointer}/{index}/{key}", f"entries must be in date order, oldest first: {span.text} comes after {previous.text}"
            )
        previous = span


def _spans(record: Record) -> Iterator[Problem]:
    """In any object with both `start` and `end` dates, the end is not before the start."""
    if '"end"' not in record.text and "\\u" not in record.text:
        return  # no key "end" (written plainly or with \u escapes): nothing to compare
    stack: list[tuple[str, Any]] = [("", record.data)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, dict):
            start, end = value.get("start"), value.get("end")
            if isinstance(start, dict) and isinstance(end, dict):
                first: edtf.Span | None
                last: edtf.Span | None
                try:
                    first, last = _parse_date(start["date"]), _parse_date(end["date"])
                except edtf.DateError:
                    first = last = None
                if first and last and last.last < first.first:
                    yield _at(record, f"{pointer}/end/date", f"end {last.text} is before start {first.text}")
            stack.extend((f"{pointer}/{jsonparse.escape_pointer(k)}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(value))


def _placeholders(record: Record) -> Iterator[Problem]:
    if "TODO" not in record.text and "\\u" not in record.text:
        return  # no placeholder can be in the values: the text has neither TODO nor \u escapes
    stack: list[tuple[str, Any]] = [("", record.data)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, str) and PLACEHOLDER.match(value):
            yield _at(record, pointer, f"placeholder {quoted(value)} not filled in: replace it with the real value")
        elif isinstance(value, dict):
            stack.extend((f"{pointer}/{jsonparse.escape_pointer(k)}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(value))


def _snapshot(record: Record, dataset: Dataset) -> Iterator[Problem]:
    """The source rules (stored text, licence, translations): peacetalks.sources.rules."""
    from .sources import rules

    return rules.problems(record, dataset)


__all__ = ["closest", "markdown_problems", "validate"]
