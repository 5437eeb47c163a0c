"""The local Hub's project routes beyond create/get/update (docs/hub.md, "Project settings"): what
the official SDK 1.4.10 calls for ``add_members_to_project`` (``/assigned``),
``update_label_validation`` (``/labelValidation``), ``upload_instructions`` (``/instructions``),
``clone_project``, ``delete_project`` and ``purge_project``; and the checks of a workflow's
``stages`` that ``update_workflow_stages`` (``POST /v2/project/{id}``) goes through. Registered by
:class:`~ontology_kit.hub.app.HubApp` from :func:`rules`.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from ..errors import HubApiError as ApiError
from .asset_fields import HubLike
from .store import new_object_id, utc_now
from .web import ok as _ok
from .web import shown as _shown

__all__ = ["HANDLERS", "MAX_INSTRUCTIONS_BYTES", "PROJECT_ROLES", "STAGE_TYPES", "check_stages", "rules"]

#: The SDK's ``ProjectRoles``.
PROJECT_ROLES = ("Manager", "Labeler", "Reviewer", "Lead")
#: Workflow stage types (the SDK's ``StageType``; Ango's docs).
STAGE_TYPES = (
    "Start",
    "Label",
    "Review",
    "Logic",
    "Plugin",
    "Webhook",
    "Complete",
    "Archive",
    "Consensus",
    "Hold",
)
#: Stages a task ends in: they lead nowhere.
_END_TYPES = ("Complete", "Archive")
MAX_STAGES = 100
MAX_ASSIGNEES = 1000
MAX_INSTRUCTIONS_BYTES = 10 * 1024 * 1024
_MAX_TEXT = 1024


def rules() -> list[Rule]:
    """The routes, new for each app (a werkzeug rule belongs to one map)."""
    return [
        Rule("/v2/project/<project_id>/assigned", methods=["POST"], endpoint="assign_members"),
        Rule("/v2/project/<project_id>/labelValidation", methods=["POST"], endpoint="label_validation"),
        Rule("/v2/project/<project_id>/instructions", methods=["POST"], endpoint="upload_instructions"),
        Rule("/v2/project/<project_id>/clone", methods=["POST"], endpoint="clone_project"),
        Rule("/v2/project/<project_id>/purge", methods=["POST"], endpoint="purge_project"),
        Rule("/v2/project/<project_id>", methods=["DELETE"], endpoint="delete_project"),
    ]


def check_stages(value: Any) -> list[dict[str, Any]]:
    """A workflow's ``stages`` as the Hub would take them (inferred from Ango's docs): a list of 1 to
    100 objects, each with a unique string ``id``, a ``type`` of :data:`STAGE_TYPES`, a string
    ``name`` (default: the id) and ``next``, a list of the ids of other stages; exactly one ``Start``
    stage; ``Complete`` and ``Archive`` stages lead nowhere; a ``Complete`` stage is reachable from
    ``Start``. Other fields of a stage (a Webhook stage's URL, a Consensus stage's settings) are
    stored as given.

    Raises:
        HubApiError: 400, naming the first problem and where it is.
    """
    if not isinstance(value, list) or not 0 < len(value) <= MAX_STAGES:
        raise ApiError(400, f"stages must be a list of 1 to {MAX_STAGES} stages")
    out: list[dict[str, Any]] = []
    for i, stage in enumerate(value):
        where = f"stages[{i}]"
        if not isinstance(stage, dict):
            raise ApiError(400, f"{where} must be an object")
        sid, kind, following = stage.get("id"), stage.get("type"), stage.get("next", [])
        if not isinstance(sid, str) or not 0 < len(sid) <= _MAX_TEXT:
            raise ApiError(400, f"{where}.id must be a string of 1 to {_MAX_TEXT} characters")
        if kind not in STAGE_TYPES:
            raise ApiError(400, f"{where}.type must be one of {', '.join(STAGE_TYPES)}")
        name = stage.get("name", sid)
        if not isinstance(name, str) or len(name) > _MAX_TEXT:
            raise ApiError(400, f"{where}.name must be a string")
        if not isinstance(following, list) or not all(isinstance(n, str) for n in following):
            raise ApiError(400, f"{where}.next must be a list of stage ids")
        if kind in _END_TYPES and following:
            raise ApiError(400, f"{where}: a {kind} stage leads nowhere (next must be empty)")
        out.append({**stage, "id": sid, "name": name, "type": kind, "next": list(following)})
    ids = [s["id"] for s in out]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ApiError(400, f"stage id {_shown(repeated[0])} is used twice")
    unknown = sorted({n for s in out for n in s["next"] if n not in ids})
    if unknown:
        raise ApiError(400, f"next names no stage with id {_shown(unknown[0])}")
    starts = [s["id"] for s in out if s["type"] == "Start"]
    if len(starts) != 1:
        raise ApiError(400, f"a workflow has exactly one Start stage (found {len(starts)})")
    by_id = {s["id"]: s for s in out}
    seen, todo = set(starts), list(starts)
    while todo:
        for n in by_id[todo.pop()]["next"]:
            if n not in seen:
                seen.add(n)
                todo.append(n)
    if not any(by_id[s]["type"] == "Complete" for s in seen):
        raise ApiError(400, "no Complete stage is reachable from the Start stage")
    return out


# -- endpoints --------------------------------------------------------------------------------------
def assign_members(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``add_members_to_project``: ``{"assignees": [email, ...], "role": ProjectRoles}``; a member
    already assigned gets the new role (inferred)."""
    body = app.body(request)
    assignees, role = body.get("assignees"), body.get("role")
    if (
        not isinstance(assignees, list)
        or not 0 < len(assignees) <= MAX_ASSIGNEES
        or not all(_email(a) for a in assignees)
    ):
        raise ApiError(400, f"assignees must be a list of 1 to {MAX_ASSIGNEES} e-mail addresses")
    if role not in PROJECT_ROLES:
        raise ApiError(400, f"role must be one of {', '.join(PROJECT_ROLES)}")
    with app.store.write() as db:
        doc = app.project_or_404(db, org, project_id)
        members = {m["user"]: m for m in doc.get("assignedTo") or [] if isinstance(m, dict) and "user" in m}
        for email in assignees:
            members[email] = {"user": email, "role": role}
        doc["assignedTo"] = list(members.values())
        _save(app, db, doc)
    return _ok({"project": doc})


