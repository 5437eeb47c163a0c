"""``ontokit diff`` and ``ontokit show``: reviewing ontologies without a hub."""

from __future__ import annotations

import sys

import click

from ._common import use_color

_IMPACT_ORDER = {"any": 0, "data-dependent": 1, "destructive": 2}


@click.command("diff")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--base",
    "base",
    default=None,
    metavar="REF",
    help="Compare the working tree with this git revision (a pull request's base).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True
)
@click.option("--diagram", is_flag=True, help="markdown: add a Mermaid diagram of each changed subtree.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes.")
@click.option(
    "--fail-on",
    type=click.Choice(["destructive", "data-dependent", "any"]),
    default=None,
    help="Exit 3 when a change of at least this impact is present (a CI gate).",
)
def diff_command(
    paths: tuple[str, ...],
    base: str | None,
    fmt: str,
    diagram: bool,
    detailed_exitcode: bool,
    fail_on: str | None,
) -> int:
    """Show what changes between two versions of ontologies, offline.

    Either two files (OLD NEW), or --base REF [PATH...]: the working tree
    against a git revision, for every changed ontology file (under PATHs).
    Same changes, impacts and formats as `ontokit plan`.

    \b
    Examples:
      ontokit diff old.yaml new.yaml
      ontokit diff --base origin/main --format markdown --diagram > comment.md
      ontokit diff --base HEAD~1 --fail-on destructive   # CI gate: exit 3
    """
    from pathlib import Path

    from ...errors import ExitCode, PolicyRefusal
    from ...render import render
    from ...review import Version, diff_versions, git_versions
    from ._targets import print_diagnostics

    if base is not None:
        versions = git_versions(base, list(paths))
        old_label, new_label = base, "working tree"
    else:
        if len(paths) != 2:
            raise click.UsageError("give two files (OLD NEW), or --base REF [PATH...]")
        texts = []
        for p in paths:
            try:
                texts.append(Path(p).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise click.FileError(p, hint=str(getattr(exc, "strerror", None) or exc)) from None
        versions = [Version(paths[1], texts[0], texts[1], old_name=paths[0])]
        old_label, new_label = paths
    plan, problems = diff_versions(versions, old_label, new_label)
    print_diagnostics(problems)
    if problems:
        return int(ExitCode.ERROR)
    text = render(plan, fmt, color=fmt == "text" and use_color())
    if fmt == "markdown" and diagram:
        text += _diagrams(plan, versions, old_label)
    click.echo(text, nl=False)
    if fail_on is not None:
        floor = _IMPACT_ORDER[fail_on]
        hits = [c for c in plan.changes if fail_on == "any" or c.impact.rank >= floor]
        if hits:
            worst = max((c.impact for c in hits), key=lambda i: i.rank)
            raise PolicyRefusal(
                f"{len(hits)} change(s) at or above --fail-on {fail_on} (worst: {worst.value})"
            )
    return 2 if detailed_exitcode and plan.has_changes else 0


def _diagrams(plan: object, versions: list, old_label: str) -> str:  # type: ignore[type-arg]
    """A Mermaid diagram per changed file: the changed items and their ancestors, colored by action."""
    from ...render.tree import render_mermaid
    from ...validate import check_text

    out = []
    by_path = {v.path: v for v in versions}
    for project in plan.projects:  # type: ignore[attr-defined]
        if not project.changes:
            continue
        v = by_path[project.name]
        highlight = {c.schema_id: c.action.value for c in project.changes if c.schema_id}
        for text, side in ((v.new, "new"), (v.old, old_label)):
            payload = check_text(text, v.path).payload if text is not None else None
            if payload is None:
                continue
            present = {s: a for s, a in highlight.items() if (a != "delete") == (side == "new")}
            if present:
                out.append(
                    f"\n#### {project.name} ({'after' if side == 'new' else 'before'}: "
                    f"{', '.join(sorted(set(present.values())))})\n\n"
                )
                out.append(render_mermaid(payload["categorySchema"], highlight=present, only=present))
    return "".join(out)


@click.command("show")
@click.argument("file", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["tree", "mermaid"]), default="tree", show_default=True)
def show_command(file: str, fmt: str) -> int:
    """Show an ontology as a tree (type, key, shortcut, color, conditions) or a Mermaid diagram.

    \b
    Examples:
      ontokit show examples/ontologies/driving-scenes.yaml
      ontokit show ontology.yaml --format mermaid >> README.md
    """
    from ...loader import read_file
    from ...project.load import detect_kind, load_project
    from ...render.tree import render_mermaid, render_tree
    from ...validate import check_file
    from ._targets import print_diagnostics

    if detect_kind(read_file(file).data) == "project":  # show the ontology the project uses
        spec, diags = load_project(file)
        print_diagnostics(diags)
        if spec is None:
            return 1
        click.echo(f"project {spec.name!r}: ontology {spec.ontology}", err=True)
        schema = spec.category_schema
        keys_from = spec.ontology if not spec.ontology.endswith("(inline)") else None
    else:
        result = check_file(file)
        print_diagnostics(result.diagnostics)
        if result.payload is None:
            return 1
        schema = result.payload["categorySchema"]
        keys_from = file
    if fmt == "mermaid":
        click.echo(render_mermaid(schema), nl=False)
    else:
        keys = _keys(keys_from) if keys_from else {}
        click.echo(render_tree(schema, keys, color=use_color(sys.stdout)), nl=False)
    return 0


def _keys(file: str) -> dict[str, str]:
    """schemaId → the user's `key:` of each category (the payload does not carry keys)."""
    from ...loader import read_file
    from ...model import Ontology
    from ...resolve import resolve

    try:
        resolved = resolve(Ontology.model_validate(read_file(file).data))
    except Exception:
        return {}
    return {n.schema_id: n.model.key for n in resolved.walk() if n.model.key}
