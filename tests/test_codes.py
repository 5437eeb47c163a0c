"""Diagnostic codes are a closed type: a mistyped code fails type checking (mypy --strict)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ontology_kit.codes import CODES
from ontology_kit.rulebook import RULES, rule

mypy_api = pytest.importorskip("mypy.api", reason="mypy is a test dependency (pip install -e '.[test]')")


def _mypy(tmp_path: Path, source: str) -> tuple[str, int]:
    path = tmp_path / "snippet.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    out, err, status = mypy_api.run(["--strict", "--cache-dir", str(tmp_path / ".mypy"), str(path)])
    return out + err, status


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            'from ontology_kit.diagnostics import Diagnostic\nDiagnostic("unknown-feild", "x")\n',
            id="a-diagnostic",
        ),
        pytest.param(
            'from ontology_kit.rules._context import Context\nContext("f").issue("duplicate-titel", "x", ())\n',
            id="a-rule",
        ),
        pytest.param(
            'from ontology_kit.codes import Rule\nRule("bad-code", "s", "r", "b", "g")\n',
            id="its-documentation",
        ),
    ],
)
def test_a_mistyped_code_fails_type_checking(tmp_path: Path, source: str) -> None:
    output, status = _mypy(tmp_path, source)
    assert status == 1 and "incompatible type" in output, output


def test_a_known_code_type_checks(tmp_path: Path) -> None:
    output, status = _mypy(
        tmp_path, 'from ontology_kit.diagnostics import Diagnostic\nDiagnostic("unknown-field", "x")\n'
    )
    assert status == 0, output


def test_every_code_is_documented_once_beside_its_rule() -> None:
    documented = [r.code for r in RULES]
    assert sorted(documented) == sorted(CODES)
    assert len(documented) == len(set(documented))
    for code in CODES:
        r = rule(code)
        assert r.summary and r.rule and r.bad and r.good, code
