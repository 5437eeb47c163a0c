"""Load project definitions and workspaces into :class:`~ontology_kit.state.DesiredProject` values.

Problems are diagnostics, as for ontology files: one line each, with ``file:line:col``.
"""

from __future__ import annotations

import dataclasses
import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from .._text import did_you_mean
from ..category_schema import CategorySchema
from ..codes import Code, Rule
from ..diagnostics import DataPath, Diagnostic, Severity, has_errors
from ..errors import InputError, InvalidDefinitionsError
from ..loader import LoadResult, read_file
from ..loader.positions import locate
from ..state import DesiredProject, DesiredWebhook, ProjectFields
from ..validate import check_data, check_file
from .kinds import detect_kind
from .model import BatchSpec, ProjectFile, SecretRef, WebhookSpec, WorkspaceFile

__all__ = [
    "RULES",
    "WORKSPACE_FILE",
    "Definitions",
    "find_workspace",
    "load_definitions",
    "load_project",
    "load_workspace",
]

WORKSPACE_FILE = "ontokit.yaml"

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
)


@dataclass(frozen=True)
class Definitions:
    """The project definitions that plan and apply work on, from one project file or a workspace."""

    projects: tuple[DesiredProject, ...]
    diagnostics: tuple[Diagnostic, ...]  # warnings only: definitions with errors raise instead
    hub: str | None = None  # the workspace's `hub:`


def load_definitions(target: str | None, cwd: Path | None = None) -> Definitions:
    """Load the definitions named by ``target``: a project file, a workspace file, or a folder holding
    ``ontokit.yaml`` (default: the nearest ``ontokit.yaml`` at or above ``cwd``).

    Raises:
        InvalidDefinitionsError: a definition (or its ontology) has errors; ``.diagnostics`` has all.
        InputError: there is nothing to load, or ``target`` is an ontology file.
    """
    if target is None:
        found = find_workspace(cwd)
        if found is None:
            raise InputError(
                f"no {WORKSPACE_FILE} in this folder or above; give a project file or a workspace file"
            )
        path, shown = found, _shown(found, cwd)
    else:
        path = Path(target)
        if path.is_dir():
            path = path / WORKSPACE_FILE
        shown = str(path)
    loaded = read_file(path, shown)
    kind = detect_kind(loaded.data)
    if loaded.data is not None and kind == "ontology":
        raise InputError(
            f"{shown} is an ontology file; plan and apply take a project definition (with "
            f"`name:` and `ontology:`) or {WORKSPACE_FILE}"
        )
    hub = None
    if kind == "workspace":
        projects, diags, hub = load_workspace(path, shown, loaded)
    else:
        project, diags = load_project(path, shown, loaded)
        projects = [project] if project is not None else []
    unique = tuple(dict.fromkeys(diags))
    if has_errors(unique):
        errors = sum(d.severity is Severity.ERROR for d in unique)
        raise InvalidDefinitionsError(unique, f"the definitions have errors ({errors}); nothing was planned")
    return Definitions(tuple(projects), unique, hub)


def _shown(path: Path, cwd: Path | None) -> str:
    try:
        return str(path.relative_to(cwd or Path.cwd()))
    except ValueError:
        return str(path)


def load_project(
    path: str | Path, display: str | None = None, loaded: LoadResult | None = None
) -> tuple[DesiredProject | None, list[Diagnostic]]:
    """Load and validate one project definition (and its ontology): its desired state, or None
    when it has errors, and every diagnostic."""
    loaded = loaded or read_file(path, display)
    name = loaded.file
    if loaded.data is None:
        return None, locate(loaded.diagnostics, loaded.index)
    try:
        model = ProjectFile.model_validate(loaded.data)
    except ValidationError as exc:
        return None, locate(_convert(exc, name), loaded.index)
    diags: list[Diagnostic] = []
    seen: dict[str, int] = {}
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
    urls: dict[str, int] = {}
    for i, hook in enumerate(model.webhooks):
        if hook.url in urls:
            diags.append(
                Diagnostic(
                    "duplicate-webhook",
                    f"webhook {hook.url!r} is listed twice",
                    name,
                    path=("webhooks", i, "url"),
                    hint="one entry per URL; merge their types",
                    related=("webhooks", urls[hook.url]),
                )
            )
        urls.setdefault(hook.url, i)
    payload = None
    if isinstance(model.ontology, str):
        target = Path(path).parent / model.ontology
        ontology_name = (
            str(Path(name).parent / model.ontology) if Path(name).parent != Path(".") else model.ontology
        )
        if not target.is_file():
            diags.append(
                Diagnostic(
                    "file-not-found",
                    f"ontology file {model.ontology!r} not found (looked for {ontology_name})",
                    name,
                    path=("ontology",),
                    hint="the path is relative to this project file",
                )
            )
        else:
            result = check_file(target, ontology_name)
            diags.extend(result.diagnostics)
            payload = result.payload
    else:
        ontology_name = f"{name} (inline)"
        result = check_data(model.ontology, loaded, prefix=("ontology",))
        diags.extend(result.diagnostics)
        payload = result.payload
    diags = locate(diags, loaded.index, name)
    if has_errors(diags) or payload is None:
        return None, diags
    spec = DesiredProject(
        definition=name,
        fields=ProjectFields(**{f.name: getattr(model, f.name) for f in dataclasses.fields(ProjectFields)}),
        category_schema=CategorySchema(payload["categorySchema"]),
        id=model.id,
        ontology=ontology_name,
        batches=tuple(b.name for b in model.batches),
        webhooks=tuple(
            DesiredWebhook(h.url, tuple(h.types), h.secret.env if h.secret else None) for h in model.webhooks
        ),
    )
    return spec, diags


