"""The command line: exit codes, output shapes, help with examples, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import clean_env, listening_on, serve_hub

from ontology_kit import __version__
from ontology_kit.cli import main

GOOD = "tools:\n  - title: Car\n    type: bounding-box\n"
BAD = "tools:\n  - title: Car\n    type: bounding-box\n    colr: '#FFFFFF'\n"


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ontology_kit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def good(tmp_path: Path) -> Path:
    p = tmp_path / "good.yaml"
    p.write_text(GOOD)
    return p


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    p = tmp_path / "bad.yaml"
    p.write_text(BAD)
    return p


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"ontokit {__version__}"


@pytest.mark.parametrize("command", ["validate", "compile", "schema"])
def test_help_has_an_example(command: str) -> None:
    out = run(command, "--help")
    assert out.returncode == 0
    assert "Examples:" in out.stdout and f"ontokit {command}" in out.stdout


def test_validate_ok(good: Path) -> None:
    out = run("validate", str(good))
    assert (out.returncode, out.stdout, out.stderr) == (0, "ok: 1 file valid\n", "")


def test_validate_error_line(bad: Path) -> None:
    out = run("validate", str(bad), env={"NO_COLOR": "1"})
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        f"{bad}:4:5: error[unknown-field]: unknown field 'colr' in a tool; hint: did you mean 'color'?",
        "1 error in 1 of 1 file",
    ]


def test_validate_json(bad: Path, good: Path) -> None:
    out = run("validate", str(good), str(bad), "--format", "json")
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert doc == {
        "format_version": "1.0",
        "valid": False,
        "error_count": 1,
        "warning_count": 0,
        "files": [{"file": str(good), "valid": True}, {"file": str(bad), "valid": False}],
        "skipped": [],
        "skipped_tools": {},
        "excluded": [],
        "diagnostics": [
            {
                "severity": "error",
                "code": "unknown-field",
                "message": "unknown field 'colr' in a tool",
                "hint": "did you mean 'color'?",
                "file": str(bad),
                "line": 4,
                "column": 5,
                "path": "$.tools[0].colr",
            }
        ],
    }


def test_validate_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    (tmp_path / "notes.txt").write_text("not yaml")
    out = run("validate", str(tmp_path))
    assert out.returncode == 0 and out.stdout == "ok: 2 files valid\n"


def test_validate_empty_folder(tmp_path: Path) -> None:
    out = run("validate", str(tmp_path))
    assert out.returncode == 1 and "error[no-files]" in out.stdout


def test_compile_stdout_and_file(good: Path, tmp_path: Path) -> None:
    out = run("compile", str(good))
    assert out.returncode == 0
    payload = json.loads(out.stdout)
    assert payload["categorySchema"]["tools"][0]["title"] == "Car"
    target = tmp_path / "out.json"
    out2 = run("compile", str(good), "-o", str(target))
    assert out2.returncode == 0 and target.read_text() == out.stdout


def test_compile_compact_is_one_line(good: Path) -> None:
    out = run("compile", str(good), "--compact")
    assert out.returncode == 0 and out.stdout.count("\n") == 1
    assert json.loads(out.stdout) == json.loads(run("compile", str(good)).stdout)


def test_compile_error_writes_nothing(bad: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous")
    out = run("compile", str(bad), "-o", str(target))
    assert out.returncode == 1
    assert "error[unknown-field]" in out.stderr and out.stdout == ""
    assert target.read_text() == "previous"  # an invalid file never clobbers a previous payload


def test_usage_error_is_exit_1_not_2() -> None:
    out = run("validate")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    out = run("no-such-command")
    assert out.returncode == 1


def test_missing_file(tmp_path: Path) -> None:
    out = run("compile", str(tmp_path / "nope.yaml"))
    assert out.returncode == 1 and "error[file-not-found]" in out.stderr and "Traceback" not in out.stderr


HOSTILE_NAME = "a\n\x1b[31merror: forged\r.yaml"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("validate", "{name}"), id="validate"),
        pytest.param(("compile", "{name}"), id="compile"),
        pytest.param(("show", "{name}"), id="show"),
        pytest.param(("fmt", "--check", "{name}"), id="fmt"),
        pytest.param(("diff", "{good}", "{name}"), id="diff"),
        pytest.param(("plan", "{name}"), id="plan"),
        pytest.param(("apply", "{name}", "--auto-approve"), id="apply"),
    ],
)
def test_every_message_is_one_line_whatever_it_quotes(
    args: tuple[str, ...], good: Path, tmp_path: Path
) -> None:
    """A file name (or a hub's message) with newlines and escape sequences never forges output lines."""
    (tmp_path / ".git").mkdir()
    argv = [a.format(name=HOSTILE_NAME, good=good) for a in args]
    out = run(*argv, cwd=tmp_path)
    assert out.returncode == 1, out
    assert "\x1b" not in out.stderr + out.stdout and "Traceback" not in out.stderr
    assert not any(line.startswith("error: forged") for line in out.stderr.splitlines()), out.stderr


def test_internal_error_has_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], good: Path
) -> None:
    import ontology_kit.project.check as v

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(v, "check_paths", boom)
    monkeypatch.delenv("ONTOKIT_DEBUG", raising=False)
    assert main(["validate", str(good)]) == 4
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: simulated bug" in err and "Traceback" not in err


