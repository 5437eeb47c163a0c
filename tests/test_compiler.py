"""Compile semantics: stable ids, renames, keys, trees, conditional links, option sets."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from ontology_kit import InvalidOntologyError, compile_text, dumps_payload


def compile_yaml(text: str) -> dict[str, Any]:
    return compile_text(textwrap.dedent(text))["categorySchema"]


BASE = """
tools:
  - title: Vehicle
    type: bounding-box
    classifications:
      - title: Kind
        type: radio
        options: [Car, Truck]
"""


def test_same_file_same_bytes() -> None:
    a = dumps_payload(compile_text(BASE))
    b = dumps_payload(compile_text(BASE))
    assert a == b
    assert dumps_payload(compile_text(BASE), compact=True) == dumps_payload(compile_text(BASE), compact=True)


def test_ids_look_like_sdk_ids() -> None:
    tool = compile_yaml(BASE)["tools"][0]
    for sid in (
        tool["schemaId"],
        tool["classifications"][0]["schemaId"],
        tool["classifications"][0]["options"][0]["schemaId"],
    ):
        assert len(sid) == 32 and int(sid, 16) >= 0
    assert (
        tool["color"].startswith("#") and tool["color"] == tool["color"].upper() and len(tool["color"]) == 7
    )


def test_rename_without_key_changes_ids_of_item_and_descendants() -> None:
    before = compile_yaml(BASE)["tools"][0]
    after = compile_yaml(BASE.replace("title: Vehicle", "title: Vehicles"))["tools"][0]
    assert before["schemaId"] != after["schemaId"]
    assert before["classifications"][0]["schemaId"] != after["classifications"][0]["schemaId"]


def test_rename_with_key_keeps_ids() -> None:
    before = compile_yaml(BASE)["tools"][0]
    renamed = BASE.replace("title: Vehicle", "title: Road user\n    key: Vehicle")
    after = compile_yaml(renamed)["tools"][0]
    assert after["title"] == "Road user"
    assert after["schemaId"] == before["schemaId"]
    assert after["color"] == before["color"]
    assert after["classifications"][0]["options"] == before["classifications"][0]["options"]


def test_explicit_schema_id_and_color_win() -> None:
    tool = compile_yaml("""
        tools:
          - title: Car
            type: point
            schemaId: abc123
            color: "#aabbcc"
    """)["tools"][0]
    assert tool["schemaId"] == "abc123"
    assert tool["color"] == "#AABBCC"  # normalized to the SDK's upper case


def test_reorder_keeps_ids() -> None:
    a = compile_yaml("tools: [{title: A, type: point}, {title: B, type: point}]")["tools"]
    b = compile_yaml("tools: [{title: B, type: point}, {title: A, type: point}]")["tools"]
    assert {t["title"]: t["schemaId"] for t in a} == {t["title"]: t["schemaId"] for t in b}


def test_tree_is_nested_and_flattened_like_the_sdk() -> None:
    cls = compile_yaml("""
        classifications:
          - title: Tree
            type: tree-dropdown
            treeOptions:
              - title: Branch 1
                children: [Leaf 1, Leaf 2]
              - Leaf 3
    """)["classifications"][0]
    branch = cls["treeOptions"][0]
    assert list(branch) == ["title", "children", "key", "value"]
    assert branch["value"] == branch["key"]  # the SDK's default: value = key
    assert [o["value"] for o in cls["options"]] == [
        "Branch 1",
        "Branch 1 / Leaf 1",
        "Branch 1 / Leaf 2",
        "Leaf 3",
    ]
    assert cls["options"][1]["schemaId"] == branch["children"][0]["key"]


@pytest.mark.parametrize(
    "ref", ["Truck", "truck-key", "pinned-id"], ids=["by-value", "by-key", "by-schema-id"]
)
def test_parent_option_reference(ref: str) -> None:
    cls = compile_yaml(f"""
        classifications:
          - title: Kind
            type: radio
            options:
              - Car
              - {{value: Truck, key: truck-key, schemaId: pinned-id}}
            classifications:
              - title: Axles
                type: text
                parentOptionId: {ref}
    """)["classifications"][0]
    assert cls["classifications"][0]["parentOptionId"] == "pinned-id"
    assert cls["parentOptionId"] is None


def test_parent_option_in_a_tree_by_path() -> None:
    cls = compile_yaml("""
        classifications:
          - title: Scene
            type: tree-dropdown
            treeOptions:
              - title: Road
                children: [Highway, Urban]
            classifications:
              - title: Lanes
                type: text
                parentOptionId: Road / Highway
    """)["classifications"][0]
    highway = cls["treeOptions"][0]["children"][0]["key"]
    assert cls["classifications"][0]["parentOptionId"] == highway


def test_option_set_reuse_gets_distinct_ids() -> None:
    cs = compile_yaml("""
        optionSets:
          yesno: [Yes, No]
        classifications:
          - {title: Occluded, type: radio, optionSet: yesno}
          - {title: Truncated, type: radio, optionSet: yesno}
    """)
    a, b = (c["options"] for c in cs["classifications"])
    assert [o["value"] for o in a] == ["Yes", "No"] == [o["value"] for o in b]
    assert not {o["schemaId"] for o in a} & {o["schemaId"] for o in b}


def test_yaml_1_1_booleans_stay_strings() -> None:
    cls = compile_yaml("classifications: [{title: Q, type: checkbox, options: [Yes, No, On, Off, NO, y, n]}]")
    assert [o["value"] for o in cls["classifications"][0]["options"]] == [
        "Yes",
        "No",
        "On",
        "Off",
        "NO",
        "y",
        "n",
    ]


def test_invalid_raises_with_all_diagnostics() -> None:
    with pytest.raises(InvalidOntologyError) as info:
        compile_text('tools: [{title: A, type: point, colour: red, shortcutKey: "\\t"}]', "x.yaml")
    codes = [d.code for d in info.value.diagnostics]
    assert codes == ["unknown-field", "invalid-shortcut"]
