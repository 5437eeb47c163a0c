"""Pacing: the client keeps under a hub's request budget instead of provoking 429s.

One :class:`Pacer` per hub per process (:func:`pacer_for`), shared by every thread and client of a
run, so that projects planned and applied at once spend one budget. It is a sliding-window log: a
request may start only while fewer than ``requests`` of this process's requests are in flight or
ended within the last ``period`` seconds. A slot is dated when its request *ended*, not when it
started: the hub received it in between, so whatever the latency, the hub never sees more than
``requests`` of them in any window of ``period`` (a window counted from the start would let a slow
first request and a fast later one land in the same window on the hub).

A 429 teaches it (:meth:`Pacer.learn`): every thread holds off for the ``Retry-After``, and the
budget shrinks to what got through in the window, never below half of it in one step (a 429 caused
by another client of the same key must not stall a run).

No library fits: ``limits`` and ``pyrate-limiter`` read the wall clock (no fake clock for the
tests), count from the start of a request, and keep a fixed budget.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit

from ..errors import OntokitError
from ..rate_limit import ANGO_RATE_LIMIT, RateLimit

__all__ = ["RATE_LIMIT_ENV", "Pacer", "default_limit", "pacer_for"]

#: The budget the client keeps to: ``100/min``, ``off`` (docs/hub.md, "The Hub client").
RATE_LIMIT_ENV = "ONTOKIT_RATE_LIMIT"
#: The longest estimate :meth:`Pacer.seconds_for` simulates request by request.
_MAX_SIMULATED = 100_000


class Pacer:
    """A request budget shared by threads: ``with pacer.slot(): send one request``.

    Args:
        limit: the budget (None: unlimited; every call returns at once).
        clock: monotonic seconds (tests pass a fake).
        sleep: how to wait (tests pass one that moves the fake clock).
    """

    def __init__(
        self,
        limit: RateLimit | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.configured = limit
        self._requests = limit.requests if limit else 0
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._ended: deque[float] = deque()  # when the requests of the window ended, oldest first
        self._in_flight = 0
        self._held_until = float("-inf")
        self.waited = 0.0  # seconds callers spent waiting, in all
        self.sent = 0  # requests started

    def __repr__(self) -> str:
        return f"Pacer({self.limit or 'off'})"

    @property
    def limit(self) -> RateLimit | None:
        """The budget in force: the configured one, or less once a 429 taught otherwise."""
        if self.configured is None:
            return None
        return RateLimit(self._requests, self.configured.period)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for room in the budget, hold a slot while the request runs, date it when it ends."""
        if self.configured is None:
            with self._cond:
                self.sent += 1
            yield
            return
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def acquire(self) -> None:
        """Block until a request may start; it then holds a slot until :meth:`release`."""
        assert self.configured is not None
        while True:
            with self._cond:
                now = self._clock()
                wait = self._wait(now)
                if wait <= 0:
                    self._in_flight += 1
                    self.sent += 1
                    return
                if wait == float("inf"):  # every slot is in flight: the next release frees one
                    self._cond.wait()
                    continue
            self._sleep(wait)
            with self._cond:
                self.waited += wait

    def release(self) -> None:
        """The request that held a slot ended now."""
        with self._cond:
            self._in_flight -= 1
            self._ended.append(self._clock())
            self._cond.notify_all()

    def learn(self, retry_after: float | None) -> None:
        """The hub answered 429: hold every request off for ``retry_after`` seconds, and take the
        budget to be what got through in the window (at least half of it, at least 1)."""
        if self.configured is None:
            return
        with self._cond:
            now = self._clock()
            if now < self._held_until:
                # Another thread's 429 of the same moment already taught this; only wait longer.
                self._held_until = max(self._held_until, now + (retry_after or 0.0))
                return
            self._expire(now)
            used = len(self._ended) + self._in_flight
            self._requests = max(1, self._requests // 2, min(self._requests - 1, used - 1))
            self._held_until = now + (retry_after or 0.0)

    def seconds_for(self, requests: int) -> float:
        """About how long until ``requests`` more have started, from now (0 when unlimited)."""
        if self.configured is None or requests <= 0:
            return 0.0
        with self._cond:
            now = self._clock()
            self._expire(now)
            slots = deque(sorted([*self._ended, *([now] * self._in_flight)]))
            start = max(now, self._held_until)
            period = self.configured.period
            at = start
            for _ in range(min(requests, _MAX_SIMULATED)):
                while len(slots) >= self._requests:
                    at = max(at, slots.popleft() + period)
                slots.append(at)
            extra = max(0, requests - _MAX_SIMULATED) / (self._requests / period)
            return at - now + extra

    # -- machinery --------------------------------------------------------------------------------
    def _expire(self, now: float) -> None:
        assert self.configured is not None
        period = self.configured.period
        while self._ended and self._ended[0] + period <= now:  # as _wait reckons it, to the last bit
            self._ended.popleft()

    def _wait(self, now: float) -> float:
        """Seconds until a request may start (0: now; inf: when a request in flight ends)."""
        assert self.configured is not None
        self._expire(now)
        wait = self._held_until - now
        used = len(self._ended) + self._in_flight
        if used >= self._requests:
            k = used - self._requests  # this many more must leave the window first
            if k >= len(self._ended):
                return float("inf")
            wait = max(wait, self._ended[k] + self.configured.period - now)
        return max(wait, 0.0)


_PACERS: dict[tuple[str, RateLimit | None], Pacer] = {}
_PACERS_LOCK = threading.Lock()


def pacer_for(hub: str, limit: RateLimit | None) -> Pacer:
    """The process's one pacer for ``hub`` (a base URL) at ``limit``: every client of a run shares it."""
    with _PACERS_LOCK:
        pacer = _PACERS.get((hub, limit))
        if pacer is None:
            pacer = _PACERS[(hub, limit)] = Pacer(limit)
        return pacer


def default_limit(base_url: str, *, in_process: bool, env: Mapping[str, str]) -> RateLimit | None:
    """``ONTOKIT_RATE_LIMIT`` when set; else Ango's documented 100 requests a minute for a hub
    reached over the network, and no limit for a local one (in-process, or a loopback URL).

    Raises:
        OntokitError: ``ONTOKIT_RATE_LIMIT`` is not a rate limit (one line).
    """
    raw = env.get(RATE_LIMIT_ENV, "").strip()
    if raw:
        try:
            return RateLimit.parse(raw)
        except ValueError as exc:
            raise OntokitError(f"{RATE_LIMIT_ENV}: {exc}") from None
    if in_process or _is_local(base_url):
        return None
    return ANGO_RATE_LIMIT


def _is_local(url: str) -> bool:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
