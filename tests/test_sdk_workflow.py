"""Workflow stages on the local Hub, driven by the official Ango SDK 1.4.10, unchanged, against
`ontokit hub serve` (a separate process): update_workflow_stages with every stage type (a Webhook
stage's secret stored and shown as a salted digest only, never as itself), get_project's stages sent
again, bad workflows refused with a message, rerun_webhook (the SDK's double-slash path),
set_tasks_as_benchmark; and a hub without the legacy webhook endpoint (``without=legacy-webhooks``)."""

from __future__ import annotations

import copy
import json
import logging
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import requests
from conftest import listening_on, serve_hub
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)

from ontology_kit._secret import digest_matches

# The SDK's export opens a `requests.Session` it never closes (sdk.py exportV3). Not ours to fix.
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

SECRET = "wh-secret-7f3a9c-never-shown"
HOOK_URL = "https://example.test/hooks/ango"

#: Every stage type of the SDK's StageType, as Ango's docs write them.
EVERY_TYPE: list[dict[str, Any]] = [
    {
        "id": "Start",
        "name": "Start",
        "type": "Start",
        "next": ["Hook"],
        "position": {"x": 0, "y": 0},
        "autoForward": False,
    },
    {"id": "Hook", "name": "Notify", "type": "Webhook", "next": ["Label"], "url": HOOK_URL, "secret": SECRET},
    {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Vote"], "assignedTo": ["ana@example.com"]},
    {
        "id": "Vote",
        "name": "Consensus",
        "type": "Consensus",
        "next": ["Review", "Hold"],
        "consensusId": None,
        "consensusConfig": {"threshold": 60, "adjudicationMethod": "best"},
    },
    {"id": "Review", "name": "Review", "type": "Review", "next": ["Logic", "Label"], "readOnly": False},
    {
        "id": "Logic",
        "name": "Route",
        "type": "Logic",
        "next": ["Plugin", "Archive"],
        "logic": {"conditions": []},
    },
    {"id": "Plugin", "name": "Plugin", "type": "Plugin", "next": ["Complete"], "pluginId": "p1"},
    {"id": "Hold", "name": "Hold", "type": "Hold", "next": []},
    {"id": "Complete", "name": "Complete", "type": "Complete", "next": [], "preventRequeue": True},
    {"id": "Archive", "name": "Archive", "type": "Archive", "next": []},
]


class Served(NamedTuple):
    url: str
    db: Path
    proc: Any


def _serve(where: Path, *options: str) -> Served:
    proc = serve_hub(where / "hub.sqlite3", "--api-key", "wf-key", *options)
    assert proc.stdout is not None
    return Served(listening_on(proc.stdout.readline()), where / "hub.sqlite3", proc)


def _stop(served: Served) -> str:
    """Stop the hub; what it wrote (its log)."""
    served.proc.send_signal(signal.SIGINT)
    out, err = served.proc.communicate(timeout=10)
    return str(out) + str(err)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = _serve(tmp_path_factory.mktemp("workflow"))
    yield served
    _stop(served)


@pytest.fixture
def sdk(lc: Any, hub: Served) -> Iterator[Any]:
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)
    client = SDK("wf-key", host=hub.url)
    yield client
    client.session.close()


def _new(sdk: Any, stages: list[dict[str, Any]] | None = None) -> str:
    pid: str = sdk.create_project(name="workflow")["data"]["project"]["_id"]
    if stages is not None:
        assert sdk.update_workflow_stages(pid, copy.deepcopy(stages))["status"] == "success"
    return pid


def _stages(sdk: Any, pid: str) -> list[dict[str, Any]]:
    return sdk.get_project(pid)["data"]["project"]["stages"]  # type: ignore[no-any-return]


def _refused(call: Any, *args: Any) -> str:
    """The message of the 400 the SDK raises (it raises the body's text)."""
    with pytest.raises(Exception, match='"status": "fail"') as caught:
        call(*args)
    body = json.loads(str(caught.value))
    assert body["status"] == "fail", body
    return str(body["message"])


def test_every_stage_type_round_trips_with_the_secret_as_a_digest(sdk: Any) -> None:
    pid = _new(sdk, EVERY_TYPE)
    stages = _stages(sdk, pid)
    hook = stages[1]
    assert set(hook["secret"]) == {"set", "digest"} and hook["secret"]["set"] is True
    assert digest_matches(hook["secret"]["digest"], SECRET) is True
    assert SECRET not in json.dumps(stages)
    expected = copy.deepcopy(EVERY_TYPE)
    expected[1]["secret"] = hook["secret"]
    assert stages == expected


