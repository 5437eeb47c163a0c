"""Checking any ontokit file: an ontology, a project definition (with its ontology), or a workspace
(with every project it lists); another tool's YAML is skipped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..diagnostics import FileStatus, Report
from ..loader import read_file, walk_yaml
from ..validate import FileResult, check_loaded
from .definitions import read_project, read_workspace
from .kinds import classify

__all__ = ["check_path", "check_paths"]


def check_path(path: str | Path, display: str | None = None) -> FileResult:
    """Validate any ontokit file: an ontology, a project definition or a workspace (``ontokit.yaml``).

    Project definitions are checked together with their ontology; a workspace with every project it
    lists. The payload is set for ontology files only. Another tool's YAML (recognised by its content
    or its well-known place, ``project/foreign.py``) is skipped, with the tool's name.
    """
    loaded = read_file(path, display)
    kind, tool = classify(loaded, path)
    if kind == "other":
        return FileResult(loaded.file, (), None, skipped=True, tool=tool)
    if kind == "project":
        _, diags = read_project(path, display, loaded)
        return FileResult(loaded.file, tuple(diags), None)
    if kind == "workspace":
        _, diags, _ = read_workspace(path, display, loaded)
        return FileResult(loaded.file, tuple(diags), None)
    return check_loaded(loaded)


def check_paths(paths: Iterable[str | Path], exclude: Sequence[str] = ()) -> Report:
    """Validate files and folders of them (``ontokit validate``): every file's status and every
    diagnostic once, however many of the given files lead to it (a project and its ontology). Files
    an ``exclude`` pattern (or the workspace's ``exclude:``) matches are left out, unread."""
    walk = walk_yaml(paths, exclude)
    results = [check_path(path, display) for path, display in walk.files]
    diagnostics = tuple(dict.fromkeys([*walk.problems, *(d for r in results for d in r.diagnostics)]))
    statuses = tuple(FileStatus(r.file, r.ok, r.skipped, r.tool) for r in results)
    return Report(statuses, diagnostics, tuple(walk.excluded))
