"""A project definition's own fields, checked before anything reaches a hub: names that a hub would
refuse on apply (blank), and ids that could not name one project in a URL."""

from __future__ import annotations

import re
from typing import Final

from .._text import quoted
from ..codes import Rule
from ..diagnostics import Diagnostic
from .model import ProjectFile

__all__ = ["RULES", "check_fields", "id_problem"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "blank-name",
        "a project or batch name is blank (spaces only)",
        "project and batch names are not blank",
        "`name: '   '`",
        "`name: Road scenes`",
    ),
    Rule(
        "invalid-project-id",
        "a project `id` that cannot name one project: empty, `.`/`..`, or holding `/`, spaces or controls",
        "an `id` is the hub's id of the project, one URL segment",
        "`id: ''`, `id: ../listProjects`",
        "`id: 6571c1f0a5b4d3e2f1a0b9c8`",
    ),
)

#: Whitespace (any Unicode space), a slash, a backslash, or a control character (C0, DEL, C1).
_BAD_ID_CHAR = re.compile(r"[\s/\\\x00-\x1f\x7f-\x9f]")


def id_problem(project_id: str) -> str | None:
    """What is wrong with ``project_id`` as one project's id (one URL path segment), or None."""
    if not project_id:
        return "is empty"
    if project_id in (".", ".."):
        return f"is {project_id!r}, a relative path step"
    bad = _BAD_ID_CHAR.search(project_id)
    if bad is not None:
        char = bad.group()
        what = "a slash" if char in "/\\" else "a space" if char.isspace() else "a control character"
        return f"holds {what} ({char!r})"
    return None


def check_fields(model: ProjectFile, file: str) -> list[Diagnostic]:
    """The name, the batch names and the id of one definition (data paths; the caller locates them)."""
    out: list[Diagnostic] = []
    if not model.name.strip():
        out.append(
            Diagnostic(
                "blank-name",
                "the project's name is blank",
                file,
                path=("name",),
                hint="the hub refuses a blank name; give the project a name people can find",
            )
        )
    for i, batch in enumerate(model.batches):
        if not batch.name.strip():
            out.append(
                Diagnostic(
                    "blank-name",
                    f"batch {i + 1}'s name is blank",
                    file,
                    path=("batches", i),
                    hint="the hub refuses a blank batch name",
                )
            )
    if model.id is not None:
        problem = id_problem(model.id)
        if problem is not None:
            out.append(
                Diagnostic(
                    "invalid-project-id",
                    f"`id` {quoted(model.id)} {problem}",
                    file,
                    path=("id",),
                    hint="copy the project's id from the hub, or remove `id:` to find the project by name",
                )
            )
    return out
