"""Synthetic record trees for benchmarks and tests: `python build.py synth N --out DIR`.

Everything written here is made up and says so: invented words, parties called
"(synthetic)", example.org links. The trees are valid (`check` passes), canonical and
byte-identical for a given seed, with the proportions, sizes and cross-references of a
grown dataset: mostly demands and meetings, some actors, topics and documents, and a few
sources whose stored texts every quote and attribution is taken from. Demands follow the
occasions model (schema 2.0.0): each act is an occasion, dated by itself or by its meeting or
document, in date order; a quote appears once in a record; `related` is stated on one side.
A rerun into the same directory removes the synthetic files of the earlier run, nothing else."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import edtf, occasions
from .canonical import canonical_text
from .collections import COLLECTIONS, schema_path

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
        self.dates: dict[tuple[str, str], dict[str, Any]] = {}  # (meetings|documents, id) -> the date an occasion there takes
        self.quoted: set[tuple[str, str]] = set()  # (source, quote) cited so far in the record being written

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

    def record(self) -> None:
        """A new record begins: a quote appears once in a record, so the quotes used are forgotten."""
        self.quoted = set()

    def citation(self, supports: list[str] | None = None) -> dict[str, Any]:
        """A citation quoting words not yet quoted in this record (whole sentences, or runs of 6-18 words)."""
        rng = self.rng
        while True:
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
            if (source.id, value["quote"]) not in self.quoted:
                self.quoted.add((source.id, value["quote"]))
                break
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
        self.record()
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
        self.record()
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
        self.dates[("documents", record["id"])] = record["date"]
        return {k: v for k, v in record.items() if v != []}

    def meeting(self, index: int) -> dict[str, Any]:
        rng = self.rng
        meeting_id = self.ids["meetings"][index]
        self.record()
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
        if not series and rng.random() < 0.5:  # a series every 40 meetings, starting with the first
            record["part_of"] = self.ids["meetings"][40 * rng.randrange((index - 1) // 40 + 1)]
        record["summary"] = self.markdown(index)
        if rng.random() < 0.6:
            record["outcome"] = self.markdown(index)
        record["citations"] = self.citations()
        span = occasions.meeting_date(record)
        if span is not None:
            self.dates[("meetings", meeting_id)] = span
        return record

    def demand(self, index: int) -> dict[str, Any]:
        """A demand with 1-4 occasions in date order: the first raises it; some take their date from
        their meeting or document; some are backed by another occasion's citation ('<id>/act')."""
        rng = self.rng
        demand_id = self.ids["demands"][index]
        self.record()
        drafts = sorted((self.occasion(number) for number in range(rng.randint(1, 4))), key=lambda draft: draft[0])
        items = [entry for _, entry in drafts]
        for number, entry in enumerate(items):
            entry["id"] = f"{number + 1:02d}-{entry['act']}"
        self.cite_occasions(items)
        record: dict[str, Any] = {
            "$schema": schema_path("demands"),
            "id": demand_id,
            "title": f"{rng.choice(_VERBS).capitalize()}: {self.title()}",
            "kind": rng.choice(("demand", "demand", "demand", "condition", "proposal", "offer", "position")),
            "topics": self.pick("topics", 0, 3),
            "summary": self.markdown(index),
            "occasions": items,
        }
        # A link between demands is stated on one side only: a demand names only earlier ones.
        earlier = self.ids["demands"][:index]
        if earlier and rng.random() < 0.3:
            record["related"] = rng.sample(earlier, min(len(earlier), rng.randint(1, 2)))
        record["citations"] = [
            self.citation(rng.choice((["summary"], ["title", "summary"], ["kind"], None))) for _ in range(rng.randint(0, 2))
        ]
        return {k: v for k, v in record.items() if v != []}

    def occasion(self, number: int) -> tuple[Any, dict[str, Any]]:
        """(the first day it can mean, for the date order; the occasion without id and citations)."""
        rng = self.rng
        vocabulary = occasions.vocabulary()
        act = "raised" if number == 0 else rng.choice(vocabulary.acts)
        entry: dict[str, Any] = {}
        roll = rng.random()
        if roll < 0.45 and self.ids["meetings"]:
            entry["at"] = rng.choice(self.ids["meetings"])
        if 0.35 < roll < 0.6 and self.ids["documents"]:
            entry["in"] = rng.choice(self.ids["documents"])
        taken = self.dates.get(("meetings", entry.get("at", ""))) or self.dates.get(("documents", entry.get("in", "")))
        if taken is None or rng.random() < 0.3:
            entry["date"] = self.dated()
        if vocabulary.role[act] != "none" or rng.random() < 0.5:
            entry["by"] = self.pick("actors", 1, 2)
        if vocabulary.role[act] == "makes" and rng.random() < 0.6:
            entry["of"] = self.pick("actors", 1, 2)
        entry["act"] = act
        if rng.random() < 0.15:
            entry["wording"] = f"Synthetic wording: {self.sentence()}"
        if rng.random() < 0.3:
            entry["note"] = self.markdown(number)
        return edtf.parse((entry.get("date") or taken or {})["date"]).first, entry

    def cite_occasions(self, items: list[dict[str, Any]]) -> None:
        """Citations for each occasion, naming the fields they back; now and then a later occasion
        has none of its own and an earlier occasion's citation names it instead."""
        rng = self.rng
        backed: list[dict[str, Any]] = []  # occasions with citations of their own
        for entry in items:
            fields = [name for name in ("date", "by", "of", "at", "in", "act") if name in entry]
            if backed and rng.random() < 0.15:
                lender = rng.choice(backed)["citations"][0]
                lender["supports"] = [*lender.get("supports", []), f"{entry['id']}/act"]
                continue
            entry["citations"] = [self.citation(rng.sample(fields, rng.randint(1, len(fields)))) for _ in range(rng.randint(1, 2))]
            backed.append(entry)


def _counts(n: int) -> dict[str, int]:
    names = [name for name in PRIORITY if name in COLLECTIONS]
    if n < len(names):
        return {name: int(i < n) for i, name in enumerate(names)}
    counts = {name: max(1, round(n * SHARES.get(name, 0))) for name in names if name != "demands"}
    while n - sum(counts.values()) < 1:  # rounding up took the demands' share: give one back
        counts[max(counts, key=lambda name: counts[name])] -= 1
    counts["demands"] = n - sum(counts.values())
    return counts


def synthesise(n: int, out: Path, seed: int = 0) -> None:
    """Write a valid, canonical tree of `n` synthetic records into `out` (replacing an earlier synthetic tree there)."""
    if n < 0:
        raise ValueError("n must not be negative")
    writer = _Writer(n, seed)
    _clear(out)
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


def _clear(out: Path) -> None:
    """Remove the synthetic records of an earlier run in `out`, and nothing else: synth never
    deletes what it did not write (a file not named synthetic-*.json or .txt is left alone)."""
    for name in COLLECTIONS:
        folder = out / name
        if folder.is_dir() and not folder.is_symlink():
            for path in folder.glob("synthetic-*"):
                if path.suffix in (".json", ".txt") and path.is_file() and not path.is_symlink():
                    path.unlink()


def _write(out: Path, collection: str, record: dict[str, Any]) -> None:
    (out / collection / f"{record['id']}.json").write_bytes(canonical_text(collection, record).encode("utf-8"))
