"""Views: a plan, the diagnostics of a run, or a hub's projects, as text, JSON or Markdown.

One registry, :data:`FORMATS`, names every output format; each :class:`Format` renders the models
ontokit shows: a :class:`~ontology_kit.plan.model.Plan`, a diagnostics
:class:`~ontology_kit.diagnostics.Report`, and a list of projects. Commands take their ``--format``
choices from it; all renderers are pure functions to strings.

- ``text``: Terraform-like terminal output (optionally colored); diagnostics one line each;
- ``json``: the machine-readable plan (docs/plan-format.md) and diagnostics report (docs/format.md);
- ``markdown``: a pull-request comment, within GitHub's size limit.

Every rendering ends with a newline; none prints, reads a file or shows a sensitive value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ..diagnostics import Diagnostic, Report
from ..plan.model import Plan
from ..state import ProjectSummary
from . import diagnostics as _diagnostics
from . import projects as _projects
from .json import FORMAT_VERSION, plan_to_dict, render_json
from .markdown import render_markdown
from .text import render_text

__all__ = [
    "FORMATS",
    "FORMAT_VERSION",
    "RENDERERS",
    "Format",
    "get_format",
    "plan_to_dict",
    "render",
    "render_diagnostics",
    "render_json",
    "render_markdown",
    "render_report",
    "render_text",
]


@dataclass(frozen=True)
class Format:
    """One output format: how it shows a plan, a validation report, and another command's diagnostics."""

    name: str
    plan: Callable[[Plan, bool], str]  # (plan, color) -> text
    report: Callable[[Report, bool], str]  # `validate`'s output: every diagnostic, then a summary
    diagnostics: Callable[[Report, bool], str]  # the problems of a command's input (text: no summary)
    projects: Callable[[Sequence[ProjectSummary]], str]  # a hub's project list


def _text_plan(plan: Plan, color: bool = False) -> str:
    return render_text(plan, color=color)


def _json_plan(plan: Plan, color: bool = False) -> str:
    return render_json(plan)


def _markdown_plan(plan: Plan, color: bool = False) -> str:
    return render_markdown(plan)


def _text_diagnostics(report: Report, color: bool = False) -> str:
    return _diagnostics.render_text(report, color, with_summary=False)


#: Every output format, by the name ``--format`` takes.
FORMATS: Final[Mapping[str, Format]] = {
    "text": Format("text", _text_plan, _diagnostics.render_text, _text_diagnostics, _projects.render_text),
    "json": Format(
        "json", _json_plan, _diagnostics.render_json, _diagnostics.render_json, _projects.render_json
    ),
    "markdown": Format(
        "markdown",
        _markdown_plan,
        _diagnostics.render_markdown,
        _diagnostics.render_markdown,
        _projects.render_markdown,
    ),
}

#: Output format name -> plan renderer ``(plan, color) -> str``; only ``text`` uses ``color``.
RENDERERS: Final[Mapping[str, Callable[[Plan, bool], str]]] = {name: f.plan for name, f in FORMATS.items()}


def get_format(name: str, what: str = "output") -> Format:
    """The format named ``name``; ValueError for a name that is not in :data:`FORMATS`."""
    try:
        return FORMATS[name]
    except KeyError:
        choices = ", ".join(sorted(FORMATS))
        raise ValueError(f"unknown {what} format {name!r}: expected one of {choices}") from None


def render(plan: Plan, fmt: str, color: bool = False) -> str:
    """``plan`` in the format named ``fmt`` (a key of :data:`FORMATS`); ValueError for others."""
    return get_format(fmt, "plan").plan(plan, color)


def render_report(report: Report, fmt: str, color: bool = False) -> str:
    """A validation report in the format named ``fmt``."""
    return get_format(fmt).report(report, color)


def render_diagnostics(diagnostics: tuple[Diagnostic, ...], fmt: str, color: bool = False) -> str:
    """The diagnostics of a command's input in the format named ``fmt`` ("" when there are none)."""
    if not diagnostics:
        return ""
    return get_format(fmt).diagnostics(Report((), diagnostics), color)
