"""plan and apply end to end: the command line (in this process, as :func:`conftest.invoke_ontokit`
runs it; a real subprocess where the process matters), against the embedded hub of a temporary
workspace or a served local Hub that the official Ango SDK also talks to.

Every test builds a small workspace (``ontokit.yaml``, project files, one shared ontology file) in
``tmp_path`` with a ``.git/`` folder, so the embedded hub lands in ``tmp_path/ws/.ontokit/``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import LocalHub, invoke_ontokit
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)

from ontology_kit import compile_file
from ontology_kit.client import HubClient, HubTarget, open_client
from ontology_kit.hub import start_server

ROOT = Path(__file__).resolve().parent.parent

SECRET = "super-secret-value-123"
HOOK_URL = "https://hooks.example.com/demo"

ONTOLOGY = """\
tools:
  - title: Vehicle
    key: vehicle
    type: bounding-box
    classifications:
      - title: Kind
        key: kind
        type: radio
        options: [Car, Truck]
      - title: Occluded
        type: checkbox
        options: [Yes, No]
  - title: Pedestrian
    type: polygon
classifications:
  - title: Weather
    type: radio
    options: [Sun, Rain]
  - title: Notes
    type: text
"""


def project_yaml(
    name: str,
    *,
    batches: tuple[str, ...] = ("Week 1", "Week 2"),
    webhook: bool = True,
    project_id: str | None = None,
    description: str = "",
) -> str:
    lines = [f"name: {json.dumps(name)}"]
    if description:
        lines.append(f"description: {json.dumps(description)}")
    if project_id:
        lines.append(f"id: {json.dumps(project_id)}")
    lines.append("ontology: ../ontology.yaml")
    lines.append("batches: [" + ", ".join(json.dumps(b) for b in batches) + "]")
    if webhook:
        lines += [
            "webhooks:",
            f"  - url: {HOOK_URL}",
            "    types: [COMPLETED, ACCEPTED]",
            "    secret: {env: HOOK_SECRET}",
        ]
    return "\n".join(lines) + "\n"


#: Set by the ``bytecode_cache`` fixture: where the subprocesses keep their bytecode.
_BYTECODE: dict[str, str] = {}


def base_env(**extra: str) -> dict[str, str]:
    """The environment of every run: no hub, key, secret or debug flag leaking in from outside."""
    dropped = (
        "ONTOKIT_HUB",
        "ANGO_API_KEY",
        "ONTOKIT_DEBUG",
        "HOOK_SECRET",
        "FORCE_COLOR",
        "PYTHONDONTWRITEBYTECODE",
        "ONTOKIT_PLAN_KEY",
    )
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(NO_COLOR="1", ONTOKIT_HTTP_ATTEMPTS="2", HOOK_SECRET=SECRET, **_BYTECODE)
    env.update(extra)
    return env


@dataclass
class Run:
    args: tuple[str, ...]
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:  # shown by pytest when an assertion on a run fails
        return f"ontokit {' '.join(self.args)} -> {self.code}\n--- stdout\n{self.out}--- stderr\n{self.err}"


def ontokit(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    inprocess: bool = False,
) -> Run:
    """Run the real CLI in a subprocess (stdin: the given text, else nothing; never a terminal); with
    ``inprocess``, the same in this process (:func:`conftest.invoke_ontokit`)."""
    if inprocess:
        return Run(args, *invoke_ontokit(*args, cwd=cwd, env=env or base_env(), stdin=stdin))
    proc = subprocess.run(
        [sys.executable, "-m", "ontology_kit", *args],
        cwd=cwd,
        env=env or base_env(),
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Run(args, proc.returncode, proc.stdout, proc.stderr)


@dataclass
class Workspace:
    """A workspace folder, and the hub its commands use (embedded unless ``hub`` is set)."""

    root: Path
    hub: LocalHub | None = None
    runs: list[Run] = field(default_factory=list)
    #: Commands run in this process (:func:`conftest.invoke_ontokit`) rather than in a subprocess.
    inprocess: bool = False

    @property
    def ontology(self) -> Path:
        return self.root / "ontology.yaml"

    def env(self, **extra: str) -> dict[str, str]:
        return base_env(**({"ANGO_API_KEY": self.hub.key} if self.hub else {}), **extra)

    def run(self, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Run:
        """``ontokit ARGS`` in the workspace; ``--hub URL`` added for a served hub."""
        if self.hub is not None and args[0] in ("plan", "apply", "restore"):
            args = (*args, "--hub", str(self.hub.url))
        result = ontokit(*args, cwd=self.root, env=env or self.env(), stdin=stdin, inprocess=self.inprocess)
        self.runs.append(result)
        return result

    def plan_json(self, *args: str) -> dict[str, Any]:
        result = self.run("plan", "--format", "json", *args)
        assert result.code in (0, 2), result
        return result.json()  # type: ignore[no-any-return]

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not in {rel} exactly once"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def client(self) -> HubClient:
        """ontokit's client for the same hub the commands use (to read it back, or to change it)."""
        if self.hub is not None:
            return self.hub.client("http")
        return open_client(HubTarget("embedded", "embedded", self.root / ".ontokit" / "hub.sqlite3"))

    def snapshot(self) -> dict[str, Any]:
        """Everything the hub holds for this organization: full project documents and webhooks."""
        with self.client() as c:
            return {
                p["_id"]: {"project": c.get_project(p["_id"]), "webhooks": c.list_webhooks(p["_id"])}
                for p in c.iter_projects()
            }

    def live(self, name: str) -> dict[str, Any]:
        """The one hub project called ``name``, with its webhooks under ``"webhooks"``."""
        found = [v for v in self.snapshot().values() if v["project"]["name"] == name]
        assert len(found) == 1, f"{len(found)} projects named {name!r} on the hub"
        return {**found[0]["project"], "webhooks": found[0]["webhooks"]}


