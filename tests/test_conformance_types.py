"""Conformance for every category type and field of the SDK's models beyond the documented examples
(issue 11, item 1): a ``rank`` classification, options on tools and relations (and classifications
conditional on them), and shortcut keys outside the documented set.

Each case is written twice: as ontokit YAML, and with the official SDK's own classes
(``imerit_ango.models.label_category``; ``rank`` is ``QUESTION_TYPES.RANK`` of
``imerit_ango.models.question_types``, which the SDK's ``ClassificationCategory`` takes as it takes a
``Classification``: it reads only ``.value``). The SDK's ``create_label_set`` body must equal ontokit's
compile, as a dict and byte for byte. The SDK is given the schemaIds and colors of ontokit's payload
(``Ids``), as in ``test_conformance.py``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from test_conformance import Ids, Lists, Payload, assert_same_request, create_label_set, lc  # noqa: F401

from ontology_kit import check_text, compile_text


def _rank(lc: ModuleType) -> Any:
    from imerit_ango.models.question_types import QUESTION_TYPES

    return QUESTION_TYPES.RANK


RANK = """
classifications:
  - title: Priority
    type: rank
    required: true
    options: [Low, Medium, High]
"""


def sdk_rank(lc: ModuleType, ids: Ids) -> Lists:
    priority = lc.ClassificationCategory(
        _rank(lc),
        title="Priority",
        required=True,
        options=[ids.option(lc, "Priority", v) for v in ("Low", "Medium", "High")],
        **ids.of("Priority"),
    )
    return {"classifications": [priority]}


NESTED_RANK = """
tools:
  - title: Shelf
    type: bounding-box
    classifications:
      - title: Order
        type: rank
        exportName: order
        options: [First, Second]
"""


def sdk_nested_rank(lc: ModuleType, ids: Ids) -> Lists:
    order = lc.ClassificationCategory(
        _rank(lc),
        title="Order",
        exportName="order",
        options=[ids.option(lc, "Shelf", "Order", v) for v in ("First", "Second")],
        **ids.of("Shelf", "Order"),
    )
    shelf = lc.ToolCategory(lc.Tool.BoundingBox, title="Shelf", classifications=[order], **ids.of("Shelf"))
    return {"tools": [shelf]}


TOOL_OPTIONS = """
tools:
  - title: Car
    type: bounding-box
    options: [Red, {value: Blue, schemaId: blue-option}]
  - title: Lane
    type: polyline
    columnField: true
    options: [Solid, Dashed]
"""


def sdk_tool_options(lc: ModuleType, ids: Ids) -> Lists:
    car = lc.ToolCategory(
        lc.Tool.BoundingBox,
        title="Car",
        options=[ids.option(lc, "Car", "Red"), lc.LabelOption("Blue", schemaId="blue-option")],
        **ids.of("Car"),
    )
    lane = lc.ToolCategory(
        lc.Tool.Polyline,
        title="Lane",
        columnField=True,
        options=[ids.option(lc, "Lane", v) for v in ("Solid", "Dashed")],
        **ids.of("Lane"),
    )
    return {"tools": [car, lane]}


RELATION_OPTIONS = """
relations:
  - title: Follows
    type: one-to-many
    options: [Near, Far]
  - title: Convoy
    type: group
    options: [Yes]
"""


def sdk_relation_options(lc: ModuleType, ids: Ids) -> Lists:
    follows = lc.RelationCategory(
        lc.Relation.Many,
        title="Follows",
        options=[ids.option(lc, "Follows", v) for v in ("Near", "Far")],
        **ids.of("Follows"),
    )
    convoy = lc.RelationCategory(
        lc.Relation.Group, title="Convoy", options=[ids.option(lc, "Convoy", "Yes")], **ids.of("Convoy")
    )
    return {"relations": [follows, convoy]}


CONDITIONAL_ON_A_TOOL_OPTION = """
tools:
  - title: Car
    type: bounding-box
    options: [Red, Blue]
    classifications:
      - title: Shade
        type: text
        parentOptionId: Blue
relations:
  - title: Link
    type: one-to-one
    options: [Strong, Weak]
    classifications:
      - title: Why
        type: rank
        parentOptionId: Weak
        options: [Distance, Angle]
