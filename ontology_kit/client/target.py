"""Which hub a command talks to, and a client for it.

Order: ``--hub`` > ``ONTOKIT_HUB`` > the embedded local Hub stored under ``.ontokit/`` at the repo
root (in-process, no port). A URL target takes its key from ``ANGO_API_KEY``.
"""

from __future__ import annotations

import ipaddress
import os
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from .._io import ALLOW_ENV, outside_root_allowed
from ..errors import DropConnection, OntokitError
from ..hub import build_app, local_api_key
from ..state import HubRecord
from .client import HubClient
from .pacing import default_limit

__all__ = [
    "ANGO_HOSTS",
    "HubTarget",
    "InProcessTransport",
    "check_hub_url",
    "open_client",
    "resolve_target",
    "state_dir",
    "workspace_state",
]

#: Short names for the real Ango Hub's documented API hosts.
ANGO_HOSTS = {
    "ango": "https://imeritapi.ango.ai",
    "ango-eu": "https://imeritapi.ango.ai",
    "ango-us": "https://us-api.ango.ai",
    "ango-in": "https://in-api.ango.ai",
}
_EMBEDDED = ("", "embedded", "local")
STATE_DIR = ".ontokit"
DB_NAME = "hub.sqlite3"
PACING_NAME = "pacing.json"


@dataclass(frozen=True)
class HubTarget:
    """A resolved hub: ``embedded`` (``db`` set) or a ``url``."""

    kind: Literal["embedded", "url"]
    url: str
    db: Path | None = None

    @property
    def description(self) -> str:
        """How commands name it: ``embedded local hub (.ontokit/hub.sqlite3)`` or the URL."""
        if self.kind == "embedded":
            return f"embedded local hub ({_relative(self.db)})"
        return self.url

    def record(self) -> HubRecord:
        """How a saved plan names this hub (compared when it is applied)."""
        if self.kind == "embedded":
            return HubRecord(self.description, "embedded", db=str(self.db) if self.db else None)
        return HubRecord(self.description, "url", url=self.url)


