"""Nesting depth: bounded before the parser sees a file, and exactly after it.

yaml-rs stops flow collections (``[[[...]]]``) near 256 levels by itself, but not block ones: a
200 KB file of ``- - - ... v`` nested 100,000 levels crashed the process (the parser recurses), and
every later stage that walks a tree (the models, ruamel.yaml in ``fmt``) recursed past Python's limit
from about 500 levels. So: a cheap scan proves a file shallow enough to parse (the usual case), a
C-speed event count measures the rare file that may be deeper, and the parsed data's depth is
checked exactly against :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import re
from typing import Any, Final

from ..diagnostics import DataPath

__all__ = ["MAX_DEPTH", "deeper_than", "first_too_deep", "too_deep_to_parse"]

#: Collections nest at most this many levels (the document's root mapping is level 1).
MAX_DEPTH: Final = 256

# A block collection nested below another starts at a greater column, except a sequence that is a
# mapping's value (same column): two levels cost at least one column. Columns come from indentation
# and from compact indicators on one line (``- - x``, ``? - x``). So while no line's prefix of
# spaces and indicators reaches MAX_DEPTH columns, block nesting stays under ~2 * MAX_DEPTH levels,
# and flow nesting (which yaml-rs stops near 256) adds at most that: far from a crash.
_DEEP_PREFIX = re.compile(rf"^(?:[ ]|[-?](?=[ ])){{{MAX_DEPTH}}}", re.MULTILINE)


def too_deep_to_parse(text: str) -> tuple[int, int] | None:
    """Where (1-based line, column) ``text`` nests deeper than :data:`MAX_DEPTH`, when it may be too
    deep for the parser; None when it is shallow enough to parse (the exact check follows then)."""
    if _DEEP_PREFIX.search(text) is None:
        return None
    import yaml  # noqa: PLC0415 - lazy: only a file with a very deep line prefix pays this

    depth = 0
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            kind = type(event).__name__
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return (mark.line + 1, mark.column + 1)
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
    except yaml.YAMLError:
        return None  # not deep before it is invalid: the parser says what is wrong
    return None


def deeper_than(data: Any, limit: int = MAX_DEPTH) -> bool:
    """True when containers in ``data`` nest more than ``limit`` levels (iterative: any depth)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if type(node) is dict else node
        stack.extend((child, depth + 1) for child in children if type(child) in (dict, list))
    return False


def first_too_deep(data: Any, limit: int = MAX_DEPTH) -> DataPath:
    """The data path of the first container nested deeper than ``limit`` (error path only)."""
    stack: list[tuple[Any, DataPath]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if len(path) >= limit:
            return path
        items = list(node.items()) if type(node) is dict else list(enumerate(node))
        for key, child in reversed(items):
            if type(child) in (dict, list):
                stack.append((child, (*path, key if isinstance(key, int) else str(key))))
    return ()
