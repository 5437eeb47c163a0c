"""The committed JSON Schemas help editors and agree with ontokit (issue 13, item 6).

- every property of the ontology, project and workspace schemas has a description and examples
  (from the models), no made-up title ("Richtext"), and every definition a title and description;
  each example fits its property;
- the project schema checks an inline ontology with the ontology schema's definitions;
- the schemas never reject what ontokit accepts (every valid case and example, and a property test);
- they reject every structural error ontokit reports: each invalid case with a structural code (or
  a rule the schema expresses), and mutations of valid files, read as check-jsonschema reads YAML
  and checked with both regex dialects (ECMA-262, as check-jsonschema and editors; Python's re, as
  the `jsonschema` package); once with the check-jsonschema CLI itself.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regress
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from ontology_kit import Severity, check_path, check_text
from ontology_kit.model.errors import RULES as STRUCTURE_RULES
from ontology_kit.model.types import CLASSIFICATION_TYPES, OPTION_TYPES, RELATION_TYPES, TOOL_TYPES
from ontology_kit.project.kinds import detect_kind
from ontology_kit.schema import KINDS

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
SCHEMAS = {
    kind: json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8")) for kind, name in KINDS.items()
}

#: The codes of structure (model/errors.py: what pydantic reports).
STRUCTURAL = frozenset(rule.code for rule in STRUCTURE_RULES)
#: The rules the schemas express as well (ontology_kit/schema.py).
EXPRESSED = frozenset(
    {
        "invalid-color",
        "invalid-shortcut",
        "options-not-allowed",
        "missing-options",
        "options-and-option-set",
        "empty-tree",
        "tree-options-not-allowed",
        "text-only-field",
        "parent-option-no-parent",
        "blank-name",
        "invalid-project-id",
    }
)
REJECTED = STRUCTURAL | EXPRESSED


# -- reading and validating as check-jsonschema does ----------------------------------------------


def _yaml() -> YAML:
    # check-jsonschema's reading: ruamel's safe YAML 1.2, timestamps kept as strings, keys as strings
    yaml = YAML(typ="safe", pure=True)
    constructors = yaml.constructor.yaml_constructors
    constructors["tag:yaml.org,2002:timestamp"] = constructors["tag:yaml.org,2002:str"]
    return yaml


def _keys_as_strings(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _keys_as_strings(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_keys_as_strings(v) for v in data]
    return data


@functools.cache
def _load(path: Path) -> Any:
    return _keys_as_strings(_yaml().load(io.BytesIO(path.read_bytes())))


def load(path: Path) -> Any:
    """``path`` read as check-jsonschema reads it (a fresh copy: tests mutate it)."""
    return copy.deepcopy(_load(path))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not regress.Regex(pattern, flags="u").find(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_ECMA = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})
VALIDATORS = {
    kind: (jsonschema.Draft202012Validator(schema), _ECMA(schema)) for kind, schema in SCHEMAS.items()
}


def schema_errors(kind: str, data: Any) -> tuple[list[str], list[str]]:
    """The errors of ``data`` under the ``kind`` schema: (Python re, ECMA-262)."""
    python, ecma = VALIDATORS[kind]
    return (
        [f"{list(e.absolute_path)}: {e.message}" for e in python.iter_errors(data)],
        [f"{list(e.absolute_path)}: {e.message}" for e in ecma.iter_errors(data)],
    )


def kind_of(data: Any) -> str:
    kind = detect_kind(data)
    return "ontology" if kind == "other" else kind


# -- descriptions and examples ---------------------------------------------------------------------


def _properties(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema under ``schema`` (conditionals aside: they restate properties)."""
    if isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from _properties(item, f"{where}[{i}]")
        return
    if not isinstance(schema, dict):
        return
    for name, prop in schema.get("properties", {}).items():
        yield f"{where}.{name}", prop
        yield from _properties(prop, f"{where}.{name}")
    for key in ("items", "anyOf", "oneOf", "additionalProperties", "prefixItems"):
        if key in schema:
            yield from _properties(schema[key], f"{where}/{key}")


