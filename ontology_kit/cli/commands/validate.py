"""``ontokit validate PATH...``"""

from __future__ import annotations

import click

from ._common import format_option, use_color


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@format_option
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
    from ...validate import check_path, find_ontology_files
    from ..views.diagnostics import render_json, render_line, render_summary

    files, problems = find_ontology_files(paths)
    results = [check_path(path, display) for path, display in files]
    # A project file is checked with its ontology, a workspace with its projects: report each
    # problem once, however many of the given files lead to it.
    diagnostics = list(dict.fromkeys([*problems, *(d for r in results for d in r.diagnostics)]))
    if fmt == "json":
        click.echo(render_json(results, diagnostics), nl=False)
    else:
        color = use_color()
        for d in diagnostics:
            click.echo(render_line(d, color))
        click.echo(render_summary(results, diagnostics))
    return 0 if all(r.ok for r in results) and not problems else 1
