"""ontokit pacing bench: a workspace of many projects planned and applied under a hub's request budget.

A generated workspace of N projects (default 50) sharing one ontology is planned and applied twice
against ``ontokit hub serve --rate-limit 100/min``, each command a subprocess paced at the same
budget (``ONTOKIT_RATE_LIMIT``):

1. ``ontokit plan`` and ``ontokit apply --auto-approve``: the projects are created;
2. one option is added to the ontology; ``ontokit plan`` and ``ontokit apply --auto-approve``: every
   project's label set is updated.

Figures (see bench/README.md, "Pacing"): the requests the hub served and the 429s it answered (from
the hub's own count, printed when it stops), the wall time of the four commands, and the time the
budget allows for those requests (requests / rate). Goals: zero 429s; wall time at most 1.15 times
what the budget allows.

Usage::

    python bench/pacing.py [--projects 50] [--limit 100/min] [--json] [--strict] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
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
from plan import ontokit_command
from run import machine

from ontology_kit.rate_limit import RateLimit

#: The bench's own key (a throw-away local hub; not a secret of anyone's).
API_KEY = "ontokit-bench-pacing"
REFUSED_GOAL = 0
WALL_GOAL = 1.15
ONTOLOGY = """\
tools:
  - title: Car
    type: bounding-box
    classifications:
      - title: Occlusion
        type: radio
        options: [None, Partial, Heavy]
  - title: Lane
    type: polyline
classifications:
  - title: Weather
    type: radio
    options: [Sunny, Rainy{extra}]
"""
PROJECT = """\
name: Pacing bench {n:03d}
description: Project {n} of a generated workspace (bench/pacing.py)
ontology: ../ontology.yaml
batches:
  - name: Week 1
  - name: Week 2
"""
_COUNTS = re.compile(r"rate limit (\S+): (\d+) requests served, (\d+) answered 429")


@dataclass
class Report(JsonReport):
    """Every figure one run measured (seconds)."""

    machine: dict[str, Any]
    projects: int
    limit: str
    commands: list[dict[str, Any]]
    served: int
    refused: int
    wall_s: float
    budget_s: float
    ratio: float
    goals: list[Goal] = field(default_factory=list)


def write_workspace(work: Path, projects: int) -> None:
    """A repository root holding ``ontokit.yaml``, one ontology and ``projects`` definitions."""
    (work / ".git").mkdir(parents=True)
    (work / "ontology.yaml").write_text(ONTOLOGY.format(extra=""), encoding="utf-8")
    (work / "projects").mkdir()
    for n in range(1, projects + 1):
        (work / "projects" / f"p{n:03d}.yaml").write_text(PROJECT.format(n=n), encoding="utf-8")
    (work / "ontokit.yaml").write_text("projects:\n  - projects/*.yaml\n", encoding="utf-8")


def _default_sigint() -> None:
    # A background job starts with SIGINT ignored; give the server the default back (hubs.py).
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Hub:
    """``ontokit hub serve --rate-limit LIMIT`` as a subprocess."""

    def __init__(self, cmd: list[str], env: dict[str, str], db: Path, limit: str) -> None:
        args = ["hub", "serve", "--db", str(db), "--port", "0", "--api-key", API_KEY, "--rate-limit", limit]
        self.proc = subprocess.Popen(
            [*cmd, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=_default_sigint,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if " listening on " not in line:
            self.proc.kill()
            raise RuntimeError(f"ontokit hub serve did not start: {line}{self.proc.communicate()[0]}")
        self.url = line.split(" listening on ")[1].split()[0]

    def stop(self) -> tuple[int, int]:
        """Stop the server (as Ctrl-C does); the requests it served and the 429s it answered."""
        self.proc.send_signal(signal.SIGINT)
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        found = _COUNTS.search(out)
        if found is None:
            raise RuntimeError(f"ontokit hub serve printed no counts when it stopped:\n{out}")
        return int(found.group(2)), int(found.group(3))


def run_timed(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    """Wall-clock seconds of ``cmd``, which must exit 0."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return elapsed


