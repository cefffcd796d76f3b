"""The real Datasette (requirements-dev.txt) serving the exported peacetalks.sqlite with its
metadata file: an array facet, a full-text search and the metadata, through its JSON API.

The expected values come from the records (through peacetalks.occasions) or their export's CSV files,
never from fixed counts."""

from __future__ import annotations

import csv
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from peacetalks import occasions as occ
from peacetalks.export.package import DATA_LICENSE, TITLE
from peacetalks.export.sqlite import DATABASE, METADATA, SQLITE
from peacetalks.export.text import restore
from peacetalks.pipeline import check
from tests.conftest import RECORDS, stop

WAIT = 120  # seconds before giving up on the server starting: a guard against hanging, not a timing test


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200, url
        return json.loads(response.read().decode("utf-8"))


@pytest.fixture(scope="module")
def datasette(real_export: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Datasette on 127.0.0.1 at a free port, serving the real export; its base URL. Stopped at the end."""
    base = f"http://127.0.0.1:{free_port()}"
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(real_export / SQLITE),
        "--metadata",
        str(real_export / METADATA),
        "--host",
        "127.0.0.1",
        "--port",
        base.rsplit(":", 1)[1],
        # a loaded machine must not turn a facet or a query into "timed out"
        "--setting",
        "facet_time_limit_ms",
        "10000",
        "--setting",
        "sql_time_limit_ms",
        "20000",
    ]
    log_path = tmp_path_factory.mktemp("datasette") / "datasette.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + WAIT
            while True:
                assert server.poll() is None, f"datasette exited: {log_path.read_text('utf-8', 'replace')}"
                try:
                    fetch(f"{base}/-/versions.json")
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    assert time.monotonic() < deadline, f"datasette did not start: {log_path.read_text('utf-8', 'replace')}"
                    time.sleep(0.2)
            yield base
        finally:
            stop(server)


def page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return str(response.read().decode("utf-8"))


def csv_rows(out: Path, name: str) -> list[dict[str, str]]:
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
        return [{k: restore(v) for k, v in row.items()} for row in csv.DictReader(stream)]


def table_url(base: str, table: str, **query: str) -> str:
    return f"{base}/{DATABASE}/{table}.json?" + urllib.parse.urlencode({"_shape": "objects", **query})


def test_an_array_facet_counts_the_actors_the_records_name(datasette: str, real_export: Path) -> None:
    dataset, problems = check(RECORDS)
    assert not problems
    made = {demand_id: occ.made_by(occ.occasions(record, dataset)) for demand_id, record in dataset.records["demands"].items()}
    expected = Counter(actor for actors in made.values() for actor in actors)
    assert expected, "the real demands name who made them"
    found = fetch(table_url(datasette, "demands", _facet_array="made_by", _size="0"))
    facet = found["facet_results"]["made_by"]
    assert facet["type"] == "array" and not facet.get("truncated")
    assert {r["value"]: r["count"] for r in facet["results"]} == dict(expected)
    russia = fetch(table_url(datasette, "demands", made_by__arraycontains="russia", _size="max"))
    assert sorted(r["id"] for r in russia["rows"]) == sorted(demand_id for demand_id, actors in made.items() if "russia" in actors)


def test_the_facets_of_the_metadata_are_offered_on_a_plain_table_page(datasette: str) -> None:
    found = fetch(table_url(datasette, "occasions", _size="0"))
    assert {"by", "of"} <= set(found["facet_results"]), "the metadata's array facets on occasions' list columns"
    assert all(found["facet_results"][name]["type"] == "array" for name in ("by", "of"))


def test_full_text_search_finds_a_real_quote(datasette: str, real_export: Path) -> None:
    citations = csv_rows(real_export, "citations")
    citation = max(citations, key=lambda row: len(row["quote"]))
    word = max(re.findall(r"[A-Za-z]{5,}", citation["quote"]), key=len)
    found = fetch(table_url(datasette, "citations", _search=word, _size="max"))
    keys = {(r["collection"], r["record_id"], r["citation_id"]) for r in found["rows"]}
    assert (citation["collection"], citation["record_id"], citation["citation_id"]) in keys
    expected = {
        (r["collection"], r["record_id"], r["citation_id"])
        for r in citations
        if any(word.lower() in (r[c] or "").lower() for c in ("quote", "attribution", "note", "original_quote"))
    }
    assert expected <= keys, "every citation holding the word is found (stemming may find more)"
    demands = fetch(table_url(datasette, "demands", _search="NATO", _size="max"))
    titled = {row["id"] for row in csv_rows(real_export, "demands") if "NATO" in row["title"]}
    assert titled and titled <= {r["id"] for r in demands["rows"]}


def test_the_metadata_shows(datasette: str, real_export: Path) -> None:
    metadata = fetch(f"{datasette}/-/metadata.json")
    assert metadata == json.loads((real_export / METADATA).read_text("utf-8"))
    table = fetch(table_url(datasette, "citations", _size="1"))
    assert (table["license"], table["license_url"]) == (DATA_LICENSE["title"], DATA_LICENSE["path"])
    assert table["source"] == metadata["source"]
    assert metadata["title"] == TITLE
    home = page(f"{datasette}/")
    assert escape(TITLE) in home and DATA_LICENSE["path"] in home, "the home page shows the title and links the licence"
    demands = page(f"{datasette}/{DATABASE}/demands")
    assert escape(metadata["databases"][DATABASE]["tables"]["demands"]["description"]) in demands
    assert DATA_LICENSE["path"] in demands
    view = fetch(table_url(datasette, "demand_overview", _size="max"))
    assert view["is_view"] and len(view["rows"]) == len(csv_rows(real_export, "demands"))
