"""Batches as code (issue 11, item 6): a batch pinned by `id:` is renamed by a new `name:`
(breaking-export: exports name batches); with `prune_batches: true` the hub's batches a definition
does not list are deleted (destructive, with the tasks each holds counted, as the hub's get_tasks
tells); without it they stay unmanaged. Plans, saved plans, apply, `--ignore-empty` and `ontokit
diff`, through the CLI on the embedded hub."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_plan_apply import Workspace, make_workspace, project_yaml


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A project applied with batches Week 1 and Week 2; three tasks in Week 2."""
    ws = make_workspace(tmp_path / "ws", {"demo": project_yaml("Demo", webhook=False)})
    assert ws.run("apply", "--auto-approve").code == 0
    entries = [
        {"externalId": f"t{n}", "asset": f"https://example.test/{n}.jpg", "batches": ["Week 2"], "task": {}}
        for n in range(3)
    ]
    ws.write("data.ndjson", "".join(json.dumps(e) + "\n" for e in entries))
    loaded = ws.run("hub", "load", "data.ndjson", "--project", "Demo")
    assert loaded.code == 0, loaded
    return ws


def _ids(ws: Workspace) -> dict[str, str]:
    return {b["name"]: b["_id"] for b in ws.live("Demo")["batches"]}


def _batches(ws: Workspace, text: str, prune: bool = False) -> None:
    definition = (ws.root / "projects" / "demo.yaml").read_text(encoding="utf-8")
    head = definition[: definition.index("batches:")]
    ws.write("projects/demo.yaml", head + text + ("prune_batches: true\n" if prune else ""))


def test_a_pinned_batch_is_renamed_in_place(ws: Workspace) -> None:
    ids = _ids(ws)
    _batches(ws, f'batches:\n  - Week 1\n  - name: Week 2 (night)\n    id: "{ids["Week 2"]}"\n')
    plan = ws.plan_json()
    (change,) = plan["projects"][0]["changes"]
    assert (change["action"], change["kind"], change["path"], change["impact"]) == (
        "update",
        "batch",
        '"Week 2 (night)"',
        "breaking-export",
    )
    assert [(a["name"], a["before"], a["after"]) for a in change["attributes"]] == [
        ("name", "Week 2", "Week 2 (night)")
    ]
    applied = ws.run("apply", "--auto-approve")
    assert applied.code == 0, applied
    assert _ids(ws) == {"Week 1": ids["Week 1"], "Week 2 (night)": ids["Week 2"]}
    assert ws.run("plan", "--detailed-exitcode").code == 0


def test_unlisted_batches_stay_unless_pruned(ws: Workspace) -> None:
    _batches(ws, "batches:\n  - Week 1\n")
    kept = ws.run("plan")
    assert kept.code == 0 and 'unmanaged batch "Week 2" (kept; not in the definition)' in kept.out, kept
    _batches(ws, "batches:\n  - Week 1\n", prune=True)
    plan = ws.plan_json()
    (change,) = plan["projects"][0]["changes"]
    assert (change["action"], change["kind"], change["impact"]) == ("delete", "batch", "destructive")
    assert change["affected"] == {"annotations": 0, "tasks": 3}
    text = ws.run("plan").out
    assert '  - batch "Week 2" [destructive]\n      # 3 tasks would lose it\n' in text, text
    refused = ws.run("apply", "--auto-approve")
    assert refused.code == 3 and "Week 2" in _ids(ws), refused
    applied = ws.run("apply", "--auto-approve", "--allow-destructive")
    assert applied.code == 0, applied
    assert list(_ids(ws)) == ["Week 1"]
    assert ws.run("plan", "--detailed-exitcode").code == 0


def test_an_empty_batch_is_let_through_by_ignore_empty(ws: Workspace) -> None:
    _batches(ws, "batches:\n  - Week 2\n", prune=True)  # Week 1 holds no task
    gate = ("plan", "--fail-on", "destructive")
    assert ws.run(*gate).code == 3
    assert ws.run(*gate, "--ignore-empty").code == 0
    _batches(ws, "batches:\n  - Week 1\n", prune=True)  # Week 2 holds three
    assert ws.run(*gate, "--ignore-empty").code == 3
    no_count = ws.plan_json("--no-count")
    assert no_count["projects"][0]["changes"][0]["affected"] is None


def test_a_saved_plan_renames_and_prunes(ws: Workspace) -> None:
    ids = _ids(ws)
    _batches(ws, f'batches:\n  - name: First week\n    id: "{ids["Week 1"]}"\n  - Week 3\n', prune=True)
    saved = ws.run("plan", "--out", "p.json")
    assert saved.code == 0, saved
    doc = json.loads((ws.root / "p.json").read_text(encoding="utf-8"))
    desired = doc["projects"][0]["desired"]
    assert desired["batchIds"] == [["First week", ids["Week 1"]]] and desired["pruneBatches"] is True
    applied = ws.run("apply", "p.json", "--auto-approve", "--allow-destructive")
    assert applied.code == 0, applied
    after = _ids(ws)
    assert after["First week"] == ids["Week 1"] and "Week 3" in after and "Week 2" not in after


def test_a_batch_id_listed_twice_is_an_error(ws: Workspace) -> None:
    _batches(ws, 'batches:\n  - name: A\n    id: "x1"\n  - name: B\n    id: "x1"\n')
    result = ws.run("validate", "projects/demo.yaml")
    assert result.code == 1 and "batch id 'x1' is listed twice" in result.out + result.err, result


def test_diff_shows_a_rename_and_warns_of_pruning(ws: Workspace, tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    base = 'name: "Demo"\nontology: ws/ontology.yaml\n'
    old.write_text(base + 'batches:\n  - name: Week 1\n    id: "b1"\n', encoding="utf-8")
    new.write_text(
        base + 'batches:\n  - name: First week\n    id: "b1"\nprune_batches: true\n', encoding="utf-8"
    )
    result = ws.run("diff", str(old), str(new), "--format", "json")
    assert result.code == 0, result
    plan: dict[str, Any] = json.loads(result.out)
    (project,) = plan["projects"]
    assert [(c["action"], c["kind"], c["impact"]) for c in project["changes"]] == [
        ("update", "batch", "breaking-export")
    ]
    assert any("prune_batches: true" in w for w in project["warnings"]), project["warnings"]
