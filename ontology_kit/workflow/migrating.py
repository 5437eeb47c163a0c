"""Running a plan's migrations of answers on a hub: backup, journal, rewrite, verify
(docs/migrations.md). The answers are read and written through the official SDK's routes only
(``get_tasks`` with answers, ``import_labels``), so this runs against any hub that serves them.

Apply executes two operations of the plan:

1. :class:`~ontology_kit.plan.operations.BackupAnswers`, before the label set changes: every task's
   answer goes to a backup file under ``.ontokit/backups/`` (written whole, then renamed; its path
   is printed), every answer is rewritten in memory once to find conflicts (one makes apply stop
   here, before any write), and a journal under ``.ontokit/migrations/`` records the backup, the label
   set the answers were made with and which migrations run. A journal left by an interrupted apply
   of the same migrations is continued: the backup made first stays the backup.
2. :class:`~ontology_kit.plan.operations.MigrateAnswers`, after the label set changed: a page of
   tasks at a time, each answer is rewritten (``answer_rewrite.rewrite``) and the ones that change
   are imported (``import_labels`` replaces a task's answer). The rewrite is idempotent, so a page
   written before an interruption is left as it is when apply runs again: each answer is migrated
   once. Then every task is read back and compared with what the migrations make of its backup;
   the journal is removed only when all of them match.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import zip_longest
from pathlib import Path
from typing import IO, Any

import orjson

from .._io import write_atomic
from ..answer_rewrite import rewrite
from ..category_schema import CategorySchema
from ..client import HubClient
from ..client.labels import MAX_PER_REQUEST, TaskAnswer, import_labels, iter_answers
from ..errors import BackupFileError, MigrationError
from ..migration import Binding, DeclaredMigration, bind
from ..state import DesiredProject

__all__ = [
    "BACKUP_FORMAT",
    "Backup",
    "Journal",
    "MigrationRun",
    "answer_digest",
    "journal_file",
    "label_for",
    "read_backup",
    "read_journal",
    "shown_path",
]

#: The version of the backup format (its first line says ``{"ontokit_backup": 1, ...}``).
BACKUP_FORMAT = 1
#: Bounds of what a backup reader takes: the file, one line (a task; the header holds a label set).
MAX_BACKUP_BYTES = 8 * 1024**3
MAX_LINE_BYTES = 64 * 1024**2
#: A journal holds a label set: the same bound as a line.
MAX_JOURNAL_BYTES = MAX_LINE_BYTES
#: Conflicts shown in one error (the rest are counted).
_SHOWN = 10
_KEYS = ("tools", "classifications", "relations")


def _lists(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer's three lists (``objects`` read as ``tools``; a missing list as an empty one)."""
    tools = answer.get("tools", answer.get("objects"))
    return {"tools": tools or [], **{k: answer.get(k) or [] for k in _KEYS[1:]}}


def answer_digest(answer: dict[str, Any]) -> bytes:
    """What two answers must share to be the same: their three lists, keys sorted."""
    return hashlib.sha256(orjson.dumps(_lists(answer), option=orjson.OPT_SORT_KEYS)).digest()


def label_for(external_id: str, answer: dict[str, Any]) -> dict[str, Any]:
    """An ``import_labels`` entry that replaces a task's answer with ``answer``."""
    lists = _lists(answer)
    return {"externalId": external_id, "objects": lists.pop("tools"), **lists}


def migrations_digest(migrations: tuple[DeclaredMigration, ...], after: CategorySchema) -> str:
    """Which migrations, to which label set: a journal continues only the same ones."""
    doc = {"migrations": [m.to_json() for m in migrations], "after": after.payload()}
    return hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()


def journal_file(state: Path, hub: str, project_id: str) -> Path:
    """Where the journal of a migration of ``project_id`` on ``hub`` is kept."""
    key = hashlib.sha256(hub.encode()).hexdigest()[:12]
    return state / "migrations" / f"{key}-{_file_name(project_id)}.json"


def _file_name(project_id: str) -> str:
    """A hub's project id as part of a file name (any character but ``- _ .`` and alphanumerics
    replaced: an id comes from a hub)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in project_id)[:200]


# -- the journal ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Journal:
    """An unfinished migration of one project: its backup, the label set its answers were made
    with, and which migrations (a digest)."""

    project: str
    hub: str
    migrations: str
    backup: str
    before: dict[str, Any]

    def to_json(self) -> str:
        """The journal file's text."""
        return json.dumps(
            {
                "ontokit_migration_journal": 1,
                "project": self.project,
                "hub": self.hub,
                "migrations": self.migrations,
                "backup": self.backup,
                "before": self.before,
            }
        )


