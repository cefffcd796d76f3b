"""The `build.py source` sub-commands' arguments (`add`, `verify`); peacetalks.cli registers them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

TEXT_LICENCES = ("open", "public-domain", "restricted", "unknown")  # schema: source.schema.json text_licence


def _add(args: argparse.Namespace) -> int:
    from .add import AddRequest, add_source

    request = AddRequest(
        args.file,
        args.id,
        url=args.url,
        archived_url=args.archived_url,
        accessed=args.accessed,
        title=args.title,
        kind=args.kind,
        publisher=args.publisher,
        published=args.published,
        language=args.language,
        original_language=args.original_language,
        translation_of=args.translation_of,
        licence=args.licence,
        terms=args.terms,
        quotes=tuple(args.quote or ()),
    )
    return add_source(args.records, request)


def _verify(args: argparse.Namespace) -> int:
    from .verify import verify_source

    return verify_source(args.records, args.id, args.file)


def register(commands: Any, records_default: Path) -> None:
    """Add `source add` and `source verify` to the command line's sub-parsers."""
    source = commands.add_parser(
        "source",
        help="Add a source from a saved page, PDF or text file, or verify one against a local copy of the original.",
        description="Add a source from a saved page, PDF or text file (`source add`), or verify its quotes against a local copy (`source verify`).",
    )
    actions = source.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="Write a source record and its stored text from a saved web page, PDF or text file.",
        description="Extract the main text of FILE (a saved web page, a PDF or a text file), write records/sources/ID.json "
        "with every field known and placeholders for the rest, and ID.txt with the text its licence allows, with their hashes; "
        "then print the --quote words ready to paste and the existing quotes the text contains.",
    )
    add.set_defaults(handler=_add)
    add.add_argument("file", type=Path, metavar="FILE", help="the saved page (.html), PDF (.pdf) or text file")
    add.add_argument("--id", required=True, help="the new source's id: lowercase letters, digits and hyphens")
    add.add_argument("--url", help="where the source can be read (never guessed: leave it out when unknown)")
    add.add_argument("--archived-url", metavar="URL", help="an archived copy of the page")
    add.add_argument("--accessed", metavar="DATE", help="when the page was saved: YYYY-MM-DD")
    add.add_argument("--title", help="the headline (default: the page's own title, if it states one)")
    add.add_argument("--kind", help="news-report, translation-of-news-report, official-statement, transcript, document or other")
    add.add_argument("--publisher", help="who published it")
    add.add_argument(
        "--published", metavar="DATE", help="publication date: YYYY, YYYY-MM or YYYY-MM-DD (default: the page's, if its markup states one)"
    )
    add.add_argument("--language", metavar="LANG", help="language of the text, a BCP 47 tag such as en")
    add.add_argument("--original-language", metavar="LANG", help="for a translation: the original's language")
    add.add_argument("--translation-of", metavar="SOURCE", help="for a translation: the id of the original's source")
    add.add_argument(
        "--licence",
        choices=TEXT_LICENCES,
        help="what the text's licence allows (default: unknown); restricted keeps only the --quote passages",
    )
    add.add_argument("--terms", help="the licence's terms in words (the record's free-text licence)")
    add.add_argument("--quote", action="append", metavar="WORDS", help="words to quote (repeatable): found in the text and printed exactly")
    verify = actions.add_parser(
        "verify",
        help="Re-check a source's quotes and stored text or fingerprint against a local copy of the original.",
        description="Re-check every quote of source ID, and its stored text or (restricted) the SHA-256 of its full text, against FILE.",
    )
    verify.set_defaults(handler=_verify)
    verify.add_argument("id", metavar="ID", help="the source's id")
    verify.add_argument("file", type=Path, metavar="FILE", help="a local copy of the original: a saved page, PDF or text file")
    for sub in (add, verify):
        sub.add_argument("--records", type=Path, default=records_default, metavar="DIR", help="the record tree (default: records)")
