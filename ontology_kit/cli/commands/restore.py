"""``ontokit restore``"""

from __future__ import annotations

import sys

import click

from ...errors import ExitCode
from ._common import echo_line, lock_timeout_option, showing_diagnostics


@click.command("restore")
@click.argument("backup")
@click.option(
    "--hub",
    default=None,
    metavar="URL",
    help="Hub holding the project [default: $ONTOKIT_HUB, else the workspace's hub:, else embedded].",
)
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@lock_timeout_option("apply's lock on the project")
def restore_command(backup: str, hub: str | None, auto_approve: bool, lock_timeout: float) -> int:
    """Put a project's label set and answers back as an answers backup holds them.

    BACKUP is a file `ontokit apply` wrote under .ontokit/backups/ before it
    migrated answers (its path was printed). Every line is checked before
    anything is written; the backup's project must be on the chosen hub. The
    label set is set back when it differs, every task whose answer differs gets
    its backed-up answer, every task is read back and checked, and the journal
    of an unfinished migration of the project is removed. Revert the ontology
    in git too, or the next apply migrates again. Running it twice changes
    nothing the second time.

    \b
    Examples:
      ontokit restore .ontokit/backups/6571c1f0a5b4-20261130T101500Z.ndjson
    """
    from ...errors import ApplyCancelled
    from ...workflow.restoring import restore_backup

    def confirm(header: object, hub_name: str) -> bool:
        project = getattr(header, "project", "")
        tasks = getattr(header, "tasks", 0)
        created = getattr(header, "created", "")
        echo_line(
            f"Restore project {project} on {hub_name} to its backup of {created}: the label set, and "
            f"the answers of its {tasks:,} task(s) where they differ.",
            err=True,
        )
        if auto_approve:
            return True
        if not sys.stdin.isatty():
            raise ApplyCancelled(
                "refusing to restore without confirmation: no terminal to ask on; pass --auto-approve"
            )
        answer = click.prompt("Restore? Only 'yes' is accepted", default="", show_default=False, err=True)
        return answer.strip() == "yes"

    from ..run_view import RunView

    with showing_diagnostics(), RunView():  # retries are told
        result = restore_backup(backup, hub, confirm=confirm, lock_timeout=lock_timeout)
    what = "the label set and " if result.label_set else ""
    click.echo(
        f"Restored {what}the answers of {result.restored:,} task(s) of project {result.backup.project}; "
        f"read back: all {result.backup.tasks or 0:,} task(s) of the backup hold its answers."
    )
    return ExitCode.OK