def test_get_projects_stages_sent_again_keep_the_secret(sdk: Any) -> None:
    """Ango's docs: read get_project's stages, edit them, send them back."""
    pid = _new(sdk, EVERY_TYPE)
    stages = _stages(sdk, pid)
    stages[2]["assignedTo"] = ["bo@example.com"]
    assert sdk.update_workflow_stages(pid, copy.deepcopy(stages))["status"] == "success"
    assert _stages(sdk, pid) == stages


def test_a_secret_is_changed_by_a_new_value_and_removed_by_null(sdk: Any) -> None:
    pid = _new(sdk, EVERY_TYPE)
    stages = _stages(sdk, pid)
    old = stages[1]["secret"]["digest"]
    stages[1]["secret"] = "another secret"
    sdk.update_workflow_stages(pid, copy.deepcopy(stages))
    new = _stages(sdk, pid)[1]["secret"]["digest"]
    assert new != old and digest_matches(new, "another secret") and not digest_matches(new, SECRET)
    stages[1]["secret"] = None
    sdk.update_workflow_stages(pid, copy.deepcopy(stages))
    assert "secret" not in _stages(sdk, pid)[1]


def test_the_same_secret_twice_has_two_salts(sdk: Any) -> None:
    first, second = _stages(sdk, _new(sdk, EVERY_TYPE)), _stages(sdk, _new(sdk, EVERY_TYPE))
    assert first[1]["secret"]["digest"] != second[1]["secret"]["digest"]


def _with(index: int, **fields: Any) -> list[dict[str, Any]]:
    stages = copy.deepcopy(EVERY_TYPE)
    stages[index].update(fields)
    return stages


BAD_WORKFLOWS = {
    "review-three-ways": (
        _with(4, next=["Logic", "Label", "Hold"]),
        "stages[4].next: a Review stage has at most 2 next stages (accepted, rejected)",
    ),
    "webhook-without-url": (_with(1, url=None), "stages[1].url: a Webhook stage needs url"),
    "webhook-ftp-url": (_with(1, url="ftp://example.test/h"), "stages[1].url: a Webhook stage needs url"),
    "consensus-threshold-text": (
        _with(3, consensusConfig={"threshold": "60"}),
        "stages[3].consensusConfig: consensusConfig.threshold must be a number",
    ),
    "assigned-not-email": (_with(2, assignedTo=["ana"]), "stages[2].assignedTo: assignedTo must be a list"),
    "archive-leads-on": (_with(9, next=["Label"]), "stages[9].next: an Archive stage leads nowhere"),
    "position-not-numbers": (_with(0, position={"x": "1", "y": 2}), "stages[0].position: position must be"),
    "read-only-text": (_with(4, readOnly="no"), "stages[4].readOnly: readOnly must be true or false"),
    "secret-number": (_with(1, secret=12345), "stages[1].secret must be a string, null or the state"),
    "secret-made-up-state": (
        _with(1, secret={"set": True, "digest": "sha256:00:00"}),
        "stages[1].secret: not the secret state stored for stage Hook",
    ),
    "secret-too-long": (_with(1, secret="s" * 1025), "stages[1].secret: a secret is at most 1024 characters"),
    "empty": ([], "stages must be a list of 1 to 100 stages"),
}


@pytest.mark.parametrize(("stages", "message"), list(BAD_WORKFLOWS.values()), ids=list(BAD_WORKFLOWS))
def test_a_bad_workflow_is_refused_with_its_first_problem(sdk: Any, stages: Any, message: str) -> None:
    pid = _new(sdk)
    assert message in _refused(sdk.update_workflow_stages, pid, stages)
    assert [s["id"] for s in _stages(sdk, pid)] == ["Start", "Label", "Complete"]  # unchanged


def test_a_secret_state_of_another_stage_is_refused(sdk: Any) -> None:
    """The state shown for one stage does not carry a secret over to another stage id."""
    pid = _new(sdk, EVERY_TYPE)
    stages = _stages(sdk, pid)
    stages[1]["id"] = "Hook2"
    stages[0]["next"] = ["Hook2"]
    assert "not the secret state stored for stage Hook2" in _refused(sdk.update_workflow_stages, pid, stages)


