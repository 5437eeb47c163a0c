"""Keys and schemaIds: well formed, and never shared, or two items would get one id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ..codes import Rule
from ..diagnostics import DataPath
from ..model.ontology import RetiredId
from ..resolve import ResolvedCategory, ResolvedOntology
from ._context import CONTROL, Context

__all__ = [
    "RULES",
    "key_and_id",
    "retired_ids",
    "schema_ids",
    "unique_keys",
    "unique_names",
    "unique_sibling_names",
]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "invalid-key",
        "an empty key",
        "a key is not blank",
        '`key: ""`',
        "`key: car`",
    ),
    Rule(
        "invalid-schema-id",
        "an empty schemaId, or one with spaces",
        "a schemaId is not blank and has no spaces",
        '`schemaId: "my id"`',
        "`schemaId: my-id`",
    ),
    Rule(
        "duplicate-item-key",
        "two siblings (or two nodes of one tree) with the same key",
        "keys unique among siblings and within one tree",
        "two options with `key: a`",
        "`key: a`, `key: b`",
    ),
    Rule(
        "duplicate-schema-id",
        "a schemaId used twice in the ontology",
        "schemaIds unique in the whole ontology",
        "a tool and an option both `schemaId: x1`",
        "`x1` and `x2`",
    ),
    Rule(
        "reused-schema-id",
        "an item whose schemaId (pinned or derived) is listed in `retired:`",
        "a retired schemaId is never used again",
        "`retired: [{schemaId: 9f2c…, was: option Truck}]` and a new option Truck (derived id 9f2c…)",
        "another key or title for the new item, or a pinned new schemaId",
    ),
)

_WAS_SHOWN: Final = 200  # characters of a retired entry's `was` that a message quotes

_ID_HINT = "schemaIds are opaque strings without spaces; leave it out to get a derived one"
_KEY_HINT = "remove `key`, or give a stable name"


def key_and_id(ctx: Context, key: str | None, schema_id: str | None, path: DataPath) -> None:
    """A key must not be blank; a pinned schemaId must not be blank or hold spaces."""
    if key is not None and not key.strip():
        ctx.issue("invalid-key", "key is empty", (*path, "key"), hint=_KEY_HINT)
    if schema_id is not None and (
        not schema_id.strip()
        or schema_id != schema_id.strip()
        or " " in schema_id
        or CONTROL.search(schema_id)
    ):
        ctx.issue(
            "invalid-schema-id",
            f"schemaId {schema_id!r} is empty or contains spaces",
            (*path, "schemaId"),
            hint=_ID_HINT,
        )


def unique_sibling_names(ctx: Context, group: list[ResolvedCategory]) -> None:
    """Sibling categories' identity names must differ (see :func:`unique_names`)."""
    unique_names(ctx, ((n.model.key, n.model.title, n.path) for n in group))


def unique_names(
    ctx: Context,
    items: Iterable[tuple[str | None, str, DataPath]],
    what: str = "key",
    field: str = "title",
    report_keys: bool = True,
) -> None:
    """Siblings' identity names (key, else title) must differ, or their derived ids collide.

    Two equal titles are duplicate-title's business; here: a key equal to another key, or to a
    sibling's title (``{title: Auto, key: Car}`` beside ``{title: Car}``).
    """
    seen: dict[str, tuple[bool, DataPath]] = {}
    for key, name, path in items:
        effective = key if key is not None else name
        if effective not in seen:
            seen[effective] = (key is not None, path)
            continue
        first_keyed, first_path = seen[effective]
        if key is not None and first_keyed:
            if report_keys:
                ctx.issue(
                    "duplicate-item-key",
                    f"{what} {key!r} is used twice",
                    (*path, "key"),
                    hint="the first is at {related}; keys name one item each",
                    related=first_path,
                )
        elif key is not None or first_keyed:
            at = (*path, "key") if key is not None else (*path, field)
            ctx.issue(
                "duplicate-item-key",
                f"{what} {effective!r} is also the {field} of a sibling without a key; both would "
                "get the same schemaId",
                at,
                hint="the other is at {related}; give one of them a different key",
                related=first_path,
            )


