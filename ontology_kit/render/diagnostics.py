"""Views of diagnostics: one text line each, a JSON report, or a Markdown list (for a PR comment).

A :class:`~ontology_kit.diagnostics.Report` is what ``validate`` checked (files and diagnostics); the
other commands show the diagnostics of their input in the same shapes. Nothing here prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Final

import click

from .._text import one_line
from ..diagnostics import Diagnostic, Report, Severity
from . import check_format
from .escape import md_code, md_prose, md_text

__all__ = [
    "DIAGNOSTIC_VIEWS",
    "FORMAT_VERSION",
    "REPORT_VIEWS",
    "render_diagnostics",
    "render_json",
    "render_line",
    "render_markdown",
    "render_report",
    "render_summary",
    "render_text",
    "summary",
]

FORMAT_VERSION = "1.0"


def render_line(d: Diagnostic, color: bool = False) -> str:
    """``path:line:col: error[code]: message; hint: ...`` on one line."""
    label = f"{d.severity.value}[{d.code}]"
    if color:
        label = click.style(label, fg="red" if d.severity is Severity.ERROR else "yellow", bold=True)
    # One line whatever a file name or a quoted value holds (newlines, escape sequences).
    text = f"{one_line(d.location)}: {label}: {one_line(d.message)}"
    if d.hint:
        text += f"; hint: {one_line(d.hint)}"
    return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary(report: Report) -> str:
    """``2 errors, 1 warning in 1 of 3 files`` or ``ok: 3 files valid``."""
    skipped = sum(f.skipped for f in report.files)
    files = [f for f in report.files if not f.skipped]
    n = _plural(len(files), "file")
    notes = [f"{skipped} other YAML file{'s' if skipped != 1 else ''} skipped"] if skipped else []
    notes += [f"{len(report.excluded)} excluded"] if report.excluded else []
    note = f" ({', '.join(notes)})" if notes else ""
    if not report.diagnostics:
        return f"ok: {n} valid{note}"
    parts = [_plural(report.error_count, "error")]
    if report.warning_count:
        parts.append(_plural(report.warning_count, "warning"))
    if not files:
        return ", ".join(parts) + note
    bad = sum(not f.ok for f in files)
    return ", ".join(parts) + (f" in {bad} of {n}" if bad else f" in {n}") + note


def render_summary(report: Report) -> str:
    """The summary line alone (see :func:`summary`)."""
    return summary(report)


def render_text(report: Report, color: bool = False, *, with_summary: bool = True) -> str:
    """Every diagnostic on its own line, then (``with_summary``) the summary line."""
    lines = [render_line(d, color) for d in report.diagnostics]
    if with_summary:
        lines.append(summary(report))
    return "".join(f"{line}\n" for line in lines)


def render_json(report: Report, color: bool = False, *, with_summary: bool = True) -> str:
    """The JSON report (documented in docs/format.md, "Machine-readable output")."""
    doc = {
        "format_version": FORMAT_VERSION,
        "valid": report.ok,
        "error_count": report.error_count,
        "warning_count": report.warning_count,
        "files": [{"file": f.file, "valid": f.ok} for f in report.files if not f.skipped],
        "skipped": [f.file for f in report.files if f.skipped],
        "skipped_tools": {f.file: f.tool for f in report.files if f.skipped and f.tool},
        "excluded": list(report.excluded),
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_markdown(report: Report, color: bool = False, *, with_summary: bool = True) -> str:
    """A Markdown list of the diagnostics under a bold summary line (for a pull-request comment)."""
    lines = [f"**ontokit: {md_text(summary(report))}**", ""]
    for d in report.diagnostics:
        hint = f" (hint: {md_prose(d.hint)})" if d.hint else ""
        where = f"{md_code(d.location)} {d.severity.value} {md_code(d.code)}"
        lines.append(f"- {where}: {md_prose(d.message)}{hint}")
    return "\n".join(lines) + "\n"


def _text_diagnostics(report: Report, color: bool = False) -> str:
    return render_text(report, color, with_summary=False)


#: Format name -> view of ``validate``'s report: every diagnostic, then a summary.
REPORT_VIEWS: Final[Mapping[str, Callable[[Report, bool], str]]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
#: Format name -> view of the problems of a command's input (as the report; text: no summary line).
DIAGNOSTIC_VIEWS: Final[Mapping[str, Callable[[Report, bool], str]]] = {
    "text": _text_diagnostics,
    "json": render_json,
    "markdown": render_markdown,
}


def render_report(report: Report, fmt: str, color: bool = False) -> str:
    """A validation report in the format named ``fmt``."""
    return REPORT_VIEWS[check_format(fmt)](report, color)


def render_diagnostics(diagnostics: tuple[Diagnostic, ...], fmt: str, color: bool = False) -> str:
    """The diagnostics of a command's input in the format named ``fmt`` ("" when there are none)."""
    if not diagnostics:
        return ""
    return DIAGNOSTIC_VIEWS[check_format(fmt)](Report((), diagnostics), color)