def test_rerun_webhook_takes_the_sdks_double_slash_path(sdk: Any, hub: Served) -> None:
    stages = copy.deepcopy(EVERY_TYPE)
    stages[0]["next"] = ["Hook"]
    pid = _new(sdk, stages)
    assert sdk.rerun_webhook(pid, "Hook") == {"status": "success", "data": {"stageId": "Hook", "tasks": 0}}
    sdk.upload_files_cloud(
        pid, [{"data": f"https://example.test/{n}.jpg", "externalId": str(n)} for n in range(3)]
    )
    # new tasks wait in the stage after Start: the Webhook stage
    assert sdk.rerun_webhook(pid, "Hook")["data"] == {"stageId": "Hook", "tasks": 3}
    single = requests.post(
        f"{hub.url}/v2/project/{pid}/rerun-webhook", json={"stageId": "Hook"}, headers={"apikey": "wf-key"}
    )
    assert single.status_code == 200 and single.json()["data"]["tasks"] == 3


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        ("Label", "stageId Label names no Webhook stage of this project"),
        ("Nowhere", "stageId Nowhere names no Webhook stage of this project"),
    ],
    ids=["not-a-webhook-stage", "unknown-stage"],
)
def test_rerun_webhook_needs_a_webhook_stage(sdk: Any, stage: str, message: str) -> None:
    pid = _new(sdk, EVERY_TYPE)
    assert _refused(sdk.rerun_webhook, pid, stage) == message


def test_rerun_webhook_of_an_unknown_project_is_404(sdk: Any) -> None:
    with pytest.raises(Exception, match="not found"):
        sdk.rerun_webhook("0" * 24, "Hook")


def test_other_double_slash_paths_redirect_to_their_route(hub: Served) -> None:
    """werkzeug merges `//` with a 308 redirect: a real one, with its Location."""
    response = requests.get(
        f"{hub.url}/v2//listProjects", headers={"apikey": "wf-key"}, allow_redirects=False
    )
    assert response.status_code == 308 and response.headers["Location"].endswith("/v2/listProjects")
    followed = requests.get(f"{hub.url}/v2//listProjects", headers={"apikey": "wf-key"})
    assert followed.status_code == 200 and followed.json()["status"] == "success"


def _tasks(sdk: Any, pid: str, n: int) -> list[str]:
    sdk.upload_files_cloud(
        pid, [{"data": f"https://example.test/{i}.jpg", "externalId": str(i)} for i in range(n)]
    )
    return [t["_id"] for t in sdk.get_tasks(pid)["data"]["tasks"]]


def test_set_tasks_as_benchmark(sdk: Any) -> None:
    pid = _new(sdk)
    first, second, third = _tasks(sdk, pid, 3)
    assert sdk.set_tasks_as_benchmark(pid, [first, second])["status"] == "success"
    flags = {t["_id"]: t["isBenchmark"] for t in sdk.get_tasks(pid)["data"]["tasks"]}
    assert flags == {first: True, second: True, third: False}
    sdk.set_tasks_as_benchmark(pid, [second], is_benchmark=False)
    assert sdk.get_task(second)["data"]["task"]["isBenchmark"] is False
    assert sdk.get_task(first)["data"]["task"]["isBenchmark"] is True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"tasks": "abc", "isBenchmark": True}, "tasks must be a list of at most 10,000 task ids"),
        ({"tasks": [1], "isBenchmark": True}, "tasks must be a list of at most 10,000 task ids"),
        ({"tasks": ["x"] * 10_001, "isBenchmark": True}, "tasks must be a list of at most 10,000 task ids"),
        ({"tasks": [], "isBenchmark": "yes"}, "isBenchmark must be true or false"),
        ({"tasks": ["0" * 24], "isBenchmark": True}, "no task 000000000000000000000000 in this project"),
        ({"tasks": [], "isBenchmark": True, "more": 1}, "unknown field: more"),
    ],
    ids=["not-a-list", "not-ids", "too-many", "flag-not-bool", "unknown-task", "unknown-field"],
)
def test_set_tasks_as_benchmark_refuses(hub: Served, sdk: Any, body: dict[str, Any], message: str) -> None:
    pid = _new(sdk)
    response = requests.post(
        f"{hub.url}/v2/project/{pid}/benchmark-tasks", json=body, headers={"apikey": "wf-key"}
    )
    assert (response.status_code, response.json()["message"]) == (400, message)


def test_a_task_of_another_project_is_not_marked(sdk: Any) -> None:
    mine, other = _new(sdk), _new(sdk)
    (task,) = _tasks(sdk, other, 1)
    assert "in this project" in _refused(sdk.set_tasks_as_benchmark, mine, [task])
    assert sdk.get_task(task)["data"]["task"]["isBenchmark"] is False


def test_members_twice_with_different_roles(sdk: Any) -> None:
    from imerit_ango.models.enums import ProjectRoles

    pid = _new(sdk)
    sdk.add_members_to_project(pid, ["ana@example.com"], ProjectRoles.Labeler)
    answer = sdk.add_members_to_project(pid, ["ana@example.com"], ProjectRoles.Manager)
    assert answer["data"]["project"]["assignedTo"] == [{"assignee": "ana@example.com", "role": "Manager"}]


