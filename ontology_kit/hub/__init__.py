"""The local Hub: an emulator of Ango Hub's REST API on SQLite (docs/hub.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .app import HubApp
from .faults import DropConnection, FaultConfig, FaultInjector
from .serve import HubServer, start_server
from .store import HubStore

__all__ = ["DropConnection", "FaultConfig", "HubApp", "HubServer", "HubStore", "build_app", "start_server"]


def build_app(db: str | Path, faults: FaultConfig | None = None) -> tuple[Any, HubStore]:
    """The WSGI app for the Hub stored in ``db`` (fault injection when ``faults`` is active)."""
    store = HubStore(db)
    app: Any = HubApp(store)
    if faults is not None and faults.active:
        app = FaultInjector(app, faults)
    return app, store
