"""The plan of a project's setup: workflow stages, members, settings and instructions. Pure.

:func:`plan_setup` compares a :class:`~ontology_kit.setup_state.DesiredSetup` with the
:class:`~ontology_kit.setup_state.LiveSetup` a hub holds and returns the changes people review and
the operations apply executes. A part the definition leaves out is not compared: nothing it does
not mention is ever reset.

Removing a stage, or re-routing one (another ``type`` or ``next``), is destructive while tasks are
in it: the plan marks it so, and the planner, which can ask the hub, puts the number of tasks in it
(``affected.tasks``) and lowers the impact when the stage holds none (:func:`without_tasks`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .._secret import SecretState, digest_matches
from ..setup_state import SETTINGS, DesiredSetup, DesiredStage, LiveSetup, LiveStage, SettingSection
from .model import SENSITIVE, Action, AttributeChange, Change, ChangeKind, Impact, Unmanaged
from .operations import AddMembers, Operation, SetWorkflow, UpdateSettings, UploadInstructions

__all__ = ["ROUTING", "SetupPlan", "plan_setup", "without_tasks"]

#: The reason that makes a stage change destructive (the planner lowers it when the stage is empty).
ROUTING: Final = "tasks in this stage {what}"
_REMOVED = ROUTING.format(what="are left in a stage the workflow no longer has")
_REROUTED = ROUTING.format(what="move on by the new route when submitted, not the one they were sent on")
_RENAMED = "exports and export filters name a task's stage by name: what they read as {old!r} changes"


@dataclass
class SetupPlan:
    """The changes, operations, unmanaged items, warnings and refusals of one project's setup."""

    changes: list[Change] = field(default_factory=list)
    operations: list[Operation] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def plan_setup(desired: DesiredSetup, live: LiveSetup | None, secrets: Mapping[str, str]) -> SetupPlan:
    """What turns ``live`` (None: a project about to be created) into ``desired``; ``secrets`` maps
    environment variable names to their values (only compared, never stored)."""
    plan = SetupPlan()
    have = live if live is not None else LiveSetup()
    if desired.workflow is not None:
        _workflow(plan, desired.workflow, have.stages, secrets)
    if desired.members is not None:
        _members(plan, desired.members, have.members)
    _settings(plan, desired, have)
    _instructions(plan, desired, have)
    return plan


def without_tasks(change: Change) -> Change:
    """A destructive stage change whose stage holds no task: its impact without the tasks."""
    reasons = tuple(r for r in change.reasons if not _is_routing(r))
    renamed = any(a.name == "name" for a in change.attributes)
    impact = Impact.BREAKING_EXPORT if renamed else Impact.SAFE
    return dataclasses.replace(change, impact=impact, reasons=reasons)


def _is_routing(reason: str) -> bool:
    return reason in (_REMOVED, _REROUTED)


# -- the workflow --------------------------------------------------------------------------------------
def _workflow(
    plan: SetupPlan,
    wanted: tuple[DesiredStage, ...],
    stages: tuple[LiveStage, ...],
    secrets: Mapping[str, str],
) -> None:
    by_id = {s.id: s for s in stages}
    changed = False
    set_secrets: list[str] = []
    for stage in wanted:
        current = by_id.get(stage.id)
        secret = _stage_secret(plan, stage, current, secrets)
        if secret:
            set_secrets.append(stage.id)
        if current is None:
            after = {"type": stage.type, "next": list(stage.next), **dict(stage.values)}
            if stage.secret_env:
                after["secret"] = SENSITIVE
            plan.changes.append(
                Change(Action.CREATE, ChangeKind.STAGE, _address(stage.name), Impact.SAFE, after=after)
            )
            changed = True
            continue
        attributes = _stage_attributes(stage, current)
        if secret:
            before = SENSITIVE if current.secret is not None and current.secret.set else None
            attributes.append(AttributeChange("secret", before, SENSITIVE, sensitive=True))
        if attributes:
            plan.changes.append(_stage_update(stage, current, attributes))
            changed = True
    wanted_ids = {s.id for s in wanted}
    kept: set[str] = set()
    for gone in stages:
        if gone.id in wanted_ids and gone.id not in kept:
            kept.add(gone.id)  # a second stage of that id (a hub that took one) is removed too
            continue
        summary = {k: v for k, v in gone.raw.items() if k != "secret"}
        plan.changes.append(
            Change(
                Action.DELETE,
                ChangeKind.STAGE,
                _address(gone.name),
                Impact.DESTRUCTIVE,
                (_REMOVED,),
                gone.id,
                before=summary,
            )
        )
        changed = True
    if changed:
        plan.operations.append(SetWorkflow(tuple(set_secrets)))


def _address(name: str) -> tuple[str, ...]:
    return (f'"{name}"',)


def _stage_attributes(stage: DesiredStage, current: LiveStage) -> list[AttributeChange]:
    out = []
    if stage.type != current.type:
        out.append(AttributeChange("type", current.type, stage.type))
    if stage.next != current.next:
        out.append(AttributeChange("next", list(current.next), list(stage.next)))
    for key, value in stage.values:
        before = current.raw.get(key) if key != "name" else current.name
        if not _same(before, value):
            out.append(AttributeChange(key, before, value))
    return out


