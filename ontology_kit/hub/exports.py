"""The local Hub's export: ``GET /v2/export`` writes a zip holding one JSON (or NDJSON) member and
answers its ``exportPath``, a URL on the same server that the SDK downloads with no API key."""

from __future__ import annotations

import re
import secrets
import tempfile
import zipfile
from collections.abc import Callable
from typing import Any

import orjson
from werkzeug.wrappers import Request, Response

from ..errors import HubApiError as ApiError
from ..state import Workflow
from . import annotations_store as ann
from .asset_fields import HubLike, batch_ids, json_list, project_of, stage_ids
from .store import utc_now
from .web import ok as _ok

__all__ = ["download_export", "export"]

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def export(app: HubLike, request: Request, org: str) -> Response:
    """``export``: write the export file (a zip holding one JSON or NDJSON member) and answer its URL."""
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "ndjson"):
        raise ApiError(400, "format must be json or ndjson")
    if request.args.get("type", "task") != "task":
        raise ApiError(400, "type must be task (issue exports are not served by the local hub)")
    created, updated = _time_filter(request, "createdAt"), _time_filter(request, "updatedAt")
    with app.store.write() as db:
        project = project_of(app, db, org, request.args.get("project"))
        stages = json_list(request.args.get("stage"), "stage")
        batches = batch_ids(project, json_list(request.args.get("batches"), "batches") or [], "batches")
        query = ann.TaskQuery(
            stage_ids(project, stages) if stages is not None else None, tuple(batches) if batches else None
        )
        names = {b.get("_id"): b.get("name") for b in project.get("batches", []) if isinstance(b, dict)}
        member = f"{project['_id']}.{fmt}"
        # Written as it is read, one task at a time, into a temporary file: only the compressed zip is
        # ever held whole (to store it), never the export's lines.
        with tempfile.TemporaryFile() as file:
            with (
                zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive,
                archive.open(member, "w", force_zip64=True) as out,
            ):
                first = True
                out.write(b"" if fmt == "ndjson" else b"[")
                for row in ann.iter_tasks(db, project["_id"], query):
                    if created(row.created_at) and updated(row.updated_at):
                        line = orjson.dumps(_export_doc(row, project, names))
                        if fmt == "ndjson":
                            out.write(line + b"\n")
                        else:
                            out.write(line if first else b"," + line)
                        first = False
                out.write(b"" if fmt == "ndjson" else b"]")
            file.seek(0)
            content = file.read()
        token = secrets.token_urlsafe(24)
        ann.put_export(db, token, org, project["_id"], member + ".zip", content, utc_now())
    return _ok({"exportPath": f"{request.host_url}v2/ontokit/exports/{token}"})


def _time_filter(request: Request, name: str) -> Callable[[str], bool]:
    """An export's ``createdAt``/``updatedAt`` filter, ``{"$gt": iso, "$lt": iso}``, as a test."""
    raw = request.args.get(name)
    if raw is None:
        return lambda stamp: True
    try:
        spec = orjson.loads(raw)
    except orjson.JSONDecodeError:
        spec = None
    if (
        not isinstance(spec, dict)
        or not set(spec) <= {"$gt", "$lt"}
        or not all(isinstance(v, str) and len(v) <= 64 for v in spec.values())
    ):
        raise ApiError(400, f'{name} must be a JSON object {{"$gt": timestamp, "$lt": timestamp}}')
    low, high = spec.get("$gt"), spec.get("$lt")
    # ISO 8601 in UTC compares as text; the SDK writes microseconds, the hub milliseconds.
    return lambda stamp: (low is None or stamp[:23] > low[:23]) and (high is None or stamp[:23] < high[:23])


def _export_doc(row: ann.TaskRow, project: dict[str, Any], batch_names: dict[Any, Any]) -> dict[str, Any]:
    """One task as Ango's export writes it (inferred in part; docs/hub.md)."""
    stage_names = {s.id: s.name for s in Workflow.of(project).stages}
    return {
        "asset": row.data,
        "assetId": row.asset,
        "externalId": row.external_id,
        "dataset": [],
        "metadata": row.metadata,
        "batches": [batch_names.get(b, b) for b in row.batches],
        "task": {
            "taskId": row.id,
            "stage": stage_names.get(row.stage, row.stage),
            "stageId": row.stage,
            "createdAt": row.created_at,
            "updatedAt": row.updated_at,
            **row.answer,
        },
    }


def download_export(app: HubLike, request: Request, org: str | None, token: str) -> Response:
    """The export file at ``exportPath`` (no API key: the unguessable token is the credential)."""
    found = None
    if _TOKEN.fullmatch(token):
        with app.store.read() as db:
            found = ann.get_export(db, token)
    if found is None:
        raise ApiError(404, "Export not found (an export file is kept only until newer exports replace it)")
    name, content = found
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
