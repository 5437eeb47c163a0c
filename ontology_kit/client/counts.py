"""The ``annotation-counts`` extension of the local Hub (docs/hub.md): how many existing answers
reference groups of schemaIds. The real Ango Hub has no such endpoint; clients check the hub's
extensions before asking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..errors import HubError
from .client import HubClient, _segment

__all__ = [
    "ANNOTATION_COUNTS",
    "MAX_GROUPS",
    "MAX_IDS",
    "MAX_MISSING",
    "AnswerCount",
    "answer_counts",
    "tasks_lacking",
    "text_answers",
    "under",
]

#: The extension's name in ``GET /v2/ontokit/hub``.
ANNOTATION_COUNTS = "annotation-counts"


class AnswerCount(NamedTuple):
    """Answer elements (at any depth, in any stage) that name a group's schemaIds, and their tasks."""

    annotations: int
    tasks: int


#: The local Hub's bounds on one request (hub/assets.py; a test keeps them equal): at most this many
#: groups, and schemaIds in all.
MAX_GROUPS = 10_000
MAX_IDS = 100_000
#: SchemaIds in one request's ``missing`` list (hub/assets.py).
MAX_MISSING = 1_000


def answer_counts(
    client: HubClient, project_id: str, groups: Sequence[Sequence[str]]
) -> list[AnswerCount | None]:
    """One count per group of schemaIds, in order: in as few requests as the hub's bounds allow
    (reads, retried like reads). A group larger than one request may hold is not asked about: its
    count is None ("cannot tell"), never the sum of parts that would count an answer twice."""
    out: list[AnswerCount | None] = [None] * len(groups)
    batch: list[int] = []
    size = 0
    for i, group in enumerate(groups):
        if len(group) > MAX_IDS:
            continue
        if batch and (len(batch) == MAX_GROUPS or size + len(group) > MAX_IDS):
            _ask(client, project_id, groups, batch, out)
            batch, size = [], 0
        batch.append(i)
        size += len(group)
    if batch:
        _ask(client, project_id, groups, batch, out)
    return out


def _ask(
    client: HubClient,
    project_id: str,
    groups: Sequence[Sequence[str]],
    batch: list[int],
    out: list[AnswerCount | None],
) -> None:
    what = f"annotation counts of project {project_id}"
    data = client._call(  # the client's one request path: retries, errors, the key kept secret
        "POST",
        f"/v2/ontokit/project/{_segment(project_id)}/answerCounts",
        json={"schemaIds": [list(groups[i]) for i in batch]},
        safe=True,
        what=what,
    )
    found = data.get("counts")
    if not isinstance(found, list) or len(found) != len(batch):
        raise HubError(f"{client.label} gave an unexpected answer for {what} (counts)")
    for i, item in zip(batch, found, strict=True):
        values = [item.get(k) if isinstance(item, dict) else None for k in ("annotations", "tasks")]
        annotations, tasks = (v if type(v) is int and v >= 0 else -1 for v in values)
        if annotations < 0 or tasks < 0:
            raise HubError(f"{client.label} gave an unexpected answer for {what} (a count)")
        out[i] = AnswerCount(annotations, tasks)


def tasks_lacking(client: HubClient, project_id: str, schema_ids: Sequence[str]) -> list[int]:
    """Per schemaId, in order: the tasks of the project (every stage) with no answer to it, in as few
    requests as the hub's bound allows (reads, retried like reads)."""
    out: list[int] = []
    what = f"tasks lacking answers in project {project_id}"
    for start in range(0, len(schema_ids), MAX_MISSING):
        chunk = list(schema_ids[start : start + MAX_MISSING])
        data = client._call(  # the client's one request path: retries, errors, the key kept secret
            "POST",
            f"/v2/ontokit/project/{_segment(project_id)}/answerCounts",
            json={"missing": chunk},
            safe=True,
            what=what,
        )
        found = data.get("missing")
        if not isinstance(found, list) or len(found) != len(chunk):
            raise HubError(f"{client.label} gave an unexpected answer for {what} (missing)")
        for item in found:
            tasks = item.get("tasks") if isinstance(item, dict) else None
            if type(tasks) is not int or tasks < 0:
                raise HubError(f"{client.label} gave an unexpected answer for {what} (a count)")
            out.append(tasks)
    return out


def text_answers(client: HubClient, project_id: str, schema_ids: Sequence[str]) -> list[list[str] | None]:
    """Per schemaId, in order: the text of every answer to it (every stage, any depth), or None when
    the hub holds more than it returns (docs/hub.md: 10,000), one request per 100 schemaIds."""
    out: list[list[str] | None] = []
    what = f"text answers of project {project_id}"
    for start in range(0, len(schema_ids), 100):
        chunk = list(schema_ids[start : start + 100])
        data = client._call(  # the client's one request path: retries, errors, the key kept secret
            "POST",
            f"/v2/ontokit/project/{_segment(project_id)}/answerCounts",
            json={"texts": chunk},
            safe=True,
            what=what,
        )
        found = data.get("texts")
        if not isinstance(found, list) or len(found) != len(chunk):
            raise HubError(f"{client.label} gave an unexpected answer for {what} (texts)")
        for item in found:
            answers = item.get("answers") if isinstance(item, dict) else None
            if answers is None:
                out.append(None)
                continue
            rows = answers if isinstance(answers, list) else [None]
            texts = [a.get("text") if isinstance(a, dict) else None for a in rows]
            if not all(isinstance(t, str) for t in texts):
                raise HubError(f"{client.label} gave an unexpected answer for {what} (a text)")
            out.append([str(t) for t in texts])
    return out


def under(client: HubClient, project_id: str, pairs: Sequence[tuple[str, str]]) -> list[int]:
    """Per (schemaId, optionId), in order: the answers to the schemaId in tasks whose answer chose the
    option (every stage), one request per 1,000 pairs."""
    out: list[int] = []
    what = f"conditional answers of project {project_id}"
    for start in range(0, len(pairs), MAX_MISSING):
        chunk = [list(p) for p in pairs[start : start + MAX_MISSING]]
        data = client._call(  # the client's one request path: retries, errors, the key kept secret
            "POST",
            f"/v2/ontokit/project/{_segment(project_id)}/answerCounts",
            json={"under": chunk},
            safe=True,
            what=what,
        )
        found = data.get("under")
        if not isinstance(found, list) or len(found) != len(chunk):
            raise HubError(f"{client.label} gave an unexpected answer for {what} (under)")
        for item in found:
            n = item.get("annotations") if isinstance(item, dict) else None
            if type(n) is not int or n < 0:
                raise HubError(f"{client.label} gave an unexpected answer for {what} (a count)")
            out.append(n)
    return out
