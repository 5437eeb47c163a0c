"""Views of a hub's project list (``ontokit hub projects``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from .._text import one_line
from ..state import ProjectSummary
from . import check_format
from .escape import md_code, md_text

__all__ = ["PROJECT_VIEWS", "render_json", "render_markdown", "render_projects", "render_text"]


def render_text(projects: Sequence[ProjectSummary]) -> str:
    """One line per project: id, creation date, name."""
    return "".join(f"{one_line(p.id)}  {one_line(p.created_at[:10])}  {one_line(p.name)}\n" for p in projects)


def render_json(projects: Sequence[ProjectSummary]) -> str:
    """A JSON list of ``{"_id", "name", "description", "createdAt"}``, as the hub names them."""
    doc = [
        {"_id": p.id, "name": p.name, "description": p.description, "createdAt": p.created_at}
        for p in projects
    ]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_markdown(projects: Sequence[ProjectSummary]) -> str:
    """A Markdown table."""
    rows = ["| id | created | name |", "| --- | --- | --- |"]
    rows += [
        f"| {md_code(p.id, table=True)} | {md_text(p.created_at[:10])} | {md_text(p.name)} |"
        for p in projects
    ]
    return "\n".join(rows) + "\n"


#: Format name -> view of a project list.
PROJECT_VIEWS: Final[Mapping[str, Callable[[Sequence[ProjectSummary]], str]]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}


def render_projects(projects: Sequence[ProjectSummary], fmt: str) -> str:
    """A project list in the format named ``fmt``."""
    return PROJECT_VIEWS[check_format(fmt)](projects)