def test_a_secret_is_in_no_response_file_or_log(lc: Any, tmp_path: Path) -> None:
    """Through every route that shows a workflow: get_project, update, create with stages (replayed
    by its Idempotency-Key), clone, list, tasks, export; then the database and the hub's log."""
    from imerit_ango.sdk import SDK

    served = _serve(tmp_path)
    seen: list[str] = []
    try:
        sdk = SDK("wf-key", host=served.url)
        logging.getLogger("SDK").setLevel(logging.CRITICAL)
        key = {"apikey": "wf-key", "Idempotency-Key": "create-with-stages"}
        body = {"name": "with stages", "stages": EVERY_TYPE}
        for _ in range(2):  # the second answer is the replay
            created = requests.post(f"{served.url}/v2/project", json=body, headers=key)
            assert created.status_code == 201, created.text
            seen.append(created.text)
        pid = created.json()["data"]["project"]["_id"]
        seen.append(json.dumps(sdk.update_workflow_stages(pid, copy.deepcopy(EVERY_TYPE))))
        bad = _with(1, secret=SECRET, url="not a url")
        seen.append(requests.post(f"{served.url}/v2/project/{pid}", json={"stages": bad}, headers=key).text)
        seen.append(json.dumps(sdk.get_project(pid)))
        seen.append(json.dumps(sdk.clone_project(pid)))
        seen.append(json.dumps(sdk.list_projects(limit=100)))
        _tasks(sdk, pid, 2)
        seen.append(json.dumps(sdk.get_tasks(pid)))
        seen.append(json.dumps(sdk.rerun_webhook(pid, "Hook")))
        seen.append(json.dumps(sdk.export(pid)))
        sdk.session.close()
    finally:
        log = _stop(served)
    assert "sha256:" in seen[0]  # the responses do show the stage's secret state
    for text in seen:
        assert SECRET not in text
    assert SECRET not in log
    for stored in tmp_path.glob("hub.sqlite3*"):
        assert SECRET.encode() not in stored.read_bytes(), stored


# -- a hub without the legacy webhook endpoint (as the real Hub: SDK 1.4.10 has no create_webhook) --
LEGACY = [
    ("POST", "/v2/webhook", {"project": "{pid}", "url": HOOK_URL, "types": ["ACCEPTED"]}),
    ("POST", "/v2/webhook/{hook}", {"url": HOOK_URL}),
    ("GET", "/v2/project/{pid}/webhooks", None),
]


def _legacy(url: str, pid: str, hook: str) -> list[int]:
    statuses = []
    for method, path, body in LEGACY:
        filled = json.loads(json.dumps(body).replace("{pid}", pid)) if body else None
        response = requests.request(
            method,
            url + path.format(pid=pid, hook=hook),
            json=filled,
            headers={"apikey": "wf-key"},
        )
        statuses.append(response.status_code)
    return statuses


def test_without_legacy_webhooks(lc: Any, tmp_path: Path) -> None:
    """`ontokit hub serve --faults without=legacy-webhooks`: the three routes answer 404, the hub no
    longer announces what reads and changes them; the workflow routes are all there."""
    (tmp_path / "full").mkdir()
    full = _serve(tmp_path / "full")
    try:
        pid = requests.post(f"{full.url}/v2/project", json={"name": "p"}, headers={"apikey": "wf-key"}).json()
        pid = pid["data"]["project"]["_id"]
        hook = requests.post(
            f"{full.url}/v2/webhook",
            json={"project": pid, "url": HOOK_URL, "types": ["ACCEPTED"]},
            headers={"apikey": "wf-key"},
        ).json()["data"]["webhook"]["_id"]
        assert _legacy(full.url, pid, hook) == [201, 200, 200]  # the test can fail: they are there
        announced = requests.get(f"{full.url}/v2/ontokit/hub").json()["data"]["extensions"]
        assert {"webhooks-read", "webhook-update"} <= set(announced)
    finally:
        _stop(full)
    (tmp_path / "bare").mkdir()
    (tmp_path / "full" / "hub.sqlite3").rename(tmp_path / "bare" / "hub.sqlite3")
    bare = _serve(tmp_path / "bare", "--faults", "without=legacy-webhooks")
    try:
        assert _legacy(bare.url, pid, hook) == [404, 404, 404]
        doubled = requests.post(f"{bare.url}/v2//webhook", json={}, headers={"apikey": "wf-key"})
        assert doubled.status_code == 404
        left = requests.get(f"{bare.url}/v2/ontokit/hub").json()["data"]["extensions"]
        assert set(announced) - set(left) == {"webhooks-read", "webhook-update"}
        from imerit_ango.sdk import SDK

        sdk = SDK("wf-key", host=bare.url)
        logging.getLogger("SDK").setLevel(logging.CRITICAL)
        assert sdk.update_workflow_stages(pid, copy.deepcopy(EVERY_TYPE))["status"] == "success"
        assert sdk.rerun_webhook(pid, "Hook")["data"]["stageId"] == "Hook"
        sdk.session.close()
    finally:
        _stop(bare)


