"""Problems as values: the per-file cap, the summary, and did-you-mean in bounded time."""

from __future__ import annotations

from peacetalks.problems import MAX_PER_FILE, Hints, Problem, Suggester, cap_per_file, closest, summary


def _problems(path: str, count: int) -> list[Problem]:
    return [Problem(path, line, 5, f"/items/{line}", "wrong") for line in range(count, 0, -1)]


def test_at_most_fifty_problems_a_file_are_shown_then_how_many_more() -> None:
    shown = cap_per_file(_problems("a.json", 120) + _problems("b.json", 3))
    a = [p for p in shown if p.path == "a.json"]
    assert [p.line for p in a[:MAX_PER_FILE]] == list(range(1, MAX_PER_FILE + 1))  # the first ones in the file
    marker = a[-1]
    assert len(a) == MAX_PER_FILE + 1 and (marker.line, marker.col, marker.hidden) == (MAX_PER_FILE + 1, 5, 70)
    assert marker.message.startswith("and 70 more errors in this file from here on, not shown")
    assert [p.line for p in shown if p.path == "b.json"] == [1, 2, 3]
    assert summary(shown) == "123 errors in 2 files"


def test_lines_that_already_stand_for_uncounted_problems_are_merged() -> None:
    counted = Problem("a.json", 900, 1, "", "", hidden=5_000)  # as schema_problems gives for a huge record
    shown = cap_per_file([*_problems("a.json", 60), counted])
    assert len(shown) == MAX_PER_FILE + 1
    assert (shown[-1].line, shown[-1].hidden) == (MAX_PER_FILE + 1, 5_010)
    assert summary(shown) == "5,060 errors in 1 file"
    few = cap_per_file([*_problems("a.json", 3), counted])
    assert [p.line for p in few] == [1, 2, 3, 900] and few[-1].message.startswith("and 5,000 more errors")


def test_did_you_mean_finds_one_edit_typos_among_many_candidates() -> None:
    ids = [f"state-{i:04d}" for i in range(1, 5_001)]
    suggester = Suggester(ids, budget=[0])  # no budget for the slow search: the index alone answers
    assert suggester.closest("stat-0042") == "state-0042"  # a letter dropped
    assert suggester.closest("statte-0042") == "state-0042"  # a letter added
    assert suggester.closest("stake-0042") == "state-0042"  # a letter changed
    assert suggester.closest("sttae-0042") == "state-0042"  # two letters swapped
    assert suggester.closest("nothing-like-it") is None


def test_the_slow_search_stops_when_its_budget_is_spent() -> None:
    hints = Hints(budget=3_000)
    ids = [f"party-{i}" for i in range(1_000)]
    # 'zzparty-1zz' is two edits from 'party-1': only difflib's full comparison finds it.
    assert hints.closest("zzparty-1zz", ids, key="ids") == "party-1"
    assert hints.closest("zzparty-2zz", ids, key="ids") == "party-2"
    assert hints.closest("zzparty-3zz", ids, key="ids") == "party-3"
    assert hints.closest("zzparty-4zz", ids, key="ids") is None  # 3 × 1,000 comparisons spent
    assert hints.closest("zzparty-1zz", ids, key="ids") == "party-1"  # remembered, not searched again
    assert hints.did_you_mean("party-1x", ids, key="ids") == " (did you mean 'party-1'?)"  # one edit: no budget needed


def test_small_candidate_sets_keep_difflib_answers() -> None:
    assert closest("hled", ["held", "ongoing", "announced", "planned", "cancelled"]) == "held"
    assert closest("actor", ["actors", "demands", "documents", "meetings", "sources", "topics"]) == "actors"
    assert closest("xyz", ["actors", "demands"]) is None
