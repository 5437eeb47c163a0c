"""The plan of a whole project: its fields, category schema, batches and webhooks. Pure.

:func:`plan_project` compares a :class:`~ontology_kit.state.DesiredProject` with the
:class:`~ontology_kit.state.LiveProject` a hub holds (None: the project does not exist yet) and
returns the :class:`~ontology_kit.plan.model.ProjectPlan`: the changes people review and the
operations apply executes, derived together so that they cannot disagree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .._secret import digest_matches
from ..category_schema import CategorySchema
from ..state import (
    DesiredProject,
    DesiredWebhook,
    HubCapabilities,
    LiveProject,
    LiveWebhook,
    absent_fingerprint,
)
from .attributes import BATCH_DELETED, BATCH_RENAMED, PROJECT_ATTRIBUTES, ProjectAttribute
from .diff import diff_category_schema
from .migrations import plan_migrations, with_migration_ops
from .model import SENSITIVE, Action, AttributeChange, Change, ChangeKind, Impact, ProjectPlan, Unmanaged
from .operations import (
    AddBatches,
    ChangeBatches,
    CreateProject,
    CreateWebhook,
    MigrateAnswers,
    Operation,
    SetCategorySchema,
    UpdateProject,
    UpdateWebhook,
)
from .retired import unretired
from .setup_diff import plan_setup

__all__ = ["plan_project", "secret_matches"]

#: Why a declared webhook cannot be applied on a hub without the legacy webhook endpoint (detected:
#: it does not answer the list of a project's webhooks, as the real Hub with SDK 1.4.10 does not).
_NO_WEBHOOK_ENDPOINT = (
    "this hub has no webhook endpoint (detected: it does not list a project's webhooks): webhooks are "
    "Webhook stages of the workflow on it; declare this one under `workflow:` as a stage with "
    '`type: Webhook` and `url: {url}` (docs/projects.md, "Webhooks")'
)


def plan_project(
    desired: DesiredProject,
    live: LiveProject | None,
    secrets: Mapping[str, str],
    capabilities: HubCapabilities | None = None,
    answers_made_with: CategorySchema | None = None,
) -> ProjectPlan:
    """The plan that turns ``live`` into ``desired``.

    ``secrets`` maps environment variable names to their values (used only to compare digests);
    ``capabilities`` says which changes this hub can make beyond the documented API;
    ``answers_made_with`` is the label set the answers were made with when it is not the live one
    (an apply that stopped after changing the label set, before migrating: its journal says).
    """
    plan = _Planner(desired, live, secrets, capabilities if capabilities is not None else HubCapabilities())
    plan.made_with = answers_made_with
    plan.fields()
    plan.category_schema()
    plan.batches()
    plan.webhooks()
    plan.setup()
    return ProjectPlan(
        desired.name,
        desired.definition,
        live.id if live is not None else None,
        tuple(plan.changes),
        live.fingerprint() if live is not None else absent_fingerprint(desired.name),
        unmanaged=tuple(plan.unmanaged),
        warnings=tuple(plan.warnings),
        desired=desired,
        operations=with_migration_ops(plan.operations, plan.changes),
        blocked=tuple(plan.blocked),
    )


def secret_matches(live: LiveWebhook, value: str | None) -> bool | None:
    """Whether a live webhook's secret is ``value``: True/False, or None when the hub does not say."""
    state = live.secret
    if state is None:
        return None
    if not state.set:
        return value is None
    if value is None:
        return False
    return digest_matches(state.digest, value) if state.digest is not None else None


