"""The local Hub never answers 5xx to a client's bytes (docs/hub.md): every route, driven with a table
of hostile values in every place a client controls (path segments, query parameters, headers, the
body as a whole and each of its fields), answers a 4xx (or a success) with a JSON message.

Routes are read from the app's own URL map, so a route added later is driven too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import LocalHub
from werkzeug.routing import Rule
from werkzeug.test import Client

from ontology_kit.errors import NotFoundError
from ontology_kit.hub import HubApp, HubStore, build_app

DEEP = 5_000  # finding 10: JSON nested 5,000+ levels


def _deep_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def _deep_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


#: JSON values (as JSON text, so that big numbers and escapes are sent as written).
HOSTILE_VALUES: dict[str, str] = {
    "huge-int": "99999999999999999999",
    "huge-int-400-digits": "1" + "0" * 400,
    "int64-max": str(2**63 - 1),
    "int64-min": str(-(2**63)),
    "negative": "-1",
    "zero": "0",
    "float-max": "1.7976931348623157e308",
    "tiny-float": "5e-324",
    "true": "true",
    "null": "null",
    "empty-string": '""',
    "blank-string": '"   "',
    "lone-high-surrogate": '"\\ud800"',
    "lone-low-surrogate": '"a\\udc00b"',
    "nul": '"a\\u0000b"',
    "non-ascii": '"é日本🚗"',
    "rtl-override": '"\\u202egnp.exe"',
    "over-long-string": json.dumps("x" * 200_000),
    "path-traversal": '"../listProjects"',
    "empty-list": "[]",
    "list-of-junk": '[1, null, "a", {}, []]',
    "empty-object": "{}",
    "object-of-junk": '{"": null, "tool": 1, "schemaId": [], "classifications": "x"}',
    "deep-list": _deep_list(DEEP),
    "deep-object": _deep_object(DEEP),
    "moderately-deep": _deep_list(600),
}

#: Whole bodies that are not a JSON object (or not JSON at all).
HOSTILE_BODIES: dict[str, bytes] = {
    "empty": b"",
    "not-json": b"{name: x}",
    "truncated": b'{"name": "x"',
    "array": b"[]",
    "string": b'"x"',
    "nan": b'{"name": NaN}',
    "latin-1": '{"name": "Caf\xe9"}'.encode("latin-1"),
    "utf-16": '{"name": "x"}'.encode("utf-16"),
    "bom": b'\xef\xbb\xbf{"name": "x"}',
    "nul-bytes": b'{"name": "x"}\x00\x00',
    "surrogate-name": b'{"name": "\\ud800"}',
    "deep-array": _deep_list(DEEP).encode(),
    "deep-field": b'{"name": ' + _deep_object(DEEP).encode() + b"}",
    "duplicate-keys": b'{"name": "a", "name": {"x": 1}}',
}

#: Every field any route reads, and a few it does not.
FIELDS = (
    "name",
    "description",
    "type",
    "categorySchema",
    "batches",
    "url",
    "types",
    "secret",
    "project",
    "benchmarkRatio",
    "stages",
    "projectPlugins",
    "_id",
    "assets",
    "jsonContent",
    "answer",
    "priority",
    "stageId",
    "tasks",
    "isBenchmark",
    "unknown",
)

#: Path segments a client may send (percent-encoded on the wire).
HOSTILE_SEGMENTS: dict[str, str] = {
    "non-ascii": "日本",
    "latin-1": "é",
    "encoded-surrogate": "%ED%A0%80",
    "invalid-utf-8": "%FF%FE",
    "dot-dot": "..",
    "encoded-slash": "a%2Fb",
    "nul": "%00",
    "space": "a%20b",
    "over-long": "a" * 20_000,
    "huge-int": "99999999999999999999",
    "negative": "-1",
}

#: Query strings for every route (list endpoints read page, limit and sort).
HOSTILE_QUERIES = (
    "page=99999999999999999999",
    "page=-1",
    "page=0",
    "page=abc",
    "page=",
    "page=1.5",
    "page=%D9%A1",
    "page=%201",
    "page=1&page=2",
    "limit=99999999999999999999",
    "limit=-5",
    "limit=0",
    "sort=%ED%A0%80",
    "sort=" + "x" * 10_000,
    "%ED%A0%80=%ED%A0%80",
    "page=%FF&limit=%FE",
    "includeAnswer=maybe",
    "filter=%7B%22stage%22%3A%7B%22%24regex%22%3A1%7D%7D",
    "filter=" + "%5B" * 600,
    "stage=%5B%5B%5D%5D",
    "batches=%7B%7D",
    "fields=" + ",x" * 5_000,
    "format=xml",
    "type=issue",
    "updatedAt=%7B%22%24gt%22%3A1%7D",
    "nextStage=yes",
)

#: Headers a client controls.
HOSTILE_HEADERS: dict[str, dict[str, str]] = {
    "idempotency-key-long": {"Idempotency-Key": "k" * 10_000},
    "idempotency-key-latin-1": {"Idempotency-Key": "cl\xe9"},
    "idempotency-key-empty": {"Idempotency-Key": ""},
    "idempotency-key-controls": {"Idempotency-Key": "a\x7fb"},
    "content-type-wrong": {"Content-Type": "text/plain"},
    "content-length-junk": {"CONTENT_LENGTH": "abc"},
    "content-length-negative": {"CONTENT_LENGTH": "-1"},
    "content-length-huge": {"CONTENT_LENGTH": "99999999999999999999"},
}


class Hub:
    """The app under test, one organization's key, and an existing project and webhook."""

    def __init__(self, tmp_path: Path) -> None:
        app, store = build_app(tmp_path / "hub.sqlite3")
        assert isinstance(store, HubStore)
        self.app = app
        self.http = Client(app)
        self.org, self.key = store.create_organization("acme")
        created = self.send("POST", "/v2/project", b'{"name": "P"}')
        self.project = created["data"]["project"]["_id"]
        hook = {"project": self.project, "url": "https://example.test/h", "types": ["ACCEPTED"]}
        self.webhook = self.send("POST", "/v2/webhook", json.dumps(hook).encode())["data"]["webhook"]["_id"]

    def send(self, method: str, path: str, body: bytes | None = None, **headers: str) -> dict[str, Any]:
        response = self.request(method, path, body, headers)
        assert response.status_code < 400, response.get_data(as_text=True)
        return response.get_json()  # type: ignore[no-any-return]

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        query = ""
        if "?" in path:
            path, query = path.split("?", 1)
        headers = {"apikey": self.key, "Content-Type": "application/json", **(headers or {})}
        # CGI-style names go straight into the environment (the test client would compute them).
        environ = {k: headers.pop(k) for k in list(headers) if k.isupper()}
        return self.http.open(
            path,
            method=method,
            data=body,
            query_string=query,
            headers=headers,
            environ_overrides=environ,
        )


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Hub:
    return Hub(tmp_path_factory.mktemp("hostile"))


