"""``ontokit diff`` sees what ``ontokit plan`` sees (issue 9, finding 1): project definitions (inline
and referenced ontologies, the ``ontology:`` reference, batches, webhooks, project fields) and
workspaces, compared between a git revision and the working tree, or between two files. The real
command line, in scratch git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import clean_env
from test_review import commit, git

SECRET_VALUE = "hunter2-secret-value-never-shown"

SHARED = """\
tools:
  - title: Vehicle
    type: bounding-box
classifications:
  - title: Shelf
    type: radio
    options: [A, B]
"""

INLINE = """\
name: Groceries
ontology:
  classifications:
    - title: Shelf
      type: radio
      options: [A, B]
"""

CARS = """\
name: Cars
id: p-cars
type: ango
description: Road scenes
ontology: ../ontology.yaml
batches: [Week 1]
webhooks:
  - url: https://hooks.example.com/cars
    types: [COMPLETED]
    secret: {env: CARS_HOOK_SECRET}
"""

TRUCKS = """\
name: Trucks
ontology: ../ontology.yaml
"""

WORKSPACE = """\
projects: [projects/cars.yaml, projects/trucks.yaml, groceries.yaml]
"""

Row = tuple[str, str, str, str]  # (action, kind, path, impact)


def ontokit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "ontology_kit", *args],
        cwd=cwd,
        env=clean_env(CARS_HOOK_SECRET=SECRET_VALUE, NEW_HOOK_SECRET=SECRET_VALUE),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert SECRET_VALUE not in proc.stdout + proc.stderr  # the environment is never read
    return proc


def blocks(run: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    """Each block of a JSON diff by its name: its changes as rows, unmanaged items, warnings."""
    doc = json.loads(run.stdout)
    return {
        p["name"]: {
            "changes": [(c["action"], c["kind"], c["path"], c["impact"]) for c in p["changes"]],
            "attributes": [a for c in p["changes"] for a in c["attributes"]],
            "unmanaged": [(u["kind"], u["name"]) for u in p["unmanaged"]],
            "warnings": p["warnings"],
        }
        for p in doc["projects"]
    }


def init_repo(root: Path, files: dict[str, str]) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root.mkdir()
    git("init", "-q", cwd=root)
    for key, value in (("user.name", "Test"), ("user.email", "t@example.com"), ("commit.gpgsign", "false")):
        git("config", key, value, cwd=root)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    commit(root, "base")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A workspace: a shared ontology used by two projects, and a project with an inline ontology."""
    return init_repo(
        tmp_path / "repo",
        {
            "ontology.yaml": SHARED,
            "projects/cars.yaml": CARS,
            "projects/trucks.yaml": TRUCKS,
            "groceries.yaml": INLINE,
            "ontokit.yaml": WORKSPACE,
        },
    )


# -- finding 1, its exact input -------------------------------------------------------------------
def test_the_gate_sees_an_inline_option_removed(tmp_path: Path) -> None:
    """`options: [A, B]` → `[A]` in a project's inline ontology, on a branch: diff --base main
    --fail-on destructive showed "No changes" and exited 0 while plan showed a destructive change."""
    root = init_repo(tmp_path / "repo", {"project.yaml": INLINE})
    git("branch", "-M", "main", cwd=root)
    git("checkout", "-q", "-b", "feature", cwd=root)
    (root / "project.yaml").write_text(INLINE.replace("[A, B]", "[A]"), encoding="utf-8")
    commit(root, "drop B")
    gate = ontokit("diff", "--base", "main", "--fail-on", "destructive", cwd=root)
    assert gate.returncode == 3, gate.stdout + gate.stderr
    assert "No changes" not in gate.stdout
    assert 'Project "Groceries", from project.yaml:\n  - Shelf › option "B" [destructive]\n' in gate.stdout
    # exactly what plan shows against a hub that holds the base
    git("checkout", "-q", "main", cwd=root)
    assert ontokit("apply", "project.yaml", "--auto-approve", cwd=root).returncode == 0
    git("checkout", "-q", "feature", cwd=root)
    plan = ontokit("plan", "project.yaml", "--format", "json", cwd=root)
    diff = ontokit("diff", "--base", "main", "--format", "json", cwd=root)
    planned = [
        (c["action"], c["kind"], c["path"], c["impact"])
        for c in json.loads(plan.stdout)["projects"][0]["changes"]
    ]
    assert (
        blocks(diff)["Groceries"]["changes"]
        == planned
        == [("delete", "option", 'Shelf › option "B"', "destructive")]
    )


