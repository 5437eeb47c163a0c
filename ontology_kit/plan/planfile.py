"""Saved plans (``ontokit plan --out FILE``): what to apply, and the live state it was computed against.

A plan file holds each project's desired state (no secret values: webhook secrets only as the names of
their environment variables), the fingerprint of the live state, the hub it was made for, and the
rendered JSON plan for people and tools. ``apply FILE`` re-reads the hub and refuses the plan as stale
if any fingerprint changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from .._version import __version__
from ..errors import OntokitError
from .model import Plan, ProjectPlan

__all__ = ["PLANFILE_VERSION", "SavedPlan", "SavedProject", "changes_digest", "dumps_plan", "loads_plan"]

PLANFILE_VERSION = 1


@dataclass(frozen=True)
class SavedProject:
    definition: str
    name: str
    project_id: str | None
    fingerprint: str
    desired: dict[str, Any]
    changes: str  # digest of the changes the plan showed (apply refuses to do anything else)


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
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "hub": hub,
        "projects": [
            {
                "definition": p.definition,
                "name": p.name,
                "project_id": p.project_id,
                "fingerprint": p.fingerprint,
                "changes": changes_digest(p),
                "desired": p.desired,
            }
            for p in plan.projects
        ],
        "plan": plan_to_dict(plan),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def changes_digest(project: ProjectPlan) -> str:
    """A digest of what a project plan would do (its changes as the JSON plan shows them)."""
    from ..render.json import plan_to_dict

    shown = plan_to_dict(Plan("", (project,)))["projects"][0]["changes"]
    text = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def loads_plan(text: str, name: str) -> SavedPlan:
    """Parse and check a plan file; anything malformed is an OntokitError naming the file."""
    from pydantic import ValidationError

    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise OntokitError(f"{name}: not a plan file (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or "ontokit_plan" not in doc:
        raise OntokitError(f"{name}: not an ontokit plan file")
    if doc["ontokit_plan"] != PLANFILE_VERSION:
        raise OntokitError(
            f"{name}: plan file version {doc['ontokit_plan']!r} is not supported by ontokit "
            f"{__version__}; run `ontokit plan --out` again"
        )
    try:
        checked = _PlanFile.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise OntokitError(
            f"{name}: plan file is damaged ({where}: {first['msg']}); run `ontokit plan --out` again"
        ) from None
    projects = tuple(
        SavedProject(p.definition, p.name, p.project_id, p.fingerprint, p.desired.model_dump(), p.changes)
        for p in checked.projects
    )
    return SavedPlan(checked.hub.model_dump(), projects, checked.created_at)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class _Hook(_Strict):
    url: str
    types: list[str]
    secretEnv: str | None = None


class _Desired(_Strict):
    name: str
    description: str = ""
    type: str | None = None
    categorySchema: dict[str, list[dict[str, Any]]]
    batches: list[str] = []
    webhooks: list[_Hook] = []


class _SavedProject(_Strict):
    definition: str
    name: str
    project_id: str | None
    fingerprint: str
    changes: str
    desired: _Desired


class _Hub(_Strict):
    name: str
    kind: Literal["embedded", "url"]
    url: str | None
    db: str | None

    @model_validator(mode="after")
    def _where(self) -> _Hub:
        if (self.kind == "embedded" and not self.db) or (self.kind == "url" and not self.url):
            raise ValueError("an embedded hub needs `db`, a URL hub needs `url`")
        return self


class _PlanFile(_Strict):
    created_at: str = ""
    hub: _Hub
    projects: list[_SavedProject]
