"""Apply executes the plan's operations, one hub call each, and nothing else (workflow/applier.py)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import LocalHub

from ontology_kit import compile_text
from ontology_kit.category_schema import CategorySchema
from ontology_kit.client import HubClient, InProcessTransport
from ontology_kit.errors import BadRequestError, StalePlanError
from ontology_kit.plan.operations import (
    OPERATION_TYPES,
    AddBatches,
    CreateProject,
    CreateWebhook,
    SetCategorySchema,
    UpdateProject,
    UpdateWebhook,
)
from ontology_kit.setup_state import DesiredSetup, DesiredStage
from ontology_kit.state import DesiredProject, DesiredWebhook, ProjectFields
from ontology_kit.workflow.applier import EXECUTORS, apply_plan
from ontology_kit.workflow.planner import Planner, Target

ONTOLOGY = "tools: [{title: Car, type: bounding-box, classifications: [{title: Kind, type: radio, options: [A, B]}]}]"
HOOK = "https://hooks.example.com/a"


class CountingTransport(InProcessTransport):
    """The in-process hub, counting the writes it is sent."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.writes: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.writes.append(request.url.path)
        return super().handle_request(request)


@pytest.fixture
def hub(local_hub: LocalHub, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Planner, CountingTransport]]:
    monkeypatch.setenv("HOOK_SECRET", "s3cr3t")
    transport = CountingTransport(local_hub.app)
    with HubClient(
        "http://inprocess.test", local_hub.key, transport=transport, sleep=lambda s: None
    ) as client:
        yield Planner(client, "in-process hub"), transport


def desired(**changes: Any) -> DesiredProject:
    base = DesiredProject(
        "demo.yaml",
        ProjectFields("Demo", "A demo"),
        CategorySchema(compile_text(ONTOLOGY)["categorySchema"]),
        batches=("Week 1",),
        webhooks=(DesiredWebhook(HOOK, ("COMPLETED",), "HOOK_SECRET"),),
    )
    return dataclasses.replace(base, **changes)


def test_every_operation_type_has_an_executor() -> None:
    assert set(EXECUTORS) == set(OPERATION_TYPES)


def test_a_new_project_is_one_call_per_operation(hub: tuple[Planner, CountingTransport]) -> None:
    planner, transport = hub
    plan = planner.plan([Target.of(desired())])
    ops = plan.projects[0].operations
    assert [type(op) for op in ops] == [CreateProject, SetCategorySchema, AddBatches, CreateWebhook]
    transport.writes.clear()
    [(_, calls)] = apply_plan(plan, planner)
    assert calls == len(ops) == len(transport.writes) == 4
    assert not planner.plan([Target.of(desired())]).has_changes


def test_each_edit_is_exactly_its_operation(
    hub: tuple[Planner, CountingTransport], monkeypatch: pytest.MonkeyPatch
) -> None:
    planner, transport = hub
    apply_plan(planner.plan([Target.of(desired())]), planner)
    monkeypatch.setenv("HOOK_SECRET", "rotated")
    edited = desired(
        fields=ProjectFields("Demo", "Another description"),
        batches=("Week 1", "Week 2"),
        webhooks=(DesiredWebhook(HOOK, ("COMPLETED", "ACCEPTED"), "HOOK_SECRET"),),
    )
    plan = planner.plan([Target.of(edited)])
    ops = plan.projects[0].operations
    assert [type(op) for op in ops] == [UpdateProject, AddBatches, UpdateWebhook]
    assert ops[0] == UpdateProject((("description", "Another description"),))
    assert ops[1] == AddBatches(("Week 2",))
    webhook = ops[2]
    assert (
        isinstance(webhook, UpdateWebhook)
        and webhook.set_secret
        and set(webhook.types or ()) == {"COMPLETED", "ACCEPTED"}
    )
    transport.writes.clear()
    apply_plan(plan, planner)
    assert len(transport.writes) == 3
    assert not planner.plan([Target.of(edited)]).has_changes


def test_apply_refuses_a_stale_plan_before_writing(hub: tuple[Planner, CountingTransport]) -> None:
    planner, transport = hub
    apply_plan(planner.plan([Target.of(desired())]), planner)
    plan = planner.plan([Target.of(desired(fields=ProjectFields("Demo", "New")))])
    planner.client.update_project(
        plan.projects[0].project_id or "", name="Demo", description="Changed meanwhile"
    )
    transport.writes.clear()
    with pytest.raises(StalePlanError, match="changed on in-process hub since the plan was made"):
        apply_plan(plan, planner)
    assert transport.writes == []


