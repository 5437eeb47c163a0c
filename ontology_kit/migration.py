"""Declared annotation migrations as typed data, and what they mean between two label sets. Pure.

A :class:`DeclaredMigration` is one entry of an ontology's ``migrations:`` (``model/migrations.py``)
with its target resolved to an id of the desired label set. :func:`bind` reads the declared
migrations against the label set the answers were made with (``before``, the live one) and the one
they go to (``after``, the desired one), and returns a :class:`Binding`: which old category ids,
option ids and subtrees go where, or the problems that keep them from going anywhere. The rewriter
of answers (``answer_rewrite.py``) executes a binding; the plan (``plan/migrations.py``) shows it.

Nested items follow their migrated parent by name: a merged tool's nested classification goes to the
target's nested classification of the same title, an option to the option of the same value (a
convert's ``values:`` says otherwise). A nested item with no counterpart is a problem unless another
migration names it, it keeps its id in the new label set, or a declared deletion covers it: an
answer is carried or deleted on purpose, never left behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .category_schema import CategorySchema, NodeKind, SchemaNode

__all__ = [
    "CHOICE_TYPES",
    "MULTI_TYPES",
    "Binding",
    "BoundStep",
    "DeclaredMigration",
    "SourceRef",
    "bind",
    "find",
    "subtree_ids",
]

#: Classification types whose answers choose options (a convert goes between these).
CHOICE_TYPES = frozenset({"radio", "checkbox", "single-dropdown", "multi-dropdown", "tree-dropdown"})
#: The choice types whose answer is a list (the others: one value). A tree-dropdown answers a list of
#: keys when ``multiple`` is set (inferred; docs/migrations.md).
MULTI_TYPES = frozenset({"checkbox", "multi-dropdown"})

#: What each kind of migration does, in words for plans: ``moves 12 answers from X to Y``.
VERBS = {"merge": "merges", "move": "moves", "rekey": "re-keys", "convert": "converts", "delete": "deletes"}


@dataclass(frozen=True)
class SourceRef:
    """A migration's source: an item of the live label set, by schemaId or by its path of names."""

    schema_id: str | None = None
    path: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """As the file writes it."""
        if self.path:
            return "[" + ", ".join(self.path) + "]"
        return f"{{schemaId: {self.schema_id}}}"


@dataclass(frozen=True)
class DeclaredMigration:
    """One entry of ``migrations:``: ``index`` is its position; ``target`` the id (a tree option's
    key) of its target in the desired label set (None for a deletion); ``values`` a convert's
    (old option's value or schemaId, new option's id) pairs."""

    index: int
    kind: str  # merge, move, rekey, convert, delete
    sources: tuple[SourceRef, ...]
    target: str | None = None
    values: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """As a plan file stores it."""
        return {
            "index": self.index,
            "kind": self.kind,
            "sources": [
                {"schemaId": s.schema_id, "path": list(s.path)} if s.path else {"schemaId": s.schema_id}
                for s in self.sources
            ],
            "target": self.target,
            "values": [list(pair) for pair in self.values],
        }

    @classmethod
    def from_json(cls, doc: Any) -> DeclaredMigration:
        """Read :meth:`to_json`'s form back.

        Raises:
            ValueError: it is not that form.
        """

        def texts(value: Any, most: int) -> tuple[str, ...]:
            if not isinstance(value, list) or len(value) > most or not all(isinstance(v, str) for v in value):
                raise ValueError(f"not a list of at most {most} strings")
            return tuple(value)

        kind = doc.get("kind") if isinstance(doc, dict) else None
        if not isinstance(kind, str) or kind not in VERBS or type(doc.get("index")) is not int:
            raise ValueError("not a migration (index, kind, sources, target, values)")
        sources = []
        raw = doc.get("sources")
        for s in raw if isinstance(raw, list) else []:
            if not isinstance(s, dict) or not (isinstance(s.get("schemaId"), str) or "path" in s):
                raise ValueError("a source is not {schemaId} or {path}")
            sid = s.get("schemaId")
            if sid is not None and not isinstance(sid, str):
                raise ValueError("a source's schemaId is not a string")
            sources.append(SourceRef(schema_id=sid, path=texts(s.get("path", []), 64)))
        target = doc.get("target")
        if not sources or (target is not None and not isinstance(target, str)):
            raise ValueError("a migration needs sources and a string target")
        pairs = doc.get("values", [])
        if not isinstance(pairs, list):
            raise ValueError("values is not a list")
        values = []
        for pair in pairs:
            a, b = texts(pair, 2) if isinstance(pair, list) and len(pair) == 2 else ("", "")
            if not a:
                raise ValueError("a value is not an [old, new] pair")
            values.append((a, b))
        return cls(doc["index"], doc["kind"], tuple(sources), target, tuple(values))


