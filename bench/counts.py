"""ontokit counting bench: what a plan's annotation counts cost on 1,000,000 answers in 200,000 tasks.

Figures (see bench/README.md, "Counting annotations: bench/counts.py"):

(i) setup: build the annotated local Hub (cached under ``bench/out/``; see ``bench/hubs.py``);
(j) ``ontokit plan`` of the edited label set (``bench/annotated.py``, ``EDITS``) against ``ontokit hub
    serve`` on that hub, as a subprocess, median of M runs; its peak RSS, and the server's;
(k) the counting part of (j): ``Planner.with_counts`` in-process, against the same server over HTTP,
    median of M; goal: (k) <= 10 s; the peak RSS of the plan process and of the hub server: <= 300 MB;
(j'), (k') the same for a file that removes every item: every answer is counted; goal: (k') <= 10 s;
(l) ``ontokit plan --no-count`` on the annotated hub, best of 2M;
(m) the same against a hub whose project holds no task, best of 2M; goal: (l) / (m) <= 1.10.

Before timing, one ``ontokit plan --format json`` must report exactly the counts the generator
tallied (``annotated.Tally``), or the bench stops with exit code 2.

Usage::

    python bench/counts.py [--runs 5] [--tasks 200000 --elements 1000000] [--json] [--strict]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Import the working tree's package, whatever the current directory and however it was installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from annotated import EDITS, EMPTIED, Data, Ids, desired_text, live_text
from goals import Goal, JsonReport, add_report_options
from hubs import API_KEY, PROJECT, Served, build, hub_env, serve
from plan import ontokit_command
from run import best_of, machine

from ontology_kit import compile_text

COUNT_GOAL_S = 10.0
RSS_GOAL_MB = 300.0
NO_COUNT_GOAL = 1.10
EMPTIED_PROJECT = "emptied-project.yaml"
#: How many times more often than the plan the two --no-count plans are run (best of those).
NO_COUNT_TURNS = 2


@dataclass
class Report(JsonReport):
    """Every figure one run measured (seconds, MB of 10^6 bytes)."""

    machine: dict[str, Any]
    runs: int
    data: dict[str, Any]
    setup: dict[str, Any]
    counts: dict[str, Any]
    plan_s: float
    plan_emptied_s: float
    plan_peak_mb: float
    counting_s: float
    counting_runs_s: list[float]
    counting_emptied_s: float
    queries_s: dict[str, float]
    no_count_s: float
    no_count_median_s: float
    no_count_empty_s: float
    server_start_mb: float | None
    server_peak_mb: float | None
    empty_server_peak_mb: float | None
    goals: list[Goal] = field(default_factory=list)


# -- running plans --------------------------------------------------------------------------------
def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """Wall-clock seconds and peak RSS (KiB, the kernel's ``ru_maxrss`` of that one process, read
    with ``wait4``) of ``cmd``, which must exit 0 (output discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode} during timing")
    return elapsed, usage.ru_maxrss


