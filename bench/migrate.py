"""ontokit migration bench: ``ontokit apply`` migrating 100,000 answer elements on the local Hub.

A project is applied from a live label set, and its tasks (default 20,000) are given answers in
which 5 elements per task are carried by the declared migrations: 3 tool objects by a rekey
(``Truck`` -> ``Lorry``), one nested radio answer by a merge of options (``Red``, ``Crimson`` ->
``Warm``) and one nested radio answer by a convert (radio ``Indicator`` -> checkbox ``Signals``);
2 more elements per task (the ``Vehicle`` object, a ``Weather`` answer) are left as they are. Then
``ontokit apply --auto-approve`` runs the migrations against ``ontokit hub serve``, as a subprocess,
end to end: planning (with counts), the backup, the label set, the rewrite and the read-back check.

Figures (see bench/README.md, "Migrating answers: bench/migrate.py"): the apply's wall time and
peak RSS, the hub server's peak RSS, for N tasks and for ``--scale`` times N (default 2N), and a
check of the result (no answer still names a migrated-away id; every migrated one arrived).

Goals: the apply of N tasks (5 N migrated elements) <= 30 s; the peak RSS of the apply process and of
the hub server <= 300 MB at both sizes; and memory bounded: the apply's peak RSS grows by at most 10 %
from N to ``--scale`` N tasks (it holds a page of tasks, never the project).

Usage::

    python bench/migrate.py [--tasks 20000] [--scale 2] [--json] [--strict] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Import the working tree's package, whatever the current directory and however it was installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from goals import Goal, JsonReport, add_report_options
from hubs import Served, serve
from plan import ontokit_command
from run import machine

from ontology_kit.hub import HubStore
from ontology_kit.hub import annotations_store as ann
from ontology_kit.hub.answers import answer

#: The bench's own key (a throw-away local hub; not a secret of anyone's).
API_KEY = "ontokit-bench-migrate"
TIME_GOAL_S = 30.0
RSS_GOAL_MB = 300.0
GROWTH_GOAL = 1.10
#: Migrated answer elements per task (3 Truck objects, a Color answer, an Indicator answer).
MIGRATED_PER_TASK = 5
#: Tasks stored in one transaction while the hub is built.
CHUNK = 20_000
NOW = "2026-11-30T00:00:00.000Z"
PROJECT = "name: Bench migrate\nontology: ontology.yaml\n"

LIVE = """\
tools:
  - title: Vehicle
    type: bounding-box
    classifications:
      - title: Color
        type: radio
        options: [Red, Crimson, Blue, Green]
      - title: Indicator
        type: radio
        options: [L, R]
  - title: Truck
    type: polygon
classifications:
  - title: Weather
    type: radio
    options: [Sunny, Rainy]
"""

DESIRED = """\
tools:
  - title: Vehicle
    type: bounding-box
    classifications:
      - title: Color
        type: radio
        options: [Warm, Blue, Green]
      - title: Signals
        type: checkbox
        options: [Left, Right]
  - title: Lorry
    type: polygon
classifications:
  - title: Weather
    type: radio
    options: [Sunny, Rainy]
migrations:
  - merge: [[Vehicle, Color, Red], [Vehicle, Color, Crimson]]
    into: [Vehicle, Color, Warm]
  - convert: [Vehicle, Indicator]
    to: [Vehicle, Signals]
    values: {L: Left, R: Right}
  - rekey: [Truck]
    to: [Lorry]
"""


@dataclass
class Size:
    """What one size measured (seconds, MB of 10^6 bytes)."""

    tasks: int
    elements: int
    migrated: int
    build_s: float
    apply_s: float
    apply_cpu_s: float
    apply_peak_mb: float
    server_cpu_s: float | None
    server_start_mb: float | None
    server_peak_mb: float | None
    backup_bytes: int
    check: str


@dataclass
class Report(JsonReport):
    """Every figure one run measured."""

    machine: dict[str, Any]
    sizes: list[Size]
    growth: float
    goals: list[Goal] = field(default_factory=list)


# -- building the hub -------------------------------------------------------------------------------------
def ids_of(schema: dict[str, Any]) -> dict[str, str]:
    """Every item's schemaId by its title (an option by its value)."""
    out: dict[str, str] = {}
    todo: list[Any] = [*schema["tools"], *schema["classifications"], *schema["relations"]]
    while todo:
        item = todo.pop()
        out.setdefault(item.get("title") or item.get("value"), item["schemaId"])
        todo += [*(item.get("classifications") or []), *(item.get("options") or [])]
    return out


