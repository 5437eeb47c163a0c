"""Shortcut keys: one Ango supports, and each used once per keyboard scope."""

from __future__ import annotations

from typing import Final

from ..codes import Rule
from ..model.types import SHORTCUT_KEYS
from ..resolve import ResolvedCategory
from ._context import Context

__all__ = ["RULES", "check_shortcut", "unique_shortcuts"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "invalid-shortcut",
        "a shortcut key Ango does not support",
        "a supported key",
        '`shortcutKey: "A"`, `"ctrl+a"`, `"z"`',
        '`shortcutKey: "a"`, `"ctrl+1"`',
    ),
    Rule(
        "duplicate-shortcut",
        "two categories in one keyboard scope share a shortcut key",
        "unique per keyboard scope",
        'two top-level tools with `shortcutKey: "1"`',
        '`"1"` and `"2"`',
    ),
)


def check_shortcut(ctx: Context, node: ResolvedCategory) -> None:
    """A category's shortcut key is one of :data:`~ontology_kit.model.types.SHORTCUT_KEYS`."""
    key = node.model.shortcutKey
    if key and key not in SHORTCUT_KEYS:
        lower = key.lower().replace(" ", "")
        hint = (
            f"did you mean {lower!r}?"
            if lower in SHORTCUT_KEYS
            else 'use "0"-"9", "ctrl+0"-"ctrl+9" or "a"-"k"'
        )
        ctx.issue(
            "invalid-shortcut",
            f"shortcut key {key!r} is not one Ango supports",
            (*node.path, "shortcutKey"),
            hint=hint,
        )


def unique_shortcuts(ctx: Context, group: list[ResolvedCategory], parent: ResolvedCategory | None) -> None:
    """Categories of one keyboard scope (the top level, or one category's nested ones: ``parent``'s)
    need distinct keys."""
    seen: dict[str, ResolvedCategory] = {}
    for n in group:
        key = n.model.shortcutKey
        if not key:
            continue
        if key in seen:
            scope = "the top level" if parent is None else f"the nested classifications of {parent.display!r}"
            ctx.issue(
                "duplicate-shortcut",
                f"shortcut key {key!r} is already used by {seen[key].display!r} in {scope}",
                (*n.path, "shortcutKey"),
                hint="every category in one keyboard scope needs its own key",
            )
        else:
            seen[key] = n
