"""The example ontologies: every file validates cleanly, compiles deterministically and fits the schema.

Folder-driven: a new file in examples/ontologies/ is picked up without touching this module.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ontology_kit import check_file, compile_file, dumps_payload

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples" / "ontologies"
EXAMPLES = sorted(p for pattern in ("*.yaml", "*.yml") for p in EXAMPLES_DIR.glob(pattern))
SCHEMA_FILE = ROOT / "schemas" / "ontology.schema.json"
MODELINE = "# yaml-language-server: $schema=../../schemas/ontology.schema.json"

#: The six label-set examples of the SDK docs (create_label_set), one file each.
SDK_DOC_EXAMPLES = (
    "sdk-single-dropdown.yaml",
    "sdk-tools-classifications-relations.yaml",
    "sdk-nested-dropdown.yaml",
    "sdk-tree.yaml",
    "sdk-conditional-text.yaml",
    "sdk-conditional-tree.yaml",
)
DRIVING = EXAMPLES_DIR / "driving-scenes.yaml"

each_example = pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "ontology_kit", *args], capture_output=True, cwd=ROOT)


def categories(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every category of a payload, in document order (parents before children)."""
    stack = list(reversed([c for group in payload["categorySchema"].values() for c in group]))
    while stack:
        category = stack.pop()
        yield category
        stack.extend(reversed(category["classifications"]))


def test_examples_folder_holds_the_expected_files() -> None:
    names = {p.name for p in EXAMPLES}
    assert set(SDK_DOC_EXAMPLES) <= names
    assert DRIVING.name in names


# -- each example ---------------------------------------------------------------------------------


@each_example
def test_starts_with_the_schema_modeline_and_explains_itself(example: Path) -> None:
    lines = example.read_text(encoding="utf-8").splitlines()
    assert lines[0] == MODELINE
    comments = [line for line in lines[1:] if line.lstrip().startswith("#") and line.strip("# ")]
    assert comments, "an example explains what it shows in comments"


@each_example
def test_validates_without_any_diagnostic(example: Path) -> None:
    result = check_file(example)
    assert result.ok
    assert [f"{d.location}: {d.code}: {d.message}" for d in result.diagnostics] == []
    assert result.payload is not None


@each_example
def test_compiles(example: Path) -> None:
    payload = compile_file(example)
    schema = payload["categorySchema"]
    assert list(payload) == ["categorySchema"]
    assert list(schema) == ["tools", "classifications", "relations"]
    assert any(schema.values()), "an example defines at least one category"
    for category in categories(payload):
        assert len(category["schemaId"]) > 0
        assert category["color"].startswith("#") and len(category["color"]) == 7


@each_example
def test_compiles_to_the_same_bytes_twice(example: Path) -> None:
    first, second = compile_file(example), compile_file(example)
    assert first == second
    assert dumps_payload(first) == dumps_payload(second)
    assert dumps_payload(first, compact=True) == dumps_payload(second, compact=True)


@each_example
def test_cli_compiles_to_the_same_bytes_twice(example: Path) -> None:
    runs = [run_cli("compile", str(example)) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr.decode()
        assert run.stderr == b""
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stdout.decode("utf-8") == dumps_payload(compile_file(example))

    compact = run_cli("compile", str(example), "--compact")
    assert compact.returncode == 0, compact.stderr.decode()
    assert compact.stdout.decode("utf-8") == dumps_payload(compile_file(example), compact=True) + "\n"


@each_example
def test_cli_output_file_is_the_same_bytes(example: Path, tmp_path: Path) -> None:
    outputs = [tmp_path / "first.json", tmp_path / "second.json"]
    for out in outputs:
        run = run_cli("compile", str(example), "-o", str(out))
        assert run.returncode == 0, run.stderr.decode()
        assert run.stdout == b""
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    assert outputs[0].read_bytes() == run_cli("compile", str(example)).stdout
    assert json.loads(outputs[0].read_bytes()) == compile_file(example)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.json", "second.json"]  # no temp files left


@each_example
def test_fits_the_committed_json_schema(example: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml_rs

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    document = yaml_rs.loads(example.read_text(encoding="utf-8"), parse_datetime=False)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)] == []


