"""The category schema: the shape of Ango's ``categorySchema`` declared once, and its one walker.

A category schema is what ``create_label_set`` sends and what a hub returns in a project: three lists
(:data:`TOP_GROUPS`) of categories; a category holds nested classifications and options, or, for a
tree-dropdown, tree options; a tree option holds children (:data:`CHILD_GROUPS`). The payload fields
of each kind, in the order the official SDK writes them, are declared here too.

Everything that reads or writes a category schema goes through this module: the compiler writes the
fields in :data:`CATEGORY_FIELDS` / :data:`CLASSIFICATION_FIELDS` order; the diff, the importer, the
tree and Mermaid views and the local Hub read through :func:`walk` and :class:`SchemaNode`; the
canonical key order of ontokit files follows :data:`GROUP_KIND`.

A schema read from a hub may hold anything. The walker never fails on it: items that are not JSON
objects (dicts) are skipped (and counted by :meth:`SchemaNode.dropped`), a missing id gets a
positional placeholder, and a repeated id gets a ``′`` so that both items stay apart.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Any, Final, NamedTuple, Protocol

from ._text import text_of

__all__ = [
    "CATEGORY_FIELDS",
    "CHILD_GROUPS",
    "CLASSIFICATION_FIELDS",
    "GROUP_KIND",
    "OPTION_FIELDS",
    "SERVER_FIELDS",
    "TOP_GROUPS",
    "TREE_OPTION_FIELDS",
    "CategorySchema",
    "NodeKind",
    "OptionLike",
    "SchemaNode",
    "category_payload",
    "child_groups",
    "classification_payload",
    "item_id",
    "item_label",
    "items_of",
    "named_path",
    "option_payload",
    "option_payloads",
    "tree_option_payload",
    "tree_paths",
    "walk",
]


class NodeKind(StrEnum):
    """What an item of a category schema is."""

    TOOL = "tool"
    CLASSIFICATION = "classification"
    RELATION = "relation"
    OPTION = "option"
    TREE_OPTION = "tree-option"

    @property
    def is_category(self) -> bool:
        """Tools, classifications and relations are categories; options and tree options are not."""
        return self in (NodeKind.TOOL, NodeKind.CLASSIFICATION, NodeKind.RELATION)


#: The top-level lists, in payload order, and the kind of item each holds.
TOP_GROUPS: Final[tuple[tuple[str, NodeKind], ...]] = (
    ("tools", NodeKind.TOOL),
    ("classifications", NodeKind.CLASSIFICATION),
    ("relations", NodeKind.RELATION),
)

#: The lists under an item, per kind of item, in walk order. A category has ``options`` or, when it
#: is a tree-dropdown, ``treeOptions`` (its ``options`` are then the tree flattened, not items).
CHILD_GROUPS: Final[Mapping[NodeKind, tuple[tuple[str, NodeKind], ...]]] = {
    NodeKind.TOOL: (("classifications", NodeKind.CLASSIFICATION), ("options", NodeKind.OPTION)),
    NodeKind.CLASSIFICATION: (
        ("classifications", NodeKind.CLASSIFICATION),
        ("options", NodeKind.OPTION),
        ("treeOptions", NodeKind.TREE_OPTION),
    ),
    NodeKind.RELATION: (("classifications", NodeKind.CLASSIFICATION), ("options", NodeKind.OPTION)),
    NodeKind.OPTION: (),
    NodeKind.TREE_OPTION: (("children", NodeKind.TREE_OPTION),),
}

#: The kind of item every list name holds (the same names serve ontokit's YAML files).
GROUP_KIND: Final[Mapping[str, NodeKind]] = {
    name: kind for groups in (TOP_GROUPS, *CHILD_GROUPS.values()) for name, kind in groups
}

#: Fields of every category, in the order of the SDK's ``Category.toDict()`` (imerit_ango 1.4.10).
CATEGORY_FIELDS: Final = (
    "tool",
    "title",
    "required",
    "columnField",
    "color",
    "shortcutKey",
    "classifications",
    "options",
    "schemaId",
)
#: Fields the Ango server and UI add that the SDK never sends (written only when set).
SERVER_FIELDS: Final = ("multiple", "ocrEnabled")
#: A classification's own fields: ``treeOptions`` comes first, the rest after the category fields.
CLASSIFICATION_FIELDS: Final = (
    "treeOptions",
    "regex",
    "parentOptionId",
    "frameSpecific",
    "showDropdown",
    "richText",
    "exportName",
    "displayName",
    "abbreviatedName",
    "attributeType",
    "defaultValue",
)
OPTION_FIELDS: Final = ("value", "schemaId")
#: A tree option's fields: ``key`` is its id (the SDK's ``TreeOption(key=...)`` writes ``schemaId``).
TREE_OPTION_FIELDS: Final = ("title", "children", "key", "value")


def category_payload(
    tool: str,
    title: str,
    required: bool,
    column_field: bool,
    color: str,
    shortcut_key: str,
    classifications: list[dict[str, Any]],
    options: list[dict[str, Any]],
    schema_id: str,
) -> dict[str, Any]:
    """A category as the SDK sends it: :data:`CATEGORY_FIELDS`, in that order."""
    return {
        "tool": tool,
        "title": title,
        "required": required,
        "columnField": column_field,
        "color": color,
        "shortcutKey": shortcut_key,
        "classifications": classifications,
        "options": options,
        "schemaId": schema_id,
    }


def classification_payload(
    category: dict[str, Any],
    tree_options: list[dict[str, Any]],
    regex: str | None,
    parent_option_id: str | None,
    frame_specific: bool,
    show_dropdown: bool,
    rich_text: bool,
    export_name: str | None,
    display_name: str | None,
    abbreviated_name: str | None,
    attribute_type: str | None,
    default_value: bool | None,
) -> dict[str, Any]:
    """A classification as the SDK sends it: ``treeOptions``, the category's fields (and server
    fields), then the rest of :data:`CLASSIFICATION_FIELDS`. SDK 1.4.10 always sends the last five,
    null when unset (its "send if not None" guards are no-ops)."""
    return {
        "treeOptions": tree_options,
        **category,
        "regex": regex,
        "parentOptionId": parent_option_id,
        "frameSpecific": frame_specific,
        "showDropdown": show_dropdown,
        "richText": rich_text,
        "exportName": export_name,
        "displayName": display_name,
        "abbreviatedName": abbreviated_name,
        "attributeType": attribute_type,
        "defaultValue": default_value,
    }


def option_payload(value: str, schema_id: str) -> dict[str, Any]:
    """An option as the SDK sends it: :data:`OPTION_FIELDS`."""
    return {"value": value, "schemaId": schema_id}


class OptionLike(Protocol):
    """Anything with an option's value and schemaId (the resolver's options)."""

    @property
    def value(self) -> str: ...
    @property
    def schema_id(self) -> str: ...


def option_payloads(options: Iterable[OptionLike]) -> list[dict[str, Any]]:
    """A category's options as the SDK sends them (:func:`option_payload`, in one pass: a large
    ontology has tens of thousands)."""
    return [{"value": o.value, "schemaId": o.schema_id} for o in options]


def tree_option_payload(title: str, children: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    """A tree option as the server expects it: :data:`TREE_OPTION_FIELDS`."""
    return {"title": title, "children": children, "key": key, "value": value}


def item_label(kind: NodeKind, raw: Mapping[str, Any]) -> str:
    """How plans name an item: ``Vehicle``, ``option "Truck"``, ``"Europe"`` (a tree option)."""
    text = raw.get("value" if kind is NodeKind.OPTION else "title", "")
    if type(text) is not str:  # a hub may send anything; most titles are strings
        text = text_of(text)
    if kind is NodeKind.OPTION:
        return f'option "{text}"'
    return f'"{text}"' if kind is NodeKind.TREE_OPTION else text


def named_path(kind: str, address: Sequence[str]) -> str:
    """A breadcrumb that says what its item is: ``tool Vehicle``, and ``Vehicle › Kind › option
    "Truck"`` as it is (its last label already names the kind)."""
    path = " › ".join(address)
    last = address[-1] if address else ""
    return path if last.startswith(f"{kind} ") else f"{kind} {path}"


def items_of(value: Any) -> Sequence[Any]:
    """``value`` when it is a list (or tuple), else nothing: a list field may hold anything."""
    return value if isinstance(value, (list, tuple)) else ()


def item_id(kind: NodeKind, raw: Mapping[str, Any]) -> str | None:
    """An item's id: its ``schemaId`` (a tree option's ``key``, else its ``schemaId``), or None."""
    found = raw.get("key") or raw.get("schemaId") if kind is NodeKind.TREE_OPTION else raw.get("schemaId")
    if not found:
        return None
    return found if type(found) is str else text_of(found)  # hot: every item of every list


def child_groups(kind: NodeKind, raw: Mapping[str, Any]) -> tuple[tuple[str, NodeKind], ...]:
    """The lists that hold an item's children, in walk order (a tree-dropdown: its tree options)."""
    groups = CHILD_GROUPS[kind]
    if kind is NodeKind.CLASSIFICATION:
        tree = raw.get("tool") == "tree-dropdown" or bool(raw.get("treeOptions"))
        return groups[:1] + (groups[2:] if tree else groups[1:2])
    return groups


