"""An interrupted migration of answers ends with each annotation migrated exactly once (issue 12).

``ontokit hub serve`` runs in its own process; a loopback proxy in front of it (:class:`Tripwire`)
forwards every request and watches the ones a migration makes (the pages of answers read, the label
set's change, the pages of answers written), so that a test can SIGKILL ``ontokit apply`` at a chosen
one: as the request arrives (the hub never sees it) or once the hub answered (the write landed, apply
never heard). The kill points are drawn from a seeded random generator: during the backup, between the
label set's change and the rewrite, between pages of the rewrite, during the read-back. Apply then runs
again until it exits 0, and every task's answer is what the migrations make of the answer put in: no
choice twice, no object lost or doubled, the backup of the first run kept, a later plan with no
changes, and ``ontokit restore`` puts the answers back.
"""

from __future__ import annotations

import http.client
import logging
import math
import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from conftest import served_hub
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)
from test_plan_apply import Run, Workspace, make_workspace, project_yaml

from ontology_kit.client import HubClient
from ontology_kit.client.labels import iter_answers

KEY = "interrupt-key"
#: Three pages of ``get_tasks`` (1,000 a page): the rewrite writes several pages.
TASKS = 2500
PAGE = 1000
PAGES = TASKS // PAGE + 1

BEFORE = """\
tools:
  - title: Vehicle
    type: bounding-box
    classifications:
      - title: Color
        type: radio
        options: [Red, Crimson, Blue]
  - title: Truck
    type: polygon
classifications:
  - title: Tags
    type: checkbox
    options: [Red, Crimson, Blue]
"""

AFTER = """\
tools:
  - title: Vehicle
    type: bounding-box
    classifications:
      - title: Color
        type: radio
        options: [Warm, Blue]
  - title: Lorry
    type: polygon
classifications:
  - title: Tags
    type: checkbox
    options: [Warm, Blue]
migrations:
  - merge: [[Vehicle, Color, Red], [Vehicle, Color, Crimson]]
    into: [Vehicle, Color, Warm]
  - merge: [[Tags, Red], [Tags, Crimson]]
    into: [Tags, Warm]
  - rekey: [Truck]
    to: [Lorry]
"""


# -- the proxy ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trigger:
    """Where to stop an apply: the ``nth`` request of ``kind`` in this run (``read``: a page of answers
    read; ``label-set``: the label set's change; ``import``: a page of answers written); ``after``: once
    the hub answered it. ``sig`` is sent to the apply; SIGKILL leaves the request unanswered, any other
    signal lets it finish. ``hold`` instead keeps the request waiting until :meth:`Tripwire.release`."""

    kind: str
    nth: int
    after: bool = False
    sig: int = signal.SIGKILL
    hold: bool = False


