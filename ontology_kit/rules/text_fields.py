"""The fields of text classifications: ``richText`` and ``regex`` only there, and a regex that compiles."""

from __future__ import annotations

import re
from typing import Final

from ..codes import Rule
from ..model import Classification
from ..resolve import ResolvedCategory
from ._context import Context

__all__ = ["RULES", "check_text_fields"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "text-only-field",
        "richText or regex on a type other than text",
        "`richText`, `regex` only on text",
        "`{type: radio, richText: true}`",
        "`{type: text, richText: true}`",
    ),
    Rule(
        "invalid-regex",
        "a regex that does not compile",
        "`regex` compiles (Python `re` syntax, which agrees with JavaScript's for common patterns)",
        '`regex: "([a-z"`',
        '`regex: "([a-z]+)"`',
    ),
)

_TEXT_ONLY = ("richText", "regex")


def check_text_fields(ctx: Context, node: ResolvedCategory, m: Classification) -> None:
    """``richText``/``regex`` on text classifications only; a regex must compile."""
    if m.type != "text":
        for name in _TEXT_ONLY:
            if getattr(m, name) not in (None, False):
                ctx.issue(
                    "text-only-field",
                    f"`{name}` applies to text classifications only, not {m.type}",
                    (*node.path, name),
                    target="key",
                    hint=f"remove `{name}`, or make this a text classification",
                )
    if m.regex is not None:
        try:
            re.compile(m.regex)
        except (re.error, OverflowError, RecursionError) as exc:
            ctx.issue(
                "invalid-regex",
                f"regex does not compile: {exc}",
                (*node.path, "regex"),
                hint="check brackets and escapes; in YAML, single-quote a regex with backslashes",
            )
