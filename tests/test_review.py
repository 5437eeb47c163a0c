"""``ontokit diff`` (two files, or the working tree against a git revision) and ``ontokit show``: the real
command line in subprocesses, in scratch git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import clean_env, run_ontokit

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "examples" / "ci" / "github" / "ontokit-review.yml"

ONTOLOGY = """\
tools:
  - title: Vehicle
    key: vehicle
    type: bounding-box
    shortcutKey: "1"
    classifications:
      - title: Kind
        type: radio
        options: [Car, Truck, Bus]
        classifications:
          - title: Axles
            type: text
            parentOptionId: Truck
classifications:
  - title: Weather
    type: radio
    options: [Sun, Rain]
"""

#: A title rename of an item with a `key:` (same schemaId: annotations kept, but exports read the new
#: title: breaking-export) and a removed option (destructive).
RENAMED_AND_REMOVED = ONTOLOGY.replace("title: Vehicle", "title: Road vehicle").replace(
    "[Car, Truck, Bus]", "[Car, Truck]"
)
RENAMED = ONTOLOGY.replace("title: Vehicle", "title: Road vehicle")
NOW_REQUIRED = ONTOLOGY.replace(
    "    type: radio\n    options: [Sun, Rain]",
    "    type: radio\n    required: true\n    options: [Sun, Rain]",
)
INVALID = ONTOLOGY.replace("type: text", "type: radio")  # a radio without options
SAFE_ONLY = ONTOLOGY.replace('shortcutKey: "1"', 'shortcutKey: "2"')
#: An option's value text changed, its id kept (its `key:` is the old value): Ango's export writes
#: a radio answer as the value text (finding 4).
NEW_VALUE_TEXT = ONTOLOGY.replace("options: [Sun, Rain]", "options: [Sun, {value: Rainy, key: Rain}]")

SAFE_AND_DESTRUCTIVE = [
    ("update", "breaking-export", "Road vehicle"),
    ("delete", "destructive", 'Vehicle › Kind › option "Bus"'),
]


# -- helpers ------------------------------------------------------------------------------------------


ontokit = run_ontokit


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, check=True
    ).stdout


def commit(repo: Path, message: str) -> None:
    git("add", "-A", cwd=repo)
    git("commit", "-q", "--no-verify", "-m", message, cwd=repo)


def changes(run: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str]]:
    doc = json.loads(run.stdout)
    return [(c["action"], c["impact"], c["path"]) for p in doc["projects"] for c in p["changes"]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one committed ontology and a CI workflow (another tool's YAML)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    root.mkdir()
    git("init", "-q", cwd=root)
    for key, value in (
        ("user.name", "Test"),
        ("user.email", "test@example.com"),
        ("commit.gpgsign", "false"),
    ):
        git("config", key, value, cwd=root)
    (root / "ontology.yaml").write_text(ONTOLOGY, encoding="utf-8")
    (root / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(WORKFLOW, root / ".github" / "workflows" / "ontokit.yml")
    commit(root, "the ontology")
    return root


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(ONTOLOGY, encoding="utf-8")
    new.write_text(RENAMED_AND_REMOVED, encoding="utf-8")
    return old, new


# -- two files ------------------------------------------------------------------------------------------
def test_diff_two_files_text(pair: tuple[Path, Path]) -> None:
    old, new = pair
    run = ontokit("diff", old.name, new.name, cwd=old.parent)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Compared: old.yaml → new.yaml",
        "",
        "! 1 destructive change would orphan existing annotations:",
        '  - Vehicle › Kind › option "Bus": existing answers of option "Bus" would be orphaned',
        "",
        "! 1 breaking-export change would change what exports read (annotations kept):",
        "  ~ tool Road vehicle: exports and export plugins name it by its title: what they read as "
        "'Vehicle' becomes 'Road vehicle'",
        "",
        "Ontology file new.yaml:",
        "  ~ tool Road vehicle [breaking-export]",
        '      title: "Vehicle" → "Road vehicle"',
        "      # why: exports and export plugins name it by its title: what they read as 'Vehicle' becomes "
        "'Road vehicle'",
        '  - Vehicle › Kind › option "Bus" [destructive]',
        '      # why: existing answers of option "Bus" would be orphaned',
        "",
        "Plan: 0 to add, 1 to change, 1 to remove, 0 to move, 0 to reorder (1 destructive, 1 breaking-export).",
    ]


def test_diff_two_files_json(pair: tuple[Path, Path]) -> None:
    old, new = pair
    run = ontokit("diff", old.name, new.name, "--format", "json", cwd=old.parent)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert (doc["kind"], doc["hub"], doc["has_changes"]) == ("diff", "old.yaml → new.yaml", True)
    assert doc["summary"]["destructive"] == 1 and doc["summary"]["breaking_export"] == 1
    assert changes(run) == SAFE_AND_DESTRUCTIVE
    update = doc["projects"][0]["changes"][0]
    assert update["attributes"] == [
        {"name": "title", "before": "Vehicle", "after": "Road vehicle", "sensitive": False}
    ]


def test_diff_two_files_markdown(pair: tuple[Path, Path]) -> None:
    old, new = pair
    run = ontokit("diff", old.name, new.name, "--format", "markdown", cwd=old.parent)
    assert run.returncode == 0, run.stderr
    md = run.stdout
    assert md.startswith("### ontokit diff\n")
    assert "Compared: `old.yaml → new.yaml`" in md
    assert "> [!CAUTION]" in md and '`Vehicle › Kind › option "Bus"`' in md
    assert (
        "| ontology file | create | update | delete | move | reorder | destructive | breaking-export "
        "| data-dependent |"
    ) in md
    assert "```diff" in md and "```mermaid" not in md


def test_diff_needs_two_files(pair: tuple[Path, Path]) -> None:
    old, _ = pair
    run = ontokit("diff", old.name, cwd=old.parent)
    assert run.returncode == 1 and "Usage:" in run.stderr


def test_diff_of_a_missing_file_is_one_error(pair: tuple[Path, Path]) -> None:
    old, _ = pair
    run = ontokit("diff", old.name, "missing.yaml", cwd=old.parent)
    assert run.returncode == 1
    assert "missing.yaml" in run.stderr and run.stdout == ""


def test_identical_files_have_no_changes(pair: tuple[Path, Path]) -> None:
    old, _ = pair
    run = ontokit("diff", old.name, old.name, "--detailed-exitcode", "--fail-on", "any", cwd=old.parent)
    assert run.returncode == 0
    assert "No changes" in run.stdout


def test_no_changes_does_not_talk_about_a_hub(pair: tuple[Path, Path]) -> None:
    old, _ = pair
    run = ontokit("diff", old.name, old.name, cwd=old.parent)
    assert "No changes" in run.stdout and "hub" not in run.stdout.lower()


def test_diagnostics_of_the_old_file_name_the_old_file(pair: tuple[Path, Path]) -> None:
    old, new = pair
    old.write_text(INVALID, encoding="utf-8")
    run = ontokit("diff", old.name, new.name, cwd=old.parent)
    assert run.returncode == 1
    [line] = [line for line in run.stderr.splitlines() if "error[" in line]
    assert line.startswith("old.yaml:12:"), line


# -- finding 3 and 4, their exact inputs, through the command line -----------------------------------
TREE = "classifications:\n  - title: Aisle\n    type: tree-dropdown\n    treeOptions: {options}\n"
RADIO = "classifications:\n  - title: Aisle\n    type: radio\n    options: {options}\n"


@pytest.mark.parametrize("shape", [TREE, RADIO], ids=["tree", "radio"])
def test_snacks_to_dairy_is_not_called_a_rename(tmp_path: Path, shape: str) -> None:
    """Finding 3: `[Drinks, Snacks]` → `[Drinks, Dairy]` said "probably a rename ... pin the old
    schemaId on Dairy", advice that would turn every Snacks answer into Dairy."""
    (tmp_path / "old.yaml").write_text(shape.format(options="[Drinks, Snacks]"), encoding="utf-8")
    (tmp_path / "new.yaml").write_text(shape.format(options="[Drinks, Dairy]"), encoding="utf-8")
    run = ontokit("diff", "old.yaml", "new.yaml", "--fail-on", "destructive", cwd=tmp_path)
    assert run.returncode == 3
    assert "rename" not in run.stdout and "schemaId" not in run.stdout
    assert "Snacks" in run.stdout and "would be orphaned" in run.stdout


