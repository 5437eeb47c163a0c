"""``ontokit fmt``: one canonical layout, comments kept, idempotent, payload unchanged; ``--check``,
``--diff``; refusals (a comment inside a flow list, invalid YAML); other tools' YAML left alone."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import run_ontokit

from ontology_kit import check_file, check_text
from ontology_kit.fmt import format_file, format_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(
    p
    for folder in (ROOT / "examples", ROOT / "tests" / "cases" / "valid")
    for p in folder.rglob("*")
    if p.suffix in (".yaml", ".yml")
)


ontokit = run_ontokit


def comments(text: str) -> list[str]:
    """Every comment of a YAML text (good enough here: no `#` inside the quoted strings of these files)."""
    found = (re.search(r"(?:^|\s)(#.*)$", line) for line in text.splitlines())
    return sorted(m.group(1).strip() for m in found if m)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- comments -------------------------------------------------------------------------------------------
COMMENTED = """\
# yaml-language-server: $schema=../schemas/ontology.schema.json
# file header

version: 1  # format version
description: Comments everywhere  # description comment

optionSets:  # sets
  # yes-no set
  yes-no:
    - Yes  # yes
    - No   # no

tools:  # tools
  # first tool
  - type: bounding-box  # box
    title: Vehicle  # vehicle title
    key: vehicle  # key
    color: "#E53935"  # color
    # before classifications
    classifications:
      - type: radio  # radio type
        title: Kind  # kind
        options:
          # first option
          - Car  # car
          - {schemaId: truck-id, value: Truck}  # truck flow map
          - value: Bus  # bus
            key: bus  # bus key
        classifications:
          - parentOptionId: Truck  # when truck
            type: text
            title: Axles
      - title: Occluded
        type: radio
        optionSet: yes-no  # uses the set
  # second tool
  - title: Sign
    type: point
classifications:
  - title: Weather  # weather
    type: tree-dropdown
    treeOptions:
      # rain subtree
      - children:  # children of rain
          - Light  # light
          - Heavy
        title: Rain  # rain
      - Sun  # sun
relations:
  - {type: one-to-one, title: Tows}  # tows
# the end
"""

#: end-of-line comments and a piece of their line that must stay with them
ATTACHED = [
    ("# box", "type: bounding-box"),
    ("# vehicle title", "title: Vehicle"),
    ("# key", "key: vehicle"),
    ("# yes", "- Yes"),
    ("# no", "- No"),
    ("# car", "- Car"),
    ("# truck flow map", "value: Truck"),
    ("# when truck", "parentOptionId: Truck"),
    ("# radio type", "type: radio"),
    ("# kind", "title: Kind"),
    ("# children of rain", "children:"),
    ("# rain", "title: Rain"),
    ("# tows", "title: Tows"),
    ("# uses the set", "optionSet: yes-no"),
    ("# format version", "version: 1"),
]


@pytest.fixture
def commented(tmp_path: Path) -> Path:
    return write(tmp_path, "ontology.yaml", COMMENTED)


def test_every_comment_is_kept(commented: Path) -> None:
    run = ontokit("fmt", commented.name, cwd=commented.parent)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "reformatted ontology.yaml\n"
    after = commented.read_text(encoding="utf-8")
    assert after != COMMENTED
    assert comments(after) == comments(COMMENTED)
    for comment, content in ATTACHED:
        [line] = [line for line in after.splitlines() if line.rstrip().endswith(comment)]
        assert content in line, (comment, line)
    lines = after.splitlines()
    assert lines[:2] == COMMENTED.splitlines()[:2]  # the schema line stays first
    assert lines[-1] == "# the end"


def test_comments_and_payload_survive(commented: Path) -> None:
    before = check_file(commented)
    assert before.payload is not None
    assert ontokit("fmt", commented.name, cwd=commented.parent).returncode == 0
    after = check_file(commented)
    assert after.payload == before.payload
    assert [d.code for d in after.diagnostics] == [d.code for d in before.diagnostics]


def test_a_section_comment_stays_between_sections(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "o.yaml",
        "tools:\n  - type: point\n    title: Pin\n\n# --- classifications ---\n"
        "classifications:\n  - title: Notes\n    type: text\n",
    )
    assert ontokit("fmt", "o.yaml", cwd=tmp_path).returncode == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["tools:", "  - title: Pin", "    type: point"], lines
    assert lines[lines.index("classifications:") - 1] == "# --- classifications ---"


def test_refuses_to_lose_a_comment_in_a_flow_list(tmp_path: Path) -> None:
    text = (
        "classifications:\n  - type: radio\n    title: Kind\n    options: [Car,   # the common one\n"
        "              Truck]\n"
    )
    path = write(tmp_path, "o.yaml", text)
    assert check_file(path).ok
    run = ontokit("fmt", "o.yaml", cwd=tmp_path)
    assert run.returncode == 1
    assert path.read_text(encoding="utf-8") == text
    [error] = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert "'# the common one'" in error and "block style" in error
    assert ontokit("fmt", "--check", "o.yaml", cwd=tmp_path).returncode == 1


# -- idempotence and the payload, over every example and valid case --------------------------------------
@pytest.mark.parametrize("path", [pytest.param(p, id=str(p.relative_to(ROOT))) for p in CORPUS])
def test_idempotent_and_payload_unchanged(path: Path) -> None:
    result = format_file(path)
    if result.error is not None:  # the documented refusal, and only that
        assert "cannot format without losing the comment" in result.error
        return
    assert result.formatted is not None
    assert format_text(result.formatted, str(path)) == result.formatted  # twice == once
    before = check_file(path)
    after = check_text(result.formatted, str(path))
    assert after.payload == before.payload
    assert after.ok == before.ok and after.skipped == before.skipped
    assert comments(result.formatted) == comments(result.original.lstrip("\ufeff"))


def test_only_the_documented_refusal_in_the_corpus() -> None:
    refused = [p.name for p in CORPUS if format_file(p).error is not None]
    assert refused == ["comments_everywhere.yaml"]  # a comment inside a flow list, on purpose


def test_the_examples_are_formatted() -> None:
    run = ontokit("fmt", "--check", "examples", cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == ""


# -- key order and quoting --------------------------------------------------------------------------------
SCRAMBLED = """\
relations:
  - type: group
    title: Convoy
