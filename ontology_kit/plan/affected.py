"""Which schemaIds each change of a plan touches, for counting the annotations it affects. Pure.

A change of a category-schema item affects the answers that reference the item or anything beneath
it: a tool's nested classifications and their options, a classification's options, a tree node's
subtree. What annotations reference is the live label set, so the groups come from the live
schema, walked once (``category_schema.walk``); an item only the definition has (a create) is
asked about by its own id. The workflow asks the hub for the counts (``workflow/planner.py``) and
attaches them here.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import regex as _regex

from ..category_schema import CategorySchema, SchemaNode
from ..count_query import CountAnswer, CountQuery
from .model import Affected, AttributeChange, ChangeKind, ProjectPlan

__all__ = [
    "CountRequest",
    "Measure",
    "Questions",
    "answered",
    "count_requests",
    "made_required",
    "mismatches",
    "new_parents",
    "new_regexes",
    "questions",
    "with_affected",
    "with_measure",
]

#: The kinds of change whose item annotations can reference.
_COUNTED = frozenset(
    {
        ChangeKind.TOOL,
        ChangeKind.CLASSIFICATION,
        ChangeKind.RELATION,
        ChangeKind.OPTION,
        ChangeKind.TREE_OPTION,
    }
)


@dataclasses.dataclass(frozen=True)
class CountRequest:
    """One change to count: its position in the project's changes, and the schemaIds it covers."""

    change: int
    schema_ids: tuple[str, ...]


def count_requests(project: ProjectPlan, live: CategorySchema | None) -> list[CountRequest]:
    """One request per change of a category-schema item: its schemaId and those of everything
    beneath it in the live schema (in walk order, each once)."""
    # a migration carries a known group: its sources and what was beneath them
    migrations = [CountRequest(i, c.covers) for i, c in enumerate(project.changes) if c.covers]
    wanted = {
        c.schema_id: i
        for i, c in enumerate(project.changes)
        if c.kind in _COUNTED and c.schema_id is not None
    }
    if not wanted:
        return migrations
    groups: dict[str, list[str]] = {key: [] for key in wanted}
    for node in live.walk() if live is not None else ():
        if node.id is None:
            continue
        ancestor: SchemaNode | None = node
        while ancestor is not None:  # the node belongs to the group of every changed item above it
            if ancestor.key in groups:
                groups[ancestor.key].append(node.id)
            ancestor = ancestor.parent
    out = []
    for key, index in wanted.items():
        ids = groups[key] or ([] if key.startswith("(no id)") else [key])  # absent live: its own id
        out.append(CountRequest(index, tuple(dict.fromkeys(ids))))
    return sorted([*out, *migrations], key=lambda r: r.change)


def with_affected(
    project: ProjectPlan, requests: Sequence[CountRequest], counts: Sequence[Affected | None]
) -> ProjectPlan:
    """``project`` with each requested change carrying its count (``counts`` in ``requests``' order;
    None: the hub could not tell)."""
    changes = list(project.changes)
    for request, count in zip(requests, counts, strict=True):
        changes[request.change] = dataclasses.replace(changes[request.change], affected=count)
    return dataclasses.replace(project, changes=tuple(changes))


def _classification_attributes(project: ProjectPlan) -> Iterator[tuple[int, AttributeChange]]:
    """(position, attribute change) of every attribute of the changes of classifications that exist."""
    for i, c in enumerate(project.changes):
        if c.kind is ChangeKind.CLASSIFICATION and c.schema_id is not None:
            for a in c.attributes:
                yield i, a


def made_required(project: ProjectPlan) -> list[int]:
    """The positions of the changes that make a classification required (``required`` becomes true):
    the tasks lacking an answer to it are what such a change makes invalid, so they are measured."""
    return [
        i
        for i, a in _classification_attributes(project)
        if a.name == "required" and a.after is True and a.before is not True
    ]


def new_regexes(project: ProjectPlan) -> list[tuple[int, str]]:
    """(position, new regex) of the changes that set a classification's ``regex`` to a new value."""
    return [
        (i, a.after)
        for i, a in _classification_attributes(project)
        if a.name == "regex" and isinstance(a.after, str) and a.after and a.after != a.before
    ]


