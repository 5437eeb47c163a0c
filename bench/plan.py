"""ontokit plan benchmarks: the pure diff versus DeepDiff, and ``ontokit plan`` versus validate + compile.

Figures (see bench/README.md):

(e) ``diff_category_schema(desired, live)`` on the big generated ontology compiled, in-process, best of N;
(f) ``DeepDiff(live, desired, ignore_order=True)`` on the same two schemas: one run when it takes over
    1 s, else best of N; goal: (e) / (f) <= 1/50;
(g) ``ontokit plan project.yaml`` against the embedded local hub, as a subprocess, median of M runs;
(h) ``ontokit validate big.yaml`` then ``ontokit compile big.yaml -o out.json``, as subprocesses, the
    median of M sums; goal: (g) / (h) <= 1.5.

"desired" is the benchmark file of ``bench/generate.py``. "live" is the same file with a handful of
edits (``EDITS``, made on the YAML text) compiled: what the hub holds when someone has since changed
the file in those places. (g) plans against a hub that holds exactly that live ontology.

Usage::

    python bench/plan.py [--repeats 5] [--runs 5] [--json] [--strict]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Import the working tree's package, whatever the current directory and however it was installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import BIG, TREE_LEVEL_3, count_nodes, fake_id, generate, scalar, slug
from goals import JsonReport, add_report_options
from run import Goal, _ms, best_of, find_tool, machine, parse_yaml, subprocess_env

from ontology_kit import compile_text
from ontology_kit.plan.diff import diff_category_schema

DIFF_GOAL = 1 / 50  # (e) / (f)
PLAN_GOAL = 1.5  # (g) / (h)
ONE_RUN_OVER_S = 1.0  # a DeepDiff run this slow is timed once
PROJECT = "name: Bench\nontology: big.yaml\n"

#: The items the edits touch, by the path their pinned schemaId is derived from (bench/generate.py).
SIGN = "Traffic Sign (front camera)"
BUS = "Bus (front camera)"
CAR_REAR = "Car (rear camera)"
TRUCK_REAR = "Truck (rear camera)"
CAR_FRONT_LEFT = "Car (front-left camera)"
VAN_REAR = "Van (rear camera)"
VAN_FRONT_LEFT = "Van (front-left camera)"
AMBULANCE = "Ambulance (front-left camera)"
EXTRA_OPTION = "Occluded by the ego vehicle"
EXTRA_TREE_NODE = ("Harbour", "Ferry terminal")

#: What the file changes compared with the live hub (the live text is the file with these undone).
EDITS: tuple[str, ...] = (
    f"rename tool 'Road sign (front camera)' to {SIGN!r} (pinned schemaId kept)",
    f"rename {BUS} > 'Light conditions' to 'Lighting' (key: lighting and schemaId kept)",
    f"remove option {EXTRA_OPTION!r} from {CAR_REAR} > Occlusion",
    f"add option 'Shadow only' to {TRUCK_REAR} > Reality check",
    f"make {CAR_FRONT_LEFT} > Lane required",
    f"change the type of {VAN_REAR} from polygon to bounding-box",
    f"swap tools {AMBULANCE} and {VAN_FRONT_LEFT}",
    f"remove tree node Scene context > {' > '.join(EXTRA_TREE_NODE)} with its {len(TREE_LEVEL_3)} children",
)


# -- results ----------------------------------------------------------------------------------------
@dataclass
class Report(JsonReport):
    """Every figure one run measured (seconds)."""

    machine: dict[str, Any]
    repeats: int
    runs: int
    big_file: dict[str, Any]
    edits: tuple[str, ...]
    diff_s: float
    diff_changes: dict[str, int]
    deepdiff_s: float
    deepdiff_runs: int
    deepdiff_report: dict[str, int]
    deepdiff_sample: list[str]
    ratio_diff: float
    plan_cli_s: float
    plan_changes: dict[str, int]
    validate_compile_cli_s: float
    ratio_plan: float
    goals: list[Goal] = field(default_factory=list)


# -- the live copy: the generated YAML with the edits undone ---------------------------------------
def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class PinnedYaml:
    """The generated YAML as lines, edited item by item. An item (tool, classification, option, tree
    node) is found by its pinned ``schemaId: ...`` line, which is unique in the file."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")

    def text(self) -> str:
        """The edited YAML text."""
        return "\n".join(self.lines)

    def span(self, *path: str) -> tuple[int, int, int]:
        """Lines ``[start, end)`` of the item whose schemaId is ``fake_id(*path)``, and the indent of
        its own fields (its ``- `` is two columns to the left)."""
        pin = f"schemaId: {fake_id(*path)}"
        hits = [k for k, line in enumerate(self.lines) if line.strip() == pin]
        if len(hits) != 1:
            raise ValueError(f"{len(hits)} lines pin {' > '.join(path)}; bench/generate.py changed?")
        at, indent = hits[0], _indent(self.lines[hits[0]])
        dash = " " * (indent - 2) + "- "
        start = next(k for k in range(at, -1, -1) if self.lines[k].startswith(dash))
        end = next(
            (
                k
                for k in range(at + 1, len(self.lines))
                if self.lines[k].strip() and _indent(self.lines[k]) < indent
            ),
            len(self.lines),
        )
        return start, end, indent

    def set(self, path: tuple[str, ...], name: str, value: str) -> None:
        """Set the item's own field ``name`` (an existing line) to the YAML scalar ``value``."""
        start, end, indent = self.span(*path)
        for k in range(start, end):
            line = self.lines[k]
            if (k == start or _indent(line) == indent) and line[indent:].startswith(f"{name}: "):
                self.lines[k] = f"{line[:indent]}{name}: {value}"
                return
        raise ValueError(f"{' > '.join(path)} has no {name!r} line")

    def delete(self, path: tuple[str, ...]) -> None:
        """Remove the item and everything under it."""
        start, end, _ = self.span(*path)
        del self.lines[start:end]

    def insert_after(self, path: tuple[str, ...], lines: list[str]) -> None:
        """Insert ``lines`` (already indented) right after the item, as its next sibling."""
        _, end, _ = self.span(*path)
        self.lines[end:end] = lines

    def swap(self, first: tuple[str, ...], second: tuple[str, ...]) -> None:
        """Swap two adjacent sibling items (``first`` comes right before ``second``)."""
        a, a_end, _ = self.span(*first)
        b, b_end, _ = self.span(*second)
        if a_end != b:
            raise ValueError(f"{first} and {second} are not adjacent")
        self.lines[a:b_end] = self.lines[b:b_end] + self.lines[a:a_end]