def test_output_to_unwritable_place(good: Path, tmp_path: Path) -> None:
    out = run("compile", str(good), "-o", str(tmp_path / "no" / "such" / "dir" / "x.json"))
    assert (
        out.returncode == 1 and out.stderr.startswith("error: cannot write") and "Traceback" not in out.stderr
    )


def test_hub_serve(tmp_path: Path) -> None:
    import signal

    import httpx

    db = tmp_path / "served.sqlite3"
    proc = serve_hub(db)
    try:
        assert proc.stdout is not None
        url = listening_on(proc.stdout.readline())
        key = proc.stdout.readline().split("API key: ")[1].strip()
        r = httpx.post(url + "/v2/project", json={"name": "served"}, headers={"apikey": key})
        assert r.status_code == 201
        assert httpx.get(url + "/v2/listProjects", headers={"apikey": "wrong"}).status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err
    assert db.exists()


def test_hub_serve_with_given_key_does_not_print_it(tmp_path: Path) -> None:
    import signal

    proc = serve_hub(tmp_path / "h.sqlite3", "--api-key", "my-private-key")
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(3)]
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert "my-private-key" not in "".join(lines) + out + err


def test_hub_serve_stops_on_ctrl_c_even_when_started_with_sigint_ignored(tmp_path: Path) -> None:
    """A shell starts background jobs with SIGINT ignored, and Python keeps it so: `hub serve` must
    still stop on Ctrl-C (tests and scripts stop it that way)."""
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ontology_kit",
            "hub",
            "serve",
            "--port",
            "0",
            "--db",
            str(tmp_path / "h.sqlite3"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert proc.stdout is not None
        assert "listening on" in proc.stdout.readline()
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
        # stopped: "stopped" (0), or 130 when Ctrl-C comes before serving began (an interrupt)
        assert proc.returncode in (0, 130)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_hub_serve_bad_faults_spec(tmp_path: Path) -> None:
    out = run("hub", "serve", "--faults", "boom=1", "--db", str(tmp_path / "h.sqlite3"))
    assert out.returncode == 1 and "bad fault spec" in out.stderr


def test_hub_projects_embedded_and_served(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    from ontology_kit.client import open_client, resolve_target

    with open_client(resolve_target("embedded", env={}, cwd=tmp_path), env={}) as c:
        pid = c.create_project("Road scenes")["_id"]
    out = run("hub", "projects", cwd=tmp_path, env={"ONTOKIT_HUB": ""})
    assert out.returncode == 0, out.stderr
    assert out.stderr.startswith("hub: embedded local hub (.ontokit/hub.sqlite3)")
    assert pid in out.stdout and "Road scenes" in out.stdout
    listed = json.loads(
        run("hub", "projects", "--format", "json", cwd=tmp_path, env={"ONTOKIT_HUB": ""}).stdout
    )
    assert [p["_id"] for p in listed] == [pid]


def test_hub_projects_errors_are_one_line(tmp_path: Path) -> None:
    out = run("hub", "projects", "--hub", "ango", cwd=tmp_path, env={"ANGO_API_KEY": ""})
    assert out.returncode == 1 and "set ANGO_API_KEY" in out.stderr and "Traceback" not in out.stderr
    out = run(
        "hub",
        "projects",
        "--hub",
        "http://127.0.0.1:9",
        cwd=tmp_path,
        env={"ANGO_API_KEY": "k", "ONTOKIT_HTTP_ATTEMPTS": "2"},
    )
    assert out.returncode == 1 and "cannot connect" in out.stderr and "k\n" not in out.stderr
    assert "Traceback" not in out.stderr


def test_a_corrupt_embedded_hub_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ontokit").mkdir()
    (tmp_path / ".ontokit" / "hub.sqlite3").write_text("not a database")
    out = run("hub", "projects", cwd=tmp_path, env={"ONTOKIT_HUB": ""})
    assert out.returncode == 1 and "cannot open the embedded local hub" in out.stderr
    assert "Traceback" not in out.stderr


def test_every_listed_command_loads_and_importing_the_cli_loads_none() -> None:
    import click

    from ontology_kit.cli import COMMANDS, cli

    for name in COMMANDS:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.name == name
    code = "import sys, ontology_kit.cli; print(sorted(m for m in sys.modules if '.cli.commands.' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
