"""Line and column of a data path, found by a second, position-keeping parse.

The fast parser (yaml-rs) gives plain data without positions. When a file has diagnostics, we compose
it once more with PyYAML's C composer (nodes with marks, no value resolution, aliases not expanded)
and walk the data path to the node. This is only paid on the error path.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterable

from ..diagnostics import DataPath, Diagnostic

__all__ = ["PositionIndex", "locate"]


class PositionIndex:
    """Node positions of one YAML text, composed lazily on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: Any = None
        self._composed = False

    @property
    def root(self) -> Any:
        if not self._composed:
            self._composed = True
            self._root = _compose(self._text)
        return self._root

    def position(self, path: DataPath, target: str = "value") -> tuple[int, int]:
        """1-based (line, column) of the node at ``path``; the deepest known ancestor if the path
        does not resolve all the way; (0, 0) if the text cannot be composed."""
        node = self.root
        if node is None:
            return (0, 0)
        best = node.start_mark
        key_mark = None
        for part in path:
            nxt, key_node = _child(node, part)
            if nxt is None:
                break
            node = nxt
            best = node.start_mark
            key_mark = key_node.start_mark if key_node is not None else None
        else:
            if target == "key" and key_mark is not None:
                best = key_mark
        return (best.line + 1, best.column + 1)

    def duplicate_keys(self) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
        """Every repeated key in any mapping: (key, first position, repeat position)."""
        root = self.root
        out: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
        seen_nodes: set[int] = set()
        stack = [root] if root is not None else []
        while stack:
            node = stack.pop()
            if id(node) in seen_nodes:  # an alias: the anchored node was (or will be) walked once
                continue
            seen_nodes.add(id(node))
            if node.id == "mapping":
                first: dict[str, Any] = {}
                for key_node, value_node in node.value:
                    key = str(key_node.value) if key_node.id == "scalar" else repr(key_node.value)
                    if key in first:
                        out.append((key, _mark(first[key]), _mark(key_node.start_mark)))
                    else:
                        first[key] = key_node.start_mark
                    stack.append(value_node)
            elif node.id == "sequence":
                stack.extend(node.value)
        out.sort(key=lambda item: item[2])
        return out

    def quoted_token(self, line: int, column: int) -> str:
        """The plain scalar that starts at (line, column), quoted as YAML would need it: ``"1.10"``."""
        lines = self._text.splitlines()
        if not 0 < line <= len(lines):
            return '"..."'
        rest = lines[line - 1][column - 1:]
        token = re.split(r"\s+#|[,\]}]", rest, maxsplit=1)[0].strip()
        return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"' if token else '"..."'

    def first_alias(self) -> tuple[int, int]:
        """Position of the first alias (``*name``) in the text, or (1, 1)."""
        try:
            import yaml

            for event in yaml.parse(self._text, Loader=_loader()):
                if isinstance(event, yaml.AliasEvent):
                    return _mark(event.start_mark)
        except Exception:  # noqa: BLE001 - a position is a nicety; never fail on it
            pass
        return (1, 1)


def locate(diagnostics: Iterable[Diagnostic], index: PositionIndex) -> list[Diagnostic]:
    """Fill in line and column of each diagnostic that has none yet."""
    out = []
    for diag in diagnostics:
        if diag.line == 0 and diag.file:
            line, column = index.position(diag.path, diag.target)
            diag = dataclasses.replace(diag, line=line, column=column)
        if diag.hint and "{token}" in diag.hint:
            diag = dataclasses.replace(diag, hint=diag.hint.replace("{token}", index.quoted_token(diag.line, diag.column)))
        if diag.related is not None and diag.hint and "{related}" in diag.hint:
            line, column = index.position(diag.related)
            where = f"line {line}" if line else "another place"
            diag = dataclasses.replace(diag, hint=diag.hint.replace("{related}", where), related=None)
        out.append(diag)
    return out


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> Any:
    import yaml

    try:
        return yaml.compose(text, Loader=_loader())
    except yaml.composer.ComposerError:
        # Several documents: positions of the first are still useful.
        try:
            return next(iter(yaml.compose_all(text, Loader=_loader())), None)
        except Exception:  # noqa: BLE001
            return None
    except Exception:  # noqa: BLE001 - PyYAML may refuse YAML 1.2 that yaml-rs accepted
        return None


def _child(node: Any, part: str | int) -> tuple[Any, Any]:
    if node.id == "mapping":
        found = (None, None)
        want = part if isinstance(part, str) else str(part).lower() if isinstance(part, bool) else str(part)
        for key_node, value_node in node.value:
            if key_node.id == "scalar" and key_node.value == want:
                found = (value_node, key_node)
        return found
    if node.id == "sequence" and isinstance(part, int) and 0 <= part < len(node.value):
        return (node.value[part], None)
    return (None, None)