def make_workspace(
    root: Path, projects: dict[str, str] | None = None, hub: LocalHub | None = None, inprocess: bool = False
) -> Workspace:
    """``root`` with .git/, ontokit.yaml (projects/*.yaml), ontology.yaml and the given project files."""
    (root / ".git").mkdir(parents=True)
    ws = Workspace(root, hub, inprocess=inprocess)
    ws.write("ontokit.yaml", "projects:\n  - projects/*.yaml\n")
    ws.write("ontology.yaml", ONTOLOGY)
    for name, text in (projects or {"demo": project_yaml("Demo")}).items():
        ws.write(f"projects/{name}.yaml", text)
    return ws


def changes(plan: dict[str, Any], project: int = 0) -> list[tuple[str, str, str, str]]:
    return [(c["action"], c["kind"], c["path"], c["impact"]) for c in plan["projects"][project]["changes"]]


def the_change(plan: dict[str, Any], project: int = 0) -> dict[str, Any]:
    (only,) = plan["projects"][project]["changes"]
    return only  # type: ignore[no-any-return]


def attributes(change: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {a["name"]: (a["before"], a["after"]) for a in change["attributes"]}


def assert_one_line_error(result: Run, *needles: str) -> None:
    assert result.code == 1, result
    assert "Traceback" not in result.err and "internal error" not in result.err, result
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "\n" not in errors[0], result
    for needle in needles:
        assert needle in errors[0], result


# --- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def bytecode_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One bytecode cache, outside the repo, for every subprocess: with PYTHONDONTWRITEBYTECODE set
    (as it often is in containers), each run would compile ontokit again (~0.2 s a run)."""
    _BYTECODE["PYTHONPYCACHEPREFIX"] = str(tmp_path_factory.mktemp("pycache"))


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace with one project ("Demo"), on its embedded hub, nothing applied yet."""
    return make_workspace(tmp_path / "ws", inprocess=True)


@pytest.fixture(scope="module")
def applied_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose "Demo" project was applied once (copied by ``applied``: one apply per module)."""
    ws = make_workspace(tmp_path_factory.mktemp("template") / "ws", inprocess=True)
    result = ws.run("apply", "--auto-approve")
    assert result.code == 0, result
    return ws.root


@pytest.fixture
def applied(tmp_path: Path, applied_template: Path) -> Workspace:
    """A private copy of the applied workspace, its embedded hub included: the hub matches the YAML."""
    shutil.copytree(applied_template, tmp_path / "ws", symlinks=True)
    return Workspace(tmp_path / "ws", inprocess=True)


@pytest.fixture
def served(tmp_path: Path, local_hub: LocalHub) -> Workspace:
    """A workspace whose commands use the served local hub (``--hub URL`` + ``ANGO_API_KEY``)."""
    return make_workspace(tmp_path / "ws", hub=local_hub, inprocess=True)


@pytest.fixture
def sdk(lc: ModuleType, local_hub: LocalHub) -> Iterator[Any]:
    """The official Ango SDK, unchanged, on the served local hub."""
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)  # the SDK logs every HTTP error itself
    client = SDK(local_hub.key, host=local_hub.url)
    yield client
    client.session.close()


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """A copy of the repo's examples/ in a tmp folder with .git/, as in a fresh clone."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    shutil.copytree(ROOT / "examples", tmp_path / "repo" / "examples")
    return tmp_path / "repo"


# --- 1, 2: from nothing, then nothing to do ------------------------------------------------------------


def test_project_created_from_nothing(workspace: Workspace) -> None:
    workspace.inprocess = False  # once, end to end, the real command line in a subprocess
    plan = workspace.run("plan", "--detailed-exitcode")
    assert plan.code == 2, plan
    lines = plan.out.splitlines()
    for expected in (
        '+ project "Demo"',
        "+ tool Vehicle",
        "+ tool Pedestrian",
        "+ classification Weather",
        "+ classification Notes",
        '+ batch "Week 1"',
        '+ batch "Week 2"',
        f"+ webhook {HOOK_URL}",
    ):
        assert any(line.strip().startswith(expected) for line in lines), (expected, plan)
    assert 'Project "Demo" (new)' in plan.out
    assert "destructive" not in plan.out  # a new project has no annotations to lose

    applied = workspace.run("apply", "--auto-approve")
    assert applied.code == 0, applied
    assert "Apply complete" in applied.out

    live = workspace.live("Demo")
    assert live["categorySchema"] == compile_file(workspace.ontology)["categorySchema"]
    assert [b["name"] for b in live["batches"]] == ["Week 1", "Week 2"]
    (hook,) = live["webhooks"]
    assert hook["url"] == HOOK_URL and sorted(hook["types"]) == ["ACCEPTED", "COMPLETED"]
    assert hook["secret"]["set"] is True


def test_replan_right_after_apply_has_no_changes(workspace: Workspace) -> None:
    assert workspace.run("apply", "--auto-approve").code == 0
    again = workspace.run("plan", "--detailed-exitcode")
    assert again.code == 0, again
    assert "No changes" in again.out


# --- 3: each YAML edit gives exactly its change, with its impact -----------------------------------------

EDITS = [
    pytest.param(
        "title: Kind",
        "title: Category",
        [("update", "classification", "Vehicle › Category", "breaking-export")],
        {"title": ("Kind", "Category")},
        id="rename-keyed-title-breaking-export-update",
    ),
    pytest.param(
        "options: [Sun, Rain]",
        "exportName: weather\n    options: [Sun, Rain]",
        [("update", "classification", "Weather", "breaking-export")],
        {"exportName": (None, "weather")},
        id="export-name-breaking-export-update",
    ),
    pytest.param(
        "options: [Sun, Rain]",
        "frameSpecific: true\n    options: [Sun, Rain]",
        [("update", "classification", "Weather", "breaking-export")],
        {"frameSpecific": (False, True)},
        id="frame-specific-breaking-export-update",
    ),
    pytest.param(
        "options: [Sun, Rain]",
        "multiple: true\n    options: [Sun, Rain]",
        [("update", "classification", "Weather", "breaking-export")],
        {"multiple": (None, True)},
        id="multiple-breaking-export-update",
    ),
    pytest.param(
        "options: [Sun, Rain]",
        "color: '#123456'\n    options: [Sun, Rain]",
        [("update", "classification", "Weather", "safe")],
        None,
        id="color-safe-update",
    ),
    pytest.param(
        "options: [Car, Truck]",
        "options: [Car, Truck, Bus]",
        [("create", "option", 'Vehicle › Kind › option "Bus"', "safe")],
        None,
        id="add-option-safe-create",
    ),
    pytest.param(
        "  - title: Notes\n    type: text\n",
        "",
        [("delete", "classification", "Notes", "destructive")],
        None,
        id="remove-classification-destructive-delete",
    ),
    pytest.param(
        "type: polygon",
        "type: polyline",
        [("update", "tool", "Pedestrian", "destructive")],
        {"tool": ("polygon", "polyline")},
        id="change-type-destructive-update",
    ),
    pytest.param(
        "options: [Sun, Rain]",
        "required: true\n    options: [Sun, Rain]",
        [("update", "classification", "Weather", "data-dependent")],
        {"required": (False, True)},
        id="make-required-data-dependent-update",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected", "attrs"), EDITS)
def test_yaml_edit_gives_exactly_its_change(
    applied: Workspace,
    old: str,
    new: str,
    expected: list[tuple[str, str, str, str]],
    attrs: dict[str, tuple[Any, Any]] | None,
) -> None:
    applied.edit("ontology.yaml", old, new)
    result = applied.run("plan", "--format", "json", "--detailed-exitcode")
    assert result.code == 2, result
    plan = result.json()
    assert changes(plan) == expected
    if attrs is not None:
        assert attributes(the_change(plan)) == attrs


def test_rename_without_key_is_delete_plus_create_with_rename_hint(applied: Workspace) -> None:
    applied.edit("ontology.yaml", "title: Occluded", "title: Occluded object")
    plan = applied.plan_json()
    assert sorted(changes(plan)) == [
        ("create", "classification", "Vehicle › Occluded object", "safe"),
        ("delete", "classification", "Vehicle › Occluded", "destructive"),
    ]
    by_action = {c["action"]: c for c in plan["projects"][0]["changes"]}
    assert "probably a rename of Occluded to Occluded object" in by_action["delete"]["hint"]
    assert "probably a rename of Occluded" in by_action["create"]["hint"]


def test_replacement_without_key_has_no_rename_hint(applied: Workspace) -> None:
    applied.edit("ontology.yaml", "title: Occluded", "title: Hidden")
    plan = applied.plan_json()
    delete = next(c for c in plan["projects"][0]["changes"] if c["action"] == "delete")
    assert delete["hint"] is None and "orphaned" in delete["reasons"][0]


# --- 4, 5: what apply refuses ----------------------------------------------------------------------------


def test_apply_refuses_destructive_without_allow_destructive(applied: Workspace) -> None:
    applied.edit("ontology.yaml", "  - title: Notes\n    type: text\n", "")  # destructive
    applied.edit("ontology.yaml", "title: Kind", "title: Category")  # safe, refused along with it
    before = applied.snapshot()

    refused = applied.run("apply", "--auto-approve")
    assert refused.code == 3, refused
    assert "--allow-destructive" in refused.err and "Traceback" not in refused.err
    assert applied.snapshot() == before

    done = applied.run("apply", "--auto-approve", "--allow-destructive")
    assert done.code == 0, done
    assert applied.live("Demo")["categorySchema"] == compile_file(applied.ontology)["categorySchema"]
    assert applied.run("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize("stdin", [pytest.param(None, id="no-stdin"), pytest.param("no\n", id="piped-no")])
def test_apply_without_terminal_or_auto_approve_refuses(applied: Workspace, stdin: str | None) -> None:
    applied.inprocess = False  # a real process's stdin: nothing, or a pipe
    applied.edit("ontology.yaml", "title: Kind", "title: Category")
    before = applied.snapshot()
    refused = applied.run("apply", stdin=stdin)
    assert refused.code == 1, refused
    assert "--auto-approve" in refused.err and "Traceback" not in refused.err
    assert applied.snapshot() == before


# --- 6: saved plans ----------------------------------------------------------------------------------------


def test_saved_plan_applies_when_nothing_changed(applied: Workspace) -> None:
    applied.edit("ontology.yaml", "title: Kind", "title: Category")
    saved = applied.run("plan", "--out", "p.json")
    assert saved.code == 0 and (applied.root / "p.json").is_file(), saved
    applied.edit("ontology.yaml", "title: Category", "title: Something else")  # the file is what applies

    done = applied.run("apply", "p.json", "--auto-approve")
    assert done.code == 0, done
    kind = applied.live("Demo")["categorySchema"]["tools"][0]["classifications"][0]
    assert kind["title"] == "Category"


def _sdk_rename_vehicle(sdk: Any, pid: str) -> None:
    schema = sdk.get_project(pid)["data"]["project"]["categorySchema"]
    schema["tools"][0]["title"] = "Car-ish"
    assert sdk.create_label_set(pid, raw_category_schema=schema)["status"] == "success"


def _sdk_add_batch(sdk: Any, pid: str) -> None:
    assert sdk.create_batch(pid, "Added in the UI")["status"] == "success"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_sdk_rename_vehicle, id="create_label_set"),
        pytest.param(_sdk_add_batch, id="create_batch"),
    ],
)
def test_saved_plan_is_stale_after_an_sdk_change(served: Workspace, sdk: Any, change: Any) -> None:
    assert served.run("apply", "--auto-approve").code == 0
    served.edit("ontology.yaml", "title: Kind", "title: Category")
    assert served.run("plan", "--out", "p.json").code == 0
    change(sdk, served.live("Demo")["_id"])
    before = served.snapshot()

    stale = served.run("apply", "p.json", "--auto-approve")
    assert stale.code == 1, stale
    assert "stale" in stale.err and "Traceback" not in stale.err
    assert served.snapshot() == before


def test_saved_plan_for_another_hub_is_refused(applied: Workspace, local_hub: LocalHub) -> None:
    served = Workspace(applied.root, local_hub, inprocess=True)
    applied.edit("ontology.yaml", "title: Kind", "title: Category")
    assert applied.run("plan", "--out", "embedded.json").code == 0
    assert served.run("plan", "--out", "served.json").code == 0
    before_embedded, before_served = applied.snapshot(), served.snapshot()

    for plan_file, hub, made_for in (
        ("embedded.json", str(local_hub.url), "embedded local hub"),
        ("served.json", "embedded", str(local_hub.url)),
    ):
        other = applied.run(
            "apply", plan_file, "--auto-approve", "--hub", hub, env=base_env(ANGO_API_KEY=local_hub.key)
        )
        assert_one_line_error(other, f"the plan was made for {made_for}")
    assert applied.snapshot() == before_embedded
    assert served.snapshot() == before_served


def _set_desired(field: str, value: Any) -> Any:
    def damage(text: str) -> str:
        doc = json.loads(text)
        doc["projects"][0]["desired"][field] = value
        return json.dumps(doc)

    return damage


def _set_hub(field: str, value: Any) -> Any:
    def damage(text: str) -> str:
        doc = json.loads(text)
        doc["hub"][field] = value
        return json.dumps(doc)

    return damage


DAMAGE = [
    pytest.param(lambda text: text[: len(text) // 2], "invalid JSON", id="truncated"),
    pytest.param(lambda text: json.dumps({"hello": "world"}), "not an ontokit plan file", id="not-a-plan"),
    pytest.param(
        lambda text: json.dumps({**json.loads(text), "projects": [{"name": "Demo"}]}),
        "damaged",
        id="project-fields-missing",
    ),
    pytest.param(
        lambda text: json.dumps({**json.loads(text), "projects": 7}), "damaged", id="projects-not-a-list"
    ),
    pytest.param(lambda text: json.dumps({**json.loads(text), "hub": None}), "damaged", id="hub-null"),
    pytest.param(_set_desired("webhooks", 5), "damaged", id="webhooks-not-a-list"),
    pytest.param(_set_desired("batches", "abc"), "damaged", id="batches-a-string"),
    pytest.param(_set_hub("db", None), "damaged", id="hub-db-null"),
    pytest.param(_set_hub("kind", "martian"), "damaged", id="hub-kind-unknown"),
]


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if ".ontokit" not in p.parts}


@pytest.fixture(scope="module")
def saved_plan(applied_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """(text, workspace) of a plan saved with one pending change, in a copy of the applied workspace."""
    ws = Workspace(tmp_path_factory.mktemp("saved") / "ws", inprocess=True)
    shutil.copytree(applied_template, ws.root, symlinks=True)
    ws.edit("ontology.yaml", "title: Kind", "title: Category")
    assert ws.run("plan", "--out", "p.json").code == 0
    return (ws.root / "p.json").read_text(encoding="utf-8"), ws.root


@pytest.mark.parametrize(("damage", "message"), DAMAGE)
def test_damaged_plan_file_is_a_one_line_error(
    applied: Workspace, saved_plan: tuple[str, Path], damage: Any, message: str
) -> None:
    text, made_in = saved_plan  # made in another copy of the same hub: point it at this one
    text = text.replace(json.dumps(str(made_in))[1:-1], json.dumps(str(applied.root))[1:-1])
    assert json.loads(text)["hub"]["db"] == str(applied.root / ".ontokit" / "hub.sqlite3")
    (applied.root / "p.json").write_text(damage(text), encoding="utf-8")
    before, files = applied.snapshot(), _files(applied.root)

    result = applied.run("apply", "p.json", "--auto-approve")
    assert_one_line_error(result, "p.json", message)
    assert applied.snapshot() == before
    assert _files(applied.root) == files


def test_saved_plan_for_a_project_created_since_is_stale(served: Workspace, sdk: Any) -> None:
    assert served.run("plan", "--out", "p.json").code == 0  # plans to create "Demo"
    assert sdk.create_project("Demo")["status"] == "success"  # someone else creates it first
    before = served.snapshot()

    stale = served.run("apply", "p.json", "--auto-approve")
    assert_one_line_error(stale, "stale")
    assert served.snapshot() == before
    assert [p["project"]["name"] for p in before.values()].count("Demo") == 1


def _smuggle_tree_options_on_a_tool(schema: dict[str, Any]) -> None:
    schema["tools"][0]["treeOptions"] = [{"title": "SMUGGLED", "key": "s"}]


def _smuggle_a_top_level_field(schema: dict[str, Any]) -> None:
    schema["smuggled"] = {"title": "SMUGGLED"}


def _smuggle_a_field_on_an_option(schema: dict[str, Any]) -> None:
    schema["tools"][0]["classifications"][0]["options"][0]["classifications"] = [{"title": "SMUGGLED"}]


@pytest.mark.parametrize(
    "smuggle",
    [
        pytest.param(_smuggle_tree_options_on_a_tool, id="tree-options-on-a-tool"),
        pytest.param(_smuggle_a_top_level_field, id="top-level-field"),
        pytest.param(_smuggle_a_field_on_an_option, id="option-field"),
    ],
)
def test_content_added_to_a_saved_plan_is_never_written(
    applied: Workspace, saved_plan: tuple[str, Path], smuggle: Any
) -> None:
    text, made_in = saved_plan
    text = text.replace(json.dumps(str(made_in))[1:-1], json.dumps(str(applied.root))[1:-1])
    doc = json.loads(text)
    smuggle(doc["projects"][0]["desired"]["categorySchema"])
    applied.write("p.json", json.dumps(doc))
    before = applied.snapshot()

    result = applied.run("apply", "p.json", "--auto-approve", "--allow-destructive")
    assert_one_line_error(result)
    assert "stale" in result.err or "damaged" in result.err, result
    assert applied.snapshot() == before
    assert "SMUGGLED" not in json.dumps(applied.snapshot())


def test_saved_plan_applies_nothing_it_did_not_show(applied: Workspace) -> None:
    applied.edit("ontology.yaml", "title: Kind", "title: Category")
    saved = applied.run("plan", "--out", "p.json")
    assert "webhook" not in saved.out, saved
    hooks = applied.live("Demo")["webhooks"]

    applied.run("apply", "p.json", "--auto-approve", env=base_env(HOOK_SECRET="changed-after-the-plan"))
    assert applied.live("Demo")["webhooks"] == hooks  # refused as stale, or applied without it


# --- 7: changes made outside ontokit -------------------------------------------------------------------


def test_sdk_changes_show_up_in_the_next_plan(served: Workspace, sdk: Any) -> None:
    assert served.run("apply", "--auto-approve").code == 0
    pid = served.live("Demo")["_id"]
    _sdk_rename_vehicle(sdk, pid)  # as if renamed in the UI
    _sdk_add_batch(sdk, pid)

    plan = served.plan_json()
    assert changes(plan) == [("update", "tool", "Vehicle", "breaking-export")]
    assert attributes(the_change(plan)) == {"title": ("Car-ish", "Vehicle")}
    assert {"kind": "batch", "name": "Added in the UI"} in plan["projects"][0]["unmanaged"]
    text = served.run("plan")
    assert 'unmanaged batch "Added in the UI"' in text.out, text

    assert served.run("apply", "--auto-approve").code == 0
    live = served.live("Demo")
    assert live["categorySchema"]["tools"][0]["title"] == "Vehicle"
    assert [b["name"] for b in live["batches"]] == ["Week 1", "Week 2", "Added in the UI"]
    assert "No changes" in served.run("plan").out


# --- 8: two projects, one ontology ------------------------------------------------------------------------


def test_staging_and_production_share_one_ontology(tmp_path: Path) -> None:
    ws = make_workspace(
        tmp_path / "ws",
        {
            "staging": project_yaml("Demo (staging)", batches=("Pilot",), webhook=False),
            "production": project_yaml("Demo (production)"),
        },
        inprocess=True,
    )
    plan = ws.plan_json()
    assert [(p["name"], p["project_id"]) for p in plan["projects"]] == [
        ("Demo (production)", None),
        ("Demo (staging)", None),
    ]
    assert all(c[:2] == ("create", "project") for c in (changes(plan, 0)[0], changes(plan, 1)[0]))

    assert ws.run("apply", "--auto-approve").code == 0
    expected = compile_file(ws.ontology)["categorySchema"]
    for name in ("Demo (staging)", "Demo (production)"):
        assert ws.live(name)["categorySchema"] == expected
    assert ws.run("plan", "--detailed-exitcode").code == 0

    ws.edit("ontology.yaml", "title: Kind", "title: Category")
    plan = ws.plan_json()
    for i in (0, 1):
        assert changes(plan, i) == [("update", "classification", "Vehicle › Category", "breaking-export")]


# --- 9: secrets ------------------------------------------------------------------------------------------


def _files_containing(folder: Path, *values: str) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {v!r}" for v in values if v.encode() in data]
    return found


def _failing_webhook_writes(app: Any) -> Any:
    """The same hub, except that every webhook write answers 503 (its request carries the secret)."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].startswith("/v2/webhook"):
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"status": "error", "message": "webhooks are down"}']
        return app(environ, start_response)

    return wrapped


def test_no_secret_or_api_key_appears_anywhere(tmp_path: Path, local_hub: LocalHub) -> None:
    rotated, wrong_key = "rotated-secret-value-456", "wrong-api-key-value-987"
    secrets = (SECRET, rotated, local_hub.key, wrong_key)
    # Real processes: whatever a process prints (warnings, a thread's error) is checked for secrets.
    ws = make_workspace(tmp_path / "ws")
    served = Workspace(ws.root, local_hub)
    for fmt in ("text", "json", "markdown"):
        assert ws.run("plan", "--format", fmt).code == 0
    for target in (ws, served):  # the embedded hub (.ontokit/), then the served one (an API key)
        assert target.run("plan", "--out", "p.json").code == 0
        assert _files_containing(ws.root / "p.json", *secrets) == []
        assert target.run("apply", "p.json", "--auto-approve").code == 0
        assert "No changes" in target.run("plan").out

    # Failing requests: a webhook update (the new secret in its body) answered 503; a wrong key; no hub.
    flaky = start_server(_failing_webhook_writes(local_hub.app))
    try:
        failed = [
            ws.run(
                "apply",
                "--auto-approve",
                "--hub",
                str(url),
                env=base_env(ANGO_API_KEY=key, HOOK_SECRET=rotated),
            )
            for url, key in (
                (flaky.url, local_hub.key),
                (local_hub.url, wrong_key),
                ("http://127.0.0.1:9", local_hub.key),
            )
        ]
    finally:
        flaky.stop()
    assert all(r.code == 1 and "Traceback" not in r.err for r in failed), failed
    assert "webhook" in failed[0].err and "(503)" in failed[0].err  # it got as far as the secret's write
    assert "API key rejected" in failed[1].err

    assert (ws.root / ".ontokit" / "hub.sqlite3").is_file()
    leaks = [
        f"{' '.join(r.args)}: {v!r}" for r in ws.runs + served.runs for v in secrets if v in r.out + r.err
    ]
    assert leaks == []
    assert _files_containing(tmp_path, *secrets) == []  # .ontokit/, the plan file, the served hub's database


def test_missing_secret_variable_plans_and_refuses_to_apply(workspace: Workspace) -> None:
    env = base_env()
    del env["HOOK_SECRET"]
    planned = workspace.run("plan", "--detailed-exitcode", env=env)
    assert planned.code == 2 and "secret not set: not compared" in planned.out, planned
    refused = workspace.run("apply", "--auto-approve", env=env)
    assert_one_line_error(refused, "HOOK_SECRET", "not set", "nothing was changed")
    assert workspace.snapshot() == {}


def test_a_secret_that_is_not_utf8_is_refused_before_any_write(applied: Workspace) -> None:
    applied.edit("ontology.yaml", "title: Kind", "title: Category")  # something to apply first
    before = applied.snapshot()
    env = base_env(HOOK_SECRET="abc\udcff")  # the byte 0xff, as os.environ holds it
    for args in (("plan",), ("apply", "--auto-approve")):
        assert_one_line_error(applied.run(*args, env=env), "HOOK_SECRET", "not valid UTF-8")
    assert applied.snapshot() == before


def test_changed_secret_is_a_sensitive_update(applied: Workspace) -> None:
    assert applied.run("plan", "--detailed-exitcode").code == 0  # unchanged secret: no change

    other = "another-secret-value-456"
    result = applied.run("plan", "--format", "json", "--detailed-exitcode", env=base_env(HOOK_SECRET=other))
    assert result.code == 2, result
    change = the_change(result.json())
    assert (change["action"], change["kind"], change["path"]) == ("update", "webhook", HOOK_URL)
    assert change["attributes"] == [
        {"name": "secret", "before": "(sensitive)", "after": "(sensitive)", "sensitive": True}
    ]
    text = applied.run("plan", env=base_env(HOOK_SECRET=other))
    assert "secret: (sensitive) → (sensitive)" in text.out, text
    assert other not in text.out + result.out


# --- 10: which hub project a definition manages -----------------------------------------------------------


def test_id_finds_a_project_renamed_on_the_hub(applied: Workspace) -> None:
    pid = applied.live("Demo")["_id"]
    with applied.client() as c:
        c.update_project(pid, name="Renamed in the UI")
    applied.write("projects/demo.yaml", project_yaml("Demo", project_id=pid))

    plan = applied.plan_json()
    assert plan["projects"][0]["project_id"] == pid
    change = the_change(plan)
    assert (change["action"], change["kind"]) == ("update", "project")
    assert attributes(change) == {"name": ("Renamed in the UI", "Demo")}
    assert applied.run("apply", "--auto-approve").code == 0
    assert applied.live("Demo")["_id"] == pid


def test_two_hub_projects_with_the_same_name_need_an_id(applied: Workspace) -> None:
    first = applied.live("Demo")["_id"]
    with applied.client() as c:
        second = c.create_project("Demo")["_id"]
    before = applied.snapshot()
    for command in ("plan", "apply"):
        result = applied.run(command, *(["--auto-approve"] if command == "apply" else []))
        assert_one_line_error(result, "id:", first, second)
    assert applied.snapshot() == before


def test_two_definitions_cannot_manage_one_hub_project(applied: Workspace) -> None:
    pid = applied.live("Demo")["_id"]
    applied.write("projects/prod.yaml", project_yaml("Demo (production)", project_id=pid, webhook=False))
    before = applied.snapshot()
    assert_one_line_error(applied.run("plan"), pid)  # projects/demo.yaml finds it by name, prod.yaml by id
    assert applied.run("apply", "--auto-approve").code == 1
    assert applied.snapshot() == before


@pytest.mark.parametrize(
    "wrong_id",
    [
        pytest.param("0123456789abcdef01234567", id="no-such-project"),
        pytest.param("not-a-project-id", id="malformed"),
    ],
)
def test_wrong_id_is_a_clear_error(applied: Workspace, wrong_id: str) -> None:
    applied.write("projects/demo.yaml", project_yaml("Demo", project_id=wrong_id))
    before = applied.snapshot()
    result = applied.run("plan")
    assert_one_line_error(result, wrong_id, "not found", "id:")
    assert applied.run("apply", "--auto-approve").code == 1
    assert applied.snapshot() == before


# --- 11: the README ------------------------------------------------------------------------------------


def _readme_main_command() -> str:
    """The README's first code block, minus creating and activating a venv and installing."""
    block = re.search(
        r"```(?:bash|console|sh)\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL
    )
    assert block is not None
    steps = [s.strip() for s in block.group(1).replace("\\\n", " ").split("&&")]
    kept = [s for s in steps if not re.match(r"(python3? -m venv|\. |source |pip |python3? -m pip)", s)]
    assert kept and all(re.match(r"(ontokit|export [A-Z_]+=)", s) for s in kept), kept
    return " && ".join(kept)


def test_readme_main_command_runs_in_a_copy_of_examples(examples_copy: Path) -> None:
    from test_loading import expected_proposal

    command = _readme_main_command()
    bindir = Path(sys.executable).parent  # `ontokit` is the installed entry point of this interpreter
    env = base_env(PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=examples_copy,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    assert re.search(r"ontokit plan [^&]*$", command), f"the README's command ends with no plan: {command}"
    assert "Apply complete" in result.stdout
    assert "\nNo changes. The hub matches the definitions.\n" in result.stdout
    assert (examples_copy / ".ontokit" / "hub.sqlite3").is_file()
    # It ends with real counts, from the shipped data (tests/test_loading.py counts them itself).
    assert "Loaded 36 tasks (36 new)" in result.stdout
    last = result.stdout[result.stdout.rindex("Hub: ") :]
    for words in expected_proposal().values():
        assert f"      # {words}\n" in last, (words, last)


# --- 12: machine- and PR-readable formats ---------------------------------------------------------------


def test_markdown_and_json_formats(applied: Workspace) -> None:
    applied.edit("ontology.yaml", "  - title: Notes\n    type: text\n", "")
    markdown = applied.run("plan", "--format", "markdown")
    assert markdown.code == 0, markdown
    lines = markdown.out.splitlines()
    assert lines[0].startswith("### ontokit plan")
    table = [line for line in lines if line.startswith("|")]
    assert len(table) >= 3 and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", table[1]), markdown.out
    assert "> [!CAUTION]" in markdown.out and "Notes" in markdown.out
    assert markdown.out.endswith("\n")

    plan = applied.plan_json()
    assert plan["format_version"] == "1.5"
    assert plan["has_changes"] is True and plan["summary"]["destructive"] == 1


# --- 13: the project's type is managed ------------------------------------------------------------------


def _with_type(project_type: str | None) -> str:
    text = project_yaml("Demo")
    return (
        text
        if project_type is None
        else text.replace('name: "Demo"\n', f'name: "Demo"\ntype: {project_type}\n')
    )


def test_a_type_change_is_destructive_and_applied_only_when_allowed(applied: Workspace) -> None:
    assert applied.live("Demo")["type"] == "ango"
    applied.write("projects/demo.yaml", _with_type("pct"))
    result = applied.run("plan", "--format", "json", "--detailed-exitcode")
    assert result.code == 2, result
    change = the_change(result.json())
    assert (change["action"], change["kind"], change["path"], change["impact"]) == (
        "update",
        "project",
        '"Demo"',
        "destructive",
    )
    assert attributes(change) == {"type": ("ango", "pct")}
    assert "type changes from ango to pct" in change["reasons"][0]
    text = applied.run("plan")
    assert '~ project "Demo" [destructive]' in text.out and 'type: "ango" → "pct"' in text.out, text

    before = applied.snapshot()
    refused = applied.run("apply", "--auto-approve")
    assert refused.code == 3 and "--allow-destructive" in refused.err, refused
    assert applied.snapshot() == before

    done = applied.run("apply", "--auto-approve", "--allow-destructive")
    assert done.code == 0 and "with 1 call(s)" in done.out, done
    assert applied.live("Demo")["type"] == "pct"
    assert applied.run("plan", "--detailed-exitcode").code == 0

    applied.write("projects/demo.yaml", _with_type(None))  # no `type:`: not managed, whatever the hub has
    assert applied.run("plan", "--detailed-exitcode").code == 0


def test_a_new_project_is_created_with_its_type(workspace: Workspace) -> None:
    workspace.write("projects/demo.yaml", _with_type("iframe"))
    assert workspace.run("apply", "--auto-approve").code == 0
    assert workspace.live("Demo")["type"] == "iframe"
    assert workspace.run("plan", "--detailed-exitcode").code == 0


def _like_the_real_hub(app: Any) -> Any:
    """The local Hub without its self-description, so without extensions: as the real Ango Hub is
    (so it cannot take declared webhooks either: the definitions here declare none)."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"].rstrip("/") == "/v2/ontokit/hub":
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"status": "fail", "message": "Resource not found"}']
        return app(environ, start_response)

    return wrapped


def test_a_hub_that_cannot_change_the_type_refuses_before_writing(
    tmp_path: Path, local_hub: LocalHub
) -> None:
    server = start_server(_like_the_real_hub(local_hub.app))
    try:
        hub = LocalHub(
            local_hub.store, local_hub.app, server.url, local_hub.key, local_hub.other_key, local_hub.org
        )
        ws = make_workspace(
            tmp_path / "ws", {"demo": project_yaml("Demo", webhook=False)}, hub=hub, inprocess=True
        )
        assert ws.run("apply", "--auto-approve").code == 0
        ws.write("projects/demo.yaml", _with_type("pct").replace("webhooks:", "x:").split("x:")[0])
        ws.edit("ontology.yaml", "title: Kind", "title: Category")  # a change the hub can make

        text = ws.run("plan")
        assert "! cannot apply: this hub cannot change a project's type" in text.out, text
        assert "project-type-update" in text.out
        plan = ws.plan_json()
        assert any("cannot apply" in w for w in plan["projects"][0]["warnings"])

        before = ws.snapshot()
        refused = ws.run("apply", "--auto-approve", "--allow-destructive")
        assert_one_line_error(refused, "cannot change a project's type", "nothing was changed")
        assert ws.snapshot() == before

        # A saved plan whose refusal was edited out is not the plan that was shown: it is refused.
        assert ws.run("plan", "--out", "p.json").code == 0
        doc = json.loads((ws.root / "p.json").read_text(encoding="utf-8"))
        assert doc["projects"][0]["blocked"]
        doc["projects"][0]["blocked"] = []
        ws.write("p.json", json.dumps(doc))
        edited = ws.run("apply", "p.json", "--auto-approve", "--allow-destructive")
        assert_one_line_error(edited, "stale")
        assert ws.snapshot() == before
    finally:
        server.stop()
