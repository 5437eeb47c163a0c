"""The local Hub's REST API: envelope, auth and isolation, validation, persistence, concurrency."""

from __future__ import annotations

import contextlib
import gc
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import LocalHub, served_hub

from ontology_kit.client.target import HubTarget, open_client
from ontology_kit.hub import HubStore, build_app, start_server


def http(hub: LocalHub, method: str, path: str, key: str | None = "default", **kwargs: Any) -> httpx.Response:
    headers = kwargs.pop("headers", {})
    if key == "default":
        key = hub.key
    if key is not None:
        headers["apikey"] = key
    assert hub.url is not None
    return httpx.request(method, hub.url + path, headers=headers, timeout=10, **kwargs)


def create(hub: LocalHub, name: str = "P", key: str | None = "default") -> dict[str, Any]:
    r = http(hub, "POST", "/v2/project", key=key, json={"name": name, "description": "d"})
    assert r.status_code == 201, r.text
    return r.json()["data"]["project"]  # type: ignore[no-any-return]


def test_create_project_shape(local_hub: LocalHub) -> None:
    p = create(local_hub, "Vehicle Detection")
    assert set(p) >= {
        "_id",
        "name",
        "description",
        "type",
        "organization",
        "categorySchema",
        "batches",
        "stages",
        "createdAt",
        "updatedAt",
    }
    assert len(p["_id"]) == 24 and int(p["_id"], 16) >= 0
    assert p["categorySchema"] == {"tools": [], "classifications": [], "relations": []}
    assert p["type"] == "ango" and p["organization"] == local_hub.org and p["batches"] == []
    assert [s["id"] for s in p["stages"]] == ["Start", "Label", "Complete"]
    assert p["createdAt"].endswith("Z")


@pytest.mark.parametrize(
    ("key", "status", "message"),
    [
        pytest.param(None, 401, "Missing API key", id="no-key"),
        pytest.param("wrong", 401, "Invalid API key", id="wrong-key"),
    ],
)
def test_auth(local_hub: LocalHub, key: str | None, status: int, message: str) -> None:
    for method, path in (("GET", "/v2/listProjects"), ("POST", "/v2/project"), ("GET", "/v2/project/x")):
        r = http(local_hub, method, path, key=key, json={"name": "x"} if method == "POST" else None)
        assert r.status_code == status
        assert r.json()["status"] == "fail" and message in r.json()["message"]


def test_organization_isolation(local_hub: LocalHub) -> None:
    mine = create(local_hub, "mine")
    theirs = create(local_hub, "theirs", key=local_hub.other_key)
    assert http(local_hub, "GET", f"/v2/project/{theirs['_id']}").status_code == 404
    assert http(local_hub, "POST", f"/v2/project/{theirs['_id']}", json={"name": "hijack"}).status_code == 404
    assert http(local_hub, "POST", f"/v2/batches/{theirs['_id']}", json={"name": "b"}).status_code == 404
    hook = {"url": "https://example.test/h", "types": ["ACCEPTED"], "project": theirs["_id"]}
    assert http(local_hub, "POST", "/v2/webhook", json=hook).status_code == 404
    listed = http(local_hub, "GET", "/v2/listProjects").json()["data"]
    assert [p["_id"] for p in listed["projects"]] == [mine["_id"]] and listed["total"] == 1


