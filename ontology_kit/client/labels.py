"""Labeling data through the official SDK's routes (docs/hub.md, "Annotations"): assets and their
tasks (``upload_files_cloud``), answers (``import_labels``, ``annotate_task``) and the task list
(``get_tasks``). ``ontokit hub load`` puts an export file into a project with these, and nothing
else: the same calls the real Hub serves."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, NamedTuple

from ..errors import HubError
from .client import HubClient, _segment
from .counts import _chunks  # one way to cut a list into requests

__all__ = [
    "MAX_PER_REQUEST",
    "TaskAnswer",
    "TaskRef",
    "annotate",
    "find_tasks",
    "import_labels",
    "iter_answers",
    "task_total",
    "tasks_in_batch",
    "upload_assets",
]

#: Assets or labels in one request (the local Hub's bound, hub/assets.py; a test keeps them equal).
MAX_PER_REQUEST = 1000


class TaskRef(NamedTuple):
    """A task as ``get_tasks`` lists it: its id, its asset's externalId and its stage's id."""

    id: str
    external_id: str
    stage: str


def upload_assets(client: HubClient, project_id: str, assets: Sequence[dict[str, Any]]) -> None:
    """``upload_files_cloud``: one asset (``data``, ``externalId``, ``batches``, ``metadata``) and its
    task per item, in requests of at most :data:`MAX_PER_REQUEST` (a write: never retried blindly)."""
    for chunk in _chunks(assets, MAX_PER_REQUEST):
        client._call(  # the client's one request path: retries, errors, the key kept secret
            "POST",
            f"/v2/project/{_segment(project_id)}/cloud",
            json={"assets": chunk},
            safe=False,
            what=f"the upload of {len(chunk)} assets to project {project_id}",
        )


def import_labels(client: HubClient, project_id: str, labels: Sequence[dict[str, Any]]) -> None:
    """``import_labels``: each label (``externalId``, ``objects``, ``classifications``, ``relations``)
    replaces its task's answer (idempotent: retried like a read)."""
    for chunk in _chunks(labels, MAX_PER_REQUEST):
        client._call(
            "POST",
            "/v2/import/labels",
            json={"project": project_id, "jsonContent": chunk},
            safe=True,
            what=f"the import of {len(chunk)} labels into project {project_id}",
        )


def annotate(client: HubClient, task_id: str, answer: dict[str, Any]) -> str:
    """``annotate_task`` with ``nextStage=true``: set the task's answer and move it to its stage's next
    stage; the stage it is in now (not retried: a second attempt would move it once more)."""
    data = client._call(
        "POST",
        f"/v2/annotate/{_segment(task_id)}?nextStage=true",
        json={"answer": answer, "duration": 0},
        safe=False,
        what=f"the annotation of task {task_id}",
    )
    task = data.get("task")
    stage = task.get("stageId") or task.get("stage") if isinstance(task, dict) else None
    if not isinstance(stage, str):
        raise HubError(f"{client.label} gave an unexpected answer for the annotation of task {task_id}")
    return stage


class TaskAnswer(NamedTuple):
    """A task's id, its asset's externalId, and its answer (``tools``, ``classifications``,
    ``relations``, as ``get_tasks`` returns it)."""

    id: str
    external_id: str
    answer: dict[str, Any]


def iter_answers(
    client: HubClient, project_id: str, page_size: int = MAX_PER_REQUEST
) -> Iterator[TaskAnswer]:
    """Every task of the project with its answer, in upload order (``get_tasks`` with
    ``includeAnswer``, a page at a time). A hub that serves fewer tasks a page than asked is read to
    the end all the same: a short page ends the list only when the hub says no ``total``
    (docs/hub.md, "Migrating answers"). The next page is asked for while this one is used, so that
    the hub reads it while the caller works (a migration rewrites a page meanwhile): at most two
    pages are held."""

    def fetch(page: int) -> dict[str, Any]:
        return client._call(
            "GET",
            f"/v2/project/{_segment(project_id)}/tasks",
            params={"page": page, "limit": page_size, "includeAnswer": "true", "sort": "createdAt"},
            safe=True,
            what=f"the answers of project {project_id}",
        )

    # One thread, one request ahead. Leaving the loop early (the caller stops reading) waits for
    # that one request, when the pool is shut down.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ontokit-pages") as pool:
        page, seen = 1, 0
        ahead: Future[dict[str, Any]] | None = pool.submit(fetch, page)
        while ahead is not None:
            data = ahead.result()
            tasks = data.get("tasks")
            if not isinstance(tasks, list):
                raise HubError(_unexpected(client, project_id))
            seen += len(tasks)
            total = data.get("total")
            more = bool(tasks) and (seen < total if type(total) is int else len(tasks) >= page_size)
            page += 1
            ahead = pool.submit(fetch, page) if more else None
            for task in tasks:
                ref = _ref(task)
                answer = task.get("answer") if isinstance(task, dict) else None
                if ref is None or not isinstance(answer, dict):
                    raise HubError(_unexpected(client, project_id))
                yield TaskAnswer(ref.id, ref.external_id, answer)


def find_tasks(client: HubClient, project_id: str, external_ids: Sequence[str]) -> dict[str, TaskRef]:
    """The project's tasks whose asset has one of ``external_ids``, by externalId (reads)."""
    found: dict[str, TaskRef] = {}
    for chunk in _chunks(external_ids, MAX_PER_REQUEST):
        data = _tasks(client, project_id, {"externalId": {"$in": chunk}}, MAX_PER_REQUEST)
        for task in data.get("tasks") or []:
            ref = _ref(task)
            if ref is None:
                raise HubError(_unexpected(client, project_id))
            found[ref.external_id] = ref
    return found


def tasks_in_batch(client: HubClient, project_id: str, batch_id: str) -> int:
    """How many tasks of the project are in the batch (``get_tasks`` with a batches filter: its
    ``total``; a read)."""
    return task_total(client, project_id, {"batches": {"$in": [batch_id]}})


def task_total(client: HubClient, project_id: str, task_filter: dict[str, Any]) -> int:
    """How many tasks of the project ``get_tasks`` with the SDK's ``TaskFilter`` finds (its ``total``)."""
    total = _tasks(client, project_id, task_filter, 1).get("total")
    if type(total) is not int or total < 0:
        raise HubError(_unexpected(client, project_id))
    return total


def _tasks(client: HubClient, project_id: str, task_filter: dict[str, Any], limit: int) -> dict[str, Any]:
    """The first page of ``get_tasks`` with the SDK's ``TaskFilter`` ``task_filter``."""
    return client._call(
        "GET",
        f"/v2/project/{_segment(project_id)}/tasks",
        params={"page": 1, "limit": limit, "filter": json.dumps(task_filter)},
        safe=True,
        what=f"the tasks of project {project_id}",
    )


def _unexpected(client: HubClient, project_id: str) -> str:
    return f"{client.label} gave an unexpected answer for the tasks of project {project_id}"


def _ref(task: Any) -> TaskRef | None:
    if not isinstance(task, dict):
        return None
    task_id, external_id = task.get("_id"), task.get("externalId")
    stage = task.get("stageId") or task.get("stage")
    if not (isinstance(task_id, str) and isinstance(external_id, str) and isinstance(stage, str)):
        return None
    return TaskRef(task_id, external_id, stage)