def read_journal(path: Path) -> Journal | None:
    """The journal at ``path`` (None: there is none).

    Raises:
        MigrationError: it is damaged (never silently ignored: it says where the backup is).
    """
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_JOURNAL_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise MigrationError(
            f"cannot read the migration journal {path}: {exc.strerror or exc}; {_kept_backup(path)}"
        ) from None
    try:
        doc = orjson.loads(raw) if len(raw) <= MAX_JOURNAL_BYTES else None
    except orjson.JSONDecodeError:
        doc = None
    fields = ("project", "hub", "migrations", "backup")
    if (
        not isinstance(doc, dict)
        or doc.get("ontokit_migration_journal") != 1
        or not all(isinstance(doc.get(k), str) for k in fields)
        or not isinstance(doc.get("before"), dict)
    ):
        raise MigrationError(f"the migration journal {path} is damaged; {_kept_backup(path)}")
    return Journal(doc["project"], doc["hub"], doc["migrations"], doc["backup"], doc["before"])


def _kept_backup(journal: Path) -> str:
    """What to do about a journal that cannot be read, naming the backup it kept: the newest backup
    of its project (apply writes the journal right after the backup, and no backup while a journal
    is there)."""
    project = journal.name.removesuffix(".json").partition("-")[2]  # `{hub key}-{project}.json`
    folder = journal.parent.parent / "backups"
    try:
        found = sorted(  # `{project}-{stamp}.ndjson`: the stamp has no `-` (another project's may)
            p
            for p in folder.glob(f"{glob.escape(project)}-*.ndjson")
            if "-" not in p.name[len(project) + 1 :]
        )
    except OSError:
        found = []
    if not found:
        return (
            f"no backup of project {project} is under {_relative(folder)}: finish or undo the migration "
            "by hand, then delete the journal"
        )
    shown = _relative(found[-1])
    return (
        f"its backup is {shown} (the newest of project {project}): `ontokit restore {shown}` puts the "
        "label set and the answers back and removes the journal; then apply again"
    )


# -- the backup -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Backup:
    """A backup's header: which project on which hub, when, and the label set of its answers;
    ``tasks``, the lines after it, once a whole read counted them (``restoring.check_backup``)."""

    project: str
    hub: str
    created: str
    category_schema: dict[str, Any]
    tasks: int | None = None


def _write_backup(
    client: HubClient, project_id: str, hub: str, folder: Path, before: CategorySchema, binding: Binding
) -> tuple[Path, int, list[str]]:
    """Every task's answer into a new backup file (written whole, then renamed into place); returns
    its path, the number of tasks, and the conflicts rewriting them would meet."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{_file_name(project_id)}-{stamp}.ndjson"
    header = {
        "ontokit_backup": BACKUP_FORMAT,
        "project": project_id,
        "hub": hub,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "categorySchema": before.payload(),
    }
    conflicts: list[str] = []
    tasks = 0
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(orjson.dumps(header) + b"\n")
            for task in iter_answers(client, project_id):
                entry = {"taskId": task.id, "externalId": task.external_id, "answer": task.answer}
                fh.write(orjson.dumps(entry))
                fh.write(b"\n")
                tasks += 1
                result = rewrite(task.answer, binding)
                conflicts += [f"task {task.external_id}: {c}" for c in result.conflicts]
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path, tasks, conflicts


def read_backup(path: Path) -> tuple[Backup, Iterator[TaskAnswer]]:
    """A backup's header, and its tasks (read lazily, a line at a time).

    Raises:
        BackupFileError: it is not a regular file of at most :data:`MAX_BACKUP_BYTES`, or its header
            or a line is not what ``ontokit apply`` writes (the lazy reader raises it as it goes).
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise BackupFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise BackupFileError(f"{path} is not a regular file")
    if info.st_size > MAX_BACKUP_BYTES:
        raise BackupFileError(
            f"{path} is larger than {MAX_BACKUP_BYTES // 1024**3} GiB: not a backup ontokit wrote"
        )
    fh = open(path, "rb")  # noqa: SIM115 - handed to the lazy reader, which closes it
    try:
        doc = _line(fh, path, 1)
        fields = ("project", "hub", "created")
        if (
            not isinstance(doc, dict)
            or doc.get("ontokit_backup") != BACKUP_FORMAT
            or not all(isinstance(doc.get(k), str) for k in fields)
            or not isinstance(doc.get("categorySchema"), dict)
        ):
            raise BackupFileError(f"{path}:1: not an ontokit answers backup (format {BACKUP_FORMAT})")
    except BaseException:
        fh.close()
        raise
    header = Backup(doc["project"], doc["hub"], doc["created"], doc["categorySchema"])
    return header, _tasks(fh, path)


