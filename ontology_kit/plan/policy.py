"""What a plan may do: the gates between a plan and its effect, as pure checks on the plan.

``check_policy`` is apply's gate (nothing the hub cannot do; nothing destructive unless allowed);
``check_fail_on`` is the CI gate of ``ontokit plan --fail-on`` and ``ontokit diff --fail-on``. Both
raise before anything happens; the exit code comes from the error (:mod:`ontology_kit.errors`).
"""

from __future__ import annotations

from typing import Final, Literal

from ..errors import PolicyRefusal, UnsupportedChangeError
from .model import Change, Impact, Plan

__all__ = ["FAIL_ON", "FailOn", "check_fail_on", "check_policy", "is_empty", "let_through_note"]

#: The levels of ``--fail-on``: an impact, or ``any`` change at all.
FailOn = Literal["destructive", "breaking-export", "data-dependent", "any"]
FAIL_ON: Final[tuple[FailOn, ...]] = ("destructive", "breaking-export", "data-dependent", "any")


def check_policy(plan: Plan, *, allow_destructive: bool) -> None:
    """Refuse, before anything is written, a plan the hub cannot carry out, or one with destructive
    changes unless they are allowed."""
    blocked = plan.blocked
    if blocked:
        project, why = blocked[0]
        more = f" (and {len(blocked) - 1} more)" if len(blocked) > 1 else ""
        raise UnsupportedChangeError(f"{project.definition}: {why}{more}; nothing was changed")
    destructive = plan.at_least(Impact.DESTRUCTIVE)
    if destructive and not allow_destructive:
        raise PolicyRefusal(
            f"refusing to apply {len(destructive)} destructive change(s) that can orphan "
            "existing annotations; review them, then pass --allow-destructive"
        )


def is_empty(change: Change) -> bool:
    """The hub counted exactly 0 annotations under ``change`` (for a change that makes a classification
    required: 0 tasks lacking an answer to it). A change it did not count (``affected``
    None: ``--no-count``, a hub that cannot tell, a diff without a hub) is not empty: unknown is not
    nothing."""
    a = change.affected
    if a is None or a.partial:  # a partial 0 is only "none among the tasks read": not empty
        return False
    if a.lacking is not None:
        # making a classification required changes no answer; what it invalidates is the tasks
        # lacking one, so it is empty when every task answers it (and, should the same change also
        # be destructive, when it orphans nothing either)
        return a.lacking == 0 and (change.impact is not Impact.DESTRUCTIVE or a.annotations == 0)
    return a.annotations == 0 and a.tasks == 0  # a deleted batch orphans no answer, but holds tasks


def let_through_note(level: FailOn, empty: int) -> str:
    """What ``--ignore-empty`` let through, in the words of the gate's error and of its notice."""
    return f"{empty} change(s) at or above --fail-on {level} let through as empty (0 annotations)"


def check_fail_on(plan: Plan, level: FailOn, *, ignore_empty: bool = False) -> int:
    """Refuse a plan with a change of at least ``level`` (``any``: any change at all).

    With ``ignore_empty``, a change that touches exactly 0 annotations (:func:`is_empty`) does not
    count toward the gate, so a class nobody ever used can be deleted; one whose count is unknown
    still does. Returns how many changes were let through as empty (0 without ``ignore_empty``).
    """
    reached = [c for _, c in plan.at_least(None if level == "any" else Impact(level))]
    hits = [c for c in reached if not (ignore_empty and is_empty(c))]
    empty = len(reached) - len(hits)
    if hits:
        worst = max((c.impact for c in hits), key=lambda i: i.rank)
        note = f"; {let_through_note(level, empty)}" if empty else ""
        raise PolicyRefusal(
            f"{len(hits)} change(s) at or above --fail-on {level} (worst: {worst.value}){note}"
        )
    return empty
