"""INTERIM (replaced by the hubstages branch): workflow checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..vocabulary import STAGE_TYPES

__all__ = ["END_TYPES", "STAGE_TYPES", "StageProblem", "stage_problems"]

END_TYPES: Final[tuple[str, ...]] = ("Complete", "Archive")


@dataclass(frozen=True)
class StageProblem:
    index: int | None
    field: str | None
    message: str


def stage_problems(stages: Sequence[Mapping[str, Any]]) -> list[StageProblem]:
    out = []
    ids = [s.get("id") for s in stages]
    for i, s in enumerate(stages):
        if ids.count(s.get("id")) > 1:
            out.append(StageProblem(i, "id", f"stage id {s.get('id')!r} is used twice"))
        for n in s.get("next") or []:
            if n not in ids:
                out.append(StageProblem(i, "next", f"next names no stage with id {n!r}"))
        if s.get("type") == "Webhook" and not s.get("url"):
            out.append(StageProblem(i, "url", "a Webhook stage needs a url"))
    if sum(s.get("type") == "Start" for s in stages) != 1:
        out.append(StageProblem(None, None, "a workflow has exactly one Start stage"))
    return out