def _line(fh: IO[bytes], path: Path, number: int) -> Any:
    return _parsed(fh.readline(MAX_LINE_BYTES + 1), path, number)


def _parsed(raw: bytes, path: Path, number: int) -> Any:
    if len(raw) > MAX_LINE_BYTES:
        raise BackupFileError(f"{path}:{number}: a line longer than {MAX_LINE_BYTES // 1024**2} MiB")
    try:
        return orjson.loads(raw) if raw.strip() else None
    except orjson.JSONDecodeError as exc:
        raise BackupFileError(f"{path}:{number}: not JSON ({exc})") from None


def _tasks(fh: IO[bytes], path: Path) -> Iterator[TaskAnswer]:
    with fh:
        number = 1
        while True:
            number += 1
            raw = fh.readline(MAX_LINE_BYTES + 1)
            if not raw:  # the end (a blank line reads as b"\n"; asking the file where it is cost a call)
                return
            doc = _parsed(raw, path, number)
            if doc is None:
                continue
            ok = (
                isinstance(doc, dict)
                and isinstance(doc.get("taskId"), str)
                and isinstance(doc.get("externalId"), str)
                and isinstance(doc.get("answer"), dict)
            )
            if not ok:
                raise BackupFileError(f"{path}:{number}: not a task ({{taskId, externalId, answer}})")
            yield TaskAnswer(doc["taskId"], doc["externalId"], doc["answer"])


