"""The local Hub's ``annotation-counts`` extension: per group of schemaIds, the answer elements that
name any of them (as their schemaId, or as the option their ``answer`` chose) and their tasks, in one
query; the store's count, the route's bounds, and an older database's index built again."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import LocalHub
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from ontology_kit.client import counts
from ontology_kit.hub import HubStore
from ontology_kit.hub import annotations_store as ann
from ontology_kit.hub.answers import answer
from ontology_kit.hub.app import EXTENSIONS
from ontology_kit.hub.assets import MAX_COUNT_GROUPS, MAX_COUNT_IDS, MAX_MISSING_IDS, MAX_TEXT_IDS

IDS = ["a", "b", "c", "o1", "o2"]


def _store(tmp_path: Path, tasks: int = 3) -> HubStore:
    store = HubStore(tmp_path / "hub.sqlite3")
    org, _ = store.create_organization("acme")
    with store.write() as db:
        store.insert_project(db, org, {"_id": "p1", "name": "P", "createdAt": "t"})
        for n in range(tasks):
            asset = {"externalId": f"x{n}", "data": f"https://e.test/{n}", "batches": []}
            ann.insert_asset(db, "p1", (f"a{n}", f"t{n}"), asset, "Label", 0, "t")
    return store


ELEMENT = st.recursive(
    st.builds(
        lambda sid, chosen: {"schemaId": sid, "answer": chosen},
        st.sampled_from(IDS[:3]),
        st.one_of(st.none(), st.sampled_from(IDS), st.lists(st.sampled_from(IDS), max_size=3)),
    ),
    lambda inner: st.builds(
        lambda sid, kids: {"schemaId": sid, "classifications": kids},
        st.sampled_from(IDS[:3]),
        st.lists(inner, max_size=3),
    ),
    max_leaves=8,
)
ANSWER = st.fixed_dictionaries(
    {"objects": st.lists(ELEMENT, max_size=3), "classifications": st.lists(ELEMENT, max_size=3)}
)


def _elements(items: list[dict[str, Any]]) -> list[set[str]]:
    """Every element's names: its schemaId and the ids its answer chose."""
    out = []
    for item in items:
        chosen = item.get("answer")
        values = chosen if isinstance(chosen, list) else [chosen]
        out.append({item["schemaId"], *(v for v in values if isinstance(v, str))})
        out.extend(_elements(item.get("classifications") or []))
    return out


@settings(max_examples=25, deadline=None)
@given(answers=st.lists(ANSWER, min_size=3, max_size=3), groups=st.lists(st.sets(st.sampled_from(IDS))))
def test_group_counts_equal_a_scan(
    tmp_path_factory: pytest.TempPathFactory, answers: list[Any], groups: list[set[str]]
) -> None:
    """Each element is counted once per group however many of its names the group holds."""
    store = _store(tmp_path_factory.mktemp("groups"))
    stored = [answer(raw, "answer") for raw in answers]
    with store.write() as db:
        for n, value in enumerate(stored):
            ann.set_answer(db, f"t{n}", value, "t")
    with store.read() as db:
        found = ann.count_groups(db, "p1", groups)
    expected = []
    for group in groups:
        hits = [
            sum(1 for names in _elements(v["tools"] + v["classifications"]) if names & group) for v in stored
        ]
        expected.append(ann.RefCount(sum(hits), sum(1 for h in hits if h)))
    assert found == expected


