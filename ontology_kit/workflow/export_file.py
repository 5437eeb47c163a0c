"""Reading an export file (Ango's export format) for ``ontokit hub load``, streamed and bounded.

An export file is what ``GET /v2/export`` yields (docs/hub.md): NDJSON (one task a line), a JSON
list, or a zip holding one of them. Each entry gives an asset (``externalId``, ``asset``: its URL,
``batches`` by name, ``metadata``) and its task (``stage``, and the answer: ``tools``,
``classifications``, ``relations``).

The file is read twice, never whole (but for a JSON list, which cannot be read in parts and so has
a smaller bound): :func:`check_export` reads every entry and checks it as the Hub's routes would,
keeping only what the load needs to know beforehand; :func:`read_entries` then gives the entries
again, a few at a time, to send. Every problem is reported with the entry's place, ``FILE:LINE``.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from ..answer_walk import answer_refs
from ..errors import HubApiError, InvalidDataFileError
from ..hub.answers import answer as checked_answer
from ..hub.asset_fields import MAX_EXTERNAL_ID
from ..hub.assets import MAX_DATA

__all__ = [
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_LINE_BYTES",
    "MAX_LIST_BYTES",
    "Entry",
    "ExportFile",
    "check_export",
    "read_entries",
]

#: Bounds on an export file: its size on disk and unpacked; one NDJSON line (one task); a JSON list
#: (read whole: the format cannot be read in parts); entries.
MAX_FILE_BYTES = 1024 * 1024 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024
MAX_LIST_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 1_000_000
#: Problems listed before the rest are only counted.
MAX_SHOWN = 20


@dataclass(frozen=True)
class Entry:
    """One task of an export file, as the routes take it."""

    where: str  # ``FILE:LINE`` (NDJSON) or ``FILE: entry N`` (a JSON list)
    external_id: str
    asset: dict[str, Any]  # for upload_files_cloud: data, externalId, batches (names), metadata
    answer: dict[str, Any]  # for import_labels: objects, classifications, relations
    stage: str | None  # a stage's id or name; None: leave the task where it is
    size: int  # bytes of the entry's line (bounds a request)

    @property
    def elements(self) -> int:
        """Answer elements: tool objects, relations, classification answers at any depth (as the
        counts read them: ``answer_walk``; the answer passed the Hub's checks)."""
        return sum(r.kind != "option" for r in answer_refs(self.answer))


@dataclass
class ExportFile:
    """What :func:`check_export` found: the entries' count and the names they use (each with the
    first entry that uses it, for an error that points at it)."""

    path: str
    entries: int = 0
    elements: int = 0
    stages: dict[str, str] = field(default_factory=dict)
    batches: dict[str, str] = field(default_factory=dict)


def check_export(path: str) -> ExportFile:
    """Read every entry of the export file ``path`` and check it.

    Raises:
        InvalidDataFileError: the file cannot be read, or entries are not tasks; every problem is one
            line, ``FILE:LINE: ...`` (nothing has been sent).
    """
    found = ExportFile(path)
    problems: list[str] = []
    seen: set[str] = set()
    for item in _items(path, problems):
        if isinstance(item, str):
            problems.append(item)
            continue
        if found.entries + len(problems) >= MAX_ENTRIES:
            problems.append(f"{path}: more than {MAX_ENTRIES:,} entries; split it")
            break
        entry = _entry(*item, problems)
        if entry is None:
            continue
        if entry.external_id in seen:
            problems.append(f"{entry.where}: externalId {entry.external_id!r} is repeated")
            continue
        seen.add(entry.external_id)
        found.entries += 1
        found.elements += entry.elements
        if entry.stage is not None:
            found.stages.setdefault(entry.stage, entry.where)
        for batch in entry.asset["batches"]:
            found.batches.setdefault(batch, entry.where)
    if not found.entries and not problems:
        problems.append(f"{path}: holds no tasks")
    if problems:
        raise InvalidDataFileError(problems, MAX_SHOWN)
    return found


def read_entries(path: str) -> Iterator[Entry]:
    """The entries of a file :func:`check_export` accepted, read again one at a time.

    Raises:
        InvalidDataFileError: the file changed since it was checked.
    """
    problems: list[str] = []
    for item in _items(path, problems):
        entry = None if isinstance(item, str) else _entry(*item, problems)
        if entry is None or problems:
            raise InvalidDataFileError([f"{path}: changed while it was loaded; load it again"], MAX_SHOWN)
        yield entry


# -- the file ---------------------------------------------------------------------------------------
def _items(path: str, problems: list[str]) -> Iterator[tuple[str, Any, int] | str]:
    """(where, value, size) of every entry, or a problem (a string) in its place."""
    with _opened(path) as stream:
        head = stream.peek(64)[:64].lstrip() if isinstance(stream, io.BufferedReader) else b""
        if head[:1] == b"[":
            yield from _list(path, stream)
            return
        number = 0
        while True:
            line = stream.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            number += 1
            where = f"{path}:{number}"
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                yield f"{where}: longer than {MAX_LINE_BYTES:,} bytes"
                while line and not line.endswith(b"\n"):  # skip the rest of it, within the file bound
                    line = stream.readline(MAX_LINE_BYTES + 1)
                continue
            if not line.strip():
                continue
            try:
                yield where, orjson.loads(line), len(line)
            except orjson.JSONDecodeError as e:
                yield f"{where}: not a JSON object ({e})"


def _list(path: str, stream: IO[bytes]) -> Iterator[tuple[str, Any, int] | str]:
    raw = stream.read(MAX_LIST_BYTES + 1)
    if len(raw) > MAX_LIST_BYTES:
        yield f"{path}: a JSON list larger than {MAX_LIST_BYTES:,} bytes; write it as NDJSON (a task a line)"
        return
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        yield f"{path}: not JSON: {e}"
        return
    for i, item in enumerate(value):
        yield f"{path}: entry {i + 1}", item, len(orjson.dumps(item))


@contextmanager
def _opened(path: str) -> Iterator[IO[bytes]]:
    """``path`` (a regular file, not a pipe or a device), or its zip's one member, read with the
    file bound (a zip's own sizes may lie)."""
    try:
        info = os.stat(path)
    except OSError as e:
        raise InvalidDataFileError([f"{path}: cannot read: {e.strerror or e}"], MAX_SHOWN) from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidDataFileError([f"{path}: not a regular file"], MAX_SHOWN)
    if info.st_size > MAX_FILE_BYTES:
        raise InvalidDataFileError([f"{path}: larger than {MAX_FILE_BYTES:,} bytes; split it"], MAX_SHOWN)
    try:
        with open(path, "rb") as f:
            if f.read(4) != b"PK\x03\x04":
                f.seek(0)
                yield io.BufferedReader(_Bounded(f, path), buffer_size=1024 * 1024)
                return
            f.seek(0)
            with zipfile.ZipFile(f) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise InvalidDataFileError(
                        [f"{path}: an export zip holds one file; this one holds {len(members)}"], MAX_SHOWN
                    )
                with archive.open(members[0]) as member:
                    yield io.BufferedReader(_Bounded(member, path), buffer_size=1024 * 1024)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError) as e:
        raise InvalidDataFileError([f"{path}: not a readable zip file ({e})"], MAX_SHOWN) from None
    except RuntimeError as e:  # an encrypted member
        raise InvalidDataFileError([f"{path}: cannot read its zip member ({e})"], MAX_SHOWN) from None
    except OSError as e:
        raise InvalidDataFileError([f"{path}: cannot read: {e.strerror or e}"], MAX_SHOWN) from None


