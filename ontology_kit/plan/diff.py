"""The diff: desired category schema + live category schema in, changes out. Pure and linear.

Items are matched by schemaId (tree options by key) at every depth, never by list index, so a
reorder is a reorder, a rename with the same schemaId is a safe update, and a changed schemaId is a
removal plus an addition (reported as a probable rename only on evidence: ``plan/renames.py``).
Both schemas are read through the one walker of ``category_schema.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any

from .._text import bounded
from ..category_schema import (
    GROUP_KIND,
    OPTION_FIELDS,
    TOP_GROUPS,
    CategorySchema,
    NodeKind,
    SchemaNode,
    child_groups,
    item_id,
    item_label,
    items_of,
    tree_paths,
    walk,
)
from .impacts import field_impact
from .model import Action, AttributeChange, Change, ChangeKind, Impact
from .renames import probable_renames

__all__ = ["diff_category_schema"]

_EMPTY: tuple[Any, ...] = (None, False, "", [], {})
# Every field of an item is compared (its id too: matched items have equal ids, unless one is 0 and
# the other "0"), except the child lists the walker visits in the desired item, whose items are
# diffed one by one. Anything else, such as a `treeOptions` list on a tool, is compared as a value:
# what apply writes is always what the plan shows.
_OPTION_FIELD_COUNT = len(OPTION_FIELDS)  # a flattened tree option holds these, nothing else
_TOP_GROUP_NAMES = frozenset(group for group, _ in TOP_GROUPS)
_LIST_NAME = {"treeOptions": "tree options", "children": "tree options"}

Index = dict[str, SchemaNode]


def diff_category_schema(
    desired: CategorySchema | Mapping[str, Any], live: CategorySchema | Mapping[str, Any]
) -> list[Change]:
    """The changes that turn ``live`` into ``desired`` (both ``categorySchema`` values)."""
    want_schema = desired if isinstance(desired, CategorySchema) else CategorySchema.of(desired)
    have_schema = live if isinstance(live, CategorySchema) else CategorySchema.of(live)
    # Most of a large schema is unchanged: drop identical subtrees first (dict == runs in C), and
    # find reorders on the way, so that the walk below only visits what differs.
    pruned: set[int] = set()
    reorders: list[Change] = []
    for group, _ in TOP_GROUPS:
        _prune(
            items_of(want_schema.raw.get(group)),
            items_of(have_schema.raw.get(group)),
            group,
            (),
            pruned,
            reorders,
        )
    want = {n.key: n for n in walk(want_schema, prune=pruned)}
    have = {n.key: n for n in walk(have_schema, prune=pruned)}
    changes: list[Change] = []
    for key, node in want.items():
        if key in have:
            change = _compare(have[key], node)
            if change is not None:
                changes.append(change)
    removes, nested = _roots(have, want)  # in the live schema's document order
    adds, nested_added = _roots(want, have)
    nested.update(nested_added)

    renames = probable_renames(removes, adds)
    for node in removes:
        changes.append(_removal(node, nested.get(node.key, 0), renames.get(node.key)))
    for node in adds:
        changes.append(_addition(node, nested.get(node.key, 0), have, renames.get(node.key)))
    changes.extend(reorders)
    top = _top_level_fields(want_schema.raw, have_schema.raw)
    if top is not None:
        changes.append(top)
    return changes


def _top_level_fields(want: Mapping[str, Any], have: Mapping[str, Any]) -> Change | None:
    """Fields of the category schema beside its groups (none in a compiled ontology; a hand-edited
    hub or plan file may hold some): compared as values, so that nothing is written unseen."""
    attributes = [
        AttributeChange(name, bounded(have.get(name)), bounded(want.get(name)))
        for name in sorted(want.keys() | have.keys())
        # a group the walker reads whole is diffed item by item (and comparing it here costs MBs)
        if not (name in _TOP_GROUP_NAMES and _all_items(have.get(name)) and _all_items(want.get(name)))
        and have.get(name) != want.get(name)
    ]
    if not attributes:
        return None
    return Change(
        Action.UPDATE,
        ChangeKind.LIST,
        ("category schema",),
        Impact.SAFE,
        ("fields beside tools, classifications and relations; ontokit does not know what they do",),
        attributes=tuple(attributes),
    )


def _roots(index: Index, other: Index) -> tuple[list[SchemaNode], dict[str, int]]:
    """Items of ``index`` missing from ``other`` whose parent is not missing too (each with how many
    missing items sit under it): a removed class is one change, not one per option."""
    root_of: dict[str, str] = {}
    roots: list[SchemaNode] = []
    nested: dict[str, int] = {}
    for key, node in index.items():
        if key in other:
            continue
        root = root_of.get(node.parent_key)
        if root is None:
            root_of[key] = key
            roots.append(node)
        else:
            root_of[key] = root
            nested[root] = nested.get(root, 0) + 1
    return roots, nested


# -- one matched item -------------------------------------------------------------------------------
def _compare(old: SchemaNode, new: SchemaNode) -> Change | None:
    moved = (old.parent_key, old.group) != (new.parent_key, new.group)
    attrs = _attributes(old, new)
    if not attrs and not moved:
        return None
    impact = Impact.SAFE
    reasons: list[str] = []
    for a in attrs:
        level, why = _attribute_impact(a, new.raw)
        if why:
            reasons.append(why)
        if level.rank > impact.rank:
            impact = level
    kind = ChangeKind.of(new.kind)
    if moved:
        impact = Impact.DESTRUCTIVE
        reasons.insert(
            0,
            f"annotations made under {' › '.join(old.address[:-1]) or 'the top level'} "
            "no longer match where it now is",
        )
        return Change(
            Action.MOVE,
            kind,
            new.address,
            impact,
            tuple(reasons),
            new.key,
            tuple(attrs),
            before=" › ".join(old.address),
            after=" › ".join(new.address),
        )
    return Change(Action.UPDATE, kind, new.address, impact, tuple(reasons), new.key, tuple(attrs))


def _attributes(old: SchemaNode, new: SchemaNode) -> list[AttributeChange]:
    a, b = old.raw, new.raw
    walked = {name for name, _ in new.child_groups()}
    skip = {name for name in walked if _all_items(a.get(name)) and _all_items(b.get(name))}
    # A tree's flattened `options` follow from its tree, whose nodes are diffed one by one (below).
    flat = new.kind is NodeKind.CLASSIFICATION and "options" not in walked
    if flat:
        skip.add("options")
    out = []
    for name in b.keys() | a.keys() if a.keys() != b.keys() else b.keys():
        if name in skip:
            continue
        before, after = a.get(name), b.get(name)
        if before == after or (before in _EMPTY and after in _EMPTY and (before is None or after is None)):
            continue  # a missing field reads as its default
        if _same_color(name, before, after):
            continue  # "#f44336" and "#F44336" are one color
        out.append(AttributeChange(name, bounded(before), bounded(after)))  # a hub's value may be deep
    if len(out) > 1:
        order = {k: i for i, k in enumerate([*b, *(k for k in a if k not in b)])}
        out.sort(key=lambda c: order[c.name])
    # Report a tree's flattened options only when a side is inconsistent with its own tree (a
    # hand-edited hub or plan file): apply writes them as they are.
    if flat and a.get("options") != b.get("options"):
        old_flat = all(name != "options" for name, _ in old.child_groups())
        if not _flat_matches_tree(b) or (old_flat and not _flat_matches_tree(a)):
            before, after = (
                f"{len(items_of(side.get('options')))} flattened tree options" for side in (a, b)
            )
            out.append(AttributeChange("options", before, after))
    return out


def _all_items(value: Any) -> bool:
    """Whether a child list is absent or a list of objects: all of it is seen by the walker. Anything
    else (from a hand-edited hub or plan file) is compared as a value instead."""
    return value is None or (isinstance(value, list) and all(map(isinstance, value, repeat(dict))))


def _same_color(name: str, before: Any, after: Any) -> bool:
    return (
        name == "color"
        and isinstance(before, str)
        and isinstance(after, str)
        and before.upper() == after.upper()
    )


def _flat_matches_tree(node: Mapping[str, Any]) -> bool:
    """Whether a tree's flattened ``options`` are exactly what the SDK derives from its tree: the
    same (value, schemaId) pairs, in order, and no other field (``option_payload``'s two)."""
    options = node.get("options", [])
    paths = tree_paths(node.get("treeOptions"))
    if not isinstance(options, list) or len(options) != len(paths):
        return False
    try:
        pairs = [(o["value"], o["schemaId"]) for o in options]
    except (KeyError, TypeError, IndexError):  # not objects, or not these fields
        return False
    # Both fields present and no other (map runs in C: a tree can flatten to thousands of options).
    return pairs == paths and set(map(len, options)) <= {_OPTION_FIELD_COUNT}


def _attribute_impact(a: AttributeChange, node: Mapping[str, Any]) -> tuple[Impact, str | None]:
    title = node.get("title") or node.get("value") or ""
    return field_impact(a.name, a.before, a.after, title if isinstance(title, str) else str(title))


# -- additions and removals -------------------------------------------------------------------------
def _summary(node: SchemaNode) -> dict[str, Any]:
    raw = node.raw
    if node.kind is NodeKind.OPTION:
        return {"value": bounded(raw.get("value")), "schemaId": node.key}
    if node.kind is NodeKind.TREE_OPTION:
        return {"title": bounded(raw.get("title")), "key": node.key}
    return {
        "type": bounded(raw.get("tool")),
        "title": bounded(raw.get("title")),
        "schemaId": node.key,
        "required": bool(raw.get("required")),
    }


def _removal(node: SchemaNode, nested: int, rename: tuple[SchemaNode, float] | None) -> Change:
    what = "annotations" if node.kind.is_category else "answers"
    reasons = [f"existing {what} of {node.label} would be orphaned"]
    hint = None
    if rename is not None:
        new = rename[0]
        hint = (
            f"probably a rename of {node.label} to {new.label} that changes the schemaId: to keep its "
            f"annotations, pin `schemaId: {node.key}` on {new.label} in the YAML (or give it a `key:` equal "
            "to the old title, if its old id was derived from it)"
        )
    return Change(
        Action.DELETE,
        ChangeKind.of(node.kind),
        node.address,
        Impact.DESTRUCTIVE,
        tuple(reasons),
        node.key,
        before=_summary(node),
        hint=hint,
        nested=nested,
    )


def _addition(node: SchemaNode, nested: int, have: Index, rename: tuple[SchemaNode, float] | None) -> Change:
    impact, reasons = Impact.SAFE, []
    parent = node.parent_key
    if node.kind is NodeKind.CLASSIFICATION and node.raw.get("required") and (not parent or parent in have):
        impact = Impact.DATA_DEPENDENT
        where = f"existing {have[parent].label} annotations" if parent else "existing labeled assets"
        reasons.append(f"a new required classification: {where} have no answer to it")
    hint = None
    if rename is not None:
        hint = f"probably a rename of {rename[0].label} (see its removal)"
    return Change(
        Action.CREATE,
        ChangeKind.of(node.kind),
        node.address,
        impact,
        tuple(reasons),
        node.key,
        after=_summary(node),
        hint=hint,
        nested=nested,
    )


# -- pruning and order ------------------------------------------------------------------------------
def _prune(
    new: Sequence[Any],
    old: Sequence[Any],
    group: str,
    address: tuple[str, ...],
    pruned: set[int],
    reorders: list[Change],
) -> None:
    """Match one list's items by id; mark identical pairs in ``pruned``; recurse into the others;
    report the list as reordered when the items both sides share are in another order.

    It reads the raw items (and the shape from ``category_schema``) rather than walking: it visits
    every item of a large schema's lists, and making a node of each would cost more than the diff."""
    kind = GROUP_KIND[group]
    old_by: dict[str | None, dict[str, Any]] = {}
    old_order: list[str | None] = []
    for raw in old:
        if isinstance(raw, dict):
            sid = item_id(kind, raw)
            old_order.append(sid)
            old_by.setdefault(sid, raw)
    new_order: list[str] = []
    for raw in new:
        if not isinstance(raw, dict):
            continue
        sid = item_id(kind, raw)
        other = old_by.get(sid)
        if other is None or sid is None:
            continue
        new_order.append(sid)
        if raw == other:
            pruned.add(id(raw))
            pruned.add(id(other))
            continue
        groups = child_groups(kind, raw)
        if groups == child_groups(kind, other):
            inner = (*address, item_label(kind, raw))
            for child, _ in groups:
                _prune(items_of(raw.get(child)), items_of(other.get(child)), child, inner, pruned, reorders)
    shared = set(new_order)
    old_shared = [sid for sid in old_order if sid in shared]
    if old_shared != new_order and len(shared) == len(new_order):
        labels_old = {item_id(kind, n): item_label(kind, n) for n in old if isinstance(n, dict)}
        labels_new = {item_id(kind, n): item_label(kind, n) for n in new if isinstance(n, dict)}
        what = _LIST_NAME.get(group, group)
        where = (*address, f"order of {what}") if address else (f"order of top-level {what}",)
        reorders.append(
            Change(
                Action.REORDER,
                ChangeKind.LIST,
                where,
                Impact.SAFE,
                (),
                None,
                before=[labels_old[sid] for sid in old_shared],
                after=[labels_new[sid] for sid in new_order],
            )
        )
