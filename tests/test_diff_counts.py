"""``ontokit diff --base REF --hub URL`` counts, on the hub's live project, what each change of a
reviewed diff would do to the stored answers: the same counts as ``plan`` (tests/test_plan_counts.py
puts the answers in through the official SDK); without ``--hub`` a diff reads no hub and counts
nothing, as before."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)
from test_plan_apply import Workspace
from test_plan_counts import EXPECTED, REMOVALS, _edit, annotated, sdk  # noqa: F401 - fixtures

from ontology_kit.hub import app as hub_app


def _git(ws: Workspace, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=ws.root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def committed(annotated: Workspace) -> Workspace:
    """The annotated workspace as a git repository whose HEAD is what the hub holds."""
    shutil.rmtree(annotated.root / ".git")
    _git(annotated, "init", "-q", "-b", "main")
    _git(annotated, "add", "-A")
    _git(annotated, "commit", "-q", "-m", "base")
    return annotated


def _diff(ws: Workspace, *args: str) -> Any:
    result = ws.run("diff", "--base", "HEAD", *args)
    assert result.code in (0, 2), result
    return result


def _diff_json(ws: Workspace, *args: str) -> dict[str, Any]:
    return json.loads(_diff(ws, "--format", "json", *args).out)  # type: ignore[no-any-return]


def _changes(plan: dict[str, Any]) -> dict[str, Any]:
    (project,) = plan["projects"]
    return {c["path"]: c for c in project["changes"]}


@pytest.mark.parametrize("removal", list(EXPECTED), ids=list(EXPECTED))
def test_diff_with_a_hub_counts_like_plan(committed: Workspace, removal: str) -> None:
    path = _edit(committed, removal)
    assert committed.hub is not None
    counted = _diff_json(committed, "--hub", str(committed.hub.url))
    planned = committed.plan_json()
    annotations, tasks = EXPECTED[removal]
    assert _changes(counted)[path]["affected"] == {"annotations": annotations, "tasks": tasks}
    assert {p: c["affected"] for p, c in _changes(counted).items()} == {
        c["path"]: c["affected"] for c in planned["projects"][0]["changes"]
    }
    assert counted["summary"]["affected"] == planned["summary"]["affected"]


def test_diff_without_a_hub_counts_nothing(committed: Workspace) -> None:
    """Not even ONTOKIT_HUB's hub: a diff reads a hub only when --hub says so."""
    path = _edit(committed, "tool")
    assert committed.hub is not None
    env = committed.env(ONTOKIT_HUB=str(committed.hub.url))
    result = committed.run("diff", "--base", "HEAD", "--format", "json", env=env)
    assert result.code == 0, result
    plan = json.loads(result.out)
    assert _changes(plan)[path]["affected"] is None and plan["summary"]["affected"] is None
    assert "annotations in" not in committed.run("diff", "--base", "HEAD", env=env).out


def test_the_text_diff_shows_the_counts_and_the_hub(committed: Workspace) -> None:
    _edit(committed, "tool")
    assert committed.hub is not None
    out = _diff(committed, "--hub", str(committed.hub.url)).out
    assert "would orphan 3 annotations in 2 tasks" in out
    assert f"annotations counted on {committed.hub.url}" in out
    markdown = _diff(committed, "--hub", str(committed.hub.url), "--format", "markdown").out
    assert "| 3 annotations in 2 tasks |" in markdown


def test_the_gate_lets_an_empty_removal_pass_only_when_counted(committed: Workspace) -> None:
    """`--fail-on destructive --ignore-empty` needs counts: with --hub, removing a tool nobody drew
    passes; without, its count is unknown, so not empty, and the gate fails (exit 3); a removal that
    orphans answers fails either way."""
    assert committed.hub is not None
    unused = "  - title: Unused\n    type: point\n"
    committed.edit("ontology.yaml", "  - title: Truck\n", unused + "  - title: Truck\n")
    assert committed.run("apply", "--auto-approve").code == 0
    _git(committed, "commit", "-qam", "applied")
    committed.edit("ontology.yaml", unused, "")
    gate = ("diff", "--base", "HEAD", "--fail-on", "destructive", "--ignore-empty")
    hub = ("--hub", str(committed.hub.url))
    assert committed.run(*gate).code == 3
    counted = committed.run(*gate, *hub)
    assert counted.code == 0, counted
    assert "tool Unused [destructive]\n      # would orphan 0 annotations" in counted.out
    committed.edit("ontology.yaml", REMOVALS["relation"][0], "")
    assert committed.run(*gate, *hub).code == 3


def test_what_cannot_be_counted_stays_null_and_says_why(committed: Workspace) -> None:
    assert committed.hub is not None
    _edit(committed, "tool")
    committed.edit("projects/demo.yaml", 'name: "Demo"', 'name: "Elsewhere"')
    _git(committed, "commit", "-qam", "renamed")
    _edit(committed, "relation")
    plan = _diff_json(committed, "--hub", str(committed.hub.url))
    assert all(c["affected"] is None for c in _changes(plan).values())
    assert any("is not on" in w for w in plan["projects"][0]["warnings"]), plan["projects"][0]["warnings"]


def test_a_hub_without_the_extension_counts_the_diff_through_its_export(
    committed: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the real Hub: no `annotation-counts`, so the diff is counted through the export, alike."""
    assert committed.hub is not None
    _edit(committed, "tool")
    hub = ("--hub", str(committed.hub.url))
    by_extension = _changes(_diff_json(committed, *hub))
    monkeypatch.setattr(
        hub_app, "EXTENSIONS", tuple(e for e in hub_app.EXTENSIONS if e != "annotation-counts")
    )
    by_export = _changes(_diff_json(committed, *hub))
    assert by_export == by_extension
    assert any(c["affected"] for c in by_export.values()), by_export
