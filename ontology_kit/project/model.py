"""Project definitions and the workspace file, as pydantic models (the source of their JSON Schemas).

A project file declares one Ango project: its name, description, optional id, the ontology it uses
(a path to a shared ontology file, or inline), its batches and its webhooks; and, when it says so,
its workflow stages, members, benchmark, label validation, general settings and instructions file
(each part it leaves out stays unmanaged). ``ontokit.yaml`` at
the repo root lists the project files of a workspace.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from ..rate_limit import RateLimit
from ..vocabulary import SECRET_ENV_PATTERN, ProjectRole, ProjectType, StageType, WebhookType

__all__ = [
    "BatchSpec",
    "BenchmarkSpec",
    "LabelValidationSpec",
    "ProjectFile",
    "SecretRef",
    "SettingsSpec",
    "StageSpec",
    "WebhookSpec",
    "WorkspaceFile",
]

_URL = r"^https?://\S+$"
_EMAIL = r"^[^@\s]+@[^@\s]+$"
Number = int | float


class _Model(BaseModel):
    # defer_build: validating an ontology file never needs these models; build them on first use.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class SecretRef(_Model):
    """A secret, given only as the name of an environment variable read at plan/apply time."""

    env: Annotated[
        str,
        Field(
            pattern=SECRET_ENV_PATTERN,
            description="Name of the environment variable that holds the secret: `HOOK` in it, "
            "`_SECRET` at its end (e.g. WEBHOOK_SECRET).",
        ),
    ]


class WebhookSpec(_Model):
    """A webhook of the project. The hub fires it on the listed events."""

    url: Annotated[str, Field(pattern=_URL, description="Where the hub POSTs events.")]
    types: Annotated[
        list[WebhookType], Field(min_length=1, description="ACCEPTED, COMPLETED and/or UPDATED.")
    ]
    secret: SecretRef | None = Field(None, description="Signing secret: `{env: VARIABLE}`; never the value.")


class BatchSpec(_Model):
    """A batch. A plain string is short for ``{name: ...}``."""

    name: Annotated[str, Field(min_length=1)]
    id: str | None = Field(
        None,
        description="The batch's id on the hub. With it, the batch is matched by id, so that a new "
        "`name` renames it (otherwise a new name is a new batch).",
    )


def _batch_shorthand(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


BatchItem = Annotated[BatchSpec, BeforeValidator(_batch_shorthand, json_schema_input_type=str | BatchSpec)]


class Position(_Model):
    """Where the workflow editor draws a stage."""

    x: Number
    y: Number


class ConsensusConfig(_Model):
    """A Consensus stage's settings."""

    threshold: Number = Field(description="The agreement needed, in percent.")
    adjudicationMethod: str | None = Field(None, description='How a disagreement is settled ("best").')


class StageSpec(_Model):
    """One workflow stage, with Ango's field names. Fields left out keep the hub's values."""

    id: Annotated[str, Field(min_length=1, max_length=1024, description="The stage's id: stable, unique.")]
    type: StageType
    name: str | None = Field(None, description="The name people see (default: the id).")
    next: list[str] = Field(
        default_factory=list,
        description="The ids of the stages a task goes to from here (Review: accepted, rejected; "
        "Consensus: agree, disagree). Complete and Archive lead nowhere.",
    )
    assignedTo: list[Annotated[str, Field(pattern=_EMAIL)]] | None = Field(
        None, description="Who works in this stage (e-mail addresses)."
    )
    position: Position | None = None
    autoForward: bool | None = Field(None, description="Start: send new tasks on at once.")
    preventRequeue: bool | None = Field(None, description="Complete: tasks here cannot be requeued.")
    readOnly: bool | None = Field(None, description="Review: reviewers cannot edit answers.")
    consensusConfig: ConsensusConfig | None = None
    consensusId: str | None = Field(None, description="A consensus sub-stage: the Consensus stage's id.")
    pluginId: str | None = Field(None, description="Plugin: the plugin's id.")
    logic: dict[str, Any] | None = Field(None, description="Logic: its conditions, as Ango writes them.")
    url: str | None = Field(None, pattern=_URL, description="Webhook: where the hub POSTs each task.")
    secret: SecretRef | None = Field(None, description="Webhook: its signing secret, `{env: VARIABLE}`.")