def test_a_project_created_after_planning_is_not_created_twice(
    hub: tuple[Planner, CountingTransport],
) -> None:
    planner, transport = hub
    plan = planner.plan([Target.of(desired())])  # "Demo" does not exist yet: the plan creates it
    planner.client.create_project("Demo", "made by someone else meanwhile")
    transport.writes.clear()
    with pytest.raises(StalePlanError, match="the plan is stale: project 'Demo' changed"):
        apply_plan(plan, planner)
    assert transport.writes == []
    assert [p["name"] for p in planner.client.iter_projects()].count("Demo") == 1


class EchoingTransport(InProcessTransport):
    """A hub that refuses every write carrying a secret, quoting the request in its message; with
    ``shows``, one that shows each stage secret it holds as text (``shows``)."""

    def __init__(self, app: Any, shows: str | None = None) -> None:
        super().__init__(app)
        self.shows = shows

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.content.decode("utf-8", "replace")
        if request.method == "POST" and "secret" in body:
            return httpx.Response(400, json={"status": "fail", "message": f"cannot take {body}"})
        response = super().handle_request(request)
        if self.shows is None or request.method != "GET":
            return response
        doc = json.loads(response.read())
        project = doc.get("data", {}).get("project") if isinstance(doc.get("data"), dict) else None
        for stage in project.get("stages", []) if isinstance(project, dict) else []:
            if stage.get("secret"):
                stage["secret"] = self.shows
        return httpx.Response(response.status_code, json=doc)


STAGES = (
    DesiredStage("Start", "Start", ("Hook",)),
    DesiredStage("Hook", "Webhook", ("Done",), (("url", HOOK),), "HOOK_SECRET"),
    DesiredStage("Done", "Complete"),
)


@pytest.mark.parametrize(
    "changes",
    [{}, {"webhooks": (), "setup": DesiredSetup(workflow=STAGES)}],
    ids=["legacy-webhook", "webhook-stage"],
)
def test_a_hub_error_quoting_the_request_never_shows_a_secret(
    local_hub: LocalHub, monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any]
) -> None:
    monkeypatch.setenv("HOOK_SECRET", 's3cr3t-"value"-é')  # quoted, escaped in the hub's JSON
    transport = EchoingTransport(local_hub.app)
    with HubClient(
        "http://inprocess.test", local_hub.key, transport=transport, sleep=lambda s: None
    ) as client:
        planner = Planner(client, "in-process hub")
        plan = planner.plan([Target.of(desired(**changes))])
        with pytest.raises(BadRequestError) as refused:
            apply_plan(plan, planner)
    assert "cannot take" in str(refused.value) and "(sensitive)" in str(refused.value)
    assert "s3cr3t" not in str(refused.value) and refused.value.status == 400


def test_a_hub_error_never_shows_a_stage_secret_the_hub_showed(local_hub: LocalHub) -> None:
    """A hub that shows stage secrets as text: apply sends the secret back with the workflow, and an
    error quoting that request hides it."""
    with local_hub.client("inprocess") as client:
        project_id = str(client.create_project("Demo", "")["_id"])
        bodies = [{"id": s.id, "type": s.type, "next": list(s.next), **dict(s.values)} for s in STAGES]
        bodies[1]["secret"] = "s3cr3t-shown"
        client.update_project(project_id, stages=bodies)
    renamed = tuple(
        dataclasses.replace(s, secret_env=None, values=(*s.values, ("name", "N"))) for s in STAGES
    )
    transport = EchoingTransport(local_hub.app, shows="s3cr3t-shown")
    with HubClient(
        "http://inprocess.test", local_hub.key, transport=transport, sleep=lambda s: None
    ) as client:
        planner = Planner(client, "in-process hub")
        target = desired(id=project_id, webhooks=(), setup=DesiredSetup(workflow=renamed))
        plan = planner.plan([Target.of(target)])
        with pytest.raises(BadRequestError) as refused:
            apply_plan(plan, planner)
    assert "cannot take" in str(refused.value) and "(sensitive)" in str(refused.value)
    assert "s3cr3t" not in str(refused.value)
