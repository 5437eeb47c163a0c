"""The rest of a project as code, desired and live: its workflow stages, members, settings and
instructions file (docs/projects.md, "The project's setup").

:class:`DesiredSetup` is built from a project definition; :class:`LiveSetup` from a hub's project
document (lenient). ``plan/setup_diff.py`` compares the two. Each part is optional in a definition:
a part it leaves out (None, or a setting it does not name) is not managed, never compared and never
reset. Nothing here does I/O, and no secret value lives here: a desired Webhook stage names the
environment variable of its secret, a live one only says whether it has one (and its digest).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from ._secret import SecretState, secret_digest
from .category_schema import items_of
from .vocabulary import SECRET_ENV_PATTERN, STAGE_TYPES

__all__ = [
    "SETTINGS",
    "DesiredSetup",
    "DesiredStage",
    "Instructions",
    "LiveSetup",
    "LiveStage",
    "Setting",
    "SettingSection",
    "member_address",
    "setting",
    "workflow_bodies",
]

#: Which SDK call sets a setting: ``update_benchmark_settings``, ``update_label_validation``, or the
#: project update (``POST /v2/project/{id}``, inferred for the general settings).
SettingSection = Literal["benchmark", "label-validation", "settings"]


@dataclass(frozen=True)
class Setting:
    """One managed key of the project document, outside the workflow and the members."""

    key: str  # the key in the hub's project document and in the call that sets it
    section: SettingSection
    kind: type  # bool, int, str or dict: what a value must be
    field: str  # where a definition sets it: "benchmark.ratio"

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` is one this setting can hold."""
        if self.kind is int:
            return type(value) is int
        return isinstance(value, self.kind)


#: Every managed setting, in the order plans show them.
SETTINGS: Final[tuple[Setting, ...]] = (
    Setting("benchmarkEnabled", "benchmark", bool, "benchmark.enabled"),
    Setting("benchmarkRatio", "benchmark", int, "benchmark.ratio"),
    Setting("benchmarkCutoff", "benchmark", bool, "benchmark.cutoff"),
    Setting("customValidationEnabled", "label-validation", bool, "label_validation.enabled"),
    Setting("validationFunction", "label-validation", str, "label_validation.function"),
    Setting("externalValidation", "label-validation", dict, "label_validation.external"),
    Setting("idleTimeout", "settings", int, "settings.idleTimeout"),
    Setting("ocrLanguage", "settings", str, "settings.ocrLanguage"),
    Setting("taskSkipEnabled", "settings", bool, "settings.taskSkipEnabled"),
    Setting("unassignSkippedTask", "settings", bool, "settings.unassignSkippedTask"),
    Setting("errorCodesEnabled", "settings", bool, "settings.errorCodesEnabled"),
)
_BY_KEY: Final[dict[str, Setting]] = {s.key: s for s in SETTINGS}


def setting(key: str) -> Setting:
    """The setting with this key (KeyError: not a managed setting)."""
    return _BY_KEY[key]


@dataclass(frozen=True)
class DesiredStage:
    """A workflow stage as a definition wants it: the fields it sets, with the hub's keys."""

    id: str
    type: str
    next: tuple[str, ...] = ()
    #: the other fields the definition sets (name, assignedTo, url, consensusConfig, ...), in order;
    #: a field it leaves out keeps the hub's value
    values: tuple[tuple[str, Any], ...] = ()
    secret_env: str | None = None  # a Webhook stage's secret: the environment variable holding it

    @property
    def name(self) -> str:
        """The stage's name (its id when the definition gives none)."""
        name = dict(self.values).get("name")
        return name if isinstance(name, str) else self.id


@dataclass(frozen=True)
class LiveStage:
    """A workflow stage on a hub; ``raw`` keeps every field (its secret left out), so that a rewrite of
    the workflow loses nothing the definition does not set."""

    id: str
    type: str
    next: tuple[str, ...]
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False)
    secret: SecretState | None = None  # None: no secret, or the hub does not say
    #: the secret of a hub that shows it (not the state the local Hub shows): only ever sent back to
    #: that hub, so that rewriting the workflow keeps it; never compared, shown or stored
    shown_secret: str | None = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The stage's name (its id when it has none)."""
        name = self.raw.get("name")
        return name if isinstance(name, str) else self.id

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> LiveStage | None:
        """A stage of a hub's ``stages[]`` (None: one without a string ``id``)."""
        sid = doc.get("id")
        if not isinstance(sid, str):
            return None
        following = doc.get("next")
        kind = doc.get("type")
        secret = doc.get("secret")
        state = SecretState.from_document(secret)
        shown = secret if state is None and isinstance(secret, str) and secret else None
        if shown is not None:  # a hub that shows the value: it is sent back, never compared
            state = SecretState(True)
        raw = {k: v for k, v in doc.items() if k != "secret"}
        if state is not None and shown is None:
            raw["secret"] = dataclasses.asdict(state)  # as read back; sent again, the hub keeps it
        return cls(
            sid,
            kind if isinstance(kind, str) else "",
            tuple(n for n in items_of(following) if isinstance(n, str)),
            raw,
            state,
            shown,
        )


