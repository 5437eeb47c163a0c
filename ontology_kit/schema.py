"""JSON Schemas of ontokit's file formats, generated from the pydantic models.

The models give the structure, and each field's description and examples (``Field(description=...,
examples=...)``; a model's docstring describes its definition): the one source of what an editor
shows. On top of that, this module writes down the rules of :mod:`ontology_kit.rules` (and of a
project's setup checks) that a JSON Schema can express, taken from the same registries (the category
types of ``model/types.py``, the stage types of ``stage_checks.py``): a color's ``#RRGGBB``, a shortcut
key that can be typed, a title or name that is not blank, options and tree options only on the types
that take them, text-only fields, ``parentOptionId`` only when nested, a project id that is one URL
segment, an e-mail address for each member, a stage's fields and next stages as its type allows. The
rest (what needs the whole file: uniqueness, references) stays ontokit's. They are never stricter
than ontokit: a file ontokit accepts validates (tests/test_schema_rules.py).

The project schema holds the ontology schema's definitions, so that an inline ``ontology:`` is checked
and completed like an ontology file, offline.
"""

from __future__ import annotations

import json
from typing import Any, Final

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from .model import Ontology
from .model.types import CLASSIFICATION_TYPES, OPTION_TYPES
from .project.model import ProjectFile, WorkspaceFile
from .project.setup_checks import _ONLY_ON as _STAGE_ONLY  # the one table of type-bound stage fields
from .stage_checks import _TWO_WAY, END_TYPES, MAX_URL
from .vocabulary import STAGE_TYPES

__all__ = [
    "COLOR_PATTERN",
    "KINDS",
    "NAME_PATTERN",
    "PROJECT_ID_PATTERN",
    "SCHEMA_BASE",
    "SHORTCUT_PATTERN",
    "TITLE_PATTERN",
    "json_schema",
    "ontology_json_schema",
    "schema_text",
]

SCHEMA_BASE = "https://ontokit.dev/schemas/"
#: kind -> committed file name under schemas/
KINDS: Final = {
    "ontology": "ontology.schema.json",
    "project": "project.schema.json",
    "workspace": "workspace.schema.json",
}
_MODELS: Final[dict[str, type[BaseModel]]] = {
    "ontology": Ontology,
    "project": ProjectFile,
    "workspace": WorkspaceFile,
}

# `patternErrorMessage` is the message editors with the YAML language server show for a pattern
# (a keyword of theirs; other validators ignore it).
# The patterns are written so that ECMA-262 (editors, check-jsonschema) and Python's re (the
# `jsonschema` package) read them alike: explicit character classes, no \s where the two disagree.
#: Spaces that are not control characters: what ``str.strip()`` removes besides them.
_SPACES: Final = r" \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: What ``str.strip()`` removes: those spaces, and the control characters Python counts as spaces.
_WHITESPACE: Final = _SPACES + r"\u0009-\u000d\u001c-\u001f\u0085"
#: ``project/fields``: a project or batch name that is not blank.
NAME_PATTERN: Final = rf"^(?![{_WHITESPACE}]*$)"
#: ``project/fields.id_problem``: one URL path segment: not ``.``/``..``, no space, slash or control.
PROJECT_ID_PATTERN: Final = rf"^(?!\.\.?$)[^{_SPACES}/\\\u0000-\u001f\u007f-\u009f]+$"
#: ``rules/_context.CONTROL``: a title or option value holding one is an error.
_TEXT_CONTROL: Final = r"\u0000-\u001f\u007f"
#: What ``rules/shortcuts.shortcut_can_be_typed`` refuses (Unicode Cc, and Co in the first plane;
#: unassigned code points and the other planes' private use are left to ontokit).
_KEY_CONTROL: Final = r"\u0000-\u001f\u007f-\u009f\ue000-\uf8ff"
#: ``rules/colors``: six hex digits after "#" (`null` is "color is empty", an error too).
COLOR_PATTERN: Final = "^#[0-9A-Fa-f]{6}$"
#: ``rules/shortcuts``: "" (none), or a key a keyboard types: no control character, not only spaces.
SHORTCUT_PATTERN: Final = rf"^(?![\s\S]*[{_KEY_CONTROL}])(?![{_SPACES}]+$)"
#: ``rules/titles``: a title that is not blank and holds no control character.
TITLE_PATTERN: Final = rf"^(?![\s\S]*[{_TEXT_CONTROL}])(?![{_SPACES}]*$)"
#: ``project/setup_checks``: a member (or a stage's assignee) is an e-mail address. (Where the two
#: dialects' \s differ, ontokit refuses the address anyway: it must be printable.)
_EMAIL_PATTERN: Final = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

_TREE: Final = "tree-dropdown"
_TEXT: Final = "text"