def test_an_answer_and_its_option_count_once(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.write() as db:
        ann.set_answer(db, "t0", answer({"classifications": [{"schemaId": "w", "answer": "sun"}]}, "a"), "t")
        ann.set_answer(
            db, "t1", answer({"classifications": [{"schemaId": "w", "answer": ["sun", "rain"]}]}, "a"), "t"
        )
    with store.read() as db:
        assert ann.count_groups(db, "p1", [["w", "sun", "rain"], ["sun"], ["rain"], []]) == [
            ann.RefCount(2, 2),
            ann.RefCount(2, 2),
            ann.RefCount(1, 1),
            ann.RefCount(0, 0),
        ]
        assert ann.schema_id_counts(db, "p1") == [("w", "classification", 2, 2)]  # options are not kinds


def test_an_older_database_is_indexed_again(tmp_path: Path) -> None:
    """A database written before ``element`` existed gets its index rebuilt from the stored answers."""
    store = _store(tmp_path)
    with store.write() as db:
        ann.set_answer(db, "t0", answer({"classifications": [{"schemaId": "w", "answer": "sun"}]}, "a"), "t")
    with sqlite3.connect(tmp_path / "hub.sqlite3") as raw:
        raw.execute("DROP TABLE answer_refs")
        raw.execute(
            "CREATE TABLE answer_refs (task TEXT NOT NULL, project TEXT NOT NULL, kind TEXT NOT NULL,"
            " schema_id TEXT NOT NULL, depth INTEGER NOT NULL)"
        )
    again = HubStore(tmp_path / "hub.sqlite3")
    with again.read() as db:
        assert ann.count_groups(db, "p1", [["sun"]]) == [ann.RefCount(1, 1)]


# -- the route ------------------------------------------------------------------------------------------
def _post(hub: LocalHub, project: str, body: Any, key: str | None = None) -> Any:
    client = Client(hub.app)
    return client.post(
        f"/v2/ontokit/project/{project}/answerCounts", json=body, headers={"apikey": key or hub.key}
    )


@pytest.fixture
def hub(local_hub: LocalHub) -> LocalHub:
    with local_hub.store.write() as db:
        local_hub.store.insert_project(db, local_hub.org, {"_id": "p1", "name": "P", "createdAt": "t"})
        for n in range(2):
            asset = {"externalId": f"x{n}", "data": f"https://e.test/{n}", "batches": []}
            ann.insert_asset(db, "p1", (f"a{n}", f"t{n}"), asset, "Label", 0, "t")
            value = {
                "objects": [{"schemaId": "veh", "classifications": [{"schemaId": "col", "answer": "red"}]}]
            }
            ann.set_answer(db, f"t{n}", answer(value, "a"), "t")
    return local_hub


def test_the_extension_is_announced() -> None:
    assert "annotation-counts" in EXTENSIONS


def test_counts_per_group(hub: LocalHub) -> None:
    response = _post(hub, "p1", {"schemaIds": [["veh", "col", "red"], ["red"], ["nothing"]]})
    assert response.status_code == 200, response.json
    assert response.json["data"]["counts"] == [
        {"annotations": 4, "tasks": 2},
        {"annotations": 2, "tasks": 2},
        {"annotations": 0, "tasks": 0},
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "schemaIds"),
        ({"schemaIds": "veh"}, "schemaIds"),
        ({"schemaIds": [["veh"]], "extra": 1}, "schemaIds"),
        ({"schemaIds": ["veh"]}, "schemaIds[0] must be a list"),
        ({"schemaIds": [[1]]}, "schemaIds[0] must be a list"),
        ({"schemaIds": [[""]]}, "1 to 256 characters"),
        ({"schemaIds": [["x" * 257]]}, "1 to 256 characters"),
        ({"schemaIds": [[]] * (MAX_COUNT_GROUPS + 1)}, f"at most {MAX_COUNT_GROUPS} groups"),
        ({"schemaIds": [["a"] * (MAX_COUNT_IDS // 2 + 1)] * 2}, f"at most {MAX_COUNT_IDS} schemaIds"),
    ],
    ids=["empty", "not-a-list", "unknown-field", "flat", "number", "empty-id", "long-id", "groups", "ids"],
)
def test_bad_bodies_are_400(hub: LocalHub, body: Any, message: str) -> None:
    response = _post(hub, "p1", body)
    assert response.status_code == 400 and message in response.json["message"]


def test_another_organizations_project_is_404(hub: LocalHub) -> None:
    assert _post(hub, "p1", {"schemaIds": [["veh"]]}, key=hub.other_key).status_code == 404
    assert _post(hub, "missing", {"schemaIds": [["veh"]]}).status_code == 404


# -- the client -----------------------------------------------------------------------------------------
def test_the_clients_bounds_are_the_hubs() -> None:
    assert (counts.MAX_GROUPS, counts.MAX_IDS) == (MAX_COUNT_GROUPS, MAX_COUNT_IDS)


@pytest.mark.parametrize(
    "bounds", [(10_000, 100_000), (2, 3), (1, 3)], ids=["one-request", "split", "one-each"]
)
def test_the_client_splits_what_one_request_may_not_hold(
    hub: LocalHub, monkeypatch: pytest.MonkeyPatch, bounds: tuple[int, int]
) -> None:
    """Counts are the same however the groups are split; a group larger than a request is None."""
    monkeypatch.setattr(counts, "MAX_GROUPS", bounds[0])
    monkeypatch.setattr(counts, "MAX_IDS", bounds[1])
    groups = [["veh", "col", "red"], ["red"], ["nothing"], ["veh"], ["a", "b", "c", "veh"], ["col"]]
    with hub.client("inprocess") as client:
        found = counts.answer_counts(client, "p1", groups)
    big = None if bounds[1] < 4 else counts.AnswerCount(2, 2)
    assert found == [
        counts.AnswerCount(4, 2),
        counts.AnswerCount(2, 2),
        counts.AnswerCount(0, 0),
        counts.AnswerCount(2, 2),
        big,
        counts.AnswerCount(2, 2),
    ]


# -- the `missing` query: tasks with no answer to a schemaId ---------------------------------------------
def _names(items: list[dict[str, Any]]) -> set[str]:
    """The schemaIds the elements (at any depth) are answers to: options chosen are not."""
    out: set[str] = set()
    for item in items:
        out.add(item["schemaId"])
        out |= _names(item.get("classifications") or [])
    return out


@settings(max_examples=25, deadline=None)
@given(answers=st.lists(ANSWER, min_size=4, max_size=4), ids=st.lists(st.sampled_from(IDS)))
def test_tasks_lacking_equal_a_scan(
    tmp_path_factory: pytest.TempPathFactory, answers: list[Any], ids: list[str]
) -> None:
    """Per schemaId, the tasks none of whose elements is an answer to it (a fifth task has none)."""
    store = _store(tmp_path_factory.mktemp("lacking"), tasks=5)
    stored = [answer(raw, "answer") for raw in answers]
    with store.write() as db:
        for n, value in enumerate(stored):
            ann.set_answer(db, f"t{n}", value, "t")
    with store.read() as db:
        found = ann.count_tasks_lacking(db, "p1", ids)
    answered = [_names(v["tools"] + v["classifications"]) for v in stored] + [set()]
    assert found == [sum(1 for names in answered if sid not in names) for sid in ids]


def test_missing_per_schema_id(hub: LocalHub) -> None:
    """t0 and t1 answer col (nested in veh); a third task answers nothing; `red` is only an option."""
    with hub.store.write() as db:
        ann.insert_asset(
            db, "p1", ("a2", "t2"), {"externalId": "x2", "data": "d", "batches": []}, "Start", 0, "t"
        )
    response = _post(hub, "p1", {"missing": ["col", "veh", "red", "nothing"]})
    assert response.status_code == 200, response.json
    assert response.json["data"] == {
        "counts": [],
        "missing": [{"tasks": 1}, {"tasks": 1}, {"tasks": 3}, {"tasks": 3}],
    }
    both = _post(hub, "p1", {"schemaIds": [["veh"]], "missing": ["col"]}).json["data"]
    assert both == {"counts": [{"annotations": 2, "tasks": 2}], "missing": [{"tasks": 1}]}
    assert "missing" not in _post(hub, "p1", {"schemaIds": [["veh"]]}).json["data"]  # the first form


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"missing": "col"}, "missing"),
        ({"missing": [["col"]]}, "missing must be a list of strings"),
        ({"missing": [""]}, "1 to 256 characters"),
        ({"missing": ["a"] * (MAX_MISSING_IDS + 1)}, f"at most {MAX_MISSING_IDS} schemaIds"),
        ({"missing": ["col"], "extra": 1}, "missing"),
    ],
    ids=["not-a-list", "nested", "empty-id", "too-many", "unknown-field"],
)
def test_bad_missing_bodies_are_400(hub: LocalHub, body: Any, message: str) -> None:
    response = _post(hub, "p1", body)
    assert response.status_code == 400 and message in response.json["message"]


