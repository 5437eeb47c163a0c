"""An ontology as a tree in the terminal (its Mermaid diagram is in ``mermaid.py``).

It reads the category schema through the one walker's nodes (``category_schema.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..category_schema import TOP_GROUPS, CategorySchema, SchemaNode

__all__ = ["render_tree"]


def _schema(schema: CategorySchema | Mapping[str, Any]) -> CategorySchema:
    return schema if isinstance(schema, CategorySchema) else CategorySchema.of(schema)


def render_tree(
    schema: CategorySchema | Mapping[str, Any], keys: Mapping[str, str] | None = None, *, color: bool = False
) -> str:
    """A category schema as an indented tree: type, key, shortcut, color swatch, conditional links.

    ``keys`` maps schemaIds to the user's ``key:`` names (a compiled payload does not carry them).
    """
    keys = keys or {}
    lines: list[str] = []
    for group, _ in TOP_GROUPS:
        roots = _schema(schema).roots(group)
        if not roots:
            continue
        lines.append(f"{group} ({len(roots)})")
        for i, node in enumerate(roots):
            _category(node, "", i == len(roots) - 1, keys, color, lines)
    return "\n".join(lines) + "\n" if lines else "(empty ontology)\n"


def _swatch(hex_color: Any, color: bool) -> str:
    if not isinstance(hex_color, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", hex_color):
        return ""
    if not color:
        return f" {hex_color.upper()}"
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f" \x1b[38;2;{r};{g};{b}m■\x1b[0m {hex_color.upper()}"


def _branch(last: bool) -> str:
    return "└─ " if last else "├─ "


def _category(
    node: SchemaNode, prefix: str, last: bool, keys: Mapping[str, str], color: bool, lines: list[str]
) -> None:
    raw = node.raw
    facts = [str(raw.get("tool", "?"))]
    if raw.get("schemaId") in keys:
        facts.append(f"key {keys[raw['schemaId']]}")
    if raw.get("shortcutKey"):
        facts.append(f"shortcut {raw['shortcutKey']}")
    if raw.get("required"):
        facts.append("required")
    cond = ""
    ref = raw.get("parentOptionId")
    if ref and node.parent is not None:
        names = {o.raw.get("schemaId"): o.raw.get("value") for o in node.parent.children("options")}
        cond = f"  ⟵ when {names.get(ref, ref)!r}"
    swatch = _swatch(raw.get("color"), color)
    lines.append(f"{prefix}{_branch(last)}{raw.get('title', '')}  ({', '.join(facts)}){swatch}{cond}")
    inner = prefix + ("   " if last else "│  ")
    tree = node.children("treeOptions") if raw.get("treeOptions") else []
    children = [*(tree or node.children("options")), *node.children("classifications")]
    for j, child in enumerate(children):
        is_last = j == len(children) - 1
        if child.kind.is_category:
            _category(child, inner, is_last, keys, color, lines)
        elif child.group == "options":
            lines.append(f"{inner}{_branch(is_last)}• {child.raw.get('value', '')}")
        else:
            _tree(child, inner, is_last, lines)


def _tree(node: SchemaNode, prefix: str, last: bool, lines: list[str]) -> None:
    lines.append(f"{prefix}{_branch(last)}▸ {node.raw.get('title', '')}")
    children = node.children("children")
    for j, child in enumerate(children):
        _tree(child, prefix + ("   " if last else "│  "), j == len(children) - 1, lines)
