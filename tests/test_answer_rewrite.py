"""Rewriting one answer as declared migrations say (answer_rewrite.rewrite): each kind of migration
on each kind of item by hand, then the invariants apply relies on as properties: idempotent, the
input never mutated, no exception on any answer a hub may hold, and what no migration names copied
as it is (docs/migrations.md)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from migration_cases import ANSWER, KINDS, case, drop_option, ids, live_doc, schema, top

from ontology_kit.answer_rewrite import rewrite
from ontology_kit.migration import Binding, DeclaredMigration, bind

BEFORE = schema(live_doc())
_BINDINGS: dict[str, Binding] = {}


def binding(kind: str) -> Binding:
    """The binding of one hand-written case (no problems: every case is valid)."""
    if kind not in _BINDINGS:
        doc, migrations = case(kind)
        _BINDINGS[kind] = bind(migrations, BEFORE, schema(doc))
        assert _BINDINGS[kind].problems == [], _BINDINGS[kind].problems
    return _BINDINGS[kind]


def _cls(answer: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(e for e in answer["classifications"] if e["schemaId"] == sid)


def _edit_merge_options(a: dict[str, Any]) -> None:
    a["tools"][0]["classifications"][0]["answer"] = "r-blue"


def _edit_sibling(a: dict[str, Any]) -> None:
    _cls(a, "c-tags")["answer"] = ["g-a"]
    a["classifications"].append({"schemaId": "c-flags", "answer": ["f-x"]})


def _edit_merge_tools(a: dict[str, Any]) -> None:
    a["tools"][1]["schemaId"] = "t-car"
    a["tools"][1]["classifications"] = [{"schemaId": "c-color", "answer": "r-blue"}]


def _edit_move_classification(a: dict[str, Any]) -> None:
    scene = _cls(a, "c-scene")
    a["classifications"].append(scene["classifications"].pop())


def _edit_move_option(a: dict[str, Any]) -> None:
    a["classifications"].remove(_cls(a, "c-weather"))
    a["classifications"].append({"schemaId": "c-flags", "answer": ["w-rain"]})


def _edit_convert(a: dict[str, Any]) -> None:
    weather = _cls(a, "c-weather")
    weather["schemaId"], weather["answer"] = "c-weather2", ["w-rain2"]


def _edit_delete_tool(a: dict[str, Any]) -> None:
    a["tools"].pop()
    a["relations"].pop()


def _set(
    path: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any
) -> Callable[[dict[str, Any]], None]:
    def edit(a: dict[str, Any]) -> None:
        path(a)[key] = value

    return edit


#: What each hand-written case makes of ANSWER (an edit of a copy of it) and the answers it deletes.
EXPECTED: dict[str, tuple[Callable[[dict[str, Any]], None], int]] = {
    "merge-options": (_edit_merge_options, 0),
    "merge-option-sibling": (_edit_sibling, 0),
    "merge-tools": (_edit_merge_tools, 0),
    "merge-tree-options": (_set(lambda a: _cls(a, "c-kind"), "answer", "n-car"), 0),
    "rekey-tool": (_set(lambda a: a["tools"][2], "schemaId", "t-line2"), 0),
    "rekey-classification": (_set(lambda a: _cls(a, "c-note"), "schemaId", "c-note2"), 0),
    "rekey-relation": (lambda a: [r.update(schemaId="rel-tow2") for r in a["relations"]] and None, 0),
    "move-classification": (_edit_move_classification, 0),
    "move-option": (_edit_move_option, 0),
    "convert-checkbox": (_edit_convert, 0),
    "convert-multi-dropdown": (_edit_convert, 0),
    "delete-tool": (_edit_delete_tool, 2),  # the object, and the relation that pointed at it
    "delete-classification": (lambda a: a["classifications"].remove(_cls(a, "c-scene")), 1),
    "delete-option": (_set(lambda a: _cls(a, "c-tags"), "answer", ["g-a"]), 1),
    "delete-relation": (_set(lambda a: a, "relations", []), 2),
}


@pytest.mark.parametrize("kind", list(EXPECTED), ids=list(EXPECTED))
def test_each_kind_of_migration_rewrites_exactly_its_items(kind: str) -> None:
    edit, deleted = EXPECTED[kind]
    want = copy.deepcopy(ANSWER)
    edit(want)
    got = rewrite(ANSWER, binding(kind))
    assert got.conflicts == []
    assert got.deleted == deleted
    assert _normal(got.answer) == _normal(want)


def _normal(answer: dict[str, Any]) -> Any:
    """An answer with empty nested lists left out (a moved classification leaves one behind)."""
    if isinstance(answer, dict):
        return {k: _normal(v) for k, v in answer.items() if not (k == "classifications" and v == [])}
    if isinstance(answer, list):
        return [_normal(v) for v in answer]
    return answer


@pytest.mark.parametrize(
    "kind", ["convert-radio", "convert-single-dropdown"], ids=["radio", "single-dropdown"]
)
def test_a_convert_to_one_choice_takes_one_answer_and_refuses_two(kind: str) -> None:
    one = {"classifications": [{"schemaId": "c-tags", "answer": ["g-a"]}]}
    assert rewrite(one, binding(kind)).answer == {
        "classifications": [{"schemaId": "c-tags2", "answer": "g-a2"}]
    }
    two = rewrite(ANSWER, binding(kind))
    assert two.conflicts and "would choose 2 options, but it takes one" in two.conflicts[0]


@pytest.mark.parametrize(
    ("kind", "element", "want"),
    [
        pytest.param(
            "merge-options",
            {"schemaId": "c-color", "answer": "Green"},
            [{"schemaId": "c-color", "answer": "Blue"}],
            id="value-text-merge",
        ),
        pytest.param(
            "merge-option-sibling",
            {"schemaId": "c-tags", "answer": ["A", "C"]},
            [{"schemaId": "c-tags", "answer": ["A"]}, {"schemaId": "c-flags", "answer": ["X"]}],
            id="value-text-to-sibling",
        ),
        pytest.param(
            "convert-checkbox",
            {"schemaId": "c-weather", "answer": "Rain"},
            [{"schemaId": "c-weather2", "answer": ["Rain"]}],
            id="value-text-convert",
        ),
        pytest.param(
            "merge-tree-options",
            {"schemaId": "c-kind", "answer": "Bus"},
            [{"schemaId": "c-kind", "answer": "Car"}],
            id="tree-option-title",
        ),
        pytest.param(
            "delete-option",
            {"schemaId": "c-note", "answer": "g-c"},
            [{"schemaId": "c-note", "answer": "g-c"}],
            id="text-equal-to-a-deleted-option-id",  # finding: it was deleted as if chosen
        ),
        pytest.param(
            "delete-tool",
            {"schemaId": "c-note", "answer": "t-line"},
            [{"schemaId": "c-note", "answer": "t-line"}],
            id="text-equal-to-a-deleted-tool-id",
        ),
        pytest.param(
            "delete-option",
            {"schemaId": "c-tags", "optionIds": ["g-a", "g-c"]},
            [{"schemaId": "c-tags", "optionIds": ["g-a"]}],
            id="optionIds-delete",
        ),
        pytest.param(
            "merge-option-sibling",
            {"schemaId": "c-tags", "optionIds": ["g-c"], "answer": ["g-c"]},
            [{"schemaId": "c-flags", "answer": ["f-x"]}],
            id="optionIds-to-sibling",
        ),
        pytest.param(
            "delete-option",
            {
                "schemaId": "c-tags",
                "answer": ["g-c"],
                "classifications": [{"schemaId": "c-note", "answer": "x"}],
            },
            [],
            id="every-choice-deleted-takes-its-nested-answers",
        ),
    ],
)
def test_answers_as_exports_write_them(kind: str, element: dict[str, Any], want: list[Any]) -> None:
    got = rewrite({"classifications": [element]}, binding(kind))
    assert got.conflicts == []
    assert got.answer["classifications"] == want


def test_conditional_nesting_follows_a_merged_tool() -> None:
    """Truck's Color is nested under the tool; Car › Color › Shade hangs on option Red."""
    answer = {
        "tools": [
            {
                "schemaId": "t-truck",
                "objectId": "o9",
                "bounding-box": {"x": 0, "y": 0, "width": 1, "height": 1},
                "classifications": [{"schemaId": "c-tcolor", "answer": "Red"}],
            }
        ]
    }
    got = rewrite(answer, binding("merge-tools")).answer
    assert got["tools"][0]["schemaId"] == "t-car"
    assert got["tools"][0]["classifications"] == [{"schemaId": "c-color", "answer": "Red"}]


