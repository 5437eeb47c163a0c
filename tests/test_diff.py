"""The diff: matched by schemaId at every depth; kinds, impacts, renames, moves and reorders."""

from __future__ import annotations

import copy
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ontology_kit import compile_text
from ontology_kit.category_schema import (
    CATEGORY_FIELDS,
    CLASSIFICATION_FIELDS,
    OPTION_FIELDS,
    SERVER_FIELDS,
    TREE_OPTION_FIELDS,
)
from ontology_kit.plan.diff import diff_category_schema
from ontology_kit.plan.impacts import FIELD_IMPACTS
from ontology_kit.plan.model import Action, Impact
from ontology_kit.plan.renames import title_similarity

BASE = textwrap.dedent("""
    tools:
      - title: Vehicle
        type: bounding-box
        color: "#112233"
        shortcutKey: "1"
        classifications:
          - title: Kind
            type: radio
            options: [Car, Truck, Bus]
            classifications:
              - {title: Axles, type: text, parentOptionId: Truck}
          - {title: Occluded, type: checkbox, options: [Yes]}
      - title: Person
        type: polygon
        classifications:
          - {title: Pose, type: radio, options: [Standing, Sitting]}
    classifications:
      - title: Weather
        type: tree-dropdown
        treeOptions:
          - {title: Rain, children: [Light, Heavy]}
          - Sun
    relations:
      - {title: Tows, type: one-to-one}
""")


@pytest.fixture
def base() -> dict[str, Any]:
    return compile_text(BASE)["categorySchema"]  # type: ignore[no-any-return]


def diff_after(base: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> list[Any]:
    """Changes that turn ``base`` (live) into ``base`` edited (desired)."""
    desired = copy.deepcopy(base)
    edit(desired)
    return diff_category_schema(desired, base)


def summary(changes: list[Any]) -> list[tuple[str, str, str, str]]:
    return [(c.action.value, c.kind, c.path, c.impact.value) for c in changes]


def test_identical_is_empty(base: dict[str, Any]) -> None:
    assert diff_category_schema(base, copy.deepcopy(base)) == []


def test_title_rename_same_id_keeps_annotations_but_breaks_exports(base: dict[str, Any]) -> None:
    changes = diff_after(base, lambda d: d["tools"][0].update(title="Road vehicle"))
    assert summary(changes) == [("update", "tool", "Road vehicle", "breaking-export")]
    assert "title" in changes[0].reasons[0] and "'Vehicle' becomes 'Road vehicle'" in changes[0].reasons[0]
    (attr,) = changes[0].attributes
    assert (attr.name, attr.before, attr.after) == ("title", "Vehicle", "Road vehicle")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            lambda d: d["tools"][0].update(color="#445566", shortcutKey="2"),
            [("update", "tool", "Vehicle", "safe")],
            id="color-and-shortcut",
        ),
        pytest.param(
            lambda d: d["tools"][1].update(tool="rotated-bounding-box"),
            [("update", "tool", "Person", "destructive")],
            id="type-change",
        ),
        pytest.param(
            lambda d: d["tools"][0]["classifications"][1].update(required=True),
            [("update", "classification", "Vehicle › Occluded", "data-dependent")],
            id="now-required",
        ),
        pytest.param(
            lambda d: d["tools"][0]["classifications"][0]["classifications"][0].update(regex="^[0-9]+$"),
            [("update", "classification", "Vehicle › Kind › Axles", "data-dependent")],
            id="regex",
        ),
        pytest.param(
            lambda d: d["tools"][0]["classifications"][0]["classifications"][0].update(
                parentOptionId=d["tools"][0]["classifications"][0]["options"][2]["schemaId"]
            ),
            [("update", "classification", "Vehicle › Kind › Axles", "data-dependent")],
            id="condition",
        ),
        pytest.param(
            lambda d: d["tools"][0]["classifications"][0]["options"].pop(1),
            [("delete", "option", 'Vehicle › Kind › option "Truck"', "destructive")],
            id="remove-option",
        ),
        pytest.param(
            lambda d: d["tools"][0]["classifications"][0]["options"].append(
                {"value": "Van", "schemaId": "v1"}
            ),
            [("create", "option", 'Vehicle › Kind › option "Van"', "safe")],
            id="add-option",
        ),
        pytest.param(
            lambda d: d["tools"][0]["classifications"][0]["options"][0].update(value="Automobile"),
            [("update", "option", 'Vehicle › Kind › option "Automobile"', "breaking-export")],
            id="option-value-rename",
        ),
        pytest.param(
            lambda d: d["relations"].clear(),
            [("delete", "relation", "Tows", "destructive")],
            id="remove-relation",
        ),
        pytest.param(
            lambda d: (
                d["classifications"][0]["treeOptions"][0]["children"].pop(),
                d["classifications"][0]["options"].pop(2),
            ),
            [("delete", "tree-option", 'Weather › "Rain" › "Heavy"', "destructive")],
            id="remove-tree-node",
        ),
        pytest.param(
            lambda d: d["classifications"][0]["options"].pop(),
            [("update", "classification", "Weather", "safe")],
            id="flattened-options-out-of-step",
        ),
    ],
)
def test_change_kinds_and_impacts(
    base: dict[str, Any], edit: Callable[[dict[str, Any]], None], expected: list[tuple[str, str, str, str]]
) -> None:
    assert sorted(summary(diff_after(base, edit))) == sorted(expected)


