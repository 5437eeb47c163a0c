"""``ontokit validate PATH...``"""

from __future__ import annotations

import click

from ...errors import ExitCode
from ._common import format_option, use_color
from ._walk import echo_left_out, exclude_option, verbose_option


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@format_option("the report")
@exclude_option
@verbose_option
def validate_command(paths: tuple[str, ...], fmt: str, exclude: tuple[str, ...], verbose: bool) -> int:
    """Check ontology, project and workspace files (or folders of them).

    \b
    Each problem is one line: FILE:LINE:COL: error[CODE]: message; hint: ...
    Exit 0 when there is no error (warnings allowed), 1 otherwise.
    Other tools' YAML (GitHub Actions, dependabot, Kubernetes, compose,
    mkdocs, pre-commit, ...) is skipped; -v names each file skipped.

    \b
    Examples:
      ontokit validate examples/ontologies
      ontokit validate ontology.yaml --format json
      ontokit validate . --exclude 'deploy/*' -v
    """
    from ...project.check import check_paths
    from ...render.diagnostics import render_report

    report = check_paths(paths, exclude)
    if verbose:
        echo_left_out([(f.file, f.tool) for f in report.files if f.skipped], report.excluded)
    click.echo(render_report(report, fmt, color=fmt == "text" and use_color()), nl=False)
    return ExitCode.OK if report.ok else ExitCode.ERROR
