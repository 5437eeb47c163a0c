"""``ontokit compile FILE [-o OUT]``"""

from __future__ import annotations

import click

from ...errors import ExitCode
from ._common import echo_diagnostics, echo_line


@click.command("compile")
@click.argument("file", type=click.Path())
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False),
    help="Write the payload here (atomically) instead of standard output.",
)
@click.option("--compact", is_flag=True, help="One line, byte for byte the request body the SDK sends.")
def compile_command(file: str, out: str | None, compact: bool) -> int:
    """Compile an ontology into the create_label_set request body.

    Prints {"categorySchema": {"tools": [...], "classifications": [...],
    "relations": [...]}}, field for field what imerit_ango's
    SDK.create_label_set sends. The same file always compiles to the same bytes.
    On errors, nothing is written and the exit code is 1.

    \b
    Examples:
      ontokit compile examples/ontologies/driving-scenes.yaml
      ontokit compile ontology.yaml -o payload.json
    """
    from ..._io import write_atomic
    from ...payload import dumps_payload
    from ...validate import check_file

    result = check_file(file)
    echo_diagnostics(result.diagnostics)
    if result.payload is None:
        return ExitCode.ERROR
    text = dumps_payload(result.payload, compact=compact)
    if out:
        write_atomic(out, text if text.endswith("\n") else text + "\n")
        echo_line(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    return ExitCode.OK
