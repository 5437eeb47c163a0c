"""The project attributes ontokit manages, declared once: the diff compares them, apply sets them.

Each :class:`ProjectAttribute` names a field of :class:`~ontology_kit.state.ProjectFields` (which is
also the key in the hub's project document), what changing it does to a project's existing tasks
and annotations, and the hub extension that changing it needs, if the documented API cannot. To
manage one more attribute: add the field to ``ProjectFields`` (and to the project file format), and
an entry here (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .model import Impact

__all__ = ["BATCH_DELETED", "BATCH_RENAMED", "PROJECT_ATTRIBUTES", "ProjectAttribute"]


@dataclass(frozen=True)
class ProjectAttribute:
    """One managed field of the project document."""

    name: str  # a field of ProjectFields: the key in the definition and in the hub's document
    impact: Impact = Impact.SAFE  # what changing it can do to existing tasks and annotations
    why: str | None = None  # the reason shown with a change that is not safe ({before}, {after})
    requires: str | None = None  # the hub extension (docs/hub.md) needed to change it; None: any hub


#: In the order plans show them.
PROJECT_ATTRIBUTES: Final[tuple[ProjectAttribute, ...]] = (
    ProjectAttribute("name"),
    ProjectAttribute("description"),
    ProjectAttribute(
        "type",
        Impact.DESTRUCTIVE,
        "the project's type changes from {before} to {after}: its tasks and annotations were made for "
        "the old type and may no longer open",
        # Ango documents no way to change a project's type; the local Hub offers one as an extension.
        requires="project-type-update",
    ),
)

#: Why renaming a batch is breaking-export, and deleting one destructive (plan and diff).
BATCH_RENAMED = (
    "exports name a task's batches, and export filters select them, by name: what they read as "
    "{old!r} changes"
)
BATCH_DELETED = (
    "its tasks lose the batch (`prune_batches: true`): which tasks it held cannot be told afterwards"
)
