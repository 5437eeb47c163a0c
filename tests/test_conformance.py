"""Conformance with the official Ango SDK (imerit_ango 1.4.10).

Each test builds one ontology twice: as a YAML file compiled by ontokit, and with the SDK's own classes
(``imerit_ango.models.label_category``) handed to ``SDK.create_label_set``. The SDK's request is captured
(``SDK.make_request`` is replaced: no network) and must equal ontokit's payload, as a dict and byte for byte
as ``json.dumps`` (what ``requests`` sends for ``json=``).

The SDK invents random schemaIds and colors wherever none is given, so the SDK side is given the ones in
ontokit's payload; ids and colors the SDK docs pin (``radioOption1SchemaId``, ``#333333``) are written as
literals, exactly as in the docs, so they check ontokit's output too.

Outside CI the tests skip when the SDK is not installed; in CI (env var ``CI`` set) a missing SDK fails.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ontology_kit import compile_file, compile_text, dumps_payload

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples" / "ontologies"
EXAMPLES = sorted(p for pattern in ("*.yaml", "*.yml") for p in EXAMPLES_DIR.glob(pattern))
PROJECT_ID = "639879404e2aa4e134db0c48"

Payload = dict[str, Any]
Lists = dict[str, list[Any]]  # create_label_set keyword arguments: tools=, classifications=, relations=


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def lc() -> ModuleType:
    """``imerit_ango.models.label_category``: skipped when the SDK is missing, except in CI."""
    if not in_ci():
        pytest.importorskip(
            "imerit_ango.sdk",
            reason="the official Ango SDK is not installed (pip install --no-deps ango lxml tqdm requests)",
        )
    try:
        import imerit_ango.sdk  # noqa: F401 - the SDK class must import too, not only the models
        from imerit_ango.models import label_category
    except ImportError as exc:
        pytest.fail(f"CI is set and the official Ango SDK cannot be imported: {exc}", pytrace=False)
    return label_category


@pytest.fixture
def create_label_set(lc: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Payload]:
    """Call ``SDK.create_label_set(PROJECT_ID, **lists)`` and return the body it would POST."""
    from imerit_ango.sdk import SDK

    sent: list[tuple[str, str, Any]] = []

    def make_request(self: Any, method: str, endpoint: str, payload: Any = None) -> Any:
        sent.append((method, endpoint, payload))
        return {"status": "success", "data": {"project": {"_id": PROJECT_ID}}}

    monkeypatch.setattr(SDK, "make_request", make_request)

    def call(**lists: list[Any]) -> Payload:
        sent.clear()
        SDK("not-a-real-key").create_label_set(PROJECT_ID, **lists)
        assert len(sent) == 1
        method, endpoint, payload = sent[0]
        assert (method, endpoint) == ("POST", f"/v2/project/{PROJECT_ID}")
        return payload  # type: ignore[no-any-return]

    return call


def assert_same_request(sdk_payload: Payload, ontokit_payload: Payload) -> None:
    assert sdk_payload == ontokit_payload
    assert json.dumps(sdk_payload) == dumps_payload(ontokit_payload, compact=True)


class Ids:
    """The schemaIds and colors of an ontokit payload, looked up by title path, for the SDK classes."""

    def __init__(self, payload: Payload) -> None:
        self.categories: dict[tuple[str, ...], dict[str, Any]] = {}
        for group in payload["categorySchema"].values():
            self._index(group, ())

    def _index(self, group: list[dict[str, Any]], prefix: tuple[str, ...]) -> None:
        for category in group:
            path = (*prefix, category["title"])
            assert path not in self.categories, f"title path {path} is ambiguous in this test"
            self.categories[path] = category
            self._index(category["classifications"], path)

    def of(self, *path: str) -> dict[str, str]:
        """``schemaId=`` and ``color=`` for the category at ``path``."""
        category = self.categories[path]
        return {"schemaId": category["schemaId"], "color": category["color"]}

    def option(self, lc: ModuleType, *path: str) -> Any:
        """``LabelOption(value, schemaId)`` for the option ``path[-1]`` of the category at ``path[:-1]``."""
        *where, value = path
        [schema_id] = [o["schemaId"] for o in self.categories[tuple(where)]["options"] if o["value"] == value]
        return lc.LabelOption(value, schemaId=schema_id)

    def tree_option(
        self, lc: ModuleType, where: tuple[str, ...], *titles: str, children: list[Any] | None = None
    ) -> Any:
        """A ``TreeOption`` for the node ``titles`` (a path from the root) of the tree at ``where``.

        ``TreeOption(key=...)`` is buggy (it stores ``schemaId``; ango-hub-api-notes §10.1), so the node is
        built with its title and given ontokit's ``key`` and ``value`` as attributes, before the enclosing
        ``ClassificationCategory`` flattens the tree.
        """
        nodes = self.categories[where]["treeOptions"]
        node: dict[str, Any] = {}
        for title in titles:
            [node] = [n for n in nodes if n["title"] == title]
            nodes = node["children"]
        option = lc.TreeOption(title=titles[-1], children=children)
        option.key, option.value = node["key"], node["value"]
        return option


# -- the six label-set examples of the SDK docs, written as the docs write them --------------------


def sdk_single_dropdown(lc: ModuleType, ids: Ids) -> Lists:
    category = lc.ClassificationCategory(
        lc.Classification.Single_dropdown,
        title="Choice",
        options=[ids.option(lc, "Choice", "First"), ids.option(lc, "Choice", "Second")],
        **ids.of("Choice"),
    )
    label_set = [category]
    return {"classifications": label_set}


def sdk_tools_classifications_relations(lc: ModuleType, ids: Ids) -> Lists:
    dropdown = lc.ClassificationCategory(
        lc.Classification.Single_dropdown,
        title="SingleDropdown",
        options=[ids.option(lc, "SingleDropdown", "First"), ids.option(lc, "SingleDropdown", "Second")],
        **ids.of("SingleDropdown"),
    )
    segmentation = lc.ToolCategory(
        lc.Tool.Segmentation, title="SegmentationTool", **ids.of("SegmentationTool")
    )
    relation = lc.RelationCategory(
        lc.Relation.Single, title="SingleRelationTool", **ids.of("SingleRelationTool")
    )
    return {"tools": [segmentation], "classifications": [dropdown], "relations": [relation]}


def sdk_nested_dropdown(lc: ModuleType, ids: Ids) -> Lists:
    nested_class_in_dropdown = lc.ClassificationCategory(
        lc.Classification.Single_dropdown,
        title="Position",
        options=[
            ids.option(lc, "Entity Type", "Position", "On Road"),
            ids.option(lc, "Entity Type", "Position", "Off Road"),
        ],
        **ids.of("Entity Type", "Position"),
    )
    dropdown = lc.ClassificationCategory(
        lc.Classification.Single_dropdown,
        title="Entity Type",
        options=[ids.option(lc, "Entity Type", "Vehicle"), ids.option(lc, "Entity Type", "Person")],
        classifications=[nested_class_in_dropdown],
        required=True,
        **ids.of("Entity Type"),
    )
    return {"classifications": [dropdown]}


def sdk_tree(lc: ModuleType, ids: Ids) -> Lists:
    where = ("Tree One",)
    sub_tree0 = ids.tree_option(lc, where, "tree0", "subtree0")
    sub_tree1 = ids.tree_option(lc, where, "tree0", "subtree1")
    tree0 = ids.tree_option(lc, where, "tree0", children=[sub_tree0, sub_tree1])
    tree1 = ids.tree_option(lc, where, "tree1")
    tree_tool = lc.ClassificationCategory(
        classification=lc.Classification.Tree_dropdown,
        title="Tree One",
        treeOptions=[tree0, tree1],
        **ids.of("Tree One"),
    )
    return {"classifications": [tree_tool]}


def sdk_conditional_text(lc: ModuleType, ids: Ids) -> Lists:
    radio1 = lc.LabelOption(value="Radio Option 1", schemaId="radioOption1SchemaId")
    radio2 = ids.option(lc, "Radio Classification", "Radio Option 2")
    conditional_text = lc.ClassificationCategory(
        classification=lc.Classification.Text,
        title="Text Tool",
        parentOptionId="radioOption1SchemaId",
        color="#333333",
        richText=True,
        schemaId=ids.of("Radio Classification", "Text Tool")["schemaId"],
    )
    radio = lc.ClassificationCategory(
        classification=lc.Classification.Radio,
        title="Radio Classification",
        options=[radio1, radio2],
        classifications=[conditional_text],
        **ids.of("Radio Classification"),
    )
    return {"classifications": [radio]}


def sdk_conditional_tree(lc: ModuleType, ids: Ids) -> Lists:
    where = ("radio", "tree")
    leaf1 = ids.tree_option(lc, where, "Branch 1", "Leaf 1")
    leaf2 = ids.tree_option(lc, where, "Branch 1", "Leaf 2")
    branch1 = ids.tree_option(lc, where, "Branch 1", children=[leaf1, leaf2])
    leaf3 = ids.tree_option(lc, where, "Leaf 3")
    tree_tool = lc.ClassificationCategory(
        classification=lc.Classification.Tree_dropdown,
        title="tree",
        treeOptions=[branch1, leaf3],
        parentOptionId="radioOptionSchemaId",
        **ids.of(*where),
    )
    radio1 = lc.LabelOption(value="Radio Answer 1", schemaId="radioOptionSchemaId")
    radio2 = ids.option(lc, "radio", "Radio Answer 2")
    radio = lc.ClassificationCategory(
        classification=lc.Classification.Radio,
        title="radio",
        classifications=[tree_tool],
        options=[radio1, radio2],
        **ids.of("radio"),
    )
    return {"classifications": [radio]}


SDK_DOC_EXAMPLES: dict[str, Callable[[ModuleType, Ids], Lists]] = {
    "sdk-single-dropdown.yaml": sdk_single_dropdown,
    "sdk-tools-classifications-relations.yaml": sdk_tools_classifications_relations,
    "sdk-nested-dropdown.yaml": sdk_nested_dropdown,
    "sdk-tree.yaml": sdk_tree,
    "sdk-conditional-text.yaml": sdk_conditional_text,
    "sdk-conditional-tree.yaml": sdk_conditional_tree,
}


@pytest.mark.parametrize("name", list(SDK_DOC_EXAMPLES), ids=list(SDK_DOC_EXAMPLES))
def test_sdk_doc_example_matches_the_sdk(
    name: str, lc: ModuleType, create_label_set: Callable[..., Payload]
) -> None:
    ontokit_payload = compile_file(EXAMPLES_DIR / name)
    sdk_payload = create_label_set(**SDK_DOC_EXAMPLES[name](lc, Ids(ontokit_payload)))
    assert_same_request(sdk_payload, ontokit_payload)


@pytest.mark.parametrize("name", list(SDK_DOC_EXAMPLES), ids=list(SDK_DOC_EXAMPLES))
def test_sdk_doc_example_bytes_on_the_wire(
    name: str, lc: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One level further down: the body ``requests`` actually sends is ontokit's compact payload, in UTF-8."""
    import requests
    from imerit_ango.sdk import SDK

    bodies: list[bytes] = []

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        body = request.body
        bodies.append(body.encode("utf-8") if isinstance(body, str) else body or b"")
        response = requests.Response()
        response.status_code, response._content = 200, b'{"status": "success"}'
        return response

    monkeypatch.setattr(requests.Session, "send", send)
    ontokit_payload = compile_file(EXAMPLES_DIR / name)
    SDK("not-a-real-key").create_label_set(PROJECT_ID, **SDK_DOC_EXAMPLES[name](lc, Ids(ontokit_payload)))
    assert bodies == [dumps_payload(ontokit_payload, compact=True).encode("utf-8")]


