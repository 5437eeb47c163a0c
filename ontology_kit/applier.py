"""Applying a plan: check it is not stale, send only the calls needed, verify convergence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .errors import OntokitError
from .plan.model import Impact, Plan, ProjectPlan
from .planner import CONCURRENCY, Planner, Target, read_secrets

__all__ = ["NotConvergedError", "StalePlanError", "apply_plan", "destructive_changes"]


class StalePlanError(OntokitError):
    """The live project changed after the plan was computed."""


class NotConvergedError(OntokitError):
    """After applying, the hub still differs from the definition."""


def destructive_changes(plan: Plan) -> list[str]:
    """``project: path`` of every destructive change."""
    return [f"{p.name}: {c.path}" for p in plan.projects for c in p.changes if c.impact is Impact.DESTRUCTIVE]


def apply_plan(
    plan: Plan, planner: Planner, *, on_done: Callable[[ProjectPlan, int], None] | None = None
) -> list[tuple[ProjectPlan, int]]:
    """Apply every project plan that has changes; returns (plan, number of calls) per applied project.

    Each project is checked for staleness first: if its live state's fingerprint differs from the one
    recorded in the plan, it is refused (StalePlanError) and nothing is written to it. Projects are
    applied a few at a time; the first error is raised after all have finished.
    """
    todo = [p for p in plan.projects if p.has_changes]
    # Secrets first, for every project: a missing variable must stop the run before any write.
    secrets = {p.definition: read_secrets(p.desired, p.definition) for p in todo}

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


def _apply_one(project: ProjectPlan, planner: Planner, secrets: dict[str, str]) -> int:
    client = planner.client
    desired = project.desired
    target = Target(project.definition, desired, project.project_id)
    live = planner.read_live(target)
    if live.fingerprint(desired["name"]) != project.fingerprint:
        raise StalePlanError(
            f"{project.definition}: saved plan is stale: project {desired['name']!r} changed on "
            f"{planner.hub} since the plan was made; run `ontokit plan` again"
        )
    calls = 0
    current = live.project
    if current is None:
        current = client.create_project(desired["name"], desired.get("description", ""), desired.get("type"))
        calls += 1
        planner.forget_names()
    pid = str(current["_id"])
    fields = {
        k: desired.get(k, "")
        for k in ("name", "description")
        if (current.get(k) or "") != (desired.get(k) or "")
    }
    if fields:
        client.update_project(pid, **fields)
        calls += 1
    if current.get("categorySchema") != desired["categorySchema"]:
        client.set_category_schema(pid, desired["categorySchema"])  # the whole schema, in one call
        calls += 1
    have = [b for b in current.get("batches") or [] if isinstance(b, dict)]
    missing = [n for n in desired.get("batches", []) if n not in {b.get("name") for b in have}]
    if missing:
        client.set_batches(pid, [*have, *({"name": n} for n in missing)])
        calls += 1
    calls += _apply_webhooks(client, pid, desired, live.webhooks if live.project else [], secrets)
    # Converged? Read everything back and plan again: whatever is left did not take.
    residue = planner.plan_one(Target(project.definition, desired, pid))
    if residue.has_changes:
        left = "; ".join(c.path for c in residue.changes[:10])
        raise NotConvergedError(
            f"{project.definition}: did not converge: after applying, {len(residue.changes)} "
            f"change(s) remain on {planner.hub}: {left}"
        )
    return calls


def _apply_webhooks(
    client: Any,
    pid: str,
    desired: dict[str, Any],
    live: Sequence[dict[str, Any]] | None,
    secrets: dict[str, str],
) -> int:
    if live is None:
        return 0  # the hub cannot list webhooks: not managed there (the plan warned)
    from .plan.project_diff import secret_matches

    calls = 0
    by_url = {h.get("url"): h for h in live}
    for hook in desired.get("webhooks", []):
        value = secrets.get(hook["secretEnv"]) if hook.get("secretEnv") else None
        current = by_url.get(hook["url"])
        if current is None:
            client.create_webhook(pid, hook["url"], hook["types"], value)
            calls += 1
            continue
        fields: dict[str, Any] = {}
        if sorted(current.get("types") or []) != sorted(hook["types"]):
            fields["types"] = hook["types"]
        if secret_matches(current.get("secret"), value) is False:
            fields["secret"] = value
        if fields:
            client.update_webhook(str(current["_id"]), **fields)
            calls += 1
    return calls
