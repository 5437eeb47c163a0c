"""``ontokit plan`` and ``ontokit apply``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ...errors import ExitCode
from ..run_view import RunView
from ._common import (
    check_gate_usage,
    echo_diagnostics,
    echo_line,
    fail_on_options,
    format_option,
    gate,
    lock_timeout_option,
    showing_diagnostics,
    use_color,
)
from ._interrupts import Interrupts

if TYPE_CHECKING:
    from ...client import HubTarget
    from ...diagnostics import Diagnostic
    from ...errors import ApplyInterrupted
    from ...plan.model import Plan, ProjectPlan
    from ...plan.policy import FailOn

_NO_COUNT_HELP = (
    "Do not count the existing annotations each change affects (the hub is asked once per project "
    "otherwise, when it can tell); `affected` is then null."
)
_HUB_HELP = (
    "Hub: a URL, ango, ango-us, ango-in, or embedded [default: $ONTOKIT_HUB, else the workspace's hub:, "
    "else the embedded local hub]."
)


def _result(verb: str, project: ProjectPlan, calls: int | None = None) -> str:
    """``proj-a: applied 3 changes, 4 calls``: one project's line."""
    n = len(project.changes)
    extra = f", {calls} call{'s' if calls != 1 else ''}" if calls is not None else ""
    return f"{project.name}: {verb} {n} change{'s' if n != 1 else ''}{extra}"


@click.command("plan")
@click.argument("target", required=False, type=click.Path())
@click.option("--hub", default=None, metavar="URL", help=_HUB_HELP)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False), help="Save the plan, for `ontokit apply FILE`."
)
@format_option("the plan")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes (0: none, 1: error).")
@click.option("--no-count", is_flag=True, help=_NO_COUNT_HELP)
@fail_on_options
def plan_command(
    target: str | None,
    hub: str | None,
    out: str | None,
    fmt: str,
    detailed_exitcode: bool,
    no_count: bool,
    fail_on: FailOn | None,
    ignore_empty: bool,
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
      ontokit plan --fail-on destructive --ignore-empty   # exit 3 unless nothing used is removed
    """
    from ...render.plans import render
    from ...workflow import plan

    check_gate_usage(fail_on, ignore_empty)

    def loaded(diagnostics: tuple[Diagnostic, ...], hub_target: HubTarget) -> None:
        echo_diagnostics(diagnostics, fmt)
        if fmt != "text":  # the text plan names its hub in its first line
            echo_line(f"hub: {hub_target.description}", err=True)

    with showing_diagnostics(fmt), RunView() as run:
        run.begin("planning")
        result = plan(
            target,
            hub,
            on_loaded=loaded,
            on_planned=lambda p: run.ended(_result("planned", p)),
            out=out,
            count=not no_count,
            on_progress=run.heard,
        )
    click.echo(render(result.plan, fmt, color=fmt == "text" and use_color()), nl=False)
    if result.saved_to:
        saved = result.saved_to
        echo_line(f"Saved the plan to {saved}; apply exactly this with: ontokit apply {saved}", err=True)
    gate(result.plan, fail_on, ignore_empty)
    return ExitCode.CHANGES if detailed_exitcode and result.plan.has_changes else ExitCode.OK


class _TerminalApply:
    """apply's view on a terminal: progress on stderr, the plan on stdout, `yes` asked on stdin.

    Once confirmed, writes begin: Ctrl-C then stops new writes instead of aborting (``interrupts``).
    """

    def __init__(self, auto_approve: bool, interrupts: Interrupts, run: RunView) -> None:
        self.auto_approve = auto_approve
        self.interrupts = interrupts
        self.run = run

    def loaded(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        echo_diagnostics(diagnostics)
        self.run.begin("planning")

    def planned(self, project: ProjectPlan) -> None:
        self.run.ended(_result("planned", project))

    def show(self, plan: Plan) -> None:
        from ...render.plans import render

        self.run.stop()  # the plan, then the question, without a bar in between
        click.echo(render(plan, "text", color=use_color()), nl=False)

    def confirm(self, plan: Plan) -> bool:
        from ...errors import ApplyCancelled

        if not self.auto_approve:
            if not sys.stdin.isatty():
                raise ApplyCancelled(
                    "refusing to apply without confirmation: no terminal to ask on; pass --auto-approve"
                )
            answer = click.prompt(
                "Apply these changes? Only 'yes' is accepted", default="", show_default=False
            )
            if answer.strip() != "yes":
                return False
        self.interrupts.arm()
        self.run.begin("applying")
        return True

    def applied(self, project: ProjectPlan, calls: int) -> None:
        self.run.ended(_result("applied", project, calls))

    def notice(self, message: str) -> None:
        self.run.say(f"note: {message}")


@click.command("apply")
@click.argument("target", required=False, type=click.Path())
@click.option("--hub", default=None, metavar="URL", help=_HUB_HELP)
@click.option("--auto-approve", is_flag=True, help="Apply without asking (required without a terminal).")
@click.option("--allow-destructive", is_flag=True, help="Allow changes that can orphan existing annotations.")
@lock_timeout_option("apply's lock on a project")
@click.option("--no-count", is_flag=True, help=_NO_COUNT_HELP)
def apply_command(
    target: str | None,
    hub: str | None,
    auto_approve: bool,
    allow_destructive: bool,
    lock_timeout: float,
    no_count: bool,
) -> int:
    """Apply the definitions (or a saved plan) to the hub, then verify it converged.

    TARGET is a project definition, a workspace (ontokit.yaml), a folder holding
    one, or a plan saved with `ontokit plan --out` [default: the nearest
    ontokit.yaml]. Shows the plan and asks for `yes`; refuses destructive
    changes unless --allow-destructive (exit 3); refuses a saved plan whose
    projects changed on the hub since (stale), and a change the hub cannot make.
    After applying, reads the projects back and plans again: anything left is a
    "did not converge" error. Holds a lock on its projects while it reads and
    writes (hubs with the locks extension; --lock-timeout waits for another
    apply's). Ctrl-C after confirming starts no new write, lets the calls in
    flight finish and says which projects were applied (exit 130); a second
    Ctrl-C aborts at once.

    \b
    Examples:
      ontokit apply
      ontokit apply staging.plan.json
      ontokit apply projects/prod.yaml --auto-approve --allow-destructive
    """
    from ...errors import ApplyInterrupted
    from ...workflow import apply

    with showing_diagnostics(), Interrupts() as interrupts, RunView() as run:
        try:
            view = _TerminalApply(auto_approve, interrupts, run)
            interrupts.say, interrupts.before_exit = run.after_ctrl_c, run.stop
            result = apply(
                target,
                hub,
                view,
                allow_destructive=allow_destructive,
                lock_timeout=lock_timeout,
                stop=interrupts.stop,
                count=not no_count,
                on_progress=run.heard,
            )
        except ApplyInterrupted as stopped:
            run.stop()
            _echo_interrupted(stopped)
            return ExitCode.INTERRUPTED
    if not result.plan.has_changes:
        click.echo("Nothing to apply.")
        return ExitCode.OK
    changed = len(result.applied)
    click.echo(
        f"Apply complete: {changed} project(s) changed with {result.calls} call(s); read back and planned "
        "again: no changes remain."
    )
    return ExitCode.OK


def _echo_interrupted(stopped: ApplyInterrupted) -> None:
    """Which projects were applied, partly applied and not applied, and that a re-run continues."""
    rows = [
        ("applied", list(stopped.applied)),
        ("partly applied", [f"{n} ({d} of {t} operations)" for n, d, t in stopped.partial]),
        ("not applied", list(stopped.not_applied)),
        ("failed", [f"{n}: {m}" for n, m in stopped.failed]),
    ]
    echo_line("Apply interrupted: no write was started after Ctrl-C; the calls in flight finished.", err=True)
    for label, names in rows:
        if names or label != "failed":
            echo_line(f"  {label} ({len(names)}): {', '.join(names) or '-'}", err=True)
    echo_line("Run `ontokit apply` again to continue: it plans against what the hub holds now.", err=True)
