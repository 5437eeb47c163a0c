"""The one typed home of project state: what a definition wants, and what a hub has.

:class:`DesiredProject` is built from a project definition (``project/load.py``); :class:`LiveProject`
from a hub's project document and webhooks (:meth:`LiveProject.from_hub`, lenient: a hub may hold
anything). Both carry the project's own fields as :class:`ProjectFields` and the category schema as
a :class:`~ontology_kit.category_schema.CategorySchema`. The plan (``plan/``) compares the two; the
workflow reads the live side through the client. Nothing here does I/O.

Secrets never live here: a desired webhook names the environment variable that holds its secret, and
a live webhook only says whether a secret is set (and, on the local Hub, its salted digest).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, NamedTuple

import orjson

from ._secret import SecretState
from .category_schema import CategorySchema, items_of
from .migration import DeclaredMigration
from .setup_state import DesiredSetup, LiveSetup
from .vocabulary import PROJECT_TYPES, SECRET_ENV_PATTERN, WEBHOOK_TYPES, ProjectType, WebhookType

__all__ = [
    "PROJECT_TYPES",
    "SECRET_ENV_PATTERN",
    "WEBHOOK_TYPES",
    "DesiredProject",
    "DesiredWebhook",
    "HubCapabilities",
    "HubRecord",
    "LiveBatch",
    "LiveProject",
    "LiveWebhook",
    "ProjectFields",
    "ProjectSummary",
    "ProjectType",
    "SecretState",
    "Stage",
    "WebhookType",
    "Workflow",
    "absent_fingerprint",
    "check_field",
    "is_secret_env",
]


@dataclass(frozen=True)
class ProjectFields:
    """The fields of the project document itself that a definition sets.

    A field that is None is not set: the hub's default applies when a project is created, and the
    plan does not compare it. Which fields are managed, and what a change of each does to existing
    annotations, is declared in ``plan/attributes.py``.
    """

    name: str
    description: str = ""
    type: ProjectType | None = None

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> ProjectFields:
        """The fields of a hub's project document (lenient: a value it cannot hold reads as unset)."""
        return cls(**{f.name: _FIELD_VALUES[f.name].read(doc.get(f.name)) for f in dataclasses.fields(cls)})

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> ProjectFields:
        """Fields from values written elsewhere, such as a plan file (strict: ValueError names the
        first field that is unknown or holds a value it cannot)."""
        for name, value in values.items():
            check_field(name, value)
        return cls(**values)

    def items(self) -> tuple[tuple[str, Any], ...]:
        """(field, value) pairs, in declaration order."""
        return tuple((f.name, getattr(self, f.name)) for f in dataclasses.fields(self))

    def set(self) -> dict[str, Any]:
        """The fields that are set (not None), in declaration order."""
        return {name: value for name, value in self.items() if value is not None}


@dataclass(frozen=True)
class _FieldValues:
    """What one field of ``ProjectFields`` may hold, and how a hub's value of it is read."""

    choices: tuple[str, ...] | None = None  # None: any text
    default: str | None = ""  # what a hub's missing or unreadable value reads as

    def read(self, value: Any) -> Any:
        if self.choices is not None:
            return value if value in self.choices else None
        return value if isinstance(value, str) else self.default if value is None else str(value)

    def accepts(self, value: Any) -> bool:
        if self.choices is not None:
            return value is None or value in self.choices
        return isinstance(value, str)


#: One entry per field of ProjectFields (a test keeps the two in step).
_FIELD_VALUES: Final[dict[str, _FieldValues]] = {
    "name": _FieldValues(),
    "description": _FieldValues(),
    "type": _FieldValues(PROJECT_TYPES, None),
}


def check_field(name: str, value: Any) -> None:
    """ValueError unless ``name`` is a field of ``ProjectFields`` and ``value`` one it can hold."""
    values = _FIELD_VALUES.get(name)
    if values is None:
        raise ValueError(f"{name!r} is not a project field")
    if not values.accepts(value):
        allowed = ", ".join(values.choices) if values.choices is not None else "text"
        raise ValueError(f"project field {name!r} cannot be {value!r} (expected {allowed})")


def is_secret_env(name: str) -> bool:
    """Whether ``name`` may name a webhook secret's environment variable (:data:`SECRET_ENV_PATTERN`)."""
    return re.fullmatch(SECRET_ENV_PATTERN, name) is not None


@dataclass(frozen=True)
class DesiredWebhook:
    """A webhook as a definition wants it; the secret only as the name of its environment variable."""

    url: str
    types: tuple[WebhookType, ...]
    secret_env: str | None = None


