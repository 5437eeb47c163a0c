"""The cyclic garbage collector paused while a file is read, checked and compiled.

A parsed ontology is a tree of dicts, lists and strings, and everything built from it (models,
resolved nodes, the payload) is acyclic: reference counting frees all of it. The cyclic collector
finds nothing there, but its full collections walk every live object, and the heap grows with the
file, so on large files it made the work grow faster than the input (bench/README.md, "Bounds":
100k options took 11 µs each with it, 7 µs without, as 1k options do). Cycles made meanwhile are
collected at the next collection after it is resumed.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["gc_paused"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def gc_paused(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """``fn`` with the cyclic collector paused while it runs (resumed only if it was on: calls nest)."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper
