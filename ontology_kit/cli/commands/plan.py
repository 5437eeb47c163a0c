"""``ontokit plan`` and ``ontokit apply``."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

import click

from ...errors import ExitCode
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
    from ...workflow import RunProgress

_NO_COUNT_HELP = (
    "Do not count the existing annotations each change affects (the hub is asked once per project "
    "otherwise, when it can tell); `affected` is then null."
)
_HUB_HELP = (
    "Hub: a URL, ango, ango-us, ango-in, or embedded [default: $ONTOKIT_HUB, else the workspace's hub:, "
    "else the embedded local hub]."
)


#: Seconds left above which a progress line starts telling them (once it has, it goes on).
ETA_AFTER = 5.0


class Eta:
    """What a progress line ends with once the hub's request budget slows the run:
    ``; 12 of 50 projects, about 3 min 10 s left``."""

    def __init__(self) -> None:
        self.latest: RunProgress | None = None
        self.shown = False

    def heard(self, progress: RunProgress) -> None:
        """The workflow's latest word on how far the run is."""
        self.latest = progress

    def suffix(self) -> str:
        """The end of the next progress line (empty while pacing costs no more than a few seconds)."""
        p = self.latest
        if p is None or not p.paced or (p.left < ETA_AFTER and not self.shown):
            return ""
        self.shown = True
        return f"; {p.done} of {p.total} projects, about {duration(p.left)} left"


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 10 s``, ``1 h 5 min``: a time left, as people say it."""
    s = max(0, math.ceil(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s" if s % 60 else f"{s // 60} min"
    return f"{s // 3600} h {s % 3600 // 60} min"


def _progress(verb: str, project: ProjectPlan, calls: int | None = None, eta: Eta | None = None) -> None:
    """One line per project on a terminal (stderr), nothing otherwise; with the time left once
    pacing makes the run long (``eta``)."""
    if not sys.stderr.isatty():
        return
    n = len(project.changes)
    extra = f", {calls} call{'s' if calls != 1 else ''}" if calls is not None else ""
    left = eta.suffix() if eta is not None else ""
    echo_line(f"  {verb} {project.name} ({n} change{'s' if n != 1 else ''}{extra}){left}", err=True)


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

    eta = Eta()
    with showing_diagnostics(fmt):
        result = plan(
            target,
            hub,
            on_loaded=loaded,
            on_planned=lambda p: _progress("planned", p, eta=eta),
            out=out,
            count=not no_count,
            on_progress=eta.heard,
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

    def __init__(self, auto_approve: bool, interrupts: Interrupts) -> None:
        self.auto_approve = auto_approve
        self.interrupts = interrupts
        self.eta = Eta()

    def loaded(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        echo_diagnostics(diagnostics)

    def planned(self, project: ProjectPlan) -> None:
        _progress("planned", project, eta=self.eta)

    def show(self, plan: Plan) -> None:
        from ...render.plans import render

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
        return True

    def applied(self, project: ProjectPlan, calls: int) -> None:
        _progress("applied", project, calls, eta=self.eta)

    def notice(self, message: str) -> None:
        echo_line(f"note: {message}", err=True)


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

    with showing_diagnostics(), Interrupts() as interrupts:
        try:
            view = _TerminalApply(auto_approve, interrupts)
            result = apply(
                target,
                hub,
                view,
                allow_destructive=allow_destructive,
                lock_timeout=lock_timeout,
                stop=interrupts.stop,
                count=not no_count,
                on_progress=view.eta.heard,
            )
        except ApplyInterrupted as stopped:
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
