"""Two applies at once, and Ctrl-C during an apply (issue 9, findings 5 and 6).

Concurrency: the local Hub's ``locks`` extension (leases, like Terraform's state lock) keeps two
applies from both creating or both writing one project; on a hub without it (the real Ango Hub),
apply looks names up again right before each create and once after, and never reports success
while duplicates exist. Interrupts: after the first Ctrl-C no new write starts, the summary names
what was applied, partly applied and not applied, the exit code is 130, and a re-run converges.
"""

from __future__ import annotations

import contextlib
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import LocalHub
from hypothesis import given, settings
from hypothesis import strategies as st
from test_plan_apply import Run, Workspace, make_workspace, project_yaml

from ontology_kit.client import HubClient, InProcessTransport
from ontology_kit.errors import LockedError, StalePlanError
from ontology_kit.hub import FaultConfig, HubStore, build_app, start_server
from ontology_kit.workflow.applier import apply_plan
from ontology_kit.workflow.locking import Lease, lock_names
from ontology_kit.workflow.planner import Planner, Target

NAMES = tuple(f"Project {i}" for i in range(1, 7))


def six_projects() -> dict[str, str]:
    """The finding's workspace: six new projects."""
    return {f"p{i}": project_yaml(name) for i, name in enumerate(NAMES, 1)}


@pytest.fixture(scope="module", autouse=True)
def bytecode_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One bytecode cache for the subprocesses (as test_plan_apply does)."""
    from test_plan_apply import _BYTECODE

    _BYTECODE["PYTHONPYCACHEPREFIX"] = str(tmp_path_factory.mktemp("pycache"))


def spawn(ws: Workspace, *args: str, **env: str) -> subprocess.Popen[str]:
    """``ontokit ARGS`` in the workspace, started and not waited for (``--hub`` added when served)."""
    if ws.hub is not None:
        args = (*args, "--hub", str(ws.hub.url))
    return subprocess.Popen(
        [sys.executable, "-m", "ontology_kit", *args],
        cwd=ws.root,
        env=ws.env(**env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str], *args: str) -> Run:
    out, err = proc.communicate(timeout=180)
    run = Run(args, proc.returncode, out, err)
    assert "Traceback" not in out + err and "internal error" not in err, run
    return run


def names_on(store: HubStore, org: str) -> list[str]:
    docs, _ = store.list_projects(org, 0, 100)
    return sorted(str(d["name"]) for d in docs)


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str] | None = None) -> None:
    """Poll until ``condition`` holds (or ``proc`` ended: the test then fails on what it did)."""
    deadline = time.monotonic() + 120
    while not condition() and (proc is None or proc.poll() is None) and time.monotonic() < deadline:
        time.sleep(0.02)


def _hide_extensions(app: Any, on_create: Callable[[], None] | None = None) -> Any:
    """The local Hub without its self-description (so without extensions, as the real Ango Hub);
    ``on_create`` runs before each ``POST /v2/project``."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ["PATH_INFO"].rstrip("/")
        if path.startswith("/v2/ontokit/"):
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"status": "fail", "message": "Resource not found"}']
        if on_create is not None and environ["REQUEST_METHOD"] == "POST" and path == "/v2/project":
            on_create()
        return app(environ, start_response)

    return wrapped


@contextlib.contextmanager
def serving(app: Any, hub: LocalHub) -> Iterator[LocalHub]:
    """``app`` served on its own port, with ``hub``'s store and keys."""
    server = start_server(app)
    try:
        yield LocalHub(hub.store, app, server.url, hub.key, hub.other_key, hub.org)
    finally:
        server.stop()


# --- finding 5: two applies at once ---------------------------------------------------------------


