"""ontokit: Ango Hub ontologies as code.

The public API (everything else is private and may change)::

    from ontology_kit import check_file, compile_file

    result = check_file("ontology.yaml")      # FileResult: diagnostics + payload
    for d in result.diagnostics:
        print(d.location, d.code, d.message)
    payload = compile_file("ontology.yaml")   # the create_label_set body, or InvalidOntologyError
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .diagnostics import Diagnostic, Severity
from .errors import ExitCode, InputError, OntokitError, PolicyRefusal
from .validate import FileResult, InvalidOntologyError, check_file, check_path, check_text

if TYPE_CHECKING:
    from pathlib import Path

    from .model import Ontology

__all__ = [
    "Diagnostic",
    "ExitCode",
    "FileResult",
    "InputError",
    "InvalidOntologyError",
    "OntokitError",
    "Ontology",
    "PolicyRefusal",
    "Severity",
    "__version__",
    "check_file",
    "check_path",
    "check_text",
    "compile_file",
    "compile_text",
    "dumps_payload",
    "ontology_json_schema",
]


def compile_file(path: str | Path) -> dict[str, Any]:
    """Compile an ontology file into the ``create_label_set`` request body.

    Raises:
        InvalidOntologyError: the file has errors (``.diagnostics`` lists them all).
    """
    return _payload_or_raise(check_file(path))


def compile_text(text: str, name: str = "<string>") -> dict[str, Any]:
    """Compile ontology YAML given as text; see :func:`compile_file`."""
    return _payload_or_raise(check_text(text, name))


def dumps_payload(payload: dict[str, Any], *, compact: bool = False) -> str:
    """Serialize a payload: indented, or ``compact`` (the exact bytes the SDK sends)."""
    from .compiler import dumps_payload as _dumps

    return _dumps(payload, compact=compact)


def ontology_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the ontology file format."""
    from .schema import ontology_json_schema as _schema

    return _schema()


def _payload_or_raise(result: FileResult) -> dict[str, Any]:
    if result.payload is None:
        raise InvalidOntologyError(result.diagnostics)
    return result.payload


def __getattr__(name: str) -> Any:
    # Importing pydantic costs ~0.1 s; only pay it when the model is asked for.
    if name == "Ontology":
        from .model import Ontology

        return Ontology
    raise AttributeError(f"module 'ontology_kit' has no attribute {name!r}")
