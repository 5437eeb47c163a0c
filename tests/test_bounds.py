"""Every command that reads YAML has validate's bounds: size, nesting, aliases, and a number of
reported problems; each refusal is one clear line and exit 1, never a hang or an internal error
(issue 9, finding 11, from its inputs, scaled down where only time was at stake; speed is in
``bench/bounds.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontology_kit import check_text
from ontology_kit.cli import main
from ontology_kit.fmt import format_text
from ontology_kit.loader import MAX_DEPTH, MAX_FILE_BYTES, load_text

READERS = [
    pytest.param(("fmt", "--check"), id="fmt-check"),
    pytest.param(("fmt",), id="fmt"),
    pytest.param(("validate",), id="validate"),
    pytest.param(("compile",), id="compile"),
    pytest.param(("show",), id="show"),
]


def ontokit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The CLI in-process: exit code, stdout, stderr (never an internal error)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code != 4 and "internal error" not in err and "Traceback" not in err, err
    return code, out, err


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def refused(capsys: pytest.CaptureFixture[str], command: tuple[str, ...], *files: str) -> str:
    code, out, err = ontokit(capsys, *command, *files)
    assert code == 1, out + err
    return out + err


# -- size ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", READERS)
def test_a_file_over_16_mib_is_refused_unread(
    here: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    """17 MB: `fmt --check` ran past 120 s; now every reader refuses it by its size."""
    big = "tools:\n  - {title: Car, type: point}\n" + "# padding to 17 MB\n" * (17_000_000 // 19)
    Path("big.yaml").write_text(big, encoding="utf-8")
    err = refused(capsys, command, "big.yaml")
    assert "big.yaml" in err and f"the limit is {MAX_FILE_BYTES:,}" in err
    assert Path("big.yaml").read_text(encoding="utf-8") == big


def test_diff_refuses_a_file_over_16_mib(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("old.yaml").write_text("tools: []\n" + "#\n" * (MAX_FILE_BYTES // 2 + 1), encoding="utf-8")
    Path("new.yaml").write_text("tools: []\n", encoding="utf-8")
    assert "old.yaml: cannot read: file is" in refused(capsys, ("diff",), "old.yaml", "new.yaml")


def test_text_over_16_mib_is_refused_whatever_its_source() -> None:
    """Text that did not come from a file (a git revision for `diff --base`, a string) has the limit."""
    result = check_text("tools: []\n" + "#\n" * (MAX_FILE_BYTES // 2))
    assert [d.code for d in result.diagnostics] == ["file-too-large"]


# -- many problems ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "command", [pytest.param(("compile",), id="compile"), pytest.param(("show",), id="show")]
)
def test_many_unknown_keys_are_reported_up_to_a_cap(
    here: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    """100k unknown keys hung compile and show (quadratic); 3,000 show the first 1,000 and a count."""
    keys = "".join(f"    k{i}: v\n" for i in range(3_000))
    Path("o.yaml").write_text(f"tools:\n  - title: Car\n    type: point\n{keys}", encoding="utf-8")
    err = refused(capsys, command, "o.yaml")
    lines = err.splitlines()
    assert sum("error[unknown-field]" in line for line in lines) == 1_000
    assert "o.yaml:1:1: error[too-many-problems]: ... and 2,000 more problems of structure, not shown" in err


# -- aliases ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", READERS)
def test_an_alias_flood_is_refused(
    here: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    """1e6 aliases took fmt 28 s; past the reader's limit every command refuses at once."""
    text = "optionSets:\n  s: &a [A]\n  t: [" + ", ".join(["*a"] * 60_000) + "]\n"
    Path("o.yaml").write_text(text, encoding="utf-8")
    assert "alias-limit" in refused(capsys, command, "o.yaml") or command[0] in (
        "validate",
        "compile",
        "show",
    )
    assert Path("o.yaml").read_text(encoding="utf-8") == text


# -- nesting ---------------------------------------------------------------------------------------------
def test_fmt_formats_254_levels_of_nesting() -> None:
    """254 levels were an internal error in fmt (Python's recursion limit); the reader accepts them."""
    text = "tools: " + "[" * 254 + "]" * 254 + "\n"
    assert load_text(format_text(text), "o.yaml").data == load_text(text, "o.yaml").data


@pytest.mark.parametrize("levels", [MAX_DEPTH, 3_000, 100_000])
@pytest.mark.parametrize("command", READERS)
def test_nesting_past_the_limit_is_refused(
    here: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...], levels: int
) -> None:
    """Block nesting: 3,000 levels were an internal error, 100,000 crashed the parser."""
    Path("o.yaml").write_text("tools:\n" + "- " * levels + "v\n", encoding="utf-8")
    err = refused(capsys, command, "o.yaml")
    assert "o.yaml:2:511: " in err and f"nest deeper than {MAX_DEPTH} levels" in err


# -- names -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", READERS)
def test_a_file_name_longer_than_the_system_allows(
    here: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    """A 255+ byte file name was an internal error (exit 4)."""
    name = "a" * 260 + ".yaml"
    err = refused(capsys, command, name)
    assert "name too long" in err.lower()


@pytest.mark.parametrize(
    ("block", "flow", "refused_"),
    [
        pytest.param(20, 200, False, id="221-levels"),
        pytest.param(59, 220, True, id="281-levels"),
        pytest.param(130, 130, True, id="262-levels"),
    ],
)
def test_block_and_flow_nesting_add_up(block: int, flow: int, refused_: bool) -> None:
    """The limit is on the total depth, however it is written (the cheap bound is only a shortcut)."""
    text = "a:\n" + "".join(" " * i + "b:\n" for i in range(1, block)) + " " * block + "c: "
    text += "[" * flow + "]" * flow + "\n"
    codes = [d.code for d in check_text(text).diagnostics]
    assert ("nesting-limit" in codes) is refused_, codes


# -- import ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            '{"categorySchema": {"tools": [' + "[" * 100_000 + "]" * 100_000 + "]}}",
            "nested too deeply",
            id="nested-100k",
        ),
        pytest.param(
            '{"categorySchema": {"tools": []}, "pad": "' + "x" * MAX_FILE_BYTES + '"}',
            f"larger than the limit of {MAX_FILE_BYTES:,} bytes",
            id="over-16-mib",
        ),
    ],
)
def test_import_from_json_has_the_bounds(
    here: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    """A deeply nested JSON source was an internal error (RecursionError); a huge one was read whole."""
    Path("src.json").write_text(text, encoding="utf-8")
    err = refused(capsys, ("import", "--from-json"), "src.json")
    assert f"src.json: cannot read JSON: {message}" in err
