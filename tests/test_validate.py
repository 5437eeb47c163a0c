"""Validation against folders of bad and tricky input, through the public API and the CLI.

``tests/cases/invalid/*.yaml``: the first line of each file lists exactly the diagnostics ontokit must
report, in order::

    # expect: unknown-field 4:5, invalid-color 6:12

(``code line:col``; positions count that header line). An optional second line
``# xfail: bug: ...`` marks a case where ontokit is wrong today: the header states the *correct*
result, and the test is a strict xfail until the bug is fixed.

``tests/cases/valid/*.yaml``: files that must validate with no diagnostic at all. Their leading comment
lines hold checks on the compiled payload, in a small JSONPath-like language::

    # expect-payload: $.categorySchema.tools[0].color == "#AABBCC"
    # expect-payload: $.categorySchema.classifications[*].title == ["A", "B"]
    # expect-payload: len($.categorySchema.tools[0].title) == 2000
    # expect-payload: $.a[0].parentOptionId == $.a[0].options[1].schemaId

(the right-hand side is JSON or another path; ``==`` and ``!=``).

Inputs whose bytes cannot live in a text file (not UTF-8, NUL, ...) and problems of the file system
(a missing file, a directory, ...) are generated here from tables.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ontology_kit import FileResult, Severity, check_file, check_path, check_text
from ontology_kit.loader import MAX_FILE_BYTES, LoadResult, load_bytes
from ontology_kit.rulebook import CODES

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
INVALID = HERE / "cases" / "invalid"
VALID = HERE / "cases" / "valid"

WARNING_CODES = frozenset(code for code, summary in CODES.items() if summary.endswith("(warning)"))
Triple = tuple[str, int, int]  # (code, line, column)


# ----------------------------------------------------------------------------------------------------
# reading the case files


@dataclass(frozen=True)
class InvalidCase:
    path: Path
    expected: tuple[Triple, ...]
    xfail: str | None


_EXPECT = re.compile(r"#\s*expect:(?P<items>.*)$")
_EXPECT_ITEM = re.compile(r"(?P<code>[a-z0-9-]+) (?P<line>\d+):(?P<column>\d+)")
_XFAIL = re.compile(r"#\s*xfail:\s*(?P<reason>.+)$")


def _header_lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8-sig").splitlines()


def read_invalid_case(path: Path) -> InvalidCase:
    lines = _header_lines(path)
    match = _EXPECT.fullmatch(lines[0].strip()) if lines else None
    if match is None:
        raise ValueError(f"{path.name}: the first line must be '# expect: code line:col, ...'")
    expected = []
    for item in filter(None, (part.strip() for part in match["items"].split(","))):
        found = _EXPECT_ITEM.fullmatch(item)
        if found is None:
            raise ValueError(f"{path.name}: cannot read expectation {item!r}")
        expected.append((found["code"], int(found["line"]), int(found["column"])))
    xfail = _XFAIL.fullmatch(lines[1].strip()) if len(lines) > 1 else None
    return InvalidCase(path, tuple(expected), xfail["reason"] if xfail else None)


def _invalid_cases() -> list[InvalidCase]:
    return [read_invalid_case(p) for p in sorted(INVALID.glob("*.yaml"))]


def _params(cases: list[InvalidCase]) -> list[Any]:
    return [
        pytest.param(
            c, id=c.path.stem, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else []
        )
        for c in cases
    ]


INVALID_CASES = _invalid_cases()
VALID_FILES = sorted(VALID.glob("*.yaml"))


def triples(result: FileResult) -> list[Triple]:
    return [(d.code, d.line, d.column) for d in result.diagnostics]


def render(result: FileResult) -> str:
    return "\n".join(
        f"  {d.code} {d.line}:{d.column} {d.message} | hint: {d.hint}" for d in result.diagnostics
    )


# ----------------------------------------------------------------------------------------------------
# the payload check language of the valid cases

_STEP = re.compile(r"\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<index>\d+|\*)\]")
_CHECK = re.compile(r"(?:len\((?P<len>\$\S*)\)|(?P<path>\$\S*)) (?P<op>==|!=) (?P<rhs>.+)")
_PAYLOAD_LINE = re.compile(r"#\s*expect-payload:\s*(?P<check>.+)$")


def select(doc: Any, expr: str) -> Any:
    """Evaluate ``$.a[0].b[*].c``: one value, or a list when the path has a ``[*]``."""
    if not expr.startswith("$"):
        raise ValueError(f"a path starts with '$': {expr!r}")
    items, many, pos = [doc], False, 1
    while pos < len(expr):
        step = _STEP.match(expr, pos)
        if step is None:
            raise ValueError(f"cannot read path {expr!r} at {expr[pos:]!r}")
        if step["name"] is not None:
            items = [item[step["name"]] for item in items]
        elif step["index"] == "*":
            items, many = [x for item in items for x in item], True
        else:
            items = [item[int(step["index"])] for item in items]
        pos = step.end()
    return items if many else items[0]


def payload_checks(path: Path) -> list[str]:
    checks = []
    for line in _header_lines(path):
        found = _PAYLOAD_LINE.fullmatch(line.strip())
        if found is None:
            break
        checks.append(found["check"])
    return checks


def evaluate(payload: Any, check: str) -> tuple[Any, str, Any]:
    parsed = _CHECK.fullmatch(check)
    if parsed is None:
        raise ValueError(f"cannot read check {check!r}")
    left = len(select(payload, parsed["len"])) if parsed["len"] else select(payload, parsed["path"])
    rhs = parsed["rhs"].strip()
    right = select(payload, rhs) if rhs.startswith("$") else json.loads(rhs)
    return left, parsed["op"], right


def test_payload_check_language() -> None:
    doc = {"a": [{"b": 1, "c": [{"d": "x"}, {"d": "y"}]}], "e": "xy"}
    assert select(doc, "$.a[0].b") == 1
    assert select(doc, "$.a[0].c[*].d") == ["x", "y"]
    assert evaluate(doc, "len($.e) == 2") == (2, "==", 2)
    assert evaluate(doc, "$.a[0].c[1].d != $.a[0].c[0].d") == ("y", "!=", "x")
    with pytest.raises(ValueError, match="cannot read path"):
        select(doc, "$.a[0]..b")


# ----------------------------------------------------------------------------------------------------
# the suites


def test_the_suites_are_big_enough() -> None:
    assert len(INVALID_CASES) >= 50
    assert len(VALID_FILES) >= 10
    for case in INVALID_CASES:
        assert case.expected, f"{case.path.name}: an invalid case expects at least one diagnostic"
        assert {code for code, _, _ in case.expected} <= set(CODES), f"{case.path.name}: unknown code"


@pytest.mark.parametrize("case", _params(INVALID_CASES))
def test_invalid_case(case: InvalidCase) -> None:
    result = check_path(case.path)
    assert isinstance(result, FileResult)
    assert triples(result) == list(case.expected), f"{case.path.name} reported:\n{render(result)}"
    for d in result.diagnostics:
        assert d.code in CODES
        assert d.file == str(case.path)
        assert d.severity is (Severity.WARNING if d.code in WARNING_CODES else Severity.ERROR), d
        assert d.message and "\n" not in d.message and not d.message.endswith(".")
        for text in (d.message, d.hint or ""):
            assert "{token}" not in text and "{related}" not in text, d
    assert (result.payload is None) == any(d.severity is Severity.ERROR for d in result.diagnostics)


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in VALID_FILES])
def test_valid_case(path: Path) -> None:
    result = check_file(path)
    assert result.diagnostics == (), f"{path.name} reported:\n{render(result)}"
    assert result.payload is not None
    checks = payload_checks(path)
    assert checks, f"{path.name}: a valid case starts with '# expect-payload:' lines"
    for check in checks:
        left, op, right = evaluate(result.payload, check)
        if op == "==":
            assert left == right, check
        else:
            assert left != right, check
    assert check_file(path).payload == result.payload  # deterministic
    json.dumps(result.payload)  # plain JSON data


def test_valid_byte_level_cases_keep_their_bytes() -> None:
    """Guard against an editor or git normalizing the two files whose point is their bytes."""
    bom = (VALID / "utf8_bom.yaml").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf")
    crlf = (VALID / "crlf_line_endings.yaml").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") > 5
    payload = check_file(VALID / "crlf_line_endings.yaml").payload
    assert payload is not None and "\r" not in json.dumps(payload)


def test_valid_title_of_2000_characters() -> None:
    payload = check_file(VALID / "title_2000_characters.yaml").payload
    assert payload is not None
    title = payload["categorySchema"]["tools"][0]["title"]
    assert len(title) == 2000 and title.endswith("!")


def test_valid_nesting_is_20_levels_deep() -> None:
    payload = check_file(VALID / "nesting_20_levels.yaml").payload
    assert payload is not None
    node, depth = payload["categorySchema"]["classifications"][0], 1
    while node["classifications"]:
        parent_options = {o["schemaId"] for o in node["options"]}
        (node,) = node["classifications"]
        assert node["parentOptionId"] in parent_options
        depth += 1
    assert depth == 20


YAML_11_BOOLEANS = [
    "Yes",
    "No",
    "On",
    "Off",
    "NO",
    "y",
    "n",
    "YES",
    "ON",
    "OFF",
    "Y",
    "N",
    "yes",
    "no",
    "on",
    "off",
]


@pytest.mark.parametrize("word", YAML_11_BOOLEANS)
def test_yaml_11_booleans_stay_strings(word: str) -> None:
    result = check_text(
        f"classifications:\n  - title: {word}\n    type: radio\n    options: [{word}]\n    "
        f"classifications:\n      - {{title: t, type: text, parentOptionId: {word}}}\n"
    )
    assert result.diagnostics == ()
    assert result.payload is not None
    (category,) = result.payload["categorySchema"]["classifications"]
    assert category["title"] == word
    assert [o["value"] for o in category["options"]] == [word]
    assert category["classifications"][0]["parentOptionId"] == category["options"][0]["schemaId"]


@pytest.mark.parametrize(
    "scalar", ["true", "false", "True", "FALSE", "1.10", "1", "0x1F", "null", "~", ".nan"]
)
def test_yaml_12_non_strings_as_option_values_are_wrong_type(scalar: str) -> None:
    result = check_text(f"classifications:\n  - title: Q\n    type: radio\n    options: [{scalar}]\n")
    assert triples(result) == [("wrong-type", 4, 15)]
    hint = result.diagnostics[0].hint or ""
    assert f'write it in quotes to keep it text: "{scalar}"' in hint


# ----------------------------------------------------------------------------------------------------
# input that a text file cannot hold


def _unknown_keys(count: int) -> bytes:
    """A tool with ``count`` unknown keys (issue 9 finding 11, scaled down from 100,000)."""
    return (
        "tools:\n  - title: Car\n    type: point\n" + "".join(f"    k{i}: v\n" for i in range(count))
    ).encode()


def _utf16_without_bom() -> bytes:
    return "tools: []\n".encode("utf-16-le")


BYTE_CASES = [
    pytest.param(b"", [("empty-file", 1, 1)], id="empty-file"),
    pytest.param(b"\n\n   \n", [("empty-file", 1, 1)], id="only-blank-lines"),
    pytest.param(b"\xef\xbb\xbf", [("empty-file", 1, 1)], id="only-a-bom"),
    pytest.param(b"\xef\xbb\xbf- a\n", [("root-not-mapping", 1, 1)], id="bom-then-a-list"),
    pytest.param(
        "tools:\n  - title: Caf\xe9\n    type: point\n".encode("latin-1"), [("not-utf8", 2, 15)], id="latin-1"
    ),
    pytest.param(b"tools: []\n# \xc0\xaf\n", [("not-utf8", 2, 3)], id="overlong-encoding"),
    pytest.param(b"tools: []\n# \xed\xa0\x80\n", [("not-utf8", 2, 3)], id="encoded-surrogate"),
    pytest.param(b"tools: []\n# \xe2\x82", [("not-utf8", 2, 3)], id="truncated-sequence-at-eof"),
    pytest.param("\ufefftools: []\n".encode("utf-16-le"), [("not-utf8", 1, 1)], id="utf-16-le-bom"),
    pytest.param("\ufefftools: []\n".encode("utf-16-be"), [("not-utf8", 1, 1)], id="utf-16-be-bom"),
    pytest.param("\ufefftools: []\n".encode("utf-32-le"), [("not-utf8", 1, 1)], id="utf-32-le-bom"),
    pytest.param(_utf16_without_bom(), [("not-utf8", 1, 1)], id="utf-16-without-bom"),
    pytest.param(b"tools:\n  - title: A\x00\n", [("control-character", 2, 13)], id="nul"),
    pytest.param(b"tools:\n  - title: \x1b[31mA\n", [("control-character", 2, 12)], id="esc"),
    pytest.param(b"tools: []\n#\x7f\n", [("control-character", 2, 2)], id="del"),
    pytest.param(b"tools: []\n\x0c\n", [("control-character", 2, 1)], id="form-feed"),
    pytest.param(b"tools: []\x0b\n", [("control-character", 1, 10)], id="vertical-tab"),
    pytest.param(b"tools:\r\n  - title: A\x00\r\n", [("control-character", 2, 13)], id="nul-after-crlf"),
    pytest.param(b"\xef\xbb\xbftools: [\x00]\n", [("control-character", 1, 9)], id="bom-then-nul"),
    pytest.param(
        b"tools:\r  - title: A\r    type: point\r    colr: x\r",
        [("unknown-field", 4, 5)],
        id="cr-only-line-endings",
    ),
    pytest.param(b"tools:\r  - title: A\x00\r", [("control-character", 2, 13)], id="nul-after-cr-only-lines"),
    pytest.param(b"tools:\r  - title: Caf\xe9\r", [("not-utf8", 2, 15)], id="latin-1-after-cr-only-lines"),
    pytest.param(b"tools:\n" + b"- " * 256 + b"v\n", [("nesting-limit", 2, 511)], id="nesting-257-levels"),
    pytest.param(  # issue 9: 100,000 levels crashed the parser (a segfault), 3,000 were an internal error
        b"tools:\n" + b"- " * 100_000 + b"v\n", [("nesting-limit", 2, 511)], id="nesting-100k-levels"
    ),
    pytest.param(  # the first 1,000 problems, then their count: reporting stays linear in the keys
        _unknown_keys(1_005),
        [("unknown-field", 4 + i, 5) for i in range(1_000)] + [("too-many-problems", 1, 1)],
        id="too-many-problems",
    ),
]


def _expected_codes(params: list[Any]) -> set[str]:
    return {code for p in params if not p.marks for code, _, _ in p.values[1]}


@pytest.mark.parametrize(("raw", "expected"), BYTE_CASES)
def test_byte_case(tmp_path: Path, raw: bytes, expected: list[Triple]) -> None:
    path = tmp_path / "case.yaml"
    path.write_bytes(raw)
    result = check_file(path)
    assert triples(result) == expected, render(result)
    assert result.payload is None
    assert all(d.hint for d in result.diagnostics)
    # the same bytes through the loader directly
    loaded = load_bytes(raw, "case.yaml")
    assert isinstance(loaded, LoadResult)
    if expected[0][0] in ("not-utf8", "control-character", "empty-file", "root-not-mapping"):
        assert [(d.code, d.line, d.column) for d in loaded.diagnostics] == expected


def test_check_text_drops_a_bom_like_check_file() -> None:
    text = "\ufefftools:\n  - title: Car\n    type: point\n"
    loaded = load_bytes(text.encode("utf-8"), "bom.yaml")
    assert loaded.diagnostics == [] and loaded.data is not None
    result = check_text(text)
    assert result.diagnostics == ()
    assert result.payload is not None


# ----------------------------------------------------------------------------------------------------
# the file system


GOOD = "tools:\n  - title: Car\n    type: point\n"


def _missing(tmp: Path) -> Path:
    return tmp / "missing.yaml"


def _directory(tmp: Path) -> Path:
    folder = tmp / "folder.yaml"
    folder.mkdir()
    return folder


def _special_file(tmp: Path) -> Path:
    fifo = tmp / "fifo.yaml"
    os.mkfifo(fifo)
    return fifo


def _unreadable(tmp: Path) -> Path:
    if os.geteuid() == 0:
        pytest.skip("root reads a file of mode 000")
    path = tmp / "secret.yaml"
    path.write_text(GOOD)
    path.chmod(0)
    return path


def _symlink_loop(tmp: Path) -> Path:
    # Readable by nobody, root included: a file-unreadable case that runs everywhere.
    loop = tmp / "loop.yaml"
    loop.symlink_to(loop.name)
    return loop


def _below_a_file(tmp: Path) -> Path:
    (tmp / "plain.yaml").write_text(GOOD)
    return tmp / "plain.yaml" / "inner.yaml"


def _sparse(size: int) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / "big.yaml"
        with path.open("wb") as fh:
            fh.truncate(size)  # sparse: costs no disk space
        return path

    return make


FS_CASES = [
    pytest.param(_missing, "file-not-found", id="missing-file"),
    pytest.param(_directory, "not-a-file", id="directory"),
    pytest.param(_special_file, "not-a-file", id="fifo"),
    pytest.param(_unreadable, "file-unreadable", id="mode-000"),
    pytest.param(_symlink_loop, "file-unreadable", id="symlink-loop"),
    pytest.param(_below_a_file, "file-unreadable", id="path-below-a-file"),
    pytest.param(_sparse(MAX_FILE_BYTES + 1), "file-too-large", id="one-byte-over-16-mib"),
    pytest.param(_sparse(64 * 1024 * 1024), "file-too-large", id="64-mib"),
]
FS_CODES = {p.values[1] for p in FS_CASES} | {"no-files"}


def _instructions_of(size: int | None) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        if size is None:
            (folder / "guide.pdf").mkdir()
            return
        with (folder / "guide.pdf").open("wb") as fh:
            fh.truncate(size)  # sparse: costs no disk space

    return make


#: A project's instructions file (`instructions: guide.pdf`), made by the test.
INSTRUCTIONS_CASES = [
    pytest.param(_instructions_of(10 * 1024 * 1024 + 1), "instructions-too-large", id="one-byte-over-10-mib"),
    pytest.param(_instructions_of(None), "file-unreadable", id="a-folder"),
    pytest.param(lambda folder: None, "file-not-found", id="missing"),
]
FS_CODES |= {p.values[1] for p in INSTRUCTIONS_CASES}


@pytest.mark.parametrize(("make", "code"), INSTRUCTIONS_CASES)
def test_instructions_file_case(tmp_path: Path, make: Callable[[Path], None], code: str) -> None:
    (tmp_path / ".git").mkdir()
    project = tmp_path / "project.yaml"
    project.write_text(
        "name: P\nontology:\n  tools: [{title: Car, type: point}]\ninstructions: guide.pdf\n",
        encoding="utf-8",
    )
    make(tmp_path)
    result = check_path(project)
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [(code, 4, 15)]
    assert "guide.pdf" in result.diagnostics[0].message


@pytest.mark.parametrize(("make", "code"), FS_CASES)
def test_file_system_case(tmp_path: Path, make: Callable[[Path], Path], code: str) -> None:
    path = make(tmp_path)
    result = check_file(path)
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [(code, 0, 0)]
    (diag,) = result.diagnostics
    assert diag.file == str(path) and diag.location == str(path)
    assert result.payload is None


def test_file_of_exactly_16_mib_is_read(tmp_path: Path) -> None:
    path = _sparse(MAX_FILE_BYTES)(tmp_path)  # within the limit: read, then refused for its NUL bytes
    assert triples(check_file(path)) == [("control-character", 1, 1)]


def test_display_name_is_used(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("tools:\n  - title: A\n    type: point\n    colr: x\n")
    result = check_file(path, display="shown.yaml")
    assert [d.location for d in result.diagnostics] == ["shown.yaml:4:5"]


# ----------------------------------------------------------------------------------------------------
# coverage of the code registry


def test_every_code_has_a_case() -> None:
    from_files = {code for c in INVALID_CASES if not c.xfail for code, _, _ in c.expected}
    covered = from_files | _expected_codes(BYTE_CASES) | FS_CODES
    missing = sorted(set(CODES) - covered)
    assert not missing, f"codes without a (passing) test case: {missing}"


# ----------------------------------------------------------------------------------------------------
# hints


def _at(result: FileResult, code: str) -> list[str]:
    return [d.hint or "" for d in result.diagnostics if d.code == code]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.path.stem)
        for c in INVALID_CASES
        if any(code == "unknown-field" for code, _, _ in c.expected)
    ],
)
def test_every_unknown_field_has_a_hint(case: InvalidCase) -> None:
    hints = _at(check_path(case.path), "unknown-field")
    assert hints and all(hints)


UNKNOWN_FIELDS = [
    pytest.param("versoin: 1\n", "version", id="top-level"),
    pytest.param("tools:\n  - {title: A, type: point, colr: '#FFFFFF'}\n", "color", id="tool"),
    pytest.param("relations:\n  - {title: A, type: group, shortcutkey: '1'}\n", "shortcutKey", id="relation"),
    pytest.param(
        "tools:\n  - title: A\n    type: point\n    classifications:\n"
        "      - {title: B, type: text, requried: true}\n",
        "required",
        id="nested-classification",
    ),
    pytest.param(
        "classifications:\n  - title: A\n    type: radio\n    options:\n      - {value: a, kye: k}\n",
        "key",
        id="option",
    ),
    pytest.param("optionSets:\n  s:\n    - {value: a, schemaID: x}\n", "schemaId", id="option-set-option"),
    pytest.param(
        "classifications:\n  - title: A\n    type: tree-dropdown\n    treeOptions:\n"
        "      - title: a\n        childern: [b]\n",
        "children",
        id="tree-node",
    ),
    pytest.param(
        "classifications:\n  - {title: A, type: text, parentOptionID: x}\n",
        "parentOptionId",
        id="camel-case-slip",
    ),
]


@pytest.mark.parametrize(("text", "suggestion"), UNKNOWN_FIELDS)
def test_unknown_field_did_you_mean(text: str, suggestion: str) -> None:
    result = check_text(text)
    assert _at(result, "unknown-field") == [f"did you mean {suggestion!r}?"], render(result)


HINTS = [
    pytest.param(
        "tools:\n  - title: A\n    title: B\n    type: point\n",
        "duplicate-key",
        "the first 'title' is at <string>:2:5",
        id="duplicate-key",
    ),
    pytest.param(
        "classifications:\n  - {title: Q, type: radio, options: [1.10]}\n",
        "wrong-type",
        'write it in quotes to keep it text: "1.10"',
        id="wrong-type-number",
    ),
    pytest.param(
        "classifications:\n  - {title: Car, type: polygon}\n",
        "unknown-type",
        "move this item under `tools:`",
        id="unknown-type-other-kind",
    ),
    pytest.param(
        "tools:\n  - {title: Car, type: bbox}\n",
        "unknown-type",
        "one of: bounding-box",
        id="unknown-type-no-close-match",
    ),
    pytest.param("tools:\n  - {title: Car}\n", "missing-field", "one of: bounding-box", id="missing-type"),
    pytest.param(
        "optionSets: {colors: [a]}\nclassifications:\n  - {title: Q, type: radio, optionSet: colours}\n",
        "unknown-option-set",
        "did you mean 'colors'?",
        id="unknown-option-set",
    ),
    pytest.param(
        "classifications:\n  - title: Q\n    type: radio\n    options: [Car]\n    classifications:\n"
        "      - {title: T, type: text, parentOptionId: Cra}\n",
        "parent-option-unresolved",
        "did you mean 'Car'?",
        id="parent-option-typo",
    ),
    pytest.param(
        "tools:\n  - {title: A, type: point, shortcutKey: B}\n",
        "undocumented-shortcut",
        "did you mean 'b'?",
        id="shortcut-upper-case",
    ),
    pytest.param(
        "tools:\n  - {title: A, type: point, shortcutKey: 'Ctrl + 1'}\n",
        "undocumented-shortcut",
        "did you mean 'ctrl+1'?",
        id="shortcut-spaced",
    ),
    pytest.param(
        "tools:\n  - {title: A, type: point, color: red}\n", "invalid-color", '"#1E88E5"', id="invalid-color"
    ),
    pytest.param(
        "tools:\n  - {title: Car, type: point}\n  - {title: CAR, type: point}\n",
        "duplicate-title",
        "the first is at <string>:2:13",
        id="duplicate-title",
    ),
    pytest.param(
        "tools:\n  - {title: A, type: point}\n  - {title: B, type: point, key: k}\n"
        "  - {title: C, type: point, key: k}\n",
        "duplicate-item-key",
        "the first is at <string>:3:5",
        id="duplicate-item-key",
    ),
    pytest.param(
        "tools:\n  - {title: A, type: point}\n  - {title: B, type: point, key: A}\n",
        "duplicate-item-key",
        "the other is at <string>:2:5",
        id="key-equals-sibling-title",
    ),
    pytest.param(
        "tools:\n  - {title: A, type: point, schemaId: x1}\nclassifications:\n"
        "  - {title: Q, type: radio, options: [{value: a, schemaId: x1}]}\n",
        "duplicate-schema-id",
        "the other use is at <string>:2:39",
        id="duplicate-schema-id",
    ),
    pytest.param(
        "tools:\n  - {title: A, type: point, key: ''}\n",
        "invalid-key",
        "remove `key`",
        id="invalid-key-category",
    ),
    pytest.param(
        "classifications:\n  - {title: Q, type: tree-dropdown, treeOptions: [{title: a, key: ''}]}\n",
        "invalid-key",
        "remove `key`",
        id="invalid-key-tree-node",
    ),
    pytest.param(
        "classifications:\n  - {title: Q, type: text, required: yes}\n",
        "wrong-type",
        "true",
        id="required-yes",
    ),
    pytest.param(
        "tools:\n  - {title: Car, type: point, treeOptions: [a]}\n",
        "unknown-field",
        "tree-dropdown",
        id="tree-options-on-tool",
    ),
    pytest.param("version: 2\n", "invalid-value", "1", id="version-2"),
]


@pytest.mark.parametrize(("text", "code", "needle"), HINTS)
def test_hint_helps(text: str, code: str, needle: str) -> None:
    result = check_text(text)
    hints = _at(result, code)
    assert hints, render(result)
    assert all(needle in h for h in hints), render(result)


# ----------------------------------------------------------------------------------------------------
# semantic bugs that need more than a code and a position to describe


def _schema_ids(payload: dict[str, Any]) -> list[str]:
    ids: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        ids.append(node["schemaId"])
        ids.extend(o["schemaId"] for o in node["options"])
        for child in node["classifications"]:
            walk(child)

    for group in payload["categorySchema"].values():
        for node in group:
            walk(node)
    return ids


def test_pinned_schema_id_in_a_shared_option_set() -> None:
    result = check_text(
        "optionSets:\n  colors: [{value: Red, schemaId: red-id}, Green]\nclassifications:\n"
        "  - {title: A, type: radio, optionSet: colors}\n"
        "  - {title: B, type: radio, optionSet: colors}\n"
    )
    if result.payload is not None:
        ids = _schema_ids(result.payload)
        assert len(ids) == len(set(ids)), f"duplicate schemaIds in the payload: {ids}"
    assert "duplicate-schema-id" in [d.code for d in result.diagnostics]


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in VALID_FILES])
def test_valid_payload_has_unique_schema_ids(path: Path) -> None:
    payload = check_file(path).payload
    assert payload is not None
    ids = _schema_ids(payload)
    assert len(ids) == len(set(ids))


# ----------------------------------------------------------------------------------------------------
# the command line


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ontology_kit", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


_LINE = re.compile(
    r"(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): "
    r"(?P<severity>error|warning)\[(?P<code>[a-z0-9-]+)\]: (?P<message>.+)"
)


def _api_results(folder: Path) -> list[FileResult]:
    """What `ontokit validate FOLDER` checks: every YAML file below it, each problem reported once."""
    from ontology_kit.loader import find_yaml_files as find_ontology_files

    files, _ = find_ontology_files([folder])
    results = [check_path(p, shown) for p, shown in files]
    seen: set[Any] = set()
    out = []
    for r in results:
        fresh = tuple(d for d in r.diagnostics if d not in seen)
        seen.update(fresh)
        out.append(FileResult(r.file, fresh, r.payload) if fresh != r.diagnostics else r)
    return out


def test_cli_validate_invalid_folder() -> None:
    out = run_cli("validate", str(INVALID))
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    assert out.stderr == ""
    *lines, summary = out.stdout.splitlines()
    expected = [d for r in _api_results(INVALID) for d in r.diagnostics]
    assert len(lines) == len(expected)
    for line, d in zip(lines, expected, strict=False):
        parsed = _LINE.fullmatch(line)
        assert parsed is not None, line
        got = (parsed["file"], int(parsed["line"]), int(parsed["column"]), parsed["severity"], parsed["code"])
        assert got == (d.file, d.line, d.column, d.severity.value, d.code)
        assert line.startswith(f"{d.file}:{d.line}:{d.column}: {d.severity.value}[{d.code}]: {d.message}")
        assert line.endswith(f"; hint: {d.hint}") if d.hint else True
    errors = sum(d.severity is Severity.ERROR for d in expected)
    assert summary.startswith(f"{errors} errors")


def test_cli_validate_invalid_folder_as_json() -> None:
    out = run_cli("validate", str(INVALID), "--format", "json")
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) == {
        "format_version",
        "valid",
        "error_count",
        "warning_count",
        "files",
        "skipped",
        "skipped_tools",
        "excluded",
        "diagnostics",
    }
    results = _api_results(INVALID)
    expected = [d for r in results for d in r.diagnostics]
    assert doc["valid"] is False
    assert doc["error_count"] == sum(d.severity is Severity.ERROR for d in expected)
    assert doc["warning_count"] == sum(d.severity is Severity.WARNING for d in expected)
    assert [f["file"] for f in doc["files"]] == [r.file for r in results]
    got = [
        (d["file"], d["line"], d["column"], d["severity"], d["code"], d["message"], d["hint"])
        for d in doc["diagnostics"]
    ]
    assert got == [(d.file, d.line, d.column, d.severity.value, d.code, d.message, d.hint) for d in expected]
    assert all(d["path"].startswith("$") for d in doc["diagnostics"])


def test_cli_validate_valid_folder() -> None:
    out = run_cli("validate", str(VALID))
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == f"ok: {len(VALID_FILES)} files valid\n"


def test_cli_warning_only_exits_0() -> None:
    path = INVALID / "unused_option_set.yaml"
    out = run_cli("validate", str(path))
    assert out.returncode == 0, out.stdout
    first, _summary = out.stdout.splitlines()
    assert first.startswith(f"{path}:4:3: warning[unused-option-set]: ")


def test_cli_no_files(tmp_path: Path) -> None:
    out = run_cli("validate", str(tmp_path))
    assert out.returncode == 1
    assert out.stdout.splitlines()[0].startswith(f"{tmp_path}: error[no-files]: ")
    doc = json.loads(run_cli("validate", str(tmp_path), "--format", "json").stdout)
    assert [d["code"] for d in doc["diagnostics"]] == ["no-files"]
    assert doc["diagnostics"][0]["line"] is None


def test_cli_file_system_problems(tmp_path: Path) -> None:
    folder = _directory(tmp_path)
    (folder / "notes.txt").write_text("not yaml")
    out = run_cli("validate", str(tmp_path / "missing.yaml"), str(folder))
    assert out.returncode == 1 and "Traceback" not in out.stdout + out.stderr
    codes = [line.split(": ")[1] for line in out.stdout.splitlines()[:-1]]
    assert codes == ["error[no-files]", "error[file-not-found]"]


# ----------------------------------------------------------------------------------------------------
# never a traceback, whatever the input

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = [
    "version",
    "description",
    "optionSets",
    "tools",
    "classifications",
    "relations",
    "title",
    "type",
    "key",
    "schemaId",
    "required",
    "columnField",
    "color",
    "shortcutKey",
    "options",
    "optionSet",
    "treeOptions",
    "children",
    "value",
    "parentOptionId",
    "richText",
    "regex",
    "frameSpecific",
    "defaultValue",
]
TYPES = [
    "bounding-box",
    "point",
    "radio",
    "checkbox",
    "text",
    "tree-dropdown",
    "single-dropdown",
    "group",
    "one-to-one",
    "instance",
    "boolean",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from([*TYPES, "Yes", "No", "#aabbcc", "#12345", "a", "ctrl+1", "", " ", "[", "(?P<x>"]),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), children, max_size=6),
    ),
    max_leaves=40,
)


def _assert_result(result: object) -> None:
    assert isinstance(result, FileResult)
    assert all(d.code in CODES for d in result.diagnostics)
    assert (result.payload is None) == (not result.ok)


@FUZZ
@given(st.text(max_size=300))
def test_fuzz_text(text: str) -> None:
    _assert_result(check_text(text))


@FUZZ
@given(
    st.text(alphabet=st.sampled_from(list("tools:- []{},&*!|>'\"#%@`?\t\n\r abcYN0123456789")), max_size=200)
)
def test_fuzz_yaml_like_text(text: str) -> None:
    _assert_result(check_text(text))


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_bytes(raw: bytes) -> None:
    loaded = load_bytes(raw, "fuzz.yaml")
    assert isinstance(loaded, LoadResult)
    assert (loaded.data is None) == bool(loaded.diagnostics)
    assert all(d.code in CODES for d in loaded.diagnostics)


@FUZZ
@given(structures)
def test_fuzz_structures(data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    _assert_result(check_text(text))


ontology_like = st.fixed_dictionaries(
    {},
    optional={
        "optionSets": st.dictionaries(st.sampled_from(["s", "t"]), st.lists(scalars, max_size=3), max_size=2),
        "tools": st.lists(st.dictionaries(st.sampled_from(FIELDS), structures, max_size=6), max_size=3),
        "classifications": st.lists(
            st.fixed_dictionaries(
                {"title": st.sampled_from(["A", "a", "B", " "]), "type": st.sampled_from(TYPES)},
                optional={
                    "options": st.lists(st.one_of(st.sampled_from(["x", "X", "y"]), scalars), max_size=3),
                    "optionSet": st.sampled_from(["s", "t", "u"]),
                    "treeOptions": st.lists(st.sampled_from(["x", "X"]), max_size=3),
                    "key": st.sampled_from(["k", "", "A"]),
                    "schemaId": st.sampled_from(["id", "", "a b"]),
                    "shortcutKey": st.sampled_from(["1", "a", "A"]),
                    "parentOptionId": st.sampled_from(["x", "X", "k"]),
                    "classifications": st.lists(
                        st.fixed_dictionaries(
                            {
                                "title": st.sampled_from(["C", "c"]),
                                "type": st.sampled_from(TYPES),
                                "parentOptionId": st.sampled_from(["x", "y", "k"]),
                            }
                        ),
                        max_size=2,
                    ),
                },
            ),
            max_size=3,
        ),
    },
)


@FUZZ
@given(ontology_like)
def test_fuzz_ontology_shaped(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    result = check_text(text)
    _assert_result(result)
    assert all(d.line >= 1 and d.column >= 1 for d in result.diagnostics), render(result)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_fuzz_bytes_from_a_file(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    _assert_result(check_file(path))
