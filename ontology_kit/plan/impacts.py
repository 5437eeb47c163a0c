"""What changing each field of a category-schema item does, declared once: the diff rates a changed
attribute of a matched item (same schemaId) with :func:`field_impact`, and docs/plan-format.md's
field table is these rows (a test keeps the two in step, and another that every field the category
schema declares is here).

Impacts (``plan/model.py``), mildest first: ``safe`` (nothing existing changes), ``data-dependent``
(some existing annotations may become invalid, depending on what they hold), ``breaking-export``
(every annotation is kept and stays valid, but what exports and export plugins read changes: a key,
a value's text, a value's shape), ``destructive`` (annotations are orphaned or lost).
"""

from __future__ import annotations

from typing import Any, Final, Literal, NamedTuple

from .model import Impact

__all__ = ["FIELD_IMPACTS", "FieldImpact", "field_impact"]

#: When a field's impact applies: on any change, when it becomes true, or when it gets a value.
When = Literal["changed", "now-true", "now-set"]


class FieldImpact(NamedTuple):
    """What changing one field of an item does to existing annotations, and why (``{title}``: the
    item; ``{before}``/``{after}``: the two values, ``{old}``/``{new}``: the same quoted). Outside
    ``when``, the change is safe."""

    impact: Impact
    why: str
    when: When = "changed"


_SAFE = Impact.SAFE
_EXPORT = Impact.BREAKING_EXPORT
_DATA = Impact.DATA_DEPENDENT

#: Every field of every kind of item (``category_schema.py``: categories, classifications, the
#: server's fields, options, tree options). A field not listed (a hand-edited hub or plan file) is
#: safe: ontokit cannot know what it does.
FIELD_IMPACTS: Final[dict[str, FieldImpact]] = {
    # -- categories (tools, classifications, relations) --
    "tool": FieldImpact(
        Impact.DESTRUCTIVE, "changing the type of {title!r} from {before} to {after} orphans its annotations"
    ),
    "title": FieldImpact(
        _EXPORT,
        "exports and export plugins name it by its title: what they read as {old} becomes {new}",
    ),
    "required": FieldImpact(
        _DATA, "{title!r} becomes required: existing annotations without it become invalid", "now-true"
    ),
    "columnField": FieldImpact(_SAFE, "only whether the task table shows {title!r} as a column"),
    "color": FieldImpact(_SAFE, "only how {title!r} is drawn"),
    "shortcutKey": FieldImpact(_SAFE, "only the key that picks {title!r} in the editor"),
    "schemaId": FieldImpact(
        _SAFE, "matched items have the same id (a changed schemaId is a removal plus an addition)"
    ),
    "classifications": FieldImpact(_SAFE, "its items are compared one by one"),
    # a classification's, a tool's or a relation's answers (removing one orphans the answers choosing it)
    "options": FieldImpact(_SAFE, "its items are compared one by one"),
    "multiple": FieldImpact(
        _EXPORT,
        "{title!r} now allows {after_multiple}: exports write its answers as "
        "{shape}, and consumers read another shape",
    ),
    "ocrEnabled": FieldImpact(
        _EXPORT,
        "text recognition on {title!r} is turned {on_off}: exports of its annotations gain or lose it",
    ),
    # -- classifications --
    "treeOptions": FieldImpact(_SAFE, "its items are compared one by one"),
    "regex": FieldImpact(_DATA, "existing answers to {title!r} may not match the new regex", "now-set"),
    "parentOptionId": FieldImpact(
        _DATA, "{title!r} is shown under another condition: existing answers may not apply"
    ),
    "frameSpecific": FieldImpact(
        _EXPORT,
        "{title!r} becomes {frame}: video exports write its answers {frame_shape}, and consumers read "
        "another shape",
    ),
    "showDropdown": FieldImpact(_SAFE, "only how the editor shows the options of {title!r}"),
    "richText": FieldImpact(
        _EXPORT, "answers to {title!r} are exported as {rich}: consumers read another text format"
    ),
    "exportName": FieldImpact(
        _EXPORT, "exports name {title!r} by its export name: what they read as {old} becomes {new}"
    ),
    "displayName": FieldImpact(_SAFE, "only the name the editor shows for {title!r}"),
    "abbreviatedName": FieldImpact(_SAFE, "only the short name the editor shows for {title!r}"),
    "attributeType": FieldImpact(
        _EXPORT, "answers to {title!r} are exported as another type ({old} → {new})"
    ),
    "defaultValue": FieldImpact(_SAFE, "only the answer new annotations of {title!r} start with"),
    # -- options and tree options --
    "value": FieldImpact(
        _EXPORT,
        "exports write an answer as its value text: answers exported as {old} become {new}",
    ),
    "key": FieldImpact(
        _SAFE, "matched tree options have the same key (a changed key is a removal plus an addition)"
    ),
    "children": FieldImpact(_SAFE, "its items are compared one by one"),
}


def _words(after: Any) -> dict[str, str]:
    """The words the reasons of flags use."""
    on = bool(after)
    return {
        "after_multiple": "several answers" if on else "one answer only",
        "shape": "a list" if on else "a single value",
        "on_off": "on" if on else "off",
        "frame": "frame-specific" if on else "one answer per track",
        "frame_shape": "per frame" if on else "once per track",
        "rich": "rich text (markup)" if on else "plain text",
    }


def field_impact(name: str, before: Any, after: Any, title: str) -> tuple[Impact, str | None]:
    """The impact of changing field ``name`` of the item ``title`` from ``before`` to ``after``, and
    the reason to show (None for a safe change)."""
    rule = FIELD_IMPACTS.get(name)
    if rule is None or rule.impact is Impact.SAFE:
        return Impact.SAFE, None
    if rule.when == "now-true" and not (after is True and not before):
        return Impact.SAFE, None
    if rule.when == "now-set" and not after:
        return Impact.SAFE, None
    values: dict[str, Any] = {"title": title, "before": before, "after": after}
    values.update(old=_shown(before), new=_shown(after))
    values.update(_words(after))
    return rule.impact, rule.why.format(**values)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "nothing"
    return repr(value) if isinstance(value, str) else str(value)
