"""The ``locks`` extension of the local Hub: leases a client takes before it writes (docs/hub.md).

Like Terraform's state lock, with an expiry: a lease names its owner (a random id per apply) and
says who that is (``info``) and since when; it ends when released or when its time-to-live passes
without a renewal, so a crashed apply never holds a project for good. Taking several locks is all or
nothing, in one ``BEGIN IMMEDIATE`` transaction (hub/store.py): two clients that want overlapping
sets cannot each get half and wait for the other.
"""

from __future__ import annotations

from typing import Any

from ..errors import HubApiError as ApiError
from .store import HubStore, LockRow

__all__ = ["MAX_LOCKS", "MAX_TTL", "acquire", "held_message", "release"]

#: At most so many lock names in one request (a workspace of that many projects, twice over).
MAX_LOCKS = 2000
#: The longest lease, seconds: a client renews it while it works.
MAX_TTL = 3600.0
_MAX_NAME = 1024
_MAX_TEXT = 256


def acquire(store: HubStore, org: str, body: dict[str, Any]) -> tuple[bool, list[LockRow]]:
    """``{"names": [...], "owner": "...", "info": "...", "ttl": seconds}``: take or renew them all."""
    names = _names(body)
    owner = _text(body, "owner", required=True)
    info = _text(body, "info", required=False)
    ttl = body.get("ttl", 60)
    if not isinstance(ttl, (int, float)) or isinstance(ttl, bool) or not 1 <= ttl <= MAX_TTL:
        raise ApiError(400, f"ttl must be a number of seconds from 1 to {MAX_TTL:g}")
    unknown = set(body) - {"names", "owner", "info", "ttl"}
    if unknown:
        raise ApiError(400, f"unknown lock fields: {', '.join(sorted(unknown))}")
    return store.acquire_locks(org, names, owner, info, float(ttl))


def release(store: HubStore, org: str, body: dict[str, Any]) -> list[str]:
    """``{"names": [...], "owner": "..."}``: release those the owner holds; the names released."""
    names = _names(body)
    owner = _text(body, "owner", required=True)
    unknown = set(body) - {"names", "owner"}
    if unknown:
        raise ApiError(400, f"unknown lock fields: {', '.join(sorted(unknown))}")
    return store.release_locks(org, names, owner)


def held_message(lease: LockRow) -> str:
    """The 409's message: which lock, who holds it, since when, until when."""
    who = lease.info or "another client"
    return (
        f"lock {lease.name!r} is held by {who} (owner {lease.owner}) since {lease.acquired_at}; "
        f"the lease ends at {lease.expires_at} unless renewed"
    )


def _names(body: dict[str, Any]) -> list[str]:
    names = body.get("names")
    if not isinstance(names, list) or not names or len(names) > MAX_LOCKS:
        raise ApiError(400, f"names must be a list of 1 to {MAX_LOCKS} lock names")
    if not all(isinstance(n, str) and 0 < len(n) <= _MAX_NAME for n in names):
        raise ApiError(400, f"each lock name must be a string of 1 to {_MAX_NAME} characters")
    return list(dict.fromkeys(names))


def _text(body: dict[str, Any], key: str, *, required: bool) -> str:
    value = body.get(key, None if required else "")
    if not isinstance(value, str) or len(value) > _MAX_TEXT or (required and not value.strip()):
        need = "a non-empty string" if required else "a string"
        raise ApiError(400, f"{key} must be {need} of at most {_MAX_TEXT} characters")
    return value