def _routes() -> list[tuple[str, Rule]]:
    rules = HubApp(HubStore.__new__(HubStore)).url_map.iter_rules()
    return sorted(
        ((method, rule) for rule in rules for method in rule.methods or () if method in ("GET", "POST")),
        key=lambda pair: (pair[1].rule, pair[0]),
    )


ROUTES = _routes()


def _path(rule: Rule, hub: Hub, segment: str | None = None) -> str:
    """The rule's path with every argument an existing id (or ``segment``, as sent on the wire)."""
    out = rule.rule
    for arg in rule.arguments:
        value = segment if segment is not None else (hub.webhook if "webhook" in arg else hub.project)
        out = out.replace(f"<{arg}>", value if segment is not None else quote(value, safe=""))
    return out


def _assert_4xx_or_success(response: Any, what: str) -> None:
    assert response.status_code < 500, (
        f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    )
    if response.status_code >= 400:
        doc = response.get_json()
        assert doc["status"] == "fail" and isinstance(doc["message"], str) and doc["message"], what
        assert len(doc["message"]) < 1_000, what  # a message quotes a client's input bounded


def _route_ids(*, posts: bool = False, segments: bool = False) -> list[Any]:
    return [
        pytest.param(method, rule, id=f"{method} {rule.rule}")
        for method, rule in ROUTES
        if (method == "POST" or not posts) and (rule.arguments or not segments)
    ]


def test_the_table_drives_every_route() -> None:
    endpoints = {rule.endpoint for _, rule in ROUTES}
    assert {"list_projects", "create_project", "get_project", "update_project", "update_batches"} <= endpoints
    assert {"create_webhook", "update_webhook", "list_webhooks", "hub_info"} <= endpoints


def _field_bodies() -> Iterator[tuple[str, bytes]]:
    for field in FIELDS:
        for label, value in HOSTILE_VALUES.items():
            yield f"{field}={label}", f'{{"{field}": {value}}}'.encode()


