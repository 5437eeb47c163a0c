"""Views: a plan, the diagnostics of a run, or a hub's projects, as text, JSON or Markdown.

:data:`FORMATS` is the one registry of output formats: every command's ``--format`` takes its
choices from it. Each model's views are a table keyed by those names, beside the views themselves:
``plans.PLAN_VIEWS`` (a :class:`~ontology_kit.plan.model.Plan`), ``diagnostics.REPORT_VIEWS`` and
``diagnostics.DIAGNOSTIC_VIEWS`` (a :class:`~ontology_kit.diagnostics.Report`), and
``projects.PROJECT_VIEWS`` (a project list); a test checks that every table covers every format.
This module imports none of them, so that a command loads only the views it shows.

- ``text``: Terraform-like terminal output (optionally colored); diagnostics one line each;
- ``json``: the machine-readable plan (docs/plan-format.md) and diagnostics report (docs/format.md);
- ``markdown``: a pull-request comment, within GitHub's size limit.

Every rendering ends with a newline; none prints, reads a file or shows a sensitive value.
"""

from __future__ import annotations

from typing import Final

__all__ = ["FORMATS", "check_format"]

#: Every output format, by the name ``--format`` takes.
FORMATS: Final[tuple[str, ...]] = ("text", "json", "markdown")


def check_format(name: str, what: str = "output") -> str:
    """``name``, when it is a format of :data:`FORMATS`; ValueError otherwise."""
    if name not in FORMATS:
        raise ValueError(f"unknown {what} format {name!r}: expected one of {', '.join(sorted(FORMATS))}")
    return name
