"""The annotated hub of ``bench/counts.py``: a label set, its edit, and answers, all deterministic.

The label set is the benchmark ontology of ``bench/generate.py`` (200 tools with 8 nested radios
each, a 2,220-node tree-dropdown, 3 relations; every item pinned) with three more top-level
classifications (``EXTRAS``): a checkbox, a text with a regex, and a radio with a conditional text
nested under one of its options. The hub holds that label set ("live"); the file under review
("desired") makes the edits of ``EDITS``, one of every kind of change a plan counts.

``answers(data, ids)`` yields each task's answer in ``import_labels`` shape (``externalId``,
``objects`` with nested ``classifications``, top-level ``classifications``, ``relations``), and
:class:`Tally` counts what every edit must report, walking those answers on its own (it shares no
code with the hub's index), so a wrong count on the hub is caught, not copied.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generate import ATTRIBUTES, BIG, fake_color, fake_id, generate, scalar, slug, tool_title, tree_titles
from plan import PinnedYaml


@dataclass(frozen=True)
class Data:
    """How much data to generate (the cache is keyed on these and on this module's source)."""

    tasks: int = 200_000
    elements: int = 1_000_000  # answer elements in all: tool objects, classification answers, relations
    seed: int = 10


# -- the label set ----------------------------------------------------------------------------------
WEATHER = ("Weather",)
WEATHER_OPTIONS = ("Clear", "Rain", "Snow", "Fog", "Low sun")
OPERATOR = ("Operator id",)
OLD_REGEX = "^[A-Z]{2}-[0-9]{4}$"
NEW_REGEX = "^[A-Z]{2}-[0-9]{4,5}$"
REVIEW = ("Review outcome",)
REVIEW_OPTIONS = ("Accepted", "Needs fix", "Rejected")
FIX_NOTE = (*REVIEW, "Fix note")


def _extras() -> list[str]:
    """Three top-level classifications, pinned as ``ontokit import`` writes them (``- `` at column 2)."""
    lines: list[str] = []

    def category(path: tuple[str, ...], kind: str, indent: int = 2) -> str:
        pad = " " * indent
        lines.extend(
            [
                f"{pad}- title: {scalar(path[-1])}",
                f"{pad}  key: {slug(path[-1])}",
                f"{pad}  type: {kind}",
                f"{pad}  required: false",
                f"{pad}  schemaId: {fake_id(*path)}",
                f'{pad}  color: "{fake_color(*path)}"',
            ]
        )
        return pad

    def options(pad: str, path: tuple[str, ...], values: tuple[str, ...]) -> None:
        lines.append(f"{pad}  options:")
        for value in values:
            lines.extend(
                [
                    f"{pad}    - value: {scalar(value)}",
                    f"{pad}      key: {slug(value)}",
                    f"{pad}      schemaId: {fake_id(*path, value)}",
                ]
            )

    options(category(WEATHER, "checkbox"), WEATHER, WEATHER_OPTIONS)
    lines.append(f"{category(OPERATOR, 'text')}  regex: {scalar(OLD_REGEX)}")
    pad = category(REVIEW, "radio")
    options(pad, REVIEW, REVIEW_OPTIONS)
    lines.append(f"{pad}  classifications:")
    lines.append(f"{category(FIX_NOTE, 'text', 6)}  parentOptionId: {REVIEW_OPTIONS[1]}")
    return lines


def tool(i: int) -> str:
    """Tool ``i``'s title (as bench/generate.py names it)."""
    return tool_title(i)


def nested(i: int, j: int) -> tuple[str, tuple[str, ...]]:
    """Title and option values of tool ``i``'s ``j``-th nested radio (bench/generate.py's order)."""
    title, values = ATTRIBUTES[(i + j) % len(ATTRIBUTES)]
    return title, values[: BIG.options_per_classification]


TREE_1 = tree_titles(0, BIG.tree[0])
TREE_2 = tree_titles(1, BIG.tree[1])
TREE_3 = tree_titles(2, BIG.tree[2])

#: What the file under review changes, as (kind of change, the path of the item's pinned schemaId).
EDITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("remove tool", (tool(5),)),
    ("remove tool", (tool(17),)),
    ("remove option", (*WEATHER, "Fog")),
    ("remove option", (tool(1), nested(1, 0)[0], nested(1, 0)[1][1])),
    ("remove nested classification", (tool(2), nested(2, 2)[0])),
    ("remove tree node and its subtree", ("tree", TREE_1[3])),
    ("remove tree leaf", ("tree", TREE_1[0], TREE_2[1], TREE_3[2])),
    ("remove relation", ("relation", "Towing vehicle and trailer")),
    ("make required", WEATHER),
    ("change regex", OPERATOR),
    ("change parentOptionId", FIX_NOTE),
)


#: The file under review of the second plan: every item removed, so every answer is counted.
EMPTIED = "version: 1\ndescription: Every item removed\n"


