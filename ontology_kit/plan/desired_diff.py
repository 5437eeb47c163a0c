"""The plan between two desired states of one project definition (``ontokit diff``): what ``ontokit
plan`` would show against a hub that holds the old one. Pure.

There is no hub, so the old definition stands for the live project, and the same pieces as
``plan_project`` rate the changes: the project attributes (``plan/attributes.py``), the category
schema diff and its field impacts, batches and webhooks. What only a hub could tell is said as such:

- **identity**: a project is found by its ``id``, else by its name. A name changed without an id
  makes apply create another project (the diff shows that creation, and says the old project is left
  as it is); an id that changes points the definition at another project, whose state is not in the
  repository (``destructive``: look with ``ontokit plan``); an id added or removed may do so
  (``data-dependent``).
- **newly managed attributes** (``type:`` set where the old definition left it unset): the hub's
  value is not known, so the change is ``data-dependent`` (apply's own plan rates it for real).
- **the ontology reference** (``ontology:``): shown as an attribute of the project; what changes in
  the ontology is shown item by item, as for any ontology change.
- **batches and webhooks** the new definition no longer lists are *unmanaged* (apply keeps them),
  exactly as ``plan`` shows them; a webhook's secret is compared by the name of its environment
  variable, never by value (the environment is not read).
- **the setup** (workflow, members, settings, instructions): compared part by part as ``plan``
  does; a Webhook stage's secret by the name of its variable.
- **a deleted definition**: apply no longer manages the project and never deletes one; a warning.
"""

from __future__ import annotations

import dataclasses
import posixpath
from typing import Any

from ..setup_state import LiveSetup
from ..state import DesiredProject, DesiredWebhook
from .attributes import BATCH_RENAMED, PROJECT_ATTRIBUTES
from .diff import diff_category_schema
from .migrations import plan_migrations
from .model import Action, AttributeChange, Change, ChangeKind, Impact, ProjectPlan, Unmanaged
from .retired import unretired
from .setup_diff import SetupPlan, plan_setup

__all__ = ["diff_desired", "ontology_reference"]


def ontology_reference(project: DesiredProject) -> str:
    """Where a definition's ontology comes from, comparable across trees: ``(inline)``, or the file's
    normalised path (as loaded: relative to where the definition was read from)."""
    if project.ontology == f"{project.definition} (inline)":
        return "(inline)"
    return posixpath.normpath(project.ontology.replace("\\", "/"))


def diff_desired(
    old: DesiredProject | None, new: DesiredProject | None, label: str, definition: str
) -> ProjectPlan:
    """The changes that turn a project defined as ``old`` into one defined as ``new`` (None: the
    definition does not exist on that side). ``label`` heads the block; ``definition`` is the file."""
    changes: list[Change] = []
    unmanaged: list[Unmanaged] = []
    warnings: list[str] = []
    if new is None:
        if old is not None:
            warnings.append(
                f"the definition of project {old.name!r} is gone: apply no longer manages it, and leaves "
                "it on the hub as it is (ontokit never deletes a project)"
            )
        name = old.name if old is not None else definition
        return ProjectPlan(
            name, definition, old.id if old else None, (), "", warnings=tuple(warnings), label=label
        )
    if old is not None and old.id is None and new.id is None and old.name != new.name:
        warnings.append(
            f"without `id:` a project is found by its name: apply creates {new.name!r} (unless the hub "
            f"has a project of that name) and leaves {old.name!r} on the hub as it is"
        )
        old = None
    address = (f'"{new.name}"',)
    if old is None:
        changes.append(
            Change(Action.CREATE, ChangeKind.PROJECT, address, Impact.SAFE, after=new.fields.set())
        )
    else:
        project = _project_change(old, new, address)
        if project is not None:
            changes.append(project)
    schema = diff_category_schema(new.category_schema, old.category_schema if old is not None else {})
    if old is None:  # a new project has no annotations that anything could affect (as plan says)
        schema = [dataclasses.replace(c, impact=Impact.SAFE, reasons=()) for c in schema]
    warnings += unretired(schema, new.retired)
    blocked: tuple[str, ...] = ()
    if old is not None and new.migrations:  # the answers were made with the base's label set
        part = plan_migrations(new.migrations, old.category_schema, new.category_schema, schema)
        schema, blocked = list(part.changes), part.blocked
        warnings += part.warnings
    changes += schema
    old_batches = old.batches if old is not None else ()
    # a batch pinned to the same id on both sides under another name is a rename
    old_ids = {bid: name for name, bid in old.batch_ids} if old is not None else {}
    renamed = {name: old_ids[bid] for name, bid in new.batch_ids if old_ids.get(bid, name) != name}
    changes += [
        Change(
            Action.UPDATE,
            ChangeKind.BATCH,
            (f'"{b}"',),
            Impact.BREAKING_EXPORT,
            reasons=(BATCH_RENAMED.format(old=renamed[b]),),
            attributes=(AttributeChange("name", renamed[b], b),),
        )
        for b in new.batches
        if b in renamed
    ]
    changes += [
        Change(Action.CREATE, ChangeKind.BATCH, (f'"{b}"',), Impact.SAFE, after={"name": b})
        for b in new.batches
        if b not in old_batches and b not in renamed
    ]
    gone = [b for b in old_batches if b not in new.batches and b not in renamed.values()]
    if new.prune_batches and not (old is not None and old.prune_batches):
        warnings.append(
            "`prune_batches: true`: apply now deletes the hub's batches this definition does not list "
            "(destructive; `ontokit plan` shows which, and how many tasks each holds)"
        )
    unmanaged += [Unmanaged("batch", b) for b in gone]
    old_hooks = {h.url: h for h in old.webhooks} if old is not None else {}
    for hook in new.webhooks:
        change = _webhook_change(old_hooks.get(hook.url), hook)
        if change is not None:
            changes.append(change)
    wanted = {h.url for h in new.webhooks}
    unmanaged += [Unmanaged("webhook", url) for url in old_hooks if url not in wanted]
    setup = _setup_changes(old, new)
    changes += setup.changes
    unmanaged += setup.unmanaged
    return ProjectPlan(
        new.name,
        definition,
        new.id,
        tuple(changes),
        "",
        unmanaged=tuple(unmanaged),
        warnings=tuple(warnings),
        label=label,
        desired=new,  # which hub project it is, for `ontokit diff --hub` (workflow/counting.py)
        blocked=blocked,
    )