# -- the SDK-doc examples keep the ids and colors the docs pin ------------------------------------


def test_conditional_text_keeps_the_pinned_option_id_and_color() -> None:
    radio = compile_file(EXAMPLES_DIR / "sdk-conditional-text.yaml")["categorySchema"]["classifications"][0]
    assert radio["options"][0] == {"value": "Radio Option 1", "schemaId": "radioOption1SchemaId"}
    text = radio["classifications"][0]
    assert (text["tool"], text["title"]) == ("text", "Text Tool")
    assert (text["color"], text["richText"]) == ("#333333", True)
    assert text["parentOptionId"] == "radioOption1SchemaId"


def test_conditional_tree_links_the_tree_to_the_pinned_option() -> None:
    radio = compile_file(EXAMPLES_DIR / "sdk-conditional-tree.yaml")["categorySchema"]["classifications"][0]
    assert radio["options"][0] == {"value": "Radio Answer 1", "schemaId": "radioOptionSchemaId"}
    tree = radio["classifications"][0]
    assert tree["parentOptionId"] == "radioOptionSchemaId"
    values = [o["value"] for o in tree["options"]]
    assert values == ["Branch 1", "Branch 1 / Leaf 1", "Branch 1 / Leaf 2", "Leaf 3"]


# -- the realistic example shows what it promises -------------------------------------------------


@pytest.fixture(scope="module")
def driving() -> dict[str, Any]:
    return compile_file(DRIVING)


def test_driving_has_many_tools_of_many_kinds(driving: dict[str, Any]) -> None:
    tools = driving["categorySchema"]["tools"]
    assert len(tools) >= 10
    assert {"bounding-box", "polygon", "polyline", "point", "segmentation"} <= {t["tool"] for t in tools}
    nested_types = {c["tool"] for t in tools for c in t["classifications"]}
    assert {"radio", "checkbox", "single-dropdown", "text"} <= nested_types


def test_driving_has_a_relation_and_a_three_level_tree(driving: dict[str, Any]) -> None:
    assert driving["categorySchema"]["relations"]
    trees = [c for c in categories(driving) if c["tool"] == "tree-dropdown"]
    assert trees
    depth = max(o["value"].count(" / ") + 1 for tree in trees for o in tree["options"])
    assert depth >= 3


def test_driving_yes_no_on_off_stay_strings(driving: dict[str, Any]) -> None:
    values = [o["value"] for c in categories(driving) for o in c["options"]]
    for word in ("Yes", "No", "On", "Off"):
        assert word in values
    assert all(isinstance(v, str) for v in values)
    # the file is in `ontokit fmt`'s canonical form, which quotes them for YAML 1.1 readers (ontokit
    # itself reads them unquoted as strings too: tests/cases/valid/yaml11_booleans_stay_strings.yaml)
    text = DRIVING.read_text(encoding="utf-8")
    assert '["Yes", "No"]' in text and '["On", "Off"]' in text


def test_driving_reuses_an_option_set_and_has_conditionals(driving: dict[str, Any]) -> None:
    occlusion = ["Fully visible", "Partly occluded", "Mostly occluded"]
    users = [
        t["title"]
        for t in driving["categorySchema"]["tools"]
        if any([o["value"] for o in c["options"]] == occlusion for c in t["classifications"])
    ]
    assert len(users) >= 3
    conditionals = [c for c in categories(driving) if c.get("parentOptionId")]
    assert len(conditionals) >= 3
    by_id = {o["schemaId"]: c for c in categories(driving) for o in c["options"]}
    for c in conditionals:
        assert c in by_id[c["parentOptionId"]]["classifications"], "linked to its parent's answer"


def test_driving_has_shortcut_keys(driving: dict[str, Any]) -> None:
    schema = driving["categorySchema"]
    top = [c["shortcutKey"] for group in schema.values() for c in group if c["shortcutKey"]]
    assert len(top) >= 10 and len(top) == len(set(top))