classifications:
  - treeOptions:
      - children:
          - {schemaId: light-id, title: Light}
        value: rain
        key: rain
        title: Rain
    type: tree-dropdown
    title: Weather
tools:
  - classifications:
      - options:
          - {schemaId: car-id, key: car, value: Car}
          - Truck
        type: radio
        title: Kind
    shortcutKey: "1"
    required: true
    color: "#E53935"
    schemaId: vehicle-id
    type: bounding-box
    key: vehicle
    title: Vehicle
optionSets:
  yes-no:
    - {key: y, value: "Yes"}
description: Key order
version: 1
"""

CANONICAL = """\
version: 1
description: Key order
optionSets:
  yes-no:
    - {value: "Yes", key: y}
tools:
  - title: Vehicle
    key: vehicle
    type: bounding-box
    schemaId: vehicle-id
    color: "#E53935"
    required: true
    shortcutKey: "1"
    classifications:
      - title: Kind
        type: radio
        options:
          - {value: Car, key: car, schemaId: car-id}
          - Truck
classifications:
  - title: Weather
    type: tree-dropdown
    treeOptions:
      - title: Rain
        key: rain
        value: rain
        children:
          - {title: Light, schemaId: light-id}
relations:
  - title: Convoy
    type: group
"""


def test_keys_in_the_documented_order(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", SCRAMBLED)
    assert ontokit("fmt", "o.yaml", cwd=tmp_path).returncode == 0
    assert path.read_text(encoding="utf-8") == CANONICAL
    assert check_text(CANONICAL, "c.yaml").payload == check_text(SCRAMBLED, "s.yaml").payload


def test_project_and_workspace_keys_in_order(tmp_path: Path) -> None:
    write(tmp_path, "o.yaml", "tools:\n  - title: Pin\n    type: point\n")
    project = write(
        tmp_path,
        "p.yaml",
        "webhooks:\n  - secret: {env: HOOK_SECRET}\n    types: [COMPLETED]\n"
        "    url: https://hooks.example.com/x\nbatches: [Week 1]\n"
        "ontology: o.yaml\nid: abc\nname: P\n",
    )
    workspace = write(tmp_path, "ontokit.yaml", "hub: embedded\nprojects: [p.yaml]\n")
    inline = write(
        tmp_path, "inline.yaml", "name: Inline\nontology:\n  tools:\n    - type: point\n      title: Pin\n"
    )
    run = ontokit("fmt", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert project.read_text(encoding="utf-8") == (
        "name: P\nid: abc\nontology: o.yaml\nbatches: [Week 1]\nwebhooks:\n"
        "  - url: https://hooks.example.com/x\n    types: [COMPLETED]\n    secret: {env: HOOK_SECRET}\n"
    )
    assert workspace.read_text(encoding="utf-8") == "projects: [p.yaml]\nhub: embedded\n"
    assert inline.read_text(encoding="utf-8") == (
        "name: Inline\nontology:\n  tools:\n    - title: Pin\n      type: point\n"
    )
    assert ontokit("validate", ".", cwd=tmp_path).returncode == 0


QUOTING = """\
classifications:
  - title: Answer
    type: radio
    options:
      - No
      - on
      - Off
      - y
      - 1:30
      - 2024-1-1
      - '1.10'
      - "0x1F"
      - Maybe
      - Yes please
      - Car
      - Ünïcode 中文
      - it's
      - 'true'
      - 'null'
      - '1_000'
      - '0B11'
      - '+0x1F'
      - '.Nan'
