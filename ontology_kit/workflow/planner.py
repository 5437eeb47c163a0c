"""Planning against a hub: read the live state of each defined project and diff it (plan's I/O edge).

Identity of a definition's project: its ``id`` when given; otherwise an exact, unique name match;
otherwise it does not exist yet (apply creates it). Several projects with the name is an error.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..category_schema import CategorySchema
from ..client import HubClient
from ..client.counts import ANNOTATION_COUNTS, ExtensionCounter
from ..client.export_counts import ExportCounter
from ..client.labels import tasks_in_batch
from ..client.setup_calls import tasks_in_stage
from ..count_query import CountAnswer, CountQuery
from ..errors import BadRequestError, HubError, NotFoundError, OntokitError
from ..plan.affected import answered, questions
from ..plan.migrations import settled
from ..plan.model import Action, Affected, ChangeKind, Impact, Plan, ProjectPlan
from ..plan.project_diff import plan_project
from ..plan.setup_diff import without_tasks
from ..state import DesiredProject, HubCapabilities, LiveProject, is_secret_env
from .migrating import Journal, journal_file, read_journal, shown_path

__all__ = ["CONCURRENCY", "LOCKS_EXTENSION", "Counter", "Planner", "Target", "read_secrets"]

#: How many projects are planned (and applied) at once.
CONCURRENCY = 4
#: The hub extension that offers leases to apply (docs/hub.md; workflow/locking.py).
LOCKS_EXTENSION = "locks"


class Counter(Protocol):
    """What answers a plan's questions about a project's answers: the hub's ``annotation-counts``
    extension (``client/counts.py``) or one streamed pass over its export (``client/export_counts.py``)."""

    def count(self, live: LiveProject, query: CountQuery) -> CountAnswer:
        """The answers to ``query`` about ``live``; a HubError (one line) when the hub cannot tell."""
        ...


@dataclass(frozen=True)
class Target:
    """What to plan for one project: what it should be, and which hub project it is, if known."""

    desired: DesiredProject
    project_id: str | None  # from the definition, or recorded in a saved plan
    id_from_definition: bool = False  # a wrong id is then an error, not "the project is gone"

    @classmethod
    def of(cls, desired: DesiredProject) -> Target:
        """The target of a definition."""
        return cls(desired, desired.id, id_from_definition=bool(desired.id))


def read_secrets(desired: DesiredProject, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The webhook secrets a desired state refers to that the environment holds.

    A variable that is not set is left out: the plan compares nothing for it and says so, and apply
    refuses to write that webhook (``plan/project_diff.py``), so reviewers can plan without
    production secrets. A variable outside :data:`~ontology_kit.state.SECRET_ENV_PATTERN` is an
    error before it is read: a project or plan file must not pick which of this machine's secrets
    is sent to the hub.
    """
    env = os.environ if env is None else env
    out = {}
    users = [(f"webhook {h.url}", h.secret_env) for h in desired.webhooks]
    users += [(f"stage {s.id}", s.secret_env) for s in desired.setup.workflow or ()]
    for user, var in users:
        if not var:
            continue
        if not is_secret_env(var):
            raise OntokitError(
                f"{desired.definition}: {user} takes its secret from {var!r}, which is not "
                "a webhook secret's name (`HOOK` in it, `_SECRET` at its end); refusing to read it"
            )
        value = env.get(var)
        if not value:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 reach os.environ as lone surrogates
            raise OntokitError(
                f"{desired.definition}: the environment variable {var} (the secret of {user}) is not "
                "valid UTF-8 text"
            ) from None
        out[var] = value
    return out


def _one_definition_per_project(plan: Plan) -> None:
    """Two definitions found the same hub project (say one by `id:`, one by name): refuse both."""
    seen: dict[str, str] = {}
    for p in plan.projects:
        if p.project_id is None:
            continue
        if p.project_id in seen:
            raise OntokitError(
                f"{seen[p.project_id]} and {p.definition} both manage project {p.project_id} on "
                f"{plan.hub}; each definition must manage its own project (check their `id:` and "
                "`name:`)"
            )
        seen[p.project_id] = p.definition