def _all_properties(kind: str) -> list[tuple[str, dict[str, Any]]]:
    schema = SCHEMAS[kind]
    found = list(_properties(schema, kind))
    for name, definition in schema.get("$defs", {}).items():
        found += _properties(definition, name)
    return found


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_property_has_a_description_and_examples(kind: str) -> None:
    found = _all_properties(kind)
    assert len(found) >= {"ontology": 50, "project": 90, "workspace": 3}[kind]
    problems = []
    for where, prop in found:
        description = prop.get("description")
        if not isinstance(description, str) or len(description.split()) < 2:
            problems.append(f"{where}: no description")
        if not isinstance(prop.get("examples"), list) or not prop["examples"]:
            problems.append(f"{where}: no examples")
        if "title" in prop:  # pydantic's made-up "Richtext"
            problems.append(f"{where}: a generated title {prop['title']!r}")
    assert problems == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_definition_has_a_title_and_a_description(kind: str) -> None:
    schema = SCHEMAS[kind]
    for name, definition in [("(root)", schema), *schema.get("$defs", {}).items()]:
        assert definition.get("title"), name
        assert len(definition.get("description", "").split()) >= 3, name


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_example_fits_its_property(kind: str) -> None:
    defs = SCHEMAS[kind].get("$defs", {})
    for where, prop in _all_properties(kind):
        validator = jsonschema.Draft202012Validator({**prop, "$defs": defs})
        for example in prop.get("examples", []):
            assert list(validator.iter_errors(example)) == [], (where, example)


def test_the_project_schema_checks_an_inline_ontology_as_an_ontology() -> None:
    project, ontology = SCHEMAS["project"], SCHEMAS["ontology"]
    assert {"$ref": "#/$defs/Ontology"} in project["properties"]["ontology"]["anyOf"]
    for name, definition in ontology["$defs"].items():
        assert project["$defs"][name] == definition, name
    root = {k: v for k, v in ontology.items() if k not in ("$schema", "$id", "$defs", "$comment")}
    assert project["$defs"]["Ontology"] == root
    # the finding: an open object took any ontology
    bad = {"name": "Road scenes", "ontology": {"tools": [{"title": "Car", "tipe": "point"}]}}
    assert all(schema_errors("project", bad))
    assert schema_errors("project", {**bad, "ontology": {"tools": [{"title": "Car", "type": "point"}]}}) == (
        [],
        [],
    )


# -- never stricter than ontokit -----------------------------------------------------------------------


def _ontokit_files() -> list[Path]:
    files = sorted((CASES / "valid").glob("*.yaml")) + sorted((ROOT / "examples").rglob("*.y*ml"))
    return [f for f in files if detect_kind(load(f)) != "other"]


VALID_FILES = _ontokit_files()


def test_the_valid_files_are_many() -> None:
    assert len(VALID_FILES) >= 20
    assert {kind_of(load(f)) for f in VALID_FILES} == set(KINDS)


@pytest.mark.parametrize("path", [pytest.param(p, id=str(p.relative_to(ROOT))) for p in VALID_FILES])
def test_every_file_ontokit_accepts_fits_its_schema(path: Path) -> None:
    data = load(path)
    assert schema_errors(kind_of(data), data) == ([], [])


def _error_codes(result: Any) -> set[str]:
    return {d.code for d in result.diagnostics if d.severity is Severity.ERROR}


_TITLES = ["Q", "", " ", "\u00a0", "a\x07", "\u200b", "Car"]
_KEYS = ["", "1", "ctrl+0", "k", "p", "A", "\t", " ", "\x85", "\u2028", "\ue000", "ctrl+a"]
_COLORS = ["#A1b2C3", "#fff", "red", "#12345G", "", None, 5]
_ABSENT = object()


def _maybe(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(_ABSENT), st.sampled_from(values))