def label(n: int, ids: dict[str, str]) -> dict[str, Any]:
    """Task ``n``'s answer, as ``import_labels`` takes it: 7 elements, 5 of them migrated."""
    color = ids["Red"] if n % 2 else ids["Crimson"]
    trucks = [
        {"schemaId": ids["Truck"], "objectId": f"t{n}-{k}", "polygon": [[k, 0], [k + 5, 0], [k + 5, 5]]}
        for k in range(3)
    ]
    vehicle = {
        "schemaId": ids["Vehicle"],
        "objectId": f"v{n}",
        "bounding-box": {"x": n % 640, "y": n % 480, "width": 40, "height": 30},
        "classifications": [
            {"schemaId": ids["Color"], "answer": color},
            {"schemaId": ids["Indicator"], "answer": ids["L"] if n % 3 else ids["R"]},
        ],
    }
    weather = {"schemaId": ids["Weather"], "answer": ids["Sunny"] if n % 5 else ids["Rainy"]}
    return {"externalId": f"task-{n:07d}", "objects": [vehicle, *trucks], "classifications": [weather]}


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> str:
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return proc.stdout + proc.stderr


def build(folder: Path, tasks: int, cmd: list[str], env: dict[str, str]) -> tuple[HubStore, str]:
    """A hub in ``folder/hub.sqlite3`` holding the project applied from :data:`LIVE` (by ``ontokit
    apply`` through a served hub) and ``tasks`` answered tasks, stored with the hub's own store
    functions (the rows ``upload_files_cloud`` and ``import_labels`` write, each answer checked by
    ``answers.answer``), in transactions of :data:`CHUNK` tasks instead of requests of 1,000."""
    work = folder / "work"
    (work / ".git").mkdir(parents=True)
    (work / "project.yaml").write_text(PROJECT, encoding="utf-8")
    (work / "ontology.yaml").write_text(LIVE, encoding="utf-8")
    store = HubStore(folder / "hub.sqlite3")
    store.create_organization("bench", API_KEY)
    server = serve(cmd, env, folder / "hub.sqlite3")
    try:
        _run([*cmd, "apply", "project.yaml", "--auto-approve", "--hub", server.url], env, work)
    finally:
        server.stop()
    with store.read() as db:
        project_id, doc = db.execute("SELECT id, doc FROM projects").fetchone()
    ids = ids_of(json.loads(doc)["categorySchema"])
    done = 0
    while done < tasks:
        with store.write() as db:
            project = json.loads(
                db.execute("SELECT doc FROM projects WHERE id = ?", (project_id,)).fetchone()[0]
            )
            stage = project["stages"][1]["id"] if len(project.get("stages") or []) > 1 else "Label"
            for n in range(done, min(done + CHUNK, tasks)):
                item = label(n, ids)
                ext = item["externalId"]
                asset = {"externalId": ext, "data": f"https://example.test/{ext}.jpg", "batches": []}
                ann.insert_asset(db, project_id, (f"a{n:023x}", f"{n:024x}"), asset, stage, 0, NOW)
                ann.set_answer(db, f"{n:024x}", answer(item, f"jsonContent[{n}]"), NOW)
            done = min(done + CHUNK, tasks)
            project["assetCount"] = done
            store.save_project(db, project)
    return store, str(project_id)


def check(store: HubStore, project_id: str, tasks: int, old: dict[str, str]) -> str:
    """What the hub holds after the apply: "ok", or what is wrong."""
    gone = [old[k] for k in ("Truck", "Red", "Crimson", "Indicator", "L", "R")]
    with store.read() as db:
        schema = json.loads(db.execute("SELECT doc FROM projects WHERE id = ?", (project_id,)).fetchone()[0])
        new = ids_of(schema["categorySchema"])
        counts = dict(
            db.execute(
                "SELECT schema_id, COUNT(*) FROM answer_refs WHERE project = ? GROUP BY schema_id",
                (project_id,),
            ).fetchall()
        )
    problems = [f"{counts[sid]} answers still name {sid}" for sid in gone if counts.get(sid)]
    wanted = {
        new["Lorry"]: 3 * tasks,
        new["Warm"]: tasks,
        new["Signals"]: tasks,
        new["Vehicle"]: tasks,
        new["Weather"]: tasks,
    }
    problems += [
        f"{sid}: {counts.get(sid, 0)} answers, not {n}" for sid, n in wanted.items() if counts.get(sid) != n
    ]
    return "; ".join(problems) or "ok"


