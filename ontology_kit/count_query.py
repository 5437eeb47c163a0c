"""What a plan asks a hub to count about a project's answers, and what it hears back (typed).

The planner gathers every question of one project's plan into one :class:`CountQuery`
(``plan/affected.py``) and asks a counter (``client/counts.py``: the local Hub's
``annotation-counts`` extension; ``client/export_counts.py``: one streamed pass over the documented
export), which answers a :class:`CountAnswer`. Both read answers through one walker
(``answer_walk.py``), so the two paths count alike.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_TEXT_ANSWERS", "CountAnswer", "CountQuery", "GroupCount"]

#: Text answers read per schemaId; with more, the texts are not returned (None), never a part of them
#: (the local Hub's bound, hub/assets.py; a test keeps them equal).
MAX_TEXT_ANSWERS = 10_000


@dataclass(frozen=True)
class CountQuery:
    """Every question of one project's plan.

    ``groups``: per change of a category-schema item, the schemaIds it covers (the answer elements
    naming any of them, and their tasks); ``missing``: schemaIds whose unanswering tasks are counted
    (a classification made required); ``texts``: schemaIds whose text answers are read (a new
    regex); ``under``: (schemaId, optionId) pairs, the answers to the schemaId in tasks that chose
    the option (a moved condition).
    """

    groups: tuple[tuple[str, ...], ...] = ()
    missing: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    under: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups or self.missing or self.texts or self.under)


@dataclass(frozen=True)
class GroupCount:
    """The answer elements (any depth) naming a group's schemaIds, each once, and their tasks."""

    annotations: int
    tasks: int


@dataclass(frozen=True)
class CountAnswer:
    """The answers to a :class:`CountQuery`, each list in its question's order (None: cannot tell).

    ``partial``: None when every task of the project was read; else why some may not have been
    (every count is then a lower bound: "at least").
    """

    groups: tuple[GroupCount | None, ...]
    missing: tuple[int | None, ...]
    texts: tuple[tuple[str, ...] | None, ...]
    under: tuple[int | None, ...]
    partial: str | None = None
