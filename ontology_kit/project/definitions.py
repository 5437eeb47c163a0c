"""Reading project definitions and workspaces: each file validated (a definition with its ontology),
every problem a diagnostic with ``file:line:col``, as for ontology files.

This is what ``validate`` checks; ``load.py`` turns a valid definition into the desired state.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Any, Final, Literal, NamedTuple

from pydantic import BaseModel, ValidationError

from ..codes import Code, Rule
from ..diagnostics import DataPath, Diagnostic, has_errors
from ..loader import YAML_SUFFIXES, LoadResult, read_file
from ..loader.exclude import check_pattern
from ..loader.paths import (
    Refusal,
    check_found,
    check_reference,
    find_root,
    outside_root_allowed,
    shown_path,
)
from ..loader.positions import locate
from ..migration import DeclaredMigration
from ..model.messages import describe, model_path, translate
from ..setup_state import Instructions
from ..validate import check_data, check_loaded
from .fields import check_fields
from .kinds import FileKind, detect_kind
from .model import ProjectFile, WorkspaceFile
from .setup_checks import check_instructions, check_members, check_workflow

__all__ = ["RULES", "ProjectDefinition", "read_project", "read_workspace"]

#: The codes of project definitions and workspaces, documented (docs/format.md).
RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "duplicate-batch",
        "a project definition lists a batch twice",
        "a batch once per project",
        "`batches: [Week 1, Week 1]`",
        "`batches: [Week 1, Week 2]`",
    ),
    Rule(
        "duplicate-webhook",
        "a project definition lists a webhook URL twice",
        "one entry per webhook URL",
        "the same `url:` twice with different `types`",
        "one entry with both types",
    ),
    Rule(
        "duplicate-project",
        "two definitions of a workspace manage the same project (same id, or same name)",
        "each definition of a workspace manages its own project",
        "two files with `name: Road scenes` and no `id`",
        "different names, or different `id`s",
    ),
    Rule(
        "not-an-ontology",
        "a project's `ontology:` names a file that is not an ontology (its content is not shown)",
        "`ontology:` names an ontology file",
        "`ontology: ../.env`",
        "`ontology: ../ontologies/road.yaml`",
    ),
    Rule(
        "not-a-project",
        "a workspace lists a file that is not a project definition (its content is not shown)",
        "`projects:` lists project definitions",
        "`projects: ['*']` matching `secrets.yaml`",
        "`projects: ['projects/*.yaml']`",
    ),
)


class ProjectDefinition(NamedTuple):
    """A valid project definition: the file, its model, and its ontology compiled (a named tuple:
    cheaper to define than a dataclass, and ``validate`` imports it)."""

    file: str  # as the user named it
    model: ProjectFile
    ontology: str  # where the ontology comes from: a file, or "<definition> (inline)"
    category_schema: dict[str, Any]  # the compiled payload's categorySchema
    instructions: Instructions | None = None  # the instructions file: its path, size and digest
    retired: tuple[str, ...] = ()  # the ontology's retired schemaIds (tombstones)
    migrations: tuple[DeclaredMigration, ...] = ()  # the ontology's declared migrations


def read_project(
    path: str | Path,
    display: str | None = None,
    loaded: LoadResult | None = None,
    *,
    root: str | Path | None = None,
) -> tuple[ProjectDefinition | None, list[Diagnostic]]:
    """Read and validate one project definition (and its ontology): the definition, or None when it
    has errors, and every diagnostic.

    ``root`` is the workspace root the ontology reference must stay in (default: found from the
    file's folder, ``loader.paths.find_root``; docs/projects.md, "Path rules").
    """
    loaded = loaded or read_file(path, display)
    name = loaded.file
    if loaded.data is None:
        return None, locate(loaded.diagnostics, loaded.index)
    root_path = Path(root) if root is not None else find_root(Path(path).parent)
    try:
        model = ProjectFile.model_validate(loaded.data)
    except ValidationError as exc:
        # The ontology is checked all the same (an inline one is part of this file): every problem of
        # the file in one run.
        problems = _convert(exc, name)
        value = loaded.data.get("ontology")
        if isinstance(value, (str, dict)) and not any(d.path[:1] == ("ontology",) for d in problems):
            problems += _check_ontology(value, Path(path), name, loaded, root_path).diagnostics
        return None, locate(problems, loaded.index, name)
    diags: list[Diagnostic] = check_fields(model, name)
    seen: dict[str, int] = {}
    ids: dict[str, int] = {}
    for i, batch in enumerate(model.batches):
        if batch.name in seen:
            diags.append(
                Diagnostic(
                    "duplicate-batch",
                    f"batch {batch.name!r} is listed twice",
                    name,
                    path=("batches", i),
                    hint="the first is at {related}",
                    related=("batches", seen[batch.name]),
                )
            )
        seen.setdefault(batch.name, i)
        if batch.id is not None:
            if batch.id in ids:
                diags.append(
                    Diagnostic(
                        "duplicate-batch",
                        f"batch id {batch.id!r} is listed twice",
                        name,
                        path=("batches", i, "id"),
                        hint="the first is at {related}",
                        related=("batches", ids[batch.id], "id"),
                    )
                )
            ids.setdefault(batch.id, i)
    urls: dict[str, int] = {}
    for i, hook in enumerate(model.webhooks):
        if hook.url in urls:
            diags.append(
                Diagnostic(
                    "duplicate-webhook",
                    f"webhook {hook.url!r} is listed twice",
                    name,
                    path=("webhooks", i, "url"),
                    hint="the first is at {related}; one entry per URL: merge their types",
                    related=("webhooks", urls[hook.url], "url"),
                )
            )
        urls.setdefault(hook.url, i)
    diags += check_workflow(model, name) + check_members(model, name)
    problems, instructions = check_instructions(model, name, Path(path).parent, root_path)
    diags += problems
    checked = _check_ontology(model.ontology, Path(path), name, loaded, root_path)
    diags += checked.diagnostics
    payload, ontology_name = checked.payload, checked.name
    retired, migrations = checked.retired, checked.migrations
    diags = locate(diags, loaded.index, name)
    if has_errors(diags) or payload is None:
        return None, diags
    definition = ProjectDefinition(
        name, model, ontology_name, payload["categorySchema"], instructions, retired, migrations
    )
    return definition, diags


class _Ontology(NamedTuple):
    """A definition's ontology, checked: where it comes from, its diagnostics and what it compiles to."""

    name: str
    diagnostics: list[Diagnostic]
    payload: dict[str, Any] | None = None
    retired: tuple[str, ...] = ()
    migrations: tuple[DeclaredMigration, ...] = ()


def _check_ontology(
    value: str | dict[str, Any], path: Path, name: str, loaded: LoadResult, root_path: Path
) -> _Ontology:
    """Check a definition's ``ontology:``: the file it names (inside the root), or the inline one."""
    if isinstance(value, dict):
        result = check_data(value, loaded, prefix=("ontology",))
        return _Ontology(
            f"{name} (inline)", list(result.diagnostics), result.payload, result.retired, result.migrations
        )
    target = check_reference(value, path.parent, root_path, "ontology path")
    ontology_name = str(Path(name).parent / value) if Path(name).parent != Path(".") else value
    if isinstance(target, Refusal):
        return _Ontology(ontology_name, [_refused(target, name, ("ontology",))])
    if (problem := _not_a_file(target)) is not None:
        code, reason = problem
        found = Diagnostic(
            code,
            f"ontology file {shown_path(value)} {reason} (looked for {shown_path(ontology_name)})",
            name,
            path=("ontology",),
            hint="the path is relative to this project file",
        )
        return _Ontology(ontology_name, [found])
    ontology = read_file(target, ontology_name)
    if _foreign(ontology, "ontology", target):
        return _Ontology(ontology_name, [_not_kind("not-an-ontology", ontology_name, name, ("ontology",))])
    result = check_loaded(ontology)
    return _Ontology(
        ontology_name, list(result.diagnostics), result.payload, result.retired, result.migrations
    )


def read_workspace(
    path: str | Path, display: str | None = None, loaded: LoadResult | None = None
) -> tuple[list[ProjectDefinition], list[Diagnostic], WorkspaceFile | None]:
    """Read ``ontokit.yaml`` and every project it lists: (definitions, diagnostics, the workspace
    file's model: its ``hub`` and ``rate_limit``; None when it has errors)."""
    loaded = loaded or read_file(path, display)
    name = loaded.file
    if loaded.data is None:
        return [], locate(loaded.diagnostics, loaded.index), None
    try:
        model = WorkspaceFile.model_validate(loaded.data)
    except ValidationError as exc:
        return [], locate(_convert(exc, name, workspace=True), loaded.index), None
    root = Path(path).parent
    shown_root = Path(name).parent
    allowed = outside_root_allowed()
    diags: list[Diagnostic] = []
    specs: list[ProjectDefinition] = []
    files: list[tuple[Path, str, int]] = []
    for i, entry in enumerate(model.projects):
        where: DataPath = ("projects", i)
        checked = check_reference(entry, root, root, "project path", allowed=allowed)
        if isinstance(checked, Refusal):
            diags.append(_refused(checked, name, where))
            continue
        # Globs are expanded below the root (its own name may hold `[`), and each match checked again:
        # a match may be a link out of the root.
        matches = (
            sorted(glob.glob(entry, root_dir=root, recursive=True)) if glob.has_magic(entry) else [entry]
        )
        found = [m for m in matches if _not_a_file(root / m) is None]
        if not found:
            code: Code = "no-files" if glob.has_magic(entry) else "file-not-found"
            diags.append(
                Diagnostic(
                    code,
                    f"project file {shown_path(entry)} not found",
                    name,
                    path=where,
                    hint="paths are relative to ontokit.yaml",
                )
            )
        for m in found:
            shown = os.path.normpath(shown_root / m) if str(shown_root) != "." else os.path.normpath(m)
            refusal = check_found(root / m, root, shown, allowed=allowed)
            if refusal is not None:
                diags.append(_refused(refusal, name, where))
            else:
                files.append((root / m, shown, i))
    for j, pattern in enumerate(model.exclude or []):  # patterns leading out: refused (exclude.py)
        if (refusal := check_pattern(pattern)) is not None:
            diags.append(_refused(refusal, name, ("exclude", j)))
    for file, shown, i in files:
        loaded_project = read_file(file, shown)
        if _foreign(loaded_project, "project", file):
            diags.append(_not_kind("not-a-project", shown, name, ("projects", i)))
            continue
        spec, problems = read_project(file, shown, loaded_project, root=root)
        diags.extend(problems)
        if spec is not None:
            specs.append(spec)
    diags.extend(_duplicate_identities(specs, name, {shown: i for _, shown, i in files}))
    return specs, locate(diags, loaded.index, name), model


def _not_a_file(path: Path) -> tuple[Code, str] | None:
    """None for a regular file; else a code and why (a name too long for the file system is a
    reason, not a crash)."""
    try:
        if path.is_file():
            return None
        return "file-not-found", "not found"
    except OSError as exc:
        return "file-unreadable", f"cannot be read ({exc.strerror or type(exc).__name__})"


def _refused(refusal: Refusal, file: str, path: DataPath) -> Diagnostic:
    return Diagnostic(refusal.code, refusal.message, file, path=path, hint=refusal.hint)


def _foreign(loaded: LoadResult, expected: FileKind, path: Path) -> bool:
    """Whether a referenced file is not of the ``expected`` kind: a mapping of another kind, or a
    file that is not YAML by name and could not be read as YAML. Its keys may be anything (a file of
    secrets), so it is reported in one line that quotes none of them."""
    data = loaded.data
    if data is None:
        return path.suffix not in YAML_SUFFIXES
    return (
        isinstance(data, dict)
        and bool(data)
        and all(isinstance(k, str) for k in data)
        and detect_kind(data) != expected
    )


def _not_kind(code: Code, other: str, file: str, path: DataPath) -> Diagnostic:
    kind = "an ontology" if code == "not-an-ontology" else "a project definition"
    return Diagnostic(
        code,
        f"{shown_path(other)} is not {kind} file; its content is not shown",
        file,
        path=path,
        hint="check the path: its top-level keys are not those of " + kind,
    )


def _duplicate_identities(
    specs: list[ProjectDefinition], workspace: str, entries: dict[str, int]
) -> list[Diagnostic]:
    """Two definitions of one project: reported at the second's entry of `projects:`, naming the
    first's entry (``entries``: each definition's index in that list)."""
    out = []
    seen: dict[str, ProjectDefinition] = {}
    for spec in specs:
        key = f"id:{spec.model.id}" if spec.model.id else f"name:{spec.model.name}"
        if key in seen:
            what = f"id {spec.model.id!r}" if spec.model.id else f"name {spec.model.name!r}"
            out.append(
                Diagnostic(
                    "duplicate-project",
                    f"{seen[key].file} and {spec.file} both define the project with {what}",
                    workspace,
                    path=("projects", entries.get(spec.file, 0)),
                    hint="each definition must manage a different project; the first is listed at {related}",
                    related=("projects", entries.get(seen[key].file, 0)),
                )
            )
        seen.setdefault(key, spec)
    return out


def _convert(exc: ValidationError, file: str, workspace: bool = False) -> list[Diagnostic]:
    """pydantic's errors of a project definition (or a workspace file) in ontokit's words
    (``model.messages``, the translation ontology files use too): one per place."""
    root: type[BaseModel] = WorkspaceFile if workspace else ProjectFile
    out = []
    seen_locs: set[DataPath] = set()
    for err in exc.errors(include_url=False):
        raw = tuple(err["loc"])
        loc, model = model_path(root, raw)
        if loc[:1] == ("ontology",) and not workspace:
            if len(raw) > 2 or (err["type"] != "missing" and isinstance(err.get("input"), dict)):
                continue  # inside an inline ontology: checked as an ontology (read_project)
            loc = ("ontology",)
        if loc in seen_locs:
            continue
        seen_locs.add(loc)
        kind = err["type"]
        if loc[-1:] == ("[key]",):
            out.append(
                Diagnostic(
                    "non-string-key",
                    f"mapping key {err.get('input')!r} is not a string",
                    file,
                    path=loc[:-1],
                    hint="write the key in quotes",
                    target="key",
                )
            )
            continue
        if loc == ("ontology",) and kind != "missing":
            out.append(
                Diagnostic(
                    "wrong-type",
                    f"`ontology` must be a path or a mapping, not {describe(err.get('input'))}",
                    file,
                    path=loc,
                    hint="name an ontology file (ontology: ontologies/road.yaml), or write the ontology "
                    "under `ontology:`",
                )
            )
            continue
        if loc[-1:] == ("secret",) or (kind != "string_pattern_mismatch" and loc[-2:-1] == ("secret",)):
            out.append(
                Diagnostic(
                    "wrong-type",
                    "a secret must be given as `{env: VARIABLE}`",
                    file,
                    path=loc,
                    hint="never write a secret's value into a file; put it in an environment variable",
                )
            )
            continue
        fields = tuple(model.model_fields)
        said = translate(err, loc, fields)
        if len(loc) == 2 and loc[0] == "members" and said.code == "invalid-value":
            # the key is an e-mail address, not a field: name the member
            said = said._replace(message=f"member {loc[1]!r}: {err.get('input')!r} is not a project role")
        target: Literal["key", "value"] = "key" if kind == "extra_forbidden" else "value"
        where = loc[:-1] if kind == "missing" else loc
        out.append(Diagnostic(said.code, said.message, file, path=where, hint=said.hint, target=target))
    return out
