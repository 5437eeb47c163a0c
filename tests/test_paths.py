"""Path rules (docs/projects.md): every path in a project definition or workspace stays inside the
workspace root (no absolute path, no ``..`` escape, no link out) unless ONTOKIT_ALLOW_PATHS_OUTSIDE_ROOT
is set, and no message shows the content of a file that is refused or is not an ontokit file.

The findings of issue 9 (finding 8, and ``projects: ['/etc/passwd']`` of finding 11) are run as
written, through the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import clean_env
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ontology_kit import check_path
from ontology_kit.cli import main
from ontology_kit.loader.paths import ALLOW_ENV, Refusal, check_reference, find_root

SECRET = "hunter2-do-not-print"
SECRET_FILE = f"aws_secret_access_key: {SECRET}\nroot:*:20228:0:99999:7::: x\n"
ONTOLOGY = "tools:\n  - title: Car\n    type: point\n"


def run(*args: str, cwd: Path, allow: bool = False) -> subprocess.CompletedProcess[str]:
    env = clean_env()
    env.pop(ALLOW_ENV, None)
    if allow:
        env[ALLOW_ENV] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "ontology_kit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out and "internal error" not in out, out
    return proc


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository (``.git``) beside a folder outside it that holds a file of secrets and an ontology."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secrets.yaml").write_text(SECRET_FILE)
    (outside / "ontology.yaml").write_text(ONTOLOGY)
    return root


def _project(folder: Path, ontology: str, name: str = "p.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"name: Road scenes\nontology: {ontology}\n")
    return path


# ----------------------------------------------------------------------------------------------------
# the findings, as written


def test_finding_8_ontology_etc_shadow(repo: Path) -> None:
    _project(repo, "/etc/shadow")
    proc = run("validate", "p.yaml", cwd=repo)
    assert proc.returncode == 1
    assert "p.yaml:2:11: error[absolute-path]" in proc.stdout
    assert "root:" not in proc.stdout + proc.stderr


def test_finding_8_ontology_etc_shadow_allowed_still_shows_no_content(repo: Path) -> None:
    """Allowed, the file is read; it is no ontology, so it is reported without its content."""
    _project(repo, str(repo.parent / "outside" / "secrets.yaml"))
    proc = run("validate", "p.yaml", cwd=repo, allow=True)
    assert proc.returncode == 1
    assert "error[not-an-ontology]" in proc.stdout
    assert SECRET not in proc.stdout + proc.stderr and "aws_secret" not in proc.stdout + proc.stderr


def test_finding_8_symlink_out_of_the_repository(repo: Path) -> None:
    (repo / "onto.yaml").symlink_to(repo.parent / "outside" / "secrets.yaml")
    _project(repo, "onto.yaml")
    proc = run("validate", "p.yaml", cwd=repo)
    assert proc.returncode == 1
    assert "p.yaml:2:11: error[symlink-outside-root]" in proc.stdout
    assert "aws_secret" not in proc.stdout + proc.stderr and SECRET not in proc.stdout + proc.stderr
    # the folder walk refuses the link itself, unread
    walk = run("validate", ".", cwd=repo)
    assert "onto.yaml: error[symlink-outside-root]" in walk.stdout
    assert "aws_secret" not in walk.stdout + walk.stderr


def test_finding_8_workspace_glob_into_etc(repo: Path) -> None:
    (repo / "ontokit.yaml").write_text("projects: ['../../../../etc/*']\n")
    proc = run("validate", "ontokit.yaml", cwd=repo)
    assert proc.returncode == 1
    assert proc.stdout.startswith("ontokit.yaml:1:12: error[path-outside-root]")
    assert proc.stdout.count("error[") == 1  # nothing of /etc was read
    assert "passwd" not in proc.stdout


def test_finding_11_workspace_lists_etc_passwd(repo: Path) -> None:
    (repo / "ontokit.yaml").write_text("projects: ['/etc/passwd']\n")
    for command in (("validate", "ontokit.yaml"), ("plan", "ontokit.yaml")):
        proc = run(*command, cwd=repo)
        assert proc.returncode == 1, proc.stderr
        assert "ontokit.yaml:1:12: error[absolute-path]" in proc.stdout + proc.stderr
        assert "root:x:" not in proc.stdout + proc.stderr


# ----------------------------------------------------------------------------------------------------
# the class: every reference, every way out, and what stays allowed


@pytest.mark.parametrize(
    ("layout", "reference", "code"),
    [
        pytest.param({}, "/etc/passwd", "absolute-path", id="absolute"),
        pytest.param({}, "../outside/ontology.yaml", "path-outside-root", id="dot-dot"),
        pytest.param({}, "sub/../../outside/ontology.yaml", "path-outside-root", id="dot-dot-after-a-folder"),
        pytest.param(
            {"link.yaml": "../outside/ontology.yaml"}, "link.yaml", "symlink-outside-root", id="link"
        ),
        pytest.param({"dir": "../outside"}, "dir/ontology.yaml", "symlink-outside-root", id="linked-folder"),
        pytest.param(
            {"a.yaml": "b.yaml", "b.yaml": "../outside/ontology.yaml"},
            "a.yaml",
            "symlink-outside-root",
            id="chain",
        ),
        pytest.param({"l.yaml": "/etc/passwd"}, "l.yaml", "symlink-outside-root", id="absolute-link"),
    ],
)
@pytest.mark.parametrize("where", ["project", "workspace"])
def test_every_way_out_is_refused(
    repo: Path, layout: dict[str, str], reference: str, code: str, where: str
) -> None:
    for name, target in layout.items():
        (repo / name).symlink_to(target)
    (repo / "sub").mkdir()
    if where == "project":
        path = _project(repo, reference)
    else:
        path = repo / "ontokit.yaml"
        path.write_text(f"projects: ['{reference}']\n")
    result = check_path(path)
    assert [(d.code, d.line) for d in result.diagnostics] == [(code, 2 if where == "project" else 1)]
    assert all(SECRET not in d.message for d in result.diagnostics)


@pytest.mark.parametrize(
    ("layout", "named"),
    [
        pytest.param({"link.yaml": "../outside/unformatted.yaml"}, "link.yaml", id="link"),
        pytest.param({"dir": "../outside"}, "dir/unformatted.yaml", id="linked-folder"),
        pytest.param({"a.yaml": "b.yaml", "b.yaml": "../outside/unformatted.yaml"}, "a.yaml", id="chain"),
    ],
)
@pytest.mark.parametrize("command", [["validate"], ["fmt"], ["fmt", "--check"]], ids=" ".join)
def test_a_named_file_that_links_out_is_refused_unread(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    layout: dict[str, str],
    named: str,
    command: list[str],
) -> None:
    """A file named on the command line (a shell's glob) follows the walk's rule: a link out of the
    workspace is refused unread. It was read, and fmt rewrote the file outside the repository."""
    unformatted = "tools:\n  - type: point\n    title: Car\n"
    (repo.parent / "outside" / "unformatted.yaml").write_text(unformatted)
    for name, target in layout.items():
        (repo / name).symlink_to(target)
    monkeypatch.chdir(repo)
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    assert main([*command, named]) == 1
    out, err = capsys.readouterr()
    assert f"{named}: error[symlink-outside-root]" in out + err
    assert (repo.parent / "outside" / "unformatted.yaml").read_text() == unformatted


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("projects/*.yaml", id="glob"),
        pytest.param("projects/**/*.yaml", id="recursive-glob"),
        pytest.param("**", id="everything"),
    ],
)
def test_glob_matches_that_link_out_are_refused_unread(repo: Path, pattern: str) -> None:
    _project(repo / "projects", "../ontology.yaml", "good.yaml")
    (repo / "ontology.yaml").write_text(ONTOLOGY)
    (repo / "projects" / "evil.yaml").symlink_to(repo.parent / "outside" / "secrets.yaml")
    (repo / "projects" / "evil-dir").symlink_to(repo.parent / "outside", target_is_directory=True)
    (repo / "ontokit.yaml").write_text(f"projects: ['{pattern}']\n")
    result = check_path(repo / "ontokit.yaml")
    codes = {d.code for d in result.diagnostics}
    assert "symlink-outside-root" in codes
    assert all(SECRET not in d.message and "aws" not in d.message for d in result.diagnostics)
    assert not any(d.file.endswith("secrets.yaml") for d in result.diagnostics)


def test_paths_inside_the_root_stay_allowed(repo: Path) -> None:
    """`..` that stays inside, links inside, a workspace in a sub-folder of the repository."""
    (repo / "ontologies").mkdir()
    (repo / "ontologies" / "road.yaml").write_text(ONTOLOGY)
    (repo / "ontologies" / "alias.yaml").symlink_to("road.yaml")
    _project(repo / "projects", "../ontologies/road.yaml", "a.yaml")
    _project(repo / "projects", "./../ontologies/alias.yaml", "b.yaml").write_text(
        "name: Other\nontology: ./../ontologies/alias.yaml\n"
    )
    (repo / "ontokit.yaml").write_text("projects: ['projects/*.yaml']\n")
    assert check_path(repo / "ontokit.yaml").diagnostics == ()
    assert check_path(repo / "projects" / "a.yaml").diagnostics == ()  # on its own: the git top level
    assert run("plan", cwd=repo).returncode == 0


def test_a_workspace_is_its_own_root(repo: Path) -> None:
    """Files of a workspace stay below ontokit.yaml's folder, even inside the same repository."""
    (repo / "shared.yaml").write_text(ONTOLOGY)
    _project(repo / "ws" / "projects", "../../shared.yaml")
    (repo / "ws" / "ontokit.yaml").write_text("projects: ['projects/p.yaml']\n")
    result = check_path(repo / "ws" / "ontokit.yaml")
    assert [d.code for d in result.diagnostics] == ["path-outside-root"]
    assert find_root(repo / "ws" / "projects") == repo / "ws"
    assert find_root(repo / "other") == repo


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_the_user_can_allow_paths_outside_the_root(
    repo: Path, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "link.yaml").symlink_to(repo.parent / "outside" / "ontology.yaml")
    for reference in (
        str(repo.parent / "outside" / "ontology.yaml"),
        "../outside/ontology.yaml",
        "link.yaml",
    ):
        path = _project(repo, reference)
        monkeypatch.delenv(ALLOW_ENV, raising=False)
        assert check_path(path).diagnostics != ()
        monkeypatch.setenv(ALLOW_ENV, value)
        assert check_path(path).diagnostics == (), reference


def test_a_referenced_file_of_another_kind_is_reported_without_its_content(repo: Path) -> None:
    (repo / "config").mkdir()
    (repo / "config" / "ci.yaml").write_text(SECRET_FILE)
    (repo / "config" / "other-project.yaml").write_text("name: X\nontology: {tools: []}\n")
    for reference, code in (
        ("config/ci.yaml", "not-an-ontology"),
        ("config/other-project.yaml", "not-an-ontology"),
    ):
        result = check_path(_project(repo, reference))
        assert [d.code for d in result.diagnostics] == [code]
        assert SECRET not in result.diagnostics[0].message and "aws" not in result.diagnostics[0].message
    (repo / "ontokit.yaml").write_text("projects: ['config/*']\n")
    result = check_path(repo / "ontokit.yaml")
    assert [d.code for d in result.diagnostics] == ["not-a-project"]
    assert "aws" not in result.diagnostics[0].message


def test_echoed_keys_are_capped_and_escaped(repo: Path) -> None:
    """An ontokit file's unknown key is quoted, but only a short, escaped piece of it."""
    (repo / "o.yaml").write_text('tools: []\nclassifications: []\n"' + "x" * 1_000 + '\\e[31m": 1\n')
    result = check_path(repo / "o.yaml")
    (diag,) = result.diagnostics
    assert diag.code == "unknown-field"
    assert len(diag.message) < 200 and "\x1b" not in diag.message and "…" in diag.message


# ----------------------------------------------------------------------------------------------------
# the invariant


_STEPS = st.sampled_from(["..", ".", "a", "b", "in-link", "out-link", "out-dir", "/", "//"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(_STEPS, min_size=1, max_size=8), start=st.sampled_from(["", "a", "a/b"]))
def test_no_reference_resolves_outside_the_root(repo: Path, steps: list[str], start: str) -> None:
    """Whatever a reference spells, what it resolves to (links followed) is inside the root, or refused."""
    if not (repo / "a").exists():
        (repo / "a" / "b").mkdir(parents=True)
        (repo / "in-link").symlink_to("a")
        (repo / "a" / "in-link").symlink_to("b")
        (repo / "out-link").symlink_to(repo.parent / "outside" / "secrets.yaml")
        (repo / "a" / "out-dir").symlink_to(repo.parent / "outside", target_is_directory=True)
    reference = "/".join(steps)
    base = repo / start
    answer = check_reference(reference, base, repo, "path", allowed=False)
    if isinstance(answer, Refusal):
        return
    real = os.path.realpath(os.path.join(base, reference))
    assert real == str(repo.resolve()) or real.startswith(str(repo.resolve()) + os.sep), reference
    assert str(answer) == real


@pytest.mark.parametrize("length", [255, 300, 5_000])
def test_a_reference_too_long_for_the_file_system_is_an_error_not_a_crash(repo: Path, length: int) -> None:
    name = "a" * length + ".yaml"
    _project(repo, name)
    (repo / "ontokit.yaml").write_text(f"projects: ['{name}', '{name[:-5]}*']\n")
    for target in ("p.yaml", "ontokit.yaml"):
        proc = run("validate", target, cwd=repo)
        assert proc.returncode == 1
        assert "error[file-unreadable]" in proc.stdout or "error[file-not-found]" in proc.stdout
        assert max(len(line) for line in proc.stdout.splitlines()) < 800


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(f"Name: {SECRET}\nName: {SECRET}\n", id="duplicate-keys"),
        pytest.param(f"[section]\n{SECRET} = 1\n  x: [\n", id="not-yaml"),
        pytest.param(f"*{SECRET}\n", id="undefined-alias"),
    ],
)
def test_a_referenced_file_that_is_not_yaml_by_name_is_not_quoted(repo: Path, content: str) -> None:
    """A file that is not YAML by name and does not read as YAML: one line, none of its text."""
    (repo / "app.conf").write_text(content)
    result = check_path(_project(repo, "app.conf"))
    assert [d.code for d in result.diagnostics] == ["not-an-ontology"]
    (repo / "ontokit.yaml").write_text("projects: ['app.conf']\n")
    result = check_path(repo / "ontokit.yaml")
    assert [d.code for d in result.diagnostics] == ["not-a-project"]
    assert all(SECRET not in (d.message + (d.hint or "")) for d in result.diagnostics)


def test_the_embedded_hub_keeps_no_data_through_a_link_out(tmp_path: Path) -> None:
    """A repository that commits `.ontokit` as a link elsewhere: the embedded hub would write its
    database and API key there. Refused, one line, nothing written; the opt-in allows it."""
    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    repo.mkdir()
    elsewhere.mkdir()
    (repo / ".git").mkdir()
    (repo / ".ontokit").symlink_to(elsewhere, target_is_directory=True)
    (repo / "o.yaml").write_text("tools:\n  - title: Car\n    type: bounding-box\n", encoding="utf-8")
    (repo / "p.yaml").write_text("name: Cars\nontology: o.yaml\n", encoding="utf-8")
    refused = run("plan", "p.yaml", cwd=repo)
    assert refused.returncode == 1, refused.stderr
    assert refused.stderr.count("\n") == 1 and "link out of the workspace root" in refused.stderr
    assert list(elsewhere.iterdir()) == []
    allowed = run("plan", "p.yaml", cwd=repo, allow=True)
    assert allowed.returncode == 0, allowed.stderr
    assert (elsewhere / "hub.sqlite3").exists()
