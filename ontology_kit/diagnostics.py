"""Diagnostics are data: a stable code, a message, an optional hint, and where (file:line:col).

Rules and loaders produce diagnostics that know only the *data path* of the offending node
(``("tools", 3, "title")``); :func:`ontology_kit.loader.positions.locate` turns that into a line and
column later, and only when there is something to report (finding positions costs a second parse).
The views in ``render/`` turn diagnostics (and a :class:`Report` of checked files) into text, JSON
or Markdown; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, NamedTuple

from .codes import Code

__all__ = ["DataPath", "Diagnostic", "FileStatus", "Report", "Severity", "has_errors", "json_path"]

DataPath = tuple[str | int, ...]


class Severity(StrEnum):
    """How bad a diagnostic is: errors fail validation (exit 1); warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one file.

    ``line`` and ``column`` are 1-based; both are 0 when the position is unknown (for example a
    file that could not be read at all). ``target`` tells the locator whether to point at the
    mapping *key* of ``path`` (an unknown field) or at its *value* (a bad value).
    """

    code: Code  # stable kebab-case code, documented beside the rule that emits it ("unknown-field")
    message: str  # one line, no trailing period
    file: str = ""  # the path as the user gave it
    path: DataPath = ()  # where in the document: ("tools", 0, "classifications", 1, "title")
    hint: str | None = None  # how to fix it, when we know
    severity: Severity = Severity.ERROR
    line: int = 0
    column: int = 0
    target: Literal["key", "value"] = field(default="value", compare=False)
    # Another node the hint refers to; the locator replaces "{related}" in the hint by its line.
    related: DataPath | None = field(default=None, compare=False)

    @property
    def location(self) -> str:
        """``file:line:col`` (or just ``file`` when the position is unknown)."""
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (the ``--format json`` shape, documented in docs/format.md)."""
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "file": self.file,
            "line": self.line or None,
            "column": self.column or None,
            "path": json_path(self.path),
        }


def json_path(path: DataPath) -> str:
    """Render a data path as a JSONPath-like string: ``$.tools[0].title``."""
    out = ["$"]
    for part in path:
        out.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(out)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when any diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


class FileStatus(NamedTuple):
    """How one checked file fared."""

    file: str  # as the user named it
    ok: bool  # no errors (warnings allowed)
    skipped: bool = False  # not an ontokit file (another tool's YAML): nothing was checked
    tool: str | None = None  # skipped: whose YAML it is ("GitHub Action"), when ontokit knows


class Report(NamedTuple):
    """What checking some files found: each file's status and every diagnostic, each once."""

    files: tuple[FileStatus, ...]
    diagnostics: tuple[Diagnostic, ...]
    excluded: tuple[str, ...] = ()  # files an exclude pattern left out (never read)

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return not has_errors(self.diagnostics)

    @property
    def error_count(self) -> int:
        """How many diagnostics are errors."""
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warning_count(self) -> int:
        """How many diagnostics are warnings."""
        return len(self.diagnostics) - self.error_count
