"""This repository's pre-commit hooks (``.pre-commit-hooks.yaml``), run by pre-commit itself on scratch git
repositories, the way a user's ``.pre-commit-config.yaml`` runs them.

pre-commit clones the hooks' repository, builds a virtualenv and pip-installs the repository into it (from
the package registry: a few seconds). ``pre-commit try-repo`` does that in a fresh temporary store on every
call, whatever ``PRE_COMMIT_HOME`` says, so one test runs ``try-repo`` on this repository as is (its HEAD
plus uncommitted changes) and the others use ``pre-commit run`` with a ``.pre-commit-config.yaml`` that
points at a snapshot of this repository (HEAD plus uncommitted and untracked, not ignored, files) committed
once into a temporary git repository: with one ``PRE_COMMIT_HOME`` for the session, the environment is built
once (pre-commit keys it by repository URL and revision).

Skipped only when ``pre-commit`` is not installed and ``CI`` is unset; in CI it must run.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


HAVE_PRE_COMMIT = importlib.util.find_spec("pre_commit") is not None

pytestmark = pytest.mark.skipif(
    not HAVE_PRE_COMMIT and not in_ci(),
    reason="runs the repository's pre-commit hooks with pre-commit, which is not installed "
    "(pip install -e '.[test]'); in CI (CI set) these tests must run",
)

GIT_IDENTITY = (
    "-c",
    "user.name=ontokit tests",
    "-c",
    "user.email=tests@example.com",
    "-c",
    "commit.gpgsign=false",
)

VALID = """\
# yaml-language-server: $schema=schemas/ontology.schema.json
tools:
  - title: Vehicle
    type: bounding-box
    shortcutKey: "1"
    classifications:
      - title: Kind
        type: radio
        options: [Car, Truck]
"""
PROJECT = "name: Roads\nontology: ontology.yaml\nbatches: [Week 1]\n"
INVALID = "tools:\n  - title: Car\n    type: bounding-box\n    colr: '#FFFFFF'\n"
UNFORMATTED = "tools:\n  - type: bounding-box\n    title: Car\n"
WORKFLOW = "on:\n  push:\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: 'true'}]\n"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def _repository_files() -> list[str]:
    """What ``try-repo`` would use: tracked and untracked files that are not ignored (and exist)."""
    if (ROOT / ".git").exists():
        listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
        return sorted(f for f in listed if f and (ROOT / f).is_file())
    skip = {".git", ".ontokit", ".hypothesis", ".pytest_cache", "__pycache__", "build", "dist"}
    return sorted(
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*")
        if p.is_file()
        and not skip & set(p.relative_to(ROOT).parts)
        and not any(
            part.startswith(".venv") or part.endswith(".egg-info") for part in p.relative_to(ROOT).parts
        )
    )


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """``pre-commit ARGS`` in ``cwd``, with ``home`` as its store (``PRE_COMMIT_HOME``)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PRE_COMMIT", "ONTOKIT_")) and k not in ("ANGO_API_KEY", "SKIP")
    }
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@dataclass(frozen=True)
class Hooks:
    """A snapshot of this repository as a hook repository, and pre-commit's store for the session."""

    url: str
    ref: str
    home: Path
    build_seconds: float

    def config(self) -> str:
        return (
            f"repos:\n  - repo: {self.url}\n    rev: {self.ref}\n    hooks:\n"
            "      - id: ontokit-validate\n      - id: ontokit-fmt\n"
        )

    def scratch(self, folder: Path, files: dict[str, str]) -> Path:
        """A git repository holding ``files`` and a .pre-commit-config.yaml using these hooks, staged."""
        return scratch_repo(folder, {".pre-commit-config.yaml": self.config(), **files})

    def run(self, hook: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return pre_commit("run", hook, "--all-files", "--color", "never", cwd=cwd, home=self.home)


def scratch_repo(folder: Path, files: dict[str, str]) -> Path:
    """A git repository holding ``files``, staged (``--all-files`` runs on the files git knows)."""
    folder.mkdir(parents=True)
    git("init", "-q", cwd=folder)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git("add", "-A", cwd=folder)
    return folder


@pytest.fixture(scope="session")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hooks]:
    """This repository's hooks, installed once into the session's pre-commit store."""
    if not HAVE_PRE_COMMIT:
        pytest.fail("CI is set and pre-commit is not installed: pip install -e '.[test]'", pytrace=False)
    if shutil.which("git") is None:
        pytest.fail("pre-commit needs git, which is not installed", pytrace=False)
    base = tmp_path_factory.mktemp("pre-commit")
    snapshot = base / "ontokit-hooks"
    snapshot.mkdir()
    for rel in _repository_files():
        (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, snapshot / rel)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file()
    git("init", "-q", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "--no-verify", "-m", "snapshot of the working tree", cwd=snapshot)
    unbuilt = Hooks(snapshot.as_uri(), git("rev-parse", "HEAD", cwd=snapshot).strip(), base / "home", 0.0)
    warm = unbuilt.scratch(base / "warm-up", {})
    started = time.perf_counter()
    install = pre_commit("install-hooks", cwd=warm, home=unbuilt.home)
    assert install.returncode == 0, install.stdout + install.stderr  # pip could install the repository
    return Hooks(unbuilt.url, unbuilt.ref, unbuilt.home, time.perf_counter() - started)