BEFORE = """tools:
  - title: Vehicle
    key: vehicle
    type: bounding-box
    classifications:
      - title: Kind
        key: kind
        type: radio
        options: [Car, Truck]
"""


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("options: [Car, Truck]", "options: [Car, {value: Lorry, key: Truck}]", id="value-text"),
        pytest.param("key: kind\n", "key: kind\n        exportName: vehicle_kind\n", id="exportName"),
        pytest.param("title: Vehicle", "title: Road vehicle", id="class-title"),
        pytest.param("key: kind\n", "key: kind\n        frameSpecific: true\n", id="frameSpecific"),
        pytest.param("key: kind\n", "key: kind\n        multiple: true\n", id="multiple"),
    ],
)
def test_changes_that_break_exports_are_gated(tmp_path: Path, old: str, new: str) -> None:
    """Finding 4: these were all "safe", and even `--fail-on data-dependent` exited 0."""
    assert old in BEFORE
    (tmp_path / "old.yaml").write_text(BEFORE, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(BEFORE.replace(old, new), encoding="utf-8")
    shown = ontokit("diff", "old.yaml", "new.yaml", "--format", "json", cwd=tmp_path)
    assert [c[1] for c in changes(shown)] == ["breaking-export"]
    gates = {
        level: ontokit("diff", "old.yaml", "new.yaml", "--fail-on", level, cwd=tmp_path).returncode
        for level in ("destructive", "breaking-export", "data-dependent")
    }
    assert gates == {"destructive": 0, "breaking-export": 3, "data-dependent": 3}


# -- against a git revision ---------------------------------------------------------------------------
@pytest.fixture
def second_commit(repo: Path) -> Path:
    """A second commit that renames the keyed tool and removes option Bus."""
    (repo / "ontology.yaml").write_text(RENAMED_AND_REMOVED, encoding="utf-8")
    commit(repo, "rename Vehicle, drop Bus")
    return repo


def test_base_text(second_commit: Path) -> None:
    run = ontokit("diff", "--base", "HEAD~1", cwd=second_commit)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.startswith("Compared: HEAD~1 → working tree\n")
    assert "Ontology file ontology.yaml:\n  ~ tool Road vehicle [breaking-export]\n" in out
    assert '      title: "Vehicle" → "Road vehicle"\n' in out
    assert '  - Vehicle › Kind › option "Bus" [destructive]\n' in out
    assert out.rstrip().endswith("(1 destructive, 1 breaking-export).")
    assert "ontokit.yml" not in out  # the workflow is not an ontology


def test_base_json(second_commit: Path) -> None:
    run = ontokit("diff", "--base", "HEAD~1", "--format", "json", cwd=second_commit)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert (doc["kind"], doc["hub"]) == ("diff", "HEAD~1 → working tree")
    assert [p["name"] for p in doc["projects"]] == ["ontology.yaml"]
    assert changes(run) == SAFE_AND_DESTRUCTIVE


def test_base_markdown(second_commit: Path) -> None:
    run = ontokit("diff", "--base", "HEAD~1", "--format", "markdown", cwd=second_commit)
    assert run.returncode == 0, run.stderr
    md = run.stdout
    assert "> [!CAUTION]\n> **1 destructive change** would orphan existing annotations:" in md
    assert '> - delete option `Vehicle › Kind › option "Bus"`' in md
    assert (
        "| ontology file | create | update | delete | move | reorder | destructive | breaking-export "
        "| data-dependent |"
    ) in md
    row = next(line for line in md.splitlines() if line.startswith("| ontology.yaml"))
    assert row.endswith("| 0 | 1 | 1 | 0 | 0 | 1 | 1 | 0 |")
    assert "<details>" in md and "```mermaid" not in md


def test_markdown_table_does_not_call_a_changed_file_new(second_commit: Path) -> None:
    run = ontokit("diff", "--base", "HEAD~1", "--format", "markdown", cwd=second_commit)
    row = next(line for line in run.stdout.splitlines() if line.startswith("| ontology.yaml"))
    assert row == "| ontology.yaml | 0 | 1 | 1 | 0 | 0 | 1 | 1 | 0 |"  # a changed file, not a "(new)" project


def test_base_markdown_diagram(second_commit: Path) -> None:
    run = ontokit("diff", "--base", "HEAD~1", "--format", "markdown", "--diagram", cwd=second_commit)
    assert run.returncode == 0, run.stderr
    md = run.stdout
    assert md.count("```mermaid\nflowchart LR\n") == 2  # after (the update) and before (the deletion)
    assert "#### ontology file ontology.yaml (after: update)" in md
    assert "#### ontology file ontology.yaml (before: delete)" in md
    assert "classDef delete" in md and '(["Bus"])' in md
    assert md.rstrip().endswith("```")


def test_working_tree_edit_against_head(repo: Path) -> None:
    (repo / "ontology.yaml").write_text(RENAMED_AND_REMOVED, encoding="utf-8")
    run = ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert changes(run) == SAFE_AND_DESTRUCTIVE


def test_from_a_subfolder(second_commit: Path) -> None:
    sub = second_commit / "docs"
    sub.mkdir()
    run = ontokit("diff", "--base", "HEAD~1", "--format", "json", cwd=sub)
    assert run.returncode == 0, run.stderr
    assert changes(run) == SAFE_AND_DESTRUCTIVE


def test_paths_limit_the_files(repo: Path) -> None:
    (repo / "other").mkdir()
    (repo / "other" / "more.yaml").write_text(ONTOLOGY, encoding="utf-8")
    (repo / "ontology.yaml").write_text(RENAMED, encoding="utf-8")
    only_other = ontokit("diff", "--base", "HEAD", "other", "--format", "json", cwd=repo)
    assert [p["name"] for p in json.loads(only_other.stdout)["projects"]] == ["other/more.yaml"]
    only_ontology = ontokit("diff", "--base", "HEAD", "ontology.yaml", "--format", "json", cwd=repo)
    assert [p["name"] for p in json.loads(only_ontology.stdout)["projects"]] == ["ontology.yaml"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(RENAMED_AND_REMOVED, 2, id="changes"),
        pytest.param(ONTOLOGY, 0, id="no-changes"),
    ],
)
def test_detailed_exitcode(repo: Path, content: str, code: int) -> None:
    (repo / "ontology.yaml").write_text(content, encoding="utf-8")
    run = ontokit("diff", "--base", "HEAD", "--detailed-exitcode", cwd=repo)
    assert run.returncode == code, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("content", "fail_on", "code"),
    [
        pytest.param(RENAMED_AND_REMOVED, "destructive", 3, id="destructive-with-destructive"),
        pytest.param(SAFE_ONLY, "destructive", 0, id="destructive-with-only-safe"),
        pytest.param(RENAMED, "destructive", 0, id="destructive-with-breaking-export"),
        pytest.param(NOW_REQUIRED, "destructive", 0, id="destructive-with-data-dependent"),
        pytest.param(RENAMED_AND_REMOVED, "breaking-export", 3, id="breaking-export-with-destructive"),
        pytest.param(RENAMED, "breaking-export", 3, id="breaking-export-with-breaking-export"),
        pytest.param(NEW_VALUE_TEXT, "breaking-export", 3, id="breaking-export-with-new-value-text"),
        pytest.param(NOW_REQUIRED, "breaking-export", 0, id="breaking-export-with-data-dependent"),
        pytest.param(NOW_REQUIRED, "data-dependent", 3, id="data-dependent-with-data-dependent"),
        pytest.param(RENAMED, "data-dependent", 3, id="data-dependent-with-breaking-export"),
        pytest.param(RENAMED_AND_REMOVED, "data-dependent", 3, id="data-dependent-with-destructive"),
        pytest.param(SAFE_ONLY, "data-dependent", 0, id="data-dependent-with-only-safe"),
        pytest.param(SAFE_ONLY, "any", 3, id="any-with-safe"),
        pytest.param(ONTOLOGY, "any", 0, id="any-without-changes"),
    ],
)
def test_fail_on(repo: Path, content: str, fail_on: str, code: int) -> None:
    (repo / "ontology.yaml").write_text(content, encoding="utf-8")
    run = ontokit("diff", "--base", "HEAD", "--fail-on", fail_on, cwd=repo)
    assert run.returncode == code, run.stdout + run.stderr
    assert run.stdout  # the diff is shown either way
    if code == 3:
        [line] = run.stderr.splitlines()
        assert line.startswith("error: ") and f"--fail-on {fail_on}" in line
    else:
        assert run.stderr == ""


