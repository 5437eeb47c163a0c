"""The Hub client: the same scenarios over HTTP and in-process, retries, errors, and no key leaks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from conftest import LocalHub

from ontology_kit.client import (
    AuthError,
    BadRequestError,
    HubClient,
    HubUnavailableError,
    InProcessTransport,
    NotFoundError,
    open_client,
    resolve_target,
)
from ontology_kit.errors import OntokitError
from ontology_kit.hub import FaultConfig, HubApp

SCHEMA = {
    "tools": [{"tool": "point", "schemaId": "p1", "title": "Pin"}],
    "classifications": [],
    "relations": [],
}


# -- the same scenario, both transports -------------------------------------------------------------
def test_project_lifecycle(client: HubClient) -> None:
    p = client.create_project("Vehicles", "desc")
    assert client.get_project(p["_id"])["name"] == "Vehicles"
    assert client.set_category_schema(p["_id"], SCHEMA)["categorySchema"] == SCHEMA
    assert client.get_project(p["_id"])["categorySchema"] == SCHEMA
    assert client.update_project(p["_id"], name="Renamed", description="new")["name"] == "Renamed"
    client.create_batch(p["_id"], "b1")
    batches = client.set_batches(p["_id"], [*client.get_project(p["_id"])["batches"], {"name": "b2"}])[
        "batches"
    ]
    assert [b["name"] for b in batches] == ["b1", "b2"]
    hook = client.create_webhook(p["_id"], "https://hooks.example.test/x", ["ACCEPTED"], "top-secret")
    assert hook["secret"]["set"] is True and "top-secret" not in repr(hook)
    client.update_webhook(hook["_id"], types=["ACCEPTED", "UPDATED"])
    (listed,) = client.list_webhooks(p["_id"])
    assert listed["types"] == ["ACCEPTED", "UPDATED"] and listed["_id"] == hook["_id"]


def test_listing_pages(client: HubClient) -> None:
    for i in range(7):
        client.create_project(f"p{i}")
    page = client.list_projects(page=2, limit=3)
    assert page.total == 7 and len(page.projects) == 3
    assert sorted(p["name"] for p in client.iter_projects(limit=3)) == [f"p{i}" for i in range(7)]


def test_errors_are_clear(client: HubClient, local_hub: LocalHub) -> None:
    with pytest.raises(NotFoundError, match=r"project 0123 not found on "):
        client.get_project("0123")
    with pytest.raises(BadRequestError, match=r"refused create project '' \(400\): name is required"):
        client.create_project("")
    mode = "http" if client.base_url.startswith("http://127.") else "inprocess"
    with (
        local_hub.client(mode, key="not-a-key") as bad,
        pytest.raises(AuthError, match=r"API key rejected by "),
    ):
        bad.list_projects()


def test_other_organization_is_not_found(local_hub: LocalHub) -> None:
    with local_hub.client("http", key=local_hub.other_key) as theirs, local_hub.client("http") as mine:
        pid = theirs.create_project("theirs")["_id"]
        with pytest.raises(NotFoundError):
            mine.get_project(pid)
        assert mine.list_projects().total == 0


# -- retries against scripted responses ---------------------------------------------------------------
def scripted(responses: list[Any], info: bool = False) -> tuple[HubClient, list[httpx.Request], list[float]]:
    """A client whose transport answers from ``responses`` (status, headers) or raises exceptions."""
    seen: list[httpx.Request] = []
    waits: list[float] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/ontokit/hub":
            if info:
                return httpx.Response(
                    200, json={"status": "success", "data": {"extensions": ["idempotency-key"]}}
                )
            return httpx.Response(404, json={"status": "fail", "message": "Resource not found"})
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        status, headers = item
        body = {
            "status": "success",
            "data": {"project": {"_id": "abc", "name": "x"}, "projects": [], "total": 0},
        }
        if status >= 400:
            body = {"status": "fail", "message": "nope"}
        return httpx.Response(status, json=body, headers=headers)

    client = HubClient(
        "https://hub.example.test",
        "secret-key-xyz",
        transport=httpx.MockTransport(handler),
        sleep=waits.append,
        max_attempts=4,
    )
    return client, seen, waits


def test_honors_retry_after() -> None:
    client, seen, waits = scripted([(429, {"Retry-After": "3"}), (429, {"Retry-After": "1"}), (200, {})])
    client.list_projects()
    assert len(seen) == 3 and waits == [3.0, 1.0]


@pytest.mark.parametrize("hint", ["nan", "inf", "-inf", "NaN", "soon"])
def test_a_retry_after_that_is_not_a_time_is_ignored(hint: str) -> None:
    client, seen, waits = scripted([(429, {"Retry-After": hint}), (200, {})])
    client.list_projects()
    assert len(seen) == 2 and len(waits) == 1 and 0 <= waits[0] <= client.max_wait


def test_retry_after_is_capped() -> None:
    client, _seen, waits = scripted([(429, {"Retry-After": "3600"}), (200, {})])
    client.max_wait = 5
    client.get_project("abc")
    assert waits == [5.0]


def test_reads_retry_5xx_and_network_errors_with_backoff() -> None:
    client, seen, waits = scripted([(503, {}), httpx.ReadError("reset"), (502, {}), (200, {})])
    client.get_project("abc")
    assert len(seen) == 4 and len(waits) == 3 and all(0 <= w <= client.max_wait for w in waits)


def test_gives_up_after_max_attempts() -> None:
    client, seen, _ = scripted([(503, {})] * 4)
    with pytest.raises(HubUnavailableError, match=r"failed after 4 attempts: server error \(503\)"):
        client.get_project("abc")
    assert len(seen) == 4


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param((503, {}), id="5xx"),
        pytest.param(httpx.ReadError("reset"), id="dropped"),
        pytest.param(httpx.ReadTimeout("slow"), id="timeout"),
    ],
)
def test_creates_are_not_repeated_when_the_hub_may_have_applied_them(failure: Any) -> None:
    client, seen, _ = scripted([failure, (201, {})])
    with pytest.raises(HubUnavailableError, match="not retried: repeating it could apply it twice"):
        client.create_project("x")
    assert len(seen) == 1


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param((429, {"Retry-After": "0"}), id="429"),
        pytest.param(httpx.ConnectError("refused"), id="connect"),
    ],
)
def test_creates_are_retried_when_the_hub_never_processed_them(failure: Any) -> None:
    client, seen, _ = scripted([failure, (201, {})])
    assert client.create_project("x")["_id"] == "abc"
    assert len(seen) == 2


def test_creates_carry_one_idempotency_key_when_the_hub_honors_it() -> None:
    client, seen, _ = scripted([(503, {}), httpx.ReadError("reset"), (201, {})], info=True)
    client.create_project("x")
    keys = {r.headers["Idempotency-Key"] for r in seen}
    assert len(seen) == 3 and len(keys) == 1


def test_api_key_never_leaks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client, seen, _ = scripted([(503, {})] * 4 + [(401, {})])
    messages = []
    for call in (lambda: client.get_project("abc"), lambda: client.list_projects()):
        try:
            call()
        except OntokitError as exc:
            messages.append(f"{exc} {exc!r}")
    assert seen and seen[0].headers["apikey"] == "secret-key-xyz"
    text = " ".join(messages) + repr(client) + str(vars(client)) + caplog.text
    assert "secret-key-xyz" not in text


# -- faults: every write applied exactly once ----------------------------------------------------------
@pytest.mark.parametrize("mode", ["http", "inprocess"])
def test_exactly_once_under_faults(make_hub: Callable[..., LocalHub], mode: str) -> None:
    faults = FaultConfig(rate_5xx=0.30, rate_429=0.10, rate_drop=0.05, retry_after=0, seed=20261128)
    hub = make_hub(faults, serve=(mode == "http"))
    calls = 0
    with hub.client(mode, max_attempts=20, backoff=0.001) as c:
        projects: list[str] = []
        for i in range(200):
            step = i % 10
            if step == 0:
                projects.append(c.create_project(f"proj-{i}")["_id"])
            elif step in (1, 2, 3):
                c.create_batch(projects[-1], f"batch-{i}")
            elif step == 4:
                c.set_category_schema(
                    projects[-1], {**SCHEMA, "tools": [{**SCHEMA["tools"][0], "title": f"v{i}"}]}
                )
            elif step == 5:
                c.create_webhook(projects[-1], f"https://hooks.example.test/{i}", ["COMPLETED"], f"s{i}")
            elif step == 6:
                c.update_project(projects[-1], description=f"d{i}")
            else:
                c.get_project(projects[-1])
            calls += 1
    assert calls == 200
    injected = hub.app.injected
    assert injected["5xx-after"] > 5 and injected["429"] > 5 and injected["drop-after"] > 0
    # Read back through a fault-free app over the same store.
    checker = HubClient("http://check", hub.key, transport=InProcessTransport(HubApp(hub.store)))
    listed = list(checker.iter_projects())
    assert sorted(p["name"] for p in listed) == sorted(f"proj-{i}" for i in range(0, 200, 10))
    for n, pid in enumerate(reversed([p["_id"] for p in listed])):
        base = n * 10
        project = checker.get_project(pid)
        assert [b["name"] for b in project["batches"]] == [f"batch-{base + k}" for k in (1, 2, 3)]
        assert project["categorySchema"]["tools"][0]["title"] == f"v{base + 4}"
        assert project["description"] == f"d{base + 6}"
        assert [h["url"] for h in checker.list_webhooks(pid)] == [f"https://hooks.example.test/{base + 5}"]


# -- choosing the hub -------------------------------------------------------------------------------
def test_embedded_target_by_default(tmp_path: Any) -> None:
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    target = resolve_target(None, env={}, cwd=sub)
    assert target.kind == "embedded" and target.db == (tmp_path / ".ontokit" / "hub.sqlite3").resolve()
    with open_client(target, env={}) as c:
        pid = c.create_project("embedded")["_id"]
    with open_client(resolve_target("embedded", env={}, cwd=tmp_path), env={}) as c:
        assert c.get_project(pid)["name"] == "embedded"  # persisted under .ontokit/
    key_file = tmp_path / ".ontokit" / "local-api-key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("ango", "https://imeritapi.ango.ai"),
        ("https://imeritapi.ango.ai/v2", "https://imeritapi.ango.ai"),
        ("ango-us", "https://us-api.ango.ai"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://localhost:9000", "http://localhost:9000"),
    ],
    ids=["alias", "strip-v2", "us", "loopback", "localhost"],
)
def test_url_targets(raw: str, url: str) -> None:
    assert resolve_target(raw, env={}).url == url
    assert resolve_target(None, env={"ONTOKIT_HUB": raw}).url == url


@pytest.mark.parametrize(
    ("raw", "message"),
    [("http://hub.example.test", "plain http"), ("nonsense", "not a URL")],
    ids=["http-remote", "not-url"],
)
def test_bad_targets(raw: str, message: str) -> None:
    with pytest.raises(OntokitError, match=message):
        resolve_target(raw, env={})


def test_url_target_needs_a_key() -> None:
    with pytest.raises(OntokitError, match="set ANGO_API_KEY"):
        open_client(resolve_target("ango", env={}), env={})


# -- a hub that answers with the wrong shapes -----------------------------------------------------------
def _answering(data: Any) -> HubClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": "success", "data": data})

    return HubClient("http://junk.test", "k", transport=httpx.MockTransport(handler), sleep=lambda s: None)


@pytest.mark.parametrize(
    ("data", "call"),
    [
        pytest.param({"projects": 5, "total": 1}, lambda c: c.list_projects(), id="projects-not-a-list"),
        pytest.param(
            {"projects": [1, 2], "total": 2}, lambda c: c.list_projects(), id="projects-not-objects"
        ),
        pytest.param({"projects": [], "total": "many"}, lambda c: c.list_projects(), id="total-not-a-number"),
        pytest.param({"webhooks": "x"}, lambda c: c.list_webhooks("p"), id="webhooks-not-a-list"),
        pytest.param({"project": [1]}, lambda c: c.get_project("p"), id="project-not-an-object"),
        pytest.param(
            {"webhook": "abc"},
            lambda c: c.create_webhook("p", "https://a", ["COMPLETED"], None),
            id="webhook-str",
        ),
        pytest.param(
            {"webhook": [1, 2]}, lambda c: c.update_webhook("w", url="https://a"), id="webhook-list"
        ),
    ],
)
def test_wrong_shapes_are_one_clear_error(data: Any, call: Any) -> None:
    from ontology_kit.errors import HubError

    with _answering(data) as client, pytest.raises(HubError, match=r"unexpected answer|holds no project"):
        call(client)


@pytest.mark.parametrize(
    "extensions", [None, 5, "idempotency-key", {"a": 1}], ids=["null", "int", "str", "object"]
)
def test_odd_extensions_mean_none(extensions: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/ontokit/hub":
            return httpx.Response(200, json={"status": "success", "data": {"extensions": extensions}})
        return httpx.Response(200, json={"status": "success", "data": {"project": {"_id": "a", "name": "x"}}})

    with HubClient("http://junk.test", "k", transport=httpx.MockTransport(handler)) as client:
        assert not client.capabilities().extensions
        assert client.create_project("x")["_id"] == "a"  # asks whether to send an idempotency key


def test_a_hub_that_repeats_its_listing_is_read_once() -> None:
    pages: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        pages.append(int(request.url.params["page"]))
        projects = [{"_id": "a", "name": "A"}, {"_id": "b", "name": "B"}]
        return httpx.Response(
            200, json={"status": "success", "data": {"projects": projects, "total": 10**12}}
        )

    with HubClient("http://junk.test", "k", transport=httpx.MockTransport(handler)) as client:
        assert [p["_id"] for p in client.iter_projects(limit=2)] == ["a", "b"]
    assert pages == [1, 2]
