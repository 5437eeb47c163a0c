"""The options of the commands that walk folders of YAML files (``validate``, ``fmt``): one
``--exclude`` for both, and what ``--verbose`` lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from ._common import echo_line

__all__ = ["echo_left_out", "exclude_option", "verbose_option"]

F = TypeVar("F", bound=Callable[..., Any])


def _checked(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    from ...loader.exclude import refusals

    refused = refusals(value)
    if refused:  # one line per pattern (click prints the message after `Invalid value for ...`)
        raise click.BadParameter("; ".join(r.message for _, r in refused), ctx, param)
    return value


def exclude_option(f: F) -> F:
    """``--exclude PATTERN`` (repeatable): files to leave out, as ``exclude:`` in ontokit.yaml."""
    return click.option(
        "--exclude",
        "exclude",
        multiple=True,
        metavar="PATTERN",
        callback=_checked,
        help="Leave out files matching PATTERN (repeatable), relative to the workspace root; added to "
        "ontokit.yaml's `exclude:`. A name (`action.yml`, `*.gen.yaml`) matches at any depth, a path "
        "(`deploy/*`) from the root.",
    )(f)


def verbose_option(f: F) -> F:
    """``-v/--verbose``: name each file left alone (another tool's YAML, excluded) on standard error."""
    return click.option(
        "-v", "--verbose", is_flag=True, help="Name each file skipped (and whose YAML it is) or excluded."
    )(f)


_UNKNOWN = "not an ontokit file (its keys are not ontokit's), of no tool ontokit knows"


def echo_left_out(skipped: Sequence[tuple[str, str | None]], excluded: Sequence[str]) -> None:
    """One line per file left alone, on standard error: ``skipped action.yml: GitHub Action``."""
    for file, tool in skipped:
        echo_line(f"skipped {file}: {tool or _UNKNOWN}", err=True)
    for file in excluded:
        echo_line(f"excluded {file}", err=True)
