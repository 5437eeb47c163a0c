"""Validation gaps of issue 9 (finding 9), beyond the case files of ``tests/cases/invalid/``: the
classes behind the examples (every invisible character, every bad id), and the commands that used to
accept them (``plan``/``apply`` against the embedded hub)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from conftest import run_ontokit
from hypothesis import given
from hypothesis import strategies as st

from ontology_kit import check_path, check_text
from ontology_kit._text import strip_invisible

#: Characters that show nothing: every format character (Cf) of the first planes, and the other
#: default-ignorable ones ontokit knows.
INVISIBLE = [
    chr(c) for c in range(0x30000) if unicodedata.category(chr(c)) == "Cf" and not 0xD800 <= c <= 0xDFFF
] + ["\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\ufe0f", "\U000e0100"]


def _tools(*titles: str) -> str:
    items = "".join(
        f'  - title: "{t.encode("unicode_escape").decode("ascii")}"\n    type: point\n' for t in titles
    )
    return "tools:\n" + items


def test_every_invisible_character_is_stripped() -> None:
    assert len(INVISIBLE) > 50
    assert all(strip_invisible(f"a{ch}b") == "ab" for ch in INVISIBLE)
    assert strip_invisible("Café 日本 🚗") == "Café 日本 🚗"  # visible text is kept


@given(
    title=st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=12),
    invisible=st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=3),
    at=st.integers(min_value=0, max_value=12),
)
def test_a_title_with_invisible_characters_is_a_look_alike(title: str, invisible: list[str], at: int) -> None:
    twin = title[:at] + "".join(invisible) + title[at:]
    result = check_text(_tools(title, twin))
    assert [d.code for d in result.diagnostics] == ["duplicate-title"], (title, twin)
    assert result.payload is None


@given(st.lists(st.sampled_from([*INVISIBLE, " ", "\u00a0", "\u3000"]), min_size=1, max_size=6))
def test_a_title_of_invisible_characters_only_is_empty(chars: list[str]) -> None:
    result = check_text(_tools("".join(chars)))
    assert [d.code for d in result.diagnostics] == ["empty-title"]


def test_option_values_that_differ_in_invisible_characters_are_errors() -> None:
    text = 'classifications:\n  - {title: K, type: radio, options: [Car, "Ca\\u200br", "\\u200b"]}\n'
    assert sorted(d.code for d in check_text(text).diagnostics) == ["duplicate-option", "empty-title"]
    # differing in case only stays a warning (legal, if unusual)
    assert [d.code for d in check_text(text.replace('"Ca\\u200br", "\\u200b"', "CAR")).diagnostics] == [
        "similar-option"
    ]


def test_an_empty_option_set_is_an_error_used_or_not() -> None:
    used = "optionSets: {e: []}\nclassifications:\n  - {title: Q, type: radio, optionSet: e}\n"
    unused = "optionSets: {e: [], f: [a]}\nclassifications:\n  - {title: Q, type: radio, optionSet: f}\n"
    for text in (used, unused):
        result = check_text(text)
        assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("empty-option-set", 1, 17)]
        assert result.payload is None


BAD_IDS = [
    pytest.param("''", id="empty"),
    pytest.param("../listProjects", id="path-traversal"),
    pytest.param("'..'", id="dot-dot"),
    pytest.param("'.'", id="dot"),
    pytest.param("a/b", id="slash"),
    pytest.param("'a\\b'", id="backslash"),
    pytest.param("'a b'", id="space"),
    pytest.param("' 64ab'", id="leading-space"),
    pytest.param('"a\\tb"', id="tab"),
    pytest.param('"a\\u00a0b"', id="no-break-space"),
    pytest.param('"a\\u2003b"', id="em-space"),
    pytest.param('"a\\x85b"', id="c1-control"),
    pytest.param('"a\\x7fb"', id="delete"),
]


@pytest.mark.parametrize("value", BAD_IDS)
def test_bad_project_ids_are_errors(tmp_path: Path, value: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"name: Road scenes\nid: {value}\nontology: {{tools: [{{title: A, type: point}}]}}\n")
    result = check_path(path)
    codes = [(d.code, d.line, d.column) for d in result.diagnostics if d.code != "control-character"]
    assert codes == [("invalid-project-id", 2, 5)]
    assert "\n" not in result.diagnostics[-1].message


@pytest.mark.parametrize("value", ["6b0accba26990af6f6481d39", "my-project_1", "日本", "a.b", "..a"])
def test_good_project_ids_pass(tmp_path: Path, value: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"name: Road scenes\nid: '{value}'\nontology: {{tools: [{{title: A, type: point}}]}}\n")
    assert check_path(path).diagnostics == ()


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        pytest.param("name: '   '\n", "blank-name", id="finding-9-blank-name"),
        pytest.param("name: X\nid: ''\n", "invalid-project-id", id="finding-9-empty-id-was-a-405"),
        pytest.param("name: X\nid: ../listProjects\n", "invalid-project-id", id="finding-9-id-traversal"),
        pytest.param("name: X\nbatches: ['  ']\n", "blank-name", id="blank-batch"),
    ],
)
def test_plan_and_apply_refuse_before_any_request(tmp_path: Path, lines: str, code: str) -> None:
    (tmp_path / "p.yaml").write_text(lines + "ontology: {tools: [{title: A, type: point}]}\n")
    for command in (("plan", "p.yaml"), ("apply", "--auto-approve", "p.yaml")):
        proc = run_ontokit(*command, cwd=tmp_path)
        assert proc.returncode == 1
        assert f"error[{code}]" in proc.stderr + proc.stdout
    assert not (tmp_path / ".ontokit").exists() or "Apply complete" not in proc.stdout


def test_a_non_ascii_id_on_the_embedded_hub_is_not_found(tmp_path: Path) -> None:
    """Finding 10: it was an internal error (exit 4)."""
    (tmp_path / "p.yaml").write_text("name: X\nid: 日本\nontology: {tools: [{title: A, type: point}]}\n")
    proc = run_ontokit("plan", "p.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert "project 日本 not found" in proc.stderr
