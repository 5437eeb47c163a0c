"""ontokit benchmarks: validate + compile versus plain YAML parsing, and the CLI versus check-jsonschema.

Figures (see bench/README.md):

(a) ``yaml.load(text, Loader=yaml.CSafeLoader)`` on the big generated file, in-process, best of N;
(b) ``check_file(path)`` then ``dumps_payload(result.payload)`` on the same file, in-process, best of N;
    goal: (b) / (a) <= 1.0. Peak memory of (b) is reported too;
(c) ``ontokit validate SMALL`` as a subprocess, median of M wall-clock runs;
(d) ``check-jsonschema --schemafile schemas/ontology.schema.json SMALL``, median of M runs;
    goal: (c) / (d) <= 1.0 (skipped when check-jsonschema is not installed).

Usage::

    python bench/run.py [--repeats 5] [--runs 10] [--json] [--strict] [--profile]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "ontology.schema.json"
EXAMPLE = ROOT / "examples" / "ontologies" / "driving-scenes.yaml"
GOAL = 1.0

# Import the working tree's package, whatever the current directory and however it was installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from generate import BIG, SMALL, count_nodes, generate
from goals import JsonReport, add_report_options

from ontology_kit import check_file, dumps_payload


# -- results ----------------------------------------------------------------------------------------
@dataclass
class Goal:
    """One goal: a ratio that must stay at or under ``limit``; ``ratio`` None means skipped."""

    name: str
    ratio: float | None
    limit: float = GOAL
    note: str = ""

    @property
    def status(self) -> str:
        if self.ratio is None:
            return "SKIP"
        return "PASS" if self.ratio <= self.limit else "FAIL"


@dataclass
class Report(JsonReport):
    """Every figure one run measured (seconds, bytes)."""

    machine: dict[str, Any]
    repeats: int
    runs: int
    big_file: dict[str, Any]
    yaml_csafeloader_s: float
    ontokit_check_compile_s: float
    ratio_check_compile_vs_yaml: float
    peak_memory: dict[str, Any]
    small_file: dict[str, Any]
    ontokit_validate_cli_s: float | None
    check_jsonschema_cli_s: float | None
    ratio_cli: float | None
    goals: list[Goal] = field(default_factory=list)


# -- timing -----------------------------------------------------------------------------------------
def best_of(fn: Callable[[], object], repeats: int) -> float:
    """Fastest of ``repeats`` timed calls (after one untimed warm-up call), in seconds."""
    fn()
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def median_wall(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall-clock seconds of ``runs`` runs of ``cmd`` (after one untimed warm-up run).

    Raises:
        RuntimeError: the command failed (its output is in the message).
    """
    _run_checked(cmd, env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _run_checked(cmd: list[str], env: dict[str, str] | None) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")


# -- the measured operations -----------------------------------------------------------------------
def parse_yaml(text: str) -> Any:
    """(a): PyYAML's C loader, nothing else."""
    return yaml.load(text, Loader=yaml.CSafeLoader)


def check_and_compile(path: Path) -> str:
    """(b): what ``ontokit validate`` + ``ontokit compile`` do for one file, in-process."""
    result = check_file(path)
    if result.payload is None:
        raise RuntimeError(f"{path} did not compile: {result.diagnostics[:3]}")
    return dumps_payload(result.payload)


def tracemalloc_peak(path: Path) -> int:
    """Peak bytes traced by tracemalloc during one (b) (Python allocations only)."""
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        check_and_compile(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


_RSS_SCRIPT = """
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from ontology_kit import check_file, check_text, dumps_payload
dumps_payload(check_text("tools: [{title: Car, type: point}]").payload)  # every lazy import, done

def status_kib(name):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(name + ":"):
                return int(line.split()[1])

try:  # Linux: reset the peak (VmHWM) to the current RSS, so the peak is that of (b) alone
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    start, how = status_kib("VmRSS"), "VmHWM"
except OSError:
    start, how = None, "ru_maxrss"
out = dumps_payload(check_file(sys.argv[2]).payload)
peak = status_kib("VmHWM") if start is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if start is None and sys.platform == "darwin":
    peak //= 1024  # macOS reports bytes
print(json.dumps({"start_kib": start, "peak_kib": peak, "how": how, "payload_bytes": len(out.encode())}))
"""


def rss_of_fresh_process(path: Path) -> dict[str, Any]:
    """Peak RSS (KiB) of one (b) in a fresh interpreter whose imports are already done.

    On Linux the peak is reset after the imports (``/proc/self/clear_refs``), so ``peak_kib`` is the
    high-water mark of (b) itself and ``start_kib`` the RSS it started from. Elsewhere ``peak_kib`` is
    ``ru_maxrss`` (imports included) and ``start_kib`` is None.
    """
    proc = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, str(ROOT), str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def peak_memory(path: Path) -> dict[str, Any]:
    """Both peak-memory figures of (b)."""
    rss = rss_of_fresh_process(path)
    start = rss["start_kib"]
    return {
        "tracemalloc_peak_bytes": tracemalloc_peak(path),
        "rss_peak_kib": rss["peak_kib"],
        "rss_start_kib": start,
        "rss_growth_kib": None if start is None else rss["peak_kib"] - start,
        "rss_method": rss["how"],
        "payload_bytes": rss["payload_bytes"],
    }


# -- files ------------------------------------------------------------------------------------------
def write_big_file(directory: Path) -> tuple[Path, str, dict[str, Any]]:
    """Generate the big file; check it validates cleanly; return it with its statistics."""
    text = generate(BIG)
    path = directory / "big.yaml"
    path.write_text(text, encoding="utf-8")
    result = check_file(path)
    if result.diagnostics:
        raise SystemExit(
            f"the generated file has {len(result.diagnostics)} diagnostics, e.g. "
            f"{result.diagnostics[0]}; fix bench/generate.py"
        )
    stats = {
        "path": str(path),
        "bytes": len(text.encode("utf-8")),
        "lines": text.count("\n"),
        "nodes": count_nodes(parse_yaml(text)),
    }
    return path, text, stats


def small_file(directory: Path) -> tuple[Path, str]:
    """The example ontology when the repository has it, else a generated one with 10 tools."""
    if EXAMPLE.is_file():
        return EXAMPLE, str(EXAMPLE.relative_to(ROOT))
    path = directory / "small.yaml"
    path.write_text(generate(SMALL), encoding="utf-8")
    return path, "generated (bench/generate.py --small: 10 tools)"


def find_tool(name: str) -> str | None:
    """The console script ``name``: next to this interpreter first, then on PATH."""
    local = Path(sys.executable).parent / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which(name)


# -- the CLI comparison -----------------------------------------------------------------------------
def subprocess_env(bytecode: bool, cache: Path) -> dict[str, str]:
    """The environment of the timed subprocesses: the working tree's package first on PYTHONPATH.

    ``bytecode``: as on a user's machine, where installing a package compiles its bytecode: Python
    writes its caches under ``cache`` in the untimed first run and reads them after. Without it,
    every run compiles ontokit's modules from source (PYTHONDONTWRITEBYTECODE, as some containers
    set it), while installed packages such as check-jsonschema keep the bytecode pip wrote.
    """
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def cli_figures(small: Path, runs: int, env: dict[str, str]) -> tuple[float | None, float | None, str]:
    """(c) and (d) in seconds, and a note explaining a skip."""
    ontokit = find_tool("ontokit")
    cmd = [ontokit] if ontokit else [sys.executable, "-m", "ontology_kit"]
    c = median_wall([*cmd, "validate", str(small)], runs, env)
    checker = find_tool("check-jsonschema")
    if checker is None:
        return c, None, "check-jsonschema is not installed (pip install -e '.[bench]'); (c)/(d) skipped"
    d = median_wall([checker, "--schemafile", str(SCHEMA), str(small)], runs, env)
    return c, d, ""


# -- reporting --------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pyyaml": yaml.__version__,
        "yaml_c_loader": hasattr(yaml, "CSafeLoader"),
    }


def _ms(seconds: float | None) -> str:
    return f"{'n/a':>12}" if seconds is None else f"{seconds * 1000:9.1f} ms"


def _ratio(value: float | None) -> str:
    return f"{'n/a':>10}" if value is None else f"{value:9.2f}x"


def _growth(mem: dict[str, Any]) -> str:
    if mem["rss_growth_kib"] is None:
        return "fresh process, imports included (ru_maxrss)"
    growth, start = mem["rss_growth_kib"] / 1024, mem["rss_start_kib"] / 1024
    return f"fresh process; +{growth:.1f} MiB over the {start:.1f} MiB after imports"


def render_table(r: Report) -> str:
    """The human-readable report: an aligned table and one PASS/FAIL/SKIP line per goal."""
    mem = r.peak_memory
    rows = [
        (
            "big file",
            f"{r.big_file['bytes']:,} bytes, {r.big_file['lines']:,} lines, {r.big_file['nodes']:,} nodes",
        ),
        ("(a) yaml.load CSafeLoader", f"{_ms(r.yaml_csafeloader_s)}   best of {r.repeats}"),
        ("(b) check_file + dumps_payload", f"{_ms(r.ontokit_check_compile_s)}   best of {r.repeats}"),
        ("(b) / (a)", f"{_ratio(r.ratio_check_compile_vs_yaml)}   goal <= {GOAL}"),
        ("(b) peak, tracemalloc", f"{mem['tracemalloc_peak_bytes'] / 2**20:9.1f} MiB   Python allocations"),
        ("(b) peak RSS", f"{mem['rss_peak_kib'] / 1024:9.1f} MiB   {_growth(mem)}"),
        ("small file", f"{r.small_file['source']}, {r.small_file['bytes']:,} bytes"),
        (
            "subprocesses",
            "bytecode cached, as installed"
            if r.machine.get("bytecode", True)
            else "no bytecode: ontokit compiled from source every run (--no-bytecode)",
        ),
        ("(c) ontokit validate", f"{_ms(r.ontokit_validate_cli_s)}   median of {r.runs}, subprocess"),
        ("(d) check-jsonschema", f"{_ms(r.check_jsonschema_cli_s)}   median of {r.runs}, subprocess"),
        ("(c) / (d)", f"{_ratio(r.ratio_cli)}   goal <= {GOAL}"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"ontokit bench  ({r.machine['cpus']} CPUs, Python {r.machine['python']})", ""]
    lines += [f"  {k:<{width}}  {v}" for k, v in rows]
    lines.append("")
    for g in r.goals:
        shown = "n/a" if g.ratio is None else f"{g.ratio:.2f}"
        note = f"  -- {g.note}" if g.note else ""
        lines.append(f"{g.status}  {g.name}: {shown} (goal <= {g.limit}){note}")
    return "\n".join(lines)


def profile_report(path: Path, top: int = 15) -> str:
    """cProfile of one (b) (cyclic GC off), top ``top`` by cumulative and total time; stages; GC cost.

    The garbage collector is disabled while profiling: with it on, the one full (generation 2)
    collection of a run, ~20 ms here, is charged to whichever function happened to allocate when
    the threshold was crossed, which differs from run to run. Its cost is reported separately.
    """
    import cProfile
    import io
    import pstats

    check_and_compile(path)  # warm: imports and first-call caches are not what we profile
    gc.collect()
    gc.disable()
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        check_and_compile(path)
        profiler.disable()
    finally:
        gc.enable()
    out = io.StringIO()
    for key in ("cumulative", "tottime"):
        out.write(f"\n== cProfile of (b), GC off, top {top} by {key} ==\n")
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(top)
    out.write(phase_report(path))
    out.write(gc_report(path))
    return out.getvalue()


def gc_report(path: Path, repeats: int = 5) -> str:
    """What the cyclic garbage collector costs (b): collections and their time, per generation."""
    spent: dict[int, list[float]] = {}
    started = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent.setdefault(info["generation"], []).append(time.perf_counter() - started[0])

    gc.collect()
    gc.callbacks.append(callback)
    try:
        start = time.perf_counter()
        check_and_compile(path)
        total = time.perf_counter() - start
    finally:
        gc.callbacks.remove(callback)
    on = best_of(lambda: check_and_compile(path), repeats)
    gc.disable()
    try:
        off = best_of(lambda: check_and_compile(path), repeats)
    finally:
        gc.enable()
    lines = ["\n== cyclic garbage collector during one (b) =="]
    lines += [f"  generation {g}: {len(t):4d} collections  {_ms(sum(t))}" for g, t in sorted(spent.items())]
    in_gc = sum(sum(t) for t in spent.values())
    lines.append(f"  in GC: {_ms(in_gc)} of {_ms(total)} ({in_gc / total:.0%})")
    lines.append(f"  (b) best of {repeats}: GC on {_ms(on)}, GC off {_ms(off)}")
    return "\n".join(lines) + "\n"


def phase_report(path: Path, repeats: int = 5) -> str:
    """Best-of time of each stage of (b), run stage by stage (uses ontokit internals)."""
    from ontology_kit.compiler import compile_resolved
    from ontology_kit.loader import read_file
    from ontology_kit.model import Ontology
    from ontology_kit.resolve import resolve
    from ontology_kit.rules import check

    loaded = read_file(path)
    ontology = Ontology.model_validate(loaded.data)
    resolved = resolve(ontology, loaded.file)
    payload = compile_resolved(resolved)
    stages: list[tuple[str, Callable[[], object]]] = [
        ("read + yaml_rs.loads (read_file)", lambda: read_file(path)),
        ("Ontology.model_validate", lambda: Ontology.model_validate(loaded.data)),
        ("resolve (ids, colors)", lambda: resolve(ontology, loaded.file)),
        ("rules.check", lambda: check(ontology, resolved, loaded.file)),
        ("compile_resolved", lambda: compile_resolved(resolved)),
        ("dumps_payload", lambda: dumps_payload(payload)),
    ]
    times = [(name, best_of(fn, repeats)) for name, fn in stages]
    total = sum(t for _, t in times)
    width = max(len(n) for n, _ in times)
    lines = [
        f"\n== stages of (b), best of {repeats} each ==",
        *(f"  {n:<{width}}  {_ms(t)}  {t / total:6.1%}" for n, t in times),
        f"  {'sum':<{width}}  {_ms(total)}",
    ]
    return "\n".join(lines) + "\n"


# -- main -------------------------------------------------------------------------------------------
def measure(repeats: int, runs: int, directory: Path, bytecode: bool = True) -> Report:
    """Generate the files and measure every figure."""
    big, text, big_stats = write_big_file(directory)
    a = best_of(lambda: parse_yaml(text), repeats)
    b = best_of(lambda: check_and_compile(big), repeats)
    memory = peak_memory(big)
    small, source = small_file(directory)
    c, d, note = cli_figures(small, runs, subprocess_env(bytecode, directory / "pycache"))
    ratio_cli = c / d if c is not None and d is not None else None
    report = Report(
        machine={**machine(), "bytecode": bytecode},
        repeats=repeats,
        runs=runs,
        big_file=big_stats,
        yaml_csafeloader_s=a,
        ontokit_check_compile_s=b,
        ratio_check_compile_vs_yaml=b / a,
        peak_memory=memory,
        small_file={"path": str(small), "source": source, "bytes": small.stat().st_size},
        ontokit_validate_cli_s=c,
        check_jsonschema_cli_s=d,
        ratio_cli=ratio_cli,
    )
    report.goals = [
        Goal("validate+compile vs CSafeLoader parse, (b)/(a)", b / a),
        Goal("ontokit validate vs check-jsonschema CLI, (c)/(d)", ratio_cli, note=note),
    ]
    return report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", "--repeats", type=int, default=5, help="in-process repeats, best of N (default 5)")
    p.add_argument("--runs", type=int, default=10, help="subprocess runs, median of M (default 10)")
    add_report_options(p)
    p.add_argument("--profile", action="store_true", help="also cProfile (b) and time its stages")
    p.add_argument("--keep", metavar="DIR", help="write the generated files to DIR instead of a temp dir")
    p.add_argument(
        "--no-bytecode",
        dest="bytecode",
        action="store_false",
        help="subprocesses compile ontokit from source on every run (PYTHONDONTWRITEBYTECODE)",
    )
    args = p.parse_args(argv)
    if args.repeats < 1 or args.runs < 1:
        p.error("--repeats and --runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the report; see the module docstring."""
    args = parse_args(argv)
    if not hasattr(yaml, "CSafeLoader"):
        raise SystemExit("PyYAML was built without libyaml (no yaml.CSafeLoader); (a) needs the C loader")
    with tempfile.TemporaryDirectory(prefix="ontokit-bench-") as tmp:
        directory = Path(args.keep) if args.keep else Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        report = measure(args.repeats, args.runs, directory, args.bytecode)
        profile = profile_report(directory / "big.yaml") if args.profile else ""
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
        if profile:
            print(profile, file=sys.stderr)
    else:
        print(render_table(report))
        if profile:
            print(profile)
    failed = any(g.status == "FAIL" for g in report.goals)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
