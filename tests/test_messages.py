"""Messages people can act on (issue 13, item 5): every error of a project, workspace or ontology file
has a code, ``file:line:col`` and a hint, in ontokit's words rather than pydantic's or the YAML
parser's; all errors of a file in one run (an inline ontology's too); a duplicate names its first
use; a suggestion comes from the right family.

The class tests walk the models' fields and feed each wrong values, and run each class of YAML
parser error; the findings quoted in the issue are regression cases of their own.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from ontology_kit import Diagnostic, check_path, check_text
from ontology_kit.fmt import format_file
from ontology_kit.loader.syntax import explain
from ontology_kit.model.migrations import Migration
from ontology_kit.model.ontology import Classification, Ontology, Option, Relation, RetiredId, Tool, TreeNode
from ontology_kit.project.model import (
    BatchSpec,
    BenchmarkSpec,
    ConsensusConfig,
    LabelValidationSpec,
    Position,
    ProjectFile,
    SecretRef,
    SettingsSpec,
    StageSpec,
    WebhookSpec,
    WorkspaceFile,
)
from ontology_kit.rulebook import CODES

#: What pydantic says; none of it may reach a user.
PYDANTIC_WORDS = (
    "should match pattern",
    "Input should be",
    "type=",
    "For further information visit",
    "Value error",
    "Extra inputs are not permitted",
    "Field required",
    "should have at",
    "valid dictionary",
    "valid string",
)
#: What the YAML parsers say; none of it may reach a user either.
PARSER_WORDS = (
    "did not find expected",
    "while parsing",
    "while scanning",
    "mapping values are not allowed",
    "that cannot start any token",
    "could not find expected",
    "undefined alias",
    "unknown anchor",
    "quoted scalar",
    "simple key",
    "<block end>",
)

#: A valid instance of each model, to put one wrong value into.
MINIMAL: dict[type[BaseModel], dict[str, Any]] = {
    ProjectFile: {"name": "P", "ontology": {"tools": [{"title": "Car", "type": "point"}]}},
    WorkspaceFile: {"projects": ["p.yaml"]},
    WebhookSpec: {"url": "https://hooks.example.com/x", "types": ["COMPLETED"]},
    BatchSpec: {"name": "B"},
    StageSpec: {"id": "s", "type": "Start"},
    Position: {"x": 0, "y": 0},
    ConsensusConfig: {"threshold": 50},
    SecretRef: {"env": "WEBHOOK_SECRET"},
    BenchmarkSpec: {"enabled": True},
    LabelValidationSpec: {},
    SettingsSpec: {},
    Ontology: {"tools": [{"title": "Car", "type": "point"}]},
    Tool: {"title": "T", "type": "point"},
    Classification: {"title": "Q", "type": "radio", "options": ["a"]},
    Relation: {"title": "R", "type": "one-to-one"},
    Option: {"value": "v"},
    RetiredId: {"schemaId": "gone-1"},
    TreeNode: {"title": "n"},
    Migration: {"delete": ["Old"], "acknowledge": True},
}
#: The wrong values every field is given: at least one of them is wrong for any field.
WRONG: tuple[Any, ...] = ([1], {"x": 1}, True, 12345, -1, "not ✗ valid", [], None)


def _unwrap(ann: Any) -> list[Any]:
    while get_origin(ann) is typing.Annotated:
        ann = get_args(ann)[0]
    if get_origin(ann) in (Union, types.UnionType):
        return [a for arm in get_args(ann) if arm is not type(None) for a in _unwrap(arm)]
    return [ann]


def _where(ann: Any, path: tuple[Any, ...]) -> tuple[type[BaseModel], tuple[Any, ...]] | None:
    """The model a field holds (directly, in a list, or as a mapping's values) and the path of one."""
    for arm in _unwrap(ann):
        if isinstance(arm, type) and issubclass(arm, BaseModel):
            return arm, path
        args = get_args(arm)
        if get_origin(arm) is list and args:
            found = _where(args[0], (*path, 0))
            if found:
                return found
        if get_origin(arm) is dict and len(args) == 2:
            found = _where(args[1], (*path, "ann@example.com"))
            if found:
                return found
    return None


def _fields(root: type[BaseModel]) -> list[tuple[tuple[Any, ...], str]]:
    """(path of the mapping, field name) of every field of ``root`` and the models below it."""
    out: list[tuple[tuple[Any, ...], str]] = []
    todo: list[tuple[type[BaseModel], tuple[Any, ...]]] = [(root, ())]
    done: set[type[BaseModel]] = set()
    while todo:
        model, path = todo.pop(0)
        if model in done or model not in MINIMAL:
            continue
        done.add(model)
        for name, info in model.model_fields.items():
            out.append((path, name))
            below = _where(info.annotation, (*path, name))
            if below is not None:
                todo.append(below)
    return out


def _document(root: type[BaseModel], path: tuple[Any, ...], field: str, value: Any) -> dict[str, Any]:
    """``root``'s minimal document, with the mapping at ``path`` built and ``field`` set to ``value``."""
    doc: Any = yaml.safe_load(yaml.safe_dump(MINIMAL[root]))
    node, model = doc, root
    for depth, part in enumerate(path):
        if isinstance(part, str) and isinstance(node, dict) and isinstance(model, type):
            ann = model.model_fields[part].annotation if part in model.model_fields else None
            below = _where(ann, ()) if ann is not None else None
            rest = path[depth + 1 :]
            child_model = below[0] if below else None
            shape = below[1] if below else ()
            container: Any = MINIMAL.get(child_model, {}) if child_model else {}
            container = yaml.safe_load(yaml.safe_dump(container))
            wrapped: Any = container
            for step in reversed(shape):
                wrapped = [wrapped] if isinstance(step, int) else {step: wrapped}
            if part not in node or not rest:
                node[part] = wrapped
            node = node[part]
            for _ in shape:
                node = node[0] if isinstance(node, list) else next(iter(node.values()))
            model = child_model  # type: ignore[assignment]
    node[field] = value
    return typing.cast(dict[str, Any], doc)


def _check(root: type[BaseModel], doc: dict[str, Any], tmp_path: Path) -> list[Diagnostic]:
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    if root is Ontology:
        return list(check_text(text, "o.yaml").diagnostics)
    name = "ontokit.yaml" if root is WorkspaceFile else "project.yaml"
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(MINIMAL[ProjectFile]), encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    return list(check_path(tmp_path / name, name).diagnostics)


def _assert_helpful(diags: list[Diagnostic], *, words: tuple[str, ...] = PYDANTIC_WORDS) -> None:
    for d in diags:
        said = f"{d.location}: [{d.code}] {d.message} | {d.hint}"
        assert d.code in CODES, said
        assert d.line > 0 and d.column > 0, said
        assert d.hint, said
        assert not any(w in d.message or w in d.hint for w in words), said
        assert "{related}" not in d.message + d.hint, said


FIELD_CASES = [
    pytest.param(root, path, field, id=f"{root.__name__}:{'.'.join(map(str, (*path, field)))}")
    for root in (ProjectFile, WorkspaceFile, Ontology)
    for path, field in _fields(root)
]


def test_the_walk_reaches_the_nested_models() -> None:
    reached = {p.values[1] + (p.values[2],) for p in FIELD_CASES}
    for where in [("webhooks", 0, "secret", "env"), ("workflow", 0, "position", "x"), ("benchmark", "ratio")]:
        assert where in reached
    assert any(r[-2:] == (0, "value") for r in reached)  # options
    assert ("retired", 0, "was") in reached
    assert ("tools", 0, "classifications", 0, "title") not in reached  # each model once


@pytest.mark.parametrize(("root", "path", "field"), FIELD_CASES)
def test_every_field_given_a_wrong_value(
    tmp_path: Path, root: type[BaseModel], path: tuple[Any, ...], field: str
) -> None:
    """Each field, given each wrong value: some value is refused, and every message has a code, a
    position and a hint, and no pydantic wording."""
    refused = 0
    for value in WRONG:
        diags = _check(root, _document(root, path, field, value), tmp_path)
        _assert_helpful(diags)
        refused += any(d.severity == "error" for d in diags)
    assert refused, f"no wrong value of {field} was refused"


def _project(tmp_path: Path, text: str) -> list[Diagnostic]:
    (tmp_path / "project.yaml").write_text(text, encoding="utf-8")
    return list(check_path(tmp_path / "project.yaml", "project.yaml").diagnostics)


def test_webhook_url_finding(tmp_path: Path) -> None:
    """The issue's example: a webhook URL that is not http(s)."""
    diags = _project(
        tmp_path,
        "name: P\nontology: {tools: [{title: Car, type: point}]}\nwebhooks:\n"
        "  - url: hooks.example.com/x\n    types: [COMPLETED]\n",
    )
    [d] = diags
    assert (d.code, d.line, d.column) == ("invalid-value", 4, 10)
    assert d.message == "`url` 'hooks.example.com/x' is not an http(s) URL"
    assert d.hint is not None and "use an http:// or https:// URL" in d.hint


@pytest.mark.parametrize(
    ("text", "code", "hint"),
    [
        pytest.param(
            "workflow:\n  - {id: s, type: Start, tyep: x}\n",
            "unknown-field",
            "did you mean 'type'?",
            id="stage",
        ),
        pytest.param(
            "settings: {idleTimout: 3}\n", "unknown-field", "did you mean 'idleTimeout'?", id="settings"
        ),
        pytest.param("benchmark: {enabled: true, ratoi: 3}\n", "unknown-field", "'ratio'", id="benchmark"),
        pytest.param(
            "workflow:\n  - {id: s, type: review}\n",
            "invalid-value",
            "did you mean 'Review'?",
            id="stage-type",
        ),
        pytest.param(
            "webhooks: [{url: 'https://h.example.com', types: [complete]}]\n",
            "invalid-value",
            "did you mean 'COMPLETED'?",
            id="webhook-event",
        ),
        pytest.param("members: {ann@example.com: labler}\n", "invalid-value", "'Labeler'", id="role"),
        pytest.param(
            "members: {ann@example.com: Owner}\n", "invalid-value", "Manager, Labeler", id="role-unknown"
        ),
        pytest.param(
            "workflow:\n  - {id: s, type: Start, assignedTo: [ann]}\n", "invalid-value", "e-mail", id="email"
        ),
        pytest.param(
            "webhooks: [{url: 'https://h.example.com', types: [UPDATED], secret: {env: TOKEN}}]\n",
            "invalid-value",
            "WEBHOOK_SECRET",
            id="secret-name",
        ),
        pytest.param("type: pdf\n", "invalid-value", "one of: ango, pct, iframe", id="project-type"),
    ],
)
def test_project_hints_from_the_right_model(tmp_path: Path, text: str, code: str, hint: str) -> None:
    """An unknown field or value is matched against the model that holds it (a stage's fields, not the
    project's), and the hint says what to write."""
    diags = _project(tmp_path, "name: P\nontology: {tools: [{title: Car, type: point}]}\n" + text)
    _assert_helpful(diags)
    assert [d.code for d in diags] == [code], diags
    assert hint in (diags[0].hint or ""), diags


def test_workspace_rate_limit(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(MINIMAL[ProjectFile]), encoding="utf-8")
    (tmp_path / "ontokit.yaml").write_text("projects: [p.yaml]\nrate_limit: fast\n", encoding="utf-8")
    [d] = check_path(tmp_path / "ontokit.yaml", "ontokit.yaml").diagnostics
    _assert_helpful([d])
    assert (d.code, d.line) == ("invalid-value", 2)


# -- all errors of a file in one run ------------------------------------------------------------

_INLINE = "ontology:\n  tools:\n    - title: Car\n      tipe: point\n"


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        pytest.param(
            "name: P\nwebhooks:\n  - {url: ftp://x, types: [COMPLETED]}\n" + _INLINE,
            [("invalid-value", 3, 11), ("missing-field", 6, 7), ("unknown-field", 7, 7)],
            id="webhook-and-inline",
        ),
        pytest.param(
            "name: P\nbogus: 1\n" + _INLINE,
            [("unknown-field", 2, 1), ("missing-field", 5, 7), ("unknown-field", 6, 7)],
            id="unknown-field-and-inline",
        ),
        pytest.param(
            "name: [P]\nontology: onto.yaml\n",
            [("wrong-type", 1, 7), ("unknown-type", 1, 28)],
            id="project-error-and-ontology-file",
        ),
        pytest.param(
            "name: P\nbatches: 3\nontology:\n  1: x\n",
            [("wrong-type", 2, 10), ("non-string-key", 4, 3)],
            id="inline-non-string-key",
        ),
        pytest.param("name: P\nontology: 3\n", [("wrong-type", 2, 11)], id="ontology-not-a-mapping"),
    ],
)
def test_all_errors_in_one_run(tmp_path: Path, project: str, expected: list[tuple[str, int, int]]) -> None:
    (tmp_path / "onto.yaml").write_text("tools: [{title: Car, type: dropdown}]\n", encoding="utf-8")
    diags = _project(tmp_path, project)
    _assert_helpful(diags)
    assert [(d.code, d.line, d.column) for d in diags] == expected, diags


