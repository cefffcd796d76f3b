"""Originals and translations: a citation gives the quote in translation and in the original,
each verified against its own source's stored text."""

from __future__ import annotations

from pathlib import Path

from .helpers import build, edit, practice

ORIGINAL = "Le ministre a déclaré que la demande n’était « pas une base de négociation ».\n\nUne autre phrase.\n"
TRANSLATION = "The minister said the demand was “not a basis for negotiation”.\n\nAnother sentence.\n"


def _sources(tmp_path: Path) -> Path:
    records = practice(tmp_path)
    (tmp_path / "original.txt").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "translation.txt").write_text(TRANSLATION, encoding="utf-8")
    common = ("--kind", "news-report", "--published", "2030-06-05", "--terms", "Invented for the tests.", "--records", str(records))
    original = build(
        "source",
        "add",
        str(tmp_path / "original.txt"),
        "--id",
        "herald-fr",
        "--language",
        "fr",
        "--licence",
        "open",
        "--title",
        "The minister's statement",
        *common,
    )
    assert original.returncode == 0, original.stderr
    translation = build(
        "source", "add", str(tmp_path / "translation.txt"), "--id", "herald-en", "--language", "en", "--original-language", "fr",
        "--translation-of", "herald-fr", "--title", "The minister's statement, translated", *common,
    )  # fmt: skip
    assert translation.returncode == 0, translation.stderr
    for name in ("herald-fr", "herald-en"):
        edit(records / f"sources/{name}.json", lambda d: d.update(notes="Invented."))
    return records


def _cite(records: Path, quote: str, original: str) -> None:
    citation = {"source": "herald-en", "quote": quote, "original_quote": original}
    edit(records / "actors/southland.json", lambda d: d["citations"].append(citation))


def test_quote_and_original_quote_verified_each_against_its_own_text(tmp_path: Path) -> None:
    records = _sources(tmp_path)
    _cite(records, "the demand was “not a basis for negotiation”", "la demande n’était « pas une base de négociation »")
    result = build("check", "--records", str(records))
    assert result.returncode == 0, result.stderr


def test_original_quote_not_in_the_original(tmp_path: Path) -> None:
    records = _sources(tmp_path)
    _cite(records, "the demand was “not a basis for negotiation”", "the demand was “not a basis for negotiation”")
    result = build("check", "--records", str(records))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{records}/actors/southland.json:14:25: error: /citations/1/original_quote: original_quote not found in the text of source "
        "'herald-fr' (the original of 'herald-en'): copy the words exactly as the original has them",
        "check failed: 1 error in 1 file",
    ]


def test_translated_quote_checked_against_the_translation(tmp_path: Path) -> None:
    records = _sources(tmp_path)
    _cite(records, "la demande n’était « pas une base de négociation »", "la demande n’était « pas une base de négociation »")
    result = build("check", "--records", str(records))
    assert result.returncode == 1
    assert "/citations/1/quote: quote not found in the text of source 'herald-en'" in result.stderr
    assert "original_quote" not in result.stderr