def output(run: subprocess.CompletedProcess[str]) -> str:
    return run.stdout + run.stderr


def test_try_repo_on_this_repository(tmp_path: Path) -> None:
    """The command a hook author runs: HEAD plus uncommitted changes, in a throw-away environment."""
    if not HAVE_PRE_COMMIT:
        pytest.fail("CI is set and pre-commit is not installed: pip install -e '.[test]'", pytrace=False)
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git repository (try-repo needs one)")
    repo = scratch_repo(tmp_path / "repo", {"ontology.yaml": VALID, "bad.yaml": INVALID})
    run = pre_commit(
        "try-repo",
        str(ROOT),
        "ontokit-validate",
        "--all-files",
        "--color",
        "never",
        cwd=repo,
        home=tmp_path / "home",
    )
    assert run.returncode != 0
    assert "bad.yaml:4:5: error[unknown-field]" in run.stdout, run.stdout + run.stderr
    assert "ontology.yaml:" not in run.stdout  # the valid file has nothing to say


def test_the_environment_is_built_once(hooks: Hooks, tmp_path: Path) -> None:
    repo = hooks.scratch(tmp_path / "repo", {"ontology.yaml": VALID})
    run = hooks.run("ontokit-validate", repo)
    assert run.returncode == 0, output(run)
    assert "Installing environment" not in output(run)  # built by the session fixture
    print(f"pre-commit environment built in {hooks.build_seconds:.1f}s")


def test_validate_hook_passes_a_valid_repository(hooks: Hooks, tmp_path: Path) -> None:
    repo = hooks.scratch(
        tmp_path / "repo",
        {
            "ontology.yaml": VALID,
            "projects/roads.yaml": PROJECT.replace("ontology.yaml", "../ontology.yaml"),
            ".github/workflows/ci.yml": WORKFLOW,  # excluded by the hook
            "docker-compose.yml": "services:\n  web:\n    image: nginx\n",  # another tool's YAML: skipped
            "notes.txt": "not YAML",
        },
    )
    run = hooks.run("ontokit-validate", repo)
    assert run.returncode == 0, output(run)
    assert "ontokit validate" in run.stdout and "Passed" in run.stdout


def test_validate_hook_fails_on_an_invalid_ontology(hooks: Hooks, tmp_path: Path) -> None:
    repo = hooks.scratch(tmp_path / "repo", {"ontology.yaml": VALID, "bad.yaml": INVALID})
    run = hooks.run("ontokit-validate", repo)
    assert run.returncode != 0
    assert "Failed" in run.stdout
    assert (
        "bad.yaml:4:5: error[unknown-field]: unknown field 'colr' in a tool; hint: did you mean 'color'?"
        in run.stdout
    ), output(run)
    assert "Traceback" not in output(run)


def test_fmt_hook_fixes_an_unformatted_file(hooks: Hooks, tmp_path: Path) -> None:
    """Issue 13 item 4: the hook fixes the layout (`ontokit fmt`); pre-commit then fails because a file
    changed, and passes once the result is staged. CI runs `ontokit fmt --check` instead."""
    repo = hooks.scratch(tmp_path / "repo", {"ontology.yaml": VALID, "unformatted.yaml": UNFORMATTED})
    run = hooks.run("ontokit-fmt", repo)
    assert run.returncode != 0, output(run)
    assert "Failed" in run.stdout and "files were modified by this hook" in run.stdout, output(run)
    assert "reformatted unformatted.yaml" in run.stdout, output(run)
    assert "reformatted ontology.yaml" not in run.stdout
    assert (repo / "unformatted.yaml").read_text(
        encoding="utf-8"
    ) == "tools:\n  - title: Car\n    type: bounding-box\n"
    assert (repo / "ontology.yaml").read_text(encoding="utf-8") == VALID
    git("add", "-A", cwd=repo)
    again = hooks.run("ontokit-fmt", repo)
    assert again.returncode == 0 and "Passed" in again.stdout, output(again)


def test_fmt_hook_fails_on_a_file_it_cannot_format(hooks: Hooks, tmp_path: Path) -> None:
    repo = hooks.scratch(tmp_path / "repo", {"ontology.yaml": VALID, "bad.yaml": "tools: [\n"})
    run = hooks.run("ontokit-fmt", repo)
    assert run.returncode != 0 and "- exit code: 1" in run.stdout, output(run)  # 1, not 4 (a crash)
    assert "error: bad.yaml" in run.stdout, output(run)
    assert (repo / "bad.yaml").read_text(encoding="utf-8") == "tools: [\n"


def test_fmt_hook_passes_formatted_files(hooks: Hooks, tmp_path: Path) -> None:
    repo = hooks.scratch(
        tmp_path / "repo",
        {"ontology.yaml": VALID, "project.yaml": PROJECT, ".github/workflows/ci.yml": WORKFLOW},
    )
    run = hooks.run("ontokit-fmt", repo)
    assert run.returncode == 0, output(run)
    assert "Passed" in run.stdout