@pytest.mark.parametrize(("method", "rule"), _route_ids(posts=True))
def test_hostile_bodies_and_fields(hub: Hub, method: str, rule: Rule) -> None:
    path = _path(rule, hub)
    cases = [*HOSTILE_BODIES.items(), *_field_bodies()]
    # the same fields beside the ones a creating request needs, so that they are read, not refused first
    for field in FIELDS:
        for label, value in HOSTILE_VALUES.items():
            base = {
                "name": "P",
                "project": hub.project,
                "url": "https://example.test/x",
                "types": ["ACCEPTED"],
            }
            text = json.dumps({k: v for k, v in base.items() if k != field})[:-1]
            cases.append((f"complete+{field}={label}", f'{text}, "{field}": {value}}}'.encode()))
    for label, body in cases:
        _assert_4xx_or_success(hub.request(method, path, body), f"{method} {path} body {label}")


_LOOKUPS = {"get_project", "update_project", "update_batches", "list_webhooks", "update_webhook"}


@pytest.mark.parametrize(("method", "rule"), _route_ids(segments=True))
def test_hostile_path_segments(hub: Hub, method: str, rule: Rule) -> None:
    for label, segment in HOSTILE_SEGMENTS.items():
        path = _path(rule, hub, segment)
        response = hub.request(method, path, b'{"name": "x"}' if method == "POST" else None)
        _assert_4xx_or_success(response, f"{method} {rule.rule} segment {label}")
        if rule.endpoint in _LOOKUPS:  # an id that names nothing: a 404 (or the body's 400 first)
            assert response.status_code in (400, 404), (label, response.status_code)


@pytest.mark.parametrize(("method", "rule"), _route_ids())
def test_hostile_queries_and_headers(hub: Hub, method: str, rule: Rule) -> None:
    path = _path(rule, hub)
    body = json.dumps({"name": "Q", "project": hub.project, "url": "https://e.test/y", "types": ["UPDATED"]})
    data = body.encode() if method == "POST" else None
    for query in HOSTILE_QUERIES:
        _assert_4xx_or_success(hub.request(method, f"{path}?{query}", data), f"{method} {path}?{query[:40]}")
    for label, headers in HOSTILE_HEADERS.items():
        _assert_4xx_or_success(hub.request(method, path, data, headers), f"{method} {path} header {label}")
    for key in ("", "k" * 10_000, "cl\xe9", "a\x7fb"):
        response = hub.request(method, path, data, {"apikey": key})
        _assert_4xx_or_success(response, f"{method} {path} apikey {key[:10]!r}")
        if rule.endpoint == "download_export":  # keyless: its unguessable URL is the credential
            assert response.status_code == 404
        elif rule.endpoint != "hub_info":
            assert response.status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("page=99999999999999999999", id="finding-10-page"),
        pytest.param("page=١", id="arabic-indic-digit"),
        pytest.param("page=%201", id="leading-space"),
        pytest.param("limit=1e3", id="exponent"),
    ],
)
def test_list_projects_refuses_what_is_not_a_plain_integer(hub: Hub, query: str) -> None:
    response = hub.request("GET", "/v2/listProjects?" + quote(query, safe="=%"))
    assert response.status_code == 400
    assert "must be an integer" in response.get_json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"name": "\\ud800"}', id="finding-10-surrogate-name"),
        pytest.param(b'{"name": ' + _deep_list(DEEP).encode() + b"}", id="finding-10-deep"),
    ],
)
def test_finding_10_bodies_are_400(hub: Hub, body: bytes) -> None:
    assert hub.request("POST", "/v2/project", body).status_code == 400


@pytest.mark.parametrize("field", ["url", "secret"])
def test_finding_10_webhook_surrogates_are_400(hub: Hub, field: str) -> None:
    hook = {"project": hub.project, "url": "https://e.test/z", "types": ["ACCEPTED"], field: "SURROGATE"}
    body = json.dumps(hook).replace('"SURROGATE"', '"https://e.test/\\ud800"').encode()
    assert hub.request("POST", "/v2/webhook", body).status_code == 400
    assert hub.request("POST", f"/v2/webhook/{hub.webhook}", body).status_code == 400


HOSTILE_IDS = ["日本", "é", "..", ".", "../listProjects", "a/b", "a?b#c", "a b", "%2e%2e", "x" * 5_000]