"""


def sdk_conditional_on_a_tool_option(lc: ModuleType, ids: Ids) -> Lists:
    blue = ids.option(lc, "Car", "Blue")
    shade = lc.ClassificationCategory(
        lc.Classification.Text, title="Shade", parentOptionId=blue.schemaId, **ids.of("Car", "Shade")
    )
    car = lc.ToolCategory(
        lc.Tool.BoundingBox,
        title="Car",
        options=[ids.option(lc, "Car", "Red"), blue],
        classifications=[shade],
        **ids.of("Car"),
    )
    weak = ids.option(lc, "Link", "Weak")
    why = lc.ClassificationCategory(
        _rank(lc),
        title="Why",
        parentOptionId=weak.schemaId,
        options=[ids.option(lc, "Link", "Why", v) for v in ("Distance", "Angle")],
        **ids.of("Link", "Why"),
    )
    link = lc.RelationCategory(
        lc.Relation.Single,
        title="Link",
        options=[ids.option(lc, "Link", "Strong"), weak],
        classifications=[why],
        **ids.of("Link"),
    )
    return {"tools": [car], "relations": [link]}


SHORTCUT_KEYS = """
tools:
  - {title: Car, type: bounding-box, shortcutKey: "c"}
  - {title: Person, type: polygon, shortcutKey: "p"}
  - {title: Sign, type: point, shortcutKey: "ctrl+a"}
  - {title: Pole, type: point, shortcutKey: "Z"}
classifications:
  - {title: Night, type: boolean, shortcutKey: "10"}
  - {title: Mood, type: radio, shortcutKey: "é", options: [Calm]}
relations:
  - {title: Near, type: group, shortcutKey: "shift+1"}
"""


def sdk_shortcut_keys(lc: ModuleType, ids: Ids) -> Lists:
    def tool(t: Any, title: str, key: str) -> Any:
        return lc.ToolCategory(t, title=title, shortcutKey=key, **ids.of(title))

    tools = [
        tool(lc.Tool.BoundingBox, "Car", "c"),
        tool(lc.Tool.Polygon, "Person", "p"),  # Ango's own API sample
        tool(lc.Tool.Point, "Sign", "ctrl+a"),
        tool(lc.Tool.Point, "Pole", "Z"),
    ]
    night = lc.ClassificationCategory(
        lc.Classification.Boolean, title="Night", shortcutKey="10", **ids.of("Night")
    )
    mood = lc.ClassificationCategory(
        lc.Classification.Radio,
        title="Mood",
        shortcutKey="é",
        options=[ids.option(lc, "Mood", "Calm")],
        **ids.of("Mood"),
    )
    near = lc.RelationCategory(lc.Relation.Group, title="Near", shortcutKey="shift+1", **ids.of("Near"))
    return {"tools": tools, "classifications": [night, mood], "relations": [near]}


CASES: dict[str, tuple[str, Callable[[ModuleType, Ids], Lists]]] = {
    "rank": (RANK, sdk_rank),
    "nested-rank": (NESTED_RANK, sdk_nested_rank),
    "tool-options": (TOOL_OPTIONS, sdk_tool_options),
    "relation-options": (RELATION_OPTIONS, sdk_relation_options),
    "conditional-on-a-tool-option": (CONDITIONAL_ON_A_TOOL_OPTION, sdk_conditional_on_a_tool_option),
    "shortcut-keys": (SHORTCUT_KEYS, sdk_shortcut_keys),
}


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_new_types_and_fields_match_the_sdk(
    name: str, lc: ModuleType, create_label_set: Callable[..., Payload]
) -> None:
    text, build = CASES[name]
    ontokit_payload = compile_text(textwrap.dedent(text), f"{name}.yaml")
    sdk_payload = create_label_set(**build(lc, Ids(ontokit_payload)))
    assert_same_request(sdk_payload, ontokit_payload)


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_new_types_and_fields_validate_without_errors(name: str) -> None:
    """Each case is valid; only the undocumented shortcut keys warn, one warning each."""
    result = check_text(textwrap.dedent(CASES[name][0]), f"{name}.yaml")
    assert result.payload is not None, result.diagnostics
    warned = [d.code for d in result.diagnostics]
    undocumented = 6 if name == "shortcut-keys" else 0  # p, ctrl+a, Z, 10, é, shift+1 ("c" is documented)
    assert warned == ["undocumented-shortcut"] * undocumented
