"""`build.py release`: one zip of the dataset for a release: `peacetalks-data-<version>.zip`.

It holds every data file `build.py export` writes (under `data/`), the JSON Schemas, the data
dictionary, the methodology, CITATION.cff, both licences and a README for the data written here.
The same records and version give the same bytes: entries sorted, every timestamp the
package's `created` time (SOURCE_DATE_EPOCH, else the last commit touching the records), fixed
permissions, no extra fields. The output directory follows build's and export's rules
(peacetalks/output.py): absent, empty or marked as ours; the zip is written beside its name
and renamed into place, so a failure leaves what was there."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from pathlib import Path

from .export import dictionary
from .load import Dataset
from .output import MARKER, OutputError, describe, mark, refuse
from .problems import Problem

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = "dist"
RELEASES_DIR = "releases"  # in the built site: the zip of the version it was built as
# Project files copied as they are: (path in the repository, path in the zip).
PROJECT_FILES = (
    ("docs/methodology.md", "methodology.md"),
    ("CITATION.cff", "CITATION.cff"),
    ("LICENSE", "LICENSE"),
    ("DATA-LICENSE.md", "DATA-LICENSE.md"),
)
_EARLIEST = (1980, 1, 1, 0, 0, 0)  # the zip format cannot date a file before 1980
_FILE_MODE = 0o644


def zip_name(version: str) -> str:
    return f"peacetalks-data-{version}.zip"


def _stamp(created: str) -> tuple[int, int, int, int, int, int]:
    moment = dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    found = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    return max(found, _EARLIEST)


def readme(version: str, created: str, downloads: list[tuple[str, str]]) -> str:
    """The README of the data: what the files are, the version, how to cite, the licence."""
    rows = "\n".join(f"- `data/{name}`: {description}" for name, description in downloads)
    return f"""# peacetalks data, version {version}

An open, hand-curated dataset of the demands made and the meetings held in the negotiations to
end Russia's war against Ukraine. Every claim cites a source with the verbatim words that back
it. This archive is release {version} of the dataset, built from the records on {created[:10]}
(`created`: {created}).

## Files

{rows}
- `schema/`: the JSON Schemas (draft 2020-12) that every record in `data/dataset.json` passes.
- `data-dictionary.md`: every file and column of `data/`.
- `methodology.md`: how the records are made: sources, quotes, dates, inference.
- `CITATION.cff`: how to cite the dataset (Citation File Format).
- `DATA-LICENSE.md`, `LICENSE`: the licences.

## How to cite

peacetalks contributors, "peacetalks: demands and meetings in the negotiations to end Russia's
war against Ukraine", dataset, version {version}. Cite the version you used; `CITATION.cff`
holds the same in a form reference managers read.

## Licence

The data is licensed CC BY 4.0 (`DATA-LICENSE.md`): share and adapt it, crediting "peacetalks
contributors". Quoted source extracts remain their publishers'. The code that built these files
is MIT-licensed (`LICENSE`).
"""


def members(dataset: Dataset, staging: Path, exported: bool = False) -> dict[str, bytes]:
    """Every file of the release by its path in the zip (without the top folder), the data
    files written into `staging` first unless `exported` says they are there already."""
    from .export import DOWNLOADS, write_exports
    from .export.version import created, dataset_version
    from .schemas import SCHEMA_DIR

    if not exported:
        write_exports(dataset, staging)
    found = {
        f"data/{path.relative_to(staging).as_posix()}": path.read_bytes()
        for path in sorted(staging.rglob("*"))
        if path.is_file() and path.name != MARKER
    }
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        found[f"schema/{path.name}"] = path.read_bytes()
    for source, name in PROJECT_FILES:
        found[name] = (REPO / source).read_bytes()
    found["data-dictionary.md"] = dictionary.markdown().encode("utf-8")
    listed = [(name, text) for name, text in DOWNLOADS if f"data/{name}" in found]
    found["README.md"] = readme(dataset_version(), created(dataset.root), listed).encode("utf-8")
    return found


def write_zip(path: Path, top: str, files: dict[str, bytes], created: str) -> None:
    """A zip of `files` under the folder `top`, the same bytes for the same files."""
    when = _stamp(created)
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = (0o100000 | _FILE_MODE) << 16
            archive.writestr(info, files[name], compresslevel=9)


def write_release(dataset: Dataset, out: Path, exported: Path | None = None) -> Path:
    """Write the release zip into `out` (created if needed), replacing only a zip of this name.
    `exported`: a directory holding this dataset's data files already (the site's `data/`).

    The caller has checked that `out` may be written (`refuse`). Raises OSError."""
    from .export.version import created, dataset_version

    version = dataset_version()
    out.mkdir(parents=True, exist_ok=True)
    mark(out)
    target = out / zip_name(version)
    if target.is_symlink() or (os.path.lexists(target) and not target.is_file()):
        raise IsADirectoryError(21, "not a regular file, left alone", str(target))
    with tempfile.TemporaryDirectory(prefix=".release-", dir=out) as scratch:
        files = members(dataset, exported, True) if exported else members(dataset, Path(scratch) / "data")
        partial = Path(scratch) / target.name
        write_zip(partial, target.stem, files, created(dataset.root))
        os.chmod(partial, _FILE_MODE)
        os.replace(partial, target)
    return target


def download_url(repo_url: str, version: str) -> str:
    """Where a release's zip is once attached to its GitHub release (tag v<version>, as
    CHANGELOG.md says to cut one); "" for a repository elsewhere or none."""
    if not repo_url.startswith("https://github.com/"):
        return ""
    return f"{repo_url.rstrip('/')}/releases/download/v{version}/{zip_name(version)}"


def release(records: Path, out: str | os.PathLike[str]) -> Path | list[Problem] | OutputError:
    """Check the records, then write the release zip into `out`: its path, problems, or a refusal."""
    from .pipeline import check

    refused = refuse(out, records)
    if refused is not None:
        return refused
    dataset, problems = check(records)
    if problems:
        return problems
    shown = os.fspath(out)
    target = Path(shown).resolve()
    try:
        return write_release(dataset, target)
    except OSError as exc:
        return OutputError(describe(exc, shown, target.parent), shown)
