"""Progress and the terminal (issue 13, item 7): long runs count, estimate and tell retries; colors
and the bar are decided in one place (``cli/terminal.py``); with colors off nothing holds an escape.

The finding: "a 30-project apply prints one line per project with no counter, no estimate and no
sign of retries". Through the CLI in-process (CliRunner; a terminal is stood in for where one is
needed), and once in a real terminal (tmux), as a user sees it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ontology_kit.cli import cli
from ontology_kit.hub import FaultConfig, build_app, start_server

ROOT = Path(__file__).resolve().parent.parent
ESC = "\x1b"
ONTOLOGY = (
    "tools:\n  - title: Car\n    type: bounding-box\nclassifications:\n"
    "  - title: Weather\n    type: radio\n    options: [Sunny, Rainy]\n"
)
_LINE = re.compile(
    r"^\[(\d+)/(\d+)\] (P\d\d): (planned|applied) 3 changes(, 2 calls)?( \(about \d+ (s|min) left\))?$"
)


def _workspace(root: Path, projects: int, prefix: str = "P") -> Path:
    (root / ".git").mkdir(parents=True)
    (root / "ontology.yaml").write_text(ONTOLOGY, encoding="utf-8")
    (root / "projects").mkdir()
    for n in range(projects):
        (root / "projects" / f"p{n:02d}.yaml").write_text(
            f"name: {prefix}{n:02d}\nontology: ../ontology.yaml\n", encoding="utf-8"
        )
    (root / "ontokit.yaml").write_text("projects:\n  - projects/*.yaml\n", encoding="utf-8")
    return root


@pytest.fixture
def quiet_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No color preference, no hub and no key from outside."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "ONTOKIT_HUB", "ANGO_API_KEY", "ONTOKIT_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _invoke(args: list[str], **kwargs: Any) -> Any:
    # color=True: the runner acts as a terminal that shows colors, so that only ontokit's own
    # decision (ctx.color, the styles it adds) can keep escapes out.
    return CliRunner().invoke(cli, args, color=True, catch_exceptions=False, **kwargs)


# -- one place decides colors and the bar ------------------------------------------------------------
#: (stderr and stdout are a terminal, --no-color, environment) -> (colors, a bar)
COMBINATIONS = [
    pytest.param(False, False, {}, False, False, id="pipe"),
    pytest.param(True, False, {}, True, True, id="terminal"),
    pytest.param(True, True, {}, False, False, id="terminal-no-color-flag"),
    pytest.param(True, False, {"NO_COLOR": "1"}, False, False, id="terminal-NO_COLOR"),
    pytest.param(True, False, {"NO_COLOR": "0"}, False, False, id="terminal-NO_COLOR-any-value"),
    pytest.param(True, False, {"NO_COLOR": ""}, True, True, id="terminal-NO_COLOR-empty"),
    pytest.param(True, False, {"TERM": "dumb"}, False, False, id="terminal-TERM-dumb"),
    pytest.param(False, False, {"FORCE_COLOR": "1"}, True, False, id="pipe-FORCE_COLOR"),
    pytest.param(True, False, {"TERM": "dumb", "FORCE_COLOR": "1"}, True, False, id="dumb-FORCE_COLOR"),
    pytest.param(True, False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False, id="NO_COLOR-over-FORCE"),
    pytest.param(False, True, {"FORCE_COLOR": "1"}, False, False, id="no-color-flag-over-FORCE"),
]


@pytest.mark.parametrize(("terminal", "flag", "env", "colors", "bar"), COMBINATIONS)
def test_colors_and_the_bar(
    tmp_path: Path,
    quiet_env: pytest.MonkeyPatch,
    terminal: bool,
    flag: bool,
    env: dict[str, str],
    colors: bool,
    bar: bool,
) -> None:
    """A three-project plan: colors in the plan and a bar on stderr exactly as decided; with colors
    off, not one escape sequence in either stream; without a bar, no carriage return."""
    from ontology_kit.cli import terminal as term

    quiet_env.chdir(_workspace(tmp_path / "ws", 3))
    quiet_env.setattr(term, "is_terminal", lambda stream: terminal)
    for name, value in env.items():
        quiet_env.setenv(name, value)
    result = _invoke([*(["--no-color"] if flag else []), "plan"])
    assert result.exit_code == 0, result.output
    assert (ESC in result.stdout) is colors, result.stdout
    drew = "projects" in result.stderr and ESC in result.stderr
    assert drew is bar, result.stderr
    if not colors:
        assert ESC not in result.stderr
    if not bar:
        assert "\r" not in result.stderr
        counted = [m.group(1, 2) for line in result.stderr.splitlines() if (m := _LINE.match(line))]
        assert counted == [(str(n), "3") for n in range(1, 4)], result.stderr


def _every_command() -> list[list[str]]:
    from ontology_kit.cli import COMMANDS, _Commands

    found: list[list[str]] = []
    for name in COMMANDS:
        command = _Commands().get_command(click.Context(cli), name)
        assert command is not None
        found.append([name])
        found += [[name, sub] for sub in getattr(command, "commands", {})]
    return found


@pytest.mark.parametrize("command", _every_command(), ids=" ".join)
def test_no_color_after_any_command(command: list[str]) -> None:
    """`ontokit plan --no-color`, as Terraform's users write it, is the global option (it was a usage
    error after the command's name)."""
    result = CliRunner().invoke(cli, [*command, "--no-color", "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_no_color_after_the_command_keeps_every_escape_out(
    tmp_path: Path, quiet_env: pytest.MonkeyPatch
) -> None:
    from ontology_kit.cli import terminal as term

    quiet_env.chdir(_workspace(tmp_path / "ws", 3))
    quiet_env.setattr(term, "is_terminal", lambda stream: True)
    result = _invoke(["plan", "--no-color"])
    assert result.exit_code == 0, result.output
    assert ESC not in result.stdout + result.stderr and "\r" not in result.stderr


def test_no_color_is_a_global_option_in_the_readme() -> None:
    """Every option of the root command is in the README (and --no-color says what it does)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    options = [o for p in cli.params for o in p.opts if o.startswith("--") and o != "--help"]
    assert "--no-color" in options
    assert [o for o in options if f"`{o}" not in readme and f" {o}" not in readme] == []
    assert "`FORCE_COLOR`" in readme and "`NO_COLOR`" in readme


def test_rich_is_imported_only_to_draw_a_bar() -> None:
    """``ontokit --help`` and ``plan --help`` stay fast: the bar's library is not loaded for them."""
    code = (
        "import sys, contextlib, io\nfrom ontology_kit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['--help']); main(['plan', '--help'])\n"
        "print('rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out


# -- without a terminal: plain counted lines ---------------------------------------------------------
def test_a_piped_apply_counts_each_project_in_plain_lines(
    tmp_path: Path, quiet_env: pytest.MonkeyPatch
) -> None:
    """The finding's run, shrunk: every project's line says which of how many it is, in order, and
    the time left while some remain; nothing holds an escape or a carriage return."""
    quiet_env.chdir(_workspace(tmp_path / "ws", 4))
    result = _invoke(["apply", "--auto-approve"])
    assert result.exit_code == 0, result.output
    lines = [m for line in result.stderr.splitlines() if (m := _LINE.match(line))]
    assert [(m[4], m[1], m[2]) for m in lines] == [
        *(("planned", str(n), "4") for n in range(1, 5)),
        *(("applied", str(n), "4") for n in range(1, 5)),
    ], result.stderr
    assert all(m[6] is None for m in lines if m[1] == m[2])  # nothing left at the end
    assert sorted(m[3] for m in lines if m[4] == "applied") == ["P00", "P01", "P02", "P03"]
    assert ESC not in result.output and "\r" not in result.output
    assert "Apply complete: 4 project(s) changed" in result.stdout


def test_one_project_piped_prints_no_progress(tmp_path: Path, quiet_env: pytest.MonkeyPatch) -> None:
    """A single project's run, piped, says only its plan and summary (as before): no counter noise."""
    quiet_env.chdir(_workspace(tmp_path / "ws", 1))
    result = _invoke(["apply", "--auto-approve"])
    assert result.exit_code == 0, result.output
    assert "[1/1]" not in result.output and "P00: " not in result.stderr


def test_hub_load_counts_its_chunks(tmp_path: Path, quiet_env: pytest.MonkeyPatch) -> None:
    """``hub load`` of a file that takes several requests: one plain line per request, counted in
    tasks, the time left while some remain."""
    import ontology_kit.workflow.loading as loading

    work = _workspace(tmp_path / "ws", 1)
    quiet_env.chdir(work)
    assert _invoke(["apply", "--auto-approve"]).exit_code == 0
    lines = [
        f'{{"externalId": "t{n}", "asset": "https://example.com/{n}.jpg", "task": {{"stage": "Start"}}}}'
        for n in range(7)
    ]
    (work / "data.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    quiet_env.setattr(loading, "MAX_PER_REQUEST", 3)
    result = _invoke(["hub", "load", "data.ndjson", "--project", "P00"])
    assert result.exit_code == 0, result.output
    counted = re.findall(r"^\[(\d)/7\] tasks loaded( \(about \d+ s left\))?$", result.stderr, re.M)
    assert [n for n, _ in counted] == ["3", "6", "7"], result.stderr
    assert counted[-1][1] == ""


# -- the estimate ------------------------------------------------------------------------------------
@given(
    total=st.integers(1, 200),
    done=st.integers(0, 200),
    elapsed=st.floats(0, 1e5, allow_nan=False),
)
def test_a_straight_line_estimate_is_never_negative_and_nothing_is_left_at_the_end(
    total: int, done: int, elapsed: float
) -> None:
    from ontology_kit.workflow import RunProgress

    done = min(done, total)
    p = RunProgress.straight(done, total, elapsed)
    assert p.left >= 0
    assert (p.left == 0) if done in (0, total) else p.left == pytest.approx(elapsed / done * (total - done))


def test_the_estimate_follows_the_time_without_a_budget() -> None:
    """No budget (a local hub): the time left is the straight line through the time so far, with
    the projects under way counted half done; none at the start or the end."""
    from ontology_kit.client.pacing import Pacer
    from ontology_kit.workflow import RunProgress
    from ontology_kit.workflow.progress import Progress

    now = [100.0]
    heard: list[RunProgress] = []
    progress = Progress(Pacer(None), 10, heard.append, clock=lambda: now[0])
    ended = progress.wrap(None)
    for _ in range(10):
        now[0] += 2.0
        ended()
    assert [p.done for p in heard] == list(range(11))
    assert heard[0].left == 0 and heard[-1].left == 0
    # After 1 of 10 in 2 s, with 4 at once: 3 counted done (1 + half of 4), 7 to go at 2/3 s each.
    assert heard[1].left == pytest.approx(2.0 / 3 * 7)
    assert [p.elapsed for p in heard] == [2.0 * n for n in range(11)]


# -- retries are visible ----------------------------------------------------------------------------
def test_a_retry_tells_the_call_the_reason_the_attempt_and_the_wait() -> None:
    """Through the client: each retry is told before its wait, with the wait the client then takes."""
    from ontology_kit.client import HubClient
    from ontology_kit.client.retries import RetryNotice, listening

    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "1.5"}),
            httpx.Response(503),
            httpx.Response(200, json={"status": "success", "data": {"project": {"_id": "p1"}}}),
        ]
    )
    waits: list[float] = []
    heard: list[RetryNotice] = []
    client = HubClient(
        "http://hub.test",
        "secret-key-123",
        transport=httpx.MockTransport(lambda request: next(answers)),
        max_attempts=5,
        backoff=0.0,
        sleep=waits.append,
        rate_limit="off",
    )
    with listening(heard.append):
        client.get_project("p1")
    with listening(heard.append):
        pass  # a listener that has left hears nothing more
    assert [n.describe() for n in heard] == [
        "retrying project p1 (429 Too Many Requests), attempt 2 of 5, in 1.5 s",
        f"retrying project p1 (503 Service Unavailable), attempt 3 of 5, in {waits[1]:.1f} s",
    ]
    assert [n.wait for n in heard] == waits