def test_two_applies_at_once_create_each_project_once(tmp_path: Path, local_hub: LocalHub) -> None:
    """The finding: two `apply --auto-approve` of one new 6-project workspace at once, one served hub.
    So that they truly overlap, the hub answers no project list (the first read of either) until
    the hub has refused a lock once (or 30 s passed: without locks, both then go on)."""
    refused = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] == "/v2/listProjects":
            refused.wait(30)

        def spy(status: str, *args: Any) -> Any:
            if environ["PATH_INFO"] == "/v2/ontokit/locks" and status.startswith("409"):
                refused.set()
            return start_response(status, *args)

        return local_hub.app(environ, spy)

    with serving(app, local_hub) as hub:
        ws = make_workspace(tmp_path / "ws", six_projects(), hub=hub)
        procs = [spawn(ws, "apply", "--auto-approve") for _ in range(2)]
        runs = [finish(p, "apply") for p in procs]

    assert refused.is_set()
    assert names_on(local_hub.store, local_hub.org) == sorted(NAMES)  # each project exactly once
    winners = [r for r in runs if "Apply complete" in r.out]
    assert len(winners) == 1, runs  # at most one apply reports creating them
    (loser,) = [r for r in runs if r is not winners[0]]
    assert winners[0].code == 0 and loser.code == 1, runs
    (error,) = [line for line in loser.err.splitlines() if line.startswith("error:")]
    assert re.search(
        r"cannot lock project '.+' on .+: held by ontokit apply \(.+, pid \d+\) since \S+", error
    )
    assert "--lock-timeout" in error and "nothing was written" in error
    # The hub holds no lease any more, and a plan now works (no "2 projects ... are named").
    assert local_hub.store.list_locks(local_hub.org) == []
    assert "No changes" in Workspace(ws.root, local_hub).run("plan").out


def test_an_apply_that_waits_for_the_lock_then_sees_the_projects(tmp_path: Path, make_hub: Any) -> None:
    """With --lock-timeout, the second apply waits for the first, then plans what the hub holds now:
    nothing left to do. Each project exists once; one apply created them."""
    hub = make_hub(FaultConfig(latency=0.05))
    ws = make_workspace(tmp_path / "ws", six_projects(), hub=hub)
    procs = [spawn(ws, "apply", "--auto-approve", "--lock-timeout", "150") for _ in range(2)]
    runs = [finish(p, "apply") for p in procs]
    assert names_on(hub.store, hub.org) == sorted(NAMES)
    assert sorted(r.code for r in runs) == [0, 0], runs
    assert sum("Apply complete: 6 project(s)" in r.out for r in runs) == 1, runs
    assert sum("Nothing to apply" in r.out for r in runs) == 1, runs


def test_a_plan_made_before_another_apply_finished_is_stale(tmp_path: Path, local_hub: LocalHub) -> None:
    ws = make_workspace(tmp_path / "ws", six_projects(), hub=local_hub)
    assert ws.run("plan", "--out", "before.json").code == 0  # plans to create all six
    assert ws.run("apply", "--auto-approve").code == 0
    before = ws.snapshot()
    stale = ws.run("apply", "before.json", "--auto-approve")
    assert stale.code == 1 and "stale" in stale.err, stale
    assert ws.snapshot() == before


def test_without_the_lock_extension_duplicates_are_reported_with_their_ids(
    tmp_path: Path, local_hub: LocalHub
) -> None:
    """A hub without the extension (as the real Ango Hub): both applies look the name up right before
    creating and find nothing, then both create (the hub holds each create until both arrived). The
    check after the creates sees two projects of one name: neither apply reports success."""
    barrier = threading.Barrier(2, timeout=60)
    with serving(_hide_extensions(local_hub.app, barrier.wait), local_hub) as hub:
        # no `webhooks:`: a hub that announces nothing has no webhook endpoint for ontokit either
        ws = make_workspace(tmp_path / "ws", {"demo": project_yaml("Demo", webhook=False)}, hub=hub)
        runs = [finish(p, "apply") for p in [spawn(ws, "apply", "--auto-approve") for _ in range(2)]]
    ids = [p["_id"] for p in local_hub.store.list_projects(local_hub.org, 0, 100)[0]]
    assert len(ids) == 2  # the race was real
    for run in runs:
        assert run.code == 1 and "Apply complete" not in run.out, run
        assert "duplicate projects" in run.err and all(i in run.err for i in ids), run


def test_without_the_lock_extension_a_create_rechecks_the_name_first(local_hub: LocalHub) -> None:
    """Someone creates the project after apply's stale check and before its create: the look-up right
    before the create sees it, and nothing is written."""
    calls: list[str] = []

    def sneak_in() -> None:
        calls.append("create")

    state = {"lists": 0}

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] == "/v2/listProjects":
            state["lists"] += 1
            if state["lists"] == 3:  # plan, stale check, then the look-up right before the create
                with local_hub.client("inprocess") as other:
                    other.create_project("Demo", "made by someone else meanwhile")
        return _hide_extensions(local_hub.app, sneak_in)(environ, start_response)

    with HubClient(
        "http://inprocess.test", local_hub.key, transport=InProcessTransport(app), sleep=lambda s: None
    ) as client:
        planner = Planner(client, "a hub without locks")
        assert "locks" not in planner.capabilities
        desired = make_desired()
        plan = planner.plan([Target.of(desired)])
        with pytest.raises(StalePlanError, match="a project named 'Demo' was created on a hub without locks"):
            apply_plan(plan, planner)
    assert calls == []  # apply sent no create
    assert names_on(local_hub.store, local_hub.org) == ["Demo"]


