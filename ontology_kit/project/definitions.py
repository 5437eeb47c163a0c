"""Reading project definitions and workspaces: each file validated (a definition with its ontology),
every problem a diagnostic with ``file:line:col``, as for ontology files.

This is what ``validate`` checks; ``load.py`` turns a valid definition into the desired state.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any, Final, NamedTuple

from pydantic import ValidationError

from .._text import did_you_mean
from ..codes import Code, Rule
from ..diagnostics import DataPath, Diagnostic, has_errors
from ..loader import LoadResult, read_file
from ..loader.positions import locate
from ..validate import check_data, check_file
from .model import BatchSpec, ProjectFile, SecretRef, WebhookSpec, WorkspaceFile

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
)


class ProjectDefinition(NamedTuple):
    """A valid project definition: the file, its model, and its ontology compiled (a named tuple:
    cheaper to define than a dataclass, and ``validate`` imports it)."""

    file: str  # as the user named it
    model: ProjectFile
    ontology: str  # where the ontology comes from: a file, or "<definition> (inline)"
    category_schema: dict[str, Any]  # the compiled payload's categorySchema


def read_project(
    path: str | Path, display: str | None = None, loaded: LoadResult | None = None
) -> tuple[ProjectDefinition | None, list[Diagnostic]]:
    """Read and validate one project definition (and its ontology): the definition, or None when it
    has errors, and every diagnostic."""
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
    definition = ProjectDefinition(name, model, ontology_name, payload["categorySchema"])
    return definition, diags


def read_workspace(
    path: str | Path, display: str | None = None, loaded: LoadResult | None = None
) -> tuple[list[ProjectDefinition], list[Diagnostic], str | None]:
    """Read ``ontokit.yaml`` and every project it lists: (definitions, diagnostics, the workspace's hub)."""
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
    specs: list[ProjectDefinition] = []
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
        spec, found = read_project(file, shown)
        diags.extend(found)
        if spec is not None:
            specs.append(spec)
    diags.extend(_duplicate_identities(specs, name))
    return specs, locate(diags, loaded.index, name), model.hub


def _duplicate_identities(specs: list[ProjectDefinition], workspace: str) -> list[Diagnostic]:
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
        elif kind == "string_pattern_mismatch" and loc[-2:-1] == ("secret",):
            out.append(
                Diagnostic(
                    "invalid-value",
                    "a webhook secret's variable must be named like WEBHOOK_SECRET (`HOOK` in it, "
                    "`_SECRET` at its end): apply sends its value to the hub",
                    file,
                    path=loc,
                    hint="rename the variable, e.g. PROD_WEBHOOK_SECRET (docs/projects.md)",
                )
            )
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
