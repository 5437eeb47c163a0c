"""Locks around apply, like Terraform's state lock: leases on the hub's ``locks`` extension.

Apply takes a lease on every project it will read and write (by name, and by id once known) before
it reads the state it compares with, renews it while it works, and releases it at the end. A lease
expires when not renewed, so a crashed apply holds nothing for long. On a hub without the extension
(the real Ango Hub) there is nothing to take: apply then re-checks names around its creates
(workflow/applier.py).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from ..client import HubClient, HubLock
from ..errors import HubError, LockedError
from .planner import LOCKS_EXTENSION, Target

__all__ = ["LOCKS_EXTENSION", "LOCK_TTL", "Lease", "holding_locks", "holding_project", "lock_names"]

#: How long a lease lasts without renewal, seconds; apply renews it every third of that.
LOCK_TTL = 60.0
#: How often a waiting apply asks again, seconds.
_POLL = 0.5


def lock_names(targets: Iterable[Target]) -> list[str]:
    """The locks of these targets: each project's name, and its id when known."""
    names: list[str] = []
    for target in targets:
        names.append(_by_name(target.desired.name))
        if target.project_id:
            names.append(_by_id(target.project_id))
    return list(dict.fromkeys(names))


def _by_name(name: str) -> str:
    return f"project-name:{name}"


def _by_id(project_id: str) -> str:
    return f"project-id:{project_id}"


def _describe(lock: str) -> str:
    kind, _, value = lock.partition(":")
    return {"project-name": f"project {value!r}", "project-id": f"project {value}"}.get(kind, repr(lock))


def _whoami(doing: str) -> str:
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in this environment (some containers)
        user = "unknown"
    return f"ontokit {doing} ({user}@{socket.gethostname()}, pid {os.getpid()})"


class Lease:
    """The leases one apply holds on one hub (none on a hub without the extension)."""

    def __init__(
        self, client: HubClient, hub: str, supported: bool, ttl: float = LOCK_TTL, doing: str = "apply"
    ) -> None:
        self.client = client
        self.hub = hub
        self.supported = supported
        self.ttl = ttl
        self.owner = uuid.uuid4().hex
        self.info = _whoami(doing)
        self.names: list[str] = []
        self._lost: HubLock | None = None
        self._done = threading.Event()
        self._renewer: threading.Thread | None = None

    def take(
        self,
        names: Sequence[str],
        timeout: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Hold ``names`` too (all or none), waiting up to ``timeout`` seconds for another holder.

        Raises:
            LockedError: another apply still holds one of them.
        """
        if not self.supported:
            return
        wanted = list(dict.fromkeys([*self.names, *names]))
        deadline = clock() + timeout
        while True:
            holder = self.client.acquire_locks(wanted, self.owner, self.info, self.ttl)
            if holder is None:
                break
            left = deadline - clock()
            if left <= 0:
                waited = f" after waiting {timeout:g} s" if timeout > 0 else ""
                raise LockedError(
                    f"cannot lock {_describe(holder.name)} on {self.hub}{waited}: held by "
                    f"{holder.info or 'another client'} since {holder.acquired_at} (lease until "
                    f"{holder.expires_at}); another apply (or load) is running: wait for it, or pass "
                    "--lock-timeout SECONDS to wait; nothing was written"
                )
            sleep(min(_POLL, left))
        self.names = wanted
        if self._renewer is None:
            self._renewer = threading.Thread(target=self._renew, name="ontokit-lease", daemon=True)
            self._renewer.start()

    def check(self) -> None:
        """Raise if this apply's lease ended and another client took it (checked before each write).

        Raises:
            LockedError: the lease was lost.
        """
        lost = self._lost
        if lost is not None:
            raise LockedError(
                f"lost the lock on {_describe(lost.name)} on {self.hub}: this apply's lease ended and "
                f"{lost.info or 'another client'} took it at {lost.acquired_at}; stopped before the "
                "next write; run `ontokit plan` to see what the hub holds"
            )

    def release(self) -> None:
        """Stop renewing and release every lease (a hub error here only lets the leases expire)."""
        self._done.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
        if self.names:
            with contextlib.suppress(HubError):
                self.client.release_locks(self.names, self.owner)
            self.names = []

    def _renew(self) -> None:
        # A daemon thread: renews every third of the lease, so two renewals may fail in a row.
        while not self._done.wait(self.ttl / 3):
            try:
                holder = self.client.acquire_locks(self.names, self.owner, self.info, self.ttl)
            except HubError:
                continue  # try again; if the lease ends meanwhile, the next renewal says so
            if holder is not None:
                self._lost = holder
                return


@contextmanager
def holding_locks(client: HubClient, hub: str, targets: Sequence[Target], timeout: float) -> Iterator[Lease]:
    """The leases of ``targets``, held until the block ends (nothing to hold on a hub without the
    ``locks`` extension)."""
    with _holding(client, hub, lock_names(targets), timeout) as lease:
        yield lease


@contextmanager
def holding_project(
    client: HubClient, hub: str, name: str, project_id: str, timeout: float
) -> Iterator[Lease]:
    """The lease of one project, by its name and its id, as apply takes it (``ontokit hub load``
    holds it so that two loads, or a load and an apply, never move the same tasks at once)."""
    with _holding(client, hub, [_by_name(name), _by_id(project_id)], timeout, "hub load") as lease:
        yield lease


@contextmanager
def _holding(
    client: HubClient, hub: str, names: list[str], timeout: float, doing: str = "apply"
) -> Iterator[Lease]:
    lease = Lease(client, hub, LOCKS_EXTENSION in client.capabilities(), doing=doing)
    try:
        lease.take(names, timeout)
        yield lease
    finally:
        lease.release()