def test_two_classifications_merged_into_one_place_are_a_conflict() -> None:
    """Finding: two answers merged into one classification in one list were both kept (the task
    would answer one classification twice); it is a conflict now, so apply stops before writing."""
    doc = live_doc()
    doc["classifications"] = [c for c in doc["classifications"] if c["title"] != "Flags"]
    migrations = (DeclaredMigration(0, "merge", ids("c-flags"), "c-tags", ()),)
    b = bind(migrations, BEFORE, schema(doc))  # Flags' options have no counterpart (a problem of bind's)
    answer = {
        "classifications": [{"schemaId": "c-tags", "answer": ["g-a"]}, {"schemaId": "c-flags", "answer": []}]
    }
    got = rewrite(answer, b)
    assert any("answered twice" in c for c in got.conflicts), got


# -- properties -------------------------------------------------------------------------------------------
_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

_IDS = sorted(
    {n.id for n in BEFORE.walk() if n.id is not None}
    | {"c-weather2", "w-rain2", "t-line2", "c-note2", "rel-tow2", "o1", "o2", "o3"}
)
_TEXTS = ("Red", "Green", "Blue", "A", "C", "Rain", "Bus", "hello", "")
_KEYS = (
    "schemaId",
    "answer",
    "optionIds",
    "classifications",
    "objectId",
    "from",
    "to",
    "title",
    "bounding-box",
)

