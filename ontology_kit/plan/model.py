"""The plan: what would change on a hub, as data. Renderers (``ontology_kit.render``) turn one
:class:`Plan` into text, JSON or Markdown; nothing here prints.

Meaning of ``before``/``after`` per :class:`Action` (on :class:`AttributeChange` and :class:`Change`):

- CREATE:  ``before`` is None; ``after`` is the new item's summary.
- DELETE:  ``before`` is the removed item's summary; ``after`` is None.
- UPDATE:  the item stays; ``attributes`` list each attribute's before and after.
- MOVE:    the item (same schemaId) gets another parent; ``before``/``after`` are the two breadcrumbs.
- REORDER: a list keeps its items in another order; ``before``/``after`` are the two orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = ["SENSITIVE", "Action", "AttributeChange", "Change", "Impact", "Plan", "ProjectPlan", "Unmanaged"]

#: What plans show instead of a secret's value.
SENSITIVE = "(sensitive)"


class Action(str, Enum):
    """What happens to an item."""

    CREATE = "create"
    DELETE = "delete"
    UPDATE = "update"
    MOVE = "move"
    REORDER = "reorder"

    @property
    def symbol(self) -> str:
        """Terraform-like marker: ``+``, ``-``, ``~``, ``→``, ``↕``."""
        return {"create": "+", "delete": "-", "update": "~", "move": "→", "reorder": "↕"}[self.value]


class Impact(str, Enum):
    """What a change can do to existing annotations (ordered: safe < data-dependent < destructive)."""

    SAFE = "safe"  # no annotation is lost or invalidated
    DATA_DEPENDENT = "data-dependent"  # existing annotations may become invalid (e.g. now required)
    DESTRUCTIVE = "destructive"  # existing annotations can be orphaned or lost

    @property
    def rank(self) -> int:
        return {"safe": 0, "data-dependent": 1, "destructive": 2}[self.value]


@dataclass(frozen=True)
class AttributeChange:
    """One attribute of an updated item. Sensitive values are already replaced by ``SENSITIVE``."""

    name: str
    before: Any
    after: Any
    sensitive: bool = False


@dataclass(frozen=True)
class Change:
    """One change to one item of a project."""

    action: Action
    kind: str  # project, tool, classification, relation, option, tree-option, batch, webhook, list
    address: tuple[str, ...]  # breadcrumb of titles: ("Vehicle", "Type", 'option "Truck"')
    impact: Impact
    reasons: tuple[str, ...] = ()  # why this impact, in words
    schema_id: str | None = None
    attributes: tuple[AttributeChange, ...] = ()
    before: Any = None
    after: Any = None
    hint: str | None = None  # e.g. "probably a rename that changes the schemaId; ..."
    nested: int = 0  # items under this one that come or go with it (not listed separately)

    @property
    def path(self) -> str:
        """The breadcrumb as text: ``Vehicle › Type › option "Truck"``."""
        return " › ".join(self.address)


@dataclass(frozen=True)
class Unmanaged:
    """A live batch or webhook the definition does not list: shown, never deleted."""

    kind: str  # batch | webhook
    name: str


@dataclass(frozen=True)
class ProjectPlan:
    """The plan of one project definition against one hub."""

    name: str  # the project's name in the definition
    definition: str  # the definition file, as the user named it
    project_id: str | None  # None: apply creates the project
    changes: tuple[Change, ...]
    fingerprint: str  # of the live state this plan was computed against ("" when the project is new)
    desired: dict[str, Any] = field(default_factory=dict, compare=False)  # what apply sends (no secrets)
    unmanaged: tuple[Unmanaged, ...] = ()
    warnings: tuple[str, ...] = ()
    label: str | None = None  # how renderers head this block instead of the project line (ontokit diff)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def impact(self) -> Impact:
        """The worst impact of any change (SAFE when there is none)."""
        return max((c.impact for c in self.changes), key=lambda i: i.rank, default=Impact.SAFE)

    def count(self, impact: Impact) -> int:
        return sum(c.impact is impact for c in self.changes)


@dataclass(frozen=True)
class Plan:
    """Plans of every project in one run, against one hub."""

    hub: str  # how the hub is named to users (for `ontokit diff`: what is compared)
    projects: tuple[ProjectPlan, ...]
    kind: str = "plan"  # "plan": definitions against a hub; "diff": two versions of ontology files

    @property
    def has_changes(self) -> bool:
        return any(p.has_changes for p in self.projects)

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(c for p in self.projects for c in p.changes)

    def count(self, impact: Impact) -> int:
        return sum(p.count(impact) for p in self.projects)