def test_fail_on_wins_over_detailed_exitcode(repo: Path) -> None:
    (repo / "ontology.yaml").write_text(RENAMED_AND_REMOVED, encoding="utf-8")
    run = ontokit("diff", "--base", "HEAD", "--detailed-exitcode", "--fail-on", "destructive", cwd=repo)
    assert run.returncode == 3


def test_impacts_of_a_data_dependent_change(repo: Path) -> None:
    (repo / "ontology.yaml").write_text(NOW_REQUIRED, encoding="utf-8")
    run = ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert changes(run) == [("update", "data-dependent", "Weather")]


def test_added_file_shows_creates(repo: Path) -> None:
    (repo / "weather.yaml").write_text(  # untracked: still part of the working tree
        "classifications:\n  - {title: Light, type: radio, options: [Day, Night]}\n", encoding="utf-8"
    )
    run = ontokit("diff", "--base", "HEAD", "--format", "json", "--fail-on", "destructive", cwd=repo)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert [p["name"] for p in doc["projects"]] == ["weather.yaml"]
    assert changes(run) == [("create", "safe", "Light")]
    assert doc["projects"][0]["changes"][0]["nested"] == 2
    text = ontokit("diff", "--base", "HEAD", cwd=repo).stdout
    assert "Ontology file weather.yaml (added):" in text