class BenchmarkSpec(_Model):
    """Benchmark settings (``update_benchmark_settings``)."""

    enabled: bool
    ratio: Annotated[int, Field(ge=0, le=100)] | None = Field(
        None, description="Percent of eligible tasks sampled as benchmarks."
    )
    cutoff: bool | None = Field(None, description="Whether benchmark cutoff is on.")


class LabelValidationSpec(_Model):
    """Custom label validation (``update_label_validation``)."""

    enabled: bool | None = None
    function: str | None = Field(None, description="The validation function's source.")
    external: dict[str, Any] | None = Field(None, description="External validation, as Ango writes it.")


class SettingsSpec(_Model):
    """General project settings, with Ango's field names."""

    idleTimeout: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Seconds before an idle task is released."
    )
    ocrLanguage: str | None = None
    taskSkipEnabled: bool | None = None
    unassignSkippedTask: bool | None = None
    errorCodesEnabled: bool | None = None


class ProjectFile(_Model):
    """One project definition file."""

    model_config = ConfigDict(
        title="ontokit project", json_schema_extra={"$comment": "Generated by `ontokit schema --project`."}
    )

    name: Annotated[str, Field(min_length=1, description="The project's name on the hub.")]
    description: str = ""
    id: str | None = Field(
        None,
        description="The project's id on the hub. Without it, the project is "
        "found by its exact name (which must be unique), or created.",
    )
    type: ProjectType | None = Field(
        None,
        description="The project's type. When set, ontokit manages it: sent when the project is created, "
        "and compared with the hub's; a change is destructive (docs/projects.md).",
    )
    ontology: str | dict[str, Any] = Field(
        description="Path to an ontology file (relative to this file, inside the workspace root), or the "
        "ontology itself, inline."
    )
    batches: list[BatchItem] = Field(
        default_factory=list,
        description="Batches the project must have. "
        "Other batches on the hub are shown as unmanaged, never deleted, unless `prune_batches` is true.",
    )
    prune_batches: bool = Field(
        False,
        description="Delete the hub's batches this definition does not list (a destructive change: the "
        "plan shows how many tasks each holds).",
    )
    webhooks: list[WebhookSpec] = Field(
        default_factory=list,
        description="Webhooks the project must have, "
        "matched by URL. Others are shown as unmanaged, never deleted.",
    )
    workflow: list[StageSpec] | None = Field(
        None,
        max_length=100,
        description="The workflow's stages, all of them: stages on the hub that are not listed are "
        "removed. Left out: the workflow is not managed.",
    )
    members: dict[str, ProjectRole] | None = Field(
        None,
        description="Members and their roles (e-mail: role). Other members on the hub stay (Ango's "
        "API cannot remove one).",
        max_length=1000,
    )
    benchmark: BenchmarkSpec | None = None
    label_validation: LabelValidationSpec | None = None
    settings: SettingsSpec | None = None
    instructions: str | None = Field(
        None, description="Path to the instructions file (relative to this file, inside the workspace)."
    )


class WorkspaceFile(_Model):
    """``ontokit.yaml``: the project definitions of a repository."""

    model_config = ConfigDict(title="ontokit workspace")

    projects: Annotated[
        list[str],
        Field(
            min_length=1,
            description="Project definition files or glob patterns, relative to ontokit.yaml and inside "
            "its folder.",
        ),
    ]
    hub: str | None = Field(
        None, description="Default hub for this workspace (overridden by --hub and ONTOKIT_HUB)."
    )
    rate_limit: str | None = Field(
        None,
        description="The hub's request budget to pace to, e.g. `100/min` (a plan with a higher "
        "limit), or `off`; overridden by ONTOKIT_RATE_LIMIT. Default: 100/min on a real Hub, none on "
        "a local one.",
        examples=["100/min", "600/min", "off"],
    )
    exclude: list[str] | None = Field(
        None,
        description="Files `ontokit validate` and `ontokit fmt` leave out when they walk folders (and "
        "when given them by name): fnmatch patterns on the path relative to this file's folder, `/` "
        "between folders. A name (`action.yml`, `*.gen.yaml`, `charts`) matches at any depth, a "
        "path (`deploy/*`, `docs/examples/`) from this folder; a folder matched leaves out all below "
        "it. No absolute paths, no `..` (docs/projects.md, Exclude).",
        examples=[["deploy/*", "charts/", "*.generated.yaml"]],
    )

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit(cls, value: str | None) -> str | None:
        if value is not None:
            RateLimit.parse(value)  # ValueError: pydantic reports it at the field
        return value
