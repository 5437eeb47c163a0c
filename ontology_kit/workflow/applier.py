"""Applying a plan: check each project is not stale, execute its operations, verify convergence;
stop before any new write when asked to (Ctrl-C), and never take duplicate projects for success.

Apply decides nothing: for each project with changes it executes the plan's operations in order, one
small function per operation type (:data:`EXECUTORS`), then reads the project back and plans again;
whatever is left did not take (:class:`~ontology_kit.errors.NotConvergedError`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from .._text import one_line
from ..client import HubClient, setup_calls
from ..client.target import workspace_state
from ..errors import (
    ApplyInterrupted,
    DuplicateProjectsError,
    HubError,
    MigrationStopped,
    NotConvergedError,
    OntokitError,
    StalePlanError,
)
from ..plan.model import Plan, ProjectPlan
from ..plan.operations import (
    AddBatches,
    AddMembers,
    BackupAnswers,
    ChangeBatches,
    CreateProject,
    CreateWebhook,
    MigrateAnswers,
    Operation,
    SetCategorySchema,
    SetWorkflow,
    UpdateProject,
    UpdateSettings,
    UpdateWebhook,
    UploadInstructions,
)
from ..project.instructions import read_instructions
from ..setup_state import workflow_bodies
from ..state import DesiredProject, LiveProject, absent_fingerprint
from .migrating import MigrationRun
from .planner import CONCURRENCY, LOCKS_EXTENSION, Planner, Target, read_secrets

__all__ = ["EXECUTORS", "StopFlag", "apply_plan"]


class StopFlag(Protocol):
    """Set when the user asked to stop (the CLI sets it on Ctrl-C): a ``threading.Event``."""

    def is_set(self) -> bool:
        """Whether to stop before the next write."""


def apply_plan(
    plan: Plan,
    planner: Planner,
    *,
    on_done: Callable[[ProjectPlan, int], None] | None = None,
    stop: StopFlag | None = None,
    before_write: Callable[[], None] | None = None,
    notice: Callable[[str], None] | None = None,
) -> list[tuple[ProjectPlan, int]]:
    """Apply every project plan that has changes; returns (plan, number of calls) per applied project.

    Each project is checked for staleness first: if its live state's fingerprint differs from the one
    recorded in the plan, it is refused (StalePlanError) and nothing is written to it. Projects are
    applied a few at a time; the first error is raised after all have finished. ``stop`` is checked
    before every write: once it is set, no write starts (those in flight finish) and
    ApplyInterrupted says which projects were applied, partly applied and not applied.
    ``before_write`` runs before every write too (it raises to stop: a lost lock). ``notice`` hears
    what a migration of answers says as it goes (where its backup is; what it migrated).

    Raises:
        StalePlanError, NotConvergedError, HubError: as each project ends.
        DuplicateProjectsError: after creating projects, the hub holds several of one name.
        ApplyInterrupted: ``stop`` was set before every project was applied.
    """
    todo = [p for p in plan.projects if p.has_changes]
    # Secrets first, for every project (a webhook whose variable is unset was refused by the policy
    # check, before any write; the executors check again).
    secrets = {p.definition: read_secrets(_desired(p)) for p in todo}
    # A project found (or not) by name when planning may have been created since: look again, so that
    # the stale check sees it instead of creating a second one.
    planner.forget_names()

    def stopped() -> bool:
        return stop is not None and stop.is_set()

    def gate() -> bool:
        """Whether the next write may start."""
        if stopped():
            return False
        if before_write is not None:
            before_write()
        return True

    def one(project: ProjectPlan) -> _Outcome:
        outcome = _Outcome(project)
        try:
            _apply_one(project, planner, secrets[project.definition], outcome, gate, notice or _quiet)
        except OntokitError as exc:
            outcome.error = exc
        if outcome.verified and on_done is not None:
            on_done(project, outcome.done)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, min(CONCURRENCY, len(todo)))) as pool:
        outcomes = list(pool.map(one, todo))
    created = [o.project.name for o in outcomes if o.done and _creates(o.project)]
    if created:
        _no_duplicates(created, planner)
    errors = [o.error for o in outcomes if o.error is not None]
    if stopped() and not all(o.verified for o in outcomes):
        raise ApplyInterrupted(
            applied=tuple(o.project.name for o in outcomes if o.verified),
            partial=tuple(
                (o.project.name, o.done, len(o.project.operations))
                for o in outcomes
                if o.done and not o.verified and o.error is None
            ),
            not_applied=tuple(o.project.name for o in outcomes if not o.done and o.error is None),
            failed=tuple((o.project.name, one_line(o.error)) for o in outcomes if o.error is not None),
        )
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise OntokitError("; ".join(str(e) for e in errors))
    return [(o.project, o.done) for o in outcomes]


def _quiet(_: str) -> None:
    pass


def _creates(project: ProjectPlan) -> bool:
    return any(isinstance(op, CreateProject) for op in project.operations)


def _no_duplicates(created: list[str], planner: Planner) -> None:
    """After creating projects, read the hub's names once more: a project created under one of those
    names by another client at the same time is reported with every id, never taken for success."""
    index = planner.names_now()
    twice = {name: index[name] for name in dict.fromkeys(created) if len(index.get(name, ())) > 1}
    if twice:
        listed = "; ".join(f"{name!r}: {', '.join(ids)}" for name, ids in twice.items())
        raise DuplicateProjectsError(
            f"duplicate projects on {planner.hub}: another client created projects with the same "
            f"names at the same time ({listed}); keep one of each, delete the others on the hub, and "
            "set `id:` in the definition to the one kept"
        )


@dataclass
class _Outcome:
    """How far one project got: operations executed, read back (converged), or the error it ended in."""

    project: ProjectPlan
    done: int = 0
    verified: bool = False
    error: OntokitError | None = None


@dataclass
class _Context:
    """What the executors of one project share: the client, the desired and live state, secrets."""

    client: HubClient
    planner: Planner
    desired: DesiredProject
    live: LiveProject | None  # None until the project exists
    secrets: dict[str, str]
    gate: Callable[[], bool] = lambda: True  # False: stop before the next write (Ctrl-C)
    notice: Callable[[str], None] = _quiet
    migration: MigrationRun | None = None  # made by the first migration operation
    operations: tuple[Operation, ...] = ()  # the project plan's

    @property
    def project_id(self) -> str:
        if self.live is None:
            raise OntokitError(f"{self.desired.definition}: the plan acts on a project that does not exist")
        return self.live.id


def _desired(project: ProjectPlan) -> DesiredProject:
    if project.desired is None:
        raise OntokitError(f"{project.definition}: this plan compares files; there is nothing to apply")
    return project.desired


def _apply_one(
    project: ProjectPlan,
    planner: Planner,
    secrets: dict[str, str],
    outcome: _Outcome,
    gate: Callable[[], bool],
    notice: Callable[[str], None],
) -> None:
    desired = _desired(project)
    if not gate():  # stopped before this project began: not even read
        return
    live = planner.read_live(Target(desired, project.project_id))
    now = live.fingerprint() if live is not None else absent_fingerprint(desired.name)
    if now != project.fingerprint:
        raise StalePlanError(
            f"{project.definition}: the plan is stale: project {desired.name!r} changed on "
            f"{planner.hub} since the plan was made; run `ontokit plan` again"
        )
    ctx = _Context(planner.client, planner, desired, live, secrets, gate, notice, None, project.operations)
    for operation in project.operations:
        if not gate():  # Ctrl-C: no new write starts; the summary says how far this project got
            return
        try:
            EXECUTORS[type(operation)](ctx, operation)
        except MigrationStopped:  # a migration stopped between pages: its journal lets apply continue
            return
        outcome.done += 1
    # Converged? Read everything back and plan again: whatever is left did not take.
    residue = planner.plan_one(Target(desired, ctx.project_id))
    if residue.has_changes:
        left = "; ".join(c.path for c in residue.changes[:10])
        raise NotConvergedError(
            f"{project.definition}: did not converge: after applying, {len(residue.changes)} "
            f"change(s) remain on {planner.hub}: {left}"
        )
    outcome.verified = True


# -- one function per operation type ---------------------------------------------------------------------
def _create_project(ctx: _Context, op: CreateProject) -> None:
    fields = op.fields.set()
    name, description, project_type = (
        fields.pop("name"),
        fields.pop("description", ""),
        fields.pop("type", None),
    )
    if LOCKS_EXTENSION not in ctx.planner.capabilities:
        # No lock on this hub (the real Ango Hub): look the name up again right before creating, so
        # that another client's create since the stale check is seen (apply_plan checks once more).
        found = ctx.planner.names_now().get(name)
        if found:
            raise StalePlanError(
                f"{ctx.desired.definition}: the plan is stale: a project named {name!r} was created on "
                f"{ctx.planner.hub} since the plan was made ({', '.join(found)}); nothing was written "
                "to it; run `ontokit plan` again"
            )
    document = ctx.client.create_project(name, description, project_type, **fields)
    ctx.live = LiveProject.from_hub(document, [])  # a new project has no webhooks yet
    ctx.planner.forget_names()


def _update_project(ctx: _Context, op: UpdateProject) -> None:
    ctx.client.update_project(ctx.project_id, **dict(op.values))


def _set_category_schema(ctx: _Context, op: SetCategorySchema) -> None:
    ctx.client.set_category_schema(ctx.project_id, ctx.desired.category_schema.payload())


def _migration(ctx: _Context) -> MigrationRun:
    if ctx.migration is None:
        state = workspace_state()  # refused when `.ontokit` is a link out of the workspace
        ctx.migration = MigrationRun(
            ctx.client, ctx.planner.hub_key, state, ctx.desired, ctx.project_id, ctx.notice, ctx.gate
        )
    return ctx.migration


def _backup_answers(ctx: _Context, op: BackupAnswers) -> None:
    # the label set the answers were made with is the migration's (the operation after the change)
    before = next(o.before for o in ctx.operations if isinstance(o, MigrateAnswers))
    _migration(ctx).backup(before)


def _migrate_answers(ctx: _Context, op: MigrateAnswers) -> None:
    if not _migration(ctx).migrate():
        raise MigrationStopped


def _add_batches(ctx: _Context, op: AddBatches) -> None:
    # The list is replaced whole: keep every live batch as the hub wrote it (ids, other fields).
    have = [dict(b.raw) for b in ctx.live.batches] if ctx.live is not None else []
    ctx.client.set_batches(ctx.project_id, [*have, *({"name": name} for name in op.names)])


def _change_batches(ctx: _Context, op: ChangeBatches) -> None:
    # Read the list now (a batch may have been added by this apply): rename and delete by id, keep
    # every other batch as the hub wrote it.
    names = dict(op.renamed)
    gone = set(op.deleted)
    have = ctx.client.get_project(ctx.project_id).get("batches") or []
    kept = [
        {**b, "name": names.get(str(b.get("_id")), b.get("name"))}
        for b in have
        if isinstance(b, dict) and b.get("_id") not in gone
    ]
    ctx.client.set_batches(ctx.project_id, kept)


def _secret_of(ctx: _Context, url: str, var: str | None) -> str | None:
    # The plan refuses a webhook whose secret variable is unset; this keeps a plan that slipped past
    # that from writing the webhook without its secret.
    if var and var not in ctx.secrets:
        raise OntokitError(f"{ctx.desired.definition}: webhook {url}: its secret's variable {var} is not set")
    return ctx.secrets[var] if var else None


@contextmanager
def _hiding(secrets: Iterable[str | None]) -> Iterator[None]:
    """A hub's error may quote the request it refused: never the secrets that request carried."""
    try:
        yield
    except HubError as exc:
        text = shown = str(exc)
        # as sent, and as a JSON string holds it (a message that quotes the body escapes it)
        forms = {
            form
            for v in secrets
            if v
            for form in (v, json.dumps(v)[1:-1], json.dumps(v, ensure_ascii=False)[1:-1])
        }
        for value in sorted(forms, key=len, reverse=True):
            shown = shown.replace(value, "(sensitive)")
        if shown == text:
            raise
        raise type(exc)(shown, exc.status) from None


