"""``ontokit plan`` and ``ontokit apply``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ._common import use_color

_HUB_HELP = (
    "Hub: a URL, ango, ango-us, ango-in, or embedded [default: $ONTOKIT_HUB, else the workspace's hub:, "
    "else the embedded local hub]."
)


def _progress(verb: str) -> Any:
    """Per-project progress lines on a terminal (stderr), nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def done(project: Any, calls: int | None = None) -> None:
        n = len(project.changes)
        extra = f", {calls} call{'s' if calls != 1 else ''}" if calls is not None else ""
        click.echo(f"  {verb} {project.name} ({n} change{'s' if n != 1 else ''}{extra})", err=True)

    return done


@click.command("plan")
@click.argument("target", required=False, type=click.Path())
@click.option("--hub", default=None, metavar="URL", help=_HUB_HELP)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False), help="Save the plan, for `ontokit apply FILE`."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes (0: none, 1: error).")
def plan_command(
    target: str | None, hub: str | None, out: str | None, fmt: str, detailed_exitcode: bool
) -> int:
    """Show what apply would change on the hub, and what it would do to existing annotations.

    TARGET is a project definition, a workspace (ontokit.yaml) or a folder
    holding one [default: the nearest ontokit.yaml].

    \b
    Examples:
      ontokit plan
      ontokit plan projects/staging.yaml --out staging.plan.json
      ontokit plan --format markdown > plan.md
      ontokit plan --detailed-exitcode   # CI: 0 no changes, 2 changes, 1 error
    """
    from ..._io import write_atomic
    from ...client import resolve_target
    from ...plan.planfile import dumps_plan
    from ...render import render
    from ...workflow import hub_record, open_session
    from ._targets import choose_hub, load_target

    loaded = load_target(target)
    hub_target = resolve_target(choose_hub(hub, loaded.workspace_hub))
    if fmt != "text":  # the text plan names its hub in its first line
        click.echo(f"hub: {hub_target.description}", err=True)
    with open_session(hub_target) as session:
        plan = session.plan(session.planner.targets(loaded.specs), _progress("planned"))
    click.echo(render(plan, fmt, color=fmt == "text" and use_color()), nl=False)
    if out:
        write_atomic(out, dumps_plan(plan, hub_record(hub_target)))
        click.echo(f"Saved the plan to {out}; apply exactly this with: ontokit apply {out}", err=True)
    return 2 if detailed_exitcode and plan.has_changes else 0


@click.command("apply")
@click.argument("target", required=False, type=click.Path())
@click.option("--hub", default=None, metavar="URL", help=_HUB_HELP)
@click.option("--auto-approve", is_flag=True, help="Apply without asking (required without a terminal).")
@click.option("--allow-destructive", is_flag=True, help="Allow changes that can orphan existing annotations.")
def apply_command(target: str | None, hub: str | None, auto_approve: bool, allow_destructive: bool) -> int:
    """Apply the definitions (or a saved plan) to the hub, then verify it converged.

    TARGET is a project definition, a workspace (ontokit.yaml), a folder holding
    one, or a plan saved with `ontokit plan --out` [default: the nearest
    ontokit.yaml]. Shows the plan and asks for `yes`; refuses destructive
    changes unless --allow-destructive (exit 3); refuses a saved plan whose
    projects changed on the hub since (stale). After applying, reads the
    projects back and plans again: anything left is a "did not converge" error.

    \b
    Examples:
      ontokit apply
      ontokit apply staging.plan.json
      ontokit apply projects/prod.yaml --auto-approve --allow-destructive
    """
    from ...applier import apply_plan, destructive_changes
    from ...client import resolve_target
    from ...errors import OntokitError, PolicyRefusal
    from ...render import render
    from ...workflow import open_session, plan_saved, saved_target
    from ._targets import choose_hub, load_target

    saved = _saved_plan(target)
    if saved is not None:
        hub_target = saved_target(saved, hub)
    else:
        loaded = load_target(target)
        hub_target = resolve_target(choose_hub(hub, loaded.workspace_hub))
    with open_session(hub_target) as session:
        if saved is not None:
            plan = plan_saved(session, saved, _progress("planned"))
        else:
            plan = session.plan(session.planner.targets(loaded.specs), _progress("planned"))
        click.echo(render(plan, "text", color=use_color()), nl=False)
        if not plan.has_changes:
            click.echo("Nothing to apply.")
            return 0
        destructive = destructive_changes(plan)
        if destructive and not allow_destructive:
            raise PolicyRefusal(
                f"refusing to apply {len(destructive)} destructive change(s) that can orphan "
                "existing annotations; review them, then pass --allow-destructive"
            )
        if not auto_approve:
            if not sys.stdin.isatty():
                raise OntokitError(
                    "refusing to apply without confirmation: no terminal to ask on; pass --auto-approve"
                )
            answer = click.prompt(
                "Apply these changes? Only 'yes' is accepted", default="", show_default=False
            )
            if answer.strip() != "yes":
                raise OntokitError("apply cancelled; nothing was changed")
        results = apply_plan(plan, session.planner, on_done=_progress("applied"))
    calls = sum(n for _, n in results)
    click.echo(
        f"Apply complete: {len(results)} project(s) changed with {calls} call(s); read back and "
        "planned again: no changes remain."
    )
    return 0


def _saved_plan(target: str | None) -> Any:
    from ...plan.planfile import loads_plan

    if target is None or not Path(target).is_file():
        return None
    try:
        text = Path(target).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if Path(target).suffix != ".json" and not text.lstrip().startswith("{"):
        return None
    return loads_plan(text, target)
