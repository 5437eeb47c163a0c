"""Retries made visible: what the client tells whoever listens before it waits to repeat a request.

A notice names the call as messages do (``project 64f0…``, ``create project 'Cars'``), the reason
(``429 Too Many Requests``, ``cannot connect (ConnectError)``), the attempt to come and the wait:
never a URL, a header or a body, so that it cannot carry the API key or a webhook's secret.

Listeners are the process's (``listening``): the CLI listens for the whole of a command, whichever
client, thread or workflow makes the request, as the request budget (``pacing.py``) is the process's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus

import tenacity

from ..errors import RetryableAttempt

__all__ = ["RetryNotice", "before_sleep", "listening", "report"]


@dataclass(frozen=True)
class RetryNotice:
    """One request about to be repeated: ``call`` failed for ``reason``; attempt ``attempt`` of at
    most ``attempts`` starts in ``wait`` seconds."""

    call: str
    reason: str
    attempt: int
    attempts: int
    wait: float

    @classmethod
    def of(
        cls, call: str, reason: str, status: int | None, attempt: int, attempts: int, wait: float
    ) -> RetryNotice:
        """A notice whose reason is the status as HTTP names it (``503 Service Unavailable``) when
        there is one, else the client's words (``cannot connect (ConnectError)``)."""
        if status is not None:
            try:
                reason = f"{status} {HTTPStatus(status).phrase}"
            except ValueError:  # a status HTTP does not name (599)
                reason = f"{status} {reason}"
        return cls(call, reason, attempt, attempts, max(0.0, wait))

    def describe(self) -> str:
        """``retrying project 64f0… (429 Too Many Requests), attempt 2 of 6, in 1.5 s``."""
        return (
            f"retrying {self.call} ({self.reason}), attempt {self.attempt} of {self.attempts}, "
            f"in {self.wait:.1f} s"
        )


_lock = threading.Lock()
_listeners: tuple[Callable[[RetryNotice], None], ...] = ()


@contextmanager
def listening(callback: Callable[[RetryNotice], None]) -> Iterator[None]:
    """Call ``callback`` with every retry any client of this process makes, until the block ends (from
    the thread that made the request: the callback must be thread-safe)."""
    global _listeners
    with _lock:
        _listeners = (*_listeners, callback)
    try:
        yield
    finally:
        with _lock:
            rest = list(_listeners)
            rest.remove(callback)
            _listeners = tuple(rest)


def report(notice: RetryNotice) -> None:
    """Tell every listener about ``notice`` (the client calls it before it waits)."""
    for callback in _listeners:  # a tuple, replaced whole: no lock needed to read it
        callback(notice)


def before_sleep(call: str, attempts: int) -> Callable[[tenacity.RetryCallState], None]:
    """The client's hook between a failed attempt of ``call`` and its wait: tell the listeners."""

    def retrying(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if not isinstance(exc, RetryableAttempt):
            return
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        report(RetryNotice.of(call, exc.reason, exc.status, state.attempt_number + 1, attempts, wait))

    return retrying
