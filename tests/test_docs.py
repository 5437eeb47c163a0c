"""The documentation keeps up with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ontology_kit.rulebook import CODES, RULES

ROOT = Path(__file__).resolve().parent.parent
FORMAT = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_a_rule_row(code: str) -> None:
    assert re.search(rf"^\| `{re.escape(code)}`", FORMAT, re.M), f"docs/format.md has no rule row for {code}"


@pytest.mark.parametrize("rule", [pytest.param(r, id=r.code) for r in RULES])
def test_each_rule_row_is_the_documentation_beside_the_rule(rule: object) -> None:
    """docs/format.md's row is the code's documentation, as written beside the code that emits it."""
    row = rule.row()  # type: ignore[attr-defined]
    assert row in FORMAT.splitlines(), f"docs/format.md: the row of this rule should read\n{row}"


def test_no_documented_code_is_unknown() -> None:
    documented = set(re.findall(r"^\| `([a-z0-9-]+)`", FORMAT, re.M))
    rule_codes = {c for c in documented if "-" in c or c in CODES}
    fields = {"version", "description", "optionSets", "tools", "classifications", "relations"}
    assert rule_codes - set(CODES) - fields == set()


def test_every_model_field_is_documented() -> None:
    from ontology_kit.model import Classification, Ontology, Option, Relation, Tool, TreeNode

    for model in (Ontology, Tool, Classification, Relation, Option, TreeNode):
        for name in model.model_fields:
            assert f"`{name}`" in FORMAT, f"docs/format.md does not document {model.__name__}.{name}"
