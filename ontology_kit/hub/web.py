"""The local Hub's HTTP pieces shared by its route modules: the JSON envelope and query parameters."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from werkzeug.wrappers import Request, Response

from ..errors import HubApiError as ApiError

__all__ = ["MAX_PAGE", "error", "int_param", "json_response", "ok", "ok_fast", "shown"]

#: The largest ``page`` (inferred): far beyond any organization's projects, and within SQLite's
#: 64-bit OFFSET at every ``limit``.
MAX_PAGE = 1_000_000_000
#: An integer query parameter: optional minus sign, ASCII digits, short enough to stay an integer.
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_MAX_SHOWN = 64


def ok(data: dict[str, Any], status: int = 200) -> Response:
    """A success envelope."""
    return json_response({"status": "success", "data": data}, status)


def json_response(doc: Any, status: int) -> Response:
    """A JSON response (the standard library's spacing: the SDK quotes an error's body as it is)."""
    return Response(json.dumps(doc), status=status, mimetype="application/json")


def ok_fast(data: dict[str, Any]) -> Response:
    """A success envelope written by orjson, several times faster on a page of 1,000 tasks with their
    answers (bench/migrate.py); what orjson refuses (an integer beyond 64 bits, a key that is not a
    string, a lone surrogate) is written by :func:`ok`."""
    try:
        body = orjson.dumps({"status": "success", "data": data})
    except (TypeError, orjson.JSONEncodeError):
        return ok(data)
    return Response(body, status=200, mimetype="application/json")


def error(status: int, message: str) -> Response:
    """An error envelope (`fail` below 500, `error` from 500)."""
    return json_response({"status": "error" if status >= 500 else "fail", "message": message}, status)


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter: ASCII digits only (``int()`` would take ``" 1"`` and ``"١"``),
    within ``low..high`` (a bound every store can count to: no overflow, never a 500)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise ApiError(400, f"{name} must be an integer")
    value = int(raw)
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}")
    return value


def shown(value: str) -> str:
    """A client's id or header, as an error message quotes it: short, one line."""
    text = value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…"
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
