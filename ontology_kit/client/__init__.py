"""The Hub client: one typed interface to a hub (the real Ango Hub or the local one), over httpx.

The workflow does all of its hub I/O through it; its errors are in ``ontology_kit.errors``.
"""

from __future__ import annotations

from ..errors import AuthError, BadRequestError, HubError, HubUnavailableError, NotFoundError
from .client import HubClient, HubLock, ProjectPage
from .target import HubTarget, InProcessTransport, check_hub_url, open_client, resolve_target

__all__ = [
    "AuthError",
    "BadRequestError",
    "HubClient",
    "HubError",
    "HubLock",
    "HubTarget",
    "HubUnavailableError",
    "InProcessTransport",
    "NotFoundError",
    "ProjectPage",
    "check_hub_url",
    "open_client",
    "resolve_target",
]
