"""An instructions file a definition names (``instructions:``), read within bounds: plan records its
size and digest, apply uploads exactly the content that was planned."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Final

from ..codes import Code
from ..errors import InputError
from ..setup_state import Instructions

__all__ = [
    "MAX_INSTRUCTIONS_BYTES",
    "instructions_of",
    "instructions_problem",
    "plan_path",
    "read_instructions",
]

#: The largest instructions file ontokit uploads (the local Hub's bound, hub/project_routes.py).
MAX_INSTRUCTIONS_BYTES: Final = 10 * 1024 * 1024


def instructions_problem(path: Path) -> tuple[Code, str] | None:
    """Why the file at ``path`` cannot be uploaded as instructions (a code and the words that end
    "instructions file X ..."), or None: missing, not a regular file (a folder, or a FIFO that
    reading would wait on forever), larger than the bound, or unreadable."""
    try:
        if not path.exists():
            return "file-not-found", "not found"
        if not path.is_file():
            return "file-unreadable", "is not a regular file"
        if path.stat().st_size > MAX_INSTRUCTIONS_BYTES:
            return "instructions-too-large", f"is larger than {MAX_INSTRUCTIONS_BYTES:,} bytes"
    except OSError:
        return "file-unreadable", "cannot be read"
    return None


def read_instructions(path: Path) -> bytes:
    """The file's content.

    Raises:
        InputError: :func:`instructions_problem` finds one, or reading fails, or the file grew
            past the bound since.
    """
    problem = instructions_problem(path)
    if problem is not None:
        raise InputError(f"instructions file {path} {problem[1]}")
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_INSTRUCTIONS_BYTES + 1)
    except OSError as exc:
        raise InputError(
            f"cannot read instructions file {path}: {exc.strerror or type(exc).__name__}"
        ) from None
    if len(content) > MAX_INSTRUCTIONS_BYTES:
        raise InputError(f"instructions file {path} is larger than {MAX_INSTRUCTIONS_BYTES:,} bytes")
    return content


def plan_path(path: str | Path) -> str:
    """How a plan names a file: relative to where ontokit runs when it lies below it (links not
    resolved), else absolute. Applying a saved plan refuses a path that is absolute or leaves that
    folder (``workflow/session.py``), so a plan made in a workspace applies from there."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative


def instructions_of(path: Path, shown: str) -> Instructions:
    """What a plan records of the file at ``path`` (named ``shown``: :func:`plan_path`)."""
    content = read_instructions(path)
    return Instructions(plan_path(shown), hashlib.sha256(content).hexdigest(), len(content))
