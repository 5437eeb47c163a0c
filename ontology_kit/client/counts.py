"""The ``annotation-counts`` extension of the local Hub (docs/hub.md): how many existing answers
reference groups of schemaIds. The real Ango Hub has no such endpoint; clients check the hub's
extensions before asking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..errors import HubError
from .client import HubClient, _segment

__all__ = ["ANNOTATION_COUNTS", "AnswerCount", "answer_counts"]

#: The extension's name in ``GET /v2/ontokit/hub``.
ANNOTATION_COUNTS = "annotation-counts"


class AnswerCount(NamedTuple):
    """Answer elements (at any depth, in any stage) that name a group's schemaIds, and their tasks."""

    annotations: int
    tasks: int


def answer_counts(client: HubClient, project_id: str, groups: Sequence[Sequence[str]]) -> list[AnswerCount]:
    """One count per group of schemaIds, in order, in one request (a read: retried like one)."""
    what = f"annotation counts of project {project_id}"
    data = client._call(  # the client's one request path: retries, errors, the key kept secret
        "POST",
        f"/v2/ontokit/project/{_segment(project_id)}/answerCounts",
        json={"schemaIds": [list(g) for g in groups]},
        safe=True,
        what=what,
    )
    found = data.get("counts")
    if not isinstance(found, list) or len(found) != len(groups):
        raise HubError(f"{client.label} gave an unexpected answer for {what} (counts)")
    out = []
    for item in found:
        values = [item.get(k) if isinstance(item, dict) else None for k in ("annotations", "tasks")]
        annotations, tasks = (v if type(v) is int and v >= 0 else -1 for v in values)
        if annotations < 0 or tasks < 0:
            raise HubError(f"{client.label} gave an unexpected answer for {what} (a count)")
        out.append(AnswerCount(annotations, tasks))
    return out
