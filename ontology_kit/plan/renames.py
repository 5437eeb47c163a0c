"""Probable renames: which removal and addition of a diff are one item under a new title.

A changed schemaId is a removal plus an addition, and the plan says the removal orphans annotations.
When the two look like one item renamed, the plan adds a hint on how to keep the annotations (pin the
old schemaId on the new item). Following that hint when the items are *not* the same (``Snacks`` →
``Dairy``) would silently relabel every existing answer, so the hint is given only on evidence that
the two are one item, all of it required:

1. **the same slot**: the same kind, type (``tool``), parent and list, and the same index in that list;
2. **similar titles**: :func:`title_similarity` at least :data:`RENAME_THRESHOLD`;
3. **the same nested structure**: the same child lists with the same items (kinds, types and titles,
   compared as in 2's normalisation), at every depth.

Pure: :func:`probable_renames` reads the two sides' nodes, nothing else.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ..category_schema import NodeKind, SchemaNode, child_groups, item_label, items_of

__all__ = ["RENAME_THRESHOLD", "probable_renames", "title_similarity"]

#: The least :func:`title_similarity` of a probable rename. 0.75 takes typo fixes (``Pedestrain`` →
#: ``Pedestrian``: 0.9), plurals (``Box`` → ``Boxes``: 0.75; ``Car`` → ``Cars``: 0.86), case changes
#: and added words (1.0); it leaves out one-letter swaps of short words (``Car`` → ``Cat``: 0.67) and
#: replacements such as ``Traffic light`` → ``Traffic sign`` (0.44) or ``Snacks`` → ``Dairy`` (0.18).
RENAME_THRESHOLD: Final = 0.75

_WORD = re.compile(r"\w+")


def _normal(title: str) -> str:
    """Case folded, runs of anything that is not a letter or digit made one space."""
    return " ".join(_WORD.findall(title.casefold()))


def title_similarity(old: str, new: str) -> float:
    """How alike two titles are, from 0 to 1, case and punctuation aside: 1.0 when the words of one
    are all words of the other (``Bicycle`` → ``Bicycle rider``); else difflib's ratio (2·matching
    characters / their total) of the words that are not in both, in order (``Traffic light`` →
    ``Traffic lights`` compares ``light`` with ``lights``: 0.91; ``Traffic light`` → ``Traffic sign``
    compares ``light`` with ``sign``: 0.44). Symmetric: the larger of the two ways round."""
    a, b = _normal(old).split(), _normal(new).split()
    if not a or not b:
        return 0.0
    if set(a) <= set(b) or set(b) <= set(a):
        return 1.0
    rest_a = " ".join(w for w in a if w not in b)
    rest_b = " ".join(w for w in b if w not in a)
    return max(
        difflib.SequenceMatcher(None, rest_a, rest_b, autojunk=False).ratio(),
        difflib.SequenceMatcher(None, rest_b, rest_a, autojunk=False).ratio(),
    )


def _structure(kind: NodeKind, raw: Mapping[str, Any]) -> tuple[tuple[Any, ...], ...]:
    """An item's descendants as (depth, list, kind, type, normalised title), in pre-order (which, with
    the depths, is the whole tree): what a renamed item keeps. Iterative: a hub's schema may be deep."""
    out: list[tuple[Any, ...]] = []
    todo: list[tuple[int, str, NodeKind, Mapping[str, Any]]] = []

    def push(depth: int, k: NodeKind, item: Mapping[str, Any]) -> None:
        found = [
            (depth, name, child_kind, child)
            for name, child_kind in child_groups(k, item)
            for child in items_of(item.get(name))
            if isinstance(child, dict)
        ]
        todo.extend(reversed(found))

    push(1, kind, raw)
    while todo:
        depth, name, k, item = todo.pop()
        out.append((depth, name, k.value, str(item.get("tool")), _normal(item_label(k, item))))
        push(depth + 1, k, item)
    return tuple(out)


def _slot(node: SchemaNode) -> tuple[NodeKind, str, str, Any, int]:
    return (node.kind, node.parent_key, node.group, str(node.type), node.position)


def probable_renames(
    removes: Iterable[SchemaNode], adds: Iterable[SchemaNode]
) -> dict[str, tuple[SchemaNode, float]]:
    """Removed and added items that are one item renamed, both ways: key → (the other, similarity).
    See the module's docstring for the evidence required."""
    by_slot: dict[tuple[NodeKind, str, str, Any, int], list[SchemaNode]] = {}
    for node in adds:
        by_slot.setdefault(_slot(node), []).append(node)
    out: dict[str, tuple[SchemaNode, float]] = {}
    for old in removes:
        for new in by_slot.get(_slot(old), ()):
            if new.key in out:
                continue
            score = title_similarity(old.title, new.title)
            if score < RENAME_THRESHOLD or _structure(old.kind, old.raw) != _structure(new.kind, new.raw):
                continue
            out[old.key] = (new, score)
            out[new.key] = (old, score)
            break
    return out