def _create_webhook(ctx: _Context, op: CreateWebhook) -> None:
    hook = op.webhook
    secret = _secret_of(ctx, hook.url, hook.secret_env)
    with _hiding([secret]):
        ctx.client.create_webhook(ctx.project_id, hook.url, list(hook.types), secret)


def _update_webhook(ctx: _Context, op: UpdateWebhook) -> None:
    fields: dict[str, Any] = {}
    if op.types is not None:
        fields["types"] = list(op.types)
    if op.set_secret:
        fields["secret"] = _secret_of(ctx, op.url, op.secret_env)
    with _hiding([fields.get("secret")]):
        ctx.client.update_webhook(op.webhook_id, **fields)


def _set_workflow(ctx: _Context, op: SetWorkflow) -> None:
    live = ctx.live.setup.stages if ctx.live is not None else ()
    wanted = ctx.desired.setup.workflow or ()
    secrets = {
        s.id: _secret_of(ctx, f"stage {s.id}", s.secret_env) or "" for s in wanted if s.id in op.set_secrets
    }
    with _hiding([*secrets.values(), *(s.shown_secret for s in live)]):
        setup_calls.set_workflow(ctx.client, ctx.project_id, workflow_bodies(wanted, live, secrets))


def _add_members(ctx: _Context, op: AddMembers) -> None:
    setup_calls.add_members(ctx.client, ctx.project_id, op.emails, op.role)


