"""The local Hub's workflow routes (docs/hub.md, "Workflow stages"): the secrets of Webhook stages,
``rerun_webhook`` and ``set_tasks_as_benchmark``, as the official SDK 1.4.10 calls them. Registered by
:class:`~ontology_kit.hub.app.HubApp` from :func:`rules`.

A Webhook stage's ``secret`` is never stored: a string is kept as a salted digest only, shown as
``{"set": true, "digest": "sha256:SALT:HMAC"}``; that object, sent back unchanged (a stage read with
``get_project`` and sent again, as Ango's docs advise), keeps the secret the stage has.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .._secret import secret_digest
from ..errors import HubApiError as ApiError
from . import annotations_store as ann
from .answers import MAX_ID
from .asset_fields import HubLike
from .store import utc_now
from .web import ok as _ok
from .web import shown as _shown

__all__ = ["HANDLERS", "MAX_BENCHMARK_TASKS", "MAX_SECRET", "rules", "seal_secrets"]

#: A stage's secret, and the tasks of one ``set_tasks_as_benchmark`` request, at most (inferred).
MAX_SECRET = 1024
MAX_BENCHMARK_TASKS = 10_000


def rules() -> list[Rule]:
    """The routes, new for each app (a werkzeug rule belongs to one map)."""
    return [
        # The SDK 1.4.10 posts to ``/v2//project/{id}/rerun-webhook``, double slash and all: this rule
        # matches it as sent (the map would otherwise redirect it to the merged path).
        Rule(
            "/v2//project/<project_id>/rerun-webhook",
            methods=["POST"],
            endpoint="rerun_webhook",
            merge_slashes=False,
        ),
        Rule("/v2/project/<project_id>/rerun-webhook", methods=["POST"], endpoint="rerun_webhook"),
        Rule("/v2/project/<project_id>/benchmark-tasks", methods=["POST"], endpoint="benchmark_tasks"),
    ]


def seal_secrets(stages: list[dict[str, Any]], previous: Any) -> list[dict[str, Any]]:
    """``stages`` (checked) as they are stored: each ``secret`` that is a string replaced by its salted
    digest (a new salt for each); an object kept only when it is the state the stage of the same id
    (in ``previous``, the stored stages) shows; ``null`` (or none): no secret.

    Raises:
        HubApiError: 400 for any other secret.
    """
    stored = {
        s["id"]: s["secret"]
        for s in (previous if isinstance(previous, list) else [])
        if isinstance(s, dict) and isinstance(s.get("id"), str) and isinstance(s.get("secret"), dict)
    }
    out = []
    for i, stage in enumerate(stages):
        secret = stage.get("secret")
        rest = {k: v for k, v in stage.items() if k != "secret"}
        if secret is None or secret == "":
            out.append(rest)
        elif isinstance(secret, str):
            if len(secret) > MAX_SECRET:
                raise ApiError(400, f"stages[{i}].secret: a secret is at most {MAX_SECRET} characters")
            digest = secret_digest(secrets.token_hex(8), secret)
            out.append({**rest, "secret": {"set": True, "digest": digest}})
        elif isinstance(secret, dict) and secret == stored.get(stage["id"]):
            out.append({**rest, "secret": secret})
        elif isinstance(secret, dict):
            raise ApiError(
                400,
                f"stages[{i}].secret: not the secret state stored for stage {_shown(stage['id'])};"
                " send the secret itself to set a new one",
            )
        else:
            raise ApiError(400, f"stages[{i}].secret must be a string, null or the state get_project shows")
    return out


# -- endpoints --------------------------------------------------------------------------------------
def rerun_webhook(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``rerun_webhook``: ``{"stageId": id}``, the id of a Webhook stage of the project. The local Hub
    sends no webhook: it answers how many of the project's tasks are in that stage (inferred: those
    a real Hub would send again)."""
    body = app.body(request)
    stage_id = body.get("stageId")
    if set(body) != {"stageId"} or not isinstance(stage_id, str):
        raise ApiError(400, 'body must be {"stageId": the id of a Webhook stage}')
    with app.store.read() as db:
        project = app.project_or_404(db, org, project_id)
        stages = project.get("stages")
        if not any(
            isinstance(s, dict) and s.get("id") == stage_id and s.get("type") == "Webhook"
            for s in (stages if isinstance(stages, list) else [])
        ):
            raise ApiError(400, f"stageId {_shown(stage_id)} names no Webhook stage of this project")
        _, waiting = ann.list_tasks(db, project_id, ann.TaskQuery(stages=(stage_id,)), 0, 0)
    return _ok({"stageId": stage_id, "tasks": waiting})


def benchmark_tasks(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``set_tasks_as_benchmark``: ``{"tasks": [task id, ...], "isBenchmark": bool}``, tasks of the
    project; ``get_task`` and ``get_tasks`` show the flag as ``isBenchmark`` (inferred)."""
    body = app.body(request)
    tasks, flag = body.get("tasks"), body.get("isBenchmark")
    if set(body) - {"tasks", "isBenchmark"}:
        raise ApiError(400, f"unknown field: {_shown(sorted(set(body) - {'tasks', 'isBenchmark'})[0])}")
    if (
        not isinstance(tasks, list)
        or len(tasks) > MAX_BENCHMARK_TASKS
        or not all(isinstance(t, str) and 0 < len(t) <= MAX_ID for t in tasks)
    ):
        raise ApiError(400, f"tasks must be a list of at most {MAX_BENCHMARK_TASKS:,} task ids")
    if not isinstance(flag, bool):
        raise ApiError(400, "isBenchmark must be true or false")
    with app.store.write() as db:
        app.project_or_404(db, org, project_id)
        unknown = ann.unknown_tasks(db, project_id, tasks)
        if unknown:
            raise ApiError(400, f"no task {_shown(unknown[0])} in this project")
        marked = ann.set_benchmark(db, project_id, tasks, flag, utc_now())
    return _ok({"tasks": marked, "isBenchmark": flag})


HANDLERS: dict[str, Callable[..., Response]] = {
    "rerun_webhook": rerun_webhook,
    "benchmark_tasks": benchmark_tasks,
}