@dataclass(frozen=True)
class Instructions:
    """The instructions file a definition uploads: its path (relative to where ontokit runs) and
    the SHA-256 of its content when the plan was made."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class DesiredSetup:
    """What a definition manages beyond the name, type, ontology, batches and webhooks."""

    workflow: tuple[DesiredStage, ...] | None = None  # None: the workflow is not managed
    members: tuple[tuple[str, str], ...] | None = None  # (e-mail, role); None: not managed
    settings: tuple[tuple[str, Any], ...] = ()  # (key of SETTINGS, value): only those it sets
    instructions: Instructions | None = None

    def secret_variables(self) -> tuple[str, ...]:
        """The environment variables its Webhook stages' secrets come from, in order."""
        stages = self.workflow or ()
        return tuple(dict.fromkeys(s.secret_env for s in stages if s.secret_env))

    def to_json(self) -> dict[str, Any]:
        """The JSON form a plan file stores (no secret values: only variable names)."""
        out: dict[str, Any] = {}
        if self.workflow is not None:
            out["workflow"] = [
                {
                    "id": s.id,
                    "type": s.type,
                    "next": list(s.next),
                    "values": [[k, v] for k, v in s.values],
                    "secretEnv": s.secret_env,
                }
                for s in self.workflow
            ]
        if self.members is not None:
            out["members"] = [list(m) for m in self.members]
        if self.settings:
            out["settings"] = [[k, v] for k, v in self.settings]
        if self.instructions is not None:
            out["instructions"] = dataclasses.asdict(self.instructions)
        return out

    @classmethod
    def from_json(cls, doc: Any) -> DesiredSetup:
        """The setup a plan file stores (strict: ValueError names the first thing wrong, with its
        place, e.g. ``workflow.2.secretEnv: ...``)."""
        if not isinstance(doc, Mapping):
            raise ValueError(": expected an object")
        unknown = sorted(set(doc) - {"workflow", "members", "settings", "instructions"})
        if unknown:
            raise ValueError(f".{unknown[0]}: unknown field")
        workflow = None
        if "workflow" in doc:
            workflow = tuple(
                _stage_from_json(s, f".workflow.{i}")
                for i, s in enumerate(_list(doc["workflow"], ".workflow"))
            )
        members = None
        if "members" in doc:
            members = tuple(
                _pair(m, f".members.{i}", str) for i, m in enumerate(_list(doc["members"], ".members"))
            )
        settings = tuple(
            _setting_pair(p, f".settings.{i}")
            for i, p in enumerate(_list(doc.get("settings", []), ".settings"))
        )
        instructions = None
        if "instructions" in doc:
            ins = doc["instructions"]
            if (
                not isinstance(ins, Mapping)
                or set(ins) != {"path", "sha256", "size"}
                or not isinstance(ins["path"], str)
                or not isinstance(ins["sha256"], str)
                or type(ins["size"]) is not int
            ):
                raise ValueError(".instructions: expected {path, sha256, size}")
            instructions = Instructions(ins["path"], ins["sha256"], ins["size"])
        return cls(workflow, members, settings, instructions)


def member_address(entry: Any) -> Any:
    """Who an entry of a hub's ``assignedTo`` names: its documented ``assignee`` (older local Hubs
    wrote ``user``), as the hub gave it (not checked); None when the entry is not a mapping."""
    return entry.get("assignee", entry.get("user")) if isinstance(entry, Mapping) else None


