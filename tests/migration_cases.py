"""The label sets, migrations and answers the migration tests share (test_answer_rewrite.py,
test_migration_bind.py, test_migration_plan.py): one live label set holding every kind of item, and
per kind of migration the desired label set, the declared migration and an answer it carries."""

from __future__ import annotations

import json
from typing import Any

from ontology_kit import compile_text
from ontology_kit.category_schema import CategorySchema
from ontology_kit.migration import DeclaredMigration, SourceRef


def _radio(title: str, sid: str, options: list[tuple[str, str]], **more: Any) -> dict[str, Any]:
    kind = more.pop("type", "radio")
    out = {
        "title": title,
        "type": kind,
        "schemaId": sid,
        "options": [{"value": v, "schemaId": i} for v, i in options],
    }
    return out | more


def live_doc() -> dict[str, Any]:
    """The live label set as an ontology document: every kind of item, conditional nesting, a tree."""
    shade = {"title": "Shade", "type": "text", "schemaId": "c-shade", "parentOptionId": "r-red"}
    car_color = _radio("Color", "c-color", [("Red", "r-red"), ("Blue", "r-blue"), ("Green", "r-green")])
    car_color["classifications"] = [shade]
    light = _radio("Light", "c-light", [("Day", "l-day"), ("Night", "l-night")])
    scene = _radio("Scene", "c-scene", [("In", "s-in"), ("Out", "s-out")], classifications=[light])
    tree = {
        "title": "Kind",
        "type": "tree-dropdown",
        "schemaId": "c-kind",
        "treeOptions": [
            {
                "title": "Vehicle",
                "schemaId": "n-veh",
                "children": [{"title": "Car", "schemaId": "n-car"}, {"title": "Bus", "schemaId": "n-bus"}],
            },
            {"title": "Animal", "schemaId": "n-ani"},
        ],
    }
    return {
        "tools": [
            {"title": "Car", "type": "bounding-box", "schemaId": "t-car", "classifications": [car_color]},
            {
                "title": "Truck",
                "type": "bounding-box",
                "schemaId": "t-truck",
                "classifications": [_radio("Color", "c-tcolor", [("Red", "tr-red"), ("Blue", "tr-blue")])],
            },
            {"title": "Line", "type": "polyline", "schemaId": "t-line"},
        ],
        "classifications": [
            _radio("Weather", "c-weather", [("Sun", "w-sun"), ("Rain", "w-rain")]),
            _radio("Tags", "c-tags", [("A", "g-a"), ("B", "g-b"), ("C", "g-c")], type="checkbox"),
            _radio("Flags", "c-flags", [("X", "f-x"), ("Y", "f-y")], type="checkbox"),
            tree,
            {"title": "Note", "type": "text", "schemaId": "c-note"},
            scene,
        ],
        "relations": [{"title": "Tow", "type": "one-to-one", "schemaId": "rel-tow"}],
    }


def schema(doc: dict[str, Any]) -> CategorySchema:
    """The compiled label set of an ontology document."""
    return CategorySchema(compile_text(json.dumps(doc))["categorySchema"])


def ids(*names: str) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(schema_id=n) for n in names)


def top(doc: dict[str, Any], title: str) -> dict[str, Any]:
    return next(
        c for group in ("tools", "classifications", "relations") for c in doc[group] if c["title"] == title
    )


def drop_option(item: dict[str, Any], sid: str) -> None:
    item["options"] = [o for o in item["options"] if o["schemaId"] != sid]


def drop(doc: dict[str, Any], group: str, title: str) -> None:
    doc[group] = [c for c in doc[group] if c["title"] != title]


#: The answer of one task as the SDK's export writes it: every item answered, options by id.
ANSWER: dict[str, Any] = {
    "tools": [
        {
            "schemaId": "t-car",
            "objectId": "o1",
            "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4},
            "classifications": [
                {
                    "schemaId": "c-color",
                    "answer": "r-green",
                    "classifications": [{"schemaId": "c-shade", "answer": "dark"}],
                }
            ],
        },
        {
            "schemaId": "t-truck",
            "objectId": "o2",
            "bounding-box": {"x": 5, "y": 6, "width": 7, "height": 8},
            "classifications": [{"schemaId": "c-tcolor", "answer": "tr-blue"}],
        },
        {"schemaId": "t-line", "objectId": "o3", "polyline": [[0, 0], [1, 1]]},
    ],
    "classifications": [
        {"schemaId": "c-weather", "answer": "w-rain"},
        {"schemaId": "c-tags", "answer": ["g-a", "g-c"]},
        {"schemaId": "c-kind", "answer": "n-bus"},
        {"schemaId": "c-note", "answer": "hello"},
        {
            "schemaId": "c-scene",
            "answer": "s-in",
            "classifications": [{"schemaId": "c-light", "answer": "l-day"}],
        },
    ],
    "relations": [
        {"schemaId": "rel-tow", "from": "o1", "to": "o2"},
        {"schemaId": "rel-tow", "from": "o1", "to": "o3"},
    ],
}


