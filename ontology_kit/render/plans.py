"""The views of a :class:`~ontology_kit.plan.model.Plan`, one per output format."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from ..plan.model import Plan
from . import check_format
from .json import FORMAT_VERSION, plan_to_dict, render_json
from .markdown import render_markdown
from .text import render_text

__all__ = [
    "FORMAT_VERSION",
    "PLAN_VIEWS",
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


#: Format name -> plan view ``(plan, color) -> str``; only ``text`` uses ``color``.
PLAN_VIEWS: Final[Mapping[str, Callable[[Plan, bool], str]]] = {
    "text": _text,
    "json": _json,
    "markdown": _markdown,
}
RENDERERS = PLAN_VIEWS  # the name it had


def render(plan: Plan, fmt: str, color: bool = False) -> str:
    """``plan`` in the format named ``fmt`` (one of ``render.FORMATS``); ValueError for others."""
    return PLAN_VIEWS[check_format(fmt, "plan")](plan, color)