@pytest.mark.parametrize("bound", [1_000, 2, 1], ids=["one-request", "split", "one-each"])
def test_the_client_splits_missing(hub: LocalHub, monkeypatch: pytest.MonkeyPatch, bound: int) -> None:
    assert counts.MAX_MISSING == MAX_MISSING_IDS
    monkeypatch.setattr(counts, "MAX_MISSING", bound)
    with hub.client("inprocess") as client:
        assert counts.tasks_lacking(client, "p1", ["col", "red", "veh", "nothing", "col"]) == [0, 2, 0, 2, 0]


# -- the `texts` query: the text answers to a schemaId, bounded ------------------------------------------
def test_texts_per_schema_id(hub: LocalHub, monkeypatch: pytest.MonkeyPatch) -> None:
    """String answers at any depth, in upload order; an option-like answer is text too; over the bound:
    null."""
    with hub.store.write() as db:
        value = {"classifications": [{"schemaId": "note", "answer": "hi"}, {"schemaId": "col", "answer": 3}]}
        ann.set_answer(db, "t1", answer(value, "a"), "t")
    response = _post(hub, "p1", {"texts": ["col", "note", "nothing"]})
    assert response.status_code == 200, response.json
    assert response.json["data"]["texts"] == [
        {"answers": [{"taskId": "t0", "text": "red"}]},
        {"answers": [{"taskId": "t1", "text": "hi"}]},
        {"answers": []},
    ]
    from ontology_kit.hub import assets

    monkeypatch.setattr(assets, "MAX_TEXT_ANSWERS", 0)
    assert _post(hub, "p1", {"texts": ["note"]}).json["data"]["texts"] == [{"answers": None}]
    with hub.client("inprocess") as client:
        assert counts.text_answers(client, "p1", ["note"]) == [None]


