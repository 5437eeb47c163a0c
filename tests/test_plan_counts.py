"""Every plan counts its impact on the live data: answers put in through the official Ango SDK
(``upload_files_cloud``, ``import_labels``) on a served local Hub (made once, each test on a copy),
then ``ontokit plan --format json`` (in this process). Each removal's ``affected`` equals, exactly,
the answers that reference the item or anything beneath it (tasks counted once); ``null`` with
``--no-count``.

Every test runs twice: against the hub's ``annotation-counts`` extension, and against the same hub
with the extension withdrawn (``FaultConfig(without=...)``), where ontokit counts through the
documented export as it does against the real Hub. The expected numbers are the same: the two paths
count alike."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import LocalHub, _make_hub
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)
from test_plan_apply import Workspace, make_workspace, project_yaml

from ontology_kit.hub import FaultConfig

ONTOLOGY = """\
tools:
  - title: Vehicle
    type: bounding-box
    classifications:
      - title: Color
        type: radio
        options: [Red, Blue]
  - title: Truck
    type: polygon
classifications:
  - title: Place
    type: tree-dropdown
    treeOptions:
      - title: Europe
        children: [France]
      - Asia
relations:
  - title: Tows
    type: one-to-one
"""

#: Each removal: the ontology text taken out, and the change's path in the plan.
REMOVALS = {
    "tool": ("  - title: Truck\n    type: polygon\n", "Truck"),
    "tool-with-nested": (
        ONTOLOGY[ONTOLOGY.index("  - title: Vehicle") : ONTOLOGY.index("  - title: Truck")],
        "Vehicle",
    ),
    "option": ("        options: [Red, Blue]\n", None),  # replaced, not removed: see _edit
    "nested-classification": (
        "    classifications:\n      - title: Color\n        type: radio\n        options: [Red, Blue]\n",
        "Vehicle › Color",
    ),
    "tree-node": ("      - title: Europe\n        children: [France]\n", 'Place › "Europe"'),
    "relation": ("relations:\n  - title: Tows\n    type: one-to-one\n", "Tows"),
}


def _ids(schema: dict[str, Any]) -> dict[str, str]:
    """Every item's id by its title (an option by its value), tree options by their key."""
    out: dict[str, str] = {}
    todo: list[Any] = [*schema["tools"], *schema["classifications"], *schema["relations"]]
    while todo:
        item = todo.pop()
        name = item.get("title") or item.get("value")
        out.setdefault(name, item.get("schemaId") or item.get("key"))
        todo += [
            *(item.get("classifications") or []),
            *(item.get("treeOptions") or []),
            *(item.get("children") or []),
        ]
        if not item.get("treeOptions"):
            todo += item.get("options") or []
    return out


def _labels(ids: dict[str, str]) -> list[dict[str, Any]]:
    """Four tasks' answers (the counts each removal must give are in EXPECTED)."""

    def vehicle(n: str, color: str | None) -> dict[str, Any]:
        nested = [{"schemaId": ids["Color"], "answer": ids[color]}] if color else []
        return {
            "schemaId": ids["Vehicle"],
            "objectId": n,
            "bounding-box": {"x": 1, "y": 2},
            "classifications": nested,
        }

    def truck(n: str) -> dict[str, Any]:
        return {"schemaId": ids["Truck"], "objectId": n, "polygon": [[0, 0], [5, 0], [5, 5]]}

    def place(where: str) -> list[dict[str, Any]]:
        return [{"schemaId": ids["Place"], "answer": ids[where]}]

    return [
        {
            "externalId": "t0",
            "objects": [vehicle("a0", "Red"), truck("b0")],
            "classifications": place("France"),
            "relations": [{"schemaId": ids["Tows"], "from": "a0", "to": "b0"}],
        },
        {
            "externalId": "t1",
            "objects": [vehicle("a1", "Blue"), truck("b1"), truck("c1")],
            "classifications": place("Asia"),
        },
        {
            "externalId": "t2",
            "objects": [vehicle("a2", None), vehicle("b2", "Red")],
            "classifications": place("Europe"),
        },
        {"externalId": "t3", "objects": []},
    ]