def test_deleted_file_shows_destructive_deletes(repo: Path) -> None:
    (repo / "ontology.yaml").unlink()
    run = ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert changes(run) == [("delete", "destructive", "Vehicle"), ("delete", "destructive", "Weather")]
    assert ontokit("diff", "--base", "HEAD", "--fail-on", "destructive", cwd=repo).returncode == 3
    assert "Ontology file ontology.yaml (deleted):" in ontokit("diff", "--base", "HEAD", cwd=repo).stdout


def test_a_moved_file_is_not_destructive(repo: Path) -> None:
    """A moved ontology file keeps its ids (they derive from its content, not its path)."""
    (repo / "ontologies").mkdir()
    git("mv", "ontology.yaml", "ontologies/roads.yaml", cwd=repo)
    run = ontokit("diff", "--base", "HEAD", "--fail-on", "destructive", "--detailed-exitcode", cwd=repo)
    assert run.returncode == 0, run.stdout
    assert "Ontology file ontologies/roads.yaml (moved from ontology.yaml): no changes." in run.stdout
    (repo / "ontologies" / "roads.yaml").write_text(RENAMED_AND_REMOVED, encoding="utf-8")  # moved and edited
    moved = ontokit("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert changes(moved) == SAFE_AND_DESTRUCTIVE


def test_file_names_git_would_quote_are_diffed(repo: Path) -> None:
    """Names with a non-ASCII letter, a quote, a tab or a space (git quotes them in its listings
    unless -z): each edited, moved, added file is diffed. They went unreported, and past --fail-on."""
    edited = ["é.yaml", 'a"b.yaml', "tab\tx.yaml", "sp ace.yaml"]
    for name in [*edited, "ö-old.yaml"]:
        (repo / name).write_text(ONTOLOGY, encoding="utf-8")
    commit(repo, "names")
    for name in edited:
        (repo / name).write_text(RENAMED_AND_REMOVED, encoding="utf-8")
    git("mv", "ö-old.yaml", "ö-new.yaml", cwd=repo)
    (repo / "ö-new.yaml").write_text(RENAMED_AND_REMOVED, encoding="utf-8")
    (repo / "ñew.yaml").write_text(ONTOLOGY, encoding="utf-8")  # untracked
    run = ontokit("diff", "--base", "HEAD", "--format", "json", "--fail-on", "destructive", cwd=repo)
    assert run.returncode == 3, run.stderr
    names = sorted(p["name"] for p in json.loads(run.stdout)["projects"])
    assert names == sorted([*edited, "ö-new.yaml", "ñew.yaml"]), names
    by_name = {p["name"]: p for p in json.loads(run.stdout)["projects"]}
    moved = [(c["action"], c["impact"], c["path"]) for c in by_name["ö-new.yaml"]["changes"]]
    assert moved == SAFE_AND_DESTRUCTIVE  # moved: diffed against its old content, not as new


def test_other_yaml_is_ignored(repo: Path) -> None:
    workflow = repo / ".github" / "workflows" / "ontokit.yml"
    workflow.write_text(
        workflow.read_text(encoding="utf-8").replace("name: ontokit", "name: ontokit-ci"), encoding="utf-8"
    )
    (repo / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    run = ontokit("diff", "--base", "HEAD", "--format", "json", "--detailed-exitcode", cwd=repo)
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout)["projects"] == []


def test_other_yaml_with_a_duplicate_key_is_ignored(repo: Path) -> None:
    compose = repo / "compose.yml"
    compose.write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    commit(repo, "compose")
    compose.write_text("services:\n  web:\n    image: nginx\n  web:\n    image: redis\n", encoding="utf-8")
    run = ontokit("diff", "--base", "HEAD", "--detailed-exitcode", cwd=repo)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "compose.yml" not in run.stdout + run.stderr


def test_bad_ref_is_a_one_line_error(repo: Path) -> None:
    run = ontokit("diff", "--base", "no-such-branch", cwd=repo)
    assert run.returncode == 1
    assert run.stdout == ""
    [line] = run.stderr.splitlines()
    assert line.startswith("error: ") and "no-such-branch" in line


def test_outside_a_git_repository_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "ontology.yaml").write_text(ONTOLOGY, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "ontology_kit", "diff", "--base", "HEAD"],
        cwd=tmp_path,
        env={**clean_env(), "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 1
    [line] = run.stderr.splitlines()
    assert line.startswith("error: ") and "Traceback" not in run.stderr


@pytest.mark.parametrize("side", ["working-tree", "base"])
def test_invalid_version_prints_diagnostics(repo: Path, side: str) -> None:
    if side == "base":
        (repo / "ontology.yaml").write_text(INVALID, encoding="utf-8")
        commit(repo, "broken")
        (repo / "ontology.yaml").write_text(ONTOLOGY, encoding="utf-8")
    else:
        (repo / "ontology.yaml").write_text(INVALID, encoding="utf-8")
    run = ontokit("diff", "--base", "HEAD", cwd=repo)
    assert run.returncode == 1
    [line] = [line for line in run.stderr.splitlines() if "error[" in line]
    assert "error[missing-options]" in line and ":12:" in line
    if side == "working-tree":  # a path:line:col that editors and CI annotations can open
        assert line.startswith("ontology.yaml:12:"), line
    else:  # the base version says which revision it is
        assert "HEAD" in line.split(":12:")[0] and "ontology.yaml" in line, line
    assert "Plan:" not in run.stdout


# -- ontokit show ---------------------------------------------------------------------------------------
SHOWN = """\
tools:
  - title: Vehicle
    key: vehicle
    type: bounding-box
    color: "#E53935"
    shortcutKey: "1"
    classifications:
      - title: Kind
        type: radio
        color: "#1E88E5"
        required: true
        options: [Car, Truck]
        classifications:
          - title: Axles
            type: text
            color: "#43A047"
            parentOptionId: Truck
classifications:
  - title: Weather
    type: tree-dropdown
    color: "#FDD835"
    shortcutKey: "2"
    treeOptions:
      - title: Rain
        children: [Light, Heavy]
      - Sun
    classifications:
      - title: Wipers
        type: boolean
        color: "#8E24AA"
        parentOptionId: Rain / Light
relations:
  - title: Tows
    type: one-to-one
    color: "#00ACC1"
"""


@pytest.fixture
def shown(tmp_path: Path) -> Path:
    path = tmp_path / "ontology.yaml"
    path.write_text(SHOWN, encoding="utf-8")
    return path


def test_show_tree(shown: Path) -> None:
    run = ontokit("show", shown.name, cwd=shown.parent)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "tools (1)",
        "└─ Vehicle  (bounding-box, key vehicle, shortcut 1) #E53935",
        "   └─ Kind  (radio, required) #1E88E5",
        "      ├─ • Car",
        "      ├─ • Truck",
        "      └─ Axles  (text) #43A047  ⟵ when 'Truck'",
        "classifications (1)",
        "└─ Weather  (tree-dropdown, shortcut 2) #FDD835",
        "   ├─ ▸ Rain",
        "   │  ├─ ▸ Light",
        "   │  └─ ▸ Heavy",
        "   ├─ ▸ Sun",
        "   └─ Wipers  (boolean) #8E24AA  ⟵ when 'Rain / Light'",
        "relations (1)",
        "└─ Tows  (one-to-one) #00ACC1",
    ]
    assert "\x1b[" not in run.stdout  # not a terminal: no colors


