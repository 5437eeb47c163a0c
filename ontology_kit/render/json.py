"""The JSON rendering of a plan: the machine-readable format, documented in docs/plan-format.md.

``format_version`` follows Terraform's policy: minor versions only add fields; consumers must reject
a major version they do not know.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from ..plan.model import Affected, Change, Plan, ProjectPlan, Summary
from .values import shown_values

__all__ = ["FORMAT_VERSION", "plan_to_dict", "render_json"]

#: 1.1 added the impact ``breaking-export`` and the summaries' ``breaking_export`` count; 1.2 added
#: ``affected`` to every change and summary (the annotations a change touches; null: not counted);
#: 1.3 added ``affected.lacking`` (tasks with no answer to a classification made required); 1.4
#: added ``affected.partial`` (why a count is a lower bound) and each project's ``uncounted``; 1.5
#: added migrations of answers: the action ``migrate``, the kind ``migration``, ``summary.migrate``.
FORMAT_VERSION = "1.5"


def _jsonable(value: Any) -> Any:
    """``value`` with only JSON types in it (tuples as lists, sets sorted, enums as their values)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def _change(c: Change) -> dict[str, Any]:
    attributes = []
    for a in c.attributes:
        before, after = shown_values(a)  # a sensitive value is "(sensitive)", whatever the plan holds
        attributes.append(
            {"name": a.name, "before": _jsonable(before), "after": _jsonable(after), "sensitive": a.sensitive}
        )
    return {
        "action": c.action.value,
        "kind": c.kind.value,
        "path": c.path,
        "address": list(c.address),
        "impact": c.impact.value,
        "reasons": list(c.reasons),
        "schema_id": c.schema_id,
        "attributes": attributes,
        "before": _jsonable(c.before),
        "after": _jsonable(c.after),
        "hint": c.hint,
        "nested": c.nested,
        "affected": _affected(c.affected),
    }


def _affected(a: Affected | None) -> dict[str, int | str] | None:
    if a is None:
        return None
    out: dict[str, int | str] = {"annotations": a.annotations, "tasks": a.tasks}
    if a.lacking is not None:  # only where measured (since 1.3): a 1.2 consumer sees what it saw
        out["lacking"] = a.lacking
    if a.mismatched is not None:  # likewise: only where measured (since 1.3)
        out["mismatched"] = a.mismatched
    if a.under_old_condition is not None:  # likewise (since 1.3)
        out["under_old_condition"] = a.under_old_condition
    if a.partial is not None:  # since 1.4: only where the count may not cover every task
        out["partial"] = a.partial
    return out


def _summary(changes: tuple[Change, ...]) -> dict[str, Any]:
    return {**Summary.of(changes).as_dict(), "affected": _affected(Affected.total(changes))}


def _project(p: ProjectPlan) -> dict[str, Any]:
    out = {
        "name": p.name,
        "definition": p.definition,
        "project_id": p.project_id,
        "fingerprint": p.fingerprint,
        "summary": _summary(p.changes),
        "changes": [_change(c) for c in p.changes],
        "unmanaged": [{"kind": u.kind, "name": u.name} for u in p.unmanaged],
        # A change this hub cannot make is a warning too (format 1.0 has no field of its own for it).
        "warnings": [*p.warnings, *(f"cannot apply: {b}" for b in p.blocked)],
    }
    if p.uncounted is not None:  # since 1.4, only when set: why the hub could not count
        out["uncounted"] = p.uncounted
    return out


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON data (dicts, lists, strings, numbers, booleans, None), keys in a
    stable order. ``ProjectPlan.desired`` is not part of it."""
    return {
        "format_version": FORMAT_VERSION,
        "kind": plan.kind,
        "hub": plan.hub,
        "has_changes": plan.has_changes,
        "summary": _summary(plan.changes),
        "projects": [_project(p) for p in plan.projects],
    }


def render_json(plan: Plan) -> str:
    """:func:`plan_to_dict` as indented JSON text (UTF-8 characters kept), ending with a newline."""
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"
