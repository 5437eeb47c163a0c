"""Resolve a validated :class:`Ontology` into a tree with final ids, colors and conditional links.

Pure: model in, :class:`ResolvedOntology` out. This is the one place that decides identities
(``identity.py``), expands ``optionSet`` references, flattens trees the way the SDK does, and turns
a readable ``parentOptionId`` into the option's schemaId. Problems found on the way are returned as
diagnostics (with data paths; positions are added later). The rules (``rules/``) check the result, and
the compiler renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from ._text import did_you_mean
from .category_schema import TOP_GROUPS, NodeKind
from .codes import Code, Rule
from .diagnostics import DataPath, Diagnostic
from .identity import derive_color, derive_id
from .model import Category, Classification, Ontology, Option, TreeNode

__all__ = ["RULES", "ResolvedCategory", "ResolvedOntology", "ResolvedOption", "ResolvedTreeNode", "resolve"]

#: The reference codes this module emits, documented (docs/format.md, "References").
RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "unknown-option-set",
        "optionSet names no entry of optionSets",
        "`optionSet` names an entry of `optionSets`",
        "`optionSet: yesno` (defined as `yes-no`)",
        "`optionSet: yes-no`",
    ),
    Rule(
        "options-and-option-set",
        "a category has both options and optionSet",
        "one or the other",
        "`options: [Maybe]` and `optionSet: yes-no`",
        "put `Maybe` into the set",
    ),
    Rule(
        "parent-option-no-parent",
        "parentOptionId on a top-level classification",
        "only nested classifications are conditional",
        "a top-level classification with `parentOptionId: Car`",
        "nest it under the radio that has `Car`",
    ),
    Rule(
        "parent-option-unresolved",
        "parentOptionId names no option of the enclosing category",
        "names an option of the enclosing category",
        "`parentOptionId: Truk`",
        "`parentOptionId: Truck`",
    ),
    Rule(
        "parent-option-ambiguous",
        "parentOptionId matches several options of the enclosing category",
        "names exactly one option",
        "`parentOptionId: a` where one option's value and another's key are `a`",
        "`parentOptionId: <its schemaId>`",
    ),
)


@dataclass(slots=True)
class ResolvedOption:
    """An option with its final schemaId. For a tree-dropdown, one per tree node (flattened)."""

    path: DataPath  # where it is written (inside optionSets when it came from one)
    value: str  # payload value; for a tree node, the "Parent / Child" path
    schema_id: str
    key: str | None  # the user's stable name, if any
    explicit_id: bool  # schemaId written in the file (not derived)


#: Each kind as plain text, for identities (a dict lookup: ``.value`` on an enum is slow in a loop).
_KIND_TEXT: Final[dict[NodeKind, str]] = {kind: str(kind.value) for kind in NodeKind}


@dataclass(slots=True)
class ResolvedTreeNode:
    """A tree-dropdown node with its payload key and value."""

    path: DataPath
    title: str
    key: str  # payload `key` (the node's id)
    value: str  # payload `value` (defaults to the key, as the SDK does)
    user_key: str | None
    explicit_id: bool
    children: list[ResolvedTreeNode] = field(default_factory=list)


@dataclass(slots=True)
class ResolvedCategory:
    """A tool, classification or relation, with final id, color, options and children."""

    kind: NodeKind  # a tool, classification or relation
    model: Category
    path: DataPath
    identity: tuple[str, ...]
    schema_id: str
    explicit_id: bool
    color: str
    options: list[ResolvedOption]
    tree: list[ResolvedTreeNode]
    children: list[ResolvedCategory]
    parent: ResolvedCategory | None
    parent_option_id: str | None  # the resolved schemaId (None: unconditional or unresolved)

    @property
    def type(self) -> str:
        """The category's type (the payload's ``tool``)."""
        return self.model.type  # type: ignore[attr-defined, no-any-return]

    @property
    def display(self) -> str:
        """A readable breadcrumb: ``Vehicle › Type``."""
        names = []
        node: ResolvedCategory | None = self
        while node is not None:
            names.append(node.model.title or "(untitled)")
            node = node.parent
        return " › ".join(reversed(names))


@dataclass
class ResolvedOntology:
    """The resolved tree plus the diagnostics found while resolving."""

    tools: list[ResolvedCategory]
    classifications: list[ResolvedCategory]
    relations: list[ResolvedCategory]
    diagnostics: list[Diagnostic]

    def group(self, name: str) -> list[ResolvedCategory]:
        """The categories of one top-level list (``tools``, ``classifications``, ``relations``)."""
        return {"tools": self.tools, "classifications": self.classifications, "relations": self.relations}[
            name
        ]

    def walk(self) -> list[ResolvedCategory]:
        """Every category, parents before children, in document order."""
        out: list[ResolvedCategory] = []
        stack = list(reversed(self.tools + self.classifications + self.relations))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


def resolve(
    ontology: Ontology, file: str = "", indices: dict[str, list[int]] | None = None
) -> ResolvedOntology:
    """Resolve ``ontology``; ``file`` names the source in diagnostics.

    ``indices`` maps each top-level list to the positions its items had in the file, for a partial
    ontology (the well-formed part of a file with structural errors); by default items are 0, 1, ...
    """
    r = _Resolver(ontology, file, indices or {})

    def group(kind: NodeKind, name: str) -> list[ResolvedCategory]:
        models: list[Any] = getattr(ontology, name)
        where = indices[name] if indices is not None else range(len(models))
        return [r.category(kind, m, (name, i), (), None) for i, m in zip(where, models, strict=False)]

    tools, classifications, relations = (group(kind, name) for name, kind in TOP_GROUPS)
    return ResolvedOntology(tools, classifications, relations, r.diagnostics)


class _Resolver:
    def __init__(self, ontology: Ontology, file: str, indices: dict[str, list[int]]) -> None:
        self.ontology = ontology
        self.file = file
        self.indices = indices
        self.diagnostics: list[Diagnostic] = []

    def issue(self, code: Code, message: str, path: DataPath, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.file, path=path, hint=hint))

    def category(
        self,
        kind: NodeKind,
        model: Category,
        path: DataPath,
        parent_identity: tuple[str, ...],
        parent: ResolvedCategory | None,
    ) -> ResolvedCategory:
        # The identity spells the kind as text: every derived id and color depends on these bytes.
        identity = (*parent_identity, _KIND_TEXT[kind], model.key if model.key is not None else model.title)
        schema_id = model.schemaId if model.schemaId is not None else derive_id(identity)
        color = model.color.upper() if model.color is not None else derive_color(identity)
        node = ResolvedCategory(
            kind=kind,
            model=model,
            path=path,
            identity=identity,
            schema_id=schema_id,
            explicit_id=model.schemaId is not None,
            color=color,
            options=[],
            tree=[],
            children=[],
            parent=parent,
            parent_option_id=None,
        )
        if isinstance(model, Classification) and model.treeOptions:
            node.tree = [
                self.tree_node(t, (*path, "treeOptions", i), identity)
                for i, t in enumerate(model.treeOptions)
            ]
            _flatten(node.tree, "", node.options)
        else:
            node.options = self.options(model, path, identity)
        if isinstance(model, Classification) and model.parentOptionId is not None:
            node.parent_option_id = self.parent_option(node, model.parentOptionId)
        node.children = [
            self.category(NodeKind.CLASSIFICATION, child, (*path, "classifications", i), identity, node)
            for i, child in enumerate(model.classifications)
        ]
        return node

    def options(self, model: Category, path: DataPath, identity: tuple[str, ...]) -> list[ResolvedOption]:
        items: list[tuple[Option, DataPath]] = [
            (o, (*path, "options", i)) for i, o in enumerate(model.options)
        ]
        if model.optionSet is not None:
            name = model.optionSet
            if model.options:
                self.issue(
                    "options-and-option-set",
                    "give either `options` or `optionSet`, not both",
                    (*path, "optionSet"),
                    hint="put the extra options into the option set, or list all options here",
                )
            elif name not in self.ontology.optionSets:
                known = ", ".join(sorted(self.ontology.optionSets)) or "none are defined"
                self.issue(
                    "unknown-option-set",
                    f"no option set named {name!r}",
                    (*path, "optionSet"),
                    hint=did_you_mean(name, self.ontology.optionSets) or f"known option sets: {known}",
                )
            else:
                options = self.ontology.optionSets[name]
                where = self.indices.get(f"optionSets:{name}", range(len(options)))
                items = [(o, ("optionSets", name, i)) for i, o in zip(where, options, strict=False)]
        out = []
        for option, opath in items:
            name_ = option.key if option.key is not None else option.value
            sid = option.schemaId if option.schemaId is not None else derive_id((*identity, "option", name_))
            out.append(ResolvedOption(opath, option.value, sid, option.key, option.schemaId is not None))
        return out

    def tree_node(
        self, model: TreeNode, path: DataPath, parent_identity: tuple[str, ...]
    ) -> ResolvedTreeNode:
        identity = (*parent_identity, "node", model.key if model.key is not None else model.title)
        key = model.schemaId if model.schemaId is not None else derive_id(identity)
        node = ResolvedTreeNode(
            path,
            model.title,
            key,
            model.value if model.value is not None else key,
            model.key,
            model.schemaId is not None,
        )
        node.children = [
            self.tree_node(c, (*path, "children", i), identity) for i, c in enumerate(model.children)
        ]
        return node

    def parent_option(self, node: ResolvedCategory, ref: str) -> str | None:
        path = (*node.path, "parentOptionId")
        parent = node.parent
        if parent is None:
            self.issue(
                "parent-option-no-parent",
                "parentOptionId on a top-level classification: there is no enclosing category",
                path,
                hint="nest this classification under the category whose option reveals it",
            )
            return None
        matches = {o.schema_id: o for o in parent.options if ref in (o.schema_id, o.key, o.value)}
        if len(matches) == 1:
            return next(iter(matches))
        if len(matches) > 1:
            self.issue(
                "parent-option-ambiguous",
                f"parentOptionId {ref!r} matches {len(matches)} options of {parent.display!r}",
                path,
                hint="refer to the option by its key or schemaId",
            )
            return None
        if not parent.options:
            self.issue(
                "parent-option-unresolved",
                f"parentOptionId {ref!r}: the enclosing {parent.kind} {parent.display!r} has no options",
                path,
                hint="conditional classifications go under a radio, checkbox, dropdown or tree",
            )
            return None
        choices = [o.value for o in parent.options]
        hint = did_you_mean(ref, choices) or (
            "options of the enclosing category: " + ", ".join(repr(c) for c in choices[:8])
        )
        self.issue(
            "parent-option-unresolved",
            f"parentOptionId {ref!r} is not an option of the enclosing {parent.kind} {parent.display!r}",
            path,
            hint=hint,
        )
        return None


def _flatten(nodes: list[ResolvedTreeNode], prefix: str, out: list[ResolvedOption]) -> None:
    # The SDK's flatten(): pre-order, values "Parent / Child", schemaId = the node's key.
    for n in nodes:
        value = f"{prefix}{n.title}"
        out.append(ResolvedOption(n.path, value, n.key, n.user_key, n.explicit_id))
        _flatten(n.children, f"{value} / ", out)