@st.composite
def categories(draw: st.DrawFn, types: tuple[str, ...], depth: int) -> dict[str, Any]:
    item: dict[str, Any] = {"title": draw(st.sampled_from(_TITLES)), "type": draw(st.sampled_from(types))}
    fields = {
        "color": _maybe(_COLORS),
        "shortcutKey": _maybe(_KEYS),
        "options": _maybe([[], ["a"], [{"value": "b"}], ["a", "a"], "a"]),
        "optionSet": _maybe([None, "yes-no", "nope"]),
        "treeOptions": _maybe([[], ["x"], [{"title": "y", "children": ["z"]}]]),
        "richText": _maybe([True, False, "yes"]),
        "regex": _maybe([None, "", "^a$", "("]),
        "required": _maybe([True, "yes"]),
        "titel": _maybe(["typo"]),
    }
    for name, values in fields.items():
        value = draw(values)
        if value is not _ABSENT:
            item[name] = value
    if depth > 0 and draw(st.booleans()):
        item["classifications"] = [draw(categories(CLASSIFICATION_TYPES, depth - 1))]
    return item


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    family, types = draw(
        st.sampled_from(
            [
                ("tools", TOOL_TYPES),
                ("classifications", CLASSIFICATION_TYPES),
                ("relations", RELATION_TYPES),
                ("tools", ("radio", "bounding-box")),  # a type of another family
            ]
        )
    )
    return {"optionSets": {"yes-no": ["Yes", "No"]}, family: [draw(categories(types, 1))]}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_the_schema_rejects_what_ontokit_rejects_for_structure_and_nothing_it_accepts(
    doc: dict[str, Any],
) -> None:
    codes = _error_codes(check_text(json.dumps(doc)))
    python, ecma = schema_errors("ontology", doc)
    if not codes:
        assert (python, ecma) == ([], []), doc
    if codes & REJECTED:
        assert python and ecma, (codes, doc)


_ACCEPTED_KEYS = ["", "1", "ctrl+9", "k", "p", "A", "ctrl+a", "F1", "\u00e9", "\u200d", "a b"]
_ACCEPTED_TITLES = ["Q", " x ", "\u00e9t\u00e9", "\u200bA", "10"]


@st.composite
def accepted_categories(draw: st.DrawFn, family: str, depth: int) -> dict[str, Any]:
    """A category ontokit accepts (warnings aside): each field only where its type takes it."""
    types = {"tools": TOOL_TYPES, "classifications": CLASSIFICATION_TYPES, "relations": RELATION_TYPES}[
        family
    ]
    kind = draw(st.sampled_from(types))
    item: dict[str, Any] = {"title": draw(st.sampled_from(_ACCEPTED_TITLES)), "type": kind}
    fields: dict[str, st.SearchStrategy[Any]] = {
        "color": st.sampled_from(["#A1b2C3", "#000000", "#ffffff"]),
        "shortcutKey": st.sampled_from(_ACCEPTED_KEYS),
        "required": st.booleans(),
        "key": st.sampled_from(["k1", None]),
    }
    if family == "classifications":
        text, tree = kind == "text", kind == "tree-dropdown"
        fields["richText"] = st.booleans() if text else st.just(False)
        fields["regex"] = st.sampled_from([None, "^a$"]) if text else st.none()
        if not tree:
            fields["treeOptions"] = st.just([])
        if kind not in OPTION_TYPES:
            fields["options"] = st.just([])
        if tree:
            item["treeOptions"] = draw(st.sampled_from([["x"], [{"title": "y", "children": ["z"]}]]))
    for name, values in fields.items():
        if draw(st.booleans()):
            item[name] = draw(values)
    takes_options = family != "classifications" or kind in OPTION_TYPES
    ways = (
        ["options", "optionSet"]
        if family == "classifications" and takes_options
        else ["none", "options", "optionSet"]
    )
    way = draw(st.sampled_from(ways)) if takes_options else "none"
    if way == "options":
        item["options"] = draw(st.sampled_from([["a"], ["a", {"value": "b", "key": "bee"}]]))
    elif way == "optionSet":
        item["optionSet"] = "yes-no"
    if depth > 0 and draw(st.booleans()):
        item["classifications"] = [draw(accepted_categories("classifications", depth - 1))]
    return item


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["tools", "classifications", "relations"]).flatmap(
        lambda f: st.tuples(st.just(f), accepted_categories(f, 1))
    )
)
def test_the_schema_takes_every_ontology_ontokit_accepts(family_item: tuple[str, dict[str, Any]]) -> None:
    family, item = family_item
    doc = {"optionSets": {"yes-no": ["Yes", "No"]}, family: [item]}
    codes = _error_codes(check_text(json.dumps(doc)))
    assert codes <= {"duplicate-title", "duplicate-item-key", "empty-title"}, (
        codes,
        doc,
    )  # the strategy's own slips
    if not codes:
        assert schema_errors("ontology", doc) == ([], []), doc


