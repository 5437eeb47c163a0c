"""Turn pydantic validation errors into ontokit diagnostics with stable codes and helpful hints."""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ValidationError

from .._text import did_you_mean, quoted, suggest
from ..codes import Rule
from ..diagnostics import DataPath, Diagnostic
from .messages import describe, field_name, translate
from .migrations import ItemRef, Migration
from .ontology import Classification, Ontology, Option, Relation, RetiredId, Tool, TreeNode
from .types import CLASSIFICATION_TYPES, RELATION_TYPES, TOOL_TYPES

__all__ = ["MAX_REPORTED", "RULES", "structural_diagnostics"]

#: At most this many structural problems are reported per file, then one `too-many-problems` line
#: with the count of the rest: reporting each one costs a lookup of its position and a "did you
#: mean" search, and a generated file can hold a hundred thousand.
MAX_REPORTED: Final = 1000

#: The structural codes (the JSON Schema's rules), documented (docs/format.md, "Structure").
RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "non-string-key",
        "a mapping key is not a string",
        "keys are strings",
        "`1: Car`",
        "`title: Car`",
    ),
    Rule(
        "unknown-field",
        "a field the format does not have (typo?)",
        "only documented fields",
        "`titel: Car`",
        "`title: Car`",
    ),
    Rule(
        "missing-field",
        "a required field is missing",
        "`title` and `type` on categories, `value` on option mappings, `title` on tree nodes",
        "`- type: point`",
        "`- {title: Pin, type: point}`",
    ),
    Rule(
        "unknown-type",
        "a category type that does not exist for that kind of category",
        "a type of that kind",
        "`tools: [{title: Q, type: radio}]`",
        "`classifications: [{title: Q, type: radio, options: [a]}]`",
    ),
    Rule(
        "wrong-type",
        "a value of the wrong type (for example an unquoted true where text is expected)",
        "values of the right type",
        '`options: [true]`, `required: "yes"`',
        '`options: ["true"]`, `required: true`',
    ),
    Rule(
        "invalid-value",
        "a value outside the allowed range",
        "values in range",
        "`version: 2`",
        "`version: 1`",
    ),
    Rule(
        "too-many-problems",
        "more structural problems than are reported per file (the rest are counted, not shown)",
        f"at most {MAX_REPORTED:,} problems of structure are listed per file",
        "a generated file with 100,000 unknown keys",
        "fix the problems shown, then run again",
    ),
)


_ITEM_MODEL: dict[str, type[BaseModel]] = {
    "tools": Tool,
    "classifications": Classification,
    "relations": Relation,
    "options": Option,
    "treeOptions": TreeNode,
    "children": TreeNode,
    "retired": RetiredId,
    "migrations": Migration,
    "merge": ItemRef,
}
_KIND_OF_TYPE = {
    **dict.fromkeys(TOOL_TYPES, "tools"),
    **dict.fromkeys(CLASSIFICATION_TYPES, "classifications"),
    **dict.fromkeys(RELATION_TYPES, "relations"),
}
_KIND_LABEL: dict[type[BaseModel], str] = {
    Tool: "tools",
    Classification: "classifications",
    Relation: "relations",
}


def structural_diagnostics(exc: ValidationError, file: str) -> list[Diagnostic]:
    """One diagnostic per pydantic error, in document order (the first :data:`MAX_REPORTED`, then
    one ``too-many-problems`` diagnostic that counts the rest)."""
    errors = exc.errors(include_url=False)
    out = [_convert(err, _written(tuple(err["loc"])), file) for err in errors[:MAX_REPORTED]]
    if len(errors) > MAX_REPORTED:
        out.append(
            Diagnostic(
                "too-many-problems",
                f"... and {len(errors) - MAX_REPORTED:,} more problems of structure, not shown",
                file,
                hint="fix the problems above and run again",
                line=1,
                column=1,
            )
        )
    return out


