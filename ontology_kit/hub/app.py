"""The local Hub: a WSGI application speaking Ango Hub's REST API (docs/hub.md lists every endpoint).

Envelope ``{"status": "success", "data": {...}}``; errors ``{"status": "fail"|"error", "message": ...}``.
Auth by the ``apikey`` header; each key belongs to one organization and sees only its projects.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import orjson
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from .._version import __version__
from ..category_schema import CHILD_GROUPS, TOP_GROUPS, CategorySchema
from ..errors import HubApiError as ApiError
from ..vocabulary import PROJECT_TYPES, WEBHOOK_TYPES
from . import assets, locks, project_routes, workflow_routes
from .store import HubStore, new_object_id, utc_now
from .web import MAX_PAGE
from .web import error as _error
from .web import int_param as _int_param
from .web import json_response as _json
from .web import ok as _ok
from .web import shown as _shown

__all__ = ["MAX_BODY_BYTES", "HubApp"]

log = logging.getLogger("ontokit.hub")

MAX_BODY_BYTES = 16 * 1024 * 1024
#: Bodies nested deeper are refused (inferred). The deepest ontology ontokit accepts compiles to
#: about 260 levels; a stored document must stay well within what the stdlib's JSON encoder (and
#: every client) can write back without recursing too deep.
MAX_BODY_DEPTH = 512
# Documented optional project settings (docs.imerit.net api/docs/projects); stored as given.
_SETTINGS = {
    "benchmarkEnabled": bool,
    "benchmarkRatio": (int, float),
    "benchmarkCutoff": bool,  # the SDK's update_benchmark_settings types it Optional[bool]
    "instructions": str,
    "ocrLanguage": str,
    "idleTimeout": (int, float),
    "projectPlugins": dict,
    "pluginPresets": list,
    "errorCodesEnabled": bool,
    "errorSchema": dict,
    "exportStorageId": str,
    "exportStorageBucket": str,
    "exportStoragePath": str,
    "exportStorageEnabled": bool,
    "taskSkipEnabled": bool,
    "unassignSkippedTask": bool,
    "gcSyncEnabled": bool,
    "stages": list,
}
#: What ``GET /v2/ontokit/hub`` announces (docs/hub.md): the extensions clients may use.
EXTENSIONS = (
    "idempotency-key",
    "webhooks-read",
    "webhook-update",
    "project-type-update",
    "locks",
    "annotation-counts",
)
_LIST_FIELDS = ("_id", "name", "description", "organization", "createdAt")
#: Who owns what the local Hub creates: an e-mail address, as on the real Hub (inferred).
LOCAL_USER = "local-hub@ontokit.invalid"
#: ``Idempotency-Key``: printable ASCII, at most this long (inferred; a UUID is 36).
MAX_IDEMPOTENCY_KEY = 255


class HubApp:
    """The WSGI application. ``store`` holds all state."""

    def __init__(self, store: HubStore) -> None:
        self.store = store
        self.routes = {**assets.HANDLERS, **project_routes.HANDLERS, **workflow_routes.HANDLERS}
        self.public = assets.PUBLIC
        self.url_map = Map(
            [
                Rule("/v2/listProjects", methods=["GET"], endpoint="list_projects"),
                Rule("/v2/project", methods=["POST"], endpoint="create_project"),
                Rule("/v2/project/<project_id>", methods=["GET"], endpoint="get_project"),
                Rule("/v2/project/<project_id>", methods=["POST"], endpoint="update_project"),
                Rule("/v2/batches/<project_id>", methods=["POST"], endpoint="update_batches"),
                Rule("/v2/webhook", methods=["POST"], endpoint="create_webhook"),
                Rule("/v2/webhook/<webhook_id>", methods=["POST"], endpoint="update_webhook"),
                Rule("/v2/project/<project_id>/webhooks", methods=["GET"], endpoint="list_webhooks"),
                Rule("/v2/ontokit/hub", methods=["GET"], endpoint="hub_info"),
                Rule("/v2/ontokit/locks", methods=["GET"], endpoint="list_locks"),
                Rule("/v2/ontokit/locks", methods=["POST"], endpoint="acquire_locks"),
                Rule("/v2/ontokit/locks/release", methods=["POST"], endpoint="release_locks"),
                *assets.rules(),
                *project_routes.rules(),
                *workflow_routes.rules(),
            ],
            strict_slashes=False,
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        request.max_content_length = MAX_BODY_BYTES
        response = self.handle(request)
        response.headers["X-Ontokit-Hub"] = __version__
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        """Route, authenticate, run the handler, and turn every failure into an error response."""
        try:
            adapter = self.url_map.bind_to_environ(request.environ)
            endpoint, args = adapter.match()
            if endpoint == "hub_info":
                return self.hub_info()
            if endpoint in self.public:
                return self.routes[endpoint](self, request, None, **args)
            org = self.authenticate(request)
            handler = getattr(self, endpoint, None) or functools.partial(self.routes[endpoint], self)
            if endpoint in ("create_project", "create_webhook", "update_batches"):
                return self.idempotent(request, org, lambda db: handler(request, org, db, **args))
            return handler(request, org, **args)
        except ApiError as exc:
            return _error(exc.status, exc.message)
        except RequestRedirect as exc:  # a path with `//` (werkzeug merges them): a real redirect
            response = _error(308, f"Moved to {_shown(exc.new_url)}")
            response.headers["Location"] = exc.new_url
            return response
        except NotFound:
            return _error(404, f"Resource not found: {_shown(request.path)}")
        except MethodNotAllowed:
            return _error(405, f"Method {_shown(request.method)} not allowed on {_shown(request.path)}")
        except HTTPException as exc:  # 413 and friends
            return _error(exc.code or 400, exc.description or exc.name)
        except Exception:
            log.exception("internal error on %s %s", request.method, request.path)
            return _error(500, "Internal server error")

    # -- plumbing ---------------------------------------------------------------------------------
    def authenticate(self, request: Request) -> str:
        key = request.headers.get("apikey")
        if not key:
            raise ApiError(401, "Missing API key: send it in the 'apikey' header")
        org = self.store.organization_for_key(key)
        if org is None:
            raise ApiError(401, "Invalid API key")
        return org

    def body(self, request: Request) -> dict[str, Any]:
        raw = request.get_data(cache=True)
        if not raw:
            raise ApiError(400, "Request body is empty; expected a JSON object")
        try:
            # Strict JSON (RFC 8259), as a real server reads it: no NaN or Infinity, no lone surrogate,
            # UTF-8 only. Whatever is stored here, every client can read back.
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ApiError(400, f"Malformed JSON body: {exc}") from None
        if not isinstance(doc, dict):
            raise ApiError(400, "Request body must be a JSON object")
        if _deeper_than(doc, MAX_BODY_DEPTH):
            raise ApiError(400, f"JSON body is nested more than {MAX_BODY_DEPTH} levels deep")
        return doc

    def idempotent(self, request: Request, org: str, run: Callable[[Any], Response]) -> Response:
        """Run a creating request once per ``Idempotency-Key`` (an extension; docs/hub.md)."""
        key = request.headers.get("Idempotency-Key")
        if key is not None and not (
            0 < len(key) <= MAX_IDEMPOTENCY_KEY and key.isascii() and key.isprintable()
        ):
            raise ApiError(
                400, f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters"
            )
        with self.store.write() as db:
            if key:
                seen = self.store.replay(db, org, key)
                if seen is not None:
                    status, body, method, path = seen
                    if (method, path) != (request.method, request.path):
                        raise ApiError(422, "Idempotency-Key was already used for a different request")
                    response = Response(body, status=status, mimetype="application/json")
                    response.headers["Idempotent-Replayed"] = "true"
                    return response
            response = run(db)
            if key and response.status_code < 400:
                self.store.remember(
                    db,
                    org,
                    key,
                    request.method,
                    request.path,
                    response.status_code,
                    response.get_data(as_text=True),
                )
            return response

    def project_or_404(self, db: Any, org: str, project_id: str) -> dict[str, Any]:
        doc = self.store.get_project(db, org, project_id)
        if doc is None:  # another organization's project is indistinguishable from a missing one
            raise ApiError(404, f"Project {_shown(project_id)} not found")
        return doc

    # -- endpoints --------------------------------------------------------------------------------
    def hub_info(self) -> Response:
        return _ok(
            {
                "hub": "ontokit-local",
                "version": __version__,
                "extensions": list(EXTENSIONS),
            }
        )

    def list_projects(self, request: Request, org: str) -> Response:
        page = _int_param(request, "page", 1, 1, MAX_PAGE)
        limit = _int_param(request, "limit", 10, 1, 100)
        sort = request.args.get("sort", "-createdAt")
        if sort not in ("createdAt", "-createdAt"):
            raise ApiError(400, "sort must be createdAt or -createdAt")
        docs, total = self.store.list_projects(
            org, (page - 1) * limit, limit, descending=sort.startswith("-")
        )
        return _ok({"projects": [{k: d.get(k) for k in _LIST_FIELDS} for d in docs], "total": total})

    def create_project(self, request: Request, org: str, db: Any) -> Response:
        body = self.body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError(400, "name is required and must be a non-empty string")
        description = body.get("description", "")
        if description is None:
            description = ""
        if not isinstance(description, str):
            raise ApiError(400, "description must be a string")
        ptype = body.get("type", "ango")
        if ptype not in PROJECT_TYPES:
            raise ApiError(400, f"type must be one of {', '.join(PROJECT_TYPES)}")
        doc = self.new_project(name, org)
        doc.update({"description": description, "type": ptype})
        if "categorySchema" in body:
            doc["categorySchema"] = _category_schema(body["categorySchema"])
        doc.update(_settings(body, ignore=("name", "description", "type", "categorySchema", "pctConfig")))
        if "stages" in body:
            stages = project_routes.check_stages(doc["stages"])
            doc["stages"] = workflow_routes.seal_secrets(stages, None)
        self.store.insert_project(db, org, doc)
        return _ok({"project": doc}, status=201)

    def new_project(self, name: str, org: str) -> dict[str, Any]:
        """A new project's document, as ``create_project`` answers it (the seed's sample shape; the
        fields it cuts off are inferred), before it is stored."""
        now = utc_now()
        return {
            "_id": new_object_id(),
            "name": name,
            "description": "",
            "type": "ango",
            "owner": LOCAL_USER,
            "user": LOCAL_USER,
            "organization": org,
            "categorySchema": CategorySchema.empty().payload(),
            "stages": [
                {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"]},
                {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Complete"]},
                {"id": "Complete", "name": "Complete", "type": "Complete", "next": []},
            ],
            "batches": [],
            "assignedTo": [],
            "tags": [],
            "queueVersion": 2,
            "assetCount": 0,
            "consensusCount": 1,
            "benchmark": False,
            "benchmarkEnabled": False,
            "benchmarkRatio": 10,
            "reviewConf": {},
            "aiAssistance": {},
            "ocrLanguage": "eng",
            "idleTimeout": 0,
            "deleted": False,
            "createdAt": now,
            "updatedAt": now,
            "__v": 0,
        }

    def get_project(self, request: Request, org: str, project_id: str) -> Response:
        with self.store.read() as db:
            text = self.store.get_project_text(db, org, project_id)
        if text is None:
            raise ApiError(404, f"Project {_shown(project_id)} not found")
        # The stored document is already JSON: splice it into the envelope (large schemas are MBs).
        return Response(
            '{"status": "success", "data": {"project": ' + text + "}}", mimetype="application/json"
        )

    def update_project(self, request: Request, org: str, project_id: str) -> Response:
        body = self.body(request)
        changes: dict[str, Any] = {}
        if "categorySchema" in body:
            changes["categorySchema"] = _category_schema(body["categorySchema"])
        if "name" in body:
            if not isinstance(body["name"], str) or not body["name"].strip():
                raise ApiError(400, "name must be a non-empty string")
            changes["name"] = body["name"]
        if "description" in body:
            if not isinstance(body["description"], str):
                raise ApiError(400, "description must be a string")
            changes["description"] = body["description"]
        if "type" in body:  # the `project-type-update` extension (docs/hub.md): Ango documents none
            if body["type"] not in PROJECT_TYPES:
                raise ApiError(400, f"type must be one of {', '.join(PROJECT_TYPES)}")
            changes["type"] = body["type"]
        changes.update(_settings(body, ignore=("categorySchema", "name", "description", "type")))
        if "stages" in changes:  # update_workflow_stages: checked as the Hub documents a workflow
            changes["stages"] = project_routes.check_stages(changes["stages"])
        with self.store.write() as db:
            doc = self.project_or_404(db, org, project_id)
            if "stages" in changes:  # a secret: a digest, or the state the stored stage shows
                changes["stages"] = workflow_routes.seal_secrets(changes["stages"], doc.get("stages"))
            doc.update(changes)  # categorySchema is replaced whole, as the SDK's create_label_set expects
            doc["updatedAt"] = utc_now()
            self.store.save_project(db, doc)
        return _ok({"project": doc})

    def update_batches(self, request: Request, org: str, db: Any, project_id: str) -> Response:
        body = self.body(request)
        doc = self.project_or_404(db, org, project_id)
        if "batches" in body:  # documented: the whole list, replaced
            batches = body["batches"]
            if not isinstance(batches, list):
                raise ApiError(400, "batches must be a list")
            new = [_batch(b, i) for i, b in enumerate(batches)]
        elif "name" in body:  # SDK 1.4.10 create_batch: one more batch
            new = [*doc["batches"], _batch({"name": body["name"]}, 0)]
        else:
            raise ApiError(400, "body needs `batches` (a list) or `name`")
        names = [b["name"] for b in new]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ApiError(400, f"batch names must be unique; repeated: {', '.join(dupes)}")
        doc["batches"] = new
        doc["updatedAt"] = utc_now()
        self.store.save_project(db, doc)
        return _ok({"project": doc})

    def create_webhook(self, request: Request, org: str, db: Any) -> Response:
        body = self.body(request)
        project_id = body.get("project")
        if not isinstance(project_id, str):
            raise ApiError(400, "project (a project id) is required")
        self.project_or_404(db, org, project_id)
        url, types, secret = _webhook_fields(body, partial=False)
        if url is None or types is None:  # _webhook_fields requires both when not partial
            raise ApiError(400, "url and types are required")
        hook = self.store.insert_webhook(db, org, project_id, url, types, secret)
        return _ok({"webhook": hook, "webhooks": self.store.list_webhooks(db, project_id)}, status=201)

    def update_webhook(self, request: Request, org: str, webhook_id: str) -> Response:
        body = self.body(request)
        url, types, secret = _webhook_fields(body, partial=True)
        fields: dict[str, Any] = {}
        if url is not None:
            fields["url"] = url
        if types is not None:
            fields["types"] = types
        if "secret" in body:
            fields["secret"] = secret
        with self.store.write() as db:
            hook = self.store.update_webhook(db, org, webhook_id, fields)
        if hook is None:
            raise ApiError(404, f"Webhook {_shown(webhook_id)} not found")
        return _ok({"webhook": hook})

    def list_webhooks(self, request: Request, org: str, project_id: str) -> Response:
        with self.store.read() as db:
            self.project_or_404(db, org, project_id)
            return _ok({"webhooks": self.store.list_webhooks(db, project_id)})

    # -- the `locks` extension (hub/locks.py) ---------------------------------------------------
    def acquire_locks(self, request: Request, org: str) -> Response:
        granted, leases = locks.acquire(self.store, org, self.body(request))
        if not granted:  # 409 Conflict, with the holder's lease beside the message
            holder = leases[0]
            doc = {"status": "fail", "message": locks.held_message(holder), "lock": holder.document()}
            return _json(doc, 409)
        return _ok({"locks": [lease.document() for lease in leases]})

    def release_locks(self, request: Request, org: str) -> Response:
        return _ok({"released": locks.release(self.store, org, self.body(request))})

    def list_locks(self, request: Request, org: str) -> Response:
        return _ok({"locks": [lease.document() for lease in self.store.list_locks(org)]})


def _category_schema(value: Any) -> dict[str, Any]:
    """The category schema of a request, checked through the one walker: every list of items, at every
    depth, is a list of objects (or absent); every category has a string ``tool`` and ``schemaId``.
    Stored as given."""
    if not isinstance(value, dict):
        raise ApiError(400, "categorySchema must be an object")
    groups = [group for group, _ in TOP_GROUPS]
    unknown = set(value) - set(groups)
    if unknown:
        raise ApiError(400, f"categorySchema has unknown keys: {', '.join(sorted(unknown))}")
    schema = CategorySchema(value)
    for group in groups:
        if not isinstance(value.get(group, []), list) or schema.dropped(group):
            raise ApiError(400, f"categorySchema.{group} must be a list of objects")
    for node in schema.walk():
        where = _where(node.group, node.position, node.parent)
        for group, _ in CHILD_GROUPS[node.kind]:
            items = node.raw.get(group)
            if items is not None and (not isinstance(items, list) or node.dropped(group)):
                raise ApiError(400, f"categorySchema.{where}.{group} must be a list of objects")
        if node.kind.is_category and not (
            isinstance(node.raw.get("tool"), str) and isinstance(node.raw.get("schemaId"), str)
        ):
            raise ApiError(400, f"categorySchema.{where} needs string `tool` and `schemaId`")
    return {group: value.get(group, []) for group in groups}


def _where(group: str, index: int, parent: Any) -> str:
    here = f"{group}[{index}]"
    return f"{_where(parent.group, parent.position, parent.parent)}.{here}" if parent is not None else here


def _settings(body: dict[str, Any], ignore: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for key, value in body.items():
        if key in ignore:
            continue
        expected: Any = _SETTINGS.get(key)
        if expected is None:
            raise ApiError(400, f"unknown project field: {key}")
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise ApiError(400, f"{key} has the wrong type")
        out[key] = value
    return out


def _batch(value: Any, index: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ApiError(400, f"batches[{index}] must be an object")
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, f"batches[{index}].name must be a non-empty string")
    bid = value.get("_id")
    if bid is None:
        bid = new_object_id()
    if not isinstance(bid, str) or not bid:
        raise ApiError(400, f"batches[{index}]._id must be a non-empty string")
    return {"_id": bid, **value, "name": name}


def _webhook_fields(body: dict[str, Any], partial: bool) -> tuple[str | None, list[str] | None, str | None]:
    url = body.get("url")
    if (url is not None or not partial) and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        raise ApiError(400, "url must be an http(s) URL")
    types = body.get("types")
    if types is not None or not partial:
        if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
            raise ApiError(400, "types must be a non-empty list of strings")
        bad = [t for t in types if t not in WEBHOOK_TYPES]
        if bad:
            raise ApiError(
                400, f"unknown webhook types: {', '.join(bad)} (known: {', '.join(WEBHOOK_TYPES)})"
            )
    secret = body.get("secret")
    if secret is not None and not isinstance(secret, str):
        raise ApiError(400, "secret must be a string")
    unknown = set(body) - {"url", "types", "secret", "project"}
    if unknown:
        raise ApiError(400, f"unknown webhook fields: {', '.join(sorted(unknown))}")
    return url, types, secret or None


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether JSON ``value`` nests containers more than ``limit`` deep (iterative: any depth)."""
    # Level by level: the containers of one depth at a time (a request of 1,000 labels holds about
    # a million values; a stack of (value, depth) pairs cost a tuple each).
    level: list[Any] = [value]
    depth = 1
    while level:
        if depth > limit:
            return True
        deeper: list[Any] = []
        for item in level:
            for child in item.values() if isinstance(item, dict) else item:
                if isinstance(child, (dict, list)):
                    deeper.append(child)
        level, depth = deeper, depth + 1
    return False
