"""The one typed interface to a hub (the real Ango Hub or ontokit's local Hub), over httpx.

Retries with backoff (tenacity) on 429 (honoring ``Retry-After``), 5xx and network errors, but only
where repeating is safe: reads and whole-value replacements always; creating requests (new project,
new webhook, one more batch) only when they carry an ``Idempotency-Key`` that the hub honors (the
local Hub does), or when the failure proves the hub never processed them (429, connect errors).
"""

from __future__ import annotations

import logging
import math
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import tenacity

from ..errors import (
    AuthError,
    BadRequestError,
    HubError,
    HubUnavailableError,
    NotFoundError,
    RetryableAttempt,
)
from ..rate_limit import RateLimit
from ..state import HubCapabilities
from .pacing import Pacer, default_limit, pacer_for
from .retries import before_sleep

__all__ = ["HubClient", "HubLock", "ProjectPage"]

log = logging.getLogger("ontokit.client")

_UNKNOWN = object()
_UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _segment(value: str) -> str:
    """``value`` as one URL path segment: every reserved or non-ASCII character percent-encoded, and
    ``.``/``..`` spelled ``%2E`` so that no one resolves them as steps (``../listProjects`` must
    never call ``/v2/listProjects``)."""
    if value in (".", ".."):
        return value.replace(".", "%2E")
    return quote(value, safe="")


@dataclass(frozen=True)
class ProjectPage:
    """One page of ``listProjects``."""

    projects: list[dict[str, Any]]
    total: int


@dataclass(frozen=True)
class HubLock:
    """A lease of the ``locks`` extension (docs/hub.md): who holds ``name``, since when, until when."""

    name: str
    owner: str
    info: str
    acquired_at: str
    expires_at: str

    @classmethod
    def from_document(cls, doc: Any) -> HubLock:
        """A lease as the hub answers it (lenient: what is not a string reads as ``?``)."""
        doc = doc if isinstance(doc, dict) else {}
        keys = ("name", "owner", "info", "acquiredAt", "expiresAt")
        return cls(*(str(v) if isinstance(v := doc.get(k), str) else "?" for k in keys))


