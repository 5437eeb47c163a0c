"""Import: a category schema as a hub holds it → a readable ontokit ontology (and project definition).

Pure: data in, data out (``yamlout`` renders it). Every schemaId, color, shortcut, order, tree and
conditional link is kept; ids are pinned (``schemaId:``), since ids made elsewhere are random and
existing annotations depend on them; fields at their defaults are left out; a ``parentOptionId`` is
written as the option's value when that is unambiguous. What cannot be represented is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .canonical import order_for
from .category_schema import (
    CATEGORY_FIELDS,
    CLASSIFICATION_FIELDS,
    SERVER_FIELDS,
    TOP_GROUPS,
    CategorySchema,
    NodeKind,
    SchemaNode,
    items_of,
    named_path,
    tree_paths,
)
from .errors import InputError
from .yamlout import dump, quoted

__all__ = [
    "ImportResult",
    "category_schema_of",
    "import_category_schema",
    "ontology_yaml",
    "project_yaml",
    "with_retired",
]

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_CATEGORY_KEYS: Final = frozenset(CATEGORY_FIELDS) | frozenset(SERVER_FIELDS)
_CLASSIFICATION_KEYS: Final = _CATEGORY_KEYS | frozenset(CLASSIFICATION_FIELDS)
_FLAGS = ("required", "columnField", "frameSpecific", "showDropdown", "richText")
_TEXTS = ("regex", "exportName", "displayName", "abbreviatedName", "attributeType")


@dataclass
class ImportResult:
    """The ontology as plain data (in the file's key order), and what could not be kept."""

    ontology: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def category_schema_of(doc: Any) -> dict[str, Any]:
    """The category schema inside what a user may hand us: the UI's JSON, ``{"categorySchema": ...}``,
    a project document, or a ``get_project`` response."""
    if isinstance(doc, dict):
        if isinstance(doc.get("data"), dict) and isinstance(doc["data"].get("project"), dict):
            doc = doc["data"]["project"]
        if isinstance(doc.get("project"), dict):
            doc = doc["project"]
        if isinstance(doc.get("categorySchema"), dict):
            doc = doc["categorySchema"]
        groups = [group for group, _ in TOP_GROUPS]
        if any(k in doc for k in groups):
            for key in groups:
                if not isinstance(doc.get(key, []), list):
                    raise InputError(f"categorySchema.{key} is not a list")
            return dict(doc)
    raise InputError(
        'no category schema found: expected {"tools": [...], "classifications": [...], '
        '"relations": [...]}, optionally inside {"categorySchema": ...} or a project'
    )


def import_category_schema(schema: dict[str, Any]) -> ImportResult:
    """Turn a category schema into ontology data that compiles back to it."""
    result = ImportResult({})
    cs = CategorySchema.of(schema)
    for group, _ in TOP_GROUPS:
        roots = {node.position: node for node in cs.roots(group)}
        items = []
        for i in range(len(items_of(schema.get(group)))):
            node = roots.get(i)
            if node is None or not isinstance(node.raw.get("tool"), str):
                result.warnings.append(f"{group}[{i}]: not a category (no `tool`); left out")
                continue
            items.append(_category(node, f"{group}[{i}]", None, result))
        if items:
            result.ontology[group] = items
    return result


def _category(
    node: SchemaNode, where: str, parent_options: list[SchemaNode] | None, result: ImportResult
) -> dict[str, Any]:
    raw = node.raw
    out: dict[str, Any] = {"title": quoted(str(raw.get("title", ""))), "type": raw["tool"]}
    if raw.get("schemaId"):
        out["schemaId"] = str(raw["schemaId"])
    else:
        result.warnings.append(f"{where} ({raw.get('title')!r}): no schemaId; one will be derived")
    color = raw.get("color")
    if isinstance(color, str) and _COLOR.fullmatch(color):
        out["color"] = DoubleQuotedScalarString(color)
    elif color:
        result.warnings.append(f"{where}: color {color!r} is not #RRGGBB; a derived color is used instead")
    for flag in _FLAGS:
        if raw.get(flag):
            out[flag] = True
    if raw.get("shortcutKey"):
        out["shortcutKey"] = quoted(str(raw["shortcutKey"]))
    is_classification = node.kind is NodeKind.CLASSIFICATION
    known = _CLASSIFICATION_KEYS if is_classification else _CATEGORY_KEYS
    for key in sorted(set(raw) - known):
        if raw[key] not in (None, False, "", [], {}):
            result.warnings.append(f"{where}: field {key!r} is not part of the format; left out")
    if is_classification:
        for name in _TEXTS:
            if raw.get(name) not in (None, ""):
                out[name] = quoted(str(raw[name]))
        if raw.get("defaultValue") is not None:
            out["defaultValue"] = raw["defaultValue"]
        ref = raw.get("parentOptionId")
        if ref:
            out["parentOptionId"] = quoted(_readable_ref(str(ref), parent_options, where, result))
    for extra in SERVER_FIELDS:
        if raw.get(extra):  # false is the hub's default: left out
            out[extra] = raw[extra]
    options = node.children("options")
    if raw.get("treeOptions"):
        out["treeOptions"] = [
            _tree(t, f"{where}.treeOptions[{t.position}]", result) for t in node.children("treeOptions")
        ]
        flat = [(o.raw.get("value"), o.raw.get("schemaId")) for o in options]
        if tree_paths(raw["treeOptions"]) != flat:
            result.warnings.append(
                f"{where} ({raw.get('title')!r}): its flattened `options` do not follow its "
                "tree; they will be rebuilt from the tree"
            )
    elif options:
        out["options"] = [_option(o) for o in options]
    children = node.children("classifications")
    if children:
        out["classifications"] = []
        for c in children:
            here = f"{where}.classifications[{c.position}]"
            if isinstance(c.raw.get("tool"), str):
                out["classifications"].append(_category(c, here, options, result))
            else:
                result.warnings.append(f"{here}: not a category (no `tool`); left out")
    return _flow_short(out)  # type: ignore[no-any-return]  # ruamel's CommentedMap is a dict


def _option(node: SchemaNode) -> Any:
    option: dict[str, Any] = {"value": quoted(str(node.raw.get("value", "")))}
    if node.raw.get("schemaId"):
        option["schemaId"] = str(node.raw["schemaId"])
    return _flow(option)


def _tree(node: SchemaNode, where: str, result: ImportResult) -> Any:
    raw = node.raw
    key = node.id  # its `key` (the SDK's TreeOption(key=...) writes schemaId instead)
    out: dict[str, Any] = {"title": quoted(str(raw.get("title", "")))}
    if key:
        out["schemaId"] = key
    else:
        result.warnings.append(f"{where}: tree option without a key; one will be derived")
    if raw.get("value") is not None and raw.get("value") != (raw.get("key") or raw.get("schemaId")):
        out["value"] = quoted(str(raw["value"]))
    children = node.children("children")
    if children:
        out["children"] = [_tree(c, f"{where}.children[{c.position}]", result) for c in children]
        return out
    return _flow(out)


def _readable_ref(ref: str, nodes: list[SchemaNode] | None, where: str, result: ImportResult) -> str:
    """The option's value when it names exactly that option of the parent; else the raw schemaId."""
    options = [o.raw for o in nodes or ()]
    if not options:
        result.warnings.append(f"{where}: parentOptionId {ref!r} but the enclosing category has no options")
        return ref
    target = [o for o in options if o.get("schemaId") == ref]
    if not target:
        result.warnings.append(f"{where}: parentOptionId {ref!r} is not an option of the enclosing category")
        return ref
    value = str(target[0].get("value", ""))
    clashes = [
        o for o in options if ref != o.get("schemaId") and value in (o.get("value"), o.get("schemaId"))
    ]
    return ref if clashes or not value else value


def _flow(mapping: dict[str, Any]) -> Any:
    out = CommentedMap(mapping)
    out.fa.set_flow_style()
    return out


def _flow_list(items: list[Any]) -> Any:
    out = CommentedSeq(items)
    out.fa.set_flow_style()
    return out


def _flow_short(mapping: dict[str, Any]) -> Any:
    """A category in block style, its keys in the canonical order."""
    order = order_for("category")
    return CommentedMap(sorted(mapping.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99))


def with_retired(
    result: ImportResult, schema: dict[str, Any], kept: list[Any], before: dict[str, Any] | None
) -> None:
    """Carry tombstones across a re-import over an existing file: its ``retired:`` entries (``kept``,
    as written there), and the ids of its items that the hub's ``schema`` no longer has (``before``:
    the file's compiled category schema). An entry whose id the hub uses again is dropped, with a
    warning: the file mirrors the hub, whose item that now is."""
    live = {n.id for n in CategorySchema.of(schema).walk() if n.id}
    entries: dict[str, Any] = {}
    for entry in kept:
        sid = entry.get("schemaId") if isinstance(entry, dict) else entry
        if isinstance(sid, str) and sid:
            entries.setdefault(sid, entry)
    for node in CategorySchema.of(before or {}).walk():
        if node.id and node.id not in live and node.id not in entries:
            entries[node.id] = _flow({"schemaId": node.id, "was": named_path(node.kind.value, node.address)})
    for sid in [sid for sid in entries if sid in live]:
        result.warnings.append(
            f"retired schemaId {sid!r} names an item on the hub again: its tombstone is dropped"
        )
        del entries[sid]
    if entries:
        result.ontology["retired"] = [
            _flow(e) if isinstance(e, dict) and not isinstance(e, CommentedMap) else e
            for e in entries.values()
        ]


SCHEMA_LINE = "# yaml-language-server: $schema={schema}"


def ontology_yaml(result: ImportResult, source: str, schema_ref: str) -> str:
    """The imported ontology as YAML text, with a header saying where it came from."""
    header = "\n".join(
        [
            SCHEMA_LINE.format(schema=schema_ref),
            f"# Imported by `ontokit import` from {source}.",
            "# schemaIds (and colors) are pinned: existing annotations use them. Rename titles freely;",
            "# never change a schemaId. See docs/format.md.",
        ]
    )
    return dump(result.ontology, header)


def project_yaml(
    project: dict[str, Any], ontology_path: str, schema_ref: str, setup: dict[str, Any] | None = None
) -> str:
    """A project definition for an imported project: name, description, id, ontology, batches, and
    the ``setup`` parts (``import_setup.py``)."""
    doc: dict[str, Any] = {"name": quoted(str(project.get("name", "")))}
    if project.get("description"):
        doc["description"] = quoted(str(project["description"]))
    doc["id"] = str(project.get("_id", ""))
    doc["ontology"] = ontology_path
    batches = [quoted(str(b.get("name"))) for b in project.get("batches") or [] if isinstance(b, dict)]
    if batches:
        doc["batches"] = batches
    doc.update(setup or {})
    for stage in doc.get("workflow") or []:  # `next: [Review, Label]`: short lists on one line
        for key, value in stage.items():
            if isinstance(value, list):
                stage[key] = _flow_list(value)
    header = "\n".join(
        [
            SCHEMA_LINE.format(schema=schema_ref),
            "# Imported by `ontokit import`. Secrets cannot be read back: a Webhook stage's secret is",
            "# read from the variable its `secret: {env: ...}` names (set it before apply); webhooks of",
            "# the legacy endpoint are not imported (add them with `secret: {env: VARIABLE}`; existing",
            "# ones show as unmanaged). Instructions files are not imported.",
        ]
    )
    return dump(doc, header)
