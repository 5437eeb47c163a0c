"""Migrations end to end with the official SDK (issue 12's first "Done when"): the unchanged SDK 1.4.10
creates a project on `ontokit hub serve` (a separate process) with its own label-set classes, uploads
assets and answers them (``import_labels``, ``annotate_task``); ``ontokit import`` adopts it; the YAML
declares a merge (two options, named by the SDK's random schemaId and by path, into a new one) and a
move (an option to a sibling classification of the same tool); ``ontokit plan`` counts each migration,
``ontokit diff --base`` shows them from the committed YAML, ``ontokit apply`` backs up and rewrites,
and the SDK's ``export`` and ``get_task`` read every affected answer at its new item, every other
answer as it was."""

from __future__ import annotations

import copy
import gc
import json
import logging
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import clean_env, run_ontokit
from hypothesis import given, settings
from hypothesis import strategies as st
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)
from test_sdk_annotations import served  # noqa: F401 - the served hub (module fixture)

# The SDK's export opens a `requests.Session` it never closes (test_sdk_annotations.py says more).
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

WARM, MOVED = 'Vehicle › Color › option "Warm"', 'Vehicle › Damage › option "Rust"'
MERGE_LINE = f"» migrations[0]: merge into {WARM}"
MOVE_LINE = f"» migrations[1]: move to {MOVED}"


@dataclass
class Project:
    """A project the SDK set up and ``ontokit import`` adopted into a git repository (``ws``)."""

    ws: Path
    url: str
    pid: str
    ids: dict[str, str]  # "Red", "Wear", "Tows", ... -> the SDK's random schemaId (tree keys too)
    tasks: dict[str, str]  # externalId -> task id
    before: dict[str, dict[str, Any]] = field(default_factory=dict)  # externalId -> answer
    imported: str = ""  # ontology.yaml as import wrote it

    def ontokit(self, *args: str) -> Any:
        return run_ontokit(*args, cwd=self.ws, env={"ANGO_API_KEY": "ann-key"}, inprocess=True)

    def hub(self, command: str, *extra: str) -> Any:
        return self.ontokit(command, "project.yaml", "--hub", self.url, *extra)


