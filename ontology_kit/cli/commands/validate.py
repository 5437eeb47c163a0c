"""``ontokit validate PATH...``"""

from __future__ import annotations

import click

from ...errors import ExitCode
from ._common import format_option, use_color


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@format_option("the report")
def validate_command(paths: tuple[str, ...], fmt: str) -> int:
    """Check ontology, project and workspace files (or folders of them).

    \b
    Each problem is one line: FILE:LINE:COL: error[CODE]: message; hint: ...
    Exit 0 when there is no error (warnings allowed), 1 otherwise.

    \b
    Examples:
      ontokit validate examples/ontologies
      ontokit validate ontology.yaml --format json
    """
    from ...project.check import check_paths
    from ...render.diagnostics import render_report

    report = check_paths(paths)
    click.echo(render_report(report, fmt, color=fmt == "text" and use_color()), nl=False)
    return ExitCode.OK if report.ok else ExitCode.ERROR
