"""Which schemaIds each change of a plan covers (``plan/affected.py``): the changed item and
everything beneath it in the live schema, one group per change of a category-schema item."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from ontology_kit.category_schema import CategorySchema
from ontology_kit.plan.affected import count_requests, mismatches, with_affected
from ontology_kit.plan.diff import diff_category_schema
from ontology_kit.plan.model import Affected, ProjectPlan

LIVE: dict[str, Any] = {
    "tools": [
        {
            "tool": "bounding-box",
            "title": "Vehicle",
            "schemaId": "veh",
            "classifications": [
                {
                    "tool": "radio",
                    "title": "Color",
                    "schemaId": "col",
                    "options": [{"value": "Red", "schemaId": "red"}, {"value": "Blue", "schemaId": "blu"}],
                }
            ],
        },
        {"tool": "polygon", "title": "Truck", "schemaId": "trk"},
    ],
    "classifications": [
        {
            "tool": "tree-dropdown",
            "title": "Place",
            "schemaId": "plc",
            "treeOptions": [
                {
                    "title": "Europe",
                    "key": "eu",
                    "value": "Europe",
                    "children": [{"title": "France", "key": "fr", "value": "France", "children": []}],
                },
                {"title": "Asia", "key": "as", "value": "Asia", "children": []},
            ],
            "options": [
                {"value": "Europe", "schemaId": "eu"},
                {"value": "Europe / France", "schemaId": "fr"},
                {"value": "Asia", "schemaId": "as"},
            ],
        }
    ],
    "relations": [{"tool": "one-to-one", "title": "Tows", "schemaId": "tow"}],
}


def _without(path: tuple[Any, ...]) -> dict[str, Any]:
    """LIVE with the item at ``path`` removed (the last step is the index in its list)."""
    out = copy.deepcopy(LIVE)
    here: Any = out
    for step in path[:-1]:
        here = here[step]
    del here[path[-1]]
    if path[:2] == ("classifications", 0) and "treeOptions" in path:  # keep the flattened options in step
        out["classifications"][0]["options"] = [
            o for o in LIVE["classifications"][0]["options"] if o["schemaId"] in str(out)
        ]
    return out


def _groups(desired: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    changes = tuple(diff_category_schema(desired, LIVE))
    project = ProjectPlan("P", "p.yaml", "p1", changes, "f")
    return [
        (changes[r.change].path, tuple(sorted(r.schema_ids)))
        for r in count_requests(project, CategorySchema(LIVE))
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("tools", 0), ("Vehicle", ("blu", "col", "red", "veh"))),
        (("tools", 1), ("Truck", ("trk",))),
        (("tools", 0, "classifications", 0), ("Vehicle › Color", ("blu", "col", "red"))),
        (("tools", 0, "classifications", 0, "options", 0), ('Vehicle › Color › option "Red"', ("red",))),
        (("classifications", 0, "treeOptions", 0), ('Place › "Europe"', ("eu", "fr"))),
        (("relations", 0), ("Tows", ("tow",))),
    ],
    ids=["tool-with-nested", "tool", "nested-classification", "option", "tree-node", "relation"],
)
def test_a_removal_covers_the_item_and_everything_beneath(
    path: tuple[Any, ...], expected: tuple[str, tuple[str, ...]]
) -> None:
    assert expected in _groups(_without(path))


def test_no_change_no_request() -> None:
    assert _groups(copy.deepcopy(LIVE)) == []


def test_counts_are_attached_in_order() -> None:
    changes = tuple(diff_category_schema(_without(("relations", 0)), LIVE))
    project = ProjectPlan("P", "p.yaml", "p1", changes, "f")
    requests = count_requests(project, CategorySchema(LIVE))
    counted = with_affected(project, requests, [Affected(3, 2)] * len(requests))
    assert [c.affected for c in counted.changes] == [Affected(3, 2)]
    assert Affected.total(counted.changes) == Affected(3, 2) and Affected.total(changes) is None


def test_a_summary_totals_every_measure() -> None:
    """Found by the safety oracle (tests/test_oracle.py): a summary summed `lacking` and `mismatched`
    but dropped `under_old_condition`. Each measure is summed over the changes that carry it."""
    changes = tuple(diff_category_schema(_without(("relations", 0)), LIVE)) * 3
    measured = [Affected(1, 1, lacking=2), Affected(3, 2, under_old_condition=1), Affected(0, 0, 4, 5, 6)]
    with_counts = [dataclasses.replace(c, affected=a) for c, a in zip(changes, measured, strict=True)]
    assert Affected.total(with_counts) == Affected(4, 3, lacking=6, mismatched=5, under_old_condition=7)
    assert Affected.total(with_counts[:1]) == Affected(1, 1, lacking=2)


@pytest.mark.parametrize(
    ("pattern", "texts", "expected"),
    [
        pytest.param(r"^[0-9]+$", ["12", "ab", "3"], 1, id="counts-misses"),
        pytest.param(r"(?<!x", ["a"], None, id="does-not-compile"),
        pytest.param(r"^a$", None, None, id="no-texts"),
    ],
)
def test_regex_mismatches(pattern: str, texts: list[str] | None, expected: int | None) -> None:
    assert mismatches(pattern, texts) == expected


def test_a_regex_that_takes_too_long_is_left_unmeasured() -> None:
    """A pattern from a file under review must not hang the plan: past the time limit, no count."""
    slow = r"^(a|aa)+$"  # exponential backtracking on a text that does not match
    text = "a" * 40 + "b"
    assert mismatches(slow, [text], seconds=0.05) is None
    assert mismatches(r"^a", [text], seconds=0.05) == 0
