"""Adopting a project that the official SDK set up (issue 11's "Done when"): the unchanged SDK 1.4.10
drives update_workflow_stages, add_members_to_project, update_benchmark_settings,
update_label_validation and get_project against `ontokit hub serve`; `ontokit import` writes a
definition that holds all of it, `ontokit validate` accepts it, and `ontokit plan` reports no
changes. Then an edit of each part is planned, applied and read back through the SDK."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_ontokit
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)
from test_sdk_annotations import SCHEMA, served  # noqa: F401 - the served hub (module fixture)

HOOK_VALUE = "adopted-hook-secret-value"
WORKFLOW = [
    {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"], "autoForward": False},
    {
        "id": "Label",
        "name": "Labeling",
        "type": "Label",
        "next": ["Consensus"],
        "assignedTo": ["ann@example.com"],
    },
    {
        "id": "Consensus",
        "name": "Consensus",
        "type": "Consensus",
        "next": ["Review", "Hold"],
        "consensusConfig": {"threshold": 80, "adjudicationMethod": "best"},
    },
    {"id": "Review", "name": "Review", "type": "Review", "next": ["Notify", "Label"], "readOnly": True},
    {
        "id": "Notify",
        "name": "Notify",
        "type": "Webhook",
        "next": ["Complete"],
        "url": "https://hooks.example.com/ango",
        "secret": HOOK_VALUE,
    },
    {"id": "Hold", "name": "Hold", "type": "Hold", "next": ["Review"]},
    {"id": "Complete", "name": "Complete", "type": "Complete", "next": [], "preventRequeue": True},
]


@pytest.fixture
def sdk(lc: Any, served: str) -> Iterator[Any]:
    from imerit_ango.models.enums import ProjectRoles
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)
    client = SDK("ann-key", host=served)
    client.roles = ProjectRoles
    yield client
    client.session.close()


@pytest.fixture
def adopted(sdk: Any, served: str, tmp_path: Path) -> tuple[Path, str]:
    """A project the SDK set up, imported into a workspace; (the workspace, the project's id)."""
    pid = sdk.create_project(name="adopted", description="set up with the SDK")["data"]["project"]["_id"]
    assert sdk.create_label_set(pid, raw_category_schema=_colored(SCHEMA))["status"] == "success"
    assert sdk.update_workflow_stages(pid, copy.deepcopy(WORKFLOW))["status"] == "success"
    sdk.add_members_to_project(pid, ["ann@example.com", "lee@example.com"], sdk.roles.Labeler)
    sdk.add_members_to_project(pid, ["rev@example.com"], sdk.roles.Reviewer)
    sdk.add_members_to_project(pid, ["lee@example.com"], sdk.roles.Lead)  # a new role for a member
    sdk.update_benchmark_settings(pid, True, benchmark_ratio=15, benchmark_cutoff=True)
    sdk.update_label_validation(pid, custom_validation_enabled=True, validation_function="return [];")
    project = sdk.get_project(pid)["data"]["project"]
    assert HOOK_VALUE not in json.dumps(project)  # the hub shows a secret as a digest only
    (tmp_path / ".git").mkdir()
    imported = _ontokit(
        tmp_path,
        "import",
        pid,
        "--hub",
        served,
        "-o",
        "ontology.yaml",
        "--project-file",
        "project.yaml",
    )
    assert imported.returncode == 0, imported.stderr
    return tmp_path, pid


def _colored(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with a color on every category, as the SDK's classes give one (a raw schema
    without colors cannot be imported unchanged: ontokit's categories always have one)."""
    out = copy.deepcopy(schema)
    todo = [c for group in out.values() for c in group]
    for n, category in enumerate(todo):
        category.setdefault("color", f"#{(n * 2654435761) % 0xFFFFFF:06X}")
        todo.extend(category.get("classifications") or [])
    return out


def _ontokit(cwd: Path, *args: str, secret: str | None = HOOK_VALUE) -> Any:
    env = {"ANGO_API_KEY": "ann-key", **({"NOTIFY_HOOK_SECRET": secret} if secret else {})}
    return run_ontokit(*args, cwd=cwd, env=env, inprocess=True)


def _plan(cwd: Path, served: str, *extra: str, secret: str | None = HOOK_VALUE) -> Any:
    return _ontokit(cwd, "plan", "project.yaml", "--hub", served, *extra, secret=secret)


def test_an_sdk_project_is_adopted_with_no_changes(adopted: tuple[Path, str], served: str) -> None:
    ws, _ = adopted
    text = (ws / "project.yaml").read_text(encoding="utf-8")
    for part in ("workflow:", "members:", "benchmark:", "label_validation:", "consensusConfig:"):
        assert part in text, text
    assert "lee@example.com: Lead" in text and "env: NOTIFY_HOOK_SECRET" in text
    assert HOOK_VALUE not in text
    assert _ontokit(ws, "validate", "project.yaml").returncode == 0
    plan = _plan(ws, served, "--detailed-exitcode")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "No changes" in plan.stdout and "warning" not in plan.stdout, plan.stdout
    # Without the secret's variable the plan still has nothing to do, and says what it did not compare.
    unset = _plan(ws, served, "--detailed-exitcode", secret=None)
    assert unset.returncode == 0 and "NOTIFY_HOOK_SECRET is not set" in unset.stdout, unset.stdout


@pytest.mark.parametrize(
    ("old", "new", "check"),
    [
        pytest.param("ratio: 15", "ratio: 30", lambda p: p["benchmarkRatio"] == 30, id="benchmark-ratio"),
        pytest.param(
            "rev@example.com: Reviewer",
            "rev@example.com: Manager",
            lambda p: {"assignee": "rev@example.com", "role": "Manager"} in p["assignedTo"],
            id="member-role",
        ),
        pytest.param(
            "function: return [];",
            "function: return ['checked'];",
            lambda p: p["validationFunction"] == "return ['checked'];",
            id="validation-function",
        ),
        pytest.param(
            "threshold: 80",
            "threshold: 90",
            lambda p: (
                next(s for s in p["stages"] if s["id"] == "Consensus")["consensusConfig"]["threshold"] == 90
            ),
            id="consensus-threshold",
        ),
    ],
)
def test_an_edit_of_an_adopted_project_is_applied(
    adopted: tuple[Path, str], served: str, sdk: Any, old: str, new: str, check: Any
) -> None:
    ws, pid = adopted
    path = ws / "project.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, text
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert _plan(ws, served, "--detailed-exitcode").returncode == 2
    applied = _ontokit(ws, "apply", "project.yaml", "--hub", served, "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    project = sdk.get_project(pid)["data"]["project"]
    assert check(project)
    webhook = next(s for s in project["stages"] if s["id"] == "Notify")
    assert webhook["secret"]["set"] is True  # kept, never re-sent as a value
    assert _plan(ws, served, "--detailed-exitcode").returncode == 0
