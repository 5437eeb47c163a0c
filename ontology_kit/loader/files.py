"""Expanding the paths a command is given into the YAML files to read."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..diagnostics import Diagnostic
from .reader import YAML_SUFFIXES

__all__ = ["find_yaml_files"]


def _is_dir(path: Path) -> bool:
    """``path.is_dir()``, False when the path cannot even be looked at (a name longer than the file
    system allows raises ENAMETOOLONG): reading it then reports why, as a diagnostic."""
    try:
        return path.is_dir()
    except OSError:
        return False


def find_yaml_files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Expand files and folders (recursively, ``*.yaml``/``*.yml``, sorted; hidden folders skipped)
    into (path, display name) pairs, and a ``no-files`` diagnostic per folder without any."""
    found: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        p = Path(raw)
        if _is_dir(p):
            files = sorted(
                f
                for f in p.rglob("*")
                if f.suffix in YAML_SUFFIXES
                and f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not files:
                problems.append(Diagnostic("no-files", "folder holds no .yaml or .yml files", str(raw)))
            found.extend((f, str(f)) for f in files)
        else:
            found.append((p, str(raw)))
    return found, problems
