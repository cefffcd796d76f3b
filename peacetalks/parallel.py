"""Using the second core: run one piece of work beside the caller's (the check's rules on half
the records, the export's Markdown parsing).

In a single-threaded process (the command line, the benchmark) the work runs in a forked
child, which sees the parent's data without copying it and sends back only its result. Where
other threads exist (a live-reloading server) forking is unsafe, so it runs in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    import multiprocessing  # imported when needed: a check of one edited record never is

    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def beside(work: Callable[..., T], *args: Any) -> Iterator[Callable[[], T]]:
    """Start `work(*args)`; yields a function that waits for it and returns its result."""
    import multiprocessing
    from concurrent.futures import ThreadPoolExecutor

    if not can_fork():
        with ThreadPoolExecutor(max_workers=1) as pool:
            yield pool.submit(work, *args).result
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def run() -> None:
        try:
            result: tuple[bool, Any] = (True, work(*args))
        except BaseException as exc:  # reported to the parent, which raises
            result = (False, f"{type(exc).__name__}: {exc}")
        sender.send(result)

    # Not daemonic: a worker may start its own (the build's data files beside MkDocs, and in them the
    # export's database and workbook); `beside` always joins or ends it itself.
    child = context.Process(target=run, daemon=False)
    child.start()
    sender.close()

    received = False

    def wait() -> T:
        nonlocal received
        try:
            ok, value = receiver.recv()
            received = True
        except EOFError:
            ok, value = False, "the worker process ended without a result"
        child.join()
        if not ok:
            raise RuntimeError(f"{getattr(work, '__name__', 'work')} failed in a worker process: {value}")
        result: T = value
        return result

    try:
        yield wait
    finally:
        if not received:  # the caller failed before it waited: a child blocked on a full pipe would never end
            child.terminate()
        child.join()
        receiver.close()
