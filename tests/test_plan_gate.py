"""``--fail-on destructive --ignore-empty`` on answers put in through the official Ango SDK (the data
path of test_plan_counts): removing a tool nobody used passes the gate, and says so; removing a used
one, or one whose count is unknown (``--no-count``), still fails it with exit 3."""

from __future__ import annotations

import pytest
from test_plan_apply import Workspace
from test_plan_counts import annotated, lc, sdk  # noqa: F401 - fixtures: the SDK-annotated workspace

UNUSED = "  - title: Bicycle\n    type: point\n"
USED = "  - title: Truck\n    type: polygon\n"
GATE = ("--fail-on", "destructive", "--ignore-empty")


@pytest.fixture
def with_unused(annotated: Workspace) -> Workspace:
    """The annotated project with one more tool, Bicycle, that no answer references."""
    annotated.edit("ontology.yaml", USED, USED + UNUSED)
    applied = annotated.run("apply", "--auto-approve")
    assert applied.code == 0, applied
    return annotated


def test_a_removal_that_orphans_nothing_says_0_annotations(with_unused: Workspace) -> None:
    with_unused.edit("ontology.yaml", UNUSED, "")
    [change] = with_unused.plan_json()["projects"][0]["changes"]
    assert (change["path"], change["impact"]) == ("Bicycle", "destructive")
    assert change["affected"] == {"annotations": 0, "tasks": 0}
    text = with_unused.run("plan")
    assert "  - tool Bicycle [destructive]\n      # would orphan 0 annotations in 0 tasks\n" in text.out


@pytest.mark.parametrize(
    ("removed", "flags", "code"),
    [
        pytest.param((UNUSED,), GATE, 0, id="unused-ignored"),
        pytest.param((UNUSED,), GATE[:2], 3, id="unused-without-ignore-empty"),
        pytest.param((USED,), GATE, 3, id="used"),
        pytest.param((UNUSED, USED), GATE, 3, id="unused-and-used"),
        pytest.param((UNUSED,), (*GATE, "--no-count"), 3, id="unknown-is-not-empty"),
    ],
)
def test_fail_on_destructive_ignore_empty(
    with_unused: Workspace, removed: tuple[str, ...], flags: tuple[str, ...], code: int
) -> None:
    for text in removed:
        with_unused.edit("ontology.yaml", text, "")
    result = with_unused.run("plan", *flags)
    assert result.code == code, result
    let_through = "--ignore-empty" in flags and "--no-count" not in flags and UNUSED in removed
    note = "1 change(s) at or above --fail-on destructive let through as empty (0 annotations)"
    assert (note in result.err) == let_through, result
    if code == 0:
        assert result.err.endswith(f"note: {note}\n"), result
    else:
        [error] = [line for line in result.err.splitlines() if line.startswith("error: ")]
        hits = len(removed) - let_through
        assert error.startswith(f"error: {hits} change(s) at or above --fail-on destructive"), result
    assert "Traceback" not in result.err


@pytest.mark.parametrize("command", ["plan", "diff"], ids=["plan", "diff"])
def test_ignore_empty_needs_fail_on(with_unused: Workspace, command: str) -> None:
    args = ("old.yaml", "new.yaml") if command == "diff" else ()
    result = with_unused.run(command, *args, "--ignore-empty")
    assert result.code == 1 and "--ignore-empty needs --fail-on" in result.err, result


def test_diff_without_a_hub_counts_nothing_so_ignore_empty_lets_nothing_through(
    with_unused: Workspace,
) -> None:
    """`ontokit diff` is offline: every count is null, and null is never empty."""
    old = (with_unused.root / "ontology.yaml").read_text(encoding="utf-8")
    with_unused.write("old.yaml", old)
    with_unused.write("new.yaml", old.replace(UNUSED, ""))
    result = with_unused.run("diff", "old.yaml", "new.yaml", *GATE)
    assert result.code == 3, result
    assert "error: 1 change(s) at or above --fail-on destructive (worst: destructive)\n" in result.err
    assert "let through" not in result.err