def label_validation(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``update_label_validation``: any of ``customValidationEnabled`` (bool), ``validationFunction``
    (a string: the function's source) and ``externalValidation`` (an object), stored as given."""
    body = app.body(request)
    fields = {"customValidationEnabled": bool, "validationFunction": str, "externalValidation": dict}
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise ApiError(400, f"unknown label validation field: {_shown(unknown[0])}")
    for key, kind in fields.items():
        if key in body and not isinstance(body[key], kind):
            raise ApiError(400, f"{key} has the wrong type")
    with app.store.write() as db:
        doc = app.project_or_404(db, org, project_id)
        doc.update(body)
        _save(app, db, doc)
    return _ok({"project": doc})


def upload_instructions(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``upload_instructions``: a multipart ``file``; the project records its name, size and digest
    as ``instructions`` (inferred: the real Hub stores the file and links it)."""
    if request.content_length is not None and request.content_length > MAX_INSTRUCTIONS_BYTES + 65536:
        raise ApiError(413, f"an instructions file is at most {MAX_INSTRUCTIONS_BYTES:,} bytes")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(400, "send the instructions as a multipart file named 'file'")
    try:
        content = upload.stream.read(MAX_INSTRUCTIONS_BYTES + 1)
    finally:
        request.close()  # werkzeug spools large parts to temporary files: close them now
    if len(content) > MAX_INSTRUCTIONS_BYTES:
        raise ApiError(413, f"an instructions file is at most {MAX_INSTRUCTIONS_BYTES:,} bytes")
    name = upload.filename[-_MAX_TEXT:]
    with app.store.write() as db:
        doc = app.project_or_404(db, org, project_id)
        doc["instructions"] = name
        doc["instructionsFile"] = {
            "name": name,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        _save(app, db, doc)
    return _ok({"project": doc})


#: ``clone_project``'s flags, and the project fields each copies (inferred).
_CLONED = {
    "categorySchema": ("categorySchema",),
    "assignedTo": ("assignedTo",),
    "batches": ("batches",),
    "workflow": ("stages",),
    "pluginPresets": ("pluginPresets", "projectPlugins"),
    "projectGeneralSettings": (
        "description",
        "type",
        "benchmarkEnabled",
        "benchmarkRatio",
        "benchmarkCutoff",
        "ocrLanguage",
        "idleTimeout",
        "instructions",
        "customValidationEnabled",
        "validationFunction",
        "externalValidation",
    ),
}


def clone_project(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``clone_project``: a new project "{name} copy" with the sections whose flag is true (all by
    default); no assets, tasks or answers."""
    body = app.body(request) if request.get_data(cache=True) else {}
    unknown = sorted(set(body) - set(_CLONED))
    if unknown:
        raise ApiError(400, f"unknown clone flag: {_shown(unknown[0])}")
    if not all(isinstance(v, bool) for v in body.values()):
        raise ApiError(400, "clone flags are true or false")
    with app.store.write() as db:
        source = app.project_or_404(db, org, project_id)
        doc = app.new_project(f"{source['name']} copy", org)
        for flag, keys in _CLONED.items():
            if body.get(flag, True):
                doc.update({k: copy.deepcopy(source[k]) for k in keys if k in source})
        if body.get("batches", True):  # a clone's batches are new batches: new ids
            doc["batches"] = [{**b, "_id": new_object_id()} for b in doc.get("batches") or []]
        app.store.insert_project(db, org, doc)
    return _ok({"project": doc}, status=201)


def delete_project(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``delete_project``: a soft delete; the project is no longer listed or found (its tasks stay
    stored, as the real Hub keeps them marked deleted)."""
    with app.store.write() as db:
        app.project_or_404(db, org, project_id)
        app.store.delete_project(db, project_id, purge=False)
    return _ok({"message": "Project deleted"})


def purge_project(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``purge_project``: ``{"confirmName": the project's name}``; deletes it and its assets, tasks,
    answers, exports and webhooks."""
    body = app.body(request)
    with app.store.write() as db:
        doc = app.project_or_404(db, org, project_id)
        if body.get("confirmName") != doc["name"]:
            raise ApiError(400, "confirmName must be the project's name")
        app.store.delete_project(db, project_id, purge=True)
    return _ok({"message": "Project purged"})


def _save(app: HubLike, db: Any, doc: dict[str, Any]) -> None:
    doc["updatedAt"] = utc_now()
    app.store.save_project(db, doc)


def _email(value: Any) -> bool:
    return isinstance(value, str) and 3 <= len(value) <= 320 and value.count("@") == 1 and " " not in value


HANDLERS: dict[str, Callable[..., Response]] = {
    "assign_members": assign_members,
    "label_validation": label_validation,
    "upload_instructions": upload_instructions,
    "clone_project": clone_project,
    "purge_project": purge_project,
    "delete_project": delete_project,
}
