"""Pacing (issue 11, item 5): the client's shared request budget (``client/pacing.py``), the local
Hub's ``--rate-limit`` (``hub/ratelimit.py``) and the spelling both read (``rate_limit.py``)."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ontology_kit.cli import cli
from ontology_kit.client import HubClient, InProcessTransport
from ontology_kit.client.pacing import RATE_LIMIT_ENV, Pacer, default_limit, pacer_for
from ontology_kit.client.target import HubTarget, open_client
from ontology_kit.errors import InvalidDefinitionsError, OntokitError
from ontology_kit.hub import HubApp, RateLimiter, build_app, start_server
from ontology_kit.project.load import load_definitions
from ontology_kit.rate_limit import ANGO_RATE_LIMIT, RateLimit


# -- the spelling ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("100/min", RateLimit(100, 60)),
        ("100 / minute", RateLimit(100, 60)),
        ("5/s", RateLimit(5, 1)),
        ("1000/hour", RateLimit(1000, 3600)),
        ("10/30s", RateLimit(10, 30)),
        ("3/0.5s", RateLimit(3, 0.5)),
        ("OFF", None),
        ("unlimited", None),
    ],
    ids=lambda v: str(v),
)
def test_rate_limit_parse(spec: str, expected: RateLimit | None) -> None:
    assert RateLimit.parse(spec) == expected


@pytest.mark.parametrize(
    "spec", ["", "100", "100/fortnight", "0/min", "5/0s", "5/0.0s", "-1/min", "1e3/min", "5/.s"]
)
def test_rate_limit_parse_refuses(spec: str) -> None:
    with pytest.raises(ValueError, match=r"rate limit|period|at least 1"):
        RateLimit.parse(spec)


def test_rate_limit_text_reads_back() -> None:
    for limit in (
        RateLimit(100, 60),
        RateLimit(5, 1),
        RateLimit(7, 3600),
        RateLimit(10, 30),
        RateLimit(3, 0.2),
    ):
        assert RateLimit.parse(str(limit)) == limit


# -- the client's default ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "in_process", "env", "expected"),
    [
        ("https://imeritapi.ango.ai", False, {}, ANGO_RATE_LIMIT),
        ("https://hub.example.org", False, {}, ANGO_RATE_LIMIT),
        ("http://127.0.0.1:8080", False, {}, None),
        ("http://localhost:8080", False, {}, None),
        ("http://[::1]:8080", False, {}, None),
        ("http://embedded.local", True, {}, None),
        ("https://imeritapi.ango.ai", False, {RATE_LIMIT_ENV: "off"}, None),
        ("https://imeritapi.ango.ai", False, {RATE_LIMIT_ENV: "50/min"}, RateLimit(50, 60)),
        ("http://127.0.0.1:8080", False, {RATE_LIMIT_ENV: "100/min"}, ANGO_RATE_LIMIT),
    ],
    ids=[
        "ango",
        "other-https",
        "loopback",
        "localhost",
        "ipv6-loopback",
        "embedded",
        "env-off",
        "env-50",
        "env-local",
    ],
)
def test_default_limit(url: str, in_process: bool, env: dict[str, str], expected: RateLimit | None) -> None:
    assert default_limit(url, in_process=in_process, env=env) == expected


@pytest.mark.parametrize(
    ("url", "env", "configured", "expected"),
    [
        pytest.param("https://imeritapi.ango.ai", {}, "600/min", RateLimit(600, 60), id="workspace"),
        pytest.param("https://imeritapi.ango.ai", {}, "off", None, id="workspace-off"),
        pytest.param("http://127.0.0.1:8080", {}, "10/s", RateLimit(10, 1), id="workspace-local"),
        pytest.param(
            "https://imeritapi.ango.ai",
            {RATE_LIMIT_ENV: "50/min"},
            "600/min",
            RateLimit(50, 60),
            id="env-wins",
        ),
        pytest.param("https://imeritapi.ango.ai", {}, None, ANGO_RATE_LIMIT, id="unset"),
    ],
)
def test_a_workspace_rate_limit_comes_after_the_variable(
    url: str, env: dict[str, str], configured: str | None, expected: RateLimit | None
) -> None:
    assert default_limit(url, in_process=False, env=env, configured=configured) == expected


def test_a_workspace_rate_limit_reaches_the_client_and_a_bad_one_is_an_error(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "p.yaml").write_text(
        "name: P\nontology:\n  tools: [{title: Car, type: point}]\n", encoding="utf-8"
    )
    (tmp_path / "ontokit.yaml").write_text("projects: [p.yaml]\nrate_limit: 7/min\n", encoding="utf-8")
    definitions = load_definitions(str(tmp_path))
    assert definitions.rate_limit == "7/min"
    target = HubTarget("url", "https://hub.example.org")
    with open_client(target, {"ANGO_API_KEY": "k"}, rate_limit=definitions.rate_limit) as client:
        assert client.pacer.limit == RateLimit(7, 60)
    (tmp_path / "ontokit.yaml").write_text("projects: [p.yaml]\nrate_limit: fast\n", encoding="utf-8")
    with pytest.raises(InvalidDefinitionsError) as caught:
        load_definitions(str(tmp_path))
    (diag,) = caught.value.diagnostics
    assert (diag.code, diag.line, diag.column) == ("invalid-value", 2, 13)
    assert "'fast' is not a rate limit" in diag.message


def test_default_limit_refuses_a_bad_variable_in_one_line() -> None:
    with pytest.raises(
        OntokitError, match=r"^ONTOKIT_RATE_LIMIT: 'fast' is not a rate limit; give"
    ) as caught:
        default_limit("https://x.test", in_process=False, env={RATE_LIMIT_ENV: "fast"})
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        ("https://open.test", {}, ANGO_RATE_LIMIT),
        ("https://open.test", {RATE_LIMIT_ENV: "7/min"}, RateLimit(7, 60)),
        ("https://open.test", {RATE_LIMIT_ENV: "off"}, None),
        ("http://127.0.0.1:9", {}, None),
        ("embedded", {}, None),
        ("embedded", {RATE_LIMIT_ENV: "9/s"}, RateLimit(9, 1)),
    ],
    ids=["remote", "remote-env", "remote-off", "loopback", "embedded", "embedded-env"],
)
def test_open_client_paces_as_its_environment_says(
    url: str, env: dict[str, str], expected: RateLimit | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ontology_kit.client import HubTarget, open_client

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    target = (
        HubTarget("embedded", "embedded", tmp_path / ".ontokit" / "hub.sqlite3")
        if url == "embedded"
        else HubTarget("url", url)
    )
    with open_client(target, env={"ANGO_API_KEY": "k", **env}) as client:
        assert client.pacer.limit == expected


def test_one_pacer_per_hub_and_budget() -> None:
    a = pacer_for("https://shared.test", ANGO_RATE_LIMIT)
    assert pacer_for("https://shared.test", RateLimit(100, 60)) is a
    assert pacer_for("https://other.test", ANGO_RATE_LIMIT) is not a
    first = HubClient("https://shared.test", "k", rate_limit="100/min")
    second = HubClient("https://shared.test", "k", rate_limit=ANGO_RATE_LIMIT)
    assert first.pacer is second.pacer is a


# -- the limiter, on a fake clock -----------------------------------------------------------------
@dataclass
class FakeTime:
    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def pacer(self, limit: RateLimit | None) -> Pacer:
        return Pacer(limit, clock=self.clock, sleep=self.sleep)


def _most_in_any_window(starts: list[float], period: float) -> int:
    starts = sorted(starts)
    return max((sum(1 for t in starts[i:] if t < s + period) for i, s in enumerate(starts)), default=0)


@settings(max_examples=200, deadline=None)
@given(
    requests=st.integers(1, 8),
    period=st.sampled_from([1.0, 2.5, 60.0]),
    steps=st.lists(
        st.tuples(st.floats(0, 3, allow_nan=False), st.floats(0, 2, allow_nan=False)), min_size=1, max_size=40
    ),
)
def test_never_more_than_the_budget_in_any_window(
    requests: int, period: float, steps: list[tuple[float, float]]
) -> None:
    """Requests that arrive after any gaps and last any time: the hub never receives more than
    ``requests`` in any window of ``period``, wherever in its run it received each one."""
    time = FakeTime()
    pacer = time.pacer(RateLimit(requests, period))
    starts, ends = [], []
    for gap, latency in steps:
        time.now += gap
        with pacer.slot():
            starts.append(time.now)
            time.now += latency
        ends.append(time.now)
    assert _most_in_any_window(starts, period) <= requests
    # The hub received each somewhere between its start and its end: the last possible moments of
    # the earlier ones and the first of the later ones still fit.
    for k, start in enumerate(starts):
        assert sum(1 for j in range(k) if ends[j] + period > start) < requests
    assert pacer.sent == len(steps)


def test_a_burst_goes_at_once_then_the_budget_paces() -> None:
    time = FakeTime()
    pacer = time.pacer(RateLimit(3, 60))
    starts = []
    for _ in range(7):
        with pacer.slot():
            starts.append(time.now)
    assert starts == [0, 0, 0, 60, 60, 60, 120]
    assert pacer.waited == 120


def test_unlimited_never_waits() -> None:
    time = FakeTime()
    pacer = time.pacer(None)
    for _ in range(1000):
        with pacer.slot():
            pass
    assert time.slept == [] and pacer.sent == 1000
    assert pacer.seconds_for(10**6) == 0


def test_estimate_of_the_time_left() -> None:
    time = FakeTime()
    pacer = time.pacer(RateLimit(10, 60))
    assert pacer.seconds_for(10) == 0  # the window is empty: ten go at once
    assert pacer.seconds_for(11) == 60
    assert pacer.seconds_for(35) == 180
    for _ in range(10):
        with pacer.slot():
            pass
    time.now = 30
    assert pacer.seconds_for(1) == 30
    assert pacer.seconds_for(10**6) == pytest.approx(6_000_000 - 30, rel=0.01)


@pytest.mark.parametrize(
    ("used", "expected"),
    [(10, 9), (6, 5), (2, 5), (1, 5)],
    ids=["full-window", "some", "few-halves", "one-halves"],
)
def test_a_429_shrinks_the_budget_to_what_got_through(used: int, expected: int) -> None:
    time = FakeTime()
    pacer = time.pacer(RateLimit(10, 60))
    for _ in range(used):
        with pacer.slot():
            pass
    pacer.learn(retry_after=7)
    assert pacer.limit == RateLimit(expected, 60)
    with pacer.slot():  # everyone holds off for the Retry-After first
        assert time.now >= 7


def test_429s_of_one_moment_teach_once() -> None:
    time = FakeTime()
    pacer = time.pacer(RateLimit(10, 60))
    for _ in range(10):
        with pacer.slot():
            pass
    for _ in range(4):  # four threads hit by the same 429 storm
        pacer.learn(retry_after=5)
    assert pacer.limit == RateLimit(9, 60)


def test_an_unlimited_pacer_learns_nothing() -> None:
    time = FakeTime()
    pacer = time.pacer(None)
    pacer.learn(retry_after=30)
    with pacer.slot():
        pass
    assert pacer.limit is None and time.slept == []


# -- shared by threads ----------------------------------------------------------------------------
def test_threads_share_one_budget() -> None:
    """Eight threads, one pacer: the starts they record (on the pacer's own clock) never hold more
    than the budget in any window. No timing is asserted, only counts."""
    limit = RateLimit(5, 0.2)
    pacer = Pacer(limit)
    starts: list[float] = []
    lock = threading.Lock()
    clock = pacer._clock

    def work() -> None:
        for _ in range(4):
            with pacer.slot(), lock:
                starts.append(clock())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(starts) == 32
    assert _most_in_any_window(starts, limit.period) <= limit.requests
    assert pacer.waited > 0


def test_the_client_waits_its_turn_and_learns_from_429() -> None:
    """Through HubClient: every attempt takes a slot; a 429's Retry-After holds the next back and
    shrinks the budget."""
    time = FakeTime()
    pacer = time.pacer(RateLimit(4, 60))
    answers = iter([429] + [200] * 20)
    seen: list[float] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(time.now)
        status = next(answers)
        if status == 429:
            return httpx.Response(429, headers={"Retry-After": "3"}, json={"status": "fail"})
        return httpx.Response(200, json={"status": "success", "data": {"projects": [], "total": 0}})

    with HubClient(
        "https://paced.test", "k", transport=httpx.MockTransport(handle), pacer=pacer, sleep=time.sleep
    ) as client:
        for _ in range(5):
            client.list_projects()
    assert pacer.limit == RateLimit(2, 60)  # half of 4: one had got through before the 429
    assert seen[:2] == [0, 3]
    assert _most_in_any_window(seen, 60) <= 4


# -- the local Hub's --rate-limit -------------------------------------------------------------------
def _wsgi_get(app: Any, key: str, path: str = "/v2/listProjects") -> tuple[str, dict[str, str]]:
    out: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        out["status"], out["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path, "HTTP_APIKEY": key, "REQUEST_METHOD": "GET"}, start_response))
    assert body
    return out["status"], out["headers"]


def test_hub_answers_429_with_retry_after_per_key() -> None:
    time = FakeTime()
    limiter = RateLimiter(
        lambda environ, start: start("200 OK", []) or [b"ok"], RateLimit(3, 60), clock=time.clock
    )
    assert [_wsgi_get(limiter, "a")[0] for _ in range(3)] == ["200 OK"] * 3
    time.now = 10.2
    status, headers = _wsgi_get(limiter, "a")
    assert status == "429 Too Many Requests" and headers["Retry-After"] == "50"
    assert _wsgi_get(limiter, "b")[0] == "200 OK"  # another key has its own budget
    assert _wsgi_get(limiter, "a", "/healthz")[0] == "200 OK"  # only the API counts
    time.now = 60.0
    assert _wsgi_get(limiter, "a")[0] == "200 OK"  # the window moved on
    assert (limiter.accepted, limiter.refused) == (5, 1)  # /healthz is not counted


@settings(max_examples=100, deadline=None)
@given(
    requests=st.integers(1, 6),
    arrivals=st.lists(st.tuples(st.floats(0, 2, allow_nan=False), st.sampled_from("ab")), max_size=60),
)
def test_hub_admits_exactly_the_budget(requests: int, arrivals: list[tuple[float, str]]) -> None:
    """Whatever the arrivals: per key, the accepted never exceed the budget in any window, and a
    refusal only ever comes with the budget full; Retry-After is when a slot frees, rounded up."""
    time = FakeTime()
    limiter = RateLimiter(lambda e, s: [b""], RateLimit(requests, 5.0), clock=time.clock)
    accepted: dict[str, list[float]] = {"a": [], "b": []}
    for gap, key in arrivals:
        time.now += gap
        retry_after = limiter.admit(key)
        in_window = [t for t in accepted[key] if t + 5.0 > time.now]
        if retry_after is None:
            assert len(in_window) < requests
            accepted[key].append(time.now)
        else:
            assert len(in_window) == requests
            assert retry_after == max(1, math.ceil(in_window[0] + 5.0 - time.now))
    for starts in accepted.values():
        assert _most_in_any_window(starts, 5.0) <= requests


def test_rejected_requests_are_not_processed(tmp_path: Path) -> None:
    app, store = build_app(tmp_path / "hub.sqlite3", rate_limit=RateLimit(2, 3600))
    _, key = store.create_organization("acme")
    with HubClient(
        "http://inprocess.test", key, transport=InProcessTransport(app), max_attempts=1, rate_limit="off"
    ) as client:
        client.create_project("one")
        with pytest.raises(
            OntokitError, match=r"create project 'two' failed \(not retried.*\): rate limited \(429\)"
        ):
            client.create_project("two")  # the first call asked for the hub's extensions
    assert [
        p["name"]
        for p in HubClient("http://x", key, transport=InProcessTransport(HubApp(store))).iter_projects()
    ] == ["one"]
    assert isinstance(app, RateLimiter) and app.refused == 1


@pytest.mark.parametrize("spec", ["fast", "0/min"])
def test_serve_refuses_a_bad_rate_limit(spec: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["hub", "serve", "--db", str(tmp_path / "h.sqlite3"), "--rate-limit", spec]
    )
    assert result.exit_code == 2
    assert "--rate-limit" in result.output and "Traceback" not in result.output


# -- a CLI run against a served, rate-limited hub ---------------------------------------------------
@contextmanager
def _served(tmp_path: Path, limit: RateLimit) -> Iterator[tuple[str, str, RateLimiter]]:
    app, store = build_app(tmp_path / "served.sqlite3", rate_limit=limit)
    _, key = store.create_organization("acme")
    server = start_server(app)
    try:
        yield server.url, key, app
    finally:
        server.stop()


def _workspace(root: Path, projects: int) -> None:
    (root / ".git").mkdir(parents=True)
    (root / "ontology.yaml").write_text(
        "tools:\n  - title: Car\n    type: bounding-box\nclassifications:\n"
        "  - title: Weather\n    type: radio\n    options: [Sunny, Rainy]\n",
        encoding="utf-8",
    )
    (root / "projects").mkdir()
    for n in range(projects):
        (root / "projects" / f"p{n:02d}.yaml").write_text(
            f"name: Paced {n:02d}\nontology: ../ontology.yaml\n", encoding="utf-8"
        )
    (root / "ontokit.yaml").write_text("projects:\n  - projects/*.yaml\n", encoding="utf-8")


def test_plan_and_apply_under_the_budget_make_no_429(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Six projects, planned and applied by the CLI against a served hub that allows far more than a
    burst would need, but less than unpaced concurrency sends in its window: with the client paced
    at the same budget, the hub counts zero 429s."""
    work = tmp_path / "ws"
    _workspace(work, 6)
    limit = RateLimit(40, 1.0)
    with _served(tmp_path, limit) as (url, key, hub):
        monkeypatch.chdir(work)
        monkeypatch.setenv("ANGO_API_KEY", key)
        monkeypatch.setenv(RATE_LIMIT_ENV, str(limit))
        monkeypatch.delenv("ONTOKIT_HUB", raising=False)
        runner = CliRunner()
        plan = runner.invoke(cli, ["plan", "--hub", url])
        assert plan.exit_code == 0, plan.output
        applied = runner.invoke(cli, ["apply", "--hub", url, "--auto-approve"])
        assert applied.exit_code == 0, applied.output
        again = runner.invoke(cli, ["plan", "--hub", url, "--detailed-exitcode"])
        assert again.exit_code == 0, again.output
    assert hub.refused == 0
    assert hub.accepted > limit.requests  # the budget was spent more than once: pacing was exercised


# -- progress with the time left --------------------------------------------------------------------
def test_plan_reports_progress_under_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the library: one report per project, in order, each with the total; the last has
    nothing left; a budget that made requests wait says so."""
    from ontology_kit.workflow import RunProgress, plan

    work = tmp_path / "ws"
    _workspace(work, 5)
    heard: list[RunProgress] = []
    with _served(tmp_path, RateLimit(1000, 60)) as (url, key, hub):
        monkeypatch.chdir(work)
        monkeypatch.setenv("ANGO_API_KEY", key)
        monkeypatch.setenv(RATE_LIMIT_ENV, "3/0.2s")
        plan(None, url, on_progress=heard.append)
    assert [(p.done, p.total) for p in heard] == [(n, 5) for n in range(6)]  # the start, then each
    assert heard[-1].left == 0 and all(p.left >= 0 for p in heard)
    assert hub.refused == 0


def test_an_unpaced_run_is_not_paced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No budget: never paced; the time left is the straight line's (none at the start and the end)."""
    from ontology_kit.workflow import RunProgress, plan

    work = tmp_path / "ws"
    _workspace(work, 3)
    heard: list[RunProgress] = []
    monkeypatch.chdir(work)
    monkeypatch.delenv(RATE_LIMIT_ENV, raising=False)
    monkeypatch.delenv("ONTOKIT_HUB", raising=False)
    plan(None, None, on_progress=heard.append)  # the embedded hub: no budget
    assert [(p.done, p.paced) for p in heard] == [(0, False), (1, False), (2, False), (3, False)]
    assert heard[0].left == heard[-1].left == 0 and all(p.left >= 0 for p in heard)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (4.2, "5 s"), (59, "59 s"), (60, "1 min"), (190, "3 min 10 s"), (3900, "1 h 5 min")],
    ids=lambda v: str(v),
)
def test_duration(seconds: float, text: str) -> None:
    from ontology_kit.cli.terminal import duration

    assert duration(seconds) == text