class _ApiKey:
    """Holds the key so that no repr, log line or traceback local shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "ApiKey(****)"

    __str__ = __repr__


class HubClient:
    """A client for one hub and one API key.

    Args:
        base_url: the hub's root, e.g. ``https://imeritapi.ango.ai`` (a trailing ``/v2`` is fine).
        api_key: sent in the ``apikey`` header; never logged or shown.
        transport: an httpx transport (in-process local Hub, or a mock in tests).
        label: how messages name the hub (default: the URL).
        max_attempts: attempts per request, the first included (default: ``ONTOKIT_HTTP_ATTEMPTS``, else 6).
        max_wait: the longest single wait between attempts (also caps ``Retry-After``), seconds.
        timeout: per-request timeout, seconds.
        sleep: how to wait (tests pass a fake).
        rate_limit: the request budget to keep to (``"off"``: none); None: ``ONTOKIT_RATE_LIMIT``,
            else 100/min for a hub reached over the network and none for a local one
            (``client/pacing.py``). Every client of the process for the same hub and budget shares it.
        pacer: the budget itself (tests pass one with a fake clock); overrides ``rate_limit``.
        pacing_memory: where the budget's window is kept between processes (``.ontokit/pacing.json``;
            ``open_client`` gives it for a URL hub), else nowhere.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        label: str | None = None,
        max_attempts: int | None = None,
        max_wait: float = 30.0,
        timeout: float = 30.0,
        backoff: float = 0.25,
        sleep: Callable[[float], None] = time.sleep,
        rate_limit: RateLimit | str | None = None,
        pacer: Pacer | None = None,
        pacing_memory: Path | None = None,
    ) -> None:
        root = base_url.rstrip("/")
        if root.endswith("/v2"):
            root = root[:-3]
        if pacer is None:
            if isinstance(rate_limit, str):
                limit = RateLimit.parse(rate_limit)
            elif rate_limit is not None:
                limit = rate_limit
            else:
                limit = default_limit(root, in_process=transport is not None, env=os.environ)
            pacer = pacer_for(root, limit, pacing_memory)
        self.pacer = pacer
        self.base_url = root
        self.label = label or root
        self._key = _ApiKey(api_key)
        self.transport = transport  # also for downloads from another origin (client/export_counts.py)
        self.timeout = timeout
        # No default Content-Type: httpx sets JSON's for a JSON body, multipart's for a file.
        self._http = httpx.Client(base_url=root, transport=transport, timeout=timeout)
        self.max_attempts = max_attempts if max_attempts is not None else _attempts_from_env()
        self.max_wait = max_wait
        self.backoff = backoff
        self._sleep = sleep
        self._honors_idempotency: bool | None = None
        self._info: object = _UNKNOWN

    def __repr__(self) -> str:
        return f"HubClient({self.label!r})"

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool, and keep the budget's window for the next process."""
        self._http.close()
        self.pacer.save()

    # -- endpoints --------------------------------------------------------------------------------
    def hub_info(self) -> dict[str, Any] | None:
        """The local Hub's self-description, or None for a hub without it (the real Ango Hub).

        Asked once per client: a hub does not change what it is between two calls. Whatever goes
        wrong in asking (a 404, a 5xx, an answer that is not ours) means: no extensions.
        """
        if self._info is _UNKNOWN:
            try:
                self._info = self._call("GET", "/v2/ontokit/hub", safe=True, what="hub info")
            except HubError:
                self._info = None
        return self._info  # type: ignore[return-value]

    def capabilities(self) -> HubCapabilities:
        """The extensions the hub announces (none for the real Ango Hub); docs/hub.md."""
        info = self.hub_info()
        extensions = info.get("extensions") if info else None
        if not isinstance(extensions, list):
            return HubCapabilities(asked=True)
        return HubCapabilities(frozenset(str(e) for e in extensions), asked=True)

    def list_projects(self, page: int = 1, limit: int = 100) -> ProjectPage:
        """One page of the organization's projects (newest first)."""
        data = self._call(
            "GET", "/v2/listProjects", params={"page": page, "limit": limit}, safe=True, what="list projects"
        )
        projects = self._objects(data, "projects", "list projects")
        total = data.get("total", 0)
        if not isinstance(total, int) or isinstance(total, bool):
            raise HubError(f"{self.label} gave an unexpected answer for list projects (total: {total!r})")
        return ProjectPage(projects, total)

    def iter_projects(self, limit: int = 100) -> Iterator[dict[str, Any]]:
        """Every project of the organization, page by page.

        Ends when the hub's ``total`` is reached, at an empty page, or at a page that holds no project
        with an id not seen before (a hub that repeats itself would otherwise be read forever).
        """
        page = 1
        seen: set[str] = set()
        while True:
            result = self.list_projects(page, limit)
            fresh = [p for p in result.projects if not isinstance(p.get("_id"), str) or p["_id"] not in seen]
            ids = {p["_id"] for p in fresh if isinstance(p.get("_id"), str)}
            yield from fresh
            seen |= ids
            if not ids or len(seen) >= result.total:
                return
            page += 1

    def get_project(self, project_id: str) -> dict[str, Any]:
        """The whole project document."""
        return self._project(
            self._call("GET", f"/v2/project/{_segment(project_id)}", safe=True, what=f"project {project_id}")
        )

    def create_project(
        self, name: str, description: str = "", project_type: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Create a project (with any other documented ``fields`` that are not None); returns the new
        project document."""
        body: dict[str, Any] = {"name": name, "description": description}
        if project_type:
            body["type"] = project_type
        body.update((key, value) for key, value in fields.items() if value is not None)
        return self._project(
            self._call("POST", "/v2/project", json=body, safe=False, what=f"create project {name!r}")
        )

    def update_project(self, project_id: str, **fields: Any) -> dict[str, Any]:
        """Set project fields (``name``, ``description``, ...); returns the project."""
        return self._project(
            self._call(
                "POST",
                f"/v2/project/{_segment(project_id)}",
                json=fields,
                safe=True,
                what=f"project {project_id}",
            )
        )

    def set_category_schema(self, project_id: str, category_schema: dict[str, Any]) -> dict[str, Any]:
        """Replace the project's whole category schema (what ``create_label_set`` does)."""
        return self.update_project(project_id, categorySchema=category_schema)

    def set_batches(self, project_id: str, batches: list[dict[str, Any]]) -> dict[str, Any]:
        """Replace the project's batch list (entries without ``_id`` are created)."""
        return self._project(
            self._call(
                "POST",
                f"/v2/batches/{_segment(project_id)}",
                json={"batches": batches},
                safe=True,
                what=f"batches of project {project_id}",
            )
        )

    def create_batch(self, project_id: str, name: str) -> dict[str, Any]:
        """Add one batch (the SDK's ``create_batch``); returns the project."""
        return self._project(
            self._call(
                "POST",
                f"/v2/batches/{_segment(project_id)}",
                json={"name": name},
                safe=False,
                what=f"create batch {name!r}",
            )
        )

    def create_webhook(
        self, project_id: str, url: str, types: list[str], secret: str | None
    ) -> dict[str, Any]:
        """Create a webhook; returns it (the secret comes back only as a salted digest)."""
        body: dict[str, Any] = {"url": url, "types": types, "project": project_id}
        if secret:
            body["secret"] = secret
        what = f"create webhook for {project_id}"
        return self._object(
            self._call("POST", "/v2/webhook", json=body, safe=False, what=what), "webhook", what
        )

    def update_webhook(self, webhook_id: str, **fields: Any) -> dict[str, Any]:
        """Change a webhook's ``url``, ``types`` or ``secret`` (a local Hub extension)."""
        what = f"webhook {webhook_id}"
        data = self._call("POST", f"/v2/webhook/{_segment(webhook_id)}", json=fields, safe=True, what=what)
        return self._object(data, "webhook", what)

    def list_webhooks(self, project_id: str) -> list[dict[str, Any]]:
        """A project's webhooks, secrets as digests only (a local Hub extension)."""
        data = self._call(
            "GET",
            f"/v2/project/{_segment(project_id)}/webhooks",
            safe=True,
            what=f"webhooks of project {project_id}",
        )
        return self._objects(data, "webhooks", f"webhooks of project {project_id}")

    def acquire_locks(self, names: list[str], owner: str, info: str, ttl: float) -> HubLock | None:
        """Take (or renew) the leases of ``names`` for ``owner``, all or none (the ``locks``
        extension): None when granted, else the lease another owner holds."""
        body = {"names": names, "owner": owner, "info": info, "ttl": ttl}
        # Safe to repeat: asking again for one's own leases renews them.
        data = self._call("POST", "/v2/ontokit/locks", json=body, safe=True, what="locks", conflict=True)
        if data.get("status") == "fail":  # 409: held by another owner
            return HubLock.from_document(data.get("lock"))
        return None

    def release_locks(self, names: list[str], owner: str) -> None:
        """Release the leases of ``names`` that ``owner`` holds (the ``locks`` extension)."""
        body = {"names": names, "owner": owner}
        self._call("POST", "/v2/ontokit/locks/release", json=body, safe=True, what="release locks")

    # -- machinery --------------------------------------------------------------------------------
    def _object(self, data: dict[str, Any], key: str, what: str) -> dict[str, Any]:
        """``data[key]``, an object (absent: empty); anything else is the hub's fault, said in one line."""
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise HubError(f"{self.label} gave an unexpected answer for {what} ({key} is not an object)")
        return value

    def _objects(self, data: dict[str, Any], key: str, what: str) -> list[dict[str, Any]]:
        """``data[key]``, a list of objects; anything else is the hub's fault, said in one line."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise HubError(
                f"{self.label} gave an unexpected answer for {what} ({key} is not a list of objects)"
            )
        return value

    @staticmethod
    def _project(data: dict[str, Any]) -> dict[str, Any]:
        project = data.get("project")
        if not isinstance(project, dict):
            raise HubError("the hub's answer holds no project")
        return project

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        safe: bool,
        what: str,
        conflict: bool = False,
    ) -> dict[str, Any]:
        """The ``data`` of a successful answer (with ``conflict``, a 409's whole body instead of an
        error); every failure is a HubError."""
        headers = {"apikey": self._key.reveal()}
        if not safe and self._idempotency_supported(path):
            headers["Idempotency-Key"] = uuid.uuid4().hex  # one key for every attempt of this call
            safe = True
        attempts = 0

        def attempt() -> httpx.Response:
            nonlocal attempts
            attempts += 1
            try:
                with self.pacer.slot():
                    response = self._http.request(
                        method, path, json=json, params=params, files=files, headers=headers
                    )
            except _UNSENT as exc:
                raise RetryableAttempt(f"cannot connect ({type(exc).__name__})", unsent=True) from None
            except httpx.TimeoutException as exc:
                raise RetryableAttempt(f"timed out ({type(exc).__name__})", unsent=False) from None
            except httpx.TransportError as exc:
                raise RetryableAttempt(f"connection failed ({type(exc).__name__})", unsent=False) from None
            self._note_hub(response)
            if response.status_code == 429:
                retry_after = _retry_after(response)
                self.pacer.learn(retry_after)  # the budget may be smaller than assumed
                raise RetryableAttempt("rate limited (429)", unsent=True, retry_after=retry_after, status=429)
            if response.status_code >= 500:
                raise RetryableAttempt(
                    f"server error ({response.status_code})",
                    unsent=False,
                    retry_after=_retry_after(response),
                    status=response.status_code,
                )
            log.debug("%s %s -> %s (attempt %d)", method, path, response.status_code, attempts)
            return response

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception(
                lambda e: isinstance(e, RetryableAttempt) and (safe or e.unsent)
            ),
            sleep=self._sleep,
            reraise=True,
            before_sleep=before_sleep(what, self.max_attempts),
        )
        try:
            response = retrying(attempt)
        except RetryableAttempt as exc:
            tried = (
                f"after {attempts} attempt{'s' if attempts != 1 else ''}"
                if attempts > 1
                else "(not retried: repeating it could apply it twice)"
            )
            raise HubUnavailableError(
                f"{self.label}: {what} failed {tried}: {exc.reason}", exc.status
            ) from None
        return self._data(response, what, conflict)

    def _data(self, response: httpx.Response, what: str, conflict: bool = False) -> dict[str, Any]:
        try:
            doc = orjson.loads(response.content)  # several times faster than json on MB-sized projects
        except ValueError:
            doc = None
        message = doc.get("message") if isinstance(doc, dict) else None
        status = response.status_code
        if status in (401, 403):
            raise AuthError(
                f"API key rejected by {self.label} ({status}{': ' + message if message else ''})", status
            )
        if conflict and status == 409 and isinstance(doc, dict):
            return doc
        if status == 404:
            raise NotFoundError(f"{what} not found on {self.label}", status)
        if status >= 400:
            raise BadRequestError(
                f"{self.label} refused {what} ({status}): {message or response.reason_phrase}", status
            )
        if (
            not isinstance(doc, dict)
            or doc.get("status") != "success"
            or not isinstance(doc.get("data"), dict)
        ):
            raise HubError(f"{self.label} gave an unexpected answer for {what} ({status})", status)
        return doc["data"]  # type: ignore[no-any-return]

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableAttempt) and exc.retry_after is not None:
            return min(max(exc.retry_after, 0.0), self.max_wait)
        # Exponential backoff with full jitter (tenacity), capped.
        return float(tenacity.wait_random_exponential(multiplier=self.backoff, max=self.max_wait)(state))

    def _note_hub(self, response: httpx.Response) -> None:
        if self._honors_idempotency is None and "X-Ontokit-Hub" in response.headers:
            self._honors_idempotency = True

    def _idempotency_supported(self, path: str) -> bool:
        if self._honors_idempotency is None:
            self._honors_idempotency = "idempotency-key" in self.capabilities()
        return self._honors_idempotency


def _attempts_from_env() -> int:
    """``ONTOKIT_HTTP_ATTEMPTS`` (default 6): attempts per request, the first included."""
    raw = os.environ.get("ONTOKIT_HTTP_ATTEMPTS", "")
    try:
        return max(1, int(raw)) if raw else 6
    except ValueError:
        return 6


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) else None  # "nan", "inf": no usable hint
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
