"""Assets, tasks and annotations: the official Ango SDK 1.4.10, unchanged, against `ontokit hub serve`
(a separate process), for upload_files_cloud, import_labels, get_tasks, get_task, annotate_task,
get_metrics(AnswerDistribution) and export (JSON and NDJSON); and the store's schemaId index.
"""

from __future__ import annotations

import copy
import gc
import logging
import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import served_hub

# The SDK's export opens a `requests.Session` it never closes (sdk.py exportV3): its socket is
# reported whenever the garbage collector meets it, in whichever test runs then. Not ours to fix.
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

SCHEMA: dict[str, Any] = {
    "tools": [
        {
            "tool": "bounding-box",
            "title": "Vehicle",
            "schemaId": "veh01",
            "classifications": [
                {
                    "tool": "radio",
                    "title": "Color",
                    "schemaId": "col01",
                    "options": [
                        {"value": "Red", "schemaId": "red01"},
                        {"value": "Blue", "schemaId": "blu01"},
                    ],
                }
            ],
        },
        {"tool": "polygon", "title": "Truck", "schemaId": "trk01"},
    ],
    "classifications": [
        {
            "tool": "radio",
            "title": "Weather",
            "schemaId": "wea01",
            "options": [{"value": "Sunny", "schemaId": "sun01"}, {"value": "Rain", "schemaId": "rai01"}],
        }
    ],
    "relations": [{"tool": "one-to-one", "title": "Tows", "schemaId": "tow01"}],
}


