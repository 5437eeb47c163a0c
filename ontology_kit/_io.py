"""File output that never leaves a half-written file behind."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import OntokitError

__all__ = ["ALLOW_ENV", "outside_root_allowed", "write_atomic"]

#: Set to ``1`` to let paths leave the workspace root (absolute paths, ``..``, links out):
#: docs/projects.md, "Path rules". An environment variable, not a setting a pull request could edit.
ALLOW_ENV = "ONTOKIT_ALLOW_PATHS_OUTSIDE_ROOT"


def outside_root_allowed(env: Mapping[str, str] | None = None) -> bool:
    """Whether the user allowed paths outside the workspace root (``ALLOW_ENV`` set to 1)."""
    value = (os.environ if env is None else env).get(ALLOW_ENV, "")
    return value.strip().lower() in ("1", "true", "yes")


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename (all or nothing).

    Only a regular file (or a new one) is replaced so: a symbolic link is written through to its
    file, and a device or pipe (``/dev/stdout``, ``/dev/null``) is written to as it is, since a rename
    would replace the device itself.
    """
    target = Path(path)
    try:
        mode: int | None = os.stat(target).st_mode  # through links
    except OSError:
        mode = None  # a new file (or one the write below reports on)
    if mode is not None and stat.S_ISDIR(mode):
        raise OntokitError(f"cannot write {path}: it is a directory")
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with open(target, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            raise OntokitError(f"cannot write {path}: {exc.strerror or exc}") from None
        return
    if target.is_symlink():
        target = target.resolve()
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise OntokitError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OntokitError(f"cannot write {path}: {exc.strerror or exc}") from None
