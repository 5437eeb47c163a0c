"""The diff: desired category schema + live category schema in, changes out. Pure and linear.

Items are matched by schemaId (tree options by key) at every depth, never by list index, so a
reorder is a reorder, a rename with the same schemaId is a safe update, and a changed schemaId is a
removal plus an addition (reported as a probable rename when it looks like one).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .model import Action, AttributeChange, Change, Impact

__all__ = ["diff_category_schema", "flat_options", "flatten_tree"]

_GROUPS = (("tools", "tool"), ("classifications", "classification"), ("relations", "relation"))
_CHILD_KEYS = frozenset({"classifications", "options", "treeOptions", "children"})
_EMPTY: tuple[Any, ...] = (None, False, "", [], {})
_SKIP = _CHILD_KEYS | {"schemaId"}
_SKIP_TREE = _SKIP | {"key"}


@dataclass(slots=True)
class _Rec:
    kind: str  # tool | classification | relation | option | tree-option
    sid: str
    parent: str  # parent's schemaId, or "" at the top level
    group: str  # the list it is in: tools, classifications, relations, options, treeOptions, children
    index: int
    node: dict[str, Any]
    up: _Rec | None  # the parent record

    @property
    def label(self) -> str:
        return _label(self.kind, self.node)

    @property
    def address(self) -> tuple[str, ...]:
        # Built on demand: only changed items need one, and a schema has thousands of items.
        names = []
        rec: _Rec | None = self
        while rec is not None:
            names.append(rec.label)
            rec = rec.up
        return tuple(reversed(names))


def _label(kind: str, node: dict[str, Any]) -> str:
    if kind == "option":
        return f'option "{node.get("value", "")}"'
    if kind == "tree-option":
        return f'"{node.get("title", "")}"'
    return str(node.get("title", ""))


def _walk(schema: dict[str, Any], pruned: set[int]) -> Iterator[_Rec]:
    """Every item of a category schema, parents before children (document order), except the
    subtrees in ``pruned`` (identical on both sides, so nothing in them changes)."""
    stack: list[tuple[str, str, str, int, Any, _Rec | None]] = []
    for group, kind in reversed(_GROUPS):
        items = schema.get(group) or []
        for i in range(len(items) - 1, -1, -1):
            stack.append((kind, "", group, i, items[i], None))
    seen: set[str] = set()
    while stack:
        kind, parent, group, index, node, up = stack.pop()
        if not isinstance(node, dict) or id(node) in pruned:
            continue
        sid = node.get("key") if kind == "tree-option" else node.get("schemaId")
        if kind == "tree-option" and not sid:
            sid = node.get("schemaId")  # the SDK's TreeOption(key=...) writes schemaId instead
        sid = str(sid) if sid else f"(no id) {group}[{index}] of {parent or 'top'}"
        while sid in seen:  # a hub may hold duplicates; keep them apart so they show up
            sid += "′"
        seen.add(sid)
        rec = _Rec(kind, sid, parent, group, index, node, up)
        yield rec
        children: list[tuple[str, str, str, int, Any, _Rec | None]] = []
        if kind == "tree-option":
            children += [
                ("tree-option", sid, "children", j, c, rec) for j, c in enumerate(node.get("children") or ())
            ]
        else:
            children += [
                ("classification", sid, "classifications", j, c, rec)
                for j, c in enumerate(node.get("classifications") or ())
            ]
            if node.get("tool") == "tree-dropdown" or node.get("treeOptions"):
                children += [
                    ("tree-option", sid, "treeOptions", j, c, rec)
                    for j, c in enumerate(node.get("treeOptions") or ())
                ]
            else:
                children += [
                    ("option", sid, "options", j, c, rec) for j, c in enumerate(node.get("options") or ())
                ]
        stack.extend(reversed(children))


def diff_category_schema(desired: dict[str, Any], live: dict[str, Any]) -> list[Change]:
    """The changes that turn ``live`` into ``desired`` (both ``categorySchema`` values)."""
    desired, live = desired or {}, live or {}
    # Most of a large schema is unchanged: drop identical subtrees first (dict == runs in C), and
    # find reorders on the way, so the walk below only visits what differs.
    pruned: set[int] = set()
    reorders: list[Change] = []
    for group, _ in _GROUPS:
        _prune(desired.get(group) or [], live.get(group) or [], group, (), pruned, reorders)
    want = {r.sid: r for r in _walk(desired, pruned)}
    have = {r.sid: r for r in _walk(live, pruned)}
    changes: list[Change] = []
    for sid, rec in want.items():
        if sid in have:
            change = _compare(have[sid], rec, have, want)
            if change is not None:
                changes.append(change)
    removes, nested = _roots(have, want)  # in the live schema's document order
    adds, nested_added = _roots(want, have)
    nested.update(nested_added)

    renames = _probable_renames(removes, adds)
    for rec in removes:
        changes.append(_removal(rec, nested.get(rec.sid, 0), renames.get(rec.sid)))
    for rec in adds:
        changes.append(_addition(rec, nested.get(rec.sid, 0), want, have, renames.get(rec.sid)))
    changes.extend(reorders)
    return changes


def _roots(index: dict[str, _Rec], other: dict[str, _Rec]) -> tuple[list[_Rec], dict[str, int]]:
    """Items of ``index`` missing from ``other`` whose parent is not missing too (each with how many
    missing items sit under it): a removed class is one change, not one per option."""
    root_of: dict[str, str] = {}
    roots: list[_Rec] = []
    nested: dict[str, int] = {}
    for sid, rec in index.items():
        if sid in other:
            continue
        root = root_of.get(rec.parent)
        if root is None:
            root_of[sid] = sid
            roots.append(rec)
        else:
            root_of[sid] = root
            nested[root] = nested.get(root, 0) + 1
    return roots, nested


# -- one matched item -------------------------------------------------------------------------------
def _compare(old: _Rec, new: _Rec, have: dict[str, _Rec], want: dict[str, _Rec]) -> Change | None:
    moved = (old.parent, old.group) != (new.parent, new.group)
    attrs = _attributes(old, new)
    if not attrs and not moved:
        return None
    impact = Impact.SAFE
    reasons: list[str] = []
    for a in attrs:
        level, why = _attribute_impact(new.kind, a, new.node)
        if why:
            reasons.append(why)
        if level.rank > impact.rank:
            impact = level
    if moved:
        impact = Impact.DESTRUCTIVE
        reasons.insert(
            0,
            f"annotations made under {' › '.join(old.address[:-1]) or 'the top level'} "
            "no longer match where it now is",
        )
        return Change(
            Action.MOVE,
            new.kind,
            new.address,
            impact,
            tuple(reasons),
            new.sid,
            tuple(attrs),
            before=" › ".join(old.address),
            after=" › ".join(new.address),
        )
    return Change(Action.UPDATE, new.kind, new.address, impact, tuple(reasons), new.sid, tuple(attrs))


def _attributes(old: _Rec, new: _Rec) -> list[AttributeChange]:
    a, b = old.node, new.node
    skip = _SKIP_TREE if new.kind == "tree-option" else _SKIP
    out = []
    for name in b.keys() | a.keys() if a.keys() != b.keys() else b.keys():
        if name in skip:
            continue
        before, after = a.get(name), b.get(name)
        if before == after or (before in _EMPTY and after in _EMPTY and (before is None or after is None)):
            continue  # a missing field reads as its default
        if (
            name == "color"
            and isinstance(before, str)
            and isinstance(after, str)
            and before.upper() == after.upper()
        ):
            continue  # "#f44336" and "#F44336" are one color
        out.append(AttributeChange(name, before, after))
    if len(out) > 1:
        order = {k: i for i, k in enumerate(_ordered_keys(b, a))}
        out.sort(key=lambda c: order[c.name])
    if new.kind == "classification" and b.get("tool") == "tree-dropdown":
        # The flattened `options` follow from the tree, whose nodes are diffed one by one; report them
        # only when a side is inconsistent with its own tree (a hand-edited hub), since apply fixes that.
        if not _flat_matches_tree(a) or not _flat_matches_tree(b):
            out.append(
                AttributeChange(
                    "options",
                    f"{len(a.get('options') or [])} flattened tree options",
                    f"{len(b.get('options') or [])} flattened tree options",
                )
            )
    return out


def flatten_tree(nodes: list[Any], prefix: str = "") -> list[tuple[Any, Any]]:
    """A raw tree's flattened options as the SDK builds them: (``"Parent / Child"``, key), pre-order."""
    out: list[tuple[Any, Any]] = []
    for n in nodes:
        if isinstance(n, dict):
            value = f"{prefix}{n.get('title', '')}"
            out.append((value, n.get("key") or n.get("schemaId")))
            out += flatten_tree(n.get("children") or [], f"{value} / ")
    return out