@contextmanager
def _faulty_hub(tmp_path: Path, faults: FaultConfig) -> Iterator[tuple[str, str]]:
    app, store = build_app(tmp_path / "served.sqlite3", faults)
    _, key = store.create_organization("acme")
    server = start_server(app)
    try:
        yield server.url, key
    finally:
        server.stop()


_RETRY = re.compile(r"^retrying (.+?) \((.+)\), attempt (\d+) of 9, in \d+\.\d s$")


@pytest.mark.parametrize(
    ("faults", "reason"),
    [
        pytest.param(FaultConfig(rate_429=0.4, retry_after=0, seed=3), "429 Too Many Requests", id="429"),
        pytest.param(FaultConfig(rate_5xx=0.4, after_fraction=0, seed=3), r"50\d( [A-Z][a-z]+)+", id="5xx"),
        pytest.param(FaultConfig(rate_drop=0.3, after_fraction=0, seed=3), r".*\(\w+Error\)", id="drop"),
    ],
)
def test_retries_are_told_through_the_cli_without_secrets(
    tmp_path: Path, quiet_env: pytest.MonkeyPatch, faults: FaultConfig, reason: str
) -> None:
    """A served hub with fault injection: plan and apply succeed, and stderr tells each retry (call,
    reason, attempt), never the API key or the hub's URL in those lines."""
    quiet_env.chdir(_workspace(tmp_path / "ws", 3))
    quiet_env.setenv("ONTOKIT_HTTP_ATTEMPTS", "9")
    with _faulty_hub(tmp_path, faults) as (url, key):
        quiet_env.setenv("ANGO_API_KEY", key)
        result = _invoke(["apply", "--auto-approve", "--hub", url])
    assert result.exit_code == 0, result.output
    told = [m for line in result.stderr.splitlines() if (m := _RETRY.match(line))]
    assert told, result.stderr
    assert all(re.fullmatch(reason, m[2]) for m in told), [m[0] for m in told]
    assert all(2 <= int(m[3]) <= 9 for m in told)
    assert key not in result.output
    assert not any(url in m[0] or "http" in m[0] for m in told)


