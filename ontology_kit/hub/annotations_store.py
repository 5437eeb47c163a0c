"""Assets, tasks and their answers in the local Hub's SQLite database (docs/hub.md, "Annotations").

A task's answer is stored whole as JSON (``{"tools", "classifications", "relations"}``, as the Hub
returns it), and beside it one row per element of the answer that names a ``schemaId`` (a tool
object, a classification answer at any depth, a relation), so that "which annotations reference this
schemaId" is an indexed query, not a scan of every answer. Nothing here reads the label set: an
answer whose schemaId is no longer in it stays stored, as on the real Hub.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

# The walker of answers is shared with the export counter (client/export_tally.py), so that the two
# count alike; re-exported here for the hub's callers.
from ..answer_walk import AnswerRef, answer_refs, texts_of

__all__ = [
    "SCHEMA",
    "AnswerRef",
    "RefCount",
    "TaskQuery",
    "TaskRow",
    "answer_refs",
    "count_groups",
    "count_refs",
    "count_tasks_lacking",
    "count_under",
    "existing_external_ids",
    "get_export",
    "get_task",
    "insert_asset",
    "iter_tasks",
    "list_tasks",
    "put_export",
    "schema_id_counts",
    "set_answer",
    "set_benchmark",
    "set_stage",
    "task_for_external_id",
    "tasks_for_external_ids",
    "text_answers",
    "unknown_tasks",
    "upgrade",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS assets (
    id TEXT PRIMARY KEY, project TEXT NOT NULL REFERENCES projects(id), external_id TEXT NOT NULL,
    data TEXT NOT NULL, doc TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (project, external_id));
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY, project TEXT NOT NULL REFERENCES projects(id),
    asset TEXT NOT NULL REFERENCES assets(id), external_id TEXT NOT NULL, stage TEXT NOT NULL,
    batches TEXT NOT NULL, priority INTEGER NOT NULL, answer TEXT NOT NULL, seq INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, is_benchmark INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tasks_by_project ON tasks(project, seq);
CREATE INDEX IF NOT EXISTS tasks_by_external_id ON tasks(project, external_id);
CREATE TABLE IF NOT EXISTS answer_refs (
    task TEXT NOT NULL REFERENCES tasks(id), project TEXT NOT NULL, kind TEXT NOT NULL,
    schema_id TEXT NOT NULL, depth INTEGER NOT NULL, element INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS answer_refs_by_schema_element
    ON answer_refs(project, schema_id, task, element, kind);
CREATE INDEX IF NOT EXISTS answer_refs_by_task ON answer_refs(task);
CREATE TABLE IF NOT EXISTS exports (
    token TEXT PRIMARY KEY, organization TEXT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL,
    content BLOB NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS exports_by_project ON exports(project, created_at);
"""

EMPTY_ANSWER: dict[str, list[Any]] = {"tools": [], "classifications": [], "relations": []}


@dataclass(frozen=True)
class RefCount:
    """How many answer elements, in how many tasks, reference a set of schemaIds."""

    annotations: int
    tasks: int


@dataclass(frozen=True)
class TaskRow:
    """A stored task, with its asset's fields and its answer."""

    id: str
    project: str
    asset: str
    external_id: str
    data: str
    stage: str
    batches: list[str]
    priority: int
    answer: dict[str, Any]
    created_at: str
    updated_at: str
    metadata: dict[str, Any]
    is_benchmark: bool = False  # set_tasks_as_benchmark


@dataclass(frozen=True)
class TaskQuery:
    """A filter on a project's tasks: any of ``stages``, any of ``batches``, any of ``external_ids``
    (None: no condition)."""

    stages: tuple[str, ...] | None = None
    batches: tuple[str, ...] | None = None
    external_ids: tuple[str, ...] | None = None
    descending: bool = False