def test_every_sdk_doc_example_has_a_file() -> None:
    assert set(SDK_DOC_EXAMPLES) <= {p.name for p in EXAMPLES}


# -- a larger mixed ontology ----------------------------------------------------------------------

MIXED = """
optionSets:
  yes-no: [Yes, No]

tools:
  - title: Vehicle
    type: bounding-box
    required: true
    color: "#E53935"
    shortcutKey: "1"
    classifications:
      - title: Kind
        type: radio
        required: true
        shortcutKey: "1"
        options:
          - Car
          - Truck
          - value: Bus
            key: bus
        classifications:
          - title: Seats
            type: text
            parentOptionId: bus
            regex: "^[0-9]+$"
            exportName: seats
      - title: Damage
        type: checkbox
        shortcutKey: "2"
        options: [Dent, Scratch, Other]
        classifications:
          - title: Describe
            type: text
            parentOptionId: Other
            richText: true
            displayName: Damage description
      - title: Parked
        type: radio
        optionSet: yes-no
        exportName: is_parked
        displayName: Parked?
        abbreviatedName: PK
        attributeType: category
      - title: Moving
        type: boolean
        defaultValue: false
  - title: Lane
    type: polyline
    columnField: true
    classifications:
      - title: Lane kind
        type: tree-dropdown
        frameSpecific: true
        treeOptions:
          - title: Road
            key: road
            children:
              - title: Bus lane
                schemaId: lane-bus
                value: bus-lane
              - Bike lane
          - Shoulder
        classifications:
          - title: Lane number
            type: single-dropdown
            parentOptionId: road
            showDropdown: true
            options: ["1", "2", "3"]
  - title: Sign
    type: rotated-bounding-box
    schemaId: sign-tool-001
    shortcutKey: a
  - title: Entity
    type: ner

classifications:
  - title: Weather
    type: multi-dropdown
    columnField: true
    options: [Clear, Rain, Fog]
  - title: Track
    type: instance

relations:
  - title: Follows
    type: one-to-many
    shortcutKey: b
    classifications:
      - title: Distance
        type: radio
        options: [Near, Far]
        classifications:
          - title: Meters
            type: text
            parentOptionId: Far
  - title: Convoy
    type: group
    schemaId: convoy-relation
"""


