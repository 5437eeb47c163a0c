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
from test_plan_counts import EXPECTED, REMOVALS, _edit, annotated, local_hub, sdk  # noqa: F401 - fixtures

from ontology_kit.hub import app as hub_app


def _git(ws: Workspace, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=ws.root,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def counter() -> str:
    """The hub's ``annotation-counts`` extension counts (test_plan_counts.py runs both ways)."""
    return "extension"


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


def _rename(ws: Workspace) -> None:
    """The definition now names a project the hub does not have (committed), then a removal."""
    ws.edit("projects/demo.yaml", 'name: "Demo"', 'name: "Elsewhere"')
    _git(ws, "commit", "-qam", "renamed")
    _edit(ws, "relation")


def _added(ws: Workspace) -> None:
    """The definition deleted at the base and back in the working tree, with a removal: its block
    is all creations; counting them on the hub's "Demo" would be wrong."""
    text = (ws.root / "projects" / "demo.yaml").read_text(encoding="utf-8")
    _git(ws, "rm", "-q", "projects/demo.yaml")
    _git(ws, "commit", "-qm", "gone")
    ws.write("projects/demo.yaml", text)
    _edit(ws, "tool")


def _other_hub(ws: Workspace) -> None:
    """The workspace plans against another hub: its projects are not the ones --hub holds."""
    ws.write("ontokit.yaml", "hub: https://hub.example.com\nprojects:\n  - projects/*.yaml\n")
    _git(ws, "commit", "-qam", "other hub")
    _edit(ws, "tool")


def _ontology_files(ws: Workspace) -> None:
    """Two ontology files compared on their own (`diff OLD NEW`): no project to count on."""
    ws.write("old.yaml", (ws.root / "ontology.yaml").read_text(encoding="utf-8"))
    _edit(ws, "tool")


@pytest.mark.parametrize(
    ("setup", "why"),
    [
        pytest.param(_rename, "project 'Elsewhere' is not on", id="project-not-on-the-hub"),
        pytest.param(_added, "the definition of 'Demo' is new here: not counted", id="definition-added"),
        pytest.param(_other_hub, "its workspace plans against https://hub.example.com", id="another-hub"),
        pytest.param(_ontology_files, "an ontology file, not a project", id="ontology-files"),
    ],
)
def test_what_cannot_be_counted_stays_null_and_says_why(committed: Workspace, setup: Any, why: str) -> None:
    assert committed.hub is not None
    setup(committed)
    hub = ("--hub", str(committed.hub.url))
    if setup is _ontology_files:
        result = committed.run("diff", "old.yaml", "ontology.yaml", "--format", "json", *hub)
    else:
        result = committed.run("diff", "--base", "HEAD", "--format", "json", *hub)
    assert result.code == 0, result
    plan = json.loads(result.out)
    changes = [c for p in plan["projects"] for c in p["changes"]]
    assert changes and all(c["affected"] is None for c in changes)
    warnings = [w for p in plan["projects"] for w in p["warnings"]]
    assert any(why in w for w in warnings), warnings
    assert "annotations counted on" not in plan["hub"]
    if setup in (_rename, _other_hub):  # a removal, not counted: unknown is never empty
        gate = committed.run("diff", "--base", "HEAD", *hub, "--fail-on", "destructive", "--ignore-empty")
        assert gate.code == 3, gate


@pytest.mark.parametrize(
    ("hub", "message"),
    [
        pytest.param("served", "API key rejected by", id="wrong-key"),
        pytest.param("http://127.0.0.1:9", "cannot connect", id="unreachable"),
    ],
)
def test_a_hub_that_cannot_be_read_is_an_error_not_a_pass(
    committed: Workspace, hub: str, message: str
) -> None:
    """A CI gate must not pass on counts it never got: exit 1, one line, no key shown."""
    assert committed.hub is not None
    _edit(committed, "tool")
    url = str(committed.hub.url) if hub == "served" else hub
    env = {**committed.env(ONTOKIT_HTTP_ATTEMPTS="1"), "ANGO_API_KEY": "wrong-key-123"}
    result = committed.run("diff", "--base", "HEAD", "--hub", url, "--fail-on", "destructive", env=env)
    assert result.code == 1, result
    assert message in result.err and len(result.err.splitlines()) == 1, result.err
    assert "wrong-key-123" not in result.out + result.err


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
