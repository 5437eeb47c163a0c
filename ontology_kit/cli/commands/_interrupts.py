"""Ctrl-C while apply writes: the first stops new writes (a flag the library checks before each),
the second ends the process at once. The library holds no signal code; this is the CLI's edge."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

import click

from ...errors import ExitCode

__all__ = ["Interrupts"]


class Interrupts:
    """While armed (from the confirmation on), SIGINT sets :attr:`stop` instead of raising
    KeyboardInterrupt; a second SIGINT exits with 130 at once. Before that, Ctrl-C is as usual:
    nothing has been written yet. Used as a context manager: the previous handler comes back."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self._previous: Any = None
        self._armed = False
        # Where its messages go, and what to undo before exiting at once: a progress view's (its bar
        # stays below the message, and the terminal gets its cursor back).
        self.say: Callable[[str], None] = lambda text: click.echo(f"\n{text}", err=True)  # after ^C
        self.before_exit: Callable[[], None] = lambda: None

    def arm(self) -> None:
        """From now on, Ctrl-C stops writes instead of raising (only the main thread gets signals)."""
        if self._armed or threading.current_thread() is not threading.main_thread():
            return
        self._previous = signal.signal(signal.SIGINT, self._handle)
        self._armed = True

    def __enter__(self) -> Interrupts:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._armed:
            signal.signal(signal.SIGINT, self._previous)
            self._armed = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if not self.stop.is_set():
            self.stop.set()
            self.say(
                "Interrupted: no new write will start; waiting for the calls in flight to finish "
                "(Ctrl-C again aborts at once)."
            )
            return
        # At once: the calls in flight are abandoned (each is one request; the hub applies it whole
        # or not at all), and any lock lease simply expires.
        self.before_exit()
        sys.stdout.flush()
        click.echo(
            "Aborted at once: calls in flight may or may not have been applied; run `ontokit plan` "
            "to see what the hub holds, and `ontokit apply` to continue.",
            err=True,
        )
        sys.stderr.flush()
        os._exit(ExitCode.INTERRUPTED)
