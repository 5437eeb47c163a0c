"""Counting a plan's questions through the documented export, for a hub without the
``annotation-counts`` extension (the real Ango Hub): ``GET /v2/export?...&project=<id>`` answers
``data.exportPath``, a zip holding one NDJSON file, one task a line (docs/hub.md, "Counting through
the export").

Bounded and streamed: the zip is downloaded to a temporary file (at most
:attr:`ExportLimits.download_bytes`), its one member read line by line (each at most
:attr:`ExportLimits.line_bytes`, all at most :attr:`ExportLimits.member_bytes` unpacked), the whole
within :attr:`ExportLimits.seconds`; nothing holds the whole export in memory. The API key goes
only to the hub's own origin: the real Hub's ``exportPath`` is a storage link, downloaded without it.
Whatever goes wrong is one :class:`~ontology_kit.errors.HubError` line (no URL in it: a signed
link is a credential), and the plan's counts stay null.
"""

from __future__ import annotations

import json
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

import httpx
import orjson

from .._gc import gc_paused
from ..answer_walk import option_lookup, option_owners
from ..count_query import CountAnswer, CountQuery
from ..errors import HubError
from ..state import LiveProject
from .client import HubClient
from .export_tally import ExportTally

__all__ = ["NO_STAGES", "ExportCounter", "ExportLimits", "export_params"]

#: Why counts are partial when the project document lists no stages (the export is then asked with
#: no stage filter, and what the hub exports by default is not documented).
NO_STAGES = "the project lists no workflow stages, so the export may leave some stages out"


@dataclass(frozen=True)
class ExportLimits:
    """Bounds on one export: the zip's size, its one file's size unpacked, one line, the time."""

    download_bytes: int = 4 * 1024**3
    member_bytes: int = 32 * 1024**3
    line_bytes: int = 64 * 1024**2
    seconds: float = 900.0


def export_params(live: LiveProject) -> dict[str, str]:
    """The query of ``GET /v2/export`` for counting ``live``: the SDK's ``ExportOptions.toDict()``
    (1.4.10) as ``export(project, ExportOptions(stage=..., export_format=NDJSON,
    include_metadata=False, include_history=False))`` sends it, with every stage of the project
    (ids and names: the SDK's default, ``Complete``, is both) when its document lists them."""
    params = {
        "sendEmail": "false",
        "includeMetadata": "false",
        "includeHistory": "false",
        "doNotNotify": "true",
        "format": "ndjson",
        "type": "task",
        "includeOnlyKeyFrames": "false",
        "includeIdleBlurDurations": "false",
        "taskTypes": json.dumps(["default"]),
        "project": live.id,
    }
    if live.stages:
        params["stage"] = json.dumps(list(live.stages))
    return params


class ExportCounter:
    """Answers a plan's :class:`~ontology_kit.count_query.CountQuery` in one streamed pass over the
    project's NDJSON export."""

    def __init__(self, client: HubClient, limits: ExportLimits | None = None) -> None:
        self.client = client
        self.limits = limits or ExportLimits()

    def count(self, live: LiveProject, query: CountQuery) -> CountAnswer:
        """The answers to ``query`` about the project ``live`` (partial when its stages are unknown).

        Raises:
            HubError: the export failed, broke a bound, or is not an NDJSON export (one line).
        """
        what = f"export of project {live.id}"
        deadline = time.monotonic() + self.limits.seconds
        data = self.client._call("GET", "/v2/export", params=export_params(live), safe=True, what=what)
        path = data.get("exportPath")
        if not isinstance(path, str) or not path:
            raise HubError(f"{self.client.label} gave an unexpected answer for {what} (no exportPath)")
        schema = live.category_schema
        tally = ExportTally(query, option_lookup(schema), option_owners(schema))
        with tempfile.TemporaryFile() as file:
            self._download(path, file, what, deadline)
            self._read(file, tally, what, deadline)
        return tally.result(None if live.stages else NO_STAGES)

    # -- the file ---------------------------------------------------------------------------------
    def _download(self, url: str, out: IO[bytes], what: str, deadline: float) -> None:
        client, limit = self.client, self.limits.download_bytes
        fail = f"{client.label}: the {what} could not be downloaded"
        scheme: str | None
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - a port that is not a number raises here
            scheme, host = parts.scheme, parts.hostname
        except ValueError:
            scheme = host = None
        if scheme not in ("http", "https") or not host:
            raise HubError(f"{fail}: its exportPath is not an http(s) URL")
        mine = _origin(url) == _origin(client.base_url)
        if not mine and scheme == "http" and host not in ("localhost", "127.0.0.1", "::1"):
            raise HubError(f"{fail}: its exportPath is a plain-http link to another host")
        # The key only to the hub itself: a storage link (another origin) is signed, and must not
        # learn it. No redirect is followed with the key; a storage link's are (they carry none).
        headers = {"apikey": client._key.reveal()} if mine else {}
        http = (
            client._http
            if mine
            else httpx.Client(transport=client.transport, timeout=client.timeout, follow_redirects=True)
        )
        try:
            with http.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    raise HubError(f"{fail} ({response.status_code})", response.status_code)
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise HubError(f"{fail}: it is larger than {limit:,} bytes")
                size = 0
                for chunk in response.iter_bytes(1 << 16):
                    size += len(chunk)
                    if size > limit:
                        raise HubError(f"{fail}: it is larger than {limit:,} bytes")
                    _in_time(deadline, fail, self.limits.seconds)
                    out.write(chunk)
        except httpx.HTTPError as exc:
            raise HubError(f"{fail} ({type(exc).__name__})") from None
        finally:
            if not mine and client.transport is None:  # a shared transport stays open for the client
                http.close()
        out.seek(0)

    @gc_paused  # every line's objects are acyclic and freed at once: the collector finds nothing
    def _read(self, file: IO[bytes], tally: ExportTally, what: str, deadline: float) -> None:
        limits = self.limits
        bad = f"{self.client.label}: the {what} is not an NDJSON export"
        try:
            with zipfile.ZipFile(file) as archive:
                members = archive.infolist()
                if len(members) != 1:
                    raise HubError(f"{bad}: the zip holds {len(members)} files, not one")
                if members[0].file_size > limits.member_bytes:
                    raise HubError(f"{bad}: its file unpacks to more than {limits.member_bytes:,} bytes")
                with archive.open(members[0]) as member:
                    self._lines(member, tally, bad, deadline)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise HubError(f"{bad}: the zip is damaged or not a zip ({type(exc).__name__})") from None

    def _lines(self, member: IO[bytes], tally: ExportTally, bad: str, deadline: float) -> None:
        limits = self.limits
        number = size = 0
        while line := member.readline(limits.line_bytes + 1):
            number += 1
            size += len(line)
            if len(line) > limits.line_bytes:
                raise HubError(f"{bad}: line {number} is longer than {limits.line_bytes:,} bytes")
            if size > limits.member_bytes:
                raise HubError(f"{bad}: its file unpacks to more than {limits.member_bytes:,} bytes")
            if number % 1024 == 0:
                _in_time(deadline, bad, limits.seconds)
            if not line.strip():
                continue
            try:
                doc: Any = orjson.loads(line)
            except orjson.JSONDecodeError:
                raise HubError(f"{bad}: line {number} is not JSON") from None
            try:
                tally.add(doc)
            except HubError as exc:
                raise HubError(f"{bad}: line {number}: {exc}") from None


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _in_time(deadline: float, what: str, seconds: float) -> None:
    if time.monotonic() > deadline:
        raise HubError(f"{what}: it took more than {seconds:g} s")
