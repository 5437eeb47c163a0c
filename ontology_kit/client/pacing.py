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

A run's window outlives it (``memory``): the ends of its last requests are kept, by wall clock, in
``.ontokit/pacing.json`` (per hub URL; no key), and the next process for that hub starts from them,
so that ``ontokit plan`` right after a long ``ontokit apply`` does not spend, at once, a budget the
hub still counts as spent.

No library fits: ``limits`` and ``pyrate-limiter`` read the wall clock (no fake clock for the
tests), count from the start of a request, and keep a fixed budget.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
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
        memory: where the window is kept between processes, and under which hub (None: nowhere).
        wall: the wall clock (``memory`` is dated by it; tests pass a fake).
    """

    def __init__(
        self,
        limit: RateLimit | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        memory: tuple[Path, str] | None = None,
        wall: Callable[[], float] = time.time,
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
        self._memory = memory if limit is not None else None
        self._wall = wall
        if self._memory is not None:
            now, wall_now = clock(), wall()
            ended = sorted(now - (wall_now - t) for t in _recall(*self._memory))
            self._ended.extend(t for t in ended if t <= now)

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

    def save(self) -> None:
        """Keep the window for the next process (``memory``); quietly nothing when it cannot."""
        if self._memory is None:
            return
        with self._cond:
            now, wall_now = self._clock(), self._wall()
            self._expire(now)
            ends = [wall_now - (now - t) for t in self._ended] + [wall_now] * self._in_flight
        _remember(*self._memory, ends)

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
#: The most hubs ``.ontokit/pacing.json`` remembers, and ends per hub.
_MAX_HUBS, _MAX_ENDS = 20, 10_000


def pacer_for(hub: str, limit: RateLimit | None, memory: Path | None = None) -> Pacer:
    """The process's one pacer for ``hub`` (a base URL) at ``limit``: every client of a run shares it.
    The first one made starts from the window kept in ``memory`` (a ``pacing.json``), if any."""
    with _PACERS_LOCK:
        pacer = _PACERS.get((hub, limit))
        if pacer is None:
            pacer = _PACERS[(hub, limit)] = Pacer(limit, memory=(memory, hub) if memory else None)
        return pacer


def _read(path: Path) -> dict[str, object]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.loads(fh.read(1_000_000))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _recall(path: Path, hub: str) -> list[float]:
    """The wall-clock ends kept for ``hub`` (read leniently: anything odd is nothing)."""
    ends = _read(path).get(hub)
    if not isinstance(ends, list):
        return []
    return [float(t) for t in ends[-_MAX_ENDS:] if isinstance(t, int | float) and not isinstance(t, bool)]


def _remember(path: Path, hub: str, ends: list[float]) -> None:
    """Keep ``ends`` for ``hub`` beside the other hubs' (a new file by rename: never half written,
    and a link at ``path`` is replaced, not written through); nothing when it cannot be written."""
    data = {k: v for k, v in _read(path).items() if k != hub and isinstance(v, list)}
    if ends:
        data[hub] = [round(t, 3) for t in ends[-_MAX_ENDS:]]
    data = dict(list(data.items())[-_MAX_HUBS:])
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        path.parent.mkdir(exist_ok=True)
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def default_limit(
    base_url: str, *, in_process: bool, env: Mapping[str, str], configured: str | None = None
) -> RateLimit | None:
    """``ONTOKIT_RATE_LIMIT`` when set; else ``configured`` (a workspace's ``rate_limit:``); else
    Ango's documented 100 requests a minute for a hub reached over the network, and no limit for a
    local one (in-process, or a loopback URL).

    Raises:
        OntokitError: ``ONTOKIT_RATE_LIMIT`` (or ``configured``) is not a rate limit (one line).
    """
    for raw, where in ((env.get(RATE_LIMIT_ENV, ""), RATE_LIMIT_ENV), (configured or "", "rate_limit")):
        if raw.strip():
            try:
                return RateLimit.parse(raw)
            except ValueError as exc:
                raise OntokitError(f"{where}: {exc}") from None
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