@pytest.mark.parametrize(
    "body",
    [{"texts": "note"}, {"texts": [1]}, {"texts": [""]}, {"texts": ["a"] * (MAX_TEXT_IDS + 1)}],
    ids=["not-a-list", "number", "empty-id", "too-many"],
)
def test_bad_texts_bodies_are_400(hub: LocalHub, body: Any) -> None:
    response = _post(hub, "p1", body)
    assert response.status_code == 400 and "texts" in response.json["message"]


# -- the `under` query: answers to a schemaId in tasks that chose an option -------------------------------
def test_under_per_pair(hub: LocalHub) -> None:
    """Both tasks chose `red` and answer `col`; no task chose `blue`."""
    response = _post(hub, "p1", {"under": [["col", "red"], ["col", "blue"], ["veh", "red"], ["red", "red"]]})
    assert response.status_code == 200, response.json
    assert response.json["data"]["under"] == [
        {"annotations": 2},
        {"annotations": 0},
        {"annotations": 2},
        {"annotations": 0},  # an option row is not an answer to the option
    ]
    with hub.client("inprocess") as client:
        assert counts.under(client, "p1", [("col", "red")]) == [2]


@pytest.mark.parametrize(
    "body",
    [{"under": "x"}, {"under": [["col"]]}, {"under": [["col", 1]]}, {"under": [["col", "red"]] * 1001}],
    ids=["not-a-list", "single", "number", "too-many"],
)
def test_bad_under_bodies_are_400(hub: LocalHub, body: Any) -> None:
    response = _post(hub, "p1", body)
    assert response.status_code == 400 and "under" in response.json["message"]


