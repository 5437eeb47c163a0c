"""Declared migrations (``migrations:``): well formed, targets in this ontology, no item carried
twice. What needs the live label set (the sources, the kinds they are) is checked by the plan
(``migration.bind``); this is what a file says on its own (docs/migrations.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from .._text import did_you_mean
from ..category_schema import CategorySchema, NodeKind
from ..codes import Rule
from ..diagnostics import DataPath
from ..migration import CHOICE_TYPES, DeclaredMigration, SourceRef, find
from ..model.migrations import ItemRef, Migration
from ..model.ontology import RetiredId
from ._context import Context

__all__ = ["RULES", "check_migrations"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "invalid-migration",
        "a migration that names no kind or several, lacks its target, or has a field of another kind",
        "one of merge, move, rekey, convert, delete; `into` for a merge, `to` for the others but delete",
        "`{move: [Vehicle, Truck], into: [Vehicle, Lorry]}`",
        "`{move: [Vehicle, Truck], to: [Vehicle, Lorry]}`",
    ),
    Rule(
        "unknown-migration-target",
        "a migration's target (or a convert's new option) names no item of this ontology",
        "targets are items of this ontology, by path of names or `{schemaId: ...}`",
        "`into: [Vehicle, Type, Heavy vehicel]`",
        "`into: [Vehicle, Type, Heavy vehicle]`",
    ),
    Rule(
        "migration-source-kept",
        "a migration's source is still an item of this ontology",
        "a migration carries answers away from items that leave the label set",
        "`merge: [{schemaId: a1}]` where an option still has schemaId a1",
        "remove the item from the ontology, or the migration",
    ),
    Rule(
        "duplicate-migration-source",
        "one item is the source of two migrations, or the target of one and the source of another",
        "each item migrates once, straight to its final place",
        "`move: {schemaId: a1}` twice",
        "one migration per item",
    ),
    Rule(
        "unacknowledged-deletion",
        "a `delete` migration without `acknowledge: true`",
        "deleting answers is said out loud",
        "`{delete: [Vehicle, Parked]}`",
        "`{delete: [Vehicle, Parked], acknowledge: true}`",
    ),
)

_TARGET_FIELD = {"merge": "into", "move": "to", "rekey": "to", "convert": "to", "delete": None}


def _ref(value: ItemRef, retired: Mapping[tuple[str, ...], str] | None = None) -> SourceRef:
    """A reference; a path that a ``retired:`` entry's ``was`` spells also gets that entry's id, so
    that plans can count its answers after the item left the live label set."""
    if value.path is None:
        return SourceRef(schema_id=value.schemaId)
    path = tuple(value.path)
    return SourceRef(schema_id=(retired or {}).get(path), path=path)


_KIND_PREFIXES = ("tool ", "classification ", "relation ")


def was_names(was: str) -> tuple[str, ...]:
    """The names of the breadcrumb a retired entry's ``was`` holds, as ontokit writes it
    (``Vehicle › Type › option "Truck"``, ``tool Truck``): ``("Vehicle", "Type", "Truck")``."""
    names = []
    for i, part in enumerate(was.split(" › ")):
        if i == 0:
            part = next((part[len(p) :] for p in _KIND_PREFIXES if part.startswith(p)), part)
        if part.startswith('option "') and part.endswith('"'):
            part = part[len('option "') : -1]
        elif len(part) > 1 and part.startswith('"') and part.endswith('"'):
            part = part[1:-1]
        names.append(part)
    return tuple(names)


def check_migrations(
    ctx: Context, migrations: Sequence[Migration], schema: CategorySchema, retired: Sequence[RetiredId] = ()
) -> tuple[DeclaredMigration, ...]:
    """Check every migration against the ontology's own label set (``schema``, compiled); returns
    the well-formed ones with their targets resolved (and their sources named by a path that a
    ``retired:`` entry spells, with that entry's id)."""
    ids = {n.id: n for n in schema.walk() if n.id is not None}
    spelled = {was_names(r.was): r.schemaId for r in retired if r.was}
    out: list[DeclaredMigration] = []
    seen: dict[str, DataPath] = {}
    targets: dict[str, DataPath] = {}
    for index, m in enumerate(migrations):
        path: DataPath = ("migrations", index)
        declared = _one(ctx, m, path, schema, spelled)
        if declared is None:
            continue
        for position, ref in enumerate(declared.sources):
            where: DataPath = (
                (*path, declared.kind, position) if declared.kind == "merge" else (*path, declared.kind)
            )
            if ref.schema_id is not None and ref.schema_id in ids:
                same = declared.kind in ("move", "convert") and ref.schema_id == declared.target
                if not same:
                    ctx.issue(
                        "migration-source-kept",
                        f"{ref.text} is still {' › '.join(ids[ref.schema_id].address)} in this ontology",
                        where,
                        hint="a migration carries answers away from an item that leaves the label set: "
                        "remove the item, or this migration",
                    )
            key = ref.schema_id or "\x00".join(ref.path)
            if key in seen:
                ctx.issue(
                    "duplicate-migration-source",
                    f"{ref.text} is already migrated by another entry",
                    where,
                    hint="the other entry is at {related}; each item migrates once: keep one",
                    related=seen[key],
                )
            seen.setdefault(key, where)
        if declared.target is not None:
            targets.setdefault(declared.target, path)
        out.append(declared)
    for declared in out:  # a target that another migration carries away again: a chain
        for ref in declared.sources:
            if ref.schema_id in targets and ref.schema_id != declared.target:
                ctx.issue(
                    "duplicate-migration-source",
                    f"{ref.text} is the target of another migration, and moves on here",
                    ("migrations", declared.index),
                    hint="that migration is at {related}: point it at the final item instead",
                    related=targets[ref.schema_id],
                )
    return tuple(out)


def _one(
    ctx: Context, m: Migration, path: DataPath, schema: CategorySchema, retired: Mapping[tuple[str, ...], str]
) -> DeclaredMigration | None:
    index = int(path[1])
    refs: list[tuple[ItemRef, DataPath]] = [(r, (*path, "merge", i)) for i, r in enumerate(m.merge or ())]
    refs += [
        (r, (*path, k))
        for k in ("move", "rekey", "convert", "delete", "into", "to")
        if (r := getattr(m, k)) is not None
    ]
    for ref, where in refs:
        if (ref.schemaId is None) == (ref.path is None):
            ctx.issue(
                "invalid-migration",
                "an item is named by `{schemaId: ...}` or by its path of names `[...]`, one of them",
                where,
                hint="e.g. `[Vehicle, Type, Truck]` or `{schemaId: 9f2c…}`",
            )
            return None
    sources = tuple(_ref(r, retired) for r in m.sources())
    kinds = m.kinds()
    if len(kinds) != 1:
        named = ", ".join(kinds) if kinds else "none"
        ctx.issue(
            "invalid-migration",
            f"a migration names exactly one of merge, move, rekey, convert, delete (this one: {named})",
            path,
            hint="write one entry per migration",
        )
        return None
    kind = kinds[0]
    wanted = _TARGET_FIELD[kind]
    for name, value in (("into", m.into), ("to", m.to), ("values", m.values), ("acknowledge", m.acknowledge)):
        allowed = (
            name == wanted
            or (name == "values" and kind == "convert")
            or (name == "acknowledge" and kind == "delete")
        )
        if value is not None and not allowed:
            hint = f"a {kind} takes `{wanted}`" if wanted else "a delete takes no target"
            ctx.issue(
                "invalid-migration",
                f"`{name}` is not a field of a {kind} migration",
                (*path, name),
                hint=hint,
            )
            return None
    if wanted is not None and getattr(m, wanted) is None:
        ctx.issue(
            "invalid-migration", f"a {kind} migration needs `{wanted}`: the item its answers go to", path
        )
        return None
    if kind == "delete":
        if m.acknowledge is not True:
            ctx.issue(
                "unacknowledged-deletion",
                "a delete migration deletes answers from every task: say so with `acknowledge: true`",
                path,
                hint="or migrate the answers to another item (merge, move, convert)",
            )
            return None
        return DeclaredMigration(index, kind, sources)
    assert wanted is not None
    target = _target(ctx, getattr(m, wanted), (*path, wanted), schema)
    if target is None:
        return None
    values: list[tuple[str, str]] = []
    for old, new in (m.values or {}).items():
        found = [n for n in target.children() if n.kind in (NodeKind.OPTION, NodeKind.TREE_OPTION)]
        match = _option(found, new)
        if match is None:
            ctx.issue(
                "unknown-migration-target",
                f"{new!r} is no option of {' › '.join(target.address)}",
                (*path, "values", old),
                hint=did_you_mean(new, [n.title for n in found]) or "name an option by its value or schemaId",
            )
            return None
        values.append((old, match))
    if kind == "convert" and target.type not in CHOICE_TYPES:
        ctx.issue(
            "invalid-migration",
            f"convert needs a classification with options as its target; {' › '.join(target.address)} is "
            f"{'a ' + str(target.type) if target.type else 'an ' + target.kind.value}",
            (*path, "to"),
        )
        return None
    return DeclaredMigration(index, kind, sources, target.id, tuple(values))


def _option(nodes: list[Any], name: str) -> str | None:
    todo = list(nodes)
    while todo:
        n = todo.pop(0)
        if n.title == name or n.id == name:
            return str(n.id)
        if n.kind is NodeKind.TREE_OPTION:
            todo.extend(n.children())
    return None


def _target(ctx: Context, value: Any, path: DataPath, schema: CategorySchema) -> Any:
    ref = _ref(value)
    found = find(schema, ref)
    if len(found) == 1 and found[0].id is not None:
        return found[0]
    if not found:
        names = [n.title for n in schema.walk()]
        last = ref.schema_id or (ref.path[-1] if ref.path else "")
        ctx.issue(
            "unknown-migration-target",
            f"{ref.text} names no item of this ontology",
            path,
            hint=did_you_mean(last, names)
            or "name it by its path of titles (option: its value), or `{schemaId: ...}`",
        )
    else:
        ctx.issue(
            "unknown-migration-target",
            f"{ref.text} names {len(found)} items of this ontology",
            path,
            hint="name it by `{schemaId: ...}`",
        )
    return None
