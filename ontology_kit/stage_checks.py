"""The checks of a workflow's ``stages``, as Ango documents them (``update_workflow_stages``; docs/hub.md,
"Workflow stages"): pure, over plain mappings, shared by the local Hub (which answers 400 naming the
first problem) and the project definition's validator (which reports every problem at its place).

A stage's ``secret`` is not checked here: the Hub receives a value or the state it showed, a
definition names an environment variable; each checks its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeGuard

from .vocabulary import STAGE_TYPES  # the SDK's StageType values, in its order

__all__ = [
    "END_TYPES",
    "MAX_STAGE_ID",
    "MAX_URL",
    "STAGE_TYPES",
    "StageProblem",
    "stage_problems",
]

#: Stages a task ends in: they lead nowhere.
END_TYPES: Final[tuple[str, ...]] = ("Complete", "Archive")
#: A stage's id and name, and a Webhook stage's URL, at most this long (inferred).
MAX_STAGE_ID: Final = 1024
MAX_URL: Final = 2048
#: Stage types with two documented exits, and their names (Ango's docs: ``next: [accepted, rejected]``).
_TWO_WAY: Final[dict[str, str]] = {"Review": "accepted, rejected", "Consensus": "agree, disagree"}
#: Optional flags of a stage (Ango's docs: Start's ``autoForward``, Complete's ``preventRequeue``,
#: Review's ``readOnly``), true or false when present.
_FLAGS: Final = ("autoForward", "preventRequeue", "readOnly")
_MAX_SHOWN: Final = 64


@dataclass(frozen=True)
class StageProblem:
    """One thing wrong with a workflow."""

    index: int | None  # the stage it is about (position in the list); None: the whole workflow
    field: str | None  # "id", "type", "next", "url", ... or None
    message: str  # one sentence, no trailing period


def stage_problems(stages: Sequence[Mapping[str, Any]]) -> list[StageProblem]:
    """Every problem of ``stages`` (not just the first), in the order of the stages, then those of
    the whole workflow: each stage an object with a unique ``id`` (a string of 1 to 1024 characters),
    a ``type`` of :data:`STAGE_TYPES`, a string ``name`` if any, ``next`` a list of ids of stages in
    the list (at most 2 for Review and Consensus; none for Complete and Archive); a Webhook stage's
    ``url`` an http(s) URL; a Consensus stage's ``consensusConfig`` an object with a number
    ``threshold``; ``assignedTo`` e-mail addresses; ``autoForward``, ``preventRequeue``, ``readOnly``
    true or false; ``position`` numbers ``x`` and ``y``. Exactly one Start stage, and a Complete stage
    reachable from it."""
    problems: list[StageProblem] = []
    ids: dict[str, int] = {}  # id → the position of its first stage
    for index, stage in enumerate(_any(stages)):
        if not isinstance(stage, Mapping):  # a user's file or a client's body may hold anything
            problems.append(StageProblem(index, None, "a stage must be an object"))
            continue
        problems += _own_problems(index, stage)
        sid = stage.get("id")
        if _is_id(sid):
            if sid in ids:
                problems.append(StageProblem(index, "id", f"stage id {_shown(sid)} is used twice"))
            else:
                ids[sid] = index
    problems += _link_problems(stages, ids)
    problems += _workflow_problems(stages, ids)
    return problems


def _own_problems(index: int, stage: Mapping[str, Any]) -> list[StageProblem]:
    """What is wrong with one stage on its own."""
    out: list[StageProblem] = []

    def problem(field: str, message: str) -> None:
        out.append(StageProblem(index, field, message))

    kind = stage.get("type")
    if not _is_id(stage.get("id")):
        problem("id", f"id must be a string of 1 to {MAX_STAGE_ID} characters")
    if not isinstance(kind, str) or kind not in STAGE_TYPES:
        problem("type", f"type must be one of {', '.join(STAGE_TYPES)} (not {_shown(kind)})")
        kind = None  # (a list or an object would not even be looked up in a table)
    name = stage.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > MAX_STAGE_ID):
        problem("name", f"name must be a string of at most {MAX_STAGE_ID} characters")
    following = stage.get("next", [])
    if not isinstance(following, list) or not all(isinstance(n, str) for n in following):
        problem("next", "next must be a list of stage ids")
    elif kind in END_TYPES and following:
        problem("next", f"{_a(kind)} {kind} stage leads nowhere (next must be empty)")
    elif kind in _TWO_WAY and len(following) > 2:
        problem("next", f"a {kind} stage has at most 2 next stages ({_TWO_WAY[kind]})")
    if kind == "Webhook" and not _is_url(stage.get("url")):
        problem("url", f"a Webhook stage needs url, an http(s) URL of at most {MAX_URL} characters")
    config = stage.get("consensusConfig")
    if kind == "Consensus" and config is not None:
        if not isinstance(config, Mapping):
            problem("consensusConfig", "consensusConfig must be an object")
        elif not _is_number(config.get("threshold")):
            problem("consensusConfig", "consensusConfig.threshold must be a number")
    assigned = stage.get("assignedTo")
    if assigned is not None and (not isinstance(assigned, list) or not all(map(_is_email, assigned))):
        problem("assignedTo", "assignedTo must be a list of e-mail addresses")
    for flag in _FLAGS:
        if flag in stage and not isinstance(stage[flag], bool):
            problem(flag, f"{flag} must be true or false")
    position = stage.get("position")
    if position is not None and not (
        isinstance(position, Mapping) and _is_number(position.get("x")) and _is_number(position.get("y"))
    ):
        problem("position", "position must be an object of numbers x and y")
    return out


def _link_problems(stages: Sequence[Mapping[str, Any]], ids: Mapping[str, int]) -> list[StageProblem]:
    """Each ``next`` that names no stage of the list, once per stage and id."""
    out = []
    for index, following in _nexts(stages):
        for n in dict.fromkeys(following):
            if n not in ids:
                out.append(StageProblem(index, "next", f"next names no stage with id {_shown(n)}"))
    return out


def _workflow_problems(stages: Sequence[Mapping[str, Any]], ids: Mapping[str, int]) -> list[StageProblem]:
    """Exactly one Start stage; a Complete stage reachable from it."""
    starts = [i for i, s in enumerate(stages) if isinstance(s, Mapping) and s.get("type") == "Start"]
    if len(starts) != 1:
        message = f"a workflow has exactly one Start stage (found {len(starts)})"
        if not starts:
            return [StageProblem(None, None, message)]
        return [StageProblem(i, "type", message) for i in starts[1:]]
    following = dict(_nexts(stages))
    seen, todo = {starts[0]}, [starts[0]]
    while todo:
        for n in following.get(todo.pop(), []):
            at = ids.get(n)
            if at is not None and at not in seen:
                seen.add(at)
                todo.append(at)
    if not any(stages[i].get("type") == "Complete" for i in seen):
        return [StageProblem(None, None, "no Complete stage is reachable from the Start stage")]
    return []


def _nexts(stages: Sequence[Mapping[str, Any]]) -> list[tuple[int, list[str]]]:
    """(position, its ``next`` ids) of each stage whose ``next`` is a list of strings."""
    out = []
    for index, stage in enumerate(stages):
        following = stage.get("next", []) if isinstance(stage, Mapping) else None
        if isinstance(following, list) and all(isinstance(n, str) for n in following):
            out.append((index, following))
    return out


def _a(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


def _any(stages: Sequence[Mapping[str, Any]]) -> Sequence[Any]:
    return stages


def _is_id(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value) <= MAX_STAGE_ID


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_url(value: Any) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= MAX_URL
        and value.startswith(("http://", "https://"))
        and len(value.split("://", 1)[1]) > 0
        and value.isprintable()
        and not any(c.isspace() for c in value)
    )


def _is_email(value: Any) -> bool:
    return isinstance(value, str) and 3 <= len(value) <= 320 and value.count("@") == 1 and " " not in value


def _shown(value: Any) -> str:
    """A value as a message quotes it: its repr, short, one line."""
    text = repr(value)
    text = text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
