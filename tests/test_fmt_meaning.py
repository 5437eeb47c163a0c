"""``ontokit fmt`` never changes what a file means (issue 9, finding 2).

One reading of YAML: fmt's output must read, with the validator's reader, as the same values (and an
ontology as the same payload); otherwise fmt refuses, exit 1, the file untouched, one line naming the
file and the first differing path. Directives and tags it cannot keep are refused, never changed.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ontology_kit import check_text
from ontology_kit.cli import main
from ontology_kit.fmt import first_difference, format_text


def ontokit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The CLI in-process: exit code, stdout, stderr (never an internal error)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "internal error" not in err and "Traceback" not in err, err
    return code, out, err


def payload(text: str) -> dict[str, object]:
    result = check_text(text)
    assert result.payload is not None, result.diagnostics
    return result.payload


# -- the findings, from their exact inputs -------------------------------------------------------------
TIMESTAMP = """\
classifications:
  - type: radio
    title: When
    options: [2001-01-01T00:00:00Z, Zzz]
"""
YAML_11 = """\
%YAML 1.1
---
classifications:
  - type: radio
    title: Q
    options: [Yes, No, on, off]
"""


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        pytest.param(TIMESTAMP, "[2001-01-01T00:00:00Z, Zzz]", id="timestamp"),
        pytest.param(YAML_11, '["Yes", "No", "on", "off"]', id="yaml-1.1-booleans"),
    ],
)
def test_fmt_keeps_the_values_the_validator_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str, kept: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("o.yaml").write_text(text, encoding="utf-8")
    before = payload(text)
    assert ontokit(capsys, "fmt", "o.yaml")[0] == 0
    formatted = Path("o.yaml").read_text(encoding="utf-8")
    assert kept in formatted
    assert payload(formatted) == before
    assert ontokit(capsys, "fmt", "--check", "o.yaml")[0] == 0  # and it is canonical now


def test_a_yaml_directive_is_kept() -> None:
    assert format_text(YAML_11).startswith("%YAML 1.1\n---\n")


TAG = """\
%TAG !e! tag:example.com,2000:
---
classifications:
  - type: radio
    title: !e!foo Q
    options: [A, B]
"""
BINARY = """\
classifications:
  - type: radio
    title: !!binary aGVsbG8=
    options: [A, B]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(TAG, "o.yaml:1:1: cannot format: a %TAG directive cannot be kept safely", id="tag"),
        pytest.param(
            BINARY, "o.yaml:3:12: cannot format: a `!!binary` value cannot be formatted", id="binary"
        ),
    ],
)
def test_what_cannot_be_kept_is_refused_and_left_untouched(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("o.yaml").write_text(text, encoding="utf-8")
    for args in (("fmt", "o.yaml"), ("fmt", "--check", "o.yaml")):
        code, out, err = ontokit(capsys, *args)
        assert code == 1 and out == ""
        [line] = [x for x in err.splitlines() if x.startswith("error:")]
        assert line.startswith(f"error: {message}")
        assert Path("o.yaml").read_text(encoding="utf-8") == text


# -- the mechanism: any output that reads differently is refused --------------------------------------
def test_output_that_reads_differently_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever the round trip gets wrong (here: a dumper that rewrites one value), the re-read catches
    it, names the first differing path, and writes nothing."""
    import ontology_kit.fmt as fmt

    real_dump = fmt.dump
    monkeypatch.setattr(fmt, "dump", lambda doc, header="": real_dump(doc, header).replace("Zzz", "Zz"))
    monkeypatch.chdir(tmp_path)
    Path("o.yaml").write_text(TIMESTAMP, encoding="utf-8")
    code, _, err = ontokit(capsys, "fmt", "o.yaml")
    assert code == 1
    assert (
        "error: o.yaml: cannot format: the formatted text would read differently at "
        "$.classifications[0].options[1]; file left unchanged"
    ) in err
    assert Path("o.yaml").read_text(encoding="utf-8") == TIMESTAMP


@pytest.mark.parametrize(
    ("a", "b", "path"),
    [
        pytest.param({"a": [1, 2]}, {"a": [1, 2]}, None, id="equal"),
        pytest.param({"a": 1, "b": 2}, {"b": 2, "a": 1}, None, id="mapping-order-aside"),
        pytest.param({"a": True}, {"a": 1}, ("a",), id="bool-is-not-int"),
        pytest.param({"a": 1.0}, {"a": 1}, ("a",), id="float-is-not-int"),
        pytest.param({"a": "1"}, {"a": 1}, ("a",), id="string-is-not-int"),
        pytest.param({"a": math.nan}, {"a": math.nan}, None, id="nan-is-nan"),
        pytest.param({"a": [1, 2]}, {"a": [2, 1]}, ("a", 0), id="list-order"),
        pytest.param({"a": [1]}, {"a": [1, 1]}, ("a",), id="list-length"),
        pytest.param({"a": 1}, {"a": 1, "b": 1}, ("b",), id="extra-key"),
        pytest.param({"x": {"y": [{"z": None}]}}, {"x": {"y": [{"z": ""}]}}, ("x", "y", 0, "z"), id="deep"),
    ],
)
def test_first_difference(a: object, b: object, path: tuple[object, ...] | None) -> None:
    assert first_difference(a, b) == path
    assert (first_difference(b, a) is None) == (path is None)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        pytest.param(YAML_11, "%YAML 1.1\n---\n", id="directive"),
        pytest.param("# head\n" + YAML_11, "# head\n%YAML 1.1\n---\n", id="comment-before"),
        pytest.param(YAML_11.replace("---", "--- # doc"), "%YAML 1.1\n--- # doc\n", id="comment-on-start"),
        pytest.param(YAML_11.replace("\n", "\r\n"), "%YAML 1.1\n---\n", id="crlf"),
        pytest.param(
            "%YAML 1.1\n--- {classifications: [{type: radio, title: Q, options: [Yes, No, on, off]}]}\n",
            "%YAML 1.1\n---\n",
            id="content-on-start",
        ),
    ],
)
def test_the_prologue_is_kept_and_changes_nothing(text: str, start: str) -> None:
    formatted = format_text(text)
    assert formatted.startswith(start)
    assert payload(formatted) == payload(text)
    assert format_text(formatted) == formatted
