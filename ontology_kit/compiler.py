"""Render a resolved ontology as the body ``SDK.create_label_set`` sends (imerit_ango 1.4.10).

Pure and deterministic. Keys, defaults and key order are those of the SDK's ``toDict()`` methods, so
``json.dumps(payload)`` here is byte for byte the request body the SDK would send for the same
ontology with the same ids and colors (tests/test_conformance.py proves it with the SDK itself).
Where the SDK is buggy, the payload follows what the server expects instead (docs/format.md):
tree options carry ``key`` (the SDK's ``TreeOption(key=...)`` writes ``schemaId``). The fields and
their order are those of ``category_schema.py``, whose builders this module calls.
"""

from __future__ import annotations

from typing import Any

from .category_schema import (
    SERVER_FIELDS,
    TOP_GROUPS,
    category_payload,
    classification_payload,
    option_payloads,
    tree_option_payload,
)
from .model import Classification
from .resolve import ResolvedCategory, ResolvedOntology, ResolvedTreeNode

__all__ = ["compile_resolved"]


def compile_resolved(resolved: ResolvedOntology) -> dict[str, Any]:
    """``{"categorySchema": {"tools": [...], "classifications": [...], "relations": [...]}}``."""
    return {
        "categorySchema": {group: [_category(n) for n in resolved.group(group)] for group, _ in TOP_GROUPS}
    }


def _category(node: ResolvedCategory) -> dict[str, Any]:
    m = node.model
    base = category_payload(
        node.type,
        m.title,
        m.required,
        m.columnField,
        node.color,
        m.shortcutKey,
        [_category(c) for c in node.children],
        option_payloads(node.options),
        node.schema_id,
    )
    for extra in SERVER_FIELDS:  # only when the file sets them
        value = getattr(m, extra)
        if value is not None:
            base[extra] = value
    if not isinstance(m, Classification):
        return base
    return classification_payload(
        base,
        [_tree(t) for t in node.tree],
        m.regex,
        node.parent_option_id,
        m.frameSpecific,
        m.showDropdown,
        m.richText,
        m.exportName,
        m.displayName,
        m.abbreviatedName,
        m.attributeType,
        m.defaultValue,
    )


def _tree(node: ResolvedTreeNode) -> dict[str, Any]:
    return tree_option_payload(node.title, [_tree(c) for c in node.children], node.key, node.value)
