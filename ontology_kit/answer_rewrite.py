"""Rewriting one task's answer as a :class:`~ontology_kit.migration.Binding` says. Pure.

:func:`rewrite` returns the new answer and the conflicts that keep it from being rewritten (a choice
moved into a single-choice classification that holds another one, a classification whose new place
has no answer to nest under). It is **idempotent**: a binding never carries an id to an id it also
carries away (``migration.bind`` refuses chains), a relocated classification stays where it was put,
and a convert's shape is a function of the type alone, so rewriting a rewritten answer changes
nothing. That is what makes an interrupted apply safe to run again (docs/migrations.md).

Only what a migration names is touched: an element of no migrated item, an unknown field, an answer
value that names no migrated option, and every geometry are copied as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .migration import MULTI_TYPES, Binding

__all__ = ["Rewritten", "rewrite"]


@dataclass
class Rewritten:
    """A rewritten answer, what was deleted from it on purpose, and its conflicts (empty: it can be
    written)."""

    answer: dict[str, Any]
    deleted: int = 0  # answer elements (objects, classification answers, relations, choices) deleted
    conflicts: list[str] = field(default_factory=list)


def rewrite(answer: Mapping[str, Any], binding: Binding) -> Rewritten:
    """``answer`` (``{tools|objects, classifications, relations}``) as the migrations of ``binding``
    leave it."""
    return _Rewriter(binding).answer(answer)


def _key(value: Any) -> str | int | None:
    """``value`` as a key to look up (ids, objectIds): a hostile answer may hold a list or an object
    where a string belongs, which names nothing (and is not hashable)."""
    return value if isinstance(value, (str, int)) else None


def _values(element: Mapping[str, Any]) -> tuple[list[Any], str]:
    """The chosen values of a classification answer, and where they are (``optionIds``, ``list``:
    an ``answer`` list, ``one``: a single ``answer``)."""
    ids = element.get("optionIds")
    if isinstance(ids, list):
        return list(ids), "optionIds"
    value = element.get("answer")
    if isinstance(value, list):
        return list(value), "list"
    return ([value] if value is not None else []), "one"


class _Rewriter:
    def __init__(self, binding: Binding) -> None:
        self.b = binding
        self.out = Rewritten({})

    def answer(self, answer: Mapping[str, Any]) -> Rewritten:
        new = dict(answer)
        key = "tools" if "tools" in answer or "objects" not in answer else "objects"
        dropped: set[Any] = set()
        for group, container in ((key, None), ("relations", None)):
            items = answer.get(group)
            if not isinstance(items, list):
                continue
            kept = []
            for obj in items:
                if not isinstance(obj, dict):
                    kept.append(obj)
                    continue
                sid = _key(obj.get("schemaId"))
                ends = (_key(obj.get("from")), _key(obj.get("to")))
                gone = group == "relations" and any(e is not None and e in dropped for e in ends)
                if sid in self.b.deleted or gone:
                    self.out.deleted += 1
                    if _key(obj.get("objectId")) is not None:
                        dropped.add(obj["objectId"])
                    continue
                kept.append(self.category(obj, container))
            new[group] = kept
        if isinstance(answer.get("classifications"), list):
            new["classifications"] = self.elements(answer["classifications"], None)
            new["classifications"] = self.relocate(new["classifications"], None)
        objects = new.get(key)
        for obj in objects if isinstance(objects, list) else ():
            if isinstance(obj, dict) and isinstance(obj.get("classifications"), list):
                obj["classifications"] = self.relocate(obj["classifications"], obj.get("schemaId"))
        self.out.answer = new
        return self.out

    def category(self, obj: Mapping[str, Any], container: str | None) -> dict[str, Any]:
        """A tool object or relation with its new schemaId and its nested answers rewritten."""
        new = dict(obj)
        sid = obj.get("schemaId")
        target = self.b.categories.get(sid) if isinstance(sid, str) else None
        if target is not None:
            new["schemaId"] = target
            if "title" in new and target in self.b.titles:
                new["title"] = self.b.titles[target]
        if isinstance(obj.get("classifications"), list):
            new["classifications"] = self.elements(obj["classifications"], new.get("schemaId"))
        return new

    def elements(self, items: list[Any], container: str | None) -> list[Any]:
        """Classification answers in one list: renamed, their choices carried (to a sibling when
        the new option belongs to another classification), deleted ones left out."""
        out: list[Any] = []
        moved: list[tuple[str, Any, list[Any]]] = []  # (new classification, value, nested answers)
        renamed: set[str] = set()  # the classifications answers were carried to from another one
        for element in items:
            if not isinstance(element, dict) or not isinstance(element.get("schemaId"), str):
                out.append(element)
                continue
            sid = element["schemaId"]
            if sid in self.b.deleted:
                self.out.deleted += 1
                continue
            new = self.category(element, container)
            new_sid = new["schemaId"]
            if new_sid != sid:
                renamed.add(new_sid)
            if "answer" in element or "optionIds" in element:
                values, where = _values(element)
                before = len(moved)
                kept, changed = self.choices(sid, new_sid, values, moved)
                if changed and not kept and values:
                    nested = new.get("classifications") or []
                    if len(moved) > before:  # its nested answers follow the (last) moved choice
                        moved[-1][2].extend(nested)
                        self.strays(new, moved[-1][0], nested)
                    else:  # every choice deleted on purpose: what hangs on them goes too
                        self.out.deleted += len(nested)
                    continue
                if changed or new_sid in self.b.converted:
                    self.write(new, kept, where)
            out.append(new)
        for cls, value, nested in moved:
            self.add_choice(out, cls, value, nested)
        for cls in sorted(renamed):  # two classifications merged: one list cannot answer one twice
            if sum(1 for e in out if isinstance(e, dict) and e.get("schemaId") == cls) > 1:
                self.out.conflicts.append(
                    f"{self.b.titles.get(cls, cls)!r} would be answered twice in one place "
                    "(the answers of two merged classifications meet): answer one of them first"
                )
        return out

    def strays(self, element: dict[str, Any], cls: str, nested: list[Any]) -> None:
        """Nested answers may follow a choice to ``cls`` only where the new label set nests their
        classification under it: elsewhere they would no longer resolve (their classification
        stays under the old one, which loses its last choice). A conflict: migrate them too."""
        stray = [
            n
            for n in nested
            if not isinstance(n, dict) or self.b.parents.get(str(n.get("schemaId")), None) != cls
        ]
        if stray:
            title = self.b.titles.get(element["schemaId"], element["schemaId"])
            self.out.conflicts.append(
                f"an answer to {title!r} moves its last choice to {self.b.titles.get(cls, cls)!r}, but "
                f"{len(stray)} answer(s) nested under it have no place there: migrate them too"
            )

    def choices(
        self, sid: str, new_sid: str, values: list[Any], moved: list[tuple[str, Any, list[Any]]]
    ) -> tuple[list[Any], bool]:
        """The values that stay in this answer (carried to their new options), and whether any changed."""
        lookup = self.b.values.get(sid, {})
        kept: list[Any] = []
        changed = False
        for value in values:
            old = lookup.get(value, value) if isinstance(value, str) else value
            if isinstance(old, str) and old in self.b.deleted and old in self.b.choices.get(sid, ()):
                self.out.deleted += 1
                changed = True
                continue
            target = self.b.options.get((sid, old)) if isinstance(old, str) else None
            if target is None:
                kept.append(value)
                continue
            cls, option = target
            shown = option if value == old else self.b.texts.get(cls, {}).get(option, option)
            changed = True
            if cls == new_sid:
                if shown not in kept:
                    kept.append(shown)
            else:
                moved.append((cls, shown, []))  # as the answer writes it: id or value
        return kept, changed

    def write(self, element: dict[str, Any], values: list[Any], where: str) -> None:
        """Set a classification answer's chosen values in the shape its (new) type takes."""
        multi = self.b.types.get(element["schemaId"]) in MULTI_TYPES
        if where == "optionIds":
            element["optionIds"] = values
            if "answer" in element:
                element["answer"] = values if multi else (values[0] if values else None)
            return
        if multi:
            element["answer"] = values
        elif len(values) <= 1:
            element["answer"] = values[0] if values else None
        else:
            self.out.conflicts.append(
                f"an answer to {self.b.titles.get(element['schemaId'], element['schemaId'])!r} would choose "
                f"{len(values)} options, but it takes one"
            )

    def add_choice(self, siblings: list[Any], cls: str, value: Any, nested: list[Any]) -> None:
        """Put a moved choice into the answer to ``cls`` among ``siblings`` (made when there is none)."""
        multi = self.b.types.get(cls) in MULTI_TYPES
        for element in siblings:
            if isinstance(element, dict) and element.get("schemaId") == cls:
                values, where = _values(element)
                if value not in values:
                    if not multi and values:
                        self.out.conflicts.append(
                            f"{self.b.titles.get(cls, cls)!r} already has another answer; "
                            "a moved choice cannot join it"
                        )
                        return
                    self.write(element, [*values, value], where)
                if nested:
                    element["classifications"] = [*(element.get("classifications") or []), *nested]
                return
        made: dict[str, Any] = {"schemaId": cls, "answer": [value] if multi else value}
        if nested:
            made["classifications"] = nested
        siblings.append(made)

    def relocate(self, items: list[Any], container: str | None) -> list[Any]:
        """Move the answers of classifications that changed place, within one object (or the top
        level), to their new parent's answer (or to this list when the parent is ``container``)."""
        if not self.b.relocate:
            return items
        misplaced: list[dict[str, Any]] = []
        kept = self._pull(items, container, misplaced)
        for element in misplaced:
            parent = self.b.parents.get(element["schemaId"])
            if parent == container:
                kept.append(element)
                continue
            host = self._find(kept, parent)
            if host is None:
                title = self.b.titles.get(element["schemaId"], element["schemaId"])
                self.out.conflicts.append(
                    f"an answer to {title!r} moves under {self.b.titles.get(parent or '', parent)!r}, "
                    "which this object (or task) does not answer"
                )
                kept.append(element)  # left where it is, not lost: the conflict stops the apply
                continue
            host["classifications"] = [*(host.get("classifications") or []), element]
        return kept

    def _pull(self, items: list[Any], container: str | None, misplaced: list[dict[str, Any]]) -> list[Any]:
        kept = []
        for element in items:
            if isinstance(element, dict):
                sid = element.get("schemaId")
                if isinstance(sid, str) and sid in self.b.relocate and self.b.parents.get(sid) != container:
                    misplaced.append(element)
                    continue
                element = dict(element)  # a host may be given a nested answer: never the caller's
                nested = element.get("classifications")
                if isinstance(nested, list):
                    element["classifications"] = self._pull(
                        nested, sid if isinstance(sid, str) else None, misplaced
                    )
            kept.append(element)
        return kept

    def _find(self, items: list[Any], sid: str | None) -> dict[str, Any] | None:
        for element in items:
            if not isinstance(element, dict):
                continue
            if element.get("schemaId") == sid:
                return element
            nested = element.get("classifications")
            if isinstance(nested, list):
                found = self._find(nested, sid)
                if found is not None:
                    return found
        return None