def _setup_changes(old: DesiredProject | None, new: DesiredProject) -> SetupPlan:
    """The setup's changes, the old definition standing for the hub. Secrets are compared by the
    name of their variable (the environment is not read): each variable "holds" its own name."""
    names = {*new.setup.secret_variables(), *(old.setup.secret_variables() if old is not None else ())}
    live = LiveSetup.of_desired(old.setup, by_name=True) if old is not None else None
    return plan_setup(new.setup, live, {name: name for name in names})


def _project_change(old: DesiredProject, new: DesiredProject, address: tuple[str, ...]) -> Change | None:
    attributes: list[AttributeChange] = []
    reasons: list[str] = []
    impact = Impact.SAFE

    def worse(level: Impact) -> None:
        nonlocal impact
        if level.rank > impact.rank:
            impact = level

    if old.id != new.id:
        attributes.append(AttributeChange("id", old.id, new.id))
        if old.id is not None and new.id is not None:
            worse(Impact.DESTRUCTIVE)
            reasons.append(
                f"the definition now manages another project ({old.id!r} → {new.id!r}), whose state is not "
                "in the repository: apply writes this definition over it (see it with `ontokit plan`)"
            )
        else:
            worse(Impact.DATA_DEPENDENT)
            found = f"by its id {new.id!r}" if new.id is not None else f"by its name {new.name!r}"
            reasons.append(
                f"the project is now found {found}: if that is not the project it was, apply writes over "
                "another one (see it with `ontokit plan`)"
            )
    for attribute in PROJECT_ATTRIBUTES:
        want: Any = getattr(new.fields, attribute.name)
        have: Any = getattr(old.fields, attribute.name)
        if want is None or (have or "") == (want or ""):
            continue  # not set in the new definition: not managed by it (plan does not compare it)
        attributes.append(AttributeChange(attribute.name, have, want))
        if have is None and attribute.impact is not Impact.SAFE:
            worse(Impact.DATA_DEPENDENT)
            reasons.append(
                f"the project's {attribute.name} is now managed, and the old definition left it unset: "
                f"what the hub has is not known here; if it is not {want!r}, apply's plan rates the "
                f"change {attribute.impact.value}"
            )
            continue
        worse(attribute.impact)
        if attribute.why:
            reasons.append(attribute.why.format(before=have, after=want))
    before, after = ontology_reference(old), ontology_reference(new)
    if before != after:
        attributes.append(AttributeChange("ontology", before, after))
    if not attributes:
        return None
    return Change(
        Action.UPDATE, ChangeKind.PROJECT, address, impact, tuple(reasons), new.id, tuple(attributes)
    )


def _secret(hook: DesiredWebhook | None) -> dict[str, str] | None:
    """A webhook's secret as the definition names it: ``{"env": VARIABLE}``; never its value."""
    return {"env": hook.secret_env} if hook is not None and hook.secret_env else None


def _webhook_change(old: DesiredWebhook | None, new: DesiredWebhook) -> Change | None:
    if old is None:
        after = {"url": new.url, "types": list(new.types), "secret": _secret(new)}
        return Change(Action.CREATE, ChangeKind.WEBHOOK, (new.url,), Impact.SAFE, after=after)
    attributes = []
    if sorted(old.types) != sorted(new.types):
        attributes.append(AttributeChange("types", list(old.types), list(new.types)))
    if old.secret_env != new.secret_env:
        attributes.append(AttributeChange("secret", _secret(old), _secret(new)))
    if not attributes:
        return None
    return Change(Action.UPDATE, ChangeKind.WEBHOOK, (new.url,), Impact.SAFE, attributes=tuple(attributes))