def _label(external_id: str, n: int) -> dict[str, Any]:
    """An answer with a tool object, a nested answer, a top-level answer and a relation."""
    return {
        "externalId": external_id,
        "objects": [
            {
                "schemaId": "veh01",
                "objectId": f"o{n}a",
                "bounding-box": {"x": n, "y": 2, "width": 30, "height": 40},
                "classifications": [{"schemaId": "col01", "answer": "red01", "title": "Color"}],
            },
            {"schemaId": "trk01", "objectId": f"o{n}b", "polygon": [[0, 0], [5, 0], [5, 5]]},
        ],
        "classifications": [{"schemaId": "wea01", "answer": "sun01", "classifications": []}],
        "relations": [{"schemaId": "tow01", "from": f"o{n}a", "to": f"o{n}b"}],
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`ontokit hub serve` itself, in a separate process; its URL."""
    with served_hub(tmp_path_factory.mktemp("served") / "hub.sqlite3", "--api-key", "ann-key") as url:
        yield url


@pytest.fixture
def sdk(served: str) -> Iterator[Any]:
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)
    client = SDK("ann-key", host=served)
    yield client
    client.session.close()
    with warnings.catch_warnings():  # collect the SDK's unclosed export sessions here, not in a later test
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _project(sdk: Any, assets: int = 3) -> tuple[str, list[str]]:
    pid = sdk.create_project(name="annotated")["data"]["project"]["_id"]
    assert sdk.create_label_set(pid, raw_category_schema=copy.deepcopy(SCHEMA))["status"] == "success"
    sdk.create_batch(pid, "first")
    names = [f"img-{i}.jpg" for i in range(assets)]
    uploaded = sdk.upload_files_cloud(
        pid, [{"data": f"https://example.test/{n}", "externalId": n} for n in names], batches=["first"]
    )
    assert uploaded["status"] == "success", uploaded
    return pid, names


def _answers(entries: Any) -> dict[str, Any]:
    return {
        e["externalId"]: {k: e["task"][k] for k in ("tools", "classifications", "relations")} for e in entries
    }


def _expected(labels: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        lab["externalId"]: {
            "tools": lab["objects"],
            "classifications": lab["classifications"],
            "relations": lab["relations"],
        }
        for lab in labels
    }


@pytest.mark.parametrize("fmt", ["json", "ndjson"], ids=["json", "ndjson"])
def test_round_trip_upload_import_export(sdk: Any, fmt: str) -> None:
    from imerit_ango.models.enums import ExportFormats
    from imerit_ango.models.export_options import ExportOptions

    pid, names = _project(sdk)
    labels = [_label(name, i) for i, name in enumerate(names)]
    assert sdk.import_labels(pid, copy.deepcopy(labels))["status"] == "success"
    options = ExportOptions(stage=["Label"], export_format=ExportFormats(fmt))
    exported = sdk.export(pid, options)
    if fmt == "ndjson":
        entries, count = exported
        entries = list(entries)
        assert count == len(names)
    else:
        entries = exported
    assert _answers(entries) == _expected(labels)
    assert {e["task"]["stage"] for e in entries} == {"Labeling"}
    assert all(e["batches"] == ["first"] for e in entries)


def test_default_export_holds_only_complete_tasks(sdk: Any) -> None:
    pid, _ = _project(sdk, assets=2)
    assert sdk.export(pid) == []  # the SDK's default options export stage Complete only
    task = sdk.get_tasks(pid, limit=1)["data"]["tasks"][0]
    from imerit_ango.models.annotate import AnnotationPayload, Answer

    sdk.annotate_task(
        task["_id"],
        AnnotationPayload(Answer(classifications=[{"schemaId": "wea01", "answer": "rai01"}])),
        overwrite=True,
        send_to_next_stage=True,
    )
    done = sdk.export(pid)
    assert [e["externalId"] for e in done] == [task["externalId"]]
    assert done[0]["task"]["classifications"] == [{"schemaId": "wea01", "answer": "rai01"}]


def test_tasks_move_through_a_review_stage(sdk: Any) -> None:
    from imerit_ango.models.annotate import AnnotationPayload, Answer
    from imerit_ango.models.export_options import ExportOptions
    from imerit_ango.models.task_filter import TaskFilter

    pid = sdk.create_project(name="reviewed")["data"]["project"]["_id"]
    sdk.update_workflow_stages(
        pid,
        [
            {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"]},
            {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Review"]},
            {"id": "Review", "name": "Review", "type": "Review", "next": ["Complete"]},
            {"id": "Complete", "name": "Complete", "type": "Complete", "next": []},
        ],
    )
    sdk.upload_files_cloud(pid, [{"data": "https://example.test/r", "externalId": "r", "metadata": {"k": 1}}])
    task_id = sdk.get_tasks(pid)["data"]["tasks"][0]["_id"]
    stages = []
    for _ in range(3):
        sdk.annotate_task(task_id, AnnotationPayload(Answer()), overwrite=True, send_to_next_stage=True)
        stages.append(sdk.get_task(task_id)["data"]["task"]["stage"])
    assert stages == ["Review", "Complete", "Complete"]
    assert sdk.get_tasks(pid, task_filter=TaskFilter(stage="Review"))["data"]["total"] == 0
    everything = sdk.export(pid, ExportOptions(stage=["Start", "Label", "Review", "Complete"]))
    assert [(e["externalId"], e["task"]["stage"], e["metadata"]) for e in everything] == [
        ("r", "Complete", {"k": 1})
    ]


def test_get_tasks_pages_and_filters(sdk: Any) -> None:
    from imerit_ango.models.task_filter import TaskFilter

    pid, names = _project(sdk, assets=5)
    first = sdk.get_tasks(pid, page=1, limit=2)["data"]
    second = sdk.get_tasks(pid, page=3, limit=2)["data"]
    assert first["total"] == 5 and len(first["tasks"]) == 2 and len(second["tasks"]) == 1
    assert [t["externalId"] for t in first["tasks"]] == names[:2]
    assert {t["stage"] for t in first["tasks"]} == {"Label"} and "answer" not in first["tasks"][0]
    by_id = sdk.get_tasks(pid, task_filter=TaskFilter(external_id=names[3]), include_answer=True)["data"]
    assert by_id["total"] == 1 and by_id["tasks"][0]["answer"] == {
        "tools": [],
        "classifications": [],
        "relations": [],
    }
    assert sdk.get_tasks(pid, task_filter=TaskFilter(stage=["Complete"]))["data"]["total"] == 0
    assert sdk.get_tasks(pid, task_filter=TaskFilter(stage="Label"))["data"]["total"] == 5
    batch = sdk.get_batches(pid)[0]["_id"]
    assert sdk.get_tasks(pid, task_filter=TaskFilter(batches=[batch]))["data"]["total"] == 5
    assert sdk.get_tasks(pid, task_filter=TaskFilter(batches=["nope"]))["data"]["total"] == 0
    projected = sdk.get_tasks(pid, fields="stage")["data"]["tasks"][0]
    assert set(projected) == {"_id", "project", "asset", "stage"}


def test_get_task_and_annotate_task_merges(sdk: Any) -> None:
    from imerit_ango.models.annotate import AnnotationPayload, Answer

    pid, names = _project(sdk, assets=1)
    sdk.import_labels(pid, [_label(names[0], 0)])
    task_id = sdk.get_tasks(pid)["data"]["tasks"][0]["_id"]
    task = sdk.get_task(task_id, include_answer=True)["data"]["task"]
    assert [o["objectId"] for o in task["answer"]["tools"]] == ["o0a", "o0b"]
    new = {"schemaId": "trk01", "objectId": "extra", "polygon": [[1, 1], [2, 2], [3, 1]]}
    # overwrite=False: the SDK reads the task and merges, keeping the existing objects
    assert sdk.annotate_task(task_id, AnnotationPayload(Answer(objects=[new])))
    answer = sdk.get_task(task_id)["data"]["task"]["answer"]
    assert [o["objectId"] for o in answer["tools"]] == ["extra", "o0a", "o0b"]
    assert answer["relations"] == [{"schemaId": "tow01", "from": "o0a", "to": "o0b"}]
    assert sdk.annotate_task(
        task_id, AnnotationPayload(Answer(objects=[new])), overwrite=True, send_to_next_stage=True
    )
    after = sdk.get_task(task_id)["data"]["task"]
    assert after["stage"] == "Complete" and after["status"] == "Completed"
    assert after["answer"] == {"tools": [new], "classifications": [], "relations": []}


def test_answer_distribution(sdk: Any) -> None:
    from imerit_ango.models.enums import Metrics

    pid, names = _project(sdk, assets=3)
    sdk.import_labels(pid, [_label(n, i) for i, n in enumerate(names[:2])])
    rows = sdk.get_metrics(pid, Metrics.AnswerDistribution)["data"]["answerDistribution"]
    counts = {(r["schemaId"], r["kind"]): (r["count"], r["tasks"], r["title"]) for r in rows}
    assert counts == {
        ("col01", "classification"): (2, 2, "Color"),
        ("trk01", "tool"): (2, 2, "Truck"),
        ("tow01", "relation"): (2, 2, "Tows"),
        ("veh01", "tool"): (2, 2, "Vehicle"),
        ("wea01", "classification"): (2, 2, "Weather"),
    }
    with pytest.raises(Exception, match="not served by the local hub"):
        sdk.get_metrics(pid, Metrics.TimePerTask)


def test_orphaned_annotations_stay_stored(sdk: Any) -> None:
    """Replacing the label set without a class keeps the answers that name it, as the real Hub does."""
    from imerit_ango.models.enums import Metrics
    from imerit_ango.models.export_options import ExportOptions

    pid, names = _project(sdk, assets=2)
    labels = [_label(n, i) for i, n in enumerate(names)]
    sdk.import_labels(pid, copy.deepcopy(labels))
    without_truck = copy.deepcopy(SCHEMA)
    without_truck["tools"] = [t for t in without_truck["tools"] if t["schemaId"] != "trk01"]
    sdk.create_label_set(pid, raw_category_schema=without_truck)
    assert "trk01" not in str(sdk.get_project(pid)["data"]["project"]["categorySchema"])
    assert _answers(sdk.export(pid, ExportOptions(stage=["Label"]))) == _expected(labels)
    rows = sdk.get_metrics(pid, Metrics.AnswerDistribution)["data"]["answerDistribution"]
    truck = next(r for r in rows if r["schemaId"] == "trk01")
    assert truck["inLabelSet"] is False and truck["count"] == 2 and truck["title"] is None


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([{"externalId": "missing.jpg", "objects": []}], "no asset with externalId missing.jpg"),
        ([{"externalId": "img-0.jpg", "objects": [{"objectId": "x"}]}], "objects[0].schemaId"),
        ([{"externalId": "img-0.jpg", "objects": "x"}], "objects must be a list"),
        ([{"externalId": "img-0.jpg", "tools": []}], "unknown fields: tools"),
        ([{"objects": []}], "externalId must be a string"),
    ],
    ids=["unknown-external-id", "no-schema-id", "objects-not-list", "unknown-field", "no-external-id"],
)
def test_import_labels_refuses_bad_labels(sdk: Any, labels: list[Any], message: str) -> None:
    pid, _ = _project(sdk, assets=1)
    with pytest.raises(Exception, match=re.escape(message)):
        sdk.import_labels(pid, labels)
    answer = sdk.get_tasks(pid, include_answer=True)["data"]["tasks"][0]["answer"]
    assert answer == {"tools": [], "classifications": [], "relations": []}  # all or nothing


def test_upload_refuses_duplicates_and_unknown_batches(sdk: Any, served: str) -> None:
    pid, names = _project(sdk, assets=1)
    again = sdk.upload_files_cloud(pid, [{"data": "https://example.test/a", "externalId": names[0]}])
    assert again["status"] == "fail" and "externalId already used" in again["message"]
    # the SDK checks batch names itself; a client that does not is refused by the hub
    body = {"assets": [{"data": "https://example.test/a", "externalId": "b", "batches": ["zz"]}]}
    batch = sdk.session.post(f"{served}/v2/project/{pid}/cloud", json=body, headers={"apikey": "ann-key"})
    assert batch.status_code == 400 and "unknown batch zz" in batch.json()["message"]
    assert sdk.get_tasks(pid)["data"]["total"] == 1


def test_export_path_is_served_without_key_and_unguessable(sdk: Any, served: str) -> None:
    import urllib.error
    import urllib.request

    pid, _ = _project(sdk, assets=1)
    path = sdk.make_request("GET", f"/v2/export?project={pid}&stage=%5B%22Label%22%5D")["data"]["exportPath"]
    assert path.startswith(served + "/v2/ontokit/exports/")
    with urllib.request.urlopen(path) as response:
        assert response.headers["Content-Type"] == "application/zip"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(served + "/v2/ontokit/exports/" + "A" * 32)
    assert caught.value.code == 404


def test_a_task_needs_a_valid_key(sdk: Any, served: str) -> None:
    from imerit_ango.sdk import SDK

    pid, _ = _project(sdk, assets=1)
    task_id = sdk.get_tasks(pid)["data"]["tasks"][0]["_id"]
    stranger = SDK("someone-else", host=served)
    with pytest.raises(Exception, match="Invalid API key"):
        stranger.get_task(task_id)
    stranger.session.close()