# -- one case per kind of change ------------------------------------------------------------------
def edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def run(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    return run


def write(rel: str, text: str) -> Callable[[Path], None]:
    def run(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")

    return run


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def run(root: Path) -> None:
        for step in steps:
            step(root)

    return run


def remove(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


def move(old: str, new: str) -> Callable[[Path], None]:
    def run(root: Path) -> None:
        git("mv", old, new, cwd=root)

    return run


DROP_B = 'Shelf › option "B"'
CASES = [
    pytest.param(
        edit("groceries.yaml", "[A, B]", "[A]"),
        {"Groceries": [("delete", "option", DROP_B, "destructive")]},
        3,
        id="inline-ontology",
    ),
    pytest.param(
        edit("groceries.yaml", "[A, B]", "[A, {value: Bee, key: B}]"),
        {"Groceries": [("update", "option", 'Shelf › option "Bee"', "breaking-export")]},
        0,
        id="inline-value-text",
    ),
    pytest.param(
        edit("ontology.yaml", "[A, B]", "[A]"),
        {
            "Cars": [("delete", "option", DROP_B, "destructive")],
            "Trucks": [("delete", "option", DROP_B, "destructive")],
        },
        3,
        id="referenced-ontology-every-project-using-it",
    ),
    pytest.param(
        both(write("other.yaml", SHARED), edit("projects/cars.yaml", "../ontology.yaml", "../other.yaml")),
        {"Cars": [("update", "project", '"Cars"', "safe")]},
        0,
        id="ontology-reference-same-content",
    ),
    pytest.param(
        both(
            write("other.yaml", SHARED.replace("[A, B]", "[A]")),
            edit("projects/cars.yaml", "../ontology.yaml", "../other.yaml"),
        ),
        {"Cars": [("update", "project", '"Cars"', "safe"), ("delete", "option", DROP_B, "destructive")]},
        3,
        id="ontology-reference-other-content",
    ),
    pytest.param(
        write("groceries.yaml", "name: Groceries\nontology: ontology.yaml\n"),
        {
            "Groceries": [
                ("update", "project", '"Groceries"', "safe"),
                ("create", "tool", "Vehicle", "safe"),
            ]
        },
        0,
        id="inline-to-file",
    ),
    pytest.param(
        edit("projects/cars.yaml", "[Week 1]", "[Week 1, Week 2]"),
        {"Cars": [("create", "batch", '"Week 2"', "safe")]},
        0,
        id="batch-added",
    ),
    pytest.param(
        edit("projects/cars.yaml", "types: [COMPLETED]", "types: [COMPLETED, ACCEPTED]"),
        {"Cars": [("update", "webhook", "https://hooks.example.com/cars", "safe")]},
        0,
        id="webhook-types",
    ),
    pytest.param(
        edit("projects/cars.yaml", "env: CARS_HOOK_SECRET", "env: NEW_HOOK_SECRET"),
        {"Cars": [("update", "webhook", "https://hooks.example.com/cars", "safe")]},
        0,
        id="webhook-secret-variable",
    ),
    pytest.param(
        edit(
            "projects/cars.yaml",
            "webhooks:\n",
            "webhooks:\n  - {url: 'https://hooks.example.com/new', types: [ACCEPTED]}\n",
        ),
        {"Cars": [("create", "webhook", "https://hooks.example.com/new", "safe")]},
        0,
        id="webhook-added",
    ),
    pytest.param(
        edit("projects/cars.yaml", "description: Road scenes", "description: Road scenes, 2025"),
        {"Cars": [("update", "project", '"Cars"', "safe")]},
        0,
        id="project-description",
    ),
    pytest.param(
        edit("projects/cars.yaml", "name: Cars", "name: Road cars"),
        {"Road cars": [("update", "project", '"Road cars"', "safe")]},
        0,
        id="project-name-with-id",
    ),
    pytest.param(
        edit("projects/cars.yaml", "type: ango", "type: pct"),
        {"Cars": [("update", "project", '"Cars"', "destructive")]},
        3,
        id="project-type",
    ),
    pytest.param(
        edit("projects/trucks.yaml", "name: Trucks", "name: Trucks\ntype: ango"),
        {"Trucks": [("update", "project", '"Trucks"', "data-dependent")]},
        0,
        id="project-type-newly-managed",
    ),
    pytest.param(
        edit("projects/cars.yaml", "id: p-cars", "id: p-other"),
        {"Cars": [("update", "project", '"Cars"', "destructive")]},
        3,
        id="project-id",
    ),
    pytest.param(
        edit("projects/trucks.yaml", "name: Trucks", "name: Lorries"),
        {
            "Lorries": [
                ("create", "project", '"Lorries"', "safe"),
                ("create", "tool", "Vehicle", "safe"),
                ("create", "classification", "Shelf", "safe"),
            ]
        },
        0,
        id="project-name-without-id",
    ),
    pytest.param(
        write("projects/bikes.yaml", "name: Bikes\nontology: ../ontology.yaml\n"),
        {
            "Bikes": [
                ("create", "project", '"Bikes"', "safe"),
                ("create", "tool", "Vehicle", "safe"),
                ("create", "classification", "Shelf", "safe"),
            ]
        },
        0,
        id="definition-added",
    ),
    pytest.param(remove("projects/trucks.yaml"), {"Trucks": []}, 0, id="definition-deleted"),
    pytest.param(
        both(
            move("projects/trucks.yaml", "trucks.yaml"),
            edit("trucks.yaml", "../ontology.yaml", "ontology.yaml"),
        ),
        {},
        0,
        id="definition-moved",
    ),
    pytest.param(
        edit("ontokit.yaml", "projects:", "hub: https://hub.example.com\nprojects:"),
        {"ontokit.yaml": []},
        0,
        id="workspace-hub",
    ),
    pytest.param(
        edit("ontokit.yaml", ", groceries.yaml", ""), {"ontokit.yaml": []}, 0, id="workspace-member"
    ),
]


@pytest.mark.parametrize(("change", "expected", "gate"), CASES)
def test_each_kind_of_change(
    repo: Path, change: Callable[[Path], None], expected: dict[str, list[Row]], gate: int
) -> None:
    change(repo)
    run = ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.returncode == 0, run.stderr
    found = blocks(run)
    assert {name: b["changes"] for name, b in found.items()} == expected
    assert ontokit("diff", "--base", "HEAD", "--fail-on", "destructive", cwd=repo).returncode == gate


def test_a_shared_ontology_is_shown_through_its_projects(repo: Path) -> None:
    edit("ontology.yaml", "[A, B]", "[A]")(repo)
    text = ontokit("diff", "--base", "HEAD", cwd=repo).stdout
    assert "Ontology ontology.yaml" not in text  # once per project that uses it, not once more
    assert (
        'Project "Cars", from projects/cars.yaml:' in text
        and 'Project "Trucks", from projects/trucks.yaml:' in text
    )


def test_paths_select_definitions_by_their_file_or_their_ontology(repo: Path) -> None:
    edit("ontology.yaml", "[A, B]", "[A]")(repo)
    edit("groceries.yaml", "[A, B]", "[A]")(repo)
    only_groceries = ontokit("diff", "--base", "HEAD", "groceries.yaml", "--format", "json", cwd=repo)
    assert set(blocks(only_groceries)) == {"Groceries"}
    users_of_shared = ontokit("diff", "--base", "HEAD", "ontology.yaml", "--format", "json", cwd=repo)
    assert set(blocks(users_of_shared)) == {"Cars", "Trucks"}


def test_what_is_no_longer_listed_is_unmanaged_never_deleted(repo: Path) -> None:
    write("projects/cars.yaml", CARS.split("batches:")[0])(repo)  # no batches, no webhooks
    cars = blocks(ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo))["Cars"]
    assert cars["changes"] == []
    assert cars["unmanaged"] == [("batch", "Week 1"), ("webhook", "https://hooks.example.com/cars")]


def test_secret_references_are_compared_by_name(repo: Path) -> None:
    edit("projects/cars.yaml", "env: CARS_HOOK_SECRET", "env: NEW_HOOK_SECRET")(repo)
    cars = blocks(ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo))["Cars"]
    assert cars["attributes"] == [
        {
            "name": "secret",
            "before": {"env": "CARS_HOOK_SECRET"},
            "after": {"env": "NEW_HOOK_SECRET"},
            "sensitive": False,
        }
    ]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        pytest.param(remove("projects/trucks.yaml"), "leaves it on the hub as it is", id="deleted"),
        pytest.param(
            edit("projects/trucks.yaml", "name: Trucks", "name: Lorries"), "without `id:`", id="renamed"
        ),
    ],
)
def test_warnings_say_what_apply_leaves(repo: Path, change: Callable[[Path], None], words: str) -> None:
    change(repo)
    found = blocks(ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo))
    [block] = found.values()
    assert any(words in w for w in block["warnings"]), block


