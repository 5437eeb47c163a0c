"""Saved plans (``ontokit plan --out FILE``): the plan model itself, as JSON, and the hub it is for.

A plan file holds every project plan whole: the desired state (webhook secrets only as the names of
their environment variables), the fingerprint of the live state it was computed against, the changes
it showed and the operations apply will execute. ``apply FILE`` re-reads the hub and refuses the
plan as stale if a fingerprint changed, or if planning again now would show or do anything else.

Reading is strict: anything malformed is a :class:`~ontology_kit.errors.PlanFileError` that names the
file and the place, never a traceback. The format has its own version (:data:`PLANFILE_VERSION`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any, Literal, cast, get_args

from .._version import __version__
from ..category_schema import CategorySchema
from ..errors import PlanFileError
from ..migration import DeclaredMigration
from ..setup_state import DesiredSetup
from ..state import (
    WEBHOOK_TYPES,
    DesiredProject,
    DesiredWebhook,
    HubRecord,
    ProjectFields,
    WebhookType,
    check_field,
)
from .jsonread import JsonReader
from .model import (
    Action,
    Affected,
    AttributeChange,
    Change,
    ChangeKind,
    Impact,
    Plan,
    ProjectPlan,
    Unmanaged,
    UnmanagedKind,
)
from .operations import (
    AddBatches,
    BackupAnswers,
    ChangeBatches,
    CreateProject,
    CreateWebhook,
    MigrateAnswers,
    Operation,
    SetCategorySchema,
    UpdateProject,
    UpdateWebhook,
)
from .planjson import parse_plan_json, plan_signature, verify_signature
from .setup_ops import setup_op_from_json, setup_op_json

__all__ = ["PLANFILE_VERSION", "SavedPlan", "dumps_plan", "loads_plan", "project_digest"]

#: 2: the plan model itself (operations, changes, typed desired state); 1 stored a rendered view.
PLANFILE_VERSION = 2


@dataclass(frozen=True)
class SavedPlan:
    """A plan read back from a file: the plan, the hub it was made for, when, and whether its
    signature was checked (with a key; docs/plan-format.md)."""

    plan: Plan
    hub: HubRecord
    created_at: str
    signed: bool = False


# -- writing ------------------------------------------------------------------------------------------
def dumps_plan(plan: Plan, hub: HubRecord, *, now: datetime | None = None, key: str | None = None) -> str:
    """The plan file's text (JSON, UTF-8 characters kept, ending with a newline); with ``key``
    (``ONTOKIT_PLAN_KEY``), signed: an HMAC-SHA256 over its canonical content."""
    doc: dict[str, Any] = {
        "ontokit_plan": PLANFILE_VERSION,
        "ontokit_version": __version__,
        "created_at": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "hub": {"name": hub.name, "kind": hub.kind, "url": hub.url, "db": hub.db},
        "kind": plan.kind,
        "projects": [_project(p) for p in plan.projects],
    }
    if key is not None:
        doc["signature"] = plan_signature(doc, key)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def project_digest(project: ProjectPlan) -> str:
    """A digest of everything a project plan shows and does: its changes, operations, unmanaged items,
    warnings, and what this hub cannot do (a saved plan is applied only while planning again gives
    the same digest)."""
    shown = {
        # Not the counts of affected annotations: annotators change them while a plan waits for
        # review, and they describe the live data, not what apply does (the fingerprint guards that).
        "changes": [_change(c, counts=False) for c in project.changes],
        "operations": [_operation(o) for o in project.operations],
        "unmanaged": [[u.kind, u.name] for u in project.unmanaged],
        "warnings": list(project.warnings),
        "blocked": list(project.blocked),
    }
    text = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _project(p: ProjectPlan) -> dict[str, Any]:
    if p.desired is None:
        raise ValueError(f"{p.definition}: only plans of project definitions can be saved")
    return {
        "definition": p.definition,
        "name": p.name,
        "project_id": p.project_id,
        "fingerprint": p.fingerprint,
        "desired": _desired(p.desired),
        "changes": [_change(c) for c in p.changes],
        "operations": [_operation(o) for o in p.operations],
        "unmanaged": [{"kind": u.kind, "name": u.name} for u in p.unmanaged],
        "warnings": list(p.warnings),
        "blocked": list(p.blocked),
    }


def _desired(d: DesiredProject) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "definition": d.definition,
        "id": d.id,
        "ontology": d.ontology,
        "fields": _fields(d.fields),
        "categorySchema": d.category_schema.payload(),
        "batches": list(d.batches),
        "webhooks": [{"url": h.url, "types": list(h.types), "secretEnv": h.secret_env} for h in d.webhooks],
    }
    if d.batch_ids:  # only when set: a plan file without them reads as before
        doc["batchIds"] = [list(pair) for pair in d.batch_ids]
    if d.prune_batches:
        doc["pruneBatches"] = True
    if d.setup.to_json():  # only when set, as above
        doc["setup"] = d.setup.to_json()
    if d.retired:
        doc["retired"] = list(d.retired)
    if d.migrations:
        doc["migrations"] = [m.to_json() for m in d.migrations]
    return doc


def _fields(f: ProjectFields) -> dict[str, Any]:
    return dict(f.items())


def _change(c: Change, *, counts: bool = True) -> dict[str, Any]:
    out = {
        "action": c.action.value,
        "kind": c.kind.value,
        "address": list(c.address),
        "impact": c.impact.value,
        "reasons": list(c.reasons),
        "schema_id": c.schema_id,
        "attributes": [
            {"name": a.name, "before": a.before, "after": a.after, "sensitive": a.sensitive}
            for a in c.attributes
        ],
        "before": c.before,
        "after": c.after,
        "hint": c.hint,
        "nested": c.nested,
    }
    if c.covers:  # a migration's: only when set, so that other changes read as before
        out["covers"] = list(c.covers)
    if counts:
        affected = c.affected
        out["affected"] = (
            None if affected is None else {"annotations": affected.annotations, "tasks": affected.tasks}
        )
        if affected is not None and affected.lacking is not None:
            out["affected"]["lacking"] = affected.lacking
        if affected is not None and affected.mismatched is not None:
            out["affected"]["mismatched"] = affected.mismatched
        if affected is not None and affected.under_old_condition is not None:
            out["affected"]["under_old_condition"] = affected.under_old_condition
        if affected is not None and affected.partial is not None:
            out["affected"]["partial"] = affected.partial
    return out


def _operation(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {"op": op.op}
    if isinstance(op, CreateProject):
        out["fields"] = _fields(op.fields)
    elif isinstance(op, UpdateProject):
        out["values"] = [[name, value] for name, value in op.values]
    elif isinstance(op, AddBatches):
        out["names"] = list(op.names)
    elif isinstance(op, ChangeBatches):
        out["renamed"] = [list(pair) for pair in op.renamed]
        out["deleted"] = list(op.deleted)
    elif isinstance(op, CreateWebhook):
        hook = op.webhook
        out["webhook"] = {"url": hook.url, "types": list(hook.types), "secretEnv": hook.secret_env}
    elif isinstance(op, MigrateAnswers):
        out["before"] = op.before.payload()
    elif isinstance(op, UpdateWebhook):
        out.update(
            webhook_id=op.webhook_id,
            url=op.url,
            types=None if op.types is None else list(op.types),
            set_secret=op.set_secret,
            secretEnv=op.secret_env,
        )
    else:
        out.update(setup_op_json(op) or {})
    return out


# -- reading ------------------------------------------------------------------------------------------


def loads_plan(text: str, name: str, *, key: str | None = None) -> SavedPlan:
    """Parse and check a plan file; anything malformed is a PlanFileError naming the file.

    With ``key`` (``ONTOKIT_PLAN_KEY``), a plan that is unsigned, or whose signature does not match,
    is refused before anything else in it is read.
    """
    doc = parse_plan_json(text, name)
    if not isinstance(doc, dict) or "ontokit_plan" not in doc:
        raise PlanFileError(f"{name}: not an ontokit plan file")
    signed = verify_signature(doc, key, name)
    if doc["ontokit_plan"] != PLANFILE_VERSION:
        raise PlanFileError(
            f"{name}: plan file version {doc['ontokit_plan']!r:.20} is not supported by ontokit "
            f"{__version__}; run `ontokit plan --out` again"
        )
    r = _Reader(name)
    hub = r.hub(doc.get("hub"), "hub")
    r.choice(doc.get("kind", "plan"), "kind", ("plan",))  # only plans of definitions are saved
    projects = tuple(
        r.project(p, f"projects.{i}") for i, p in enumerate(r.array(doc.get("projects"), "projects"))
    )
    r.text(doc.get("ontokit_version", ""), "ontokit_version")
    created_at = r.text(doc.get("created_at", ""), "created_at")
    return SavedPlan(Plan(hub.name, projects), hub, created_at, signed)


class _Reader(JsonReader):
    """Reads the plan's model from its JSON document (typed reads: ``jsonread.py``)."""

    # -- the model --------------------------------------------------------------------------------
    def hub(self, value: Any, where: str) -> HubRecord:
        doc = self.obj(value, where)
        kind = cast(
            Literal["embedded", "url"], self.choice(doc.get("kind"), f"{where}.kind", ("embedded", "url"))
        )
        url = self.opt_text(doc.get("url"), f"{where}.url")
        db = self.opt_text(doc.get("db"), f"{where}.db")
        if (kind == "embedded" and not db) or (kind == "url" and not url):
            self.fail(where, "an embedded hub needs `db`, a URL hub needs `url`")
        if (kind == "embedded" and url is not None) or (kind == "url" and db is not None):
            self.fail(where, "an embedded hub has no `url`, a URL hub no `db`")
        if db is not None and ("\x00" in db or not PurePath(db).is_absolute()):
            self.fail(f"{where}.db", "expected the absolute path of a database file")
        return HubRecord(self.text(doc.get("name"), f"{where}.name"), kind, url, db)

    def project(self, value: Any, where: str) -> ProjectPlan:
        doc = self.obj(value, where)
        desired = self.desired(doc.get("desired"), f"{where}.desired")
        return ProjectPlan(
            self.text(doc.get("name"), f"{where}.name"),
            self.text(doc.get("definition"), f"{where}.definition"),
            self.opt_hub_id(doc.get("project_id"), f"{where}.project_id"),
            self.items(doc.get("changes"), f"{where}.changes", self.change),
            self.text(doc.get("fingerprint"), f"{where}.fingerprint"),
            unmanaged=self.items(doc.get("unmanaged", []), f"{where}.unmanaged", self.unmanaged),
            warnings=self.texts(doc.get("warnings", []), f"{where}.warnings"),
            desired=desired,
            operations=self.items(doc.get("operations"), f"{where}.operations", self.operation),
            blocked=self.texts(doc.get("blocked", []), f"{where}.blocked"),
        )

    def fields(self, value: Any, where: str) -> ProjectFields:
        doc = self.obj(value, where)
        try:
            return ProjectFields.from_values(doc)
        except (ValueError, TypeError) as exc:  # TypeError: a required field is missing
            self.fail(where, str(exc))

    def webhook(self, value: Any, where: str) -> DesiredWebhook:
        doc = self.obj(value, where)
        types = tuple(
            self.choice(t, f"{where}.types", WEBHOOK_TYPES) for t in self.array(doc.get("types"), where)
        )
        typed: tuple[WebhookType, ...] = types
        secret_env = self.secret_env(doc.get("secretEnv"), f"{where}.secretEnv")
        return DesiredWebhook(self.text(doc.get("url"), f"{where}.url"), typed, secret_env)

    def desired(self, value: Any, where: str) -> DesiredProject:
        doc = self.obj(value, where)
        schema = self.obj(doc.get("categorySchema"), f"{where}.categorySchema")
        for group, items in schema.items():
            for i, item in enumerate(self.array(items, f"{where}.categorySchema.{group}")):
                self.obj(item, f"{where}.categorySchema.{group}.{i}")
        return DesiredProject(
            definition=self.text(doc.get("definition"), f"{where}.definition"),
            fields=self.fields(doc.get("fields"), f"{where}.fields"),
            category_schema=CategorySchema(schema),
            id=self.opt_text(doc.get("id"), f"{where}.id"),
            ontology=self.text(doc.get("ontology", ""), f"{where}.ontology"),
            batches=self.texts(doc.get("batches", []), f"{where}.batches"),
            webhooks=self.items(doc.get("webhooks", []), f"{where}.webhooks", self.webhook),
            batch_ids=self.items(doc.get("batchIds", []), f"{where}.batchIds", self.name_and_id),
            prune_batches=self.flag(doc.get("pruneBatches", False), f"{where}.pruneBatches"),
            setup=self.setup(doc.get("setup", {}), f"{where}.setup"),
            retired=self.texts(doc.get("retired", []), f"{where}.retired"),
            migrations=self.items(doc.get("migrations", []), f"{where}.migrations", self.migration),
        )

    def migration(self, value: Any, where: str) -> DeclaredMigration:
        try:
            return DeclaredMigration.from_json(value)
        except ValueError as exc:
            self.fail(where, str(exc))

    def setup(self, value: Any, where: str) -> DesiredSetup:
        try:
            return DesiredSetup.from_json(value)
        except ValueError as exc:
            self.fail(where + str(exc).partition(":")[0], str(exc).partition(": ")[2])

    def change(self, value: Any, where: str) -> Change:
        doc = self.obj(value, where)
        return Change(
            Action(self.choice(doc.get("action"), f"{where}.action", tuple(a.value for a in Action))),
            ChangeKind(self.choice(doc.get("kind"), f"{where}.kind", tuple(k.value for k in ChangeKind))),
            self.texts(doc.get("address"), f"{where}.address"),
            Impact(self.choice(doc.get("impact"), f"{where}.impact", tuple(i.value for i in Impact))),
            self.texts(doc.get("reasons", []), f"{where}.reasons"),
            self.opt_text(doc.get("schema_id"), f"{where}.schema_id"),
            self.items(doc.get("attributes", []), f"{where}.attributes", self.attribute),
            before=doc.get("before"),
            after=doc.get("after"),
            hint=self.opt_text(doc.get("hint"), f"{where}.hint"),
            nested=self.count(doc.get("nested", 0), f"{where}.nested"),
            affected=self.affected(doc.get("affected"), f"{where}.affected"),
            covers=self.texts(doc.get("covers", []), f"{where}.covers"),
        )

    def affected(self, value: Any, where: str) -> Affected | None:
        if value is None:  # absent in files written before counts existed: not counted
            return None
        doc = self.obj(value, where)
        measures = ("lacking", "mismatched", "under_old_condition")
        lacking, mismatched, under = (self.opt_count(doc.get(k), f"{where}.{k}") for k in measures)
        return Affected(
            self.count(doc.get("annotations"), f"{where}.annotations"),
            self.count(doc.get("tasks"), f"{where}.tasks"),
            lacking,
            mismatched,
            under,
            self.opt_text(doc.get("partial"), f"{where}.partial"),
        )

    def opt_count(self, value: Any, where: str) -> int | None:
        """A count, or None when absent (not measured)."""
        return None if value is None else self.count(value, where)

    def attribute(self, value: Any, where: str) -> AttributeChange:
        doc = self.obj(value, where)
        return AttributeChange(
            self.text(doc.get("name"), f"{where}.name"),
            doc.get("before"),
            doc.get("after"),
            self.flag(doc.get("sensitive", False), f"{where}.sensitive"),
        )

    def unmanaged(self, value: Any, where: str) -> Unmanaged:
        doc = self.obj(value, where)
        kind = self.choice(doc.get("kind"), f"{where}.kind", get_args(UnmanagedKind))
        return Unmanaged(kind, self.text(doc.get("name"), f"{where}.name"))

    def operation(self, value: Any, where: str) -> Operation:
        doc = self.obj(value, where)
        op = doc.get("op")
        if op == CreateProject.op:
            return CreateProject(self.fields(doc.get("fields"), f"{where}.fields"))
        if op == UpdateProject.op:
            pairs = [
                self.array(p, f"{where}.values.{i}")
                for i, p in enumerate(self.array(doc.get("values"), where))
            ]
            if any(len(p) != 2 for p in pairs):
                self.fail(f"{where}.values", "expected [field, value] pairs")
            for name, field_value in pairs:
                try:
                    check_field(self.text(name, f"{where}.values"), field_value)
                except ValueError as exc:
                    self.fail(f"{where}.values", str(exc))
            return UpdateProject(tuple((k, v) for k, v in pairs))
        if op == SetCategorySchema.op:
            return SetCategorySchema()
        if op == BackupAnswers.op:
            return BackupAnswers()
        if op == MigrateAnswers.op:
            return MigrateAnswers(CategorySchema(self.obj(doc.get("before"), f"{where}.before")))
        if op == AddBatches.op:
            return AddBatches(self.texts(doc.get("names"), f"{where}.names"))
        if op == ChangeBatches.op:
            renamed = self.items(doc.get("renamed", []), f"{where}.renamed", self.name_and_id)
            deleted = self.texts(doc.get("deleted", []), f"{where}.deleted")
            return ChangeBatches(
                tuple((self.hub_id(i, f"{where}.renamed"), name) for i, name in renamed),
                tuple(self.hub_id(i, f"{where}.deleted") for i in deleted),
            )
        if op == CreateWebhook.op:
            return CreateWebhook(self.webhook(doc.get("webhook"), f"{where}.webhook"))
        if op == UpdateWebhook.op:
            types = doc.get("types")
            return UpdateWebhook(
                self.hub_id(doc.get("webhook_id"), f"{where}.webhook_id"),
                self.text(doc.get("url"), f"{where}.url"),
                None if types is None else self.texts(types, f"{where}.types"),
                self.flag(doc.get("set_secret", False), f"{where}.set_secret"),
                self.secret_env(doc.get("secretEnv"), f"{where}.secretEnv"),
            )
        try:
            found = setup_op_from_json(doc)
        except ValueError as exc:
            self.fail(where, str(exc).lstrip(".") or "invalid")
        if found is None:
            self.fail(f"{where}.op", f"unknown operation {op!r}")
        return found
