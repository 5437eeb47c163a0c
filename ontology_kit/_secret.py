"""Salted digests of webhook secrets: the local Hub stores and shows only these, and a plan compares
a candidate value with one without ever seeing the stored secret (docs/hub.md)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SecretState", "digest_matches", "secret_digest", "secret_mac"]


def secret_mac(salt: str, secret: str) -> str:
    """HMAC-SHA256 of ``secret`` keyed by ``salt``, in hex."""
    return hmac.new(salt.encode(), secret.encode(), hashlib.sha256).hexdigest()


def secret_digest(salt: str, secret: str) -> str:
    """The digest the local Hub shows for a secret: ``sha256:SALT:HMAC-SHA256(SALT, SECRET)``."""
    return f"sha256:{salt}:{secret_mac(salt, secret)}"


def digest_matches(digest: str, value: str) -> bool | None:
    """Whether ``value`` is the secret behind ``digest``; None when the digest is not one of ours."""
    parts = digest.split(":")
    if len(parts) != 3 or parts[0] != "sha256" or not digest.isascii():
        return None
    return hmac.compare_digest(secret_digest(parts[1], value).encode(), digest.encode())


@dataclass(frozen=True)
class SecretState:
    """What a hub tells of a webhook's secret: whether one is set, and (the local Hub) its digest."""

    set: bool
    digest: str | None = None  # "sha256:SALT:HMAC", comparable with a candidate value

    @classmethod
    def from_document(cls, value: Any) -> SecretState | None:
        """None when the hub does not say."""
        if not isinstance(value, Mapping) or "set" not in value:
            return None
        digest = value.get("digest")
        return cls(bool(value.get("set")), digest if isinstance(digest, str) else None)
