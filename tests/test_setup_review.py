"""Review of the project's setup (issue 11, items 2 and 3): hand-edited plan files, hostile
definitions and hostile hub documents. Each is refused with one line per problem, or handled safely;
never a traceback, never a secret or a file from outside the workspace sent anywhere."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from test_plan_apply import Workspace, assert_one_line_error, make_workspace, ontokit, project_yaml

GUIDE = "Draw a box around every vehicle.\n"
OUTSIDE = "a file outside the workspace\n"


def _instructions_workspace(tmp_path: Path) -> Workspace:
    ws = make_workspace(
        tmp_path / "ws", {"demo": project_yaml("Demo", webhook=False) + "instructions: guide.md\n"}
    )
    ws.write("projects/guide.md", GUIDE)
    (tmp_path / "outside.md").write_text(OUTSIDE, encoding="utf-8")
    return ws


def _repoint(plan: str, path: str) -> str:
    """The plan file with its instructions file (path, digest, size) replaced by ``path``'s."""
    old = hashlib.sha256(GUIDE.encode()).hexdigest()
    new = hashlib.sha256(OUTSIDE.encode()).hexdigest()
    edited = plan.replace('"projects/guide.md"', json.dumps(path)).replace(old, new)
    return edited.replace(f'"size": {len(GUIDE)}', f'"size": {len(OUTSIDE)}').replace(
        f'"bytes": {len(GUIDE)}', f'"bytes": {len(OUTSIDE)}'
    )


@pytest.mark.parametrize(
    ("where", "path", "needle"),
    [
        ("both", "{outside}", "absolute path"),
        ("both", "../outside.md", "outside the workspace root"),
        ("both", "projects/link.md", "symbolic link"),
        ("operation", "../outside.md", "outside the workspace root"),
        ("desired", "../outside.md", "outside the workspace root"),
    ],
    ids=["absolute", "dot-dot", "link-out", "operation-only", "desired-only"],
)
def test_a_saved_plan_never_uploads_a_file_outside_the_workspace(
    tmp_path: Path, where: str, path: str, needle: str
) -> None:
    ws = _instructions_workspace(tmp_path)
    os.symlink(tmp_path / "outside.md", ws.root / "projects" / "link.md")
    assert ws.run("plan", "--out", "p.json").code == 0
    plan = json.loads((ws.root / "p.json").read_text(encoding="utf-8"))
    (project,) = plan["projects"]
    target = path.format(outside=tmp_path / "outside.md")
    if where in ("both", "desired"):
        project["desired"]["setup"] = json.loads(_repoint(json.dumps(project["desired"]["setup"]), target))
    if where in ("both", "operation"):
        project["operations"] = json.loads(_repoint(json.dumps(project["operations"]), target))
        project["changes"] = json.loads(_repoint(json.dumps(project["changes"]), target))
    ws.write("p.json", json.dumps(plan))
    refused = ws.run("apply", "p.json", "--auto-approve")
    assert_one_line_error(refused, "p.json", "instructions path", needle)
    assert ws.snapshot() == {}  # nothing written: not even the project


def test_a_plan_made_below_the_workspace_names_its_files_from_there(tmp_path: Path) -> None:
    ws = _instructions_workspace(tmp_path)
    made = ontokit("plan", "--out", "../p.json", cwd=ws.root / "projects", env=ws.env())
    assert made.code == 0, made
    plan = json.loads((ws.root / "p.json").read_text(encoding="utf-8"))
    assert plan["projects"][0]["desired"]["setup"]["instructions"]["path"] == "guide.md"
    applied = ontokit("apply", "../p.json", "--auto-approve", cwd=ws.root / "projects", env=ws.env())
    assert applied.code == 0, applied
    assert ws.run("plan", "--detailed-exitcode").code == 0
