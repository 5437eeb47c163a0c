"""Finding what plan/apply work on: definitions (a project file or ontokit.yaml) and the hub."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ...errors import OntokitError

__all__ = ["Loaded", "choose_hub", "load_target", "print_diagnostics"]


@dataclass
class Loaded:
    specs: list[Any]
    workspace_hub: str | None


def load_target(target: str | None) -> Loaded:
    """Load the definitions named by TARGET (default: the nearest ontokit.yaml); print problems."""
    from ...loader import read_file
    from ...project.load import WORKSPACE_FILE, detect_kind, find_workspace, load_project, load_workspace

    if target is None:
        found = find_workspace()
        if found is None:
            raise OntokitError(
                f"no {WORKSPACE_FILE} in this folder or above; give a project file or a workspace file"
            )
        path, shown = found, _shown(found)
    else:
        path = Path(target)
        if path.is_dir():
            path = path / WORKSPACE_FILE
        shown = str(path)
    loaded = read_file(path, shown)
    kind = detect_kind(loaded.data)
    if loaded.data is not None and kind == "ontology":
        raise OntokitError(
            f"{shown} is an ontology file; plan and apply take a project definition (with "
            f"`name:` and `ontology:`) or {WORKSPACE_FILE}"
        )
    hub = None
    if kind == "workspace":
        specs, diags, hub = load_workspace(path, shown, loaded)
    else:
        spec, diags = load_project(path, shown, loaded)
        specs = [spec] if spec is not None else []
    print_diagnostics(diags)
    from ...diagnostics import has_errors

    if has_errors(diags):
        raise OntokitError(
            f"the definitions have errors ({sum(d.severity.value == 'error' for d in diags)}); "
            "nothing was planned"
        )
    return Loaded(specs, hub)


def print_diagnostics(diags: Any) -> None:
    import sys

    from ..views.diagnostics import render_line
    from ._common import use_color

    color = use_color(sys.stderr)
    for d in dict.fromkeys(diags):
        click.echo(render_line(d, color), err=True)


def choose_hub(cli_hub: str | None, workspace_hub: str | None) -> str | None:
    """--hub, else ONTOKIT_HUB, else the workspace's ``hub:``, else the embedded hub."""
    if cli_hub is not None:
        return cli_hub
    return os.environ.get("ONTOKIT_HUB") or workspace_hub


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
