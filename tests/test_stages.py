"""The workflow checks (ontology_kit/stage_checks.py), pure: every problem of a workflow, each at its
stage and field, as the local Hub and the project definitions report them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)

from ontology_kit.stage_checks import END_TYPES, STAGE_TYPES, StageProblem, stage_problems

WORKFLOW: list[dict[str, Any]] = [
    {"id": "Start", "name": "Start", "type": "Start", "next": ["Hook"], "autoForward": False},
    {"id": "Hook", "type": "Webhook", "next": ["Label"], "url": "https://example.test/hook"},
    {"id": "Label", "type": "Label", "next": ["Vote"], "assignedTo": ["ana@example.com"]},
    {
        "id": "Vote",
        "type": "Consensus",
        "next": ["Review", "Hold"],
        "consensusConfig": {"threshold": 60, "adjudicationMethod": "best"},
        "consensusId": None,
    },
    {"id": "Review", "type": "Review", "next": ["Logic", "Label"], "readOnly": False},
    {"id": "Logic", "type": "Logic", "next": ["Plugin", "Archive"], "logic": {"conditions": []}},
    {"id": "Plugin", "type": "Plugin", "next": ["Complete"], "position": {"x": 10, "y": 2.5}},
    {"id": "Hold", "type": "Hold", "next": []},
    {"id": "Complete", "type": "Complete", "next": [], "preventRequeue": True},
    {"id": "Archive", "type": "Archive", "next": []},
]


def test_every_stage_type_of_the_sdk_is_known(lc: Any) -> None:
    from imerit_ango.models.enums import StageType

    assert tuple(t.value for t in StageType) == STAGE_TYPES
    assert END_TYPES == ("Complete", "Archive")


def test_a_workflow_of_every_type_has_no_problem() -> None:
    assert {s["type"] for s in WORKFLOW} == set(STAGE_TYPES)
    assert stage_problems(WORKFLOW) == []


def test_a_secret_is_not_checked_here() -> None:
    """A definition's stages name the secret's environment variable: the definition checks that."""
    stages = copy.deepcopy(WORKFLOW)
    stages[1]["secret"] = {"env": "HOOK_SECRET"}
    assert stage_problems(stages) == []


def _edit(change: Callable[[list[dict[str, Any]]], None]) -> list[dict[str, Any]]:
    stages = copy.deepcopy(WORKFLOW)
    change(stages)
    return stages


def _set(index: int, **fields: Any) -> list[dict[str, Any]]:
    return _edit(lambda s: s[index].update(fields))


def _drop(index: int, field: str) -> list[dict[str, Any]]:
    return _edit(lambda s: s[index].pop(field))


#: name: (stages, the problem expected among those reported)
BAD: dict[str, tuple[Any, StageProblem]] = {
    "the-issues-stage": ([{"foo": 1}], StageProblem(0, "id", "id must be a string of 1 to 1024 characters")),
    "not-an-object": (
        _edit(lambda s: s.insert(1, "Label")),  # type: ignore[arg-type]
        StageProblem(1, None, "a stage must be an object"),
    ),
    "id-empty": (_set(2, id=""), StageProblem(2, "id", "id must be a string of 1 to 1024 characters")),
    "id-too-long": (
        _set(2, id="x" * 1025),
        StageProblem(2, "id", "id must be a string of 1 to 1024 characters"),
    ),
    "id-twice": (_set(7, id="Label"), StageProblem(7, "id", "stage id 'Label' is used twice")),
    "type-unknown": (
        _set(2, type="Magic"),
        StageProblem(2, "type", f"type must be one of {', '.join(STAGE_TYPES)} (not 'Magic')"),
    ),
    "type-missing": (
        _drop(2, "type"),
        StageProblem(2, "type", f"type must be one of {', '.join(STAGE_TYPES)} (not None)"),
    ),
    "name-not-text": (
        _set(2, name=7),
        StageProblem(2, "name", "name must be a string of at most 1024 characters"),
    ),
    "next-not-a-list": (_set(2, next="Vote"), StageProblem(2, "next", "next must be a list of stage ids")),
    "next-dangling": (
        _set(2, next=["Nowhere"]),
        StageProblem(2, "next", "next names no stage with id 'Nowhere'"),
    ),
    "complete-leads-on": (
        _set(8, next=["Label"]),
        StageProblem(8, "next", "a Complete stage leads nowhere (next must be empty)"),
    ),
    "archive-leads-on": (
        _set(9, next=["Label"]),
        StageProblem(9, "next", "an Archive stage leads nowhere (next must be empty)"),
    ),
    "review-three-ways": (
        _set(4, next=["Logic", "Label", "Hold"]),
        StageProblem(4, "next", "a Review stage has at most 2 next stages (accepted, rejected)"),
    ),
    "consensus-three-ways": (
        _set(3, next=["Review", "Hold", "Label"]),
        StageProblem(3, "next", "a Consensus stage has at most 2 next stages (agree, disagree)"),
    ),
    "webhook-no-url": (
        _drop(1, "url"),
        StageProblem(1, "url", "a Webhook stage needs url, an http(s) URL of at most 2048 characters"),
    ),
    "webhook-ftp": (
        _set(1, url="ftp://example.test/hook"),
        StageProblem(1, "url", "a Webhook stage needs url, an http(s) URL of at most 2048 characters"),
    ),
    "webhook-space": (
        _set(1, url="https://example.test/a hook"),
        StageProblem(1, "url", "a Webhook stage needs url, an http(s) URL of at most 2048 characters"),
    ),
    "webhook-too-long": (
        _set(1, url="https://example.test/" + "a" * 2048),
        StageProblem(1, "url", "a Webhook stage needs url, an http(s) URL of at most 2048 characters"),
    ),
    "consensus-config-list": (
        _set(3, consensusConfig=[60]),
        StageProblem(3, "consensusConfig", "consensusConfig must be an object"),
    ),
    "consensus-threshold-text": (
        _set(3, consensusConfig={"threshold": "60"}),
        StageProblem(3, "consensusConfig", "consensusConfig.threshold must be a number"),
    ),
    "consensus-threshold-bool": (
        _set(3, consensusConfig={"threshold": True}),
        StageProblem(3, "consensusConfig", "consensusConfig.threshold must be a number"),
    ),
    "assigned-not-email": (
        _set(2, assignedTo=["ana"]),
        StageProblem(2, "assignedTo", "assignedTo must be a list of e-mail addresses"),
    ),
    "assigned-not-a-list": (
        _set(2, assignedTo="ana@example.com"),
        StageProblem(2, "assignedTo", "assignedTo must be a list of e-mail addresses"),
    ),
    "auto-forward-text": (
        _set(0, autoForward="yes"),
        StageProblem(0, "autoForward", "autoForward must be true or false"),
    ),
    "prevent-requeue-number": (
        _set(8, preventRequeue=1),
        StageProblem(8, "preventRequeue", "preventRequeue must be true or false"),
    ),
    "read-only-null": (_set(4, readOnly=None), StageProblem(4, "readOnly", "readOnly must be true or false")),
    "position-no-y": (
        _set(6, position={"x": 1}),
        StageProblem(6, "position", "position must be an object of numbers x and y"),
    ),
    "two-starts": (
        _set(2, type="Start"),
        StageProblem(2, "type", "a workflow has exactly one Start stage (found 2)"),
    ),
    "no-start": (
        _set(0, type="Label"),
        StageProblem(None, None, "a workflow has exactly one Start stage (found 0)"),
    ),
    "complete-unreachable": (
        _set(6, next=["Hold"]),
        StageProblem(None, None, "no Complete stage is reachable from the Start stage"),
    ),
    "empty": ([], StageProblem(None, None, "a workflow has exactly one Start stage (found 0)")),
}


@pytest.mark.parametrize(("stages", "expected"), list(BAD.values()), ids=list(BAD))
def test_each_problem_is_named_at_its_stage_and_field(stages: Any, expected: StageProblem) -> None:
    assert expected in stage_problems(stages)


def test_every_problem_is_reported_not_just_the_first() -> None:
    stages = _edit(lambda s: (s[1].pop("url"), s[2].update(next=["Nowhere"]), s[5].update(type="Start")))
    assert [(p.index, p.field) for p in stage_problems(stages)] == [(1, "url"), (2, "next"), (5, "type")]


def test_messages_are_one_sentence_without_a_period() -> None:
    for stages, _ in BAD.values():
        for problem in stage_problems(stages):
            assert problem.message and not problem.message.endswith(".") and "\n" not in problem.message


# -- property: a valid workflow has no problem; each single mutation has one, of the expected field --
_MIDDLE = ("Label", "Review", "Logic", "Plugin", "Webhook", "Consensus", "Hold")
_ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)


@st.composite
def workflows(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Start → a chain of middle stages → Complete, with extra exits and optional fields; maybe an
    Archive stage the chain may lead to."""
    names = draw(st.lists(_ids, min_size=3, max_size=10, unique=True))
    start, complete, middle = names[0], names[1], names[2:]
    kinds = [draw(st.sampled_from(_MIDDLE)) for _ in middle]
    archive = draw(st.booleans())
    chain = [start, *middle, complete]
    stages: list[dict[str, Any]] = [{"id": start, "type": "Start", "next": [chain[1]]}]
    targets = [*middle, complete, *(["\x01archive"] if archive else [])]
    for i, (sid, kind) in enumerate(zip(middle, kinds, strict=True)):
        following = [chain[i + 2]]
        if draw(st.booleans()):
            extra = draw(st.sampled_from(targets))
            if extra not in following:
                following.append(extra)
        stage: dict[str, Any] = {"id": sid, "type": kind, "next": following}
        if kind == "Webhook":
            stage["url"] = "https://example.test/" + draw(st.from_regex(r"[a-z0-9/]{0,20}", fullmatch=True))
        if kind == "Consensus" and draw(st.booleans()):
            stage["consensusConfig"] = {"threshold": draw(st.integers(0, 100)), "adjudicationMethod": "best"}
        if draw(st.booleans()):
            stage["assignedTo"] = [f"user{n}@example.com" for n in range(draw(st.integers(0, 3)))]
        if draw(st.booleans()):
            stage["position"] = {"x": draw(st.floats(-1e6, 1e6)), "y": draw(st.integers(-1000, 1000))}
        if draw(st.booleans()):
            stage["name"] = draw(st.text(max_size=20))
        stages.append(stage)
    stages.append({"id": complete, "type": "Complete", "next": [], "preventRequeue": draw(st.booleans())})
    if archive:
        stages.append({"id": "\x01archive", "type": "Archive", "next": []})
    order = draw(st.permutations(range(1, len(stages))))
    return [stages[0], *(stages[i] for i in order)]