#: (annotations, tasks) each removal touches, counted by hand from _labels.
EXPECTED = {
    "tool": (3, 2),  # Truck objects: 1 in t0, 2 in t1
    "tool-with-nested": (7, 3),  # 4 Vehicle objects and their 3 Color answers
    "option": (2, 2),  # Color answers that chose Red: t0, t2
    "nested-classification": (3, 3),  # Color answers: t0, t1, t2
    "tree-node": (2, 2),  # Place answers of Europe or France (beneath it): t2, t0
    "relation": (1, 1),
}


@pytest.fixture(scope="module", params=["extension", "export"], ids=["extension", "export"])
def counter(request: pytest.FixtureRequest) -> str:
    """How ontokit counts: the hub's extension, or the export (the extension withdrawn)."""
    return str(request.param)


def _faults(counter: str) -> FaultConfig | None:
    return FaultConfig(without=("annotation-counts",)) if counter == "export" else None


def _sdk(hub: LocalHub) -> Any:
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)
    return SDK(hub.key, host=hub.url)


def _annotate(root: Path, hub: LocalHub, inprocess: bool) -> Workspace:
    """A project applied from ONTOLOGY on the served ``hub``, with four tasks answered through the SDK."""
    ws = make_workspace(root, {"demo": project_yaml("Demo", webhook=False)}, hub=hub, inprocess=inprocess)
    ws.write("ontology.yaml", ONTOLOGY)
    applied = ws.run("apply", "--auto-approve")
    assert applied.code == 0, applied
    project = ws.live("Demo")
    pid = project["_id"]
    names = ["t0", "t1", "t2", "t3"]
    sdk = _sdk(hub)
    try:
        uploaded = sdk.upload_files_cloud(
            pid, [{"data": f"https://example.test/{n}.jpg", "externalId": n} for n in names]
        )
        assert uploaded["status"] == "success", uploaded
        imported = sdk.import_labels(pid, _labels(_ids(project["categorySchema"])))
        assert imported["status"] == "success", imported
    finally:
        sdk.session.close()
    return ws


#: The annotated hub and workspace, made once per way of counting (in this worker); tests get copies.
_TEMPLATES: dict[str, tuple[LocalHub, Path]] = {}


def _template(factory: pytest.TempPathFactory, counter: str) -> tuple[LocalHub, Path]:
    if counter not in _TEMPLATES:
        folder = factory.mktemp(f"annotated-{counter}")
        hubs = _make_hub(folder, _faults(counter))
        hub = next(hubs)
        try:
            ws = _annotate(folder / "ws", hub, inprocess=True)
        finally:
            for _ in hubs:  # stops the server; the database stays for the copies
                pass
        _TEMPLATES[counter] = (hub, ws.root)
    return _TEMPLATES[counter]


@pytest.fixture
def local_hub(
    lc: ModuleType, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, counter: str
) -> Iterator[LocalHub]:
    """A served copy of the annotated template's hub; for ``export``, one that does not offer
    ``annotation-counts``."""
    template, _ = _template(tmp_path_factory, counter)
    yield from _make_hub(tmp_path, _faults(counter), copy_of=template)


@pytest.fixture
def sdk(lc: ModuleType, local_hub: LocalHub) -> Iterator[Any]:
    client = _sdk(local_hub)
    yield client
    client.session.close()


@pytest.fixture
def annotated(tmp_path: Path, local_hub: LocalHub) -> Workspace:
    """The project of ``_annotate`` on ``local_hub``: on a copy of the template's hub (this module's
    ``local_hub``), a copy of the template's workspace whose commands run in this process; on any other
    hub (a module that imports ``annotated`` alone), made there as the template is."""
    made = [root for hub, root in _TEMPLATES.values() if hub.key == local_hub.key]
    if not made:
        return _annotate(tmp_path / "ws", local_hub, inprocess=False)
    shutil.copytree(made[0], tmp_path / "ws", symlinks=True)
    return Workspace(tmp_path / "ws", local_hub, inprocess=True)


def _edit(ws: Workspace, removal: str) -> str:
    """Take the item out of the ontology; the path of the change that removes it."""
    if removal == "option":
        ws.edit("ontology.yaml", "options: [Red, Blue]", "options: [Blue]")
        return 'Vehicle › Color › option "Red"'
    text, path = REMOVALS[removal]
    ws.edit("ontology.yaml", text, "")
    assert path is not None
    return path


