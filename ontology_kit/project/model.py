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
            examples=["DRIVING_WEBHOOK_SECRET"],
        ),
    ]


class WebhookSpec(_Model):
    """A webhook of the project. The hub fires it on the listed events."""

    url: Annotated[
        str,
        Field(
            pattern=_URL,
            description="Where the hub POSTs events.",
            examples=["https://hooks.example.com/ango"],
        ),
    ]
    types: Annotated[
        list[WebhookType],
        Field(min_length=1, description="ACCEPTED, COMPLETED and/or UPDATED.", examples=[["COMPLETED"]]),
    ]
    secret: SecretRef | None = Field(
        None,
        description="Signing secret: `{env: VARIABLE}`; never the value.",
        examples=[{"env": "DRIVING_WEBHOOK_SECRET"}],
    )


class BatchSpec(_Model):
    """A batch. A plain string is short for ``{name: ...}``."""

    name: Annotated[str, Field(min_length=1, description="The batch's name on the hub.", examples=["Week 1"])]
    id: str | None = Field(
        None,
        description="The batch's id on the hub. With it, the batch is matched by id, so that a new "
        "`name` renames it (otherwise a new name is a new batch).",
        examples=["6571c1f0a5b4d3e2f1a0b9c8"],
    )


def _batch_shorthand(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


BatchItem = Annotated[BatchSpec, BeforeValidator(_batch_shorthand, json_schema_input_type=str | BatchSpec)]


class Position(_Model):
    """Where the workflow editor draws a stage."""

    x: Number = Field(description="Horizontal position in the workflow editor.", examples=[120])
    y: Number = Field(description="Vertical position in the workflow editor.", examples=[80])


class ConsensusConfig(_Model):
    """A Consensus stage's settings."""

    threshold: Number = Field(description="The agreement needed, in percent.", examples=[80])
    adjudicationMethod: str | None = Field(
        None, description='How a disagreement is settled ("best").', examples=["best"]
    )


class StageSpec(_Model):
    """One workflow stage, with Ango's field names. Fields left out keep the hub's values."""

    id: Annotated[
        str,
        Field(
            min_length=1, max_length=1024, description="The stage's id: stable, unique.", examples=["Review"]
        ),
    ]
    type: StageType = Field(description="The kind of stage (the SDK's StageType).", examples=["Review"])
    name: str | None = Field(
        None, description="The name people see (default: the id).", examples=["Labeling"]
    )
    next: list[str] = Field(
        default_factory=list,
        description="The ids of the stages a task goes to from here (Review: accepted, rejected; "
        "Consensus: agree, disagree). Complete and Archive lead nowhere.",
        examples=[["Complete", "Label"]],
    )
    assignedTo: list[Annotated[str, Field(pattern=_EMAIL)]] | None = Field(
        None, description="Who works in this stage (e-mail addresses).", examples=[["ann@example.com"]]
    )
    position: Position | None = Field(
        None, description="Where the workflow editor draws the stage.", examples=[{"x": 120, "y": 80}]
    )
    autoForward: bool | None = Field(None, description="Start: send new tasks on at once.", examples=[True])
    preventRequeue: bool | None = Field(
        None, description="Complete: tasks here cannot be requeued.", examples=[True]
    )
    readOnly: bool | None = Field(None, description="Review: reviewers cannot edit answers.", examples=[True])
    consensusConfig: ConsensusConfig | None = Field(
        None,
        description="Consensus: the agreement needed and how a disagreement is settled.",
        examples=[{"threshold": 80, "adjudicationMethod": "best"}],
    )
    consensusId: str | None = Field(
        None, description="A consensus sub-stage: the Consensus stage's id.", examples=["Consensus"]
    )
    pluginId: str | None = Field(None, description="Plugin: the plugin's id.", examples=["6571c1f0a5b4d3e2"])
    logic: dict[str, Any] | None = Field(
        None, description="Logic: its conditions, as Ango writes them.", examples=[{"conditions": []}]
    )
    url: str | None = Field(
        None,
        pattern=_URL,
        description="Webhook: where the hub POSTs each task.",
        examples=["https://hooks.example.com/ango/driving"],
    )
    secret: SecretRef | None = Field(
        None,
        description="Webhook: its signing secret, `{env: VARIABLE}`.",
        examples=[{"env": "DRIVING_HOOK_SECRET"}],
    )


class BenchmarkSpec(_Model):
    """Benchmark settings (``update_benchmark_settings``)."""

    enabled: bool = Field(description="Whether benchmark sampling is on.", examples=[True])
    ratio: Annotated[int, Field(ge=0, le=100)] | None = Field(
        None, description="Percent of eligible tasks sampled as benchmarks.", examples=[10]
    )
    cutoff: bool | None = Field(None, description="Whether benchmark cutoff is on.", examples=[False])


class LabelValidationSpec(_Model):
    """Custom label validation (``update_label_validation``)."""

    enabled: bool | None = Field(None, description="Whether custom label validation is on.", examples=[True])
    function: str | None = Field(
        None,
        description="The validation function's source.",
        examples=['return answer.objects.length > 0 ? [] : ["draw at least one object"];'],
    )
    external: dict[str, Any] | None = Field(
        None,
        description="External validation, as Ango writes it.",
        examples=[{"url": "https://example.com/check"}],
    )


class SettingsSpec(_Model):
    """General project settings, with Ango's field names."""

    idleTimeout: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Seconds before an idle task is released.", examples=[600]
    )
    ocrLanguage: str | None = Field(None, description="The OCR language.", examples=["eng"])
    taskSkipEnabled: bool | None = Field(
        None, description="Whether annotators may skip a task.", examples=[True]
    )
    unassignSkippedTask: bool | None = Field(
        None, description="Whether a skipped task is unassigned.", examples=[True]
    )
    errorCodesEnabled: bool | None = Field(None, description="Whether error codes are on.", examples=[False])