def sdk_mixed(lc: ModuleType, ids: Ids) -> Lists:
    C = lc.Classification
    seats = lc.ClassificationCategory(
        C.Text,
        title="Seats",
        regex="^[0-9]+$",
        exportName="seats",
        parentOptionId=ids.option(lc, "Vehicle", "Kind", "Bus").schemaId,
        **ids.of("Vehicle", "Kind", "Seats"),
    )
    kind = lc.ClassificationCategory(
        C.Radio,
        title="Kind",
        required=True,
        shortcutKey="1",
        options=[ids.option(lc, "Vehicle", "Kind", v) for v in ("Car", "Truck", "Bus")],
        classifications=[seats],
        **ids.of("Vehicle", "Kind"),
    )
    describe = lc.ClassificationCategory(
        C.Text,
        title="Describe",
        richText=True,
        displayName="Damage description",
        parentOptionId=ids.option(lc, "Vehicle", "Damage", "Other").schemaId,
        **ids.of("Vehicle", "Damage", "Describe"),
    )
    damage = lc.ClassificationCategory(
        C.Checkbox,
        title="Damage",
        shortcutKey="2",
        options=[ids.option(lc, "Vehicle", "Damage", v) for v in ("Dent", "Scratch", "Other")],
        classifications=[describe],
        **ids.of("Vehicle", "Damage"),
    )
    parked = lc.ClassificationCategory(
        C.Radio,
        title="Parked",
        options=[ids.option(lc, "Vehicle", "Parked", v) for v in ("Yes", "No")],
        exportName="is_parked",
        displayName="Parked?",
        abbreviatedName="PK",
        attributeType="category",
        **ids.of("Vehicle", "Parked"),
    )
    moving = lc.ClassificationCategory(
        C.Boolean, title="Moving", defaultValue=False, **ids.of("Vehicle", "Moving")
    )
    vehicle = lc.ToolCategory(
        lc.Tool.BoundingBox,
        title="Vehicle",
        required=True,
        color="#E53935",
        shortcutKey="1",
        classifications=[kind, damage, parked, moving],
        schemaId=ids.of("Vehicle")["schemaId"],
    )

    where = ("Lane", "Lane kind")
    bus_lane = lc.TreeOption(title="Bus lane", value="bus-lane")
    bus_lane.key = "lane-bus"  # TreeOption(key="lane-bus") would store it as `schemaId` (SDK bug)
    bike_lane = ids.tree_option(lc, where, "Road", "Bike lane")
    road = ids.tree_option(lc, where, "Road", children=[bus_lane, bike_lane])
    lane_number = lc.ClassificationCategory(
        C.Single_dropdown,
        title="Lane number",
        parentOptionId=road.key,
        showDropdown=True,
        options=[ids.option(lc, *where, "Lane number", v) for v in ("1", "2", "3")],
        **ids.of(*where, "Lane number"),
    )
    lane_kind = lc.ClassificationCategory(
        C.Tree_dropdown,
        title="Lane kind",
        frameSpecific=True,
        treeOptions=[road, ids.tree_option(lc, where, "Shoulder")],
        classifications=[lane_number],
        **ids.of(*where),
    )
    lane = lc.ToolCategory(
        lc.Tool.Polyline, title="Lane", columnField=True, classifications=[lane_kind], **ids.of("Lane")
    )
    sign = lc.ToolCategory(
        lc.Tool.RotatedBoundingBox,
        title="Sign",
        schemaId="sign-tool-001",
        shortcutKey="a",
        color=ids.of("Sign")["color"],
    )
    entity = lc.ToolCategory(lc.Tool.Ner, title="Entity", **ids.of("Entity"))

    weather = lc.ClassificationCategory(
        C.Multi_dropdown,
        title="Weather",
        columnField=True,
        options=[ids.option(lc, "Weather", v) for v in ("Clear", "Rain", "Fog")],
        **ids.of("Weather"),
    )
    track = lc.ClassificationCategory(C.Instance, title="Track", **ids.of("Track"))

    meters = lc.ClassificationCategory(
        C.Text,
        title="Meters",
        parentOptionId=ids.option(lc, "Follows", "Distance", "Far").schemaId,
        **ids.of("Follows", "Distance", "Meters"),
    )
    distance = lc.ClassificationCategory(
        C.Radio,
        title="Distance",
        options=[ids.option(lc, "Follows", "Distance", v) for v in ("Near", "Far")],
        classifications=[meters],
        **ids.of("Follows", "Distance"),
    )
    follows = lc.RelationCategory(
        lc.Relation.Many, title="Follows", shortcutKey="b", classifications=[distance], **ids.of("Follows")
    )
    convoy = lc.RelationCategory(
        lc.Relation.Group, title="Convoy", schemaId="convoy-relation", color=ids.of("Convoy")["color"]
    )
    return {
        "tools": [vehicle, lane, sign, entity],
        "classifications": [weather, track],
        "relations": [follows, convoy],
    }


