"""Render a resolved ontology as the body ``SDK.create_label_set`` sends (imerit_ango 1.4.10).

Pure and deterministic. Keys, defaults and key order are those of the SDK's ``toDict()`` methods, so
``json.dumps(payload)`` here is byte for byte the request body the SDK would send for the same
ontology with the same ids and colors (tests/test_conformance.py proves it with the SDK itself).
Where the SDK is buggy, the payload follows what the server expects instead (docs/format.md):
tree options carry ``key`` (the SDK's ``TreeOption(key=...)`` writes ``schemaId``).
"""

from __future__ import annotations

import json
from typing import Any

from .model import Classification
from .resolve import ResolvedCategory, ResolvedOntology, ResolvedTreeNode

__all__ = ["compile_resolved", "dumps_payload"]


def compile_resolved(resolved: ResolvedOntology) -> dict[str, Any]:
    """``{"categorySchema": {"tools": [...], "classifications": [...], "relations": [...]}}``."""
    return {
        "categorySchema": {
            "tools": [_category(n) for n in resolved.tools],
            "classifications": [_category(n) for n in resolved.classifications],
            "relations": [_category(n) for n in resolved.relations],
        }
    }


def dumps_payload(payload: dict[str, Any], *, compact: bool = False) -> str:
    """Serialize a payload: indented and readable, or ``compact`` (the exact bytes the SDK sends)."""
    if compact:
        return json.dumps(payload)  # requests' json= uses json.dumps with default separators
    import orjson  # the stdlib's indenting encoder is pure Python: 10x slower on large ontologies

    return orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")


def _category(node: ResolvedCategory) -> dict[str, Any]:
    m = node.model
    base = {
        "tool": m.type,  # type: ignore[attr-defined]
        "title": m.title,
        "required": m.required,
        "columnField": m.columnField,
        "color": node.color,
        "shortcutKey": m.shortcutKey,
        "classifications": [_category(c) for c in node.children],
        "options": [{"value": o.value, "schemaId": o.schema_id} for o in node.options],
        "schemaId": node.schema_id,
    }
    for extra in ("multiple", "ocrEnabled"):  # server fields: only when the file sets them
        value = getattr(m, extra)
        if value is not None:
            base[extra] = value
    if not isinstance(m, Classification):
        return base
    return {
        "treeOptions": [_tree(t) for t in node.tree],
        **base,
        "regex": m.regex,
        "parentOptionId": node.parent_option_id,
        "frameSpecific": m.frameSpecific,
        "showDropdown": m.showDropdown,
        "richText": m.richText,
        # SDK 1.4.10 always sends these five, null when unset (its "send if not None" guards are no-ops).
        "exportName": m.exportName,
        "displayName": m.displayName,
        "abbreviatedName": m.abbreviatedName,
        "attributeType": m.attributeType,
        "defaultValue": m.defaultValue,
    }


def _tree(node: ResolvedTreeNode) -> dict[str, Any]:
    return {
        "title": node.title,
        "children": [_tree(c) for c in node.children],
        "key": node.key,
        "value": node.value,
    }
