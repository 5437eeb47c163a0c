"""Issue 9, findings 7, 11 (plan files) and 12, through the real command line: the API key goes only
to the hub the user selected, never with credentials in a URL; plan files can be signed; a hostile
or damaged plan file is one line of error and no request; plans need no production secret.

A *recorded* hub is the local Hub behind a WSGI wrapper that counts every request it is sent, so a
test can require that a refusal came before any request at all.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LocalHub
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_plan_apply import (
    HOOK_URL,
    SECRET,
    Run,
    Workspace,
    assert_one_line_error,
    base_env,
    make_workspace,
    project_yaml,
)

from ontology_kit.hub import start_server

CREDENTIAL = "cred-s3cr3t-7f1e"  # a password in a hub URL: must never be printed
PLAN_KEY = "plan-signing-key-0b9a"


class Recorder:
    """A WSGI app that records every request, then passes it to ``app`` (or answers 500 without one)."""

    def __init__(self, app: Any = None) -> None:
        self.app = app
        self.requests: list[tuple[str, str, bool]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], "HTTP_APIKEY" in environ))
        if self.app is None:
            start_response("500 Internal Server Error", [("Content-Type", "application/json")])
            return [b'{"status": "error"}']
        return self.app(environ, start_response)


@dataclasses.dataclass
class Recorded:
    """A served workspace whose hub records its requests, and a second server that only records."""

    ws: Workspace
    hub: Recorder
    elsewhere: Recorder
    elsewhere_url: str

    @property
    def url(self) -> str:
        assert self.ws.hub is not None and self.ws.hub.url is not None
        return self.ws.hub.url

    def planned(self, *extra: str, env: dict[str, str] | None = None) -> dict[str, Any]:
        """Apply once, edit the ontology, save a plan (p.json); the recorders start empty."""
        assert self.ws.run("apply", "--auto-approve").code == 0
        self.ws.edit("ontology.yaml", "title: Kind", "title: Category")
        saved = self.ws.run("plan", "--out", "p.json", *extra, env=env)
        assert saved.code == 0, saved
        self.hub.requests.clear()
        return json.loads((self.ws.root / "p.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def save(self, doc: Any) -> None:
        text = doc if isinstance(doc, str) else json.dumps(doc)
        (self.ws.root / "p.json").write_text(text, encoding="utf-8")

    def apply(self, *args: str, env: dict[str, str] | None = None) -> Run:
        """``apply p.json`` run as given: no ``--hub`` is added (the test says which hub it selects)."""
        from test_plan_apply import ontokit

        return ontokit(
            "apply",
            "p.json",
            "--auto-approve",
            *args,
            cwd=self.ws.root,
            env=env or self.ws.env(),
            inprocess=True,
        )


@pytest.fixture
def recorded(tmp_path: Path, local_hub: LocalHub) -> Iterator[Recorded]:
    proxy, elsewhere = Recorder(local_hub.app), Recorder()
    server, other = start_server(proxy), start_server(elsewhere)
    try:
        hub = dataclasses.replace(local_hub, url=server.url)
        yield Recorded(
            make_workspace(tmp_path / "ws", hub=hub, inprocess=True), proxy, elsewhere, str(other.url)
        )
    finally:
        server.stop()
        other.stop()


# --- finding 7: the API key goes only to the hub the user selected --------------------------------------


@pytest.mark.parametrize("selects", ["nothing", "flag", "environment", "workspace"])
def test_a_plan_file_edited_to_another_hub_sends_it_nothing(recorded: Recorded, selects: str) -> None:
    doc = recorded.planned()
    doc["hub"]["url"] = doc["hub"]["name"] = recorded.elsewhere_url  # the finding: hub.url edited
    recorded.save(doc)
    args: tuple[str, ...] = ("--hub", recorded.url) if selects == "flag" else ()
    env = recorded.ws.env(**({"ONTOKIT_HUB": recorded.url} if selects == "environment" else {}))
    if selects == "workspace":
        recorded.ws.write("ontokit.yaml", f"hub: {recorded.url}\nprojects:\n  - projects/*.yaml\n")

    result = recorded.apply(*args, env=env)
    assert_one_line_error(result, f"the plan was made for {recorded.elsewhere_url}")
    assert recorded.elsewhere.requests == []  # the key never went there
    assert recorded.hub.requests == []  # refused before any request


def test_a_plan_file_applies_on_the_hub_it_was_made_for_when_selected(recorded: Recorded) -> None:
    recorded.planned()
    result = recorded.apply("--hub", recorded.url)
    assert result.code == 0, result
    assert recorded.elsewhere.requests == []
    assert all(has_key for _, _, has_key in recorded.hub.requests)


def _hub_url_with_credentials(port_url: str) -> str:
    return port_url.replace("http://", f"http://user:{CREDENTIAL}@")


@pytest.mark.parametrize(
    ("command", "source"),
    [
        *((c, s) for c in ("plan", "apply") for s in ("flag", "environment", "workspace")),
        ("apply", "plan-file"),
    ],
)
def test_credentials_in_a_hub_url_are_refused_unshown(recorded: Recorded, source: str, command: str) -> None:
    url = _hub_url_with_credentials(recorded.url)  # the finding: --hub http://user:KEY@127.0.0.1:PORT
    args: tuple[str, ...] = (command, "--auto-approve") if command == "apply" else (command,)
    env = recorded.ws.env()
    if source == "flag":
        args = (*args, "--hub", url)
    elif source == "environment":
        env["ONTOKIT_HUB"] = url
    elif source == "workspace":
        recorded.ws.write("ontokit.yaml", f"hub: {url}\nprojects:\n  - projects/*.yaml\n")
    else:
        doc = recorded.planned()
        doc["hub"]["url"] = doc["hub"]["name"] = url
        recorded.save(doc)
        args = (*args, "p.json", "--hub", recorded.url)
    recorded.hub.requests.clear()
    from test_plan_apply import ontokit

    result = ontokit(*args, cwd=recorded.ws.root, env=env, inprocess=True)
    assert_one_line_error(result, "must not hold credentials")
    assert CREDENTIAL not in result.out + result.err
    assert recorded.hub.requests == []


def test_hub_projects_refuses_credentials_too(recorded: Recorded) -> None:
    from test_plan_apply import ontokit

    url = _hub_url_with_credentials(recorded.url)
    result = ontokit(
        "hub", "projects", "--hub", url, cwd=recorded.ws.root, env=recorded.ws.env(), inprocess=True
    )
    assert result.code == 1 and CREDENTIAL not in result.out + result.err, result
    assert recorded.hub.requests == []


# --- finding 7: signed plan files -------------------------------------------------------------------------


def _forged(recorded: Recorded, env: dict[str, str]) -> str:
    """The finding's forgery: edit `desired` and make every digest agree again, with ontokit's own
    (unkeyed) functions: here, by planning an edited copy of the definitions without the key."""
    copy = recorded.ws.root.parent / "forger"
    shutil.copytree(recorded.ws.root, copy, ignore=shutil.ignore_patterns(".ontokit"))
    forger = Workspace(copy, recorded.ws.hub, inprocess=True)
    forger.write("projects/demo.yaml", project_yaml("Demo", batches=("Week 1", "Week 2", "Injected")))
    assert forger.run("plan", "--out", "forged.json", env=env).code == 0
    recorded.hub.requests.clear()
    return (copy / "forged.json").read_text(encoding="utf-8")


def _batches(ws: Workspace) -> list[str]:
    return [b["name"] for b in ws.live("Demo")["batches"]]


def test_without_a_key_a_forged_plan_applies_and_apply_says_it_is_unsigned(recorded: Recorded) -> None:
    recorded.planned()
    recorded.save(_forged(recorded, recorded.ws.env()))
    result = recorded.apply("--hub", recorded.url)
    assert result.code == 0, result
    assert "unsigned plan file" in result.err and "only against accidents" in result.err
    assert "Injected" in _batches(recorded.ws)  # documented: without a key, integrity only against accidents


@pytest.mark.parametrize("forgery", ["unsigned", "old-signature", "other-key"])
def test_with_a_key_a_forged_plan_is_refused_before_any_request(recorded: Recorded, forgery: str) -> None:
    keyed = recorded.ws.env(ONTOKIT_PLAN_KEY=PLAN_KEY)
    signature = recorded.planned(env=keyed)["signature"]
    forger_env = (
        recorded.ws.env(ONTOKIT_PLAN_KEY="another-key") if forgery == "other-key" else recorded.ws.env()
    )
    forged = json.loads(_forged(recorded, forger_env))
    if forgery == "old-signature":
        forged["signature"] = signature
    recorded.save(forged)
    before = recorded.ws.snapshot()
    recorded.hub.requests.clear()

    result = recorded.apply("--hub", recorded.url, env=keyed)
    needle = "unsigned" if forgery == "unsigned" else "signature does not match"
    assert_one_line_error(result, "p.json", needle)
    assert recorded.hub.requests == []
    assert recorded.ws.snapshot() == before


def test_a_signed_plan_applies_with_its_key(recorded: Recorded) -> None:
    keyed = recorded.ws.env(ONTOKIT_PLAN_KEY=PLAN_KEY)
    doc = recorded.planned(env=keyed)
    assert doc["signature"].startswith("hmac-sha256:")
    result = recorded.apply("--hub", recorded.url, env=keyed)
    assert result.code == 0, result
    assert "unsigned" not in result.err
    assert PLAN_KEY not in (recorded.ws.root / "p.json").read_text(encoding="utf-8") + result.out + result.err


# --- finding 12: plans without secrets --------------------------------------------------------------------


def _no_secret() -> dict[str, str]:
    env = base_env()
    del env["HOOK_SECRET"]
    return env


def test_a_new_webhook_without_its_secret_is_planned_and_refused_before_any_write(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", inprocess=True)
    planned = ws.run("plan", "--format", "json", env=_no_secret())
    assert planned.code == 0, planned
    project = planned.json()["projects"][0]
    assert any("secret not set: not compared" in w for w in project["warnings"]), project

    refused = ws.run("apply", "--auto-approve", env=_no_secret())
    assert_one_line_error(refused, "HOOK_SECRET is not set", "cannot create", "nothing was changed")
    assert ws.snapshot() == {}  # not even the project: the whole apply is refused before any write


@pytest.fixture
def applied(tmp_path: Path) -> Workspace:
    ws = make_workspace(tmp_path / "ws", inprocess=True)
    assert ws.run("apply", "--auto-approve").code == 0
    return ws


def test_an_unchanged_webhook_without_its_secret_does_not_block_the_rest(applied: Workspace) -> None:
    applied.edit("ontology.yaml", "title: Kind", "title: Category")
    done = applied.run("apply", "--auto-approve", env=_no_secret())
    assert done.code == 0, done
    assert "secret not set: not compared" in done.out
    (hook,) = applied.live("Demo")["webhooks"]
    assert hook["secret"]["set"] is True  # the secret it had is kept, not emptied


def test_a_changed_webhook_without_its_secret_is_refused(applied: Workspace) -> None:
    applied.edit("projects/demo.yaml", "types: [COMPLETED, ACCEPTED]", "types: [COMPLETED]")
    before = applied.snapshot()
    refused = applied.run("apply", "--auto-approve", env=_no_secret())
    assert_one_line_error(refused, f"webhook {HOOK_URL}", "HOOK_SECRET is not set", "cannot update")
    assert applied.snapshot() == before


@pytest.mark.parametrize("secret_at_apply", [False, True], ids=["still-unset", "set-since"])
def test_a_plan_saved_without_the_secret_never_writes_an_empty_secret(
    tmp_path: Path, secret_at_apply: bool
) -> None:
    ws = make_workspace(tmp_path / "ws", inprocess=True)
    assert ws.run("plan", "--out", "p.json", env=_no_secret()).code == 0
    env = base_env() if secret_at_apply else _no_secret()
    result = ws.run("apply", "p.json", "--auto-approve", env=env)
    assert_one_line_error(result, "stale" if secret_at_apply else "HOOK_SECRET is not set")
    assert ws.snapshot() == {}
    assert SECRET not in result.out + result.err


# --- finding 11: plan files within bounds, and nothing in them picks a secret or a request path ------------


def _project(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["projects"][0]  # type: ignore[no-any-return]


def _deep(doc: dict[str, Any]) -> str:
    _project(doc)["changes"][0]["before"] = "@@"
    return json.dumps(doc).replace('"@@"', "[" * 5000 + "]" * 5000)


def _surrogate(doc: dict[str, Any]) -> str:
    return json.dumps(doc).replace('"Demo"', '"\\ud800"', 1)


def _duplicate_key(doc: dict[str, Any]) -> str:
    return json.dumps(doc).replace('"kind": "url"', '"kind": "url", "kind": "url"', 1)


def _huge(doc: dict[str, Any]) -> str:
    _project(doc)["warnings"] = ["x" * (17 * 1024 * 1024)]
    return json.dumps(doc)


def _set(*path: Any, value: Any) -> Any:
    def edit(doc: dict[str, Any]) -> str:
        node: Any = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
        return json.dumps(doc)

    return edit


def _secret_env(var: str) -> Any:
    def edit(doc: dict[str, Any]) -> str:
        _project(doc)["desired"]["webhooks"][0]["secretEnv"] = var
        return json.dumps(doc)

    return edit


HOSTILE = [
    pytest.param(_deep, "nested deeper than", id="deeply-nested"),
    pytest.param(_surrogate, "lone surrogate", id="lone-surrogate"),
    pytest.param(_duplicate_key, "duplicate key 'kind'", id="duplicate-key"),
    pytest.param(_huge, "limit", id="over-16-MiB"),
    pytest.param(lambda doc: json.dumps(doc).replace("[", "[NaN, ", 1), "NaN", id="nan"),
    pytest.param(_set("projects", 0, "project_id", value="abc\r\nX-Evil: 1"), "project_id", id="crlf-id"),
    pytest.param(_set("projects", 0, "project_id", value="../listProjects"), "project_id", id="slash-id"),
    pytest.param(_set("projects", 0, "project_id", value=".."), "project_id", id="dotdot-id"),
    pytest.param(_secret_env("ANGO_API_KEY"), "secretEnv", id="secret-env-api-key"),
    pytest.param(_secret_env("AWS_SECRET_ACCESS_KEY"), "secretEnv", id="secret-env-aws"),
    pytest.param(_set("hub", "url", value="http://127.0.0.1:1/../x"), "`..`", id="relative-hub-path"),
    pytest.param(_set("hub", "url", value="http://127.0.0.1:1/?x=1"), "query", id="hub-query"),
    pytest.param(_set("hub", "kind", value="embedded"), "hub", id="embedded-without-db"),
    pytest.param(_set("ontokit_version", value=7), "ontokit_version", id="version-not-text"),
]


@pytest.mark.parametrize(("damage", "message"), HOSTILE)
def test_a_hostile_plan_file_is_one_line_and_no_request(
    recorded: Recorded, damage: Any, message: str
) -> None:
    doc = recorded.planned()
    recorded.save(damage(doc))
    before = recorded.ws.snapshot()
    recorded.hub.requests.clear()

    result = recorded.apply("--hub", recorded.url)
    assert_one_line_error(result, "p.json", message)
    assert recorded.hub.requests == []
    assert recorded.ws.snapshot() == before


@pytest.mark.parametrize(
    ("db", "message"),
    [
        pytest.param("/tmp/hub\u0000.sqlite3", "hub.db", id="null-byte"),
        pytest.param("hub.sqlite3", "hub.db", id="relative"),
        pytest.param("../../hub.sqlite3", "hub.db", id="dotdot"),
    ],
)
def test_a_plan_file_db_path_is_checked(tmp_path: Path, db: str, message: str) -> None:
    ws = make_workspace(tmp_path / "ws", inprocess=True)
    assert ws.run("plan", "--out", "p.json").code == 0
    doc = json.loads((ws.root / "p.json").read_text(encoding="utf-8"))
    doc["hub"]["db"] = db
    (ws.root / "p.json").write_text(json.dumps(doc), encoding="utf-8")
    assert_one_line_error(ws.run("apply", "p.json", "--auto-approve"), "p.json", message)
    assert not (ws.root / ".ontokit" / "hub.sqlite3").exists() or ws.snapshot() == {}


def test_a_project_file_cannot_name_another_secret_either(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", inprocess=True)
    ws.edit("projects/demo.yaml", "{env: HOOK_SECRET}", "{env: ANGO_API_KEY}")
    result = ws.run("plan", env=base_env(ANGO_API_KEY="the-api-key-value"))
    assert result.code == 1 and "name the variable like WEBHOOK_SECRET" in result.err, (
        result
    )  # at its position, with the hint
    assert "the-api-key-value" not in result.out + result.err


def _all_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _all_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _all_paths(value, (*prefix, i))
    return out


_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=6)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2),
)


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_apply_of_a_randomly_edited_plan_file_is_one_line_and_never_writes(
    recorded: Recorded, signed: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hypothesis mutates a valid plan file at random paths; apply (in this process, on the recorded
    hub) exits 1 with one line of error, never 4 or a traceback, and writes nothing. Signed, or with a
    value of a wrong type outside the plan's content: no request at all. (Unsigned, a value inside the
    content that the diff holds equal to the one it replaced is applied: it changes nothing shown.)"""
    from ontology_kit.cli import main

    env = recorded.ws.env(**({"ONTOKIT_PLAN_KEY": PLAN_KEY} if signed else {}))
    original = recorded.planned(env=env)
    before = recorded.ws.snapshot()
    for name in ("ONTOKIT_HUB", "ONTOKIT_PLAN_KEY", "HOOK_SECRET", "ANGO_API_KEY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name in ("ONTOKIT_PLAN_KEY", "HOOK_SECRET", "ANGO_API_KEY", "NO_COLOR", "ONTOKIT_HTTP_ATTEMPTS"):
        if name in env:
            monkeypatch.setenv(name, env[name])
    monkeypatch.chdir(recorded.ws.root)
    paths = [p for p in _all_paths(original) if p != ("signature",)]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sampled_from(paths), _VALUES)
    def check(path: tuple[Any, ...], value: Any) -> None:
        doc = json.loads(json.dumps(original))
        node = doc
        for part in path[:-1]:
            node = node[part]
        old, node[path[-1]] = node[path[-1]], value
        if doc == original or (not signed and type(old) is type(value)):
            return  # not an edit; unsigned, only values of a wrong type (the rest is refused as stale)
        recorded.save(doc)
        recorded.hub.requests.clear()
        capsys.readouterr()
        code = main(["apply", "p.json", "--auto-approve", "--hub", recorded.url])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err and "internal error" not in err, (path, value, err)
        content = any(part in ("before", "after", "categorySchema") for part in path)
        counts = (
            "affected" in path
        )  # not in the digest: what the hub held when planned; apply writes the same
        if code == 0 and (content or counts) and not signed:
            return  # a value the diff holds equal (`[]` for `null`): the plan shown is the plan applied
        assert code == 1, (path, value, out, err)
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, (path, value, err)
        # Unsigned, a value of another type may still be a valid one (`project_id: null` plans a
        # create): it is refused as stale after reading, under apply's locks, but nothing is written.
        # (leases and the annotation counts are POSTs that write no project)
        reads = ("/ontokit/locks", "/answerCounts")
        writes = [r for r in recorded.hub.requests if r[0] != "GET" and not any(p in r[1] for p in reads)]
        assert writes == [], (path, value, err)
        if signed:
            assert recorded.hub.requests == [], (path, value, err)

    check()
    if signed:
        assert recorded.ws.snapshot() == before