# -- a real terminal -------------------------------------------------------------------------------
_TMUX = shutil.which("tmux")


@pytest.mark.skipif(_TMUX is None and not os.environ.get("CI"), reason="tmux is not installed")
def test_a_30_project_apply_in_a_real_terminal(tmp_path: Path, quiet_env: pytest.MonkeyPatch) -> None:
    """The issue's Done-when: in a tmux pane of 120x30, a 30-project apply against a served hub that
    adds latency shows a counter (n/30) and an estimate while it runs, then its summary; the same
    apply without a terminal prints the plain counted lines and no escape sequence."""
    assert _TMUX is not None, "tmux is needed on CI (apt-get install tmux)"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "ONTOKIT_HUB")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", ONTOKIT_RATE_LIMIT="off")
    # A server of its own (-L): a running tmux server would give the pane its environment, not ours.
    tmux = [_TMUX, "-L", f"ontokit-test-{os.getpid()}"]
    tty_ws = _workspace(tmp_path / "tty", 30)
    with _faulty_hub(tmp_path, FaultConfig(latency=0.015)) as (url, key):
        env.update(ONTOKIT_HUB=url, ANGO_API_KEY=key)
        command = f"{sys.executable} -m ontology_kit apply --auto-approve; echo exit: $?; sleep 60"
        subprocess.run(
            [*tmux, "new-session", "-d", "-x", "120", "-y", "30", "-c", str(tty_ws), command],
            env=env,
            check=True,
        )
        screens: list[str] = []
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                screen = subprocess.run(
                    [*tmux, "capture-pane", "-p"], capture_output=True, text=True, check=True
                ).stdout
                screens.append(screen)
                if "exit: " in screen:
                    break
                time.sleep(0.1)
        finally:
            subprocess.run([*tmux, "kill-server"], check=False)
        # The same apply without a terminal (in-process: standard error is no terminal there either).
        quiet_env.chdir(_workspace(tmp_path / "piped", 30, prefix="Q"))
        quiet_env.setenv("ANGO_API_KEY", key)
        piped = _invoke(["apply", "--auto-approve", "--hub", url])
    bars = [
        s for s in screens if re.search(r"(planning|applying) .* (\d+)/30 projects .*about \d+ s left", s)
    ]
    assert bars, "no capture showed the counter and the estimate:\n" + screens[len(screens) // 2]
    assert "exit: 0" in screens[-1] and "Apply complete: 30 project(s) changed" in screens[-1], screens[-1]
    assert len(re.findall(r"^P\d\d: applied 3 changes, 2 calls$", screens[-1], re.M)) >= 20  # above the bar
    assert piped.exit_code == 0, piped.output
    counted = [m for line in piped.stderr.splitlines() if (m := _LINE.match(line.replace("Q", "P")))]
    assert len(counted) == 60 and counted[-1][1] == "30", piped.stderr
    assert ESC not in piped.output and "\r" not in piped.output
