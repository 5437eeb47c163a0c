"""``ontokit import``: a category schema made elsewhere (the SDK, the UI, the hub) → readable YAML that
compiles back to exactly that schema.

The SDK-documentation examples are built with the official SDK's classes *without* ids or colors, so
the SDK invents random 32-hex schemaIds and random colors, as it does for real users; the body
``SDK.create_label_set`` would POST is captured (``SDK.make_request`` is replaced: no network) and
imported. Property tests cover generated ontologies and generated raw SDK-shaped schemas.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import string
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from conftest import run_ontokit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_conformance import create_label_set, lc  # noqa: F401 - fixtures: the official SDK (skip outside CI)

from ontology_kit import check_text, compile_file, compile_text
from ontology_kit._text import normalize_title
from ontology_kit.importer import import_category_schema, ontology_yaml

ROOT = Path(__file__).resolve().parent.parent


def _bench_generate() -> Callable[[], str]:
    """``bench/generate.py``'s ``generate`` (bench/ is not a package; loaded without touching sys.path)."""
    spec = importlib.util.spec_from_file_location("ontokit_bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is made
    spec.loader.exec_module(module)
    return module.generate  # type: ignore[no-any-return]


generate = _bench_generate()

Payload = dict[str, Any]
Lists = dict[str, list[Any]]
SdkCall = Callable[..., Payload]  # the create_label_set fixture: the body the SDK would POST
PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- running the CLI --------------------------------------------------------------------------------


def ontokit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``ontokit ARGS`` in ``cwd``, run in this process (:func:`conftest.run_ontokit`); never a traceback."""
    return run_ontokit(*args, cwd=cwd, inprocess=True)  # type: ignore[no-any-return]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A folder that looks like a repository root: the embedded hub lands in its ``.ontokit/``."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def import_and_compile(schema_doc: Any, folder: Path, name: str = "schema") -> tuple[Payload, str, str]:
    """``ontokit import --from-json`` of ``schema_doc``; the compiled result, the YAML and stderr."""
    source = write_json(folder / f"{name}.json", schema_doc)
    out = folder / f"{name}.yaml"
    run = ontokit("import", "--from-json", source.name, "-o", out.name, cwd=folder)
    assert run.returncode == 0, run.stderr
    return compile_file(out), out.read_text(encoding="utf-8"), run.stderr


def assert_exact(compiled: Payload, original: Payload) -> None:
    """Equal as data and as the bytes the SDK would send (key order included)."""
    assert compiled == original
    assert json.dumps(compiled) == json.dumps(original)


def yaml_of(text: str) -> Any:
    """The YAML as data (PyYAML: ontokit's output quotes everything a YAML 1.1 reader would misread)."""
    return yaml.safe_load(text)


# -- the SDK-documentation examples, ids and colors left to the SDK -------------------------------
# (``sdk`` is ``imerit_ango.models.label_category``.)
def doc_single_dropdown(sdk: ModuleType) -> Lists:
    category = sdk.ClassificationCategory(
        sdk.Classification.Single_dropdown,
        title="Choice",
        options=[sdk.LabelOption("First"), sdk.LabelOption("Second")],
    )
    return {"classifications": [category]}


def doc_tools_classifications_relations(sdk: ModuleType) -> Lists:
    dropdown = sdk.ClassificationCategory(
        sdk.Classification.Single_dropdown,
        title="SingleDropdown",
        options=[sdk.LabelOption("First"), sdk.LabelOption("Second")],
    )
    segmentation = sdk.ToolCategory(sdk.Tool.Segmentation, title="SegmentationTool")
    relation = sdk.RelationCategory(sdk.Relation.Single, title="SingleRelationTool")
    return {"tools": [segmentation], "classifications": [dropdown], "relations": [relation]}


def doc_nested_dropdown(sdk: ModuleType) -> Lists:
    nested = sdk.ClassificationCategory(
        sdk.Classification.Single_dropdown,
        title="Position",
        options=[sdk.LabelOption("On Road"), sdk.LabelOption("Off Road")],
    )
    dropdown = sdk.ClassificationCategory(
        sdk.Classification.Single_dropdown,
        title="Entity Type",
        options=[sdk.LabelOption("Vehicle"), sdk.LabelOption("Person")],
        classifications=[nested],
        required=True,
    )
    return {"classifications": [dropdown]}


def doc_tree(sdk: ModuleType) -> Lists:
    # TreeOption(title=...) only: the SDK gives each node a random key and uses it as the value too
    # (TreeOption(key=...) is the SDK bug docs/format.md describes).
    tree0 = sdk.TreeOption(
        title="tree0", children=[sdk.TreeOption(title="subtree0"), sdk.TreeOption(title="subtree1")]
    )
    tree_tool = sdk.ClassificationCategory(
        classification=sdk.Classification.Tree_dropdown,
        title="Tree One",
        treeOptions=[tree0, sdk.TreeOption(title="tree1")],
    )
    return {"classifications": [tree_tool]}


def doc_conditional_text(sdk: ModuleType) -> Lists:
    radio1 = sdk.LabelOption(value="Radio Option 1")
    radio2 = sdk.LabelOption(value="Radio Option 2")
    conditional_text = sdk.ClassificationCategory(
        classification=sdk.Classification.Text,
        title="Text Tool",
        parentOptionId=radio1.schemaId,
        richText=True,
    )
    radio = sdk.ClassificationCategory(
        classification=sdk.Classification.Radio,
        title="Radio Classification",
        options=[radio1, radio2],
        classifications=[conditional_text],
    )
    return {"classifications": [radio]}


def doc_conditional_tree(sdk: ModuleType) -> Lists:
    branch1 = sdk.TreeOption(
        title="Branch 1", children=[sdk.TreeOption(title="Leaf 1"), sdk.TreeOption(title="Leaf 2")]
    )
    radio1 = sdk.LabelOption(value="Radio Answer 1")
    tree_tool = sdk.ClassificationCategory(
        classification=sdk.Classification.Tree_dropdown,
        title="tree",
        treeOptions=[branch1, sdk.TreeOption(title="Leaf 3")],
        parentOptionId=radio1.schemaId,
    )
    radio = sdk.ClassificationCategory(
        classification=sdk.Classification.Radio,
        title="radio",
        classifications=[tree_tool],
        options=[radio1, sdk.LabelOption("Radio Answer 2")],
    )
    return {"classifications": [radio]}


def everything(sdk: ModuleType) -> Lists:
    """Not a docs example: every field the SDK sends, tricky titles, a conditional tree node, 3 levels."""
    C = sdk.Classification
    yes, no = sdk.LabelOption("Yes"), sdk.LabelOption("No")
    depth3 = sdk.ClassificationCategory(
        C.Text,
        title="2024-01-01",
        regex="^[0-9]+$",
        exportName="depth3",
        displayName="Depth three",
        abbreviatedName="D3",
        attributeType="text",
        parentOptionId=no.schemaId,
    )
    depth2 = sdk.ClassificationCategory(
        C.Radio,
        title="on",
        options=[yes, no],
        classifications=[depth3],
        shortcutKey="1",
        required=True,
        defaultValue=False,
    )
    light = sdk.TreeOption(title="Light", value="light-rain")  # value given: key random, value kept
    rain = sdk.TreeOption(title="Rain", children=[light, sdk.TreeOption(title="Heavy")])
    when_light = sdk.ClassificationCategory(
        C.Boolean, title="Wipers on", parentOptionId=light.key, defaultValue=True
    )
    weather = sdk.ClassificationCategory(
        C.Tree_dropdown,
        title="Weather",
        treeOptions=[rain, sdk.TreeOption("Sun")],
        classifications=[when_light],
        frameSpecific=True,
        showDropdown=True,
    )
    vehicle = sdk.ToolCategory(
        sdk.Tool.BoundingBox,
        title="Vehicle: car # 1",
        required=True,
        columnField=True,
        shortcutKey="a",
        classifications=[depth2, weather],
    )
    tools = [vehicle] + [
        sdk.ToolCategory(t, title=f"{t.value} \"tool\" 'ü' 中")
        for t in sdk.Tool
        if t is not sdk.Tool.BoundingBox
    ]
    checkbox = sdk.ClassificationCategory(
        C.Checkbox, title="1.10", shortcutKey="ctrl+2", options=[sdk.LabelOption("NO"), sdk.LabelOption("y")]
    )
    multi = sdk.ClassificationCategory(C.Multi_dropdown, title="Multi", options=[sdk.LabelOption("null")])
    others = [
        sdk.ClassificationCategory(c, title=f"{c.value} question") for c in (C.Text, C.Instance, C.Boolean)
    ]
    distance = sdk.ClassificationCategory(
        C.Single_dropdown, title="Distance", options=[sdk.LabelOption("Near"), sdk.LabelOption("Far")]
    )
    relations = [
        sdk.RelationCategory(r, title=f"{r.value} relation", classifications=[distance] if i == 0 else None)
        for i, r in enumerate(sdk.Relation)
    ]
    return {"tools": tools, "classifications": [checkbox, multi, *others], "relations": relations}


SDK_EXAMPLES: dict[str, Callable[[ModuleType], Lists]] = {
    "single-dropdown": doc_single_dropdown,
    "tools-classifications-relations": doc_tools_classifications_relations,
    "nested-dropdown": doc_nested_dropdown,
    "tree": doc_tree,
    "conditional-text": doc_conditional_text,
    "conditional-tree": doc_conditional_tree,
    "every-field": everything,
}


def test_the_sdk_examples_cover_the_documented_ones() -> None:
    from test_conformance import SDK_DOC_EXAMPLES

    assert {f"sdk-{name}.yaml" for name in SDK_EXAMPLES} >= set(SDK_DOC_EXAMPLES)


def wrap(shape: str, schema: Payload) -> Any:
    """The three JSON shapes ``--from-json`` accepts."""
    if shape == "bare":
        return schema
    if shape == "categorySchema":
        return {"categorySchema": schema}
    return {
        "status": "success",
        "data": {
            "project": {
                "_id": "6b0ad0765415af20cce55cf2",
                "name": "Adopted",
                "description": "",
                "categorySchema": schema,
            }
        },
    }


SHAPES = [
    pytest.param("bare", id="bare"),
    pytest.param("categorySchema", id="categorySchema"),
    pytest.param("get_project", id="get_project"),
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("example", [pytest.param(k, id=k) for k in SDK_EXAMPLES])
def test_sdk_made_schema_round_trips_exactly(
    example: str,
    shape: str,
    lc: ModuleType,
    create_label_set: SdkCall,
    tmp_path: Path,
) -> None:
    original = create_label_set(**SDK_EXAMPLES[example](lc))["categorySchema"]
    compiled, text, err = import_and_compile(wrap(shape, original), tmp_path)
    assert_exact(compiled["categorySchema"], original)
    assert "imported losslessly" in err and "warning" not in err
    data = yaml_of(text)
    assert data and all("schemaId" in c for group in data.values() for c in group)  # ids pinned


def test_sdk_random_ids_and_colors_are_really_random(
    lc: ModuleType,
    create_label_set: SdkCall,
) -> None:
    """The premise of the tests above: the SDK invents ids and colors (32-hex, upper-case #RRGGBB)."""
    a = create_label_set(**doc_tree(lc))["categorySchema"]["classifications"][0]
    b = create_label_set(**doc_tree(lc))["categorySchema"]["classifications"][0]
    assert a["schemaId"] != b["schemaId"] and len(a["schemaId"]) == 32
    node = a["treeOptions"][0]
    assert node["key"] == node["value"] != b["treeOptions"][0]["key"]
    assert a["color"].upper() == a["color"] and a["color"].startswith("#")


def test_tree_key_and_value_in_the_yaml(
    lc: ModuleType,
    create_label_set: SdkCall,
    tmp_path: Path,
) -> None:
    """A random key equal to the value is pinned once (schemaId); a value of its own is kept."""
    original = create_label_set(**everything(lc))["categorySchema"]
    _, text, _ = import_and_compile(original, tmp_path)
    weather = yaml_of(text)["tools"][0]["classifications"][1]
    rain = weather["treeOptions"][0]
    assert set(rain) == {"title", "schemaId", "children"}
    assert rain["schemaId"] == original["tools"][0]["classifications"][1]["treeOptions"][0]["key"]
    light = rain["children"][0]
    assert light["value"] == "light-rain"
    assert weather["classifications"][0]["parentOptionId"] == "Rain / Light"


def test_get_project_json_with_project_file(
    lc: ModuleType,
    create_label_set: SdkCall,
    tmp_path: Path,
) -> None:
    schema = create_label_set(**doc_conditional_text(lc))["categorySchema"]
    source = write_json(tmp_path / "project.json", wrap("get_project", schema))
    run = ontokit(
        "import",
        "--from-json",
        source.name,
        "-o",
        "ontology.yaml",
        "--project-file",
        "project.yaml",
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    project = yaml_of((tmp_path / "project.yaml").read_text(encoding="utf-8"))
    assert project == {"name": "Adopted", "id": "6b0ad0765415af20cce55cf2", "ontology": "ontology.yaml"}


# -- a large schema ---------------------------------------------------------------------------------
def test_large_generated_schema_round_trips_exactly(tmp_path: Path) -> None:
    """bench/generate.py's benchmark ontology (200 tools, 8,000 options, a 2,220-node tree)."""
    original = compile_text(generate(), "big.yaml")["categorySchema"]
    compiled, text, err = import_and_compile(original, tmp_path, "big")
    assert_exact(compiled["categorySchema"], original)
    assert "imported losslessly" in err
    ids = set(re.findall(r'"(?:schemaId|key)": "([0-9a-f]+)"', json.dumps(original)))
    assert len(ids) > 10_000 and ids <= set(re.findall(r"schemaId: ([0-9a-f]+)", text))  # every id pinned


# -- what the server adds ---------------------------------------------------------------------------
def category(tool: str, title: str, schema_id: str, **extra: Any) -> Payload:
    """A tool or relation as the SDK sends it, plus ``extra`` (what a hub may add)."""
    return {
        "tool": tool,
        "title": title,
        "required": False,
        "columnField": False,
        "color": "#1E88E5",
        "shortcutKey": "",
        "classifications": [],
        "options": [],
        "schemaId": schema_id,
        **extra,
    }


def classification(tool: str, title: str, schema_id: str, **extra: Any) -> Payload:
    """A classification as the SDK sends it (key order included), fields overridden by ``extra``."""
    base: Payload = {
        "treeOptions": [],
        **category(tool, title, schema_id),
        "regex": None,
        "parentOptionId": None,
        "frameSpecific": False,
        "showDropdown": False,
        "richText": False,
        "exportName": None,
        "displayName": None,
        "abbreviatedName": None,
        "attributeType": None,
        "defaultValue": None,
    }
    base.update(extra)
    return base


def server_schema(*, multiple: bool = False, color: str = "#1E88E5") -> Payload:
    """Tools with ``ocrEnabled``/``multiple`` and relations with ``multiple``, as the hub's docs show."""
    return {
        "tools": [
            category(
                "bounding-box",
                "Car",
                "6f1c2b1e9d3a4c5b8e7f6a5b4c3d2e1f",
                ocrEnabled=False,
                multiple=multiple,
                color=color,
            ),
            category("polygon", "Lane", "7a2d3c4b5e6f4a1b9c8d7e6f5a4b3c2d", ocrEnabled=False, multiple=False),
        ],
        "classifications": [
            classification(
                "radio",
                "Weather",
                "8b3e4d5c6f7a4b2c0d9e8f7a6b5c4d3e",
                options=[{"value": "Sun", "schemaId": "9c4f5e6d7a8b4c3d1e0f9a8b7c6d5e4f"}],
            )
        ],
        "relations": [category("one-to-one", "Tows", "ad5a6f7e8b9c4d4e2f1a0b9c8d7e6f5a", multiple=False)],
    }


def hub_project(
    root: Path, schema: Payload, name: str = "Adopted project", batches: tuple[str, ...] = ()
) -> str:
    """A project on the embedded hub of ``root`` holding ``schema``; its id."""
    from ontology_kit.client import open_client, resolve_target

    with open_client(resolve_target("embedded", env={}, cwd=root)) as client:
        project_id = str(client.create_project(name, "made elsewhere")["_id"])
        client.set_category_schema(project_id, schema)
        for batch in batches:
            client.create_batch(project_id, batch)
    return project_id


def import_project(repo: Path, project_id: str) -> subprocess.CompletedProcess[str]:
    run = ontokit("import", project_id, "-o", "ontology.yaml", "--project-file", "project.yaml", cwd=repo)
    assert run.returncode == 0, run.stderr
    return run


def assert_plan_has_no_changes(repo: Path) -> None:
    plan = ontokit("plan", "project.yaml", "--detailed-exitcode", cwd=repo)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "No changes" in plan.stdout


def test_server_defaults_are_left_out_and_plan_reports_no_changes(repo: Path) -> None:
    project_id = hub_project(repo, server_schema(color="#f44336"))
    run = import_project(repo, project_id)
    assert "imported losslessly" in run.stderr and "warning" not in run.stderr
    text = (repo / "ontology.yaml").read_text(encoding="utf-8")
    assert "ocrEnabled" not in text and "multiple" not in text
    assert 'color: "#f44336"' in text  # lower case kept as the hub has it
    assert_plan_has_no_changes(repo)
    payload = compile_file(repo / "ontology.yaml")["categorySchema"]
    assert "multiple" not in payload["tools"][0] and "ocrEnabled" not in payload["tools"][0]


def test_multiple_true_is_kept(repo: Path) -> None:
    project_id = hub_project(repo, server_schema(multiple=True))
    import_project(repo, project_id)
    data = yaml_of((repo / "ontology.yaml").read_text(encoding="utf-8"))
    assert data["tools"][0]["multiple"] is True and "multiple" not in data["tools"][1]
    tool = compile_file(repo / "ontology.yaml")["categorySchema"]["tools"][0]
    assert tool["multiple"] is True and "ocrEnabled" not in tool
    assert_plan_has_no_changes(repo)


def test_multiple_true_from_json_compiles_into_the_payload(tmp_path: Path) -> None:
    schema = server_schema(multiple=True)
    compiled, text, err = import_and_compile(schema, tmp_path)
    assert "multiple: true" in text
    assert compiled["categorySchema"]["tools"][0]["multiple"] is True
    assert "imported losslessly" in err


def test_explicit_false_server_fields_are_dropped_and_diff_sees_no_change(tmp_path: Path) -> None:
    """`multiple: false` in a file is sent (set fields are sent); import drops it as the hub's default."""
    (tmp_path / "original.yaml").write_text(
        "tools:\n  - {title: Car, type: point, multiple: false, ocrEnabled: false}\n"
        "relations:\n  - {title: Tows, type: one-to-one, multiple: false}\n",
        encoding="utf-8",
    )
    payload = compile_file(tmp_path / "original.yaml")
    assert payload["categorySchema"]["tools"][0]["multiple"] is False
    _, text, err = import_and_compile(payload, tmp_path, "imported")
    assert "multiple" not in text and "ocrEnabled" not in text and "imported losslessly" in err
    diff = ontokit("diff", "original.yaml", "imported.yaml", "--detailed-exitcode", cwd=tmp_path)
    assert diff.returncode == 0, diff.stdout


def test_unknown_field_is_named_in_a_warning(tmp_path: Path) -> None:
    schema = server_schema()
    schema["tools"][0]["foo"] = 1
    compiled, text, err = import_and_compile(schema, tmp_path)
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert any("'foo'" in line and "tools[0]" in line for line in warnings), err
    assert "foo" not in text and "foo" not in compiled["categorySchema"]["tools"][0]


def test_lower_case_colors_are_kept(tmp_path: Path) -> None:
    compiled, text, err = import_and_compile(server_schema(color="#f44336"), tmp_path)
    assert yaml_of(text)["tools"][0]["color"] == "#f44336"
    assert compiled["categorySchema"]["tools"][0]["color"].upper() == "#F44336"
    assert "imported losslessly" in err


# -- parentOptionId ------------------------------------------------------------------------------------
def conditional(options: list[tuple[str, str]], parent: str) -> Payload:
    axles = classification("text", "Axles", "0badf00d0badf00d0badf00d0badf00d", parentOptionId=parent)
    radio = classification(
        "radio",
        "Kind",
        "c0ffee00c0ffee00c0ffee00c0ffee00",
        classifications=[axles],
        options=[{"value": v, "schemaId": s} for v, s in options],
    )
    return {"tools": [], "classifications": [radio], "relations": []}


def nested_parent_ref(text: str) -> Any:
    return yaml_of(text)["classifications"][0]["classifications"][0]["parentOptionId"]


def test_parent_option_is_written_as_its_value(tmp_path: Path) -> None:
    schema = conditional([("Car", "a" * 32), ("Truck", "b" * 32)], "b" * 32)
    compiled, text, err = import_and_compile(schema, tmp_path)
    assert nested_parent_ref(text) == "Truck"
    assert_exact(compiled["categorySchema"], schema)
    assert "imported losslessly" in err


@pytest.mark.parametrize(
    ("options", "why"),
    [
        pytest.param(
            [("Truck", "a" * 32), ("Truck", "b" * 32)], "two options share the value", id="shared-value"
        ),
        pytest.param(
            [("Car", "Truck"), ("Truck", "b" * 32)],
            "the value is another option's schemaId",
            id="value-is-another-id",
        ),
    ],
)
def test_parent_option_is_the_raw_id_when_the_value_is_ambiguous(
    options: list[tuple[str, str]], why: str, tmp_path: Path
) -> None:
    schema = conditional(options, "b" * 32)
    source = write_json(tmp_path / "s.json", schema)
    run = ontokit("import", "--from-json", source.name, "-o", "s.yaml", cwd=tmp_path)
    if options[0][0] == options[1][0]:
        # two equal option values: the hub allows it, the format does not (duplicate-option); import
        # never writes a file that fails `validate`: it refuses, naming the problem, and writes nothing
        assert run.returncode == 1, run.stderr
        assert "error[duplicate-option]" in run.stderr and "nothing written" in run.stderr
        assert "Traceback" not in run.stderr
        assert not (tmp_path / "s.yaml").exists()
        return
    assert run.returncode == 0, run.stderr
    text = (tmp_path / "s.yaml").read_text(encoding="utf-8")
    assert nested_parent_ref(text) == "b" * 32, why
    result = check_text(text, "s.yaml")
    assert result.payload is not None
    assert_exact(result.payload["categorySchema"], schema)


def test_parent_option_of_a_tree_node_is_its_path(tmp_path: Path) -> None:
    light = {"title": "Light", "children": [], "key": "k" * 32, "value": "k" * 32}
    tree = [{"title": "Rain", "children": [light], "key": "r" * 32, "value": "r" * 32}]
    weather = classification(
        "tree-dropdown",
        "Weather",
        "e" * 32,
        treeOptions=tree,
        options=[{"value": "Rain", "schemaId": "r" * 32}, {"value": "Rain / Light", "schemaId": "k" * 32}],
        classifications=[classification("text", "Drops", "d" * 32, parentOptionId="k" * 32)],
    )
    schema: Payload = {"tools": [], "classifications": [weather], "relations": []}
    compiled, text, _ = import_and_compile(schema, tmp_path)
    assert nested_parent_ref(text) == "Rain / Light"
    assert_exact(compiled["categorySchema"], schema)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(": 0", id="colon-space"),
        pytest.param("? x", id="question-space"),
        pytest.param("Left -", id="space-dash-end"),
        pytest.param("a: b", id="colon-inside"),
        pytest.param("- dash", id="dash-start"),
        pytest.param("_0", id="underscore-number"),
        pytest.param("1_000", id="digit-group"),
    ],
)
def test_yaml_special_values_stay_valid(value: str, tmp_path: Path) -> None:
    """Option values and tree titles that YAML could misread are written so that they read back."""
    tree = [{"title": value, "children": [], "key": "f" * 32, "value": "f" * 32}]
    schema: Payload = {
        "tools": [],
        "classifications": [
            classification("radio", "Kind", "c" * 32, options=[{"value": value, "schemaId": "d" * 32}]),
            classification(
                "tree-dropdown",
                "Place",
                "e" * 32,
                treeOptions=tree,
                options=[{"value": value, "schemaId": "f" * 32}],
            ),
        ],
        "relations": [],
    }
    compiled, _, err = import_and_compile(schema, tmp_path)
    assert_exact(compiled["categorySchema"], schema)
    assert "imported losslessly" in err


# -- properties ---------------------------------------------------------------------------------------
TOOL_TYPES = (
    "bounding-box",
    "segmentation",
    "polyline",
    "polygon",
    "rotated-bounding-box",
    "ner",
    "point",
    "pdf",
    "brush",
    "pct",
)
OPTION_TYPES = ("radio", "checkbox", "single-dropdown", "multi-dropdown")
PLAIN_TYPES = ("text", "instance", "boolean")
RELATION_TYPES = ("one-to-one", "group", "one-to-many")
SHORTCUTS = tuple(str(i) for i in range(10)) + tuple(f"ctrl+{i}" for i in range(10)) + tuple("abcdefghijk")
TRICKY = (
    "No",
    "on",
    "Yes",
    "1.10",
    "2024-01-01",
    "null",
    "~",
    "# hash",
    "a: b",
    "- dash",
    "[x]",
    "{y}",
    "é中",
    "'q'",
    '"dq"',
    "@at",
    "%p",
    "!bang",
    "&amp",
    "*star",
    "|pipe",
    ">gt",
    "x ",
    " y",
    "0x1F",
    "1e3",
    "Off",
)

_chars = st.sampled_from(list(string.ascii_letters + string.digits + " .,:;!?'\"#&*()[]{}-+_=é中ü€"))


def _writable(text: str) -> bool:
    """Not blank, and not one of the shapes import writes as broken YAML (test_yaml_special_values_...)."""
    return bool(text.strip()) and not re.match(r"[:?]\s", text) and not re.search(r"\s-$", text)


name_text = st.one_of(st.sampled_from(TRICKY), st.text(_chars, min_size=1, max_size=8)).filter(_writable)
tree_title = name_text.filter(lambda s: "/" not in s)  # "A / B" beside A › B is an error (duplicate path)


def unique_names(
    strategy: st.SearchStrategy[str], max_size: int, min_size: int = 0
) -> st.SearchStrategy[list[str]]:
    """Sibling names unique the way the rules compare them (case, spacing, Unicode form)."""
    return st.lists(strategy, min_size=min_size, max_size=max_size, unique_by=normalize_title)


color = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06X}")


@st.composite
def tree_nodes(draw: st.DrawFn, depth: int) -> list[Any]:
    titles = draw(unique_names(tree_title, 3, min_size=1))
    nodes: list[Any] = []
    for title in titles:
        children = draw(tree_nodes(depth - 1)) if depth > 1 and draw(st.booleans()) else []
        if not children and draw(st.booleans()):
            nodes.append(title)  # a plain-string leaf
        else:
            node: dict[str, Any] = {"title": title}
            if children:
                node["children"] = children
            if draw(st.booleans()):
                node["value"] = draw(name_text)
            nodes.append(node)
    return nodes


def tree_paths(nodes: list[Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for n in nodes:
        title = n if isinstance(n, str) else n["title"]
        out.append(prefix + title)
        if isinstance(n, dict):
            out += tree_paths(n.get("children", []), f"{prefix}{title} / ")
    return out


@st.composite
def ontology_category(draw: st.DrawFn, kind: str, title: str, depth: int) -> dict[str, Any]:
    """A valid category of ``kind`` (tool, classification, relation) as the user writes it."""
    types = {
        "tool": TOOL_TYPES,
        "relation": RELATION_TYPES,
        "classification": OPTION_TYPES + PLAIN_TYPES + ("tree-dropdown",),
    }[kind]
    node: dict[str, Any] = {"title": title, "type": draw(st.sampled_from(types))}
    t = node["type"]
    for flag in ("required", "columnField"):
        if draw(st.booleans()):
            node[flag] = True
    if draw(st.booleans()):
        node["color"] = draw(color)
    if draw(st.integers(0, 3)) == 0:
        # only `true`: `false` is the hub's default, which import leaves out (test_explicit_false_...)
        node[draw(st.sampled_from(["multiple", "ocrEnabled"]))] = True
    parent_refs: list[str] = []
    if kind == "classification":
        for flag in ("frameSpecific", "showDropdown"):
            if draw(st.integers(0, 3)) == 0:
                node[flag] = True
        for name in ("exportName", "displayName", "abbreviatedName", "attributeType"):
            if draw(st.integers(0, 4)) == 0:
                node[name] = draw(name_text)
        if t == "boolean" and draw(st.booleans()):
            node["defaultValue"] = draw(st.booleans())
        if t == "text":
            if draw(st.booleans()):
                node["richText"] = True
            if draw(st.booleans()):
                node["regex"] = draw(st.sampled_from(["^[0-9]+$", "[A-Z]{2}", "a|b", ".*"]))
        if t in OPTION_TYPES:
            values = draw(unique_names(name_text, 4, min_size=1))
            node["options"] = [v if draw(st.booleans()) else {"value": v} for v in values]
            parent_refs = values
        elif t == "tree-dropdown":
            node["treeOptions"] = draw(tree_nodes(2))
            parent_refs = tree_paths(node["treeOptions"])
    if depth > 0:
        titles = draw(unique_names(name_text, 2))
        children = [draw(ontology_category("classification", child, depth - 1)) for child in titles]
        for child in children:
            if parent_refs and draw(st.booleans()):
                child["parentOptionId"] = draw(st.sampled_from(parent_refs))
        if children:
            node["classifications"] = children
    return node


def assign_shortcuts(draw: st.DrawFn, scope: list[dict[str, Any]]) -> None:
    keys = draw(st.lists(st.sampled_from(SHORTCUTS), max_size=len(scope), unique=True))
    for node, key in zip(scope, keys, strict=False):
        node["shortcutKey"] = key
    for node in scope:
        assign_shortcuts(draw, node.get("classifications", []))


@st.composite
def ontologies(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for group, kind in (("tools", "tool"), ("classifications", "classification"), ("relations", "relation")):
        titles = draw(unique_names(name_text, 3))
        items = [draw(ontology_category(kind, t, draw(st.integers(0, 2)))) for t in titles]
        if items:
            doc[group] = items
    assign_shortcuts(draw, [c for group in doc.values() for c in group])
    return doc


def reimported(payload: Payload) -> tuple[Payload, list[str]]:
    """``payload``'s category schema imported as YAML, and compiled again."""
    result = import_category_schema(payload["categorySchema"])
    text = ontology_yaml(result, "a property test", "ontology.schema.json")
    return compile_text(text, "imported.yaml"), result.warnings


@PROPERTY
@given(ontologies())
def test_property_compile_import_compile_is_stable(doc: dict[str, Any]) -> None:
    payload = compile_text(json.dumps(doc, ensure_ascii=False), "generated.yaml")  # JSON is YAML 1.2
    again, warnings = reimported(payload)
    assert warnings == []
    assert_exact(again, payload)


SDK_CLASSIFICATION_TAIL = (
    "regex",
    "parentOptionId",
    "frameSpecific",
    "showDropdown",
    "richText",
    "exportName",
    "displayName",
    "abbreviatedName",
    "attributeType",
    "defaultValue",
)


class _Ids:
    """Random 32-hex ids (as the SDK's uuid4().hex) and #RRGGBB colors from one seeded generator."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd

    def id(self) -> str:
        return f"{self.rnd.getrandbits(128):032x}"

    def color(self) -> str:
        return "#" + "".join(self.rnd.choice("ABCDEF0123456789") for _ in range(6))


@st.composite
def raw_tree(draw: st.DrawFn, ids: _Ids, depth: int) -> list[dict[str, Any]]:
    out = []
    for title in draw(unique_names(tree_title, 3, min_size=1)):
        key = ids.id()
        value = draw(name_text) if draw(st.integers(0, 4)) == 0 else key  # TreeOption(title, value=...)
        children = draw(raw_tree(ids, depth - 1)) if depth > 1 and draw(st.booleans()) else []
        out.append({"title": title, "children": children, "key": key, "value": value})
    return out


def flatten(nodes: list[dict[str, Any]], prefix: str = "") -> list[dict[str, Any]]:
    """The SDK's ``flatten()``: pre-order, values ``Parent / Child``, schemaId = the node's key."""
    out: list[dict[str, Any]] = []
    for n in nodes:
        value = f"{prefix}{n['title']}"
        out.append({"value": value, "schemaId": n["key"]})
        out += flatten(n["children"], f"{value} / ")
    return out


@st.composite
def raw_category(
    draw: st.DrawFn, ids: _Ids, kind: str, title: str, depth: int, parent_options: list[dict[str, Any]]
) -> dict[str, Any]:
    """A category exactly as ``SDK.create_label_set`` sends it (keys, order, defaults)."""
    types = {
        "tool": TOOL_TYPES,
        "relation": RELATION_TYPES,
        "classification": OPTION_TYPES + PLAIN_TYPES + ("tree-dropdown",),
    }[kind]
    t = draw(st.sampled_from(types))
    tree = draw(raw_tree(ids, 3)) if t == "tree-dropdown" else []
    options: list[dict[str, Any]] = flatten(tree)
    if t in OPTION_TYPES:
        options = [{"value": v, "schemaId": ids.id()} for v in draw(unique_names(name_text, 4, min_size=1))]
    node: dict[str, Any] = {"treeOptions": tree} if kind == "classification" else {}
    node.update(
        {
            "tool": t,
            "title": title,
            "required": draw(st.booleans()),
            "columnField": draw(st.booleans()),
            "color": ids.color(),
            "shortcutKey": "",
            "classifications": [],
            "options": options,
            "schemaId": ids.id(),
        }
    )
    if kind == "classification":
        node.update(
            {
                "regex": draw(st.sampled_from([None, "^[0-9]+$", "a|b"])) if t == "text" else None,
                "parentOptionId": (
                    draw(st.sampled_from([None, *(o["schemaId"] for o in parent_options)]))
                    if parent_options
                    else None
                ),
                "frameSpecific": draw(st.booleans()),
                "showDropdown": draw(st.booleans()),
                "richText": draw(st.booleans()) if t == "text" else False,
                **{
                    name: draw(st.one_of(st.none(), name_text)) if draw(st.integers(0, 3)) == 0 else None
                    for name in ("exportName", "displayName", "abbreviatedName", "attributeType")
                },
                "defaultValue": draw(st.sampled_from([None, True, False])),
            }
        )
        assert tuple(node)[-len(SDK_CLASSIFICATION_TAIL) :] == SDK_CLASSIFICATION_TAIL
    if depth > 0:
        node["classifications"] = [
            draw(raw_category(ids, "classification", child, depth - 1, options))
            for child in draw(unique_names(name_text, 2))
        ]
    return node


@st.composite
def raw_schemas(draw: st.DrawFn) -> Payload:
    ids = _Ids(random.Random(draw(st.integers(0, 2**64))))
    schema: Payload = {}
    for group, kind in (("tools", "tool"), ("classifications", "classification"), ("relations", "relation")):
        schema[group] = [
            draw(raw_category(ids, kind, title, draw(st.integers(0, 2)), []))
            for title in draw(unique_names(name_text, 3))
        ]
    scopes = [[c for group in schema.values() for c in group]]
    while scopes:
        scope = scopes.pop()
        keys = draw(st.lists(st.sampled_from(SHORTCUTS), max_size=len(scope), unique=True))
        for node, key in zip(scope, keys, strict=False):
            node["shortcutKey"] = key
        scopes += [node["classifications"] for node in scope if node["classifications"]]
    return schema


@PROPERTY
@given(raw_schemas())
def test_property_raw_sdk_schema_import_compile_is_identity(schema: Payload) -> None:
    result = import_category_schema(schema)
    assert result.warnings == []
    text = ontology_yaml(result, "a property test", "ontology.schema.json")
    assert_exact(compile_text(text, "imported.yaml")["categorySchema"], schema)


# -- against a hub, and the command line's edges ------------------------------------------------------
@pytest.fixture
def adopted(repo: Path, lc: ModuleType, create_label_set: SdkCall) -> str:
    """A project on the embedded hub whose ontology the official SDK made (random ids), with batches."""
    schema = create_label_set(**everything(lc))["categorySchema"]
    return hub_project(repo, schema, name="Road scenes", batches=("Week 1", "Week 2"))


def test_import_a_hub_project_then_plan_has_no_changes(repo: Path, adopted: str) -> None:
    run = import_project(repo, adopted)
    assert "imported losslessly" in run.stderr and "warning" not in run.stderr
    project = yaml_of((repo / "project.yaml").read_text(encoding="utf-8"))
    assert project == {
        "name": "Road scenes",
        "description": "made elsewhere",
        "id": adopted,
        "ontology": "ontology.yaml",
        "batches": ["Week 1", "Week 2"],
        # the project's setup as the hub made it (docs/projects.md, "Adopting an existing project")
        "workflow": [
            {"id": "Start", "type": "Start", "next": ["Label"]},
            {"id": "Label", "type": "Label", "name": "Labeling", "next": ["Complete"]},
            {"id": "Complete", "type": "Complete"},
        ],
        "benchmark": {"enabled": False, "ratio": 10},
        "settings": {"idleTimeout": 0, "ocrLanguage": "eng"},
    }
    assert_plan_has_no_changes(repo)
    assert ontokit("validate", "project.yaml", cwd=repo).returncode == 0


def test_import_into_folders_refers_to_the_ontology_relatively(repo: Path, adopted: str) -> None:
    (repo / "ontologies").mkdir()
    (repo / "projects").mkdir()
    run = ontokit(
        "import", adopted, "-o", "ontologies/roads.yaml", "--project-file", "projects/roads.yaml", cwd=repo
    )
    assert run.returncode == 0, run.stderr
    project = yaml_of((repo / "projects/roads.yaml").read_text(encoding="utf-8"))
    assert project["ontology"] == "../ontologies/roads.yaml"
    plan = ontokit("plan", "projects/roads.yaml", "--detailed-exitcode", cwd=repo)
    assert plan.returncode == 0, plan.stdout + plan.stderr


def test_existing_outputs_are_not_overwritten_without_force(repo: Path, adopted: str) -> None:
    import_project(repo, adopted)
    (repo / "project.yaml").write_text("# mine\n", encoding="utf-8")
    before = {p: (repo / p).read_text(encoding="utf-8") for p in ("ontology.yaml", "project.yaml")}
    for args in (
        ("-o", "ontology.yaml", "--project-file", "project.yaml"),
        ("-o", "ontology.yaml"),
        ("-o", "new.yaml", "--project-file", "project.yaml"),
    ):
        run = ontokit("import", adopted, *args, cwd=repo)
        assert run.returncode == 1
        assert "exists; pass --force" in run.stderr
        assert {p: (repo / p).read_text(encoding="utf-8") for p in before} == before
        assert not (repo / "new.yaml").exists()
    forced = ontokit(
        "import", adopted, "-o", "ontology.yaml", "--project-file", "project.yaml", "--force", cwd=repo
    )
    assert forced.returncode == 0
    assert (repo / "project.yaml").read_text(encoding="utf-8") != "# mine\n"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("PROJECT", "--project-file", "project.yaml"), id="project-file-without-o"),
        pytest.param((), id="nothing-to-import"),
        pytest.param(("PROJECT", "--from-json", "schema.json"), id="both-sources"),
    ],
)
def test_usage_errors(repo: Path, args: tuple[str, ...]) -> None:
    write_json(repo / "schema.json", server_schema())
    run = ontokit("import", *args, cwd=repo)
    assert run.returncode == 1
    assert "Usage:" in run.stderr and "Error:" in run.stderr
    assert not (repo / "project.yaml").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "cannot read JSON", id="not-json"),
        pytest.param("tools:\n  - title: Car\n", "cannot read JSON", id="yaml-not-json"),
        pytest.param(b"\xff\xfe{}", "cannot read JSON", id="not-utf8"),
        pytest.param("[1, 2]", "no category schema found", id="a-list"),
        pytest.param('{"name": "x"}', "no category schema found", id="no-schema"),
        pytest.param('{"tools": {}}', "not a list", id="tools-not-a-list"),
        pytest.param(None, "cannot read JSON", id="missing-file"),
    ],
)
def test_bad_json_is_a_one_line_error(tmp_path: Path, content: str | bytes | None, message: str) -> None:
    source = tmp_path / "input.json"
    if isinstance(content, bytes):
        source.write_bytes(content)
    elif content is not None:
        source.write_text(content, encoding="utf-8")
    run = ontokit("import", "--from-json", "input.json", "-o", "out.yaml", cwd=tmp_path)
    assert run.returncode == 1
    [line] = run.stderr.splitlines()
    assert line.startswith("error: ") and message in line
    assert run.stdout == "" and not (tmp_path / "out.yaml").exists()


def test_unknown_project_is_a_one_line_error(repo: Path) -> None:
    run = ontokit("import", "000000000000000000000000", "-o", "o.yaml", cwd=repo)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "not found" in errors[0]
    assert not (repo / "o.yaml").exists()


def test_without_output_the_yaml_goes_to_stdout(tmp_path: Path) -> None:
    write_json(tmp_path / "s.json", server_schema())
    run = ontokit("import", "--from-json", "s.json", cwd=tmp_path)
    assert run.returncode == 0
    assert yaml_of(run.stdout)["tools"][0]["title"] == "Car"
    assert "imported losslessly" in run.stderr


def test_project_file_for_a_bare_schema_writes_nothing(tmp_path: Path) -> None:
    write_json(tmp_path / "s.json", server_schema())
    run = ontokit("import", "--from-json", "s.json", "-o", "o.yaml", "--project-file", "p.yaml", cwd=tmp_path)
    assert run.returncode == 1 and "needs a project" in run.stderr
    assert not (tmp_path / "p.yaml").exists()
    assert not (tmp_path / "o.yaml").exists()
