"""The category types the Ango SDK knows (imerit_ango.models.label_category, 1.4.10; ``rank`` is one of
its question types, imerit_ango.models.question_types): the one registry of category types."""

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
    "rank",
]
RelationType = Literal["one-to-one", "group", "one-to-many"]

TOOL_TYPES: tuple[str, ...] = get_args(ToolType)
CLASSIFICATION_TYPES: tuple[str, ...] = get_args(ClassificationType)
RELATION_TYPES: tuple[str, ...] = get_args(RelationType)

#: Classification types whose answers are an `options` list (tree-dropdown takes `treeOptions`; a rank
#: orders its options). Tools and relations may have options too ("the tool's answers"), never need them.
OPTION_TYPES: frozenset[str] = frozenset({"multi-dropdown", "single-dropdown", "radio", "checkbox", "rank"})

#: The shortcut keys the SDK documents: "0"-"9", "ctrl+0"-"ctrl+9", "a"-"k" ("" means none). The Hub
#: accepts others (Ango's own API sample uses "p"): those are valid, with a warning.
SHORTCUT_KEYS: frozenset[str] = frozenset(
    [str(d) for d in range(10)] + [f"ctrl+{d}" for d in range(10)] + list("abcdefghijk")
)