@pytest.fixture
def sdk(lc: Any, served: str) -> Iterator[Any]:
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)
    client = SDK("ann-key", host=served)
    yield client
    client.session.close()
    with warnings.catch_warnings():  # collect the SDK's unclosed export sessions here
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _label_set(lc: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The SDK's own classes (random schemaIds): a bounding box with a nested radio and two nested
    checkboxes (one with a radio of its own, shown when Dent is chosen), a polygon, a top-level checkbox, a tree dropdown and a relation; (the lists for
    ``create_label_set``, title or value -> schemaId)."""
    opts = {v: lc.LabelOption(v) for v in ("Red", "Crimson", "Blue", "Dent", "Scratch", "Rust", "Faded")}
    opts |= {v: lc.LabelOption(v) for v in ("Urban", "Rural", "Minor", "Major")}
    radio, checkbox = lc.Classification.Radio, lc.Classification.Checkbox

    def nested(kind: Any, title: str, *values: str) -> Any:
        return lc.ClassificationCategory(kind, title, options=[opts[v] for v in values])

    color = nested(radio, "Color", "Red", "Crimson", "Blue")
    severity = nested(radio, "Severity", "Minor", "Major")
    severity.parentOptionId = opts["Dent"].schemaId  # shown when Dent is chosen
    damage = lc.ClassificationCategory(
        checkbox, "Damage", options=[opts["Dent"], opts["Scratch"]], classifications=[severity]
    )
    wear = nested(checkbox, "Wear", "Rust", "Faded")
    vehicle = lc.ToolCategory(lc.Tool.BoundingBox, "Vehicle", classifications=[color, damage, wear])
    truck = lc.ToolCategory(lc.Tool.Polygon, "Truck")
    scene = nested(checkbox, "Scene", "Urban", "Rural")
    highway, dirt = lc.TreeOption(title="Highway"), lc.TreeOption(title="Dirt")
    paved = lc.TreeOption(title="Paved", children=[highway])
    road = lc.ClassificationCategory(lc.Classification.Tree_dropdown, "Road", treeOptions=[paved, dirt])
    tows = lc.RelationCategory(lc.Relation.Single, "Tows")
    ids = {k: o.schemaId for k, o in opts.items()}
    for c in (color, damage, severity, wear, vehicle, truck, scene, road, tows):
        ids[c.title] = c.schemaId
    ids |= {"Highway": highway.key, "Dirt": dirt.key}
    lists = {"tools": [vehicle, truck], "classifications": [scene, road], "relations": [tows]}
    return lists, ids


def _answers(ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per externalId its answer: Red/Crimson/Blue and Rust alone, with another choice, or absent;
    a Severity under Damage when Dent is chosen (t0, t3)."""

    def vehicle(
        oid: str, color: str, damage: list[str], wear: list[str], severity: str = ""
    ) -> dict[str, Any]:
        nested = [{"schemaId": ids["Color"], "answer": ids[color]}]
        if damage:
            graded = [{"schemaId": ids["Severity"], "answer": ids[severity]}] if severity else []
            nested += [
                {"schemaId": ids["Damage"], "answer": [ids[v] for v in damage], "classifications": graded}
            ]
        nested += [{"schemaId": ids["Wear"], "answer": [ids[v] for v in wear]}] if wear else []
        box = {"x": len(oid), "y": 2, "width": 30, "height": 40}
        return {"schemaId": ids["Vehicle"], "objectId": oid, "bounding-box": box, "classifications": nested}

    def task(name: str, vehicles: list[dict[str, Any]], scene: list[str], road: str | None) -> dict[str, Any]:
        truck = {"schemaId": ids["Truck"], "objectId": f"{name}-truck", "polygon": [[0, 0], [5, 0], [5, 5]]}
        top = [{"schemaId": ids["Scene"], "answer": [ids[v] for v in scene]}]
        top += [{"schemaId": ids["Road"], "answer": ids[road]}] if road else []
        tows = {"schemaId": ids["Tows"], "from": vehicles[0]["objectId"], "to": truck["objectId"]}
        return {"tools": [*vehicles, truck], "classifications": top, "relations": [tows]}

    return {
        "t0": task(
            "t0", [vehicle("t0-a", "Red", ["Dent"], ["Rust", "Faded"], "Major")], ["Urban"], "Highway"
        ),
        "t1": task("t1", [vehicle("t1-a", "Crimson", [], ["Rust"])], ["Rural"], None),
        "t2": task("t2", [vehicle("t2-a", "Blue", ["Scratch"], ["Faded"])], ["Urban"], "Dirt"),
        "t3": task(
            "t3",
            [vehicle("t3-a", "Crimson", ["Dent"], ["Rust"], "Minor"), vehicle("t3-b", "Red", [], [])],
            [],
            None,
        ),
        "t4": task("t4", [vehicle("t4-a", "Blue", [], [])], ["Rural", "Urban"], "Highway"),
    }


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, check=True)


@pytest.fixture
def adopted(lc: Any, sdk: Any, served: str, tmp_path: Path) -> Project:
    """Set up with the SDK (t0-t2 by import_labels, t3 by annotate_task sent on to Complete, t4 by
    annotate_task, t5 unanswered), imported, and committed."""
    from imerit_ango.models.annotate import AnnotationPayload, Answer

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pid = sdk.create_project(name="migrated", description="set up with the SDK")["data"]["project"]["_id"]
    lists, ids = _label_set(lc)
    assert sdk.create_label_set(pid, **lists)["status"] == "success"
    sdk.create_batch(pid, "first")
    assets = [{"data": f"https://example.test/t{n}.jpg", "externalId": f"t{n}"} for n in range(6)]
    assert sdk.upload_files_cloud(pid, assets, batches=["first"])["status"] == "success"
    answers = _answers(ids)
    labels = [
        {
            "externalId": n,
            "objects": a["tools"],
            "classifications": a["classifications"],
            "relations": a["relations"],
        }
        for n, a in answers.items()
        if n in ("t0", "t1", "t2")
    ]
    assert sdk.import_labels(pid, copy.deepcopy(labels))["status"] == "success"
    tasks = {t["externalId"]: t["_id"] for t in sdk.get_tasks(pid, page=1, limit=10)["data"]["tasks"]}
    for name, onward in (("t3", True), ("t4", False)):
        a = copy.deepcopy(answers[name])
        payload = AnnotationPayload(Answer(a["tools"], a["classifications"], a["relations"]))
        sdk.annotate_task(tasks[name], payload, overwrite=True, send_to_next_stage=onward)
    assert sdk.get_task(tasks["t3"])["data"]["task"]["stage"] == "Complete"
    ws = tmp_path / "repo"
    ws.mkdir()
    _git("init", "-q", cwd=ws)
    for key, value in (
        ("user.name", "Test"),
        ("user.email", "test@example.com"),
        ("commit.gpgsign", "false"),
    ):
        _git("config", key, value, cwd=ws)
    project = Project(ws, served, pid, ids, tasks)
    imported = project.ontokit(
        "import", pid, "--hub", served, "-o", "ontology.yaml", "--project-file", "project.yaml"
    )
    assert imported.returncode == 0, imported.stderr
    project.imported = (ws / "ontology.yaml").read_text(encoding="utf-8")
    _git("add", "-A", cwd=ws)
    _git("commit", "-q", "--no-verify", "-m", "adopted", cwd=ws)
    project.before = {n: _answer_of(sdk, t) for n, t in tasks.items()}
    assert {n: project.before[n] for n in answers} == answers  # the hub holds what the SDK sent
    return project


