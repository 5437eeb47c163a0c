"""The plan: what would change on a hub, as data. The views (``ontology_kit.render``) turn one
:class:`Plan` into text, JSON or Markdown; the plan file (``plan/planfile.py``) stores it; apply
(``workflow/applier.py``) executes its operations. Nothing here prints, reads or writes.

A :class:`ProjectPlan` holds two lists. Its **changes** are what people review: one per item that
changes, with its impact on existing annotations. Its **operations** (``plan/operations.py``) are
what apply executes, in order: one per hub call (the whole category schema is one operation, however
many of its items change). Both come from the same diff (``plan/project_diff.py``), so they agree.

Meaning of ``before``/``after`` per :class:`Action` (on :class:`AttributeChange` and :class:`Change`):

- CREATE:  ``before`` is None; ``after`` is the new item's summary.
- DELETE:  ``before`` is the removed item's summary; ``after`` is None.
- UPDATE:  the item stays; ``attributes`` list each attribute's before and after.
- MOVE:    the item (same schemaId) gets another parent; ``before``/``after`` are the two breadcrumbs.
- REORDER: a list keeps its items in another order; ``before``/``after`` are the two orders.
- MIGRATE: a declared migration carries answers (``plan/migrations.py``); ``before`` holds the
  sources' breadcrumbs, ``after`` the target's (None: a deletion), ``covers`` the ids it carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from ..category_schema import NodeKind

if TYPE_CHECKING:  # annotations only: the views import this model, and need neither
    from ..state import DesiredProject
    from .operations import Operation

__all__ = [
    "SENSITIVE",
    "Action",
    "Affected",
    "AttributeChange",
    "Change",
    "ChangeKind",
    "Impact",
    "Plan",
    "PlanKind",
    "ProjectPlan",
    "Subject",
    "Summary",
    "Unmanaged",
    "UnmanagedKind",
]

#: What plans show instead of a secret's value.
SENSITIVE = "(sensitive)"

#: A live item that the definition does not list.
UnmanagedKind = Literal["batch", "webhook", "member"]

#: ``plan``: definitions against a hub (``ontokit plan``); ``diff``: two versions of files (``ontokit diff``).
PlanKind = Literal["plan", "diff"]

#: What one block of a plan is about, as views name it: a project (every block of ``ontokit plan``; a
#: project definition in ``ontokit diff``), an ontology file or a workspace (``ontokit diff``).
Subject = Literal["project", "ontology file", "workspace"]


class Action(StrEnum):
    """What happens to an item."""

    CREATE = "create"
    DELETE = "delete"
    UPDATE = "update"
    MOVE = "move"
    REORDER = "reorder"
    MIGRATE = "migrate"

    @property
    def symbol(self) -> str:
        """Terraform-like marker: ``+``, ``-``, ``~``, ``→``, ``↕``, ``»``."""
        return {"create": "+", "delete": "-", "update": "~", "move": "→", "reorder": "↕", "migrate": "»"}[
            self.value
        ]


class Impact(StrEnum):
    """What a change can do to existing annotations, ordered: safe < data-dependent < breaking-export <
    destructive (docs/plan-format.md says why breaking-export ranks above data-dependent)."""

    SAFE = "safe"  # no annotation is lost or invalidated
    DATA_DEPENDENT = "data-dependent"  # existing annotations may become invalid (e.g. now required)
    # every annotation is kept and stays valid, but what exports and their consumers read changes
    # (an option's value text, a title, an export name, one answer becoming a list)
    BREAKING_EXPORT = "breaking-export"
    DESTRUCTIVE = "destructive"  # existing annotations can be orphaned or lost

    @property
    def rank(self) -> int:
        """0, 1, 2, 3: for "at least this impact" comparisons."""
        return _RANK[self.value]


# A change that may invalidate some annotations, depending on what they hold, ranks below one that
# certainly changes what every consumer of every export reads; both rank below losing annotations.
_RANK: dict[str, int] = {"safe": 0, "data-dependent": 1, "breaking-export": 2, "destructive": 3}


class ChangeKind(StrEnum):
    """What a changed item is: a category-schema item, a project part, or a list (for a reorder)."""

    PROJECT = "project"
    TOOL = "tool"
    CLASSIFICATION = "classification"
    RELATION = "relation"
    OPTION = "option"
    TREE_OPTION = "tree-option"
    BATCH = "batch"
    WEBHOOK = "webhook"
    STAGE = "stage"  # a workflow stage
    MEMBER = "member"
    SETTING = "setting"  # benchmark, label validation, general settings, instructions
    LIST = "list"
    MIGRATION = "migration"  # a declared migration of answers

    @classmethod
    def of(cls, kind: NodeKind) -> ChangeKind:
        """The change kind of a category-schema item."""
        return cls(kind.value)


@dataclass(frozen=True)
class AttributeChange:
    """One attribute of an updated item. Sensitive values are already replaced by ``SENSITIVE``."""

    name: str
    before: Any
    after: Any
    sensitive: bool = False


@dataclass(frozen=True)
class Affected:
    """The existing annotations (answer elements at any depth: tool objects, classification
    answers, relations) of a project, in every stage, that reference a changed item or anything
    beneath it, and the tasks holding them, as the hub counted them when the plan was made.

    ``lacking``: for a change that makes a classification required, the tasks (every stage) with no
    answer to it, the ones the change makes invalid; None for every other change (not measured).
    ``mismatched``: for a change that sets a text classification's ``regex``, the existing text
    answers to it the new regex does not match; None when not measured (or more than the hub returns).
    """

    annotations: int
    tasks: int
    lacking: int | None = None
    mismatched: int | None = None
    #: for a change of a classification's ``parentOptionId``: its answers in tasks that chose the old
    #: parent option (given under the old condition); None when not measured
    under_old_condition: int | None = None
    #: None when every task of the project was read; else why some may not have been (a count of an
    #: export that may not cover every stage): every number is then a lower bound ("at least")
    partial: str | None = None

    @classmethod
    def total(cls, changes: Iterable[Change]) -> Affected | None:
        """The sums over the changes that carry a count (None: none does). An annotation under two
        changes is counted under each: these are sums of what the changes show, not a union."""
        # a migration's answers are those of the removals it covers: counted there, not twice
        counted = [c.affected for c in changes if c.affected is not None and c.action is not Action.MIGRATE]
        if not counted:
            return None
        lacking = [a.lacking for a in counted if a.lacking is not None]
        mismatched = [a.mismatched for a in counted if a.mismatched is not None]
        under = [a.under_old_condition for a in counted if a.under_old_condition is not None]
        return cls(
            sum(a.annotations for a in counted),
            sum(a.tasks for a in counted),
            sum(lacking) if lacking else None,
            sum(mismatched) if mismatched else None,
            sum(under) if under else None,
            partial=next((a.partial for a in counted if a.partial), None),
        )


@dataclass(frozen=True)
class Change:
    """One change to one item of a project."""

    action: Action
    kind: ChangeKind
    address: tuple[str, ...]  # breadcrumb of titles: ("Vehicle", "Type", 'option "Truck"')
    impact: Impact
    reasons: tuple[str, ...] = ()  # why this impact, in words
    schema_id: str | None = None
    attributes: tuple[AttributeChange, ...] = ()
    before: Any = None
    after: Any = None
    hint: str | None = None  # e.g. "probably a rename that changes the schemaId; ..."
    nested: int = 0  # items under this one that come or go with it (not listed separately)
    # the existing annotations it touches; None: not counted (a hub that cannot tell, `--no-count`,
    # a change of no category-schema item)
    affected: Affected | None = None
    # a migration: the ids (of the live label set) whose answers it carries, counted as one group
    covers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        kind: object = self.kind
        if not isinstance(kind, ChangeKind):  # callers may pass the plain string
            object.__setattr__(self, "kind", ChangeKind(str(kind)))

    @property
    def path(self) -> str:
        """The breadcrumb as text: ``Vehicle › Type › option "Truck"``."""
        return " › ".join(self.address)


@dataclass(frozen=True)
class Unmanaged:
    """A live batch, webhook or member the definition does not list: shown, never deleted."""

    kind: UnmanagedKind
    name: str


@dataclass(frozen=True)
class Summary:
    """Changes per action and per impact (items counted in ``nested`` are not counted)."""

    create: int = 0
    update: int = 0
    delete: int = 0
    move: int = 0
    reorder: int = 0
    migrate: int = 0
    destructive: int = 0
    breaking_export: int = 0
    data_dependent: int = 0
    safe: int = 0

    @classmethod
    def of(cls, changes: Iterable[Change]) -> Summary:
        """Count ``changes``."""
        counts = dict.fromkeys((f.name for f in fields(cls)), 0)
        for c in changes:
            counts[c.action.value] += 1
            counts[c.impact.value.replace("-", "_")] += 1
        return cls(**counts)

    def as_dict(self) -> dict[str, int]:
        """The counts under their field names, in field order (the JSON plan's ``summary``)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class ProjectPlan:
    """The plan of one project definition against one hub (or, for a diff, of one file)."""

    name: str  # the project's name in the definition (for a diff: the file)
    definition: str  # the definition file, as the user named it
    project_id: str | None  # None: apply creates the project
    changes: tuple[Change, ...]
    fingerprint: str  # of the live state this plan was computed against
    unmanaged: tuple[Unmanaged, ...] = ()
    warnings: tuple[str, ...] = ()
    label: str | None = None  # how views head this block instead of the project line (ontokit diff)
    desired: DesiredProject | None = None  # what the plan is for (None for a diff of files)
    operations: tuple[Operation, ...] = ()  # what apply does, in order
    blocked: tuple[str, ...] = ()  # why apply cannot carry out this plan on this hub (it refuses)
    # why the changes carry no counts though the hub was asked (it failed to answer; one line); not
    # part of what apply checks (the digest), as the counts are not
    uncounted: str | None = None
    subject: Subject = "project"  # what the block is about (a view's heading: ontology file, ...)

    @property
    def has_changes(self) -> bool:
        """Whether anything would change."""
        return bool(self.changes)

    @property
    def impact(self) -> Impact:
        """The worst impact of any change (SAFE when there is none)."""
        return max((c.impact for c in self.changes), key=lambda i: i.rank, default=Impact.SAFE)

    def count(self, impact: Impact) -> int:
        """How many changes have this impact."""
        return sum(c.impact is impact for c in self.changes)

    def summary(self) -> Summary:
        """The project's counts."""
        return Summary.of(self.changes)


@dataclass(frozen=True)
class Plan:
    """Plans of every project in one run, against one hub."""

    hub: str  # how the hub is named to users (for `ontokit diff`: what is compared)
    projects: tuple[ProjectPlan, ...]
    kind: PlanKind = "plan"

    @property
    def has_changes(self) -> bool:
        """Whether any project has any change (unmanaged items and warnings are not changes)."""
        return any(p.has_changes for p in self.projects)

    @property
    def changes(self) -> tuple[Change, ...]:
        """Every change of every project, in plan order."""
        return tuple(c for p in self.projects for c in p.changes)

    def count(self, impact: Impact) -> int:
        """How many changes have this impact."""
        return sum(p.count(impact) for p in self.projects)

    def summary(self) -> Summary:
        """Counts over all projects."""
        return Summary.of(self.changes)

    def at_least(self, impact: Impact | None) -> list[tuple[ProjectPlan, Change]]:
        """Every change of at least ``impact`` (None: every change), with its project, in plan order."""
        floor = -1 if impact is None else impact.rank
        return [(p, c) for p in self.projects for c in p.changes if c.impact.rank >= floor]

    @property
    def blocked(self) -> list[tuple[ProjectPlan, str]]:
        """Why apply cannot carry out this plan, per project (empty: it can)."""
        return [(p, why) for p in self.projects for why in p.blocked]
