"""Shortcut keys: one that can be typed (a documented one, or a warning), each used once per keyboard scope.

The SDK documents "0"-"9", "ctrl+0"-"ctrl+9" and "a"-"k"; the Hub accepts any string (the SDK types it
``str``, and Ango's own API sample uses "p"), so every other key is valid, with a warning
(``undocumented-shortcut``). Only a key that no keyboard types (a control character, a line break, only
spaces) is an error.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from ..codes import Rule
from ..diagnostics import Severity
from ..model.types import SHORTCUT_KEYS
from ..resolve import ResolvedCategory
from ._context import Context

__all__ = ["RULES", "check_shortcut", "shortcut_can_be_typed", "unique_shortcuts"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "invalid-shortcut",
        "a shortcut key no keyboard types: a control character, a line break, or only spaces",
        "a key that can be typed",
        '`shortcutKey: "\\t"`, `" "`',
        '`shortcutKey: "a"`, `"ctrl+1"`',
    ),
    Rule(
        "undocumented-shortcut",
        'a shortcut key outside the documented "0"-"9", "ctrl+0"-"ctrl+9", "a"-"k" (the Hub accepts it)',
        "a documented key, or a warning",
        '`shortcutKey: "p"`, `"A"`, `"ctrl+a"`',
        '`shortcutKey: "a"`, `"ctrl+1"`',
        warning=True,
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
    """A category's shortcut key can be typed; outside :data:`~ontology_kit.model.types.SHORTCUT_KEYS`,
    a warning."""
    key = node.model.shortcutKey
    if not key or key in SHORTCUT_KEYS:
        return
    where = (*node.path, "shortcutKey")
    if not shortcut_can_be_typed(key):
        ctx.issue(
            "invalid-shortcut",
            f"shortcut key {key!r} cannot be typed",
            where,
            hint='use "0"-"9", "ctrl+0"-"ctrl+9" or "a"-"k" ("" for none)',
        )
        return
    lower = key.lower().replace(" ", "")
    hint = (
        f"did you mean {lower!r}?"
        if lower in SHORTCUT_KEYS
        else 'the documented keys: "0"-"9", "ctrl+0"-"ctrl+9", "a"-"k"'
    )
    ctx.issue(
        "undocumented-shortcut",
        f"shortcut key {key!r} is not one the SDK documents (the Hub accepts it)",
        where,
        severity=Severity.WARNING,
        hint=hint,
    )


def shortcut_can_be_typed(key: str) -> bool:
    """Whether a keyboard can type ``key``: not only spaces, and no control character (Unicode C*
    categories other than format characters, which are part of some scripts)."""
    if not key.strip():
        return False
    return not any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") for c in key)


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
                f"shortcut key {key!r} is already used by {seen[key].display!r} in {scope}, at {{related}}",
                (*n.path, "shortcutKey"),
                hint="every category in one keyboard scope needs its own key",
                related=(*seen[key].path, "shortcutKey"),
            )
        else:
            seen[key] = n