def state_dir(start: Path | None = None) -> Path:
    """``.ontokit/`` at the repository root (nearest ancestor with ``.git`` or ``ontokit.yaml``)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists() or (folder / "ontokit.yaml").exists():
            return folder / STATE_DIR
    return here / STATE_DIR


def workspace_state(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """``.ontokit/`` at the repository root, refused when it is a link out of the workspace (what
    apply keeps there, answers backups and migration journals, must not be written elsewhere)."""
    return _inside_root(state_dir(cwd), os.environ if env is None else env)


def _inside_root(state: Path, env: Mapping[str, str]) -> Path:
    """``state`` (``.ontokit/``), unless it is a link out of the folder that holds it: a repository
    could commit ``.ontokit`` as a link, and the embedded hub would write its database and key there."""
    root = os.path.realpath(state.parent)
    real = os.path.realpath(state)
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep) and not outside_root_allowed(env):
        raise OntokitError(
            f"{state} is a link out of the workspace root; the embedded hub will not keep its data "
            f"there (remove the link, or set {ALLOW_ENV}=1)"
        )
    return state


def resolve_target(
    hub: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    where: str = "--hub/ONTOKIT_HUB",
) -> HubTarget:
    """Resolve ``--hub``/``ONTOKIT_HUB`` (``where`` names the source in errors) into a target."""
    env = os.environ if env is None else env
    raw = (hub if hub is not None else env.get("ONTOKIT_HUB", "")).strip()
    if raw.lower() in _EMBEDDED:
        return HubTarget("embedded", "embedded", _inside_root(state_dir(cwd), env) / DB_NAME)
    return HubTarget("url", check_hub_url(ANGO_HOSTS.get(raw.lower(), raw), where))


def check_hub_url(raw: str, where: str = "--hub/ONTOKIT_HUB") -> str:
    """``raw`` as a hub's base URL (no trailing ``/`` or ``/v2``), or a one-line OntokitError.

    Refused: credentials (``user:password@``; the message never repeats them: the API key goes in
    ANGO_API_KEY), spaces and control characters, a query or fragment, ``.``/``..`` path segments,
    and plain http to anything but this machine.
    """
    if "@" in raw:
        raise OntokitError(
            f"{where}: a hub URL must not hold credentials (user:password@...); give the API key in "
            "ANGO_API_KEY"
        )
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in raw):
        raise OntokitError(f"{where}: a hub URL must not hold spaces or control characters")
    url = raw.rstrip("/")
    if url.endswith("/v2"):
        url = url[:-3]
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is not a number raises here, not in the client
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host:
        raise OntokitError(
            f"{where} {raw!r} is not a URL; give https://HOST, a short name "
            f"({', '.join(ANGO_HOSTS)}), or 'embedded'"
        )
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise OntokitError(f"{where} {raw!r}: a hub URL has no query or fragment; give https://HOST")
    if any(segment in (".", "..") for segment in parts.path.split("/")):
        raise OntokitError(f"{where} {raw!r}: a hub URL's path must not hold `.` or `..` segments")
    if parts.scheme == "http" and not _is_loopback(host):
        raise OntokitError(f"refusing to send an API key over plain http to {host}; use https")
    return url


def open_client(
    target: HubTarget, env: Mapping[str, str] | None = None, *, rate_limit: str | None = None, **options: Any
) -> HubClient:
    """A client for ``target``: in-process for the embedded hub, HTTP otherwise; ``rate_limit``: the
    workspace's budget (``ONTOKIT_RATE_LIMIT`` wins; docs/hub.md, "The Hub client")."""
    env = os.environ if env is None else env
    if target.kind == "embedded":
        assert target.db is not None
        try:
            app, store = build_app(target.db)
            key = local_api_key(target.db, store)
        except (OSError, sqlite3.Error) as exc:
            raise OntokitError(f"cannot open the embedded local hub at {target.db}: {exc}") from None
        limit = default_limit("http://embedded.local", in_process=True, env=env, configured=rate_limit)
        options.setdefault("rate_limit", limit or "off")
        return HubClient(
            "http://embedded.local",
            key,
            transport=InProcessTransport(app, on_close=store.close),
            label=target.description,
            **options,
        )
    key = env.get("ANGO_API_KEY", "").strip()
    if not key:
        raise OntokitError(f"no API key for {target.url}: set ANGO_API_KEY")
    if any(c.isspace() or ord(c) < 32 for c in key):
        raise OntokitError("ANGO_API_KEY contains spaces or control characters; copy the key again")
    limit = default_limit(target.url, in_process=False, env=env, configured=rate_limit)
    options.setdefault("rate_limit", limit or "off")
    options.setdefault("pacing_memory", _pacing_memory(env))
    return HubClient(target.url, key, label=target.url, **options)


def _pacing_memory(env: Mapping[str, str]) -> Path | None:
    """Where a URL hub's request budget is remembered between commands: ``.ontokit/pacing.json``
    at the repo root (None when ``.ontokit`` is a link out of it)."""
    try:
        return _inside_root(state_dir(), env) / PACING_NAME
    except OntokitError:
        return None


class InProcessTransport(httpx.WSGITransport):
    """httpx over a WSGI app in this process; an injected dropped connection looks like a real one."""

    def __init__(self, app: Any, *, on_close: Callable[[], None] | None = None, **options: Any) -> None:
        super().__init__(app=_as_served(app), **options)
        self._on_close = on_close

    def close(self) -> None:
        """Close the hub's kept connections too (``on_close``): the client owns the embedded hub."""
        super().close()
        if self._on_close is not None:
            self._on_close()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except DropConnection:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None


def _as_served(app: Any) -> Any:
    """``app`` given the ``PATH_INFO`` a server would give it. httpx passes the decoded path
    (``/v2/project/日本``); WSGI wants the path's UTF-8 bytes as a latin-1 string (PEP 3333), and an
    application encodes it back, which fails for any character above U+00FF."""

    def served(environ: dict[str, Any], start_response: Any) -> Any:
        environ["PATH_INFO"] = environ["PATH_INFO"].encode("utf-8", "surrogatepass").decode("latin-1")
        return app(environ, start_response)

    return served


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _relative(path: Path | None) -> str:
    if path is None:
        return "?"
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
