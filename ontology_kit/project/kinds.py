"""What kind of ontokit file a parsed YAML document is: an ontology, a project definition, a
workspace, or another tool's YAML (a CI workflow, say), which ontokit leaves alone."""

from __future__ import annotations

import difflib
from typing import Any, Final, Literal

from ..model import Ontology
from .model import ProjectFile, WorkspaceFile

__all__ = ["FileKind", "detect_kind"]

FileKind = Literal["ontology", "project", "workspace", "other"]

#: The top-level keys of each kind, from the models themselves.
_KIND_KEYS: Final[dict[FileKind, tuple[str, ...]]] = {
    "ontology": tuple(Ontology.model_fields),
    "project": tuple(ProjectFile.model_fields),
    "workspace": tuple(WorkspaceFile.model_fields),
}


def detect_kind(data: Any) -> FileKind:
    """``workspace``, ``project``, ``ontology`` or ``other``, from a parsed document's top-level keys
    (a typo counts as the key it is close to)."""
    if not isinstance(data, dict) or not data or not all(isinstance(k, str) for k in data):
        return "ontology"  # not a mapping, empty, odd keys: let the ontology checks say what is wrong
    if "projects" in data:
        return "workspace"
    if "ontology" in data:
        return "project"
    keys = [str(k) for k in data]
    best: FileKind = "other"
    score = 0.0
    for kind, known in _KIND_KEYS.items():
        hits = sum(1 for k in keys if k in known or difflib.get_close_matches(k, known, n=1, cutoff=0.8))
        ratio = hits / len(keys)
        if ratio > score or (ratio == score and kind == "ontology"):
            best, score = kind, ratio
    return best if score >= 0.5 else "other"