@pytest.mark.parametrize(
    ("change", "words"),
    [
        pytest.param(
            edit("ontokit.yaml", "projects:", "hub: https://hub.example.com\nprojects:"),
            "hub: not set → 'https://hub.example.com'",
            id="hub",
        ),
        pytest.param(
            edit("ontokit.yaml", ", groceries.yaml", ""), "groceries.yaml is no longer listed", id="member"
        ),
    ],
)
def test_workspace_changes_are_warnings(repo: Path, change: Callable[[Path], None], words: str) -> None:
    change(repo)
    found = blocks(ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo))
    assert any(words in w for w in found["ontokit.yaml"]["warnings"]), found


def test_a_broken_base_definition_is_named_by_its_revision(repo: Path) -> None:
    edit("projects/trucks.yaml", "name: Trucks", "name: Trucks\nbogus: 1")(repo)
    commit(repo, "broken")
    edit("projects/trucks.yaml", "bogus: 1", "description: fixed")(repo)
    run = ontokit("diff", "--base", "HEAD", cwd=repo)
    assert run.returncode == 1
    [line] = [line for line in run.stderr.splitlines() if "error[" in line]
    assert line.startswith("HEAD:projects/trucks.yaml:"), line


def test_a_definition_linked_out_of_the_repository_is_not_read(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: OUTSIDE-CONTENT\nontology: {classifications: []}\nbogus: 1\n", encoding="utf-8")
    (repo / "linked.yaml").symlink_to(outside)
    run = ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert "OUTSIDE-CONTENT" not in run.stdout + run.stderr and json.loads(run.stdout)["projects"] == []


# -- two files ------------------------------------------------------------------------------------
def test_two_project_files(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(INLINE, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(INLINE.replace("[A, B]", "[A]"), encoding="utf-8")
    run = ontokit("diff", "old.yaml", "new.yaml", "--fail-on", "destructive", cwd=tmp_path)
    assert run.returncode == 3
    assert 'Project "Groceries", from new.yaml:\n  - Shelf › option "B" [destructive]\n' in run.stdout


def test_two_workspaces(tmp_path: Path) -> None:
    for side, shelf in (("old", "[A, B]"), ("new", "[A]")):
        folder = tmp_path / side
        (folder / "projects").mkdir(parents=True)
        (folder / "ontology.yaml").write_text(SHARED.replace("[A, B]", shelf), encoding="utf-8")
        (folder / "projects" / "trucks.yaml").write_text(TRUCKS, encoding="utf-8")
        (folder / "ontokit.yaml").write_text("projects: [projects/*.yaml]\n", encoding="utf-8")
    run = ontokit("diff", "old/ontokit.yaml", "new/ontokit.yaml", "--format", "json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert blocks(run)["Trucks"]["changes"] == [("delete", "option", DROP_B, "destructive")]


def test_a_project_file_and_an_ontology_file_do_not_compare(tmp_path: Path) -> None:
    (tmp_path / "project.yaml").write_text(INLINE, encoding="utf-8")
    (tmp_path / "ontology.yaml").write_text(SHARED, encoding="utf-8")
    run = ontokit("diff", "ontology.yaml", "project.yaml", cwd=tmp_path)
    assert run.returncode == 1 and run.stdout == ""
    [line] = run.stderr.splitlines()
    assert line.startswith("error: ") and "one kind" in line


def test_a_base_definition_without_a_workspace_keeps_the_repository_as_its_root(tmp_path: Path) -> None:
    """The base revision is read from a scratch folder without `.git`: a project file with no
    workspace that uses `../ontology.yaml` is inside the repository there too, as it is for plan."""
    root = init_repo(tmp_path / "repo", {"ontology.yaml": SHARED, "projects/trucks.yaml": TRUCKS})
    git("branch", "-M", "main", cwd=root)
    (root / "ontology.yaml").write_text(SHARED.replace("[A, B]", "[A]"), encoding="utf-8")
    gate = ontokit("diff", "--base", "main", "--fail-on", "destructive", cwd=root)
    assert gate.returncode == 3, gate.stdout + gate.stderr
    assert "path-outside-root" not in gate.stderr
    assert (
        'Project "Trucks", from projects/trucks.yaml:\n  - Shelf › option "B" [destructive]\n' in gate.stdout
    )


def test_a_base_definition_leading_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    outside = TRUCKS.replace("../ontology.yaml", "../../ontology.yaml")
    root = init_repo(tmp_path / "repo", {"projects/trucks.yaml": outside})
    (tmp_path / "ontology.yaml").write_text(SHARED, encoding="utf-8")  # there, but outside
    git("branch", "-M", "main", cwd=root)
    (root / "projects/trucks.yaml").write_text(outside.replace("Trucks", "Lorries"), encoding="utf-8")
    gate = ontokit("diff", "--base", "main", cwd=root)
    assert gate.returncode == 1, gate.stdout + gate.stderr
    assert "main:projects/trucks.yaml:2:11: error[path-outside-root]" in gate.stderr
    assert "ontokit-diff-" not in gate.stderr  # never the scratch folder
