"""The Hub's closed vocabularies: the project types, the webhook event types, the workflow stage types
and the project roles; and the names a webhook secret's environment variable may have.

Project files (``project/model.py``), the typed state (``state.py``), plan files and the local Hub
all take their choices from here; it imports nothing, so that reading a project file does not load
the state module.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = [
    "PROJECT_ROLES",
    "PROJECT_TYPES",
    "SECRET_ENV_PATTERN",
    "STAGE_TYPES",
    "WEBHOOK_TYPES",
    "ProjectRole",
    "ProjectType",
    "StageType",
    "WebhookType",
]

#: A project's ``type`` (the SDK's ``ProjectType``).
ProjectType = Literal["ango", "pct", "iframe"]
PROJECT_TYPES: Final[tuple[ProjectType, ...]] = get_args(ProjectType)
#: The events a webhook is sent for.
WebhookType = Literal["ACCEPTED", "COMPLETED", "UPDATED"]
WEBHOOK_TYPES: Final[tuple[WebhookType, ...]] = get_args(WebhookType)
#: A workflow stage's ``type`` (the SDK's ``StageType``, in its order).
StageType = Literal[
    "Start", "Label", "Review", "Logic", "Plugin", "Webhook", "Complete", "Archive", "Consensus", "Hold"
]
STAGE_TYPES: Final[tuple[StageType, ...]] = get_args(StageType)
#: A project member's role (the SDK's ``ProjectRoles``).
ProjectRole = Literal["Manager", "Labeler", "Reviewer", "Lead"]
PROJECT_ROLES: Final[tuple[ProjectRole, ...]] = get_args(ProjectRole)
#: The names a webhook secret's environment variable may have: ``HOOK`` somewhere, ``_SECRET`` at the
#: end (``HOOK_SECRET``, ``DRIVING_WEBHOOK_SECRET``). A project or plan file names a variable whose
#: value apply sends to the hub; this keeps it from naming ``ANGO_API_KEY``, ``ONTOKIT_PLAN_KEY``,
#: ``AWS_SECRET_ACCESS_KEY`` or any other secret of the machine it runs on (docs/projects.md).
SECRET_ENV_PATTERN: Final = r"^(?:[A-Z_][A-Z0-9_]*)?HOOK[A-Z0-9_]*_SECRET$"