def _answer_of(sdk: Any, task_id: str) -> dict[str, Any]:
    answer = sdk.get_task(task_id, include_answer=True)["data"]["task"]["answer"]
    return {k: answer[k] for k in ("tools", "classifications", "relations")}


def _edit(project: Project, retired: str = "") -> None:
    """Red and Crimson become Warm (a merge), Rust moves from Wear to Damage (a move)."""
    path = project.ws / "ontology.yaml"
    text = project.imported
    ids = project.ids

    def option(value: str) -> str:
        return f"          - {{value: {value}, schemaId: {ids[value]}}}\n"

    for old, new in (
        (option("Red") + option("Crimson"), "          - Warm\n"),
        (option("Rust"), ""),
        (option("Scratch"), option("Scratch") + "          - Rust\n"),
    ):
        assert text.count(old) == 1, (old, text)
        text = text.replace(old, new)
    text += (
        "migrations:\n"
        f"  - merge: [{{schemaId: {ids['Red']}}}, [Vehicle, Color, Crimson]]\n"
        "    into: [Vehicle, Color, Warm]\n"
        "  - move: [Vehicle, Wear, Rust]\n"
        "    to: [Vehicle, Damage, Rust]\n"
    ) + retired
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def edited(adopted: Project) -> Project:
    """The merge and the move declared, with the ``retired:`` entries the plan's warnings ask for."""
    _edit(adopted)
    plan = adopted.hub("plan")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    asked = re.findall(r"`retired: \[(\{schemaId: (\w+), was: '[^`]+'\})\]`", plan.stdout)
    assert {sid for _, sid in asked} == {adopted.ids[v] for v in ("Red", "Crimson", "Rust")}, plan.stdout
    _edit(adopted, "retired:\n" + "".join(f"  - {entry}\n" for entry, _ in asked))
    return adopted


def test_the_sdk_project_is_adopted_with_no_changes(adopted: Project) -> None:
    plan = adopted.hub("plan", "--detailed-exitcode")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "No changes" in plan.stdout and "warning" not in plan.stdout, plan.stdout