class _Bounded(io.RawIOBase):
    """A stream that refuses to give more than :data:`MAX_FILE_BYTES` (a zip bomb stops there)."""

    def __init__(self, inner: IO[bytes], path: str) -> None:
        self.inner, self.path, self.read_so_far = inner, path, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        self.read_so_far += len(data)
        if self.read_so_far > MAX_FILE_BYTES:
            raise InvalidDataFileError(
                [f"{self.path}: unpacks to more than {MAX_FILE_BYTES:,} bytes; split it"], MAX_SHOWN
            )
        buffer[: len(data)] = data
        return len(data)


# -- an entry ---------------------------------------------------------------------------------------
def _entry(where: str, item: Any, size: int, problems: list[str]) -> Entry | None:
    """``item`` as an entry, or None with its problems (one line) added to ``problems``."""
    if not isinstance(item, dict):
        problems.append(f"{where}: an entry is an object with externalId, asset and task")
        return None
    task = item.get("task")
    external_id, data = item.get("externalId"), item.get("asset", item.get("data"))
    batches, metadata = item.get("batches", []), item.get("metadata")
    wrong = [
        *(["externalId (a string)"] if not _text(external_id, MAX_EXTERNAL_ID) else []),
        *([f"asset (its URL, 1 to {MAX_DATA:,} characters)"] if not _text(data, MAX_DATA) else []),
        *(["task (an object)"] if not isinstance(task, dict) else []),
        *(["batches (a list of names)"] if not _names(batches) else []),
        *(["metadata (an object)"] if metadata is not None and not isinstance(metadata, dict) else []),
    ]
    lists: dict[str, Any] = {}
    stage = None
    if isinstance(task, dict):
        lists = {k: task.get(k, []) for k in ("tools", "objects", "classifications", "relations")}
        lists = {k: [] if v is None else v for k, v in lists.items()}
        wrong += [f"task.{k} (a list)" for k, v in lists.items() if not isinstance(v, list)]
        stage = task.get("stage", task.get("stageId"))
        wrong += ["task.stage (a string)"] if stage is not None and not _text(stage, MAX_EXTERNAL_ID) else []
    if wrong:
        problems.append(f"{where}: needs {', '.join(wrong)}")
        return None
    answer = {
        "objects": [*lists["tools"], *lists["objects"]],
        "classifications": lists["classifications"],
        "relations": lists["relations"],
    }
    try:  # the Hub's own checks of an answer (shapes, ids, depth), before anything is sent
        checked_answer(answer, "task")
    except HubApiError as e:
        problems.append(f"{where}: {e.message}".replace("task.objects", "task.tools"))
        return None
    asset: dict[str, Any] = {"data": data, "externalId": external_id, "batches": list(batches)}
    if metadata:
        asset["metadata"] = metadata
    return Entry(where, str(external_id), asset, answer, stage, size)


def _text(value: Any, most: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= most


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(_text(v, MAX_EXTERNAL_ID) for v in value)
