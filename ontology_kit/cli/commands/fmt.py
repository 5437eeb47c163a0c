"""``ontokit fmt``"""

from __future__ import annotations

import click

from ...errors import ExitCode
from ._common import echo_diagnostics, echo_line
from ._walk import echo_left_out, exclude_option, verbose_option


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file would be reformatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Change nothing; print what would change.")
@exclude_option
@verbose_option
def fmt_command(
    paths: tuple[str, ...], check: bool, show_diff: bool, exclude: tuple[str, ...], verbose: bool
) -> int:
    """Rewrite ontokit files in one canonical layout, keeping comments.

    Keys in the documented order, two-space indentation, list items indented
    under their key, and strings such as true, null or 1.10 double-quoted so
    that ontokit reads them as text (Yes, No, on: strings in YAML 1.2, left as
    written). Formatting twice changes nothing.

    \b
    Examples:
      ontokit fmt examples
      ontokit fmt --check ontologies/        # CI / pre-commit: exit 1 if unformatted
      ontokit fmt --diff ontology.yaml
    """
    from ...fmt import format_paths, unified_diff

    run = format_paths(paths, write=not (check or show_diff), exclude=exclude)
    echo_diagnostics(run.problems)
    if verbose:
        echo_left_out([(r.file, r.tool) for r in run.results if r.skipped], run.excluded)
    for result in run.results:
        if result.error:
            echo_line(f"error: {result.error}", err=True)
        elif result.changed and show_diff:
            click.echo(unified_diff(result), nl=False)
        elif result.changed:
            echo_line(f"{'would reformat' if check else 'reformatted'} {result.file}")
    changed, failed, skipped = len(run.changed), len(run.failed), run.skipped
    verb = "would be reformatted" if not run.written else "reformatted"
    line = f"{changed} file{'s' if changed != 1 else ''} {verb}, {run.unchanged} unchanged"
    line += f", {failed} with errors" if failed else ""
    line += f", {skipped} other YAML file{'s' if skipped != 1 else ''} skipped" if skipped else ""
    line += f", {len(run.excluded)} excluded" if run.excluded else ""
    click.echo(line, err=True)
    if failed or run.problems:
        return ExitCode.ERROR
    return ExitCode.ERROR if check and changed else ExitCode.OK
