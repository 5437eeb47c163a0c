"""``ontokit import``"""

from __future__ import annotations

import click


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
    import json
    import os
    from pathlib import Path

    from ..._io import write_atomic
    from ...errors import OntokitError
    from ...importer import category_schema_of, import_category_schema, ontology_yaml, project_yaml
    from ...plan.diff import diff_category_schema
    from ...validate import check_text

    if (project_id is None) == (from_json is None):
        raise click.UsageError("give a PROJECT_ID or --from-json FILE (one of them)")
    if project_file and not out:
        raise click.UsageError("--project-file needs -o: the project definition refers to the ontology file")
    for target in filter(None, (out, project_file)):
        if Path(target).exists() and not force:
            raise OntokitError(f"{target} exists; pass --force to overwrite it")
    project: dict | None = None  # type: ignore[type-arg]
    if from_json:
        try:
            doc = json.loads(Path(from_json).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise OntokitError(f"{from_json}: cannot read JSON: {exc}") from None
        source = from_json
        if isinstance(doc, dict):
            inner = (
                doc.get("data", {}).get("project")
                if isinstance(doc.get("data"), dict)
                else doc.get("project", doc)
            )
            project = inner if isinstance(inner, dict) and "name" in inner else None
    else:
        from ...client import open_client, resolve_target

        target = resolve_target(hub)
        click.echo(f"hub: {target.description}", err=True)
        with open_client(target) as client:
            doc = client.get_project(project_id or "")
        project = doc
        source = f"project {project_id} on {target.description}"
    if project_file and project is None:  # before writing anything: never leave half an import behind
        raise OntokitError(
            "--project-file needs a project (name, id): the JSON holds only a category schema; "
            "import by PROJECT_ID, or give the project's JSON"
        )
    schema = category_schema_of(doc)
    result = import_category_schema(schema)
    text = ontology_yaml(result, source, _schema_ref(out, "ontology"))
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    compiled = check_text(text, out or "<imported>")
    if compiled.payload is None:
        for d in compiled.diagnostics:
            click.echo(
                f"warning: the imported ontology needs fixing: {d.location}: {d.code}: {d.message}", err=True
            )
    else:
        left = diff_category_schema(compiled.payload["categorySchema"], schema)
        if left:
            click.echo(
                f"warning: {len(left)} difference(s) remain after import: "
                + "; ".join(f"{c.action.value} {c.path}" for c in left[:5]),
                err=True,
            )
        else:
            click.echo("imported losslessly: the file compiles back to the same category schema", err=True)
    if out:
        write_atomic(out, text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)
    if project_file and project is not None:
        rel = os.path.relpath(Path(out or "").resolve(), Path(project_file).resolve().parent)
        write_atomic(project_file, project_yaml(project, rel, _schema_ref(project_file, "project")))
        click.echo(f"wrote {project_file}", err=True)
    return 0


def _schema_ref(output: str | None, kind: str) -> str:
    """Where editors find the schema: schemas/ in the repository, relative to the output, if found."""
    import os
    from pathlib import Path

    from ...schema import KINDS, SCHEMA_BASE

    start = Path(output).resolve().parent if output else Path.cwd()
    for folder in (start, *start.parents):
        candidate = folder / "schemas" / KINDS[kind]
        if candidate.is_file():
            return os.path.relpath(candidate, start)
        if (folder / ".git").exists():
            break
    return SCHEMA_BASE + KINDS[kind]
