"""The category types the Ango SDK knows (imerit_ango.models.label_category, 1.4.10)."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "CLASSIFICATION_TYPES",
    "OPTION_TYPES",
    "RELATION_TYPES",
    "SHORTCUT_KEYS",
    "TOOL_TYPES",
    "ClassificationType",
    "RelationType",
    "ToolType",
]

ToolType = Literal[
    "bounding-box",
    "segmentation",
    "polyline",
    "polygon",
    "rotated-bounding-box",
    "ner",
    "point",
    "pdf",
    "brush",
    "pct",
]
ClassificationType = Literal[
    "multi-dropdown",
    "single-dropdown",
    "tree-dropdown",
    "radio",
    "checkbox",
    "text",
    "instance",
    "boolean",
]
RelationType = Literal["one-to-one", "group", "one-to-many"]

TOOL_TYPES: tuple[str, ...] = get_args(ToolType)
CLASSIFICATION_TYPES: tuple[str, ...] = get_args(ClassificationType)
RELATION_TYPES: tuple[str, ...] = get_args(RelationType)

#: Classification types whose answers are an `options` list (tree-dropdown takes `treeOptions`).
OPTION_TYPES: frozenset[str] = frozenset({"multi-dropdown", "single-dropdown", "radio", "checkbox"})

#: The shortcut keys the SDK documents: "0"-"9", "ctrl+0"-"ctrl+9", "a"-"k" ("" means none).
SHORTCUT_KEYS: frozenset[str] = frozenset(
    [str(d) for d in range(10)] + [f"ctrl+{d}" for d in range(10)] + list("abcdefghijk")
)