"""

VALUES = [
    "No",
    "on",
    "Off",
    "y",
    "1:30",
    "2024-1-1",
    "1.10",
    "0x1F",
    "Maybe",
    "Yes please",
    "Car",
    "Ünïcode 中文",
    "it's",
    "true",
    "null",
    "1_000",
    "0B11",
    "+0x1F",
    ".Nan",
]


def test_yaml_12_strings_stay_plain_and_ambiguous_ones_stay_quoted(tmp_path: Path) -> None:
    """Issue 13 item 4: the documented style (`yes-no: [Yes, No]`) is canonical. fmt keeps plain what
    ontokit's reader reads as the string written, and the quotes of what it would read otherwise."""
    path = write(tmp_path, "o.yaml", QUOTING)
    assert ontokit("fmt", "--check", "o.yaml", cwd=tmp_path).returncode == 0
    assert ontokit("fmt", "o.yaml", cwd=tmp_path).returncode == 0
    assert path.read_text(encoding="utf-8") == QUOTING
    payload = check_file(path).payload
    assert payload is not None
    assert [o["value"] for o in payload["categorySchema"]["classifications"][0]["options"]] == VALUES


@pytest.mark.parametrize(
    "directive",
    [
        pytest.param("%YAML 1.1\n---\n", id="directive"),
        pytest.param("# head\n%YAML 1.1   # declared\n--- # the document\n", id="with-comments"),
    ],
)
def test_a_yaml_11_directive_quotes_what_yaml_11_reads_otherwise(tmp_path: Path, directive: str) -> None:
    """Under a `%YAML 1.1` directive the file declares `No`, `on` and dates booleans and timestamps:
    fmt quotes them, so that a YAML 1.1 reader (PyYAML) reads the strings ontokit reads."""
    path = write(tmp_path, "o.yaml", directive + QUOTING)
    assert ontokit("fmt", "o.yaml", cwd=tmp_path).returncode == 0
    after = path.read_text(encoding="utf-8")
    for value in ("No", "on", "Off", "y", "1:30", "2024-1-1"):
        assert f'      - "{value}"\n' in after
    assert yaml.safe_load(after)["classifications"][0]["options"] == VALUES


def test_a_date_stays_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", "tools:\n  - title: 2024-01-01\n    type: point\n")
    payload = check_file(path).payload
    assert payload is not None and payload["categorySchema"]["tools"][0]["title"] == "2024-01-01"
    assert ontokit("fmt", "--check", "o.yaml", cwd=tmp_path).returncode == 0


