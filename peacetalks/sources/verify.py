"""`build.py source verify ID FILE`: re-check a source's quotes, and its stored text or
fingerprint, against a local copy of the original.

For a restricted source, whose repository keeps only the quoted passages, this is how a
reviewer with access to the original confirms them: the copy's normalised text must have the
recorded original_sha256, and every passage and quote must be in it. For any other source,
every quote must be in the copy, and the command says whether the stored text is the copy's."""

from __future__ import annotations

import sys
from pathlib import Path

from ..load import load
from ..problems import printable
from ..quotes import closest, describe, normalise
from . import licence
from .extract import ExtractError, extract, paragraphs
from .rules import fingerprint, quoted_in


def verify_source(records: Path, source_id: str, file: Path) -> int:
    dataset, _ = load(records)
    record = dataset.records["sources"].get(source_id)
    if record is None:
        print(
            f"build.py source verify: error: no source {printable(repr(source_id))} in {printable(str(records))}/sources", file=sys.stderr
        )
        return 1
    try:
        original = extract(file)
    except ExtractError as exc:
        print(f"build.py source verify: error: {printable(str(file))}: {exc}", file=sys.stderr)
        return 1
    full = normalise(original.text)
    failures: list[str] = []
    kind = licence.text_licence(record.data)
    print(f"{source_id}: text licence: {licence.labels().get(kind, kind)}; quotes are verified {licence.verification(record.data)}")
    stored = dataset.source_texts.get(source_id, "")
    if kind == licence.RESTRICTED:
        if record.data.get("original_sha256") == fingerprint(original.text):
            print("the copy's full text has the recorded original_sha256: it is the same text")
        else:
            failures.append(
                f"the copy's full text does not have the recorded original_sha256 (it has {fingerprint(original.text)}): it is not the same text"
            )
        missing = [p for p in paragraphs(stored) if p not in full]
        for kept in missing:
            failures.append(f"stored passage not in the copy: “{kept}”")
        if not missing:
            print(f"all {len(paragraphs(stored))} stored passages are in the copy")
    elif normalise(stored) == full:
        print("the stored text is the copy's text (whitespace aside)")
    else:
        inside = sum(1 for p in paragraphs(stored) if p in full)
        print(f"the stored text is not the copy's text: {inside} of {len(paragraphs(stored))} stored paragraphs are in the copy")
    quotes = quoted_in(dataset).get(source_id, [])
    for quoted in quotes:
        if normalise(quoted.text) not in full:
            passage = closest(original.text, quoted.text)
            near = f": {describe(passage)}" if passage else ""
            failures.append(f"{quoted.record.path} {quoted.pointer}: not in the copy{near}")
    for failure in failures:
        print(f"build.py source verify: error: {printable(failure)}", file=sys.stderr)
    if failures:
        print(f"verify failed: {len(failures)} problem{'' if len(failures) == 1 else 's'}", file=sys.stderr)
        return 1
    print(
        f"ok: {len(quotes)} quote{'' if len(quotes) == 1 else 's'} of {len(set(q.record.path for q in quotes))} record{'s' if len(set(q.record.path for q in quotes)) != 1 else ''} verified against {printable(str(file))}"
    )
    return 0
