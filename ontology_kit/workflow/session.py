"""A session with one hub: which hub, a client for it, and a planner over that client; and the
saved-plan checks that need the hub (is it the hub the plan was made for; is the plan still true)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..client import HubClient, HubTarget, check_hub_url, open_client, resolve_target
from ..client.target import workspace_state
from ..errors import OntokitError, PlanFileError, StalePlanError
from ..loader import read_file
from ..loader.paths import Refusal, check_reference
from ..plan.model import Plan, ProjectPlan
from ..plan.operations import UploadInstructions
from ..plan.planfile import SavedPlan, loads_plan, project_digest
from ..plan.planjson import MAX_PLAN_BYTES
from ..project.load import find_workspace
from .planner import Planner, Target

__all__ = [
    "PLAN_KEY_VARIABLE",
    "Session",
    "choose_hub",
    "open_session",
    "plan_key",
    "read_saved_plan",
    "saved_target",
    "verify_saved_plan",
    "workspace_settings",
]

#: The environment variable holding the key that signs plan files (docs/plan-format.md).
PLAN_KEY_VARIABLE = "ONTOKIT_PLAN_KEY"


@dataclass
class Session:
    """A hub target, a client for it, and a planner over that client."""

    target: HubTarget
    client: HubClient
    planner: Planner


@contextmanager
def open_session(
    target: HubTarget, *, count: bool = True, rate_limit: str | None = None
) -> Iterator[Session]:
    """A client and planner for ``target``, closed afterwards (``count``: plans count the
    annotations each change affects, on a hub that can tell; ``rate_limit``: the workspace's)."""
    with open_client(target, rate_limit=rate_limit) as client:
        try:
            state: Path | None = workspace_state()
        except OntokitError:  # a link out of the workspace: refused when a migration would write there
            state = None
        key = str(target.db.resolve()) if target.db is not None else target.url
        planner = Planner(client, target.description, count=count, state=state, hub_key=key)
        yield Session(target, client, planner)


def choose_hub(
    cli_hub: str | None, workspace_hub: str | None, env: Mapping[str, str] | None = None
) -> HubTarget:
    """--hub, else ONTOKIT_HUB, else the workspace's ``hub:``, else the embedded hub."""
    env = os.environ if env is None else env
    if cli_hub is not None:
        return resolve_target(cli_hub, env, where="--hub")
    if env.get("ONTOKIT_HUB"):
        return resolve_target(env["ONTOKIT_HUB"], env, where="ONTOKIT_HUB")
    return resolve_target(workspace_hub, env, where="the workspace's hub:")


def read_saved_plan(target: str | None, env: Mapping[str, str] | None = None) -> SavedPlan | None:
    """The saved plan ``target`` names, or None when it names definitions (or nothing).

    A plan file is read within bounds (``plan/planjson.py``); with ``ONTOKIT_PLAN_KEY`` set, one
    that is unsigned or altered is refused.
    """
    env = os.environ if env is None else env
    if target is None or not Path(target).is_file():
        return None
    try:
        with open(target, "rb") as fh:
            raw = fh.read(MAX_PLAN_BYTES + 1)  # never more: the file may be anything
    except OSError:
        return None
    if Path(target).suffix != ".json" and not raw.lstrip().startswith(b"{"):
        return None
    if len(raw) > MAX_PLAN_BYTES:
        raise PlanFileError(f"{target}: plan file is larger than the limit of {MAX_PLAN_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanFileError(f"{target}: not a plan file (not UTF-8 text)") from None
    saved = loads_plan(text, target, key=plan_key(env))
    _files_inside(saved, target)
    return saved


def _files_inside(saved: SavedPlan, name: str) -> None:
    """Refuse a saved plan that would upload a file outside the folder apply runs in: a plan file
    names its files itself, so the paths it holds pass the checks a definition's do (absolute,
    ``..`` out, a link out; ``ONTOKIT_ALLOW_PATHS_OUTSIDE_ROOT=1`` allows them)."""
    for project in saved.plan.projects:
        setup = project.desired.setup if project.desired is not None else None
        paths = [op.path for op in project.operations if isinstance(op, UploadInstructions)]
        if setup is not None and setup.instructions is not None:
            paths.append(setup.instructions.path)
        for path in paths:
            refused = check_reference(path, ".", ".", "instructions path")
            if isinstance(refused, Refusal):
                raise PlanFileError(
                    f"{name}: {project.definition}: {refused.message}: a saved plan uploads only files "
                    "below the folder apply runs in; plan and apply from the workspace"
                )


def plan_key(env: Mapping[str, str] | None = None) -> str | None:
    """The key plan files are signed with (``ONTOKIT_PLAN_KEY``), or None."""
    env = os.environ if env is None else env
    return env.get(PLAN_KEY_VARIABLE) or None


def saved_target(
    saved: SavedPlan,
    cli_hub: str | None,
    env: Mapping[str, str] | None = None,
    workspace_hub: str | None = None,
    name: str = "the plan file",
) -> HubTarget:
    """The hub to apply a saved plan to: the one the user selects (``--hub``, else ONTOKIT_HUB, else
    the workspace's ``hub:``, else the embedded hub), never a URL read from the file. A plan made for
    another hub is refused here, before any request (the API key goes only to the selected hub)."""
    env = os.environ if env is None else env
    record = saved.hub
    if record.url is not None:  # credentials or a malformed URL are refused without being shown
        check_hub_url(record.url, f"{name}: hub.url")
    made_for = record.url if record.kind == "url" else f"embedded local hub ({record.db})"
    selected = choose_hub(cli_hub, workspace_hub, env)
    mine = selected.record()
    if (mine.kind, mine.url, mine.db) != (record.kind, record.url, record.db):
        raise OntokitError(
            f"the plan was made for {made_for}, not {selected.description} (the hub selected by "
            "--hub, ONTOKIT_HUB or the workspace's `hub:`); select that hub to apply it"
        )
    return selected


def workspace_settings(start: Path | None = None) -> dict[str, str]:
    """The text settings (``hub:``, ``rate_limit:``) of the nearest workspace file, read once and
    leniently: a workspace that cannot be read sets nothing, and the defaults are then used."""
    found = find_workspace(start)
    data = read_file(found).data if found is not None else None
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if isinstance(key, str) and isinstance(value, str)}


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
