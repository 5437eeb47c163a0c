"""The committed JSON Schema is what the models generate, and it agrees with the models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ontology_kit import ontology_json_schema
from ontology_kit.schema import schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schemas" / "ontology.schema.json"


@pytest.mark.parametrize("kind", ["ontology", "project", "workspace"])
def test_committed_schema_is_fresh(kind: str) -> None:
    committed = ROOT / "schemas" / f"{kind}.schema.json"
    assert committed.read_text(encoding="utf-8") == schema_text(kind), (
        f"schemas/{kind}.schema.json is stale: run `ontokit schema --kind {kind} -o schemas/{kind}.schema.json`"
    )


def test_schema_is_2020_12_and_valid() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = ontology_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_cli_schema_prints_the_same(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "ontology_kit", "schema"], capture_output=True, check=True)
    assert out.stdout.decode() == schema_text()
    target = tmp_path / "s.json"
    subprocess.run([sys.executable, "-m", "ontology_kit", "schema", "-o", str(target)], check=True)
    assert json.loads(target.read_text()) == ontology_json_schema()


@pytest.mark.parametrize(
    ("doc", "valid"),
    [
        pytest.param({"tools": [{"title": "Car", "type": "bounding-box"}]}, True, id="minimal-tool"),
        pytest.param(
            {"classifications": [{"title": "Q", "type": "radio", "options": ["a", {"value": "b"}]}]},
            True,
            id="option-shorthand",
        ),
        pytest.param({"tools": [{"title": "Car", "type": "bounding-box", "titel": "x"}]}, False, id="typo"),
        pytest.param({"tools": [{"title": "Car", "type": "radio"}]}, False, id="classification-type-on-tool"),
        pytest.param(
            {"classifications": [{"title": "Q", "type": "radio", "options": [True]}]},
            False,
            id="boolean-option",
        ),
        pytest.param({"tools": [{"type": "point"}]}, False, id="missing-title"),
        pytest.param({"version": 2}, False, id="future-version"),
    ],
)
def test_schema_agrees_with_models(doc: dict[str, object], valid: bool) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from ontology_kit import Ontology

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))
    assert validator.is_valid(doc) is valid
    try:
        Ontology.model_validate(doc)
        model_valid = True
    except Exception:
        model_valid = False
    assert model_valid is valid
