"""Where a file reference may lead: inside the workspace root, unless the user allows more.

Project definitions name an ontology file, workspaces name project files (or globs of them), and
``validate``/``fmt`` walk folders. Those files may come from a stranger's pull request, checked by a
CI job that writes its output to a public log: a reference must not read ``/etc/shadow``, climb out
with ``..``, or follow a symbolic link out of the repository (docs/projects.md, "Path rules").

The **workspace root** is the folder of ``ontokit.yaml`` for a workspace and the files it lists; for
a project file (or a folder) given on its own, the nearest folder at or above it that holds an
``ontokit.yaml`` or ``.git`` (the git top level bounds the search), else its own folder.

The one opt-in, ``ONTOKIT_ALLOW_PATHS_OUTSIDE_ROOT=1``, lives in the environment of whoever runs
ontokit, never in the files it governs: a pull request cannot grant itself more.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final, NamedTuple

from .._io import ALLOW_ENV, outside_root_allowed
from .._text import quoted
from ..codes import Code, Rule

__all__ = [
    "ALLOW_ENV",
    "RULES",
    "WORKSPACE_FILE",
    "Refusal",
    "check_found",
    "check_reference",
    "find_root",
    "outside_root_allowed",
    "shown_path",
]

WORKSPACE_FILE: Final = "ontokit.yaml"

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "absolute-path",
        "a file reference in a project definition or workspace is an absolute path",
        "paths in project definitions and workspaces are relative (docs/projects.md, Path rules)",
        "`ontology: /etc/shadow`",
        "`ontology: ../ontologies/road.yaml`",
    ),
    Rule(
        "path-outside-root",
        "a file reference climbs out of the workspace root with `..`",
        "`..` stays inside the workspace root",
        "`projects: ['../../../../etc/*']`",
        "`projects: ['projects/*.yaml']`",
    ),
    Rule(
        "symlink-outside-root",
        "a referenced (or found) file is a symbolic link to a file outside the workspace root",
        "symbolic links stay inside the workspace root",
        "`road.yaml` → `/home/me/.aws/config`",
        "a link to a file of the repository, or a copy",
    ),
)

#: How much of a path a message quotes: a real path fits; a path made to flood a log does not.
MAX_PATH_SHOWN: Final = 240
_HINT_ALLOW = f"to allow it, set {ALLOW_ENV}=1 where ontokit runs"


class Refusal(NamedTuple):
    """Why a reference is refused: a code, a one-line message, a hint (the file is never read)."""

    code: Code
    message: str
    hint: str


def shown_path(path: str | Path) -> str:
    """A path as a message quotes it: escaped, in quotes, at most ``MAX_PATH_SHOWN`` characters."""
    return quoted(path, MAX_PATH_SHOWN)


def find_root(folder: str | Path) -> Path:
    """The workspace root for a file in ``folder``: the nearest folder at or above it that holds an
    ``ontokit.yaml`` or ``.git`` (the git top level), else ``folder`` itself (absolute, links not
    resolved)."""
    here = Path(os.path.abspath(folder))
    for candidate in (here, *here.parents):
        # The git top level bounds the search: a workspace above the repository is not its root.
        if _has(candidate / WORKSPACE_FILE, file=True) or _has(candidate / ".git"):
            return candidate
    return here


def _has(path: Path, *, file: bool = False) -> bool:
    try:
        return path.is_file() if file else path.exists()
    except OSError:  # a folder above that this user may not look into: not a marker
        return False


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def check_reference(
    reference: str, base: str | Path, root: str | Path, what: str, *, allowed: bool | None = None
) -> Path | Refusal:
    """The file ``reference`` names (relative to the folder ``base``), or why it is refused: an
    absolute path, a ``..`` that leaves ``root``, or a link whose target lies outside ``root``.

    ``what`` names the reference in messages ("ontology path"). A glob pattern may be checked too
    (its fixed part decides). The answer is the real path (links resolved): read that one.
    """
    if allowed is None:
        allowed = outside_root_allowed()
    joined = os.path.join(os.path.abspath(base), reference)
    if allowed:
        return Path(os.path.normpath(joined))
    shown = shown_path(reference)
    if os.path.isabs(reference):
        return Refusal(
            "absolute-path",
            f"{what} {shown} is an absolute path; paths stay inside the workspace root",
            f"write it relative to this file; {_HINT_ALLOW}",
        )
    root_abs = os.path.abspath(root)
    if not _inside(os.path.normpath(joined), root_abs):
        return Refusal(
            "path-outside-root",
            f"{what} {shown} leads outside the workspace root ({shown_path(root_abs)})",
            f"keep the file inside the workspace; {_HINT_ALLOW}",
        )
    real = os.path.realpath(joined)
    if not _inside(real, os.path.realpath(root_abs)):
        return Refusal(
            "symlink-outside-root",
            f"{what} {shown} is a symbolic link (or lies below one) to a file outside the workspace root",
            f"link only to files of the repository, or copy the file; {_HINT_ALLOW}",
        )
    return Path(real)


def check_found(
    path: str | Path, root: str | Path, shown: str, *, allowed: bool | None = None
) -> Refusal | None:
    """Why a file found by a glob or in a folder must not be read (a link out of ``root``), or None."""
    if allowed is None:
        allowed = outside_root_allowed()
    if allowed or _inside(os.path.realpath(path), os.path.realpath(os.path.abspath(root))):
        return None
    return Refusal(
        "symlink-outside-root",
        f"{shown_path(shown)} is a symbolic link (or lies below one) to a file outside the workspace root",
        f"link only to files of the repository, or copy the file; {_HINT_ALLOW}",
    )
