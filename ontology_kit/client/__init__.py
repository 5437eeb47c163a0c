"""The Hub client: one typed interface to a hub, used by everything else."""

from __future__ import annotations

from .client import HubClient, ProjectPage
from .errors import AuthError, BadRequestError, HubError, HubUnavailableError, NotFoundError
from .target import HubTarget, InProcessTransport, open_client, resolve_target

__all__ = [
    "AuthError",
    "BadRequestError",
    "HubClient",
    "HubError",
    "HubTarget",
    "HubUnavailableError",
    "InProcessTransport",
    "NotFoundError",
    "ProjectPage",
    "open_client",
    "resolve_target",
]
