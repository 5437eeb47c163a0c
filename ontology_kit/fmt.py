"""``ontokit fmt``: one canonical layout for ontokit files, comments preserved.

Canonical means: keys in the documented order (``canonical.py``), two-space indentation with list
items indented under their key, and every string that a YAML 1.1 reader would take for something
else (``No``, ``on``, ``1.10``, dates) double-quoted. Formatting is idempotent.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

from ._io import write_atomic
from .canonical import reorder
from .diagnostics import Diagnostic
from .errors import InputError
from .loader import find_yaml_files, load_text
from .project.kinds import detect_kind
from .yamlout import dump, new_yaml, quoted

__all__ = ["FormatResult", "FormatRun", "format_file", "format_paths", "format_text", "unified_diff"]


@dataclass(frozen=True)
class FormatResult:
    """A file's text before and after formatting (``error`` when it could not be formatted)."""

    file: str
    original: str
    formatted: str | None
    error: str | None = None
    skipped: bool = False  # another tool's YAML: left alone

    @property
    def changed(self) -> bool:
        return self.formatted is not None and self.formatted != self.original


def format_text(text: str, name: str = "<string>") -> str:
    """The canonical form of ``text``. Raises InputError when it is not YAML that can be formatted."""
    if "\t" in _indentation(text):
        raise InputError(f"{name}: tabs in indentation; run `ontokit validate` for the exact place")
    try:
        data = new_yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise InputError(f"{name}{where}: cannot format: {exc.problem or exc.context}") from None
    except (YAMLError, ValueError) as exc:
        raise InputError(
            f"{name}: cannot format: {str(exc).splitlines()[0] if str(exc) else 'invalid YAML'}"
        ) from None
    if data is None:
        return text
    if not isinstance(data, dict):
        raise InputError(f"{name}: the document is not a mapping; nothing to format")
    kind = detect_kind(data)
    if kind == "other":
        return text  # another tool's YAML: not ours to format
    reorder(data, kind)
    _quote_ambiguous(data)
    out = dump(data)
    lost = _comments(text) - _comments(out)
    if lost:
        # ruamel.yaml cannot keep a comment inside a flow collection ([a, # note ...]). Never drop one.
        raise InputError(
            f"{name}: cannot format without losing the comment {sorted(lost)[0]!r} (comments inside "
            "[...] or {...} lists are not kept); write that list in block style (one `- item` a line)"
        )
    return out


def format_file(path: str | Path, display: str | None = None) -> FormatResult:
    """Format one file (in memory; the caller decides whether to write)."""
    name = display or str(path)
    try:
        original = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return FormatResult(name, "", None, f"{name}: cannot read: {exc}")
    try:
        if detect_kind(load_text(original, name).data) == "other":
            return FormatResult(name, original, original, skipped=True)
        return FormatResult(name, original, format_text(original, name))
    except InputError as exc:
        return FormatResult(name, original, None, str(exc))


@dataclass(frozen=True)
class FormatRun:
    """What ``ontokit fmt`` did to some files (or would do, when it was only checking)."""

    results: tuple[FormatResult, ...]
    problems: tuple[Diagnostic, ...]  # folders without YAML files
    written: bool  # changed files were rewritten

    @property
    def changed(self) -> list[FormatResult]:
        """The files whose layout is (or was) not canonical."""
        return [r for r in self.results if r.changed]

    @property
    def failed(self) -> list[FormatResult]:
        """The files that could not be formatted."""
        return [r for r in self.results if r.error]

    @property
    def unchanged(self) -> int:
        """How many ontokit files were already canonical."""
        return sum(1 for r in self.results if not r.changed and not r.error and not r.skipped)

    @property
    def skipped(self) -> int:
        """How many YAML files belong to another tool (left alone)."""
        return sum(r.skipped for r in self.results)


def format_paths(paths: Iterable[str | Path], *, write: bool) -> FormatRun:
    """Format files and folders of them; with ``write``, rewrite (atomically) those that change."""
    files, problems = find_yaml_files(paths)
    results = tuple(format_file(path, shown) for path, shown in files)
    if write:
        for (path, _), result in zip(files, results, strict=True):
            if result.changed:
                write_atomic(path, result.formatted or "")
    return FormatRun(results, tuple(problems), write)


def unified_diff(result: FormatResult) -> str:
    """What formatting changes, as a unified diff."""
    if not result.changed or result.formatted is None:
        return ""
    return "".join(
        difflib.unified_diff(
            result.original.splitlines(keepends=True),
            result.formatted.splitlines(keepends=True),
            fromfile=result.file,
            tofile=f"{result.file} (formatted)",
        )
    )


_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
_COMMENT = re.compile(r"(?:^|\s)(#.*)$")


def _comments(text: str) -> set[str]:
    """The comments of a YAML text (approximately: quoted strings are skipped)."""
    found = set()
    for line in text.splitlines():
        match = _COMMENT.search(_QUOTED.sub(lambda m: "x" * len(m.group()), line))
        if match:
            found.add(match.group(1).strip())
    return found


def _indentation(text: str) -> str:
    return "".join(line[: len(line) - len(line.lstrip(" \t"))] for line in text.splitlines())


def _quote_ambiguous(node: Any) -> None:
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in list(items):
        if isinstance(value, str) and not isinstance(value, ScalarString):
            new = quoted(value)
            if new is not value:
                node[key] = new
        elif isinstance(value, (datetime.date, datetime.datetime)):
            # ruamel reads an unquoted 2024-01-01 as a timestamp; ontokit (YAML 1.2 core) reads a string
            node[key] = DoubleQuotedScalarString(value.isoformat())
        else:
            _quote_ambiguous(value)