def new_parents(project: ProjectPlan) -> list[tuple[int, str]]:
    """(position, old parent option id) of the changes that move a classification from one parent
    option to another (a classification that had no condition is not measured: always shown)."""
    return [
        (i, a.before)
        for i, a in _classification_attributes(project)
        if a.name == "parentOptionId" and isinstance(a.before, str) and a.before and a.before != a.after
    ]


#: The measures of data-dependent changes a count can carry beside its annotations (``Affected``).
Measure = Literal["lacking", "mismatched", "under_old_condition"]


def with_measure(
    project: ProjectPlan, changes: Sequence[int], measure: Measure, values: Sequence[int | None]
) -> ProjectPlan:
    """``project`` with each change at ``changes`` carrying ``measure`` (``values`` in the same order;
    None: not measured), beside the annotations it touches. A change whose annotations were not
    counted keeps ``affected`` None: a made-up ``0 annotations`` beside the measure would be a guess."""
    out = list(project.changes)
    for index, n in zip(changes, values, strict=True):
        found = out[index].affected
        if found is not None and n is not None:
            value: dict[str, Any] = {measure: n}
            out[index] = dataclasses.replace(out[index], affected=dataclasses.replace(found, **value))
    return dataclasses.replace(project, changes=tuple(out))


#: The time all of one regex's checks may take, in seconds. The pattern comes from a file under review
#: (a pull request's), the texts from annotators: a pattern that backtracks catastrophically must
#: not hang `ontokit plan`; past the limit the count is left unmeasured.
REGEX_SECONDS = 2.0


def mismatches(regex: str, texts: Sequence[str] | None, seconds: float = REGEX_SECONDS) -> int | None:
    """How many of ``texts`` ``regex`` does not match (a search, as a browser's ``RegExp.test``
    would: inferred); None when not measured: the hub returned no texts, Python cannot compile the
    regex (a JavaScript-only syntax), or the checks took more than ``seconds`` in all."""
    if texts is None:
        return None
    try:
        pattern = _regex.compile(regex, _regex.VERSION0)
    except (_regex.error, ValueError, OverflowError, RecursionError):
        return None
    deadline = time.monotonic() + seconds
    missed = 0
    for text in texts:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            if pattern.search(text, timeout=left) is None:
                missed += 1
        except TimeoutError:
            return None
    return missed


@dataclasses.dataclass(frozen=True)
class Questions:
    """Every question of one project's plan, and the change each answer goes to."""

    requests: tuple[CountRequest, ...]
    required: tuple[int, ...]  # made_required
    regexes: tuple[tuple[int, str], ...]  # new_regexes
    parents: tuple[tuple[int, str], ...]  # new_parents

    def query(self, project: ProjectPlan) -> CountQuery:
        """The questions as one typed query, for a counter (the hub's extension, or the export)."""
        ids = [str(c.schema_id) for c in project.changes]
        return CountQuery(
            tuple(r.schema_ids for r in self.requests),
            tuple(ids[i] for i in self.required),
            tuple(ids[i] for i, _ in self.regexes),
            tuple((ids[i], old) for i, old in self.parents),
        )


def questions(project: ProjectPlan, live: CategorySchema | None) -> Questions:
    """What to count for ``project`` (the groups of :func:`count_requests`, and the measures of
    :func:`made_required`, :func:`new_regexes` and :func:`new_parents`)."""
    return Questions(
        tuple(count_requests(project, live)),
        tuple(made_required(project)),
        tuple(new_regexes(project)),
        tuple(new_parents(project)),
    )


def answered(project: ProjectPlan, asked: Questions, answer: CountAnswer) -> ProjectPlan:
    """``project`` with the answers to ``asked`` attached: each change's count (partial when the
    answer is: every count a lower bound), then the measures of data-dependent changes."""
    found = [
        None if c is None else Affected(c.annotations, c.tasks, partial=answer.partial) for c in answer.groups
    ]
    project = with_affected(project, asked.requests, found)
    project = with_measure(project, asked.required, "lacking", answer.missing)
    unmatched = [mismatches(r, t) for (_, r), t in zip(asked.regexes, answer.texts, strict=True)]
    project = with_measure(project, [i for i, _ in asked.regexes], "mismatched", unmatched)
    return with_measure(project, [i for i, _ in asked.parents], "under_old_condition", answer.under)
