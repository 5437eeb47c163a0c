"""A definition's setup as typed state: :class:`~ontology_kit.setup_state.DesiredSetup` from the
parts of a :class:`~ontology_kit.project.model.ProjectFile` that it sets."""

from __future__ import annotations

from typing import Any

from ..setup_state import SETTINGS, DesiredSetup, DesiredStage, Instructions
from .model import ProjectFile, StageSpec

__all__ = ["desired_setup"]

#: Stage fields that are not ``values`` of a DesiredStage.
_OWN = ("id", "type", "next", "secret")


def desired_setup(model: ProjectFile, instructions: Instructions | None) -> DesiredSetup:
    """The setup a valid definition describes; ``instructions``: what was read of its file."""
    workflow = None if model.workflow is None else tuple(_stage(s) for s in model.workflow)
    members = None if model.members is None else tuple(model.members.items())
    return DesiredSetup(workflow, members, _settings(model), instructions)


def _stage(spec: StageSpec) -> DesiredStage:
    body = spec.model_dump(exclude_none=True)
    values = tuple((k, v) for k, v in body.items() if k not in _OWN)
    return DesiredStage(
        spec.id, spec.type, tuple(spec.next), values, spec.secret.env if spec.secret is not None else None
    )


def _settings(model: ProjectFile) -> tuple[tuple[str, Any], ...]:
    out = []
    for setting in SETTINGS:
        part, _, attribute = setting.field.partition(".")
        section = getattr(model, part)
        value = getattr(section, attribute) if section is not None else None
        if value is not None:
            out.append((setting.key, value))
    return tuple(out)
