"""Installable as users expect (issue 13, item 8): a version, a changelog, and the install commands the
README documents, from a git URL at a tag, tried from a clean folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from test_precommit import _repository_files

from ontology_kit import __version__

ROOT = Path(__file__).resolve().parent.parent
TAG = f"v{__version__}"
URL = f"git+https://github.com/<org>/ontokit@{TAG}"
VALID = "tools:\n  - title: Vehicle\n    type: bounding-box\n"
INVALID = "tools:\n  - title: Car\n    type: bounding-box\n    colr: '#FFFFFF'\n"


def read(rel: str) -> str:
    return (ROOT / rel).read_text(encoding="utf-8")


def test_the_changelog_s_newest_release_is_this_version() -> None:
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", read("CHANGELOG.md"), re.M)
    assert releases[0] == __version__ and "0.1.0" in releases
    assert f"[{__version__}]: " in read("CHANGELOG.md")  # the link of the heading


def test_the_docs_install_and_pin_this_version() -> None:
    readme = read("README.md")
    assert f'pipx install "{URL}"' in readme
    assert f'pip install "ontokit @ {URL}"' in readme
    assert re.search(rf"ontokit --version +# ontokit {re.escape(__version__)}\n", readme)
    for rel in ("README.md", "docs/review.md", ".pre-commit-hooks.yaml"):
        text = read(rel)
        assert re.search(rf"rev: {re.escape(TAG)}\b", text), f"{rel}: the hooks are not pinned to {TAG}"
        assert "rev: <" not in text, rel
    assert f'pip install "ontokit @ {URL}"' in read("docs/ci.md")


def run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_pip_installs_a_tag_from_a_git_url_and_it_runs_from_a_clean_folder(tmp_path: Path) -> None:
    """`pip install "ontokit @ git+URL@vX.Y.Z"` as the README says, with a local clone standing in for
    the hosted repository: a snapshot of this tree (tracked and untracked, not ignored), committed and
    tagged. The fresh venv sees this interpreter's packages for ontokit's dependencies (a path in a
    .pth file: not its editable install of ontokit), and the build uses its setuptools (no download)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    source = tmp_path / "ontokit"
    for rel in _repository_files():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, source / rel)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "ONTOKIT_", "VIRTUAL_ENV"))
    }
    env.update(GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "s"], ["tag", TAG]):
        assert run("git", *identity, *args, cwd=source, env=env).returncode == 0

    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env).returncode == 0
    [site] = venv.glob("lib/python*/site-packages")
    outer = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "outer.pth").write_text("".join(f"{p}\n" for p in outer), encoding="utf-8")
    clean = tmp_path / "clean"
    clean.mkdir()
    python = venv / "bin" / "python"
    spec = f"ontokit @ git+{source.as_uri()}@{TAG}"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps"]
    install = run(*pip, "--no-build-isolation", spec, cwd=clean, env=env)
    assert install.returncode == 0, install.stdout + install.stderr

    where = run(python, "-c", "import ontology_kit; print(ontology_kit.__file__)", cwd=clean, env=env)
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr  # the installed copy
    ontokit = venv / "bin" / "ontokit"
    version = run(ontokit, "--version", cwd=clean, env=env)
    assert (version.returncode, version.stdout) == (0, f"ontokit {__version__}\n"), version.stderr
    (clean / "ontology.yaml").write_text(VALID, encoding="utf-8")
    (clean / "bad.yaml").write_text(INVALID, encoding="utf-8")
    valid = run(ontokit, "validate", "ontology.yaml", cwd=clean, env=env)
    assert valid.returncode == 0 and valid.stdout.startswith("ok: 1 file"), valid.stdout + valid.stderr
    invalid = run(ontokit, "validate", "bad.yaml", cwd=clean, env=env)
    assert invalid.returncode == 1 and "bad.yaml:4:5: error[unknown-field]" in invalid.stdout + invalid.stderr
    assert sorted(p.name for p in clean.iterdir()) == ["bad.yaml", "ontology.yaml"]  # nothing left behind
