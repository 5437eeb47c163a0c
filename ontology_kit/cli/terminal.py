"""What a command's output may hold: colors, and a live progress bar. Decided here, and only here.

- ``--no-color`` (the global option) or ``NO_COLOR`` set to anything but the empty string
  (https://no-color.org): no escape sequence at all, in any output; a terminal gets plain counted
  lines instead of a bar (a bar needs cursor controls).
- ``FORCE_COLOR`` set to anything but the empty string (https://force-color.org): colors even through
  a pipe (``--no-color`` and ``NO_COLOR`` win over it). It never forces a bar: a bar needs a terminal.
- Otherwise colors on a terminal, unless ``TERM=dumb``; a bar where standard error is a terminal and
  ``TERM`` is not ``dumb``.

The root command records the policy in click's context (``ctx.color``): then every ``click.echo``
strips escape sequences when colors are off, whatever produced them.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import click

__all__ = ["Display", "color_policy", "display", "duration", "is_terminal"]


@dataclass(frozen=True)
class Display:
    """What one stream gets: ``color`` (ANSI styles), ``bar`` (a live progress bar, redrawn in
    place); ``terminal``: the stream is one (a run of one step shows its line there only)."""

    color: bool
    bar: bool
    terminal: bool


def color_policy(no_color: bool = False, env: Mapping[str, str] | None = None) -> bool | None:
    """False: never color (``--no-color``, ``NO_COLOR``); True: always (``FORCE_COLOR``); None: on a
    terminal only."""
    env = os.environ if env is None else env
    if no_color or env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return None


def _policy() -> bool | None:
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        # The root command set it from --no-color and the environment (None: no preference).
        return ctx.color if ctx.color is not None else color_policy()
    return color_policy()


def is_terminal(stream: object) -> bool:
    """Whether ``stream`` is a terminal (tests replace this to stand in for one)."""
    return bool(getattr(stream, "isatty", lambda: False)())


def display(stream: object = None) -> Display:
    """What ``stream`` (default: standard output) gets."""
    terminal = is_terminal(stream if stream is not None else sys.stdout)
    dumb = os.environ.get("TERM") == "dumb"
    policy = _policy()
    color = policy if policy is not None else terminal and not dumb
    return Display(color=color, bar=terminal and not dumb and policy is not False, terminal=terminal)


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 10 s``, ``1 h 5 min``: a time, as people say it (rounded up)."""
    s = max(0, math.ceil(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s" if s % 60 else f"{s // 60} min"
    return f"{s // 3600} h {s % 3600 // 60} min"
