"""Declared migrations in a plan: one change per migration, the removals they cover made safe, the
operations apply runs for them. Pure (docs/migrations.md).

:func:`plan_migrations` binds the desired project's migrations (``migration.bind``) against the
label set the answers were made with, and returns the migration changes (each counted later, as one
group of the ids it carries), the category-schema changes with the removals it covers re-rated (a
removal whose every answer is carried elsewhere is ``safe``; one whose answers a declared deletion
removes stays ``destructive``, saying so), and why apply cannot run them (``blocked``).
:func:`settled` drops the migrations the hub's counts show done (nothing left to carry): a migration
is idempotent, so it may stay in the file, and a plan after it says "No changes".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from ..category_schema import CategorySchema
from ..migration import Binding, BoundStep, DeclaredMigration, bind, subtree_ids
from .model import Action, Change, ChangeKind, Impact, ProjectPlan
from .operations import BackupAnswers, MigrateAnswers, Operation, SetCategorySchema

__all__ = ["MigrationPlan", "plan_migrations", "settled", "with_migration_ops"]

#: The change kinds a migration can cover (items whose answers it carries).
_ITEMS = frozenset(
    {
        ChangeKind.TOOL,
        ChangeKind.CLASSIFICATION,
        ChangeKind.RELATION,
        ChangeKind.OPTION,
        ChangeKind.TREE_OPTION,
    }
)


@dataclass(frozen=True)
class MigrationPlan:
    """What the migrations add to a project's plan."""

    changes: tuple[Change, ...]  # the category-schema changes, re-rated, then one per migration
    blocked: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def plan_migrations(
    migrations: Sequence[DeclaredMigration],
    before: CategorySchema,
    after: CategorySchema,
    schema_changes: Sequence[Change],
) -> MigrationPlan:
    """The migration changes of a project whose answers were made with ``before`` (the live label
    set) and whose label set becomes ``after``; ``schema_changes`` (the diff of the two) re-rated."""
    if not migrations:
        return MigrationPlan(tuple(schema_changes), ())
    binding = bind(migrations, before, after)
    kept = {n.id for n in after.walk() if n.id is not None}
    rated = [_rated(c, binding, before, kept) for c in schema_changes]
    carried = binding.carried
    # a migration that carries nothing is one that ran: a move that kept its schemaIds leaves answers
    # holding them (no count can tell it ran), but bound against the label set it made, it moves nothing
    steps = [_step_change(s) for s in binding.steps if s.gone or carried & set(s.covered)]
    blocked = [*binding.problems, *(_gone(s) for s in binding.steps if s.gone)]
    warnings = [
        f"{text} is in neither label set: taken as a migration that ran (list the item under "
        "`retired:` with the line its removal's warning gave, or name it by `{schemaId: ...}`, so "
        "that plans can tell whether answers still hold it)"
        for text in binding.unknown
    ]
    return MigrationPlan((*rated, *steps), tuple(blocked), tuple(warnings))


def _gone(step: BoundStep) -> str:
    """Why apply cannot carry answers of sources the live label set no longer has (shown only
    while some answer holds them: :func:`settled` drops it once the count says none does)."""
    return (
        f"{_GONE_TAG.format(step.migration.index)} answers that still hold {', '.join(step.sources)} "
        "cannot be carried: the live label set no longer has it, so what it was is unknown "
        "(`ontokit restore` the backup of the apply that removed it, then plan again)"
    )


_GONE_TAG = "migrations[{}] (not in the live label set):"
_GONE_WHY = " left the live label set: the migration ran, unless answers still hold it"


def _step_change(step: BoundStep) -> Change:
    """One migration: ``address`` is ``("migrations[2]", "merge")``; ``before`` its sources'
    breadcrumbs, ``after`` its target's (None: a deletion)."""
    deleting = step.migration.kind == "delete"
    reasons: tuple[str, ...] = ()
    if step.gone:
        reasons = (f"{', '.join(step.sources)}{_GONE_WHY}",)
    elif deleting:
        reasons = ("a declared deletion: these answers are gone for good (the backup keeps them)",)
    return Change(
        Action.MIGRATE,
        ChangeKind.MIGRATION,
        (f"migrations[{step.migration.index}]", step.migration.kind),
        Impact.DESTRUCTIVE if deleting else Impact.SAFE,
        reasons,
        before=list(step.sources),
        after=step.target,
        covers=step.covered,
    )


def _rated(c: Change, binding: Binding, before: CategorySchema, kept: set[str]) -> Change:
    """A removal (or a change that orphans answers) whose answers the migrations carry: safe, or
    destructive because a declared deletion removes them. An item beneath it that keeps its id in
    the new label set (the options of a classification moved with its id) needs no migration, as
    ``migration.bind`` has it."""
    if c.kind not in _ITEMS or c.schema_id is None or c.impact is not Impact.DESTRUCTIVE:
        return c
    carried = binding.carried
    if c.schema_id not in carried:
        return c
    node = next((n for n in before.walk() if n.id == c.schema_id), None)
    ids = subtree_ids(node) if node is not None else [c.schema_id]
    if not all(i in carried or (i != c.schema_id and i in kept) for i in ids):
        return c
    steps = [s for s in binding.steps if set(s.covered) & set(ids)]
    which = ", ".join(f"migrations[{s.migration.index}]" for s in steps)
    if any(i in binding.deleted for i in ids):
        why = f"its answers are deleted on purpose by {which}"
        return dataclasses.replace(c, reasons=(why, *c.reasons))
    return dataclasses.replace(c, impact=Impact.SAFE, reasons=(f"its answers are carried over by {which}",))


def with_migration_ops(operations: Sequence[Operation], changes: Sequence[Change]) -> tuple[Operation, ...]:
    """``operations`` with the backup before the label set changes and the rewrite after it, when
    any migration change is left (the label set is replaced by then, or unchanged)."""
    ops = [o for o in operations if not isinstance(o, (BackupAnswers, MigrateAnswers))]
    migrate = next((o for o in operations if isinstance(o, MigrateAnswers)), None)
    if migrate is None or not any(c.action is Action.MIGRATE for c in changes):
        return tuple(ops)
    at = next((i for i, o in enumerate(ops) if isinstance(o, SetCategorySchema)), None)
    if at is None:  # the label set is already the desired one (an apply that stopped): rewrite only
        return (*ops, BackupAnswers(), migrate)
    return (*ops[:at], BackupAnswers(), ops[at], migrate, *ops[at + 1 :])


def settled(project: ProjectPlan) -> ProjectPlan:
    """``project`` without the migrations its counts show done: no answer holds what they carry."""
    done = [
        c
        for c in project.changes
        if c.action is Action.MIGRATE
        and c.affected is not None
        and c.affected.annotations == 0
        and c.affected.partial is None  # "at least 0" proves nothing
    ]
    if not done:
        return project
    changes = tuple(c for c in project.changes if c not in done)
    gone = [c for c in done if c.reasons and c.reasons[0].endswith(_GONE_WHY)]
    tags = tuple(_GONE_TAG.format(c.address[0][len("migrations[") : -1]) for c in gone)
    return dataclasses.replace(
        project,
        changes=changes,
        operations=with_migration_ops(project.operations, changes),
        blocked=tuple(b for b in project.blocked if not b.startswith(tags)),
    )
