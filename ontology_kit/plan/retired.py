"""Tombstones in plans: a category-schema item a plan removes leaves its schemaId in the existing
annotations, so the ontology should retire it (``retired:``, docs/format.md) in the same change,
and no later item may take it. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import Action, Change, ChangeKind

__all__ = ["unretired"]

#: The kinds of change whose item has a schemaId that annotations hold.
_ITEMS = frozenset(
    {
        ChangeKind.TOOL,
        ChangeKind.CLASSIFICATION,
        ChangeKind.RELATION,
        ChangeKind.OPTION,
        ChangeKind.TREE_OPTION,
    }
)


def unretired(changes: Sequence[Change], retired: Iterable[str]) -> list[str]:
    """A warning for each removed item whose schemaId the ontology does not retire, with the line to
    add (one per removed item: what goes with it is retired by its own id only if listed too)."""
    done = set(retired)
    out = []
    for c in changes:
        if c.action is not Action.DELETE or c.kind not in _ITEMS or not c.schema_id or c.schema_id in done:
            continue
        last = c.address[-1] if c.address else ""
        label = c.path if last.startswith(f"{c.kind.value} ") else f"{c.kind.value} {c.path}"
        was = label.replace("'", "''")
        out.append(
            f"{label} is removed: retire its schemaId in the ontology so that no later item takes it "
            f"(existing annotations hold it): `retired: [{{schemaId: {c.schema_id}, was: '{was}'}}]`"
        )
    return out