def test_mixed_ontology_matches_the_sdk(lc: ModuleType, create_label_set: Callable[..., Payload]) -> None:
    ontokit_payload = compile_text(textwrap.dedent(MIXED), "mixed.yaml")
    sdk_payload = create_label_set(**sdk_mixed(lc, Ids(ontokit_payload)))
    assert_same_request(sdk_payload, ontokit_payload)
    # the parts the test is about are really there
    vehicle, lane = sdk_payload["categorySchema"]["tools"][:2]
    assert vehicle["classifications"][0]["classifications"][0]["exportName"] == "seats"
    assert vehicle["classifications"][1]["tool"] == "checkbox"
    assert vehicle["classifications"][1]["classifications"][0]["displayName"] == "Damage description"
    assert lane["classifications"][0]["treeOptions"][0]["children"][0] == {
        "title": "Bus lane",
        "children": [],
        "key": "lane-bus",
        "value": "bus-lane",
    }
    assert sdk_payload["categorySchema"]["relations"][0]["classifications"][0]["classifications"]


# -- every example, through the SDK classes -------------------------------------------------------


CLASSIFICATION_ONLY = (
    "frameSpecific",
    "parentOptionId",
    "regex",
    "showDropdown",
    "richText",
    "exportName",
    "displayName",
    "abbreviatedName",
    "attributeType",
    "defaultValue",
)


