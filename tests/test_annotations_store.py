"""The local Hub's annotation store: answers indexed by the schemaIds they reference, at every depth,
queryable by schemaId; and the answer checks (shapes, bounds) the routes apply before storing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import LocalHub
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from ontology_kit.errors import HubApiError
from ontology_kit.hub import HubStore
from ontology_kit.hub import annotations_store as ann
from ontology_kit.hub.answers import MAX_ANSWER_DEPTH, MAX_ANSWER_ELEMENTS, answer

IDS = st.sampled_from(["a", "b", "c", "d"])


def _element(children: st.SearchStrategy[list[dict[str, Any]]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(lambda sid, kids: {"schemaId": sid, "classifications": kids}, IDS, children)


ELEMENTS = st.recursive(
    st.builds(lambda sid: {"schemaId": sid}, IDS),
    lambda inner: _element(st.lists(inner, max_size=3)),
    max_leaves=12,
)
ANSWERS = st.fixed_dictionaries(
    {
        "objects": st.lists(ELEMENTS, max_size=3),
        "classifications": st.lists(ELEMENTS, max_size=3),
        "relations": st.lists(st.builds(lambda sid: {"schemaId": sid}, IDS), max_size=2),
    }
)


def _walk(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for item in items:
        out.append(item["schemaId"])
        out.extend(_walk(item.get("classifications") or []))
    return out


def _store(tmp_path: Path) -> tuple[HubStore, str]:
    """A store with one project of three tasks."""
    store = HubStore(tmp_path / "hub.sqlite3")
    org, _ = store.create_organization("acme")
    with store.write() as db:
        store.insert_project(db, org, {"_id": "p1", "name": "P", "createdAt": "t"})
        for n in range(3):
            asset = {"externalId": f"x{n}", "data": f"https://e.test/{n}", "batches": []}
            ann.insert_asset(db, "p1", (f"a{n}", f"t{n}"), asset, "Label", 0, "t")
    return store, org


@settings(max_examples=60, deadline=None)
@given(raw=ANSWERS)
def test_refs_are_every_element_at_every_depth(raw: dict[str, Any]) -> None:
    stored = answer(raw, "answer")
    refs = ann.answer_refs(stored)
    expected = _walk(stored["tools"]) + _walk(stored["classifications"]) + _walk(stored["relations"])
    assert sorted(r.schema_id for r in refs) == sorted(expected)
    assert sum(r.kind == "tool" for r in refs) == len(stored["tools"])
    assert sum(r.kind == "relation" for r in refs) == len(stored["relations"])
    assert all(r.depth == 0 for r in refs if r.kind != "classification")


@settings(max_examples=25, deadline=None)
@given(answers=st.lists(ANSWERS, min_size=3, max_size=3), wanted=st.sets(IDS, min_size=1))
def test_count_refs_equals_a_scan(
    tmp_path_factory: pytest.TempPathFactory, answers: list[Any], wanted: set[str]
) -> None:
    store, _ = _store(tmp_path_factory.mktemp("count"))
    stored = [answer(raw, "answer") for raw in answers]
    with store.write() as db:
        for n, value in enumerate(stored):
            ann.set_answer(db, f"t{n}", value, "t")
    per_task = [
        [s for s in _walk(v["tools"] + v["classifications"] + v["relations"]) if s in wanted] for v in stored
    ]
    with store.read() as db:
        found = ann.count_refs(db, "p1", wanted)
    assert found == ann.RefCount(sum(map(len, per_task)), sum(1 for hits in per_task if hits))


def test_set_answer_replaces_the_refs(tmp_path: Path) -> None:
    store, org = _store(tmp_path)
    nested = {"schemaId": "v", "classifications": [{"schemaId": "color", "answer": "red"}]}
    with store.write() as db:
        ann.set_answer(db, "t0", answer({"objects": [nested]}, "a"), "t1")
        assert ann.count_refs(db, "p1", ["color"]) == ann.RefCount(1, 1)
        ann.set_answer(db, "t0", answer({"classifications": [{"schemaId": "w"}]}, "a"), "t2")
        assert ann.count_refs(db, "p1", ["color", "v"]) == ann.RefCount(0, 0)
        assert ann.schema_id_counts(db, "p1") == [("w", "classification", 1, 1)]
        row = ann.get_task(db, org, "t0")
    assert row is not None and row.answer["classifications"] == [{"schemaId": "w"}] and row.updated_at == "t2"


def test_refs_keep_schema_ids_the_label_set_never_had(tmp_path: Path) -> None:
    """The store never reads the label set: an answer outlives its schemaId."""
    store, _ = _store(tmp_path)
    with store.write() as db:
        ann.set_answer(db, "t1", answer({"objects": [{"schemaId": "gone", "objectId": "o"}]}, "a"), "t")
    with store.read() as db:
        assert ann.count_refs(db, "p1", ["gone"]) == ann.RefCount(1, 1)


def test_task_queries(tmp_path: Path) -> None:
    store, org = _store(tmp_path)
    with store.write() as db:
        ann.set_stage(db, "t2", "Complete", "t")
    with store.read() as db:
        rows, total = ann.list_tasks(db, "p1", ann.TaskQuery(stages=("Label",)), 0, 10)
        assert total == 2 and [r.id for r in rows] == ["t0", "t1"]
        rows, total = ann.list_tasks(db, "p1", ann.TaskQuery(descending=True), 1, 1)
        assert total == 3 and [r.id for r in rows] == ["t1"]
        assert [r.id for r in ann.iter_tasks(db, "p1", ann.TaskQuery(external_ids=("x2",)))] == ["t2"]
        assert ann.get_task(db, "another-org", "t0") is None and ann.get_task(db, org, "t0") is not None


def _paged_store(path: Path) -> HubStore:
    """Two projects whose tasks interleave (their seqs count apart), in two stages."""
    store = HubStore(path)
    org, _ = store.create_organization("acme")
    with store.write() as db:
        for pid in ("p1", "p2"):
            store.insert_project(db, org, {"_id": pid, "name": pid, "createdAt": "t"})
        for n in range(12):
            pid = "p1" if n % 3 else "p2"
            asset = {"externalId": f"x{n}", "data": f"https://e.test/{n}", "batches": []}
            ann.insert_asset(db, pid, (f"a{n}", f"t{n}"), asset, "Label" if n % 2 else "Review", 0, "t")
    return store


@settings(max_examples=80, deadline=None)
@given(
    stages=st.sampled_from([None, ("Label",), ("Review",), ("Nowhere",)]),
    external=st.sampled_from([None, ("x1", "x4", "x5", "x11")]),
    descending=st.booleans(),
    offset=st.integers(0, 14),
    limit=st.integers(0, 14),
)
def test_every_page_is_a_slice_of_the_whole_list(
    tmp_path_factory: pytest.TempPathFactory,
    stages: tuple[str, ...] | None,
    external: tuple[str, ...] | None,
    descending: bool,
    offset: int,
    limit: int,
) -> None:
    """A page is found by the index, then read from its first task (no OFFSET over the joined rows):
    it must still be exactly that slice of the tasks the query matches, in either order."""
    store = _paged_store(tmp_path_factory.mktemp("pages") / "hub.sqlite3")
    query = ann.TaskQuery(stages, None, external, descending)
    with store.read() as db:
        whole = [r.id for r in ann.iter_tasks(db, "p1", ann.TaskQuery(stages, None, external))]
        rows, total = ann.list_tasks(db, "p1", query, offset, limit)
    ordered = whole[::-1] if descending else whole
    assert total == len(whole)
    assert [r.id for r in rows] == ordered[offset : offset + limit]


def test_import_labels_finds_each_task_of_its_project(tmp_path: Path) -> None:
    """The tasks of a request are looked up at once, by externalId, in the request's project only."""
    store = _paged_store(tmp_path / "hub.sqlite3")
    with store.read() as db:
        found = ann.tasks_for_external_ids(db, "p1", ["x1", "x3", "x1", "nope", "x2"])
    assert found == {"x1": "t1", "x2": "t2"}  # x3 is p2's, nope is no one's


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"objects": [{"schemaId": ""}]}, "answer.objects[0].schemaId"),
        ({"objects": [{"schemaId": "x" * 257}]}, "answer.objects[0].schemaId"),
        ({"objects": [{"schemaId": "v", "objectId": 7}]}, "objectId"),
        (
            {"classifications": [{"schemaId": "c", "classifications": "x"}]},
            "classifications[0].classifications",
        ),
        ({"relations": {"schemaId": "r"}}, "answer.relations must be a list"),
        ("x", "answer must be an object"),
    ],
    ids=[
        "empty-schema-id",
        "long-schema-id",
        "object-id-not-string",
        "nested-not-list",
        "relations-object",
        "not-object",
    ],
)
def test_answer_refuses_bad_shapes(raw: Any, message: str) -> None:
    with pytest.raises(HubApiError, match=message.replace("[", r"\[").replace("]", r"\]")) as caught:
        answer(raw, "answer")
    assert caught.value.status == 400


