"""Renderers of validation results: text (one line per problem) and JSON (the same, as data)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ...diagnostics import Diagnostic, Severity
from ...validate import FileResult

__all__ = ["FORMAT_VERSION", "render_json", "render_line", "render_summary"]

FORMAT_VERSION = "1.0"


def render_line(d: Diagnostic, color: bool = False) -> str:
    """``path:line:col: error[code]: message; hint: ...`` on one line."""
    label = f"{d.severity.value}[{d.code}]"
    if color:
        import click

        label = click.style(label, fg="red" if d.severity is Severity.ERROR else "yellow", bold=True)
    text = f"{d.location}: {label}: {d.message}"
    if d.hint:
        text += f"; hint: {d.hint}"
    return text


def render_summary(results: Sequence[FileResult], diags: Sequence[Diagnostic]) -> str:
    """``2 errors, 1 warning in 1 of 3 files`` or ``3 files valid``; ``diags`` are all of them."""
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = len(diags) - errors
    skipped = sum(r.skipped for r in results)
    results = [r for r in results if not r.skipped]
    n = len(results)
    files = f"{n} file" + ("" if n == 1 else "s")
    note = f" ({skipped} other YAML file{'s' if skipped != 1 else ''} skipped)" if skipped else ""
    if not diags:
        return f"ok: {files} valid{note}"
    bad = sum(not r.ok for r in results)
    parts = [f"{errors} error" + ("" if errors == 1 else "s")]
    if warnings:
        parts.append(f"{warnings} warning" + ("" if warnings == 1 else "s"))
    if not results:
        return ", ".join(parts) + note
    return ", ".join(parts) + (f" in {bad} of {files}" if bad else f" in {files}") + note


def render_json(results: Sequence[FileResult], diags: Sequence[Diagnostic]) -> str:
    """The JSON report (documented in docs/format.md, "Machine-readable output")."""
    errors = sum(d.severity is Severity.ERROR for d in diags)
    doc = {
        "format_version": FORMAT_VERSION,
        "valid": errors == 0,
        "error_count": errors,
        "warning_count": len(diags) - errors,
        "files": [{"file": r.file, "valid": r.ok} for r in results if not r.skipped],
        "skipped": [r.file for r in results if r.skipped],
        "diagnostics": [d.to_dict() for d in diags],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