def upgrade(db: sqlite3.Connection) -> None:
    """Bring a database written by an older ontokit up to :data:`SCHEMA`: the index of answers
    gained ``element`` and option rows, so it is built again from the stored answers; the index by
    schemaId was replaced by one that covers the counts."""
    # The index by schemaId gained (element, kind), so that every count reads the index alone, never
    # a table row (bench/counts.py: 3 to 4 times faster over 1,000,000 answers); the script of SCHEMA,
    # run next, builds it.
    if db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'answer_refs_by_schema'"
    ).fetchone():
        db.execute("DROP INDEX answer_refs_by_schema")  # (only then: opening a hub writes nothing)
    task_columns = {row[1] for row in db.execute("PRAGMA table_info(tasks)")}
    if task_columns and "is_benchmark" not in task_columns:  # set_tasks_as_benchmark's flag, new
        db.execute("ALTER TABLE tasks ADD COLUMN is_benchmark INTEGER NOT NULL DEFAULT 0")
    columns = {row[1] for row in db.execute("PRAGMA table_info(answer_refs)")}
    if not columns or "element" in columns:  # a new database, or one already up to date
        return
    db.execute("DROP TABLE answer_refs")
    db.executescript(SCHEMA)
    for task_id, project, text in db.execute("SELECT id, project, answer FROM tasks").fetchall():
        _index(db, task_id, project, orjson.loads(text))


def insert_asset(
    db: sqlite3.Connection,
    project: str,
    ids: tuple[str, str],
    asset: dict[str, Any],
    stage: str,
    priority: int,
    now: str,
) -> None:
    """Store an asset (``asset`` has ``externalId``, ``data`` and ``batches``) and its task
    (``ids`` = (asset id, task id)), the task in ``stage`` with an empty answer."""
    asset_id, task_id = ids
    db.execute(
        "INSERT INTO assets VALUES (?, ?, ?, ?, ?, ?)",
        (asset_id, project, asset["externalId"], asset["data"], _dumps(asset), now),
    )
    seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks WHERE project = ?", (project,)).fetchone()[
        0
    ]
    db.execute(
        "INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (
            task_id,
            project,
            asset_id,
            asset["externalId"],
            stage,
            _dumps(asset["batches"]),
            priority,
            _dumps(EMPTY_ANSWER),
            seq,
            now,
            now,
        ),
    )


def existing_external_ids(db: sqlite3.Connection, project: str, external_ids: Iterable[str]) -> set[str]:
    """Which of ``external_ids`` already name an asset of ``project``."""
    found: set[str] = set()
    for ext in external_ids:
        row = db.execute(
            "SELECT 1 FROM assets WHERE project = ? AND external_id = ?", (project, ext)
        ).fetchone()
        if row is not None:
            found.add(ext)
    return found


def task_for_external_id(db: sqlite3.Connection, project: str, external_id: str) -> str | None:
    """The id of the task of ``project``'s asset ``external_id``, or None."""
    row = db.execute(
        "SELECT id FROM tasks WHERE project = ? AND external_id = ?", (project, external_id)
    ).fetchone()
    return str(row["id"]) if row else None


def tasks_for_external_ids(
    db: sqlite3.Connection, project: str, external_ids: Sequence[str]
) -> dict[str, str]:
    """The ids of the tasks of ``project``'s assets ``external_ids``, by externalId (one query: an
    ``import_labels`` request of 1,000 labels looks its tasks up at once)."""
    rows = db.execute(
        "SELECT external_id, id FROM tasks WHERE project = ?"
        " AND external_id IN (SELECT value FROM json_each(?))",
        (project, _dumps(list(external_ids))),
    )
    return {str(ext): str(task_id) for ext, task_id in rows}


def set_answer(
    db: sqlite3.Connection, task_id: str, answer: dict[str, Any], now: str, project: str | None = None
) -> None:
    """Replace the task's answer (and its schemaId rows) with ``answer``; ``project`` is the task's,
    when the caller knows it (else it is looked up)."""
    if project is None:
        project = db.execute("SELECT project FROM tasks WHERE id = ?", (task_id,)).fetchone()[0]
    db.execute("UPDATE tasks SET answer = ?, updated_at = ? WHERE id = ?", (_dumps(answer), now, task_id))
    db.execute("DELETE FROM answer_refs WHERE task = ?", (task_id,))
    _index(db, task_id, project, answer)


