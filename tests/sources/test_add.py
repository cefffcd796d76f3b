"""`build.py source add` and `build.py source verify`, run as a contributor runs them, on the practice tree."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from peacetalks.quotes import normalise
from peacetalks.sources.extract import extract

from .helpers import PAGE, build, edit, practice, write_pdf

ID = "coastal-herald-2030-06"
QUOTES = [
    "Northland's envoy repeated on Thursday the demand",
    "Southland's foreign minister told the Coastal Herald",
    'the demand was "not a basis for talks"',
]
EXACT = [
    "Northland’s envoy repeated on Thursday the demand",
    "Southland’s foreign minister told the Coastal Herald",
    "the demand was “not a basis for talks”",
]
UNQUOTED = ["She said her government would not discuss a withdrawal", "Officials of both countries said a new round"]


def add(records: Path, *extra: str, file: Path = PAGE) -> Any:
    quotes = [arg for q in QUOTES for arg in ("--quote", q)]
    return build(
        "source", "add", str(file), "--id", ID, "--kind", "news-report", "--language", "en", *quotes, *extra, "--records", str(records)
    )


def cite(records: Path, source: str = ID) -> None:
    """The three citations a contributor pastes: two actors and an occasion of the demand."""
    for name, quote in (("northland", EXACT[0]), ("southland", EXACT[1])):
        edit(records / f"actors/{name}.json", lambda d, q=quote: d["citations"].append({"source": source, "quote": q}))
    edit(
        records / "demands/withdraw-from-border-zone.json",
        lambda d: d["occasions"][1]["citations"].append({"source": source, "quote": EXACT[2], "supports": ["act"]}),
    )


def fill_notes(records: Path) -> None:
    edit(records / f"sources/{ID}.json", lambda d: d.update(notes="Written for the tests; saved from the page."))


def test_page_to_clean_check_with_three_verified_quotes(tmp_path: Path) -> None:
    records = practice(tmp_path)
    result = add(records, "--licence", "open", "--terms", "Invented for the tests; free to use.")
    assert result.returncode == 0, result.stderr
    for quote in EXACT:
        assert f'"source": "{ID}", "quote": {json.dumps(quote, ensure_ascii=False)}' in result.stdout
    # the existing quote the new text also contains is listed, with where it is
    assert "demands/withdraw-from-border-zone.json /occasions/0/citations/0/quote (source 'sample-wire-report')" in result.stdout
    text = (records / f"sources/{ID}.txt").read_text("utf-8")
    data = json.loads((records / f"sources/{ID}.json").read_text("utf-8"))
    assert data["text_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert data["title"] == "Southland calls border demand “not a basis for talks”"
    assert (data["publisher"], data["authors"], data["published"]) == ("The Coastal Herald", ["Ana Example"], {"date": "2030-06-05"})
    assert (data["text_licence"], data["licence"]) == ("open", "Invented for the tests; free to use.")
    assert "url" not in data  # never guessed
    first = build("check", "--records", str(records))
    assert first.returncode == 1
    assert [line.split(": error: ")[1].split(":")[0] for line in first.stderr.splitlines()[:-1]] == ["/notes"]
    fill_notes(records)
    cite(records)
    done = build("check", "--records", str(records))
    assert done.returncode == 0, done.stderr
    assert build("fmt", "--check", "--records", str(records)).returncode == 0
    verified = build("source", "verify", ID, str(PAGE), "--records", str(records))
    assert verified.returncode == 0, verified.stderr
    assert "the stored text is the copy's text" in verified.stdout
    assert f"ok: 3 quotes of 3 records verified against {PAGE}" in verified.stdout


def test_pdf_to_source(tmp_path: Path) -> None:
    records = practice(tmp_path)
    pdf = tmp_path / "statement.pdf"
    write_pdf(pdf, [["Northland's envoy repeated on Thursday the demand that Southland withdraw.", "", "Page 1"]], title="A statement")
    result = build("source", "add", str(pdf), "--id", "statement", "--quote", "envoy repeated", "--records", str(records))
    assert result.returncode == 0, result.stderr
    assert "read " + str(pdf) + " as a PDF" in result.stdout
    assert (records / "sources/statement.txt").read_text(
        "utf-8"
    ) == "Northland's envoy repeated on Thursday the demand that Southland withdraw.\n"
    data = json.loads((records / "sources/statement.json").read_text("utf-8"))
    assert data["title"] == "A statement" and data["text_licence"] == "unknown"


def test_refuses_an_existing_source_and_writes_nothing(tmp_path: Path) -> None:
    records = practice(tmp_path)
    before = {p: p.read_bytes() for p in records.rglob("*") if p.is_file()}
    result = build("source", "add", str(PAGE), "--id", "sample-wire-report", "--records", str(records))
    assert result.returncode == 1
    assert (
        result.stderr
        == f"build.py source add: error: {records}/sources/sample-wire-report.json already exists: choose another id (nothing was written)\n"
    )
    assert {p: p.read_bytes() for p in records.rglob("*") if p.is_file()} == before


def test_words_not_in_the_text_get_the_closest_passage(tmp_path: Path) -> None:
    records = practice(tmp_path)
    result = build(
        "source", "add", str(PAGE), "--id", ID, "--quote", "Northland's envoy restated on Thursday the demand", "--records", str(records)
    )
    assert result.returncode == 1
    assert "is not in the text of" in result.stderr
    assert "“restated” where the source has “repeated”" in result.stderr
    assert not (records / f"sources/{ID}.json").exists() and not (records / f"sources/{ID}.txt").exists()


def test_unreadable_file_and_bad_id(tmp_path: Path) -> None:
    records = practice(tmp_path)
    missing = build("source", "add", str(tmp_path / "nowhere.html"), "--id", ID, "--records", str(records))
    assert missing.returncode == 1 and "cannot read the file: No such file or directory" in missing.stderr
    bad = build("source", "add", str(PAGE), "--id", "Not An Id", "--records", str(records))
    assert bad.returncode == 1 and "is not a valid id" in bad.stderr
    restricted = build("source", "add", str(PAGE), "--id", ID, "--licence", "restricted", "--records", str(records))
    assert restricted.returncode == 1 and "name each with --quote WORDS" in restricted.stderr
    assert not list((records / "sources").glob(f"{ID}.*"))


def test_restricted_source_has_no_full_text_anywhere(tmp_path: Path) -> None:
    records = practice(tmp_path)
    result = add(records, "--licence", "restricted", "--terms", "All rights reserved by the invented publisher.")
    assert result.returncode == 0, result.stderr
    stored = (records / f"sources/{ID}.txt").read_text("utf-8")
    assert stored == (
        "Northland’s envoy repeated on Thursday the demand that Southland withdraw its forces from the border zone, two weeks after the talks in Example City.\n\n"
        "Southland’s foreign minister told the Coastal Herald that the demand was “not a basis for talks”.\n"
    )
    data = json.loads((records / f"sources/{ID}.json").read_text("utf-8"))
    assert data["original_sha256"] == hashlib.sha256(normalise(extract(PAGE).text).encode()).hexdigest()
    assert data["text_sha256"] == hashlib.sha256(stored.encode()).hexdigest()
    fill_notes(records)
    cite(records)
    assert build("check", "--records", str(records)).returncode == 0
    site, data_dir = tmp_path / "site", tmp_path / "data"
    assert build("build", "--records", str(records), "--out", str(site)).returncode == 0
    assert build("export", "--records", str(records), "--out", str(data_dir)).returncode == 0
    dist = tmp_path / "dist"
    assert build("release", "--records", str(records), "--out", str(dist)).returncode == 0
    everywhere = [p for root in (records, site, data_dir) for p in root.rglob("*") if p.is_file()]
    assert len(everywhere) > 50
    contents = [(str(p), p.read_bytes()) for p in everywhere]
    for archive in [*dist.glob("*.zip"), *site.rglob("*.zip")]:
        with zipfile.ZipFile(archive) as opened:
            contents += [(f"{archive}:{name}", opened.read(name)) for name in opened.namelist()]
    assert any(name.endswith("citations.csv") and ":" in name for name, _ in contents)  # the release zip was read
    for name, content in contents:
        for words in UNQUOTED:
            assert words.encode() not in content, name
    verified = build("source", "verify", ID, str(PAGE), "--records", str(records))
    assert verified.returncode == 0, verified.stderr
    assert "the copy's full text has the recorded original_sha256" in verified.stdout
    assert "all 2 stored passages are in the copy" in verified.stdout


def test_verify_names_what_a_different_copy_breaks(tmp_path: Path) -> None:
    records = practice(tmp_path)
    assert add(records, "--licence", "restricted").returncode == 0
    fill_notes(records)
    cite(records)
    changed = tmp_path / "changed.html"
    changed.write_text(PAGE.read_text("utf-8").replace("repeated on Thursday", "restated on Thursday"), encoding="utf-8")
    result = build("source", "verify", ID, str(changed), "--records", str(records))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("build.py source verify: error: the copy's full text does not have the recorded original_sha256")
    assert lines[1].startswith("build.py source verify: error: stored passage not in the copy: “Northland’s envoy repeated")
    assert lines[2].startswith(
        f"build.py source verify: error: {records}/actors/northland.json /citations/1/quote: not in the copy: the closest passage is"
    )
    assert "“repeated” where the source has “restated”" in lines[2]
    assert lines[3] == "verify failed: 3 problems"
    unknown = build("source", "verify", "no-such-source", str(PAGE), "--records", str(records))
    assert unknown.returncode == 1 and "no source 'no-such-source'" in unknown.stderr


def test_more_passages_for_a_restricted_source_from_the_same_original(tmp_path: Path) -> None:
    records = practice(tmp_path)
    first = build(
        "source",
        "add",
        str(PAGE),
        "--id",
        ID,
        "--kind",
        "news-report",
        "--language",
        "en",
        "--licence",
        "restricted",
        "--terms",
        "All rights reserved.",
        "--quote",
        QUOTES[0],
        "--records",
        str(records),
    )
    assert first.returncode == 0, first.stderr
    text = records / f"sources/{ID}.txt"
    assert len(text.read_text("utf-8").split("\n\n")) == 1
    changed = tmp_path / "changed.html"
    changed.write_text(PAGE.read_text("utf-8").replace("later in June", "in July"), encoding="utf-8")
    refused = build("source", "add", str(changed), "--id", ID, "--quote", QUOTES[1], "--records", str(records))
    assert refused.returncode == 1 and "its SHA-256 differs from original_sha256 (nothing was written)" in refused.stderr
    more = build("source", "add", str(PAGE), "--id", ID, "--quote", QUOTES[1], "--quote", QUOTES[2], "--records", str(records))
    assert more.returncode == 0, more.stderr
    assert more.stdout.startswith(f"added 1 passage to {records}/sources/{ID}.txt, and set text_sha256\n")
    assert text.read_text("utf-8").startswith("Northland’s envoy repeated")  # in the order of the text
    fill_notes(records)
    cite(records)
    result = build("check", "--records", str(records))
    assert result.returncode == 0, result.stderr