@pytest.mark.parametrize("project_id", [pytest.param(i, id=i[:20]) for i in HOSTILE_IDS])
def test_client_reaches_no_other_route_with_any_id(local_hub: LocalHub, project_id: str) -> None:
    """Finding 9 and 10: ids are one URL segment, quoted, over HTTP and in-process (the embedded hub
    answered a non-ASCII id with an internal error)."""
    for mode in ("http", "inprocess"):
        with local_hub.client(mode) as client:
            client.create_project("Only one")
            for call in (
                lambda: client.get_project(project_id),
                lambda: client.update_project(project_id, name="x"),
                lambda: client.set_batches(project_id, []),
                lambda: client.list_webhooks(project_id),
                lambda: client.update_webhook(project_id, url="https://e.test/"),
            ):
                with pytest.raises(NotFoundError):
                    call()


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "TRACE", "BREW"])
def test_every_route_under_every_method(hub: Hub, method: str) -> None:
    for rule in {rule.rule: rule for _, rule in ROUTES}.values():
        for path in (_path(rule, hub), _path(rule, hub, "%ED%A0%80")):
            response = hub.request(method, path, b'{"name": "x"}')
            assert response.status_code < 500, (method, path, response.status_code)


def _raw(url: str, request: bytes) -> int:
    import socket

    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1])


RAW_REQUESTS = {
    "content-length-junk": b"POST /v2/project HTTP/1.1\r\napikey: KEY\r\nContent-Length: abc\r\n\r\n{}",
    "content-length-negative": b"POST /v2/project HTTP/1.1\r\napikey: KEY\r\nContent-Length: -5\r\n\r\n{}",
    "bad-chunk": b"POST /v2/project HTTP/1.1\r\napikey: KEY\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "raw-bytes-in-path": b"GET /v2/project/\xff\xfe HTTP/1.1\r\napikey: KEY\r\n\r\n",
    "raw-bytes-in-query": b"GET /v2/listProjects?page=\xff HTTP/1.1\r\napikey: KEY\r\n\r\n",
    "raw-bytes-in-apikey": b"GET /v2/listProjects HTTP/1.1\r\napikey: \xff\xfe\r\n\r\n",
    "raw-bytes-in-idempotency-key": (
        b"POST /v2/project HTTP/1.1\r\napikey: KEY\r\nIdempotency-Key: \xff\r\nContent-Length: 12\r\n\r\n"
        b'{"name":"a"}'
    ),
}


@pytest.mark.parametrize("label", list(RAW_REQUESTS))
def test_raw_requests_to_a_served_hub(local_hub: LocalHub, label: str) -> None:
    """Bytes no client library would send, straight to the served hub: still no 5xx."""
    assert local_hub.url is not None
    request = RAW_REQUESTS[label].replace(b"KEY", local_hub.key.encode())
    request = request.replace(b"HTTP/1.1\r\n", b"HTTP/1.1\r\nHost: x\r\nConnection: close\r\n", 1)
    assert 400 <= _raw(local_hub.url, request) < 500


#: A workflow with a stage of each kind whose fields are checked (Webhook, Consensus, Review).
_STAGES = [
    {"id": "Start", "type": "Start", "next": ["Hook"]},
    {"id": "Hook", "type": "Webhook", "next": ["Vote"], "url": "https://example.test/h", "secret": "s"},
    {"id": "Vote", "type": "Consensus", "next": ["Check"], "consensusConfig": {"threshold": 50}},
    {"id": "Check", "type": "Review", "next": ["Complete"], "readOnly": False},
    {"id": "Complete", "type": "Complete", "next": []},
]
_STAGE_FIELDS = (
    "id",
    "type",
    "name",
    "next",
    "url",
    "secret",
    "consensusConfig",
    "assignedTo",
    "autoForward",
    "readOnly",
    "position",
)


@pytest.mark.parametrize("field", _STAGE_FIELDS)
def test_hostile_stage_fields(hub: Hub, field: str) -> None:
    """update_workflow_stages and create_project with each field of each checked stage hostile."""
    for index in range(1, 4):
        for label, value in HOSTILE_VALUES.items():
            stages = json.loads(json.dumps(_STAGES))
            stages[index][field] = "@"
            text = json.dumps({"name": "S", "stages": stages}).replace('"@"', value)
            for path in (f"/v2/project/{hub.project}", "/v2/project"):
                response = hub.request("POST", path, text.encode())
                _assert_4xx_or_success(response, f"{path} stages[{index}].{field}={label}")
