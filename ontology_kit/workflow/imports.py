"""``ontokit import``: adopt a live project's ontology (or a JSON file holding one) as ontokit YAML.

The conversion itself is pure (``importer.py``); this module reads the source (a hub, through the
client, or a JSON file), proves the round trip (the YAML compiles back to the same category schema),
and writes the files, all or nothing. It never writes a file that fails ``validate``: a schema the
format cannot hold (an error diagnostic on the converted YAML) is refused with those diagnostics.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._io import write_atomic
from ..client import HubTarget, open_client, resolve_target
from ..diagnostics import Diagnostic, Severity
from ..errors import InputError, InvalidOntologyError, OntokitError
from ..import_setup import import_setup
from ..importer import category_schema_of, import_category_schema, ontology_yaml, project_yaml, with_retired
from ..loader import MAX_FILE_BYTES, read_file
from ..loader.paths import check_found, find_root
from ..plan.diff import diff_category_schema
from ..plan.model import Change
from ..schema import KINDS, SCHEMA_BASE
from ..validate import check_loaded, check_text

__all__ = ["Imported", "import_ontology"]


@dataclass(frozen=True)
class Imported:
    """An import: the YAML written (or to print), what could not be kept, and the round trip's result."""

    source: str  # where it came from: "project ID on HUB", or the JSON file
    ontology: str  # the ontology's YAML text
    warnings: tuple[str, ...]  # what the conversion could not keep
    problems: tuple[Diagnostic, ...]  # the YAML's warnings (an error is refused before this is made)
    remaining: tuple[Change, ...]  # what still differs from the source after the round trip
    written: tuple[str, ...]  # files written, in order


def import_ontology(
    *,
    project_id: str | None = None,
    from_json: str | None = None,
    hub: str | None = None,
    out: str | None = None,
    project_file: str | None = None,
    force: bool = False,
    on_hub: Callable[[HubTarget], None] | None = None,
) -> Imported:
    """Import from a hub (``project_id``, on ``hub``) or a JSON file (``from_json``); write the ontology
    to ``out`` (and a project definition to ``project_file``) unless ``out`` is None.

    Nothing is written unless everything can be: existing files need ``force``; a project definition
    needs a project (the JSON must be a project, not only a category schema).
    """
    for target in filter(None, (out, project_file)):
        if Path(target).exists() and not force:
            raise OntokitError(f"{target} exists; pass --force to overwrite it")
    doc, project, source = _read_source(project_id, from_json, hub, on_hub)
    if project_file and project is None:  # before writing anything: never leave half an import behind
        raise OntokitError(
            "--project-file needs a project (name, id): the JSON holds only a category schema; "
            "import by PROJECT_ID, or give the project's JSON"
        )
    schema = category_schema_of(doc)
    result = import_category_schema(schema)
    if out and Path(out).is_file():  # a re-import: the file's tombstones, and its items now gone
        kept, before = _old_tombstones(out)
        with_retired(result, schema, kept, before)
    text = ontology_yaml(result, source, _schema_ref(out, "ontology"))
    compiled = check_text(text, out or "<imported>")
    if compiled.payload is None:  # before writing anything: never a file that fails `validate`
        errors = [d for d in compiled.diagnostics if d.severity is Severity.ERROR]
        first = errors[0] if errors else None
        raise InvalidOntologyError(
            compiled.diagnostics,
            f"{source}: cannot import: the format cannot hold this category schema "
            f"({len(errors)} error(s); first: {first.message if first else 'invalid'}); nothing written",
        )
    remaining = tuple(diff_category_schema(compiled.payload["categorySchema"], schema))
    written = []
    if out:
        write_atomic(out, text)
        written.append(out)
    if project_file and project is not None:
        rel = os.path.relpath(Path(out or "").resolve(), Path(project_file).resolve().parent)
        setup, setup_warnings = import_setup(project)
        result.warnings.extend(setup_warnings)
        text_of_project = project_yaml(project, rel, _schema_ref(project_file, "project"), setup)
        write_atomic(project_file, text_of_project)
        written.append(project_file)
    problems = compiled.diagnostics
    return Imported(source, text, tuple(result.warnings), problems, remaining, tuple(written))


def _read_source(
    project_id: str | None, from_json: str | None, hub: str | None, on_hub: Callable[[HubTarget], None] | None
) -> tuple[Any, dict[str, Any] | None, str]:
    """(the document, the project in it or None, how to name the source)."""
    if from_json:
        try:
            with Path(from_json).open("rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)  # the YAML reader's size limit, for the same reason
            if len(raw) > MAX_FILE_BYTES:
                raise InputError(
                    f"{from_json}: cannot read JSON: larger than the limit of {MAX_FILE_BYTES:,} bytes"
                )
            doc = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"{from_json}: cannot read JSON: {exc}") from None
        except RecursionError:
            raise InputError(f"{from_json}: cannot read JSON: nested too deeply") from None
        project = None
        if isinstance(doc, dict):
            data = doc.get("data")
            inner = data.get("project") if isinstance(data, dict) else doc.get("project", doc)
            project = inner if isinstance(inner, dict) and "name" in inner else None
        return doc, project, from_json
    target = resolve_target(hub)
    if on_hub is not None:
        on_hub(target)
    with open_client(target) as client:
        document = client.get_project(project_id or "")
    return document, document, f"project {project_id} on {target.description}"


def _old_tombstones(path: str) -> tuple[list[Any], dict[str, Any] | None]:
    """An existing ontology file's ``retired:`` entries (as written) and its compiled category schema
    (None when it does not validate), read within the usual bounds."""
    # Never read through a link out of the workspace (as every other file ontokit reads).
    refused = check_found(path, find_root(Path(path).parent), path)
    if refused is not None:
        raise OntokitError(f"cannot re-import: {refused.message}; nothing written ({refused.hint})")
    loaded = read_file(path)
    data = loaded.data if isinstance(loaded.data, dict) else {}
    kept = data.get("retired")
    compiled = check_loaded(loaded)
    # Carried over as written, a bad entry would make the new file invalid too: the user's to fix (an
    # id listed twice is kept once, below).
    bad = [
        d
        for d in compiled.diagnostics
        if d.path[:1] == ("retired",) and d.severity is Severity.ERROR and d.code != "duplicate-schema-id"
    ]
    if bad:
        first = bad[0]
        raise OntokitError(
            f"{path}:{first.line}:{first.column}: cannot keep its tombstones: {first.message}"
            f"{f' (and {len(bad) - 1} more)' if len(bad) > 1 else ''}; fix `retired:` or remove the "
            "file; nothing written"
        )
    schema = compiled.payload["categorySchema"] if compiled.payload is not None else None
    return (kept if isinstance(kept, list) else []), schema


def _schema_ref(output: str | None, kind: str) -> str:
    """Where editors find the schema: schemas/ in the repository, relative to the output, if found."""
    start = Path(output).resolve().parent if output else Path.cwd()
    for folder in (start, *start.parents):
        candidate = folder / "schemas" / KINDS[kind]
        if candidate.is_file():
            return os.path.relpath(candidate, start)
        if (folder / ".git").exists():
            break
    return SCHEMA_BASE + KINDS[kind]
