"""Colors: ``#RRGGBB`` (derived from the item's identity when left out)."""

from __future__ import annotations

import re
from typing import Final

from ..codes import Rule
from ..resolve import ResolvedCategory
from ._context import Context

__all__ = ["RULES", "check_color"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "invalid-color",
        "a color that is not #RRGGBB",
        "`#RRGGBB`",
        '`color: red`, `color: "#FFF"`',
        '`color: "#FF0000"`',
    ),
)

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def check_color(ctx: Context, node: ResolvedCategory) -> None:
    """A category's color, when written, is ``#RRGGBB``."""
    m = node.model
    path = (*node.path, "color")
    if m.color is None and "color" in m.model_fields_set:
        ctx.issue(
            "invalid-color",
            "color is empty",
            path,
            hint='an unquoted # starts a YAML comment: write color: "#1E88E5"',
        )
    elif m.color is not None and not _COLOR.fullmatch(m.color):
        ctx.issue(
            "invalid-color",
            f"color {m.color!r} is not of the form #RRGGBB",
            path,
            hint='write six hex digits after "#", e.g. "#1E88E5" (quote it: # starts a YAML comment)',
        )
