"""Options and helpers shared by commands."""

from __future__ import annotations

import os
import sys

import click

__all__ = ["format_option", "use_color"]

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format of diagnostics.",
)


def use_color(stream: object = None) -> bool:
    """Color only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    s = stream if stream is not None else sys.stdout
    return bool(getattr(s, "isatty", lambda: False)())