def plan_json(cmd: list[str], env: dict[str, str], work: Path, url: str, definition: str) -> dict[str, Any]:
    """``ontokit plan DEFINITION --format json`` against ``url``."""
    proc = subprocess.run(
        [*cmd, "plan", definition, "--format", "json", "--hub", url],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"ontokit plan exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return dict(json.loads(proc.stdout))


def check_counts(plan: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Where the plan's counts differ from the generator's tally, ``wanted`` by schemaId (empty:
    every count is right)."""
    found = {
        c["schema_id"]: c for p in plan["projects"] for c in p["changes"] if c.get("affected") is not None
    }
    problems = [f"no counted change of {sid}" for sid in wanted if sid not in found]
    for sid, change in found.items():
        want = wanted.get(sid)
        got = change["affected"]
        if want is None:
            problems.append(f"{change['path']}: counted {got}, but the bench edited no such item")
            continue
        want = {k: v for k, v in want.items() if v is not None}
        if got != want:
            problems.append(f"{change['path']}: the plan says {got}, the generator counted {want}")
    return problems


def counting_times(url: str, definition: Path, runs: int) -> tuple[list[float], Any]:
    """Seconds of each of ``runs`` calls of ``Planner.with_counts``: the counting part of a plan,
    in-process, against the served hub (the live project is read and diffed once, untimed); and the
    plan and live project, for :func:`query_times`."""
    from ontology_kit.client import open_client, resolve_target
    from ontology_kit.project.load import load_definitions
    from ontology_kit.workflow.planner import Planner, Target

    target = Target.of(load_definitions(str(definition)).projects[0])
    times = []
    with open_client(resolve_target(url), env={"ANGO_API_KEY": API_KEY}) as client:
        planner = Planner(client, url)
        live = planner.read_live(target)
        project = planner.plan_against(target, live)
        planner.with_counts(project, live)  # warm-up: connections, the server's page cache
        for _ in range(runs):
            start = time.perf_counter()
            planner.with_counts(project, live)
            times.append(time.perf_counter() - start)
    return times, (project, live)


def query_times(db_path: Path, planned: Any, runs: int) -> dict[str, float]:
    """Best-of-``runs`` seconds of each query the hub runs for (k), called in-process on the database
    (``hub/annotations_store.py``), with the requests the plan makes (``plan/affected.py``)."""
    import sqlite3

    from ontology_kit.hub import annotations_store as ann
    from ontology_kit.plan import affected

    project, live = planned
    pid = str(project.project_id)
    groups = [r.schema_ids for r in affected.count_requests(project, live.category_schema)]
    required = [str(project.changes[i].schema_id) for i in affected.made_required(project)]
    texts = [str(project.changes[i].schema_id) for i, _ in affected.new_regexes(project)]
    pairs = [(str(project.changes[i].schema_id), old) for i, old in affected.new_parents(project)]
    queries: dict[str, Callable[[sqlite3.Connection], object]] = {
        f"count_groups, {len(groups)} groups": lambda db: ann.count_groups(db, pid, groups),
        f"count_tasks_lacking, {len(required)}": lambda db: ann.count_tasks_lacking(db, pid, required),
        f"text_answers, {len(texts)}": lambda db: [ann.text_answers(db, pid, s, 10_000) for s in texts],
        f"count_under, {len(pairs)} pair": lambda db: ann.count_under(db, pid, pairs),
    }
    out = {}
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for name, query in queries.items():
            out[name] = best_of(lambda q=query: q(db), runs)
    finally:
        db.close()
    return out


# -- main ------------------------------------------------------------------------------------------
def _mb(kib: float | None) -> float | None:
    return None if kib is None else kib * 1024 / 1e6


def measure(data: Data, runs: int, bytecode: bool = True) -> Report:
    """Build (or reuse) the hubs, check the counts, and measure every figure."""
    cmd, env = ontokit_command(bytecode, Path(os.environ.get("TMPDIR", "/tmp")) / "ontokit-counts-pycache")
    live = live_text()
    ids = Ids.of(compile_text(live)["categorySchema"])
    start = time.perf_counter()
    folder, meta = build(data, live, ids, cmd, env)
    ready_s = time.perf_counter() - start
    work = folder / "work"
    (work / "big.yaml").write_text(desired_text(live), encoding="utf-8")
    (work / "emptied.yaml").write_text(EMPTIED, encoding="utf-8")
    (work / EMPTIED_PROJECT).write_text(PROJECT.replace("big.yaml", "emptied.yaml"), encoding="utf-8")
    env = hub_env(env)
    servers: list[Served] = []
    try:
        full = serve(cmd, env, folder / "annotated.sqlite3")
        servers.append(full)
        empty = serve(cmd, env, folder / "empty.sqlite3")
        servers.append(empty)
        started_kib = full.status_kib("VmRSS")
        plan = plan_json(cmd, env, work, full.url, "project.yaml")
        emptied = plan_json(cmd, env, work, full.url, EMPTIED_PROJECT)
        problems = check_counts(plan, meta["expected"]["edits"])
        problems += check_counts(emptied, meta["expected"]["emptied"])
        if problems:
            print("the plan's counts are wrong:\n  " + "\n  ".join(problems), file=sys.stderr)
            raise SystemExit(2)
        base = [*cmd, "plan", "project.yaml"]
        jobs = {
            "plan": [*base, "--hub", full.url],
            "plan emptied": [*cmd, "plan", EMPTIED_PROJECT, "--hub", full.url],
            "no-count": [*base, "--no-count", "--hub", full.url],
            "no-count empty": [*base, "--no-count", "--hub", empty.url],
        }
        for job in jobs.values():  # warm-up: bytecode, page cache
            timed(job, env, work)
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in jobs}
        # First the two --no-count plans (about a second each: their ratio is the noisier goal), run
        # twice as often, in turns whose order alternates; then the two counting plans, in turns.
        # Taking turns, the jobs meet a slower moment of the machine alike.
        pair = ["no-count", "no-count empty"]
        for turn in range(NO_COUNT_TURNS * runs):
            for name in pair if turn % 2 == 0 else pair[::-1]:
                results[name].append(timed(jobs[name], env, work))
        for _ in range(runs):
            for name in ("plan", "plan emptied"):
                results[name].append(timed(jobs[name], env, work))
        counting, planned = counting_times(full.url, work / "project.yaml", runs)
        counting_emptied, _ = counting_times(full.url, work / EMPTIED_PROJECT, runs)
    finally:
        for server in servers:
            server.stop()
    queries = query_times(folder / "annotated.sqlite3", planned, runs)
    plan_peak = max(kib for name in ("plan", "plan emptied") for _, kib in results[name])
    report = Report(
        machine={**machine(), "bytecode": bytecode},
        runs=runs,
        data={**dataclasses.asdict(data), "edits": [f"{what}: {' > '.join(p)}" for what, p in EDITS]},
        setup={
            "cached": ready_s < meta["apply_s"] + meta["load_s"],
            "ready_s": ready_s,
            "apply_s": meta["apply_s"],
            "load_s": meta["load_s"],
            "database_bytes": meta["bytes"],
            "folder": str(folder.relative_to(ROOT)),
        },
        counts={
            "changes": len(plan["projects"][0]["changes"]),
            "counted": len(meta["expected"]["edits"]),
            "emptied_changes": len(emptied["projects"][0]["changes"]),
            "emptied_summary": emptied["summary"]["affected"],
            "summary": plan["summary"]["affected"],
            "tasks": meta["expected"]["tasks"],
            "elements": meta["expected"]["elements"],
            "text_answers": meta["expected"]["texts"],
        },
        plan_s=statistics.median(t for t, _ in results["plan"]),
        plan_emptied_s=statistics.median(t for t, _ in results["plan emptied"]),
        plan_peak_mb=float(_mb(plan_peak) or 0),
        counting_s=statistics.median(counting),
        counting_runs_s=counting,
        counting_emptied_s=statistics.median(counting_emptied),
        queries_s=queries,
        no_count_s=min(t for t, _ in results["no-count"]),
        no_count_median_s=statistics.median(t for t, _ in results["no-count"]),
        no_count_empty_s=min(t for t, _ in results["no-count empty"]),
        server_start_mb=_mb(started_kib),
        server_peak_mb=_mb(full.peak_kib),
        empty_server_peak_mb=_mb(empty.peak_kib),
    )
    report.goals = [
        Goal("counting, Planner.with_counts (k)", report.counting_s, COUNT_GOAL_S, "s"),
        Goal("counting every answer, everything removed (k')", report.counting_emptied_s, COUNT_GOAL_S, "s"),
        Goal("peak RSS of ontokit plan (j), (j')", report.plan_peak_mb, RSS_GOAL_MB, "MB"),
        Goal("peak RSS of ontokit hub serve", report.server_peak_mb or float("inf"), RSS_GOAL_MB, "MB"),
        Goal(
            "plan --no-count, annotated vs empty hub, (l)/(m)",
            report.no_count_s / report.no_count_empty_s,
            NO_COUNT_GOAL,
            "x",
        ),
    ]
    return report


def _s(seconds: float) -> str:
    return f"{seconds:9.2f} s "


def _size(mb: float | None) -> str:
    return f"{'n/a':>9} MB" if mb is None else f"{mb:9.1f} MB"


def render_table(r: Report) -> str:
    """The human-readable report: an aligned table, then one PASS/FAIL line per goal."""
    setup = r.setup
    how = "cached" if setup["cached"] else "built now"
    summary = r.counts["summary"] or {}
    emptied = r.counts["emptied_summary"] or {}
    rows = [
        (
            "data",
            f"{r.counts['elements']:,} answer elements in {r.counts['tasks']:,} tasks, "
            f"{setup['database_bytes'] / 1e6:,.0f} MB of SQLite ({setup['folder']})",
        ),
        (
            "(i) setup",
            f"{_s(setup['ready_s'])}  {how}; when built: apply {setup['apply_s']:.1f} s, "
            f"loading the answers {setup['load_s']:.1f} s",
        ),
        (
            "counts",
            f"{r.counts['counted']} counted changes of {r.counts['changes']}, as the generator "
            f"tallied; in all {summary.get('annotations', 0):,} annotations in "
            f"{summary.get('tasks', 0):,} tasks",
        ),
        ("(j) ontokit plan", f"{_s(r.plan_s)}  median of {r.runs}, subprocess"),
        (
            "(j) peak RSS",
            f"{_size(r.plan_peak_mb)}   the plan process, largest of {2 * r.runs} ((j) and (j'))",
        ),
        (
            "(j) - (l)",
            f"{_s(r.plan_s - r.no_count_median_s)}  the medians' difference: counting, as the CLI sees it",
        ),
        ("(k) counting", f"{_s(r.counting_s)}  median of {r.runs}, Planner.with_counts over HTTP"),
        *(
            (f"  {name}", f"{_s(t)}  best of {r.runs}, the hub's query alone")
            for name, t in r.queries_s.items()
        ),
        (
            "(j') everything removed",
            f"{_s(r.plan_emptied_s)}  median of {r.runs}, subprocess; {r.counts['emptied_changes']} changes, "
            f"{emptied.get('annotations', 0):,} annotations in {emptied.get('tasks', 0):,} tasks",
        ),
        ("(k') counting", f"{_s(r.counting_emptied_s)}  median of {r.runs}, every answer counted"),
        (
            "hub server RSS",
            f"{_size(r.server_peak_mb)}   peak (started at {_size(r.server_start_mb).strip()})",
        ),
        ("(l) plan --no-count", f"{_s(r.no_count_s)}  best of {NO_COUNT_TURNS * r.runs}, the annotated hub"),
        (
            "(m) plan --no-count",
            f"{_s(r.no_count_empty_s)}  best of {NO_COUNT_TURNS * r.runs}, a hub whose project has no task",
        ),
        ("(l) / (m)", f"{r.no_count_s / r.no_count_empty_s:9.2f}x"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"ontokit counting bench  ({r.machine['cpus']} CPUs, Python {r.machine['python']})", ""]
    lines += [f"  {k:<{width}}  {v}".rstrip() for k, v in rows]
    lines.append("")
    for g in r.goals:
        lines.append(f"{g.status}  {g.name}: {g.value:.2f} {g.unit} (goal <= {g.limit} {g.unit})")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5, help="timed runs of each figure (default 5)")
    p.add_argument("--tasks", type=int, default=Data.tasks, help=f"tasks (default {Data.tasks:,})")
    p.add_argument(
        "--elements", type=int, default=Data.elements, help=f"answer elements (default {Data.elements:,})"
    )
    add_report_options(p, bytecode=True)
    args = p.parse_args(argv)
    if args.runs < 1 or args.tasks < 1 or args.elements < 0:
        p.error("--runs and --tasks must be at least 1, --elements at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report; see the module docstring."""
    args = parse_args(argv)
    report = measure(Data(args.tasks, args.elements), args.runs, args.bytecode)
    print(json.dumps(report.as_json(), indent=2) if args.json else render_table(report))
    failed = any(g.status == "FAIL" for g in report.goals)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
