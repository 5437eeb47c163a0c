"""Which elements an answer holds: the one walker that both the local Hub's index of answers
(``hub/annotations_store.py``) and the export counter (``client/export_tally.py``) read answers
through, so that a count from either path means the same thing (docs/hub.md, "Counting through the
export").

An answer is ``{"tools"|"objects": [...], "classifications": [...], "relations": [...]}``. Each
element names a ``schemaId`` and may nest ``classifications``; a classification answer may name
the options it chose: in ``optionIds`` (real exports may carry them), else in ``answer`` (an option's
schemaId, a tree option's key, a list of them, or, in real exports, the option's value text).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from .category_schema import CategorySchema, NodeKind
from .errors import HubError

__all__ = [
    "MAX_OPTION_ID",
    "AnswerRef",
    "OptionLookup",
    "answer_refs",
    "option_lookup",
    "option_owners",
    "texts_of",
]

#: The longest answer value read as an option's id (ids are short; a long text answer is none).
MAX_OPTION_ID = 256

#: Per classification schemaId: how an answer value reads (see :func:`option_lookup`).
OptionLookup = Mapping[str, Mapping[str, tuple[str, ...]]]


class AnswerRef(NamedTuple):
    """One element of an answer that names a schemaId: a ``tool`` object, a ``classification``
    answer (``depth`` 0 at the top level, more when nested in an object or another answer), or a
    ``relation``; or an ``option`` chosen by a classification answer. ``element`` numbers the
    answer's elements: an option row shares its classification answer's, so that an answer is
    counted once however many of the schemaIds it names go. (A named tuple: an export of a million
    answers makes millions of them.)"""

    kind: str
    schema_id: str
    depth: int
    element: int = 0


def option_lookup(schema: CategorySchema) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per classification (its schemaId) of the live label set, how an answer value reads: an
    option's schemaId as itself, else an option's value text as the ids of the options carrying it
    (two options may share one: the answer reads as choosing both). How an export's value-text
    answer is resolved to the option it chose (inferred: docs/hub.md)."""
    texts: dict[str, dict[str, tuple[str, ...]]] = {}
    ids: dict[str, list[str]] = {}
    for node in schema.walk():
        parent = node.parent
        if node.kind is not NodeKind.OPTION or node.id is None or parent is None or parent.id is None:
            continue
        ids.setdefault(parent.id, []).append(node.id)
        value = node.raw.get("value")
        if isinstance(value, str) and value:
            found = texts.setdefault(parent.id, {})
            found[value] = (*found.get(value, ()), node.id)
    for classification, options in ids.items():  # an id is an id first, whatever text equals it
        texts.setdefault(classification, {}).update((i, (i,)) for i in options)
    return texts


def option_owners(schema: CategorySchema) -> dict[str, str]:
    """Which classification may choose each id of the label set: an option's or tree option's, the
    classification it belongs to; a category's, none (``""``). An answer value that equals such an id
    chose it only in an answer to that classification (a text that equals an option's or a tool's id
    chose nothing); a value the label set does not hold cannot be told apart, and counts."""
    owners: dict[str, str] = {}
    for node in schema.walk():
        owner = node.parent
        while owner is not None and not owner.kind.is_category:
            owner = owner.parent
        if node.id is not None:
            chooser = "" if node.kind.is_category or owner is None or owner.id is None else owner.id
            owners.setdefault(node.id, chooser)
    return owners


def answer_refs(
    answer: Mapping[str, Any],
    options: OptionLookup | None = None,
    owners: Mapping[str, str] | None = None,
) -> list[AnswerRef]:
    """Every element of ``answer`` that names a schemaId, nested classifications included, and the
    options each classification answer chose (see :func:`chosen`; ``options`` resolves value texts;
    with ``owners`` (:func:`option_owners`), only the ids the element's classification may choose;
    the local Hub's index keeps every one and applies that rule when it counts).

    Raises:
        HubError: an element is not an object with a string ``schemaId``, or a list of elements is
            not a list (the local Hub checks answers before storing them: only an export can be so).
    """
    refs: list[AnswerRef] = []
    todo: list[tuple[str, Any, int]] = []
    for kind, key in (("tool", "tools"), ("classification", "classifications"), ("relation", "relations")):
        items = answer.get(key)
        if items is None and key == "tools":
            items = answer.get("objects")  # the name an import or a real export may use
        todo.extend((kind, item, 0) for item in _elements(items, key))
    element = 0
    while todo:
        kind, item, depth = todo.pop()
        schema_id = item.get("schemaId") if isinstance(item, dict) else None
        if not isinstance(schema_id, str) or not schema_id:
            raise HubError(f"an answer element ({kind}) is not an object with a schemaId")
        element += 1
        refs.append(AnswerRef(kind, schema_id, depth, element))
        if "answer" in item or "optionIds" in item:
            picked = chosen(item, options)
            if owners is not None:
                picked = {v for v in picked if owners.get(v, schema_id) == schema_id}
            refs.extend(AnswerRef("option", value, depth, element) for value in picked)
        nested = item.get("classifications")
        if nested is not None:
            todo.extend(
                ("classification", child, depth + 1) for child in _elements(nested, "classifications")
            )
    return refs


def _elements(items: Any, key: str) -> list[Any]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise HubError(f"an answer's {key} is not a list")
    return items


def chosen(item: Mapping[str, Any], options: OptionLookup | None = None) -> set[str]:
    """The option ids an answer element may name: its ``optionIds`` when it is a list, else the
    strings of its ``answer`` (a string or a list). With ``options``, a value that is the value text
    of an option of this classification reads as that option's id (an export writes value texts); a
    value that is no such text is kept as it is (an id, a tree key, or free text, which only counts
    if it equals an id asked about)."""
    ids = item.get("optionIds")
    if isinstance(ids, list):
        return {v for v in ids if isinstance(v, str) and 0 < len(v) <= MAX_OPTION_ID}
    value = item.get("answer")
    values = value if isinstance(value, list) else [value]
    texts = options.get(item.get("schemaId", "")) if options is not None else None
    out: set[str] = set()
    for v in values:
        if not isinstance(v, str) or not 0 < len(v) <= MAX_OPTION_ID:
            continue
        out.update(texts.get(v, (v,)) if texts else (v,))
    return out


def texts_of(answer: Mapping[str, Any], schema_id: str) -> Iterator[str]:
    """The text of every answer to ``schema_id`` in ``answer`` (any depth; tool objects and
    classification answers, as the ``texts`` count reads them) whose ``answer`` is a string."""
    tools = answer.get("tools")
    tools = answer.get("objects") if tools is None else tools
    todo: list[Any] = [
        *(tools if isinstance(tools, list) else []),
        *(c if isinstance(c := answer.get("classifications"), list) else []),
    ]
    while todo:
        item = todo.pop()
        if not isinstance(item, dict):
            continue
        if item.get("schemaId") == schema_id and isinstance(item.get("answer"), str):
            yield item["answer"]
        nested = item.get("classifications")
        if isinstance(nested, list):
            todo.extend(nested)
