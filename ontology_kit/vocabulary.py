"""The Hub's closed vocabularies: the project types and the webhook event types.

Project files (``project/model.py``), the typed state (``state.py``), plan files and the local Hub
all take their choices from here; it imports nothing, so that reading a project file does not load
the state module.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = ["PROJECT_TYPES", "WEBHOOK_TYPES", "ProjectType", "WebhookType"]

#: A project's ``type`` (the SDK's ``ProjectType``).
ProjectType = Literal["ango", "pct", "iframe"]
PROJECT_TYPES: Final[tuple[ProjectType, ...]] = get_args(ProjectType)
#: The events a webhook is sent for.
WebhookType = Literal["ACCEPTED", "COMPLETED", "UPDATED"]
WEBHOOK_TYPES: Final[tuple[WebhookType, ...]] = get_args(WebhookType)