# -- parser errors ------------------------------------------------------------------------------

PARSER_CASES = [
    pytest.param("tools:\n  - title: Car\n   type: point\n", (3, 4), "not indented like", id="bad-indent"),
    pytest.param(
        "tools:\n  - title: Car: big\n    type: point\n", (2, 15), "second `: `", id="mapping-values"
    ),
    pytest.param("tools:\n\t- title: Car\n", (2, 1), "tab", id="tab"),
    pytest.param("tools:\n  - title: Car\n    type point\n  - x\n", (3, 5), "without a `:`", id="no-colon"),
    pytest.param("a: *weather\n", (1, 4), "anchor that is not defined", id="undefined-alias"),
    pytest.param("a: 1\na: 2\n", (2, 1), "appears twice", id="duplicate-key"),
    pytest.param('tools:\n  - title: "Car\n    type: point\n', (2, 12), "not closed", id="unclosed-quote"),
    pytest.param("a: 1\ntitle: 'Car\n", (2, 8), "not closed", id="unclosed-single-quote-eof"),
    pytest.param("tools: [a, b\n", (1, 8), "`[` list is not closed", id="unclosed-bracket"),
    pytest.param("tools: {a: b\n", (1, 8), "`{` mapping is not closed", id="unclosed-brace"),
    pytest.param("tools: [{title: Car, type point]\n", (1, 9), "closed by `]`", id="mismatched-bracket"),
    pytest.param("title: @x\n", (1, 8), "cannot start with `@`", id="reserved-character"),
    pytest.param('title: "\\q"\n', (1, 8), "unknown escape", id="unknown-escape"),
    pytest.param("a: b\n- c\n", (2, 3), "does not continue the mapping", id="list-in-mapping"),
    pytest.param("a: & b\n", (1, 4), "not followed by a name", id="anchor-without-name"),
    pytest.param("a: [b,, c]\n", (1, 7), "not well-formed", id="flow-double-comma"),
    pytest.param("a: {b: c: d}\n", (1, 9), "not well-formed", id="flow-colon"),
    pytest.param("a: b\nc: !!foo b\n", (2, 4), "tag", id="unknown-tag"),
    pytest.param("a:\n  b: 1\n c: 2\n", (3, 2), "does not continue the mapping", id="under-indented-key"),
    pytest.param("a: b\nd: 'x'y\n", (2, 7), "after a closing quote", id="text-after-quote"),
    pytest.param(
        "tools: []\n? - title: W\n    options: [Sun]\n: x\n", (2, 1), "used as a key", id="list-key"
    ),
    pytest.param("a: |x\n", (1, 4), "after `|`", id="block-scalar-text"),
    pytest.param("a: [b]]\n", (1, 7), "closes nothing", id="misplaced-bracket"),
    pytest.param("a: 'b'#c\n", (1, 7), "`#` right after", id="comment-without-space"),
    pytest.param(" a: 1\nb: 2\n", (2, 1), "indented less", id="first-line-indented"),
]


