"""The local Hub's own API key: kept beside its database (mode 600), created on first use."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .store import HubStore

__all__ = ["KEY_NAME", "local_api_key"]

KEY_NAME = "local-api-key"


def local_api_key(db: Path, store: HubStore) -> str:
    """The key of the hub stored in ``db`` (its organization is "local"); made on first use."""
    path = db.parent / KEY_NAME
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if not key:
        key = secrets.token_hex(20)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key + "\n")
    store.ensure_key(key, "local")
    return key
