"""Review of the project's setup (issue 11, items 2 and 3): hand-edited plan files, hostile
definitions and hostile hub documents. Each is refused with one line per problem, or handled safely;
never a traceback, never a secret or a file from outside the workspace sent anywhere."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_plan_apply import Workspace, assert_one_line_error, make_workspace, ontokit, project_yaml
from test_project_setup import PARTS

from ontology_kit.client import setup_calls
from ontology_kit.plan.operations import AddMembers, SetWorkflow
from ontology_kit.plan.setup_diff import plan_setup
from ontology_kit.setup_state import DesiredSetup, DesiredStage, LiveSetup, workflow_bodies
from ontology_kit.vocabulary import PROJECT_ROLES

GUIDE = "Draw a box around every vehicle.\n"  # the guide of test_project_setup's PARTS
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


# -- members: an e-mail address in any case -------------------------------------------------------------
emails = st.sampled_from(["ann@example.com", "bob@example.com"]).flatmap(
    lambda e: st.sampled_from([e, e.upper(), e.capitalize()])
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(emails, st.sampled_from(PROJECT_ROLES), max_size=2).filter(
        lambda d: len({e.lower() for e in d}) == len(d)  # a definition lists an account once
    ),
    st.dictionaries(emails, st.sampled_from(PROJECT_ROLES), max_size=2),
    st.booleans(),
)
def test_members_converge_whatever_case_the_hub_stores(
    wanted: dict[str, str], have: dict[str, str], lowers: bool
) -> None:
    """A hub that stores addresses in lower case, or as given: one apply converges, and a member is
    never added twice under two spellings."""
    desired = DesiredSetup(members=tuple(wanted.items()))
    hub = {(e.lower() if lowers else e): r for e, r in have.items()}
    spelled = {e.lower(): e for e in hub}
    plan = plan_setup(desired, LiveSetup(members=tuple(hub.items())), {})
    for op in plan.operations:
        assert isinstance(op, AddMembers)
        for email in op.emails:
            assert spelled.get(email.lower(), email) == email  # a member of the hub: as it spells it
            hub[email.lower() if lowers else email] = op.role
    again = plan_setup(desired, LiveSetup(members=tuple(hub.items())), {})
    assert not again.changes and not again.operations, again.changes


def test_a_member_listed_twice_in_another_case_is_an_error(tmp_path: Path) -> None:
    members = "members:\n  Ann@Example.com: Labeler\n  ann@example.com: Lead\n  bob@example.com: Lead\n"
    ws = make_workspace(tmp_path / "ws", {"demo": project_yaml("Demo", webhook=False) + members})
    checked = ws.run("validate", "projects/demo.yaml")
    assert checked.code == 1 and "Traceback" not in checked.err, checked
    lines = [line for line in (checked.out + checked.err).splitlines() if "error[" in line]
    assert len(lines) == 1 and "'ann@example.com' is listed twice (as 'Ann@Example.com')" in lines[0], lines


# -- import: whatever the hub holds, the file it writes passes validate ---------------------------------
@pytest.mark.parametrize(
    ("members", "imported"),
    [
        ([{"assignee": "admin@localhost", "role": "Manager"}], False),
        (
            [
                {"assignee": "Ann@Example.com", "role": "Lead"},
                {"assignee": "ann@example.com", "role": "Lead"},
            ],
            False,
        ),
        ([{"assignee": "ann@example.com", "role": "Lead"}], True),
    ],
    ids=["not-an-address", "one-account-twice", "fine"],
)
def test_import_writes_members_validate_takes_or_leaves_them_out(
    tmp_path: Path, members: list[dict[str, str]], imported: bool
) -> None:
    ws = make_workspace(tmp_path / "ws", {})
    with ws.client() as client:
        project_id = str(client.create_project("Adopted", "made elsewhere")["_id"])
        client.update_project(project_id, idleTimeout=600.0)
        for member in members:
            setup_calls.add_members(client, project_id, [member["assignee"]], member["role"])
    run = ws.run("import", project_id, "-o", "adopted.yaml", "--project-file", "projects/adopted.yaml")
    assert run.code == 0, run
    assert ("members: not imported" in run.err) is not imported, run
    text = (ws.root / "projects" / "adopted.yaml").read_text(encoding="utf-8")
    assert "idleTimeout: 600\n" in text, text
    checked = ws.run("validate", "projects/adopted.yaml")
    assert checked.code == 0, checked


#: Junk a hub document may hold in each part of the setup (the local Hub never stores it: written to its
#: database directly, as another hub could return it).
JUNK = {
    "stages": {"stages": [1, "x", None, {"id": 5}, {"id": "Start", "type": ["x"], "next": "Label"}]},
    "stages-not-a-list": {"stages": {"id": "Start"}},
    "members": {
        "assignedTo": [
            5,
            "a",
            {"assignee": 5},
            {"user": ["x"], "role": "Lead"},
            {"assignee": "a@b.io", "role": 5},
        ]
    },
    "members-not-a-list": {"assignedTo": "everyone"},
    "settings": {
        "benchmarkEnabled": "yes",
        "benchmarkRatio": 20.5,
        "idleTimeout": {"a": 1},
        "taskSkipEnabled": 1,
    },
    "instructions": {"instructions": 5, "instructionsFile": "x"},
}


@pytest.mark.parametrize("junk", JUNK.values(), ids=JUNK.keys())
def test_a_hub_document_with_junk_is_imported_planned_and_applied_without_a_traceback(
    tmp_path: Path, junk: dict[str, Any]
) -> None:
    ws = make_workspace(tmp_path / "ws", {})
    with ws.client() as client:
        project_id = str(client.create_project("Adopted", "made elsewhere")["_id"])
    database = sqlite3.connect(ws.root / ".ontokit" / "hub.sqlite3")
    with database:
        (doc,) = database.execute("SELECT doc FROM projects WHERE id = ?", (project_id,)).fetchone()
        database.execute(
            "UPDATE projects SET doc = ? WHERE id = ?", (json.dumps({**json.loads(doc), **junk}), project_id)
        )
    database.close()
    imported = ws.run("import", project_id, "-o", "adopted.yaml", "--project-file", "projects/adopted.yaml")
    assert imported.code == 0 and "Traceback" not in imported.err, imported
    assert ws.run("validate", "projects/adopted.yaml").code == 0
    # A definition managing every part: planned and applied over the junk.
    whole = project_yaml("Adopted", webhook=False, project_id=project_id) + "".join(PARTS.values())
    ws.write("projects/adopted.yaml", whole)
    ws.write("projects/guide.md", GUIDE)
    for args in (("plan",), ("apply", "--auto-approve", "--allow-destructive")):
        run = ws.run(*args, "projects/adopted.yaml", env=ws.env(HOOK_SECRET="a-stage-secret"))
        assert run.code in (0, 1) and "Traceback" not in run.err and "internal error" not in run.err, run


# -- hostile definitions: one line per problem, exit 1 ---------------------------------------------------
def _special(kind: str, ws: Workspace) -> str:
    """An instructions path to a file of ``kind`` (made in the workspace, or a device)."""
    target = ws.root / "projects" / "special"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "huge":  # sparse: larger than the bound, on no disk
        with target.open("wb") as handle:
            handle.truncate(10 * 1024 * 1024 + 1)
    else:
        return "/dev/zero"
    return "special"


@pytest.mark.parametrize(
    ("kind", "needle"),
    [
        ("fifo", "is not a regular file"),
        ("folder", "is not a regular file"),
        ("device", "is not a regular file"),
        ("huge", "is larger than 10,485,760 bytes"),
    ],
)
def test_an_instructions_path_to_a_special_or_huge_file_is_one_error(
    tmp_path: Path, kind: str, needle: str
) -> None:
    ws = make_workspace(tmp_path / "ws", {})
    path = _special(kind, ws)
    ws.write("projects/demo.yaml", project_yaml("Demo", webhook=False) + f"instructions: {path}\n")
    env = ws.env(ONTOKIT_ALLOW_PATHS_OUTSIDE_ROOT="1")  # a device lies outside any workspace
    for command in ("validate", "plan"):
        run = ws.run(command, *(["projects/demo.yaml"] if command == "validate" else []), env=env)
        assert run.code == 1 and "Traceback" not in run.err, run
        lines = [line for line in (run.out + run.err).splitlines() if "error[" in line]
        assert len(lines) == 1 and needle in lines[0], run


ODD_EMAILS = {
    "nul": "a\\0b@example.com",
    "bidi-override": "\\u202eann@example.com",
    "newline": "ann\\n@example.com",
    "no-domain-dot": "ann@localhost",
    "two-ats": "a@b@example.com",
    "space": "ann smith@example.com",
}


@pytest.mark.parametrize("where", ["members", "stage"])
def test_addresses_with_odd_characters_are_one_error_each(tmp_path: Path, where: str) -> None:
    # a stage's addresses: those its schema pattern lets through (the others fail it, one line each)
    odd = (
        ODD_EMAILS
        if where == "members"
        else {k: ODD_EMAILS[k] for k in ("nul", "bidi-override", "no-domain-dot")}
    )
    if where == "members":
        listed = "".join(f'  "{e}": Labeler\n' for e in odd.values())
        part = f"members:\n{listed}  ok@example.com: Lead\n"
    else:
        assigned = ", ".join(f'"{e}"' for e in [*odd.values(), "ok@example.com"])
        part = (
            "workflow:\n  - {id: Start, type: Start, next: [Label]}\n"
            f"  - {{id: Label, type: Label, next: [Done], assignedTo: [{assigned}]}}\n"
            "  - {id: Done, type: Complete}\n"
        )
    ws = make_workspace(tmp_path / "ws", {"demo": project_yaml("Demo", webhook=False) + part})
    for command in ("validate", "plan"):
        run = ws.run(command, *(["projects/demo.yaml"] if command == "validate" else []))
        assert run.code == 1 and "Traceback" not in run.err, run
        lines = [line for line in (run.out + run.err).splitlines() if "error[" in line]
        assert len(lines) == len(odd), run
        assert all("is not an e-mail address" in line and line.isprintable() for line in lines), lines


def test_a_stage_id_the_hub_holds_twice_is_never_no_changes() -> None:
    wanted = (
        DesiredStage("Start", "Start", ("Done",)),
        DesiredStage("Done", "Complete"),
    )
    doc = {
        "stages": [
            {"id": "Start", "type": "Start", "next": ["Done"]},
            {"id": "Done", "type": "Complete", "next": []},
            {"id": "Done", "type": "Complete", "next": [], "name": "Done again"},
        ]
    }
    plan = plan_setup(DesiredSetup(workflow=wanted), LiveSetup.from_document(doc), {})
    assert [(c.action.value, c.path) for c in plan.changes] == [("delete", '"Done again"')]
    assert [type(op) for op in plan.operations] == [SetWorkflow]
    doc["stages"] = workflow_bodies(wanted, LiveSetup.from_document(doc).stages, {})
    assert [s["id"] for s in doc["stages"]] == ["Start", "Done"]
    assert not plan_setup(DesiredSetup(workflow=wanted), LiveSetup.from_document(doc), {}).changes


def test_a_secret_a_hub_shows_is_sent_back_to_it_and_never_shown() -> None:
    """A hub that shows a Webhook stage's secret as text: rewriting the workflow (a new name) keeps
    the secret, instead of sending back a state the hub would take as a new secret; and the value
    appears in no change, operation, repr or fingerprint."""
    doc = {
        "stages": [
            {"id": "Start", "type": "Start", "next": ["Hook"]},
            {
                "id": "Hook",
                "type": "Webhook",
                "next": ["Done"],
                "url": "https://h.example/a",
                "secret": "shown-9f",
            },
            {"id": "Done", "type": "Complete", "next": []},
        ]
    }
    wanted = (
        DesiredStage("Start", "Start", ("Hook",)),
        DesiredStage("Hook", "Webhook", ("Done",), (("name", "Notify"),)),
        DesiredStage("Done", "Complete"),
    )
    live = LiveSetup.from_document(doc)
    plan = plan_setup(DesiredSetup(workflow=wanted), live, {})
    assert [c.path for c in plan.changes] == ['"Notify"']
    seen = repr(plan) + repr(live) + json.dumps(live.fingerprint_data())
    assert "shown-9f" not in seen
    (hook,) = (b for b in workflow_bodies(wanted, live.stages, {}) if b["id"] == "Hook")
    assert hook["secret"] == "shown-9f" and hook["name"] == "Notify"
    rotated = workflow_bodies(wanted, live.stages, {"Hook": "new-value"})
    assert [b.get("secret") for b in rotated] == [None, "new-value", None]
