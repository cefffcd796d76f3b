"""How to cite the dataset and one record of it: a plain citation and BibTeX.

Every citation names the dataset version (peacetalks.export.version.dataset_version()) and
the date of that edition: the `created` date the data files carry (SOURCE_DATE_EPOCH, else the
last commit touching the records), never the wall clock. With a site URL configured, a
record's citation gives its permanent address; without one it names none (no guessed host).

The values are raw text: the templates escape them. BibTeX values are made safe for BibTeX
here (`bibtex_text`), as record text may hold any character."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..collections import COLLECTIONS

TITLE = "peacetalks: demands and meetings in the negotiations to end Russia's war against Ukraine"
AUTHOR = "The peacetalks contributors"

# BibTeX counts every brace, escaped or not, so braces and backslashes become commands with
# balanced braces; the other characters TeX reads specially are escaped.
_BIBTEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX))
_WS = re.compile(r"\s+")
_KEY = re.compile(r"[^A-Za-z0-9.:-]+")


@dataclass(frozen=True)
class Edition:
    """The dataset version and the date (ISO, YYYY-MM-DD) of the data it was built from."""

    version: str
    day: str

    @property
    def year(self) -> str:
        return self.day[:4]


def edition(records: Path) -> Edition:
    from ..export.version import created, dataset_version

    return Edition(dataset_version(), created(records)[:10])


def bibtex_text(text: str) -> str:
    """Text as the value of a braced BibTeX field: one line, braces balanced, TeX specials escaped."""
    return _BIBTEX_RE.sub(lambda m: _BIBTEX[m.group()], _WS.sub(" ", text).strip())


def bibtex(kind: str, key: str, fields: list[tuple[str, str]]) -> list[str]:
    """The lines of a BibTeX entry, unindented (the page indents the fields); `fields` hold raw text, escaped here."""
    lines = [f"@{kind}{{{_KEY.sub('-', key)},"]
    lines += [f"{name} = {{{bibtex_text(value)}}}," for name, value in fields if value]
    lines[-1] = lines[-1].rstrip(",")
    return [*lines, "}"]


def record_citation(edition: Edition, collection: str, record_id: str, label: str, address: str) -> dict[str, Any]:
    """A record's citation: the plain parts (for the template to lay out) and its BibTeX lines.

    `address` is the record page's permanent address, or "" when no site URL is configured."""
    singular = COLLECTIONS[collection].singular
    note = f"{singular.capitalize()} {collection}/{record_id} in the peacetalks dataset, version {edition.version} of {edition.day}"
    fields = [
        ("author", AUTHOR),
        ("title", label),
        ("howpublished", f"{TITLE}, version {edition.version}"),
        ("year", edition.year),
        ("date", edition.day),
        ("version", edition.version),
        ("note", note),
        ("url", address),
    ]
    return {
        "author": AUTHOR,
        "label": label,
        "dataset": TITLE,
        "version": edition.version,
        "day": edition.day,
        "year": edition.year,
        "reference": f"{collection}/{record_id}",
        "address": address,
        "bibtex": bibtex("misc", f"peacetalks:{collection}/{record_id}:{edition.version}", fields),
    }
