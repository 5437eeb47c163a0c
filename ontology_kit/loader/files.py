"""Expanding the paths a command is given into the YAML files to read: the one walker of ``validate``
and ``fmt``, with their exclusions (``exclude.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from ..diagnostics import Diagnostic
from .exclude import is_excluded, relative_to_root, workspace_excludes
from .paths import check_found, find_root, outside_root_allowed
from .reader import YAML_SUFFIXES

__all__ = ["Excluder", "Walk", "find_yaml_files", "walk_yaml"]


def _is_dir(path: Path) -> bool:
    """``path.is_dir()``, False when the path cannot even be looked at (a name longer than the file
    system allows raises ENAMETOOLONG): reading it then reports why, as a diagnostic."""
    try:
        return path.is_dir()
    except OSError:
        return False


class Walk(NamedTuple):
    """The files to read (path, display name), the problems of the walk, and the files left out by an
    exclude pattern (display names)."""

    files: list[tuple[Path, str]]
    problems: list[Diagnostic]
    excluded: list[str]


class Excluder:
    """The patterns in force for a path: ``--exclude`` plus its workspace root's ``exclude:`` (each
    root's ``ontokit.yaml`` read once)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self.roots: dict[Path, tuple[str, ...]] = {}

    def __call__(self, file: Path, root: Path) -> bool:
        """Whether ``file`` (in the workspace of ``root``) is left out."""
        if root not in self.roots:
            self.roots[root] = workspace_excludes(root)
        patterns = (*self.patterns, *self.roots[root])
        relative = relative_to_root(file, root)
        return bool(patterns) and relative is not None and is_excluded(relative, patterns)


def walk_yaml(paths: Iterable[str | Path], exclude: Sequence[str] = ()) -> Walk:
    """Expand files and folders (recursively, ``*.yaml``/``*.yml``, sorted; hidden folders and files
    skipped) into (path, display name) pairs, leaving out what an exclude pattern matches (``exclude``
    and the workspace root's ``exclude:``, for given files too: pre-commit names them one by one); a
    ``no-files`` diagnostic per folder without any YAML file (and a ``symlink-outside-root`` one per
    file, of a folder or named, that links out of the workspace root)."""
    walk = Walk([], [], [])
    left_out = Excluder(exclude)
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
                walk.problems.append(Diagnostic("no-files", "folder holds no .yaml or .yml files", str(raw)))
            # A file of the folder may be a link out of the repository: refused unread (Path rules).
            root, allowed = find_root(p), outside_root_allowed()
            for f in files:
                if left_out(f, root):
                    walk.excluded.append(str(f))
                    continue
                refusal = check_found(f, root, str(f), allowed=allowed)
                if refusal is None:
                    walk.files.append((f, str(f)))
                else:
                    walk.problems.append(Diagnostic(refusal.code, refusal.message, str(f), hint=refusal.hint))
        elif left_out(p, root := find_root(p.parent)):
            walk.excluded.append(str(raw))
        elif (refusal := check_found(p, root, str(raw))) is not None:
            # a file named on the command line (a shell's glob) that links out of its workspace: the
            # walk's rule too (fmt wrote through such a link, outside the repository)
            walk.problems.append(Diagnostic(refusal.code, refusal.message, str(raw), hint=refusal.hint))
        else:
            walk.files.append((p, str(raw)))
    return walk


def find_yaml_files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """:func:`walk_yaml` without exclusions: (files, problems)."""
    walk = walk_yaml(paths)
    return walk.files, walk.problems