# -- the window outlives the process -----------------------------------------------------------------
def test_the_next_process_starts_from_the_window_kept(tmp_path: Path) -> None:
    """`ontokit plan` right after a long `ontokit apply`: the second process's first requests wait
    for what the first one spent, as the hub still counts it (its monotonic clock starts elsewhere)."""
    memory = (tmp_path / ".ontokit" / "pacing.json", "https://hub.test")
    first = FakeTime(now=5000.0)
    wall = [1_000_000.0]
    a = Pacer(RateLimit(3, 60), clock=first.clock, sleep=first.sleep, memory=memory, wall=lambda: wall[0])
    for _ in range(3):
        with a.slot():
            pass
    a.save()
    second = FakeTime(now=10.0)
    wall[0] += 20  # the next command starts 20 s later
    b = Pacer(RateLimit(3, 60), clock=second.clock, sleep=second.sleep, memory=memory, wall=lambda: wall[0])
    with b.slot():
        pass
    assert second.slept == [pytest.approx(40)]
    other = Pacer(RateLimit(3, 60), memory=(memory[0], "https://other.test"))
    assert other.seconds_for(3) == 0  # each hub its own window


@pytest.mark.parametrize(
    "content", ["{", "[]", '{"https://hub.test": "x"}', '{"https://hub.test": [true, "1", null]}']
)
def test_a_kept_window_that_cannot_be_read_is_none(tmp_path: Path, content: str) -> None:
    path = tmp_path / "pacing.json"
    path.write_text(content, encoding="utf-8")
    pacer = Pacer(RateLimit(1, 60), memory=(path, "https://hub.test"))
    assert pacer.seconds_for(1) == 0


