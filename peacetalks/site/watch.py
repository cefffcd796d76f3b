"""Under `mkdocs serve`: the record tree watched through the operating system's change events.

MkDocs polls every path it watches twice a second, with a `stat` of each file. A poll of 10,000
record files takes 0.06 s alone; while another thread of the server holds the interpreter (the
rendering of an edit's other pages, mkdocs_glue.py), each `stat` waits for it, and the same poll
took 14 s: an edit saved then went unseen for seconds. Change events (inotify on Linux, FSEvents
on macOS, ReadDirectoryChangesW on Windows, through watchdog) cost nothing while nothing changes.
Each event rewrites one small file in a directory MkDocs polls, which starts its rebuild.

Some file systems send no events (network drives, WSL's /mnt): PEACETALKS_WATCH=poll leaves the
records to MkDocs' polling, as does a platform without events or a failure to start watching."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.peacetalks")

POLL = "poll"  # the value of PEACETALKS_WATCH that asks for MkDocs' polling
# The events of a change (`attrib`: a new mtime, as `touch` makes); opening and closing a file to
# read it, as the check does, are not.
_CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed", "attrib"})


class RecordsWatch:
    """A running watch of `records` that rewrites `flag` on every change of a file in it."""

    def __init__(self, observer: Any, flag: Path) -> None:
        self.observer = observer
        self.flag = flag
        self.changes = 0

    def changed(self) -> None:
        self.changes += 1
        try:
            self.flag.write_text(str(self.changes), "utf-8")
        except OSError:
            pass  # the server is stopping: its directory is gone

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)


def start(records: Path, flag: Path) -> RecordsWatch | None:
    """Watch `records` through change events, or None where MkDocs should poll it."""
    if os.environ.get("PEACETALKS_WATCH", "").strip().lower() == POLL:
        return None
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if Observer is PollingObserver:  # no change events on this platform
        return None
    observer = Observer()
    watch = RecordsWatch(observer, flag)

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if not event.is_directory and event.event_type in _CHANGES:
                watch.changed()

    try:
        observer.schedule(Handler(), str(records), recursive=True)
        observer.start()
    except OSError as exc:  # e.g. the system's limit of inotify watches reached
        log.info(f"watching the records by polling: change events unavailable ({exc})")
        return None
    return watch
