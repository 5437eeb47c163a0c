"""What apply does, as data: the operations of a project plan, executed in order, one hub call each.

``workflow/applier.py`` has one small function per operation type and never decides anything itself:
whatever an operation needs is in it, or in the plan's desired state (the category schema, which is
large, is not copied into :class:`SetCategorySchema`). Every operation acts on the plan's project; a
plan for a project that does not exist yet starts with :class:`CreateProject`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Final, get_args

from ..state import DesiredWebhook, ProjectFields

__all__ = [
    "OPERATION_TYPES",
    "AddBatches",
    "ChangeBatches",
    "CreateProject",
    "CreateWebhook",
    "Operation",
    "SetCategorySchema",
    "UpdateProject",
    "UpdateWebhook",
]


@dataclass(frozen=True)
class CreateProject:
    """Create the project with these fields (those that are None are left to the hub's defaults)."""

    op: ClassVar[str] = "create-project"
    fields: ProjectFields


@dataclass(frozen=True)
class UpdateProject:
    """Set fields of the project document: (field, new value) pairs, in ``ProjectFields`` order."""

    op: ClassVar[str] = "update-project"
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class SetCategorySchema:
    """Replace the whole category schema with the desired one, in one call (as ``create_label_set``)."""

    op: ClassVar[str] = "set-category-schema"


@dataclass(frozen=True)
class AddBatches:
    """Add batches by name. The batch list is rewritten in one call, the hub's other batches kept."""

    op: ClassVar[str] = "add-batches"
    names: tuple[str, ...]


@dataclass(frozen=True)
class ChangeBatches:
    """Rename batches (by id) and delete others (by id; only when the definition prunes), in one
    rewrite of the batch list that keeps every other batch as the hub has it."""

    op: ClassVar[str] = "change-batches"
    renamed: tuple[tuple[str, str], ...] = ()  # (batch id, new name)
    deleted: tuple[str, ...] = ()  # batch ids


@dataclass(frozen=True)
class CreateWebhook:
    """Create a webhook; its secret is read from ``webhook.secret_env`` when apply runs."""

    op: ClassVar[str] = "create-webhook"
    webhook: DesiredWebhook


@dataclass(frozen=True)
class UpdateWebhook:
    """Change a webhook's types and/or secret (the secret: the value of ``secret_env``, or none)."""

    op: ClassVar[str] = "update-webhook"
    webhook_id: str
    url: str
    types: tuple[str, ...] | None = None  # None: unchanged
    set_secret: bool = False
    secret_env: str | None = None


Operation = (
    CreateProject
    | UpdateProject
    | SetCategorySchema
    | AddBatches
    | ChangeBatches
    | CreateWebhook
    | UpdateWebhook
)

#: Every operation type, for the registries that must cover them all (the applier, the plan file).
OPERATION_TYPES: Final[tuple[type[Operation], ...]] = get_args(Operation)
