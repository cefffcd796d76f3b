"""`make serve` while a record is broken: the real `mkdocs serve` answers with a page listing the
located problems (a failed rebuild would leave every request waiting), and comes back when the
record is fixed; a rebuild does not write the data files again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.site.conftest import FIXTURES
from tests.site.test_serve import fetch, serving, set_title, wait_for


def test_a_broken_record_shows_its_located_problems_then_the_fixed_page(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "basic", records)
    demand = records / "demands" / "cap-army.json"
    good = demand.read_text("utf-8")
    title = json.loads(good)["title"]
    with serving(records, tmp_path / "serve.log") as (base, server):
        wait_for(f"{base}/demands/cap-army.html", title, server)
        exported = fetch(f"{base}/data/demands.csv")
        assert exported is not None and title in exported
        actor = json.loads(good)["occasions"][0]["by"][0]
        demand.write_text(good.replace(f'"{actor}"', '"no-such-actor"', 1), "utf-8")
        page = wait_for(f"{base}/demands/cap-army.html", "The records have problems", server)
        assert "cap-army.json:" in page and "unknown actor" in page and "no-such-actor" in page
        assert "The records have problems" in (fetch(f"{base}/index.html") or "")
        untouched = fetch(f"{base}/topics/alliances.html")
        assert untouched is not None and "The records have problems" not in untouched
        demand.write_text(good, "utf-8")
        set_title(demand, "Fixed: an army ceiling for State B")
        page = wait_for(f"{base}/demands/cap-army.html", "Fixed: an army ceiling for State B", server)
        assert "The records have problems" not in page
        home = fetch(f"{base}/index.html")  # rebuilt in the same build as the demand's page
        assert home is not None and "The records have problems" not in home and "peacetalks" in home
        # The data files are those of the first build: serve's rebuilds leave them.
        assert fetch(f"{base}/data/demands.csv") == exported
    text = (tmp_path / "serve.log").read_text("utf-8", "replace")
    assert "unknown actor 'no-such-actor'" in text  # printed in the terminal too
    assert "Traceback" not in text and "appear stuck" not in text
