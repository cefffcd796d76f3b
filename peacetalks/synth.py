"""Synthetic record trees for benchmarks and tests: `python build.py synth N --out DIR`.

Everything written here is made up and says so: invented words, parties called
"(synthetic)", example.org links. The trees are valid (`check` passes), canonical and
byte-identical for a given seed, with the proportions, sizes and cross-references of a
grown dataset: mostly demands and meetings, some actors, topics and documents, and a few
sources whose stored texts every quote and attribution is taken from."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import edtf
from .collections import COLLECTIONS, schema_path
from .canonical import canonical_text

# Shares of the records per collection; demands take the rest. Every collection gets at
# least one record once N is at least the number of collections.
SHARES = {"sources": 0.01, "actors": 0.05, "topics": 0.02, "documents": 0.04, "meetings": 0.25}
# When N is smaller than the number of collections: who comes first (what others cite).
PRIORITY = ("sources", "actors", "demands", "meetings", "documents", "topics")

_SYLLABLES = ("ka", "lo", "mir", "ven", "dra", "sol", "tur", "bel", "nix", "qua", "ro", "zan", "pel", "tor", "vik", "sha", "gum", "ef")
_NOUNS = (
    "arrangement",
    "corridor",
    "guarantee",
    "commission",
    "quota",
    "registry",
    "protocol",
    "exchange",
    "moratorium",
    "audit",
    "charter",
    "timetable",
)
_VERBS = ("asked for", "proposed", "rejected", "restated", "welcomed", "postponed", "reviewed", "offered", "questioned", "withdrew")
_ADJECTIVES = ("provisional", "joint", "phased", "partial", "monitored", "bilateral", "temporary", "standing", "technical", "regional")
_ACTOR_KINDS = ("state", "alliance", "organisation", "government", "administration", "delegation", "person", "group", "city")
_STATUSES = (
    "raised",
    "restated",
    "under-discussion",
    "pending-response",
    "accepted",
    "partially-accepted",
    "rejected",
    "partially-rejected",
    "withdrawn",
)
_FIRST_DAY = dt.date(2014, 1, 1)
_DAYS = (dt.date(2025, 12, 31) - _FIRST_DAY).days


@dataclass
class _Source:
    id: str
    sentences: list[str]  # every sentence of the stored text, verbatim
    attributions: list[tuple[str, str]]  # (sentence, its verbatim attribution phrase)


class _Writer:
    """One seeded generator; every choice goes through self.rng, in a fixed order."""

    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counts = _counts(n)
        self.ids = {name: [self._id(name, i) for i in range(count)] for name, count in self.counts.items()}
        self.sources: list[_Source] = []
        self.states: list[str] = []

    # --- words ---------------------------------------------------------------------------

    def word(self) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(2, 3)))

    def name(self) -> str:
        return self.word().capitalize()

    def sentence(self) -> str:
        rng = self.rng
        return (
            f"The {self.name()} side {rng.choice(_VERBS)} a {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} "
            f"for the {self.word()} {rng.choice(_NOUNS)} in {self.name()}, {rng.randint(2, 90)} {self.word()}s in all."
        )

    def prose(self, low: int, high: int) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def markdown(self, number: int) -> str:
        """Editors' prose: mostly plain, sometimes with emphasis, a list or a link."""
        rng = self.rng
        text = f"Synthetic record for benchmarks. {self.prose(1, 4)}"
        roll = rng.random()
        if roll < 0.2:
            text += f" See [synthetic note {number}](https://example.org/synthetic/{number})."
        elif roll < 0.3:
            text += f"\n\n- *{self.name()}*: {self.sentence()}\n- **{self.name()}**: {self.sentence()}"
        if rng.random() < 0.3:
            text += f"\n\n{self.prose(1, 3)}"
        return text

    def title(self) -> str:
        rng = self.rng
        return f"{rng.choice(_ADJECTIVES).capitalize()} {rng.choice(_NOUNS)} for {self.name()} (synthetic)"

    def _id(self, collection: str, index: int) -> str:
        return f"synthetic-{COLLECTIONS[collection].singular}-{index:05d}"

    # --- dates ---------------------------------------------------------------------------

    def day(self) -> dt.date:
        return _FIRST_DAY + dt.timedelta(days=self.rng.randrange(_DAYS))

    def edtf_at(self, day: dt.date) -> str:
        """`day` written at a random precision: day, month or year, approximate, uncertain, or an interval."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            return day.isoformat()
        if roll < 0.75:
            return day.isoformat()[:7]
        if roll < 0.8:
            return str(day.year)
        if roll < 0.87:
            return day.isoformat()[: rng.choice((7, 10))] + "~"
        if roll < 0.92:
            return day.isoformat() + "?"
        later = day + dt.timedelta(days=rng.randint(1, 20))
        return f"{day.isoformat()}/{later.isoformat()}"

    def dated(self, day: dt.date | None = None, text: str | None = None) -> dict[str, Any]:
        value: dict[str, Any] = {"date": text or self.edtf_at(day or self.day())}
        if self.rng.random() < 0.15:
            value["inferred"] = True
            value["reasoning"] = (
                f"Synthetic inference: the synthetic source says '{self.rng.choice(('on Tuesday', 'last week', 'two days later', 'this month'))}', counted from its own date."
            )
        return value

    # --- citations -----------------------------------------------------------------------

    def citation(self, supports: list[str] | None = None) -> dict[str, Any]:
        rng = self.rng
        source = rng.choice(self.sources)
        value: dict[str, Any] = {"source": source.id}
        if source.attributions and rng.random() < 0.15:
            sentence, attribution = rng.choice(source.attributions)
            value["quote"] = sentence
            value["attribution"] = attribution
        else:
            words = rng.choice(source.sentences).split(" ")
            start = rng.randrange(max(1, len(words) - 6))
            value["quote"] = " ".join(words[start : start + rng.randint(6, 18)])
        if supports:
            value["supports"] = supports
        if rng.random() < 0.05:
            value["note"] = f"Synthetic note on reading the quote: {self.sentence()}"
        return value

    def citations(self, low: int = 1, high: int = 3) -> list[dict[str, Any]]:
        return [self.citation() for _ in range(self.rng.randint(low, high))]

    def pick(self, collection: str, low: int, high: int, exclude: str = "") -> list[str]:
        pool = [i for i in self.ids[collection] if i != exclude]
        return self.rng.sample(pool, min(len(pool), self.rng.randint(low, high)))

    # --- records -------------------------------------------------------------------------

    def source(self, index: int) -> tuple[dict[str, Any], str]:
        rng = self.rng
        sentences: list[str] = []
        attributions: list[tuple[str, str]] = []
        lines = [f"SYNTHETIC SOURCE TEXT {index}. Generated for benchmarks; it describes no real events.", ""]
        for _ in range(rng.randint(4, 8)):
            paragraph: list[str] = []
            for _ in range(rng.randint(4, 8)):
                sentence = self.sentence()
                if rng.random() < 0.2:
                    attribution = f"synthetic informant {rng.randint(1, 99)} of the {self.name()} desk"
                    sentence = f"{sentence[:-1]}, {attribution} told this synthetic outlet."
                    attributions.append((sentence, attribution))
                sentences.append(sentence)
                paragraph.append(sentence)
            lines += [" ".join(paragraph), ""]
        text = "\n".join(lines)
        source_id = self.ids["sources"][index]
        self.sources.append(_Source(source_id, sentences, attributions))
        record: dict[str, Any] = {
            "$schema": schema_path("sources"),
            "id": source_id,
            "title": f"Synthetic source {index}: the {self.name()} bulletin",
            "kind": rng.choice(("news-report", "translation-of-news-report", "official-statement", "transcript")),
            "publisher": f"{self.name()} Synthetic Press",
            "published": self.dated(),
            "url": f"https://example.org/synthetic/source/{index}",
            "language": "en",
            "notes": self.markdown(index),
            "licence": "Synthetic text generated for benchmarks; free to use for any purpose.",
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }
        if rng.random() < 0.5:
            record["authors"] = [f"{self.name()} {self.name()}"]
        return record, text

    def actor(self, index: int) -> dict[str, Any]:
        rng = self.rng
        actor_id = self.ids["actors"][index]
        kind = "state" if index < 4 else rng.choice(_ACTOR_KINDS)
        if kind == "state":
            self.states.append(actor_id)
        record: dict[str, Any] = {
            "$schema": schema_path("actors"),
            "id": actor_id,
            "name": f"{self.name()} {kind} (synthetic)",
            "kind": kind,
        }
        if rng.random() < 0.3:
            record["aliases"] = [f"{self.name()} (synthetic alias)"]
        if index > 0 and rng.random() < 0.5:
            record["affiliation"] = self.ids["actors"][rng.randrange(index)]
        record["summary"] = self.markdown(index)
        if kind == "person" and rng.random() < 0.7:
            start = self.day()
            role: dict[str, Any] = {"title": f"{rng.choice(_ADJECTIVES).capitalize()} envoy (synthetic)"}
            if index > 0:
                role["of"] = self.ids["actors"][rng.randrange(index)]
            role["start"] = self.dated(start, start.isoformat())
            if rng.random() < 0.5:
                end = start + dt.timedelta(days=rng.randint(30, 900))
                role["end"] = self.dated(end, end.isoformat())
            role["citations"] = self.citations(1, 1)
            record["roles"] = [role]
        record["citations"] = self.citations(1, 2)
        return record

    def topic(self, index: int) -> dict[str, Any]:
        record: dict[str, Any] = {
            "$schema": schema_path("topics"),
            "id": self.ids["topics"][index],
            "title": f"{self.name()} {self.rng.choice(_NOUNS)}s (synthetic)",
        }
        record["summary"] = self.markdown(index)
        if index > 0 and self.rng.random() < 0.4:
            record["parent"] = self.ids["topics"][self.rng.randrange(index)]
        return record

    def document(self, index: int) -> dict[str, Any]:
        rng = self.rng
        record: dict[str, Any] = {
            "$schema": schema_path("documents"),
            "id": self.ids["documents"][index],
            "title": self.title(),
            "kind": rng.choice(("list-of-demands", "draft-agreement", "agreement", "letter", "statement", "other")),
            "authors": self.pick("actors", 1, 2),
            "recipients": self.pick("actors", 0, 2),
            "date": self.dated(),
            "public": rng.random() < 0.5,
            "meetings": self.pick("meetings", 0, 2),
            "summary": self.markdown(index),
            "citations": self.citations(),
        }
        return {k: v for k, v in record.items() if v != []}

    def meeting(self, index: int) -> dict[str, Any]:
        rng = self.rng
        meeting_id = self.ids["meetings"][index]
        series = index % 40 == 0
        start = self.day()
        record: dict[str, Any] = {
            "$schema": schema_path("meetings"),
            "id": meeting_id,
            "title": f"{'Series of talks' if series else 'Talks'} on the {self.title()}",
            "kind": "series" if series else rng.choice(("in-person", "in-person", "virtual", "mixed")),
            "status": rng.choice(("held", "held", "held", "ongoing", "announced", "planned", "cancelled")),
            "start": self.dated(start),
        }
        if series or rng.random() < 0.3:
            end = start + dt.timedelta(days=rng.randint(1, 400 if series else 3))
            record["start"] = self.dated(start, start.isoformat())
            record["end"] = self.dated(end, end.isoformat())
        if rng.random() < 0.8:
            record["place"] = {"text": f"{self.name()}, a synthetic town"}
            if self.states:
                record["place"]["country"] = rng.choice(self.states)
        record["participants"] = self.pick("actors", 2, 5)
        demands = self.pick("demands", 0, 4)
        if demands:
            record["demands"] = demands
        if not series and rng.random() < 0.5:  # a series every 40 meetings, starting with the first
            record["part_of"] = self.ids["meetings"][40 * rng.randrange((index - 1) // 40 + 1)]
        record["summary"] = self.markdown(index)
        if rng.random() < 0.6:
            record["outcome"] = self.markdown(index)
        record["citations"] = self.citations()
        return record

    def demand(self, index: int) -> dict[str, Any]:
        rng = self.rng
        demand_id = self.ids["demands"][index]
        statuses = []
        days = sorted(self.day() for _ in range(rng.randint(1, 3)))
        for number, day in enumerate(days):
            entry: dict[str, Any] = {"date": self.dated(day), "status": "raised" if number == 0 else rng.choice(_STATUSES)}
            if number and rng.random() < 0.5:
                entry["by"] = self.pick("actors", 1, 2)
            if rng.random() < 0.4:
                entry["note"] = self.markdown(index)
            entry["citations"] = self.citations(1, 2)
            statuses.append(entry)
        statuses.sort(key=lambda entry: edtf.parse(entry["date"]["date"]).first)
        record: dict[str, Any] = {
            "$schema": schema_path("demands"),
            "id": demand_id,
            "title": f"{rng.choice(_VERBS).capitalize()}: {self.title()}",
            "kind": rng.choice(("demand", "demand", "demand", "condition", "proposal", "offer", "position")),
            "made_by": self.pick("actors", 1, 2),
            "made_of": self.pick("actors", 0, 2),
            "topics": self.pick("topics", 0, 3),
            "summary": self.markdown(index),
            "first_raised": statuses[0]["date"],
        }
        raised_at: list[dict[str, Any]] = []
        for _ in range(rng.randint(0, 2)):
            target = "meetings" if rng.random() < 0.7 or not self.ids["documents"] else "documents"
            if not self.ids[target]:
                continue
            occasion: dict[str, Any] = {target[:-1]: rng.choice(self.ids[target])}
            if rng.random() < 0.3:
                occasion["note"] = self.markdown(index)
            occasion["citations"] = self.citations(1, 1)
            raised_at.append(occasion)
        record["raised_at"] = raised_at
        record["status_history"] = statuses
        record["related"] = self.pick("demands", 0, 2, exclude=demand_id) if rng.random() < 0.3 else []
        record["citations"] = self.citations(1, 4)
        return {k: v for k, v in record.items() if v != []}


def _counts(n: int) -> dict[str, int]:
    names = [name for name in PRIORITY if name in COLLECTIONS]
    if n < len(names):
        return {name: int(i < n) for i, name in enumerate(names)}
    counts = {name: max(1, round(n * SHARES.get(name, 0))) for name in names if name != "demands"}
    counts["demands"] = n - sum(counts.values())
    return counts


def synthesise(n: int, out: Path, seed: int = 0) -> None:
    """Write a valid, canonical tree of `n` synthetic records into `out` (replacing what is there)."""
    if n < 0:
        raise ValueError("n must not be negative")
    writer = _Writer(n, seed)
    if out.exists():
        shutil.rmtree(out)
    for name in COLLECTIONS:
        (out / name).mkdir(parents=True, exist_ok=True)
    for index in range(writer.counts["sources"]):
        record, text = writer.source(index)
        (out / "sources" / f"{record['id']}.txt").write_bytes(text.encode("utf-8"))
        _write(out, "sources", record)
    # Actors first (others refer to their kinds), then the rest in a fixed order.
    makers = {
        "actors": writer.actor,
        "topics": writer.topic,
        "meetings": writer.meeting,
        "documents": writer.document,
        "demands": writer.demand,
    }
    for name, make in makers.items():
        for index in range(writer.counts[name]):
            _write(out, name, make(index))


def _write(out: Path, collection: str, record: dict[str, Any]) -> None:
    (out / collection / f"{record['id']}.json").write_bytes(canonical_text(collection, record).encode("utf-8"))
