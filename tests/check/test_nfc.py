"""A source's stored text may be in any Unicode normalisation form: quotes are compared in NFC.

Records are NFC (`fmt` writes them so and the check requires it), but a text saved from a web
page or a PDF may be decomposed (NFD): 'é' as 'e' and a combining acute accent. The stored text
stays byte for byte as published (its text_sha256 is of those bytes); the check normalises both
sides before looking for a quote."""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
from pathlib import Path

from tests.check.test_corpus import BASE, ENV
from tests.conftest import run_build

WORDS = "Délégués de Bétaland à Café Zürich"


def _tree(tmp_path: Path, stored_form: str) -> Path:
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
    text_path = records / "sources" / "example-report.txt"
    text = text_path.read_text("utf-8") + unicodedata.normalize(stored_form, f"{WORDS} met again.\n")
    text_path.write_bytes(text.encode("utf-8"))
    source_path = records / "sources" / "example-report.json"
    source = json.loads(source_path.read_text("utf-8"))
    source["text_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source_path.write_text(json.dumps(source, indent=2, ensure_ascii=False) + "\n", "utf-8")
    actor_path = records / "actors" / "alphaland.json"
    actor = json.loads(actor_path.read_text("utf-8"))
    actor["citations"].append({"source": "example-report", "quote": unicodedata.normalize("NFC", WORDS)})
    actor_path.write_text(json.dumps(actor, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return records


def test_a_quote_is_found_in_a_text_stored_decomposed(tmp_path: Path) -> None:
    records = _tree(tmp_path, "NFD")
    assert not unicodedata.is_normalized("NFC", (records / "sources" / "example-report.txt").read_text("utf-8"))
    result = run_build("check", "--records", str(records), cwd=tmp_path, env=ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 6 records")


def test_a_quote_is_found_in_a_text_stored_composed(tmp_path: Path) -> None:
    result = run_build("check", "--records", str(_tree(tmp_path, "NFC")), cwd=tmp_path, env=ENV)
    assert result.returncode == 0, result.stderr


def test_a_quote_missing_an_accent_is_still_not_found(tmp_path: Path) -> None:
    records = _tree(tmp_path, "NFD")
    actor_path = records / "actors" / "alphaland.json"
    actor = json.loads(actor_path.read_text("utf-8"))
    actor["citations"][-1]["quote"] = "Delegues de Betaland"
    actor_path.write_text(json.dumps(actor, indent=2, ensure_ascii=False) + "\n", "utf-8")
    result = run_build("check", "--records", str(records), cwd=tmp_path, env=ENV)
    assert result.returncode == 1
    assert "/citations/1/quote: quote not found in the text of source 'example-report'" in result.stderr