# -- a text answer that equals an id of the label set chose nothing --------------------------------------
#: A label set (found by the safety oracle, tests/test_oracle.py): a radio with options o1 and o2
#: (o2 shows a nested text, `shade`), a tree-dropdown with key k1, a text classification, a tool.
LABEL_SET = {
    "tools": [{"tool": "polygon", "title": "Truck", "schemaId": "veh"}],
    "classifications": [
        {
            "tool": "radio",
            "title": "Kind",
            "schemaId": "kind",
            "options": [{"value": "A", "schemaId": "o1"}, {"value": "B", "schemaId": "o2"}],
            "classifications": [
                {"tool": "text", "title": "Shade", "schemaId": "shade", "parentOptionId": "o2"}
            ],
        },
        {
            "tool": "tree-dropdown",
            "title": "Place",
            "schemaId": "place",
            "treeOptions": [{"title": "Europe", "key": "k1", "value": "k1", "children": []}],
            "options": [{"value": "Europe", "schemaId": "k1"}],
        },
        {"tool": "text", "title": "Note", "schemaId": "note"},
    ],
    "relations": [],
}


@pytest.mark.parametrize(
    ("text", "group", "expected"),
    [
        ("o2", ["o2"], (0, 0)),  # the minimal failing example: removing option B counted 1 answer
        ("k1", ["k1"], (0, 0)),  # a tree key
        ("veh", ["veh"], (1, 1)),  # a tool's id: only the tool object
        ("o1", ["o1"], (1, 1)),  # Kind's own answer chose o1; the note did not
        ("o2", ["kind", "o1", "o2", "shade"], (2, 1)),  # Kind's subtree: its answer and Shade's
        ("gone", ["gone"], (1, 1)),  # an id the label set does not hold: the hub cannot tell
    ],
    ids=["option-id", "tree-key", "tool-id", "chosen-option", "subtree", "unknown-id"],
)
def test_a_text_equal_to_an_id_of_the_label_set_chose_nothing(
    local_hub: LocalHub, text: str, group: list[str], expected: tuple[int, int]
) -> None:
    """Found by the safety oracle: a text answer that happens to equal an option's (or a tree
    key's, or a tool's) id counted as an answer that chose it. An answer chooses an option only if it
    answers the option's classification (the label set tells which; docs/plan-format.md)."""
    kind = {"schemaId": "kind", "answer": "o1", "classifications": [{"schemaId": "shade", "answer": "dark"}]}
    value = {
        "objects": [{"schemaId": "veh", "objectId": "a"}],
        "classifications": [kind, {"schemaId": "note", "answer": text}],
    }
    with local_hub.store.write() as db:
        project = {"_id": "p1", "name": "P", "createdAt": "t", "categorySchema": LABEL_SET}
        local_hub.store.insert_project(db, local_hub.org, project)
        ann.insert_asset(
            db, "p1", ("a0", "t0"), {"externalId": "x0", "data": "d", "batches": []}, "Label", 0, "t"
        )
        ann.set_answer(db, "t0", answer(value, "a"), "t")
    response = _post(local_hub, "p1", {"schemaIds": [group], "under": [["shade", "o2"], ["shade", "o1"]]})
    assert response.status_code == 200, response.json
    annotations, tasks = expected
    assert response.json["data"]["counts"] == [{"annotations": annotations, "tasks": tasks}]
    # Shade was answered where Kind chose o1, never o2, whatever the note says
    assert response.json["data"]["under"] == [{"annotations": 0}, {"annotations": 1}]