def sdk_objects(lc: ModuleType, payload: Payload) -> Lists:
    """Rebuild a payload with the SDK classes, field by field, through their constructors."""

    def tree(node: dict[str, Any]) -> Any:
        option = lc.TreeOption(title=node["title"], children=[tree(c) for c in node["children"]])
        option.key, option.value = node["key"], node["value"]
        return option

    def category(c: dict[str, Any], kind: str) -> Any:
        common = {
            "title": c["title"],
            "required": c["required"],
            "schemaId": c["schemaId"],
            "columnField": c["columnField"],
            "color": c["color"],
            "shortcutKey": c["shortcutKey"],
            "classifications": [category(n, "classification") for n in c["classifications"]],
            # a tree's options are left to the SDK's flatten(): ontokit's must come out the same
            "options": []
            if c.get("treeOptions")
            else [lc.LabelOption(o["value"], o["schemaId"]) for o in c["options"]],
        }
        if kind == "tools":
            return lc.ToolCategory(lc.Tool(c["tool"]), **common)
        if kind == "relations":
            return lc.RelationCategory(lc.Relation(c["tool"]), **common)
        extra = {k: c[k] for k in CLASSIFICATION_ONLY}
        return lc.ClassificationCategory(
            lc.Classification(c["tool"]), treeOptions=[tree(t) for t in c["treeOptions"]], **common, **extra
        )

    return {kind: [category(c, kind) for c in group] for kind, group in payload["categorySchema"].items()}


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_goes_through_the_sdk_classes_unchanged(
    example: Path, lc: ModuleType, create_label_set: Callable[..., Payload]
) -> None:
    ontokit_payload = compile_file(example)
    assert_same_request(create_label_set(**sdk_objects(lc, ontokit_payload)), ontokit_payload)
