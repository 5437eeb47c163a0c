"""The JSON Schema of the ontology file format, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["SCHEMA_ID", "ontology_json_schema", "schema_text"]

SCHEMA_ID = "https://ontokit.dev/schemas/ontology.schema.json"


def ontology_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) that ``schemas/ontology.schema.json`` holds."""
    from .model import Ontology

    schema = Ontology.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    """The schema as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(ontology_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