@pytest.mark.parametrize(("text", "at", "needle"), PARSER_CASES)
def test_parser_errors_in_plain_words(text: str, at: tuple[int, int], needle: str) -> None:
    diags = list(check_text(text, "f.yaml").diagnostics)
    _assert_helpful(diags, words=PARSER_WORDS)
    assert [(d.line, d.column) for d in diags] == [at], diags
    assert needle in diags[0].message, diags


_VALID = (
    "tools:\n  - title: Car\n    type: point\n    shortcutKey: '1'\nclassifications:\n  - title: Weather\n"
    '    type: radio\n    options: [Sun, "Rain", {value: Snow}]\n'
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(_VALID)), st.integers(0, 3), st.sampled_from(" \t-:[]{}'\"&*!@#,|>\n")),
        min_size=1,
        max_size=3,
    )
)
def test_any_broken_yaml_is_explained(edits: list[tuple[int, int, str]]) -> None:
    """Any file made by breaking a valid one (characters deleted, a YAML indicator inserted): no
    diagnostic in the parser's words, and a syntax error has a position and a hint."""
    text = _VALID
    for at, cut, char in edits:
        text = text[:at] + char + text[at + cut :]
    diags = list(check_text(text, "f.yaml").diagnostics)
    for d in diags:
        assert not any(w in d.message or w in (d.hint or "") for w in PARSER_WORDS), d
        if d.code in ("yaml-syntax", "yaml-tab", "duplicate-key"):
            assert d.line > 0 and d.column > 0 and d.hint, d


