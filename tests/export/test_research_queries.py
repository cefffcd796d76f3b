"""The research queries of the data dictionary, run as a reader would: each question's SQL on the
real export's peacetalks.sqlite and its pandas expression on the CSV files beside it. The two
must give the same rows, and those rows must be what the records say, worked out here from the
records with peacetalks.occasions (the code that makes the site's pages)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from peacetalks import occasions as occ
from peacetalks.export.dictionary import markdown
from peacetalks.load import Dataset
from peacetalks.pipeline import check
from tests.conftest import RECORDS

Rows = list[tuple[Any, ...]]
BLOCK = re.compile(r"```(sql|python)\n(.*?)\n```", re.S)


def questions(page: str) -> dict[str, dict[str, str]]:
    """Every `### question` of the page's "Research queries" section: its sql and python blocks."""
    section = page.split("\n## Research queries\n", 1)[1].split("\n## ", 1)[0]
    found = {}
    for chunk in section.split("\n### ")[1:]:
        title, body = chunk.split("\n", 1)
        blocks = BLOCK.findall(body)
        assert [kind for kind, _ in blocks] == ["sql", "python"], title
        found[title.strip()] = dict(blocks)
    return found


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded, problems = check(RECORDS)
    assert not problems
    return loaded


def _items(dataset: Dataset) -> dict[str, list[occ.Occasion]]:
    return {demand_id: occ.occasions(record, dataset) for demand_id, record in sorted(dataset.records["demands"].items())}


def _date(item: occ.Occasion | None) -> str:
    assert item is not None and item.date is not None
    return str(item.date.value["date"])


def russia_of_ukraine(dataset: Dataset, title: str) -> Rows:
    chosen = []
    for demand_id, items in _items(dataset).items():
        if "russia" in occ.made_by(items) and "ukraine" in occ.made_of(items):
            first, status = occ.first_raised(items), occ.current_status(items)
            span = first.span if first else None
            assert span is not None
            chosen.append(
                (
                    span.first.isoformat(),
                    demand_id,
                    dataset.records["demands"][demand_id].data["title"],
                    _date(first),
                    _date(occ.last_stated(items)),
                    status[0] if status else None,
                )
            )
    return [row[1:] for row in sorted(chosen)]


def per_meeting(dataset: Dataset, title: str) -> Rows:
    places = occ.places(dataset)
    meetings = dataset.records["meetings"]
    return [
        (meeting_id, meetings[meeting_id].data["title"], len({o.demand.id for o in found}))
        for (collection, meeting_id), found in sorted(places.items())
        if collection == "meetings"
    ]


def per_topic_per_party(dataset: Dataset, title: str) -> Rows:
    counts: Counter[tuple[str, str]] = Counter()
    for demand_id, items in _items(dataset).items():
        for topic in dataset.records["demands"][demand_id].data.get("topics", []):
            for actor in occ.made_by(items):
                counts[(topic, actor)] += 1
    return [(topic, actor, n) for (topic, actor), n in sorted(counts.items())]


def status_as_of(dataset: Dataset, title: str) -> Rows:
    day = dt.date.fromisoformat(re.findall(r"\d{4}-\d{2}-\d{2}", title)[0])
    out = []
    for demand_id, items in _items(dataset).items():
        status = occ.status_as_of(items, day)
        if status is not None:
            setting = [o for o in items if occ.vocabulary().standing.get(o.act) and o.span is not None and o.span.first <= day][-1]
            out.append((demand_id, status, setting.id, setting.index))
    return out


def meeting_changes(dataset: Dataset, title: str) -> Rows:
    standing = occ.vocabulary().standing
    meetings = dataset.records["meetings"]
    return [
        (demand_id, o.id, standing[o.act], o.data["at"], meetings[o.data["at"]].data["title"])
        for demand_id, items in _items(dataset).items()
        for o in items
        if standing.get(o.act) and "at" in o.data
    ]


EXPECTED: dict[str, Callable[[Dataset, str], Rows]] = {
    "Russia's demands of Ukraine": russia_of_ukraine,
    "Demands per meeting": per_meeting,
    "Demands per topic per party": per_topic_per_party,
    "Status as of a given date": status_as_of,
    "Which meeting changed": meeting_changes,
}


def plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def pandas_rows(result: Any) -> Rows:
    """A Series (a group-by's counts) or DataFrame as rows: its index levels first for a Series."""
    frame = result.reset_index() if isinstance(result, pd.Series) else result.reset_index(drop=True)
    return [tuple(plain(v) for v in row) for row in frame.itertuples(index=False)]


def test_the_dictionary_asks_every_question_once() -> None:
    found = questions(markdown())
    assert len(found) == len(EXPECTED)
    for prefix in EXPECTED:
        assert sum(title.startswith(prefix) for title in found) == 1, prefix


@pytest.mark.parametrize("prefix", list(EXPECTED))
def test_sql_and_pandas_give_what_the_records_say(
    prefix: str, real_export: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    title, blocks = next((t, b) for t, b in questions(markdown()).items() if t.startswith(prefix))
    assert len(blocks["sql"].splitlines()) <= 8 and len(blocks["python"].splitlines()) <= 6, "a short query"
    with sqlite3.connect(f"file:{real_export / 'peacetalks.sqlite'}?mode=ro", uri=True) as connection:
        by_sql = connection.execute(blocks["sql"]).fetchall()
    monkeypatch.chdir(real_export)
    by_pandas = pandas_rows(eval(compile(blocks["python"], title, "eval"), {"pd": pd}))
    expected = EXPECTED[prefix](dataset, title)
    assert expected, f"the records answer {title!r}"
    assert by_sql == expected
    assert by_pandas == expected


def test_the_readmes_example_answers_the_first_question(real_export: Path, dataset: Dataset) -> None:
    readme = (RECORDS.parent / "README.md").read_text("utf-8")
    section = readme.split("\n### Research queries\n", 1)[1].split("\n#", 1)[0]
    blocks = BLOCK.findall(section)
    assert [kind for kind, _ in blocks] == ["sql"]
    with sqlite3.connect(f"file:{real_export / 'peacetalks.sqlite'}?mode=ro", uri=True) as connection:
        found = connection.execute(blocks[0][1]).fetchall()
    assert sorted(found) == sorted(russia_of_ukraine(dataset, "")) != []
