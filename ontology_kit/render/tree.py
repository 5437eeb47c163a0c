"""An ontology as a tree in the terminal, and as a Mermaid diagram (GitHub renders it in Markdown).

Both read the category schema through the one walker (``category_schema.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..category_schema import CHILD_GROUPS, TOP_GROUPS, CategorySchema, SchemaNode
from ..plan.model import Plan

__all__ = ["render_diff_diagrams", "render_mermaid", "render_tree"]


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


# -- mermaid ------------------------------------------------------------------------------------------
_STYLES = {
    "create": "fill:#d4f7d4,stroke:#2da44e",
    "delete": "fill:#ffd7d5,stroke:#cf222e",
    "update": "fill:#fff8c5,stroke:#bf8700",
    "move": "fill:#ddf4ff,stroke:#0969da",
}


def render_mermaid(
    schema: CategorySchema | Mapping[str, Any],
    *,
    highlight: Mapping[str, str] | None = None,
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

    def wanted(node: SchemaNode) -> bool:
        if keep is None:
            return True
        stack = [node]
        while stack:
            n = stack.pop()
            if (n.raw.get("schemaId") or n.raw.get("key")) in keep:
                return True
            stack += [c for group, _ in CHILD_GROUPS[n.kind] for c in n.children(group)]
        return False

    def label(text: Any, sub: str = "") -> str:
        clean = str(text).replace('"', "#quot;").replace("\n", " ")
        return f"{clean}<br/><small>{sub}</small>" if sub else clean

    def walk(node: SchemaNode, parent: str | None) -> None:
        nonlocal drawn
        raw = node.raw
        if drawn >= limit or not wanted(node):
            return
        me = nid(raw.get("schemaId"))
        drawn += 1
        nodes.append(f'  {me}["{label(raw.get("title", ""), str(raw.get("tool", "")))}"]')
        if parent:
            edges.append(f"  {parent} --> {me}")
        children = node.children("classifications")
        options = {o.raw.get("schemaId"): o.raw for o in node.children("options")}
        for o in options.values():
            if drawn >= limit or (
                keep is not None
                and o.get("schemaId") not in keep
                and not any(c.raw.get("parentOptionId") == o.get("schemaId") for c in children)
            ):
                continue
            oid = nid(o.get("schemaId"))
            drawn += 1
            nodes.append(f'  {oid}(["{label(o.get("value", ""))}"])')
            edges.append(f"  {me} --- {oid}")
        for child in children:
            ref = child.raw.get("parentOptionId")
            source = ids.get(str(ref)) if ref in options else None
            walk(child, None if source else me)
            if source and str(child.raw.get("schemaId")) in ids:
                edges.append(f"  {source} -. when .-> {ids[str(child.raw.get('schemaId'))]}")

    for group, _ in TOP_GROUPS:
        for node in _schema(schema).roots(group):
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


def render_diff_diagrams(
    plan: Plan, schemas: Mapping[str, tuple[CategorySchema | None, CategorySchema | None]], old_label: str
) -> str:
    """For ``ontokit diff --format markdown --diagram``: a Mermaid diagram per changed file, of the
    changed items and their ancestors colored by action, after the change and (removals) before it.
    ``schemas`` maps each file to its old and new category schema."""
    out = []
    for project in plan.projects:
        if not project.changes:
            continue
        old, new = schemas.get(project.name, (None, None))
        highlight = {c.schema_id: c.action.value for c in project.changes if c.schema_id}
        for schema, side in ((new, "new"), (old, old_label)):
            if schema is None:
                continue
            present = {s: a for s, a in highlight.items() if (a != "delete") == (side == "new")}
            if present:
                out.append(
                    f"\n#### {project.name} ({'after' if side == 'new' else 'before'}: "
                    f"{', '.join(sorted(set(present.values())))})\n\n"
                )
                out.append(render_mermaid(schema, highlight=present, only=present))
    return "".join(out)