def test_list_projects_pagination(local_hub: LocalHub) -> None:
    ids = [create(local_hub, f"p{i}")["_id"] for i in range(25)]
    r = http(local_hub, "GET", "/v2/listProjects", params={"page": 2, "limit": 10}).json()["data"]
    assert r["total"] == 25 and len(r["projects"]) == 10
    assert [p["_id"] for p in r["projects"]] == list(reversed(ids))[10:20]  # newest first (-createdAt)
    assert set(r["projects"][0]) == {"_id", "name", "description", "organization", "createdAt"}
    last = http(local_hub, "GET", "/v2/listProjects", params={"page": 3, "limit": 10}).json()["data"]
    assert len(last["projects"]) == 5
    oldest = http(local_hub, "GET", "/v2/listProjects", params={"sort": "createdAt", "limit": 1}).json()[
        "data"
    ]
    assert oldest["projects"][0]["_id"] == ids[0]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"page": 0}, {"page": "x"}, {"sort": "name"}],
    ids=["limit-0", "limit-101", "page-0", "page-not-int", "bad-sort"],
)
def test_list_projects_bad_params(local_hub: LocalHub, params: dict[str, Any]) -> None:
    r = http(local_hub, "GET", "/v2/listProjects", params=params)
    assert r.status_code == 400 and r.json()["status"] == "fail"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param("/v2/project", b"{not json", id="malformed-json"),
        pytest.param("/v2/project", b"[1, 2]", id="not-an-object"),
        pytest.param("/v2/project", b"", id="empty"),
        pytest.param("/v2/project", b'{"name": ""}', id="empty-name"),
        pytest.param("/v2/project", b'{"name": 5}', id="name-not-string"),
        pytest.param("/v2/project", b'{"name": "x", "type": "video"}', id="bad-type"),
        pytest.param("/v2/project", b'{"name": "x", "bogus": 1}', id="unknown-field"),
        pytest.param("/v2/project", b"\xff\xfe", id="not-utf8"),
        pytest.param("/v2/project", b'{"name": "x", "description": "\\ud800"}', id="lone-surrogate"),
        pytest.param("/v2/project/{pid}", b'{"benchmarkRatio": NaN}', id="nan"),
        pytest.param("/v2/project/{pid}", b'{"benchmarkRatio": Infinity}', id="infinity"),
        pytest.param("/v2/project/{pid}", b'{"benchmarkRatio": 1e999}', id="overflow"),
        *(
            pytest.param(
                "/v2/project/{pid}",
                b'{"categorySchema": {"tools": [{"tool": "point", "schemaId": "a", "x": '
                + b"[" * depth
                + b"]" * depth
                + b"}]}}",
                id=f"nested-{depth}",
            )
            for depth in (600, 1000, 100_000)
        ),
        pytest.param("/v2/project/{pid}", b'{"categorySchema": []}', id="schema-not-object"),
        pytest.param("/v2/project/{pid}", b'{"categorySchema": {"tools": [1]}}', id="schema-items"),
        pytest.param(
            "/v2/project/{pid}", b'{"categorySchema": {"tools": [{"title": "x"}]}}', id="schema-no-tool"
        ),
        pytest.param("/v2/project/{pid}", b'{"categorySchema": {"widgets": []}}', id="schema-unknown-key"),
        pytest.param(
            "/v2/project/{pid}",
            b'{"categorySchema": {"tools": [{"tool": "point", "schemaId": "a", "classifications": [{"title": "x"}]}]}}',
            id="schema-nested-no-tool",
        ),
        pytest.param(
            "/v2/project/{pid}",
            b'{"categorySchema": {"tools": [{"tool": "point", "schemaId": "a", "options": [1]}]}}',
            id="schema-nested-items",
        ),
        pytest.param("/v2/project/{pid}", b'{"type": "video"}', id="update-bad-type"),
        pytest.param(
            "/v2/project/{pid}",
            b'{"categorySchema": {"classifications": [{"tool": "tree-dropdown", "schemaId": "t", "options": 5}]}}',
            id="schema-child-list-not-a-list",
        ),
        pytest.param("/v2/batches/{pid}", b'{"batches": {}}', id="batches-not-list"),
        pytest.param("/v2/batches/{pid}", b'{"batches": [{"name": "a"}, {"name": "a"}]}', id="batches-dupe"),
        pytest.param("/v2/batches/{pid}", b"{}", id="batches-empty-body"),
        pytest.param(
            "/v2/webhook", b'{"url": "ftp://x", "types": ["ACCEPTED"], "project": "{pid}"}', id="hook-url"
        ),
        pytest.param(
            "/v2/webhook", b'{"url": "https://x.test", "types": ["NOPE"], "project": "{pid}"}', id="hook-type"
        ),
    ],
)
def test_bad_requests_get_400_never_500(local_hub: LocalHub, path: str, body: bytes) -> None:
    pid = create(local_hub)["_id"]
    r = http(
        local_hub,
        "POST",
        path.replace("{pid}", pid),
        content=body.replace(b"{pid}", pid.encode()),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    assert r.json()["status"] == "fail" and r.json()["message"]


def test_unknown_route_and_method(local_hub: LocalHub) -> None:
    assert http(local_hub, "GET", "/v2/nope").status_code == 404
    r = http(local_hub, "DELETE", "/v2/listProjects")
    assert r.status_code == 405 and r.json()["status"] == "fail"


def test_oversized_body_is_413(local_hub: LocalHub) -> None:
    r = http(
        local_hub,
        "POST",
        "/v2/project",
        content=b" " * (17 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413


def test_update_project_replaces_schema_and_sets_fields(local_hub: LocalHub) -> None:
    pid = create(local_hub)["_id"]
    schema = {
        "tools": [{"tool": "point", "schemaId": "a", "title": "A"}],
        "classifications": [],
        "relations": [],
    }
    r = http(local_hub, "POST", f"/v2/project/{pid}", json={"categorySchema": schema})
    assert r.status_code == 200 and r.json()["data"]["project"]["categorySchema"] == schema
    r = http(local_hub, "POST", f"/v2/project/{pid}", json={"categorySchema": {"tools": []}})
    assert r.json()["data"]["project"]["categorySchema"] == {
        "tools": [],
        "classifications": [],
        "relations": [],
    }
    r = http(local_hub, "POST", f"/v2/project/{pid}", json={"name": "New", "description": "Desc"})
    got = http(local_hub, "GET", f"/v2/project/{pid}").json()["data"]["project"]
    assert (got["name"], got["description"]) == ("New", "Desc")


def test_batches_both_shapes(local_hub: LocalHub) -> None:
    pid = create(local_hub)["_id"]
    p = http(local_hub, "POST", f"/v2/batches/{pid}", json={"batches": [{"name": "a"}, {"name": "b"}]}).json()
    first = p["data"]["project"]["batches"]
    assert [b["name"] for b in first] == ["a", "b"] and all(len(b["_id"]) == 24 for b in first)
    p = http(local_hub, "POST", f"/v2/batches/{pid}", json={"name": "c"}).json()
    batches = p["data"]["project"]["batches"]
    assert [b["name"] for b in batches] == ["a", "b", "c"] and batches[:2] == first
    assert http(local_hub, "POST", f"/v2/batches/{pid}", json={"name": "c"}).status_code == 400


def test_webhook_secret_never_returned(local_hub: LocalHub) -> None:
    from ontology_kit.hub.store import secret_digest

    pid = create(local_hub)["_id"]
    body = {
        "url": "https://hooks.example.test/ango",
        "types": ["ACCEPTED", "COMPLETED"],
        "secret": "s3cr3t-value",
        "project": pid,
    }
    r = http(local_hub, "POST", "/v2/webhook", json=body)
    assert r.status_code == 201 and "s3cr3t-value" not in r.text
    listed = http(local_hub, "GET", f"/v2/project/{pid}/webhooks")
    assert "s3cr3t-value" not in listed.text
    (hook,) = listed.json()["data"]["webhooks"]
    assert hook["url"] == body["url"] and hook["types"] == body["types"] and hook["secret"]["set"] is True
    _, salt, _ = hook["secret"]["digest"].split(":")
    assert hook["secret"]["digest"] == secret_digest(salt, "s3cr3t-value")
    assert hook["secret"]["digest"] != secret_digest(salt, "other")
    raw = Path(local_hub.store.path).read_bytes()
    assert b"s3cr3t-value" not in raw  # not even in the database file


def test_idempotency_key_replays(local_hub: LocalHub) -> None:
    headers = {"Idempotency-Key": "k1"}
    a = http(local_hub, "POST", "/v2/project", json={"name": "once"}, headers=dict(headers))
    b = http(local_hub, "POST", "/v2/project", json={"name": "once"}, headers=dict(headers))
    assert a.json() == b.json() and b.headers.get("Idempotent-Replayed") == "true"
    assert http(local_hub, "GET", "/v2/listProjects").json()["data"]["total"] == 1
    c = http(local_hub, "POST", "/v2/webhook", json={}, headers=dict(headers))
    assert c.status_code == 422


def test_persistence_across_restarts(tmp_path: Any) -> None:
    db = tmp_path / "hub.sqlite3"
    app, store = build_app(db)
    _, key = store.create_organization("acme")
    server = start_server(app)
    r = httpx.post(server.url + "/v2/project", json={"name": "kept"}, headers={"apikey": key})
    pid = r.json()["data"]["project"]["_id"]
    server.stop()
    app2, _ = build_app(db)
    server2 = start_server(app2)
    try:
        got = httpx.get(f"{server2.url}/v2/project/{pid}", headers={"apikey": key}).json()
        assert got["data"]["project"]["name"] == "kept"
    finally:
        server2.stop()


def test_concurrent_writers_lose_nothing(local_hub: LocalHub) -> None:
    pid = create(local_hub)["_id"]
    errors: list[str] = []

    def worker(n: int) -> None:
        with httpx.Client(base_url=local_hub.url or "", headers={"apikey": local_hub.key}, timeout=30) as c:
            for i in range(15):
                r = c.post(f"/v2/batches/{pid}", json={"name": f"w{n}-{i}"})
                if r.status_code != 200:
                    errors.append(r.text)
                r = c.post("/v2/project", json={"name": f"w{n}-{i}"})
                if r.status_code != 201:
                    errors.append(r.text)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    batches = http(local_hub, "GET", f"/v2/project/{pid}").json()["data"]["project"]["batches"]
    assert len(batches) == 90 and len({b["name"] for b in batches}) == 90
    assert http(local_hub, "GET", "/v2/listProjects").json()["data"]["total"] == 91


def test_store_never_keeps_api_keys_in_clear(tmp_path: Any) -> None:
    store = HubStore(tmp_path / "h.sqlite3")
    store.create_organization("acme", "plain-key-123")
    assert b"plain-key-123" not in Path(store.path).read_bytes()
    assert store.organization_for_key("plain-key-123") is not None


def test_hub_info_needs_no_key(local_hub: LocalHub) -> None:
    r = http(local_hub, "GET", "/v2/ontokit/hub", key=None)
    assert r.status_code == 200 and "idempotency-key" in r.json()["data"]["extensions"]
    assert json.loads(r.text)["status"] == "success"


def test_a_projects_type_can_change_as_an_extension(local_hub: LocalHub) -> None:
    """Ango documents no way to change a project's type; the local Hub offers one, and says so."""
    info = http(local_hub, "GET", "/v2/ontokit/hub", key=None).json()["data"]
    assert "project-type-update" in info["extensions"]
    pid = create(local_hub)["_id"]
    r = http(local_hub, "POST", f"/v2/project/{pid}", json={"type": "pct"})
    assert r.status_code == 200 and r.json()["data"]["project"]["type"] == "pct"
    assert http(local_hub, "GET", f"/v2/project/{pid}").json()["data"]["project"]["type"] == "pct"


def test_the_deepest_ontology_ontokit_accepts_is_stored_and_read_back(local_hub: LocalHub) -> None:
    from ontology_kit import compile_text
    from ontology_kit.errors import InvalidOntologyError

    def ontology(levels: int) -> str:
        inner = "{title: Leaf, type: text}"
        for i in range(levels):
            inner = f"{{title: C{i}, type: text, classifications: [{inner}]}}"
        return f"tools: [{{title: Car, type: point, classifications: [{inner}]}}]"

    levels = 100
    while True:  # the YAML reader's own depth limit decides how deep a valid ontology can be
        try:
            compile_text(ontology(levels + 1))
        except InvalidOntologyError:
            break
        levels += 1
    schema = compile_text(ontology(levels))["categorySchema"]
    pid = create(local_hub)["_id"]
    assert http(local_hub, "POST", f"/v2/project/{pid}", json={"categorySchema": schema}).status_code == 200
    assert http(local_hub, "GET", f"/v2/project/{pid}").json()["data"]["project"]["categorySchema"] == schema


def _file_alone_holds(db: Path, name: str) -> bool:
    """Whether the database file without its write-ahead log (as a copy or a move of that one file
    takes it) holds the project ``name``."""
    import shutil
    import sqlite3

    alone = db.parent / "alone" / db.name
    alone.parent.mkdir()
    shutil.copy(db, alone)
    with contextlib.closing(sqlite3.connect(alone)) as conn:
        return bool(
            conn.execute("SELECT count(*) FROM projects WHERE doc LIKE ?", (f"%{name}%",)).fetchone()[0]
        )


@pytest.mark.parametrize("how", ["served", "embedded"])
def test_a_stopped_hub_leaves_everything_in_its_database_file(tmp_path: Path, how: str) -> None:
    """A hub kept idle connections for the next request; stopped with them open, its last writes
    stayed in the -wal file, and a database moved alone (as the SDK workflow test does) lost them."""
    db = tmp_path / "hub.sqlite3"
    if how == "served":
        with served_hub(db, "--api-key", "wal-key") as url:
            created = httpx.post(f"{url}/v2/project", json={"name": "Kept"}, headers={"apikey": "wal-key"})
            assert created.status_code == 201
            assert httpx.get(f"{url}/v2/listProjects", headers={"apikey": "wal-key"}).status_code == 200
    wal = db.with_name(db.name + "-wal")
    if how == "embedded":
        # sqlite3's connections sit in a reference cycle (their statement cache): only an explicit
        # close or the cyclic collector closes one. Checked before the collector runs again.
        gc.disable()
        try:
            with open_client(HubTarget("embedded", "embedded", db)) as client:
                client.create_project("Kept")
                client.list_projects()
            assert not wal.exists() or wal.stat().st_size == 0
        finally:
            gc.enable()
    assert not wal.exists() or wal.stat().st_size == 0
    assert _file_alone_holds(db, "Kept")
