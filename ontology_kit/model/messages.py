"""One translation of pydantic's errors into ontokit's words: a code, a plain message and a hint, for
ontology files, project definitions and workspace files alike.

pydantic says "String should match pattern '^https?://\\S+$'"; a user needs "`url` 'ftp://x' is not
an http(s) URL" and "use an http:// or https:// URL". The error *types* (``missing``,
``string_pattern_mismatch``, ``literal_error``, ...) are translated here; what a field means (a URL,
an e-mail address, a color) comes from :data:`FIELD_HINTS`, keyed by the field's name.
"""

from __future__ import annotations

import json
import re
import types
import typing
from typing import Any, Final, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel

from .._text import did_you_mean, quoted
from ..codes import Code
from ..diagnostics import DataPath

__all__ = [
    "FIELD_HINTS",
    "PYDANTIC_WORDING",
    "Translation",
    "describe",
    "field_name",
    "fields_hint",
    "model_path",
    "translate",
]

#: What pydantic's own messages say; none of it may reach a user (a test feeds every field a wrong
#: value and checks).
PYDANTIC_WORDING: Final = (
    "should match pattern",
    "Input should be",
    "type=",
    "For further information visit",
    "Value error,",
    "Extra inputs are not permitted",
    "Field required",
    "List should have",
    "String should have",
)

#: What a value of a field is, and how to write one: by the field's name (the last name of its path).
FIELD_HINTS: Final[dict[str, tuple[str, str]]] = {
    "url": ("an http(s) URL", "use an http:// or https:// URL, e.g. https://hooks.example.com/ango"),
    "assignedTo": ("an e-mail address", "name people by their e-mail address, e.g. ana@example.com"),
    "env": (
        "a webhook secret's variable name",
        "name the variable like WEBHOOK_SECRET (`HOOK` in it, `_SECRET` at its end): PROD_WEBHOOK_SECRET",
    ),
    "color": ("a #RRGGBB color", 'write six hex digits after #, e.g. "#1E88E5" (quoted: # starts a comment)'),
    "shortcutKey": ("a shortcut key", 'use "0"-"9", "ctrl+0"-"ctrl+9" or "a"-"k" ("" for none)'),
    "rate_limit": ("a rate limit", "give REQUESTS/PERIOD (100/min, 5/s, 1000/hour) or off"),
    "members": ("a project role", "give each e-mail address one role"),
    "id": ("an id", "copy the id from the hub"),
    "name": ("a name", "give it a name people can find"),
    "projects": (
        "a list of project files",
        "list project definition files, e.g. projects: [projects/*.yaml]",
    ),
    "types": ("a list of webhook events", "list one or more of ACCEPTED, COMPLETED, UPDATED"),
    "ratio": ("a percentage", "a whole number from 0 to 100"),
    "idleTimeout": ("a number of seconds", "a whole number of seconds, 0 or more"),
    "version": ("a format version", "this ontokit reads version: 1; upgrade ontokit for newer files"),
}

_EXPECTED: Final = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dataclass_type": "a mapping",
    "none_required": "null",
    "url_type": "a URL",
}

_BOUNDS: Final = {
    "greater_than": "more than",
    "greater_than_equal": "at least",
    "less_than": "less than",
    "less_than_equal": "at most",
}


class Translation(NamedTuple):
    """A pydantic error in ontokit's words."""

    code: Code
    message: str
    hint: str


def translate(err: Any, loc: DataPath, fields: tuple[str, ...] = ()) -> Translation:
    """``err`` (one of ``ValidationError.errors()``) at ``loc`` (the path as the file writes it): its
    code, message and hint. ``fields`` are the fields of the mapping that holds ``loc`` (for an unknown
    or a missing field)."""
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx") or {}
    value = err.get("input")
    field = field_name(loc)
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    what, field_hint = FIELD_HINTS.get(name, ("", ""))
    if kind == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), fields) or fields_hint(fields)
        return Translation("unknown-field", f"unknown field {quoted(str(loc[-1]))}", hint)
    if kind == "missing":
        hint = f"add `{field}:`" + (f" ({what})" if what else "")
        return Translation("missing-field", f"missing required field `{field}`", hint)
    if kind in _EXPECTED:
        return Translation(
            "wrong-type",
            f"`{field}` must be {_EXPECTED[kind]}, not {describe(value)}",
            _type_hint(kind, value) or field_hint or f"write {_EXPECTED[kind]}",
        )
    if kind in ("literal_error", "enum"):
        allowed = _choices(str(ctx.get("expected", "")))
        if not isinstance(value, str) and all(isinstance(a, str) for a in allowed):
            return Translation(
                "wrong-type",
                f"`{field}` must be a string, not {describe(value)}",
                "one of: " + ", ".join(allowed),
            )
        hint = did_you_mean(str(value), allowed) or "one of: " + ", ".join(allowed)
        return Translation(
            "invalid-value", f"`{field}` {_shown(value)} is not one of the allowed values", hint
        )
    if kind == "string_pattern_mismatch":
        return Translation(
            "invalid-value",
            f"`{field}` {_shown(value)} is not {what or 'in the expected form'}",
            field_hint or "see docs/format.md for the form this field takes",
        )
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return _length(kind, ctx, field, value, field_hint)
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()), "")
        return Translation(
            "invalid-value",
            f"`{field}` must be {_BOUNDS[kind]} {bound}, not {_shown(value)}",
            field_hint or f"a value {_BOUNDS[kind]} {bound}",
        )
    if kind.startswith("url_") or kind == "url_parsing":
        return Translation(
            "invalid-value", f"`{field}` {_shown(value)} is not a URL", field_hint or FIELD_HINTS["url"][1]
        )
    if kind == "value_error":
        reason = str(ctx.get("error") or "").strip() or "the value is not allowed"
        return Translation("invalid-value", f"`{field}`: {reason}", field_hint or "see docs/format.md")
    if kind in ("dict_attributes_type", "is_instance_of", "union_tag_invalid", "union_tag_not_found"):
        return Translation(
            "wrong-type",
            f"`{field}` has the wrong type ({describe(value)})",
            field_hint or "see docs/format.md",
        )
    return Translation(
        "invalid-value",
        f"`{field}` {_shown(value)} is not allowed here",
        field_hint or "see docs/format.md for the values this field takes",
    )