def make_desired() -> Any:
    from ontology_kit import compile_text
    from ontology_kit.category_schema import CategorySchema
    from ontology_kit.state import DesiredProject, ProjectFields

    schema = CategorySchema(
        compile_text("classifications: [{title: Kind, type: radio, options: [A, B]}]")["categorySchema"]
    )
    return DesiredProject("demo.yaml", ProjectFields("Demo"), schema)


# --- the `locks` extension of the local Hub ---------------------------------------------------------


def _locks(
    hub: LocalHub, body: dict[str, Any], path: str = "/v2/ontokit/locks", key: str | None = None
) -> Any:
    assert hub.url is not None
    return httpx.post(hub.url + path, json=body, headers={"apikey": key or hub.key}, timeout=30)


def test_locks_are_announced_and_taken_all_or_none(local_hub: LocalHub) -> None:
    with local_hub.client() as client:
        assert "locks" in client.capabilities()
        assert client.acquire_locks(["a", "b"], "owner-1", "first apply", 60) is None
        holder = client.acquire_locks(["c", "b"], "owner-2", "second apply", 60)
        assert holder is not None
        assert (holder.name, holder.owner, holder.info) == ("b", "owner-1", "first apply")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", holder.acquired_at)
        assert holder.expires_at > holder.acquired_at
        # All or none: "c" was not taken by the refused request.
        assert client.acquire_locks(["c"], "owner-3", "", 60) is None
        # The owner renews its own lease: the same start, a later end at the latest.
        assert client.acquire_locks(["a", "b"], "owner-1", "first apply", 120) is None
        (b,) = [lease for lease in local_hub.store.list_locks(local_hub.org) if lease.name == "b"]
        assert b.acquired_at == holder.acquired_at and b.expires_at >= holder.expires_at
        # Released, it is free; another owner's release releases nothing.
        client.release_locks(["a", "b"], "owner-2")
        assert client.acquire_locks(["b"], "owner-2", "", 60) is not None
        client.release_locks(["a", "b"], "owner-1")
        assert client.acquire_locks(["b"], "owner-2", "", 60) is None


def test_a_held_lock_is_a_409_that_names_its_holder(local_hub: LocalHub) -> None:
    assert _locks(local_hub, {"names": ["x"], "owner": "o1", "info": "ci job 7"}).status_code == 200
    refused = _locks(local_hub, {"names": ["x"], "owner": "o2"})
    assert refused.status_code == 409
    doc = refused.json()
    assert doc["status"] == "fail" and doc["lock"]["owner"] == "o1" and doc["lock"]["info"] == "ci job 7"
    assert "held by ci job 7 (owner o1) since " + doc["lock"]["acquiredAt"] in doc["message"]
    # Another organization has its own locks.
    assert _locks(local_hub, {"names": ["x"], "owner": "o2"}, key=local_hub.other_key).status_code == 200


