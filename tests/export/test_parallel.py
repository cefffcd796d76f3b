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


def test_a_caller_failing_before_it_waits_does_not_hang_on_a_large_result() -> None:
    """The child's result fills the pipe; the caller raises without reading it: the child is
    stopped, and the caller's error comes out at once (run in a subprocess, to see a hang)."""
    import subprocess
    import sys

    program = (
        "from peacetalks.parallel import beside\n"
        "try:\n"
        "    with beside(lambda: b'x' * 50_000_000) as wait:\n"
        "        raise ValueError('the caller failed')\n"
        "except ValueError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "the caller failed\n", "")