def find(schema: CategorySchema, ref: SourceRef) -> list[SchemaNode]:
    """The items of ``schema`` that ``ref`` names: every item with its id, or every item reached by
    its path (each name a category's or tree option's title, an option's value, or an id)."""
    if ref.schema_id is not None:
        return [n for n in schema.walk() if n.id == ref.schema_id]
    level = [n for group in ("tools", "classifications", "relations") for n in schema.roots(group)]
    for depth, name in enumerate(ref.path):
        matches = [n for n in level if n.title == name or n.id == name]
        if depth == len(ref.path) - 1:
            return matches
        level = [c for m in matches for c in m.children()]
    return []


def subtree_ids(node: SchemaNode) -> list[str]:
    """The ids of ``node`` and of everything beneath it, parents first."""
    out: list[str] = []
    todo = [node]
    while todo:
        n = todo.pop()
        if n.id is not None:
            out.append(n.id)
        todo.extend(reversed(n.children()))
    return out


def root_of(node: SchemaNode | None) -> SchemaNode | None:
    """The tool or relation whose objects hold ``node``'s answers (None: the top level)."""
    while node is not None and node.kind not in (NodeKind.TOOL, NodeKind.RELATION):
        node = node.parent
    return node


def owner_of(node: SchemaNode) -> SchemaNode | None:
    """The classification whose answers choose an option or tree option."""
    parent = node.parent
    while parent is not None and parent.kind is NodeKind.TREE_OPTION:
        parent = parent.parent
    return parent


@dataclass(frozen=True)
class BoundStep:
    """One migration, bound: its sources' ids and breadcrumbs, every id it carries (the sources and
    everything beneath them, in the live label set), and its target's breadcrumb."""

    migration: DeclaredMigration
    source_ids: tuple[str, ...]
    sources: tuple[str, ...]  # breadcrumbs
    covered: tuple[str, ...]
    target: str | None  # breadcrumb (None: a deletion)
    kind: str  # what moves: tool, classification, relation, option, tree-option
    #: its sources are not in the live label set (a migration that ran): done when no answer holds them
    gone: bool = False

    def describe(self) -> str:
        """``merges option "Truck", option "Lorry" into Vehicle › Type › option "Heavy vehicle"``."""
        verb = VERBS[self.migration.kind]
        joined = ", ".join(self.sources)
        if self.target is None:
            return f"{verb} the answers of {joined}"
        preposition = "into" if self.migration.kind == "merge" else "to"
        return f"{verb} the answers of {joined} {preposition} {self.target}"


@dataclass
class Binding:
    """What the migrations do to answers: per old category id its new id; per (old classification
    id, old option id) the (new classification id, new option id); the ids whose answers are
    deleted; the classifications whose answers change place (old id -> new parent category id, None
    at the top level); the new label set's choice types. ``problems`` says why it cannot be applied."""

    steps: list[BoundStep] = field(default_factory=list)
    categories: dict[str, str] = field(default_factory=dict)
    options: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    types: dict[str, str] = field(default_factory=dict)  # new classification id -> its type
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # classification -> option value -> id
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # new classification -> option id -> value
    parents: dict[str, str | None] = field(default_factory=dict)  # new category id -> new parent
    titles: dict[str, str] = field(default_factory=dict)  # new category id -> its title
    #: classification (old or new) -> the ids of its options and tree keys: an answer's value is a
    #: choice only when it is one of these (a text that happens to equal an id chose nothing)
    choices: dict[str, set[str]] = field(default_factory=dict)
    relocate: set[str] = field(default_factory=set)  # new classification ids whose answers change place
    converted: set[str] = field(default_factory=set)  # new classification ids a convert writes to
    problems: list[str] = field(default_factory=list)
    #: sources named by path that are in neither label set: nothing to count, taken as done
    unknown: list[str] = field(default_factory=list)

    @property
    def carried(self) -> set[str]:
        """Every old id whose answers are carried somewhere or deleted on purpose (a classification
        moved with its id: carried to its new place)."""
        return {*self.categories, *(o for _, o in self.options), *self.deleted, *self.relocate}


