"""An ontology as a Mermaid flowchart (GitHub draws it in Markdown), and the diagrams of a diff.

The schema is read through the one walker (``category_schema.walk``). Each item hangs under the item
that shows it: an option under its category, a tree option under its parent, a nested classification
under its category, and a conditional one (``parentOptionId``) under the option that shows it, at
any depth (radio, checkbox, dropdown and tree options alike, and under a tool's classifications).
Every label is user text and goes through ``escape.mermaid_label``: no title can end a label, start
a directive or close the code block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from ..category_schema import CategorySchema, NodeKind, SchemaNode, walk
from ..plan.model import Plan
from .escape import md_text, mermaid_label
from .markdown import GITHUB_COMMENT_LIMIT, render_markdown

__all__ = ["MERMAID_MAX_TEXT", "render_diff_comment", "render_diff_diagrams", "render_mermaid"]

#: The most characters one diagram's text may have: Mermaid refuses a diagram over 50,000
#: ("Maximum text size in diagram exceeded"); the rest is left out and counted.
MERMAID_MAX_TEXT: Final = 40_000
_STYLES = {
    "create": "fill:#d4f7d4,stroke:#2da44e",
    "delete": "fill:#ffd7d5,stroke:#cf222e",
    "update": "fill:#fff8c5,stroke:#bf8700",
    "move": "fill:#ddf4ff,stroke:#0969da",
}
#: Actions whose item brings its whole subtree along (a new radio's options and questions are part of
#: its creation, counted in the change's ``nested``): drawn with it.
_CARRIES = frozenset({"create", "delete", "move"})


def _shown_under(nodes: list[SchemaNode]) -> dict[str, SchemaNode]:
    """Each item's key → the item it is drawn under: its parent, or for a conditional category the
    option (or tree option, at any depth of the tree) of its parent that shows it."""
    owner: dict[tuple[str, str], SchemaNode] = {}  # (category key, option id) → the option
    category: dict[str, str] = {}  # an option's or tree option's key → its category's key
    for n in nodes:
        if n.parent is not None and not n.kind.is_category:
            cat = n.parent.key if n.parent.kind.is_category else category.get(n.parent.key, n.parent.key)
            category[n.key] = cat
            if n.id is not None:
                owner.setdefault((cat, n.id), n)
    out: dict[str, SchemaNode] = {}
    for n in nodes:
        if n.parent is None:
            continue
        ref = n.raw.get("parentOptionId") if n.kind.is_category else None
        option = owner.get((n.parent.key, ref)) if isinstance(ref, str) and ref else None
        out[n.key] = option if option is not None else n.parent
    return out


def _depths(nodes: list[SchemaNode], under: Mapping[str, SchemaNode]) -> dict[str, int]:
    """How deep each item is drawn (the roots: 0), without recursion (a hub's schema may be deep)."""
    depth: dict[str, int] = {}
    for n in nodes:
        chain, key = [], n.key
        while key not in depth:
            chain.append(key)
            above = under.get(key)
            if above is None:
                break
            key = above.key
        base = depth.get(key, -1) if key not in chain else -1
        for k in reversed(chain):
            base += 1
            depth[k] = base
    return depth


def _colors(nodes: list[SchemaNode], highlight: Mapping[str, str]) -> dict[str, str]:
    """Each item's key → its action: its own (``highlight``, by key or schemaId), else the creation,
    deletion or move of an item above it, which brings it along."""
    out: dict[str, str] = {}
    for n in nodes:  # parents come before their children in the walk
        own = highlight.get(n.key) or (highlight.get(n.id) if n.id is not None else None)
        above = out.get(n.parent.key) if n.parent is not None else None
        action = own or (above if above in _CARRIES else None)
        if action:
            out[n.key] = action
    return out


def _wanted(
    nodes: list[SchemaNode], under: Mapping[str, SchemaNode], keep: set[str], colors: Mapping[str, str]
) -> set[str]:
    """The items drawn for ``keep``: those, the subtrees their change brings along, and every item
    they are drawn under up to the top."""
    marked = {n.key for n in nodes if n.key in keep or (n.id is not None and n.id in keep)}
    carried: set[str] = set()
    for n in nodes:  # parents come before their children in the walk
        p = n.parent
        if p is not None and (p.key in marked or p.key in carried) and colors.get(p.key) in _CARRIES:
            carried.add(n.key)
    out = set(marked | carried)
    for key in list(out):
        above = under.get(key)
        while above is not None and above.key not in out:
            out.add(above.key)
            above = under.get(above.key)
    return out


def _shape(n: SchemaNode) -> str:
    if n.kind.is_category:
        return f'["{mermaid_label(n.raw.get("title", ""))}<br/><small>{mermaid_label(n.type or "")}</small>"]'
    text = n.raw.get("value", "") if n.kind is NodeKind.OPTION else n.raw.get("title", "")
    return f'(["{mermaid_label(text)}"])'


def _edge(n: SchemaNode, above: SchemaNode, ids: Mapping[str, str]) -> str:
    if not n.kind.is_category:
        return f"  {ids[above.key]} --- {ids[n.key]}"
    if above.kind.is_category:
        return f"  {ids[above.key]} --> {ids[n.key]}"
    return f"  {ids[above.key]} -. when .-> {ids[n.key]}"  # the option that shows it


def render_mermaid(
    schema: CategorySchema | Mapping[str, Any],
    *,
    highlight: Mapping[str, str] | None = None,
    only: Iterable[str] | None = None,
    limit: int = 400,
    max_text: int = MERMAID_MAX_TEXT,
) -> str:
    """A ``flowchart LR`` of the categories and options. ``highlight`` maps schemaIds to an action
    (create/delete/update/move) to color; ``only`` keeps just those schemaIds, the subtrees their
    creation, deletion or move brings along, and the items above them. At most ``limit`` items and
    ``max_text`` characters are drawn, the upper levels first; the rest is counted in a last node."""
    nodes = list(walk(schema if isinstance(schema, CategorySchema) else CategorySchema.of(schema)))
    colors = _colors(nodes, highlight or {})
    under = _shown_under(nodes)
    wanted = _wanted(nodes, under, set(only), colors) if only is not None else None
    depth = _depths(nodes, under)
    order = sorted(
        (i for i, n in enumerate(nodes) if wanted is None or n.key in wanted),
        key=lambda i: (depth[nodes[i].key], i),  # level by level: a cut leaves out the deepest
    )
    ids: dict[str, str] = {}
    lines: list[str] = []
    edges: list[str] = []
    size = 0
    for i in order:
        n = nodes[i]
        above = under.get(n.key)
        if above is not None and above.key not in ids:
            continue  # what it hangs under was not drawn
        me = f"n{len(ids)}"
        node_line = f"  {me}{_shape(n)}"
        ids[n.key] = me
        edge = _edge(n, above, ids) if above is not None else ""
        size += len(node_line) + len(edge) + 2
        if len(ids) > limit or size > max_text:
            del ids[n.key]
            break
        lines.append(node_line)
        if edge:
            edges.append(edge)
    out = ["```mermaid", "flowchart LR", *lines, *edges]
    for action, style in _STYLES.items():
        members = [ids[k] for k, a in colors.items() if a == action and k in ids]
        if members:
            out += [f"  classDef {action} {style}", f"  class {','.join(members)} {action}"]
    left = len(order) - len(ids)
    if left > 0:
        out.append(f'  more["… {left} more items not drawn (limit {limit} items)"]')
    out.append("```")
    return "\n".join(out) + "\n"


def render_diff_diagrams(
    plan: Plan, schemas: Mapping[str, tuple[CategorySchema | None, CategorySchema | None]], old_label: str
) -> str:
    """For ``ontokit diff --format markdown --diagram``: a Mermaid diagram per changed file, of the
    changed items and the items above them colored by action, after the change and (removals) before
    it. ``schemas`` maps each file to its old and new category schema."""
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
                when = "after" if side == "new" else "before"
                actions = ", ".join(sorted(set(present.values())))
                out.append(f"\n#### {project.subject} {md_text(project.name)} ({when}: {actions})\n\n")
                out.append(render_mermaid(schema, highlight=present, only=present))
    return "".join(out)


def render_diff_comment(
    plan: Plan,
    schemas: Mapping[str, tuple[CategorySchema | None, CategorySchema | None]],
    old_label: str,
    *,
    limit: int = GITHUB_COMMENT_LIMIT,
) -> str:
    """The Markdown comment of a diff with its diagrams, within ``limit`` characters: the diagrams
    get at most half of it (else they are left out, and a line says so); the plan the rest."""
    diagrams = render_diff_diagrams(plan, schemas, old_label)
    if len(diagrams) > limit // 2:
        diagrams = "\n_The diagrams are left out: they would not fit in one comment._\n"
    return render_markdown(plan, limit=limit - len(diagrams)) + diagrams