def _length(kind: str, ctx: dict[str, Any], field: str, value: Any, field_hint: str) -> Translation:
    items = "characters" if kind.startswith("string_") else "items"
    if kind.endswith("too_short"):
        least = ctx.get("min_length", 1)
        text = "must not be empty" if least == 1 else f"must have at least {least} {items}"
        hint = field_hint or ("give at least one" if least == 1 else f"give at least {least}")
    else:
        most = ctx.get("max_length", 0)
        text = f"must have at most {most:,} {items}"
        hint = f"shorten it to {most:,} {items} or fewer"
    size = len(value) if isinstance(value, (str, list, dict, tuple)) else None
    return Translation("invalid-value", f"`{field}` {text}" + (f", not {size:,}" if size else ""), hint)


#: A list item written plain in a hint only when YAML reads it back as that very string.
_PLAIN_ITEM: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")


def _type_hint(kind: str, value: Any) -> str | None:
    if kind in ("string_type", "model_type") and (isinstance(value, (bool, int, float)) or value is None):
        return f"YAML read this as {describe(value)}; write it in quotes to keep it text: {{token}}"
    if kind == "bool_type" and isinstance(value, str):
        return f"write true or false (YAML 1.2 reads {value!r} as text, not as a boolean)"
    if kind == "list_type" and isinstance(value, str):
        # the item as YAML reads it back: `[*.yaml]` would be an alias, `[a: b]` a mapping
        plain = _PLAIN_ITEM.fullmatch(value) and value not in ("true", "false", "null")
        return f"write a list: [{value if plain else json.dumps(value, ensure_ascii=False)}]"
    if kind in ("int_type", "int_parsing", "float_type") and isinstance(value, str):
        return "write the number without quotes"
    return None


def _choices(expected: str) -> tuple[str, ...]:
    """pydantic's "'a', 'b' or 'c'" as ('a', 'b', 'c')."""
    parts = expected.replace(" or ", ", ").split(", ")
    return tuple(p.strip().strip("'") for p in parts if p.strip())


def fields_hint(fields: tuple[str, ...]) -> str:
    """The fields a mapping may hold, as a hint."""
    return "fields here are: " + ", ".join(fields) if fields else "remove it"


def field_name(loc: DataPath) -> str:
    """The field a data path ends at, as a message names it (``options[2]`` for a list item)."""
    if not loc:
        return "(document)"
    last = loc[-1]
    if isinstance(last, int):
        parent = str(loc[-2]) if len(loc) > 1 else "item"
        return f"{parent}[{last}]"
    return last


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    return describe(value)


def describe(value: Any) -> str:
    """A value as a YAML user knows it: null, the boolean true, the number 1.1, the string 'x'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) < 40 else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def model_path(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[DataPath, type[BaseModel]]:
    """``loc`` as the file writes it (without the names pydantic gives the arms of a union, such as
    ``str`` or ``dict[str,any]``) and the model of the mapping that holds its last part."""
    out: list[str | int] = []
    ann: Any = root
    model = root
    for part in loc:
        ann = _unwrap(ann)
        arms = _arms(ann)
        if len(arms) > 1 and isinstance(part, str):
            # a union of several arms: pydantic names the arm the error is in
            ann = next((a for a in arms if _tag(a) == part), None)
            if ann is not None:
                continue
            ann = arms[0]
        if len(arms) == 1:
            ann = arms[0]
        out.append(part)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
            info = ann.model_fields.get(str(part))
            ann = info.annotation if info is not None else None
            continue
        origin, args = get_origin(ann), get_args(ann)
        if origin in (list, tuple, set, frozenset) and args:
            ann = args[0]
        elif origin is dict and len(args) == 2:
            ann = args[1]
        else:
            ann = None
    return tuple(out), model


def _unwrap(ann: Any) -> Any:
    while get_origin(ann) is typing.Annotated:
        ann = get_args(ann)[0]
    return ann


def _arms(ann: Any) -> list[Any]:
    """The arms of a union other than None (``[ann]`` for anything else)."""
    if get_origin(ann) in (Union, types.UnionType):
        return [_unwrap(a) for a in get_args(ann) if a is not type(None)]
    return [ann]


def _tag(ann: Any) -> str:
    """The name pydantic gives a union's arm in an error's location."""
    if isinstance(ann, type):
        return ann.__name__
    origin = get_origin(ann)
    if origin is dict:
        return "dict[" + ",".join(_tag(a).lower() for a in get_args(ann)) + "]"
    if origin is list:
        return "list[" + ",".join(_tag(a).lower() for a in get_args(ann)) + "]"
    return str(ann).lower().replace("typing.", "")