class SchemaNode(NamedTuple):
    """One item of a category schema, where it sits, and its raw JSON object (never modified).

    A named tuple: immutable, and the cheapest typed record to make (a large schema has thousands of
    items) and to define (every ``ontokit`` run that compiles defines it).

    ``key`` identifies the item within the walk that produced it: its id, or a placeholder such as
    ``(no id) options[2] of <parent key>`` when it has none; a repeated id gets a ``′`` per repeat.
    """

    kind: NodeKind
    raw: Mapping[str, Any]
    group: str  # the list it is in: tools, classifications, relations, options, treeOptions, children
    position: int  # its index in that list
    parent: SchemaNode | None
    id: str | None  # its schemaId (a tree option's `key`), or None when it has none
    key: str

    @property
    def title(self) -> str:
        """A category's or tree option's title; an option's value."""
        return str(self.raw.get("value" if self.kind is NodeKind.OPTION else "title", ""))

    @property
    def type(self) -> Any:
        """A category's type (the payload's ``tool``); None for options and tree options."""
        return self.raw.get("tool")

    @property
    def label(self) -> str:
        """How plans name it: ``Vehicle``, ``option "Truck"``, ``"Europe"`` (a tree option)."""
        return item_label(self.kind, self.raw)

    @property
    def address(self) -> tuple[str, ...]:
        """The labels from the top of the schema down to this item."""
        names = []
        node: SchemaNode | None = self
        while node is not None:
            names.append(node.label)
            node = node.parent
        return tuple(reversed(names))

    @property
    def parent_key(self) -> str:
        """The parent's key, or "" at the top level."""
        return self.parent.key if self.parent is not None else ""

    def child_groups(self) -> tuple[tuple[str, NodeKind], ...]:
        """The lists that hold this item's children, in walk order."""
        return child_groups(self.kind, self.raw)

    def children(self, group: str | None = None) -> list[SchemaNode]:
        """The items of one child list (default: every child list, in walk order)."""
        out: list[SchemaNode] = []
        for name, kind in self.child_groups() if group is None else ((group, GROUP_KIND[group]),):
            for i, item in enumerate(items_of(self.raw.get(name))):
                if isinstance(item, dict):
                    found = item_id(kind, item)
                    key = found or f"(no id) {name}[{i}] of {self.key}"
                    out.append(SchemaNode(kind, item, name, i, self, found, key))
        return out

    def dropped(self, group: str) -> list[int]:
        """Positions of the items of a child list that are not objects (and so not items)."""
        return [i for i, item in enumerate(items_of(self.raw.get(group))) if not isinstance(item, dict)]


