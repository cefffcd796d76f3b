"""`build.py release`: the zip's contents, its bytes twice over, and where it refuses to write."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from peacetalks.export import DOWNLOADS, dataset_version
from peacetalks.export.version import created, releases
from peacetalks.output import MARKER
from peacetalks.release import download_url, zip_name
from peacetalks.schemas import SCHEMA_DIR
from tests.conftest import RECORDS, REPO, run_build

FIXTURES = REPO / "tests" / "site" / "fixtures"
EPOCH = "1764000000"  # 2025-11-24T16:00:00Z


def _release(out: Path, records: Path = RECORDS, epoch: str = EPOCH) -> Path:
    import os

    result = run_build("release", "--records", str(records), "--out", str(out), env=dict(os.environ, SOURCE_DATE_EPOCH=epoch))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote release {out / zip_name(dataset_version())}"
    return out / zip_name(dataset_version())


@pytest.fixture(scope="module")
def real_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _release(tmp_path_factory.mktemp("release") / "dist")


def test_two_releases_of_the_same_records_are_byte_identical(real_release: Path, tmp_path: Path) -> None:
    again = _release(tmp_path / "elsewhere" / "dist")
    assert again.read_bytes() == real_release.read_bytes()
    later = _release(tmp_path / "later", epoch=str(int(EPOCH) + 86400))
    assert later.read_bytes() != real_release.read_bytes()  # the stamp is part of the bytes: it is really used


def test_the_zip_holds_the_data_files_schemas_docs_and_licences(real_release: Path) -> None:
    top = f"peacetalks-data-{dataset_version()}"
    with zipfile.ZipFile(real_release) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        assert names == sorted(names)
        assert all(name.startswith(f"{top}/") for name in names)
        inside = {name.removeprefix(f"{top}/") for name in names}
        expected = {f"data/{name}" for name, _ in DOWNLOADS}
        expected |= {f"schema/{path.name}" for path in SCHEMA_DIR.glob("*.schema.json")}
        expected |= {"data-dictionary.md", "methodology.md", "CITATION.cff", "LICENSE", "DATA-LICENSE.md", "README.md"}
        assert expected <= inside
        assert not any(MARKER in name for name in inside)
        for source, name in (
            ("docs/methodology.md", "methodology.md"),
            ("LICENSE", "LICENSE"),
            ("schema/demand.schema.json", "schema/demand.schema.json"),
        ):
            assert archive.read(f"{top}/{name}") == (REPO / source).read_bytes()
        dataset = json.loads(archive.read(f"{top}/data/dataset.json"))
        assert dataset["version"] == dataset_version()
        readme = archive.read(f"{top}/README.md").decode("utf-8")
        for info in archive.infolist():
            assert info.date_time == (2025, 11, 24, 16, 0, 0)
            assert stat.S_IMODE(info.external_attr >> 16) == 0o644 and info.create_system == 3
    assert f"version {dataset_version()}" in readme and "CC BY 4.0" in readme and "How to cite" in readme
    for name, _ in DOWNLOADS:
        assert f"`data/{name}`" in readme


def test_a_release_made_from_git_time_is_dated_by_the_last_record_commit(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = run_build("release", "--out", str(tmp_path / "dist"), env=env)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "dist" / zip_name(dataset_version())) as archive:
        stamp = dt.datetime.strptime(created(RECORDS), "%Y-%m-%dT%H:%M:%SZ")
        assert archive.infolist()[0].date_time == (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def test_a_directory_not_written_by_build_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n")
    result = run_build("release", "--out", str(out))
    assert result.returncode == 1
    assert "will not write into it" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    for protected in ("records", "schema", "."):
        refused = run_build("release", "--out", protected)
        assert refused.returncode == 1 and "will not write into it" in refused.stderr, protected


def test_a_second_release_replaces_only_its_own_zip(real_release: Path, tmp_path: Path) -> None:
    out = Path(shutil.copytree(real_release.parent, tmp_path / "dist"))
    (out / "peacetalks-data-2000.01.0.zip").write_bytes(b"an older release")
    _release(out)
    assert (out / "peacetalks-data-2000.01.0.zip").read_bytes() == b"an older release"
    assert (out / real_release.name).read_bytes() == real_release.read_bytes()
    assert not [p for p in out.iterdir() if p.name.startswith(".release-")]  # no scratch left behind


def test_a_directory_where_the_zip_goes_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / MARKER).write_text("peacetalks: written by build.py\n")
    (out / zip_name(dataset_version())).mkdir()
    (out / zip_name(dataset_version()) / "kept").write_text("x")
    result = run_build("release", "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("build.py: error: ") and "left as it was" in result.stderr
    assert (out / zip_name(dataset_version()) / "kept").read_text() == "x"


def test_records_that_fail_the_check_make_no_release(tmp_path: Path) -> None:
    records = Path(shutil.copytree(FIXTURES / "basic", tmp_path / "records"))
    (records / "actors" / "state-a.json").write_text('{"id": 3}\n')
    result = run_build("release", "--records", str(records), "--out", str(tmp_path / "dist"))
    assert result.returncode == 1
    assert "state-a.json:" in result.stderr and "check failed" in result.stderr
    assert not (tmp_path / "dist").exists()


def test_citation_cff_passes_the_cff_schema_and_has_what_zenodo_reads() -> None:
    """cffconvert 2.0.0 pins jsonschema<4, which the project cannot take: the file is validated
    against the CFF 1.2.0 JSON Schema that check-jsonschema ships, then the fields Zenodo reads."""
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.citation-file-format", str(REPO / "CITATION.cff")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text("utf-8"))
    for key in ("cff-version", "message", "title", "authors", "abstract", "keywords", "license", "version", "date-released"):
        assert cff.get(key), key
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names")) for a in cff["authors"])
    assert cff["version"] == dataset_version() and str(cff["date-released"]) == releases()[0][1]


def test_a_citation_file_missing_a_required_field_fails_the_schema(tmp_path: Path) -> None:
    broken = tmp_path / "CITATION.cff"
    broken.write_text(
        "\n".join(line for line in (REPO / "CITATION.cff").read_text("utf-8").splitlines() if not line.startswith("title:")) + "\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.citation-file-format", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1 and "title" in result.stdout + result.stderr


def test_zenodo_metadata_describes_the_dataset() -> None:
    zenodo = json.loads((REPO / ".zenodo.json").read_text("utf-8"))
    assert zenodo["upload_type"] == "dataset" and zenodo["license"] == "cc-by-4.0"
    assert zenodo["creators"] == [{"name": "peacetalks contributors"}]
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text("utf-8"))
    assert zenodo["title"] == cff["title"] and zenodo["keywords"] == cff["keywords"]
    assert zenodo["description"].strip()
    assert "version" not in zenodo  # Zenodo takes the version from the release's tag


def test_only_a_github_repository_gives_a_release_address() -> None:
    assert download_url("https://github.com/org/peacetalks", "2026.11.0") == (
        "https://github.com/org/peacetalks/releases/download/v2026.11.0/peacetalks-data-2026.11.0.zip"
    )
    assert download_url("", "2026.11.0") == ""
    assert download_url("https://example.org/git/peacetalks", "2026.11.0") == ""


def test_the_site_hosts_the_release_zip_and_lists_every_release(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PEACETALKS_REPO_URL")}
    built = run_build("build", "--out", str(tmp_path / "site"), env=env)
    assert built.returncode == 0, built.stderr
    made = run_build("release", "--out", str(tmp_path / "dist"), env=env)
    assert made.returncode == 0, made.stderr
    name = zip_name(dataset_version())
    assert (tmp_path / "site" / "releases" / name).read_bytes() == (tmp_path / "dist" / name).read_bytes()
    page = (tmp_path / "site" / "downloads.html").read_text("utf-8")
    assert f'<a href="releases/{name}">{name}</a>' in page
    for version, day in releases():
        assert version in page and day in page
        if version != dataset_version():  # not hosted, and no repository configured: no address is made up
            assert f"check out the tag <code>v{version}</code>" in page


def test_the_downloads_page_links_older_releases_to_the_github_release(monkeypatch: pytest.MonkeyPatch) -> None:
    from peacetalks import export
    from peacetalks.site import render
    from peacetalks.site.views import Settings

    monkeypatch.setattr(export.version, "releases", lambda: [("2026.12.0", "2026-12-01"), ("2026.11.0", "2026-11-25")])
    monkeypatch.setattr(export, "dataset_version", lambda: "2026.12.0")
    view = render.downloads_view(Settings("https://github.com/org/peacetalks"))
    assert [str(r["url"]) for r in view["releases"]] == [
        "releases/peacetalks-data-2026.12.0.zip",
        "https://github.com/org/peacetalks/releases/download/v2026.11.0/peacetalks-data-2026.11.0.zip",
    ]
    page = render.environment().get_template("downloads.md.j2").render(render.downloads_view(Settings("")))
    assert "2026.12.0 (latest)" in page and "`v2026.11.0`" in page and "make release" in page
