"""What commands share: the ``--format`` option (its choices come from the one registry of output
formats), colors, and showing the diagnostics an error carries before the one-line error."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from ..._text import one_line
from ...diagnostics import Diagnostic
from ...errors import InvalidDefinitionsError, InvalidOntologyError

__all__ = ["echo_diagnostics", "echo_line", "format_option", "showing_diagnostics", "use_color"]

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


def use_color(stream: object = None) -> bool:
    """Color only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    s = stream if stream is not None else sys.stdout
    return bool(getattr(s, "isatty", lambda: False)())


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
