"""ontokit export-count benchmark: a plan's counts through the documented export (the real Hub's
path), on 200,000 tasks holding 1,000,000 answer elements.

What is measured (see bench/README.md, "Counting through the export"):

- the export is generated deterministically (no randomness: the same bytes every run) and written
  streamed into a zip holding one NDJSON member, in a temporary folder;
- a tiny HTTP server in this process answers ``GET /v2/export`` with an ``exportPath`` on itself and
  serves the zip from disk (as a storage link would: no key needed);
- a **fresh interpreter** runs ``ExportCounter.count`` on it, as ``ontokit plan`` does against a hub
  without the ``annotation-counts`` extension: download to a temporary file, open the zip, read the
  lines one by one, tally a plan's questions (20 groups, 2 ``missing``, 1 ``texts``, 1 ``under``).
  It reports the wall time of that call and its peak RSS (``VmHWM``; the whole process, imports
  included, and the growth over the RSS after the imports).

Goals (issue 10, item 7): at most **10 s** and at most **300 MB** peak RSS.

Usage::

    python bench/export_counts.py [--tasks 200000] [--json] [--strict] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIME_GOAL_S = 10.0
RSS_GOAL_MB = 300.0
TOOLS = [f"tool{n:02d}" for n in range(10)]
OPTIONS = [f"opt{n}" for n in range(5)]
# 5 elements a task: 2 objects, each with one nested radio answer, and one top-level text answer.
ELEMENTS_PER_TASK = 5


def schema() -> dict[str, Any]:
    """The label set the export's answers name: 10 tools with a nested radio of 5 options, a text."""
    radio = [
        {
            "schemaId": f"{t}-q",
            "tool": "radio",
            "title": "Q",
            "options": [{"schemaId": f"{t}-{o}", "value": o} for o in OPTIONS],
        }
        for t in TOOLS
    ]
    return {
        "tools": [
            {"schemaId": t, "tool": "bounding-box", "title": t, "classifications": [q]}
            for t, q in zip(TOOLS, radio, strict=True)
        ],
        "classifications": [{"schemaId": "note", "tool": "text", "title": "Note"}],
        "relations": [],
    }


def task_lines(tasks: int) -> Iterator[bytes]:
    """One NDJSON line per task, deterministic; real exports write value texts for options."""
    for n in range(tasks):
        objects = []
        for k in range(2):
            tool = TOOLS[(n + k * 3) % len(TOOLS)]
            value = OPTIONS[(n * 7 + k) % len(OPTIONS)]
            nested = [{"schemaId": f"{tool}-q", "title": "Q", "answer": value}]
            box = {"x": n % 640, "y": k * 10, "width": 32, "height": 24}
            objects.append(
                {"schemaId": tool, "objectId": f"o{n}-{k}", "bounding-box": box, "classifications": nested}
            )
        doc = {
            "asset": f"https://example.test/{n}.jpg",
            "externalId": f"x{n}",
            "task": {
                "taskId": f"t{n}",
                "stage": "Label" if n % 3 else "Complete",
                "tools": objects,
                "classifications": [{"schemaId": "note", "title": "Note", "answer": f"note {n % 97}"}],
                "relations": [],
            },
        }
        yield json.dumps(doc, separators=(",", ":")).encode() + b"\n"


