"""``ontokit diff`` and ``ontokit show``: reviewing ontologies without a hub."""

from __future__ import annotations

import click

from ...errors import ExitCode
from ...plan.policy import FailOn
from ._common import check_gate_usage, echo_diagnostics, fail_on_options, format_option, gate, use_color


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
    "--hub",
    default=None,
    metavar="URL",
    help="Also count, on this hub's live projects, the existing annotations each change affects "
    "(a URL, ango, ango-us, ango-in, or embedded; without it nothing is counted).",
)
@format_option("the diff")
@click.option("--diagram", is_flag=True, help="markdown: add a Mermaid diagram of each changed subtree.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes.")
@fail_on_options
def diff_command(
    paths: tuple[str, ...],
    base: str | None,
    hub: str | None,
    fmt: str,
    diagram: bool,
    detailed_exitcode: bool,
    fail_on: FailOn | None,
    ignore_empty: bool,
) -> int:
    """Show what changes between two versions of ontologies and projects, offline.

    Either two files (OLD NEW: ontologies, project definitions or
    workspaces), or --base REF [PATH...]: the working tree against a git
    revision, for every changed ontology file, project definition (also when
    the ontology it uses changed) and workspace (under PATHs). Same changes,
    impacts and formats as `ontokit plan`.

    \b
    Examples:
      ontokit diff old.yaml new.yaml
      ontokit diff --base origin/main --format markdown --diagram > comment.md
      ontokit diff --base HEAD~1 --fail-on breaking-export   # CI gate: exit 3
      ontokit diff --base origin/main --hub "$ONTOKIT_HUB"   # with annotation counts
    """
    from ...render.mermaid import render_diff_comment
    from ...render.plans import render
    from ...review import diff_files, diff_git
    from ...workflow.counting import count_plan

    check_gate_usage(fail_on, ignore_empty)
    if base is None and len(paths) != 2:
        raise click.UsageError("give two files (OLD NEW), or --base REF [PATH...]")
    review = diff_git(base, paths) if base is not None else diff_files(paths[0], paths[1])
    if review.diagnostics:
        echo_diagnostics(review.diagnostics, fmt)
        return ExitCode.ERROR
    plan = review.plan
    if hub is not None:  # only when asked: a diff reads no hub, not even ONTOKIT_HUB's
        from ..run_view import RunView

        with RunView():  # retries are told
            plan = count_plan(plan, hub, review.root)
    if fmt == "markdown" and diagram:  # the diagrams within the comment's limit too
        text = render_diff_comment(plan, review.schemas, review.old_label)
    else:
        text = render(plan, fmt, color=fmt == "text" and use_color())
    click.echo(text, nl=False)
    gate(plan, fail_on, ignore_empty)
    return ExitCode.CHANGES if detailed_exitcode and plan.has_changes else ExitCode.OK


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
    import sys

    from ...render.mermaid import render_mermaid
    from ...render.tree import render_tree
    from ...review import show

    shown = show(file)
    echo_diagnostics(shown.diagnostics)
    if shown.schema is None:
        return ExitCode.ERROR
    if shown.source:
        click.echo(shown.source, err=True)
    if fmt == "mermaid":
        click.echo(render_mermaid(shown.schema), nl=False)
    else:
        click.echo(render_tree(shown.schema, shown.keys, color=use_color(sys.stdout)), nl=False)
    return ExitCode.OK