class _Planner:
    def __init__(
        self,
        desired: DesiredProject,
        live: LiveProject | None,
        secrets: Mapping[str, str],
        capabilities: HubCapabilities,
    ) -> None:
        self.desired = desired
        self.live = live
        self.secrets = secrets
        self.capabilities = capabilities
        self.address = (f'"{desired.name}"',)
        self.changes: list[Change] = []
        self.operations: list[Operation] = []
        self.unmanaged: list[Unmanaged] = []
        self.warnings: list[str] = []
        self.blocked: list[str] = []
        self.made_with: CategorySchema | None = None

    # -- the project document ---------------------------------------------------------------------
    def fields(self) -> None:
        desired, live = self.desired, self.live
        if live is None:
            after = desired.fields.set()
            self.changes.append(
                Change(Action.CREATE, ChangeKind.PROJECT, self.address, Impact.SAFE, after=after)
            )
            self.operations.append(CreateProject(desired.fields))
            return
        attributes: list[AttributeChange] = []
        values: list[tuple[str, Any]] = []
        reasons: list[str] = []
        impact = Impact.SAFE
        for attribute in PROJECT_ATTRIBUTES:
            want = getattr(desired.fields, attribute.name)
            if want is None:
                continue  # not set in the definition: not managed by it
            have = getattr(live.fields, attribute.name)
            if have is None:
                raw = live.raw_fields.get(attribute.name)
                said = "does not say" if raw is None else f"says {raw!r}, which ontokit does not know, for"
                self.warnings.append(f"the hub {said} the project's {attribute.name}; it is not compared")
                continue
            if (have or "") == (want or ""):
                continue
            before = live.raw_fields.get(attribute.name)
            attributes.append(AttributeChange(attribute.name, before, want))
            values.append((attribute.name, want))
            if attribute.impact.rank > impact.rank:
                impact = attribute.impact
            if attribute.why:
                reasons.append(attribute.why.format(before=before, after=want))
            self._check_supported(attribute, reasons)
        if attributes:
            change = Change(
                Action.UPDATE,
                ChangeKind.PROJECT,
                self.address,
                impact,
                tuple(reasons),
                live.id,
                tuple(attributes),
            )
            self.changes.append(change)
            self.operations.append(UpdateProject(tuple(values)))

    def _check_supported(self, attribute: ProjectAttribute, reasons: list[str]) -> None:
        if attribute.requires is None or attribute.requires in self.capabilities:
            return
        why = f"this hub cannot change a project's {attribute.name}: apply refuses this plan"
        reasons.append(why)
        self.blocked.append(f"{why} (the hub has no `{attribute.requires}` extension; docs/hub.md)")

    # -- the category schema ------------------------------------------------------------------------
    def category_schema(self) -> None:
        live = self.live
        changes = diff_category_schema(
            self.desired.category_schema, live.category_schema if live is not None else {}
        )
        if live is None:  # a new project has no annotations that anything could affect
            changes = [dataclasses.replace(c, impact=Impact.SAFE, reasons=()) for c in changes]
        self.warnings += unretired(changes, self.desired.retired)
        if changes:
            self.operations.append(SetCategorySchema())
        if live is not None and self.desired.migrations:  # a new project has no answers to carry
            before = self.made_with or live.category_schema
            part = plan_migrations(self.desired.migrations, before, self.desired.category_schema, changes)
            changes = list(part.changes)
            self.blocked += part.blocked
            self.warnings += part.warnings
            self.operations.append(MigrateAnswers(before))
        self.changes.extend(changes)

    # -- batches and webhooks -----------------------------------------------------------------------
    def batches(self) -> None:
        """Batches: the definition's by name, or by id where it pins one (a new name renames it);
        the hub's others are unmanaged, or deleted when the definition prunes them."""
        live = list(self.live.batches) if self.live is not None else []
        by_id = {b.id: b for b in live if b.id}
        pinned = {name: bid for name, bid in self.desired.batch_ids if bid in by_id}
        renamed = tuple((bid, name) for name, bid in pinned.items() if by_id[bid].name != name)
        for bid, name in renamed:
            old = by_id[bid].name
            self.changes.append(
                Change(
                    Action.UPDATE,
                    ChangeKind.BATCH,
                    (f'"{name}"',),
                    Impact.BREAKING_EXPORT,
                    reasons=(BATCH_RENAMED.format(old=old),),
                    attributes=(AttributeChange("name", old, name),),
                    before={"name": old, "_id": bid},
                    after={"name": name, "_id": bid},
                )
            )
        kept = set(pinned.values())
        new_name = dict(renamed)
        names_after = {new_name.get(str(b.id), b.name) for b in live}
        missing = tuple(name for name in self.desired.batches if name not in names_after)
        for name in missing:
            after = {"name": name}
            self.changes.append(
                Change(Action.CREATE, ChangeKind.BATCH, (f'"{name}"',), Impact.SAFE, after=after)
            )
        if missing:
            self.operations.append(AddBatches(missing))
        listed = set(self.desired.batches)
        unlisted = [b for b in live if b.id not in kept and b.name not in listed]
        deleted = tuple(b for b in unlisted if self.desired.prune_batches and b.id)
        for b in deleted:
            self.changes.append(
                Change(
                    Action.DELETE,
                    ChangeKind.BATCH,
                    (f'"{b.name}"',),
                    Impact.DESTRUCTIVE,
                    reasons=(BATCH_DELETED,),
                    before={"name": b.name, "_id": b.id},
                )
            )
        if renamed or deleted:
            self.operations.append(ChangeBatches(renamed, tuple(str(b.id) for b in deleted)))
        self.unmanaged += [Unmanaged("batch", b.name) for b in unlisted if b not in deleted]

    def setup(self) -> None:
        """The workflow, members, settings and instructions (``setup_diff.py``)."""
        live = self.live.setup if self.live is not None else None
        part = plan_setup(self.desired.setup, live, self.secrets)
        self.changes += part.changes
        self.operations += part.operations
        self.unmanaged += part.unmanaged
        self.warnings += part.warnings
        self.blocked += part.blocked

    def webhooks(self) -> None:
        live = self.live
        hooks = self.desired.webhooks
        no_endpoint = (
            live.webhooks is None if live is not None else self.capabilities.webhook_endpoint is False
        )
        if no_endpoint:
            # Never "no changes" while a declared webhook cannot exist: each is a change apply refuses.
            for hook in hooks:
                why = _NO_WEBHOOK_ENDPOINT.format(url=hook.url)
                after = {"url": hook.url, "types": list(hook.types)}
                self.changes.append(
                    Change(Action.CREATE, ChangeKind.WEBHOOK, (hook.url,), Impact.SAFE, (why,), after=after)
                )
                self.blocked.append(f"webhook {hook.url}: {why}")
            return
        by_url = {h.url: h for h in live.webhooks or ()} if live is not None else {}
        for hook in hooks:
            current = by_url.get(hook.url)
            if current is None:
                self.create_webhook(hook)
            else:
                self.update_webhook(hook, current)
        wanted = {h.url for h in hooks}
        if live is not None:
            self.unmanaged += [
                Unmanaged("webhook", h.url) for h in live.webhooks or () if h.url not in wanted
            ]

    def _secret(self, hook: DesiredWebhook) -> str | None:
        return self.secrets.get(hook.secret_env) if hook.secret_env else None

    def _unset_secret(self, hook: DesiredWebhook, verb: str) -> bool:
        """Whether the hook's secret variable is unset: warned about; and, when the webhook would be
        written (``verb``), a refusal: apply never writes a webhook without the secret it wants."""
        var = hook.secret_env
        if not var or var in self.secrets:
            return False
        self.warnings.append(
            f"webhook {hook.url}: secret not set: not compared (the environment variable {var} is not set)"
        )
        if verb:
            self.blocked.append(
                f"webhook {hook.url}: its secret's variable {var} is not set, so apply cannot {verb} "
                f"it: set {var} and plan again"
            )
        return True

    def create_webhook(self, hook: DesiredWebhook) -> None:
        value = self._secret(hook)
        unset = self._unset_secret(hook, "create")
        after = {"url": hook.url, "types": list(hook.types), "secret": SENSITIVE if value or unset else None}
        self.changes.append(Change(Action.CREATE, ChangeKind.WEBHOOK, (hook.url,), Impact.SAFE, after=after))
        self.operations.append(CreateWebhook(hook))

    def update_webhook(self, hook: DesiredWebhook, current: LiveWebhook) -> None:
        value = self._secret(hook)
        attributes = []
        types = None
        if sorted(current.types) != sorted(hook.types):
            attributes.append(AttributeChange("types", list(current.types), list(hook.types)))
            types = tuple(hook.types)
        # An unset variable: the secret is not compared (and never written: apply refuses).
        unset = self._unset_secret(hook, "update" if attributes else "")
        same = True if unset else secret_matches(current, value)
        if same is False:
            before = SENSITIVE if current.secret is not None and current.secret.set else None
            attributes.append(AttributeChange("secret", before, SENSITIVE if value else None, sensitive=True))
        elif same is None and value is not None:
            self.warnings.append(f"webhook {hook.url}: the hub does not tell whether its secret matches")
        if attributes:
            change = Change(
                Action.UPDATE,
                ChangeKind.WEBHOOK,
                (hook.url,),
                Impact.SAFE,
                attributes=tuple(attributes),
                schema_id=current.id,
            )
            self.changes.append(change)
            operation = UpdateWebhook(current.id, hook.url, types, same is False, hook.secret_env)
            self.operations.append(operation)
