"""What every view of a plan shares, so that every format counts and spells things the same way:
one-line text, values, the plan's sentence and a project's heading. Nothing here prints."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from typing import Any

from .._text import one_line
from ..plan.model import (
    SENSITIVE,
    Affected,
    AttributeChange,
    Change,
    ChangeKind,
    Impact,
    PlanKind,
    ProjectPlan,
    Summary,
)

__all__ = [
    "NO_CHANGES",
    "affected_words",
    "counted",
    "format_value",
    "lacking_words",
    "migration_headline",
    "one_line",
    "plan_sentence",
    "project_heading",
    "shown_values",
]

NO_CHANGES = "No changes. The hub matches the definitions."


def plan_sentence(changes: Sequence[Change], kind: PlanKind = "plan") -> str:
    """``Plan: 3 to add, 2 to change, … (1 destructive).``, or :data:`NO_CHANGES` (for a diff: ``No
    changes.``, since no hub is involved)."""
    if not changes:
        return NO_CHANGES if kind == "plan" else "No changes."
    n = Summary.of(changes).as_dict()
    text = (
        f"Plan: {n['create']} to add, {n['update']} to change, {n['delete']} to remove, "
        f"{n['move']} to move, {n['reorder']} to reorder"
    )
    if n["migrate"]:  # said only when there are some: the sentence of every other plan stays as it was
        text += f", {n['migrate']} migration{'' if n['migrate'] == 1 else 's'} to run"
    risky = [f"{n['destructive']} destructive"] if n["destructive"] else []
    risky += [f"{n['breaking_export']} breaking-export"] if n["breaking_export"] else []
    risky += [f"{n['data_dependent']} data-dependent"] if n["data_dependent"] else []
    return text + (f" ({', '.join(risky)})." if risky else ".")


def format_value(value: Any) -> str:
    """A value as plans show it: strings in double quotes, ``null``, ``true``/``false``, lists, maps."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{one_line(k)}: {format_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=format_value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return one_line(value)


def shown_values(a: AttributeChange) -> tuple[Any, Any]:
    """An attribute's before and after as every format may show them: a sensitive value is
    :data:`SENSITIVE` whatever the plan holds (``None`` stays ``None``: no secret on that side)."""
    if not a.sensitive:
        return a.before, a.after
    return (None if a.before is None else SENSITIVE), (None if a.after is None else SENSITIVE)


def project_heading(p: ProjectPlan) -> str:
    """``Project "Cars" (p-1), from cars.yaml`` (or the plan's own label, for ``ontokit diff``)."""
    if p.label:
        return one_line(p.label)
    where = one_line(p.project_id or "new")
    return f"Project {format_value(p.name)} ({where}), from {one_line(p.definition)}"


def counted(affected: Affected) -> str:
    """``1,204 annotations in 312 tasks`` (``at least ...`` when the count is partial)."""
    a, t = affected.annotations, affected.tasks
    least = "at least " if affected.partial else ""
    return f"{least}{a:,} annotation{'' if a == 1 else 's'} in {t:,} task{'' if t == 1 else 's'}"


def affected_words(c: Change) -> str | None:
    """What a change does to the annotations the hub counted: ``would orphan 1,204 annotations in 312
    tasks`` (destructive, even ``0 annotations``: that a removal orphans nothing is worth saying),
    ``touches 3 annotations in 2 tasks`` (otherwise, when there are some), and for a change that makes
    a classification required ``12 tasks have no answer to it`` first (even 0); None when not counted."""
    a = c.affected
    if a is None:
        return None
    if c.kind is ChangeKind.BATCH:  # a batch holds tasks, not answers
        return f"{a.tasks:,} task{'s' if a.tasks != 1 else ''} would lose it"
    if c.kind is ChangeKind.STAGE:  # so does a stage
        return f"{a.tasks:,} task{' is' if a.tasks == 1 else 's are'} in it"
    if c.kind is ChangeKind.MIGRATION:  # what it carries: "moves 1,204 answers in 312 tasks"
        verb = _MIGRATION_VERBS.get(c.address[1] if len(c.address) > 1 else "", "carries")
        said = f"{verb} {counted(a).replace(' annotation', ' answer')}"
        return said + (f" (partial: {one_line(a.partial)})" if a.partial else "")
    # what a change makes invalid first: the tasks lacking an answer, then the answers it touches
    least = "at least " if a.partial else ""  # a partial count is a lower bound
    words = [] if a.lacking is None else [least + lacking_words(a.lacking)]
    if a.mismatched is not None:
        n = a.mismatched
        match = " no longer matches" if n == 1 else "s no longer match"
        words.append(f"{least}{n:,} answer{match} the regex")
    if a.under_old_condition is not None:
        n = a.under_old_condition
        words.append(f"{least}{n:,} answer{' was' if n == 1 else 's were'} given under the old condition")
    if c.impact is Impact.DESTRUCTIVE or a.annotations:
        verb = "would orphan" if c.impact is Impact.DESTRUCTIVE else "touches"
        words.append(f"{verb} {counted(a)}")
    if words and a.partial:
        words[-1] += f" (partial: {one_line(a.partial)})"
    return "; ".join(words) or None


#: What a migration of each kind does to the answers it counts.
_MIGRATION_VERBS = {
    "merge": "moves",
    "move": "moves",
    "rekey": "re-keys",
    "convert": "converts",
    "delete": "deletes",
}


def migration_headline(c: Change) -> str:
    """``migrations[0]: merge into Vehicle › Type › option "Heavy vehicle"`` (a deletion names what
    it deletes)."""
    where, kind = (c.address[0], c.address[1]) if len(c.address) > 1 else (c.path, "migration")
    if c.after is None:
        return f"{where}: {kind} {', '.join(str(s) for s in c.before or ())}"
    return f"{where}: {kind} {'into' if kind == 'merge' else 'to'} {c.after}"


def lacking_words(n: int) -> str:
    """``12 tasks have no answer to it``."""
    return f"{n:,} task{' has' if n == 1 else 's have'} no answer to it"
