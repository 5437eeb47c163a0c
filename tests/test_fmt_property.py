"""Property: for any valid ontology, written any way a person may write it, ``fmt``'s output compiles
to the identical payload, and formatting it again changes nothing (issue 9, finding 2).

The ontologies are built as YAML *text*, because the text is what fmt can get wrong: tricky scalars
(dates and timestamps, yes/no/on/off, 1.10, 0x1F, ``~``, ``: `` and `` #`` inside strings, unicode),
written plain, single- or double-quoted, in block or flow lists, with comments, nested conditional
classifications and tree options.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import pytest
import yaml
import yaml_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ontology_kit import check_text
from ontology_kit.fmt import format_text
from ontology_kit.yamlout import dump, is_ambiguous, quoted

TRICKY = [
    "2001-01-01",
    "2001-01-01T00:00:00Z",
    "2001-12-14 21:59:43.10 -5",
    "Yes",
    "No",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "YES",
    "NO",
    "On",
    "OFF",
    "True",
    "FALSE",
    "null",
    "NULL",
    "0B11",
    "+0x1F",
    ".Nan",
    "_0",
    "1e_3",
    "=",
    "~",
    "1.10",
    "1_000",
    "0x1F",
    "0o17",
    "012",
    ".inf",
    "1e3",
    "1:30",
    "a: b",
    "x #y",
    "#hash",
    "- dash",
    "[x]",
    "{y}",
    "&anchor",
    "*star",
    "!bang",
    "%pct",
    "@at",
    "`tick`",
    "it's",
    'say "hi"',
    "Café",
    "日本語",
    "naïve résumé",
    "Ünïcödé ✓",
    "emoji 🚗",
    "trailing ",
    " leading",
    "<<",
]
WORDS = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs", "Po", "Sm"), max_codepoint=0x2FFF),
    min_size=1,
    max_size=12,
)
SCALARS = st.one_of(st.sampled_from(TRICKY), WORDS).filter(lambda s: s.strip() != "")


def _plain_reads_as(text: str, flow: bool) -> bool:
    """True when ``text`` written plain reads back as this very string (in a flow list or as a value)."""
    if text[0] in "-?:,[]{}#&*!|>'\"%@`":
        return False  # YAML forbids (most of) these at the start of a plain scalar; yaml-rs is lenient
    source = f"k: [{text}]" if flow else f"k: {text}"
    try:
        data = yaml_rs.loads(source, parse_datetime=False)
    except yaml_rs.YAMLDecodeError:
        return False
    return bool(data == {"k": [text] if flow else text})


@st.composite
def scalar(draw: st.DrawFn, text: str, flow: bool) -> str:
    """``text`` as YAML: plain when that reads back as the string, else (or by choice) quoted."""
    style = draw(st.sampled_from(["plain", "single", "double"]))
    if style == "plain" and _plain_reads_as(text, flow):
        return text
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def unique(strategy: st.SearchStrategy[str], min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    # different after any normalisation the rules may apply (case, spaces, accents aside: just casefold)
    return st.lists(
        strategy, min_size=min_size, max_size=max_size, unique_by=lambda s: " ".join(s.casefold().split())
    )


@dataclass
class Lines:
    lines: list[str]

    def add(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + text)


@st.composite
def options_block(draw: st.DrawFn, out: Lines, indent: int) -> list[str]:
    values = draw(unique(SCALARS, 1, 5))
    if draw(st.booleans()):
        written = [draw(scalar(v, flow=True)) for v in values]
        out.add(indent, f"options: [{', '.join(written)}]")
    else:
        out.add(indent, "options:" + draw(st.sampled_from(["", "  # the options"])))
        for v in values:
            if draw(st.booleans()):
                out.add(indent + 2, f"- {draw(scalar(v, flow=False))}")
            else:
                out.add(indent + 2, f"- value: {draw(scalar(v, flow=False))}")
    return values


@st.composite
def tree(draw: st.DrawFn, out: Lines, indent: int, depth: int) -> None:
    for title in draw(unique(SCALARS, 1, 3)):
        if depth > 0 and draw(st.booleans()):
            out.add(indent, f"- title: {draw(scalar(title, flow=False))}")
            out.add(indent + 2, "children:")
            draw(tree(out, indent + 4, depth - 1))
        else:
            out.add(indent, f"- {draw(scalar(title, flow=False))}")


@st.composite
def classifications(draw: st.DrawFn, out: Lines, indent: int, depth: int, parent: list[str] | None) -> None:
    titles = draw(unique(SCALARS, 1, 3))
    for title in titles:
        kind = draw(st.sampled_from(["radio", "checkbox", "text", "tree-dropdown"]))
        out.add(indent, f"- title: {draw(scalar(title, flow=False))}")
        out.add(indent + 2, f"type: {kind}")
        if parent is not None:
            out.add(indent + 2, f"parentOptionId: {draw(scalar(draw(st.sampled_from(parent)), flow=False))}")
        if draw(st.booleans()):
            out.add(indent + 2, f"required: {draw(st.sampled_from(['true', 'false']))}  # required?")
        if kind in ("radio", "checkbox"):
            values = draw(options_block(out, indent + 2))
            if depth > 0 and draw(st.booleans()):
                out.add(indent + 2, "classifications:")
                draw(classifications(out, indent + 4, depth - 1, values))
        elif kind == "tree-dropdown":
            out.add(indent + 2, "treeOptions:")
            draw(tree(out, indent + 4, 2))


@st.composite
def ontologies(draw: st.DrawFn) -> str:
    out = Lines(["# an ontology", "version: 1"])
    if draw(st.booleans()):
        out.add(0, f"description: {draw(scalar(draw(SCALARS), flow=False))}")
    if draw(st.booleans()):
        out.add(0, "tools:")
        for title in draw(unique(SCALARS, 1, 3)):
            out.add(2, f"- type: {draw(st.sampled_from(['bounding-box', 'point', 'polygon']))}")
            out.add(4, f"title: {draw(scalar(title, flow=False))}")
            if draw(st.booleans()):
                out.add(4, "classifications:")
                draw(classifications(out, 6, 1, None))
    out.add(0, "classifications:")
    draw(classifications(out, 2, 2, None))
    # a YAML 1.1 directive changes nothing for ontokit's reader, so it must change nothing in fmt
    header = draw(st.sampled_from(["", "%YAML 1.1\n---\n", "%YAML 1.2\n---\n", "---\n"]))
    return header + "\n".join(out.lines) + "\n"


@settings(
    max_examples=int(os.environ.get("FMT_PROPERTY_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ontologies())
def test_fmt_output_compiles_to_the_identical_payload_and_is_idempotent(text: str) -> None:
    before = check_text(text)
    assert before.payload is not None, (text, [str(d.message) for d in before.diagnostics])
    formatted = format_text(text)
    after = check_text(formatted)
    assert after.payload is not None, formatted
    assert json.dumps(after.payload) == json.dumps(before.payload), formatted
    assert format_text(formatted) == formatted


#: Strings in YAML 1.2 (and to ontokit's reader), booleans, timestamps or numbers in YAML 1.1 only.
YAML_12_STRINGS = [
    *(w for word in ("y", "yes", "n", "no", "on", "off") for w in (word, word.capitalize(), word.upper())),
    "2024-01-01",
    "2001-12-14 21:59:43.10 -5",
    "1:30",
]
#: Text near the edge of what reads as a number, a boolean or null (signs, bases, `_`, `.`, `e`).
EDGY = st.text(alphabet="0123456789+-._eExXoObBaAfFinNtTuUrRlLsSyY~: ", min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(TRICKY), EDGY, WORDS))
def test_a_written_string_reads_back_as_itself(text: str) -> None:
    """Whatever fmt (and import) writes plain, ontokit's reader reads as the very string: quoting is
    decided by the reader itself, so yaml-rs's lenient numbers (`1_0`, `+0x1F`, `.Nan`) are quoted."""
    assert yaml_rs.loads(dump({"k": quoted(text)}), parse_datetime=False) == {"k": text}
    assert yaml_rs.loads(dump({"k": [quoted(text)]}), parse_datetime=False) == {"k": [text]}


