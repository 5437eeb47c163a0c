"""The validation pipeline: file → YAML → model → resolved tree → rules → payload.

Each stage reports diagnostics as data; positions are found once, at the end, and only when there is
something to report (the fast path never composes a second, position-keeping parse).
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._gc import gc_paused
from .category_schema import TOP_GROUPS, CategorySchema
from .compiler import compile_resolved
from .diagnostics import Diagnostic, has_errors
from .errors import InvalidOntologyError
from .loader import LoadResult, load_text, read_file
from .loader.positions import locate
from .migration import DeclaredMigration
from .model import Classification, Ontology, Relation, Tool
from .model.errors import structural_diagnostics
from .resolve import resolve
from .rules import check
from .rules._context import Context
from .rules.migrations import check_migrations

__all__ = ["FileResult", "check_data", "check_file", "check_text", "payload_or_raise"]


@dataclass(frozen=True)
class FileResult:
    """What validating one file found: its diagnostics and, when it has no errors, its payload."""

    file: str
    diagnostics: tuple[Diagnostic, ...]
    payload: dict[str, Any] | None
    skipped: bool = False  # not an ontokit file (another tool's YAML): nothing was checked
    tool: str | None = None  # skipped: whose YAML it is ("GitHub Action"), when ontokit knows
    retired: tuple[str, ...] = ()  # the schemaIds its `retired:` lists (tombstones; not in the payload)
    migrations: tuple[DeclaredMigration, ...] = ()  # its `migrations:`, targets resolved (not in the payload)

    @property
    def ok(self) -> bool:
        """True when the file has no errors (warnings allowed)."""
        return not has_errors(self.diagnostics)


@gc_paused
def check_file(path: str | Path, display: str | None = None) -> FileResult:
    """Validate and compile one ontology file."""
    return check_loaded(read_file(path, display))


@gc_paused
def check_text(text: str, name: str = "<string>") -> FileResult:
    """Validate and compile ontology YAML given as text."""
    return check_loaded(load_text(text, name))


def payload_or_raise(result: FileResult) -> dict[str, Any]:
    """The payload of a valid file; :class:`InvalidOntologyError` (with every diagnostic) otherwise."""
    if result.payload is None:
        raise InvalidOntologyError(result.diagnostics)
    return result.payload


def check_loaded(loaded: LoadResult) -> FileResult:
    """Validate and compile a file already read (its load diagnostics included)."""
    if loaded.data is None:
        return FileResult(loaded.file, tuple(locate(loaded.diagnostics, loaded.index)), None)
    return check_data(loaded.data, loaded)


def check_data(data: Any, loaded: LoadResult, prefix: tuple[str | int, ...] = ()) -> FileResult:
    """Validate and compile ontology ``data`` that sits at ``prefix`` in the document of ``loaded``."""
    structural: list[Diagnostic] = []
    indices = None
    try:
        ontology = Ontology.model_validate(data)
    except ValidationError as exc:
        # Report the structural errors, and still run the semantic rules on every category that
        # is well-formed, so that one run shows (nearly) all problems.
        structural = structural_diagnostics(exc, loaded.file)
        ontology, indices = _partial(data, structural)
    resolved = resolve(ontology, loaded.file, indices)
    users = _option_set_references(data) if structural else None
    semantic = resolved.diagnostics + check(ontology, resolved, loaded.file, users)
    if structural:
        semantic = _without_consequences(semantic, structural)
    diags = structural + semantic
    payload = None if has_errors(diags) else compile_resolved(resolved)
    migrations: tuple[DeclaredMigration, ...] = ()
    if payload is not None and ontology.migrations:  # targets are items of the compiled label set
        ctx = Context(loaded.file)
        schema = CategorySchema.of(payload["categorySchema"])
        migrations = check_migrations(ctx, ontology.migrations, schema, ontology.retired)
        diags += ctx.diagnostics
    if diags:
        if prefix:
            diags = [_prefixed(d, prefix) for d in diags]
        # in document order; the count of problems not shown (too-many-problems) comes last
        diags = sorted(
            locate(diags, loaded.index),
            key=lambda d: (d.code == "too-many-problems", d.line, d.column),
        )
    if has_errors(diags):
        payload = None
    retired = tuple(r.schemaId for r in ontology.retired)
    return FileResult(loaded.file, tuple(diags), payload, retired=retired, migrations=migrations)


def _prefixed(d: Diagnostic, prefix: tuple[str | int, ...]) -> Diagnostic:
    related = (*prefix, *d.related) if d.related is not None else None
    return dataclasses.replace(d, path=(*prefix, *d.path), related=related)


_LISTS = tuple(group for group, _ in TOP_GROUPS)


def _partial(data: dict[str, Any], structural: list[Diagnostic]) -> tuple[Any, dict[str, list[int]]]:
    """The well-formed part of a document, for the semantic rules to check.

    A top-level category with structural errors is repaired when the errors are in fields that can
    simply be left out (an unknown field, a wrong type in an optional field); otherwise it is skipped.
    """
    by_item: dict[tuple[str, int], list[Diagnostic]] = {}
    for d in structural:
        if len(d.path) >= 2 and isinstance(d.path[1], int):
            by_item.setdefault((str(d.path[0]), d.path[1]), []).append(d)
    option_sets: dict[str, Any] = {}
    indices: dict[str, list[int]] = {}
    raw_sets = data.get("optionSets")
    if isinstance(raw_sets, dict):
        for name, options in raw_sets.items():  # keep every well-formed option of every set
            if not isinstance(options, list):
                continue
            kept, where = [], []
            for i, option in enumerate(options):
                try:
                    kept.extend(Ontology.model_validate({"optionSets": {name: [option]}}).optionSets[name])
                except ValidationError:
                    continue
                where.append(i)
            option_sets[name] = kept
            indices[f"optionSets:{name}"] = where
    lists: dict[str, list[Any]] = {}
    models: tuple[type[Tool | Classification | Relation], ...] = (Tool, Classification, Relation)
    for name, model in zip(_LISTS, models, strict=True):
        items = data.get(name)
        lists[name], indices[name] = [], []
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            problems = by_item.get((name, i))
            if problems:
                item = _repair(copy.deepcopy(item), [d.path[2:] for d in problems])
                if item is None:
                    continue
            try:
                lists[name].append(model.model_validate(item))
            except ValidationError:
                continue
            indices[name].append(i)
    partial = Ontology.model_construct(
        optionSets=option_sets,
        tools=lists["tools"],
        classifications=lists["classifications"],
        relations=lists["relations"],
    )
    return partial, indices


_REQUIRED = {"title", "type", "value"}
# Semantic findings that only restate a structural error: a mistyped `options` is also "missing".
_CONSEQUENCES = {"missing-options": ("options", "optionSet"), "empty-tree": ("treeOptions",)}


def _without_consequences(semantic: list[Diagnostic], structural: list[Diagnostic]) -> list[Diagnostic]:
    broken = {d.path[: i + 1] for d in structural for i in range(len(d.path))}
    out = []
    for d in semantic:
        fields = _CONSEQUENCES.get(d.code)
        if fields and any((*d.path[:-1], f) in broken for f in fields):
            continue
        out.append(d)
    return out


def _option_set_references(data: Any) -> set[str]:
    """Every `optionSet: NAME` in the raw document (for a partial ontology's unused-set check)."""
    found: set[str] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("optionSet")
            if isinstance(ref, str):
                found.add(ref)
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return found


def _repair(item: Any, paths: list[tuple[Any, ...]]) -> Any:
    """Drop the fields named by ``paths`` from ``item``; None when a required field is at fault."""
    for path in paths:
        if not path or not isinstance(path[-1], str) or path[-1] in _REQUIRED:
            return None
        parent = item
        for part in path[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                return None
        if not isinstance(parent, dict):
            return None
        parent.pop(path[-1], None)
    return item