def test_removing_a_class_reports_it_once_with_its_nested_items(base: dict[str, Any]) -> None:
    changes = diff_after(base, lambda d: d["tools"].pop(0))
    assert summary(changes) == [("delete", "tool", "Vehicle", "destructive")]
    assert changes[0].nested == 7  # Kind, 3 options, Axles, Occluded, its option
    assert "orphaned" in changes[0].reasons[0]


def test_new_required_nested_classification_is_data_dependent(base: dict[str, Any]) -> None:
    new = {
        "tool": "text",
        "title": "Plate",
        "required": True,
        "schemaId": "plate1",
        "classifications": [],
        "options": [],
    }
    changes = diff_after(base, lambda d: d["tools"][0]["classifications"].append(new))
    assert summary(changes) == [("create", "classification", "Vehicle › Plate", "data-dependent")]
    optional = {**new, "required": False}
    assert (
        summary(diff_after(base, lambda d: d["tools"][0]["classifications"].append(optional)))[0][3] == "safe"
    )


def test_reorder_is_safe_and_shows_both_orders(base: dict[str, Any]) -> None:
    changes = diff_after(base, lambda d: d["tools"][0]["classifications"][0]["options"].reverse())
    assert summary(changes) == [("reorder", "list", "Vehicle › Kind › order of options", "safe")]
    assert changes[0].before == ['option "Car"', 'option "Truck"', 'option "Bus"']
    assert changes[0].after == ['option "Bus"', 'option "Truck"', 'option "Car"']


def test_move_to_another_parent_is_destructive(base: dict[str, Any]) -> None:
    def move(d: dict[str, Any]) -> None:
        d["tools"][1]["classifications"].append(d["tools"][0]["classifications"].pop(1))

    changes = diff_after(base, move)
    assert summary(changes) == [("move", "classification", "Person › Occluded", "destructive")]
    assert (changes[0].before, changes[0].after) == ("Vehicle › Occluded", "Person › Occluded")


def test_changed_schema_id_looks_like_a_rename(base: dict[str, Any]) -> None:
    """Renaming a title without a `key` derives new ids for it and everything under it."""
    old_id = base["tools"][1]["schemaId"]
    desired = compile_text(BASE.replace("title: Person", "title: Persons"))["categorySchema"]
    changes = diff_category_schema(desired, base)
    assert sorted(summary(changes)) == [
        ("create", "tool", "Persons", "safe"),
        ("delete", "tool", "Person", "destructive"),
    ]
    assert [c.nested for c in changes] == [3, 3]
    removal = next(c for c in changes if c.action is Action.DELETE)
    assert removal.hint and "probably a rename" in removal.hint and old_id in removal.hint
    assert "key:" in removal.hint


def test_unrelated_remove_and_add_are_not_a_rename(base: dict[str, Any]) -> None:
    def swap(d: dict[str, Any]) -> None:
        d["relations"] = [
            {"tool": "group", "title": "Convoy", "schemaId": "c1", "classifications": [], "options": []}
        ]

    changes = diff_after(base, swap)
    assert all(c.hint is None for c in changes)


def _radio(options: str) -> str:
    return f"classifications:\n  - title: Shelf\n    type: radio\n    options: {options}\n"