# -- running -----------------------------------------------------------------------------------------------
class MigrationRun:
    """The migrations of one project's plan on one hub (the executors of ``BackupAnswers`` and
    ``MigrateAnswers`` call :meth:`backup` and :meth:`migrate`)."""

    def __init__(
        self,
        client: HubClient,
        hub: str,
        state: Path,
        desired: DesiredProject,
        project_id: str,
        notice: Callable[[str], None],
        go_on: Callable[[], bool],
    ) -> None:
        self.client = client
        self.hub = hub
        self.state = state
        self.desired = desired
        self.project_id = project_id
        self.notice = notice
        self.go_on = go_on  # False: stop between pages (Ctrl-C); the journal stays for the next run
        self.journal_path = journal_file(state, hub, project_id)
        self.digest = migrations_digest(desired.migrations, desired.category_schema)

    def binding(self, before: CategorySchema) -> Binding:
        found = bind(self.desired.migrations, before, self.desired.category_schema)
        if found.problems:  # the plan showed them as blocked; a plan file edited by hand gets here
            raise MigrationError(f"{self.desired.definition}: {found.problems[0]}")
        return found

    def backup(self, before: CategorySchema) -> None:
        """Back up every answer and check the rewrite meets no conflict; or continue a journal."""
        journal = read_journal(self.journal_path)
        if journal is not None:
            backup = shown_path(journal.backup)
            if journal.migrations != self.digest:
                raise MigrationError(
                    f"project {self.desired.name!r}: an interrupted migration with other migrations is "
                    f"unfinished (journal {self.journal_path}; backup {backup}): apply the definitions it "
                    f"was started with to finish it, or `ontokit restore {backup}` (it removes the journal)"
                )
            if not Path(journal.backup).is_file():  # checked before any write: the read-back needs it
                raise MigrationError(
                    f"project {self.desired.name!r}: the backup of an interrupted migration, {backup}, is "
                    f"gone (journal {self.journal_path}): put it back to continue (without it the migration "
                    "can neither be checked nor undone)"
                )
            self.notice(
                f"project {self.desired.name!r}: continuing an interrupted migration; its backup is {backup}"
            )
            return
        binding = self.binding(before)
        path, tasks, conflicts = _write_backup(
            self.client, self.project_id, self.hub, self.state / "backups", before, binding
        )
        shown = _relative(path)
        if conflicts:
            more = f" (and {len(conflicts) - _SHOWN} more)" if len(conflicts) > _SHOWN else ""
            raise MigrationError(
                f"project {self.desired.name!r}: {len(conflicts)} answer(s) cannot be migrated, nothing was "
                f"changed: {'; '.join(conflicts[:_SHOWN])}{more} (backup: {shown})"
            )
        journal = Journal(self.project_id, self.hub, self.digest, str(path), before.payload())
        self.journal_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.journal_path, journal.to_json())
        self.notice(
            f"project {self.desired.name!r}: backed up the answers of {tasks:,} task(s) to {shown} "
            f"(`ontokit restore {shown}` puts them back)"
        )

    def migrate(self) -> bool:
        """Rewrite the answers the migrations carry, then check every task against the backup.
        False: stopped between pages (the journal stays; apply again continues)."""
        journal = read_journal(self.journal_path)
        if journal is None:
            raise MigrationError(
                f"project {self.desired.name!r}: no journal of this migration ({self.journal_path}): "
                "apply backs the answers up first; run `ontokit plan` and apply again"
            )
        binding = self.binding(CategorySchema(journal.before))
        labels: list[dict[str, Any]] = []
        written = 0
        for task in iter_answers(self.client, self.project_id):
            result = rewrite(task.answer, binding)
            if result.conflicts:
                raise MigrationError(
                    f"project {self.desired.name!r}: task {task.external_id} changed since the backup and "
                    f"cannot be migrated: {result.conflicts[0]} (backup: {shown_path(journal.backup)})"
                )
            # Equal answers need no digest (most pages of a project hold many a migration leaves alone).
            if result.answer != task.answer and answer_digest(result.answer) != answer_digest(task.answer):
                labels.append(label_for(task.external_id, result.answer))
            if len(labels) >= MAX_PER_REQUEST:
                if not self.go_on():
                    return False
                import_labels(self.client, self.project_id, labels)
                written, labels = written + len(labels), []
        if labels:
            if not self.go_on():
                return False
            import_labels(self.client, self.project_id, labels)
            written += len(labels)
        checked = self.verify(Path(journal.backup), binding)
        self.journal_path.unlink(missing_ok=True)
        self.notice(
            f"project {self.desired.name!r}: migrated the answers of {written:,} task(s); read back, all "
            f"{checked:,} task(s) of the backup hold what the migrations make of it"
        )
        return True

    def verify(self, backup: Path, binding: Binding) -> int:
        """Every task of the backup holds what the migrations make of its backed-up answer."""
        _, tasks = read_backup(backup)
        # The backup and the hub list the tasks in the same (upload) order: they are read side by
        # side, and a task is held only while the other side has not reached it (a task gone from the
        # hub shifts them by one). Holding every task's digest cost memory in the size of the project.
        waiting: dict[str, tuple[str, bytes]] = {}  # read from the backup, not yet from the hub
        ahead: dict[str, bytes] = {}  # read from the hub, not yet from the backup
        total = 0
        differ: list[str] = []
        hub = iter_answers(self.client, self.project_id)
        for old, now in zip_longest(tasks, hub):
            if old is not None:
                total += 1
                want = answer_digest(rewrite(old.answer, binding).answer)
                got = ahead.pop(old.id, None)
                if got is None:
                    waiting[old.id] = (old.external_id, want)
                elif got != want:
                    differ.append(old.external_id)
            if now is not None:
                found = waiting.pop(now.id, None)
                if found is not None:
                    if answer_digest(now.answer) != found[1]:
                        differ.append(now.external_id)
                elif old is not None:
                    ahead[now.id] = answer_digest(now.answer)
                elif not waiting:
                    break  # the backup is read and every task of it found: the rest is newer
        missing = [external for external, _ in waiting.values()]
        if differ or missing:
            parts = []
            if differ:
                shown = ", ".join(differ[:_SHOWN])
                parts.append(f"{len(differ)} task(s) hold other answers than planned ({shown})")
            if missing:
                shown = ", ".join(missing[:_SHOWN])
                parts.append(f"{len(missing)} task(s) of the backup are gone ({shown})")
            raise MigrationError(
                f"project {self.desired.name!r}: the migration did not arrive as planned: "
                f"{'; '.join(parts)}; `ontokit restore {_relative(backup)}` puts the answers back "
                f"(the journal {self.journal_path} stays until then)"
            )
        return total


def shown_path(path: str | Path) -> str:
    """``path`` as messages show it: relative to the folder the command runs in when inside it."""
    return _relative(Path(path))


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
