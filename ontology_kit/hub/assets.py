"""The local Hub's assets, tasks and annotations: the routes the official SDK 1.4.10 calls for
``upload_files_cloud``, ``import_labels``, ``get_tasks``, ``get_task``, ``annotate_task``,
``get_metrics(AnswerDistribution)`` and ``export`` (docs/hub.md, "Annotations", marks each shape
documented or inferred). Registered by :class:`~ontology_kit.hub.app.HubApp` from :func:`rules`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import orjson
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from ..answer_walk import option_owners
from ..category_schema import CategorySchema
from ..errors import HubApiError as ApiError
from . import annotations_store as ann
from .answers import MAX_ID, answer
from .asset_fields import (
    MAX_EXTERNAL_ID,
    HubLike,
    batch_ids,
    complete_stages,
    initial_stage,
    json_list,
    next_stage,
    project_of,
    stage_ids,
    string_field,
    string_list,
    task_doc,
)
from .exports import download_export, export
from .store import new_object_id, utc_now
from .web import MAX_PAGE, ok_fast
from .web import int_param as _int_param
from .web import ok as _ok
from .web import shown as _shown

__all__ = ["HANDLERS", "PUBLIC", "rules"]

#: Assets in one ``upload_files_cloud`` request, labels in one ``import_labels`` request (inferred).
MAX_ASSETS = 1000
MAX_LABELS = 1000
#: Tasks in one page of ``get_tasks`` (inferred).
MAX_TASK_LIMIT = 1000
MAX_DATA = 8192
MAX_PRIORITY = 1_000_000_000
_ASSET_FIELDS = {"data", "externalId", "batches", "metadata", "contextData", "storage"}
_LABEL_FIELDS = {
    "externalId",
    "objects",
    "classifications",
    "relations",
    "brushDataUrl",
    "medicalBrushDataUrl",
}
#: The SDK's ``Metrics``; the local Hub serves AnswerDistribution only.
_METRICS = (
    "LabelStageGroups",
    "TimePerTask",
    "AnnotationStatus",
    "AnswerDistribution",
    "ConsensusRanges",
    "AssetSize",
)


def rules() -> list[Rule]:
    """The routes, new for each app (a werkzeug rule belongs to one map)."""
    return [
        Rule("/v2/project/<project_id>/cloud", methods=["POST"], endpoint="upload_assets"),
        Rule("/v2/import/labels", methods=["POST"], endpoint="import_labels"),
        Rule("/v2/project/<project_id>/tasks", methods=["GET"], endpoint="list_tasks"),
        Rule("/v2/task/<task_id>", methods=["GET"], endpoint="get_task"),
        Rule("/v2/annotate/<task_id>", methods=["POST"], endpoint="annotate_task"),
        Rule("/v2/<project_id>/overview/<metric>", methods=["GET"], endpoint="get_metrics"),
        Rule("/v2/export", methods=["GET"], endpoint="export"),
        Rule("/v2/ontokit/exports/<token>", methods=["GET"], endpoint="download_export"),
        Rule("/v2/ontokit/project/<project_id>/answerCounts", methods=["POST"], endpoint="answer_counts"),
    ]


#: Endpoints served without an API key: the export file, whose URL is its secret (as a signed link
#: is on the real Hub: the SDK downloads ``exportPath`` with no header).
PUBLIC = frozenset({"download_export"})


# -- endpoints --------------------------------------------------------------------------------------
def upload_assets(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``upload_files_cloud``: an asset and its task per item of ``assets``."""
    body = app.body(request)
    assets = _items(body, "assets", MAX_ASSETS, "assets")
    priority = body.get("priority", 0)
    if priority is None:
        priority = 0
    if not isinstance(priority, int) or isinstance(priority, bool) or abs(priority) > MAX_PRIORITY:
        raise ApiError(400, f"priority must be an integer between -{MAX_PRIORITY} and {MAX_PRIORITY}")
    now, out = utc_now(), []
    with app.store.write() as db:
        project = app.project_or_404(db, org, project_id)
        shared = batch_ids(project, json_list(request.args.get("batches"), "batches") or [], "batches")
        checked = [_asset(project, item, f"assets[{i}]", shared) for i, item in enumerate(assets)]
        ids = [a["externalId"] for a in checked]
        repeated = sorted(
            {x for x, n in Counter(ids).items() if n > 1} | ann.existing_external_ids(db, project_id, ids)
        )
        if repeated:
            raise ApiError(400, f"externalId already used in this project: {_shown(', '.join(repeated))}")
        stage = initial_stage(project)
        for item in checked:
            asset_id, task_id = new_object_id(), new_object_id()
            ann.insert_asset(db, project_id, (asset_id, task_id), item, stage, priority, now)
            out.append(
                {
                    "_id": asset_id,
                    "externalId": item["externalId"],
                    "data": item["data"],
                    "batches": item["batches"],
                    "task": task_id,
                }
            )
        project["assetCount"] = int(project.get("assetCount") or 0) + len(out)
        app.store.save_project(db, project)
    return _ok({"assets": out})