@pytest.mark.parametrize(
    "text",
    [
        *(p.values[0] for p in PARSER_CASES),
        "a:\n\t- b\n",
        "",
        "a: \x1c\n",
        "tools: " + "[" * 3000 + "\n",
    ],
    ids=[*(p.id for p in PARSER_CASES), "tab", "empty", "control-character", "too-deep"],
)
def test_fmt_refusals_carry_the_readers_hint(text: str, tmp_path: Path) -> None:
    """fmt refuses what the reader cannot read with the reader's message and its hint (it gave the
    message and code only, while its own round trip's refusals gave the hint)."""
    file = tmp_path / "f.yaml"
    file.write_text(text, encoding="utf-8")
    said = next(iter(check_text(text, str(file)).diagnostics))
    error = format_file(file).error
    assert error is not None and said.message in error and f"({said.hint})" in error, error


@pytest.mark.parametrize(
    "value",
    ["*.yaml", "&x", "a: b", "[x", "#c", "x, y", "true", "vendor/", "it's", '"q"', "é*", "- a", "%x"],
)
def test_a_list_hint_pastes_as_that_list(value: str, tmp_path: Path) -> None:
    """A string where a list is expected: the hint's list, pasted, reads back as the list of that
    string (`write a list: [*.yaml]` was an alias, and a YAML error, when pasted)."""
    file = tmp_path / "ontokit.yaml"
    file.write_text(f"projects: [p/a.yaml]\nexclude: {json.dumps(value)}\n", encoding="utf-8")
    [hint] = [d.hint for d in check_path(file).diagnostics if d.hint and "write a list: " in d.hint]
    pasted = hint.split("write a list: ", 1)[1]
    assert yaml.safe_load(f"exclude: {pasted}\n") == {"exclude": [value]}, hint


