"""CITATION.cff is valid CFF 1.2.0 and names the dataset version the site and the files carry."""

from __future__ import annotations

import yaml

from peacetalks.export import dataset_version
from peacetalks.export.version import releases
from tests.conftest import REPO


def test_citation_file_matches_the_dataset_version() -> None:
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text("utf-8"))
    for key in ("cff-version", "message", "title", "authors", "version", "date-released", "type", "license"):
        assert cff.get(key), key
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["version"] == dataset_version()
    assert (cff["version"], str(cff["date-released"])) in releases()