def live_text() -> str:
    """The label set the hub holds: the benchmark ontology with ``_extras()`` after its tree."""
    text = generate(BIG)
    at = text.index("\nrelations:\n")
    return text[: at + 1] + "\n".join(_extras()) + text[at:]


def desired_text(live: str) -> str:
    """The file under review: ``live`` with every edit of ``EDITS`` made."""
    doc = PinnedYaml(live)
    for what, path in EDITS:
        if what.startswith("remove"):
            doc.delete(path)
    doc.set(WEATHER, "required", "true")
    doc.set(OPERATOR, "regex", scalar(NEW_REGEX))
    doc.set(FIX_NOTE, "parentOptionId", REVIEW_OPTIONS[2])
    return doc.text()


# -- ids of the compiled live label set, read on its own ---------------------------------------------
@dataclass
class Ids:
    """The ids answers use, read from the compiled live ``categorySchema``."""

    tools: list[tuple[str, str, list[tuple[str, list[str]]]]]  # (schemaId, type, [(nested id, [options])])
    scene: str  # the tree-dropdown's schemaId
    tree: list[str]  # every tree node's key (an answer may choose any node)
    leaves: list[str]
    weather: str
    weather_options: list[str]
    operator: str
    review: str
    review_options: list[str]
    fix_note: str
    relations: list[str]
    top: list[str]  # every top-level item's schemaId
    #: every item's id (a tree node's key) and those of everything beneath it
    beneath: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, schema: dict[str, Any]) -> Ids:
        beneath: dict[str, set[str]] = {}

        def walk(item: dict[str, Any]) -> set[str]:
            own = item.get("key") or item.get("schemaId")
            ids = {own}
            for child in [*item.get("classifications", []), *item.get("treeOptions", [])]:
                ids |= walk(child)
            for child in item.get("children", []):
                ids |= walk(child)
            for option in item.get("options", []):
                ids.add(option["schemaId"])
                # a tree-dropdown's flattened options share its nodes' keys: keep the subtrees
                beneath.setdefault(option["schemaId"], {option["schemaId"]})
            beneath[own] = ids
            return ids

        for group in ("tools", "classifications", "relations"):
            for item in schema[group]:
                walk(item)
        top = {c["title"]: c for c in schema["classifications"]}
        tree: list[str] = []
        leaves: list[str] = []
        todo = list(top["Scene context"]["treeOptions"])
        while todo:
            node = todo.pop(0)
            tree.append(node["key"])
            if node["children"]:
                todo.extend(node["children"])
            else:
                leaves.append(node["key"])
        review = top[REVIEW[0]]
        return cls(
            tools=[
                (
                    t["schemaId"],
                    t["tool"],
                    [(c["schemaId"], [o["schemaId"] for o in c["options"]]) for c in t["classifications"]],
                )
                for t in schema["tools"]
            ],
            scene=top["Scene context"]["schemaId"],
            tree=tree,
            leaves=leaves,
            weather=top[WEATHER[0]]["schemaId"],
            weather_options=[o["schemaId"] for o in top[WEATHER[0]]["options"]],
            operator=top[OPERATOR[0]]["schemaId"],
            review=review["schemaId"],
            review_options=[o["schemaId"] for o in review["options"]],
            fix_note=review["classifications"][0]["schemaId"],
            relations=[r["schemaId"] for r in schema["relations"]],
            top=[i["schemaId"] for group in ("tools", "classifications", "relations") for i in schema[group]],
            beneath=beneath,
        )


def edited_ids() -> list[str]:
    """The pinned schemaId of every item ``EDITS`` changes, in order (a tree node's is its key)."""
    return [fake_id(*path) for _, path in EDITS]


# -- the answers --------------------------------------------------------------------------------------
def budgets(data: Data, rng: random.Random) -> Iterator[int]:
    """How many answer elements each task holds: ``data.elements`` in all, from 0 up to twice the
    mean, in pairs that sum to twice the mean (the remainder spread one each over the first tasks)."""
    mean, extra = divmod(data.elements, data.tasks)
    for i in range(0, data.tasks - 1, 2):
        d = rng.randint(0, min(mean, 5))
        yield mean + d + (i < extra)
        yield mean - d + (i + 1 < extra)
    if data.tasks % 2:
        yield mean + (data.tasks - 1 < extra)


def _geometry(kind: str, rng: random.Random) -> Any:
    x, y = rng.randrange(1920), rng.randrange(1080)
    if kind in ("bounding-box", "rotated-bounding-box"):
        return {"x": x, "y": y, "width": rng.randrange(8, 400), "height": rng.randrange(8, 300)}
    if kind == "point":
        return [x, y]
    return [[x, y], [x + rng.randrange(5, 90), y], [x, y + rng.randrange(5, 90)]]