def _stage_update(stage: DesiredStage, current: LiveStage, attributes: list[AttributeChange]) -> Change:
    reasons: list[str] = []
    impact = Impact.SAFE
    if any(a.name in ("type", "next") for a in attributes):
        reasons.append(_REROUTED)
        impact = Impact.DESTRUCTIVE
    renamed = next((a for a in attributes if a.name == "name"), None)
    if renamed is not None:
        reasons.append(_RENAMED.format(old=renamed.before))
        if impact is Impact.SAFE:
            impact = Impact.BREAKING_EXPORT
    return Change(
        Action.UPDATE,
        ChangeKind.STAGE,
        _address(stage.name),
        impact,
        tuple(reasons),
        current.id,
        tuple(attributes),
    )


def _stage_secret(
    plan: SetupPlan, stage: DesiredStage, current: LiveStage | None, secrets: Mapping[str, str]
) -> bool:
    """Whether apply writes this Webhook stage's secret (from its variable); warns and refuses as
    for webhooks: an unset variable is never compared, and a new stage is never created without it."""
    var = stage.secret_env
    if var is None:
        return False
    value = secrets.get(var)
    if value is None:
        plan.warnings.append(
            f"stage {stage.id}: secret not set: not compared (the environment variable {var} is not set)"
        )
        if current is None or current.secret is None:
            plan.blocked.append(
                f"stage {stage.id}: its secret's variable {var} is not set, so apply cannot write it: "
                f"set {var} and plan again"
            )
        return False
    same = _secret_is(current.secret if current is not None else None, value)
    if same is None:
        plan.warnings.append(f"stage {stage.id}: the hub does not tell whether its secret matches")
        return False
    return not same


def _secret_is(state: SecretState | None, value: str) -> bool | None:
    if state is None or not state.set:
        return False
    return digest_matches(state.digest, value) if state.digest is not None else None


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values (``True`` is not ``1``; ``10.0`` is ``10``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# -- members --------------------------------------------------------------------------------------------
def _members(plan: SetupPlan, wanted: tuple[tuple[str, str], ...], have: tuple[tuple[str, str], ...]) -> None:
    # An e-mail address names the same account in any case (a hub may store it in lower case): match
    # by it, and name a member as the hub spells it, so that the plan converges either way.
    roles = {email.lower(): (email, role) for email, role in have}
    by_role: dict[str, list[str]] = {}
    for email, role in wanted:
        spelled, current = roles.get(email.lower(), (email, None))
        if current == role:
            continue
        if current is None:
            plan.changes.append(
                Change(Action.CREATE, ChangeKind.MEMBER, (email,), Impact.SAFE, after={"role": role})
            )
        else:
            attributes = (AttributeChange("role", current, role),)
            plan.changes.append(
                Change(Action.UPDATE, ChangeKind.MEMBER, (email,), Impact.SAFE, attributes=attributes)
            )
        by_role.setdefault(role, []).append(spelled)
    plan.operations.extend(AddMembers(role, tuple(emails)) for role, emails in by_role.items())
    listed = {email.lower() for email, _ in wanted}
    # Ango's API cannot remove a member: others stay, shown as unmanaged.
    plan.unmanaged.extend(Unmanaged("member", email) for email, _ in have if email.lower() not in listed)


# -- settings and instructions --------------------------------------------------------------------------
_SECTION_TITLES: Final[dict[SettingSection, str]] = {
    "benchmark": "benchmark",
    "label-validation": "label_validation",
    "settings": "settings",
}


def _settings(plan: SetupPlan, desired: DesiredSetup, have: LiveSetup) -> None:
    wanted = dict(desired.settings)
    for section, title in _SECTION_TITLES.items():
        attributes: list[AttributeChange] = []
        values: list[tuple[str, Any]] = []
        for s in SETTINGS:
            if s.section != section or s.key not in wanted:
                continue
            value = wanted[s.key]
            if s.key in have.values and _same(have.values[s.key], value):
                continue
            attributes.append(AttributeChange(s.field.partition(".")[2], have.values.get(s.key), value))
            values.append((s.key, value))
        if not attributes:
            continue
        if section == "benchmark" and "benchmarkEnabled" not in dict(values):
            # update_benchmark_settings always sends whether benchmarks are on
            # (a definition always says; a plan file may not: then the hub's value, else the default)
            on = wanted.get("benchmarkEnabled", have.values.get("benchmarkEnabled", False))
            values.insert(0, ("benchmarkEnabled", on))
        plan.changes.append(
            Change(Action.UPDATE, ChangeKind.SETTING, (title,), Impact.SAFE, attributes=tuple(attributes))
        )
        plan.operations.append(UpdateSettings(section, tuple(values)))


def _instructions(plan: SetupPlan, desired: DesiredSetup, have: LiveSetup) -> None:
    wanted = desired.instructions
    if wanted is None:
        return
    if have.instructions_sha256 is not None:
        if have.instructions_sha256 == wanted.sha256:
            return
        action, before = Action.UPDATE, have.instructions
    elif have.instructions is not None:
        plan.warnings.append(
            "the hub does not tell which instructions file the project has: it is not compared (ontokit "
            "uploads the file only to a project without instructions)"
        )
        return
    else:
        action, before = Action.CREATE, None
    after = {"file": wanted.path, "bytes": wanted.size, "sha256": wanted.sha256}
    attributes = (AttributeChange("file", before, wanted.path),) if action is Action.UPDATE else ()
    plan.changes.append(
        Change(action, ChangeKind.SETTING, ("instructions",), Impact.SAFE, attributes=attributes, after=after)
    )
    plan.operations.append(UploadInstructions(wanted.path, wanted.sha256))
