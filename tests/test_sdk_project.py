"""The project settings routes, driven by the official Ango SDK 1.4.10, unchanged, against
`ontokit hub serve` (a separate process): update_workflow_stages (checked as Ango documents a
workflow), add_members_to_project, update_benchmark_settings, update_label_validation,
upload_instructions, clone_project, delete_project and purge_project; and the project document's
shape (the seed's create_project response)."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)
from test_sdk_annotations import SCHEMA, served  # noqa: F401 - the served hub (module fixture)

WORKFLOW = [
    {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"]},
    {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Review"]},
    {"id": "Review", "name": "Review", "type": "Review", "next": ["Complete"]},
    {"id": "Complete", "name": "Complete", "type": "Complete", "next": []},
]


@pytest.fixture
def sdk(lc: Any, served: str) -> Iterator[Any]:
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)
    client = SDK("ann-key", host=served)
    yield client
    client.session.close()


def _new(sdk: Any, name: str = "settings") -> str:
    project_id: str = sdk.create_project(name=name)["data"]["project"]["_id"]
    return project_id


def _project(sdk: Any, pid: str) -> dict[str, Any]:
    return sdk.get_project(pid)["data"]["project"]  # type: ignore[no-any-return]


def test_the_project_document_has_the_seeds_shape(sdk: Any) -> None:
    doc = _project(sdk, _new(sdk))
    for key in ("consensusCount", "benchmark", "reviewConf", "aiAssistance", "tags", "user", "__v", "stages"):
        assert key in doc, key
    assert "@" in doc["owner"] and "@" in doc["user"]


def test_workflow_stages_round_trip(sdk: Any) -> None:
    pid = _new(sdk)
    assert sdk.update_workflow_stages(pid, copy.deepcopy(WORKFLOW))["status"] == "success"
    assert _project(sdk, pid)["stages"] == WORKFLOW


def _broken(change: Any) -> list[dict[str, Any]]:
    stages = copy.deepcopy(WORKFLOW)
    change(stages)
    return stages


BAD_WORKFLOWS = {
    "not-an-object": ([{"foo": 1}], "stages[0].id: id must be a string"),
    "not-a-stage": (["Start"], "stages[0]: a stage must be an object"),
    "unknown-type": (_broken(lambda s: s[2].update(type="Magic")), "stages[2].type: type must be one of"),
    "two-starts": (_broken(lambda s: s[1].update(type="Start")), "exactly one Start stage (found 2)"),
    "no-start": (_broken(lambda s: s[0].update(type="Label")), "exactly one Start stage (found 0)"),
    "dangling-next": (
        _broken(lambda s: s[1].update(next=["Nowhere"])),
        "stages[1].next: next names no stage with id 'Nowhere'",
    ),
    "repeated-id": (_broken(lambda s: s[2].update(id="Label")), "stage id 'Label' is used twice"),
    "complete-unreachable": (
        _broken(lambda s: s[1].update(next=["Label"])),
        "no Complete stage is reachable from the Start stage",
    ),
    "complete-leads-on": (_broken(lambda s: s[3].update(next=["Label"])), "a Complete stage leads nowhere"),
    "empty": ([], "stages must be a list of 1 to 100 stages"),
}


@pytest.mark.parametrize(("stages", "message"), list(BAD_WORKFLOWS.values()), ids=list(BAD_WORKFLOWS))
def test_a_workflow_is_checked_as_ango_documents_it(sdk: Any, stages: Any, message: str) -> None:
    pid = _new(sdk)
    with pytest.raises(Exception, match='"status": "fail"') as caught:  # the SDK raises the body
        sdk.update_workflow_stages(pid, stages)
    body = json.loads(str(caught.value))
    assert body["status"] == "fail" and message in body["message"], body
    assert _project(sdk, pid)["stages"][1]["next"] == ["Complete"]  # unchanged


def test_members_and_roles(sdk: Any) -> None:
    from imerit_ango.models.enums import ProjectRoles

    pid = _new(sdk)
    sdk.add_members_to_project(pid, ["ana@example.com", "bo@example.com"], ProjectRoles.Labeler)
    sdk.add_members_to_project(pid, ["bo@example.com"], ProjectRoles.Reviewer)
    assert _project(sdk, pid)["assignedTo"] == [  # the documented shape: {assignee, role}
        {"assignee": "ana@example.com", "role": "Labeler"},
        {"assignee": "bo@example.com", "role": "Reviewer"},
    ]
    with pytest.raises(Exception, match="e-mail addresses"):
        sdk.add_members_to_project(pid, ["not an address"], ProjectRoles.Labeler)


def test_benchmark_settings_take_the_sdks_types(sdk: Any) -> None:
    pid = _new(sdk)
    result = sdk.update_benchmark_settings(pid, True, benchmark_ratio=25, benchmark_cutoff=True)
    assert result["status"] == "success"
    doc = _project(sdk, pid)
    assert (doc["benchmarkEnabled"], doc["benchmarkRatio"], doc["benchmarkCutoff"]) == (True, 25, True)


def test_label_validation(sdk: Any) -> None:
    pid = _new(sdk)
    function = "function validate(answer) { return []; }"
    sdk.update_label_validation(pid, custom_validation_enabled=True, validation_function=function)
    doc = _project(sdk, pid)
    assert (doc["customValidationEnabled"], doc["validationFunction"]) == (True, function)


def test_instructions_upload(sdk: Any, tmp_path: Path) -> None:
    pid = _new(sdk)
    guide = tmp_path / "guide.pdf"
    guide.write_bytes(b"%PDF-1.4 labeling guide")
    assert sdk.upload_instructions(pid, str(guide))["status"] == "success"
    doc = _project(sdk, pid)
    assert doc["instructions"] == "guide.pdf" and doc["instructionsFile"]["size"] == 23


def test_clone_copies_the_sections_asked_for(sdk: Any) -> None:
    pid = _new(sdk, "source")
    sdk.create_label_set(pid, raw_category_schema=copy.deepcopy(SCHEMA))
    sdk.update_workflow_stages(pid, copy.deepcopy(WORKFLOW))
    sdk.create_batch(pid, "Week 1")
    whole = sdk.clone_project(pid)["data"]["project"]
    assert whole["name"] == "source copy" and whole["_id"] != pid
    assert whole["categorySchema"] == SCHEMA and whole["stages"] == WORKFLOW
    assert [b["name"] for b in whole["batches"]] == ["Week 1"]
    assert whole["batches"][0]["_id"] != _project(sdk, pid)["batches"][0]["_id"]
    bare = sdk.clone_project(pid, category_schema=False, workflow=False, batches=False)["data"]["project"]
    assert bare["categorySchema"]["tools"] == [] and len(bare["stages"]) == 3 and bare["batches"] == []


def test_delete_and_purge(sdk: Any) -> None:
    """Also of projects that hold assets, tasks and a webhook."""
    deleted, purged = _new(sdk, "to delete"), _new(sdk, "to purge")
    for pid in (deleted, purged):
        sdk.upload_files_cloud(pid, [{"data": "https://example.test/a.jpg", "externalId": "a"}])
    assert sdk.delete_project(deleted)["status"] == "success"
    with pytest.raises(Exception, match="not found"):
        sdk.get_project(deleted)
    with pytest.raises(Exception, match="confirmName must be the project's name"):
        sdk.purge_project(purged, "wrong name")
    assert sdk.purge_project(purged, "to purge")["status"] == "success"
    names = {p["name"] for p in sdk.list_projects(limit=100)["data"]["projects"]}
    assert not names & {"to delete", "to purge"}
