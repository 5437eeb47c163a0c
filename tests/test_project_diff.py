"""The plan of a whole project: its changes and operations derived together (plan/project_diff.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ontology_kit import compile_text
from ontology_kit.category_schema import CategorySchema
from ontology_kit.plan.attributes import PROJECT_ATTRIBUTES
from ontology_kit.plan.model import Impact
from ontology_kit.plan.operations import (
    AddBatches,
    CreateProject,
    CreateWebhook,
    SetCategorySchema,
    UpdateProject,
)
from ontology_kit.plan.project_diff import plan_project
from ontology_kit.state import (
    DesiredProject,
    DesiredWebhook,
    HubCapabilities,
    LiveProject,
    ProjectFields,
    ProjectType,
)

SCHEMA = CategorySchema(compile_text("tools: [{title: Car, type: point}]")["categorySchema"])
CAN_CHANGE_TYPE = HubCapabilities(frozenset({"project-type-update"}))


def desired(project_type: ProjectType | None = None, **fields: Any) -> DesiredProject:
    values = {"name": "Roads", "description": "", **fields}
    return DesiredProject(
        "roads.yaml", ProjectFields(values["name"], values["description"], project_type), SCHEMA
    )


def live(**doc: Any) -> LiveProject:
    base = {"_id": "p1", "name": "Roads", "description": "", "type": "ango", "categorySchema": SCHEMA.raw}
    return LiveProject.from_hub({**base, **doc}, [])


def test_every_managed_attribute_is_a_project_field() -> None:
    assert [a.name for a in PROJECT_ATTRIBUTES] == [name for name, _ in ProjectFields("x").items()]


def test_nothing_to_do() -> None:
    plan = plan_project(desired("ango"), live(), {}, CAN_CHANGE_TYPE)
    assert (plan.changes, plan.operations, plan.warnings, plan.blocked) == ((), (), (), ())


@pytest.mark.parametrize(
    ("want", "have", "impact"),
    [
        pytest.param({"name": "Streets"}, {}, Impact.SAFE, id="name"),
        pytest.param({"description": "Road scenes"}, {}, Impact.SAFE, id="description"),
        pytest.param({"project_type": "pct"}, {}, Impact.DESTRUCTIVE, id="type"),
    ],
)
def test_one_attribute_one_change_one_operation(
    want: dict[str, Any], have: dict[str, Any], impact: Impact
) -> None:
    plan = plan_project(desired(**want), live(**have), {}, CAN_CHANGE_TYPE)
    (change,) = plan.changes
    (attribute,) = change.attributes
    assert change.impact is impact
    assert plan.operations == (UpdateProject(((attribute.name, attribute.after),)),)
    assert plan.blocked == ()


def test_a_type_the_hub_cannot_change_blocks_the_plan() -> None:
    plan = plan_project(desired("pct"), live(), {}, HubCapabilities())
    (change,) = plan.changes
    assert change.impact is Impact.DESTRUCTIVE
    assert any("this hub cannot change a project's type" in r for r in change.reasons)
    assert len(plan.blocked) == 1 and "project-type-update" in plan.blocked[0]


def test_a_type_left_out_is_not_managed() -> None:
    plan = plan_project(desired(None), live(type="iframe"), {}, HubCapabilities())
    assert plan.changes == () and plan.blocked == ()


def test_a_hub_that_does_not_say_the_type() -> None:
    plan = plan_project(desired("pct"), live(type=None), {}, HubCapabilities())
    assert plan.changes == () and plan.warnings == (
        "the hub does not say the project's type; it is not compared",
    )


def test_a_new_project_starts_with_its_creation() -> None:
    new = DesiredProject(
        "roads.yaml",
        ProjectFields("Roads", "d", "pct"),
        SCHEMA,
        batches=("Week 1",),
        webhooks=(DesiredWebhook("https://h.example.com", ("COMPLETED",), "S"),),
    )
    plan = plan_project(new, None, {"S": "secret"})
    assert plan.operations == (
        CreateProject(ProjectFields("Roads", "d", "pct")),
        SetCategorySchema(),
        AddBatches(("Week 1",)),
        CreateWebhook(new.webhooks[0]),
    )
    assert all(c.impact is Impact.SAFE for c in plan.changes)  # a new project has no annotations
    assert plan.project_id is None and plan.fingerprint.startswith("sha256:")


def test_a_new_projects_creation_shows_every_field_it_sets() -> None:
    plan = plan_project(desired("pct"), None, {})
    assert plan.changes[0].after == {"name": "Roads", "description": "", "type": "pct"}
    assert plan_project(desired(None), None, {}).changes[0].after == {"name": "Roads", "description": ""}


def test_a_type_the_hub_names_but_ontokit_does_not_know() -> None:
    plan = plan_project(desired("pct"), live(type="video"), {}, CAN_CHANGE_TYPE)
    assert plan.changes == ()
    assert plan.warnings == (
        "the hub says 'video', which ontokit does not know, for the project's type; it is not compared",
    )


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("where", ["extra-field", "title", "option-value"])
def test_values_nested_to_the_parser_limit_plan_render_and_save(where: str) -> None:
    """A hub's answer may nest a value 1,000 levels deep (the JSON parser stops at 1,024): the plan
    holds it bounded, and every view and the plan file show it without a recursion error."""
    from ontology_kit.plan.model import Plan
    from ontology_kit.plan.planfile import dumps_plan, loads_plan
    from ontology_kit.render import FORMATS
    from ontology_kit.render.plans import render
    from ontology_kit.state import HubRecord

    rich = (
        "tools: [{title: Car, type: point, classifications: [{title: Kind, type: radio, options: [A, B]}]}]"
    )
    desired = DesiredProject(
        "roads.yaml", ProjectFields("Roads"), CategorySchema(compile_text(rich)["categorySchema"])
    )
    schema = copy.deepcopy(desired.category_schema.payload())
    deep = _nested(1010)
    if where == "extra-field":
        schema["tools"][0]["extra"] = deep
    elif where == "title":
        schema["tools"][0]["title"] = deep
    else:
        schema["tools"][0]["classifications"][0]["options"][0]["value"] = deep
    live = LiveProject.from_hub(
        {"_id": "p1", "name": "Roads", "description": "", "categorySchema": schema}, []
    )

    project = plan_project(desired, live, {})
    assert project.has_changes
    plan = Plan("a hub", (project,))
    for fmt in FORMATS:
        assert "…" in render(plan, fmt)
    text = dumps_plan(plan, HubRecord("embedded local hub", "embedded", db="/tmp/hub.sqlite3"))
    assert loads_plan(text, "p.json").plan.projects[0].changes == project.changes
