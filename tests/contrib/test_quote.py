"""`build.py quote SOURCE WORDS` on the real founding source, as a contributor runs it."""

from __future__ import annotations

import json

from tests.conftest import run_build

SOURCE = "reuters-russia-list-of-demands-2025-03"


def test_finds_words_typed_loosely_and_prints_the_source_characters() -> None:
    result = run_build("quote", SOURCE, "kiev   not being a member of nato")
    assert result.returncode == 0, result.stderr
    assert "found once in records/sources/reuters-russia-list-of-demands-2025-03.txt:" in result.stdout
    assert "  line 6: Kiev not being a member of NATO\n" in result.stdout
    pasted = result.stdout.splitlines()[-1].strip()
    assert json.loads("{" + pasted + "}") == {"quote": "Kiev not being a member of NATO"}


def test_straight_apostrophes_find_the_curly_ones() -> None:
    result = run_build("quote", SOURCE, "Russia's previous conditions")
    assert result.returncode == 0, result.stderr
    assert '"quote": "Russia’s previous conditions"' in result.stdout


def test_says_how_often_words_occur() -> None:
    result = run_build("quote", SOURCE, "30-day")
    assert result.returncode == 0
    assert "found 3 times" in result.stdout and "quote a longer passage to pick one" in result.stdout


def test_words_not_in_the_text_get_the_closest_passage() -> None:
    result = run_build("quote", SOURCE, "In those talks, Russia demanded that Ukraine abandon its NAT0 ambitions")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "the closest passage is “In those talks, Russia demanded that Ukraine abandon its NATO ambitions”" in result.stderr
    assert "the quote has “NAT0” where the source has “NATO”" in result.stderr


def test_an_unknown_source_is_named_with_a_suggestion() -> None:
    result = run_build("quote", "reuters-russia-list-of-demands-2025-3", "Russia")
    assert result.returncode == 1
    assert "did you mean 'reuters-russia-list-of-demands-2025-03'" in result.stderr