_SEMANTIC = "description: x\ntools:\n  - title: Car\n    type: pointy\n"


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
@pytest.mark.parametrize(
    "text", [*(p.values[0] for p in PARSER_CASES), _SEMANTIC], ids=[*(p.id for p in PARSER_CASES), "semantic"]
)
def test_unicode_line_separators_do_not_move_positions(text: str, char: str) -> None:
    """U+2028, U+2029 and U+0085 end no line in YAML 1.2 or in an editor: a comment line holding one,
    put first, moves every diagnostic down by exactly one line (they were placed a line too low, or
    at 1:1 when PyYAML, which reads them as line breaks, gave up)."""
    before = [(d.code, d.line, d.column) for d in check_text(text, "f.yaml").diagnostics]
    after = [(d.code, d.line, d.column) for d in check_text(f"# a{char}b\n" + text, "f.yaml").diagnostics]
    assert after == [(code, line + 1, column) for code, line, column in before]
    if text == _SEMANTIC:  # and inside a value, on the line that holds it
        moved = text.replace("x\n", f"x{char}y\n", 1)
        assert [(d.line, d.column) for d in check_text(moved, "f.yaml").diagnostics] == [(4, 11)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("tools: " + "[" * 3000 + "\n", id="flow-brackets"),
        pytest.param("a: " + "[{a: " * 200 + "\n", id="flow-mixed"),
        pytest.param("".join("  " * i + "- \n" for i in range(300)), id="block"),
    ],
)
def test_any_nesting_too_deep_has_one_code_and_a_hint(text: str) -> None:
    """However deep nesting is found (the parser's own limit on flow brackets, or ontokit's bound),
    the diagnostic is the same: nesting-limit, a position inside the file, a hint."""
    diags = list(check_text(text, "f.yaml").diagnostics)
    assert [d.code for d in diags] == ["nesting-limit"], diags
    assert diags[0].hint and 0 < diags[0].line <= text.count("\n") + 1, diags