def unique_keys(ctx: Context, items: Iterable[tuple[str | None, DataPath]], what: str = "key") -> None:
    """Keys must differ within a scope wider than siblings (all nodes of one tree)."""
    seen: dict[str, DataPath] = {}
    for key, path in items:
        if key is None:
            continue
        if key in seen:
            ctx.issue(
                "duplicate-item-key",
                f"{what} {key!r} is used twice",
                (*path, "key"),
                hint="the first is at {related}; keys name one item each",
                related=seen[key],
            )
        else:
            seen[key] = path


def schema_ids(ctx: Context, resolved: ResolvedOntology) -> None:
    """Every schemaId (categories, options, tree nodes) is unique in the whole ontology."""
    seen: dict[str, tuple[DataPath, bool]] = {}
    for node in resolved.walk():
        entries = [(node.schema_id, (*node.path, "schemaId"), node.explicit_id)]
        # tree nodes are in node.options too (flattened), so this covers them
        entries += [(o.schema_id, (*o.path, "schemaId"), o.explicit_id) for o in node.options]
        for sid, path, explicit in entries:
            if sid not in seen:
                seen[sid] = (path, explicit)
                continue
            first_path, first_explicit = seen[sid]
            if first_path == path:
                # The same written option, reached again: an option set used by several categories
                # that pins a schemaId gives every one of them that id.
                ctx.issue(
                    "duplicate-schema-id",
                    f"schemaId {sid!r} is pinned in an option set that several categories use",
                    path,
                    hint="each use needs its own id: remove schemaId from the option set",
                )
            elif explicit or first_explicit:
                # Two derived ids collide only when two items share an identity, which the
                # duplicate-title/-option/-key rules already report in better words.
                ctx.issue(
                    "duplicate-schema-id",
                    f"schemaId {sid!r} is used twice",
                    path if explicit else first_path,
                    hint="the other use is at {related}; schemaIds must be unique across the whole ontology",
                    related=first_path if explicit else path,
                )


def retired_ids(ctx: Context, resolved: ResolvedOntology, retired: Iterable[RetiredId]) -> None:
    """No item (category, option, tree node) takes a schemaId listed in ``retired:``: existing
    annotations of the item it named would silently read as the new one."""
    gone: dict[str, RetiredId] = {}
    firsts: dict[str, int] = {}
    for index, entry in enumerate(retired):
        if entry.schemaId in firsts:  # a merge that retired it twice: which `was` would the error name?
            ctx.issue(
                "duplicate-schema-id",
                f"retired schemaId {entry.schemaId!r} is listed twice",
                ("retired", index),
                hint="the other entry is at {related}; keep one",
                related=("retired", firsts[entry.schemaId]),
            )
            continue
        firsts[entry.schemaId] = index
        gone[entry.schemaId] = entry
    if not gone:
        return
    for node in resolved.walk():
        entries = [(node.schema_id, node.path, node.explicit_id, node.kind.value)]
        entries += [(o.schema_id, o.path, o.explicit_id, "option") for o in node.options]
        for sid, path, explicit, kind in entries:
            found = gone.get(sid)
            if found is None:
                continue
            # `was` is free text (a pasted line may carry a whole title): the message stays a line
            was = (
                found.was
                if found.was is None or len(found.was) <= _WAS_SHOWN
                else found.was[:_WAS_SHOWN] + "…"
            )
            named = f"it named {was}" if was else "it named an item that was removed"
            ctx.issue(
                "reused-schema-id",
                f"this {kind} takes the retired schemaId {sid!r}; {named}",
                (*path, "schemaId") if explicit else path,
                hint="existing annotations of the removed item would read as this one: give it another "
                "key or title, or pin another schemaId (remove the `retired:` entry only if this is "
                "that very item, restored)",
            )