def _change(plan: dict[str, Any], path: str) -> dict[str, Any]:
    found = [c for c in plan["projects"][0]["changes"] if c["path"] == path]
    assert len(found) == 1, [c["path"] for c in plan["projects"][0]["changes"]]
    return found[0]


@pytest.mark.parametrize("removal", list(EXPECTED), ids=list(EXPECTED))
def test_a_removal_counts_the_answers_beneath_it(annotated: Workspace, removal: str) -> None:
    path = _edit(annotated, removal)
    plan = annotated.plan_json()
    change = _change(plan, path)
    annotations, tasks = EXPECTED[removal]
    assert (change["action"], change["impact"]) == ("delete", "destructive")
    assert change["affected"] == {"annotations": annotations, "tasks": tasks}
    assert plan["format_version"] == "1.5"
    assert plan["summary"]["affected"] == plan["projects"][0]["summary"]["affected"]
    total = [c["affected"] for c in plan["projects"][0]["changes"] if c["affected"] is not None]
    assert plan["summary"]["affected"] == {
        "annotations": sum(a["annotations"] for a in total),
        "tasks": sum(a["tasks"] for a in total),
    }


def test_the_text_plan_says_what_would_be_orphaned(annotated: Workspace) -> None:
    _edit(annotated, "tool")
    result = annotated.run("plan")
    assert result.code == 0, result
    assert "  - tool Truck [destructive]\n      # would orphan 3 annotations in 2 tasks\n" in result.out
    assert "- tool Truck (would orphan 3 annotations in 2 tasks): " in result.out
    markdown = annotated.run("plan", "--format", "markdown")
    assert "delete tool `Truck` (**would orphan 3 annotations in 2 tasks**)" in markdown.out
    assert "| 3 annotations in 2 tasks |" in markdown.out


def test_removing_a_leaf_counts_only_its_own_answers(annotated: Workspace) -> None:
    annotated.edit("ontology.yaml", "      - Asia\n", "")
    change = _change(annotated.plan_json(), 'Place › "Asia"')
    assert change["affected"] == {"annotations": 1, "tasks": 1}
    annotated.edit("ontology.yaml", "options: [Red, Blue]", "options: [Red]")
    change = _change(annotated.plan_json(), 'Vehicle › Color › option "Blue"')
    assert change["affected"] == {"annotations": 1, "tasks": 1}


@pytest.mark.parametrize("command", ["plan", "apply"], ids=["plan", "apply"])
def test_no_count_leaves_every_count_null(annotated: Workspace, command: str) -> None:
    _edit(annotated, "tool")
    if command == "plan":
        plan = annotated.plan_json("--no-count")
        assert [c["affected"] for c in plan["projects"][0]["changes"]] == [None]
        assert plan["summary"]["affected"] is None
        return
    result = annotated.run("apply", "--auto-approve", "--allow-destructive", "--no-count")
    assert result.code == 0, result
    assert "- tool Truck [destructive]\n" in result.out and "annotations in" not in result.out


def test_a_hub_without_the_extension_counts_through_the_export(
    annotated: Workspace, local_hub: LocalHub, counter: str
) -> None:
    """Withdrawn, the extension is neither announced nor served; the counts are the same."""
    _edit(annotated, "relation")
    with local_hub.client() as client:
        announced = "annotation-counts" in client.capabilities()
        response = client._http.post(
            f"/v2/ontokit/project/{annotated.live('Demo')['_id']}/answerCounts",
            json={"schemaIds": [["x"]]},
            headers={"apikey": local_hub.key},
        )
    assert announced is (counter == "extension")
    assert (response.status_code == 404) is (counter == "export")
    plan = annotated.plan_json()
    assert _change(plan, "Tows")["affected"] == {"annotations": 1, "tasks": 1}
    assert "uncounted" not in plan["projects"][0]


