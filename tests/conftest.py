"""Shared fixtures: a local Hub served over HTTP, and clients for it (HTTP and in-process)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ontology_kit.client import HubClient, InProcessTransport
from ontology_kit.hub import FaultConfig, HubStore, build_app, start_server


@dataclass
class LocalHub:
    """A local Hub under test: its store, app, URL (when served) and two organizations' keys."""

    store: HubStore
    app: Any
    url: str | None
    key: str
    other_key: str
    org: str

    def client(self, mode: str = "http", key: str | None = None, **options: Any) -> HubClient:
        options.setdefault("sleep", lambda seconds: None)
        if mode == "http":
            assert self.url is not None
            return HubClient(self.url, key or self.key, **options)
        return HubClient(
            "http://inprocess.test",
            key or self.key,
            transport=InProcessTransport(self.app),
            label="in-process hub",
            **options,
        )


def _make_hub(
    tmp_path: Path, faults: FaultConfig | None = None, serve: bool = True, copy_of: LocalHub | None = None
) -> Iterator[LocalHub]:
    """A local Hub in ``tmp_path``: new, or (``copy_of``) a copy of another's database and keys, so
    that an expensive setup is made once and each test gets its own copy."""
    db = tmp_path / "hub.sqlite3"
    if copy_of is not None:
        copy_hub_db(Path(copy_of.store.path), db)
    app, store = build_app(db, faults)
    if copy_of is not None:
        org, key, other = copy_of.org, copy_of.key, copy_of.other_key
    else:
        org, key = store.create_organization("acme")
        _, other = store.create_organization("globex")
    server = start_server(app) if serve else None
    try:
        yield LocalHub(store, app, server.url if server else None, key, other, org)
    finally:
        if server is not None:
            server.stop()


def copy_hub_db(source: Path, target: Path) -> None:
    """A consistent copy of a local Hub's SQLite database (its write-ahead log included)."""
    import sqlite3

    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    """A fresh local Hub served on a free loopback port."""
    yield from _make_hub(tmp_path)


@pytest.fixture(params=["http", "inprocess"])
def client(request: pytest.FixtureRequest, local_hub: LocalHub) -> Iterator[HubClient]:
    """ontokit's client against the local Hub, over HTTP and in-process."""
    with local_hub.client(request.param) as c:
        yield c


@pytest.fixture
def make_hub(tmp_path: Path) -> Iterator[Any]:
    """A factory for hubs with fault injection: ``make_hub(FaultConfig(...), serve=True)``."""
    hubs: list[Iterator[LocalHub]] = []

    def factory(faults: FaultConfig | None = None, serve: bool = True) -> LocalHub:
        folder = tmp_path / f"hub{len(hubs)}"
        folder.mkdir()
        gen = _make_hub(folder, faults, serve)
        hubs.append(gen)
        return next(gen)

    yield factory
    for gen in hubs:
        for _ in gen:  # runs the cleanup
            pass


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for running ontokit in a test: no hub, key or debug flag from outside; no colors."""
    import os

    out = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ONTOKIT_HUB", "ANGO_API_KEY", "ONTOKIT_DEBUG", "ONTOKIT_PLAN_KEY", "ONTOKIT_RATE_LIMIT")
    }
    out.update(NO_COLOR="1", GIT_CONFIG_NOSYSTEM="1", **extra)
    return out


def serve_hub(db: Path, *options: str) -> Any:
    """`ontokit hub serve --port 0 --db DB OPTIONS`, started in DB's folder with a clean environment
    (a ``subprocess.Popen`` with text pipes); its first line says where it listens
    (:func:`listening_on`). Stop it with SIGINT."""
    import subprocess
    import sys

    return subprocess.Popen(
        [sys.executable, "-m", "ontology_kit", "hub", "serve", "--port", "0", "--db", str(db), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=db.parent,
        env=clean_env(),
    )


@contextlib.contextmanager
def served_hub(db: Path, *options: str) -> Iterator[str]:
    """`ontokit hub serve` (:func:`serve_hub`) while the block runs: its URL; stopped with SIGINT."""
    import signal

    proc = serve_hub(db, *options)
    try:
        assert proc.stdout is not None
        yield listening_on(proc.stdout.readline())
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)


def listening_on(line: str) -> str:
    """The URL in `hub serve`'s first line (``listening on http://127.0.0.1:PORT ...``)."""
    import re

    found = re.search(r"listening on (http://127\.0\.0\.1:\d+) ", line)
    assert found, line
    return found.group(1)


def run_ontokit(*args: str, cwd: Path, env: dict[str, str] | None = None, inprocess: bool = False) -> Any:
    """The real command line (a subprocess, no terminal; ``env``: variables to add to a clean
    environment); never a traceback, whatever happens. With ``inprocess``, the same run in this
    process (:func:`invoke_ontokit`), as a ``subprocess.CompletedProcess``."""
    import subprocess
    import sys

    if inprocess:
        code, out, err = invoke_ontokit(*args, cwd=cwd, env=clean_env(**(env or {})))
        done = subprocess.CompletedProcess(["ontokit", *args], code, out, err)
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        assert "internal error" not in done.stderr, done.stderr
        return done
    proc = subprocess.run(
        [sys.executable, "-m", "ontology_kit", *args],
        cwd=cwd,
        env=clean_env(**(env or {})),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr
    return proc


def invoke_ontokit(
    *args: str, cwd: Path, env: dict[str, str], stdin: str | None = None
) -> tuple[int, str, str]:
    """``ontokit ARGS`` in this process (``ontology_kit.cli.main``) as a subprocess would run it, less
    the ~0.4 s of imports: ``env`` is the whole environment, ``cwd`` the working folder, stdin the given
    text or nothing, no terminal. (exit code, stdout, stderr). Not for tests of signals, concurrency,
    a terminal or a real process's exit."""
    import os
    import sys
    import warnings

    from click.testing import CliRunner

    from ontology_kit.cli import main

    # CliRunner sets the variables it is given and restores them after: unset every other one.
    delta: dict[str, str | None] = {k: None for k in os.environ if k not in env}
    delta.update(env)
    before = os.getcwd()
    with CliRunner().isolation(input=stdin or "", env=delta) as (out, err, _):
        # Warnings as a fresh interpreter shows them (on stderr), not as pytest collects them.
        with warnings.catch_warnings(record=True) as caught:
            warnings.resetwarnings()
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", category)
            os.chdir(cwd)
            try:
                code = main(list(args))
            finally:
                os.chdir(before)
        for w in caught:
            sys.stderr.write(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line))
        sys.stdout.flush()
        sys.stderr.flush()
    return code, out.getvalue().decode(), err.getvalue().decode()