def _tool(title: str, options: str = "[Red, Blue]", kind: str = "bounding-box") -> str:
    return (
        f"tools:\n  - title: {title}\n    type: {kind}\n    classifications:\n"
        f"      - title: Color\n        type: radio\n        options: {options}\n"
    )


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        # real renames: one item under a new title (same slot, similar title, same nested items)
        pytest.param(_radio("[Car, Pedestrain]"), _radio("[Car, Pedestrian]"), True, id="typo-fix"),
        pytest.param(_tool("traffic light"), _tool("Traffic Light"), True, id="case-change"),
        pytest.param(_tool("Bicycle"), _tool("Bicycle rider"), True, id="re-wording"),
        pytest.param(_radio("[Car, Bus]"), _radio("[Cars, Bus]"), True, id="plural-option"),
        pytest.param(_tool("Box"), _tool("Boxes"), True, id="plural-tool"),
        pytest.param(_tool("Traffic-light"), _tool("traffic light"), True, id="punctuation"),
        # replacements: another item in the same place (finding 3: Snacks -> Dairy)
        pytest.param(_radio("[Drinks, Snacks]"), _radio("[Drinks, Dairy]"), False, id="snacks-dairy"),
        pytest.param(_radio("[Car, Bus]"), _radio("[Truck, Bus]"), False, id="car-truck"),
        pytest.param(_radio("[Yes, Maybe]"), _radio("[No, Maybe]"), False, id="yes-no"),
        pytest.param(_radio("[Car, Bus]"), _radio("[Cat, Bus]"), False, id="one-letter-short-word"),
        pytest.param(_tool("Traffic light"), _tool("Traffic sign"), False, id="shared-word"),
        pytest.param(_tool("Car"), _tool("Truck"), False, id="car-truck-tool"),
        # similar titles without the rest of the evidence
        pytest.param(_tool("Bicycle"), _tool("Bicycles", "[Red, Green]"), False, id="other-nested-items"),
        pytest.param(_tool("Bicycle"), _tool("Bicycles", kind="polygon"), False, id="other-type"),
        pytest.param(_radio("[Car, Pedestrain]"), _radio("[Pedestrian, Car]"), False, id="other-position"),
    ],
)
def test_rename_hint_only_on_evidence(old: str, new: str, hint: bool) -> None:
    changes = diff_category_schema(compile_text(new)["categorySchema"], compile_text(old)["categorySchema"])
    removal = next(c for c in changes if c.action is Action.DELETE)
    addition = next(c for c in changes if c.action is Action.CREATE)
    assert removal.impact is Impact.DESTRUCTIVE
    assert "would be orphaned" in removal.reasons[0]  # said whether or not it looks like a rename
    assert (removal.hint is not None, addition.hint is not None) == (hint, hint)
    if hint:
        assert removal.hint is not None and f"schemaId: {removal.schema_id}" in removal.hint


def test_snacks_to_dairy_gives_no_advice() -> None:
    """Finding 3, its exact input: pinning Snacks' id on Dairy would relabel every Snacks answer."""
    old = compile_text(_radio("[Drinks, Snacks]"))["categorySchema"]
    changes = diff_category_schema(compile_text(_radio("[Drinks, Dairy]"))["categorySchema"], old)
    assert sorted(summary(changes)) == [
        ("create", "option", 'Shelf › option "Dairy"', "safe"),
        ("delete", "option", 'Shelf › option "Snacks"', "destructive"),
    ]
    assert all(c.hint is None for c in changes)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param("Pedestrain", "Pedestrian", 0.9, id="typo"),
        pytest.param("traffic light", "Traffic Light", 1.0, id="case"),
        pytest.param("Bicycle", "Bicycle rider", 1.0, id="added-word"),
        pytest.param("Snacks", "Dairy", 0.18, id="unrelated"),
        pytest.param("Traffic light", "Traffic sign", 0.44, id="shared-word"),
        pytest.param("Traffic light", "Traffic lights", 0.91, id="plural-of-a-word"),
        pytest.param("", "Dairy", 0.0, id="empty"),
    ],
)
def test_title_similarity(old: str, new: str, expected: float) -> None:
    assert title_similarity(old, new) == pytest.approx(expected, abs=0.01)


@given(st.text(max_size=20), st.text(max_size=20))
def test_title_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert 0.0 <= title_similarity(a, b) == title_similarity(b, a) <= 1.0


def test_server_extras_at_defaults_are_ignored(base: dict[str, Any]) -> None:
    live = copy.deepcopy(base)
    live["relations"][0]["multiple"] = False
    live["tools"][0]["ocrEnabled"] = False
    del live["tools"][0]["columnField"]
    assert diff_category_schema(base, live) == []
    live["tools"][0]["ocrEnabled"] = True
    (change,) = diff_category_schema(base, live)
    assert change.attributes[0].name == "ocrEnabled" and change.impact is Impact.BREAKING_EXPORT


