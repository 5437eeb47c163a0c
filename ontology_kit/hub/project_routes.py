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
from ..stage_checks import STAGE_TYPES, stage_problems
from .asset_fields import HubLike
from .store import new_object_id, utc_now
from .web import ok as _ok
from .web import shown as _shown

__all__ = ["HANDLERS", "MAX_INSTRUCTIONS_BYTES", "PROJECT_ROLES", "STAGE_TYPES", "check_stages", "rules"]

#: The SDK's ``ProjectRoles``.
PROJECT_ROLES = ("Manager", "Labeler", "Reviewer", "Lead")
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
    100 stages that :func:`~ontology_kit.stage_checks.stage_problems` finds nothing wrong with; each
    gets ``name`` (default: the id) and ``next`` (default: none). Other fields of a stage are stored
    as given (a ``secret`` goes through :func:`~ontology_kit.hub.workflow_routes.seal_secrets`).

    Raises:
        HubApiError: 400, naming the first problem and where it is.
    """
    if not isinstance(value, list) or not 0 < len(value) <= MAX_STAGES:
        raise ApiError(400, f"stages must be a list of 1 to {MAX_STAGES} stages")
    problems = stage_problems(value)
    if problems:
        first = problems[0]
        where = "" if first.index is None else f"stages[{first.index}]"
        where += f".{first.field}" if where and first.field else ""
        raise ApiError(400, f"{where}: {first.message}" if where else first.message)
    return [{**s, "name": s.get("name", s["id"]), "next": list(s.get("next", []))} for s in value]


# -- endpoints --------------------------------------------------------------------------------------
def assign_members(app: HubLike, request: Request, org: str, project_id: str) -> Response:
    """``add_members_to_project``: ``{"assignees": [email, ...], "role": ProjectRoles}``; each member
    in ``assignedTo`` as ``{"assignee": email, "role": role}`` (the documented shape); a member
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
        members = _members(doc.get("assignedTo"))
        for email in assignees:
            members[email] = {"assignee": email, "role": role}
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


def _members(value: Any) -> dict[str, dict[str, Any]]:
    """A project's ``assignedTo``, by e-mail address (an entry stored by an older local Hub names
    its member ``user``)."""
    out: dict[str, dict[str, Any]] = {}
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict):
            email = entry.get("assignee", entry.get("user"))
            if isinstance(email, str):
                out[email] = {"assignee": email, "role": entry.get("role")}
    return out


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
