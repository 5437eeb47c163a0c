"""Expanding the paths a command is given into the YAML files to read."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..diagnostics import Diagnostic
from .paths import check_found, find_root, outside_root_allowed
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
    into (path, display name) pairs, and a ``no-files`` diagnostic per folder without any (and a
    ``symlink-outside-root`` one per file of a folder that links out of the workspace root)."""
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
            # A file of the folder may be a link out of the repository: refused unread (Path rules).
            root, allowed = find_root(p), outside_root_allowed()
            for f in files:
                refusal = check_found(f, root, str(f), allowed=allowed)
                if refusal is None:
                    found.append((f, str(f)))
                else:
                    problems.append(Diagnostic(refusal.code, refusal.message, str(f), hint=refusal.hint))
        else:
            found.append((p, str(raw)))
    return found, problems
