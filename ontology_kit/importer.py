"""Import: a category schema as a hub holds it → a readable ontokit ontology (and project definition).

Pure: data in, data out (``yamlout`` renders it). Every schemaId, color, shortcut, order, tree and
conditional link is kept; ids are pinned (``schemaId:``), since ids made elsewhere are random and
existing annotations depend on them; fields at their defaults are left out; a ``parentOptionId`` is
written as the option's value when that is unambiguous. What cannot be represented is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .plan.diff import flat_options, flatten_tree

__all__ = ["ImportResult", "category_schema_of", "import_category_schema", "ontology_yaml", "project_yaml"]

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_CATEGORY_KEYS = {
    "tool",
    "title",
    "required",
    "columnField",
    "color",
    "shortcutKey",
    "classifications",
    "options",
    "schemaId",
    "multiple",
    "ocrEnabled",
}
_CLASSIFICATION_KEYS = _CATEGORY_KEYS | {
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
}
_FLAGS = ("required", "columnField", "frameSpecific", "showDropdown", "richText")
_TEXTS = ("regex", "exportName", "displayName", "abbreviatedName", "attributeType")
_GROUPS = (("tools", "tool"), ("classifications", "classification"), ("relations", "relation"))


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
        if any(k in doc for k in ("tools", "classifications", "relations")):
            for key in ("tools", "classifications", "relations"):
                if not isinstance(doc.get(key, []), list):
                    raise InputError(f"categorySchema.{key} is not a list")
            return doc
    raise InputError(
        'no category schema found: expected {"tools": [...], "classifications": [...], '
        '"relations": [...]}, optionally inside {"categorySchema": ...} or a project'
    )


def import_category_schema(schema: dict[str, Any]) -> ImportResult:
    """Turn a category schema into ontology data that compiles back to it."""
    result = ImportResult({})
    for group, kind in _GROUPS:
        items = [
            _category(node, kind, f"{group}[{i}]", None, result)
            for i, node in enumerate(schema.get(group) or [])
            if _is_category(node, f"{group}[{i}]", result)
        ]
        if items:
            result.ontology[group] = items
    return result


def _is_category(node: Any, where: str, result: ImportResult) -> bool:
    if not isinstance(node, dict) or not isinstance(node.get("tool"), str):
        result.warnings.append(f"{where}: not a category (no `tool`); left out")
        return False
    return True


def _category(
    node: dict[str, Any],
    kind: str,
    where: str,
    parent_options: list[dict[str, Any]] | None,
    result: ImportResult,
) -> dict[str, Any]:
    from .yamlout import quoted

    out: dict[str, Any] = {"title": quoted(str(node.get("title", ""))), "type": node["tool"]}
    if node.get("schemaId"):
        out["schemaId"] = str(node["schemaId"])
    else:
        result.warnings.append(f"{where} ({node.get('title')!r}): no schemaId; one will be derived")
    color = node.get("color")
    if isinstance(color, str) and _COLOR.fullmatch(color):
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        out["color"] = DoubleQuotedScalarString(color)
    elif color:
        result.warnings.append(f"{where}: color {color!r} is not #RRGGBB; a derived color is used instead")
    for flag in _FLAGS:
        if node.get(flag):
            out[flag] = True
    if node.get("shortcutKey"):
        out["shortcutKey"] = quoted(str(node["shortcutKey"]))
    is_classification = kind == "classification"
    known = _CLASSIFICATION_KEYS if is_classification else _CATEGORY_KEYS
    for key in sorted(set(node) - known):
        if node[key] not in (None, False, "", [], {}):
            result.warnings.append(f"{where}: field {key!r} is not part of the format; left out")
    if is_classification:
        for name in _TEXTS:
            if node.get(name) not in (None, ""):
                out[name] = quoted(str(node[name]))
        if node.get("defaultValue") is not None:
            out["defaultValue"] = node["defaultValue"]
        ref = node.get("parentOptionId")
        if ref:
            out["parentOptionId"] = quoted(_readable_ref(str(ref), parent_options, where, result))
    for extra in ("multiple", "ocrEnabled"):
        if node.get(extra):  # false is the hub's default: left out
            out[extra] = node[extra]
    options: list[dict[str, Any]] = [o for o in node.get("options") or [] if isinstance(o, dict)]
    if node.get("treeOptions"):
        out["treeOptions"] = [
            _tree(t, f"{where}.treeOptions[{i}]", result)
            for i, t in enumerate(node["treeOptions"])
            if isinstance(t, dict)
        ]
        if flatten_tree(node["treeOptions"]) != flat_options(node):
            result.warnings.append(
                f"{where} ({node.get('title')!r}): its flattened `options` do not follow its "
                "tree; they will be rebuilt from the tree"
            )
    elif options:
        out["options"] = [_option(o) for o in options]
    children = [c for c in node.get("classifications") or [] if isinstance(c, dict)]
    if children:
        out["classifications"] = [
            _category(c, "classification", f"{where}.classifications[{i}]", options, result)
            for i, c in enumerate(children)
            if _is_category(c, f"{where}.classifications[{i}]", result)
        ]
    return _flow_short(out)


def _option(node: dict[str, Any]) -> Any:
    from .yamlout import quoted

    option: dict[str, Any] = {"value": quoted(str(node.get("value", "")))}
    if node.get("schemaId"):
        option["schemaId"] = str(node["schemaId"])
    return _flow(option)


def _tree(node: dict[str, Any], where: str, result: ImportResult) -> Any:
    from .yamlout import quoted

    key = node.get("key") or node.get("schemaId")  # the SDK's TreeOption(key=...) writes schemaId
    out: dict[str, Any] = {"title": quoted(str(node.get("title", "")))}
    if key:
        out["schemaId"] = str(key)
    else:
        result.warnings.append(f"{where}: tree option without a key; one will be derived")
    if node.get("value") is not None and node.get("value") != key:
        out["value"] = quoted(str(node["value"]))
    children = [c for c in node.get("children") or [] if isinstance(c, dict)]
    if children:
        out["children"] = [_tree(c, f"{where}.children[{i}]", result) for i, c in enumerate(children)]
        return out
    return _flow(out)


def _readable_ref(ref: str, options: list[dict[str, Any]] | None, where: str, result: ImportResult) -> str:
    """The option's value when it names exactly that option of the parent; else the raw schemaId."""
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
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap(mapping)
    out.fa.set_flow_style()
    return out


