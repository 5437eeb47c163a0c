"""What apply does, as data: the operations of a project plan, executed in order, one hub call each.

``workflow/applier.py`` has one small function per operation type and never decides anything itself:
whatever an operation needs is in it, or in the plan's desired state (the category schema, which is
large, is not copied into :class:`SetCategorySchema`). Every operation acts on the plan's project; a
plan for a project that does not exist yet starts with :class:`CreateProject`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Final, get_args

from ..category_schema import CategorySchema
from ..setup_state import SettingSection
from ..state import DesiredWebhook, ProjectFields

__all__ = [
    "OPERATION_TYPES",
    "AddBatches",
    "AddMembers",
    "BackupAnswers",
    "ChangeBatches",
    "CreateProject",
    "CreateWebhook",
    "MigrateAnswers",
    "Operation",
    "SetCategorySchema",
    "SetWorkflow",
    "UpdateProject",
    "UpdateSettings",
    "UpdateWebhook",
    "UploadInstructions",
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
class BackupAnswers:
    """Before the label set changes: write every task's answer to a backup file (the path is
    printed), and start the migration's journal (``workflow/migrating.py``)."""

    op: ClassVar[str] = "backup-answers"


@dataclass(frozen=True)
class MigrateAnswers:
    """After the label set changed: rewrite the answers the plan's migrations carry (the desired
    project's ``migrations``), read from ``before``, the label set they were made with; then read
    every task back and check it against the backup."""

    op: ClassVar[str] = "migrate-answers"
    before: CategorySchema


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


@dataclass(frozen=True)
class SetWorkflow:
    """Replace the workflow's stages with the desired ones (``update_workflow_stages``). Each stage
    keeps the fields the definition does not set as the hub has them; a Webhook stage's secret is
    kept, except in the stages listed, whose secret is the value of their variable."""

    op: ClassVar[str] = "set-workflow"
    set_secrets: tuple[str, ...] = ()  # stage ids


@dataclass(frozen=True)
class AddMembers:
    """Add members with a role, or give members that role (``add_members_to_project``)."""

    op: ClassVar[str] = "add-members"
    role: str
    emails: tuple[str, ...]


@dataclass(frozen=True)
class UpdateSettings:
    """Set settings of one section, in one call (``update_benchmark_settings``,
    ``update_label_validation``, or the project update): (key, value) pairs."""

    op: ClassVar[str] = "update-settings"
    section: SettingSection
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class UploadInstructions:
    """Upload the instructions file (``upload_instructions``); apply refuses a file whose content is
    no longer the one planned."""

    op: ClassVar[str] = "upload-instructions"
    path: str
    sha256: str


Operation = (
    CreateProject
    | UpdateProject
    | SetCategorySchema
    | BackupAnswers
    | MigrateAnswers
    | AddBatches
    | ChangeBatches
    | CreateWebhook
    | UpdateWebhook
    | SetWorkflow
    | AddMembers
    | UpdateSettings
    | UploadInstructions
)

#: Every operation type, for the registries that must cover them all (the applier, the plan file).
OPERATION_TYPES: Final[tuple[type[Operation], ...]] = get_args(Operation)
