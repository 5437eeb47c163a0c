"""What ``plan`` shows of declared migrations (plan/migrations.py through plan_project): a removal
the migrations carry becomes safe, a declared deletion stays destructive and says so, and an item
beneath a migrated one with no counterpart keeps its removal destructive and blocks the plan."""

from __future__ import annotations

from typing import Any

import pytest
from migration_cases import KINDS, case, drop, ids, live_doc, schema, top

from ontology_kit.migration import DeclaredMigration
from ontology_kit.plan.model import Action, ChangeKind, Impact, ProjectPlan
from ontology_kit.plan.operations import BackupAnswers, MigrateAnswers, SetCategorySchema
from ontology_kit.plan.project_diff import plan_project
from ontology_kit.state import DesiredProject, LiveProject, ProjectFields

LIVE = LiveProject.from_hub(
    {"_id": "p1", "name": "Roads", "description": "", "categorySchema": schema(live_doc()).raw}, []
)
ITEMS = {
    ChangeKind.TOOL,
    ChangeKind.CLASSIFICATION,
    ChangeKind.RELATION,
    ChangeKind.OPTION,
    ChangeKind.TREE_OPTION,
}


def plan(doc: dict[str, Any], migrations: tuple[DeclaredMigration, ...]) -> ProjectPlan:
    desired = DesiredProject("roads.yaml", ProjectFields("Roads", ""), schema(doc), migrations=migrations)
    return plan_project(desired, LIVE, {})


def removals(p: ProjectPlan) -> list[Any]:
    """The changes that take items (and so their answers) away from where they were."""
    return [c for c in p.changes if c.kind in ITEMS and c.action in (Action.DELETE, Action.MOVE)]


CARRIED = [k for k in KINDS if not k.startswith("delete")]


@pytest.mark.parametrize("kind", CARRIED, ids=CARRIED)
def test_a_removal_the_migrations_carry_is_safe(kind: str) -> None:
    """Findings: a classification moved with its schemaId (move-classification) stayed destructive
    (its options keep their ids, so they were not counted as carried); an option moved to another
    classification with its id (move-option) was blocked as a chain."""
    p = plan(*case(kind))
    assert p.blocked == ()
    assert removals(p), "the case removes or moves an item"
    for change in removals(p):
        assert change.impact is Impact.SAFE, change
        assert change.reasons == ("its answers are carried over by migrations[0]",)
    (step,) = [c for c in p.changes if c.action is Action.MIGRATE]
    assert step.impact is Impact.SAFE and step.address == ("migrations[0]", kind.split("-")[0])
    ops = list(p.operations)
    at = ops.index(SetCategorySchema())
    assert isinstance(ops[at - 1], BackupAnswers) and isinstance(ops[at + 1], MigrateAnswers)


DELETIONS = [k for k in KINDS if k.startswith("delete")]


@pytest.mark.parametrize("kind", DELETIONS, ids=DELETIONS)
def test_a_declared_deletion_stays_destructive_and_says_so(kind: str) -> None:
    p = plan(*case(kind))
    assert p.blocked == ()
    (removal,) = removals(p)
    assert removal.impact is Impact.DESTRUCTIVE
    assert removal.reasons[0] == "its answers are deleted on purpose by migrations[0]"
    (step,) = [c for c in p.changes if c.action is Action.MIGRATE]
    assert step.impact is Impact.DESTRUCTIVE
    assert step.reasons == ("a declared deletion: these answers are gone for good (the backup keeps them)",)


def _merge_truck_without(doc: dict[str, Any]) -> tuple[dict[str, Any], tuple[DeclaredMigration, ...]]:
    drop(doc, "tools", "Truck")
    return doc, (DeclaredMigration(0, "merge", ids("t-truck"), "t-car"),)


def _uncovered_tool(doc: dict[str, Any]) -> tuple[dict[str, Any], tuple[DeclaredMigration, ...]]:
    top(doc, "Car")["classifications"] = []  # Truck › Color has no Color to go to
    return _merge_truck_without(doc)


def _uncovered_option(doc: dict[str, Any]) -> tuple[dict[str, Any], tuple[DeclaredMigration, ...]]:
    top(doc, "Car")["classifications"][0]["options"] = [{"value": "Red", "schemaId": "r-red"}]
    doc, m = _merge_truck_without(doc)  # Truck › Color › Blue has no Blue under Car › Color
    return doc, m


def _partly_carried(doc: dict[str, Any]) -> tuple[dict[str, Any], tuple[DeclaredMigration, ...]]:
    drop(doc, "classifications", "Tags")  # only option C is carried: A and B are lost
    return doc, (DeclaredMigration(0, "merge", ids("g-c"), "f-x"),)


@pytest.mark.parametrize(
    ("build", "removed"),
    [
        pytest.param(_uncovered_tool, "t-truck", id="nested-classification"),
        pytest.param(_uncovered_option, "t-truck", id="nested-option"),
        pytest.param(_partly_carried, "c-tags", id="one-option-of-a-removed-classification"),
    ],
)
def test_an_uncovered_item_keeps_its_removal_destructive(build: Any, removed: str) -> None:
    p = plan(*build(live_doc()))
    (change,) = [c for c in removals(p) if c.schema_id == removed]
    assert change.impact is Impact.DESTRUCTIVE
    assert not any("carried over" in r for r in change.reasons)


def test_an_uncovered_nested_item_blocks_the_plan_with_its_name() -> None:
    p = plan(*_uncovered_tool(live_doc()))
    assert len(p.blocked) == 1
    assert "Truck › Color" in p.blocked[0] and "add a migration (or a deletion) for each" in p.blocked[0]


def test_a_chain_blocks_the_plan() -> None:
    doc, migrations = case("merge-options")
    drop(doc, "tools", "Line")
    chain = (*migrations, DeclaredMigration(1, "delete", ids("r-blue")))
    p = plan(doc, chain)
    assert any("carried to and carried away" in b for b in p.blocked), p.blocked


@pytest.mark.parametrize("kind", ["move-classification", "move-option"], ids=str)
def test_a_move_that_kept_its_ids_is_done_once_the_label_set_is_the_new_one(kind: str) -> None:
    """Finding (the extended oracle): answers still hold the ids a same-id move carried, so its
    count never fell to 0 and apply reported that it did not converge; bound against the label set
    it made, it carries nothing and the plan says "No changes"."""
    doc, migrations = case(kind)
    done = LiveProject.from_hub(
        {"_id": "p1", "name": "Roads", "description": "", "categorySchema": schema(doc).raw}, []
    )
    desired = DesiredProject("roads.yaml", ProjectFields("Roads", ""), schema(doc), migrations=migrations)
    p = plan_project(desired, done, {})
    assert (p.changes, p.operations, p.blocked) == ((), (), ())
