"""A local Hub on a database file: its WSGI app, and a server that runs until interrupted."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import OntokitError
from ..rate_limit import RateLimit
from .app import HubApp
from .faults import FaultConfig, FaultInjector
from .keys import local_api_key
from .ratelimit import RateLimiter
from .serve import HubServer, start_server
from .store import HubStore

__all__ = ["FAULTS_ENV", "build_app", "serve_local_hub"]


#: Fault injection for a local Hub given none (the embedded hub too), for tests: a ``--faults`` spec.
FAULTS_ENV = "ONTOKIT_HUB_FAULTS"


def build_app(
    db: str | Path, faults: FaultConfig | None = None, rate_limit: RateLimit | None = None
) -> tuple[Any, HubStore]:
    """The WSGI app for the Hub stored in ``db`` (fault injection when ``faults`` is active; without
    ``faults``, as ``ONTOKIT_HUB_FAULTS`` says, if set; with ``rate_limit``, a
    :class:`~ontology_kit.hub.ratelimit.RateLimiter` outermost: a request over the budget reaches
    nothing else).

    Raises:
        OntokitError: ``ONTOKIT_HUB_FAULTS`` is not a fault spec.
    """
    if faults is None and os.environ.get(FAULTS_ENV):
        try:
            faults = FaultConfig.parse(os.environ[FAULTS_ENV])
        except ValueError as exc:
            raise OntokitError(f"{FAULTS_ENV} is not a fault spec: {exc}") from None
    store = HubStore(db)
    app: Any = HubApp(store)
    if faults is not None and faults.active:
        app = FaultInjector(app, faults)
    if rate_limit is not None:
        app = RateLimiter(app, rate_limit)
    return app, store


def serve_local_hub(
    db: Path,
    host: str,
    port: int,
    *,
    faults: FaultConfig | None = None,
    rate_limit: RateLimit | None = None,
    api_key: str | None = None,
    on_ready: Callable[[HubServer, str | None], None] | None = None,
) -> Any:
    """Serve the hub stored in ``db`` over HTTP until interrupted (Ctrl-C).

    ``api_key`` is accepted (for the default organization); without it, the hub's own local key is.
    ``rate_limit``: answer 429 with ``Retry-After`` to a key's requests over it.
    ``on_ready(server, key)`` runs once the server listens; ``key`` is the hub's own key when no
    ``api_key`` was given (the user needs it to connect), else None (never echo a key one typed).
    Returns the app it served (with ``rate_limit``, a ``RateLimiter``, which counted the requests).
    """
    app, store = build_app(db, faults, rate_limit)
    shown: str | None = None
    if api_key:
        store.ensure_key(api_key)
    else:
        shown = local_api_key(db, store)
    try:
        server = start_server(app, host, port, background=False)
    except OSError as exc:
        raise OntokitError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if on_ready is not None:
        on_ready(server, shown)
    try:
        server.serve_forever()  # returns on Ctrl-C (werkzeug handles the KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        store.close()  # the database file complete on its own once the command ends
    return app