def workflow_bodies(
    wanted: Iterable[DesiredStage], live: Iterable[LiveStage], secrets: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The stages ``update_workflow_stages`` sends for ``wanted``: each one the hub's stage of that
    id (its secret as read back, which the hub keeps) with the fields the definition sets on top;
    ``secrets`` maps the ids of the stages whose secret is written to its value."""
    by_id = {s.id: s for s in live}
    out = []
    for stage in wanted:
        current = by_id.get(stage.id)
        body = {**(current.raw if current is not None else {}), "id": stage.id, "type": stage.type}
        body.update({"next": list(stage.next), **dict(stage.values)})
        if stage.id in secrets:
            body["secret"] = secrets[stage.id]
        elif current is not None and current.shown_secret is not None:
            body["secret"] = current.shown_secret
        out.append(body)
    return out


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list")
    return value


def _pair(value: Any, where: str, second: type) -> tuple[str, Any]:
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)):
        raise ValueError(f"{where}: expected a [name, value] pair")
    if not isinstance(value[1], second):
        raise ValueError(f"{where}: the value has the wrong type")
    return value[0], value[1]


def _setting_pair(value: Any, where: str) -> tuple[str, Any]:
    key, item = _pair(value, where, object)
    if key not in _BY_KEY:
        raise ValueError(f"{where}: {key!r} is not a managed setting")
    if not _BY_KEY[key].accepts(item):
        raise ValueError(f"{where}: {key} cannot be {item!r}")
    return key, item


def _stage_from_json(value: Any, where: str) -> DesiredStage:
    if not isinstance(value, Mapping) or set(value) != {"id", "type", "next", "values", "secretEnv"}:
        raise ValueError(f"{where}: expected {{id, type, next, values, secretEnv}}")
    sid, kind, env = value["id"], value["type"], value["secretEnv"]
    if not isinstance(sid, str) or kind not in STAGE_TYPES:
        raise ValueError(f"{where}: a stage needs a string id and a stage type")
    following = _list(value["next"], f"{where}.next")
    if not all(isinstance(n, str) for n in following):
        raise ValueError(f"{where}.next: expected stage ids")
    if env is not None and not (isinstance(env, str) and re.fullmatch(SECRET_ENV_PATTERN, env)):
        raise ValueError(f"{where}.secretEnv: not a webhook secret's variable name")
    values = tuple(
        _pair(p, f"{where}.values.{i}", object)
        for i, p in enumerate(_list(value["values"], f"{where}.values"))
    )
    if any(k in ("id", "type", "next", "secret") for k, _ in values):
        raise ValueError(f"{where}.values: id, type, next and secret are not values")
    return DesiredStage(sid, kind, tuple(following), values, env)


@dataclass(frozen=True)
class LiveSetup:
    """A project's setup as a hub has it (lenient: junk reads as absent)."""

    stages: tuple[LiveStage, ...] = ()
    members: tuple[tuple[str, str], ...] = ()  # (e-mail, role)
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # SETTINGS keys the hub has
    instructions: str | None = None  # the hub's `instructions` (a URL or a file name)
    instructions_sha256: str | None = None  # the local Hub's digest of the uploaded file

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> LiveSetup:
        """The setup of a hub's project document."""
        stages = (LiveStage.from_document(s) for s in items_of(doc.get("stages")) if isinstance(s, Mapping))
        members: dict[str, str] = {}
        for m in items_of(doc.get("assignedTo")):
            who = member_address(m)
            if isinstance(who, str) and isinstance(m.get("role"), str):
                members[who] = m["role"]
        instructions = doc.get("instructions")
        uploaded = doc.get("instructionsFile")
        digest = uploaded.get("sha256") if isinstance(uploaded, Mapping) else None
        return cls(
            tuple(s for s in stages if s is not None),
            tuple(members.items()),
            {s.key: doc[s.key] for s in SETTINGS if s.key in doc},
            instructions if isinstance(instructions, str) and instructions else None,
            digest if isinstance(digest, str) else None,
        )

    @classmethod
    def of_desired(cls, setup: DesiredSetup, by_name: bool = False) -> LiveSetup:
        """The setup a hub would have after applying ``setup`` (``ontokit diff`` compares two files
        this way). With ``by_name``, a Webhook stage's secret is the name of its variable (as a
        digest): a diff compares which variable a secret comes from, never a value."""
        stages = tuple(
            LiveStage(
                s.id,
                s.type,
                s.next,
                {"id": s.id, "type": s.type, "next": list(s.next), **dict(s.values)},
                SecretState(True, secret_digest("by-name", s.secret_env))
                if s.secret_env and by_name
                else None,
            )
            for s in setup.workflow or ()
        )
        ins = setup.instructions
        return cls(
            stages,
            setup.members or (),
            dict(setup.settings),
            ins.path if ins else None,
            ins.sha256 if ins else None,
        )

    def fingerprint_data(self) -> dict[str, Any]:
        """What a saved plan's fingerprint covers of the setup."""
        return {
            "stages": [
                {**s.raw, **({"secret": dataclasses.asdict(s.secret)} if s.secret is not None else {})}
                for s in self.stages
            ],
            "members": [list(m) for m in self.members],
            "values": dict(self.values),
            "instructions": [self.instructions, self.instructions_sha256],
        }