def test_counts_cover_every_stage(annotated: Workspace, sdk: Any) -> None:
    """Tasks in every stage count (the SDK's export default, `Complete` only, would miss them)."""
    pid = annotated.live("Demo")["_id"]
    tasks = sdk.get_tasks(pid, page=1, limit=10)["data"]["tasks"]
    first = next(t for t in tasks if t["externalId"] == "t1")
    assert sdk.annotate_task(
        first["_id"], _annotation(sdk, first["_id"]), overwrite=True, send_to_next_stage=True
    )
    stages = {t["externalId"]: t["stage"] for t in sdk.get_tasks(pid, page=1, limit=10)["data"]["tasks"]}
    assert stages["t1"] != stages["t0"], stages
    _edit(annotated, "tool")
    assert _change(annotated.plan_json(), "Truck")["affected"] == {"annotations": 3, "tasks": 2}


def _annotation(sdk: Any, task_id: str) -> Any:
    """The task's own answer, as an SDK annotation payload (annotate_task keeps it as it is)."""
    from imerit_ango.models.annotate import AnnotationPayload, Answer

    answer = sdk.get_task(task_id, include_answer=True)["data"]["task"]["answer"]
    return AnnotationPayload(Answer(answer["tools"], answer["classifications"], answer["relations"]))


def test_a_project_without_stages_gives_partial_counts(
    annotated: Workspace, local_hub: LocalHub, counter: str
) -> None:
    """A project document that lists no stages: the export may leave some out, so its counts are
    lower bounds, said so in every format, and a partial 0 is not empty for --ignore-empty."""
    # The local Hub refuses a workflow without stages (update_workflow_stages is checked): the
    # document is written as a hub that lists none would hold it.
    with local_hub.store.write() as db:
        doc = local_hub.store.get_project(db, local_hub.org, annotated.live("Demo")["_id"])
        assert doc is not None
        doc["stages"] = []
        local_hub.store.save_project(db, doc)
    annotated.edit("ontology.yaml", "      - Asia\n", "      - Asia\n      - Oceania\n")
    assert annotated.run("apply", "--auto-approve").code == 0
    annotated.edit("ontology.yaml", "      - Oceania\n", "")
    # Nobody chose Oceania: counted, it is empty; counted partially, it is only "none found so far".
    gate = annotated.run("plan", "--fail-on", "destructive", "--ignore-empty")
    assert gate.code == (0 if counter == "extension" else 3), gate
    _edit(annotated, "tool")
    plan = annotated.plan_json()
    truck, oceania = _change(plan, "Truck"), _change(plan, 'Place › "Oceania"')
    if counter == "extension":  # the extension counts every task, whatever the stages
        assert truck["affected"] == {"annotations": 3, "tasks": 2}
        assert oceania["affected"] == {"annotations": 0, "tasks": 0}
        return
    why = "the project lists no workflow stages, so the export may leave some stages out"
    assert truck["affected"] == {"annotations": 3, "tasks": 2, "partial": why}
    assert oceania["affected"] == {"annotations": 0, "tasks": 0, "partial": why}
    assert plan["summary"]["affected"]["partial"] == why
    text = annotated.run("plan").out
    assert f"# would orphan at least 3 annotations in 2 tasks (partial: {why})" in text, text
    assert f"# would orphan at least 0 annotations in 0 tasks (partial: {why})" in text, text
    markdown = annotated.run("plan", "--format", "markdown").out
    assert "| at least 3 annotations in 2 tasks |" in markdown, markdown
    assert f"would orphan at least 3 annotations in 2 tasks (partial: {why})" in markdown, markdown


def test_a_saved_plan_keeps_its_counts_and_stays_valid_as_answers_change(
    annotated: Workspace, sdk: Any
) -> None:
    """Counts are shown again by `apply FILE` but are not in the digest: new answers between plan and
    apply do not make a reviewed plan stale."""
    _edit(annotated, "tool")
    saved = annotated.run("plan", "--out", "p.json")
    assert saved.code == 0, saved
    doc = json.loads((annotated.root / "p.json").read_text(encoding="utf-8"))
    assert doc["projects"][0]["changes"][0]["affected"] == {"annotations": 3, "tasks": 2}
    pid = annotated.live("Demo")["_id"]
    truck = _ids(annotated.live("Demo")["categorySchema"])["Truck"]
    sdk.import_labels(
        pid, [{"externalId": "t3", "objects": [{"schemaId": truck, "objectId": "z", "polygon": []}]}]
    )
    applied = annotated.run("apply", "p.json", "--auto-approve", "--allow-destructive")
    assert applied.code == 0, applied
    assert "# would orphan 3 annotations in 2 tasks" in applied.out