def _extra_option_lines(indent: int, *path: str) -> list[str]:
    """An option written as bench/generate.py writes one, pinned; ``indent`` is that of its ``- ``."""
    value = path[-1]
    pad = " " * indent
    return [
        f"{pad}- value: {scalar(value)}",
        f"{pad}  key: {slug(value)}",
        f"{pad}  schemaId: {fake_id(*path)}",
    ]


def _extra_tree_lines(indent: int, path: tuple[str, ...]) -> list[str]:
    """A pinned tree node with one pinned leaf per ``TREE_LEVEL_3`` title."""
    pad = " " * indent
    lines = [
        f"{pad}- title: {scalar(path[-1])}",
        f"{pad}  schemaId: {fake_id('tree', *path)}",
        f"{pad}  children:",
    ]
    for leaf in TREE_LEVEL_3:
        lines += [f"{pad}    - title: {scalar(leaf)}", f"{pad}      schemaId: {fake_id('tree', *path, leaf)}"]
    return lines


def live_text(text: str) -> str:
    """``text`` (the generated file) as the live hub still has it: every edit of ``EDITS`` undone."""
    doc = PinnedYaml(text)
    doc.set((SIGN,), "title", scalar("Road sign (front camera)"))
    doc.set((BUS, "Lighting"), "title", scalar("Light conditions"))
    last = (CAR_REAR, "Occlusion", "Cannot tell")
    doc.insert_after(last, _extra_option_lines(doc.span(*last)[2] - 2, CAR_REAR, "Occlusion", EXTRA_OPTION))
    doc.delete((TRUCK_REAR, "Reality check", "Shadow only"))
    doc.set((CAR_FRONT_LEFT, "Lane"), "required", "false")
    doc.set((VAN_REAR,), "type", "polygon")
    doc.swap((VAN_FRONT_LEFT,), (AMBULANCE,))
    parent, node = EXTRA_TREE_NODE
    sibling = ("tree", parent, "Speed bump")  # the parent's last child: the new node goes after it
    doc.insert_after(sibling, _extra_tree_lines(doc.span(*sibling)[2] - 2, (parent, node)))
    return doc.text()