def write_export(path: Path, tasks: int) -> int:
    """The zip, written streamed (one member); its size in bytes."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("p1.ndjson", "w", force_zip64=True) as out,
    ):
        for line in task_lines(tasks):
            out.write(line)
    return path.stat().st_size


def serve(zip_path: Path) -> tuple[ThreadingHTTPServer, str]:
    """A server answering the export request and serving ``zip_path`` from disk, in chunks."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/v2/export"):
                url = f"http://127.0.0.1:{self.server.server_address[1]}/files/p1.zip"
                body = json.dumps({"status": "success", "data": {"exportPath": url}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(zip_path.stat().st_size))
            self.end_headers()
            with zip_path.open("rb") as fh:
                while chunk := fh.read(1 << 16):
                    self.wfile.write(chunk)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


_COUNT_SCRIPT = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from ontology_kit.client import HubClient
from ontology_kit.client.export_counts import ExportCounter
from ontology_kit.count_query import CountQuery
from ontology_kit.state import LiveProject

def status_kib(name):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(name + ":"):
                return int(line.split()[1])

live = LiveProject.from_hub({"_id": "p1", "categorySchema": json.loads(sys.argv[3]),
    "stages": [{"id": "Label", "name": "Label"}, {"id": "Complete", "name": "Complete"}]}, None)
tools = [t["schemaId"] for t in live.category_schema.raw["tools"]]
groups = [(t, t + "-q", *(t + "-opt" + str(o) for o in range(5))) for t in tools]  # remove a tool
groups += [(t + "-q", *(t + "-opt" + str(o) for o in range(5))) for t in tools[:5]]  # a nested radio
groups += [(t + "-opt0",) for t in tools[:5]]  # one option
under = ((tools[1] + "-q", tools[1] + "-opt1"),)
query = CountQuery(tuple(groups), ("note", tools[0] + "-q"), ("note",), under)
try:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    start = status_kib("VmRSS")
except OSError:
    start = None
with HubClient(sys.argv[2], "bench-key", timeout=60) as client:
    began = time.perf_counter()
    answer = ExportCounter(client).count(live, query)
    seconds = time.perf_counter() - began
print(json.dumps({"seconds": seconds, "start_kib": start, "peak_kib": status_kib("VmHWM"),
    "groups": [[g.annotations, g.tasks] for g in answer.groups if g], "missing": list(answer.missing),
    "texts": [None if t is None else len(t) for t in answer.texts], "under": list(answer.under),
    "partial": answer.partial}))
"""


def measure(url: str) -> dict[str, Any]:
    """The count in a fresh interpreter: its time, peak RSS and answers."""
    proc = subprocess.run(
        [sys.executable, "-c", _COUNT_SCRIPT, str(ROOT), url, json.dumps(schema())],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the count failed:\n{proc.stdout}{proc.stderr}")
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal fails")
    parser.add_argument("--keep", type=Path, help="write the export zip there instead of a temp folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        zip_path = folder / "export.zip"
        began = time.perf_counter()
        size = write_export(zip_path, args.tasks)
        written = time.perf_counter() - began
        server, url = serve(zip_path)
        try:
            found = measure(url)
        finally:
            server.shutdown()
            server.server_close()
    peak_mb = found["peak_kib"] / 1024
    growth = None if found["start_kib"] is None else (found["peak_kib"] - found["start_kib"]) / 1024
    report = {
        "tasks": args.tasks,
        "elements": args.tasks * ELEMENTS_PER_TASK,
        "zip_bytes": size,
        "write_s": written,
        "count_s": found["seconds"],
        "peak_rss_mb": peak_mb,
        "rss_growth_mb": growth,
        "answers": {k: found[k] for k in ("groups", "missing", "texts", "under", "partial")},
        "goals": {
            "time": "PASS" if found["seconds"] <= TIME_GOAL_S else "FAIL",
            "rss": "PASS" if peak_mb <= RSS_GOAL_MB else "FAIL",
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        elements = args.tasks * ELEMENTS_PER_TASK
        print(f"export: {args.tasks:,} tasks, {elements:,} answer elements, zip {size / 1e6:.1f} MB")
        print(f"  (generated and written in {written:.1f} s)")
        status = report["goals"]
        print(f"count: {found['seconds']:.2f} s (goal <= {TIME_GOAL_S:g} s): {status['time']}")
        growth_text = "" if growth is None else f", {growth:.0f} MB over the imports"
        print(f"peak RSS: {peak_mb:.0f} MB{growth_text} (goal <= {RSS_GOAL_MB:g} MB): {status['rss']}")
        annotations, tasks = found["groups"][0]
        print(f"first group: {annotations:,} annotations in {tasks:,} tasks; missing: {found['missing']}")
    return 1 if args.strict and "FAIL" in report["goals"].values() else 0


if __name__ == "__main__":
    raise SystemExit(main())