def test_answer_bounds_depth_and_count() -> None:
    deep: dict[str, Any] = {"schemaId": "c"}
    for _ in range(MAX_ANSWER_DEPTH + 1):
        deep = {"schemaId": "c", "classifications": [deep]}
    with pytest.raises(HubApiError, match="nest more than"):
        answer({"classifications": [deep]}, "answer")
    many = [{"schemaId": "c"}] * (MAX_ANSWER_ELEMENTS + 1)
    with pytest.raises(HubApiError, match="at most"):
        answer({"classifications": many}, "answer")


def test_a_tool_object_without_object_id_gets_one() -> None:
    stored = answer({"objects": [{"schemaId": "v"}, {"schemaId": "v"}]}, "answer")
    ids = [o["objectId"] for o in stored["tools"]]
    assert all(isinstance(i, str) and i for i in ids) and len(set(ids)) == 2


def test_another_organizations_tasks_are_not_found(local_hub: LocalHub) -> None:
    http = Client(local_hub.app)
    mine = {"apikey": local_hub.key, "Content-Type": "application/json"}
    theirs = {"apikey": local_hub.other_key}
    pid = http.post("/v2/project", data=b'{"name": "P"}', headers=mine).get_json()["data"]["project"]["_id"]
    body = json.dumps({"assets": [{"data": "https://e.test/1", "externalId": "one"}]})
    task = http.post(f"/v2/project/{pid}/cloud", data=body, headers=mine).get_json()["data"]["assets"][0][
        "task"
    ]
    assert http.get(f"/v2/task/{task}", headers=mine).status_code == 200
    for path in (
        f"/v2/task/{task}",
        f"/v2/project/{pid}/tasks",
        f"/v2/{pid}/overview/AnswerDistribution",
        f"/v2/export?project={pid}",
    ):
        assert http.get(path, headers=theirs).status_code == 404, path
    label = json.dumps({"project": pid, "jsonContent": [{"externalId": "one", "objects": []}]})
    assert (
        http.post(
            "/v2/import/labels", data=label, headers={**theirs, "Content-Type": "application/json"}
        ).status_code
        == 404
    )
    assert (
        http.post(
            f"/v2/annotate/{task}",
            data=b'{"answer": {}}',
            headers={**theirs, "Content-Type": "application/json"},
        ).status_code
        == 404
    )