@dataclass(frozen=True)
class DesiredProject:
    """The desired state of one project, from one definition file."""

    definition: str  # the definition file, as the user named it
    fields: ProjectFields
    category_schema: CategorySchema
    id: str | None = None  # the hub project this definition manages, when it says
    ontology: str = ""  # where the ontology comes from: a file, or "<definition> (inline)"
    batches: tuple[str, ...] = ()
    webhooks: tuple[DesiredWebhook, ...] = ()
    #: (name, id) of the batches the definition pins to a hub id: matched by id, renamed by name
    batch_ids: tuple[tuple[str, str], ...] = ()
    prune_batches: bool = False  # delete the hub's batches not listed (opted in)
    setup: DesiredSetup = dataclasses.field(
        default_factory=DesiredSetup
    )  # workflow, members, settings, instructions (setup_state.py)
    retired: tuple[str, ...] = ()  # the ontology's retired schemaIds (tombstones; docs/format.md)
    migrations: tuple[DeclaredMigration, ...] = ()  # the ontology's declared migrations (docs/migrations.md)

    @property
    def name(self) -> str:
        """The project's name."""
        return self.fields.name

    def secret_variables(self) -> tuple[str, ...]:
        """The environment variables this project's webhook secrets come from, in order."""
        hooks = (h.secret_env for h in self.webhooks if h.secret_env)
        return tuple(dict.fromkeys((*hooks, *self.setup.secret_variables())))


@dataclass(frozen=True)
class LiveWebhook:
    """A webhook on a hub."""

    id: str
    url: str
    types: tuple[str, ...]
    secret: SecretState | None  # None: the hub does not say

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> LiveWebhook:
        """A webhook from a hub's JSON (lenient)."""
        types = doc.get("types")
        return cls(
            str(doc.get("_id") or ""),
            str(doc.get("url") or ""),
            tuple(str(t) for t in types) if isinstance(types, list) else (),
            SecretState.from_document(doc.get("secret")),
        )


@dataclass(frozen=True)
class LiveBatch:
    """A batch on a hub; ``raw`` keeps every field, so that rewriting the list loses nothing."""

    id: str | None
    name: str
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class LiveProject:
    """A project as a hub has it now."""

    id: str
    fields: ProjectFields
    category_schema: CategorySchema
    batches: tuple[LiveBatch, ...] = ()
    webhooks: tuple[LiveWebhook, ...] | None = None  # None: the hub cannot list them
    raw_fields: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False)  # as the hub wrote
    #: the ids and names of the workflow's stages (``stages[]``); empty when the document lists none
    stages: tuple[str, ...] = dataclasses.field(default=(), compare=False)
    setup: LiveSetup = dataclasses.field(
        default_factory=LiveSetup
    )  # workflow, members, settings, instructions (setup_state.py)

    @classmethod
    def from_hub(cls, doc: Mapping[str, Any], webhooks: Iterable[Mapping[str, Any]] | None) -> LiveProject:
        """A project from a hub's project document and webhook list (lenient: junk reads as absent)."""
        batches = tuple(
            LiveBatch(str(b["_id"]) if b.get("_id") else None, str(b.get("name")), b)
            for b in items_of(doc.get("batches"))
            if isinstance(b, Mapping)
        )
        hooks = None
        if webhooks is not None:
            hooks = tuple(LiveWebhook.from_document(h) for h in items_of(webhooks) if isinstance(h, Mapping))
        raw_fields = {f.name: doc.get(f.name) for f in dataclasses.fields(ProjectFields)}
        return cls(
            str(doc.get("_id") or ""),
            ProjectFields.from_document(doc),
            CategorySchema.of(doc.get("categorySchema")),
            batches,
            hooks,
            raw_fields,
            _stage_names(doc.get("stages")),
            LiveSetup.from_document(doc),
        )

    def fingerprint(self) -> str:
        """A digest of this state, so that a saved plan can tell the project changed since."""
        return _digest(
            {
                "id": self.id,
                "fields": dict(self.raw_fields),
                "categorySchema": self.category_schema.raw,
                "batches": [{"_id": b.id, "name": b.name} for b in self.batches],
                "webhooks": None
                if self.webhooks is None
                else [
                    {
                        "_id": h.id,
                        "url": h.url,
                        "types": list(h.types),
                        "secret": None if h.secret is None else dataclasses.asdict(h.secret),
                    }
                    for h in self.webhooks
                ],
                "setup": self.setup.fingerprint_data(),
            }
        )


def _stage_names(stages: Any) -> tuple[str, ...]:
    """Each stage's ``id`` and ``name`` (strings), once each, in order; empty when none is given."""
    names: dict[str, None] = {}
    for stage in items_of(stages):
        if isinstance(stage, Mapping):
            names.update((v, None) for v in (stage.get("id"), stage.get("name")) if isinstance(v, str) and v)
    return tuple(names)


class Stage(NamedTuple):
    """One stage of a project's workflow (``stages[]`` of its document)."""

    id: str
    name: str
    type: str
    next: str | None  # the first of its ``next`` stages: where ``annotate_task?nextStage=true`` sends a task


