"""Load project definitions and workspaces into :class:`ProjectSpec` (the desired state of a project).

Problems are diagnostics, as for ontology files: one line each, with ``file:line:col``.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._text import did_you_mean
from ..diagnostics import DataPath, Diagnostic, has_errors
from ..loader import LoadResult, read_file
from ..loader.positions import locate

__all__ = [
    "WORKSPACE_FILE",
    "ProjectSpec",
    "WebhookDesired",
    "detect_kind",
    "find_workspace",
    "load_project",
    "load_workspace",
]

WORKSPACE_FILE = "ontokit.yaml"


@dataclass(frozen=True)
class WebhookDesired:
    """A webhook as a definition wants it; the secret only as the name of its environment variable."""

    url: str
    types: tuple[str, ...]
    secret_env: str | None


@dataclass(frozen=True)
class ProjectSpec:
    """The desired state of one project, from one definition file."""

    file: str  # the definition file, as the user named it
    name: str
    description: str
    id: str | None
    type: str | None
    ontology: str  # the ontology file, or "<file> (inline)"
    category_schema: dict[str, Any]
    batches: tuple[str, ...]
    webhooks: tuple[WebhookDesired, ...]


_KIND_KEYS = {
    "ontology": ("version", "description", "optionSets", "tools", "classifications", "relations"),
    "project": ("name", "description", "id", "type", "ontology", "batches", "webhooks"),
    "workspace": ("projects", "hub"),
}


def detect_kind(data: Any) -> str:
    """``workspace``, ``project``, ``ontology`` or ``other`` (some other tool's YAML, such as a CI
    workflow), from a parsed document's top-level keys (typos count as the key they are close to)."""
    import difflib

    if not isinstance(data, dict) or not data or not all(isinstance(k, str) for k in data):
        return "ontology"  # not a mapping, empty, odd keys: let the ontology checks say what is wrong
    if "projects" in data:
        return "workspace"
    if "ontology" in data:
        return "project"
    keys = [str(k) for k in data]
    best, score = "other", 0.0
    for kind, known in _KIND_KEYS.items():
        hits = sum(1 for k in keys if k in known or difflib.get_close_matches(k, known, n=1, cutoff=0.8))
        ratio = hits / len(keys)
        if ratio > score or (ratio == score and kind == "ontology"):
            best, score = kind, ratio
    return best if score >= 0.5 else "other"


def load_project(
    path: str | Path, display: str | None = None, loaded: LoadResult | None = None
) -> tuple[ProjectSpec | None, list[Diagnostic]]:
    """Load and validate one project definition (and its ontology)."""
    from pydantic import ValidationError

    from ..validate import check_data, check_file
    from .model import ProjectFile

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
    spec = ProjectSpec(
        file=name,
        name=model.name,
        description=model.description,
        id=model.id,
        type=model.type,
        ontology=ontology_name,
        category_schema=payload["categorySchema"],
        batches=tuple(b.name for b in model.batches),
        webhooks=tuple(
            WebhookDesired(h.url, tuple(h.types), h.secret.env if h.secret else None) for h in model.webhooks
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
) -> tuple[list[ProjectSpec], list[Diagnostic], str | None]:
    """Load ``ontokit.yaml`` and every project it lists: (specs, diagnostics, the workspace's hub)."""
    from pydantic import ValidationError

    from .model import WorkspaceFile

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
    specs: list[ProjectSpec] = []
    files: list[tuple[Path, str]] = []
    for i, entry in enumerate(model.projects):
        matches = (
            sorted(glob.glob(str(root / entry), recursive=True))
            if glob.has_magic(entry)
            else [str(root / entry)]
        )
        matches = [m for m in matches if Path(m).is_file()]
        if not matches:
            code = "no-files" if glob.has_magic(entry) else "file-not-found"
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


def _duplicate_identities(specs: list[ProjectSpec], workspace: str) -> list[Diagnostic]:
    out = []
    seen: dict[str, ProjectSpec] = {}
    for spec in specs:
        key = f"id:{spec.id}" if spec.id else f"name:{spec.name}"
        if key in seen:
            what = f"id {spec.id!r}" if spec.id else f"name {spec.name!r}"
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


_ITEM_FIELDS = {"webhooks": "WebhookSpec", "batches": "BatchSpec", "secret": "SecretRef"}


def _convert(exc: Any, file: str, workspace: bool = False) -> list[Diagnostic]:
    from . import model as m

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
            model = getattr(m, _ITEM_FIELDS.get(parent or "", ""), None) or (
                m.WorkspaceFile if workspace else m.ProjectFile
            )
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