def case(kind: str) -> tuple[dict[str, Any], tuple[DeclaredMigration, ...]]:
    """The desired ontology document and the migrations of one hand-written case."""
    doc = live_doc()
    car, truck = top(doc, "Car"), top(doc, "Truck")
    m: tuple[DeclaredMigration, ...]
    if kind == "merge-options":  # Green into Blue, one classification
        drop_option(car["classifications"][0], "r-green")
        m = (DeclaredMigration(0, "merge", ids("r-green"), "r-blue"),)
    elif kind == "merge-option-sibling":  # Tags › C into Flags › X
        drop_option(top(doc, "Tags"), "g-c")
        m = (DeclaredMigration(0, "merge", ids("g-c"), "f-x"),)
    elif kind == "merge-tools":  # Truck into Car: nested Color and its options follow by name
        drop(doc, "tools", "Truck")
        m = (DeclaredMigration(0, "merge", ids("t-truck"), "t-car"),)
    elif kind == "merge-tree-options":  # tree-dropdown options by key
        kind_tree = top(doc, "Kind")
        kind_tree["treeOptions"][0]["children"] = kind_tree["treeOptions"][0]["children"][:1]
        m = (DeclaredMigration(0, "merge", ids("n-bus"), "n-car"),)
    elif kind == "rekey-tool":
        top(doc, "Line")["schemaId"] = "t-line2"
        m = (DeclaredMigration(0, "rekey", ids("t-line"), "t-line2"),)
    elif kind == "rekey-classification":
        top(doc, "Note")["schemaId"] = "c-note2"
        m = (DeclaredMigration(0, "rekey", ids("c-note"), "c-note2"),)
    elif kind == "rekey-relation":
        top(doc, "Tow")["schemaId"] = "rel-tow2"
        m = (DeclaredMigration(0, "rekey", ids("rel-tow"), "rel-tow2"),)
    elif kind == "move-classification":  # Scene › Light to the top level, same id
        scene = top(doc, "Scene")
        light = scene.pop("classifications")[0]
        doc["classifications"].append(light)
        m = (DeclaredMigration(0, "move", ids("c-light"), "c-light"),)
    elif kind == "move-option":  # Weather › Rain to Flags (another classification at the same place)
        drop_option(top(doc, "Weather"), "w-rain")
        top(doc, "Flags")["options"].append({"value": "Rain", "schemaId": "w-rain"})
        m = (DeclaredMigration(0, "move", ids("w-rain"), "w-rain"),)
    elif kind.startswith("convert-"):  # Weather (radio) or Tags (checkbox) to another choice type
        new_type = kind.removeprefix("convert-")
        source = "Tags" if new_type in ("radio", "single-dropdown") else "Weather"
        item = top(doc, source)
        old = item["schemaId"]
        item["type"], item["schemaId"] = new_type, f"{old}2"
        for option in item["options"]:
            option["schemaId"] += "2"
        m = (DeclaredMigration(0, "convert", ids(old), f"{old}2", (("w-sun", "w-sun2"),)),)
    elif kind == "delete-tool":
        drop(doc, "tools", "Line")
        m = (DeclaredMigration(0, "delete", ids("t-line")),)
    elif kind == "delete-classification":
        drop(doc, "classifications", "Scene")
        m = (DeclaredMigration(0, "delete", ids("c-scene")),)
    elif kind == "delete-option":
        drop_option(top(doc, "Tags"), "g-c")
        m = (DeclaredMigration(0, "delete", ids("g-c")),)
    elif kind == "delete-relation":
        drop(doc, "relations", "Tow")
        m = (DeclaredMigration(0, "delete", ids("rel-tow")),)
    else:
        raise AssertionError(kind)
    del truck
    return doc, m


KINDS = (
    "merge-options",
    "merge-option-sibling",
    "merge-tools",
    "merge-tree-options",
    "rekey-tool",
    "rekey-classification",
    "rekey-relation",
    "move-classification",
    "move-option",
    "convert-checkbox",
    "convert-multi-dropdown",
    "convert-single-dropdown",
    "convert-radio",
    "delete-tool",
    "delete-classification",
    "delete-option",
    "delete-relation",
)
