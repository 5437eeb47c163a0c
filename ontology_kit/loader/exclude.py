"""Which files ``validate`` and ``fmt`` leave out: ``exclude:`` in ``ontokit.yaml`` and ``--exclude``.

A pattern is an fnmatch pattern (``*``, ``?``, ``[abc]``; ``*`` also matches ``/``), matched
case-sensitively against a file's path relative to the workspace root (``paths.find_root``: the
folder of ``ontokit.yaml``, else the git top level), with ``/`` between folders:

- without a ``/``, it matches a file or folder name at any depth (``action.yml``, ``*.gen.yaml``,
  ``charts``);
- with a ``/``, it matches the path from the root (``deploy/*.yaml``, ``docs/examples``); a leading
  ``./`` is dropped, a trailing ``/`` matches folders only;
- a pattern that matches a folder leaves out everything below it.

A pattern only ever leaves files out, never adds any; still, an absolute pattern, one with a ``..``
part or a backslash is refused (it could only mean a path outside the workspace).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Final

from .paths import WORKSPACE_FILE, Refusal, shown_path
from .reader import read_file

__all__ = [
    "EXCLUDE_KEY",
    "check_pattern",
    "is_excluded",
    "refusals",
    "relative_to_root",
    "workspace_excludes",
]

#: The key of ``ontokit.yaml`` that lists the patterns.
EXCLUDE_KEY: Final = "exclude"


def check_pattern(pattern: str) -> Refusal | None:
    """Why ``pattern`` is refused (absolute, ``..``, a backslash, empty), or None."""
    shown = shown_path(pattern)
    if not pattern.strip():
        return Refusal(
            "path-outside-root", "an exclude pattern is empty", "write a pattern such as `vendor/`"
        )
    if pattern.startswith("/") or os.path.isabs(pattern) or (len(pattern) > 1 and pattern[1] == ":"):
        return Refusal(
            "absolute-path",
            f"exclude pattern {shown} is an absolute path; patterns are relative to the workspace root",
            "write it relative to the workspace root (the folder of ontokit.yaml), e.g. `deploy/*.yaml`",
        )
    if "\\" in pattern or ".." in pattern.split("/"):
        return Refusal(
            "path-outside-root",
            f"exclude pattern {shown} leads outside the workspace root (`..` or a backslash)",
            "patterns match paths inside the workspace root, with `/` between folders",
        )
    return None


def _normal(pattern: str) -> tuple[str, bool]:
    """The pattern without ``./`` in front, and whether it names folders only (a trailing ``/``)."""
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern.rstrip("/"), pattern.endswith("/")


def is_excluded(relative: PurePosixPath, patterns: Iterable[str]) -> bool:
    """Whether a file at ``relative`` (to the workspace root) is left out by any of ``patterns``
    (refused patterns match nothing)."""
    parts = relative.parts
    for raw in patterns:
        if check_pattern(raw) is not None:
            continue
        pattern, folders_only = _normal(raw)
        last = len(parts) - 1 if folders_only else len(parts)
        if "/" in pattern:
            candidates: Iterable[str] = ("/".join(parts[: i + 1]) for i in range(last))
        else:
            candidates = parts[:last]
        if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
            return True
    return False


def workspace_excludes(root: Path) -> tuple[str, ...]:
    """The ``exclude:`` patterns of ``root``'s ``ontokit.yaml`` (none when there is no such file or it
    cannot be read: ``validate`` reports that file's problems, refused patterns included)."""
    file = root / WORKSPACE_FILE
    try:
        if not file.is_file():
            return ()
    except OSError:
        return ()
    data = read_file(file).data
    patterns = data.get(EXCLUDE_KEY) if isinstance(data, dict) else None
    if not isinstance(patterns, list):
        return ()
    return tuple(p for p in patterns if isinstance(p, str) and check_pattern(p) is None)


def relative_to_root(file: Path, root: Path) -> PurePosixPath | None:
    """``file``'s path relative to ``root`` (links not resolved), or None when it lies outside."""
    try:
        relative = os.path.relpath(os.path.abspath(file), root)
    except ValueError:  # another drive
        return None
    if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
        return None
    return PurePosixPath(*Path(relative).parts)


def refusals(patterns: Sequence[str]) -> list[tuple[str, Refusal]]:
    """Each refused pattern with why."""
    return [(p, r) for p in patterns if (r := check_pattern(p)) is not None]
