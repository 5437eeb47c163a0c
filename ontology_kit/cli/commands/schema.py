"""``ontokit schema [-o OUT]``"""

from __future__ import annotations

import click

from ...errors import ExitCode


@click.command("schema")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write the schema here.")
@click.option(
    "--kind",
    type=click.Choice(["ontology", "project", "workspace"]),
    default="ontology",
    show_default=True,
    help="Which file format.",
)
def schema_command(out: str | None, kind: str) -> int:
    """Print the JSON Schema (2020-12) of an ontokit file format.

    It is generated from ontokit's models; schemas/ontology.schema.json is a
    copy, and editors use it through the first line of each ontology file:
    # yaml-language-server: $schema=../../schemas/ontology.schema.json

    \b
    Examples:
      ontokit schema > schemas/ontology.schema.json
      ontokit schema --kind project -o schemas/project.schema.json
    """
    from ..._io import write_atomic
    from ...schema import schema_text

    text = schema_text(kind)
    if out:
        write_atomic(out, text)
    else:
        click.echo(text, nl=False)
    return ExitCode.OK