# -- measuring ----------------------------------------------------------------------------------------------
def _mb(kib: float | None) -> float | None:
    return None if kib is None else kib * 1024 / 1e6


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds process ``pid`` has used so far (Linux ``/proc``; else None)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, str, float]:
    """Wall-clock seconds, peak RSS (KiB, ``ru_maxrss`` of that one process, from ``wait4``), the
    output and the CPU seconds (user + system) of ``cmd``, which must exit 0."""
    out = cwd / "apply.log"
    with open(out, "w", encoding="utf-8") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    text = out.read_text(encoding="utf-8")
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {os.waitstatus_to_exitcode(status)}:\n{text}")
    return elapsed, usage.ru_maxrss, text, usage.ru_utime + usage.ru_stime


def measure_size(folder: Path, tasks: int, cmd: list[str], env: dict[str, str], profile: Path | None) -> Size:
    """Build the hub for ``tasks`` tasks, serve it afresh, and time the migrating apply."""
    start = time.perf_counter()
    store, project_id = build(folder, tasks, cmd, env)
    built = time.perf_counter() - start
    with store.read() as db:
        old = ids_of(json.loads(db.execute("SELECT doc FROM projects").fetchone()[0])["categorySchema"])
        elements = db.execute("SELECT COUNT(*) FROM answer_refs WHERE kind != 'option'").fetchone()[0]
    work = folder / "work"
    (work / "ontology.yaml").write_text(DESIRED, encoding="utf-8")
    # A new server for the apply alone: its peak RSS is what serving the migration cost.
    profiled = [sys.executable, str(Path(__file__).resolve().parent / "profiled.py")]
    server: Served = serve(
        [*profiled, str(profile / "hub.prof")] if profile else cmd, env, folder / "hub.sqlite3"
    )
    try:
        started = server.status_kib("VmRSS")
        apply = [*cmd, "apply", "project.yaml", "--auto-approve", "--hub", server.url]
        if profile is not None:
            apply = [*profiled, str(profile / "apply.prof"), *apply[len(cmd) :]]
        before = cpu_seconds(server.proc.pid)
        seconds, peak, _, cpu = timed(apply, env, work)
        after = cpu_seconds(server.proc.pid)
    finally:
        server.stop()
    backups = list((work / ".ontokit" / "backups").glob("*.ndjson"))
    return Size(
        tasks=tasks,
        elements=int(elements),
        migrated=MIGRATED_PER_TASK * tasks,
        build_s=built,
        apply_s=seconds,
        apply_cpu_s=cpu,
        server_cpu_s=None if before is None or after is None else after - before,
        apply_peak_mb=float(_mb(peak) or 0),
        server_start_mb=_mb(started),
        server_peak_mb=_mb(server.peak_kib),
        backup_bytes=sum(b.stat().st_size for b in backups),
        check=check(store, project_id, tasks, old),
    )


def measure(tasks: int, scale: int, directory: Path, bytecode: bool, profile: bool) -> Report:
    """Both sizes, and the goals."""
    cmd, env = ontokit_command(bytecode, directory / "pycache")
    env = {k: v for k, v in env.items() if k not in ("ONTOKIT_HUB_FAULTS", "ONTOKIT_RATE_LIMIT")}
    env["ANGO_API_KEY"] = API_KEY
    sizes = []
    for n in (tasks, scale * tasks) if scale > 1 else (tasks,):
        folder = directory / f"tasks-{n}"
        stats = folder if profile and n == tasks else None
        sizes.append(measure_size(folder, n, cmd, env, stats))
        if stats is not None:
            _print_profile(stats / "apply.prof", "the apply")
            _print_profile(stats / "hub.prof", "the hub server")
    first, last = sizes[0], sizes[-1]
    report = Report(
        machine={**machine(), "bytecode": bytecode},
        sizes=sizes,
        growth=last.apply_peak_mb / first.apply_peak_mb,
    )
    report.goals = [
        Goal(f"ontokit apply, {first.migrated:,} answers migrated", first.apply_s, TIME_GOAL_S, "s"),
        *(
            Goal(f"peak RSS of ontokit apply, {s.tasks:,} tasks", s.apply_peak_mb, RSS_GOAL_MB, "MB")
            for s in sizes
        ),
        *(
            Goal(
                f"peak RSS of ontokit hub serve, {s.tasks:,} tasks",
                s.server_peak_mb or float("inf"),
                RSS_GOAL_MB,
                "MB",
            )
            for s in sizes
        ),
    ]
    if len(sizes) > 1:
        report.goals.append(
            Goal(f"apply peak RSS, {last.tasks:,} vs {first.tasks:,} tasks", report.growth, GROWTH_GOAL, "x")
        )
    report.goals += [
        Goal(f"answers as migrated, {s.tasks:,} tasks ({s.check})", float(s.check != "ok"), 0, "problems")
        for s in sizes
    ]
    return report