class CategorySchema(NamedTuple):
    """A category schema as the plain JSON data that is sent and stored (treated as read-only).

    Equality is equality of that data. (A named tuple: immutable, and cheaper to define than a
    dataclass; every ``ontokit validate`` imports it.)
    """

    raw: Mapping[str, Any]

    @classmethod
    def of(cls, value: Any) -> CategorySchema:
        """Any value a hub may hold: a mapping is the schema; anything else reads as empty."""
        return cls(value if isinstance(value, dict) else {})

    @classmethod
    def empty(cls) -> CategorySchema:
        """A schema with no categories, as the SDK writes one."""
        return cls({group: [] for group, _ in TOP_GROUPS})

    def payload(self) -> dict[str, Any]:
        """The ``categorySchema`` value to send (a copy of the top level; the items are shared)."""
        return dict(self.raw)

    def roots(self, group: str) -> list[SchemaNode]:
        """The items of one top-level list."""
        kind = GROUP_KIND[group]
        out = []
        for i, item in enumerate(items_of(self.raw.get(group))):
            if isinstance(item, dict):
                found = item_id(kind, item)
                out.append(
                    SchemaNode(kind, item, group, i, None, found, found or f"(no id) {group}[{i}] of top")
                )
        return out

    def dropped(self, group: str) -> list[int]:
        """Positions of the items of a top-level list that are not objects."""
        return [i for i, item in enumerate(items_of(self.raw.get(group))) if not isinstance(item, dict)]

    def walk(self, *, prune: Container[int] = ()) -> Iterator[SchemaNode]:
        """Every item; see :func:`walk`."""
        return walk(self, prune=prune)


