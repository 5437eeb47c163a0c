"""A definition's setup, checked before anything reaches a hub: its workflow as the Hub checks one
(``stage_checks.py``), fields that belong to other stage types, and the instructions file (inside
the workspace, a regular file within bounds). Returns diagnostics with data paths (the caller
locates them) and what the plan records of the instructions file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from .._text import quoted
from ..codes import Rule
from ..diagnostics import Diagnostic
from ..errors import InputError
from ..loader.paths import Refusal, check_reference, shown_path
from ..setup_state import Instructions
from ..stage_checks import stage_problems
from .instructions import MAX_INSTRUCTIONS_BYTES, instructions_of, instructions_problem
from .model import ProjectFile

__all__ = ["RULES", "check_instructions", "check_members", "check_workflow"]

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "invalid-workflow",
        "a workflow the Hub would refuse: stage ids used twice, `next` naming no stage, not exactly one "
        "Start, no Complete reachable from it, a Complete or Archive stage leading on, a Webhook stage "
        "without `url`, or a field of another stage type",
        'the workflow is one the Hub takes (docs/projects.md, "Workflow")',
        "`next: [Reveiw]`; `url:` on a Label stage",
        "`next: [Review]`; `url:` on a Webhook stage",
    ),
    Rule(
        "instructions-too-large",
        f"an instructions file larger than {MAX_INSTRUCTIONS_BYTES // (1024 * 1024)} MiB",
        "instructions files are at most 10 MiB",
        "`instructions: video.mp4`",
        "`instructions: guide.pdf`",
    ),
)

#: Fields that belong to one stage type only.
_ONLY_ON: Final[dict[str, tuple[str, ...]]] = {
    "url": ("Webhook",),
    "secret": ("Webhook",),
    "consensusConfig": ("Consensus",),
    "autoForward": ("Start",),
    "preventRequeue": ("Complete",),
    "readOnly": ("Review",),
    "logic": ("Logic",),
    "pluginId": ("Plugin",),
}


#: An e-mail address, as far as ontokit checks one (the hub decides the rest).
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_members(model: ProjectFile, file: str) -> list[Diagnostic]:
    """A diagnostic for each member (or address a stage is assigned to) that is not an e-mail
    address, and each member listed twice in another case (one account: the hub does not tell the two
    apart)."""
    out = []
    first: dict[str, str] = {}
    for email in model.members or {}:
        if not (_EMAIL.fullmatch(email) and email.isprintable()):  # no NUL, bidi override, ...
            out.append(
                Diagnostic(
                    "invalid-value",
                    f"member {quoted(email)} is not an e-mail address",
                    file,
                    path=("members", email),
                    hint="members are named by the e-mail address of their Ango account",
                )
            )
        elif email.lower() in first:
            out.append(
                Diagnostic(
                    "invalid-value",
                    f"member {quoted(email)} is listed twice (as {quoted(first[email.lower()])})",
                    file,
                    path=("members", email),
                    hint="an e-mail address names one account in any case: list it once",
                )
            )
        first.setdefault(email.lower(), email)
    for i, stage in enumerate(model.workflow or ()):
        out += [
            Diagnostic(
                "invalid-value",
                f"stage {quoted(stage.id)}: {quoted(email)} is not an e-mail address",
                file,
                path=("workflow", i, "assignedTo", j),
                hint="a stage is assigned to the e-mail addresses of Ango accounts",
            )
            for j, email in enumerate(stage.assignedTo or ())
            if not (_EMAIL.fullmatch(email) and email.isprintable())
        ]
    return out


def check_workflow(model: ProjectFile, file: str) -> list[Diagnostic]:
    """Every problem of the definition's workflow (none when it has none)."""
    if model.workflow is None:
        return []
    stages = [s.model_dump(exclude_none=True) for s in model.workflow]
    out = []
    for problem in stage_problems(stages):
        path: tuple[str | int, ...] = ("workflow",)
        if problem.index is not None:
            path += (problem.index,)
            if problem.field is not None and problem.field in stages[problem.index]:
                path += (problem.field,)
        out.append(Diagnostic("invalid-workflow", problem.message, file, path=path, hint=_HINT))
    for i, stage in enumerate(stages):
        for key, types in _ONLY_ON.items():
            if key in stage and stage["type"] not in types:
                out.append(
                    Diagnostic(
                        "invalid-workflow",
                        f"stage {stage['id']!r} is a {stage['type']} stage: `{key}` belongs to a "
                        f"{' or '.join(types)} stage",
                        file,
                        path=("workflow", i, key),
                        hint="remove it, or change the stage's type",
                    )
                )
    return out


_HINT = 'the Hub refuses this workflow; docs/projects.md, "Workflow", shows a complete one'


def check_instructions(
    model: ProjectFile, file: str, folder: Path, root: Path
) -> tuple[list[Diagnostic], Instructions | None]:
    """The instructions file's problems, or what the plan records of it (its path as seen from where
    ontokit runs, its size and digest)."""
    if model.instructions is None:
        return [], None
    target = check_reference(model.instructions, folder, root, "instructions path")
    where = ("instructions",)
    if isinstance(target, Refusal):
        return [Diagnostic(target.code, target.message, file, path=where, hint=target.hint)], None
    named = f"instructions file {shown_path(model.instructions)}"
    problem = instructions_problem(target)
    if problem is None:
        try:
            return [], instructions_of(target, str(Path(file).parent / model.instructions))
        except InputError:  # it changed since the check
            pass
    code, why = problem or ("file-unreadable", "cannot be read")
    hint = "the path is relative to this project file"
    return [Diagnostic(code, f"{named} {why}", file, path=where, hint=hint)], None
