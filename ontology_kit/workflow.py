"""plan and apply as library calls: definitions or a saved plan in, a Plan (and its application) out.

The CLI is a thin layer over these; they do the hub I/O through one client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .client import HubTarget, open_client, resolve_target
from .errors import OntokitError
from .plan.model import Plan, ProjectPlan
from .plan.planfile import SavedPlan
from .planner import Planner, Target

__all__ = ["Session", "hub_record", "open_session", "plan_saved", "saved_target"]


@dataclass
class Session:
    """A hub target, a client for it, and a planner over that client."""

    target: HubTarget
    planner: Planner

    def plan(self, targets: Sequence[Target], on_done: Callable[[ProjectPlan], None] | None = None) -> Plan:
        return self.planner.plan(targets, on_done=on_done)


@contextmanager
def open_session(target: HubTarget) -> Iterator[Session]:
    """A client and planner for ``target``, closed afterwards."""
    with open_client(target) as client:
        yield Session(target, Planner(client, target.description))


def hub_record(target: HubTarget) -> dict[str, Any]:
    """How a plan file names its hub (compared on apply)."""
    return {
        "name": target.description,
        "kind": target.kind,
        "url": None if target.kind == "embedded" else target.url,
        "db": str(target.db) if target.db else None,
    }


def saved_target(saved: SavedPlan, cli_hub: str | None) -> HubTarget:
    """The hub a saved plan was made for; ``--hub`` may name it again but not another one."""
    import os

    recorded = saved.hub
    cli_hub = cli_hub if cli_hub is not None else (os.environ.get("ONTOKIT_HUB") or None)
    if recorded.get("kind") == "embedded":
        target = HubTarget("embedded", "embedded", Path(str(recorded.get("db"))))
    else:
        target = resolve_target(str(recorded.get("url")))
    if cli_hub is not None:
        given = resolve_target(cli_hub)
        if hub_record(given) != hub_record(target):
            raise OntokitError(
                f"the plan was made for {target.description}, not {given.description} (--hub / ONTOKIT_HUB)"
            )
    return target


def plan_saved(
    session: Session, saved: SavedPlan, on_done: Callable[[ProjectPlan], None] | None = None
) -> Plan:
    """Re-plan a saved plan against the live hub; refuse it as stale if any project changed since."""
    from .applier import StalePlanError
    from .plan.planfile import changes_digest

    targets = [Target(p.definition, p.desired, p.project_id) for p in saved.projects]
    plan = session.plan(targets, on_done)
    for saved_project, now in zip(saved.projects, plan.projects):
        if now.fingerprint != saved_project.fingerprint:
            raise StalePlanError(
                f"saved plan is stale: project {saved_project.name!r} changed on "
                f"{session.target.description} since the plan was made "
                f"({saved.created_at}); run `ontokit plan` again"
            )
        if changes_digest(now) != saved_project.changes:
            # Same hub state, other changes: something outside the file changed (a webhook secret in
            # the environment). Apply does exactly what the saved plan showed, or nothing.
            raise StalePlanError(
                f"saved plan is stale: for project {saved_project.name!r} it would now do "
                "something it did not show (has a webhook secret in the environment changed?); "
                "run `ontokit plan` again"
            )
    return plan
