"""ontokit: Ango Hub ontologies as code.

The public API (everything else is private and may change)::

    from ontology_kit import check_file, compile_file

    result = check_file("ontology.yaml")      # FileResult: diagnostics + payload
    for d in result.diagnostics:
        print(d.location, d.code, d.message)
    payload = compile_file("ontology.yaml")   # the create_label_set body, or InvalidOntologyError
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .diagnostics import Diagnostic, Severity
from .errors import ExitCode, InputError, InvalidOntologyError, OntokitError, PolicyRefusal

if TYPE_CHECKING:
    from .model import Ontology
    from .project.check import check_path
    from .validate import FileResult, check_file, check_text

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
    from .validate import check_file, payload_or_raise

    return payload_or_raise(check_file(path))


def compile_text(text: str, name: str = "<string>") -> dict[str, Any]:
    """Compile ontology YAML given as text; see :func:`compile_file`."""
    from .validate import check_text, payload_or_raise

    return payload_or_raise(check_text(text, name))


def dumps_payload(payload: dict[str, Any], *, compact: bool = False) -> str:
    """Serialize a payload: indented, or ``compact`` (the exact bytes the SDK sends)."""
    from .payload import dumps_payload as _dumps

    return _dumps(payload, compact=compact)


def ontology_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the ontology file format."""
    from .schema import json_schema

    return json_schema("ontology")


# This package is imported by every one of its modules, the CLI's included: it must stay light.
# Names that need pydantic (~0.1 s to import) load on first use, as pydantic's own package does.
def __getattr__(name: str) -> Any:
    if name in ("FileResult", "check_file", "check_text"):
        from . import validate

        return getattr(validate, name)
    if name == "check_path":
        from .project import check

        return check.check_path
    if name == "Ontology":
        from . import model

        return model.Ontology
    raise AttributeError(f"module 'ontology_kit' has no attribute {name!r}")