def _complete(stages: list[dict[str, Any]]) -> int:
    return next(i for i, s in enumerate(stages) if s["type"] == "Complete")


def _duplicate_id(stages: list[dict[str, Any]], pick: int) -> str:
    other = pick % (len(stages) - 1) + 1
    stages[other]["id"] = stages[0]["id"]
    return "id"


def _dangling_next(stages: list[dict[str, Any]], pick: int) -> str:
    stages[0]["next"] = ["\x00 no such stage"]
    return "next"


def _second_start(stages: list[dict[str, Any]], pick: int) -> str:
    stages[pick % (len(stages) - 1) + 1]["type"] = "Start"
    return "type"


def _removed_complete(stages: list[dict[str, Any]], pick: int) -> str | None:
    gone = stages.pop(_complete(stages))["id"]
    for stage in stages:
        stage["next"] = [n for n in stage["next"] if n != gone]
    return None  # the whole workflow: no Complete stage is reachable


def _complete_with_next(stages: list[dict[str, Any]], pick: int) -> str:
    stages[_complete(stages)]["next"] = [stages[0]["id"]]
    return "next"


MUTATIONS = {
    "duplicate-id": _duplicate_id,
    "dangling-next": _dangling_next,
    "second-start": _second_start,
    "removed-complete": _removed_complete,
    "complete-with-next": _complete_with_next,
}


