"""``ontokit restore BACKUP``: put a project's label set and answers back as an answers backup holds
them (docs/migrations.md, "Backups and restore").

The backup names its project and hub; restore runs against the hub the user chose (``--hub``,
``ONTOKIT_HUB``, the workspace's) and refuses another project or hub than the backup's. It holds the
project's lease (as apply does), sets the backed-up label set when the hub's differs, imports the
backed-up answer of every task whose answer differs (``import_labels``, a chunk at a time), reads
every task back and checks it, and removes the journal of an unfinished migration of the project:
after a restore, the project is as it was before that apply. Running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..category_schema import CategorySchema
from ..client import HubTarget
from ..client.labels import MAX_PER_REQUEST, import_labels, iter_answers
from ..client.target import workspace_state
from ..errors import ApplyCancelled, MigrationError, OntokitError
from .locking import holding_project
from .migrating import Backup, answer_digest, journal_file, label_for, read_backup
from .session import choose_hub, open_session, workspace_settings

__all__ = ["RestoreResult", "check_backup", "restore", "restore_backup"]


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the backup's header, whether the label set was set back, and how many
    tasks' answers were put back (of those the backup holds)."""

    backup: Backup
    label_set: bool
    restored: int


def check_backup(path: str | Path) -> Backup:
    """The header of the backup at ``path``, every line of it checked.

    Raises:
        BackupFileError: it is not a backup ontokit wrote, or is damaged.
    """
    header, tasks = read_backup(Path(path))
    counted = sum(1 for _ in tasks)  # every line read and checked, before anything is written
    return replace(header, tasks=counted)


def restore_backup(
    path: str | Path,
    hub: str | None,
    *,
    confirm: Callable[[Backup, str], bool],
    lock_timeout: float = 0.0,
) -> RestoreResult:
    """Restore the backup at ``path`` onto the hub ``hub`` names (else ``ONTOKIT_HUB``, else the
    workspace's ``hub:``, else the embedded local Hub), as :func:`restore` does."""
    target = choose_hub(hub, workspace_settings().get("hub"))
    return restore(path, target, confirm=confirm, lock_timeout=lock_timeout)


def restore(
    path: str | Path,
    target: HubTarget,
    *,
    confirm: Callable[[Backup, str], bool],
    lock_timeout: float = 0.0,
    key: str | None = None,
) -> RestoreResult:
    """Restore the backup at ``path`` onto ``target``, once ``confirm(header, hub)`` says yes.

    ``key`` names the hub as journals do (:func:`~ontology_kit.workflow.migrating.journal_file`).

    Raises:
        BackupFileError: the backup is damaged (nothing was written).
        MigrationError: it is another hub's backup, or the tasks did not read back as backed up.
        ApplyCancelled: not confirmed.
    """
    header = check_backup(path)
    hub_key = key or (str(target.db.resolve()) if target.db is not None else target.url)
    if header.hub != hub_key:
        raise MigrationError(
            f"{path} is a backup of a project on {header.hub}, not on {target.description}: choose its "
            "hub with --hub"
        )
    with open_session(target) as session:
        hub = session.planner.hub
        if not confirm(header, hub):
            raise ApplyCancelled("restore cancelled; nothing was changed")
        project = session.client.get_project(header.project)
        name = str(project.get("name") or header.project)
        with holding_project(session.client, hub, name, header.project, lock_timeout):
            live = CategorySchema.of(project.get("categorySchema"))
            label_set = live != CategorySchema(header.category_schema)
            if label_set:
                session.client.set_category_schema(header.project, header.category_schema)
            restored = _answers(session.client, Path(path), header)
    try:
        journal_file(workspace_state(), hub_key, header.project).unlink(missing_ok=True)
    except OntokitError:  # `.ontokit` links out of the workspace: no journal there
        pass
    except OSError as exc:  # a damaged journal (a folder, say): restored all the same; say what is left
        raise MigrationError(
            f"restored {path}, but cannot remove the migration journal of project {header.project}: "
            f"{exc.strerror or exc}; delete it by hand"
        ) from None
    return RestoreResult(header, label_set, restored)


def _answers(client: Any, path: Path, header: Backup) -> int:
    """Import the backed-up answer of every task whose answer differs; then check them all."""
    _, tasks = read_backup(path)
    wanted = {t.id: answer_digest(t.answer) for t in tasks}
    differ = {
        t.id
        for t in iter_answers(client, header.project)
        if t.id in wanted and wanted[t.id] != answer_digest(t.answer)
    }
    labels: list[dict[str, Any]] = []
    _, tasks = read_backup(path)
    for task in tasks:
        if task.id in differ:
            labels.append(label_for(task.external_id, task.answer))
        if len(labels) >= MAX_PER_REQUEST:
            import_labels(client, header.project, labels)
            labels = []
    if labels:
        import_labels(client, header.project, labels)
    wrong = [
        t.external_id
        for t in iter_answers(client, header.project)
        if t.id in wanted and wanted[t.id] != answer_digest(t.answer)
    ]
    if wrong:
        raise MigrationError(
            f"after restoring {path}, {len(wrong)} task(s) still hold other answers ({', '.join(wrong[:10])})"
        )
    return len(differ)