def _items(body: dict[str, Any], key: str, most: int, what: str) -> list[Any]:
    """``body[key]``: a non-empty list of at most ``most`` items (``what`` names them)."""
    items = body.get(key)
    if not isinstance(items, list) or not items:
        raise ApiError(400, f"{key} must be a non-empty list")
    if len(items) > most:
        raise ApiError(400, f"at most {most} {what} per request")
    return items


def _asset(project: dict[str, Any], item: Any, where: str, shared: list[str]) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ApiError(400, f"{where} must be an object")
    unknown = set(item) - _ASSET_FIELDS
    if unknown:
        raise ApiError(400, f"{where} has unknown fields: {_shown(', '.join(sorted(unknown)))}")
    data = string_field(item.get("data"), f"{where}.data", MAX_DATA)
    external_id = string_field(item.get("externalId"), f"{where}.externalId", MAX_EXTERNAL_ID)
    own = item.get("batches") or []
    if not isinstance(own, list):
        raise ApiError(400, f"{where}.batches must be a list")
    batches = list(dict.fromkeys([*shared, *batch_ids(project, own, f"{where}.batches")]))
    for key in ("metadata", "contextData"):
        if item.get(key) is not None and not isinstance(item[key], dict):
            raise ApiError(400, f"{where}.{key} must be an object")
    return {**item, "data": data, "externalId": external_id, "batches": batches}


def import_labels(app: HubLike, request: Request, org: str) -> Response:
    """``import_labels``: each label replaces the answer of its asset's task (by ``externalId``)."""
    body = app.body(request)
    labels = _items(body, "jsonContent", MAX_LABELS, "labels")
    checked = []
    for i, label in enumerate(labels):
        where = f"jsonContent[{i}]"
        if not isinstance(label, dict):
            raise ApiError(400, f"{where} must be an object")
        unknown = set(label) - _LABEL_FIELDS
        if unknown:
            raise ApiError(400, f"{where} has unknown fields: {_shown(', '.join(sorted(unknown)))}")
        external_id = string_field(label.get("externalId"), f"{where}.externalId", MAX_EXTERNAL_ID)
        checked.append((external_id, answer(label, where)))
    now, tasks = utc_now(), []
    with app.store.write() as db:
        project = project_of(app, db, org, body.get("project"))
        # The request's tasks are looked up at once, and each answer is stored knowing its project.
        found = ann.tasks_for_external_ids(db, project["_id"], [external_id for external_id, _ in checked])
        for external_id, value in checked:
            task_id = found.get(external_id)
            if task_id is None:
                raise ApiError(400, f"no asset with externalId {_shown(external_id)} in this project")
            ann.set_answer(db, task_id, value, now, project["_id"])
            tasks.append(task_id)
    return _ok({"imported": len(tasks), "tasks": tasks})


def _task_query(request: Request, project: dict[str, Any]) -> ann.TaskQuery:
    stages: list[str] | None = None
    batches: list[str] | None = None
    external_ids: list[str] | None = None
    raw = request.args.get("filter")
    if raw is not None:
        try:
            spec = orjson.loads(raw)
        except orjson.JSONDecodeError:
            spec = None
        if not isinstance(spec, dict):
            raise ApiError(400, "filter must be a JSON object")
        unknown = set(spec) - {"stage", "batches", "externalId"}
        if unknown:
            raise ApiError(
                400, f"filter keys not served by the local hub: {_shown(', '.join(sorted(unknown)))}"
            )
        stages = _condition(spec.get("stage"), "filter.stage")
        batches = _condition(spec.get("batches"), "filter.batches")
        external_ids = _condition(spec.get("externalId"), "filter.externalId")
    if request.args.get("stage") is not None:  # the SDK's deprecated `stage=` parameter
        stages = [string_field(request.args["stage"], "stage", MAX_EXTERNAL_ID)]
    if request.args.get("batches") is not None:
        batches = json_list(request.args.get("batches"), "batches")
    if stages is not None:
        stages = list(stage_ids(project, stages))
    sort = request.args.get("sort", "createdAt")
    if sort not in ("createdAt", "-createdAt"):
        raise ApiError(400, "sort must be createdAt or -createdAt")
    return ann.TaskQuery(
        tuple(stages) if stages is not None else None,
        tuple(batches) if batches is not None else None,
        tuple(external_ids) if external_ids is not None else None,
        descending=sort.startswith("-"),
    )