def test_a_hand_written_workflow_never_breaks_the_task_routes(local_hub: LocalHub) -> None:
    """The routes refuse such a workflow (400); one already stored (by a hub before that check, or
    by hand) has its odd entries skipped by the task routes, never a 500."""
    http = Client(local_hub.app)
    mine = {"apikey": local_hub.key, "Content-Type": "application/json"}
    pid = http.post("/v2/project", data=b'{"name": "P"}', headers=mine).get_json()["data"]["project"]["_id"]
    stages = [
        1,
        {"id": ["x"]},
        {"id": "Start", "type": "Start", "name": ["n"], "next": [7]},
        {"id": "Done", "name": {}},
    ]
    refused = http.post(f"/v2/project/{pid}", data=json.dumps({"stages": stages}), headers=mine)
    assert refused.status_code == 400, refused.get_json()
    with local_hub.store.write() as db:
        doc = local_hub.store.get_project(db, local_hub.org, pid)
        assert doc is not None
        doc["stages"] = stages
        local_hub.store.save_project(db, doc)
    body = json.dumps({"assets": [{"data": "https://e.test/1", "externalId": "one"}]})
    task = http.post(f"/v2/project/{pid}/cloud", data=body, headers=mine).get_json()["data"]["assets"][0][
        "task"
    ]
    assert http.get(f"/v2/task/{task}", headers=mine).get_json()["data"]["task"]["stage"] == "Start"
    for path in (f"/v2/project/{pid}/tasks?stage=Done", f"/v2/export?project={pid}&stage=%5B%22Done%22%5D"):
        assert http.get(path, headers=mine).status_code == 200, path
    answered = http.post(f"/v2/annotate/{task}?nextStage=true", data=b'{"answer": {}}', headers=mine)
    assert answered.status_code == 200 and answered.get_json()["data"]["task"]["stage"] == "Start"


