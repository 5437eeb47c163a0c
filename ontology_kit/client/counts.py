"""The ``annotation-counts`` extension of the local Hub (docs/hub.md): how many existing answers
reference groups of schemaIds. The real Ango Hub has no such endpoint; clients check the hub's
extensions before asking, and count through the export instead (``client/export_counts.py``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

from ..count_query import CountAnswer, CountQuery, GroupCount
from ..errors import HubError
from ..state import LiveProject
from .client import HubClient, _segment

__all__ = [
    "ANNOTATION_COUNTS",
    "MAX_GROUPS",
    "MAX_IDS",
    "MAX_MISSING",
    "AnswerCount",
    "ExtensionCounter",
    "answer_counts",
    "tasks_lacking",
    "text_answers",
    "under",
]

_T = TypeVar("_T")

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
    found = _query(client, project_id, "schemaIds", [list(groups[i]) for i in batch], what, "counts")
    for i, item in zip(batch, found, strict=True):
        out[i] = AnswerCount(_count(client, item, "annotations", what), _count(client, item, "tasks", what))


def _query(
    client: HubClient, project_id: str, key: str, chunk: list[Any], what: str, answer: str | None = None
) -> list[Any]:
    """One ``answerCounts`` request asking ``{key: chunk}``: the hub's list under ``answer`` (default
    ``key``), one item per element of ``chunk``."""
    data = client._call(  # the client's one request path: retries, errors, the key kept secret
        "POST",
        f"/v2/ontokit/project/{_segment(project_id)}/answerCounts",
        json={key: chunk},
        safe=True,
        what=what,
    )
    found = data.get(answer or key)
    if not isinstance(found, list) or len(found) != len(chunk):
        raise HubError(f"{client.label} gave an unexpected answer for {what} ({answer or key})")
    return found


def _count(client: HubClient, item: Any, field: str, what: str) -> int:
    """``item[field]``, a count: a whole number, never negative."""
    value = item.get(field) if isinstance(item, dict) else None
    if type(value) is not int or value < 0:
        raise HubError(f"{client.label} gave an unexpected answer for {what} (a count)")
    return value


def _chunks(items: Sequence[_T], size: int) -> Iterator[list[_T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def tasks_lacking(client: HubClient, project_id: str, schema_ids: Sequence[str]) -> list[int]:
    """Per schemaId, in order: the tasks of the project (every stage) with no answer to it, in as few
    requests as the hub's bound allows (reads, retried like reads)."""
    what = f"tasks lacking answers in project {project_id}"
    return [
        _count(client, item, "tasks", what)
        for chunk in _chunks(schema_ids, MAX_MISSING)
        for item in _query(client, project_id, "missing", chunk, what)
    ]


def text_answers(client: HubClient, project_id: str, schema_ids: Sequence[str]) -> list[list[str] | None]:
    """Per schemaId, in order: the text of every answer to it (every stage, any depth), or None when
    the hub holds more than it returns (docs/hub.md: 10,000), one request per 100 schemaIds."""
    out: list[list[str] | None] = []
    what = f"text answers of project {project_id}"
    for chunk in _chunks(schema_ids, 100):
        for item in _query(client, project_id, "texts", chunk, what):
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
    what = f"conditional answers of project {project_id}"
    return [
        _count(client, item, "annotations", what)
        for chunk in _chunks([list(p) for p in pairs], MAX_MISSING)
        for item in _query(client, project_id, "under", chunk, what)
    ]


class ExtensionCounter:
    """Answers a plan's :class:`~ontology_kit.count_query.CountQuery` through the extension: every
    stage of the project, never partial (a few requests of each kind)."""

    def __init__(self, client: HubClient) -> None:
        self.client = client

    def count(self, live: LiveProject, query: CountQuery) -> CountAnswer:
        """The answers to ``query`` about the project ``live``.

        Raises:
            HubError: the hub failed, or answered something else than counts.
        """
        client, pid = self.client, live.id
        groups = answer_counts(client, pid, query.groups) if query.groups else []
        return CountAnswer(
            tuple(None if c is None else GroupCount(c.annotations, c.tasks) for c in groups),
            tuple(tasks_lacking(client, pid, query.missing)) if query.missing else (),
            tuple(None if t is None else tuple(t) for t in text_answers(client, pid, query.texts)),
            tuple(under(client, pid, query.under)) if query.under else (),
        )