def find_workspace(start: Path | None = None) -> Path | None:
    """The nearest ``ontokit.yaml`` at or above ``start`` (the current folder)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / WORKSPACE_FILE
        if candidate.is_file():
            return candidate
    return None


def load_workspace(
    path: str | Path, display: str | None = None, loaded: LoadResult | None = None
) -> tuple[list[DesiredProject], list[Diagnostic], str | None]:
    """Load ``ontokit.yaml`` and every project it lists: (projects, diagnostics, the workspace's hub)."""
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
    diags: list[Diagnostic] = []
    specs: list[DesiredProject] = []
    files: list[tuple[Path, str]] = []
    for i, entry in enumerate(model.projects):
        matches = (
            sorted(glob.glob(str(root / entry), recursive=True))
            if glob.has_magic(entry)
            else [str(root / entry)]
        )
        matches = [m for m in matches if Path(m).is_file()]
        if not matches:
            code: Code = "no-files" if glob.has_magic(entry) else "file-not-found"
            diags.append(
                Diagnostic(
                    code,
                    f"project file {entry!r} not found",
                    name,
                    path=("projects", i),
                    hint="paths are relative to ontokit.yaml",
                )
            )
        for m in matches:
            rel = Path(m).relative_to(root)
            files.append((Path(m), str(shown_root / rel) if str(shown_root) != "." else str(rel)))
    for file, shown in files:
        spec, found = load_project(file, shown)
        diags.extend(found)
        if spec is not None:
            specs.append(spec)
    diags.extend(_duplicate_identities(specs, name))
    return specs, locate(diags, loaded.index, name), model.hub


def _duplicate_identities(specs: list[DesiredProject], workspace: str) -> list[Diagnostic]:
    out = []
    seen: dict[str, DesiredProject] = {}
    for spec in specs:
        key = f"id:{spec.id}" if spec.id else f"name:{spec.name}"
        if key in seen:
            what = f"id {spec.id!r}" if spec.id else f"name {spec.name!r}"
            out.append(
                Diagnostic(
                    "duplicate-project",
                    f"{seen[key].definition} and {spec.definition} both define the project with {what}",
                    workspace,
                    path=("projects",),
                    hint="each definition must manage a different project",
                )
            )
        seen.setdefault(key, spec)
    return out


_ITEM_MODELS: Final[dict[str, type[Any]]] = {
    "webhooks": WebhookSpec,
    "batches": BatchSpec,
    "secret": SecretRef,
}


def _convert(exc: ValidationError, file: str, workspace: bool = False) -> list[Diagnostic]:
    out = []
    seen_locs: set[DataPath] = set()
    for err in exc.errors(include_url=False):
        loc: DataPath = tuple(err["loc"])
        if loc and loc[0] == "ontology" and len(loc) >= 2 and loc[1] in ("str", "dict[str,any]"):
            loc = ("ontology",)  # a union's branch names are noise
        if loc in seen_locs:
            continue
        seen_locs.add(loc)
        kind = err["type"]
        field = next((p for p in reversed(loc) if isinstance(p, str)), "(document)")
        if kind == "extra_forbidden":
            parent = next((p for p in reversed(loc[:-1]) if isinstance(p, str)), None)
            model = _ITEM_MODELS.get(parent or "") or (WorkspaceFile if workspace else ProjectFile)
            hint = did_you_mean(str(loc[-1]), model.model_fields) or "fields here are: " + ", ".join(
                model.model_fields
            )
            out.append(
                Diagnostic(
                    "unknown-field", f"unknown field {loc[-1]!r}", file, path=loc, hint=hint, target="key"
                )
            )
        elif kind == "missing":
            out.append(Diagnostic("missing-field", f"missing required field `{field}`", file, path=loc[:-1]))
        elif field == "secret" or (len(loc) >= 2 and loc[-2] == "secret"):
            out.append(
                Diagnostic(
                    "wrong-type",
                    "a secret must be given as `{env: VARIABLE}`",
                    file,
                    path=loc,
                    hint="never write a secret's value into a file; put it in an environment variable",
                )
            )
        elif kind.endswith("_type") or kind in ("model_attributes_type", "union_tag_invalid"):
            out.append(Diagnostic("wrong-type", f"`{field}`: {err['msg']}", file, path=loc))
        else:
            out.append(Diagnostic("invalid-value", f"`{field}`: {err['msg']}", file, path=loc))
    return out