# -- --check and --diff -----------------------------------------------------------------------------------
def test_check(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", SCRAMBLED)
    run = ontokit("fmt", "--check", "o.yaml", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout == "would reformat o.yaml\n"
    assert "1 file would be reformatted" in run.stderr
    assert path.read_text(encoding="utf-8") == SCRAMBLED
    path.write_text(CANONICAL, encoding="utf-8")
    run = ontokit("fmt", "--check", "o.yaml", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (0, "")


def test_diff(tmp_path: Path) -> None:
    path = write(tmp_path, "o.yaml", SCRAMBLED)
    run = ontokit("fmt", "--diff", "o.yaml", cwd=tmp_path)
    assert run.returncode == 0
    assert path.read_text(encoding="utf-8") == SCRAMBLED
    lines = run.stdout.splitlines()
    assert lines[:2] == ["--- o.yaml", "+++ o.yaml (formatted)"]
    assert lines[2].startswith("@@ ")
    assert "+version: 1" in lines and "-version: 1" in lines
    assert ontokit("fmt", "--diff", "o.yaml", cwd=tmp_path).stdout == run.stdout  # still nothing written
    path.write_text(CANONICAL, encoding="utf-8")
    assert ontokit("fmt", "--diff", "o.yaml", cwd=tmp_path).stdout == ""


# -- other YAML, and errors ------------------------------------------------------------------------------
WORKFLOW = """\
on:
  pull_request:
name: ci
jobs:
  test:
    steps:
      - run: echo No
        name: yes
    runs-on: ubuntu-latest
"""


def test_other_tools_yaml_is_left_alone(tmp_path: Path) -> None:
    workflow = write(tmp_path, "ci.yml", WORKFLOW)
    compose = write(tmp_path, "compose.yaml", "services:\n  web: {image: nginx, ports: ['80:80']}\n")
    run = ontokit("fmt", "ci.yml", "compose.yaml", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    assert workflow.read_text(encoding="utf-8") == WORKFLOW
    assert compose.read_text(encoding="utf-8") == "services:\n  web: {image: nginx, ports: ['80:80']}\n"
    assert ontokit("fmt", "--check", "ci.yml", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
@pytest.mark.parametrize(
    ("text", "at"),
    [
        pytest.param(
            "description: a{c}b\ntools:\n  - {{title: Car, type: point}}\n", (1, 15), id="plain-value"
        ),
        pytest.param("tools:\n  # a{c} b\n  - {{title: Car, type: point}}\n", (2, 6), id="comment"),
        pytest.param("tools:\n  - title: Car{c}\n    type: point\n", (2, 15), id="end-of-value"),
    ],
)
def test_a_unicode_line_break_is_refused_at_its_place(
    tmp_path: Path, text: str, at: tuple[int, int], char: str
) -> None:
    """The reader takes U+2028, U+2029 and U+0085 for characters, the formatter's parser for line
    breaks: a valid file holding one raw was refused with "would read differently at $.description",
    no place and no fix. Now: where, which, and what to write instead; written as an escape it formats."""
    path = write(tmp_path, "o.yaml", text.format(c=char))
    assert check_file(path).ok
    error = format_file(path).error
    assert error is not None and f"o.yaml:{at[0]}:{at[1]}: " in error, error
    assert f"U+{ord(char):04X}" in error and "double quotes" in error
    escaped = write(tmp_path, "e.yaml", 'description: "a\\u2028b"\ntools:\n  - {title: Car, type: point}\n')
    assert format_file(escaped).error is None


def test_a_folder_skips_hidden_folders(tmp_path: Path) -> None:
    hidden = tmp_path / ".github" / "workflows"
    hidden.mkdir(parents=True)
    workflow = write(hidden, "ci.yml", WORKFLOW)
    ontology = write(tmp_path, "o.yaml", SCRAMBLED)
    run = ontokit("fmt", ".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "reformatted o.yaml\n"
    assert ontology.read_text(encoding="utf-8") == CANONICAL
    assert workflow.read_text(encoding="utf-8") == WORKFLOW


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("tools: [\n", "cannot format", id="unclosed-flow"),
        pytest.param(
            "tools:\n  - title: a\n    title: b\n",
            "appears twice in this mapping (the first 'title' is at bad.yaml:2:5",
            id="duplicate-key",
        ),
        pytest.param("tools:\n\t- title: a\n", "a tab is used for indentation", id="tab-indent"),
        pytest.param("tools:\n  - title: [a\n  - b: }\n", "cannot format", id="garbage"),
        pytest.param("- title: Car\n", "must be a mapping (start with keys", id="root-list"),
    ],
)
def test_invalid_yaml_is_a_one_line_error(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    run = ontokit("fmt", "bad.yaml", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout == ""
    [error] = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith("error: bad.yaml") and message in error
    assert path.read_text(encoding="utf-8") == text


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    run = ontokit("fmt", "nope.yaml", cwd=tmp_path)
    assert run.returncode == 1 and "nope.yaml" in run.stderr


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", "tools: [\n")
    good = write(tmp_path, "good.yaml", SCRAMBLED)
    run = ontokit("fmt", "bad.yaml", "good.yaml", cwd=tmp_path)
    assert run.returncode == 1
    assert good.read_text(encoding="utf-8") == CANONICAL


# -- packaging ---------------------------------------------------------------------------------------------
def _distribution(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_third_party_module_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_distribution(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in project["dependencies"]}
    owners = importlib.metadata.packages_distributions()
    missing = set()
    for source in (ROOT / "ontology_kit").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "ontology_kit":
                    continue
                if not {_distribution(d) for d in owners.get(top, [top])} & declared:
                    missing.add(f"{top} ({source.relative_to(ROOT)})")
    assert not missing, sorted(missing)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("retired: [{schemaId: a, was: b}, {schemaId: c}]\n", id="retired"),
        pytest.param(
            "migrations:\n  - merge: [{schemaId: a}, [Vehicle, Type, Lorry]]\n    into: [Vehicle, Type, Truck]\n",
            id="migration-refs",
        ),
        pytest.param("optionSets:\n  s: [{value: a}, b]\n", id="option-set"),
    ],
)
def test_a_one_key_mapping_in_a_flow_list_keeps_its_braces(tmp_path: Path, text: str) -> None:
    """fmt wrote `[{schemaId: a}]` as `[schemaId: a]` (the same data, a style nobody writes)."""
    path = tmp_path / "o.yaml"
    path.write_text("tools:\n  - title: A\n    type: point\n" + text)
    assert "{" in format_text(path.read_text())
    assert format_text(path.read_text()).count("{") == text.count("{")
