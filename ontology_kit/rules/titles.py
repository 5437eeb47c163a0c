"""Titles and option values: never blank, and distinct among siblings."""

from __future__ import annotations

from typing import Final

from .._text import strip_invisible
from ..codes import Rule
from ..diagnostics import DataPath
from ..resolve import ResolvedCategory
from ._context import CONTROL, Context

__all__ = ["RULES", "text", "unique_titles"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "empty-title",
        "an empty title or option value",
        "titles and option values are not blank, nor only invisible characters",
        '`title: "  "`, `title: "\\u200b"`',
        "`title: Car`",
    ),
    Rule(
        "duplicate-title",
        "two siblings with the same (or a look-alike) title",
        "titles unique among siblings, also ignoring case, spacing, Unicode form and invisible characters",
        "`Car` and `car ` side by side",
        "`Car` and `Truck`",
    ),
)


def text(ctx: Context, field: str, value: str, owner: DataPath, what: str) -> None:
    """The ``field`` (a title or an option's value) of ``what`` at ``owner`` must not be blank, nor
    hold control characters. (Messages and paths are built only for a problem: this runs for every
    item of every ontology.)"""
    if not value.strip() or not strip_invisible(value).strip():
        invisible = " (only invisible characters)" if value.strip() else ""
        ctx.issue(
            "empty-title",
            f"{what} has an empty {field}{invisible}",
            (*owner, field),
            hint=f"give it a {field} annotators can read",
        )
    elif CONTROL.search(value):
        ctx.issue(
            "control-character",
            f"{field} {value!r} contains a control character",
            (*owner, field),
            hint="remove it (it came from an escape such as \\a or \\x00)",
        )


def unique_titles(ctx: Context, group: list[ResolvedCategory]) -> None:
    """Sibling categories need distinct titles."""
    ctx.unique_texts(((n.model.title, n.path) for n in group), "duplicate-title", "title")