def measure(projects: int, limit: RateLimit, directory: Path) -> Report:
    """Write the workspace, serve the hub, run the four commands; the figures."""
    cmd, env = ontokit_command(True, directory / "pycache")
    work = directory / "workspace"
    write_workspace(work, projects)
    env = {k: v for k, v in env.items() if k != "ONTOKIT_HUB_FAULTS"}
    hub = Hub(cmd, env, directory / "hub.sqlite3", str(limit))
    env.update(ONTOKIT_HUB=hub.url, ANGO_API_KEY=API_KEY, ONTOKIT_RATE_LIMIT=str(limit))
    commands: list[dict[str, Any]] = []
    try:
        for step in ("create", "update"):
            if step == "update":
                ontology = ONTOLOGY.format(extra=", Foggy")
                (work / "ontology.yaml").write_text(ontology, encoding="utf-8")
            for args in (["plan"], ["apply", "--auto-approve"]):
                seconds = run_timed([*cmd, *args], env, work)
                commands.append({"step": step, "command": " ".join(["ontokit", *args]), "s": seconds})
    finally:
        served, refused = hub.stop()
    wall = sum(c["s"] for c in commands)
    budget = limit.seconds_for(served + refused)
    report = Report(
        machine=machine(),
        projects=projects,
        limit=str(limit),
        commands=commands,
        served=served,
        refused=refused,
        wall_s=wall,
        budget_s=budget,
        ratio=wall / budget if budget else 0.0,
    )
    report.goals = [
        Goal("429 responses", refused, REFUSED_GOAL, "responses"),
        Goal("wall time / time the budget allows", report.ratio, WALL_GOAL, "x"),
    ]
    return report


def _s(seconds: float) -> str:
    return f"{seconds:8.1f} s"


def render_table(r: Report) -> str:
    """The human-readable report: an aligned table, then one PASS/FAIL line per goal."""
    allows = f"requests / rate ({r.served + r.refused:,} at {r.limit})"
    rows = [
        ("workspace", f"{r.projects} projects, one ontology, 2 batches each"),
        ("hub", f"ontokit hub serve --rate-limit {r.limit}; clients paced at {r.limit}"),
        *((f"{c['step']}: {c['command']}", _s(c["s"])) for c in r.commands),
        ("requests served", f"{r.served:8,}"),
        ("429 responses", f"{r.refused:8,}   goal {REFUSED_GOAL}"),
        ("wall time", f"{_s(r.wall_s)}   the four commands, interpreter start-ups included"),
        ("time the budget allows", f"{_s(r.budget_s)}   {allows}"),
        ("wall / budget", f"{r.ratio:8.2f}x   goal <= {WALL_GOAL}"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"  {name:<{width}}  {value}" for name, value in rows]
    lines.append("")
    lines += [f"{g.status}  {g.name}: {g.value:g} (goal <= {g.limit:g})" for g in r.goals]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=50, help="projects in the workspace (default 50)")
    parser.add_argument(
        "--limit", default="100/min", help="the hub's budget and the clients' (default 100/min)"
    )
    add_report_options(parser)
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR (kept) instead of a temp dir")
    args = parser.parse_args(argv)
    try:
        args.rate = RateLimit.parse(args.limit)
    except ValueError as exc:
        parser.error(f"--limit: {exc}")
    if args.rate is None:
        parser.error("--limit: give a budget (off measures nothing)")
    if args.projects < 1:
        parser.error("--projects: at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report; see the module docstring."""
    args = parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
        report = measure(args.projects, args.rate, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="ontokit-pacing-") as tmp:
            report = measure(args.projects, args.rate, Path(tmp))
    print(json.dumps(report.as_json(), indent=2) if args.json else render_table(report), end="")
    failed = any(g.status == "FAIL" for g in report.goals)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