class _Generator(GenerateJsonSchema):
    """pydantic's generator, without the titles it makes up from field names ("Richtext"): an
    editor shows a field's description instead."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def json_schema(kind: str = "ontology") -> dict[str, Any]:
    """The JSON Schema (2020-12) of an ontology, project or workspace file."""
    try:
        model = _MODELS[kind]
    except KeyError:
        raise ValueError(f"unknown schema kind {kind!r}") from None
    schema = _generate(model)
    if kind == "ontology":
        _ontology_rules(schema)
    elif kind == "project":
        _project_rules(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + KINDS[kind],
        **schema,
    }


def ontology_json_schema() -> dict[str, Any]:
    """The JSON Schema that ``schemas/ontology.schema.json`` holds."""
    return json_schema("ontology")


def schema_text(kind: str = "ontology") -> str:
    """A schema as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(json_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _generate(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="validation", schema_generator=_Generator)


def _when(types: tuple[str, ...] | list[str], then: dict[str, Any]) -> dict[str, Any]:
    """``then`` applies to an item whose ``type`` is one of ``types``."""
    return {"if": {"required": ["type"], "properties": {"type": {"enum": list(types)}}}, "then": then}


def _ontology_rules(ontology: dict[str, Any]) -> None:
    """The semantic rules a schema can say, on an ontology schema (with its definitions)."""
    # `parent-option-no-parent`: a top-level classification has no enclosing category
    top = ontology["properties"]["classifications"]
    no_parent = {"type": "null", "description": "Only a nested classification can depend on an option."}
    top["items"] = {"allOf": [top["items"], {"properties": {"parentOptionId": no_parent}}]}
    defs = ontology["$defs"]
    for name in ("Tool", "Classification", "Relation"):
        props = defs[name]["properties"]
        props["title"]["pattern"] = TITLE_PATTERN
        props["color"] = {
            "description": props["color"]["description"],
            "examples": props["color"]["examples"],
            "type": "string",
            "pattern": COLOR_PATTERN,
            "patternErrorMessage": 'a color is "#RRGGBB", quoted (`invalid-color`)',
        }
        props["shortcutKey"]["pattern"] = SHORTCUT_PATTERN
        props["shortcutKey"]["patternErrorMessage"] = (
            'a shortcut key is "" or a key that can be typed: no control character, not only spaces '
            "(`invalid-shortcut`)"
        )
        props["title"]["patternErrorMessage"] = "a title is not blank and holds no control character"
        # `options-and-option-set`: one or the other
        defs[name]["not"] = {
            "required": ["options", "optionSet"],
            "properties": {"options": {"minItems": 1}, "optionSet": {"type": "string"}},
        }
    others = [t for t in CLASSIFICATION_TYPES if t not in OPTION_TYPES]
    with_options = [t for t in CLASSIFICATION_TYPES if t in OPTION_TYPES]
    defs["Classification"]["allOf"] = [
        # `missing-options` / `options-not-allowed`
        _when(
            with_options,
            {
                "anyOf": [
                    {"required": ["options"], "properties": {"options": {"minItems": 1}}},
                    {"required": ["optionSet"], "properties": {"optionSet": {"type": "string"}}},
                ]
            },
        ),
        _when(others, {"properties": {"options": {"maxItems": 0}, "optionSet": {"type": "null"}}}),
        # `empty-tree` / `tree-options-not-allowed`
        _when([_TREE], {"required": ["treeOptions"], "properties": {"treeOptions": {"minItems": 1}}}),
        _when(
            [t for t in CLASSIFICATION_TYPES if t != _TREE], {"properties": {"treeOptions": {"maxItems": 0}}}
        ),
        # `text-only-field`
        _when(
            [t for t in CLASSIFICATION_TYPES if t != _TEXT],
            {"properties": {"richText": {"const": False}, "regex": {"type": "null"}}},
        ),
    ]


def _project_rules(schema: dict[str, Any]) -> None:
    """An inline ontology is an ontology (its definitions join the project schema's); members and
    assignees are e-mail addresses; a stage's fields fit its type."""
    ontology = _generate(Ontology)
    _ontology_rules(ontology)
    ontology_defs = ontology.pop("$defs")
    ontology.pop("$comment", None)
    defs = schema["$defs"]
    defs.update(ontology_defs, Ontology=ontology)
    field = schema["properties"]["ontology"]
    field["anyOf"] = [
        {"type": "string", "description": "Path to an ontology file."},
        {"$ref": "#/$defs/Ontology"},
    ]
    schema["properties"]["members"]["anyOf"][0]["propertyNames"] = {
        "pattern": _EMAIL_PATTERN,
        "patternErrorMessage": "a member is named by an e-mail address",
    }
    blank = "a name is not blank (`blank-name`)"
    props = schema["properties"]
    props["name"].update(pattern=NAME_PATTERN, patternErrorMessage=blank)
    props["batches"]["items"]["anyOf"][0].update(pattern=NAME_PATTERN, patternErrorMessage=blank)
    defs["BatchSpec"]["properties"]["name"].update(pattern=NAME_PATTERN, patternErrorMessage=blank)
    props["id"]["anyOf"][0].update(
        pattern=PROJECT_ID_PATTERN,
        patternErrorMessage="a project id is one URL segment: no space, slash or control character, "
        "not . or .. (`invalid-project-id`)",
    )
    stage = defs["StageSpec"]
    props = stage["properties"]
    props["assignedTo"]["anyOf"][0]["items"]["pattern"] = _EMAIL_PATTERN
    props["name"]["anyOf"][0]["maxLength"] = props["id"]["maxLength"]
    props["url"]["anyOf"][0]["maxLength"] = MAX_URL
    rules = [
        _when(list(END_TYPES), {"properties": {"next": {"maxItems": 0}}}),
        _when(list(_TWO_WAY), {"properties": {"next": {"maxItems": 2}}}),
        _when(["Webhook"], {"required": ["url"], "properties": {"url": {"type": "string"}}}),
    ]
    for name, types in _STAGE_ONLY.items():
        rules.append(
            _when([t for t in STAGE_TYPES if t not in types], {"properties": {name: {"type": "null"}}})
        )
    stage["allOf"] = rules
