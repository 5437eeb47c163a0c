"""The gates between a plan and its effect (plan/policy.py): apply's policy and diff's --fail-on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ontology_kit.errors import ExitCode, PolicyRefusal, UnsupportedChangeError, exit_code
from ontology_kit.plan.model import Action, Affected, Change, ChangeKind, Impact, Plan, ProjectPlan
from ontology_kit.plan.policy import FAIL_ON, check_fail_on, check_policy


def change(impact: Impact) -> Change:
    return Change(Action.UPDATE, ChangeKind.TOOL, ("Car",), impact)


def plan_of(*impacts: Impact, blocked: tuple[str, ...] = ()) -> Plan:
    project = ProjectPlan("P", "p.yaml", "p", tuple(change(i) for i in impacts), "fp", blocked=blocked)
    return Plan("hub", (project,))


@pytest.mark.parametrize(
    ("impacts", "allow_destructive", "refused"),
    [
        pytest.param((), False, None, id="nothing"),
        pytest.param((Impact.SAFE, Impact.DATA_DEPENDENT), False, None, id="not-destructive"),
        pytest.param((Impact.DESTRUCTIVE,), False, PolicyRefusal, id="destructive-refused"),
        pytest.param((Impact.DESTRUCTIVE,), True, None, id="destructive-allowed"),
    ],
)
def test_policy(
    impacts: tuple[Impact, ...], allow_destructive: bool, refused: type[Exception] | None
) -> None:
    if refused is None:
        check_policy(plan_of(*impacts), allow_destructive=allow_destructive)
    else:
        with pytest.raises(refused, match="--allow-destructive") as info:
            check_policy(plan_of(*impacts), allow_destructive=allow_destructive)
        assert exit_code(info.value) == ExitCode.POLICY


def test_policy_refuses_what_the_hub_cannot_do_even_when_destructive_is_allowed() -> None:
    plan = plan_of(Impact.SAFE, blocked=("cannot change its type", "cannot do that"))
    with pytest.raises(
        UnsupportedChangeError, match=r"p\.yaml: cannot change its type \(and 1 more\); nothing"
    ):
        check_policy(plan, allow_destructive=True)


@pytest.mark.parametrize(
    ("impacts", "level", "message"),
    [
        pytest.param((), "any", None, id="nothing-any"),
        pytest.param(
            (Impact.SAFE,), "any", "1 change(s) at or above --fail-on any (worst: safe)", id="safe-any"
        ),
        pytest.param((Impact.SAFE,), "data-dependent", None, id="safe-data-dependent"),
        pytest.param(
            (Impact.SAFE, Impact.DATA_DEPENDENT, Impact.DATA_DEPENDENT),
            "data-dependent",
            "2 change(s) at or above --fail-on data-dependent (worst: data-dependent)",
            id="data-dependent",
        ),
        pytest.param((Impact.DATA_DEPENDENT,), "destructive", None, id="data-dependent-destructive"),
        pytest.param(
            (Impact.DESTRUCTIVE, Impact.SAFE),
            "data-dependent",
            "1 change(s) at or above --fail-on data-dependent (worst: destructive)",
            id="destructive",
        ),
    ],
)
def test_fail_on(impacts: tuple[Impact, ...], level: str, message: str | None) -> None:
    assert level in FAIL_ON
    if message is None:
        check_fail_on(plan_of(*impacts), level)  # type: ignore[arg-type]
    else:
        with pytest.raises(PolicyRefusal) as info:
            check_fail_on(plan_of(*impacts), level)  # type: ignore[arg-type]
        assert str(info.value) == message


@given(st.lists(st.sampled_from(list(Impact)), max_size=6), st.sampled_from(FAIL_ON))
def test_fail_on_refuses_exactly_when_a_change_reaches_the_level(impacts: list[Impact], level: str) -> None:
    floor = -1 if level == "any" else Impact(level).rank
    reaches = any(i.rank >= floor for i in impacts)
    try:
        check_fail_on(plan_of(*impacts), level)  # type: ignore[arg-type]
    except PolicyRefusal:
        assert reaches
    else:
        assert not reaches


def counted(impact: Impact, annotations: int | None) -> Change:
    """A change whose affected annotations the hub counted (None: it did not)."""
    affected = None if annotations is None else Affected(annotations, min(annotations, 1))
    return Change(Action.DELETE, ChangeKind.TOOL, ("Car",), impact, affected=affected)


def plan_with(*changes: Change) -> Plan:
    return Plan("hub", (ProjectPlan("P", "p.yaml", "p", changes, "fp"),))


@pytest.mark.parametrize(
    ("counts", "message", "let_through"),
    [
        pytest.param((0,), None, 1, id="zero-passes"),
        pytest.param(
            (1,), "1 change(s) at or above --fail-on destructive (worst: destructive)", 0, id="one-fails"
        ),
        pytest.param(
            (None,),
            "1 change(s) at or above --fail-on destructive (worst: destructive)",
            0,
            id="unknown-fails",
        ),
        pytest.param((0, 0), None, 2, id="all-zero-pass"),
        pytest.param(
            (0, 5, None, 0),
            "2 change(s) at or above --fail-on destructive (worst: destructive); "
            "2 change(s) at or above --fail-on destructive let through as empty (0 annotations)",
            2,
            id="mixed",
        ),
    ],
)
def test_ignore_empty(counts: tuple[int | None, ...], message: str | None, let_through: int) -> None:
    plan = plan_with(*(counted(Impact.DESTRUCTIVE, n) for n in counts))
    if message is None:
        assert check_fail_on(plan, "destructive", ignore_empty=True) == let_through
    else:
        with pytest.raises(PolicyRefusal) as info:
            check_fail_on(plan, "destructive", ignore_empty=True)
        assert str(info.value) == message
        assert exit_code(info.value) == ExitCode.POLICY
    # without the flag, every change at the level counts, empty or not
    with pytest.raises(PolicyRefusal, match=rf"^{len(counts)} change\(s\) at or above"):
        check_fail_on(plan, "destructive")


def test_ignore_empty_lets_through_only_changes_that_reach_the_level() -> None:
    """An empty safe change below the level is not 'let through': it never counted."""
    plan = plan_with(counted(Impact.SAFE, 0), counted(Impact.DESTRUCTIVE, 0))
    assert check_fail_on(plan, "destructive", ignore_empty=True) == 1
    assert check_fail_on(plan, "any", ignore_empty=True) == 2


@given(
    st.lists(st.tuples(st.sampled_from(list(Impact)), st.none() | st.integers(0, 3)), max_size=6),
    st.sampled_from(FAIL_ON),
)
def test_ignore_empty_refuses_exactly_when_a_nonempty_change_reaches_the_level(
    changes: list[tuple[Impact, int | None]], level: str
) -> None:
    """Unknown (None) is never empty; only a count of exactly 0 is let through."""
    floor = -1 if level == "any" else Impact(level).rank
    reaching = [n for i, n in changes if i.rank >= floor]
    plan = plan_with(*(counted(i, n) for i, n in changes))
    try:
        let_through = check_fail_on(plan, level, ignore_empty=True)  # type: ignore[arg-type]
    except PolicyRefusal:
        assert any(n != 0 for n in reaching)
    else:
        assert all(n == 0 for n in reaching) and let_through == len(reaching)
