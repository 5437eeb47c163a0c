"""Line and column of a data path, found by a second, position-keeping parse.

The fast parser (yaml-rs) gives plain data without positions. When a file has diagnostics, we compose
it once more with PyYAML's C composer (nodes with marks, no value resolution, aliases not expanded)
and walk the data path to the node. This is only paid on the error path.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any, Final

from ..diagnostics import DataPath, Diagnostic
from .syntax import yaml_lines

__all__ = ["PositionIndex", "compose_all_count", "locate"]


class _Node:
    """A composed node: kind ("scalar" | "mapping" | "sequence"), 1-based position, value."""

    __slots__ = ("column", "id", "keys", "line", "value")

    def __init__(self, kind: str, line: int, column: int, value: Any) -> None:
        self.id = kind
        self.line = line
        self.column = column
        self.value = value  # str; list of (key node, value node); list of nodes
        self.keys: dict[str, tuple[Any, Any]] | None = None  # a mapping's scalar keys, built on first use


_NOT_BREAKS: Final = str.maketrans(dict.fromkeys("\x85\u2028\u2029", "_"))


class PositionIndex:
    """Node positions of one YAML text, composed lazily on first use."""

    def __init__(self, text: str) -> None:
        # PyYAML reads YAML 1.1, where U+0085, U+2028 and U+2029 end a line; in YAML 1.2 (the
        # reader's) and in editors they are ordinary characters: one of those, for positions alike.
        self._text = text.translate(_NOT_BREAKS)
        self._source = text
        self._root: _Node | None = None
        self._aliases: list[tuple[int, int]] = []
        self._composed = False
        self._lines: list[str] | None = None

    @property
    def root(self) -> _Node | None:
        if not self._composed:
            self._composed = True
            self._root = self._compose()
        return self._root

    def position(self, path: DataPath, target: str = "value") -> tuple[int, int]:
        """1-based (line, column) of the node at ``path``; the deepest known ancestor if the path
        does not resolve all the way; (0, 0) if the text cannot be composed."""
        node = self.root
        if node is None:
            return (0, 0)
        best = (node.line, node.column)
        key_pos = None
        for part in path:
            nxt, key_node = _child(node, part)
            if nxt is None:
                break
            node = nxt
            best = (node.line, node.column)
            key_pos = (key_node.line, key_node.column) if key_node is not None else None
        else:
            if target == "key" and key_pos is not None:
                best = key_pos
        return best

    def duplicate_keys(self) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
        """Every repeated key in any mapping: (key, first position, repeat position)."""
        root = self.root
        out: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
        seen_values: set[int] = set()
        stack = [root] if root is not None else []
        while stack:
            node = stack.pop()
            if id(node.value) in seen_values:  # an alias shares its anchor's value: walk it once
                continue
            seen_values.add(id(node.value))
            if node.id == "mapping":
                first: dict[str, tuple[int, int]] = {}
                for key_node, value_node in node.value:
                    key = key_node.value if key_node.id == "scalar" else f"<{key_node.id}>"
                    if key in first:
                        out.append((key, first[key], (key_node.line, key_node.column)))
                    else:
                        first[key] = (key_node.line, key_node.column)
                    stack.append(value_node)
            elif node.id == "sequence":
                stack.extend(node.value)
        out.sort(key=lambda item: item[2])
        return out

    def first_alias(self) -> tuple[int, int]:
        """Position of the first alias (``*name``) in the text, or (1, 1).

        Scans tokens only up to that alias: composing the whole text of an alias bomb (a million
        aliases) took seconds, and the reader asks for this to refuse the file.
        """
        if self._composed:
            return self._aliases[0] if self._aliases else (1, 1)
        import yaml  # noqa: PLC0415 - lazy: a second parse, paid only on the error path

        try:
            for token in yaml.scan(self._text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
                if type(token).__name__ == "AliasToken":
                    return (token.start_mark.line + 1, token.start_mark.column + 1)
        except yaml.YAMLError:
            pass
        return (1, 1)

    def quoted_token(self, line: int, column: int) -> str:
        """The plain scalar that starts at (line, column), quoted as YAML would need it: ``"1.10"``."""
        if self._lines is None:
            self._lines = yaml_lines(self._source)
        lines = self._lines
        if not 0 < line <= len(lines):
            return '"..."'
        rest = lines[line - 1][column - 1 :]
        rest = re.sub(r"^&\S+\s+", "", rest)  # an anchor is not part of the value
        token = re.split(r"\s+#|[,\]}]", rest, maxsplit=1)[0].strip()
        return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"' if token else '""'

    def _compose(self) -> _Node | None:
        """Build position nodes from PyYAML's C event stream (fast; no value resolution).

        Unlike PyYAML's own composer, an alias gets a node of its own at the alias's position
        (sharing the anchored node's children), so diagnostics inside it point at ``*name``.
        Only the first document is composed; on a parse error, what was built so far is kept.
        """
        import yaml  # noqa: PLC0415 - lazy: a second parse, paid only on the error path

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        anchors: dict[str, _Node] = {}
        stack: list[tuple[_Node, list[Any]]] = []  # (container node, pending key for mappings)
        root: _Node | None = None

        def add(node: _Node) -> None:
            nonlocal root
            if not stack:
                root = node
                return
            parent, pending = stack[-1]
            if parent.id == "sequence":
                parent.value.append(node)
            elif pending:
                parent.value.append((pending.pop(), node))
            else:
                pending.append(node)

        try:
            for event in yaml.parse(self._text, Loader=loader):
                kind = type(event).__name__
                if kind == "DocumentEndEvent":
                    break
                mark = getattr(event, "start_mark", None)
                line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                if kind == "ScalarEvent":
                    node = _Node("scalar", line, column, event.value)
                    if event.anchor:
                        anchors[event.anchor] = node
                    add(node)
                elif kind in ("MappingStartEvent", "SequenceStartEvent"):
                    node = _Node("mapping" if kind == "MappingStartEvent" else "sequence", line, column, [])
                    if event.anchor:
                        anchors[event.anchor] = node
                    add(node)
                    stack.append((node, []))
                elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                    stack.pop()
                elif kind == "AliasEvent":
                    self._aliases.append((line, column))
                    target = anchors.get(event.anchor)
                    add(
                        _Node(target.id, line, column, target.value)
                        if target
                        else _Node("scalar", line, column, "")
                    )
        except Exception:
            pass
        return root


def locate(
    diagnostics: Iterable[Diagnostic], index: PositionIndex, file: str | None = None
) -> list[Diagnostic]:
    """Fill in line and column of each diagnostic that has none yet (only those of ``file``, if given:
    a project's diagnostics include its ontology file's, which ``index`` does not describe)."""
    out = []
    for diag in diagnostics:
        if file is not None and diag.file != file:
            out.append(diag)
            continue
        if diag.line == 0 and diag.file:
            line, column = index.position(diag.path, diag.target)
            diag = dataclasses.replace(diag, line=line, column=column)
        if diag.hint and "{token}" in diag.hint:
            diag = dataclasses.replace(
                diag, hint=diag.hint.replace("{token}", index.quoted_token(diag.line, diag.column))
            )
        if diag.related is not None:
            # file:line:col of the other node (the first use of a duplicate), so that an editor or a
            # terminal can jump to it; in the message and the hint alike.
            line, column = index.position(diag.related)
            where = f"{diag.file}:{line}:{column}" if line else "another place"
            diag = dataclasses.replace(
                diag,
                message=diag.message.replace("{related}", where),
                hint=diag.hint.replace("{related}", where) if diag.hint else diag.hint,
                related=None,
            )
        out.append(diag)
    return out


def _child(node: Any, part: str | int) -> tuple[Any, Any]:
    if node.id == "mapping":
        want = part if isinstance(part, str) else str(part).lower() if isinstance(part, bool) else str(part)
        if node.keys is None:
            # One index per mapping, so that locating N diagnostics in a mapping of N keys stays
            # linear (a scan per lookup was quadratic: 100k unknown keys took minutes). The last
            # of repeated keys wins, as in the data.
            node.keys = {k.value: (v, k) for k, v in node.value if k.id == "scalar"}
        found: tuple[Any, Any] = node.keys.get(want, (None, None))
        return found
    if node.id == "sequence" and isinstance(part, int) and 0 <= part < len(node.value):
        return (node.value[part], None)
    return (None, None)


def compose_all_count(text: str) -> int:
    """How many YAML documents ``text`` holds (1 when PyYAML cannot tell)."""
    import yaml  # noqa: PLC0415 - lazy: only asked when a file may hold several documents

    try:
        return sum(1 for _ in yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except Exception:
        return 1
