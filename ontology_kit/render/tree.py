"""An ontology as a tree in the terminal, and as a Mermaid diagram (GitHub renders it in Markdown)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["render_mermaid", "render_tree"]

_GROUPS = (("tools", "tool"), ("classifications", "classification"), ("relations", "relation"))


def render_tree(schema: dict[str, Any], keys: dict[str, str] | None = None, *, color: bool = False) -> str:
    """A category schema as an indented tree: type, key, shortcut, color swatch, conditional links.

    ``keys`` maps schemaIds to the user's ``key:`` names (a compiled payload does not carry them).
    """
    keys = keys or {}
    lines: list[str] = []
    for group, kind in _GROUPS:
        items = schema.get(group) or []
        if not items:
            continue
        lines.append(f"{group} ({len(items)})")
        for i, node in enumerate(items):
            _category(node, None, "", i == len(items) - 1, keys, color, lines)
    return "\n".join(lines) + "\n" if lines else "(empty ontology)\n"


def _swatch(hex_color: Any, color: bool) -> str:
    if not isinstance(hex_color, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", hex_color):
        return ""
    if not color:
        return f" {hex_color.upper()}"
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f" \x1b[38;2;{r};{g};{b}m■\x1b[0m {hex_color.upper()}"


def _category(
    node: dict[str, Any],
    parent: dict[str, Any] | None,
    prefix: str,
    last: bool,
    keys: dict[str, str],
    color: bool,
    lines: list[str],
) -> None:
    branch = "└─ " if last else "├─ "
    facts = [str(node.get("tool", "?"))]
    if node.get("schemaId") in keys:
        facts.append(f"key {keys[node['schemaId']]}")
    if node.get("shortcutKey"):
        facts.append(f"shortcut {node['shortcutKey']}")
    if node.get("required"):
        facts.append("required")
    cond = ""
    ref = node.get("parentOptionId")
    if ref and parent is not None:
        names = {
            o.get("schemaId"): o.get("value") for o in parent.get("options") or [] if isinstance(o, dict)
        }
        cond = f"  ⟵ when {names.get(ref, ref)!r}"
    lines.append(
        f"{prefix}{branch}{node.get('title', '')}  ({', '.join(facts)}){_swatch(node.get('color'), color)}{cond}"
    )
    inner = prefix + ("   " if last else "│  ")
    children: list[tuple[str, Any]] = []
    if node.get("treeOptions"):
        children += [("tree", t) for t in node["treeOptions"]]
    else:
        children += [("option", o) for o in node.get("options") or []]
    children += [("category", c) for c in node.get("classifications") or []]
    for j, (kind, child) in enumerate(children):
        is_last = j == len(children) - 1
        if kind == "category":
            _category(child, node, inner, is_last, keys, color, lines)
        elif kind == "option":
            lines.append(f"{inner}{'└─ ' if is_last else '├─ '}• {child.get('value', '')}")
        else:
            _tree(child, inner, is_last, lines)


def _tree(node: dict[str, Any], prefix: str, last: bool, lines: list[str]) -> None:
    lines.append(f"{prefix}{'└─ ' if last else '├─ '}▸ {node.get('title', '')}")
    children = node.get("children") or []
    for j, child in enumerate(children):
        _tree(child, prefix + ("   " if last else "│  "), j == len(children) - 1, lines)


# -- mermaid ------------------------------------------------------------------------------------------
_STYLES = {
    "create": "fill:#d4f7d4,stroke:#2da44e",
    "delete": "fill:#ffd7d5,stroke:#cf222e",
    "update": "fill:#fff8c5,stroke:#bf8700",
    "move": "fill:#ddf4ff,stroke:#0969da",
}


def render_mermaid(
    schema: dict[str, Any],
    *,
    highlight: dict[str, str] | None = None,
    only: Iterable[str] | None = None,
    limit: int = 400,
) -> str:
    """A ``flowchart LR`` of the categories and options. ``highlight`` maps schemaIds to an action
    (create/delete/update/move) to color; ``only`` keeps just those schemaIds and their ancestors.
    At most ``limit`` nodes are drawn (Mermaid gets unreadable, and slow, beyond that)."""
    highlight = highlight or {}
    keep = set(only) if only is not None else None
    nodes: list[str] = []
    edges: list[str] = []
    ids: dict[str, str] = {}
    drawn = 0

    def nid(sid: Any) -> str:
        return ids.setdefault(str(sid), f"n{len(ids)}")

    def wanted(node: dict[str, Any]) -> bool:
        if keep is None:
            return True
        stack = [node]
        while stack:
            n = stack.pop()
            sid = n.get("schemaId") or n.get("key")
            if sid in keep:
                return True
            stack += [
                c
                for c in (n.get("classifications") or [])
                + (n.get("options") or [])
                + (n.get("treeOptions") or [])
                + (n.get("children") or [])
                if isinstance(c, dict)
            ]
        return False

    def label(text: Any, sub: str = "") -> str:
        clean = str(text).replace('"', "#quot;").replace("\n", " ")
        return f"{clean}<br/><small>{sub}</small>" if sub else clean

    def walk(node: dict[str, Any], parent: str | None) -> None:
        nonlocal drawn
        if drawn >= limit or not wanted(node):
            return
        me = nid(node.get("schemaId"))
        drawn += 1
        nodes.append(f'  {me}["{label(node.get("title", ""), str(node.get("tool", "")))}"]')
        if parent:
            edges.append(f"  {parent} --> {me}")
        options = {o.get("schemaId"): o for o in node.get("options") or [] if isinstance(o, dict)}
        for o in options.values():
            if drawn >= limit or (
                keep is not None
                and o.get("schemaId") not in keep
                and not any(
                    c.get("parentOptionId") == o.get("schemaId") for c in node.get("classifications") or []
                )
            ):
                continue
            oid = nid(o.get("schemaId"))
            drawn += 1
            nodes.append(f'  {oid}(["{label(o.get("value", ""))}"])')
            edges.append(f"  {me} --- {oid}")
        for child in node.get("classifications") or []:
            if not isinstance(child, dict):
                continue
            ref = child.get("parentOptionId")
            source = ids.get(str(ref)) if ref in options else None
            walk(child, None if source else me)
            if source and str(child.get("schemaId")) in ids:
                edges.append(f"  {source} -. when .-> {ids[str(child.get('schemaId'))]}")

    for group, _ in _GROUPS:
        for node in schema.get(group) or []:
            if isinstance(node, dict):
                walk(node, None)
    lines = ["```mermaid", "flowchart LR", *nodes, *edges]
    for action, style in _STYLES.items():
        members = [ids[s] for s, a in highlight.items() if a == action and s in ids]
        if members:
            lines.append(f"  classDef {action} {style}")
            lines.append(f"  class {','.join(members)} {action}")
    if drawn >= limit:
        lines.append(f'  more["… more items not drawn (limit {limit})"]')
    lines.append("```")
    return "\n".join(lines) + "\n"