def test_an_expired_lease_is_free(local_hub: LocalHub) -> None:
    """A crashed apply holds nothing for good: once its lease ended, another owner gets the lock."""
    assert _locks(local_hub, {"names": ["x"], "owner": "crashed", "ttl": 60}).status_code == 200
    with local_hub.store.write() as db:  # the lease's time is over (no test waits for a clock)
        db.execute("UPDATE locks SET expires = 0")
    assert local_hub.store.list_locks(local_hub.org) == []
    assert _locks(local_hub, {"names": ["x"], "owner": "next"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "needle"),
    [
        ("/v2/ontokit/locks", {"owner": "o"}, "names must be a list"),
        ("/v2/ontokit/locks", {"names": [], "owner": "o"}, "names must be a list"),
        ("/v2/ontokit/locks", {"names": [1], "owner": "o"}, "each lock name"),
        ("/v2/ontokit/locks", {"names": [""], "owner": "o"}, "each lock name"),
        ("/v2/ontokit/locks", {"names": ["x" * 1025], "owner": "o"}, "each lock name"),
        ("/v2/ontokit/locks", {"names": ["x"] * 2001, "owner": "o"}, "names must be a list"),
        ("/v2/ontokit/locks", {"names": ["x"]}, "owner must be"),
        ("/v2/ontokit/locks", {"names": ["x"], "owner": " "}, "owner must be"),
        ("/v2/ontokit/locks", {"names": ["x"], "owner": "o", "info": 5}, "info must be"),
        ("/v2/ontokit/locks", {"names": ["x"], "owner": "o", "ttl": 0}, "ttl must be"),
        ("/v2/ontokit/locks", {"names": ["x"], "owner": "o", "ttl": True}, "ttl must be"),
        ("/v2/ontokit/locks", {"names": ["x"], "owner": "o", "ttl": 1e9}, "ttl must be"),
        ("/v2/ontokit/locks", {"names": ["x"], "owner": "o", "until": 1}, "unknown lock fields: until"),
        ("/v2/ontokit/locks/release", {"names": ["x"]}, "owner must be"),
        ("/v2/ontokit/locks/release", {"names": ["x"], "owner": "o", "ttl": 1}, "unknown lock fields"),
    ],
    ids=[
        "no-names",
        "empty-names",
        "name-not-string",
        "empty-name",
        "long-name",
        "too-many",
        "no-owner",
        "blank-owner",
        "info-not-string",
        "ttl-zero",
        "ttl-bool",
        "ttl-huge",
        "unknown-field",
        "release-no-owner",
        "release-unknown-field",
    ],
)
def test_a_bad_lock_request_is_a_400(
    local_hub: LocalHub, path: str, body: dict[str, Any], needle: str
) -> None:
    response = _locks(local_hub, body, path)
    assert response.status_code == 400 and needle in response.json()["message"], response.text


def test_locks_need_a_key(local_hub: LocalHub) -> None:
    assert local_hub.url is not None
    response = httpx.post(local_hub.url + "/v2/ontokit/locks", json={"names": ["x"], "owner": "o"})
    assert response.status_code == 401


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["acquire", "release"]),
            st.sampled_from(["o1", "o2", "o3"]),
            st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=3),
        ),
        max_size=25,
    )
)
def test_no_lock_is_ever_held_by_two_owners(steps: list[tuple[str, str, list[str]]]) -> None:
    """Against a model: a lock request is granted exactly when no other owner holds any of its
    names, and then the owner holds them all; a release frees only the owner's own."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        store = HubStore(Path(folder) / "hub.sqlite3")
        model: dict[str, str] = {}
        for action, owner, names in steps:
            if action == "acquire":
                granted, leases = store.acquire_locks("org", names, owner, "", 60)
                expected = all(model.get(n, owner) == owner for n in names)
                assert granted == expected
                if granted:
                    model.update(dict.fromkeys(names, owner))
                else:
                    assert model[leases[0].name] == leases[0].owner != owner
            else:
                released = store.release_locks("org", names, owner)
                assert sorted(released) == sorted({n for n in names if model.get(n) == owner})
                for n in released:
                    del model[n]
            assert {lease.name: lease.owner for lease in store.list_locks("org")} == model


def test_a_waiting_apply_gets_the_lock_when_the_holder_releases_it(local_hub: LocalHub) -> None:
    with local_hub.client() as client:
        assert client.acquire_locks(["project-name:Demo"], "other", "another apply", 60) is None
        lease = Lease(client, "the hub", supported=True)
        waits: list[float] = []

        def sleep(seconds: float) -> None:  # the other apply ends while this one waits
            waits.append(seconds)
            client.release_locks(["project-name:Demo"], "other")

        lease.take(lock_names([Target.of(make_desired())]), 30, sleep=sleep)
        try:
            assert len(waits) == 1
            assert [lk.owner for lk in local_hub.store.list_locks(local_hub.org)] == [lease.owner]
        finally:
            lease.release()
        assert local_hub.store.list_locks(local_hub.org) == []


def test_a_lock_held_past_the_timeout_is_a_clear_error(local_hub: LocalHub) -> None:
    with local_hub.client() as client:
        assert (
            client.acquire_locks(["project-name:Demo"], "other", "ontokit apply (ci@runner, pid 7)", 60)
            is None
        )
        lease = Lease(client, "the hub", supported=True)
        clock = iter(range(0, 1000, 10))
        with pytest.raises(LockedError) as caught:
            lease.take(["project-name:Demo"], 25, sleep=lambda s: None, clock=lambda: float(next(clock)))
        message = str(caught.value)
        assert "cannot lock project 'Demo' on the hub after waiting 25 s" in message
        assert "held by ontokit apply (ci@runner, pid 7) since 20" in message
        assert lease.names == []


def test_a_lease_taken_over_after_it_ended_stops_the_next_write(local_hub: LocalHub) -> None:
    """An apply whose lease ended (a suspended laptop) and was taken by another apply learns so at
    its next renewal, and writes nothing more."""
    with local_hub.client() as client:
        lease = Lease(client, "the hub", supported=True, ttl=1.5)
        lease.take(["project-name:Demo"], 0)
        try:
            with local_hub.store.write() as db:
                db.execute("UPDATE locks SET expires = 0")
            assert client.acquire_locks(["project-name:Demo"], "thief", "another apply", 60) is None

            def lost() -> bool:  # the next renewal (every half second here) finds the thief
                try:
                    lease.check()
                except LockedError:
                    return True
                return False

            wait_for(lost)
            with pytest.raises(LockedError, match="lost the lock on project 'Demo' on the hub"):
                lease.check()
        finally:
            lease.release()
        assert [lk.owner for lk in local_hub.store.list_locks(local_hub.org)] == ["thief"]


# --- finding 6: Ctrl-C during an apply ----------------------------------------------------------------

SUMMARY = re.compile(r"^  (applied|partly applied|not applied) \(\d+\): (.*)$", re.MULTILINE)


def names_in(db: Path) -> list[str]:
    """The names of the projects a hub's database holds (any organization; none before it exists)."""
    if not db.exists():
        return []
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
        try:
            return sorted(row[0] for row in conn.execute("SELECT name FROM projects"))
        except sqlite3.OperationalError:  # the hub is still creating its tables
            return []