class Tripwire:
    """A loopback HTTP proxy to the served hub that counts the requests a migration makes and fires
    one :class:`Trigger` at the apply it was armed for."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.lock = threading.Lock()
        self.trigger: Trigger | None = None
        self.pid: int | None = None
        self.armed = threading.Event()
        self.fired = threading.Event()
        self.held = threading.Event()
        self.counts: Counter[str] = Counter()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.tripwire = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def arm(self, trigger: Trigger | None) -> None:
        """Count from zero; fire ``trigger`` (once) at the process given to :meth:`aim`."""
        with self.lock:
            self.trigger, self.pid = trigger, None
            self.counts.clear()
            self.armed.clear()
            self.fired.clear()
            self.held.clear()

    def aim(self, pid: int) -> None:
        self.pid = pid
        self.armed.set()

    def release(self) -> None:
        self.held.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def _kind(self, method: str, path: str, body: bytes) -> str | None:
        url = urlsplit(path)
        if (
            method == "GET"
            and url.path.endswith("/tasks")
            and parse_qs(url.query).get("includeAnswer") == ["true"]
        ):
            return "read"
        if method == "POST" and url.path == "/v2/import/labels":
            return "import"
        if method == "POST" and url.path.startswith("/v2/project/") and url.path.count("/") == 3:
            return "label-set" if b'"categorySchema"' in body else None
        return None

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        kind = self._kind(h.command, h.path, body)
        hit = None
        with self.lock:
            if kind is not None:
                self.counts[kind] += 1
                trigger = self.trigger
                if trigger is not None and trigger.kind == kind and trigger.nth == self.counts[kind]:
                    hit, self.trigger = trigger, None
        if hit is not None and hit.hold:
            self.fired.set()
            self.held.wait(60)
        elif hit is not None and not hit.after:
            self._fire(hit)
            if hit.sig == signal.SIGKILL:
                h.close_connection = True
                return
        status, headers, data = self._forward(h, body)
        if hit is not None and hit.after:
            self._fire(hit)
            if hit.sig == signal.SIGKILL:
                h.close_connection = True
                return
        h.send_response(status)
        for name, value in headers:
            if name.lower() not in (
                "transfer-encoding",
                "connection",
                "content-length",
                "keep-alive",
                "date",
                "server",
            ):
                h.send_header(name, value)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _fire(self, trigger: Trigger) -> None:
        assert self.armed.wait(30), "the apply was never aimed at"
        assert self.pid is not None
        os.kill(self.pid, trigger.sig)
        self.fired.set()

    def _forward(self, h: BaseHTTPRequestHandler, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            skip = ("host", "connection", "keep-alive", "content-length", "transfer-encoding")
            headers = {k: v for k, v in h.headers.items() if k.lower() not in skip}
            conn.request(h.command, h.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _any(self) -> None:
        self.server.tripwire.handle(self)  # type: ignore[attr-defined]

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

    def log_message(self, format: str, *args: Any) -> None:
        pass


# -- the hub, the project, the answers -----------------------------------------------------------------------
@dataclass
class Served:
    """What :class:`~test_plan_apply.Workspace` needs of a hub: its URL (the proxy) and key."""

    url: str
    key: str
    direct: str  # the hub itself, for reading it back without the proxy counting

    def client(self, mode: str = "http") -> HubClient:
        return HubClient(self.direct, self.key, sleep=lambda seconds: None)


@pytest.fixture(scope="module")
def lockless(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Tripwire]]:
    """A served hub without the ``locks`` extension (as the real Ango Hub: nothing but the journal
    keeps a re-run from doing a thing twice), behind a tripwire."""
    yield from _behind_wire(tmp_path_factory.mktemp("lockless"), "--faults", "without=locks")


@pytest.fixture(scope="module")
def locking(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Tripwire]]:
    """A served hub with leases (``locks``), behind a tripwire."""
    yield from _behind_wire(tmp_path_factory.mktemp("locking"))


def _behind_wire(tmp: Path, *options: str) -> Iterator[tuple[Served, Tripwire]]:
    with served_hub(tmp / "hub.sqlite3", "--api-key", KEY, *options) as url:
        wire = Tripwire(url)
        try:
            yield Served(wire.url, KEY, url), wire
        finally:
            wire.close()


def _ids(schema: dict[str, Any]) -> dict[str, str]:
    """Every item's id by its path of names (``Vehicle/Color/Red``)."""
    out: dict[str, str] = {}
    todo: list[tuple[str, Any]] = [
        ("", i) for k in ("tools", "classifications", "relations") for i in schema[k]
    ]
    while todo:
        prefix, item = todo.pop()
        path = prefix + (item.get("title") or item.get("value"))
        out[path] = item["schemaId"]
        todo += [(path + "/", c) for c in item.get("classifications") or []]
        todo += [(path + "/", o) for o in item.get("options") or []]
    return out


def _labels(ids: dict[str, str], seed: int) -> list[dict[str, Any]]:
    """TASKS answers: vehicles with a color, trucks, tags (several chosen: merged ones among them)."""
    rnd = random.Random(seed)
    colors = ["Red", "Crimson", "Blue", None]
    labels = []
    for i in range(TASKS):
        objects: list[dict[str, Any]] = []
        for j in range(rnd.randint(0, 3)):
            color = rnd.choice(colors)
            objects.append(
                {
                    "schemaId": ids["Vehicle"],
                    "objectId": f"v{i}-{j}",
                    "bounding-box": {"x": j, "y": 1, "width": 3, "height": 4},
                    "classifications": [
                        {"schemaId": ids["Vehicle/Color"], "answer": ids[f"Vehicle/Color/{color}"]}
                    ]
                    if color
                    else [],
                }
            )
        for j in range(rnd.randint(0, 2)):
            objects.append(
                {"schemaId": ids["Truck"], "objectId": f"k{i}-{j}", "polygon": [[0, 0], [j, 0], [j, j]]}
            )
        tags = rnd.sample(["Red", "Crimson", "Blue"], rnd.randint(0, 3))
        classifications = (
            [{"schemaId": ids["Tags"], "answer": [ids[f"Tags/{t}"] for t in tags]}] if tags else []
        )
        labels.append({"externalId": f"t{i}", "objects": objects, "classifications": classifications})
    return labels


