"""Import of a project's setup: its workflow stages, members, benchmark, label validation and general
settings, as a project definition writes them (docs/projects.md, "The project's setup").

Pure. Each part is checked the way ``validate`` checks a definition; a part the format cannot hold
(a workflow the checks refuse, a value of the wrong type) is left out with a warning, so that import
never writes a file that fails ``validate``: that part stays unmanaged. A Webhook stage's secret
cannot be read back: it is written as a variable to set (``{env: NOTIFY_HOOK_SECRET}``).
Instructions files cannot be downloaded, so they are not imported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from pydantic import ValidationError

from .category_schema import items_of
from .project.model import ProjectFile, StageSpec
from .project.setup_checks import check_members, check_workflow
from .setup_state import SETTINGS, member_address

__all__ = ["import_setup", "secret_variable"]

#: The stage fields a definition can hold, in the order they are written.
_STAGE_FIELDS: Final[tuple[str, ...]] = tuple(StageSpec.model_fields)


def import_setup(project: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The setup parts of a definition for ``project`` (a hub's project document), and a warning
    for each part left out."""
    parts: dict[str, Any] = {}
    warnings: list[str] = []
    stages = [s for s in items_of(project.get("stages")) if isinstance(s, Mapping)]
    if stages:
        parts["workflow"] = [_stage(s) for s in stages]
    members: dict[str, Any] = {}
    odd = 0
    for m in items_of(project.get("assignedTo")):
        who = member_address(m)  # as plan reads them (setup_state.LiveSetup)
        if isinstance(who, str):
            members[who] = m.get("role")
        else:
            odd += 1
    if odd:
        warnings.append(f"members: left out {odd} of the hub's entries that name no member")
    if members:
        parts["members"] = members
    for setting in SETTINGS:
        if setting.key in project:
            part, _, name = setting.field.partition(".")
            value = project[setting.key]
            if setting.kind is int and isinstance(value, float) and value.is_integer():
                value = int(value)  # 600.0: JSON has one kind of number; plan compares 600 equal
            parts.setdefault(part, {})[name] = value
    if "benchmark" in parts and "enabled" not in parts["benchmark"]:
        warnings.append("benchmark: the hub does not say whether benchmarks are on; not imported")
        del parts["benchmark"]
    kept = {}
    for key, value in parts.items():
        problem = _problem(key, value)
        if problem is None:
            kept[key] = value
        else:
            warnings.append(f"{key}: not imported ({problem}); it stays unmanaged")
    return kept, warnings


def secret_variable(stage_id: str) -> str:
    """The environment variable an imported Webhook stage's secret is read from."""
    stem = re.sub(r"[^A-Z0-9]+", "_", stage_id.upper()).strip("_")
    if not stem or stem[0].isdigit():
        stem = f"STAGE_{stem}".rstrip("_")
    return f"{stem}_HOOK_SECRET"


def _stage(stage: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: stage[k] for k in _STAGE_FIELDS if k in stage and stage[k] is not None and k != "secret"}
    if out.get("name") == out.get("id"):
        del out["name"]  # the default
    if out.get("type") in ("Complete", "Archive") and out.get("next") == []:
        del out["next"]
    secret = stage.get("secret")
    if (isinstance(secret, Mapping) and secret.get("set")) or (isinstance(secret, str) and secret):
        out["secret"] = {"env": secret_variable(str(stage.get("id", "")))}
    return out


def _problem(key: str, value: Any) -> str | None:
    """Why a definition holding only this part (and a name and an ontology) would fail, or None."""
    try:
        model = ProjectFile.model_validate({"name": "x", "ontology": {}, key: value})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}"
    problems = check_workflow(model, "") + check_members(model, "")
    return problems[0].message if problems else None
