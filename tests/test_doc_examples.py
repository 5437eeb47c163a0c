"""The documented style is the canonical one (issue 13, item 4): every YAML example of README.md and
docs/format.md passes `ontokit fmt --check` and, when it is a whole ontokit file, `ontokit validate`.

An example is a fenced block opened with ```` ```yaml ````. A block that is only part of a file (a
list of options, one item, a before/after pair) opens with ```` ```yaml fragment ```` (GitHub
highlights it as YAML all the same); it is not checked, but it must really be a fragment: a block
marked so that is a whole valid ontokit file fails here. A block of another tool's YAML (a
pre-commit configuration, a workflow) is checked as `validate` sees it: skipped, recognised.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ontology_kit.cli import main
from ontology_kit.loader import load_text
from ontology_kit.project.kinds import classify

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("README.md", "docs/format.md")
#: What a whole project or workspace example may lack in a scratch folder: the files it names.
MISSING_REFERENCES = frozenset({"file-not-found", "no-files"})
_FENCE = re.compile(r"^```yaml(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    document: str
    line: int
    text: str
    fragment: bool

    @property
    def name(self) -> str:
        return f"{self.document}:{self.line}"


def examples() -> list[Example]:
    found = []
    for document in DOCUMENTS:
        source = (ROOT / document).read_text(encoding="utf-8")
        for match in _FENCE.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            fragment = "fragment" in match.group("info").split()
            found.append(Example(document, line, match.group("body"), fragment))
    return found


EXAMPLES = examples()
WHOLE = [e for e in EXAMPLES if not e.fragment]
FRAGMENTS = [e for e in EXAMPLES if e.fragment]


def ontokit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err, err
    return code, out + err


def test_the_documents_have_examples() -> None:
    """The extraction itself: a change of fence style must not leave this test checking nothing."""
    assert {e.document for e in WHOLE} == set(DOCUMENTS)
    assert any("yes-no: [Yes, No]" in e.text for e in WHOLE if e.document == "README.md")
    assert any("yes-no: [Yes, No]" in e.text for e in WHOLE if e.document == "docs/format.md")


@pytest.mark.parametrize("example", WHOLE, ids=[e.name for e in WHOLE])
def test_every_example_is_formatted_and_valid(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("example.yaml").write_text(example.text, encoding="utf-8")
    kind, tool = classify(load_text(example.text, example.name))
    assert kind != "other" or tool is not None, (
        f"{example.name}: neither an ontokit file nor a known tool's; if it is part of a file, open it "
        "with ```yaml fragment"
    )
    code, out = ontokit(capsys, "fmt", "--check", "--diff", "example.yaml")
    assert code == 0, f"{example.name}: `ontokit fmt --check` would change it:\n{out}"
    code, out = ontokit(capsys, "validate", "--format", "json", "example.yaml")
    if kind == "ontology":
        assert code == 0, f"{example.name}: not valid:\n{out}"
    elif kind in ("project", "workspace"):
        codes = {d["code"] for d in json.loads(out)["diagnostics"] if d["severity"] == "error"}
        assert codes <= MISSING_REFERENCES, f"{example.name}: not valid:\n{out}"


@pytest.mark.parametrize("example", FRAGMENTS, ids=[e.name for e in FRAGMENTS])
def test_a_fragment_is_not_a_whole_file(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The marker is for parts of files only: a whole, valid ontokit file must be checked."""
    loaded = load_text(example.text, example.name)
    if loaded.data is None or classify(loaded).kind == "other":
        return  # not a mapping of ontokit's keys (a list, one item, a side-by-side pair): a fragment
    monkeypatch.chdir(tmp_path)
    Path("example.yaml").write_text(example.text, encoding="utf-8")
    code, _ = ontokit(capsys, "validate", "example.yaml")
    assert code != 0, f"{example.name} is a whole valid file: remove `fragment` from its fence"


def test_yaml_12_readers_agree_on_the_examples() -> None:
    """The reader of editors and linters (YAML 1.2, as ruamel.yaml and yaml-language-server read it)
    reads the README's `yes-no: [Yes, No]` as strings, as ontokit does; only a YAML 1.1 reader
    (PyYAML) would not, which is why fmt quotes them under a `%YAML 1.1` directive."""
    from ruamel.yaml import YAML

    readme = next(e for e in WHOLE if e.document == "README.md" and "yes-no:" in e.text)
    assert YAML(typ="safe", pure=True).load(readme.text)["optionSets"]["yes-no"] == ["Yes", "No"]
    assert load_text(readme.text, "r").data["optionSets"]["yes-no"] == ["Yes", "No"]
    assert yaml.safe_load(readme.text)["optionSets"]["yes-no"] == [True, False]  # YAML 1.1
