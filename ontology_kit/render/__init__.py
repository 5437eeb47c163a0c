"""Renderers of a :class:`~ontology_kit.plan.model.Plan`: pure functions from a plan to a string.

- ``text``: Terraform-like terminal output (:func:`render_text`, optionally colored);
- ``json``: the machine-readable plan (:func:`render_json`, :func:`plan_to_dict`), docs/plan-format.md;
- ``markdown``: a pull-request comment (:func:`render_markdown`), within GitHub's size limit.

Every rendering ends with a newline; none prints, reads a file or shows a sensitive value.
"""

from __future__ import annotations

from collections.abc import Callable

from ..plan.model import Plan
from .json import FORMAT_VERSION, plan_to_dict, render_json
from .markdown import render_markdown
from .text import render_text

__all__ = [
    "FORMAT_VERSION",
    "RENDERERS",
    "plan_to_dict",
    "render",
    "render_json",
    "render_markdown",
    "render_text",
]


def _text(plan: Plan, color: bool = False) -> str:
    return render_text(plan, color=color)


def _json(plan: Plan, color: bool = False) -> str:
    return render_json(plan)


def _markdown(plan: Plan, color: bool = False) -> str:
    return render_markdown(plan)


#: Output format name -> renderer ``(plan, color) -> str``; only ``text`` uses ``color``.
RENDERERS: dict[str, Callable[[Plan, bool], str]] = {"text": _text, "json": _json, "markdown": _markdown}


def render(plan: Plan, fmt: str, color: bool = False) -> str:
    """``plan`` in the format named ``fmt`` (a key of :data:`RENDERERS`); ValueError for others."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        choices = ", ".join(sorted(RENDERERS))
        raise ValueError(f"unknown plan format {fmt!r}: expected one of {choices}") from None
    return renderer(plan, color)
