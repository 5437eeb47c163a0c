"""``ontokit hub serve``, ``ontokit hub projects`` and ``ontokit hub load``."""

from __future__ import annotations

import click

from ...errors import ExitCode
from ._common import echo_line, format_option, lock_timeout_option


@click.group("hub")
def hub_group() -> None:
    """The local Hub: an emulator of Ango Hub's REST API on SQLite.

    Without --hub, ontokit's commands use it in-process from .ontokit/ at the
    repo root. `ontokit hub serve` exposes the same hub over HTTP, for the
    official SDK or another machine's tools.
    """


@hub_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one)."
)
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite database file [default: .ontokit/hub.sqlite3 at the repo root, shared with the "
    "embedded hub].",
)
@click.option(
    "--api-key",
    envvar="ONTOKIT_HUB_API_KEY",
    default=None,
    help="Accept this API key (for the default organization). Default: the embedded hub's key.",
)
@click.option(
    "--faults",
    default=None,
    metavar="SPEC",
    help="Inject faults, for tests: '429=0.1,5xx=0.3,drop=0.05,latency=0.01,retry-after=1,seed=7'; "
    "'without=legacy-webhooks' (or annotation-counts, locks; several joined by +) withdraws extensions, "
    "as the real Hub lacks them.",
)
@click.option(
    "--rate-limit",
    default=None,
    metavar="N/PERIOD",
    help="Answer 429 with Retry-After to an API key's requests over this budget, as the real Hub "
    "does (Ango's Standard plan: 100/min) [default: off].",
)
def serve_command(
    host: str, port: int, db: str | None, api_key: str | None, faults: str | None, rate_limit: str | None
) -> int:
    """Serve the local Hub over HTTP until interrupted.

    With --rate-limit N/PERIOD (100/min, 5/s, 1000/hour), each API key may
    make at most N requests in any window of PERIOD; the next is answered
    429 with Retry-After (seconds), unprocessed.

    \b
    Examples:
      ontokit hub serve
      ontokit hub serve --port 9000 --db /tmp/hub.sqlite3 --api-key dev-key
      ontokit hub serve --rate-limit 100/min
      ONTOKIT_HUB=http://127.0.0.1:8080 ANGO_API_KEY=<key> ontokit ...
    """
    import signal
    from pathlib import Path

    from ...client.target import DB_NAME, state_dir
    from ...hub import FaultConfig, HubServer, RateLimiter, serve_local_hub
    from ...rate_limit import RateLimit

    try:
        fault_config = FaultConfig.parse(faults) if faults else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from None
    try:
        limit = RateLimit.parse(rate_limit) if rate_limit else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rate-limit") from None
    db_path = Path(db) if db else state_dir() / DB_NAME
    # Ctrl-C (SIGINT) stops the server even when it was started where SIGINT is ignored (a shell
    # runs background jobs so, and Python then keeps ignoring it): the documented way to stop it.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def ready(server: HubServer, own_key: str | None) -> None:
        echo_line(f"ontokit local hub listening on {server.url} (database: {db_path})")
        echo_line(f"API key: {own_key or '(the key given with --api-key)'}")
        echo_line(f"Use it with: ONTOKIT_HUB={server.url} ANGO_API_KEY=<key> ontokit ...  (Ctrl-C stops it)")
        if fault_config and fault_config.active:
            echo_line(f"fault injection: {faults}")
        if limit is not None:
            echo_line(f"rate limit: {limit} per API key (429 with Retry-After beyond it)")

    served = serve_local_hub(
        db_path, host, port, faults=fault_config, rate_limit=limit, api_key=api_key, on_ready=ready
    )
    if isinstance(served, RateLimiter):
        counts = f"{served.accepted} requests served, {served.refused} answered 429"
        click.echo(f"rate limit {served.limit}: {counts}")
    click.echo("stopped")
    return ExitCode.OK


@hub_group.command("projects")
@click.option(
    "--hub",
    "hub",
    default=None,
    metavar="URL",
    help="Hub to use: a URL, ango, ango-us, ango-in, or embedded [default: $ONTOKIT_HUB, else embedded].",
)
@format_option("the list")
def projects_command(hub: str | None, fmt: str) -> int:
    """List the projects the API key can see on a hub.

    \b
    Examples:
      ontokit hub projects
      ANGO_API_KEY=... ontokit hub projects --hub ango --format json
    """
    from ...render.projects import render_projects
    from ...workflow import list_projects
    from ..run_view import RunView

    with RunView():  # retries are told
        projects = list_projects(hub, on_hub=lambda t: echo_line(f"hub: {t.description}", err=True))
    click.echo(render_projects(projects, fmt), nl=False)
    if fmt == "text":
        echo_line(f"{len(projects)} project" + ("" if len(projects) == 1 else "s"), err=True)
    return ExitCode.OK


@hub_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--project", "project", required=True, metavar="ID|NAME", help="The project to load into.")
@click.option(
    "--hub",
    "hub",
    default=None,
    metavar="URL",
    help="Hub to use: a URL, a hub's short name, or embedded [default: $ONTOKIT_HUB, else the "
    "workspace's hub:, else embedded].",
)
@lock_timeout_option("apply or load to release the project")
def load_command(file: str, project: str, hub: str | None, lock_timeout: float) -> int:
    """Load labeling data in Ango's export format into a project.

    FILE is an export: NDJSON (one task a line), a JSON list, or the zip
    `export` downloads. The whole file is checked first (every problem on
    its own line; nothing is sent while one remains). Then each task's asset
    is uploaded (unless the project has it), its answer imported (replacing
    the task's answer), and the task moved forward to its stage, through the
    official SDK's routes only, under the project's lock. Running it again
    changes nothing more; after Ctrl-C it resumes. Answers naming an option
    by its value text are sent by its id.

    \b
    Examples:
      ontokit hub load examples/data/driving-staging.ndjson --project "Driving scenes (staging)"
      ontokit hub load export.zip --project 64f0c0ffee... --hub http://127.0.0.1:8080
    """
    import time

    from ...workflow.loading import LoadResult, load_export
    from ...workflow.progress import RunProgress
    from ..run_view import RunView

    done: list[LoadResult] = []
    start = time.monotonic()

    def progress(result: LoadResult) -> None:
        first = not done
        done[:] = [result]
        if first and result.tasks >= result.total:  # one request's worth: the summary says it all
            return
        run.heard(RunProgress.straight(result.tasks, result.total, time.monotonic() - start))
        run.ended("tasks loaded", above_bar=False)

    try:
        with RunView("tasks") as run:
            run.begin("loading")
            result = load_export(
                file,
                project,
                hub=hub,
                lock_timeout=lock_timeout,
                on_hub=lambda target: echo_line(f"hub: {target.description}", err=True),
                on_progress=progress,
            )
    except KeyboardInterrupt:
        loaded = f"{done[0].tasks:,} of {done[0].total:,} tasks were loaded" if done else "nothing was loaded"
        echo_line(f"Interrupted: {loaded}; run the same command again to load the rest.", err=True)
        return ExitCode.INTERRUPTED
    stages = ", ".join(f"{n} in {s}" for s, n in sorted(result.stages.items()))
    left = f" {result.left} task(s) already past their stage were left where they are." if result.left else ""
    echo_line(
        f"Loaded {result.tasks} task{'s' if result.tasks != 1 else ''} ({result.uploaded} new) with "
        f"{result.annotations} annotations into project {result.project_name!r} ({result.project_id}) "
        f"on {result.hub}; tasks now: {stages}.{left}"
    )
    return ExitCode.OK