def test_show_mermaid(shown: Path) -> None:
    run = ontokit("show", shown.name, "--format", "mermaid", cwd=shown.parent)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:2] == ["```mermaid", "flowchart LR"] and lines[-1] == "```"
    body = "\n".join(lines)
    for title, tool in (
        ("Vehicle", "bounding-box"),
        ("Kind", "radio"),
        ("Axles", "text"),
        ("Tows", "one-to-one"),
    ):
        assert f'["{title}<br/><small>{tool}</small>"]' in body

    def node(label: str) -> str:  # the Mermaid id of the node whose label starts with `label`
        [found] = [
            line.split("[")[0].split("(")[0].strip()
            for line in lines
            if f'["{label}' in line or f'(["{label}"' in line
        ]
        return found

    assert f"  {node('Truck')} -. when .-> {node('Axles')}" in lines
    # a tree-dropdown's options are drawn as its tree; a question hangs under the node that shows it
    assert f"  {node('Rain')} --- {node('Light')}" in lines
    assert f"  {node('Light')} -. when .-> {node('Wipers')}" in lines


def test_show_every_example() -> None:
    for example in sorted((ROOT / "examples" / "ontologies").glob("*.yaml")):
        run = ontokit("show", str(example), cwd=ROOT)
        assert run.returncode == 0, (example, run.stderr)
        assert run.stdout.startswith(("tools (", "classifications (", "relations ("))


