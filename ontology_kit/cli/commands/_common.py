"""What commands share: the ``--format`` option (its choices come from the one registry of output
formats), colors, and showing the diagnostics an error carries before the one-line error."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..._text import one_line
from ...diagnostics import Diagnostic
from ...errors import InvalidDefinitionsError, InvalidOntologyError
from ...plan.policy import FAIL_ON, FailOn, check_fail_on, let_through_note

__all__ = [
    "check_gate_usage",
    "echo_diagnostics",
    "echo_line",
    "fail_on_options",
    "format_option",
    "gate",
    "showing_diagnostics",
    "use_color",
]

if TYPE_CHECKING:
    from ...plan.model import Plan

F = TypeVar("F", bound=Callable[..., Any])


def echo_line(text: str, *, err: bool = False) -> None:
    """Print one line of a command's own output: whatever it quotes (a file name, a title from a
    hub) shows as escapes, so that it can neither break the line nor send terminal controls."""
    click.echo(one_line(text), err=err)


class _FormatChoice(click.Choice[str]):
    """The names of :data:`ontology_kit.render.FORMATS`, looked up when first needed (``--version``
    and commands without ``--format`` need not import the views' package)."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from ...render import FORMATS

        return tuple(FORMATS)

    @choices.setter
    def choices(self, value: object) -> None:  # click's __init__ sets it; the registry decides
        pass


def format_option(what: str) -> Callable[[F], F]:
    """``--format`` with every format of :data:`ontology_kit.render.FORMATS`."""
    return click.option(
        "--format",
        "fmt",
        type=_FormatChoice(),
        default="text",
        show_default=True,
        help=f"Output format of {what} (and of diagnostics).",
    )


def _finite(value: float) -> float:
    if math.isnan(value):  # NaN passes every range check
        raise click.BadParameter("must be a number of seconds, not nan")
    return value


def lock_timeout_option(what: str) -> Callable[[F], F]:
    """``--lock-timeout SECONDS``: how long to wait for another run's lease (0 to a day, never NaN)."""
    return click.option(
        "--lock-timeout",
        type=click.FloatRange(min=0, max=24 * 3600),
        default=0,
        show_default=True,
        metavar="SECONDS",
        callback=lambda ctx, param, value: _finite(value),
        help=f"How long to wait for another {what} (hubs with the locks extension).",
    )


def fail_on_options(f: F) -> F:
    """``--fail-on LEVEL`` and its companion ``--ignore-empty``, the same on every command that gates."""
    f = click.option(
        "--ignore-empty",
        is_flag=True,
        help="With --fail-on: changes the hub counted at exactly 0 annotations do not count toward "
        "the gate (a change whose count is unknown still does).",
    )(f)
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON),
        default=None,
        help="Exit 3 when a change of at least this impact is present (a CI gate).",
    )(f)


def check_gate_usage(fail_on: FailOn | None, ignore_empty: bool) -> None:
    """Refuse ``--ignore-empty`` without ``--fail-on`` before any work (it would silently do nothing)."""
    if ignore_empty and fail_on is None:
        raise click.UsageError("--ignore-empty needs --fail-on")


def gate(plan: Plan, fail_on: FailOn | None, ignore_empty: bool) -> None:
    """Apply ``--fail-on`` (exit 3 through the error it raises), and say on stderr what
    ``--ignore-empty`` let through."""
    if fail_on is None:
        return
    empty = check_fail_on(plan, fail_on, ignore_empty=ignore_empty)
    if empty:
        echo_line(f"note: {let_through_note(fail_on, empty)}", err=True)


def use_color(stream: object = None) -> bool:
    """Whether to color what goes to ``stream`` (default: standard output): ``cli/terminal.py``
    decides (a terminal; never with --no-color or NO_COLOR; always with FORCE_COLOR)."""
    from ..terminal import display

    return display(stream).color


def echo_diagnostics(diagnostics: tuple[Diagnostic, ...], fmt: str = "text") -> None:
    """The diagnostics of a command's input, on standard error, in the command's format."""
    from ...render.diagnostics import render_diagnostics

    text = render_diagnostics(
        tuple(dict.fromkeys(diagnostics)), fmt, color=fmt == "text" and use_color(sys.stderr)
    )
    if text:
        click.echo(text, nl=False, err=True)


@contextmanager
def showing_diagnostics(fmt: str = "text") -> Iterator[None]:
    """Show the diagnostics an invalid-input error carries (then let the error go on to ``main``)."""
    try:
        yield
    except (InvalidDefinitionsError, InvalidOntologyError) as exc:
        echo_diagnostics(exc.diagnostics, fmt)
        raise