# -- (e) and (f): the pure diff versus DeepDiff ----------------------------------------------------
def schemas(text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The desired and live ``categorySchema`` values: ``text`` and ``live_text(text)`` compiled."""
    return compile_text(text)["categorySchema"], compile_text(live_text(text))["categorySchema"]


def count_actions(actions: list[str]) -> dict[str, int]:
    """How many changes of each action, in a stable order."""
    return dict(sorted(Counter(actions).items()))


def time_deepdiff(desired: dict[str, Any], live: dict[str, Any], repeats: int) -> tuple[float, int, Any]:
    """Seconds of ``DeepDiff(live, desired, ignore_order=True)``, how many runs that is the best of, and
    its result. One timed run when it takes over ``ONE_RUN_OVER_S``, else the best of ``repeats`` more."""
    from deepdiff import DeepDiff

    DeepDiff({"a": [1, {"b": 2}]}, {"a": [{"b": 3}, 1]}, ignore_order=True)  # lazy imports and caches
    start = time.perf_counter()
    result = DeepDiff(live, desired, ignore_order=True)
    first = time.perf_counter() - start
    if first > ONE_RUN_OVER_S:
        return first, 1, result
    best = best_of(lambda: DeepDiff(live, desired, ignore_order=True), repeats)
    return min(first, best), repeats + 1, result


def _brief(detail: Any) -> str:
    """One DeepDiff entry in a few words: ``old -> new``, or the title/value of an added/removed item."""
    if isinstance(detail, dict) and "new_value" in detail:
        return f"{detail.get('old_value')!r} -> {detail['new_value']!r}"
    for name in ("title", "value"):
        if isinstance(detail, dict) and name in detail:
            return f"{{{name!r}: {detail[name]!r}, ...}}"
    return repr(detail)


def deepdiff_sample(result: Any, per_key: int = 2, width: int = 104) -> list[str]:
    """A few lines of what DeepDiff reports: the first ``per_key`` entries under each of its keys."""
    lines = []
    for key, entries in result.items():
        items = entries.items() if isinstance(entries, dict) else ((e, None) for e in entries)
        for n, (path, detail) in enumerate(items):
            if n == per_key:
                break
            text = f"{key}: {path}" if detail is None else f"{key}: {path}: {_brief(detail)}"
            lines.append(text if len(text) <= width else text[: width - 3] + "...")
    return lines


def diff_figures(text: str, repeats: int) -> dict[str, Any]:
    """(e), (f) and what each reports."""
    desired, live = schemas(text)
    changes = diff_category_schema(desired, live)
    diff_s = best_of(lambda: diff_category_schema(desired, live), repeats)
    deepdiff_s, deepdiff_runs, result = time_deepdiff(desired, live, repeats)
    return {
        "diff_s": diff_s,
        "diff_changes": count_actions([c.action.value for c in changes]),
        "deepdiff_s": deepdiff_s,
        "deepdiff_runs": deepdiff_runs,
        "deepdiff_report": {key: len(entries) for key, entries in result.items()},
        "deepdiff_sample": deepdiff_sample(result),
    }


# -- (g) and (h): the CLI, against the embedded local hub ------------------------------------------
def ontokit_command(bytecode: bool, cache: Path) -> tuple[list[str], dict[str, str]]:
    """How to run the working tree's ontokit (as bench/run.py does), and its environment
    (``run.subprocess_env``), with ``ONTOKIT_HUB`` unset: the embedded local hub."""
    ontokit = find_tool("ontokit")
    cmd = [ontokit] if ontokit else [sys.executable, "-m", "ontology_kit"]
    env = subprocess_env(bytecode, cache)
    env.pop("ONTOKIT_HUB", None)
    return cmd, env


def run_ok(cmd: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run ``cmd`` in ``cwd``; its stdout.

    Raises:
        RuntimeError: the command did not exit 0 (its output is in the message).
    """
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def wall(cmds: list[list[str]], env: dict[str, str], cwd: Path) -> float:
    """Wall-clock seconds of running ``cmds`` one after the other, each of which must exit 0."""
    start = time.perf_counter()
    for cmd in cmds:
        code = subprocess.run(
            cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        ).returncode
        if code != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {code} during timing")
    return time.perf_counter() - start


def median_walls(
    jobs: dict[str, list[list[str]]], runs: int, env: dict[str, str], cwd: Path
) -> dict[str, float]:
    """Median wall-clock seconds of each job (a sequence of commands) over ``runs`` runs, after one
    untimed warm-up run of each. Jobs take turns, so a slower moment of the machine hits them alike."""
    for cmds in jobs.values():
        for cmd in cmds:
            run_ok(cmd, env, cwd)
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(runs):
        for name, cmds in jobs.items():
            times[name].append(wall(cmds, env, cwd))
    return {name: statistics.median(t) for name, t in times.items()}


def setup_workdir(directory: Path, text: str, cmd: list[str], env: dict[str, str]) -> Path:
    """A folder that is a repository root (``.git/``), whose embedded hub holds project Bench with the
    live ontology; ``big.yaml`` then holds the desired one (``text``). Returns the folder."""
    work = directory / "plan"
    (work / ".git").mkdir(parents=True)
    (work / "project.yaml").write_text(PROJECT, encoding="utf-8")
    (work / "big.yaml").write_text(live_text(text), encoding="utf-8")
    run_ok([*cmd, "apply", "project.yaml", "--auto-approve"], env, work)
    (work / "big.yaml").write_text(text, encoding="utf-8")
    return work


def plan_changes(cmd: list[str], env: dict[str, str], work: Path) -> dict[str, int]:
    """What ``ontokit plan`` reports (from its JSON output), counted per action."""
    plan = json.loads(run_ok([*cmd, "plan", "project.yaml", "--format", "json"], env, work))
    return count_actions([c["action"] for p in plan["projects"] for c in p["changes"]])


def cli_figures(text: str, runs: int, directory: Path, bytecode: bool = True) -> dict[str, Any]:
    """(g), (h) and what the plan reports."""
    cmd, env = ontokit_command(bytecode, directory / "pycache")
    work = setup_workdir(directory, text, cmd, env)
    changes = plan_changes(cmd, env, work)
    times = median_walls(
        {
            "plan": [[*cmd, "plan", "project.yaml"]],
            "validate+compile": [
                [*cmd, "validate", "big.yaml"],
                [*cmd, "compile", "big.yaml", "-o", "out.json"],
            ],
        },
        runs,
        env,
        work,
    )
    return {
        "plan_cli_s": times["plan"],
        "plan_changes": changes,
        "validate_compile_cli_s": times["validate+compile"],
    }


# -- reporting --------------------------------------------------------------------------------------
def _fraction(value: float) -> str:
    """A ratio with enough digits to read a small one (and then as ``1/N`` too)."""
    if value >= 0.1:
        return f"{value:9.2f}x"
    return f"{value:9.4f}x (1/{1 / value:,.0f})" if value > 0 else f"{value:9.4f}x"


def _limit(limit: float) -> str:
    """A goal's limit: ``1/50`` for a fraction of 1, else the number."""
    return f"1/{1 / limit:.0f}" if limit < 1 and (1 / limit).is_integer() else f"{limit}"


def _changes(counts: dict[str, int]) -> str:
    return f"{sum(counts.values())} changes: " + ", ".join(f"{n} {action}" for action, n in counts.items())


def render_table(r: Report) -> str:
    """The human-readable report: an aligned table, then one PASS/FAIL line per goal."""
    deepdiff_how = "1 run (over 1 s: one is enough)" if r.deepdiff_runs == 1 else f"best of {r.deepdiff_runs}"
    rows = [
        (
            "big file",
            f"{r.big_file['bytes']:,} bytes, {r.big_file['lines']:,} lines, {r.big_file['nodes']:,} nodes",
        ),
        ("live hub differs by", f"{len(r.edits)} edits (bench/README.md lists them)"),
        ("(e) diff_category_schema", f"{_ms(r.diff_s)}   best of {r.repeats}; {_changes(r.diff_changes)}"),
        ("(f) DeepDiff ignore_order", f"{_ms(r.deepdiff_s)}   {deepdiff_how}"),
        ("(e) / (f)", f"{_fraction(r.ratio_diff)}   goal <= {_limit(DIFF_GOAL)}"),
        ("DeepDiff reports", ", ".join(f"{n} {key}" for key, n in r.deepdiff_report.items()) or "nothing"),
        *(("", f"  {line}") for line in r.deepdiff_sample),
        (
            "(g) ontokit plan",
            f"{_ms(r.plan_cli_s)}   median of {r.runs}, subprocess; {_changes(r.plan_changes)}",
        ),
        (
            "(h) validate + compile",
            f"{_ms(r.validate_compile_cli_s)}   median of {r.runs} sums, subprocesses",
        ),
        ("(g) / (h)", f"{_fraction(r.ratio_plan)}   goal <= {PLAN_GOAL}"),
        (
            "subprocesses",
            "bytecode cached, as installed"
            if r.machine.get("bytecode", True)
            else "no bytecode: ontokit compiled from source every run (--no-bytecode)",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [
        f"ontokit plan bench  ({r.machine['cpus']} CPUs, Python {r.machine['python']}, "
        f"DeepDiff {r.machine['deepdiff']})",
        "",
    ]
    lines += [f"  {k:<{width}}  {v}".rstrip() for k, v in rows]
    lines.append("")
    for g in r.goals:
        lines.append(f"{g.status}  {g.name}: {_fraction(g.ratio).strip()} (goal <= {_limit(g.limit)})")
    return "\n".join(lines)


# -- main -------------------------------------------------------------------------------------------
def big_file_stats(text: str) -> dict[str, Any]:
    """Size of the benchmark file."""
    return {
        "bytes": len(text.encode("utf-8")),
        "lines": text.count("\n"),
        "nodes": count_nodes(parse_yaml(text)),
    }


def measure(repeats: int, runs: int, directory: Path, bytecode: bool = True) -> Report:
    """Generate the files and measure every figure."""
    import deepdiff

    text = generate(BIG)
    diff = diff_figures(text, repeats)
    cli = cli_figures(text, runs, directory, bytecode)
    report = Report(
        machine={**machine(), "deepdiff": deepdiff.__version__, "bytecode": bytecode},
        repeats=repeats,
        runs=runs,
        big_file=big_file_stats(text),
        edits=EDITS,
        **diff,
        ratio_diff=diff["diff_s"] / diff["deepdiff_s"],
        **cli,
        ratio_plan=cli["plan_cli_s"] / cli["validate_compile_cli_s"],
    )
    report.goals = [
        Goal("diff_category_schema vs DeepDiff(ignore_order=True), (e)/(f)", report.ratio_diff, DIFF_GOAL),
        Goal("ontokit plan vs ontokit validate + compile, (g)/(h)", report.ratio_plan, PLAN_GOAL),
    ]
    return report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", "--repeats", type=int, default=5, help="in-process repeats, best of N (default 5)")
    p.add_argument("--runs", type=int, default=5, help="subprocess runs, median of M (default 5)")
    add_report_options(p, bytecode=True)
    args = p.parse_args(argv)
    if args.repeats < 1 or args.runs < 1:
        p.error("--repeats and --runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the report; see the module docstring."""
    args = parse_args(argv)
    try:
        import deepdiff  # noqa: F401
    except ImportError:
        raise SystemExit("DeepDiff is not installed: pip install -e '.[bench]'") from None
    with tempfile.TemporaryDirectory(prefix="ontokit-plan-bench-") as tmp:
        report = measure(args.repeats, args.runs, Path(tmp), args.bytecode)
    print(json.dumps(report.as_json(), indent=2) if args.json else render_table(report))
    failed = any(g.status == "FAIL" for g in report.goals)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
