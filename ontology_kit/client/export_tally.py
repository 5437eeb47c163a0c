"""Counting a plan's questions over an export, one task at a time (pure: no I/O).

The export counter (``client/export_counts.py``) feeds each task of a project's export, in order,
to an :class:`ExportTally`, which reads its answer through the walker the local Hub indexes answers
with (``answer_walk.answer_refs``) and keeps only the counts a :class:`~ontology_kit.count_query.
CountQuery` asks for, so that memory does not grow with the export. The counts mean what the
``annotation-counts`` extension's mean (docs/hub.md): a test runs both on the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..answer_walk import OptionLookup, answer_refs, texts_of
from ..count_query import MAX_TEXT_ANSWERS, CountAnswer, CountQuery, GroupCount
from ..errors import HubError

__all__ = ["ExportTally"]


class ExportTally:
    """The running answers to ``query`` over the tasks seen so far (``options``: how value-text
    answers resolve to option ids, from the live label set; see ``answer_walk.option_lookup``)."""

    def __init__(
        self,
        query: CountQuery,
        options: OptionLookup | None = None,
        owners: Mapping[str, str] | None = None,
    ) -> None:
        self.query = query
        self.options = options
        self.owners = owners  # which classification may choose each id (answer_walk.option_owners)
        self.tasks = 0
        # Each schemaId's questions, so that a task costs what its answer holds, not what is asked.
        self._groups_of: dict[str, list[int]] = {}
        for g, ids in enumerate(query.groups):
            for sid in set(ids):
                self._groups_of.setdefault(sid, []).append(g)
        self._annotations = [0] * len(query.groups)
        self._group_tasks = [0] * len(query.groups)
        self._missing_of = _positions(query.missing)
        self._answered = [0] * len(query.missing)
        self._texts_of = _positions(query.texts)
        self._texts: list[list[str] | None] = [[] for _ in query.texts]
        self._under_of: dict[str, list[int]] = {}
        for i, (_, option) in enumerate(query.under):
            self._under_of.setdefault(option, []).append(i)
        self._under = [0] * len(query.under)

    def add(self, doc: Any) -> None:
        """Count one exported task (``{..., "task": {"tools"|"objects", "classifications",
        "relations", ...}}``).

        Raises:
            HubError: ``doc`` is not a task of Ango's export format (one line, no position: the
                caller adds the line number).
        """
        task = doc.get("task") if isinstance(doc, dict) else None
        if not isinstance(task, dict):
            raise HubError("not an exported task (an object with a `task` object)")
        refs = answer_refs(task, self.options, self.owners)
        self.tasks += 1
        hits: dict[int, set[int]] = {}
        answered: dict[str, int] = {}  # schemaId -> answer elements naming it (not option rows)
        chosen: set[str] = set()
        classified: set[str] = set()
        for r in refs:
            for g in self._groups_of.get(r.schema_id, ()):
                hits.setdefault(g, set()).add(r.element)
            if r.kind == "option":
                chosen.add(r.schema_id)
            else:
                answered[r.schema_id] = answered.get(r.schema_id, 0) + 1
                if r.kind == "classification":
                    classified.add(r.schema_id)
        for g, elements in hits.items():
            self._annotations[g] += len(elements)
            self._group_tasks[g] += 1
        for sid in answered.keys() & self._missing_of.keys():
            for i in self._missing_of[sid]:
                self._answered[i] += 1
        for sid in classified & self._texts_of.keys():
            for i in self._texts_of[sid]:
                self._add_texts(i, task, sid)
        for option in chosen & self._under_of.keys():
            for i in self._under_of[option]:
                self._under[i] += answered.get(self.query.under[i][0], 0)

    def _add_texts(self, i: int, task: Mapping[str, Any], sid: str) -> None:
        found = self._texts[i]
        if found is None:
            return
        found.extend(texts_of(task, sid))
        if len(found) > MAX_TEXT_ANSWERS:  # more than the extension returns: not read (None)
            self._texts[i] = None

    def result(self, partial: str | None = None) -> CountAnswer:
        """The answers so far (``partial``: why the tasks seen may not be all of the project's)."""
        return CountAnswer(
            tuple(GroupCount(a, t) for a, t in zip(self._annotations, self._group_tasks, strict=True)),
            tuple(self.tasks - n for n in self._answered),
            tuple(None if t is None else tuple(t) for t in self._texts),
            tuple(self._under),
            partial,
        )


def _positions(ids: tuple[str, ...]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, sid in enumerate(ids):
        out.setdefault(sid, []).append(i)
    return out
