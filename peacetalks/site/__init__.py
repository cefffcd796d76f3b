"""Stage: the website. `build_site(dataset, out)` renders every page from the records and runs
a strict MkDocs build into `out`, then writes the data files into `out/data`."""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..load import Dataset, gc_relaxed
from ..problems import Problem
from . import api, feed

REPO = Path(__file__).resolve().parent.parent.parent
CONFIG = REPO / "mkdocs.yml"
_DOC_FILE = re.compile(r"Doc file '([a-z]+)/([a-z0-9-]+)\.md'")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _epoch(records: Path) -> Iterator[None]:
    """SOURCE_DATE_EPOCH for reproducible dates (sitemap, archives): the caller's, else the
    time of the last commit touching the records, else 0."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    changes = feed.changes(records, limit=1)
    os.environ["SOURCE_DATE_EPOCH"] = str(changes[0].time if changes else 0)
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def build_site(dataset: Dataset, out: Path) -> list[Problem]:
    """Render the site into `out` (a fresh empty directory); return problems, never raise on bad records."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from ..parallel import beside, can_fork
    from .mkdocs_glue import preloaded, settings
    from .pagesplit import two_cores
    from .render import render_apart

    callers_epoch = os.environ.get("SOURCE_DATE_EPOCH")  # the data files' dates come from it as `export` reads it
    with _epoch(dataset.root), gc_relaxed():
        config = load_config(str(CONFIG), site_dir=str(out), strict=True)
        rendered = render_apart(dataset, settings(config), dataset.root)
        if rendered.problems:
            return rendered.problems
        collector = _Collect()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collector)
        aside, in_worker = out / BESIDE, can_fork()
        try:
            # In a worker process only: a thread would change the environment MkDocs is reading.
            worker = beside(_write_data, dataset, aside, callers_epoch) if in_worker else contextlib.nullcontext(None)
            with worker as data_written:
                with preloaded(dataset, rendered), two_cores():
                    config.plugins.on_startup(command="build", dirty=False)
                    try:
                        build(config)
                    finally:
                        config.plugins.on_shutdown()
                error = data_written() if data_written is not None else None
        except MkDocsException as exc:
            return _problems(dataset, collector.messages, str(exc))
        finally:
            logger.removeHandler(collector)
    if not in_worker:
        error = _write_data(dataset, aside, callers_epoch)  # after MkDocs, with the caller's environment
    if error is not None:
        raise error
    for name in sorted(os.listdir(aside)):
        os.rename(aside / name, out / name)
    aside.rmdir()
    return []


# The data files, the API and the release zip are written beside the MkDocs build (on the second
# core), into this directory of `out`: MkDocs' cleaning of its site directory leaves hidden entries.
BESIDE = ".data-beside"


def _write_data(dataset: Dataset, aside: Path, epoch: str | None) -> OSError | None:
    """data/ (the exports), api/ and releases/ (from those data files) under `aside`; an OS error
    comes back as a value, to be raised in the caller as itself. In the worker, SOURCE_DATE_EPOCH is
    the caller's again (`epoch`), not the one the site's build sets for MkDocs, so the files are
    the bytes `build.py export` writes."""
    from ..export import write_exports

    if epoch is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        write_exports(dataset, aside / "data")
        api.write_beside_data(dataset, aside)
    except OSError as exc:
        return exc
    return None


def _problems(dataset: Dataset, messages: list[str], final: str) -> list[Problem]:
    """MkDocs' warnings as problems, on the record whose page caused them where one did."""
    problems = []
    for message in messages or [final]:
        match = _DOC_FILE.search(message)
        record = dataset.get(match.group(1), match.group(2)) if match else None
        path = record.path if record else "mkdocs.yml"
        problems.append(Problem(path, 0, 0, "", f"site build: {message}"))
    return sorted(set(problems))