_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(_IDS), st.sampled_from(_TEXTS)
)
#: Anything a hub may hold: JSON made of the answer's own keys and ids (so that migrations apply).
hostile: st.SearchStrategy[Any] = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)
    ),
    max_leaves=30,
)


@st.composite
def hostile_answers(draw: st.DrawFn) -> dict[str, Any]:
    groups = st.sampled_from(("tools", "objects", "classifications", "relations"))
    answer: dict[str, Any] = draw(st.dictionaries(groups, st.one_of(st.lists(hostile, max_size=4), hostile)))
    if draw(st.booleans()):  # nested as deep as the hub takes (64 levels)
        deep: Any = {"schemaId": draw(st.sampled_from(_IDS)), "answer": draw(st.sampled_from(_IDS))}
        for _ in range(draw(st.integers(1, 30))):
            deep = {"schemaId": draw(st.sampled_from(_IDS)), "classifications": [deep]}
        answer.setdefault("classifications", [])
        if isinstance(answer["classifications"], list):
            answer["classifications"].append(deep)
    return answer


def _choice(draw: st.DrawFn, item: dict[str, Any]) -> Any:
    options = [o["schemaId"] for o in item.get("options", [])] + [o["value"] for o in item.get("options", [])]
    todo = list(item.get("treeOptions", []))
    while todo:
        node = todo.pop()
        options += [node["schemaId"], node["title"]]
        todo += node.get("children", [])
    if not options:
        return draw(st.sampled_from(_TEXTS))
    if item["type"] == "checkbox":
        return draw(st.lists(st.sampled_from(options), min_size=1, max_size=3, unique=True))
    return draw(st.sampled_from(options))