def flat_options(node: dict[str, Any]) -> list[tuple[Any, Any]]:
    """A category's ``options`` as (value, schemaId) pairs."""
    return [(o.get("value"), o.get("schemaId")) for o in node.get("options") or [] if isinstance(o, dict)]


def _flat_matches_tree(node: dict[str, Any]) -> bool:
    return flat_options(node) == flatten_tree(node.get("treeOptions") or [])


def _ordered_keys(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    keys = list(first)
    keys += [k for k in second if k not in first]
    return keys


def _attribute_impact(kind: str, a: AttributeChange, node: dict[str, Any]) -> tuple[Impact, str | None]:
    title = node.get("title") or node.get("value") or ""
    if a.name == "tool":
        return (
            Impact.DESTRUCTIVE,
            f"changing the type of {title!r} from {a.before} to {a.after} orphans its annotations",
        )
    if a.name == "required" and a.after is True and not a.before:
        return (
            Impact.DATA_DEPENDENT,
            f"{title!r} becomes required: existing annotations without it become invalid",
        )
    if a.name == "regex" and a.after:
        return Impact.DATA_DEPENDENT, f"existing answers to {title!r} may not match the new regex"
    if a.name == "parentOptionId":
        return (
            Impact.DATA_DEPENDENT,
            f"{title!r} is shown under another condition: existing answers may not apply",
        )
    return Impact.SAFE, None


# -- additions and removals -------------------------------------------------------------------------
def _summary(rec: _Rec) -> dict[str, Any]:
    node = rec.node
    if rec.kind == "option":
        return {"value": node.get("value"), "schemaId": rec.sid}
    if rec.kind == "tree-option":
        return {"title": node.get("title"), "key": rec.sid}
    return {
        "type": node.get("tool"),
        "title": node.get("title"),
        "schemaId": rec.sid,
        "required": bool(node.get("required")),
    }


def _removal(rec: _Rec, nested: int, rename: tuple[_Rec, float] | None) -> Change:
    what = {"option": "answers", "tree-option": "answers"}.get(rec.kind, "annotations")
    reasons = [f"existing {what} of {rec.label} would be orphaned"]
    hint = None
    if rename is not None:
        new = rename[0]
        hint = (
            f"probably a rename of {rec.label} to {new.label} that changes the schemaId: to keep its "
            f"annotations, pin `schemaId: {rec.sid}` on {new.label} in the YAML (or give it a `key:` equal "
            "to the old title, if its old id was derived from it)"
        )
    return Change(
        Action.DELETE,
        rec.kind,
        rec.address,
        Impact.DESTRUCTIVE,
        tuple(reasons),
        rec.sid,
        before=_summary(rec),
        hint=hint,
        nested=nested,
    )


def _addition(
    rec: _Rec, nested: int, want: dict[str, _Rec], have: dict[str, _Rec], rename: tuple[_Rec, float] | None
) -> Change:
    impact, reasons = Impact.SAFE, []
    if rec.kind == "classification" and rec.node.get("required") and (not rec.parent or rec.parent in have):
        impact = Impact.DATA_DEPENDENT
        where = f"existing {have[rec.parent].label} annotations" if rec.parent else "existing labeled assets"
        reasons.append(f"a new required classification: {where} have no answer to it")
    hint = None
    if rename is not None:
        hint = f"probably a rename of {rename[0].label} (see its removal)"
    return Change(
        Action.CREATE,
        rec.kind,
        rec.address,
        impact,
        tuple(reasons),
        rec.sid,
        after=_summary(rec),
        hint=hint,
        nested=nested,
    )


def _probable_renames(removes: list[_Rec], adds: list[_Rec]) -> dict[str, tuple[_Rec, float]]:
    """Pair removals with additions of the same kind, type and parent that look alike."""
    out: dict[str, tuple[_Rec, float]] = {}
    by_slot: dict[tuple[str, str, str, Any], list[_Rec]] = {}
    for rec in adds:
        by_slot.setdefault((rec.kind, rec.parent, rec.group, rec.node.get("tool")), []).append(rec)
    for old in removes:
        best: tuple[_Rec, float] | None = None
        for new in by_slot.get((old.kind, old.parent, old.group, old.node.get("tool")), []):
            if new.sid in out:
                continue
            score = difflib.SequenceMatcher(None, old.label.lower(), new.label.lower()).ratio()
            if old.index == new.index:
                score = max(score, 0.75)
            if score >= 0.6 and (best is None or score > best[1]):
                best = (new, score)
        if best is not None:
            out[old.sid] = best
            out[best[0].sid] = (old, best[1])
    return out


# -- pruning and order ------------------------------------------------------------------------------
_KIND_OF_GROUP = {
    "tools": "tool",
    "classifications": "classification",
    "relations": "relation",
    "options": "option",
    "treeOptions": "tree-option",
    "children": "tree-option",
}
_LIST_NAME = {
    "tools": "tools",
    "classifications": "classifications",
    "relations": "relations",
    "options": "options",
    "treeOptions": "tree options",
    "children": "tree options",
}


def _sid_of(node: dict[str, Any], kind: str) -> Any:
    if kind == "tree-option":
        return node.get("key") or node.get("schemaId")
    return node.get("schemaId")


def _child_groups(node: dict[str, Any], kind: str) -> tuple[str, ...]:
    if kind == "tree-option":
        return ("children",)
    if node.get("tool") == "tree-dropdown" or node.get("treeOptions"):
        return ("classifications", "treeOptions")
    return ("classifications", "options")


def _prune(
    new: list[Any],
    old: list[Any],
    group: str,
    address: tuple[str, ...],
    pruned: set[int],
    reorders: list[Change],
) -> None:
    """Match one list's items by id; mark identical pairs in ``pruned``; recurse into the others;
    report the list as reordered when the items both sides share are in another order."""
    kind = _KIND_OF_GROUP[group]
    old_by: dict[Any, dict[str, Any]] = {}
    old_order: list[Any] = []
    for node in old:
        if isinstance(node, dict):
            sid = _sid_of(node, kind)
            old_order.append(sid)
            old_by.setdefault(sid, node)
    new_order: list[Any] = []
    for node in new:
        if not isinstance(node, dict):
            continue
        sid = _sid_of(node, kind)
        other = old_by.get(sid)
        if other is None or sid is None:
            continue
        new_order.append(sid)
        if node == other:
            pruned.add(id(node))
            pruned.add(id(other))
            continue
        inner = (*address, _label(kind, node))
        groups = _child_groups(node, kind)
        if groups == _child_groups(other, kind):
            for child in groups:
                _prune(node.get(child) or [], other.get(child) or [], child, inner, pruned, reorders)
    shared = set(new_order)
    old_shared = [sid for sid in old_order if sid in shared]
    if old_shared != new_order and len(shared) == len(new_order):
        labels_old = {(_sid_of(n, kind)): _label(kind, n) for n in old if isinstance(n, dict)}
        labels_new = {(_sid_of(n, kind)): _label(kind, n) for n in new if isinstance(n, dict)}
        what = _LIST_NAME[group]
        where = (*address, f"order of {what}") if address else (f"order of top-level {what}",)
        reorders.append(
            Change(
                Action.REORDER,
                "list",
                where,
                Impact.SAFE,
                (),
                None,
                before=[labels_old[sid] for sid in old_shared],
                after=[labels_new[sid] for sid in new_order],
            )
        )
