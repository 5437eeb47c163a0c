"""The plan file's form of the setup's operations (``plan/planfile.py`` stores the others): to JSON,
and back, strictly (a ValueError names the field that is wrong)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast, get_args

from ..setup_state import SettingSection, setting
from ..vocabulary import PROJECT_ROLES
from .operations import AddMembers, Operation, SetWorkflow, UpdateSettings, UploadInstructions

__all__ = ["setup_op_from_json", "setup_op_json"]

_SHA256 = re.compile(r"[0-9a-f]{64}")


def setup_op_json(op: Operation) -> dict[str, Any] | None:
    """The fields of a setup operation (None: not one of them)."""
    if isinstance(op, SetWorkflow):
        return {"set_secrets": list(op.set_secrets)}
    if isinstance(op, AddMembers):
        return {"role": op.role, "emails": list(op.emails)}
    if isinstance(op, UpdateSettings):
        return {"section": op.section, "values": [[k, v] for k, v in op.values]}
    if isinstance(op, UploadInstructions):
        return {"path": op.path, "sha256": op.sha256}
    return None


def setup_op_from_json(doc: Mapping[str, Any]) -> Operation | None:
    """The setup operation ``doc`` holds (None: its ``op`` is not one of them).

    Raises:
        ValueError: ``.field: what is wrong``.
    """
    op = doc.get("op")
    if op == SetWorkflow.op:
        return SetWorkflow(_texts(doc.get("set_secrets", []), "set_secrets"))
    if op == AddMembers.op:
        role = doc.get("role")
        if role not in PROJECT_ROLES:
            raise ValueError(f".role: expected one of {', '.join(PROJECT_ROLES)}")
        return AddMembers(str(role), _texts(doc.get("emails"), "emails"))
    if op == UpdateSettings.op:
        section = doc.get("section")
        if section not in get_args(SettingSection):
            raise ValueError(".section: not a section of settings")
        values = doc.get("values")
        if not isinstance(values, list):
            raise ValueError(".values: expected [key, value] pairs")
        pairs = []
        for pair in values:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise ValueError(".values: expected [key, value] pairs")
            try:
                known = setting(pair[0])
            except KeyError:
                raise ValueError(f".values: {pair[0]!r} is not a managed setting") from None
            if known.section != section or not known.accepts(pair[1]):
                raise ValueError(f".values: {pair[0]} cannot be {pair[1]!r} here")
            pairs.append((pair[0], pair[1]))
        return UpdateSettings(cast(SettingSection, section), tuple(pairs))
    if op == UploadInstructions.op:
        path, digest = doc.get("path"), doc.get("sha256")
        if not isinstance(path, str) or not path:
            raise ValueError(".path: expected a file path")
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise ValueError(".sha256: expected a SHA-256 in hex")
        return UploadInstructions(path, digest)
    return None


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f".{where}: expected a list of texts")
    return tuple(value)
