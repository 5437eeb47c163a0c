"""The diff of two desired states (plan/desired_diff.py) is the plan against a hub that holds the old
one: the invariant behind ``ontokit diff`` of project definitions (issue 9, finding 1)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ontology_kit import compile_text
from ontology_kit.category_schema import CategorySchema
from ontology_kit.plan.desired_diff import diff_desired
from ontology_kit.plan.model import ProjectPlan
from ontology_kit.plan.project_diff import plan_project
from ontology_kit.state import (
    WEBHOOK_TYPES,
    DesiredProject,
    DesiredWebhook,
    HubCapabilities,
    LiveBatch,
    LiveProject,
    LiveWebhook,
    ProjectFields,
)

ONTOLOGIES = [
    "classifications: [{title: Shelf, type: radio, options: [A, B]}]",
    "classifications: [{title: Shelf, type: radio, options: [A]}]",
    "classifications: [{title: Shelf, type: radio, options: [A, {value: Bee, key: B}]}]",
    "classifications: [{title: Shelf, type: radio, required: true, options: [A, B]}]",
    "classifications: [{title: Shelves, key: Shelf, type: radio, options: [B, A]}]",
    "tools: [{title: Car, type: point}]\nclassifications: [{title: Shelf, type: checkbox, options: [A, B]}]",
]
SCHEMAS = [CategorySchema(compile_text(text)["categorySchema"]) for text in ONTOLOGIES]
URLS = ["https://hooks.example.com/a", "https://hooks.example.com/b"]


@st.composite
def projects(draw: st.DrawFn) -> DesiredProject:
    hooks = draw(st.lists(st.sampled_from(URLS), unique=True, max_size=2))
    return DesiredProject(
        "p.yaml",
        ProjectFields(
            "Roads", draw(st.sampled_from(["", "Road scenes"])), draw(st.sampled_from([None, "ango"]))
        ),
        draw(st.sampled_from(SCHEMAS)),
        id="p-1",
        ontology="ontology.yaml",
        batches=tuple(draw(st.lists(st.sampled_from(["Week 1", "Week 2", "Week 3"]), unique=True))),
        webhooks=tuple(
            DesiredWebhook(
                url, tuple(draw(st.lists(st.sampled_from(WEBHOOK_TYPES), unique=True, min_size=1)))
            )
            for url in hooks
        ),
    )


def live(project: DesiredProject) -> LiveProject:
    """A hub that holds ``project`` as applied."""
    return LiveProject(
        "p-1",
        project.fields,
        project.category_schema,
        tuple(LiveBatch(None, b) for b in project.batches),
        tuple(LiveWebhook("", h.url, h.types, None) for h in project.webhooks),
        {"name": project.fields.name, "description": project.fields.description, "type": project.fields.type},
    )


def rows(plan: ProjectPlan) -> list[tuple[object, ...]]:
    return [
        (c.action, c.kind, c.address, c.impact, c.reasons, c.attributes, c.before, c.after)
        for c in plan.changes
    ]


@settings(max_examples=150, deadline=None)
@given(projects(), projects())
def test_diff_is_what_plan_shows_against_the_old_state(old: DesiredProject, new: DesiredProject) -> None:
    if old.fields.type is None and new.fields.type is not None:
        new = DesiredProject(
            new.definition,
            ProjectFields(new.name, new.fields.description),
            new.category_schema,
            new.id,
            new.ontology,
            new.batches,
            new.webhooks,
        )  # the hub's type is unknown here
    diffed = diff_desired(old, new, "label", "p.yaml")
    planned = plan_project(new, live(old), {}, HubCapabilities(frozenset({"project-type-update"})))
    assert rows(diffed) == rows(planned)
    assert diffed.unmanaged == planned.unmanaged


@settings(max_examples=50, deadline=None)
@given(projects())
def test_a_definition_against_itself_has_no_changes(project: DesiredProject) -> None:
    same = diff_desired(project, project, "label", "p.yaml")
    assert same.changes == () and same.unmanaged == () and same.warnings == ()