def _condition(value: Any, where: str) -> list[str] | None:
    """A TaskFilter condition: a string, ``{"$eq": s}`` or ``{"$in": [...]}``."""
    if value is None:
        return None
    if isinstance(value, dict) and len(value) == 1:
        op, value = next(iter(value.items()))
        if op == "$eq":
            value = [value]
        elif op != "$in":
            raise ApiError(400, f"{where}: only $eq and $in are served by the local hub")
    elif isinstance(value, str):
        value = [value]
    return string_list(value, where, f'{where} must be a string, {{"$eq": string}} or {{"$in": [strings]}}')


def _flag(request: Request, name: str) -> bool:
    raw = request.args.get(name, "false")
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, f"{name} must be true or false")
    return raw.lower() == "true"


def list_tasks(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``get_tasks``: one page of the project's tasks."""
    page = _int_param(request, "page", 1, 1, MAX_PAGE)
    limit = _int_param(request, "limit", 10, 1, MAX_TASK_LIMIT)
    with_answer = _flag(request, "includeAnswer")
    fields = request.args.get("fields")
    with app.store.read() as db:
        project = app.project_or_404(db, org, project_id)
        query = _task_query(request, project)
        rows, total = ann.list_tasks(db, project_id, query, (page - 1) * limit, limit)
    complete = complete_stages(project)  # once a page, not once a task
    tasks = [task_doc(row, project, with_answer, complete) for row in rows]
    if fields is not None:
        keep = {f.strip() for f in fields.split(",")[:100]} | {"_id", "project", "asset"}
        tasks = [{k: v for k, v in task.items() if k in keep} for task in tasks]
    return ok_fast({"tasks": tasks, "total": total, "page": page, "limit": limit})


def _task_or_404(app: HubLike, db: Any, org: str, task_id: str) -> tuple[ann.TaskRow, dict[str, Any]]:
    row = ann.get_task(db, org, task_id)
    if row is None:
        raise ApiError(404, f"Task {_shown(task_id)} not found")
    return row, app.project_or_404(db, org, row.project)


def get_task(app: HubLike, request: Request, org: str, task_id: str) -> Response:
    """``get_task``. The answer is returned whatever ``includeAnswer`` says (inferred): the SDK's
    ``annotate_task`` merges with ``get_task(task_id)["data"]["task"]["answer"]`` read without it."""
    if request.args.get("includeAnswer", "false").lower() not in ("true", "false"):
        raise ApiError(400, "includeAnswer must be true or false")
    with app.store.read() as db:
        row, project = _task_or_404(app, db, org, task_id)
    return _ok({"task": task_doc(row, project, True)})


def annotate_task(app: HubLike, request: Request, org: str, task_id: str) -> Response:
    """``annotate_task``: replace the task's answer; with ``nextStage=true``, move it on."""
    body = app.body(request)
    move_on = _flag(request, "nextStage")
    _flag(request, "isPlugin")
    value = answer(body.get("answer"), "answer")
    for key in ("brushDataUrl", "medicalBrushDataUrl"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise ApiError(400, f"{key} must be a string")
    now = utc_now()
    with app.store.write() as db:
        row, project = _task_or_404(app, db, org, task_id)
        ann.set_answer(db, task_id, value, now)
        if move_on:
            ann.set_stage(db, task_id, next_stage(project, row.stage), now)
        row, _ = _task_or_404(app, db, org, task_id)
    return _ok({"task": task_doc(row, project, True)})


def get_metrics(app: HubLike, request: Request, org: str, project_id: str, metric: str) -> Response:
    """``get_metrics``: ``AnswerDistribution`` only (inferred shape; docs/hub.md)."""
    if metric != "AnswerDistribution":
        raise ApiError(
            400 if metric in _METRICS else 404, f"metric {_shown(metric)} is not served by the local hub"
        )
    with app.store.read() as db:
        project = app.project_or_404(db, org, project_id)
        counts = ann.schema_id_counts(db, project_id)
    items = {node.id: node for node in CategorySchema.of(project.get("categorySchema")).walk() if node.id}
    out = []
    for schema_id, kind, count, tasks in counts:
        node = items.get(schema_id)
        out.append(
            {
                "schemaId": schema_id,
                "kind": kind,
                "title": node.title if node is not None else None,
                "tool": node.type if node is not None else None,
                "inLabelSet": node is not None,
                "count": count,
                "tasks": tasks,
            }
        )
    return _ok({"answerDistribution": out})


#: Groups in one ``answerCounts`` request, and schemaIds in all its groups together (inferred).
MAX_COUNT_GROUPS = 10_000
MAX_COUNT_IDS = 100_000
#: SchemaIds in one request's ``missing`` list (one indexed count each).
MAX_MISSING_IDS = 1_000
#: SchemaIds in one request's ``texts`` list, and text answers returned per schemaId (more: null).
MAX_TEXT_IDS = 100
MAX_TEXT_ANSWERS = 10_000


def answer_counts(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """The ``annotation-counts`` extension: per group of schemaIds, the answer elements (at any
    depth, in any stage) that reference any of them, and their tasks; per ``missing`` schemaId, the
    tasks with no answer to it (docs/hub.md)."""
    body = app.body(request)
    groups = body.get("schemaIds", [])
    missing = body.get("missing", [])
    texts = body.get("texts", [])
    under = body.get("under", [])
    usage = (
        'body must be {"schemaIds": [[schemaId, ...], ...]}, {"missing": [schemaId, ...]} and/or'
        ' {"texts": [schemaId, ...]}'
    )
    if not body or set(body) - {"schemaIds", "missing", "texts", "under"} or not isinstance(groups, list):
        raise ApiError(400, usage)
    if not isinstance(missing, list) or not isinstance(texts, list):
        raise ApiError(400, usage)
    if not isinstance(under, list) or len(under) > MAX_MISSING_IDS or not all(_pair(p) for p in under):
        raise ApiError(400, f"under must be a list of at most {MAX_MISSING_IDS} [schemaId, optionId] pairs")
    if len(texts) > MAX_TEXT_IDS or not all(isinstance(s, str) and 0 < len(s) <= MAX_ID for s in texts):
        raise ApiError(
            400, f"texts must be a list of at most {MAX_TEXT_IDS} strings of 1 to {MAX_ID} characters"
        )
    if len(groups) > MAX_COUNT_GROUPS:
        raise ApiError(400, f"schemaIds holds at most {MAX_COUNT_GROUPS} groups")
    if len(missing) > MAX_MISSING_IDS:
        raise ApiError(400, f"missing holds at most {MAX_MISSING_IDS} schemaIds")
    if not all(isinstance(s, str) and 0 < len(s) <= MAX_ID for s in missing):
        raise ApiError(400, f"missing must be a list of strings of 1 to {MAX_ID} characters")
    total = 0
    for i, group in enumerate(groups):
        if not isinstance(group, list) or not all(isinstance(s, str) and 0 < len(s) <= MAX_ID for s in group):
            raise ApiError(400, f"schemaIds[{i}] must be a list of strings of 1 to {MAX_ID} characters")
        total += len(group)
        if total > MAX_COUNT_IDS:
            raise ApiError(400, f"schemaIds holds at most {MAX_COUNT_IDS} schemaIds in all")
    with app.store.read() as db:
        project = app.project_or_404(db, org, project_id)
        owners = option_owners(CategorySchema.of(project.get("categorySchema")))
        counts = ann.count_groups(db, project_id, groups, owners) if groups else []
        lacking = ann.count_tasks_lacking(db, project_id, missing)
        conditioned = ann.count_under(db, project_id, under, owners)
        found = [ann.text_answers(db, project_id, sid, MAX_TEXT_ANSWERS) for sid in texts]
    out: dict[str, Any] = {"counts": [{"annotations": c.annotations, "tasks": c.tasks} for c in counts]}
    if "missing" in body:  # answered only when asked: a client of the first form sees what it saw
        out["missing"] = [{"tasks": n} for n in lacking]
    if "under" in body:
        out["under"] = [{"annotations": n} for n in conditioned]
    if "texts" in body:
        out["texts"] = [
            {"answers": None if f is None else [{"taskId": t, "text": x} for t, x in f]} for f in found
        ]
    return _ok(out)


def _pair(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(s, str) and 0 < len(s) <= MAX_ID for s in value)
    )


HANDLERS: dict[str, Callable[..., Response]] = {
    "answer_counts": answer_counts,
    "upload_assets": upload_assets,
    "import_labels": import_labels,
    "list_tasks": list_tasks,
    "get_task": get_task,
    "annotate_task": annotate_task,
    "get_metrics": get_metrics,
    "export": export,
    "download_export": download_export,
}