#: Each classification made required: the YAML line after which `required: true` goes, its path,
#: and the tasks of _labels with no answer to it (t3 has none at all).
REQUIRED = {
    "top-level": ("    type: tree-dropdown\n", "    required: true\n", "Place", 1),
    "nested": ("        type: radio\n", "        required: true\n", "Vehicle › Color", 1),
}


@pytest.mark.parametrize("unanswered", [0, 3], ids=["as-labelled", "three-more-unanswered"])
@pytest.mark.parametrize("which", list(REQUIRED), ids=list(REQUIRED))
def test_making_a_classification_required_counts_the_tasks_lacking_an_answer(
    annotated: Workspace, sdk: Any, which: str, unanswered: int
) -> None:
    """Measured, not guessed: the tasks (every stage) with no answer element naming the item."""
    after, line, path, lacking = REQUIRED[which]
    if unanswered:
        pid = annotated.live("Demo")["_id"]
        more = [{"data": f"https://example.test/u{n}.jpg", "externalId": f"u{n}"} for n in range(unanswered)]
        assert sdk.upload_files_cloud(pid, more)["status"] == "success"
    annotated.edit("ontology.yaml", after, after + line)
    plan = annotated.plan_json()
    change = _change(plan, path)
    assert (change["action"], change["impact"]) == ("update", "data-dependent")
    assert change["affected"]["lacking"] == lacking + unanswered
    assert plan["summary"]["affected"]["lacking"] == lacking + unanswered
    text = annotated.run("plan")
    n = lacking + unanswered
    assert f"# {n} task{' has' if n == 1 else 's have'} no answer to it" in text.out, text.out


def test_a_required_classification_every_task_answers_lacks_none(annotated: Workspace, sdk: Any) -> None:
    """0 is measured and shown; --ignore-empty lets through a required change only when none lacks."""
    pid = annotated.live("Demo")["_id"]
    ids = _ids(annotated.live("Demo")["categorySchema"])
    annotated.edit(
        "ontology.yaml", "    type: tree-dropdown\n", "    type: tree-dropdown\n    required: true\n"
    )
    refused = annotated.run("plan", "--fail-on", "data-dependent", "--ignore-empty")
    assert refused.code == 3, refused
    sdk.import_labels(
        pid, [{"externalId": "t3", "classifications": [{"schemaId": ids["Place"], "answer": ids["Asia"]}]}]
    )
    change = _change(annotated.plan_json(), "Place")
    assert change["affected"]["lacking"] == 0
    assert "# 0 tasks have no answer to it" in annotated.run("plan").out
    passed = annotated.run("plan", "--fail-on", "data-dependent", "--ignore-empty")
    assert passed.code == 0, passed


def test_other_changes_carry_no_lacking_count(annotated: Workspace) -> None:
    _edit(annotated, "tool")
    plan = annotated.plan_json()
    assert "lacking" not in _change(plan, "Truck")["affected"]
    assert "lacking" not in plan["summary"]["affected"]


def test_a_saved_plan_keeps_the_lacking_count_and_markdown_shows_it(annotated: Workspace) -> None:
    annotated.edit(
        "ontology.yaml", "    type: tree-dropdown\n", "    type: tree-dropdown\n    required: true\n"
    )
    markdown = annotated.run("plan", "--format", "markdown")
    assert "      # 1 task has no answer to it; touches 3 annotations in 3 tasks\n" in markdown.out, (
        markdown.out
    )
    saved = annotated.run("plan", "--out", "p.json")
    assert saved.code == 0, saved
    doc = json.loads((annotated.root / "p.json").read_text(encoding="utf-8"))
    assert doc["projects"][0]["changes"][0]["affected"] == {"annotations": 3, "tasks": 3, "lacking": 1}
    applied = annotated.run("apply", "p.json", "--auto-approve")
    assert applied.code == 0, applied
    assert "# 1 task has no answer to it; touches 3 annotations in 3 tasks" in applied.out


#: A text classification (a sibling of Place) and each task's answer to it, for the regex changes.
NOTE = '  - title: Note\n    type: text\n    regex: "^[A-Z]+$"\n'
NOTES = {"t0": "ABC", "t1": "abc", "t2": "A1", "t3": "XYZ"}