def _element(draw: st.DrawFn, item: dict[str, Any]) -> dict[str, Any]:
    key = (
        "optionIds"
        if item.get("options") and item["type"] == "checkbox" and draw(st.booleans())
        else "answer"
    )
    out: dict[str, Any] = {"schemaId": item["schemaId"], key: _choice(draw, item)}
    nested = [_element(draw, c) for c in item.get("classifications", []) if draw(st.booleans())]
    if nested:
        out["classifications"] = nested
    return out


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed answer to the live label set: ids or value texts, answer or optionIds."""
    doc = live_doc()
    objects = []
    for i in range(draw(st.integers(0, 4))):
        tool = draw(st.sampled_from(doc["tools"]))
        obj = {"schemaId": tool["schemaId"], "objectId": f"o{i}", tool["type"]: {"x": i, "y": 1}}
        nested = [_element(draw, c) for c in tool.get("classifications", []) if draw(st.booleans())]
        objects.append(obj | ({"classifications": nested} if nested else {}))
    relations = [
        {
            "schemaId": "rel-tow",
            "from": draw(st.sampled_from(objects))["objectId"],
            "to": f"o{draw(st.integers(0, 4))}",
        }
        for _ in range(draw(st.integers(0, 2)) if objects else 0)
    ]
    classes = [_element(draw, c) for c in doc["classifications"] if draw(st.booleans())]
    return {"tools": objects, "classifications": classes, "relations": relations}


@_SETTINGS
@given(answer=answers(), kind=st.sampled_from(KINDS))
def test_rewrite_is_idempotent(answer: dict[str, Any], kind: str) -> None:
    once = rewrite(answer, binding(kind))
    if once.conflicts:  # apply stops before writing anything: nothing is rewritten twice
        return
    twice = rewrite(once.answer, binding(kind))
    assert twice.answer == once.answer
    assert (twice.deleted, twice.conflicts) == (0, [])


@_SETTINGS
@given(answer=st.one_of(answers(), hostile_answers()), kind=st.sampled_from(KINDS))
def test_rewrite_never_mutates_its_input_and_never_raises(answer: dict[str, Any], kind: str) -> None:
    """Findings: a list where a schemaId, objectId, from or to belongs raised TypeError (unhashable),
    a number where the objects belong raised TypeError, and a relocated classification's new host
    nested in an element with no schemaId was changed in the caller's answer."""
    kept = copy.deepcopy(answer)
    once = rewrite(answer, binding(kind))
    assert answer == kept
    twice = rewrite(once.answer, binding(kind))
    assert isinstance(twice.answer, dict)


def _named(b: Binding) -> set[str]:
    """Every id a binding reads or writes."""
    out = set(b.carried) | set(b.categories.values()) | {x for pair in b.options.values() for x in pair}
    for step in b.steps:
        out |= set(step.covered)
    for old in b.relocate:
        node = next((n for n in BEFORE.walk() if n.id == old), None)
        if node is not None and node.parent is not None and node.parent.id is not None:
            out.add(node.parent.id)
    for new in b.options.values():
        node = next((n for n in BEFORE.walk() if n.id == new[0]), None)
        out.add(new[0])
        if node is not None:
            out |= {c.id for c in node.children() if c.id is not None}
    return out


@_SETTINGS
@given(answer=answers(), kind=st.sampled_from(KINDS))
def test_elements_no_migration_names_are_copied_unchanged(answer: dict[str, Any], kind: str) -> None:
    b = binding(kind)
    named = _named(b)
    got = rewrite(answer, b)

    def untouched(element: Any) -> bool:
        text = json.dumps(element)
        return not any(f'"{i}"' in text for i in named) and not any(
            f'"{v}"' in text for i in named for v in _values_of(i)
        )

    for group in ("tools", "classifications"):
        for element in answer[group]:
            if untouched(element):
                assert element in got.answer[group], (element, got.answer[group])
    kept_objects = {o["objectId"] for o in got.answer["tools"]}
    for rel in answer["relations"]:
        if (
            rel["from"] in kept_objects
            and rel["to"] in kept_objects | {f"o{i}" for i in range(5)}
            and untouched(rel)
        ):
            assert rel in got.answer["relations"]