def summary(run: Run) -> dict[str, set[str]]:
    """The interrupted apply's summary: the project names on each of its lines."""
    found: dict[str, set[str]] = {}
    for label, listed in SUMMARY.findall(run.err):
        names = (
            []
            if listed == "-"
            else [re.sub(r" \(\d+ of \d+ operations\)$", "", n) for n in listed.split(", ")]
        )
        found[label] = set(names)
    assert set(found) == {"applied", "partly applied", "not applied"}, run
    return found


def interrupt_after_the_first_create(ws: Workspace, db: Path, **env: str) -> subprocess.Popen[str]:
    """Start ``apply --auto-approve`` and press Ctrl-C once the hub holds its first project: after
    the confirmation, in the middle of the writes."""
    proc = spawn(ws, "apply", "--auto-approve", **env)
    wait_for(lambda: bool(names_in(db)), proc)
    assert proc.poll() is None, finish(proc, "apply")
    proc.send_signal(signal.SIGINT)
    return proc


def read_until(proc: subprocess.Popen[str], start: str) -> str:
    """The process's standard error up to and including the first line that starts with ``start``."""
    assert proc.stderr is not None
    seen = []
    for line in iter(proc.stderr.readline, ""):
        seen.append(line)
        if line.startswith(start):
            break
    return "".join(seen)


def assert_stopped_and_named(run: Run, db: Path) -> None:
    assert run.code == 130, run
    assert "Interrupted: no new write will start" in run.err, run
    written = names_in(db)
    assert 0 < len(written) < len(NAMES), run  # fewer projects written than planned
    said = summary(run)
    assert said["applied"] | said["partly applied"] == set(written), run
    assert said["not applied"] == set(NAMES) - set(written), run
    assert not said["applied"] & said["partly applied"], run
    assert "Run `ontokit apply` again to continue" in run.err, run
    assert "Apply complete" not in run.out and "Aborted" not in run.err, run


def test_ctrl_c_on_a_served_hub_stops_new_writes_and_a_rerun_converges(tmp_path: Path, make_hub: Any) -> None:
    """The finding: Ctrl-C after `yes` (here --auto-approve), before most projects are written."""
    hub = make_hub(FaultConfig(latency=0.4))
    db = Path(hub.store.path)
    ws = make_workspace(tmp_path / "ws", six_projects(), hub=hub)
    run = finish(interrupt_after_the_first_create(ws, db), "apply")
    assert_stopped_and_named(run, db)
    for name in summary(run)["applied"]:  # applied means whole: read back and planned again
        live = ws.live(name)
        assert [b["name"] for b in live["batches"]] == ["Week 1", "Week 2"] and len(live["webhooks"]) == 1

    fast, _ = build_app(db)  # the same hub, without the latency
    with serving(fast, hub) as again:
        rerun = Workspace(ws.root, again)
        assert rerun.run("apply", "--auto-approve").code == 0
        assert "No changes" in rerun.run("plan").out
    assert names_in(db) == sorted(NAMES)  # each once: the re-run continued, it did not duplicate