def _flow_short(mapping: dict[str, Any]) -> Any:
    """A category in block style, its keys in the canonical order."""
    from ruamel.yaml.comments import CommentedMap

    from .canonical import order_for

    order = order_for("category")
    return CommentedMap(sorted(mapping.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99))


SCHEMA_LINE = "# yaml-language-server: $schema={schema}"


def ontology_yaml(result: ImportResult, source: str, schema_ref: str) -> str:
    """The imported ontology as YAML text, with a header saying where it came from."""
    from .yamlout import dump

    header = "\n".join(
        [
            SCHEMA_LINE.format(schema=schema_ref),
            f"# Imported by `ontokit import` from {source}.",
            "# schemaIds (and colors) are pinned: existing annotations use them. Rename titles freely;",
            "# never change a schemaId. See docs/format.md.",
        ]
    )
    return dump(result.ontology, header)


def project_yaml(project: dict[str, Any], ontology_path: str, schema_ref: str) -> str:
    """A project definition for an imported project: name, description, id, ontology, batches."""
    from .yamlout import dump, quoted

    doc: dict[str, Any] = {"name": quoted(str(project.get("name", "")))}
    if project.get("description"):
        doc["description"] = quoted(str(project["description"]))
    doc["id"] = str(project.get("_id", ""))
    doc["ontology"] = ontology_path
    batches = [quoted(str(b.get("name"))) for b in project.get("batches") or [] if isinstance(b, dict)]
    if batches:
        doc["batches"] = batches
    header = "\n".join(
        [
            SCHEMA_LINE.format(schema=schema_ref),
            "# Imported by `ontokit import`. Webhooks are not imported: secrets cannot be read back;",
            "# add them with `secret: {env: VARIABLE}` (existing ones show as unmanaged).",
        ]
    )
    return dump(doc, header)