@given(workflows())
@settings(max_examples=150)
def test_a_valid_workflow_has_no_problem(stages: list[dict[str, Any]]) -> None:
    assert stage_problems(stages) == []


@pytest.mark.parametrize("mutate", list(MUTATIONS.values()), ids=list(MUTATIONS))
@given(stages=workflows(), pick=st.integers(0, 1000))
@settings(max_examples=60)
def test_each_mutation_yields_a_problem_of_its_field(
    mutate: Callable[[list[dict[str, Any]], int], str | None], stages: list[dict[str, Any]], pick: int
) -> None:
    field = mutate(stages, pick)
    problems = stage_problems(stages)
    assert any(p.field == field for p in problems), problems


# -- property: any value at all (a user's file, a client's body) gives problems, never an exception --
_KEYS = (
    "id",
    "type",
    "name",
    "next",
    "url",
    "consensusConfig",
    "threshold",
    "assignedTo",
    "autoForward",
    "preventRequeue",
    "readOnly",
    "position",
    "x",
    "y",
)
_words = st.sampled_from(["Start", "Label", "Review", "Complete", "Archive", "Webhook", "Consensus", "a@b.c"])
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _words | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4),
    max_leaves=16,
)


@given(st.lists(st.dictionaries(st.sampled_from(_KEYS), _json, max_size=8) | _json, max_size=6))
@settings(max_examples=300)
def test_any_value_gives_problems_never_an_exception(stages: list[Any]) -> None:
    for problem in stage_problems(stages):
        assert problem.index is None or 0 <= problem.index < len(stages)
        assert problem.message and "\n" not in problem.message
