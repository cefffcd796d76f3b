"""Finding a quote's place, or the closest passage, in a source's stored text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.quotes import closest, describe, normalise, occurrences

TEXT = (
    "Officials of Alphaland and Betaland met in Example City on 11 March 2025 to discuss the terms.\n"
    "Alphaland’s delegation demanded that Betaland withdraw its forces from the example region.\n"
    "Betaland rejected the demand on 12 March 2025, a spokesperson said.\n"
)


def test_occurrences_ignore_case_quotes_dashes_and_whitespace_and_return_the_source_characters() -> None:
    found = occurrences(TEXT, "alphaland's   DELEGATION demanded")
    assert [p.text for p in found] == ["Alphaland’s delegation demanded"]
    assert occurrences(TEXT, "Betaland") and len(occurrences(TEXT, "Betaland")) == 3
    assert occurrences(TEXT, "not in the text") == []


def test_closest_passage_marks_the_words_that_differ() -> None:
    passage = closest(TEXT, "Betaland rejected the demands on 12 March 2025")
    assert passage is not None
    assert passage.text == "Betaland rejected the demand on 12 March 2025,"
    assert passage.differences[0] == ("demands", "demand")
    assert "“demands” where the source has “demand”" in describe(passage)


def test_nothing_close_gives_no_passage() -> None:
    assert closest(TEXT, "entirely different words about cats") is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=80))
def test_closest_and_occurrences_never_raise(text: str, quote: str) -> None:
    passage = closest(text, quote)
    if passage is not None:
        assert passage.text in normalise(text)
        describe(passage)
    for found in occurrences(text, quote):
        assert normalise(text)[found.start : found.start + len(found.text)] == found.text
