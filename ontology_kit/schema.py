"""JSON Schemas of ontokit's file formats, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any, Final

from pydantic import BaseModel

from .model import Ontology
from .project.model import ProjectFile, WorkspaceFile

__all__ = ["KINDS", "SCHEMA_BASE", "json_schema", "ontology_json_schema", "schema_text"]

SCHEMA_BASE = "https://ontokit.dev/schemas/"
#: kind -> committed file name under schemas/
KINDS: Final = {
    "ontology": "ontology.schema.json",
    "project": "project.schema.json",
    "workspace": "workspace.schema.json",
}
_MODELS: Final[dict[str, type[BaseModel]]] = {
    "ontology": Ontology,
    "project": ProjectFile,
    "workspace": WorkspaceFile,
}


def json_schema(kind: str = "ontology") -> dict[str, Any]:
    """The JSON Schema (2020-12) of an ontology, project or workspace file."""
    try:
        model = _MODELS[kind]
    except KeyError:
        raise ValueError(f"unknown schema kind {kind!r}") from None
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + KINDS[kind],
        **schema,
    }


def ontology_json_schema() -> dict[str, Any]:
    """The JSON Schema that ``schemas/ontology.schema.json`` holds."""
    return json_schema("ontology")


def schema_text(kind: str = "ontology") -> str:
    """A schema as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(json_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
