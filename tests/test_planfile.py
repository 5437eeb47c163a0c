"""Saved plans serialize the plan model itself: read back, a plan is equal to the one written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ontology_kit import compile_text
from ontology_kit.category_schema import CategorySchema
from ontology_kit.errors import PlanFileError
from ontology_kit.plan.model import (
    Action,
    AttributeChange,
    Change,
    ChangeKind,
    Impact,
    Plan,
    ProjectPlan,
    Unmanaged,
)
from ontology_kit.plan.operations import (
    OPERATION_TYPES,
    AddBatches,
    CreateProject,
    CreateWebhook,
    Operation,
    SetCategorySchema,
    UpdateProject,
    UpdateWebhook,
)
from ontology_kit.plan.planfile import PLANFILE_VERSION, dumps_plan, loads_plan, project_digest
from ontology_kit.plan.project_diff import plan_project
from ontology_kit.state import (
    PROJECT_TYPES,
    WEBHOOK_TYPES,
    DesiredProject,
    DesiredWebhook,
    HubRecord,
    LiveProject,
    ProjectFields,
)

HUB = HubRecord("embedded local hub (.ontokit/hub.sqlite3)", "embedded", db="/tmp/hub.sqlite3")
SCHEMA = compile_text(
    "tools: [{title: Car, type: bounding-box, classifications: [{title: Kind, type: radio, options: [A, B]}]}]"
)

texts = st.text(max_size=8)
json_scalars = st.none() | st.booleans() | st.integers(-5, 5) | texts
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
fields = st.builds(ProjectFields, texts, texts, st.none() | st.sampled_from(PROJECT_TYPES))
webhooks = st.builds(
    DesiredWebhook, texts, st.lists(st.sampled_from(WEBHOOK_TYPES), max_size=3).map(tuple), st.none() | texts
)
operations: st.SearchStrategy[Operation] = st.one_of(
    st.builds(CreateProject, fields),
    st.builds(
        UpdateProject,
        st.lists(
            st.tuples(st.just("name"), texts)
            | st.tuples(st.just("description"), texts)
            | st.tuples(st.just("type"), st.sampled_from(PROJECT_TYPES)),
            max_size=3,
        ).map(tuple),
    ),
    st.just(SetCategorySchema()),
    st.builds(AddBatches, st.lists(texts, max_size=3).map(tuple)),
    st.builds(CreateWebhook, webhooks),
    st.builds(
        UpdateWebhook,
        texts,
        texts,
        st.none() | st.lists(texts, max_size=2).map(tuple),
        st.booleans(),
        st.none() | texts,
    ),
)
changes = st.builds(
    Change,
    st.sampled_from(Action),
    st.sampled_from(ChangeKind),
    st.lists(texts, min_size=1, max_size=3).map(tuple),
    st.sampled_from(Impact),
    st.lists(texts, max_size=2).map(tuple),
    st.none() | texts,
    st.lists(st.builds(AttributeChange, texts, json_values, json_values, st.booleans()), max_size=2).map(
        tuple
    ),
    before=json_values,
    after=json_values,
    hint=st.none() | texts,
    nested=st.integers(0, 9),
)
desired = st.builds(
    DesiredProject,
    texts,
    fields,
    st.just(CategorySchema(SCHEMA["categorySchema"])),
    st.none() | texts,
    texts,
    st.lists(texts, max_size=3).map(tuple),
    st.lists(webhooks, max_size=2).map(tuple),
)
projects = st.builds(
    ProjectPlan,
    texts,
    texts,
    st.none() | texts,
    st.lists(changes, max_size=4).map(tuple),
    texts,
    unmanaged=st.lists(st.builds(Unmanaged, st.sampled_from(["batch", "webhook"]), texts), max_size=2).map(
        tuple
    ),
    warnings=st.lists(texts, max_size=2).map(tuple),
    desired=desired,
    operations=st.lists(operations, max_size=5).map(tuple),
    blocked=st.lists(texts, max_size=1).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(projects, max_size=3).map(tuple))
def test_a_plan_reads_back_equal(projects: tuple[ProjectPlan, ...]) -> None:
    plan = Plan(HUB.name, projects)
    saved = loads_plan(dumps_plan(plan, HUB), "p.json")
    assert saved.plan == plan
    assert saved.hub == HUB
    assert [project_digest(p) for p in saved.plan.projects] == [project_digest(p) for p in plan.projects]


def test_every_operation_type_is_stored() -> None:
    hook = DesiredWebhook("https://h.example.com", ("COMPLETED",), "SECRET_VAR")
    ops = (
        CreateProject(ProjectFields("P", "d", "pct")),
        UpdateProject((("name", "Q"),)),
        SetCategorySchema(),
        AddBatches(("Week 1",)),
        CreateWebhook(hook),
        UpdateWebhook("w1", hook.url, ("ACCEPTED",), True, "SECRET_VAR"),
    )
    assert {type(op) for op in ops} == set(OPERATION_TYPES)
    project = ProjectPlan("P", "p.yaml", None, (), "fp", desired=_desired(), operations=ops)
    text = dumps_plan(Plan(HUB.name, (project,)), HUB)
    assert [op["op"] for op in json.loads(text)["projects"][0]["operations"]] == [
        t.op for t in OPERATION_TYPES
    ]
    assert loads_plan(text, "p.json").plan.projects[0].operations == ops


def _desired() -> DesiredProject:
    return DesiredProject("p.yaml", ProjectFields("P"), CategorySchema(SCHEMA["categorySchema"]))


def test_a_real_plan_reads_back_equal() -> None:
    live_doc: dict[str, Any] = {"_id": "p1", "name": "Old", "categorySchema": {}, "batches": []}
    plan = Plan(HUB.name, (plan_project(_desired(), LiveProject.from_hub(live_doc, []), {}),))
    assert plan.projects[0].operations == (UpdateProject((("name", "P"),)), SetCategorySchema())
    assert loads_plan(dumps_plan(plan, HUB), "p.json").plan == plan


def _saved() -> dict[str, Any]:
    project = ProjectPlan(
        "P", "p.yaml", None, (), "fp", desired=_desired(), operations=(SetCategorySchema(),)
    )
    return json.loads(dumps_plan(Plan(HUB.name, (project,)), HUB))  # type: ignore[no-any-return]


def _set(path: str, value: Any) -> Any:
    def damage(doc: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
        return doc

    return damage


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        pytest.param(
            _set("projects.0.operations.0.op", "drop-project"), "projects.0.operations.0.op", id="unknown-op"
        ),
        pytest.param(_set("projects.0.operations", {}), "projects.0.operations", id="operations-not-a-list"),
        pytest.param(
            _set("projects.0.desired.fields.type", "video"), "desired.fields: .*'type'", id="bad-type"
        ),
        pytest.param(
            _set("projects.0.operations.0", {"op": "update-project", "values": [["owner", "me"]]}),
            "operations.0.values: 'owner' is not a project field",
            id="update-of-an-unknown-field",
        ),
        pytest.param(
            _set("projects.0.desired.categorySchema.tools", [1]), "categorySchema.tools.0", id="schema"
        ),
        pytest.param(_set("projects.0.fingerprint", 7), "projects.0.fingerprint", id="fingerprint"),
        pytest.param(_set("hub.kind", "ftp"), "hub.kind", id="hub-kind"),
        pytest.param(_set("kind", "diff"), "kind", id="a-diff"),
    ],
)
def test_a_damaged_plan_file_names_the_place(damage: Any, where: str) -> None:
    with pytest.raises(PlanFileError, match=rf"p\.json: plan file is damaged \(.*{where}"):
        loads_plan(json.dumps(damage(_saved())), "p.json")


def test_a_plan_file_of_another_version_is_refused() -> None:
    doc = {**_saved(), "ontokit_plan": PLANFILE_VERSION - 1}
    with pytest.raises(PlanFileError, match="version 1 is not supported"):
        loads_plan(json.dumps(doc), "p.json")