def _index(db: sqlite3.Connection, task_id: str, project: str, answer: dict[str, Any]) -> None:
    db.executemany(
        "INSERT INTO answer_refs VALUES (?, ?, ?, ?, ?, ?)",
        ((task_id, project, r.kind, r.schema_id, r.depth, r.element) for r in answer_refs(answer)),
    )


def unknown_tasks(db: sqlite3.Connection, project: str, task_ids: Iterable[str]) -> list[str]:
    """Which of ``task_ids`` name no task of ``project``, in order."""
    found = db.execute(
        "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM tasks WHERE project = ?)",
        (_dumps(list(task_ids)), project),
    ).fetchall()
    return [str(row[0]) for row in found]


def set_benchmark(db: sqlite3.Connection, project: str, task_ids: Iterable[str], flag: bool, now: str) -> int:
    """Mark (or unmark) the tasks ``task_ids`` of ``project`` as benchmarks; how many there are."""
    cursor = db.execute(
        "UPDATE tasks SET is_benchmark = ?, updated_at = ? WHERE project = ? AND id IN"
        " (SELECT value FROM json_each(?))",
        (int(flag), now, project, _dumps(list(task_ids))),
    )
    return int(cursor.rowcount)


def set_stage(db: sqlite3.Connection, task_id: str, stage: str, now: str) -> None:
    """Move the task to ``stage``."""
    db.execute("UPDATE tasks SET stage = ?, updated_at = ? WHERE id = ?", (stage, now, task_id))


_TASK_SELECT = (
    "SELECT t.id, t.project, t.asset, t.external_id, a.data, t.stage, t.batches, t.priority, t.answer,"
    " t.created_at, t.updated_at, a.doc, t.is_benchmark FROM tasks t JOIN assets a ON a.id = t.asset"
)


def _row(row: sqlite3.Row) -> TaskRow:
    return TaskRow(
        row["id"],
        row["project"],
        row["asset"],
        row["external_id"],
        row["data"],
        row["stage"],
        orjson.loads(row["batches"]),
        row["priority"],
        orjson.loads(row["answer"]),
        row["created_at"],
        row["updated_at"],
        orjson.loads(row["doc"]).get("metadata") or {},
        bool(row["is_benchmark"]),
    )


def get_task(db: sqlite3.Connection, org: str, task_id: str) -> TaskRow | None:
    """The task ``task_id`` if its project belongs to ``org``."""
    row = db.execute(
        _TASK_SELECT + " JOIN projects p ON p.id = t.project WHERE t.id = ? AND p.organization = ?",
        (task_id, org),
    ).fetchone()
    return _row(row) if row else None


def _where(project: str, query: TaskQuery) -> tuple[str, list[Any]]:
    clauses, params = ["t.project = ?"], [project]
    for column, values in (("t.stage", query.stages), ("t.external_id", query.external_ids)):
        if values is not None:
            clauses.append(f"{column} IN (SELECT value FROM json_each(?))")
            params.append(_dumps(list(values)))
    if query.batches is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM json_each(t.batches) b WHERE b.value IN (SELECT value FROM json_each(?)))"
        )
        params.append(_dumps(list(query.batches)))
    return " WHERE " + " AND ".join(clauses), params