class Planner:
    """Plans definitions against one hub, through one client."""

    def __init__(
        self,
        client: HubClient,
        hub: str,
        capabilities: HubCapabilities | None = None,
        *,
        count: bool = True,
        state: Path | None = None,
        hub_key: str | None = None,
    ) -> None:
        self.client = client
        # `.ontokit/` of the workspace: the journals of interrupted migrations (None: not looked at),
        # kept per hub under a name that does not depend on the folder a command runs in
        self.state = state
        self.hub_key = hub_key or hub
        self.hub = hub
        self.capabilities = capabilities if capabilities is not None else client.capabilities()
        # Counting asks the hub's extension when it has one, else reads the documented export (the
        # real Hub); with `--no-count`, every change's `affected` stays None.
        self.count = count
        self.counter: Counter = (
            ExtensionCounter(client) if ANNOTATION_COUNTS in self.capabilities else ExportCounter(client)
        )
        self._names: dict[str, list[str]] | None = None
        self._lock = threading.Lock()

    def plan(
        self, targets: Sequence[Target], *, on_done: Callable[[ProjectPlan], None] | None = None
    ) -> Plan:
        """Plan every target, a few at a time; results keep the targets' order."""

        def one(target: Target) -> ProjectPlan:
            live = self.read_live(target)
            result = self.with_counts(self.plan_against(target, live), live)
            if on_done is not None:
                on_done(result)
            return result

        if len(targets) <= 1:
            plan = Plan(self.hub, tuple(one(t) for t in targets))
        else:
            with ThreadPoolExecutor(max_workers=min(CONCURRENCY, len(targets))) as pool:
                plan = Plan(self.hub, tuple(pool.map(one, targets)))
        _one_definition_per_project(plan)
        return plan

    def plan_one(self, target: Target) -> ProjectPlan:
        """The plan of one target, against its live state read now (its migrations counted: that
        is what tells a migration that ran from one to run)."""
        live = self.read_live(target)
        project = self.plan_against(target, live)
        if any(c.action is Action.MIGRATE for c in project.changes):
            project = self.with_counts(project, live)
        return project

    def plan_against(self, target: Target, live: LiveProject | None) -> ProjectPlan:
        """The plan of one target against a live state already read (None: the project is absent)."""
        journal = self.journal(live.id) if live is not None else None
        made_with = CategorySchema(journal.before) if journal is not None else None
        secrets = read_secrets(target.desired)
        project = plan_project(target.desired, live, secrets, self.capabilities, made_with)
        if journal is None:
            return project
        if target.desired.migrations:
            said = f"apply continues it (its backup: {shown_path(journal.backup)})"
        else:  # nothing left to continue it with: say how to end it
            said = (
                f"the definitions declare no migrations to continue it with: declare them again, or "
                f"`ontokit restore {shown_path(journal.backup)}`"
            )
        note = f"an interrupted migration of answers is unfinished: {said}"
        return dataclasses.replace(project, warnings=(*project.warnings, note))

    def journal(self, project_id: str) -> Journal | None:
        """The journal of an interrupted migration of ``project_id`` on this hub (None: there is
        none, or no workspace to keep one).

        Raises:
            MigrationError: the journal is damaged.
        """
        if self.state is None:
            return None
        return read_journal(journal_file(self.state, self.hub_key, project_id))

    def with_counts(self, project: ProjectPlan, live: LiveProject | None) -> ProjectPlan:
        """``project`` with what its changes do to the live answers: every question of its plan
        (the annotations each change of a category-schema item affects, the tasks lacking an answer
        to a classification made required, the text answers a new regex no longer matches, the
        answers given under an old condition) asked of the counter at once. Unchanged when not
        counting or when the project does not exist; when the hub cannot tell, the counts stay None
        and ``uncounted`` says why, in one line."""
        migrating = any(c.action is Action.MIGRATE for c in project.changes)
        # A migration is always counted: its count is what tells a migration that ran (nothing left
        # to carry: dropped from the plan) from one to run.
        if not (self.count or migrating) or live is None or project.project_id is None:
            return project
        project = self._task_counts(project, project.project_id)
        asked = questions(project, live.category_schema)
        query = asked.query(project)
        if not query:
            return project
        try:
            answer = self.counter.count(live, query)
        except HubError as exc:  # counts are what the plan knows of the data, never a reason to fail it
            return dataclasses.replace(project, uncounted=str(exc))
        counted = answered(project, asked, answer)
        # An interrupted migration stays in the plan, counts or not, until apply has read every task
        # back and removed its journal: a count of 0 says the pages were written, not checked.
        return counted if self.journal(live.id) is not None else settled(counted)

    def _task_counts(self, project: ProjectPlan, project_id: str) -> ProjectPlan:
        """``project`` with the tasks in each batch it deletes, and in each stage it removes or
        re-routes (``affected.tasks``; no annotation is orphaned by either: ``annotations`` 0). A
        stage that holds no task is not destructive to remove or re-route: its impact is lowered."""
        changes = list(project.changes)
        try:
            for i, c in enumerate(changes):
                if c.kind is ChangeKind.BATCH and c.action is Action.DELETE and isinstance(c.before, dict):
                    tasks = tasks_in_batch(self.client, project_id, str(c.before["_id"]))
                    changes[i] = dataclasses.replace(c, affected=Affected(0, tasks))
                elif c.kind is ChangeKind.STAGE and c.impact is Impact.DESTRUCTIVE and c.schema_id:
                    tasks = tasks_in_stage(self.client, project_id, c.schema_id)
                    changed = c if tasks else without_tasks(c)
                    changes[i] = dataclasses.replace(changed, affected=Affected(0, tasks))
        except HubError as exc:
            return dataclasses.replace(project, uncounted=str(exc))
        return dataclasses.replace(project, changes=tuple(changes))

    def read_live(self, target: Target) -> LiveProject | None:
        """The live project of ``target`` (by id, else by unique name) with its webhooks; None: absent."""
        name = target.desired.name
        project_id = target.project_id
        if project_id is None:
            matches = self._ids_named(name)
            if len(matches) > 1:
                raise OntokitError(
                    f"{target.desired.definition}: {len(matches)} projects on {self.hub} are named {name!r} "
                    f"({', '.join(matches)}); set `id:` in the definition to the one it manages"
                )
            project_id = matches[0] if matches else None
        if project_id is None:
            return None
        try:
            document = self.client.get_project(project_id)
        except NotFoundError:
            if target.id_from_definition:
                raise OntokitError(
                    f"{target.desired.definition}: project {project_id} not found on {self.hub} (check "
                    "`id:`, and that the API key's organization owns it)"
                ) from None
            return None  # a saved plan's project was deleted since: the fingerprint tells
        return LiveProject.from_hub(document, self._webhooks(project_id))

    def forget_names(self) -> None:
        """Drop the cached name index (after creating projects)."""
        with self._lock:
            self._names = None

    def names_now(self) -> dict[str, list[str]]:
        """Every project's ids by name, read from the hub now (not the cached index)."""
        index: dict[str, list[str]] = {}
        for p in self.client.iter_projects():
            index.setdefault(str(p.get("name")), []).append(str(p.get("_id")))
        return index

    def _ids_named(self, name: str) -> list[str]:
        with self._lock:
            if self._names is None:
                self._names = self.names_now()
            return list(self._names.get(name, []))

    def _webhooks(self, project_id: str) -> list[dict[str, object]] | None:
        try:
            return self.client.list_webhooks(project_id)
        except (NotFoundError, BadRequestError):
            return None  # the real Ango Hub has no such endpoint