@pytest.mark.parametrize("fmt", ["tree", "mermaid"])
def test_show_invalid_file_prints_diagnostics(tmp_path: Path, fmt: str) -> None:
    bad = "tools:\n  - title: Car\n    type: bounding-box\n    colr: '#FFFFFF'\n"
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    run = ontokit("show", "bad.yaml", "--format", fmt, cwd=tmp_path)
    assert run.returncode == 1
    assert "bad.yaml:4:5: error[unknown-field]" in run.stdout + run.stderr
    assert "tools (" not in run.stdout and "```mermaid" not in run.stdout


def test_show_missing_file(tmp_path: Path) -> None:
    run = ontokit("show", "nope.yaml", cwd=tmp_path)
    assert run.returncode == 1
    assert "error[file-not-found]" in run.stdout + run.stderr


def test_show_a_project_definition_shows_its_ontology(tmp_path: Path) -> None:
    (tmp_path / "ontology.yaml").write_text(SHOWN, encoding="utf-8")
    (tmp_path / "project.yaml").write_text("name: Roads\nontology: ontology.yaml\n", encoding="utf-8")
    run = ontokit("show", "project.yaml", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ontokit("show", "ontology.yaml", cwd=tmp_path).stdout  # keys included
    assert "unknown field" not in run.stderr