@pytest.mark.parametrize(("text", "at", "needle"), PARSER_CASES)
def test_ruamel_errors_in_plain_words(text: str, at: tuple[int, int], needle: str) -> None:
    """fmt's round trip (ruamel.yaml) words its errors otherwise; the same classes are explained."""
    del at, needle
    problem: MarkedYAMLError | None = None
    try:
        YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        problem = exc
    except Exception:  # a value ruamel reads otherwise, or refuses unmarked: nothing to explain
        return
    if problem is None:
        return
    mark = problem.problem_mark
    said = explain(str(problem.problem), text, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1)
    assert said.known, problem.problem
    assert not any(w in said.message + said.hint for w in PARSER_WORDS), said


# -- duplicates name their first use ------------------------------------------------------------

DUPLICATES = [
    pytest.param(
        "tools:\n  - {title: Car, type: point, shortcutKey: '1'}\n  - {title: Bus, type: point, shortcutKey: '1'}\n",
        "duplicate-shortcut",
        "'Car'",
        "f.yaml:2:44",
        id="duplicate-shortcut",
    ),
    pytest.param(
        "classifications:\n  - title: Q\n    type: radio\n    options: [a, b]\n    classifications:\n"
        "      - {title: X, type: text, shortcutKey: '2'}\n      - {title: Y, type: text, shortcutKey: '2'}\n",
        "duplicate-shortcut",
        "X'",
        "f.yaml:6:45",
        id="duplicate-shortcut-nested",
    ),
    pytest.param(
        "tools:\n  - {title: Car, type: point}\n  - {title: Car, type: point}\n",
        "duplicate-title",
        "'Car'",
        "f.yaml:2:13",
        id="duplicate-title",
    ),
    pytest.param(
        "classifications:\n  - {title: Q, type: radio, options: [a, b, a]}\n",
        "duplicate-option",
        "'a'",
        "f.yaml:2:39",
        id="duplicate-option",
    ),
    pytest.param(
        "tools:\n  - {title: A, type: point, key: k}\n  - {title: B, type: point, key: k}\n",
        "duplicate-item-key",
        "'k'",
        "f.yaml:2:5",
        id="duplicate-item-key",
    ),
    pytest.param(
        "tools:\n  - {title: A, type: point, schemaId: x1}\n  - {title: B, type: point, schemaId: x1}\n",
        "duplicate-schema-id",
        "'x1'",
        "f.yaml:2:39",
        id="duplicate-schema-id",
    ),
    pytest.param(
        "tools:\n  - title: A\n    title: B\n    type: point\n",
        "duplicate-key",
        "'title'",
        "f.yaml:2:5",
        id="duplicate-key",
    ),
    pytest.param(
        "tools: [{title: A, type: point}]\nmigrations:\n  - {delete: [Old], acknowledge: true}\n  - {delete: [Old], acknowledge: true}\n",
        "duplicate-migration-source",
        "Old",
        "f.yaml:3:14",
        id="duplicate-migration-source",
    ),
]


