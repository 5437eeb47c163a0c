"""ontokit bounds benchmarks: fmt, compile and show time against input size, and the refusals above
the reader's limits.

Figures (see bench/README.md, "Bounds"):

(i) time of ``fmt`` (``format_file``: what ``ontokit fmt --check`` does), ``compile`` (``check_file``
    and ``dumps_payload``) and ``show`` (``review.show``), in-process, on three series of files:
    - *unknown keys*: one tool with 1k, 10k and 100k unknown keys (each a diagnostic; at most 1,000
      are reported, then a count);
    - *valid keys*: radios of 100 options each, 1k, 10k and 100k options in all;
    - *megabytes*: the benchmark ontology of ``bench/generate.py`` grown to about 1, 4 and 15 MB
      (more tools); fmt stops at ``--fmt-max-mb`` (default 4): ruamel.yaml's round trip is pure Python.
    **Linearity** of each command on each series: the time per unit (key or byte) at the largest size
    divided by the time per unit at the smallest; goal **<= 2.0** (a quadratic step gives ~100 over
    1k -> 100k).
(j) the refusals above the limits, in-process: a 17 MB file (the limit is 16 MiB), 100,000 levels of
    block nesting (the limit is 256), 1,000,000 aliases (the limit is 100,000 replayed nodes);
    each must be refused (exit-1 material: a diagnostic or fmt's error), goal **<= 1 s** each.

Timings are the best of N (one untimed warm-up), except a run over 2 s, timed once.

Usage::

    python bench/bounds.py [--repeats 3] [--fmt-max-mb 4] [--json] [--strict]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Import the working tree's package, whatever the current directory and however it was installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import BIG, Shape, generate
from goals import JsonReport, add_report_options
from run import Goal, machine

from ontology_kit import check_file, dumps_payload
from ontology_kit.fmt import format_file
from ontology_kit.review import show

LINEAR_GOAL = 2.0
REFUSAL_GOAL_S = 1.0
ONE_RUN_OVER_S = 2.0
SIZES = (1_000, 10_000, 100_000)
MEGABYTES = (1, 4, 15)
BIG_BYTES_PER_TOOL = 1_552_965 / BIG.tools  # the benchmark file: 200 tools, 1.55 MB


# -- results ----------------------------------------------------------------------------------------
@dataclass
class Point:
    """One command timed on one file."""

    series: str
    command: str
    size: int  # keys, or bytes
    unit: str
    seconds: float

    @property
    def per_unit(self) -> float:
        return self.seconds / self.size


@dataclass
class Refusal:
    """One input above a limit, and how fast each command refused it."""

    name: str
    bytes: int
    code: str
    seconds: dict[str, float]  # command -> seconds
    refused: dict[str, bool]  # command -> it was refused with ``code``


@dataclass
class Report(JsonReport):
    """Every figure one run measured (seconds)."""

    machine: dict[str, Any]
    repeats: int
    points: list[Point]
    linearity: dict[str, float]  # "series/command" -> time per unit, largest / smallest
    refusals: list[Refusal]
    goals: list[Goal] = field(default_factory=list)


# -- inputs -----------------------------------------------------------------------------------------
def unknown_keys(n: int) -> str:
    """One tool with ``n`` unknown keys (issue 9: 100k of them hung compile and show)."""
    return "tools:\n  - title: Car\n    type: point\n" + "".join(f"    k{i}: v\n" for i in range(n))


def valid_keys(n: int) -> str:
    """Radios of 100 options each, ``n`` options in all: a valid ontology."""
    out = ["classifications:"]
    for q in range(max(n // 100, 1)):
        out.append(f"  - title: Question {q}\n    type: radio\n    options:")
        out.extend(f"      - Answer {q}.{i}" for i in range(min(n, 100)))
    return "\n".join(out) + "\n"


def megabytes(mb: float) -> str:
    """The benchmark ontology grown (more tools) to about ``mb`` MB."""
    return generate(Shape(tools=max(1, round(mb * 1_000_000 / BIG_BYTES_PER_TOOL))))


# -- timing -----------------------------------------------------------------------------------------
def timed(fn: Callable[[], object], repeats: int) -> float:
    """Best of ``repeats`` (after a warm-up), or one run when a run takes over ONE_RUN_OVER_S."""
    gc.collect()
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if first > ONE_RUN_OVER_S:
        return first
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _compile(path: Path) -> object:
    result = check_file(path)
    return dumps_payload(result.payload) if result.payload is not None else result


COMMANDS: dict[str, Callable[[Path], object]] = {
    "fmt": format_file,
    "compile": _compile,
    "show": lambda path: show(str(path)),
}


def series(
    name: str,
    unit: str,
    inputs: list[tuple[int, str]],
    commands: dict[str, list[int]],
    repeats: int,
    tmp: Path,
) -> list[Point]:
    """Time each command (on the sizes listed for it) over ``inputs`` (size, text)."""
    points = []
    for size, text in inputs:
        path = tmp / f"{name}-{size}.yaml"
        path.write_text(text, encoding="utf-8")
        measured = len(text.encode()) if unit == "bytes" else size
        for command, sizes in commands.items():
            if size in sizes:
                seconds = timed(lambda c=command, p=path: COMMANDS[c](p), repeats)
                points.append(Point(name, command, measured, unit, seconds))
        path.unlink()
    return points


def linearity(points: list[Point]) -> dict[str, float]:
    """Per series and command: time per unit at the largest size / at the smallest."""
    out = {}
    for key in sorted({(p.series, p.command) for p in points}):
        mine = sorted((p for p in points if (p.series, p.command) == key), key=lambda p: p.size)
        if len(mine) >= 2:
            out[f"{key[0]}/{key[1]}"] = mine[-1].per_unit / mine[0].per_unit
    return out


def refusal(name: str, text: str, code: str, tmp: Path) -> Refusal:
    """How fast each command refuses ``text`` (one run: a refusal must be fast the first time)."""
    path = tmp / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    seconds, refused = {}, {}
    for command in ("fmt", "compile", "show"):
        gc.collect()
        start = time.perf_counter()
        result = COMMANDS[command](path)
        seconds[command] = time.perf_counter() - start
        refused[command] = _refused_with(result, code)
    path.unlink()
    return Refusal(name, len(text.encode()), code, seconds, refused)


def _refused_with(result: Any, code: str) -> bool:
    if isinstance(getattr(result, "error", None), str):  # fmt
        return f"[{code}]" in result.error or (code == "file-too-large" and "limit" in result.error)
    unusable = getattr(result, "payload", None) is None and getattr(result, "schema", None) is None
    return unusable and any(d.code == code for d in getattr(result, "diagnostics", ()))


# -- the report -------------------------------------------------------------------------------------
def measure(repeats: int, fmt_max_mb: float, tmp: Path) -> Report:
    """Every figure of the module docstring."""
    points: list[Point] = []
    every = {c: list(SIZES) for c in COMMANDS}
    points += series("unknown keys", "keys", [(n, unknown_keys(n)) for n in SIZES], every, repeats, tmp)
    points += series("valid keys", "keys", [(n, valid_keys(n)) for n in SIZES], every, repeats, tmp)
    by_mb = {c: [mb for mb in MEGABYTES if c != "fmt" or mb <= fmt_max_mb] for c in COMMANDS}
    points += series("megabytes", "bytes", [(mb, megabytes(mb)) for mb in MEGABYTES], by_mb, repeats, tmp)
    refusals = [
        refusal("17 MB file", "tools: []\n" + "# padding\n" * 1_700_000, "file-too-large", tmp),
        refusal("100,000 nesting levels", "tools:\n" + "- " * 100_000 + "v\n", "nesting-limit", tmp),
        refusal(
            "1,000,000 aliases",
            "optionSets:\n  s: &a [A]\n  t: [" + ", ".join(["*a"] * 1_000_000) + "]\n",
            "alias-limit",
            tmp,
        ),
    ]
    lin = linearity(points)
    goals = [Goal(f"linearity {key}", ratio, LINEAR_GOAL) for key, ratio in lin.items()]
    for r in refusals:
        for command, seconds in r.seconds.items():
            ok = r.refused[command]
            goals.append(
                Goal(
                    f"refusal of {r.name} by {command}",
                    seconds if ok else None,
                    REFUSAL_GOAL_S,
                    "" if ok else "NOT REFUSED",
                )
            )
    return Report(machine(), repeats, points, lin, refusals, goals)


def _amount(p: Point) -> str:
    return f"{p.size / 1e6:.1f} MB" if p.unit == "bytes" else f"{p.size:,} keys"


def render_table(r: Report) -> str:
    """The human-readable report: a table per series, the refusals, one PASS/FAIL line per goal."""
    lines = [f"ontokit bounds bench  ({r.machine['cpus']} CPUs, Python {r.machine['python']})", ""]
    for name in dict.fromkeys(p.series for p in r.points):
        mine = [p for p in r.points if p.series == name]
        sizes = sorted({p.size for p in mine})
        lines.append(
            f"  {name:<14}" + "".join(f"{c:>12}" for c in COMMANDS) + "   per unit (fmt, compile, show)"
        )
        for size in sizes:
            row = {p.command: p for p in mine if p.size == size}
            first = next(iter(row.values()))
            cells = "".join(
                f"{row[c].seconds * 1000:9.0f} ms" if c in row else f"{'-':>12}" for c in COMMANDS
            )
            unit = "ms/MB" if first.unit == "bytes" else "µs/key"
            scale = 1e9 if first.unit == "bytes" else 1e6
            per = ", ".join(f"{row[c].per_unit * scale:,.1f}" if c in row else "-" for c in COMMANDS)
            lines.append(f"  {_amount(first):<14}{cells}   {per} {unit}")
        lines.append("")
    lines.append("  refusals above the limits (one run each)")
    for ref in r.refusals:
        cells = "".join(
            f"{ref.seconds[c] * 1000:9.0f} ms{'' if ref.refused[c] else '!'}"
            for c in ("fmt", "compile", "show")
        )
        lines.append(f"  {ref.name:<24}{ref.bytes / 1e6:6.1f} MB {cells}   [{ref.code}]")
    lines.append("")
    for g in r.goals:
        shown = "n/a" if g.ratio is None else f"{g.ratio:.2f}"
        note = f"  -- {g.note}" if g.note else ""
        lines.append(f"{g.status}  {g.name}: {shown} (goal <= {g.limit}){note}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", "--repeats", type=int, default=3, help="in-process repeats, best of N (default 3)")
    p.add_argument(
        "--fmt-max-mb", type=float, default=4, help="largest megabyte size fmt is timed on (default 4)"
    )
    add_report_options(p)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the report; see the module docstring."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ontokit-bounds-bench-") as tmp:
        report = measure(args.repeats, args.fmt_max_mb, Path(tmp))
    print(json.dumps(report.as_json(), indent=2) if args.json else render_table(report))
    failed = any(g.status == "FAIL" for g in report.goals) or any(
        not ok for r in report.refusals for ok in r.refused.values()
    )
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
