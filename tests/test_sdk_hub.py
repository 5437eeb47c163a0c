"""Protocol conformance: the official Ango SDK, unchanged, against `ontokit hub serve`.

Each call must succeed and read back what was written; ontokit's own client must see the same data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import LocalHub, listening_on, serve_hub
from test_conformance import EXAMPLES_DIR, SDK_DOC_EXAMPLES, Ids, lc  # noqa: F401 - lc is a fixture

from ontology_kit import compile_file


@pytest.fixture
def sdk(lc: ModuleType, local_hub: LocalHub) -> Iterator[Any]:
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)  # the SDK logs every HTTP error itself
    client = SDK(local_hub.key, host=local_hub.url)
    yield client
    client.session.close()


def new_project(sdk: Any, name: str = "From the SDK") -> str:
    res = sdk.create_project(name=name, description="I created this from the SDK.")
    assert res["status"] == "success"
    return res["data"]["project"]["_id"]  # type: ignore[no-any-return]


def test_create_get_list(sdk: Any, local_hub: LocalHub) -> None:
    pid = new_project(sdk)
    project = sdk.get_project(pid)["data"]["project"]
    assert project["name"] == "From the SDK" and project["description"] == "I created this from the SDK."
    listed = sdk.list_projects(page=1, limit=10)["data"]
    assert listed["total"] == 1 and listed["projects"][0]["_id"] == pid
    with local_hub.client("http") as ours:
        assert ours.get_project(pid)["name"] == "From the SDK"


def test_create_project_with_type(sdk: Any) -> None:
    from imerit_ango.models.enums import ProjectType

    res = sdk.create_project(name="pct one", project_type=ProjectType.PCT)
    assert res["data"]["project"]["type"] == "pct"


@pytest.mark.parametrize("name", list(SDK_DOC_EXAMPLES), ids=list(SDK_DOC_EXAMPLES))
def test_create_label_set_doc_examples(sdk: Any, lc: ModuleType, local_hub: LocalHub, name: str) -> None:
    expected = compile_file(EXAMPLES_DIR / name)
    lists = SDK_DOC_EXAMPLES[name](lc, Ids(expected))
    pid = new_project(sdk)
    res = sdk.create_label_set(project_id=pid, **lists)
    assert res["status"] == "success"
    assert sdk.get_project(pid)["data"]["project"]["categorySchema"] == expected["categorySchema"]
    with local_hub.client("inprocess") as ours:
        assert ours.get_project(pid)["categorySchema"] == expected["categorySchema"]


def test_raw_category_schema_copy_recipe(sdk: Any, local_hub: LocalHub) -> None:
    """The docs' recipe: read one project's schema, create a project, set it with raw_category_schema."""
    source = new_project(sdk, "source")
    payload = compile_file(EXAMPLES_DIR / "driving-scenes.yaml")
    with local_hub.client("http") as ours:
        ours.set_category_schema(source, payload["categorySchema"])
    schema = sdk.get_project(source)["data"]["project"]["categorySchema"]
    copy = new_project(sdk, "copy")
    sdk.create_label_set(copy, raw_category_schema=schema)
    assert sdk.get_project(copy)["data"]["project"]["categorySchema"] == payload["categorySchema"]


def test_batches(sdk: Any, local_hub: LocalHub) -> None:
    pid = new_project(sdk)
    assert sdk.create_batch(pid, "Batch-1")["status"] == "success"
    sdk.create_batches(pid, ["Batch-1", "Batch-2", "Batch-3"])  # skips the existing Batch-1
    batches = sdk.get_batches(pid)
    assert [b["name"] for b in batches] == ["Batch-1", "Batch-2", "Batch-3"]
    assert all(isinstance(b["_id"], str) and len(b["_id"]) == 24 for b in batches)
    assert sdk.create_batches(pid, ["Batch-2"]) == []  # nothing new: no request at all
    with local_hub.client("http") as ours:
        assert ours.get_project(pid)["batches"] == batches


def test_documented_create_webhook_body(sdk: Any, local_hub: LocalHub) -> None:
    """SDK 1.4.10 has no create_webhook; its documentation's body is posted as the SDK (1.1.6) did."""
    pid = new_project(sdk)
    body = {
        "url": "https://webhook.url/hook",
        "types": ["ACCEPTED", "UPDATED", "COMPLETED"],
        "secret": "<YOUR_SECRET>",
        "project": pid,
    }
    res = sdk.make_request("POST", "/v2/webhook", body)
    assert res["status"] == "success" and res["data"]["webhook"]["url"] == body["url"]
    with local_hub.client("http") as ours:
        (hook,) = ours.list_webhooks(pid)
    assert hook["types"] == body["types"] and hook["secret"]["set"] is True
    assert "<YOUR_SECRET>" not in repr(hook)


def test_wrong_key_is_rejected(lc: ModuleType, local_hub: LocalHub) -> None:
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)
    with pytest.raises(Exception, match="Invalid API key"):
        SDK("wrong-key", host=local_hub.url).list_projects()


def test_other_organizations_project_is_404_for_the_sdk(sdk: Any, local_hub: LocalHub) -> None:
    with local_hub.client("http", key=local_hub.other_key) as theirs:
        pid = theirs.create_project("theirs")["_id"]
    with pytest.raises(Exception, match="not found"):
        sdk.get_project(pid)


def test_examples_dir_exists() -> None:
    assert Path(EXAMPLES_DIR).is_dir()


def test_sdk_against_the_ontokit_hub_serve_command(lc: ModuleType, tmp_path: Path) -> None:
    """The whole scenario against `ontokit hub serve` itself (a separate process), not an in-test server."""
    import signal

    from imerit_ango.sdk import SDK

    proc = serve_hub(tmp_path / "hub.sqlite3", "--api-key", "sdk-test-key")
    try:
        assert proc.stdout is not None
        url = listening_on(proc.stdout.readline())
        logging.getLogger("SDK").setLevel(logging.CRITICAL)
        sdk = SDK("sdk-test-key", host=url)
        pid = new_project(sdk)
        expected = compile_file(EXAMPLES_DIR / "sdk-conditional-tree.yaml")
        lists = SDK_DOC_EXAMPLES["sdk-conditional-tree.yaml"](lc, Ids(expected))
        assert sdk.create_label_set(project_id=pid, **lists)["status"] == "success"
        assert sdk.get_project(pid)["data"]["project"]["categorySchema"] == expected["categorySchema"]
        assert sdk.list_projects()["data"]["total"] == 1
        sdk.create_batch(pid, "b1")
        sdk.create_batches(pid, ["b1", "b2"])
        assert [b["name"] for b in sdk.get_batches(pid)] == ["b1", "b2"]
        hook = {"url": "https://webhook.url/hook", "types": ["ACCEPTED"], "secret": "s", "project": pid}
        assert sdk.make_request("POST", "/v2/webhook", hook)["status"] == "success"
        with pytest.raises(Exception, match="Invalid API key"):
            SDK("wrong", host=url).get_project(pid)
        sdk.session.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    assert proc.returncode == 0
