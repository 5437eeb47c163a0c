"""Project definitions and workspaces into :class:`~ontology_kit.state.DesiredProject` values: what
plan and apply work on (``definitions.py`` reads and validates the files)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..category_schema import CategorySchema
from ..diagnostics import Diagnostic, Severity, has_errors
from ..errors import InputError, InvalidDefinitionsError
from ..loader import LoadResult, read_file
from ..loader.paths import WORKSPACE_FILE
from ..state import DesiredProject, DesiredWebhook, ProjectFields
from .definitions import ProjectDefinition, read_project, read_workspace
from .kinds import detect_kind
from .model import WorkspaceFile
from .setup_model import desired_setup

__all__ = [
    "WORKSPACE_FILE",
    "Definitions",
    "desired_state",
    "find_workspace",
    "load_definitions",
    "load_project",
    "load_workspace",
]


@dataclass(frozen=True)
class Definitions:
    """The project definitions that plan and apply work on, from one project file or a workspace."""

    projects: tuple[DesiredProject, ...]
    diagnostics: tuple[Diagnostic, ...]  # warnings only: definitions with errors raise instead
    hub: str | None = None  # the workspace's `hub:`
    rate_limit: str | None = None  # the workspace's `rate_limit:` (ONTOKIT_RATE_LIMIT wins)


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
    hub = rate_limit = None
    if kind == "workspace":
        projects, diags, workspace = load_workspace(path, shown, loaded)
        hub, rate_limit = (workspace.hub, workspace.rate_limit) if workspace is not None else (None, None)
    else:
        project, diags = load_project(path, shown, loaded)
        projects = [project] if project is not None else []
    unique = tuple(dict.fromkeys(diags))
    if has_errors(unique):
        errors = sum(d.severity is Severity.ERROR for d in unique)
        raise InvalidDefinitionsError(unique, f"the definitions have errors ({errors}); nothing was planned")
    return Definitions(tuple(projects), unique, hub, rate_limit)


def _shown(path: Path, cwd: Path | None) -> str:
    try:
        return str(path.relative_to(cwd or Path.cwd()))
    except ValueError:
        return str(path)


def desired_state(definition: ProjectDefinition) -> DesiredProject:
    """The desired state a valid definition describes."""
    model = definition.model
    return DesiredProject(
        definition=definition.file,
        fields=ProjectFields(**{f.name: getattr(model, f.name) for f in dataclasses.fields(ProjectFields)}),
        category_schema=CategorySchema(definition.category_schema),
        id=model.id,
        ontology=definition.ontology,
        batches=tuple(b.name for b in model.batches),
        batch_ids=tuple((b.name, b.id) for b in model.batches if b.id),
        prune_batches=model.prune_batches,
        webhooks=tuple(
            DesiredWebhook(h.url, tuple(h.types), h.secret.env if h.secret else None) for h in model.webhooks
        ),
        setup=desired_setup(model, definition.instructions),
        retired=definition.retired,
        migrations=definition.migrations,
    )


def load_project(
    path: str | Path,
    display: str | None = None,
    loaded: LoadResult | None = None,
    *,
    root: str | Path | None = None,
) -> tuple[DesiredProject | None, list[Diagnostic]]:
    """Load and validate one project definition (and its ontology): its desired state, or None
    when it has errors, and every diagnostic. ``root``: the workspace root its ontology path must
    stay in (default: found from the file's folder; a tree checked out without ``.git`` passes its
    top folder)."""
    definition, diags = read_project(path, display, loaded, root=root)
    return (desired_state(definition) if definition is not None else None), diags


def load_workspace(
    path: str | Path, display: str | None = None, loaded: LoadResult | None = None
) -> tuple[list[DesiredProject], list[Diagnostic], WorkspaceFile | None]:
    """Load ``ontokit.yaml`` and every project it lists: (projects, diagnostics, the workspace file's
    settings, None when it has errors)."""
    definitions, diags, workspace = read_workspace(path, display, loaded)
    return [desired_state(d) for d in definitions], diags, workspace


def find_workspace(start: Path | None = None) -> Path | None:
    """The nearest ``ontokit.yaml`` at or above ``start`` (the current folder)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / WORKSPACE_FILE
        if candidate.is_file():
            return candidate
    return None