def test_members_an_older_hub_stored_are_kept_in_the_documented_shape(tmp_path: Path) -> None:
    """``assignedTo`` entries ``{"user", "role"}`` (as the local Hub wrote them before) read as members."""
    from werkzeug.test import Client

    from ontology_kit.hub import build_app

    app, store = build_app(tmp_path / "hub.sqlite3")
    _, key = store.create_organization("acme")
    http = Client(app)
    pid = http.post("/v2/project", json={"name": "P"}, headers={"apikey": key}).get_json()["data"]["project"][
        "_id"
    ]
    with store.write() as db:
        doc = store.get_project(db, store.organization_for_key(key) or "", pid)
        assert doc is not None
        store.save_project(db, {**doc, "assignedTo": [{"user": "old@example.com", "role": "Reviewer"}]})
    answer = http.post(
        f"/v2/project/{pid}/assigned",
        json={"assignees": ["new@example.com"], "role": "Lead"},
        headers={"apikey": key},
    )
    assert answer.get_json()["data"]["project"]["assignedTo"] == [
        {"assignee": "old@example.com", "role": "Reviewer"},
        {"assignee": "new@example.com", "role": "Lead"},
    ]


def test_a_secret_an_older_hub_stored_as_given_becomes_its_digest(tmp_path: Path) -> None:
    """Before, a stage's fields were stored as given, a secret too: opening the database seals it."""
    from ontology_kit.hub import HubStore

    store = HubStore(tmp_path / "hub.sqlite3")
    org, _ = store.create_organization("acme")
    stages = copy.deepcopy(EVERY_TYPE)
    stages.append({"id": "Other", "type": "Hold", "next": [], "secret": ""})
    with store.write() as db:
        store.insert_project(db, org, {"_id": "p1", "name": "P", "createdAt": "t", "stages": stages})
        db.execute("PRAGMA user_version = 0")  # as an older ontokit left it
    reopened = HubStore(tmp_path / "hub.sqlite3")
    with reopened.read() as db:
        doc = reopened.get_project(db, org, "p1")
    assert doc is not None
    assert digest_matches(doc["stages"][1]["secret"]["digest"], SECRET) and "secret" not in doc["stages"][-1]
    for stored in tmp_path.glob("hub.sqlite3*"):
        assert SECRET.encode() not in stored.read_bytes(), stored


@pytest.mark.parametrize(
    ("spec", "without"),
    [
        ("without=legacy-webhooks", ("legacy-webhooks",)),
        ("without=legacy-webhooks+annotation-counts", ("legacy-webhooks", "annotation-counts")),
    ],
    ids=["alone", "with-another"],
)
def test_the_fault_spec_withdraws_legacy_webhooks(spec: str, without: tuple[str, ...]) -> None:
    from ontology_kit.hub.faults import FaultConfig

    assert FaultConfig.parse(spec).without == without
    with pytest.raises(ValueError, match="use annotation-counts, locks, legacy-webhooks"):
        FaultConfig.parse("without=webhooks")


def test_the_stages_read_through_state(sdk: Any) -> None:
    """What reads a project's workflow (``state.Workflow``, ``LiveProject``) reads every stage type,
    a Webhook stage with its secret's state included."""
    from ontology_kit.state import LiveProject, Workflow

    doc = sdk.get_project(_new(sdk, EVERY_TYPE))["data"]["project"]
    workflow = Workflow.of(doc)
    assert [(s.id, s.type, s.next) for s in workflow.stages][:3] == [
        ("Start", "Start", "Hook"),
        ("Hook", "Webhook", "Label"),
        ("Label", "Label", "Vote"),
    ]
    # nextStage follows each stage's first exit
    path = ("Start", "Hook", "Label", "Vote", "Review", "Logic", "Plugin", "Complete")
    assert workflow.path("Start", "Complete") == path
    assert workflow.path("Hold", "Complete") is None
    assert "Notify" in LiveProject.from_hub(doc, None).stages
