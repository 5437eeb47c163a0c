"""``ontokit import``"""

from __future__ import annotations

import click

from ...errors import ExitCode
from ._common import echo_diagnostics, echo_line, showing_diagnostics


@click.command("import")
@click.argument("project_id", required=False)
@click.option(
    "--from-json",
    "from_json",
    type=click.Path(dir_okay=False),
    help='Read a category schema JSON (the UI\'s JSON, a get_project answer, or {"categorySchema": ...}).',
)
@click.option(
    "--hub",
    default=None,
    metavar="URL",
    help="Hub to read PROJECT_ID from [default: $ONTOKIT_HUB, else embedded].",
)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write the ontology here.")
@click.option(
    "--project-file",
    type=click.Path(dir_okay=False),
    help="Also write a project definition (name, description, id, batches) using the ontology.",
)
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
def import_command(
    project_id: str | None,
    from_json: str | None,
    hub: str | None,
    out: str | None,
    project_file: str | None,
    force: bool,
) -> int:
    """Import a live project's ontology (or a JSON file) as readable ontokit YAML.

    Every schemaId, color, shortcut, order, tree and conditional link is kept
    (ids pinned: existing annotations use them); parentOptionId is written as
    the option's value; defaults are left out. The result compiles back to the
    same payload, and with --project-file, `ontokit plan` right after reports
    no changes.

    \b
    Examples:
      ontokit import 64ab12... -o ontology.yaml --project-file project.yaml
      ontokit import --from-json schema.json -o ontology.yaml
    """
    from ...workflow.imports import import_ontology

    if (project_id is None) == (from_json is None):
        raise click.UsageError("give a PROJECT_ID or --from-json FILE (one of them)")
    if project_file and not out:
        raise click.UsageError("--project-file needs -o: the project definition refers to the ontology file")
    from ..run_view import RunView

    # A schema the format cannot hold: its errors, and nothing written. RunView: retries are told.
    with showing_diagnostics(), RunView():
        imported = import_ontology(
            project_id=project_id,
            from_json=from_json,
            hub=hub,
            out=out,
            project_file=project_file,
            force=force,
            on_hub=lambda target: echo_line(f"hub: {target.description}", err=True),
        )
    for warning in imported.warnings:
        echo_line(f"warning: {warning}", err=True)
    if imported.problems:  # warnings only (an undocumented shortcut key, say): the file validates
        echo_diagnostics(imported.problems)
    if imported.remaining:
        shown = "; ".join(f"{c.action.value} {c.path}" for c in imported.remaining[:5])
        echo_line(f"warning: {len(imported.remaining)} difference(s) remain after import: {shown}", err=True)
    else:
        click.echo("imported losslessly: the file compiles back to the same category schema", err=True)
    if not out:
        click.echo(imported.ontology, nl=False)
    for path in imported.written:
        echo_line(f"wrote {path}", err=True)
    return ExitCode.OK
