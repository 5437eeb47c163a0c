"""The project as code beyond the ontology (issue 11, item 2): workflow stages, members, benchmark,
label validation, general settings and an instructions file, planned and applied through the CLI on
the embedded hub. What a definition leaves out is never compared or reset; removing or re-routing a
stage that holds tasks is destructive with the number of tasks; no secret is ever shown."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_ontokit, served_hub
from test_plan_apply import SECRET, Workspace, assert_one_line_error, make_workspace, project_yaml

from ontology_kit.client import HubClient, setup_calls

WORKFLOW = """\
workflow:
  - {id: Start, type: Start, next: [Label]}
  - {id: Label, type: Label, name: Labeling, next: [Review], assignedTo: [ann@example.com]}
  - {id: Review, type: Review, next: [Notify, Label], readOnly: true}
  - {id: Notify, type: Webhook, url: "https://hooks.example.com/stage", secret: {env: HOOK_SECRET}, next: [Complete]}
  - {id: Complete, type: Complete}
"""
PARTS = {
    "workflow": WORKFLOW,
    "members": "members:\n  ann@example.com: Labeler\n  rev@example.com: Reviewer\n",
    "benchmark": "benchmark: {enabled: true, ratio: 20, cutoff: true}\n",
    "label_validation": 'label_validation: {enabled: true, function: "return true;"}\n',
    "settings": "settings: {idleTimeout: 600, taskSkipEnabled: false}\n",
    "instructions": "instructions: guide.md\n",
}
GUIDE = "Draw a box around every vehicle.\n"


def _workspace(tmp_path: Path, *parts: str) -> Workspace:
    text = project_yaml("Demo", webhook=False) + "".join(PARTS[p] for p in parts)
    ws = make_workspace(tmp_path / "ws", {"demo": text}, inprocess=True)
    ws.write("projects/guide.md", GUIDE)
    return ws


def _set(ws: Workspace, *parts: str) -> None:
    ws.write("projects/demo.yaml", project_yaml("Demo", webhook=False) + "".join(PARTS[p] for p in parts))


def test_a_whole_setup_is_applied_and_converges(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, *PARTS)
    plan = ws.run("plan")
    assert plan.code == 0, plan
    for line in ('+ stage "Labeling"', '+ stage "Notify"', "+ member ann@example.com", "~ setting benchmark"):
        assert line in plan.out, plan
    applied = ws.run("apply", "--auto-approve")
    assert applied.code == 0, applied
    live = ws.live("Demo")
    assert [s["id"] for s in live["stages"]] == ["Start", "Label", "Review", "Notify", "Complete"]
    notify = live["stages"][3]
    assert notify["url"] == "https://hooks.example.com/stage" and notify["secret"]["set"] is True
    assert {(m["assignee"], m["role"]) for m in live["assignedTo"]} == {
        ("ann@example.com", "Labeler"),
        ("rev@example.com", "Reviewer"),
    }
    assert (live["benchmarkEnabled"], live["benchmarkRatio"], live["benchmarkCutoff"]) == (True, 20, True)
    assert (live["customValidationEnabled"], live["validationFunction"]) == (True, "return true;")
    assert (live["idleTimeout"], live["taskSkipEnabled"]) == (600, False)
    assert live["instructionsFile"]["size"] == len(GUIDE)
    again = ws.run("plan", "--detailed-exitcode")
    assert again.code == 0 and "No changes" in again.out, again
    for run in ws.runs:
        assert SECRET not in run.out + run.err
    assert SECRET.encode() not in (ws.root / ".ontokit" / "hub.sqlite3").read_bytes()


#: Changes made on the hub behind ontokit's back, one per part.
DRIFT: dict[str, Callable[[HubClient, str], None]] = {
    "workflow": lambda c, pid: setup_calls.set_workflow(
        c,
        pid,
        [
            {"id": "Start", "type": "Start", "next": ["Label"]},
            {"id": "Label", "type": "Label", "next": ["Complete"]},
            {"id": "Complete", "type": "Complete", "next": []},
        ],
    ),
    "members": lambda c, pid: setup_calls.add_members(c, pid, ["ann@example.com"], "Manager"),
    "benchmark": lambda c, pid: setup_calls.update_benchmark(c, pid, {"benchmarkEnabled": False}),
    "label_validation": lambda c, pid: setup_calls.update_label_validation(
        c, pid, {"validationFunction": "x"}
    ),
    "settings": lambda c, pid: setup_calls.update_settings(c, pid, {"idleTimeout": 5}),
    "instructions": lambda c, pid: setup_calls.upload_instructions(c, pid, "other.md", b"other"),
}


@pytest.mark.parametrize("part", list(PARTS))
def test_a_part_left_out_is_never_compared_and_one_kept_is(tmp_path: Path, part: str) -> None:
    ws = _workspace(tmp_path, part)
    assert ws.run("apply", "--auto-approve").code == 0
    pid = ws.live("Demo")["_id"]
    with ws.client() as client:
        for other, drift in DRIFT.items():
            if other != part:
                drift(client, pid)
    untouched = ws.run("plan", "--detailed-exitcode")
    assert untouched.code == 0 and "No changes" in untouched.out, untouched
    with ws.client() as client:
        DRIFT[part](client, pid)
    drifted = ws.run("plan", "--detailed-exitcode")
    assert drifted.code == 2, drifted
    applied = ws.run("apply", "--auto-approve", "--allow-destructive")
    assert applied.code == 0, applied
    assert ws.run("plan", "--detailed-exitcode").code == 0


def _load_tasks(ws: Workspace, count: int) -> None:
    entries = [
        {"externalId": f"t{n}", "asset": f"https://example.test/{n}.jpg", "task": {}} for n in range(count)
    ]
    ws.write("data.ndjson", "".join(json.dumps(e) + "\n" for e in entries))
    loaded = ws.run("hub", "load", "data.ndjson", "--project", "Demo")
    assert loaded.code == 0, loaded


def _changes(ws: Workspace, *args: str) -> dict[str, dict[str, Any]]:
    return {c["path"]: c for c in ws.plan_json(*args)["projects"][0]["changes"]}


def test_a_stage_holding_tasks_is_destructive_to_remove_or_reroute(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "workflow")
    assert ws.run("apply", "--auto-approve").code == 0
    _load_tasks(ws, 3)  # in Label: the stage after Start
    # Label now leads to Notify (a re-route of the stage holding 3 tasks); Review (empty) goes.
    ws.edit("projects/demo.yaml", "next: [Review], assignedTo", "next: [Notify], assignedTo")
    ws.edit(
        "projects/demo.yaml", "  - {id: Review, type: Review, next: [Notify, Label], readOnly: true}\n", ""
    )
    changes = _changes(ws)
    label, review = changes['"Labeling"'], changes['"Review"']
    assert (label["action"], label["impact"], label["affected"]) == (
        "update",
        "destructive",
        {"annotations": 0, "tasks": 3},
    )
    assert (review["action"], review["impact"], review["affected"]) == (
        "delete",
        "safe",
        {"annotations": 0, "tasks": 0},
    )
    text = ws.run("plan").out
    assert '  ~ stage "Labeling" [destructive]\n      # 3 tasks are in it\n' in text, text
    # Without counts, both are destructive: ontokit cannot tell that Review is empty.
    uncounted = _changes(ws, "--no-count")
    assert uncounted['"Review"']["impact"] == "destructive"
    refused = ws.run("apply", "--auto-approve")
    assert refused.code == 3, refused
    assert [s["id"] for s in ws.live("Demo")["stages"]][2] == "Review"
    applied = ws.run("apply", "--auto-approve", "--allow-destructive")
    assert applied.code == 0, applied
    assert "Review" not in [s["id"] for s in ws.live("Demo")["stages"]]
    assert ws.run("plan", "--detailed-exitcode").code == 0


def test_a_webhook_stage_secret_is_compared_and_rotated_without_showing_it(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "workflow")
    assert ws.run("apply", "--auto-approve").code == 0
    rotated = ws.env(HOOK_SECRET="a-new-secret-value-456")
    plan = ws.run("plan", "--detailed-exitcode", env=rotated)
    assert plan.code == 2, plan
    assert '~ stage "Notify"' in plan.out and "secret: (sensitive) → (sensitive)" in plan.out, plan
    saved = ws.run("plan", "--out", "p.json", env=rotated)
    assert saved.code == 0, saved
    stored = (ws.root / "p.json").read_text(encoding="utf-8")
    assert "a-new-secret-value-456" not in stored and SECRET not in stored
    applied = ws.run("apply", "p.json", "--auto-approve", env=rotated)
    assert applied.code == 0, applied
    assert ws.run("plan", "--detailed-exitcode", env=rotated).code == 0
    assert ws.run("plan", "--detailed-exitcode").code == 2  # the old value no longer matches
    for run in ws.runs:
        assert "a-new-secret-value-456" not in run.out + run.err and SECRET not in run.out + run.err


def test_a_new_webhook_stage_without_its_secret_is_refused(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "workflow")
    env = {k: v for k, v in ws.env().items() if k != "HOOK_SECRET"}
    plan = ws.run("plan", env=env)
    assert plan.code == 0 and "HOOK_SECRET is not set" in plan.out, plan
    refused = ws.run("apply", "--auto-approve", env=env)
    assert_one_line_error(refused, "HOOK_SECRET", "nothing was changed")
    assert ws.run("plan", "--format", "json", env=env).json()["projects"][0]["project_id"] is None


def test_instructions_changed_after_the_plan_are_refused(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "instructions")
    assert ws.run("plan", "--out", "p.json").code == 0
    ws.write("projects/guide.md", "Something else.\n")
    refused = ws.run("apply", "p.json", "--auto-approve")
    assert_one_line_error(refused, "instructions file", "changed since the plan")
    applied = ws.run("apply", "--auto-approve")
    assert applied.code == 0, applied
    assert ws.live("Demo")["instructionsFile"]["size"] == len("Something else.\n")


def test_diff_shows_setup_changes(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "members", "settings", "workflow")
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    text = (
        (ws.root / "projects" / "demo.yaml").read_text(encoding="utf-8").replace("../ontology", "ws/ontology")
    )
    old.write_text(text, encoding="utf-8")
    edited = text.replace("idleTimeout: 600", "idleTimeout: 900").replace("Reviewer", "Lead")
    new.write_text(edited.replace("{env: HOOK_SECRET}", "{env: OTHER_HOOK_SECRET}"), encoding="utf-8")
    diff = ws.run("diff", str(old), str(new), "--format", "json")
    assert diff.code == 0, diff
    (project,) = diff.json()["projects"]
    found = {(c["kind"], c["path"]): c["attributes"] for c in project["changes"]}
    assert found == {
        ("member", "rev@example.com"): [
            {"name": "role", "before": "Reviewer", "after": "Lead", "sensitive": False}
        ],
        ("setting", "settings"): [{"name": "idleTimeout", "before": 600, "after": 900, "sensitive": False}],
        ("stage", '"Notify"'): [
            {"name": "secret", "before": "(sensitive)", "after": "(sensitive)", "sensitive": True}
        ],
    }
    same = ws.run("diff", str(old), str(old), "--detailed-exitcode")
    assert same.code == 0, same


@pytest.fixture
def stage_only_hub(tmp_path: Path) -> Iterator[str]:
    """`ontokit hub serve` without the legacy webhook endpoint, as the real Hub with SDK 1.4.10."""
    with served_hub(tmp_path / "hub.sqlite3", "--api-key", "k", "--faults", "without=legacy-webhooks") as url:
        yield url


@pytest.mark.parametrize("existing", [False, True], ids=["new-project", "existing-project"])
def test_a_declared_webhook_on_a_hub_without_the_endpoint_is_never_no_changes(
    tmp_path: Path, stage_only_hub: str, existing: bool
) -> None:
    ws = make_workspace(tmp_path / "ws", {"demo": project_yaml("Demo", webhook=False) + WORKFLOW})
    env = {"ANGO_API_KEY": "k", "HOOK_SECRET": SECRET}
    if existing:  # created and applied without the webhook first: its workflow has a Webhook stage
        applied = run_ontokit(
            "apply", "--auto-approve", "--hub", stage_only_hub, cwd=ws.root, env=env, inprocess=True
        )
        assert applied.returncode == 0, applied.stdout + applied.stderr
    ws.write("projects/demo.yaml", project_yaml("Demo") + WORKFLOW)  # with `webhooks:`
    plan = run_ontokit(
        "plan", "--detailed-exitcode", "--hub", stage_only_hub, cwd=ws.root, env=env, inprocess=True
    )
    assert plan.returncode == 2, plan.stdout
    assert "No changes" not in plan.stdout
    assert "+ webhook https://hooks.example.com/demo" in plan.stdout, plan.stdout
    assert "this hub has no webhook endpoint (detected" in plan.stdout, plan.stdout
    assert "`type: Webhook`" in plan.stdout
    refused = run_ontokit(
        "apply", "--auto-approve", "--hub", stage_only_hub, cwd=ws.root, env=env, inprocess=True
    )
    assert refused.returncode == 1 and "nothing was changed" in refused.stderr, refused.stderr
    # The Webhook stage is the way on this hub: without `webhooks:` the plan converges.
    ws.write("projects/demo.yaml", project_yaml("Demo", webhook=False) + WORKFLOW)
    applied = run_ontokit(
        "apply", "--auto-approve", "--hub", stage_only_hub, cwd=ws.root, env=env, inprocess=True
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    again = run_ontokit(
        "plan", "--detailed-exitcode", "--hub", stage_only_hub, cwd=ws.root, env=env, inprocess=True
    )
    assert again.returncode == 0, again.stdout