def list_tasks(
    db: sqlite3.Connection, project: str, query: TaskQuery, offset: int, limit: int
) -> tuple[list[TaskRow], int]:
    """One page of ``project``'s tasks matching ``query``, and how many match in all."""
    where, params = _where(project, query)
    total = db.execute("SELECT COUNT(*) FROM tasks t" + where, params).fetchone()[0]
    if limit <= 0 or offset >= total:
        return [], int(total)
    order, beyond = ("DESC", "<=") if query.descending else ("ASC", ">=")
    # The page's first task is found by skipping ``offset`` entries of the index by (project, seq)
    # alone; the page is then read from there. An OFFSET on the joined query would build every
    # skipped row (its asset looked up): reading a project page by page cost the square of its size
    # (bench/migrate.py: 47 ms against 7 ms for page 40 of 40,000 tasks).
    first = db.execute(
        f"SELECT t.seq FROM tasks t{where} ORDER BY t.seq {order} LIMIT 1 OFFSET ?", [*params, offset]
    ).fetchone()
    if first is None:
        return [], int(total)
    rows = db.execute(
        f"{_TASK_SELECT}{where} AND t.seq {beyond} ? ORDER BY t.seq {order} LIMIT ?",
        [*params, first[0], limit],
    ).fetchall()
    return [_row(r) for r in rows], int(total)


def iter_tasks(db: sqlite3.Connection, project: str, query: TaskQuery) -> Iterator[TaskRow]:
    """Every task of ``project`` matching ``query``, in upload order, one row at a time."""
    where, params = _where(project, query)
    for row in db.execute(f"{_TASK_SELECT}{where} ORDER BY t.seq", params):
        yield _row(row)


#: The condition on a row ``r`` of ``answer_refs`` that it counts: an element's own row, or an option
#: row whose element answers ``owner`` (NULL: any element, the label set cannot tell; "": none).
_CHOSE_FROM_OWNER = (
    "(r.kind != 'option' OR {owner} IS NULL OR EXISTS (SELECT 1 FROM answer_refs c"
    " WHERE c.project = r.project AND c.schema_id = {owner} AND c.task = r.task"
    " AND c.element = r.element AND c.kind != 'option'))"
)
_GROUP_OWNER = _CHOSE_FROM_OWNER.format(owner="json_extract(g.value, '$[2]')")
_UNDER_OWNER = _CHOSE_FROM_OWNER.format(owner="?")


def count_refs(
    db: sqlite3.Connection, project: str, schema_ids: Iterable[str], owners: Mapping[str, str] | None = None
) -> RefCount:
    """How many answer elements (at any depth, in any stage) of ``project`` reference any of
    ``schema_ids`` (an answer that chooses one of them as an option included), and in how many tasks."""
    return count_groups(db, project, [schema_ids], owners)[0]


def count_groups(
    db: sqlite3.Connection,
    project: str,
    groups: Sequence[Iterable[str]],
    owners: Mapping[str, str] | None = None,
) -> list[RefCount]:
    """:func:`count_refs` of every group of schemaIds, in one query, in the groups' order.

    An element is counted once per group, however many of the group's schemaIds it names (a
    classification answer and the option it chose; an option row shares its answer's ``element``).
    ``owners`` maps the ids of the label set to the classification that may choose them: an option's
    or tree option's id to its classification's schemaId, a category's to ``""`` (none may). An
    answer value that equals such an id counts as chosen only in an answer to that classification: a
    text answer that happens to equal an option's (or a tool's) id chose nothing. A value the label
    set does not hold (or any value, without ``owners``) counts when it equals an id asked about.
    """
    pairs = [
        [i, sid, None if owners is None else owners.get(sid)]
        for i, ids in enumerate(groups)
        for sid in sorted(set(ids))
    ]
    rows = db.execute(
        "SELECT grp, COUNT(*), COUNT(DISTINCT task) FROM (SELECT DISTINCT json_extract(g.value, '$[0]')"
        " AS grp, r.task AS task, r.element AS element FROM json_each(?) g JOIN answer_refs r"
        " ON r.project = ? AND r.schema_id = json_extract(g.value, '$[1]')"
        f" WHERE {_GROUP_OWNER}) GROUP BY grp",
        (_dumps(pairs), project),
    ).fetchall()
    found = {int(r[0]): RefCount(int(r[1]), int(r[2])) for r in rows}
    return [found.get(i, RefCount(0, 0)) for i in range(len(groups))]


