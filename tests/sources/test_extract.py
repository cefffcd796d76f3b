"""Extraction: a saved page, a PDF and a text file become the article's paragraphs and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.sources.extract import ExtractError, extract, paragraphs

from .helpers import PAGE, write_pdf

ARTICLE = [
    "Southland calls border demand “not a basis for talks”",
    "Northland’s envoy repeated on Thursday the demand that Southland withdraw its forces from the border zone, "
    "two weeks after the talks in Example City.",
    "Southland’s foreign minister told the Coastal Herald that the demand was “not a basis for talks”. "
    "She said her government would not discuss a withdrawal before a ceasefire.",
    "Last month the Sample Wire reported that Northland demanded that Southland withdraw its forces from the border zone.",
    "Officials of both countries said a new round could be held in Harbour Town later in June.",
]
BOILERPLATE = ["cookies", "Subscribe", "Home", "Most read", "beaches", "All rights reserved", "Privacy", "console", "analytics", "By Ana"]


def test_page_keeps_the_article_paragraphs_and_nothing_else() -> None:
    extracted = extract(PAGE)
    assert extracted.text == "\n\n".join(ARTICLE) + "\n"
    for word in BOILERPLATE:
        assert word not in extracted.text
    assert extracted.kind == "html"
    assert extracted.title == "Southland calls border demand “not a basis for talks”"
    assert extracted.authors == ("Ana Example",)
    assert extracted.published == "2030-06-05"
    assert extracted.publisher == "The Coastal Herald"


def test_pdf_drops_running_headers_footers_and_page_numbers(tmp_path: Path) -> None:
    pdf = tmp_path / "statement.pdf"
    header = "MINISTRY OF FOREIGN AFFAIRS OF NORTHLAND - PRESS OFFICE"
    write_pdf(
        pdf,
        [
            [
                header,
                "",
                "Statement on the border zone",
                "",
                "Northland repeats that Southland must withdraw its forces",
                "from the border zone before any ceasefire.",
                "",
                "The ministry is ready to meet in Harbour Town.",
                "",
                "Page 1 of 2",
            ],
            [header, "", "A delegation will travel on Monday, the ministry said,", "and will return on Friday.", "", "Page 2 of 2"],
        ],
        title="Statement on the border zone",
    )
    extracted = extract(pdf)
    assert paragraphs(extracted.text) == [
        "Statement on the border zone",
        "Northland repeats that Southland must withdraw its forces from the border zone before any ceasefire.",
        "The ministry is ready to meet in Harbour Town.",
        "A delegation will travel on Monday, the ministry said, and will return on Friday.",
    ]
    assert "MINISTRY" not in extracted.text and "Page" not in extracted.text
    assert extracted.kind == "pdf" and extracted.title == "Statement on the border zone"


def test_text_file_is_normalised_into_paragraphs(tmp_path: Path) -> None:
    text = tmp_path / "statement.txt"
    text.write_bytes("\ufeffFirst  paragraph,\nwrapped.\r\n\r\n\r\nSecond\tone.   \n".encode())
    assert extract(text).text == "First paragraph, wrapped.\n\nSecond one.\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "no text found in this text file: the file is empty"),
        ("latin1.txt", "caf\u00e9".encode("latin-1"), "invalid UTF-8 at byte 3 (0xe9): save the file as UTF-8"),
        ("broken.pdf", b"%PDF-1.4\nnot really a PDF\n", "not a readable PDF"),
        ("script.html", b"<html><body><script>document.write('the article');</script></body></html>", "no text found in this page"),
    ],
)
def test_unreadable_inputs_say_why(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractError) as caught:
        extract(path)
    assert message in str(caught.value)


def test_pdf_without_text_is_explained(tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    write_pdf(pdf, [[""]])
    with pytest.raises(ExtractError, match="a scanned PDF holds images, not text"):
        extract(pdf)