# --- the mechanisms, one by one ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(f"http://user:{CREDENTIAL}@127.0.0.1:8080", "credentials", id="user-password"),
        pytest.param(f"https://{CREDENTIAL}@imeritapi.ango.ai", "credentials", id="token-only"),
        pytest.param(f"https://imeritapi.ango.ai@{CREDENTIAL}.example", "credentials", id="at-in-host"),
        pytest.param(f"{CREDENTIAL}@127.0.0.1", "credentials", id="no-scheme"),
        pytest.param("https://h.example.com/\r\nX-Key: 1", "control characters", id="crlf"),
        pytest.param("https://h.example.com/a b", "spaces", id="space"),
        pytest.param("https://h.example.com/?next=1", "query", id="query"),
        pytest.param("https://h.example.com/#frag", "fragment", id="fragment"),
        pytest.param("https://h.example.com/x/../v2", "`..`", id="dotdot"),
        pytest.param("https://h.example.com:port", "not a URL", id="bad-port"),
        pytest.param("//h.example.com", "not a URL", id="scheme-relative"),
        pytest.param("/v2/projects", "not a URL", id="a-path"),
    ],
)
def test_a_hub_url_is_checked_wherever_it_comes_from(url: str, message: str) -> None:
    from ontology_kit.client import resolve_target
    from ontology_kit.errors import OntokitError

    with pytest.raises(OntokitError, match=message) as caught:
        resolve_target(url, env={})
    assert CREDENTIAL not in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("https://h.example.com/v2", "https://h.example.com"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("ango-us", "https://us-api.ango.ai"),
    ],
)
def test_a_plain_hub_url_is_kept(url: str, expected: str) -> None:
    from ontology_kit.client import resolve_target

    assert resolve_target(url, env={}).url == expected


