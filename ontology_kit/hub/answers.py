"""Checking the answers a client sends (``import_labels``, ``annotate_task``): shapes and bounds.

An answer is ``{"objects"|"tools": [...], "classifications": [...], "relations": [...]}``; every
element is an object with a string ``schemaId``, and may nest ``classifications``. Everything else
an element carries (geometry, answer values, ``objectId``) is stored as given. schemaIds are not
checked against the label set (as on the real Hub, an answer may outlive its schemaId).
"""

from __future__ import annotations

from typing import Any

from ..errors import HubApiError as ApiError
from .store import new_object_id

__all__ = ["MAX_ANSWER_DEPTH", "MAX_ANSWER_ELEMENTS", "MAX_ID", "answer"]

#: Elements (objects, classification answers at any depth, relations) in one task's answer (inferred).
MAX_ANSWER_ELEMENTS = 10_000
#: Levels of nested ``classifications`` under one element (inferred; far beyond any label set).
MAX_ANSWER_DEPTH = 64
#: Length of a ``schemaId`` or ``objectId`` (inferred; the Hub's are 5 to 24 characters).
MAX_ID = 256


def answer(value: Any, where: str, objects_key: str = "objects") -> dict[str, Any]:
    """The answer ``value`` as stored: ``{"tools", "classifications", "relations"}``.

    ``objects_key`` names the list of tool objects in ``value`` (``objects`` on import and annotate).
    A tool object without ``objectId`` is given one (inferred), so that relations can name it.

    Raises:
        HubApiError: 400, one message naming the first problem and where it is.
    """
    if not isinstance(value, dict):
        raise ApiError(400, f"{where} must be an object")
    counter = [0]
    out: dict[str, Any] = {}
    for key, stored in (
        (objects_key, "tools"),
        ("classifications", "classifications"),
        ("relations", "relations"),
    ):
        items = value.get(key)
        if items is None:
            items = []
        out[stored] = _elements(items, f"{where}.{key}", counter, 0)
    for position, tool in enumerate(out["tools"]):
        object_id = tool.get("objectId")
        if object_id is None:
            out["tools"][position] = {**tool, "objectId": new_object_id()}
        elif not isinstance(object_id, str) or not 0 < len(object_id) <= MAX_ID:
            raise ApiError(
                400, f"{where}.{objects_key}[{position}].objectId must be 1 to {MAX_ID} characters"
            )
    return out


def _elements(items: Any, where: str, counter: list[int], depth: int) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise ApiError(400, f"{where} must be a list")
    if depth > MAX_ANSWER_DEPTH:
        raise ApiError(400, f"{where}: classifications nest more than {MAX_ANSWER_DEPTH} levels deep")
    for index, item in enumerate(items):
        here = f"{where}[{index}]"
        if not isinstance(item, dict):
            raise ApiError(400, f"{here} must be an object")
        schema_id = item.get("schemaId")
        if not isinstance(schema_id, str) or not 0 < len(schema_id) <= MAX_ID:
            raise ApiError(400, f"{here}.schemaId must be a string of 1 to {MAX_ID} characters")
        counter[0] += 1
        if counter[0] > MAX_ANSWER_ELEMENTS:
            raise ApiError(400, f"an answer holds at most {MAX_ANSWER_ELEMENTS} elements")
        nested = item.get("classifications")
        if nested is not None:
            _elements(nested, f"{here}.classifications", counter, depth + 1)
    return items