@dataclass(frozen=True)
class Workflow:
    """A project's workflow stages, read leniently from its document (stages without a string ``id``
    are left out)."""

    stages: tuple[Stage, ...]

    @classmethod
    def of(cls, doc: Mapping[str, Any]) -> Workflow:
        """The workflow of a project document."""
        out = []
        for s in items_of(doc.get("stages")):
            if not isinstance(s, Mapping) or not isinstance(s.get("id"), str):
                continue
            following = s.get("next")
            first = following[0] if isinstance(following, list) and following else None
            name, kind = s.get("name"), s.get("type")
            out.append(
                Stage(
                    s["id"],
                    name if isinstance(name, str) else s["id"],
                    kind if isinstance(kind, str) else "",
                    first if isinstance(first, str) else None,
                )
            )
        return cls(tuple(out))

    def find(self, id_or_name: str) -> Stage | None:
        """The stage with this id, else the first with this name."""
        by_id = next((s for s in self.stages if s.id == id_or_name), None)
        return by_id or next((s for s in self.stages if s.name == id_or_name), None)

    def next_of(self, stage_id: str) -> str:
        """Where ``nextStage`` sends a task in ``stage_id`` (itself at the end of the workflow)."""
        found = next((s for s in self.stages if s.id == stage_id), None)
        return found.next if found is not None and found.next is not None else stage_id

    def path(self, start: str, end: str) -> tuple[str, ...] | None:
        """The stages a task passes through from ``start`` to ``end`` by ``nextStage``, both
        included; None when ``end`` is not ahead of ``start`` on that path."""
        path = [start]
        while path[-1] != end:
            following = self.next_of(path[-1])
            if following in path:  # the end of the workflow, or a loop
                return None
            path.append(following)
        return tuple(path)


def absent_fingerprint(name: str) -> str:
    """The fingerprint of "no such project yet" (a saved plan that creates ``name``)."""
    return _digest({"absent": name})


def _digest(state: Any) -> str:
    # orjson: a large project's schema is MBs, and the stdlib's sorted dump is 5x slower.
    try:
        return "sha256:" + hashlib.sha256(orjson.dumps(state, option=orjson.OPT_SORT_KEYS)).hexdigest()
    except TypeError:  # integers over 64 bits, or nested over 255 levels (a hostile hub's answer)
        return "sha256:" + _deep_digest(state)


def _deep_digest(state: Any) -> str:
    """The SHA-256 of ``state``'s canonical JSON, without recursion: any depth, any integer."""
    digest = hashlib.sha256()
    todo: list[Any] = [state]
    while todo:
        item = todo.pop()
        if isinstance(item, _Token):
            digest.update(item.text)
        elif isinstance(item, dict):
            parts: list[Any] = [_Token(b"{")]
            for i, key in enumerate(sorted(item, key=str)):
                parts += [_Token(b"," if i else b""), _Token(_scalar(str(key)) + b":"), item[key]]
            todo.extend(reversed([*parts, _Token(b"}")]))
        elif isinstance(item, (list, tuple)):
            parts = [_Token(b"[")]
            for i, element in enumerate(item):
                parts += [_Token(b"," if i else b""), element]
            todo.extend(reversed([*parts, _Token(b"]")]))
        else:
            digest.update(_scalar(item))
    return digest.hexdigest()


class _Token(NamedTuple):
    text: bytes


def _scalar(value: Any) -> bytes:
    return json.dumps(value, default=str).encode()  # ASCII: lone surrogates and all


@dataclass(frozen=True)
class ProjectSummary:
    """A project as a hub lists it (``listProjects``)."""

    id: str
    name: str
    description: str = ""
    created_at: str = ""

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> ProjectSummary:
        """A listed project from a hub's JSON (lenient)."""
        values = [doc.get(k) for k in ("_id", "name", "description", "createdAt")]
        return cls(*(v if isinstance(v, str) else "" if v is None else str(v) for v in values))


@dataclass(frozen=True)
class HubCapabilities:
    """What a hub can do beyond the documented Ango API: the extensions it announces (docs/hub.md)."""

    extensions: frozenset[str] = frozenset()
    asked: bool = False  # read from the hub (False: not known, as when a test plans without a hub)

    @property
    def webhook_endpoint(self) -> bool | None:
        """Whether the hub has the legacy webhook endpoint ontokit can manage webhooks with (it lists
        them: ``webhooks-read``); None when not asked."""
        return "webhooks-read" in self.extensions if self.asked else None

    def __contains__(self, extension: object) -> bool:
        return extension in self.extensions


@dataclass(frozen=True)
class HubRecord:
    """How a plan names the hub it was made for (a saved plan is applied to that hub only)."""

    name: str  # as users see it: "embedded local hub (.ontokit/hub.sqlite3)" or the URL
    kind: Literal["embedded", "url"]
    url: str | None = None  # for kind "url"
    db: str | None = None  # for kind "embedded": the database file
