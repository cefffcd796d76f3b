"""The static JSON API (api/v1/) of the real site: every file loads, every record passes the
published schemas (refs resolved between the published files alone), the indexes carry the
derived facts, and openapi.json is a valid OpenAPI 3.1 document describing what is there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from peacetalks.collections import COLLECTIONS
from peacetalks.export import dataset_version
from peacetalks.load import load
from peacetalks.occasions import current_status, made_by, occasions
from peacetalks.site import api
from peacetalks.site.feed import site_url
from tests.conftest import RECORDS, REPO


def _published_schemas(root: Path) -> tuple[Registry, dict[str, dict[str, Any]]]:
    """The site's schema files, registered under their own `$id`s (nothing from the repository)."""
    schemas = {path.name: json.loads(path.read_bytes()) for path in sorted((root.parent / "schema").glob("*.schema.json"))}
    for name, schema in schemas.items():
        assert schema["$id"] == name  # relative: resolved against where the file is served
    registry: Registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)) for schema in schemas.values()
    )
    return registry, schemas


@pytest.fixture(scope="module")
def root(real_site: Path) -> Path:
    return real_site / "api" / "v1"


def test_every_api_file_loads_and_every_record_passes_the_published_schema(root: Path) -> None:
    registry, schemas = _published_schemas(root)
    assert set(schemas) == {path.name for path in (REPO / "schema").glob("*.schema.json")}
    dataset, problems = load(RECORDS)
    assert problems == []
    files = sorted(path for path in root.rglob("*") if path.is_file())
    seen = 0
    for path in files:
        if path.suffix == ".jsonl":
            lines = path.read_text("utf-8").splitlines()
            assert all(json.loads(line) for line in lines)
        else:
            json.loads(path.read_bytes())
    for collection in COLLECTIONS:
        index = json.loads((root / f"{collection}.json").read_bytes())
        schema = schemas[index["schema"].removeprefix("../schema/")]
        validator = jsonschema.Draft202012Validator(schema, registry=registry)
        assert [row["id"] for row in index["items"]] == sorted(dataset.records[collection])
        assert index["count"] == len(index["items"]) and index["version"] == dataset_version()
        lines = [json.loads(line) for line in (root / f"{collection}.jsonl").read_text("utf-8").splitlines()]
        assert [line["id"] for line in lines] == sorted(dataset.records[collection])
        for row, line in zip(index["items"], lines, strict=True):
            record = root / row["url"]
            assert record.read_bytes() == (RECORDS / collection / f"{row['id']}.json").read_bytes()  # as stored
            data = json.loads(record.read_bytes())
            assert data == line
            errors = [error.message for error in validator.iter_errors(data)]
            assert errors == [], (row["url"], errors)
            # Its own `$schema`, followed from where it is published, is the schema it passes.
            followed = (record.parent / data["$schema"]).resolve()
            assert followed == (root / index["schema"]).resolve() and followed.is_file(), (row["url"], data["$schema"])
            assert (root / row["page"]).resolve().is_file()
            seen += 1
    assert seen == sum(dataset.counts().values())
    assert len([p for p in files if p.parent.name in COLLECTIONS]) == seen  # no file but the records'


def test_the_published_schemas_refuse_what_the_check_refuses(root: Path) -> None:
    """The check would still pass without its own registration if the refs did not resolve: make
    sure they do, by a record the defs reject (a bad slug in a reference)."""
    registry, schemas = _published_schemas(root)
    validator = jsonschema.Draft202012Validator(schemas["demand.schema.json"], registry=registry)
    record = json.loads(next(iter(sorted((root / "demands").glob("*.json")))).read_bytes())
    record["occasions"][0]["by"] = ["Not A Slug"]
    assert any("Not A Slug" in error.message for error in validator.iter_errors(record))


def test_indexes_carry_the_derived_facts(root: Path) -> None:
    dataset, _ = load(RECORDS)
    rows = {row["id"]: row for row in json.loads((root / "demands.json").read_bytes())["items"]}
    for demand in dataset.records["demands"].values():
        items = occasions(demand, dataset)
        status = current_status(items)
        assert rows[demand.id]["made_by"] == made_by(items)
        assert rows[demand.id]["current_status"] == (status[0] if status else None)
        assert "made_by" not in json.loads((root / "demands" / f"{demand.id}.json").read_bytes())  # records stay as stored
    meetings = json.loads((root / "meetings.json").read_bytes())["items"]
    named = {d for row in meetings for d in row["demands"]}
    assert named and named <= set(dataset.records["demands"])
    listing = json.loads((root / "index.json").read_bytes())
    assert [c["name"] for c in listing["collections"]] == list(COLLECTIONS)
    for entry in listing["collections"]:
        for key in ("index", "lines", "schema"):
            assert (root / entry[key]).is_file()


def test_openapi_document_is_valid_and_names_every_file(root: Path) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    path = root / "openapi.json"
    spec, base = read_from_filename(str(path))
    validate(spec, base_uri=base)
    assert spec["openapi"] == "3.1.0" and spec["info"]["version"] == dataset_version()
    assert spec["servers"] == [{"url": "."}]  # no site URL configured: relative to openapi.json
    for template in spec["paths"]:
        if "{id}" in template:
            collection = template.strip("/").split("/")[0]
            assert any((root / collection).glob("*.json")), template
        else:
            assert (root / template.lstrip("/")).is_file(), template
        for operation in spec["paths"][template].values():
            for response in operation["responses"].values():
                for media in response.get("content", {}).values():
                    ref = media["schema"]["$ref"]
                    assert ref.startswith("#/") or (root / ref).is_file(), ref


def test_a_broken_openapi_document_is_caught(root: Path) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    spec = json.loads((root / "openapi.json").read_bytes())
    del spec["info"]
    with pytest.raises(OpenAPIValidationError):
        validate(spec)


def test_the_api_files_are_deterministic_and_name_a_configured_server(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset, _ = load(RECORDS)
    first = api.files(dataset, "1.0.0")
    assert api.files(dataset, "1.0.0") == first
    monkeypatch.setenv("PEACETALKS_SITE_URL", "https://data.example.org/peacetalks/")
    assert site_url() == "https://data.example.org/peacetalks"
    served = json.loads(api.files(dataset, "1.0.0", site_url())["openapi.json"])
    assert served["servers"] == [{"url": "https://data.example.org/peacetalks/api/v1"}]
    monkeypatch.setenv("PEACETALKS_SITE_URL", "javascript:alert(1)")
    assert site_url() == ""  # not an http(s) address: links stay relative
