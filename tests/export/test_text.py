"""Markdown reduced to plain text, and spreadsheet-safe cells."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.export.text import FORMULA_STARTS, neutralise, parsed_text, plain_text, restore, uncached_plain_text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("A *b* and **c**, `d`.", "A b and c, d."),
        ("one\ntwo", "one two"),
        ("one  \ntwo", "one\ntwo"),
        ("p1\n\n\n\np2", "p1\n\np2"),
        ("- a\n- b\n\nafter", "- a\n- b\n\nafter"),
        ("3. x\n4. y", "3. x\n4. y"),
        ("- a\n\n1. b", "- a\n\n1. b"),
        ("# Heading\n\ntext", "Heading\n\ntext"),
        ("> quoted", "quoted"),
        ("```\n<b>code</b>\n```", "<b>code</b>"),
        ("[text](https://example.org/x)", "text (https://example.org/x)"),
        ("[https://example.org](https://example.org)", "https://example.org"),
        ("[mail](mailto:a@example.org)", "mail (mailto:a@example.org)"),
        ("[page](../demands/x.md)", "page"),
        (
            "See [note 1](https://example.org/n?a=1) and [a@example.org](mailto:a@example.org).",
            "See note 1 (https://example.org/n?a=1) and a@example.org.",
        ),
        ("![alt](https://example.org/i.png)", "!alt (https://example.org/i.png)"),
        ("&amp; &lt;b&gt;", "& <b>"),
        ("a \\*literal\\* star", "a *literal* star"),
    ],
)
def test_plain_text(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text
    assert parsed_text(markdown) == text


# Text made of the characters that matter to CommonMark at line starts and inline, and prose.
_pieces = st.sampled_from(
    ["word", "Word", "two words", " ", "  ", "\n", "\n\n", "-", "+", "=", "#", ">", "~", "1.", "2)", "0", "*", "_", "`", "[", "]",
     "(", ")", "<", "&", "\\", "!", "|", "\t", "“quoted”", "é", "\u00a0", ":", "https://example.org/a", "](",
     "[word](https://example.org/a)", "[a b](mailto:a@example.org)", "[x](http://x.org/y)", "\ue000"]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(_pieces, max_size=14).map("".join))
def test_the_fast_path_agrees_with_the_parser(markdown: str) -> None:
    assert uncached_plain_text(markdown) == parsed_text(markdown)


@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "\n", "a", " ", "1"]), max_size=8))
def test_neutralising_is_safe_and_reversible(value: str) -> None:
    cell = neutralise(value)
    assert not cell.startswith(FORMULA_STARTS)
    assert restore(cell) == value
    assert cell == value or cell == "'" + value


def test_only_risky_cells_change() -> None:
    assert neutralise("Ukraine") == "Ukraine"
    assert neutralise("'quoted'") == "'quoted'"
    assert neutralise("2025-03") == "2025-03"
    assert neutralise("-1") == "'-1"
    assert neutralise("\n=x") == "'\n=x"
