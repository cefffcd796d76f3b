"""The command line: thin wrappers over the pipeline stages. `python build.py --help`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .collections import COLLECTIONS
from .problems import Problem, printable, summary

REPO = Path(__file__).resolve().parent.parent
DEFAULT_RECORDS = Path("records")
DEFAULT_SITE = "site"  # --out stays a string: `--out ''` (an unset variable) must not become '.'


def report(problems: list[Problem]) -> None:
    """Print problems one per line, sorted, then a summary; GitHub annotations in Actions."""
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in sorted(problems):
        print(problem.format(), file=sys.stderr)
        if annotate:
            print(problem.github_annotation())
    print(f"check failed: {summary(problems)}", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from .pipeline import check

    dataset, problems = check(args.records, cache=not args.no_cache)
    if problems:
        report(problems)
        return 1
    counts = dataset.counts()
    total = sum(counts.values())
    parts = ", ".join(f"{count} {COLLECTIONS[name].singular if count == 1 else name}" for name, count in counts.items())
    print(f"ok: {total} record{'' if total == 1 else 's'} ({parts})")
    return 0


def _build(args: argparse.Namespace) -> int:
    from .output import OutputError
    from .pipeline import build

    problems = build(args.records, args.out, cache=not args.no_cache)
    if isinstance(problems, OutputError):
        print(problems.format(), file=sys.stderr)
        return 1
    if problems:
        report(problems)
        print(f"build stopped: {printable(str(args.out))} was left as it was", file=sys.stderr)
        return 1
    print(f"built site into {printable(str(args.out))}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from .output import OutputError
    from .pipeline import export

    problems = export(args.records, args.out, cache=not args.no_cache)
    if isinstance(problems, OutputError):
        print(problems.format(), file=sys.stderr)
        return 1
    if problems:
        report(problems)
        return 1
    print(f"exported data into {printable(str(args.out))}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from .output import OutputError
    from .release import release

    result = release(args.records, args.out)
    if isinstance(result, OutputError):
        print(result.format(), file=sys.stderr)
        return 1
    if isinstance(result, list):
        report(result)
        return 1
    print(f"wrote release {printable(str(Path(args.out) / result.name))}")
    return 0


def _new(args: argparse.Namespace) -> int:
    from .contrib.new import OccasionRequest, new_command

    request = OccasionRequest(args.id, args.at, args.document, args.source, args.occasion_id)
    return new_command(args.records, args.collection, args.id, request)


def _fmt(args: argparse.Namespace) -> int:
    from .contrib import format_records

    return format_records(args.records, check_only=args.check)


def _diff(args: argparse.Namespace) -> int:
    from .contrib import diff_records

    return diff_records(args.records, args.base)


def _quote(args: argparse.Namespace) -> int:
    from .contrib.quote import find_quote

    return find_quote(args.records, args.source, args.words)


def _synth(args: argparse.Namespace) -> int:
    from .synth import synthesise

    synthesise(args.n, args.out, seed=args.seed)
    print(f"wrote {args.n} synthetic records into {printable(str(args.out))}")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="build.py",
        description="Check the peacetalks records, and build the site and the data files from them.",
        epilog="With no command, 'build' runs. Errors are printed as FILE:LINE:COL: error: /POINTER: MESSAGE.",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        sub.add_argument("--records", type=Path, default=DEFAULT_RECORDS, metavar="DIR", help="the record tree (default: records)")
        return sub

    check = command("check", _check, "Validate every record: parse, schema and cross-record rules, and canonical formatting.")
    build = command("build", _build, "Check, then build the site and the data files into --out, replacing it only on success.")
    refusal = "absent, empty, or written by an earlier build or export (it holds .peacetalks-build)"
    build.add_argument("--out", default=DEFAULT_SITE, metavar="DIR", help=f"where the site goes (default: site); {refusal}")
    export = command("export", _export, "Check, then write the data files alone (CSV, JSON, SQLite, datapackage.json).")
    export.add_argument("--out", required=True, metavar="DIR", help=f"where the data files go; {refusal}")
    for sub in (check, build, export):
        sub.add_argument(
            "--no-cache",
            action="store_true",
            help="check every file afresh: neither read nor write .peacetalks-cache/ (as CI runs the check)",
        )
    release = command("release", _release, "Check, then write the release zip peacetalks-data-<version>.zip into --out.")
    release.add_argument("--out", default="dist", metavar="DIR", help=f"where the zip goes (default: dist); {refusal}")
    new = command(
        "new",
        _new,
        "Write a skeleton record with every required field as a placeholder to fill in; "
        "`new occasion DEMAND` adds a skeleton occasion to an existing demand instead.",
    )
    new.add_argument("collection", help="demands, meetings, documents, actors, topics or sources; or occasion")
    new.add_argument("id", help="the new record's id: lowercase letters, digits and hyphens; for occasion, the demand's id")
    new.add_argument("--at", metavar="MEETING", help="occasion: the meeting at which it happened (its date is then taken from there)")
    new.add_argument("--in", dest="document", metavar="DOCUMENT", help="occasion: the document in which it was made or answered")
    new.add_argument("--source", metavar="SOURCE", help="occasion: the source its citation quotes")
    new.add_argument("--id", dest="occasion_id", metavar="OCCASION_ID", help="occasion: its id (default: the meeting's or document's id)")
    fmt = command("fmt", _fmt, "Rewrite records in canonical form (2-space indent, schema key order, NFC, trailing newline).")
    fmt.add_argument("--check", action="store_true", help="only list the files that are not canonical; exit 1 if any")
    diff = command("diff", _diff, "Say what the working tree changes against a git revision, record by record.")
    diff.add_argument("base", nargs="?", default="HEAD", help="the git revision to compare with (default: HEAD)")
    quote = command("quote", _quote, "Find words in a source's stored text and print them exactly, ready to paste as a quote.")
    quote.add_argument("source", help="the source's id (records/sources/<id>.txt)")
    quote.add_argument("words", help="the words to find: case, whitespace, quotation marks and dashes may differ")
    from .sources.command import register as register_source

    register_source(commands, DEFAULT_RECORDS)
    synth = commands.add_parser(
        "synth",
        help="Write N synthetic records for benchmarks.",
        description="Write a valid tree of N synthetic records across all collections.",
    )
    synth.set_defaults(handler=_synth)
    synth.add_argument("n", type=int, help="how many records")
    synth.add_argument("--out", type=Path, required=True, metavar="DIR", help="where the record tree goes")
    synth.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        args = parser().parse_args(["build", *(argv or [])])
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)
