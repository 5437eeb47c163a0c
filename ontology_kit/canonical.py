"""The canonical key order of ontokit files (used by ``fmt`` and ``import``)."""

from __future__ import annotations

from typing import Any, Final

from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from .category_schema import CHILD_GROUPS, TOP_GROUPS, NodeKind

__all__ = ["ORDER", "order_for", "reorder"]

_CATEGORY = [
    "title",
    "key",
    "type",
    "schemaId",
    "color",
    "required",
    "columnField",
    "shortcutKey",
    "frameSpecific",
    "showDropdown",
    "richText",
    "regex",
    "parentOptionId",
    "exportName",
    "displayName",
    "abbreviatedName",
    "attributeType",
    "defaultValue",
    "multiple",
    "ocrEnabled",
    "optionSet",
    "options",
    "treeOptions",
    "classifications",
]

#: Key order per kind of mapping; unknown keys keep their place after the known ones.
ORDER: dict[str, list[str]] = {
    "ontology": [
        "version",
        "description",
        "optionSets",
        "tools",
        "classifications",
        "relations",
        "retired",
        "migrations",
    ],
    "category": _CATEGORY,
    "option": ["value", "key", "schemaId"],
    "tree": ["title", "key", "schemaId", "value", "children"],
    "retired": ["schemaId", "was"],
    "migration": ["merge", "move", "rekey", "convert", "delete", "into", "to", "values", "acknowledge"],
    "project": [
        "name",
        "description",
        "id",
        "type",
        "ontology",
        "batches",
        "prune_batches",
        "webhooks",
        "workflow",
        "members",
        "benchmark",
        "label_validation",
        "settings",
        "instructions",
    ],
    "webhook": ["url", "types", "secret"],
    "workspace": ["projects", "hub", "rate_limit"],
}

# The kind of mapping each item of the category schema is in ontokit's files; its lists have the
# payload's names (category_schema.TOP_GROUPS and CHILD_GROUPS).
_FILE_KIND: Final = {
    NodeKind.TOOL: "category",
    NodeKind.CLASSIFICATION: "category",
    NodeKind.RELATION: "category",
    NodeKind.OPTION: "option",
    NodeKind.TREE_OPTION: "tree",
}

# Which kind of mapping sits in a list (or mapping of lists) under a key, per parent kind.
_CHILD: Final[dict[tuple[str, str], str]] = {
    **{("ontology", group): _FILE_KIND[kind] for group, kind in TOP_GROUPS},
    **{
        (_FILE_KIND[parent], group): _FILE_KIND[kind]
        for parent, groups in CHILD_GROUPS.items()
        for group, kind in groups
    },
    ("ontology", "optionSets"): "option-sets",
    ("ontology", "retired"): "retired",
    ("ontology", "migrations"): "migration",
    ("project", "ontology"): "ontology-inline",
    ("project", "webhooks"): "webhook",
}


def order_for(kind: str) -> list[str]:
    """The canonical key order of a mapping kind."""
    return ORDER.get(kind, [])


def _keep_trailing_comment(node: Any, old_last: Any, new_last: Any) -> None:
    """The lines of comment after a mapping's last value end the whole block (often a section comment
    for what follows). ruamel keeps them on the last key: when another key becomes last, move them
    there, leaving only the end-of-line comment with its key."""
    items = getattr(getattr(node, "ca", None), "items", None)
    if old_last == new_last or not items or old_last not in items:
        return
    entry = items[old_last]
    token = entry[2] if len(entry) > 2 else None
    value = node[new_last]
    if token is None or isinstance(value, (dict, list)):  # a nested block ends elsewhere: leave it
        return
    first, _, tail = token.value.partition("\n")
    if not tail.strip():
        return
    entry[2] = CommentToken(first + "\n", CommentMark(token.column), None) if first.strip() else None
    target = items.setdefault(new_last, [None, None, None, None])
    current = target[2]
    if current is not None:  # keep the new last key's own end-of-line comment first
        target[2] = CommentToken(current.value.rstrip("\n") + "\n" + tail, CommentMark(current.column), None)
    else:
        target[2] = CommentToken("\n" + tail, CommentMark(0), None)


def reorder(node: Any, kind: str) -> None:
    """Reorder, in place and recursively, the keys of ``node`` (a ruamel CommentedMap or a dict).

    ``move_to_end`` keeps each key's comments attached to it.
    """
    if not isinstance(node, dict):
        return
    wanted = order_for(kind)
    present = [k for k in wanted if k in node]
    rest = [k for k in node if k not in wanted]
    if list(node) != present + rest and hasattr(node, "move_to_end"):
        old_last = next(reversed(node))
        for key in present + rest:
            node.move_to_end(key)
        _keep_trailing_comment(node, old_last, next(reversed(node)))
    for key, value in list(node.items()):
        child = _CHILD.get((kind, key))
        if child == "ontology-inline":
            reorder(value, "ontology")
        elif child == "option-sets" and isinstance(value, dict):
            for options in value.values():
                for item in options if isinstance(options, list) else []:
                    reorder(item, "option")
        elif child is not None and isinstance(value, list):
            for item in value:
                reorder(item, child)
