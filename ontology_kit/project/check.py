"""Checking any ontokit file: an ontology, a project definition (with its ontology), or a workspace
(with every project it lists); another tool's YAML is skipped."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..diagnostics import FileStatus, Report
from ..loader import find_yaml_files, read_file
from ..validate import FileResult, check_loaded
from .definitions import read_project, read_workspace
from .kinds import detect_kind

__all__ = ["check_path", "check_paths"]


def check_path(path: str | Path, display: str | None = None) -> FileResult:
    """Validate any ontokit file: an ontology, a project definition or a workspace (``ontokit.yaml``).

    Project definitions are checked together with their ontology; a workspace with every project it
    lists. The payload is set for ontology files only.
    """
    loaded = read_file(path, display)
    kind = detect_kind(loaded.data)
    if kind == "other":
        return FileResult(loaded.file, (), None, skipped=True)
    if kind == "project":
        _, diags = read_project(path, display, loaded)
        return FileResult(loaded.file, tuple(diags), None)
    if kind == "workspace":
        _, diags, _ = read_workspace(path, display, loaded)
        return FileResult(loaded.file, tuple(diags), None)
    return check_loaded(loaded)


def check_paths(paths: Iterable[str | Path]) -> Report:
    """Validate files and folders of them (``ontokit validate``): every file's status and every
    diagnostic once, however many of the given files lead to it (a project and its ontology)."""
    files, problems = find_yaml_files(paths)
    results = [check_path(path, display) for path, display in files]
    diagnostics = tuple(dict.fromkeys([*problems, *(d for r in results for d in r.diagnostics)]))
    return Report(tuple(FileStatus(r.file, r.ok, r.skipped) for r in results), diagnostics)