@pytest.mark.parametrize("text", YAML_12_STRINGS)
def test_yaml_12_strings_stay_plain(text: str) -> None:
    """Issue 13 item 4: what YAML 1.2 and ontokit's reader read as a string is not quoted (the style
    the README writes: `yes-no: [Yes, No]`), unless a `%YAML 1.1` directive makes it something else."""
    assert not is_ambiguous(text)
    assert is_ambiguous(text, yaml11=True)
    source = f"tools:\n  - title: {text}\n    type: point\n    classifications:\n"
    source += f"      - {{title: Q, type: radio, options: [{text}, other]}}\n"
    assert format_text(source) == source
    assert f'"{text}"' in format_text("%YAML 1.1\n---\n" + source)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from(TRICKY + YAML_12_STRINGS), EDGY))
def test_under_yaml_11_a_written_string_reads_back_as_itself_in_pyyaml(text: str) -> None:
    """With ``yaml11`` (a file under a `%YAML 1.1` directive), a YAML 1.1 reader reads what fmt writes
    as the string, too: `Yes`, `on`, `1:30`, dates are quoted."""
    written = dump({"k": quoted(text, yaml11=True)})
    assert yaml.safe_load(written) == {"k": text}, written
    assert yaml_rs.loads(written, parse_datetime=False) == {"k": text}, written