# -- structural errors: the folder's invalid cases, and mutations of valid files -------------------------


def _structural_cases() -> list[Any]:
    out = []
    for path in sorted((CASES / "invalid").glob("*.yaml")):
        header = path.read_text(encoding="utf-8").splitlines()[0]
        codes = {item.split()[0] for item in header.split(":", 1)[1].split(",") if item.strip()}
        if codes & REJECTED:
            out.append(pytest.param(path, sorted(codes & REJECTED), id=path.stem))
    return out


STRUCTURAL_CASES = _structural_cases()


def test_the_structural_cases_are_many() -> None:
    assert len(STRUCTURAL_CASES) >= 40


@pytest.mark.parametrize(("path", "codes"), STRUCTURAL_CASES)
def test_the_schema_rejects_each_structural_case(path: Path, codes: list[str]) -> None:
    data = load(path)
    python, ecma = schema_errors(kind_of(data), data)
    assert python and ecma, f"{path.name} ({', '.join(codes)}) fits the schema"


def _nodes(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    todo = [item for family in ("tools", "classifications", "relations") for item in doc.get(family, [])]
    while todo:
        node = todo.pop(0)
        if isinstance(node, dict):
            yield node
            todo += node.get("classifications", [])


def _set(field: str, value: Any) -> Callable[[dict[str, Any]], bool]:
    def mutate(node: dict[str, Any]) -> bool:
        node[field] = value
        return True

    return mutate


def _options_on(kind: str) -> Callable[[dict[str, Any]], bool]:
    def mutate(node: dict[str, Any]) -> bool:
        if node.get("type") not in CLASSIFICATION_TYPES or node.get("classifications"):
            return False
        for field in ("optionSet", "treeOptions", "richText", "regex"):
            node.pop(field, None)
        node.update(type=kind, options=["a"])
        return True

    return mutate


def _tree_options_on_radio(node: dict[str, Any]) -> bool:
    if node.get("type") != "radio":
        return False
    node["treeOptions"] = ["x"]
    return True


#: name -> (what it does to a category, the code ontokit reports)
CATEGORY_MUTATIONS: dict[str, tuple[Callable[[dict[str, Any]], bool], str]] = {
    "title-a-number": (_set("title", 5), "wrong-type"),
    "required-yes": (_set("required", "yes"), "wrong-type"),
    "unknown-key": (_set("titel", "x"), "unknown-field"),
    "unknown-type": (_set("type", "bounding-boxx"), "unknown-type"),
    "bad-color": (_set("color", "red"), "invalid-color"),
    "short-color": (_set("color", "#FFF"), "invalid-color"),
    "tab-shortcut": (_set("shortcutKey", "\t"), "invalid-shortcut"),
    "space-shortcut": (_set("shortcutKey", " "), "invalid-shortcut"),
    "options-on-text": (_options_on("text"), "options-not-allowed"),
    "options-on-boolean": (_options_on("boolean"), "options-not-allowed"),
    "tree-options-on-radio": (_tree_options_on_radio, "tree-options-not-allowed"),
}
ONTOLOGY_FILES = [f for f in VALID_FILES if kind_of(load(f)) == "ontology"]


@pytest.mark.parametrize("mutation", list(CATEGORY_MUTATIONS))
def test_mutations_of_valid_ontologies_are_rejected_by_both(mutation: str) -> None:
    mutate, code = CATEGORY_MUTATIONS[mutation]
    checked = 0
    for path in ONTOLOGY_FILES:
        doc, done = load(path), 0
        for node in list(_nodes(doc))[:40]:
            saved = dict(node)  # mutations set fields of the node itself
            if mutate(node):
                checked, done = checked + 1, done + 1
                assert code in _error_codes(check_text(json.dumps(doc))), (path.name, node)
                python, ecma = schema_errors("ontology", doc)
                assert python and ecma, (path.name, node)
            node.clear()
            node.update(saved)
            if done == 2:
                break  # a couple of nodes per file, in a few files
        if checked >= 8:
            break
    assert checked >= 5


PROJECT_MUTATIONS: dict[str, tuple[dict[str, Any], str]] = {
    "name-a-number": ({"name": 5}, "wrong-type"),
    "unknown-key": ({"nmae": "x"}, "unknown-field"),
    "unknown-type": ({"type": "video"}, "invalid-value"),
    "webhook-not-http": ({"webhooks": [{"url": "ftp://x", "types": ["COMPLETED"]}]}, "invalid-value"),
    "member-not-an-email": ({"members": {"not an email": "Labeler"}}, "invalid-value"),
    "member-role": ({"members": {"ann@example.com": "Owner"}}, "invalid-value"),
    "benchmark-without-enabled": ({"benchmark": {"ratio": 5}}, "missing-field"),
    "url-on-a-label-stage": (
        {
            "workflow": [
                {"id": "Start", "type": "Start", "next": ["Label"]},
                {"id": "Label", "type": "Label", "next": ["Complete"], "url": "https://example.com"},
                {"id": "Complete", "type": "Complete"},
            ]
        },
        "invalid-workflow",
    ),
    "blank-name": ({"name": " \t"}, "blank-name"),
    "blank-batch": ({"batches": ["Week 1", {"name": "\u3000"}]}, "blank-name"),
    "id-dot-dot": ({"id": ".."}, "invalid-project-id"),
    "id-with-a-slash": ({"id": "../listProjects"}, "invalid-project-id"),
    "id-with-a-space": ({"id": "abc def"}, "invalid-project-id"),
    "inline-parent-option-on-top": (
        {"ontology": {"classifications": [{"title": "Q", "type": "text", "parentOptionId": "a"}]}},
        "parent-option-no-parent",
    ),
    "inline-bad-color": (
        {"ontology": {"tools": [{"title": "Car", "type": "point", "color": "red"}]}},
        "invalid-color",
    ),
    "inline-unknown-key": ({"ontology": {"tools": [{"title": "Car", "tipe": "point"}]}}, "unknown-field"),
}


@pytest.mark.parametrize("mutation", list(PROJECT_MUTATIONS))
def test_mutations_of_a_valid_project_are_rejected_by_both(mutation: str, tmp_path: Path) -> None:
    base = {"name": "Road scenes", "ontology": {"tools": [{"title": "Car", "type": "point"}]}}
    change, code = PROJECT_MUTATIONS[mutation]
    for doc, rejected in ((base, False), ({**base, **change}, True)):
        path = tmp_path / "project.yaml"
        path.write_text(json.dumps(doc), encoding="utf-8")
        codes = _error_codes(check_path(path))
        python, ecma = schema_errors("project", doc)
        if rejected:
            assert code in codes and python and ecma, (codes, python, ecma)
        else:
            assert (codes, python, ecma) == (set(), [], [])


def test_the_space_classes_are_what_python_strips() -> None:
    import re
    import unicodedata

    from ontology_kit import schema

    every = "".join(map(chr, range(0x110000)))
    python_spaces = {c for c in every if c.isspace()}
    assert set(re.findall(f"[{schema._WHITESPACE}]", every)) == python_spaces
    assert set(re.findall(f"[{schema._SPACES}]", every)) == {
        c for c in python_spaces if unicodedata.category(c) != "Cc"
    }


# -- the check-jsonschema CLI itself ---------------------------------------------------------------------


def test_check_jsonschema_cli_takes_the_valid_and_refuses_the_invalid() -> None:
    pytest.importorskip("check_jsonschema")
    command = [
        sys.executable,
        "-m",
        "check_jsonschema",
        "--schemafile",
        str(ROOT / "schemas" / "ontology.schema.json"),
    ]
    good = subprocess.run(
        [*command, *map(str, ONTOLOGY_FILES[:6])], capture_output=True, text=True, check=False
    )
    assert good.returncode == 0, good.stdout + good.stderr
    bad = [
        CASES / "invalid" / name
        for name in ("invalid_colors.yaml", "options_on_non_option_classifications.yaml")
    ]
    refused = subprocess.run([*command, *map(str, bad)], capture_output=True, text=True, check=False)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    for path in bad:
        assert str(path) in refused.stdout