def count_tasks_lacking(db: sqlite3.Connection, project: str, schema_ids: Sequence[str]) -> list[int]:
    """Per schemaId, in order: the tasks of ``project`` (in every stage) with no answer element
    whose own ``schemaId`` it is (an option row naming it does not count as an answer to it)."""
    total = int(db.execute("SELECT COUNT(*) FROM tasks WHERE project = ?", (project,)).fetchone()[0])
    out = []
    for sid in schema_ids:  # each an indexed count of the tasks that do answer it
        row = db.execute(
            "SELECT COUNT(DISTINCT task) FROM answer_refs WHERE project = ? AND schema_id = ?"
            " AND kind != 'option'",
            (project, sid),
        ).fetchone()
        out.append(total - int(row[0]))
    return out


def count_under(
    db: sqlite3.Connection,
    project: str,
    pairs: Sequence[Sequence[str]],
    owners: Mapping[str, str] | None = None,
) -> list[int]:
    """Per (schemaId, optionId) pair, in order: the answer elements to the schemaId (not option rows)
    in the tasks of ``project`` whose answer chose the option somewhere (every stage); with
    ``owners`` (see :func:`count_groups`), chose it in an answer to the option's own classification."""
    out = []
    for sid, option in pairs:
        owner = None if owners is None else owners.get(option)
        row = db.execute(
            "SELECT COUNT(*) FROM answer_refs a WHERE a.project = ? AND a.schema_id = ?"
            " AND a.kind != 'option'"
            " AND a.task IN (SELECT r.task FROM answer_refs r WHERE r.project = ? AND r.schema_id = ?"
            f" AND r.kind = 'option' AND {_UNDER_OWNER})",
            (project, sid, project, option, owner, owner),
        ).fetchone()
        out.append(int(row[0]))
    return out


def text_answers(
    db: sqlite3.Connection, project: str, schema_id: str, limit: int
) -> list[tuple[str, str]] | None:
    """(task id, text) of every answer of ``project`` (any depth, every stage) to ``schema_id`` whose
    ``answer`` is a string, in upload order; None when there are more than ``limit`` such answers
    (the caller cannot tell, rather than reading without bound)."""
    out: list[tuple[str, str]] = []
    rows = db.execute(
        "SELECT t.id, t.answer FROM tasks t WHERE t.project = ? AND t.id IN (SELECT task FROM answer_refs"
        " WHERE project = ? AND schema_id = ? AND kind = 'classification') ORDER BY t.seq",
        (project, project, schema_id),
    )
    for task_id, text in rows:
        for found in texts_of(orjson.loads(text), schema_id):
            out.append((str(task_id), found))
            if len(out) > limit:
                return None
    return out


def schema_id_counts(db: sqlite3.Connection, project: str) -> list[tuple[str, str, int, int]]:
    """(schemaId, kind, answer elements, tasks) for every schemaId ``project``'s answers reference."""
    rows = db.execute(
        "SELECT schema_id, kind, COUNT(*), COUNT(DISTINCT task) FROM answer_refs WHERE project = ? "
        "AND kind != 'option' GROUP BY schema_id, kind ORDER BY schema_id, kind",
        (project,),
    ).fetchall()
    return [(r[0], r[1], int(r[2]), int(r[3])) for r in rows]


#: Export files kept per project (older ones are dropped: a client downloads its file at once).
KEEP_EXPORTS = 5


def put_export(
    db: sqlite3.Connection, token: str, org: str, project: str, name: str, content: bytes, now: str
) -> None:
    """Store an export file under ``token``, keeping the newest few of the project."""
    db.execute("INSERT INTO exports VALUES (?, ?, ?, ?, ?, ?)", (token, org, project, name, content, now))
    db.execute(
        "DELETE FROM exports WHERE project = ? AND token NOT IN "
        "(SELECT token FROM exports WHERE project = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)",
        (project, project, KEEP_EXPORTS),
    )


def get_export(db: sqlite3.Connection, token: str) -> tuple[str, bytes] | None:
    """(file name, content) of the export ``token``, or None."""
    row = db.execute("SELECT name, content FROM exports WHERE token = ?", (token,)).fetchone()
    return (str(row["name"]), bytes(row["content"])) if row else None


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()
