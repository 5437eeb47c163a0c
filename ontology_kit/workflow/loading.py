"""``ontokit hub load``: put labeling data in Ango's export format into a project, through the
official SDK's routes only (``get_tasks``, ``upload_files_cloud``, ``import_labels``, ``annotate_task``;
``client/labels.py``), so that a plan has real answers to count.

An export file is what ``GET /v2/export`` yields (docs/hub.md): a JSON list, or NDJSON (one task a
line), or a zip holding one of them. Each entry gives an asset (``externalId``, ``asset``: its URL,
``batches`` by name, ``metadata``) and its task (``stage``, and the answer: ``tools``,
``classifications``, ``relations``). Loading is repeatable: an asset already in the project is not
uploaded again, every answer is imported again (it replaces the task's answer), and a task is moved
forward through the project's workflow to its entry's stage, never back.

Answers written as exports write them, by an option's value text instead of its schemaId, are given
the schemaId of the classification's option with that value (inferred, docs/hub.md): the Hub's import
format names options by schemaId.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from ..category_schema import CategorySchema, NodeKind
from ..client import HubClient, open_client
from ..client.labels import TaskRef, annotate, find_tasks, import_labels, upload_assets
from ..errors import InputError, NotFoundError, OntokitError
from .session import choose_hub, workspace_hub

__all__ = ["MAX_ENTRIES", "MAX_FILE_BYTES", "LoadResult", "load_export"]

#: Bounds on an export file: its size on disk and unzipped, and its entries.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 200_000
#: Problems listed before the rest are only counted.
_MAX_SHOWN = 20


@dataclass(frozen=True)
class Entry:
    """One task of an export file, as the routes take it."""

    where: str  # ``FILE:LINE`` (NDJSON) or ``FILE: entry N`` (a JSON list)
    external_id: str
    asset: dict[str, Any]  # for upload_files_cloud
    answer: dict[str, Any]  # {objects, classifications, relations}
    stage: str | None  # a stage's id or name; None: leave it where it is


@dataclass(frozen=True)
class LoadResult:
    """What ``load_export`` did, for the CLI to say."""

    hub: str
    project_id: str
    project_name: str
    tasks: int  # entries loaded
    uploaded: int  # assets new to the project
    annotations: int  # answer elements imported (tool objects, classification answers, relations)
    stages: dict[str, int]  # tasks per stage (its name) after loading


def load_export(path: str, project: str, hub: str | None = None) -> LoadResult:
    """Load the export file ``path`` into ``project`` (an id, or a unique name) on a hub (``hub``, else
    ``ONTOKIT_HUB``, else the workspace's ``hub:``, else the embedded local Hub).

    Raises:
        InputError: the file cannot be read or holds entries that are not tasks (nothing was sent).
        OntokitError: no project, or several, of that name; a stage not in the project's workflow.
        HubError: a request failed.
    """
    entries = read_export(path)
    target = choose_hub(hub, workspace_hub())
    with open_client(target) as client:
        doc = _project(client, project, target.description)
        pid = str(doc["_id"])
        moves = {e.where: _moves(doc, e) for e in entries}
        known = find_tasks(client, pid, [e.external_id for e in entries])
        new = [e.asset for e in entries if e.external_id not in known]
        upload_assets(client, pid, new)
        if new:
            known = find_tasks(client, pid, [e.external_id for e in entries])
        index = _options(CategorySchema.of(doc.get("categorySchema")))
        answers = {e.external_id: _by_id(e.answer, index) for e in entries}
        import_labels(client, pid, [{"externalId": x, **a} for x, a in answers.items()])
        for e in entries:
            _advance(client, known[e.external_id], moves[e.where], answers[e.external_id])
        names = {str(s.get("id")): str(s.get("name", s.get("id"))) for s in _stages(doc)}
        after = find_tasks(client, pid, [e.external_id for e in entries])
    stages: dict[str, int] = {}
    for ref in after.values():
        name = names.get(ref.stage, ref.stage)
        stages[name] = stages.get(name, 0) + 1
    return LoadResult(
        target.description,
        pid,
        str(doc.get("name")),
        len(entries),
        len(new),
        sum(_elements(e.answer) for e in entries),
        stages,
    )


# -- the file ---------------------------------------------------------------------------------------
def read_export(path: str) -> list[Entry]:
    """The entries of an export file, or an InputError listing every problem (one per line)."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise InputError(f"{name}: cannot read: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{name}: larger than {MAX_FILE_BYTES:,} bytes; split it")
    if raw.startswith(b"PK"):
        raw = _unzip(raw, name)
    problems: list[str] = []
    entries: list[Entry] = []
    seen: set[str] = set()
    for where, item in _items(raw, name, problems):
        if len(entries) + len(problems) >= MAX_ENTRIES:
            problems.append(f"{name}: more than {MAX_ENTRIES:,} entries; split it")
            break
        entry = _entry(item, where, problems)
        if entry is None:
            continue
        if entry.external_id in seen:
            problems.append(f"{where}: externalId {entry.external_id!r} is repeated")
            continue
        seen.add(entry.external_id)
        entries.append(entry)
    if not entries and not problems:
        problems.append(f"{name}: holds no tasks")
    if problems:
        more = len(problems) - _MAX_SHOWN
        shown = problems[:_MAX_SHOWN] + ([f"... and {more} more"] if more > 0 else [])
        raise InputError("\n".join(shown))
    return entries


def _unzip(raw: bytes, name: str) -> bytes:
    """The one member of an export zip, refused when it would unpack beyond the file bound."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise InputError(f"{name}: an export zip holds one file; this one holds {len(members)}")
            with archive.open(members[0]) as f:  # read with a bound: the header's size may lie
                data = f.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as e:
        raise InputError(f"{name}: not a readable zip file ({e})") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{name}: unpacks to more than {MAX_FILE_BYTES:,} bytes; split it")
    return data


def _items(raw: bytes, name: str, problems: list[str]) -> Iterator[tuple[str, Any]]:
    """(where, value) of every entry: a JSON list's items, or NDJSON's lines."""
    if raw.lstrip()[:1] == b"[":
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as e:
            problems.append(f"{name}: not JSON: {e}")
            return
        yield from ((f"{name}: entry {i + 1}", item) for i, item in enumerate(value))
        return
    for number, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            yield f"{name}:{number}", orjson.loads(line)
        except orjson.JSONDecodeError as e:
            problems.append(f"{name}:{number}: not a JSON object ({e})")


def _entry(item: Any, where: str, problems: list[str]) -> Entry | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: an entry is an object with externalId, asset and task")
        return None
    task = item.get("task")
    external_id, data = item.get("externalId"), item.get("asset", item.get("data"))
    batches, metadata = item.get("batches", []), item.get("metadata")
    wrong = [
        *(["externalId (a string)"] if not isinstance(external_id, str) or not external_id else []),
        *(["asset (its URL, a string)"] if not isinstance(data, str) or not data else []),
        *(["task (an object)"] if not isinstance(task, dict) else []),
        *(["batches (a list of names)"] if not _strings(batches) else []),
        *(["metadata (an object)"] if metadata is not None and not isinstance(metadata, dict) else []),
    ]
    if isinstance(task, dict):
        lists = {k: task.get(k, []) for k in ("tools", "objects", "classifications", "relations")}
        lists = {k: [] if v is None else v for k, v in lists.items()}
        wrong += [f"task.{k} (a list)" for k, v in lists.items() if not isinstance(v, list)]
        stage = task.get("stageId") or task.get("stage")
        wrong += ["task.stage (a string)"] if stage is not None and not isinstance(stage, str) else []
    if wrong:
        problems.append(f"{where}: needs {', '.join(wrong)}")
        return None
    assert isinstance(task, dict) and isinstance(external_id, str) and isinstance(data, str)
    asset: dict[str, Any] = {"data": data, "externalId": external_id, "batches": list(batches)}
    if metadata:
        asset["metadata"] = metadata
    answer = {
        "objects": [*lists["tools"], *lists["objects"]],
        "classifications": lists["classifications"],
        "relations": lists["relations"],
    }
    return Entry(where, external_id, asset, answer, stage)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _elements(answer: Mapping[str, Any]) -> int:
    """Answer elements: tool objects, relations, classification answers at any depth."""
    todo: list[Any] = [*answer["objects"], *answer["classifications"], *answer["relations"]]
    n = 0
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            n += 1
            nested = item.get("classifications")
            todo += nested if isinstance(nested, list) else []
    return n


# -- the project ------------------------------------------------------------------------------------
def _project(client: HubClient, wanted: str, hub: str) -> dict[str, Any]:
    """The project with id ``wanted``, else the one project named ``wanted``."""
    try:
        return client.get_project(wanted)
    except NotFoundError:
        pass
    ids = [str(p.get("_id")) for p in client.iter_projects() if p.get("name") == wanted]
    if not ids:
        raise OntokitError(f"no project with id or name {wanted!r} on {hub}")
    if len(ids) > 1:
        raise OntokitError(
            f"{len(ids)} projects on {hub} are named {wanted!r} ({', '.join(ids)}); give its id"
        )
    return client.get_project(ids[0])


def _stages(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    stages = doc.get("stages")
    return (
        [s for s in stages if isinstance(s, dict) and isinstance(s.get("id"), str)]
        if isinstance(stages, list)
        else []
    )


def _moves(doc: Mapping[str, Any], entry: Entry) -> tuple[str, ...]:
    """The stage ids a task passes through, from the workflow's first stage to the entry's (its
    ``stage`` by id or name), following each stage's first ``next``; () without a stage."""
    if entry.stage is None:
        return ()
    stages = _stages(doc)
    following = {
        s["id"]: s["next"][0]
        for s in stages
        if isinstance(s.get("next"), list) and s["next"] and isinstance(s["next"][0], str)
    }
    wanted = {s["id"] for s in stages if entry.stage in (s["id"], s.get("name"))}
    start = next((s["id"] for s in stages if s.get("type") == "Start"), None)
    path: list[str] = []
    here = start
    while here is not None and here not in path and len(path) <= len(stages):
        path.append(here)
        if here in wanted:
            return tuple(path)
        here = following.get(here)
    names = ", ".join(str(s.get("name", s["id"])) for s in stages) or "none"
    raise OntokitError(
        f"{entry.where}: stage {entry.stage!r} is not on the project's workflow from its Start stage "
        f"(stages: {names})"
    )


def _advance(client: HubClient, task: TaskRef, path: tuple[str, ...], answer: dict[str, Any]) -> None:
    """Move ``task`` forward along ``path`` until it is in the path's last stage (never back)."""
    if not path or task.stage not in path:
        return  # no stage asked, or the task is off the path (moved on elsewhere): left as it is
    stage = task.stage
    for _ in range(path.index(stage), len(path) - 1):
        stage = annotate(client, task.id, answer)


# -- answers ----------------------------------------------------------------------------------------
def _options(schema: CategorySchema) -> dict[str, dict[str, str]]:
    """Per classification's schemaId: its options' schemaIds by value (values said twice are left out)."""
    out: dict[str, dict[str, str]] = {}
    for node in schema.walk():
        if node.kind is not NodeKind.OPTION or node.parent is None or node.parent.id is None or not node.id:
            continue
        values = out.setdefault(node.parent.id, {})
        values[node.title] = "" if node.title in values else node.id
    return {sid: {v: i for v, i in values.items() if i} for sid, values in out.items()}


def _by_id(answer: dict[str, Any], index: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """``answer`` with every classification answer that names an option by its value naming it by id."""

    def fix(item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        out = dict(item)
        options = index.get(str(item.get("schemaId")), {})
        value = item.get("answer")
        if isinstance(value, str) and value not in options.values():
            out["answer"] = options.get(value, value)
        elif isinstance(value, list):
            out["answer"] = [
                options.get(v, v) if isinstance(v, str) and v not in options.values() else v for v in value
            ]
        nested = item.get("classifications")
        if isinstance(nested, list):
            out["classifications"] = [fix(n) for n in nested]
        return out

    return {key: [fix(i) for i in items] for key, items in answer.items()}
