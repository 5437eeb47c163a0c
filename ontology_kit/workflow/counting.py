"""Counting a reviewed diff on a hub: ``ontokit diff --base REF --hub URL``.

A diff compares two versions of the definitions offline; with a hub, each project plan that comes
from a project definition is matched to its live project (as ``plan`` finds it: by ``id``, else by
unique name) and its changes are counted against the answers stored there, exactly as ``plan``
counts them. A block that cannot be matched keeps ``affected`` null and says why in a warning (a
count is never guessed): an ontology file on its own, a definition new in the diff (its changes are
creations; ``plan`` shows what apply would do to a project of that name), a definition whose
workspace plans against another hub, a project that is not on the hub. A hub that cannot be read is
an error, not a warning: a CI gate must not pass on counts it never got.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..client import HubTarget, resolve_target
from ..errors import HubError, OntokitError
from ..plan.model import Action, ChangeKind, Plan, ProjectPlan
from .planner import Planner, Target
from .session import open_session, workspace_settings

__all__ = ["count_plan"]


def count_plan(plan: Plan, hub: str, root: Path = Path(".")) -> Plan:
    """``plan`` (a diff of definitions, whose paths are relative to ``root``) with every project's
    changes counted on ``hub`` (a URL, a hub's name or ``embedded``: only the hub given, never
    ``ONTOKIT_HUB``'s or a workspace's).

    Raises:
        HubError: the hub could not be read (or the API key was refused).
    """
    target = resolve_target(hub, where="--hub")
    with open_session(target) as session:
        projects = tuple(_counted(p, session.planner, target, root) for p in plan.projects)
    if any(c.affected is not None for p in projects for c in p.changes):
        plan = replace(plan, hub=f"{plan.hub}; annotations counted on {session.planner.hub}")
    return replace(plan, projects=projects)


def _counted(project: ProjectPlan, planner: Planner, target: HubTarget, root: Path) -> ProjectPlan:
    if not any(c.schema_id for c in project.changes):
        return project  # nothing the hub's answers could reference
    desired = project.desired
    if desired is None:
        return _note(project, "an ontology file, not a project: counted under the definitions that use it")
    if any(c.kind is ChangeKind.PROJECT and c.action is Action.CREATE for c in project.changes):
        return _note(
            project,
            f"the definition of {desired.name!r} is new here: not counted (`ontokit plan` shows what "
            "apply would do to a project of that name on the hub)",
        )
    elsewhere = _workspace_hub(root / project.definition, target)
    if elsewhere is not None:
        return _note(project, f"its workspace plans against {elsewhere}, not {planner.hub}: not counted")
    try:
        live = planner.read_live(Target.of(desired))
    except HubError:
        raise
    except OntokitError as e:  # several projects of the name, or `id:` unknown: say so, do not fail
        return _note(project, f"not counted: {e}")
    if live is None:
        return _note(project, f"project {desired.name!r} is not on {planner.hub}: nothing counted")
    return planner.with_counts(replace(project, project_id=live.id), live)


def _workspace_hub(definition: Path, target: HubTarget) -> str | None:
    """The hub the definition's workspace names, when it is another than ``target`` (None: the same,
    or none named)."""
    named = workspace_settings(definition.parent).get("hub")
    if named is None:
        return None
    try:
        theirs = resolve_target(named, where="the workspace's hub:", cwd=definition.parent)
    except OntokitError:
        return named

    def where(t: HubTarget) -> tuple[str, str, Path | None]:
        return (t.kind, t.url, t.db.resolve() if t.db is not None else None)

    same = where(theirs) == where(target)
    return None if same else theirs.description


def _note(project: ProjectPlan, why: str) -> ProjectPlan:
    return replace(project, warnings=(*project.warnings, why))
