"""What kind of ontokit file a parsed YAML document is: an ontology, a project definition, a
workspace, or another tool's YAML (a CI workflow, say), which ontokit leaves alone."""

from __future__ import annotations

import difflib
from pathlib import PurePath
from typing import Any, Final, Literal, NamedTuple, cast

from ..loader import LoadResult
from ..model import Ontology
from .foreign import DEFINING_KEYS, helm_template, recognise
from .model import ProjectFile, WorkspaceFile

__all__ = ["Detected", "FileKind", "classify", "detect_kind"]

FileKind = Literal["ontology", "project", "workspace", "other"]

#: The top-level keys of each kind, from the models themselves.
_KIND_KEYS: Final[dict[FileKind, tuple[str, ...]]] = {
    "ontology": tuple(Ontology.model_fields),
    "project": tuple(ProjectFile.model_fields),
    "workspace": tuple(WorkspaceFile.model_fields),
}


class Detected(NamedTuple):
    """A file's kind and, for another tool's YAML, whose (``GitHub Action``; None: keys none of
    ontokit's, of no tool ontokit knows)."""

    kind: FileKind
    tool: str | None = None


def detect_kind(data: Any, path: str | PurePath | None = None) -> FileKind:
    """``workspace``, ``project``, ``ontology`` or ``other``, from a parsed document's top-level keys
    (a typo counts as the key it is close to) and, for other tools' YAML, its content signature or
    well-known ``path`` (``project/foreign.py``)."""
    if not isinstance(data, dict) or not data or not all(isinstance(k, str) for k in data):
        return "ontology"  # not a mapping, empty, odd keys: let the ontology checks say what is wrong
    if recognise((data,), path) is not None:
        return "other"
    if "projects" in data:
        return "workspace"
    if "ontology" in data:
        return "project"
    keys = [str(k) for k in data]
    defining = _defining_kind(keys)
    best: FileKind = "other"
    score = 0.0
    for kind, known in _KIND_KEYS.items():
        hits = sum(1 for k in keys if k in known or difflib.get_close_matches(k, known, n=1, cutoff=0.8))
        ratio = hits / len(keys)
        if ratio > score or (ratio == score and kind == "ontology"):
            best, score = kind, ratio
    if score >= 0.5:
        return best
    # Mostly unknown keys, but one is (a typo of) a key only ontokit writes: a broken ontokit file,
    # reported as such, never skipped as another tool's.
    return defining or "other"


def _defining_kind(keys: list[str]) -> FileKind | None:
    """The kind of the first key that is, or is a typo of, a key only ontokit writes."""
    for key in keys:
        close = difflib.get_close_matches(key, list(DEFINING_KEYS), n=1, cutoff=0.8)
        if close:
            return cast(FileKind, DEFINING_KEYS[close[0]])
    return None


def classify(loaded: LoadResult, path: str | PurePath | None = None) -> Detected:
    """What a file read by the loader is: its kind, and for another tool's YAML the tool. A file
    ontokit cannot take as one mapping (several documents, a list) is another tool's when each of
    its documents is that tool's (a multi-document Kubernetes manifest, pre-commit's hooks); else it
    is checked, and its errors reported, as an ontology."""
    where = path if path is not None else loaded.file
    if helm_template(where):
        return Detected("other", "Helm template")
    documents = (loaded.data,) if loaded.data is not None else loaded.documents
    tool = recognise(documents, where)
    if tool is not None:
        return Detected("other", tool)
    if loaded.data is None:
        return Detected("ontology")
    kind = detect_kind(loaded.data)
    return Detected(kind)
