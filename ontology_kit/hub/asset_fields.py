"""What the local Hub's asset, task and export routes share: the workflow's stages, a task as the Hub
answers it, and the pieces of a request (JSON lists in query parameters, batches, the project)."""

from __future__ import annotations

from typing import Any, Protocol

import orjson
from werkzeug.wrappers import Request

from ..errors import HubApiError as ApiError
from ..state import Workflow
from . import annotations_store as ann
from .store import HubStore
from .web import shown as _shown

__all__ = [
    "MAX_EXTERNAL_ID",
    "MAX_FILTER_VALUES",
    "HubLike",
    "batch_ids",
    "complete_stages",
    "initial_stage",
    "json_list",
    "next_stage",
    "project_of",
    "stage_ids",
    "string_field",
    "string_list",
    "task_doc",
]

#: Values in one filter list (stages, batches, external ids; inferred).
MAX_FILTER_VALUES = 1000
MAX_EXTERNAL_ID = 1024


class HubLike(Protocol):
    """What the handlers use of :class:`~ontology_kit.hub.app.HubApp` (which registers them)."""

    store: HubStore

    def body(self, request: Request) -> dict[str, Any]: ...

    def project_or_404(self, db: Any, org: str, project_id: str) -> dict[str, Any]: ...

    def new_project(self, name: str, org: str) -> dict[str, Any]: ...


# -- stages (read through state.Workflow, the one reader of a workflow) -----------------------------
def next_stage(project: dict[str, Any], stage: str) -> str:
    """The first stage after ``stage`` in the project's workflow (``stage`` itself at the end)."""
    return Workflow.of(project).next_of(stage)


def initial_stage(project: dict[str, Any]) -> str:
    """Where a new task waits (inferred): the stage after ``Start``, as the Hub's Start stage passes
    every new task on at once; ``Label`` without a workflow."""
    workflow = Workflow.of(project)
    start = next((s.id for s in workflow.stages if s.type == "Start"), None)
    return workflow.next_of(start) if start is not None else "Label"


def complete_stages(project: dict[str, Any]) -> set[str]:
    """The ids of the workflow's Complete stages."""
    return {s.id for s in Workflow.of(project).stages if s.type == "Complete"} or {"Complete"}


def stage_ids(project: dict[str, Any], given: list[str]) -> tuple[str, ...]:
    """Stage ids for ``given`` ids or names (the SDK's export filter sends ``Complete``, a name and an id)."""
    by_name = {s.name: s.id for s in Workflow.of(project).stages}
    return tuple({by_name.get(g, g) for g in given} | set(given))


def task_doc(
    row: ann.TaskRow, project: dict[str, Any], with_answer: bool, complete: set[str] | None = None
) -> dict[str, Any]:
    """A task as ``get_task``/``get_tasks`` answer it (inferred in part; docs/hub.md); ``complete``:
    the project's :func:`complete_stages`, when the caller has them already."""
    if complete is None:
        complete = complete_stages(project)
    doc: dict[str, Any] = {
        "_id": row.id,
        "project": row.project,
        "asset": row.asset,
        "externalId": row.external_id,
        "data": row.data,
        "stage": row.stage,
        "stageId": row.stage,
        "status": "Completed" if row.stage in complete else "TODO",
        "batches": row.batches,
        "priority": row.priority,
        "isBenchmark": row.is_benchmark,
        "createdAt": row.created_at,
        "updatedAt": row.updated_at,
    }
    if with_answer:
        doc["answer"] = row.answer
    return doc


# -- request pieces ---------------------------------------------------------------------------------
def string_field(value: Any, where: str, limit: int) -> str:
    """``value`` if it is a string of 1 to ``limit`` characters; else a 400."""
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise ApiError(400, f"{where} must be a string of 1 to {limit} characters")
    return value


def json_list(raw: str | None, name: str) -> list[str] | None:
    """A query parameter holding a JSON list of strings (as the SDK sends ``batches`` and ``stage``)."""
    if raw is None:
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value = None
    return string_list(value, name, f"{name} must be a JSON list of strings")


def string_list(value: Any, where: str, expected: str) -> list[str]:
    """``value`` as a filter list: strings of at most ``MAX_EXTERNAL_ID`` characters, at most
    ``MAX_FILTER_VALUES`` of them (else a 400 saying ``expected``)."""
    if not isinstance(value, list) or not all(
        isinstance(v, str) and len(v) <= MAX_EXTERNAL_ID for v in value
    ):
        raise ApiError(400, expected)
    if len(value) > MAX_FILTER_VALUES:
        raise ApiError(400, f"{where} holds at most {MAX_FILTER_VALUES} values")
    return value


def batch_ids(project: dict[str, Any], given: list[Any], where: str) -> list[str]:
    """Batch ids for ``given`` ids or names; an unknown batch is refused."""
    known = {b.get("_id"): b.get("_id") for b in project.get("batches", []) if isinstance(b, dict)}
    known.update({b.get("name"): b.get("_id") for b in project.get("batches", []) if isinstance(b, dict)})
    if len(given) > MAX_FILTER_VALUES:
        raise ApiError(400, f"{where} holds at most {MAX_FILTER_VALUES} batches")
    out = []
    for batch in given:
        if not isinstance(batch, str) or batch not in known:
            raise ApiError(400, f"{where}: unknown batch {_shown(str(batch))}")
        out.append(str(known[batch]))
    return list(dict.fromkeys(out))


def project_of(app: HubLike, db: Any, org: str, project_id: Any) -> dict[str, Any]:
    """The project ``project_id`` of ``org`` (400 when not a string, 404 when not found)."""
    if not isinstance(project_id, str):
        raise ApiError(400, "project (a project id) is required")
    return app.project_or_404(db, org, project_id)