#: The call that sets each section of settings.
_SETTING_CALLS: Final = {
    "benchmark": setup_calls.update_benchmark,
    "label-validation": setup_calls.update_label_validation,
    "settings": setup_calls.update_settings,
}


def _update_settings(ctx: _Context, op: UpdateSettings) -> None:
    _SETTING_CALLS[op.section](ctx.client, ctx.project_id, dict(op.values))


def _upload_instructions(ctx: _Context, op: UploadInstructions) -> None:
    content = read_instructions(Path(op.path))
    if hashlib.sha256(content).hexdigest() != op.sha256:
        raise StalePlanError(
            f"{ctx.desired.definition}: the plan is stale: the instructions file {op.path} changed since "
            "the plan was made; run `ontokit plan` again"
        )
    setup_calls.upload_instructions(ctx.client, ctx.project_id, Path(op.path).name, content)


#: The executor of every operation type (a test checks that none is missing).
EXECUTORS: Final[dict[type[Any], Callable[[_Context, Any], None]]] = {
    CreateProject: _create_project,
    UpdateProject: _update_project,
    SetCategorySchema: _set_category_schema,
    BackupAnswers: _backup_answers,
    MigrateAnswers: _migrate_answers,
    AddBatches: _add_batches,
    ChangeBatches: _change_batches,
    CreateWebhook: _create_webhook,
    UpdateWebhook: _update_webhook,
    SetWorkflow: _set_workflow,
    AddMembers: _add_members,
    UpdateSettings: _update_settings,
    UploadInstructions: _upload_instructions,
}