def _operator_text(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
    roll = rng.random()
    if roll < 0.7:
        return f"{letters}-{rng.randrange(10**4):04d}"  # both regexes match
    if roll < 0.9:
        return f"{letters}-{rng.randrange(10**5):05d}"  # only the new one
    return f"{letters.lower()}-{rng.randrange(10**4):04d}"  # neither


def one_answer(ext: str, budget: int, ids: Ids, rng: random.Random) -> dict[str, Any]:
    """One task's answer with exactly ``budget`` elements, in ``import_labels`` shape."""
    classifications: list[dict[str, Any]] = []
    if budget and rng.random() < 0.85:
        node = rng.choice(ids.leaves) if rng.random() < 0.9 else rng.choice(ids.tree)
        classifications.append({"schemaId": ids.scene, "answer": node})
        budget -= 1
    if budget and rng.random() < 0.5:
        chosen = rng.sample(ids.weather_options, rng.choice((1, 1, 2)))
        classifications.append({"schemaId": ids.weather, "answer": chosen})
        budget -= 1
    if budget and rng.random() < 0.04:
        classifications.append({"schemaId": ids.operator, "answer": _operator_text(rng)})
        budget -= 1
    if budget and rng.random() < 0.2:
        option = rng.choice(ids.review_options)
        review: dict[str, Any] = {"schemaId": ids.review, "answer": option}
        budget -= 1
        if budget and option != ids.review_options[0] and rng.random() < 0.8:
            review["classifications"] = [
                {"schemaId": ids.fix_note, "answer": f"see frame {rng.randrange(300)}"}
            ]
            budget -= 1
        classifications.append(review)
    objects: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    while budget:
        if len(objects) >= 2 and rng.random() < 0.2:
            a, b = rng.sample(objects, 2)
            relations.append(
                {"schemaId": rng.choice(ids.relations), "from": a["objectId"], "to": b["objectId"]}
            )
            budget -= 1
            continue
        schema_id, kind, questions = ids.tools[rng.randrange(len(ids.tools))]
        obj: dict[str, Any] = {"schemaId": schema_id, "objectId": f"{ext}-{len(objects)}"}
        obj[kind] = _geometry(kind, rng)
        budget -= 1
        n = min(budget, rng.choice((0, 1, 1, 2)))
        obj["classifications"] = [
            {"schemaId": q, "answer": rng.choice(opts)} for q, opts in rng.sample(questions, n)
        ]
        budget -= n
        objects.append(obj)
    return {"externalId": ext, "objects": objects, "classifications": classifications, "relations": relations}


STAGES = ("Label", "Review", "Complete")


def answers(data: Data, ids: Ids) -> Iterator[tuple[str, dict[str, Any]]]:
    """(stage, answer) of every task, in upload order: an empty answer waits in ``Label``."""
    rng = random.Random(data.seed)
    for i, budget in enumerate(budgets(data, rng)):
        label = one_answer(f"frame-{i:07d}", budget, ids, rng)
        yield (STAGES[rng.randrange(3)] if budget else "Label"), label


# -- what every edit must report, counted from the answers on their own ---------------------------
@dataclass
class Tally:
    """The counts a plan must show: per edited item, the answer elements that name it or anything
    beneath it (a classification answer once, however many options it chose) and their tasks; the
    tasks lacking a Weather answer; the Operator id texts the new regex misses; the Fix note answers
    in tasks that chose "Needs fix"."""

    groups: dict[str, set[str]]
    weather: str
    operator: str
    fix_note: str
    needs_fix: str
    elements: int = 0
    tasks: int = 0
    annotations: dict[str, int] = field(default_factory=dict)
    hit_tasks: dict[str, int] = field(default_factory=dict)
    lacking: int = 0
    texts: int = 0
    mismatched: int = 0
    under_old_condition: int = 0

    def __post_init__(self) -> None:
        self._owners: dict[str, list[str]] = {}
        for key, ids in self.groups.items():
            for i in ids:
                self._owners.setdefault(i, []).append(key)
        self.annotations = dict.fromkeys(self.groups, 0)
        self.hit_tasks = dict.fromkeys(self.groups, 0)
        self._new = re.compile(NEW_REGEX)

    def add(self, label: dict[str, Any]) -> None:
        """Count one task's answer."""
        self.tasks += 1
        hit: set[str] = set()
        answered_weather = chose_fix = False
        fix_notes = 0
        todo = [*label["objects"], *label["classifications"], *label["relations"]]
        while todo:
            item = todo.pop()
            self.elements += 1
            sid, value = item["schemaId"], item.get("answer")
            named = {sid, *(value if isinstance(value, list) else [value] if isinstance(value, str) else [])}
            for key in {k for n in named for k in self._owners.get(n, ())}:
                self.annotations[key] += 1
                hit.add(key)
            answered_weather |= sid == self.weather
            chose_fix |= self.needs_fix in named and sid != self.needs_fix
            fix_notes += sid == self.fix_note
            if sid == self.operator and isinstance(value, str):
                self.texts += 1
                self.mismatched += self._new.search(value) is None
            todo.extend(item.get("classifications") or [])
        for key in hit:
            self.hit_tasks[key] += 1
        self.lacking += not answered_weather
        self.under_old_condition += fix_notes if chose_fix else 0
