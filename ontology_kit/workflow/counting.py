"""Counting a reviewed diff on a hub: ``ontokit diff --base REF --hub URL``.

A diff compares two versions of the definitions offline; with a hub, each project plan that comes
from a project definition is matched to its live project (as ``plan`` finds it: by ``id``, else by
unique name) and its changes are counted against the answers stored there, exactly as ``plan``
counts them. What cannot be matched keeps ``affected`` null and says why in a warning: a count is
never guessed.
"""

from __future__ import annotations

from dataclasses import replace

from ..client import resolve_target
from ..errors import OntokitError
from ..plan.model import Plan, ProjectPlan
from .planner import Planner, Target
from .session import open_session

__all__ = ["count_plan"]


def count_plan(plan: Plan, hub: str) -> Plan:
    """``plan`` (a diff of definitions) with every project's changes counted on ``hub`` (a URL, a
    hub's name or ``embedded``: only the hub given, never ``ONTOKIT_HUB``'s or a workspace's).

    Raises:
        HubError: the hub could not be read.
    """
    with open_session(resolve_target(hub, where="--hub")) as session:
        projects = tuple(_counted(p, session.planner) for p in plan.projects)
    return replace(plan, hub=f"{plan.hub}; annotations counted on {session.planner.hub}", projects=projects)


def _counted(project: ProjectPlan, planner: Planner) -> ProjectPlan:
    if not any(c.schema_id for c in project.changes):
        return project  # nothing the hub's answers could reference
    if project.desired is None:
        return _note(project, "an ontology file no project definition uses: no project to count on")
    try:
        live = planner.read_live(Target.of(project.desired))
    except OntokitError as e:  # several projects of the name, or `id:` unknown: say so, do not fail
        return _note(project, f"not counted: {e}")
    if live is None:
        return _note(project, f"project {project.desired.name!r} is not on {planner.hub}: nothing counted")
    if not planner.count:
        return _note(project, f"{planner.hub} cannot count annotations: nothing counted")
    return planner.with_counts(replace(project, project_id=live.id), live)


def _note(project: ProjectPlan, why: str) -> ProjectPlan:
    return replace(project, warnings=(*project.warnings, why))