class ProjectFile(_Model):
    """One project definition file."""

    model_config = ConfigDict(
        title="ontokit project", json_schema_extra={"$comment": "Generated by `ontokit schema --project`."}
    )

    name: Annotated[
        str, Field(min_length=1, description="The project's name on the hub.", examples=["Driving scenes"])
    ]
    description: str = Field(
        "", description="The project's description on the hub.", examples=["Road scenes"]
    )
    id: str | None = Field(
        None,
        description="The project's id on the hub. Without it, the project is "
        "found by its exact name (which must be unique), or created.",
        examples=["6571c1f0a5b4d3e2f1a0b9c8"],
    )
    type: ProjectType | None = Field(
        None,
        description="The project's type. When set, ontokit manages it: sent when the project is created, "
        "and compared with the hub's; a change is destructive (docs/projects.md).",
        examples=["ango"],
    )
    ontology: str | dict[str, Any] = Field(
        description="Path to an ontology file (relative to this file, inside the workspace root), or the "
        "ontology itself, inline.",
        examples=["../ontologies/driving-scenes.yaml", {"tools": [{"title": "Car", "type": "bounding-box"}]}],
    )
    batches: list[BatchItem] = Field(
        default_factory=list,
        description="Batches the project must have. "
        "Other batches on the hub are shown as unmanaged, never deleted, unless `prune_batches` is true.",
        examples=[["Week 1", {"name": "Week 2", "id": "6571c1f0a5b4d3e2f1a0b9c8"}]],
    )
    prune_batches: bool = Field(
        False,
        description="Delete the hub's batches this definition does not list (a destructive change: the "
        "plan shows how many tasks each holds).",
        examples=[True],
    )
    webhooks: list[WebhookSpec] = Field(
        default_factory=list,
        description="Webhooks the project must have, "
        "matched by URL. Others are shown as unmanaged, never deleted.",
        examples=[[{"url": "https://hooks.example.com/ango", "types": ["COMPLETED"]}]],
    )
    workflow: list[StageSpec] | None = Field(
        None,
        max_length=100,
        description="The workflow's stages, all of them: stages on the hub that are not listed are "
        "removed. Left out: the workflow is not managed.",
        examples=[
            [
                {"id": "Start", "type": "Start", "next": ["Label"]},
                {"id": "Label", "type": "Label", "next": ["Complete"]},
                {"id": "Complete", "type": "Complete"},
            ]
        ],
    )
    members: dict[str, ProjectRole] | None = Field(
        None,
        description="Members and their roles (e-mail: role). Other members on the hub stay (Ango's "
        "API cannot remove one).",
        max_length=1000,
        examples=[{"ann@example.com": "Labeler", "rev@example.com": "Reviewer"}],
    )
    benchmark: BenchmarkSpec | None = Field(
        None,
        description="Benchmark sampling. Left out: not managed.",
        examples=[{"enabled": True, "ratio": 10, "cutoff": False}],
    )
    label_validation: LabelValidationSpec | None = Field(
        None,
        description="Custom label validation. Left out: not managed.",
        examples=[{"enabled": True, "function": "return [];"}],
    )
    settings: SettingsSpec | None = Field(
        None,
        description="General project settings; each one left out is not managed.",
        examples=[{"idleTimeout": 600, "taskSkipEnabled": True}],
    )
    instructions: str | None = Field(
        None,
        description="Path to the instructions file (relative to this file, inside the workspace).",
        examples=["../docs/labeling-guide.pdf"],
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
            examples=[["projects/*.yaml"]],
        ),
    ]
    hub: str | None = Field(
        None,
        description="Default hub for this workspace: `ango` (or `ango-us`, `ango-in`), `local` (the embedded "
        "local Hub) or a hub URL; overridden by --hub and ONTOKIT_HUB.",
        examples=["ango", "local", "http://127.0.0.1:8765"],
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
