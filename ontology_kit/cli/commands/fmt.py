"""``ontokit fmt``"""

from __future__ import annotations

import click


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file would be reformatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Change nothing; print what would change.")
def fmt_command(paths: tuple[str, ...], check: bool, show_diff: bool) -> int:
    """Rewrite ontokit files in one canonical layout, keeping comments.

    Keys in the documented order, two-space indentation, list items indented
    under their key, and strings such as No, On or 1.10 double-quoted so that
    every YAML reader reads them as text. Formatting twice changes nothing.

    \b
    Examples:
      ontokit fmt examples
      ontokit fmt --check ontologies/        # CI / pre-commit: exit 1 if unformatted
      ontokit fmt --diff ontology.yaml
    """
    from ..._io import write_atomic
    from ...fmt import format_file, unified_diff
    from ...validate import find_ontology_files

    files, problems = find_ontology_files(paths)
    for p in problems:
        click.echo(f"{p.file}: error[{p.code}]: {p.message}", err=True)
    changed = failed = skipped = 0
    for path, shown in files:
        result = format_file(path, shown)
        if result.skipped:
            skipped += 1
            continue
        if result.error:
            failed += 1
            click.echo(f"error: {result.error}", err=True)
            continue
        if not result.changed:
            continue
        changed += 1
        if show_diff:
            click.echo(unified_diff(result), nl=False)
        elif check:
            click.echo(f"would reformat {shown}")
        else:
            write_atomic(path, result.formatted or "")
            click.echo(f"reformatted {shown}")
    verb = "would be reformatted" if (check or show_diff) else "reformatted"
    click.echo(
        f"{changed} file{'s' if changed != 1 else ''} {verb}, {len(files) - changed - failed - skipped} unchanged"
        + (f", {failed} with errors" if failed else "")
        + (f", {skipped} other YAML file{'s' if skipped != 1 else ''} skipped" if skipped else ""),
        err=True,
    )
    if failed or problems:
        return 1
    return 1 if check and changed else 0
