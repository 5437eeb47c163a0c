"""How far a plan or an apply is, and about how long it has left.

The estimate is the longer of two: the hub's request budget's (the requests the done projects took
on average, times the projects left, as :meth:`~ontology_kit.client.pacing.Pacer.seconds_for`
reckons them from the window as it is now; the first requests of a run go at once, so a straight
line would promise too little under a budget), and a straight line through the time so far (what
the hub's answers take, when no budget slows the run).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec

from ..client.pacing import Pacer
from .planner import CONCURRENCY

__all__ = ["Progress", "RunProgress"]

P = ParamSpec("P")


@dataclass(frozen=True)
class RunProgress:
    """``done`` of ``total`` projects; about ``left`` seconds to go (0 until the first project ends,
    and once the last has); ``paced``: the budget has made a request wait in this process;
    ``elapsed``: seconds since the phase began."""

    done: int
    total: int
    left: float
    paced: bool
    elapsed: float = 0.0

    @classmethod
    def straight(cls, done: int, total: int, elapsed: float) -> RunProgress:
        """Progress whose time left is a straight line through the time so far (one step at a time,
        no budget: ``hub load``)."""
        left = elapsed / done * (total - done) if 0 < done < total else 0.0
        return cls(done, total, left, False, elapsed)


class Progress:
    """Counts the projects of one phase (planning, or applying) as they end, and tells
    ``on_progress`` how far it is: once as the phase begins (0 done, so that a view can show the
    phase at once), then as each project ends, before the phase's own callback runs (under one lock:
    the callbacks of the threads of a run never interleave)."""

    def __init__(
        self,
        pacer: Pacer,
        total: int,
        on_progress: Callable[[RunProgress], None] | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pacer = pacer
        self.total = total
        self.done = 0
        self._on_progress = on_progress
        self._sent_at_start = pacer.sent
        self._lock = threading.Lock()
        self._clock = clock
        self._start = clock()
        if on_progress is not None:
            on_progress(self.now())

    def now(self) -> RunProgress:
        """The progress so far."""
        left = 0.0
        elapsed = max(0.0, self._clock() - self._start)
        if self.done and self.done < self.total:
            # The requests and the time so far include those of the projects still under way (a few
            # at once): count those as half done, or the first estimates come out too long.
            under_way = self.done + 0.5 * min(CONCURRENCY, self.total - self.done)
            per_project = (self.pacer.sent - self._sent_at_start) / under_way
            budget = self.pacer.seconds_for(math.ceil(per_project * (self.total - under_way)))
            left = max(budget, elapsed / under_way * (self.total - under_way))
        return RunProgress(self.done, self.total, left, self.pacer.waited > 0, elapsed)

    def wrap(self, callback: Callable[P, None] | None) -> Callable[P, None]:
        """``callback`` (a project ended), counting the project and reporting progress first."""

        def ended(*args: P.args, **kwargs: P.kwargs) -> None:
            with self._lock:
                self.done += 1
                if self._on_progress is not None:
                    self._on_progress(self.now())
                if callback is not None:
                    callback(*args, **kwargs)

        return ended