def _print_profile(path: Path, what: str) -> None:
    import pstats

    print(
        f"cProfile of {what}, on one thread (bench/profiled.py; slower than timed): {path}", file=sys.stderr
    )
    pstats.Stats(str(path), stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    pstats.Stats(str(path), stream=sys.stderr).sort_stats("tottime").print_stats(30)


# -- the report ---------------------------------------------------------------------------------------------
def _size(mb: float | None) -> str:
    return f"{'n/a':>8} MB" if mb is None else f"{mb:8.1f} MB"


def render_table(r: Report) -> str:
    """The human-readable report: an aligned table, then one PASS/FAIL line per goal."""
    rows: list[tuple[str, str]] = [
        ("hub", "ontokit hub serve (a subprocess: its memory apart from the apply's)")
    ]
    for s in r.sizes:
        rows += [
            (
                f"{s.tasks:,} tasks",
                f"{s.elements:,} answer elements, {s.migrated:,} migrated; built in {s.build_s:.1f} s",
            ),
            (
                "  ontokit apply",
                f"{s.apply_s:8.2f} s   end to end: plan, backup, label set, rewrite, read-back",
            ),
            (
                "  CPU time",
                f"{s.apply_cpu_s:8.2f} s   the apply process; the hub server: "
                + ("n/a" if s.server_cpu_s is None else f"{s.server_cpu_s:.2f} s"),
            ),
            ("  apply peak RSS", f"{_size(s.apply_peak_mb)}   the apply process (wait4)"),
            (
                "  hub server RSS",
                f"{_size(s.server_peak_mb)}   peak (started at {_size(s.server_start_mb).strip()})",
            ),
            ("  backup", f"{s.backup_bytes / 1e6:8.1f} MB"),
            ("  answers", s.check),
        ]
    if len(r.sizes) > 1:
        rows.append(
            ("apply RSS growth", f"{r.growth:8.2f}x   {r.sizes[-1].tasks:,} vs {r.sizes[0].tasks:,} tasks")
        )
    width = max(len(name) for name, _ in rows)
    lines = [f"ontokit migration bench  ({r.machine['cpus']} CPUs, Python {r.machine['python']})", ""]
    lines += [f"  {name:<{width}}  {value}".rstrip() for name, value in rows]
    lines.append("")
    lines += [f"{g.status}  {g.name}: {g.value:.2f} {g.unit} (goal <= {g.limit:g} {g.unit})" for g in r.goals]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--tasks", type=int, default=20_000, help="tasks (default 20,000: 100,000 migrated answers)"
    )
    p.add_argument("--scale", type=int, default=2, help="the second size, times --tasks (default 2; 1: none)")
    p.add_argument("--keep", type=Path, default=None, help="work in DIR (kept) instead of a temp dir")
    p.add_argument("--profile", action="store_true", help="run the first apply under cProfile and print it")
    add_report_options(p, bytecode=True)
    args = p.parse_args(argv)
    if args.tasks < 1 or args.scale < 1:
        p.error("--tasks and --scale must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report; see the module docstring."""
    args = parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
        report = measure(args.tasks, args.scale, args.keep, args.bytecode, args.profile)
    else:
        with tempfile.TemporaryDirectory(prefix="ontokit-migrate-") as tmp:
            report = measure(args.tasks, args.scale, Path(tmp), args.bytecode, args.profile)
    print(json.dumps(report.as_json(), indent=2) if args.json else render_table(report), end="")
    failed = any(g.status == "FAIL" for g in report.goals)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