@pytest.fixture
def noted(annotated: Workspace, sdk: Any) -> Workspace:
    annotated.edit("ontology.yaml", "      - Asia\n", "      - Asia\n" + NOTE)
    applied = annotated.run("apply", "--auto-approve")
    assert applied.code == 0, applied
    live = annotated.live("Demo")
    ids = _ids(live["categorySchema"])
    labels = [
        {"externalId": n, "classifications": [{"schemaId": ids["Note"], "answer": text}]}
        for n, text in NOTES.items()
    ]
    assert sdk.import_labels(live["_id"], labels)["status"] == "success"
    return annotated


@pytest.mark.parametrize(
    ("regex", "mismatched"),
    [("^[a-z]+$", 3), ("[A-Z]", 1), ("^.+$", 0)],
    ids=["lower-only", "one-capital", "anything"],
)
def test_changing_a_regex_counts_the_answers_that_no_longer_match(
    noted: Workspace, regex: str, mismatched: int
) -> None:
    noted.edit("ontology.yaml", 'regex: "^[A-Z]+$"', f'regex: "{regex}"')
    plan = noted.plan_json()
    change = _change(plan, "Note")
    assert change["impact"] == "data-dependent"
    assert change["affected"]["mismatched"] == mismatched
    assert plan["summary"]["affected"]["mismatched"] == mismatched
    n = mismatched
    words = f"{n} answer{' no longer matches' if n == 1 else 's no longer match'} the regex"
    assert f"# {words}" in noted.run("plan").out


def test_too_many_text_answers_leave_the_regex_count_unmeasured(
    noted: Workspace, monkeypatch: pytest.MonkeyPatch, counter: str
) -> None:
    """Above the hub's bound the answers are not read: no `mismatched`, never a partial count (the
    export's tally keeps the same bound: tests/test_export_counts.py)."""
    from ontology_kit.hub import assets

    if counter == "export":
        pytest.skip("the bound is the plan's own here (a subprocess): tested on the tally")

    monkeypatch.setattr(assets, "MAX_TEXT_ANSWERS", 3)
    noted.edit("ontology.yaml", 'regex: "^[A-Z]+$"', 'regex: "^[a-z]+$"')
    assert "mismatched" not in _change(noted.plan_json(), "Note")["affected"]


SHADE = "        classifications:\n          - title: Shade\n            type: text\n            parentOptionId: Red\n"


def test_moving_a_condition_counts_the_answers_given_under_the_old_one(
    annotated: Workspace, sdk: Any
) -> None:
    """Shade is shown under Color = Red; answers to it in tasks that chose Red are the ones given
    under the old condition (t0: 1); t1's (beside Blue) is not."""
    annotated.edit(
        "ontology.yaml", "        options: [Red, Blue]\n", "        options: [Red, Blue]\n" + SHADE
    )
    applied = annotated.run("apply", "--auto-approve")
    assert applied.code == 0, applied
    live = annotated.live("Demo")
    ids = _ids(live["categorySchema"])

    def vehicle(n: str, color: str) -> dict[str, Any]:
        shade = {"schemaId": ids["Shade"], "answer": "dark"}
        nested = {"schemaId": ids["Color"], "answer": ids[color], "classifications": [shade]}
        return {
            "schemaId": ids["Vehicle"],
            "objectId": n,
            "bounding-box": {"x": 1},
            "classifications": [nested],
        }

    labels = [
        {"externalId": "t0", "objects": [vehicle("a0", "Red")]},
        {"externalId": "t1", "objects": [vehicle("a1", "Blue")]},
    ]
    assert sdk.import_labels(live["_id"], labels)["status"] == "success"
    annotated.edit("ontology.yaml", "parentOptionId: Red", "parentOptionId: Blue")
    plan = annotated.plan_json()
    change = _change(plan, "Vehicle › Color › Shade")
    assert change["impact"] == "data-dependent"
    assert change["affected"]["under_old_condition"] == 1
    assert plan["summary"]["affected"]["under_old_condition"] == 1  # found by the oracle: was absent
    assert "# 1 answer was given under the old condition" in annotated.run("plan").out