def test_everything_new(base: dict[str, Any]) -> None:
    changes = diff_category_schema(base, {})
    assert [(c.action.value, c.path) for c in changes] == [
        ("create", "Vehicle"),
        ("create", "Person"),
        ("create", "Weather"),
        ("create", "Tows"),
    ]
    assert changes[0].nested == 7


@pytest.mark.parametrize(
    "junk",
    [
        pytest.param({"options": 5}, id="options-a-number"),
        pytest.param({"options": "abc"}, id="options-a-string"),
        pytest.param({"treeOptions": {"a": 1}}, id="tree-a-mapping"),
        pytest.param({"classifications": [1, None, "x"]}, id="children-not-objects"),
        pytest.param(
            {"treeOptions": [{"title": "a", "key": "k", "children": 7}]}, id="tree-children-a-number"
        ),
    ],
)
def test_a_hand_edited_hub_never_crashes_the_diff(base: dict[str, Any], junk: dict[str, Any]) -> None:
    live = copy.deepcopy(base)
    live["classifications"][0].update(junk)  # the tree-dropdown
    changes = diff_category_schema(base, live)
    assert all(c.path for c in changes)
    diff_category_schema(live, base)


def _items(value: Any) -> list[dict[str, Any]]:
    """Every JSON object inside ``value`` that sits in a list: each item of the schema, at any depth,
    walked or not."""
    found: list[dict[str, Any]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                found.append(item)
            found.extend(_items(item))
    elif isinstance(value, dict):
        for child in value.values():
            found.extend(_items(child))
    return found


@pytest.mark.parametrize(
    ("where", "field", "value"),
    [
        pytest.param(
            ("tools", 0), "treeOptions", [{"title": "SMUGGLED", "key": "0"}], id="tool-tree-options"
        ),
        pytest.param(("relations", 0), "treeOptions", [{"title": "SMUGGLED"}], id="relation-tree-options"),
        pytest.param(
            ("tools", 0, "classifications", 0, "options", 0),
            "classifications",
            [{"title": "X"}],
            id="option-classifications",
        ),
        pytest.param(
            ("classifications", 0, "treeOptions", 0), "options", [{"title": "X"}], id="tree-option-options"
        ),
        pytest.param((), "smuggled", {"a": 1}, id="top-level-field"),
    ],
)
def test_content_the_walker_does_not_visit_is_compared_as_a_value(
    base: dict[str, Any], where: tuple[Any, ...], field: str, value: Any
) -> None:
    def edit(schema: dict[str, Any]) -> None:
        target: Any = schema
        for step in where:
            target = target[step]
        target[field] = value

    changes = diff_after(base, edit)
    assert len(changes) == 1 and changes[0].action is Action.UPDATE, summary(changes)
    assert [(a.name, a.after) for a in changes[0].attributes] == [(field, value)]


_NAMES = st.sampled_from(
    [
        "title",
        "tool",
        "schemaId",
        "key",
        "options",
        "classifications",
        "treeOptions",
        "children",
        "required",
        "regex",
        "parentOptionId",
        "frameSpecific",
        "exportName",
        "metadata",
        "anything",
    ]
)
_VALUES = st.recursive(
    st.text(min_size=1, max_size=5),
    lambda inner: (
        st.lists(inner, min_size=1, max_size=3)
        | st.dictionaries(st.sampled_from(["title", "schemaId", "key", "x"]), inner, min_size=1, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), name=_NAMES, value=_VALUES)
def test_any_edit_of_any_item_shows_in_the_diff(data: Any, name: str, value: Any) -> None:
    """Nothing is written unseen: whatever field of whatever item a plan file or hub edit changes,
    the diff is not empty (the stale check of saved plans rests on this)."""
    base = compile_text(BASE)["categorySchema"]
    desired = copy.deepcopy(base)
    items = [desired, *_items(desired)]
    item = items[data.draw(st.integers(0, len(items) - 1), label="item")]
    assume(item.get(name) != value)
    item[name] = value
    assert diff_category_schema(desired, base), (name, value)


# -- what each field's change does (finding 4) --------------------------------------------------------
def _kind(d: dict[str, Any]) -> dict[str, Any]:
    return d["tools"][0]["classifications"][0]  # type: ignore[no-any-return]


def _axles(d: dict[str, Any]) -> dict[str, Any]:
    return _kind(d)["classifications"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("edit", "impact"),
    [
        # breaking-export: annotations kept, but what exports and their consumers read changes
        pytest.param(
            lambda d: _kind(d)["options"][0].update(value="Auto"), "breaking-export", id="option-value"
        ),
        pytest.param(lambda d: _kind(d).update(title="Body"), "breaking-export", id="class-title"),
        pytest.param(lambda d: d["tools"][1].update(title="Human"), "breaking-export", id="tool-title"),
        pytest.param(lambda d: _kind(d).update(exportName="kind"), "breaking-export", id="exportName"),
        pytest.param(lambda d: _kind(d).update(frameSpecific=True), "breaking-export", id="frameSpecific-on"),
        pytest.param(lambda d: _kind(d).update(multiple=True), "breaking-export", id="multiple-on"),
        pytest.param(lambda d: _axles(d).update(richText=True), "breaking-export", id="richText"),
        pytest.param(lambda d: _kind(d).update(attributeType="enum"), "breaking-export", id="attributeType"),
        pytest.param(lambda d: d["tools"][0].update(ocrEnabled=True), "breaking-export", id="ocrEnabled"),
        pytest.param(
            lambda d: d["classifications"][0]["treeOptions"][1].update(title="Sunny"),
            "breaking-export",
            id="tree-option-title",
        ),
        pytest.param(
            lambda d: d["classifications"][0]["treeOptions"][1].update(value="sunny"),
            "breaking-export",
            id="tree-option-value",
        ),
        # data-dependent: some existing annotations may become invalid
        pytest.param(lambda d: _kind(d).update(required=True), "data-dependent", id="required-on"),
        pytest.param(lambda d: _axles(d).update(regex="^[0-9]$"), "data-dependent", id="regex-set"),
        # safe: nothing existing changes for annotators or consumers
        pytest.param(lambda d: d["tools"][0].update(color="#000000"), "safe", id="color"),
        pytest.param(lambda d: d["tools"][0].update(shortcutKey="9"), "safe", id="shortcutKey"),
        pytest.param(lambda d: _kind(d).update(columnField=True), "safe", id="columnField"),
        pytest.param(lambda d: _kind(d).update(showDropdown=True), "safe", id="showDropdown"),
        pytest.param(lambda d: _kind(d).update(displayName="Kind of vehicle"), "safe", id="displayName"),
        pytest.param(lambda d: _kind(d).update(abbreviatedName="K"), "safe", id="abbreviatedName"),
        pytest.param(lambda d: _kind(d).update(defaultValue=True), "safe", id="defaultValue"),
    ],
)
def test_each_field_has_its_impact(
    base: dict[str, Any], edit: Callable[[dict[str, Any]], None], impact: str
) -> None:
    (change,) = diff_after(base, edit)
    assert change.impact.value == impact
    assert bool(change.reasons) == (impact != "safe")  # every impact that is not safe says why


@pytest.mark.parametrize("field", ["frameSpecific", "multiple", "richText"])
def test_a_flag_turned_off_breaks_exports_too(base: dict[str, Any], field: str) -> None:
    on = copy.deepcopy(base)
    _axles(on)[field] = True
    (change,) = diff_category_schema(base, on)  # true (live) -> false (desired)
    assert change.impact is Impact.BREAKING_EXPORT


def test_required_turned_off_and_regex_removed_are_safe(base: dict[str, Any]) -> None:
    strict = copy.deepcopy(base)
    _axles(strict).update(required=True, regex="^[0-9]$")
    (change,) = diff_category_schema(base, strict)
    assert change.impact is Impact.SAFE and change.reasons == ()


def test_every_field_of_the_category_schema_has_a_declared_impact() -> None:
    declared = {
        *CATEGORY_FIELDS,
        *SERVER_FIELDS,
        *CLASSIFICATION_FIELDS,
        *OPTION_FIELDS,
        *TREE_OPTION_FIELDS,
    }
    assert set(FIELD_IMPACTS) == declared


def test_impacts_are_ordered_for_fail_on() -> None:
    ranks = [Impact.SAFE, Impact.DATA_DEPENDENT, Impact.BREAKING_EXPORT, Impact.DESTRUCTIVE]
    assert [i.rank for i in ranks] == [0, 1, 2, 3]


def test_docs_table_of_fields_matches_the_declaration() -> None:
    """docs/plan-format.md "What each field does": one row per field, with its declared impact."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "plan-format.md").read_text(encoding="utf-8")
    section = doc.split("### What each field does", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:4] for line in section.splitlines() if line.startswith("| `")]
    documented: dict[str, str] = {}
    for names, _, impact in rows:
        for name in re.findall(r"`(\w+)`", names):
            documented[name] = impact.strip().split("`")[
                1
            ]  # the first impact named (e.g. data-dependent when …)
    assert set(documented) == set(FIELD_IMPACTS)
    for name, rule in FIELD_IMPACTS.items():
        assert documented[name] == rule.impact.value, name
