"""Serve a local Hub over real HTTP (werkzeug's threaded WSGI server), loopback by default."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ..errors import DropConnection

__all__ = ["HubServer", "start_server"]


class _Handler(WSGIRequestHandler):
    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        except DropConnection:
            # Close without a byte of response: the client sees a dropped connection.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        logging.getLogger("ontokit.hub.access").debug('"%s" %s %s', self.requestline, code, size)

    def log_error(self, format: str, *args: Any) -> None:
        logging.getLogger("ontokit.hub.access").debug(format, *args)


class HubServer:
    """A running server: ``url``, and ``stop()``."""

    def __init__(self, server: BaseWSGIServer, thread: threading.Thread | None) -> None:
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.host = host.decode() if isinstance(host, bytes) else str(host)
        self.port = int(port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in str(self.host) else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)


def start_server(app: Any, host: str = "127.0.0.1", port: int = 0, *, background: bool = True) -> HubServer:
    """Bind ``app`` on ``host:port`` (0: any free port); in a daemon thread when ``background``."""
    server = make_server(host, port, app, threaded=True, request_handler=_Handler)
    # make_server(threaded=True) gives a ThreadingMixIn server: its request threads must not keep
    # the process alive.
    server.daemon_threads = True  # type: ignore[attr-defined]
    thread = None
    if background:
        # A short poll interval makes stop() quick (shutdown waits for the next poll).
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="ontokit-hub", daemon=True
        )
        thread.start()
    return HubServer(server, thread)