@pytest.mark.parametrize(
    "query",
    [
        "stage=%5B1%5D",
        "stage=" + "%5B" * 600,
        "stage=%5B%22" + "x" * 5_000 + "%22%5D",
        "batches=%5B%22nope%22%5D",
        "batches=%5B%7B%7D%5D",
        "createdAt=%7B%22%24gte%22%3A%22x%22%7D",
        "updatedAt=%5B%5D",
        "updatedAt=not-json",
        "format=ndjson&type=task&stage=null",
    ],
)
def test_hostile_export_queries_are_400(local_hub: LocalHub, query: str) -> None:
    http = Client(local_hub.app)
    mine = {"apikey": local_hub.key, "Content-Type": "application/json"}
    pid = http.post("/v2/project", data=b'{"name": "P"}', headers=mine).get_json()["data"]["project"]["_id"]
    response = http.get(f"/v2/export?project={pid}&{query}", headers=mine)
    assert response.status_code == 400 and response.get_json()["status"] == "fail"


def _answered(tmp_path: Path) -> HubStore:
    """``_store`` with answers in every task: tool objects with nested radios, a checkbox, a text."""
    store, _ = _store(tmp_path)
    with store.write() as db:
        for n in range(3):
            tool = {
                "schemaId": "car",
                "objectId": f"o{n}",
                "classifications": [{"schemaId": "lane", "answer": "l1"}],
            }
            tops = [
                {"schemaId": "weather", "answer": ["rain", "fog"][: n + 1]},
                {"schemaId": "note", "answer": "x"},
            ]
            ann.set_answer(db, f"t{n}", answer({"objects": [tool], "classifications": tops}, "a"), "t")
    return store


#: Every query a plan's counts run (the ``answerCounts`` extension) and AnswerDistribution's.
COUNT_QUERIES = {
    "count_groups": lambda db: ann.count_groups(db, "p1", [["car", "lane"], ["rain", "weather"], ["l1"]]),
    "count_tasks_lacking": lambda db: ann.count_tasks_lacking(db, "p1", ["weather", "car"]),
    "count_under": lambda db: ann.count_under(db, "p1", [("lane", "l1"), ("note", "rain")]),
    "text_answers": lambda db: ann.text_answers(db, "p1", "note", 10),
    "schema_id_counts": lambda db: ann.schema_id_counts(db, "p1"),
}


