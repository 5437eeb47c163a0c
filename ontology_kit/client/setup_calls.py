"""A project's setup through the official SDK's calls (docs/projects.md, "The project's setup"):
``update_workflow_stages``, ``add_members_to_project``, ``update_benchmark_settings``,
``update_label_validation``, ``upload_instructions``, and the task count of a stage (``get_tasks``
filtered by stage) that plans show for a stage they remove or re-route."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .client import HubClient, _segment
from .labels import task_total

__all__ = [
    "add_members",
    "set_workflow",
    "tasks_in_stage",
    "update_benchmark",
    "update_label_validation",
    "update_settings",
    "upload_instructions",
]


def set_workflow(client: HubClient, project_id: str, stages: Sequence[Mapping[str, Any]]) -> None:
    """``update_workflow_stages``: the whole list of stages (``POST /v2/project/{id}``)."""
    client.update_project(project_id, stages=list(stages))


def add_members(client: HubClient, project_id: str, emails: Sequence[str], role: str) -> None:
    """``add_members_to_project``: add members with ``role``, or give members that role."""
    client._call(
        "POST",
        f"/v2/project/{_segment(project_id)}/assigned",
        json={"assignees": list(emails), "role": role},
        safe=True,  # the same members with the same role: repeating it changes nothing
        what=f"members of project {project_id}",
    )


def update_benchmark(client: HubClient, project_id: str, values: Mapping[str, Any]) -> None:
    """``update_benchmark_settings``: ``benchmarkEnabled`` and, when given, ``benchmarkRatio`` and
    ``benchmarkCutoff`` (a plan's values are in that order: ``setup_state.SETTINGS``'s)."""
    client.update_project(project_id, **values)


def update_label_validation(client: HubClient, project_id: str, values: Mapping[str, Any]) -> None:
    """``update_label_validation``: the fields given, as the SDK sends them."""
    client._call(
        "POST",
        f"/v2/project/{_segment(project_id)}/labelValidation",
        json=dict(values),
        safe=True,
        what=f"label validation of project {project_id}",
    )


def update_settings(client: HubClient, project_id: str, values: Mapping[str, Any]) -> None:
    """General settings (``idleTimeout`` and the like) through the project update (inferred)."""
    client.update_project(project_id, **values)


def upload_instructions(client: HubClient, project_id: str, name: str, content: bytes) -> None:
    """``upload_instructions``: the file as multipart ``file`` (the SDK's request)."""
    client._call(
        "POST",
        f"/v2/project/{_segment(project_id)}/instructions",
        files={"file": (name, content)},
        safe=True,  # the same file again: the same instructions
        what=f"instructions of project {project_id}",
    )


def tasks_in_stage(client: HubClient, project_id: str, stage_id: str) -> int:
    """How many of the project's tasks are in the stage (``get_tasks`` with a stage filter; a read)."""
    return task_total(client, project_id, {"stage": {"$in": [stage_id]}})