@pytest.mark.parametrize(("text", "code", "name", "first"), DUPLICATES)
def test_duplicates_name_their_first_use(text: str, code: str, name: str, first: str) -> None:
    diags = [d for d in check_text(text, "f.yaml").diagnostics if d.code == code]
    assert diags, check_text(text, "f.yaml").diagnostics
    for d in diags:
        said = f"{d.message} | {d.hint}"
        assert name in said and first in said, said


@pytest.mark.parametrize(
    ("text", "first"),
    [
        pytest.param("batches: [W1, W1]\n", "project.yaml:3:11", id="duplicate-batch"),
        pytest.param(
            "webhooks:\n  - {url: 'https://h.example.com', types: [UPDATED]}\n"
            "  - {url: 'https://h.example.com', types: [COMPLETED]}\n",
            "project.yaml:4:11",
            id="duplicate-webhook",
        ),
    ],
)
def test_project_duplicates_name_their_first_use(tmp_path: Path, text: str, first: str) -> None:
    diags = _project(tmp_path, "name: P\nontology: {tools: [{title: Car, type: point}]}\n" + text)
    [d] = diags
    assert first in f"{d.message} {d.hint}", d


def test_duplicate_project_names_the_first_entry(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(MINIMAL[ProjectFile]), encoding="utf-8")
    (tmp_path / "ontokit.yaml").write_text("projects:\n  - a.yaml\n  - b.yaml\n", encoding="utf-8")
    [d] = check_path(tmp_path / "ontokit.yaml", "ontokit.yaml").diagnostics
    assert (d.code, d.line, d.column) == ("duplicate-project", 3, 5)
    assert "ontokit.yaml:2:5" in (d.hint or "")


# -- suggestions from the right family ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        pytest.param(
            "classifications: [{title: Q, type: dropdown, options: [a]}]\n",
            ["'single-dropdown'", "'multi-dropdown'"],
            [],
            id="dropdown",
        ),
        pytest.param(
            "tools: [{title: Q, type: dropdown}]\n",
            ["'single-dropdown'", "`classifications:`"],
            [],
            id="dropdown-under-tools",
        ),
        pytest.param(
            "classifications: [{title: Q, type: box}]\n",
            ["'bounding-box'", "`tools:`"],
            [],
            id="box-under-classifications",
        ),
        pytest.param(
            "relations: [{title: Q, type: one}]\n", ["'one-to-one'", "'one-to-many'"], ["group"], id="one"
        ),
        pytest.param(
            "tools: [{title: Q, type: Bounding_Box}]\n", ["did you mean 'bounding-box'?"], [], id="spelling"
        ),
        pytest.param(
            "classifications: [{title: Q, type: Radio, options: [a]}]\n", ["'radio'"], [], id="case"
        ),
        pytest.param("tools: [{title: Q, type: poligon}]\n", ["'polygon'"], [], id="typo"),
    ],
)
def test_type_suggestions_from_the_right_family(text: str, wanted: list[str], unwanted: list[str]) -> None:
    [d] = check_text(text, "f.yaml").diagnostics
    assert d.code == "unknown-type"
    for word in wanted:
        assert word in (d.hint or ""), d.hint
    for word in unwanted:
        assert word not in (d.hint or ""), d.hint
