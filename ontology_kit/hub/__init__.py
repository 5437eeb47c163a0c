"""The local Hub: an emulator of Ango Hub's REST API on SQLite (docs/hub.md).

It sits at the edge: it imports nothing of the plan, the client, the workflow or the CLI, only the
shared base (errors, the category-schema walker, secret digests).
"""

from __future__ import annotations

from ..errors import DropConnection
from .app import HubApp
from .faults import FaultConfig, FaultInjector
from .keys import local_api_key
from .local import build_app, serve_local_hub
from .ratelimit import RateLimiter
from .serve import HubServer, start_server
from .store import HubStore

__all__ = [
    "DropConnection",
    "FaultConfig",
    "FaultInjector",
    "HubApp",
    "HubServer",
    "HubStore",
    "RateLimiter",
    "build_app",
    "local_api_key",
    "serve_local_hub",
    "start_server",
]
