"""What a plan may do: the gates between a plan and its effect, as pure checks on the plan.

``check_policy`` is apply's gate (nothing the hub cannot do; nothing destructive unless allowed);
``check_fail_on`` is the CI gate of ``ontokit diff --fail-on``. Both raise before anything happens;
the exit code comes from the error (:mod:`ontology_kit.errors`).
"""

from __future__ import annotations

from typing import Final, Literal

from ..errors import PolicyRefusal, UnsupportedChangeError
from .model import Impact, Plan

__all__ = ["FAIL_ON", "FailOn", "check_fail_on", "check_policy"]

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


def check_fail_on(plan: Plan, level: FailOn) -> None:
    """Refuse a plan with a change of at least ``level`` (``any``: any change at all)."""
    hits = plan.at_least(None if level == "any" else Impact(level))
    if hits:
        worst = max((c.impact for _, c in hits), key=lambda i: i.rank)
        raise PolicyRefusal(f"{len(hits)} change(s) at or above --fail-on {level} (worst: {worst.value})")
