"""A session with one hub: which hub, a client for it, and a planner over that client; and the
saved-plan checks that need the hub (is it the hub the plan was made for; is the plan still true)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..client import HubClient, HubTarget, open_client, resolve_target
from ..errors import OntokitError, StalePlanError
from ..plan.model import Plan, ProjectPlan
from ..plan.planfile import SavedPlan, loads_plan, project_digest
from .planner import Planner, Target

__all__ = ["Session", "choose_hub", "open_session", "read_saved_plan", "saved_target", "verify_saved_plan"]


@dataclass
class Session:
    """A hub target, a client for it, and a planner over that client."""

    target: HubTarget
    client: HubClient
    planner: Planner


@contextmanager
def open_session(target: HubTarget) -> Iterator[Session]:
    """A client and planner for ``target``, closed afterwards."""
    with open_client(target) as client:
        yield Session(target, client, Planner(client, target.description))


def choose_hub(
    cli_hub: str | None, workspace_hub: str | None, env: Mapping[str, str] | None = None
) -> HubTarget:
    """--hub, else ONTOKIT_HUB, else the workspace's ``hub:``, else the embedded hub."""
    env = os.environ if env is None else env
    if cli_hub is not None:
        return resolve_target(cli_hub, env)
    return resolve_target(env.get("ONTOKIT_HUB") or workspace_hub, env)


def read_saved_plan(target: str | None) -> SavedPlan | None:
    """The saved plan ``target`` names, or None when it names definitions (or nothing)."""
    if target is None or not Path(target).is_file():
        return None
    try:
        text = Path(target).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if Path(target).suffix != ".json" and not text.lstrip().startswith("{"):
        return None
    return loads_plan(text, target)


def saved_target(saved: SavedPlan, cli_hub: str | None, env: Mapping[str, str] | None = None) -> HubTarget:
    """The hub a saved plan was made for; ``--hub`` (or ONTOKIT_HUB) may name it again, not another one."""
    env = os.environ if env is None else env
    target = HubTarget.from_record(saved.hub)
    given_hub = cli_hub if cli_hub is not None else (env.get("ONTOKIT_HUB") or None)
    if given_hub is not None:
        given = resolve_target(given_hub, env)
        if given.record() != target.record():
            raise OntokitError(
                f"the plan was made for {target.description}, not {given.description} (--hub / ONTOKIT_HUB)"
            )
    return target


def verify_saved_plan(
    session: Session, saved: SavedPlan, on_done: Callable[[ProjectPlan], None] | None = None
) -> Plan:
    """The saved plan, once planning again shows that it still holds: refused as stale when a project
    changed on the hub since, or when the plan would now show or do anything else."""
    targets = [Target(p.desired, p.project_id) for p in saved.plan.projects if p.desired is not None]
    now = session.planner.plan(targets, on_done=on_done)
    for before, after in zip(saved.plan.projects, now.projects, strict=True):
        if after.fingerprint != before.fingerprint:
            raise StalePlanError(
                f"saved plan is stale: project {before.name!r} changed on "
                f"{session.target.description} since the plan was made "
                f"({saved.created_at}); run `ontokit plan` again"
            )
        if project_digest(after) != project_digest(before):
            # Same hub state, another plan: a webhook secret in the environment, what the hub can
            # do, or the file itself changed. Apply does exactly what the saved plan showed, or nothing.
            raise StalePlanError(
                f"saved plan is stale: for project {before.name!r} it would now do or show "
                "something it did not (a webhook secret in the environment, what the hub can do, "
                "or the plan file itself changed); run `ontokit plan` again"
            )
    return Plan(now.hub, saved.plan.projects, saved.plan.kind)
