"""plan and apply as library calls: definitions (or a saved plan) in, a plan and its application out.

This is where ontokit does hub I/O, always through the client (``ontology_kit.client``). The CLI is a
thin layer over these functions: it passes an :class:`ApplyView` whose methods show progress, show
the plan and ask for confirmation, and renders what comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .._io import write_atomic
from ..client import HubTarget, open_client, resolve_target
from ..diagnostics import Diagnostic
from ..errors import ApplyCancelled
from ..plan.model import Plan, ProjectPlan
from ..plan.planfile import dumps_plan
from ..plan.policy import check_policy
from ..project.load import load_definitions
from ..state import ProjectSummary
from .applier import StopFlag, apply_plan
from .locking import holding_locks, lock_names
from .planner import Target
from .progress import Progress, RunProgress
from .session import (
    PLAN_KEY_VARIABLE,
    choose_hub,
    open_session,
    plan_key,
    read_saved_plan,
    saved_target,
    verify_saved_plan,
    workspace_settings,
)

__all__ = [
    "ApplyResult",
    "ApplyView",
    "PlanResult",
    "RunProgress",
    "StopFlag",
    "apply",
    "list_projects",
    "plan",
]


@dataclass(frozen=True)
class PlanResult:
    """A plan, the hub it was made against, the warnings found in the definitions, and the file the
    plan was saved to (if any)."""

    plan: Plan
    hub: HubTarget
    diagnostics: tuple[Diagnostic, ...] = ()
    saved_to: str | None = None


@dataclass(frozen=True)
class ApplyResult:
    """What apply did: the plan it carried out, and each applied project with its number of calls."""

    plan: Plan
    applied: tuple[tuple[ProjectPlan, int], ...]

    @property
    def calls(self) -> int:
        """Hub calls made, in all."""
        return sum(n for _, n in self.applied)


class ApplyView(Protocol):
    """What apply shows and asks while it runs (the CLI's terminal view implements it)."""

    def loaded(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        """The definitions were read; these are their warnings."""

    def planned(self, project: ProjectPlan) -> None:
        """One project was planned."""

    def show(self, plan: Plan) -> None:
        """The plan, before anything is written."""

    def confirm(self, plan: Plan) -> bool:
        """Whether to apply it (after the policy checks passed)."""

    def applied(self, project: ProjectPlan, calls: int) -> None:
        """One project was applied, with so many calls."""

    def notice(self, message: str) -> None:
        """Something the user should know about what is applied (an unsigned plan file)."""


def plan(
    target: str | None,
    hub: str | None = None,
    *,
    on_loaded: Callable[[tuple[Diagnostic, ...], HubTarget], None] | None = None,
    on_planned: Callable[[ProjectPlan], None] | None = None,
    out: str | None = None,
    count: bool = True,
    on_progress: Callable[[RunProgress], None] | None = None,
) -> PlanResult:
    """Plan the definitions ``target`` names (a project file, a workspace, a folder holding one;
    default: the nearest ``ontokit.yaml``) against a hub (``hub``, else ``ONTOKIT_HUB``, else the
    workspace's ``hub:``, else the embedded local Hub); with ``out``, save the plan there for
    :func:`apply` (written whole or not at all; it holds no secret; signed when ``ONTOKIT_PLAN_KEY``
    is set). With ``count`` false, no change's affected annotations are counted (``affected`` None).
    ``on_progress`` hears, as each project is planned (just before ``on_planned``), how many are done
    and about how long the rest take under the hub's request budget.

    Raises:
        InvalidDefinitionsError: the definitions have errors (nothing was planned).
        HubError: the hub could not be read.
        OntokitError: ``out`` could not be written.
    """
    definitions = load_definitions(target)
    hub_target = choose_hub(hub, definitions.hub)
    if on_loaded is not None:
        on_loaded(definitions.diagnostics, hub_target)
    with open_session(hub_target, count=count, rate_limit=definitions.rate_limit) as session:
        progress = Progress(session.client.pacer, len(definitions.projects), on_progress)
        result = session.planner.plan(
            [Target.of(d) for d in definitions.projects], on_done=progress.wrap(on_planned)
        )
    if out is not None:
        write_atomic(out, dumps_plan(result, hub_target.record(), key=plan_key()))
    return PlanResult(result, hub_target, definitions.diagnostics, out)


def apply(
    target: str | None,
    hub: str | None,
    view: ApplyView,
    *,
    allow_destructive: bool = False,
    lock_timeout: float = 0.0,
    stop: StopFlag | None = None,
    count: bool = True,
    on_progress: Callable[[RunProgress], None] | None = None,
) -> ApplyResult:
    """Plan (or check a saved plan: ``target`` is then a plan file), show the plan, refuse what policy
    refuses, ask, then execute the plan's operations and verify that every project converged.

    On a hub with the ``locks`` extension, apply holds a lease on every project it manages (by name,
    and by id once known) from before it reads the hub until it ends, waiting up to ``lock_timeout``
    seconds for another apply's lease. Once ``stop`` is set (the CLI sets it on Ctrl-C), no new
    write starts. With ``count`` false, the plan shown counts no affected annotations.
    ``on_progress`` hears how far planning, then applying, is (just before ``view.planned`` and
    ``view.applied``), with an estimate of the time left under the hub's request budget.

    Raises:
        LockedError: another apply holds a lock on one of the projects (nothing was written).
        PolicyRefusal: destructive changes without ``allow_destructive`` (nothing was written).
        UnsupportedChangeError: a change this hub cannot make (nothing was written).
        ApplyCancelled: the view did not confirm (nothing was written).
        StalePlanError: a project changed on the hub after the plan was made.
        NotConvergedError: after applying, changes remain.
        DuplicateProjectsError: another client created projects of the same names at the same time.
        ApplyInterrupted: ``stop`` was set before every project was applied.
    """
    saved = read_saved_plan(target)
    if saved is not None:
        # The hub the user selected; the plan file only has to name the same one (no request before).
        workspace = workspace_settings()
        hub_target = saved_target(saved, hub, workspace_hub=workspace.get("hub"), name=str(target))
        targets = [Target(p.desired, p.project_id) for p in saved.plan.projects if p.desired is not None]
        rate_limit = workspace.get("rate_limit")
        view.loaded(())
        if not saved.signed:
            view.notice(
                f"{target}: unsigned plan file ({PLAN_KEY_VARIABLE} is not set, so no signature is "
                "checked): integrity only against accidents, not against someone who can edit it"
            )
    else:
        definitions = load_definitions(target)
        hub_target = choose_hub(hub, definitions.hub)
        targets = [Target.of(d) for d in definitions.projects]
        rate_limit = definitions.rate_limit
        view.loaded(definitions.diagnostics)
    with (
        open_session(hub_target, count=count, rate_limit=rate_limit) as session,
        holding_locks(session.client, session.planner.hub, targets, lock_timeout) as lease,
    ):
        # Read under the lock: a plan made before another apply finished is then seen as stale.
        planned = Progress(session.client.pacer, len(targets), on_progress).wrap(view.planned)
        if saved is not None:
            current = verify_saved_plan(session, saved, planned)
        else:
            current = session.planner.plan(targets, on_done=planned)
        view.show(current)
        if not current.has_changes:
            return ApplyResult(current, ())
        # Projects found by name are now known by id too: hold those as well.
        lease.take(lock_names(Target(p.desired, p.project_id) for p in current.projects if p.desired), 0)
        check_policy(current, allow_destructive=allow_destructive)
        if not view.confirm(current):
            raise ApplyCancelled("apply cancelled; nothing was changed")
        todo = sum(1 for p in current.projects if p.has_changes)
        progress = Progress(session.client.pacer, todo, on_progress)
        applied = apply_plan(
            current,
            session.planner,
            on_done=progress.wrap(view.applied),
            stop=stop,
            before_write=lease.check,
            notice=view.notice,
        )
    return ApplyResult(current, tuple(applied))


def list_projects(
    hub: str | None, *, on_hub: Callable[[HubTarget], None] | None = None
) -> tuple[ProjectSummary, ...]:
    """The projects the API key can see on a hub (``hub``, else ``ONTOKIT_HUB``, else embedded)."""
    target = resolve_target(hub)
    if on_hub is not None:
        on_hub(target)
    with open_client(target) as client:
        return tuple(ProjectSummary.from_document(p) for p in client.iter_projects())