def _values_of(sid: str) -> list[str]:
    """The value texts an answer may name ``sid``'s option by (so that they count as named too)."""
    node = next((n for n in BEFORE.walk() if n.id == sid), None)
    return [node.title] if node is not None and node.title else []


def test_a_deleted_tool_takes_only_the_relations_that_point_at_its_objects() -> None:
    answer = copy.deepcopy(ANSWER)
    answer["relations"].append({"schemaId": "rel-tow", "from": ["o3"], "to": {"x": 1}})
    got = rewrite(answer, binding("delete-tool"))
    assert got.answer["relations"] == [ANSWER["relations"][0], answer["relations"][-1]]


def test_title_is_kept_in_step_with_the_new_schema_id() -> None:
    doc, migrations = case("rekey-classification")
    top(doc, "Note")["title"] = "Remark"
    b = bind(migrations, BEFORE, schema(doc))
    got = rewrite({"classifications": [{"schemaId": "c-note", "title": "Note", "answer": "x"}]}, b)
    assert got.answer["classifications"] == [{"schemaId": "c-note2", "title": "Remark", "answer": "x"}]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"tools": [{"schemaId": ["t-line"], "objectId": "o"}]}, id="list-schemaId"),
        pytest.param({"relations": [{"schemaId": "rel-tow", "from": ["o3"], "to": "o1"}]}, id="list-from"),
        pytest.param({"tools": [{"schemaId": "t-line", "objectId": {"id": 1}}]}, id="object-objectId"),
        pytest.param({"tools": 5, "classifications": "x", "relations": None}, id="scalars-for-lists"),
        pytest.param(
            {
                "classifications": [
                    {
                        "answer": "x",
                        "classifications": [
                            {
                                "schemaId": "c-note",
                                "classifications": [{"schemaId": "c-light", "answer": "l-day"}],
                            }
                        ],
                    }
                ]
            },
            id="relocated-under-an-element-without-schemaId",
        ),
    ],
)
@pytest.mark.parametrize("kind", ["delete-tool", "move-classification"])
def test_hostile_answers_are_copied_not_obeyed(answer: dict[str, Any], kind: str) -> None:
    kept = copy.deepcopy(answer)
    rewrite(answer, binding(kind))
    assert answer == kept


def test_nested_answers_that_cannot_follow_a_moved_last_choice_are_a_conflict() -> None:
    """Finding (the extended oracle): when a choice moved to a sibling classification was its
    answer's last, the answers nested under it were moved along under the sibling, where the new
    label set does not have them (Scene › Light stays under Scene): they no longer resolved."""
    doc = live_doc()
    drop_option(top(doc, "Scene"), "s-in")
    top(doc, "Weather")["options"].append({"value": "In", "schemaId": "s-in"})
    b = bind((DeclaredMigration(0, "move", ids("s-in"), "s-in"),), BEFORE, schema(doc))
    assert b.problems == []
    nested = {"schemaId": "c-light", "answer": "l-day"}
    answer = {"classifications": [{"schemaId": "c-scene", "answer": "s-in", "classifications": [nested]}]}
    got = rewrite(answer, b)
    assert any("have no place there" in c for c in got.conflicts), got
    alone = rewrite({"classifications": [{"schemaId": "c-scene", "answer": "s-in"}]}, b)
    assert alone.conflicts == [] and alone.answer == {
        "classifications": [{"schemaId": "c-weather", "answer": "s-in"}]
    }
