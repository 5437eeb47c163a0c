"""Tree dropdowns: ``treeOptions`` on tree-dropdowns only, at least one node, and well-formed nodes."""

from __future__ import annotations

from typing import Final

from ..codes import Rule
from ..diagnostics import DataPath
from ..model import Classification
from ..resolve import ResolvedCategory, ResolvedTreeNode
from ._context import Context, article
from .identity import key_and_id, unique_keys, unique_names
from .titles import text

__all__ = ["RULES", "check_tree", "check_tree_field"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "empty-tree",
        "a tree-dropdown without treeOptions",
        "a tree-dropdown needs nodes",
        "`{title: Scene, type: tree-dropdown}`",
        "`… treeOptions: [Urban, Rural]`",
    ),
    Rule(
        "tree-options-not-allowed",
        "treeOptions on a type other than tree-dropdown",
        "`treeOptions` only on tree-dropdown",
        "`{type: radio, treeOptions: [a]}`",
        "`{type: tree-dropdown, treeOptions: [a]}`",
    ),
)


def check_tree_field(ctx: Context, node: ResolvedCategory, m: Classification) -> None:
    """A tree-dropdown has tree options; no other type has any."""
    if m.type == "tree-dropdown":
        if not m.treeOptions:
            ctx.issue(
                "empty-tree",
                "a tree-dropdown needs at least one tree option",
                (*node.path, "type"),
                hint="add `treeOptions:`",
            )
    elif m.treeOptions:
        ctx.issue(
            "tree-options-not-allowed",
            f"{article(m.type)} classification takes no treeOptions",
            (*node.path, "treeOptions"),
            hint="treeOptions belong to type: tree-dropdown",
        )


def check_tree(ctx: Context, roots: list[ResolvedTreeNode]) -> None:
    """Each node: a title, a valid key and id; titles and keys distinct among siblings, keys in the tree."""
    keys: list[tuple[str | None, DataPath]] = []

    def visit(siblings: list[ResolvedTreeNode]) -> None:  # pre-order: document order
        for n in siblings:
            text(ctx, "title", n.title, n.path, "tree option")
            key_and_id(ctx, n.user_key, n.key if n.explicit_id else None, n.path)
            keys.append((n.user_key, n.path))
            visit(n.children)
        ctx.unique_texts(((n.title, n.path) for n in siblings), "duplicate-title", "tree option title")
        unique_names(
            ctx, ((n.user_key, n.title, n.path) for n in siblings), what="tree option key", report_keys=False
        )

    visit(roots)
    unique_keys(ctx, keys, what="tree option key")
