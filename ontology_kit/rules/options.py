"""Options: on the types that take them (and only there), non-blank, distinct, and every set used.

Tools and relations may have options ("the tool's answers", SDK 1.4.10 ``ToolCategory(options=...)``);
they never need them. Among classifications, radio, checkbox, the dropdowns and rank need them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from ..codes import Rule
from ..diagnostics import DataPath, Severity
from ..model import Ontology
from ..model.types import OPTION_TYPES
from ..resolve import ResolvedCategory, ResolvedTreeNode
from ._context import Context, article
from .identity import key_and_id, unique_names
from .titles import text

__all__ = ["RULES", "check_option_sets", "check_option_values", "check_options_allowed"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "options-not-allowed",
        "options on a classification type that takes none",
        "options only on radio, checkbox, single- and multi-dropdown, rank, tools and relations",
        "`{title: Note, type: text, options: [a]}`",
        "`{title: Note, type: text}`",
    ),
    Rule(
        "missing-options",
        "a radio, checkbox, dropdown or rank without options",
        "those five types need options",
        "`{title: Kind, type: radio}`",
        "`{title: Kind, type: radio, options: [Car]}`",
    ),
    Rule(
        "duplicate-option",
        "two options of one category with the same (or a look-alike) value",
        "option values unique within a category",
        "`options: [Car, Car]`",
        "`options: [Car, Van]`",
    ),
    Rule(
        "similar-option",
        "two options of one category whose values differ only in case or spacing",
        "option values that differ only in case or spacing",
        "`options: [No, NO]`",
        "`options: [No, Not sure]`",
        warning=True,
    ),
    Rule(
        "empty-option-set",
        "an option set without options",
        "an option set holds at least one option",
        "`optionSets: {e: []}`",
        "`optionSets: {e: [Yes, No]}`",
    ),
    Rule(
        "unused-option-set",
        "an option set no category uses",
        "every option set is used",
        "`optionSets: {old: [a]}`, never used",
        "remove it",
        warning=True,
    ),
)


def check_options_allowed(ctx: Context, node: ResolvedCategory) -> None:
    """Radios, checkboxes, dropdowns and ranks need options; tools and relations may have them; no
    other classification takes any."""
    m = node.model
    has_options = bool(m.options) or m.optionSet is not None
    where = (*node.path, "options" if m.options else "optionSet")
    if node.kind != "classification":
        return
    t = node.type
    if t in OPTION_TYPES:
        if not has_options:
            ctx.issue(
                "missing-options",
                f"{article(t)} classification needs at least one option",
                (*node.path, "type"),
                hint="add `options:` (or `optionSet:`)",
            )
    elif has_options:
        hint = (
            "a tree-dropdown takes `treeOptions`"
            if t == "tree-dropdown"
            else "only radio, checkbox, single-dropdown, multi-dropdown and rank take options"
        )
        ctx.issue("options-not-allowed", f"{article(t)} classification takes no options", where, hint=hint)


def check_option_values(ctx: Context, node: ResolvedCategory) -> None:
    """Option values: not blank, valid keys and ids, distinct; a tree's flattened paths distinct."""
    if node.tree:
        # Titles are unique among siblings, but a title containing " / " can still spell another
        # node's path ("A / B" beside A › B): the flattened values must differ too.
        seen: dict[str, tuple[str, DataPath]] = {}
        for o, title in zip(node.options, _tree_titles(node.tree), strict=False):
            if o.value in seen and (" / " in title or " / " in seen[o.value][0]):
                ctx.issue(
                    "duplicate-option",
                    f"tree path {o.value!r} is also the path of another node of {node.display!r}",
                    (*o.path, "title"),
                    hint="the other is at {related}; avoid ' / ' in tree titles",
                    related=seen[o.value][1],
                )
            seen.setdefault(o.value, (title, o.path))
        return
    for o in node.options:
        text(ctx, "value", o.value, o.path, "option")
        key_and_id(ctx, o.key, o.schema_id if o.explicit_id else None, o.path)
    ctx.unique_texts(
        ((o.value, o.path) for o in node.options),
        "duplicate-option",
        "option value",
        scope=f" in {node.display!r}",
    )
    unique_names(ctx, ((o.key, o.value, o.path) for o in node.options), what="option key", field="value")


def check_option_sets(ctx: Context, ontology: Ontology, used: Collection[str | None]) -> None:
    """Every option set has options and is used; an unused one is still checked, so that it is right
    when it is."""
    for name, options in ontology.optionSets.items():
        if not options:
            # A radio using it would offer no answer, and its payload could not be imported again.
            ctx.issue(
                "empty-option-set",
                f"option set {name!r} has no options",
                ("optionSets", name),
                hint="add its options, or remove the set",
            )
            continue
        if name in used:
            continue
        ctx.issue(
            "unused-option-set",
            f"option set {name!r} is not used by any category",
            ("optionSets", name),
            severity=Severity.WARNING,
            target="key",
            hint="remove it, or use it with `optionSet: NAME`",
        )
        ctx.unique_texts(
            ((o.value, ("optionSets", name, i)) for i, o in enumerate(options)),
            "duplicate-option",
            "option value",
            scope=f" in option set {name!r}",
        )


def _tree_titles(nodes: list[ResolvedTreeNode]) -> list[str]:
    out: list[str] = []
    for n in nodes:
        out.append(n.title)
        out.extend(_tree_titles(n.children))
    return out