def test_the_kept_window_replaces_a_link_instead_of_writing_through(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me", encoding="utf-8")
    path = tmp_path / "pacing.json"
    path.symlink_to(target)
    pacer = Pacer(RateLimit(5, 60), memory=(path, "https://hub.test"))
    with pacer.slot():
        pass
    pacer.save()
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not path.is_symlink() and "https://hub.test" in path.read_text(encoding="utf-8")


def test_an_unpaced_hub_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "ws"
    _workspace(work, 2)
    with _served(tmp_path, RateLimit(1000, 60)) as (url, key, _):
        monkeypatch.chdir(work)
        monkeypatch.setenv("ANGO_API_KEY", key)
        monkeypatch.delenv(RATE_LIMIT_ENV, raising=False)
        assert CliRunner().invoke(cli, ["plan", "--hub", url]).exit_code == 0
    assert not (work / ".ontokit").exists()


def test_hub_serve_rate_limit_over_http(tmp_path: Path) -> None:
    """`ontokit hub serve --rate-limit 3/hour`: the fourth request of a key is a 429 with Retry-After
    in seconds, unprocessed; stopping says what was served and refused."""
    import signal

    from conftest import listening_on, serve_hub

    proc = serve_hub(tmp_path / "h.sqlite3", "--api-key", "bench-key", "--rate-limit", "3/hour")
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        url = listening_on(lines[0])
        assert lines[3] == "rate limit: 3/hour per API key (429 with Retry-After beyond it)\n"
        headers = {"apikey": "bench-key"}
        statuses = [
            httpx.post(url + "/v2/project", json={"name": f"p{n}"}, headers=headers) for n in range(4)
        ]
        assert [r.status_code for r in statuses] == [201, 201, 201, 429]
        assert 3590 <= int(statuses[3].headers["Retry-After"]) <= 3600
        assert statuses[3].json() == {"status": "fail", "message": "Rate limit exceeded (3/hour)"}
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert "rate limit 3/hour: 3 requests served, 1 answered 429\nstopped\n" in out
    assert proc.returncode == 0 and "Traceback" not in err
    assert "bench-key" not in "".join(lines) + out + err