@dataclass
class Project:
    """A workspace whose project holds TASKS answered tasks, its ontology edited to migrate them."""

    ws: Workspace
    served: Served
    wire: Tripwire
    id: str
    original: dict[str, dict[str, Any]]  # by externalId, as the hub reads them back
    expected: dict[str, dict[str, Any]]  # what the migrations make of each
    before_schema: dict[str, Any]

    def answers(self) -> dict[str, dict[str, Any]]:
        with self.served.client() as client:
            return {t.external_id: _three(t.answer) for t in iter_answers(client, self.id)}

    def schema(self) -> dict[str, Any]:
        with self.served.client() as client:
            return client.get_project(self.id)["categorySchema"]  # type: ignore[no-any-return]

    @property
    def journals(self) -> list[Path]:
        return sorted((self.ws.root / ".ontokit" / "migrations").glob("*.json"))

    @property
    def backups(self) -> list[Path]:
        return sorted((self.ws.root / ".ontokit" / "backups").glob("*.ndjson"))

    def apply(self, trigger: Trigger | None = None, *args: str) -> Run:
        """``ontokit apply --auto-approve`` through the tripwire, ``trigger`` armed."""
        self.wire.arm(trigger)
        argv = ["apply", "--auto-approve", "--hub", self.served.url, *args]
        proc = subprocess.Popen(
            [sys.executable, "-m", "ontology_kit", *argv],
            cwd=self.ws.root,
            env=self.ws.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.wire.aim(proc.pid)
        out, err = proc.communicate(timeout=120)
        self.wire.trigger = None
        run = Run(tuple(argv), proc.returncode, out, err)
        assert "Traceback" not in err, run
        return run

    def assert_each_once(self, done: bool) -> dict[str, dict[str, Any]]:
        """Every task holds its original answer or what the migrations make of it (all of them when
        ``done``): never a choice twice, never an object lost or doubled."""
        now = self.answers()
        assert set(now) == set(self.original)
        for name, answer in now.items():
            allowed = [self.expected[name]] if done else [self.original[name], self.expected[name]]
            assert answer in allowed, (name, answer, self.expected[name])
            objects = [o["objectId"] for o in answer["tools"]]
            assert sorted(objects) == sorted(o["objectId"] for o in self.original[name]["tools"])
            for element in answer["classifications"]:
                assert len(set(element["answer"])) == len(element["answer"]), (name, element)
        return now

    def unmigrated(self) -> int:
        return sum(1 for n, a in self.answers().items() if a != self.expected[n])


def _three(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: answer.get(k) or [] for k in ("tools", "classifications", "relations")}


def _expected(answer: dict[str, Any], before: dict[str, str], after: dict[str, str]) -> dict[str, Any]:
    """The migrations, written out for this data: Red and Crimson become Warm (chosen once), Truck
    becomes Lorry; everything else as it was."""
    carried = {
        before["Vehicle/Color/Red"]: after["Vehicle/Color/Warm"],
        before["Vehicle/Color/Crimson"]: after["Vehicle/Color/Warm"],
        before["Tags/Red"]: after["Tags/Warm"],
        before["Tags/Crimson"]: after["Tags/Warm"],
        before["Truck"]: after["Lorry"],
    }
    new = orjson.loads(orjson.dumps(answer))
    for obj in new["tools"]:
        if obj["schemaId"] == before["Truck"]:
            obj["schemaId"] = after["Lorry"]
            if "title" in obj:
                obj["title"] = "Lorry"
        for element in obj.get("classifications") or []:
            element["answer"] = carried.get(element["answer"], element["answer"])
    for element in new["classifications"]:
        element["answer"] = list(dict.fromkeys(carried.get(v, v) for v in element["answer"]))
    return new  # type: ignore[no-any-return]


_NAMES = iter(range(1000))  # each test's project its own name on the module's hubs


@pytest.fixture
def project(request: pytest.FixtureRequest, tmp_path: Path, lc: ModuleType) -> Project:
    """A new project on the hub the test names (``lockless`` unless marked ``locking``)."""
    served, wire = request.getfixturevalue(getattr(request, "param", "lockless"))
    name = f"Demo {next(_NAMES)} {os.getpid()}"
    # ws.run: in this process (plan, restore, an apply no signal is sent to); Project.apply: a real one.
    ws = make_workspace(
        tmp_path / "ws", {"demo": project_yaml(name, webhook=False)}, hub=served, inprocess=True
    )  # type: ignore[arg-type]
    ws.write("ontology.yaml", BEFORE)
    created = ws.run("apply", "--auto-approve")
    assert created.code == 0, created
    live = ws.live(name)
    pid, before_schema = live["_id"], live["categorySchema"]
    from imerit_ango.sdk import SDK

    logging.getLogger("SDK").setLevel(logging.CRITICAL)
    sdk = SDK(KEY, host=served.direct)
    try:
        for at in range(0, TASKS, PAGE):
            assets = [
                {"data": f"https://example.test/{i}.jpg", "externalId": f"t{i}"} for i in range(at, at + PAGE)
            ]
            uploaded = sdk.upload_files_cloud(pid, assets[: TASKS - at])
            assert uploaded["status"] == "success", uploaded
        labels = _labels(_ids(before_schema), seed=SEED)
        for at in range(0, TASKS, PAGE):
            imported = sdk.import_labels(pid, labels[at : at + PAGE])
            assert imported["status"] == "success", imported
    finally:
        sdk.session.close()
    with served.client() as client:
        original = {t.external_id: _three(t.answer) for t in iter_answers(client, pid)}
    ws.write("ontology.yaml", AFTER)
    # the ids of the new items: what the plan's compiled label set gives them (the file names none)
    from ontology_kit import compile_file

    after_ids = _ids(compile_file(ws.ontology)["categorySchema"])
    expected = {n: _expected(a, _ids(before_schema), after_ids) for n, a in original.items()}
    assert sum(1 for n in original if original[n] != expected[n]) > 2 * PAGE  # several pages to write
    return Project(ws, served, wire, pid, original, expected, before_schema)


# -- SIGKILL at random points -----------------------------------------------------------------------------
PHASES = ("backup", "label-set", "rewrite", "read-back")


def _schedule(seed: int) -> list[tuple[str, bool]]:
    """Which phases an apply is killed in, in the order a migration goes through them, and whether
    each kill comes once the hub answered the request (drawn from ``seed``)."""
    rnd = random.Random(seed)
    counts = {
        "backup": rnd.randint(1, 2),
        "label-set": 1,
        "rewrite": rnd.randint(2, 3),
        "read-back": rnd.randint(1, 2),
    }
    return [(phase, rnd.random() < 0.5) for phase in PHASES for _ in range(counts[phase])]


def _trigger(project: Project, phase: str, after: bool, rnd: random.Random) -> Trigger | None:
    """Where in this run ``phase`` is (None: the migration is past it)."""
    journal = bool(project.journals)
    if phase == "backup":
        return None if journal else Trigger("read", rnd.randint(1, PAGES), after)
    if phase == "label-set":
        return None if project.schema() != project.before_schema else Trigger("label-set", 1, after)
    if phase == "rewrite":
        pages = math.ceil(project.unmigrated() / PAGE)
        # a page before the last when there is one: the kill falls between two pages
        return Trigger("import", rnd.randint(1, max(1, pages - 1)), after) if pages else None
    backup = 0 if journal else PAGES  # the read-back follows the rewrite's own reading of every page
    return Trigger("read", backup + PAGES + rnd.randint(1, PAGES), after)


#: The seed of the kill points (ONTOKIT_KILL_SEED tries another; a failure shows the kill it made).
SEED = int(os.environ.get("ONTOKIT_KILL_SEED", "12"))


def test_sigkill_at_random_points_then_rerun_migrates_each_annotation_once(project: Project) -> None:
    seed = SEED
    rnd = random.Random(seed * 7)
    killed: list[str] = []
    notes: list[str] = []
    for phase, after in _schedule(seed):
        trigger = _trigger(project, phase, after, rnd)
        if trigger is None:
            continue
        run = project.apply(trigger)
        notes += [line for line in run.err.splitlines() if line.startswith("note:")]
        assert run.code == -signal.SIGKILL and project.wire.fired.is_set(), (phase, trigger, str(run))
        killed.append(phase)
        project.assert_each_once(done=False)  # at every point: each answer as it was, or migrated once
    assert set(killed) == set(PHASES), killed  # the test reached every phase it is about
    final = project.apply()
    assert final.code == 0, final
    notes += [line for line in final.err.splitlines() if line.startswith("note:")]
    project.assert_each_once(done=True)
    assert project.journals == []
    # The backup is the first (and only) one made: every later run continued with it.
    (backup,) = project.backups
    rel = str(backup.relative_to(project.ws.root))
    assert all(rel in note for note in notes if ".ontokit/backups/" in note), notes
    assert any("continuing an interrupted migration" in note for note in notes), notes
    again = project.ws.run("plan", "--detailed-exitcode")
    assert again.code == 0, again
    restored = project.ws.run("restore", rel, "--auto-approve")
    assert restored.code == 0, restored
    assert project.answers() == project.original
    assert project.schema() == project.before_schema


# -- Ctrl-C, two applies at once, a damaged journal -------------------------------------------------------------
def test_ctrl_c_during_the_rewrite_stops_between_pages_and_a_rerun_completes(project: Project) -> None:
    run = project.apply(Trigger("import", 1, sig=signal.SIGINT))  # the page in flight is written
    assert run.code == 130, run
    assert project.wire.counts["import"] == 1, run  # no page started after Ctrl-C
    now = project.assert_each_once(done=False)
    assert sum(1 for n, a in now.items() if a != project.original[n]) == PAGE  # exactly one page written
    assert len(project.journals) == 1
    (backup,) = project.backups
    rel = str(backup.relative_to(project.ws.root))
    plan = project.ws.run("plan", "--detailed-exitcode")  # the migration is not done: shown, and why
    assert (
        plan.code == 2
        and f"an interrupted migration of answers is unfinished: apply continues it (its backup: {rel})"
        in plan.out
    ), plan
    again = project.apply()
    assert again.code == 0, again
    assert "continuing an interrupted migration" in again.err, again
    project.assert_each_once(done=True)
    assert project.journals == [] and len(project.backups) == 1


@pytest.mark.parametrize("project", ["locking"], indirect=True)
def test_two_applies_at_once_never_migrate_twice(project: Project) -> None:
    """The first apply is held in its first page of the rewrite; the second cannot take the lock
    (nothing written), or waits for it and then finds nothing to do."""
    project.wire.arm(Trigger("import", 1, hold=True))
    first = subprocess.Popen(
        [sys.executable, "-m", "ontology_kit", "apply", "--auto-approve", "--hub", project.served.url],
        cwd=project.ws.root,
        env=project.ws.env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    project.wire.aim(first.pid)
    try:
        assert project.wire.fired.wait(60), "the first apply never reached the rewrite"
        second = project.ws.run("apply", "--auto-approve")
        assert second.code == 1 and "cannot lock" in second.err and "nothing was written" in second.err, (
            second
        )
        waiting = subprocess.Popen(
            [*first.args, "--lock-timeout", "60"],
            cwd=project.ws.root,
            env=project.ws.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        project.wire.release()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, (out, err)
    out2, err2 = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, (out2, err2)
    assert "No changes" in out2 and "backed up" not in err2 and "migrated" not in err2, (out2, err2)
    project.assert_each_once(done=True)
    assert project.journals == [] and len(project.backups) == 1


DAMAGED = {
    "empty": b"",
    "not-json": b"\xff\xfe\x00garbage",
    "missing-fields": b'{"ontokit_migration_journal": 1}',
    "a-folder": None,
}


def test_a_damaged_journal_is_one_line_naming_the_backup(project: Project) -> None:
    """Killed once the label set changed (the journal is all that knows what the answers were made
    with); each damage is one line naming the backup, for plan or apply, and nothing is written; a
    backup gone is one line too, before any write."""
    run = project.apply(Trigger("label-set", 1, after=True))
    assert run.code == -signal.SIGKILL, run
    (journal,) = project.journals
    (backup,) = project.backups
    good = journal.read_bytes()
    answers = project.answers()
    rel = str(backup.relative_to(project.ws.root))
    for n, (name, damage) in enumerate(DAMAGED.items()):
        journal.unlink()
        if damage is None:
            journal.mkdir()
        else:
            journal.write_bytes(damage)
        command = ("plan",) if n % 2 else ("apply", "--auto-approve")
        result = project.ws.run(*command)
        errors = [line for line in result.err.splitlines() if line.startswith("error:")]
        assert result.code == 1 and len(errors) == 1, (name, str(result))
        assert "Traceback" not in result.err and rel in errors[0], (name, str(result))
        assert f"ontokit restore {rel}" in errors[0], (name, str(result))
        if damage is None:
            journal.rmdir()
    journal.write_bytes(good)
    # A journal whose backup is gone: stopped before any write (the read-back could not check it).
    moved = backup.rename(backup.with_name("elsewhere"))
    result = project.apply()
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert result.code == 1 and len(errors) == 1 and f"{rel}, is gone" in errors[0], result
    assert project.wire.counts["import"] == 0
    assert project.answers() == answers  # nothing was written
    moved.rename(backup)
    # What the error says to do, the journal damaged: restore (which removes it), then apply again.
    journal.write_bytes(b"{")
    restored = project.ws.run("restore", rel, "--auto-approve")
    assert restored.code == 0 and project.journals == [], restored
    assert project.answers() == project.original and project.schema() == project.before_schema
    done = project.apply()
    assert done.code == 0, done
    project.assert_each_once(done=True)