def bind(migrations: Sequence[DeclaredMigration], before: CategorySchema, after: CategorySchema) -> Binding:
    """What ``migrations`` do to answers made with ``before`` once the label set is ``after``."""
    return _Binder(before, after).bind(migrations)


class _Binder:
    def __init__(self, before: CategorySchema, after: CategorySchema) -> None:
        self.before = before
        self.after = after
        self.after_ids = {n.id: n for n in after.walk() if n.id is not None}
        self.before_ids = {n.id: n for n in before.walk() if n.id is not None}
        self.out = Binding()
        self.deferred: list[tuple[DeclaredMigration, SchemaNode, SchemaNode]] = []
        for node in after.walk():
            if node.kind is NodeKind.CLASSIFICATION and node.id is not None:
                self.out.types[node.id] = str(node.type)
                self.out.values[node.id] = {}
                self.out.texts[node.id] = {}
            if node.kind.is_category and node.id is not None:
                self.out.parents[node.id] = node.parent.id if node.parent is not None else None
                self.out.titles[node.id] = node.title
            if node.kind in (NodeKind.OPTION, NodeKind.TREE_OPTION) and node.id is not None:
                owner = owner_of(node)
                if owner is not None and owner.id is not None and owner.id in self.out.values:
                    self.out.values[owner.id].setdefault(node.title, node.id)
                    self.out.choices.setdefault(owner.id, set()).add(node.id)
                    self.out.texts[owner.id].setdefault(node.id, node.title)
        for node in before.walk():  # old value texts read as their options too (exports write them)
            if node.kind is NodeKind.CLASSIFICATION and node.id is not None:
                self.out.values.setdefault(node.id, {})
            if node.kind in (NodeKind.OPTION, NodeKind.TREE_OPTION) and node.id is not None:
                owner = owner_of(node)
                if owner is not None and owner.id is not None:
                    self.out.values.setdefault(owner.id, {}).setdefault(node.title, node.id)
                    self.out.choices.setdefault(owner.id, set()).add(node.id)

    def problem(self, m: DeclaredMigration, text: str) -> None:
        self.out.problems.append(f"migrations[{m.index}] ({m.kind}): {text}")

    def bind(self, migrations: Iterable[DeclaredMigration]) -> Binding:
        migrations = list(migrations)
        for m in migrations:
            self.one(m)
        for m, old, new in self.deferred:
            if old.kind is NodeKind.CLASSIFICATION:
                self.check_place(m, old, new)
                if new.id is not None and self.place(old) != self.place(new, after=True):
                    self.out.relocate.add(new.id)
            else:
                self.option(m, old, new)
        self.check_left_behind()
        self.check_chains(migrations)
        return self.out

    def check_chains(self, migrations: list[DeclaredMigration]) -> None:
        """A new id is never also an old one that moves: answers would move twice (apply once more
        and they would move on), so a second run of a migration would not be a no-op."""
        out = self.out
        declared = {m.target for m in migrations if m.target is not None}
        named = {  # a source by schemaId that is another migration's target (a move keeps its own id)
            r.schema_id for m in migrations for r in m.sources if r.schema_id != m.target
        }
        targets = set(out.categories.values()) | {o for _, o in out.options.values()}
        # carried on again, or deleted after all (a second run would delete what the first carried)
        chained = targets & (set(out.categories) | out.deleted)
        # a choice carried to a (classification, option) pair that is carried on; an option moved to
        # another classification with its id is no chain: the pair differs
        chained |= {o for _, o in set(out.options.values()) & set(out.options)}
        chained |= {c for c, _ in out.options.values()} & set(out.categories)
        chained |= {i for i in declared & named if i is not None}
        for sid in sorted(chained)[:5]:
            self.out.problems.append(
                f"{sid!r} is both carried to and carried away by the migrations: point every migration "
                "at the final item"
            )

    def sources(self, m: DeclaredMigration) -> list[SchemaNode] | None:
        """The live items ``m`` names (None: a problem was reported). A source the live label set
        does not hold is the sign of a migration that ran: it becomes a ``gone`` step (by schemaId:
        counted, done when no answer holds it) or, named by path, is taken as done."""
        nodes, gone = [], []
        for ref in m.sources:
            found = find(self.before, ref)
            if not found:
                gone.append(ref)
                continue
            if len(found) > 1:
                self.problem(
                    m, f"{ref.text} names {len(found)} items of the live label set: use its schemaId"
                )
                return None
            nodes.append(found[0])
        ids = tuple(r.schema_id for r in gone if r.schema_id is not None)
        self.out.unknown += [f"migrations[{m.index}]: {r.text}" for r in gone if r.schema_id is None]
        if ids:
            target = self.after_ids.get(m.target) if m.target is not None else None
            where = " › ".join(target.address) if target is not None else None
            texts = tuple(r.text for r in gone if r.schema_id is not None)
            self.out.steps.append(BoundStep(m, ids, texts, ids, where, "item", gone=True))
        kinds = {n.kind for n in nodes}
        if len(kinds) > 1:
            names = ", ".join(sorted(k.value for k in kinds))
            self.problem(m, f"its sources are of different kinds: {names}")
            return None
        return nodes

    def one(self, m: DeclaredMigration) -> None:
        nodes = self.sources(m)
        if not nodes:
            return
        kind = nodes[0].kind
        covered = [i for n in nodes for i in subtree_ids(n)]
        target = self.after_ids.get(m.target) if m.target is not None else None
        if m.kind != "delete" and target is None:
            self.problem(m, f"its target {m.target!r} is not in the label set")
            return
        self.out.steps.append(
            BoundStep(
                m,
                tuple(n.id for n in nodes if n.id is not None),
                tuple(n.label if n.parent is None else " › ".join(n.address) for n in nodes),
                tuple(dict.fromkeys(covered)),
                " › ".join(target.address) if target is not None else None,
                kind.value,
            )
        )
        if m.kind == "delete":
            self.out.deleted.update(covered)
            return
        assert target is not None
        if not self.compatible(m, nodes, target):
            return
        for node in nodes:
            self.pair(m, node, target)

    def compatible(self, m: DeclaredMigration, nodes: list[SchemaNode], target: SchemaNode) -> bool:
        kind = nodes[0].kind
        options = (NodeKind.OPTION, NodeKind.TREE_OPTION)
        if (kind in options) != (target.kind in options) or (kind not in options and kind is not target.kind):
            self.problem(
                m, f"a {kind.value} cannot become a {target.kind.value} ({' › '.join(target.address)})"
            )
            return False
        if m.kind == "convert":
            if kind is not NodeKind.CLASSIFICATION or target.type not in CHOICE_TYPES:
                self.problem(m, "convert goes from a classification with options to another")
                return False
            if any(n.type not in CHOICE_TYPES for n in nodes):
                self.problem(m, f"a {nodes[0].type} classification has no options to convert")
                return False
            return True
        for n in nodes:
            if kind.is_category and n.type != target.type and kind is not NodeKind.RELATION:
                self.problem(
                    m,
                    f"{n.label} is a {n.type}, {' › '.join(target.address)} a {target.type}: "
                    "answers of one type do not fit the other (a classification can be converted)",
                )
                return False
        return True

    def pair(self, m: DeclaredMigration, old: SchemaNode, new: SchemaNode) -> None:
        """Carry ``old`` (and what is beneath it) to ``new``."""
        if old.kind in (NodeKind.OPTION, NodeKind.TREE_OPTION):
            self.deferred.append((m, old, new))  # once every category's new id is known
            return
        if old.id is not None and new.id is not None and old.id != new.id:
            self.out.categories[old.id] = new.id
        if old.kind is NodeKind.CLASSIFICATION and new.id is not None:
            self.deferred.append((m, old, new))
            if m.kind == "convert":
                self.out.converted.add(new.id)
        explicit = dict(m.values) if m.kind == "convert" else {}
        for child in old.children():
            if child.id is None:
                continue
            if child.kind in (NodeKind.OPTION, NodeKind.TREE_OPTION):
                wanted = explicit.get(child.id) or explicit.get(child.title)
                match = self.after_ids.get(wanted) if wanted else self.counterpart(child, new)
            else:
                match = self.counterpart(child, new)
            if match is not None:
                self.pair(m, child, match)

    def counterpart(self, child: SchemaNode, new: SchemaNode) -> SchemaNode | None:
        """``child``'s item of the same kind and name beneath ``new`` (options anywhere in a tree)."""
        todo = list(new.children())
        while todo:
            n = todo.pop(0)
            same_kind = n.kind is child.kind or {n.kind, child.kind} <= {
                NodeKind.OPTION,
                NodeKind.TREE_OPTION,
            }
            if same_kind and n.title == child.title:
                return n
            if n.kind is NodeKind.TREE_OPTION:
                todo.extend(n.children())
        return None

    def option(self, m: DeclaredMigration, old: SchemaNode, new: SchemaNode) -> None:
        old_owner, new_owner = owner_of(old), owner_of(new)
        if old_owner is None or new_owner is None or old.id is None or new.id is None:
            return
        if old_owner.id is None or new_owner.id is None:
            return
        mapped = self.out.categories.get(old_owner.id, old_owner.id)
        if mapped != new_owner.id and self.place(old_owner) != self.place(new_owner, after=True):
            self.problem(
                m,
                f"{' › '.join(old.address)} and {' › '.join(new.address)} are answered in different "
                "places (another tool, or another nesting): the choice cannot follow",
            )
            return
        if (old_owner.id, old.id) != (new_owner.id, new.id):
            self.out.options[(old_owner.id, old.id)] = (new_owner.id, new.id)

    def place(self, node: SchemaNode, after: bool = False) -> str | None:
        """Where a classification's answers are: its parent category's id (mapped when old)."""
        parent = node.parent
        pid = parent.id if parent is not None else None
        return pid if after or pid is None else self.out.categories.get(pid, pid)

    def check_place(self, m: DeclaredMigration, old: SchemaNode, new: SchemaNode) -> None:
        """A classification that changes place must stay within the same object (or the top)."""
        old_root, new_root = root_of(old), root_of(new)
        old_rid = old_root.id if old_root is not None else None
        mapped = self.out.categories.get(old_rid, old_rid) if old_rid is not None else None
        if mapped != (new_root.id if new_root is not None else None):
            self.problem(
                m,
                f"answers of {' › '.join(old.address)} are in objects of another tool than "
                f"{' › '.join(new.address)}: merge or move the tool too",
            )

    def check_left_behind(self) -> None:
        """Every item beneath a migrated one is carried, deleted, or kept with its id where its
        answers stay (under its parent, as the migrations map it)."""
        carried = self.out.carried
        for step in self.out.steps:
            if step.migration.kind == "delete" or step.gone:  # nothing beneath is known, or kept
                continue
            left = [i for i in step.covered if i not in carried and not self.stays(i)]
            if left:
                names = {n.id: " › ".join(n.address) for n in self.before.walk() if n.id in set(left[:5])}
                shown = ", ".join(names.get(i, i) for i in left[:5])
                more = f" and {len(left) - 5} more" if len(left) > 5 else ""
                self.problem(
                    step.migration,
                    f"{shown}{more} beneath it have no item of the same name under the target: add a "
                    "migration (or a deletion) for each",
                )

    def stays(self, sid: str) -> bool:
        """``sid`` keeps its id in the new label set under its old parent (as the migrations map it),
        so answers to it resolve where they are; kept under another parent, they would not."""
        new, old = self.after_ids.get(sid), self.before_ids.get(sid)
        if new is None or old is None:
            return False
        options = (NodeKind.OPTION, NodeKind.TREE_OPTION)
        was, now = (owner_of(old), owner_of(new)) if old.kind in options else (old.parent, new.parent)
        was_id = was.id if was is not None else None
        now_id = now.id if now is not None else None
        return (self.out.categories.get(was_id, was_id) if was_id is not None else None) == now_id
