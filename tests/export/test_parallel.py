"""Work run beside the caller (a forked child where safe, else a thread) gives the same answers."""

from __future__ import annotations

import threading

import pytest

from peacetalks.export import parallel, text


def _boom() -> None:
    raise ValueError("no")


def test_prepare_in_two_processes_gives_the_parser_s_answers() -> None:
    texts = [f"- item *{i}*\n- [link {i}](https://example.org/{i})\n\n{i}. numbered" for i in range(40)]
    text._CACHE.clear()
    text.prepare(texts, parallel_from=2)
    assert all(text._CACHE[t] == text.parsed_text(t) for t in texts)


@pytest.mark.parametrize("threaded", [False, True], ids=["forked", "thread"])
def test_beside_returns_results_and_raises_failures(threaded: bool) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    if threaded:
        other.start()
    try:
        if threaded:
            assert not parallel.can_fork(), "never fork beside other threads"
        with parallel.beside(sorted, [3, 1, 2]) as result:
            assert result() == [1, 2, 3]
        with pytest.raises((RuntimeError, ValueError), match="no"), parallel.beside(_boom) as failed:
            failed()
    finally:
        stop.set()
        if threaded:
            other.join()
