"""How far a long run is, on standard error: a live bar on a terminal, plain counted lines elsewhere.

On a terminal (``terminal.display``: a bar is allowed), a run of several steps draws a bar with the
counter (``12/30 projects``), the time so far and the time left; each step's result line, each
retry and each notice prints above it. Elsewhere (a pipe, a CI log, ``--no-color``) each result is
one plain line, ``[12/30] proj-a: applied 3 changes (about 40 s left)``: no escape sequence, no
carriage return. A run of one step shows its result line on a terminal only (as before a bar).

``rich`` draws the bar; it is imported only when a bar is drawn (``ontokit --help`` stays fast).
"""

from __future__ import annotations

import sys
import threading
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import click

from .._text import one_line
from .terminal import Display, display, duration

if TYPE_CHECKING:
    from ..client.retries import RetryNotice
    from ..workflow.progress import RunProgress

__all__ = ["RunView"]


class RunView:
    """The progress of one command's phases (``planning``, then ``applying``), counted in ``unit``.

    A context manager: while it is open, every request a client of the process repeats says so
    (``client/retries.py``: never its URL or headers), above the bar if one is drawn; on the way out
    the bar is gone before anything else is printed (a plan, a prompt, an error). Its methods may be
    called from any thread.
    """

    def __init__(self, unit: str = "projects", shown: Display | None = None) -> None:
        self.unit = unit
        self.shown = shown if shown is not None else display(sys.stderr)
        self.phase = ""
        self.latest: RunProgress | None = None
        self._lock = threading.RLock()
        self._bar: Any = None  # rich.progress.Progress while a bar is drawn
        self._task: Any = None
        self._stack = ExitStack()

    def __enter__(self) -> RunView:
        from ..client.retries import listening

        self._stack.enter_context(listening(self.retrying))
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._stack.close()

    def begin(self, phase: str) -> None:
        """A new phase: the next progress starts its own bar."""
        with self._lock:
            self.stop()
            self.phase = phase
            self.latest = None

    def heard(self, progress: RunProgress) -> None:
        """The workflow's latest word on how far the phase is (before the step's own result)."""
        with self._lock:
            self.latest = progress
            if not self.shown.bar or progress.total < 2:
                return
            if self._bar is None:
                self._start(progress.total)
            self._bar.update(self._task, completed=progress.done, left=self._left(progress))

    def ended(self, text: str, *, above_bar: bool = True) -> None:
        """One step's result: a line above the bar (unless not ``above_bar``: the bar says it all),
        or a plain line with the counter and the time left (on a terminal, or for a run of several
        steps)."""
        with self._lock:
            p = self.latest
            if self._bar is not None or p is None:
                if above_bar:
                    self.say(text)
            elif self.shown.terminal or p.total > 1:
                left = f" ({self._left(p)})" if p.done < p.total and p.left > 0 else ""
                self.say(f"[{p.done}/{p.total}] {text}{left}")

    def retrying(self, notice: RetryNotice) -> None:
        """A request is repeated: say so (always: a run that retries is a run that is slow)."""
        self.say(notice.describe())

    def say(self, text: str) -> None:
        """One line on standard error (above the bar, if one is drawn)."""
        line = one_line(text)
        with self._lock:
            if self._bar is not None:
                self._bar.console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
            else:
                click.echo(line, err=True)

    def after_ctrl_c(self, text: str) -> None:
        """A line said as Ctrl-C is pressed: above the bar, else on a line of its own (after the
        ``^C`` the terminal echoed)."""
        with self._lock:
            if self._bar is None:
                click.echo("", err=True)
            self.say(text)

    def stop(self) -> None:
        """Take the bar away (the result lines printed above it stay)."""
        with self._lock:
            if self._bar is not None:
                self._bar.stop()
                self._bar = self._task = None

    def _left(self, p: RunProgress) -> str:
        if p.done >= p.total:
            return "done"
        if p.done == 0 or p.left <= 0:
            return "estimating the time left"
        return f"about {duration(p.left)} left"

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(
            file=sys.stderr, force_terminal=True, no_color=not self.shown.color, highlight=False
        )
        # The bar writes to standard error only: standard output (the plan) is never redirected.
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(self.unit),
            TimeElapsedColumn(),
            TextColumn("{task.fields[left]}"),
            console=console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
            refresh_per_second=8,
        )
        self._task = self._bar.add_task(self.phase or "running", total=total, left="")
        self._bar.start()
