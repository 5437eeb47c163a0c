"""Applying a plan: check each project is not stale, execute its operations, verify convergence.

Apply decides nothing: for each project with changes it executes the plan's operations in order, one
small function per operation type (:data:`EXECUTORS`), then reads the project back and plans again;
whatever is left did not take (:class:`~ontology_kit.errors.NotConvergedError`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

from ..client import HubClient
from ..errors import NotConvergedError, OntokitError, StalePlanError
from ..plan.model import Plan, ProjectPlan
from ..plan.operations import (
    AddBatches,
    CreateProject,
    CreateWebhook,
    SetCategorySchema,
    UpdateProject,
    UpdateWebhook,
)
from ..state import DesiredProject, LiveProject, absent_fingerprint
from .planner import CONCURRENCY, Planner, Target, read_secrets

__all__ = ["EXECUTORS", "apply_plan"]


def apply_plan(
    plan: Plan, planner: Planner, *, on_done: Callable[[ProjectPlan, int], None] | None = None
) -> list[tuple[ProjectPlan, int]]:
    """Apply every project plan that has changes; returns (plan, number of calls) per applied project.

    Each project is checked for staleness first: if its live state's fingerprint differs from the one
    recorded in the plan, it is refused (StalePlanError) and nothing is written to it. Projects are
    applied a few at a time; the first error is raised after all have finished.
    """
    todo = [p for p in plan.projects if p.has_changes]
    # Secrets first, for every project (a webhook whose variable is unset was refused by the policy
    # check, before any write; the executors check again).
    secrets = {p.definition: read_secrets(_desired(p)) for p in todo}
    # A project found (or not) by name when planning may have been created since: look again, so that
    # the stale check sees it instead of creating a second one.
    planner.forget_names()

    def one(project: ProjectPlan) -> tuple[ProjectPlan, int]:
        calls = _apply_one(project, planner, secrets[project.definition])
        if on_done is not None:
            on_done(project, calls)
        return project, calls

    results: list[tuple[ProjectPlan, int]] = []
    errors: list[OntokitError] = []
    with ThreadPoolExecutor(max_workers=max(1, min(CONCURRENCY, len(todo)))) as pool:
        futures = [pool.submit(one, p) for p in todo]
        for future in futures:
            try:
                results.append(future.result())
            except OntokitError as exc:
                errors.append(exc)
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise OntokitError("; ".join(str(e) for e in errors))
    return results


@dataclass
class _Context:
    """What the executors of one project share: the client, the desired and live state, secrets."""

    client: HubClient
    planner: Planner
    desired: DesiredProject
    live: LiveProject | None  # None until the project exists
    secrets: dict[str, str]

    @property
    def project_id(self) -> str:
        if self.live is None:
            raise OntokitError(f"{self.desired.definition}: the plan acts on a project that does not exist")
        return self.live.id


def _desired(project: ProjectPlan) -> DesiredProject:
    if project.desired is None:
        raise OntokitError(f"{project.definition}: this plan compares files; there is nothing to apply")
    return project.desired


def _apply_one(project: ProjectPlan, planner: Planner, secrets: dict[str, str]) -> int:
    desired = _desired(project)
    live = planner.read_live(Target(desired, project.project_id))
    now = live.fingerprint() if live is not None else absent_fingerprint(desired.name)
    if now != project.fingerprint:
        raise StalePlanError(
            f"{project.definition}: the plan is stale: project {desired.name!r} changed on "
            f"{planner.hub} since the plan was made; run `ontokit plan` again"
        )
    ctx = _Context(planner.client, planner, desired, live, secrets)
    for operation in project.operations:
        EXECUTORS[type(operation)](ctx, operation)
    # Converged? Read everything back and plan again: whatever is left did not take.
    residue = planner.plan_one(Target(desired, ctx.project_id))
    if residue.has_changes:
        left = "; ".join(c.path for c in residue.changes[:10])
        raise NotConvergedError(
            f"{project.definition}: did not converge: after applying, {len(residue.changes)} "
            f"change(s) remain on {planner.hub}: {left}"
        )
    return len(project.operations)


# -- one function per operation type ---------------------------------------------------------------------
def _create_project(ctx: _Context, op: CreateProject) -> None:
    fields = op.fields.set()
    name, description, project_type = (
        fields.pop("name"),
        fields.pop("description", ""),
        fields.pop("type", None),
    )
    document = ctx.client.create_project(name, description, project_type, **fields)
    ctx.live = LiveProject.from_hub(document, [])  # a new project has no webhooks yet
    ctx.planner.forget_names()


def _update_project(ctx: _Context, op: UpdateProject) -> None:
    ctx.client.update_project(ctx.project_id, **dict(op.values))


def _set_category_schema(ctx: _Context, op: SetCategorySchema) -> None:
    ctx.client.set_category_schema(ctx.project_id, ctx.desired.category_schema.payload())


def _add_batches(ctx: _Context, op: AddBatches) -> None:
    # The list is replaced whole: keep every live batch as the hub wrote it (ids, other fields).
    have = [dict(b.raw) for b in ctx.live.batches] if ctx.live is not None else []
    ctx.client.set_batches(ctx.project_id, [*have, *({"name": name} for name in op.names)])


def _secret_of(ctx: _Context, url: str, var: str | None) -> str | None:
    # The plan refuses a webhook whose secret variable is unset; this keeps a plan that slipped past
    # that from writing the webhook without its secret.
    if var and var not in ctx.secrets:
        raise OntokitError(f"{ctx.desired.definition}: webhook {url}: its secret's variable {var} is not set")
    return ctx.secrets[var] if var else None


def _create_webhook(ctx: _Context, op: CreateWebhook) -> None:
    hook = op.webhook
    secret = _secret_of(ctx, hook.url, hook.secret_env)
    ctx.client.create_webhook(ctx.project_id, hook.url, list(hook.types), secret)


def _update_webhook(ctx: _Context, op: UpdateWebhook) -> None:
    fields: dict[str, Any] = {}
    if op.types is not None:
        fields["types"] = list(op.types)
    if op.set_secret:
        fields["secret"] = _secret_of(ctx, op.url, op.secret_env)
    ctx.client.update_webhook(op.webhook_id, **fields)


#: The executor of every operation type (a test checks that none is missing).
EXECUTORS: Final[dict[type[Any], Callable[[_Context, Any], None]]] = {
    CreateProject: _create_project,
    UpdateProject: _update_project,
    SetCategorySchema: _set_category_schema,
    AddBatches: _add_batches,
    CreateWebhook: _create_webhook,
    UpdateWebhook: _update_webhook,
}