def walk(schema: CategorySchema | Mapping[str, Any], *, prune: Container[int] = ()) -> Iterator[SchemaNode]:
    """Every item of a category schema, parents before children, in document order.

    ``prune`` holds ``id()`` of raw objects whose whole subtree is left out (the diff drops subtrees
    that are identical on both sides). Keys are unique within one walk.
    """
    raw = schema.raw if isinstance(schema, CategorySchema) else schema
    stack: list[tuple[NodeKind, str, int, Any, SchemaNode | None]] = []
    for group, kind in reversed(TOP_GROUPS):
        items = items_of(raw.get(group)) if isinstance(raw, dict) else ()
        stack.extend((kind, group, i, items[i], None) for i in range(len(items) - 1, -1, -1))
    seen: set[str] = set()
    while stack:
        kind, group, index, item, parent = stack.pop()
        if not isinstance(item, dict) or id(item) in prune:
            continue
        found = item_id(kind, item)
        key = found or f"(no id) {group}[{index}] of {parent.key if parent else 'top'}"
        while key in seen:  # a hub may hold duplicates; keep them apart so that they show up
            key += "′"
        seen.add(key)
        node = SchemaNode(kind, item, group, index, parent, found, key)
        yield node
        children: list[tuple[NodeKind, str, int, Any, SchemaNode | None]] = []
        for name, child_kind in child_groups(kind, item):
            children.extend((child_kind, name, j, c, node) for j, c in enumerate(items_of(item.get(name))))
        stack.extend(reversed(children))


def tree_paths(nodes: Any, prefix: str = "") -> list[tuple[Any, Any]]:
    """A raw tree's flattened options as the SDK builds them: (``"Parent / Child"``, key), pre-order."""
    out: list[tuple[Any, Any]] = []
    _flatten(nodes, prefix, out)
    return out


def _flatten(nodes: Any, prefix: str, out: list[tuple[Any, Any]]) -> None:
    # Hot on large trees (the diff checks both sides' flattened options): one list, no copies.
    if not isinstance(nodes, (list, tuple)):
        return
    for n in nodes:
        if isinstance(n, dict):
            value = f"{prefix}{n.get('title', '')}"
            out.append((value, n.get("key") or n.get("schemaId")))
            _flatten(n.get("children"), f"{value} / ", out)