def test_ctrl_c_on_the_embedded_hub_stops_new_writes_and_a_rerun_converges(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", six_projects())
    db = ws.root / ".ontokit" / "hub.sqlite3"
    proc = interrupt_after_the_first_create(ws, db, ONTOKIT_HUB_FAULTS="latency=0.4")
    assert_stopped_and_named(finish(proc, "apply"), db)
    assert ws.run("apply", "--auto-approve").code == 0
    assert "No changes" in ws.run("plan").out
    assert names_in(db) == sorted(NAMES)


class InFlight:
    """WSGI middleware that counts the requests being processed."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            self.count += 1
        try:
            return list(self.app(environ, start_response))
        finally:
            with self.lock:
                self.count -= 1


def test_a_second_ctrl_c_aborts_at_once(tmp_path: Path, local_hub: LocalHub) -> None:
    db = Path(local_hub.store.path)
    slow = InFlight(build_app(db, FaultConfig(latency=1.0))[0])
    with serving(slow, local_hub) as hub:
        ws = make_workspace(tmp_path / "ws", six_projects(), hub=hub)
        proc = interrupt_after_the_first_create(ws, db)
        seen = read_until(proc, "Interrupted:")  # the first Ctrl-C was heard: press it again
        proc.send_signal(signal.SIGINT)
        run = finish(proc, "apply")
        run.err = seen + run.err
        # The calls it abandoned still reach the hub: let them land before looking.
        wait_for(lambda: slow.count == 0)
    assert run.code == 130, run
    assert "Aborted at once" in run.err and "Apply interrupted" not in run.err, run
    assert len(names_in(db)) < len(NAMES), run

    # Aborted at once: its lease was not even released. It ends on its own (here: made to end now).
    assert local_hub.store.list_locks(local_hub.org) != []
    with local_hub.store.write() as conn:
        conn.execute("UPDATE locks SET expires = 0")
    rerun = Workspace(ws.root, local_hub)
    assert rerun.run("apply", "--auto-approve").code == 0
    assert "No changes" in rerun.run("plan").out
    assert names_in(db) == sorted(NAMES)


@pytest.mark.parametrize("spec", ["latency=abc", "boom=1"], ids=["bad-value", "unknown-name"])
def test_a_bad_fault_spec_in_the_environment_is_a_one_line_error(tmp_path: Path, spec: str) -> None:
    ws = make_workspace(tmp_path / "ws")
    run = ws.run("plan", env=ws.env(ONTOKIT_HUB_FAULTS=spec))
    assert run.code == 1 and run.err.startswith("error: ONTOKIT_HUB_FAULTS is not a fault spec"), run
    assert run.err.count("\n") == 1, run


# --- the stop flag in the library (no signals: the CLI owns those) ------------------------------------


class StoppingTransport(InProcessTransport):
    """The in-process hub; counts the writes it is sent, and sets ``stop`` while the n-th is in
    flight (as a Ctrl-C landing during that call would)."""

    def __init__(self, app: Any, stop: threading.Event, at: int | None) -> None:
        super().__init__(app)
        self.stop = stop
        self.at = at
        self.writes: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and not request.url.path.startswith("/v2/ontokit/"):
            self.writes.append(request.url.path)
            if len(self.writes) == self.at:
                self.stop.set()
        return super().handle_request(request)


def desired_project(name: str) -> Any:
    import dataclasses

    from ontology_kit.state import DesiredWebhook, ProjectFields

    return dataclasses.replace(
        make_desired(),
        definition=f"{name}.yaml",
        fields=ProjectFields(name),
        batches=("Week 1",),
        webhooks=(DesiredWebhook("https://hooks.example.com/a", ("COMPLETED",), None),),
    )


@pytest.mark.parametrize(
    ("at", "projects", "done"),
    [(None, 3, 0), (1, 1, 1), (2, 1, 2), (3, 1, 3)],
    ids=["before-any-write", "during-the-create", "during-the-schema", "during-the-batches"],
)
def test_a_stop_lets_the_call_in_flight_finish_and_starts_no_other(
    local_hub: LocalHub, at: int | None, projects: int, done: int
) -> None:
    """Each new project is four writes (create, schema, batches, webhook). Stopped before any write:
    nothing is written; stopped during the n-th: exactly n are written, and the error says so."""
    from ontology_kit.errors import ApplyInterrupted

    stop = threading.Event()
    if at is None:
        stop.set()  # Ctrl-C right after `yes`, before the first write
    transport = StoppingTransport(local_hub.app, stop, at)
    with HubClient(
        "http://inprocess.test", local_hub.key, transport=transport, sleep=lambda s: None
    ) as client:
        planner = Planner(client, "in-process hub")
        names = [f"Project {i}" for i in range(1, projects + 1)]
        plan = planner.plan([Target.of(desired_project(n)) for n in names])
        assert all(len(p.operations) == 4 for p in plan.projects)
        with pytest.raises(ApplyInterrupted) as caught:
            apply_plan(plan, planner, stop=stop)
    assert len(transport.writes) == done
    stopped = caught.value
    assert stopped.exit_code == 130 and stopped.applied == () and stopped.failed == ()
    if done:
        assert stopped.partial == (("Project 1", done, 4),) and stopped.not_applied == ()
    else:
        assert stopped.partial == () and stopped.not_applied == tuple(names)
    assert "run `ontokit apply` again to continue" in str(stopped)
    assert names_on(local_hub.store, local_hub.org) == (["Project 1"] if done else [])


def test_a_stop_after_the_last_write_is_a_normal_success(local_hub: LocalHub) -> None:
    """Nothing was left undone: the apply read the project back and reports success."""
    stop = threading.Event()
    transport = StoppingTransport(local_hub.app, stop, 4)
    with HubClient(
        "http://inprocess.test", local_hub.key, transport=transport, sleep=lambda s: None
    ) as client:
        planner = Planner(client, "in-process hub")
        plan = planner.plan([Target.of(desired_project("Demo"))])
        [(_, calls)] = apply_plan(plan, planner, stop=stop)
        assert calls == 4 and stop.is_set()
        assert not planner.plan([Target.of(desired_project("Demo"))]).has_changes


def test_ctrl_c_after_yes_and_before_any_write_writes_nothing(tmp_path: Path, local_hub: LocalHub) -> None:
    """The finding's exact case: 12 projects, Ctrl-C after the confirmation and before any project is
    written. The hub holds apply's first read after the confirmation until the Ctrl-C was heard."""
    held, release = threading.Event(), threading.Event()
    lists = iter(range(1, 1000))

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] == "/v2/listProjects" and next(lists) == 2:  # 1: the plan; 2: apply
            held.set()
            release.wait(60)
        return local_hub.app(environ, start_response)

    names = [f"Project {i}" for i in range(1, 13)]
    with serving(app, local_hub) as hub:
        ws = make_workspace(tmp_path / "ws", {f"p{i}": project_yaml(n) for i, n in enumerate(names)}, hub=hub)
        proc = spawn(ws, "apply", "--auto-approve")
        wait_for(held.is_set, proc)
        proc.send_signal(signal.SIGINT)
        seen = read_until(proc, "Interrupted:")  # the Ctrl-C was heard
        release.set()
        run = finish(proc, "apply")
        run.err = seen + run.err
    assert "Interrupted:" in seen, run
    assert run.code == 130, run
    assert names_on(local_hub.store, local_hub.org) == []  # nothing written
    said = summary(run)
    assert said["applied"] == said["partly applied"] == set() and said["not applied"] == set(names), run
    assert "Aborted" not in run.err and "Apply complete" not in run.out, run
    assert local_hub.store.list_locks(local_hub.org) == []  # the first Ctrl-C lets apply release them


@pytest.mark.parametrize("value", ["-1", "abc", "nan", "1e9"], ids=["negative", "word", "nan", "huge"])
def test_a_bad_lock_timeout_is_a_one_line_usage_error(tmp_path: Path, value: str) -> None:
    ws = make_workspace(tmp_path / "ws")
    run = ws.run("apply", "--auto-approve", "--lock-timeout", value)
    assert run.code == 1 and "--lock-timeout" in run.err and "Traceback" not in run.err, run
    assert not (ws.root / ".ontokit").exists()  # refused before any hub was opened