@pytest.mark.parametrize("query", list(COUNT_QUERIES), ids=list(COUNT_QUERIES))
def test_every_count_reads_the_index_alone(tmp_path: Path, query: str) -> None:
    """Each read of ``answer_refs`` is a search of the covering index, never a table row (what makes
    counting 1,000,000 answers take about a second: bench/counts.py)."""
    store = _answered(tmp_path)
    statements: list[str] = []
    with store.read() as db:
        db.set_trace_callback(statements.append)
        COUNT_QUERIES[query](db)
        db.set_trace_callback(None)
        details = [row[3] for sql in statements for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()]
    reads = [d for d in details if d.split()[:2] in (["SEARCH", "r"], ["SEARCH", "answer_refs"])]
    assert reads, details
    assert not [d for d in details if d.split()[:2] in (["SCAN", "r"], ["SCAN", "answer_refs"])], details
    assert all("USING COVERING INDEX answer_refs_by_schema_element (project=?" in d for d in reads), reads


def test_an_older_database_gets_the_covering_index(tmp_path: Path) -> None:
    """A database whose index by schemaId lacks (element, kind), as ontokit wrote it before, is
    upgraded when a hub opens it: the old index is gone, the new one is there, the counts unchanged."""
    store = _answered(tmp_path)
    with store.read() as db:
        before = {name: fn(db) for name, fn in COUNT_QUERIES.items()}
    with store.write() as db:
        db.execute("DROP INDEX answer_refs_by_schema_element")
        db.execute("CREATE INDEX answer_refs_by_schema ON answer_refs(project, schema_id, task)")
    reopened = HubStore(tmp_path / "hub.sqlite3")
    with reopened.read() as db:
        indexes = {
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'answer_refs'"
            )
        }
        assert indexes == {"answer_refs_by_schema_element", "answer_refs_by_task"}
        assert {name: fn(db) for name, fn in COUNT_QUERIES.items()} == before


@pytest.mark.parametrize(
    "lookup",
    [
        pytest.param(lambda db: ann.task_for_external_id(db, "p1", "a1"), id="task_for_external_id"),
        pytest.param(
            lambda db: ann.existing_external_ids(db, "p1", ["a1", "zz"]), id="existing_external_ids"
        ),
    ],
)
def test_an_asset_is_found_by_its_external_id_through_an_index(tmp_path: Path, lookup: Any) -> None:
    """import_labels and upload_files_cloud look each asset up by externalId: an index search, not a
    walk of the project's tasks (200,000 tasks took 33 ms a lookup before; `ontokit hub load`)."""
    store = _answered(tmp_path)
    statements: list[str] = []
    with store.read() as db:
        db.set_trace_callback(statements.append)
        lookup(db)
        db.set_trace_callback(None)
        details = [row[3] for sql in statements for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()]
    assert details and all(
        "INDEX tasks_by_external_id (project=? AND external_id=?)" in d
        or "INDEX sqlite_autoindex_assets" in d
        for d in details
    ), details


def test_an_older_database_gets_the_benchmark_flag(tmp_path: Path) -> None:
    """A tasks table without ``is_benchmark`` (as ontokit wrote it before set_tasks_as_benchmark) gains
    it when a hub opens it: every task unmarked, and marking works."""
    store, org = _store(tmp_path)
    with store.write() as db:
        db.execute("ALTER TABLE tasks DROP COLUMN is_benchmark")
    reopened = HubStore(tmp_path / "hub.sqlite3")
    with reopened.write() as db:
        assert [ann.get_task(db, org, f"t{n}").is_benchmark for n in range(3)] == [False] * 3  # type: ignore[union-attr]
        assert ann.unknown_tasks(db, "p1", ["t0", "nope", "t2"]) == ["nope"]
        assert ann.set_benchmark(db, "p1", ["t0", "t2"], True, "t") == 2
    with reopened.read() as db:
        assert [ann.get_task(db, org, f"t{n}").is_benchmark for n in range(3)] == [True, False, True]  # type: ignore[union-attr]
