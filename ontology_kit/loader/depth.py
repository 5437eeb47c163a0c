"""Nesting depth: bounded before the parser sees a file, and exactly after it.

yaml-rs stops flow collections (``[[[...]]]``) near 256 levels by itself, but not block ones: a
200 KB file of ``- - - ... v`` nested 100,000 levels crashed the process (the parser recurses), and
every later stage that walks a tree (the models, ruamel.yaml in ``fmt``) recursed past Python's limit
from about 500 levels. So: a cheap scan proves a file shallow enough to parse (the usual case), a
C-speed event count measures the rare file that may be deeper, and the parsed data's depth is
checked exactly against :data:`MAX_DEPTH` unless the cheap bound already proves it (a block-style
file: the usual case costs a split into lines, not a walk of the data).
"""

from __future__ import annotations

from typing import Any, Final

from ..diagnostics import DataPath

__all__ = ["MAX_DEPTH", "block_bound", "deeper_than", "depth_bound", "first_too_deep", "too_deep_to_parse"]

#: Collections nest at most this many levels (the document's root mapping is level 1).
MAX_DEPTH: Final = 256

# A block collection nested below another starts at a greater column, except a sequence that is a
# mapping's value (same column): two levels cost at least one column. The columns where block
# collections start are within each line's prefix of spaces and indicators (``- - x``, ``? - x``,
# ``    key:``). So block nesting is at most 2 * (widest prefix + 1), and flow nesting at most the
# number of ``[`` and ``{`` in the text (yaml-rs stops it near 256 levels by itself anyway).
_SHORT = 64  # a prefix up to this wide is not measured: the bound assumes it
_PARSER_SAFE_BLOCK = 2 * (MAX_DEPTH + 1)  # far below the ~10,000 levels that crash yaml-rs


# Each byte of a text as its class: "a" for what a line prefix is made of (space, `-`, `?`), a newline
# for a line break (YAML's are LF and CR), "b" for anything else. A prefix wider than _SHORT is then
# one bytes.find, in C: the usual file never runs a Python loop over its lines.
_CLASSES = bytes(
    ord("a") if byte in b" -?" else ord("\n") if byte in b"\r\n" else ord("b") for byte in range(256)
)
_WIDE_PREFIX = b"\n" + b"a" * (_SHORT + 1)


def block_bound(text: str) -> int:
    """An upper bound of the block nesting of ``text``."""
    marked = b"\n" + text.encode("utf-8", "surrogatepass").translate(_CLASSES)
    if marked.find(_WIDE_PREFIX) < 0:
        return 2 * (_SHORT + 1)
    widest = max(len(line) - len(line.lstrip(" -?")) for line in text.splitlines())  # rare: measure
    return 2 * (max(widest, _SHORT) + 1)


def depth_bound(text: str, block: int) -> int:
    """An upper bound of the nesting depth of ``text`` whose :func:`block_bound` is ``block``; when
    it is at most :data:`MAX_DEPTH`, the parsed data need not be measured."""
    return block + text.count("[") + text.count("{")


def too_deep_to_parse(text: str, block: int) -> tuple[int, int] | None:
    """Where (1-based line, column) ``text`` nests deeper than :data:`MAX_DEPTH`, when it may be too
    deep for the parser; None when it is shallow enough to parse (the exact check follows then)."""
    if block <= _PARSER_SAFE_BLOCK:
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
