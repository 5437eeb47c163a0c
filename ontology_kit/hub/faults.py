"""Fault injection for the local Hub (tests only; off by default).

Injects 429s with ``Retry-After``, 5xx responses, dropped connections and latency. A 5xx or a drop
happens either *before* the request is processed or *after* it (the write is applied but the client
never hears so): the hard case that retries must survive without applying a write twice.

``without`` withdraws extensions, so that the local Hub behaves as the real Hub does for them:
``GET /v2/ontokit/hub`` no longer announces them and their routes answer 404 (``without=
annotation-counts``: plans count through the export, as against the real Hub; ``without=
legacy-webhooks``: no ``POST /v2/webhook``, which SDK 1.4.10 no longer calls, nor the extensions that
read and change what it made, ``webhooks-read`` and ``webhook-update``).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import DropConnection

__all__ = ["FaultConfig", "FaultInjector"]


@dataclass(frozen=True)
class _Withdrawal:
    """What ``without=NAME`` takes away: the extensions no longer announced, and the routes (paths,
    runs of ``/`` merged, that match one of ``paths`` from their start) that answer 404."""

    announced: tuple[str, ...]
    paths: tuple[str, ...]

    def withdraws(self, path: str) -> bool:
        merged = re.sub("/+", "/", path)
        return any(re.match(p, merged) for p in self.paths)


#: What ``without`` may withdraw.
_ROUTES: dict[str, _Withdrawal] = {
    "annotation-counts": _Withdrawal(("annotation-counts",), (r".*/answerCounts",)),
    "locks": _Withdrawal(("locks",), (r"/v2/ontokit/locks",)),
    "legacy-webhooks": _Withdrawal(
        ("webhooks-read", "webhook-update"),
        (r"/v2/webhook/?$", r"/v2/webhook/[^/]+/?$", r"/v2/project/[^/]+/webhooks/?$"),
    ),
}


@dataclass(frozen=True)
class FaultConfig:
    """Rates are probabilities per request (0-1); ``latency`` is seconds added to every request."""

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_drop: float = 0.0
    latency: float = 0.0
    retry_after: int = 1  # seconds, sent with every injected 429
    after_fraction: float = 0.5  # share of 5xx/drops that happen after the request was processed
    seed: int | None = None
    without: tuple[str, ...] = ()  # extensions withdrawn (see the module's docstring)

    @property
    def active(self) -> bool:
        return any((self.rate_429, self.rate_5xx, self.rate_drop, self.latency, self.without))

    @classmethod
    def parse(cls, spec: str) -> FaultConfig:
        """``"429=0.1,5xx=0.3,drop=0.05,latency=0.01,retry-after=1,after=0.5,seed=7"``; extensions
        to withdraw: ``without=annotation-counts``, ``locks``, ``legacy-webhooks`` (several joined
        by ``+``)."""
        names = {
            "429": "rate_429",
            "5xx": "rate_5xx",
            "drop": "rate_drop",
            "latency": "latency",
            "retry-after": "retry_after",
            "after": "after_fraction",
            "seed": "seed",
            "without": "without",
        }
        values: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, _, raw = part.partition("=")
            field = names.get(name.strip())
            if field is None or not raw:
                raise ValueError(f"bad fault spec {part!r}; use {', '.join(names)} as name=value")
            if field == "without":
                values[field] = tuple(filter(None, (e.strip() for e in raw.split("+"))))
                unknown = set(values[field]) - set(_ROUTES)
                if unknown:
                    known = ", ".join(_ROUTES)
                    raise ValueError(f"cannot withdraw {', '.join(sorted(unknown))}; use {known}")
                continue
            values[field] = int(raw) if field in ("retry_after", "seed") else float(raw)
        return cls(**values)


class FaultInjector:
    """WSGI middleware that injects the faults of ``config`` into ``/v2/`` requests."""

    def __init__(self, app: Callable[..., Any], config: FaultConfig) -> None:
        self.app = app
        self.config = config
        self._rng = random.Random(config.seed)
        self._lock = threading.Lock()
        self.injected: dict[str, int] = {
            "429": 0,
            "5xx-before": 0,
            "5xx-after": 0,
            "drop-before": 0,
            "drop-after": 0,
        }

    def _draw(self) -> tuple[float, float]:
        with self._lock:
            return self._rng.random(), self._rng.random()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        c = self.config
        if c.without:
            if path.rstrip("/") == "/v2/ontokit/hub":
                return self._announce(environ, start_response)
            if any(_ROUTES[e].withdraws(path) for e in c.without):
                body = json.dumps({"status": "fail", "message": "Resource not found"}).encode()
                start_response("404 Not Found", [("Content-Type", "application/json")])
                return [body]
        if not path.startswith("/v2/") or path.startswith("/v2/ontokit/"):
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        if c.latency:
            time.sleep(c.latency)
        roll, when = self._draw()
        after = when < c.after_fraction
        if roll < c.rate_429:
            self._count("429")
            body = json.dumps({"status": "fail", "message": "Rate limit exceeded"}).encode()
            start_response(
                "429 Too Many Requests",
                [("Content-Type", "application/json"), ("Retry-After", str(c.retry_after))],
            )
            return [body]
        if roll < c.rate_429 + c.rate_5xx:
            self._count("5xx-after" if after else "5xx-before")
            if after:
                self._run_and_discard(environ)
            body = json.dumps({"status": "error", "message": "Injected fault: service unavailable"}).encode()
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [body]
        if roll < c.rate_429 + c.rate_5xx + c.rate_drop:
            self._count("drop-after" if after else "drop-before")
            if after:
                self._run_and_discard(environ)
            raise DropConnection()
        return self.app(environ, start_response)  # type: ignore[no-any-return]

    def _announce(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The hub's self-description without the withdrawn extensions."""
        status: list[Any] = []
        result = self.app(environ, lambda *args, **kwargs: status.append(args))
        try:
            doc = json.loads(b"".join(result))
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        data = doc.get("data") if isinstance(doc, dict) else None
        if isinstance(data, dict) and isinstance(data.get("extensions"), list):
            gone = {name for e in self.config.without for name in _ROUTES[e].announced}
            data["extensions"] = [e for e in data["extensions"] if e not in gone]
        headers = [(k, v) for k, v in status[0][1] if k.lower() != "content-length"]
        start_response(status[0][0], headers)
        return [json.dumps(doc).encode()]

    def _count(self, kind: str) -> None:
        with self._lock:
            self.injected[kind] += 1

    def _run_and_discard(self, environ: dict[str, Any]) -> None:
        result = self.app(environ, lambda *args, **kwargs: lambda data: None)
        try:
            for _ in result:
                pass
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