def test_a_webhook_without_its_secret_is_planned_with_a_warning_and_a_refusal() -> None:
    from ontology_kit import compile_text
    from ontology_kit.category_schema import CategorySchema
    from ontology_kit.plan.project_diff import plan_project
    from ontology_kit.state import DesiredProject, DesiredWebhook, LiveProject, ProjectFields

    hook = DesiredWebhook(HOOK_URL, ("COMPLETED",), "HOOK_SECRET")
    schema = CategorySchema(compile_text("tools: [{title: Car, type: point}]")["categorySchema"])
    want = DesiredProject("p.yaml", ProjectFields("P"), schema, webhooks=(hook,))
    document = {"_id": "p1", "name": "P", "description": "", "categorySchema": schema.payload()}

    def live(types: list[str]) -> LiveProject:
        hooks: list[dict[str, object]] = [
            {"_id": "w1", "url": HOOK_URL, "types": types, "secret": {"set": True, "digest": None}}
        ]
        return LiveProject.from_hub(document, hooks)

    created = plan_project(want, None, {})
    assert [w for w in created.warnings if "secret not set: not compared" in w]
    assert [b for b in created.blocked if "HOOK_SECRET is not set" in b and "create" in b]

    unchanged = plan_project(want, live(["COMPLETED"]), {})
    assert not unchanged.has_changes and unchanged.blocked == ()
    assert [w for w in unchanged.warnings if "secret not set: not compared" in w]

    changed = plan_project(want, live(["ACCEPTED"]), {})
    assert [b for b in changed.blocked if "cannot update" in b]
    assert [a.name for c in changed.changes for a in c.attributes] == ["types"]  # the secret: not compared
