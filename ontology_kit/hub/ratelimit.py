"""The local Hub's request budget (``ontokit hub serve --rate-limit 100/min``), as the real Hub has
one: per API key, at most ``requests`` in any window of ``period`` seconds; a request over it is
answered 429 with ``Retry-After`` (whole seconds until the oldest request of the window leaves it)
and is not processed, nor counted. Off by default (docs/hub.md, "Rate limit", inferred)."""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from ..rate_limit import RateLimit

__all__ = ["RateLimiter"]


class RateLimiter:
    """WSGI middleware that answers 429 to an API key's requests over ``limit`` (every ``/v2/``
    request counts, the hub's own ``/v2/ontokit/`` extensions included).

    ``accepted`` and ``refused`` count the requests let through and answered 429 (the bench and the
    tests read them).
    """

    def __init__(
        self, app: Callable[..., Any], limit: RateLimit, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[bytes, deque[float]] = {}  # by a digest of the key: no key kept in memory
        self.accepted = 0
        self.refused = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith("/v2/"):
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        retry_after = self.admit(environ.get("HTTP_APIKEY", ""))
        if retry_after is None:
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        body = json.dumps({"status": "fail", "message": f"Rate limit exceeded ({self.limit})"}).encode()
        start_response(
            "429 Too Many Requests",
            [("Content-Type", "application/json"), ("Retry-After", str(retry_after))],
        )
        return [body]

    def admit(self, key: str) -> int | None:
        """None when a request of ``key`` may go now (it is counted); else the whole seconds to wait."""
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()
        with self._lock:
            now = self._clock()
            window = self._windows.setdefault(digest, deque())
            while window and window[0] + self.limit.period <= now:
                window.popleft()
            if len(window) < self.limit.requests:
                window.append(now)
                self.accepted += 1
                return None
            self.refused += 1
            return max(1, math.ceil(window[0] + self.limit.period - now))
