"""The diff of the category types and fields issue 11 added to the format: a ``rank`` classification,
options on tools and relations (and classifications conditional on them), undocumented shortcut keys.
Each edit of an imported-looking ontology gets the impact docs/plan-format.md gives it."""

from __future__ import annotations

import textwrap

import pytest

from ontology_kit import compile_text
from ontology_kit.plan.diff import diff_category_schema
from ontology_kit.plan.model import Action, ChangeKind, Impact

BASE = """
tools:
  - title: Car
    type: bounding-box
    schemaId: car
    shortcutKey: p
    options: [{value: Red, schemaId: red}, {value: Blue, schemaId: blue}]
    classifications:
      - {title: Shade, type: text, schemaId: shade, parentOptionId: Blue}
classifications:
  - title: Priority
    type: rank
    schemaId: priority
    options: [{value: Low, schemaId: low}, {value: High, schemaId: high}]
relations:
  - title: Link
    type: group
    schemaId: link
    options: [{value: Strong, schemaId: strong}]
"""


def _schema(text: str) -> dict[str, object]:
    return compile_text(textwrap.dedent(text), "x.yaml")["categorySchema"]  # type: ignore[no-any-return]


EDITS = [
    pytest.param(
        (
            "options: [{value: Red, schemaId: red}, {value: Blue, schemaId: blue}]",
            "options: [{value: Blue, schemaId: blue}]",
        ),
        (Action.DELETE, ChangeKind.OPTION, Impact.DESTRUCTIVE),
        id="tool-option-removed",
    ),
    pytest.param(
        (
            "{value: Strong, schemaId: strong}]",
            "{value: Strong, schemaId: strong}, {value: Weak, schemaId: weak}]",
        ),
        (Action.CREATE, ChangeKind.OPTION, Impact.SAFE),
        id="relation-option-added",
    ),
    pytest.param(
        ("{value: Strong, schemaId: strong}", "{value: Solid, schemaId: strong}"),
        (Action.UPDATE, ChangeKind.OPTION, Impact.BREAKING_EXPORT),
        id="relation-option-value-changed",
    ),
    pytest.param(
        (
            "[{value: Red, schemaId: red}, {value: Blue, schemaId: blue}]",
            "[{value: Blue, schemaId: blue}, {value: Red, schemaId: red}]",
        ),
        (Action.REORDER, ChangeKind.LIST, Impact.SAFE),
        id="tool-options-reordered",
    ),
    pytest.param(
        ("parentOptionId: Blue", "parentOptionId: Red"),
        (Action.UPDATE, ChangeKind.CLASSIFICATION, Impact.DATA_DEPENDENT),
        id="condition-on-a-tool-option-changed",
    ),
    pytest.param(
        (
            "[{value: Low, schemaId: low}, {value: High, schemaId: high}]",
            "[{value: High, schemaId: high}, {value: Low, schemaId: low}]",
        ),
        (Action.REORDER, ChangeKind.LIST, Impact.SAFE),
        id="rank-options-reordered",
    ),
    pytest.param(
        ("{value: Low, schemaId: low}, ", ""),
        (Action.DELETE, ChangeKind.OPTION, Impact.DESTRUCTIVE),
        id="rank-option-removed",
    ),
    pytest.param(
        ("type: rank", "type: radio"),
        (Action.UPDATE, ChangeKind.CLASSIFICATION, Impact.DESTRUCTIVE),
        id="rank-becomes-radio",
    ),
    pytest.param(
        ("shortcutKey: p", "shortcutKey: ctrl+a"),
        (Action.UPDATE, ChangeKind.TOOL, Impact.SAFE),
        id="undocumented-shortcut-changed",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), EDITS)
def test_each_edit_has_its_impact(edit: tuple[str, str], expected: tuple[Action, ChangeKind, Impact]) -> None:
    old, new = edit
    assert BASE.count(old) == 1, "the edit names one place"
    changes = diff_category_schema(_schema(BASE.replace(old, new)), _schema(BASE))
    assert [(c.action, c.kind, c.impact) for c in changes] == [expected]
    assert all(c.reasons for c in changes if c.impact is not Impact.SAFE)


def test_the_same_schema_has_no_changes() -> None:
    assert diff_category_schema(_schema(BASE), _schema(BASE)) == []
