"""The one walker of the category schema: every item once, parents first, never a crash on junk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ontology_kit import compile_file, compile_text
from ontology_kit.category_schema import (
    CATEGORY_FIELDS,
    CHILD_GROUPS,
    CLASSIFICATION_FIELDS,
    OPTION_FIELDS,
    SERVER_FIELDS,
    TOP_GROUPS,
    TREE_OPTION_FIELDS,
    CategorySchema,
    NodeKind,
    tree_paths,
    walk,
)

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples" / "ontologies").glob("*.yaml"))

NESTED = """
tools:
  - title: Vehicle
    type: bounding-box
    classifications:
      - title: Kind
        type: radio
        options: [Car, Truck]
        classifications:
          - {title: Axles, type: text, parentOptionId: Truck}
classifications:
  - title: Scene
    type: tree-dropdown
    treeOptions:
      - {title: Urban, children: [Street, Plaza]}
      - Rural
relations:
  - {title: Tows, type: one-to-one}
"""


def _raw_items(value: Any) -> list[dict[str, Any]]:
    """Every dict reachable through the schema's item lists, counted independently of the walker."""
    out: list[dict[str, Any]] = []

    def visit(node: dict[str, Any], kind: NodeKind) -> None:
        out.append(node)
        groups = CHILD_GROUPS[kind]
        if kind is NodeKind.CLASSIFICATION:
            tree = node.get("tool") == "tree-dropdown" or bool(node.get("treeOptions"))
            groups = tuple(g for g in groups if g[0] != ("options" if tree else "treeOptions"))
        for group, child_kind in groups:
            items = node.get(group)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    visit(item, child_kind)

    for group, kind in TOP_GROUPS:
        items = value.get(group) if isinstance(value, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                visit(item, kind)
    return out


def test_walk_is_document_order_parents_first() -> None:
    schema = CategorySchema(compile_text(NESTED)["categorySchema"])
    seen = [(n.kind.value, n.title) for n in schema.walk()]
    assert seen == [
        ("tool", "Vehicle"),
        ("classification", "Kind"),
        ("classification", "Axles"),
        ("option", "Car"),
        ("option", "Truck"),
        ("classification", "Scene"),
        ("tree-option", "Urban"),
        ("tree-option", "Street"),
        ("tree-option", "Plaza"),
        ("tree-option", "Rural"),
        ("relation", "Tows"),
    ]


def test_a_tree_dropdowns_flattened_options_are_not_items() -> None:
    schema = CategorySchema(compile_text(NESTED)["categorySchema"])
    (scene,) = schema.roots("classifications")
    assert [n.title for n in scene.children()] == ["Urban", "Rural"]
    assert [o.title for o in scene.children("options")] == [
        "Urban",
        "Urban / Street",
        "Urban / Plaza",
        "Rural",
    ]
    assert tree_paths(scene.raw["treeOptions"]) == [
        (o.raw["value"], o.raw["schemaId"]) for o in scene.children("options")
    ]


def test_addresses_and_labels() -> None:
    schema = CategorySchema(compile_text(NESTED)["categorySchema"])
    by_title = {n.title: n for n in schema.walk()}
    assert by_title["Truck"].address == ("Vehicle", "Kind", 'option "Truck"')
    assert by_title["Plaza"].address == ("Scene", '"Urban"', '"Plaza"')
    assert by_title["Axles"].parent is by_title["Kind"]


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in EXAMPLES])
def test_walk_visits_every_item_of_every_example_once(path: Path) -> None:
    raw = compile_file(path)["categorySchema"]
    nodes = list(walk(raw))
    assert [id(n.raw) for n in nodes] == [id(d) for d in _raw_items(raw)]
    assert len({n.key for n in nodes}) == len(nodes)


def test_builders_write_the_declared_fields_in_order() -> None:
    payload = compile_text(NESTED)["categorySchema"]
    tool = payload["tools"][0]
    assert tuple(tool) == CATEGORY_FIELDS
    assert tuple(tool["classifications"][0]) == (
        CLASSIFICATION_FIELDS[0],
        *CATEGORY_FIELDS,
        *CLASSIFICATION_FIELDS[1:],
    )
    assert tuple(tool["classifications"][0]["options"][0]) == OPTION_FIELDS
    assert tuple(payload["classifications"][0]["treeOptions"][0]) == TREE_OPTION_FIELDS
    assert set(SERVER_FIELDS).isdisjoint(CATEGORY_FIELDS)


def test_missing_and_repeated_ids_stay_apart() -> None:
    raw = {
        "tools": [
            {"tool": "point", "title": "A", "schemaId": "x"},
            {"tool": "point", "title": "B", "schemaId": "x"},
            {"tool": "point", "title": "C"},
            "junk",
        ]
    }
    nodes = list(walk(raw))
    assert [n.key for n in nodes] == ["x", "x′", "(no id) tools[2] of top"]
    assert CategorySchema(raw).dropped("tools") == [3]


# -- junk never crashes the walker -------------------------------------------------------------------
KEYS = ["tools", "classifications", "relations", "options", "treeOptions", "children", "tool", "title"]
KEYS += ["schemaId", "key", "value"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_walk_survives_any_json(value: Any) -> None:
    schema = CategorySchema.of(value)
    nodes = list(schema.walk())
    assert [id(n.raw) for n in nodes] == [id(d) for d in _raw_items(value)]
    assert len({n.key for n in nodes}) == len(nodes)
    for node in nodes:
        assert isinstance(node.label, str) and node.address[-1] == node.label
        for group, _ in CHILD_GROUPS[node.kind]:
            node.children(group)
            node.dropped(group)
    json.dumps([n.address for n in nodes])
