"""Saved plans (``ontokit plan --out FILE``): what to apply, and the live state it was computed against.

A plan file holds each project's desired state (no secret values: webhook secrets only as the names of
their environment variables), the fingerprint of the live state, the hub it was made for, and the
rendered JSON plan for people and tools. ``apply FILE`` re-reads the hub and refuses the plan as stale
if any fingerprint changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .._version import __version__
from ..errors import OntokitError
from .model import Plan

__all__ = ["PLANFILE_VERSION", "SavedPlan", "SavedProject", "dumps_plan", "loads_plan"]

PLANFILE_VERSION = 1


@dataclass(frozen=True)
class SavedProject:
    definition: str
    name: str
    project_id: str | None
    fingerprint: str
    desired: dict[str, Any]


@dataclass(frozen=True)
class SavedPlan:
    hub: dict[str, Any]  # {"name", "kind", "url", "db"}
    projects: tuple[SavedProject, ...]
    created_at: str


def dumps_plan(plan: Plan, hub: dict[str, Any]) -> str:
    """The plan file's text (JSON)."""
    from ..render.json import plan_to_dict

    doc = {
        "ontokit_plan": PLANFILE_VERSION,
        "ontokit_version": __version__,
        "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "hub": hub,
        "projects": [
            {"definition": p.definition, "name": p.name, "project_id": p.project_id, "fingerprint": p.fingerprint,
             "desired": p.desired}
            for p in plan.projects
        ],
        "plan": plan_to_dict(plan),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def loads_plan(text: str, name: str) -> SavedPlan:
    """Parse a plan file; anything malformed is an OntokitError naming the file."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise OntokitError(f"{name}: not a plan file (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or "ontokit_plan" not in doc:
        raise OntokitError(f"{name}: not an ontokit plan file")
    if doc["ontokit_plan"] != PLANFILE_VERSION:
        raise OntokitError(f"{name}: plan file version {doc['ontokit_plan']!r} is not supported by ontokit "
                           f"{__version__}; run `ontokit plan --out` again")
    try:
        projects = tuple(
            SavedProject(str(p["definition"]), str(p["name"]), p.get("project_id"), str(p["fingerprint"]),
                         dict(p["desired"]))
            for p in doc["projects"]
        )
        for p in projects:
            if not isinstance(p.desired.get("categorySchema"), dict) or not isinstance(p.desired.get("name"), str):
                raise KeyError("desired")
        return SavedPlan(dict(doc["hub"]), projects, str(doc.get("created_at", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise OntokitError(f"{name}: plan file is damaged ({exc})") from None
