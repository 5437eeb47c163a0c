"""``ontokit hub load``: put labeling data in Ango's export format into a project, through the
official SDK's routes only (``get_tasks``, ``upload_files_cloud``, ``import_labels``, ``annotate_task``;
``client/labels.py``), so that a plan has real answers to count.

The file is checked whole first (``export_file.py``: nothing is sent while any entry is wrong), then
sent a chunk at a time, under the project's lease (the hub's ``locks`` extension, as apply takes it),
so two loads never move the same tasks. Loading is repeatable: an asset the project has is not
uploaded again, every answer is imported again (it replaces the task's answer, edits made on the
hub since included), and a task is moved forward through the workflow (each stage's first ``next``,
as ``nextStage`` does) to its entry's stage, never back. Asset fields (URL, batches, metadata) of an
asset the project has are not changed.

Answers written as exports write them, by an option's value text instead of its schemaId, are sent
with the schemaId of the classification's option of that value (inferred, docs/hub.md): the Hub's
import format names options by schemaId.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..answer_walk import OptionLookup, option_lookup
from ..category_schema import CategorySchema
from ..client import HubClient, HubTarget, open_client
from ..client.labels import MAX_PER_REQUEST, TaskRef, annotate, find_tasks, import_labels, upload_assets
from ..errors import BadRequestError, InvalidDataFileError, NotFoundError, OntokitError
from ..state import Workflow
from .export_file import MAX_SHOWN, Entry, ExportFile, check_export, read_entries
from .locking import holding_project
from .session import choose_hub, workspace_settings

__all__ = ["MAX_REQUEST_BYTES", "LoadResult", "load_export"]

#: Bytes of entries in one request (below the local Hub's 16 MB body bound, with room for JSON).
MAX_REQUEST_BYTES = 8 * 1024 * 1024
#: A Hub project id: 24 hex digits (a name is looked up by name, never sent as an id).
_PROJECT_ID = re.compile(r"[0-9a-f]{24}")


@dataclass
class LoadResult:
    """What ``load_export`` did, for the CLI to say."""

    hub: str
    project_id: str
    project_name: str
    tasks: int = 0  # entries loaded so far
    total: int = 0  # entries in the file
    uploaded: int = 0  # assets new to the project
    annotations: int = 0  # answer elements imported (tool objects, classification answers, relations)
    stages: dict[str, int] = field(default_factory=dict)  # tasks per stage name, after loading
    left: int = 0  # tasks already past their entry's stage, left where they are


def load_export(
    path: str,
    project: str,
    *,
    hub: str | None = None,
    lock_timeout: float = 0.0,
    on_hub: Callable[[HubTarget], None] | None = None,
    on_progress: Callable[[LoadResult], None] | None = None,
) -> LoadResult:
    """Load the export file ``path`` into ``project`` (an id, or a unique name) on a hub (``hub``, else
    ``ONTOKIT_HUB``, else the workspace's ``hub:``, else the embedded local Hub). ``on_progress`` is
    called with the result so far after each chunk (a Ctrl-C then knows what was loaded).

    Raises:
        InvalidDataFileError: the file cannot be read, or entries are not tasks, or name stages or
            batches the project does not have (nothing was sent); every problem is one line.
        LockedError: another apply or load holds the project's lease.
        OntokitError: no project, or several, of that name; a task moved by someone else meanwhile.
        HubError: a request failed.
    """
    found = check_export(path)
    target = choose_hub(hub, workspace_settings().get("hub"))
    if on_hub is not None:
        on_hub(target)
    with open_client(target) as client:
        doc = _project(client, project, target.description)
        result = LoadResult(target.description, str(doc["_id"]), str(doc.get("name")), total=found.entries)
        workflow = Workflow.of(doc)
        _check_names(found, doc, workflow)
        index = option_lookup(CategorySchema.of(doc.get("categorySchema")))
        with holding_project(
            client, target.description, result.project_name, result.project_id, lock_timeout
        ):
            for chunk in _chunks(read_entries(path)):
                _load_chunk(client, result, chunk, workflow, index)
                if on_progress is not None:
                    on_progress(result)
    return result


def _load_chunk(
    client: HubClient,
    result: LoadResult,
    chunk: list[Entry],
    workflow: Workflow,
    index: OptionLookup,
) -> None:
    pid = result.project_id
    ids = [e.external_id for e in chunk]
    known = find_tasks(client, pid, ids)
    new = [e.asset for e in chunk if e.external_id not in known]
    if new:
        upload_assets(client, pid, new)
        known = find_tasks(client, pid, ids)
    answers = {e.external_id: _by_id(e.answer, index) for e in chunk}
    import_labels(client, pid, [{"externalId": x, **a} for x, a in answers.items()])
    moved_by_others = []
    for e in chunk:
        task = known[e.external_id]
        stage = _advance(client, task, workflow, e, answers[e.external_id])
        if stage is None:
            result.left += 1
            stage = task.stage
        elif isinstance(stage, tuple):
            moved_by_others.append(f"{e.where}: task {task.id} is in stage {stage[0]!r}, not {stage[1]!r}")
            stage = stage[0]
        name = workflow.find(stage)
        key = name.name if name is not None else stage
        result.stages[key] = result.stages.get(key, 0) + 1
    result.tasks += len(chunk)
    result.uploaded += len(new)
    result.annotations += sum(e.elements for e in chunk)
    if moved_by_others:
        raise OntokitError(
            f"{len(moved_by_others)} task(s) moved by another client while loading (first: "
            f"{moved_by_others[0]}); run the same command again once it is done"
        )


def _advance(
    client: HubClient, task: TaskRef, workflow: Workflow, entry: Entry, answer: dict[str, Any]
) -> str | tuple[str, str] | None:
    """Move ``task`` forward to its entry's stage: the stage it is in then; None when that stage is
    not ahead of it (left where it is); (found, expected) when the hub moved it elsewhere."""
    if entry.stage is None:
        return task.stage
    wanted = workflow.find(entry.stage)
    assert wanted is not None  # _check_names
    path = workflow.path(task.stage, wanted.id)
    if path is None:
        return None
    for expected in path[1:]:
        stage = annotate(client, task.id, answer)
        if stage != expected:
            return (stage, expected)
    return path[-1]


def _chunks(entries: Iterable[Entry]) -> Iterator[list[Entry]]:
    """Entries in requests of at most :data:`MAX_PER_REQUEST` entries and :data:`MAX_REQUEST_BYTES`."""
    chunk: list[Entry] = []
    size = 0
    for entry in entries:
        if chunk and (len(chunk) == MAX_PER_REQUEST or size + entry.size > MAX_REQUEST_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(entry)
        size += entry.size
    if chunk:
        yield chunk


# -- the project ------------------------------------------------------------------------------------
def _project(client: HubClient, wanted: str, hub: str) -> dict[str, Any]:
    """The project with id ``wanted`` (24 hex digits), else the one project named ``wanted``."""
    if _PROJECT_ID.fullmatch(wanted):
        try:
            return client.get_project(wanted)
        except (NotFoundError, BadRequestError):
            pass
    ids = [str(p.get("_id")) for p in client.iter_projects() if p.get("name") == wanted]
    if not ids:
        raise OntokitError(f"no project with id or name {wanted!r} on {hub}")
    if len(ids) > 1:
        raise OntokitError(
            f"{len(ids)} projects on {hub} are named {wanted!r} ({', '.join(ids)}); give its id"
        )
    return client.get_project(ids[0])


def _check_names(found: ExportFile, doc: Mapping[str, Any], workflow: Workflow) -> None:
    """Every stage and batch the file names is the project's (checked before anything is sent)."""
    batches = {
        v for b in doc.get("batches") or [] if isinstance(b, dict) for v in (b.get("_id"), b.get("name"))
    }
    names = ", ".join(s.name for s in workflow.stages) or "none"
    problems = [
        f"{where}: stage {stage!r} is not one of the project's ({names})"
        for stage, where in found.stages.items()
        if workflow.find(stage) is None
    ]
    problems += [
        f"{where}: batch {batch!r} is not one of the project's (add it to its definition's batches)"
        for batch, where in found.batches.items()
        if batch not in batches
    ]
    if problems:
        raise InvalidDataFileError(problems, MAX_SHOWN)


# -- answers ----------------------------------------------------------------------------------------
def _by_id(answer: dict[str, Any], index: OptionLookup) -> dict[str, Any]:
    """``answer`` with every classification answer that names an option by its value naming it by id
    (``answer_walk.option_lookup``: an id stays itself; a value two options share is left as it is).
    The answer's depth is bounded: ``export_file`` checked it as the Hub does."""

    def option(options: Mapping[str, tuple[str, ...]], value: Any) -> Any:
        ids = options.get(value) if isinstance(value, str) else None
        return ids[0] if ids is not None and len(ids) == 1 else value

    def fix(item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        out = dict(item)
        options = index.get(str(item.get("schemaId")), {})
        value = item.get("answer")
        if "answer" in item:
            out["answer"] = (
                [option(options, v) for v in value] if isinstance(value, list) else option(options, value)
            )
        nested = item.get("classifications")
        if isinstance(nested, list):
            out["classifications"] = [fix(n) for n in nested]
        return out

    return {key: [fix(i) for i in items] for key, items in answer.items()}