def test_plan_counts_each_migration_and_the_removals_it_covers_are_safe(edited: Project) -> None:
    plan = edited.hub("plan", "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    out = plan.stdout
    merge = (
        f"  {MERGE_LINE}\n"
        '      from Vehicle › Color › option "Red"\n'
        '      from Vehicle › Color › option "Crimson"\n'
        "      # moves 4 answers in 3 tasks\n"
    )
    move = f'  {MOVE_LINE}\n      from Vehicle › Wear › option "Rust"\n      # moves 3 answers in 3 tasks\n'
    assert merge in out and move in out, out
    for index, value, counted in (
        (0, "Red", "2 annotations in 2 tasks"),
        (1, "Rust", "3 annotations in 3 tasks"),
    ):
        where = "Color" if value == "Red" else "Wear"
        removal = (
            f'  - Vehicle › {where} › option "{value}"\n      # touches {counted}\n'
            f"      # why: its answers are carried over by migrations[{index}]\n"
        )
        assert removal in out, out
    assert "destructive" not in out and "warning" not in out and "cannot apply" not in out, out
    assert "2 to add, 0 to change, 3 to remove, 0 to move, 0 to reorder, 2 migrations to run" in out

    doc = json.loads(edited.hub("plan", "--format", "json").stdout)
    assert doc["summary"]["destructive"] == 0 and doc["summary"]["migrate"] == 2
    changes = {c["path"]: c for p in doc["projects"] for c in p["changes"]}
    assert changes["migrations[0] › merge"]["affected"] == {"annotations": 4, "tasks": 3}
    assert changes["migrations[1] › move"]["affected"] == {"annotations": 3, "tasks": 3}
    assert (changes["migrations[0] › merge"]["after"], changes["migrations[1] › move"]["after"]) == (
        WARM,
        MOVED,
    )
    removed = [c for c in changes.values() if c["action"] == "delete"]
    assert len(removed) == 3 and {c["impact"] for c in removed} == {"safe"}


def test_diff_base_shows_the_migrations_from_the_committed_yaml(edited: Project) -> None:
    diff = edited.ontokit("diff", "--base", "HEAD")
    assert diff.returncode == 0, diff.stderr
    out = diff.stdout
    assert out.startswith("Compared: HEAD → working tree\n"), out
    assert f"  {MERGE_LINE}\n" in out and f"  {MOVE_LINE}\n" in out, out
    assert "# why: its answers are carried over by migrations[1]" in out and "destructive" not in out
    assert "2 migrations to run" in out
    doc = json.loads(edited.ontokit("diff", "--base", "HEAD", "--format", "json").stdout)
    migrations = [c for p in doc["projects"] for c in p["changes"] if c["action"] == "migrate"]
    assert [(c["path"], c["before"], c["after"]) for c in migrations] == [
        (
            "migrations[0] › merge",
            ['Vehicle › Color › option "Red"', 'Vehicle › Color › option "Crimson"'],
            WARM,
        ),
        ("migrations[1] › move", ['Vehicle › Wear › option "Rust"'], MOVED),
    ]
    assert doc["summary"]["destructive"] == 0


def _migrated(answer: dict[str, Any], ids: dict[str, str], warm: str, rust: str) -> dict[str, Any]:
    """What the two migrations make of ``answer``, built independently of the engine: a chosen Red
    or Crimson is Warm; a Rust in Wear is a Rust in Damage (Wear's answer gone once empty, Damage's
    made when there is none)."""
    out = copy.deepcopy(answer)
    for obj in out["tools"]:
        if obj["schemaId"] != ids["Vehicle"]:
            continue
        nested = {c["schemaId"]: c for c in obj["classifications"]}
        color = nested[ids["Color"]]
        if color["answer"] in (ids["Red"], ids["Crimson"]):
            color["answer"] = warm
        wear = nested.get(ids["Wear"])
        if wear is not None and ids["Rust"] in wear["answer"]:
            wear["answer"] = [v for v in wear["answer"] if v != ids["Rust"]]
            damage = nested.setdefault(ids["Damage"], {"schemaId": ids["Damage"], "answer": []})
            damage["answer"] = [*damage["answer"], rust]
            if not wear["answer"]:
                del nested[ids["Wear"]]
        obj["classifications"] = list(nested.values())
    return out


def _comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` with each object's nested answers by schemaId (their order is not part of it)."""
    out = copy.deepcopy(answer)
    for obj in out["tools"]:
        if isinstance(obj.get("classifications"), list):
            obj["classifications"] = {c["schemaId"]: c for c in obj["classifications"]}
    return out


def test_apply_carries_every_affected_answer_to_its_new_item(edited: Project, sdk: Any) -> None:
    from imerit_ango.models.export_options import ExportOptions

    applied = edited.hub("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    backup = re.search(r"backed up the answers of 6 task\(s\) to (\S+\.ndjson)", applied.stderr)
    assert backup and (edited.ws / backup.group(1)).is_file(), applied.stderr
    assert "migrated the answers of 3 task(s)" in applied.stderr, applied.stderr

    schema = sdk.get_project(edited.pid)["data"]["project"]["categorySchema"]
    nested = {c["title"]: c for c in schema["tools"][0]["classifications"]}
    options = {c: {o["value"]: o["schemaId"] for o in nested[c]["options"]} for c in nested}
    warm, rust = options["Color"]["Warm"], options["Damage"]["Rust"]
    ids = edited.ids
    assert options == {
        "Color": {"Warm": warm, "Blue": ids["Blue"]},
        "Damage": {"Dent": ids["Dent"], "Scratch": ids["Scratch"], "Rust": rust},
        "Wear": {"Faded": ids["Faded"]},
    }
    assert {warm, rust}.isdisjoint(ids.values())

    expected = {n: _comparable(_migrated(a, ids, warm, rust)) for n, a in edited.before.items()}
    exported = sdk.export(edited.pid, ExportOptions(stage=["Label", "Complete"]))
    seen = {
        e["externalId"]: _comparable({k: e["task"][k] for k in ("tools", "classifications", "relations")})
        for e in exported
    }
    assert seen == expected
    assert {n: _comparable(_answer_of(sdk, t)) for n, t in edited.tasks.items()} == expected
    for name in ("t2", "t4", "t5"):  # no migrated item: exactly as they were
        assert _answer_of(sdk, edited.tasks[name]) == edited.before[name]
    stages = {n: sdk.get_task(t)["data"]["task"]["stage"] for n, t in edited.tasks.items()}
    assert stages == {**dict.fromkeys(edited.tasks, "Label"), "t3": "Complete"}  # import_labels moves none
    affected = {n for n in expected if expected[n] != _comparable(edited.before[n])}
    assert affected == {"t0", "t1", "t3"}
    text = json.dumps(seen)
    assert not any(ids[v] in text for v in ("Red", "Crimson", "Rust")), text  # no answer left behind

    again = edited.hub("plan", "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes" in again.stdout and "cannot apply" not in again.stdout, again.stdout


# -- a migration that ran, named by schemaId (the defect the test above found) ------------------------
RAN: dict[str, Any] = {
    "tools": [
        {
            "tool": "bounding-box",
            "title": "Vehicle",
            "schemaId": "veh",
            "classifications": [
                {
                    "tool": "radio",
                    "title": "Color",
                    "schemaId": "col",
                    "options": [{"value": "Warm", "schemaId": "warm"}],
                },
                {
                    "tool": "checkbox",
                    "title": "Damage",
                    "schemaId": "dmg",
                    "options": [{"value": "Rust", "schemaId": "rst"}],
                },
            ],
        },
        {
            "tool": "polygon",
            "title": "Lorry",
            "schemaId": "lorry",
            "classifications": [{"tool": "text", "title": "Plate", "schemaId": "plate"}],
        },
    ],
    "classifications": [
        {
            "tool": "checkbox",
            "title": "Scene",
            "schemaId": "scene",
            "options": [{"value": "Urban", "schemaId": "urb"}],
        }
    ],
    "relations": [],
}


@pytest.mark.parametrize(
    ("kind", "sources", "target", "values"),
    [
        pytest.param("merge", ("old-red", "old-crimson"), "warm", (), id="merge-options"),
        pytest.param("move", ("old-rust",), "rst", (), id="move-option"),
        pytest.param("rekey", ("old-truck",), "lorry", (), id="rekey-tool-with-nested"),
        pytest.param("convert", ("old-scene",), "scene", (("Urban", "urb"),), id="convert-classification"),
        pytest.param("delete", ("old-weather",), None, (), id="delete"),
    ],
)
def test_a_migration_that_ran_binds_without_problems(
    kind: str, sources: tuple[str, ...], target: str | None, values: tuple[tuple[str, str], ...]
) -> None:
    """Once applied, the live label set is the desired one and holds none of the sources: the binding
    shows the migration as done-unless-answers-hold-it (``gone``), never as a problem that blocks
    apply (every item beneath a gone source is unknown, so none can be "left behind")."""
    from ontology_kit.category_schema import CategorySchema
    from ontology_kit.migration import DeclaredMigration, SourceRef, bind

    live = CategorySchema(RAN)
    m = DeclaredMigration(0, kind, tuple(SourceRef(schema_id=s) for s in sources), target, values)
    binding = bind([m], live, live)
    assert binding.problems == []
    assert [(s.gone, s.source_ids) for s in binding.steps] == [(True, sources)]
    assert binding.carried == set()  # nothing to rewrite: the answers already hold the new ids


# -- reading every answer, whatever page size the hub allows ------------------------------------------
class _CappedHub:
    """A hub whose ``get_tasks`` serves at most ``cap`` tasks a page, whatever ``limit`` asks (a
    clamp, not a 400), and says its ``total`` and ``limit`` as the local Hub does."""

    label = "a capped hub"

    def __init__(self, tasks: int, cap: int) -> None:
        self.tasks = [
            {"_id": f"id{n}", "externalId": f"t{n}", "stage": "Label", "answer": {"tools": [], "n": n}}
            for n in range(tasks)
        ]
        self.cap = cap

    def _call(self, method: str, path: str, params: dict[str, Any], **_: Any) -> dict[str, Any]:
        limit = min(int(params["limit"]), self.cap)
        start = (int(params["page"]) - 1) * limit
        return {"tasks": self.tasks[start : start + limit], "total": len(self.tasks), "limit": limit}


@settings(max_examples=60, deadline=None)
@given(tasks=st.integers(0, 25), cap=st.integers(1, 8), page_size=st.integers(1, 12))
def test_every_task_is_read_once_whatever_page_size_the_hub_serves(
    tasks: int, cap: int, page_size: int
) -> None:
    """The backup, the rewrite and the read-back see every task once, in order, even from a hub that
    serves fewer tasks a page than asked: a short page ends the list only when no ``total`` says
    more are left."""
    from ontology_kit.client.labels import iter_answers

    hub = _CappedHub(tasks, cap)
    seen = [t.external_id for t in iter_answers(hub, "p", page_size=page_size)]  # type: ignore[arg-type]
    assert seen == [f"t{n}" for n in range(tasks)]


# -- a nested classification moved to another place in the same tool ----------------------------------
def _severity_moved(project: Project, retired: str = "") -> None:
    """Severity leaves Damage (where it showed on Dent) for the tool itself: a new item of the same
    name, so its options follow by value."""
    ids = project.ids
    block = (
        "        classifications:\n"
        "          - title: Severity\n"
        "            type: radio\n"
        f"            schemaId: {ids['Severity']}\n"
    )
    text = project.imported
    start = text.index(block)
    end = text.index(f"schemaId: {ids['Major']}}}\n", start) + len(f"schemaId: {ids['Major']}}}\n")
    text = text[:start] + text[end:]
    wear = "      - title: Wear\n"
    assert text.count(wear) == 1, text
    text = text.replace(
        wear, "      - title: Severity\n        type: radio\n        options: [Minor, Major]\n" + wear
    )
    text += "migrations:\n  - move: [Vehicle, Damage, Severity]\n    to: [Vehicle, Severity]\n" + retired
    (project.ws / "ontology.yaml").write_text(text, encoding="utf-8")


def test_a_nested_classification_moves_within_its_tool(adopted: Project, sdk: Any) -> None:
    _severity_moved(adopted)
    asked = re.findall(r"`retired: \[(\{schemaId: (\w+), was: '[^`]+'\})\]`", adopted.hub("plan").stdout)
    ids = adopted.ids
    assert [sid for _, sid in asked] == [ids["Severity"]]  # one per removed item (plan/retired.py)
    _severity_moved(adopted, "retired:\n" + "".join(f"  - {entry}\n" for entry, _ in asked))
    plan = adopted.hub("plan", "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    step = "  » migrations[0]: move to Vehicle › Severity\n      from Vehicle › Damage › Severity\n"
    assert step + "      # moves 2 answers in 2 tasks\n" in plan.stdout, plan.stdout
    assert "destructive" not in plan.stdout and "cannot apply" not in plan.stdout, plan.stdout

    applied = adopted.hub("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    schema = sdk.get_project(adopted.pid)["data"]["project"]["categorySchema"]
    moved = next(c for c in schema["tools"][0]["classifications"] if c["title"] == "Severity")
    new = {o["value"]: o["schemaId"] for o in moved["options"]}
    for name, oid, grade in (("t0", "t0-a", "Major"), ("t3", "t3-a", "Minor")):
        answer = _answer_of(sdk, adopted.tasks[name])
        obj = next(o for o in answer["tools"] if o["objectId"] == oid)
        nested = {c["schemaId"]: c for c in obj["classifications"]}
        assert nested[moved["schemaId"]]["answer"] == new[grade], obj
        assert nested[ids["Damage"]]["classifications"] == [], obj  # it left Damage
        assert ids["Severity"] not in json.dumps(answer)
    for name in ("t1", "t2", "t4", "t5"):
        assert _answer_of(sdk, adopted.tasks[name]) == adopted.before[name]
    again = adopted.hub("plan", "--detailed-exitcode")
    assert again.returncode == 0 and "cannot apply" not in again.stdout, again.stdout