def _convert(err: Any, loc: DataPath, file: str) -> Diagnostic:
    kind = err["type"]
    field = field_name(loc)
    value = err.get("input")
    if kind == "invalid_key" or (loc and loc[-1] == "[key]"):
        key = _yaml_text(value)
        where = loc if kind == "invalid_key" else loc[:-1]
        return Diagnostic(
            "non-string-key",
            f"mapping key {key} is not a string",
            file,
            path=where,
            hint="field names are words; quote a key that must look like a number or boolean",
            target="key",
        )
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        name = str(loc[-1])
        hint = _other_kind_hint(name, model)
        if name == "<<":
            hint = (
                "YAML merge keys (<<) are not supported (YAML 1.2 has none); use optionSets, or repeat "
                "the fields"
            )
        elif hint is None or name not in Classification.model_fields:
            hint = did_you_mean(name, model.model_fields) or hint or _fields_hint(model)
        what = _model_label(model)
        return Diagnostic(
            "unknown-field",
            f"unknown field {quoted(name)} in {what}",
            file,
            path=loc,
            hint=hint,
            target="key",
        )
    if kind == "missing":
        model = _model_at(loc[:-1])
        return Diagnostic(
            "missing-field",
            f"{_model_label(model)} needs `{field}`",
            file,
            path=loc[:-1],
            hint=_missing_hint(field, model),
        )
    if kind == "literal_error" and field == "type" and not isinstance(value, str):
        return Diagnostic(
            "wrong-type",
            f"`type` must be a string, not {describe(value)}",
            file,
            path=loc,
            hint=_missing_hint("type", _model_at(loc[:-1])),
        )
    if kind == "literal_error" and field == "type":
        model = _model_at(loc[:-1])
        allowed = {Tool: TOOL_TYPES, Classification: CLASSIFICATION_TYPES, Relation: RELATION_TYPES}.get(
            model, ()
        )
        text = str(value)
        hint = _type_hint(text, allowed)
        return Diagnostic(
            "unknown-type",
            f"{quoted(text)} is not a type of {_KIND_LABEL.get(model, 'item')}",
            file,
            path=loc,
            hint=hint,
        )
    said = translate(err, loc, tuple(_model_at(loc[:-1]).model_fields))
    message = said.message
    if loc == ("version",) and said.code == "invalid-value":
        message = f"format version {value!r} is not supported"
    if kind in ("model_type", "model_attributes_type") and _model_at(loc) in (Option, TreeNode, RetiredId):
        message = f"`{field}` must be a string or a mapping, not {describe(value)}"
    return Diagnostic(said.code, message, file, path=loc, hint=said.hint)


def _type_hint(text: str, allowed: tuple[str, ...]) -> str:
    """Suggestions for an unknown ``type`` drawn from its own kind (tools, classifications or
    relations) first; a type of another kind, or close to one, says where the item belongs."""
    other = _KIND_OF_TYPE.get(text)
    if other is not None:
        return f"{quoted(text)} is a type of {other}; move this item under `{other}:`"
    own = did_you_mean(text, allowed)
    if own is not None:
        return own
    for kind, types in (
        ("tools", TOOL_TYPES),
        ("classifications", CLASSIFICATION_TYPES),
        ("relations", RELATION_TYPES),
    ):
        found = suggest(text, types) if types != allowed else []
        if found:
            listed = ", ".join(quoted(f) for f in found[:-1]) + " or " if len(found) > 1 else ""
            are = "is a type" if len(found) == 1 else "are types"
            return f"{listed}{quoted(found[-1])} {are} of {kind}; move this item under `{kind}:`"
    return "one of: " + ", ".join(allowed)


def _model_at(loc: DataPath) -> type[BaseModel]:
    """The model class that validates the mapping at ``loc``."""
    model: type[BaseModel] = Ontology
    pending: type[BaseModel] | None = None
    in_option_sets = False
    for part in loc:
        if isinstance(part, int):
            if pending is not None:
                model, pending = pending, None
            continue
        if in_option_sets:  # the set's name; its items are options
            pending, in_option_sets = Option, False
            continue
        if part == "optionSets" and model is Ontology:
            in_option_sets = True
            continue
        if model is Migration and part in _REF_FIELDS:  # one reference, not a list of them
            model, pending = ItemRef, None
            continue
        pending = _ITEM_MODEL.get(part)
    return model


def _written(loc: DataPath) -> DataPath:
    """``loc`` as the file writes it: a migration's path of names is a list in the file, read into
    an item reference's ``path`` (``migrations.0.move.path.1`` is ``migrations.0.move.1``)."""
    if "migrations" not in loc or "path" not in loc:
        return loc
    at = loc.index("path")
    before = loc[at - 1] if at else None
    ref = before in _REF_FIELDS or (isinstance(before, int) and at > 1 and loc[at - 2] == "merge")
    return (*loc[:at], *loc[at + 1 :]) if ref else loc


#: The fields of a migration that hold one item reference.
_REF_FIELDS = frozenset({"move", "rekey", "convert", "delete", "into", "to"})


def _model_label(model: type[BaseModel]) -> str:
    return {
        Ontology: "the ontology",
        Tool: "a tool",
        Classification: "a classification",
        Relation: "a relation",
        Option: "an option",
        TreeNode: "a tree option",
        RetiredId: "a retired entry",
        Migration: "a migration",
        ItemRef: "an item reference",
    }.get(model, model.__name__)


def _other_kind_hint(name: str, model: type[BaseModel]) -> str | None:
    if name in Classification.model_fields and model in (Tool, Relation):
        what = "a tree-dropdown classification" if name == "treeOptions" else "a classification"
        return (
            f"`{name}` is a classification field, {_model_label(model)} does not take it; nest {what} "
            "under `classifications`"
        )
    return None


def _fields_hint(model: type[BaseModel]) -> str:
    if model is Ontology:
        return "top-level fields are: " + ", ".join(Ontology.model_fields)
    return "fields here are: " + ", ".join(model.model_fields)


def _yaml_text(value: Any) -> str:
    """How a YAML user would write a key: true, null, 1, [a, b]."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_yaml_text(v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def _missing_hint(field: str, model: type[BaseModel]) -> str | None:
    if field == "type":
        allowed = {Tool: TOOL_TYPES, Classification: CLASSIFICATION_TYPES, Relation: RELATION_TYPES}.get(
            model, ()
        )
        return "one of: " + ", ".join(allowed)
    return None
