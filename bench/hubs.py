"""The local Hubs of ``bench/counts.py``: built once, cached under ``bench/out/``, served as subprocesses.

Two databases, each holding project ``Bench counts`` applied (by ``ontokit apply``, through a served
hub) from the live label set of ``bench/annotated.py``:

- ``annotated.sqlite3``: with ``Data.tasks`` tasks holding ``Data.elements`` answer elements,
  stored with the hub's own store functions (``annotations_store.insert_asset`` and ``set_answer``,
  each answer checked by ``answers.answer`` first: the rows ``upload_files_cloud`` and
  ``import_labels`` write), in transactions of ``CHUNK`` tasks instead of HTTP requests of 1,000;
- ``empty.sqlite3``: the same project without a task ("today": a plan that counts nothing).

The cache folder is named after a hash of the generator's parameters and source and of the live
label set's text; ``meta.json`` (the expected counts) is written last, so a build that was
interrupted is never mistaken for a cached one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated
from annotated import STAGES, Data, Ids, Tally, answers, edited_ids

from ontology_kit.hub import HubStore
from ontology_kit.hub import annotations_store as ann
from ontology_kit.hub.answers import answer

OUT = Path(__file__).resolve().parent / "out"
#: The bench's own organization key (a local, throw-away hub; not a secret of anyone's).
API_KEY = "ontokit-bench-counts"
PROJECT = "name: Bench counts\nontology: big.yaml\n"
CHUNK = 20_000
NOW = "2026-11-30T00:00:00.000Z"


@dataclass
class Served:
    """A hub server subprocess: its URL, and what it cost when it stopped."""

    proc: subprocess.Popen[str]
    url: str
    peak_kib: int | None = None

    def status_kib(self, name: str) -> int | None:
        """``VmRSS``/``VmHWM`` of the server now (Linux), in KiB."""
        try:
            with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith(name + ":"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def stop(self, grace: float = 10.0) -> None:
        """Interrupt the server (as Ctrl-C does; SIGTERM after ``grace`` seconds) and read its peak
        RSS from the kernel (``wait4``: the high-water mark of its whole life)."""
        if self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + grace
        try:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            while pid == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
                pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid == 0:
                self.proc.terminate()
                pid, status, usage = os.wait4(self.proc.pid, 0)
        except ChildProcessError:
            return
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.peak_kib = usage.ru_maxrss
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _default_sigint() -> None:
    # A shell starts a background job with SIGINT ignored, and Python then installs no handler for
    # it: the server would not stop on SIGINT. Give it the default back (Python's handler follows).
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def serve(cmd: list[str], env: dict[str, str], db: Path) -> Served:
    """``ontokit hub serve --db DB --port 0`` as a subprocess, once it listens.

    Raises:
        RuntimeError: the server did not say where it listens.
    """
    proc = subprocess.Popen(
        [*cmd, "hub", "serve", "--db", str(db), "--port", "0", "--api-key", API_KEY],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_default_sigint,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if " listening on " not in line:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"ontokit hub serve did not start: {line}{proc.stdout.read()}")
    return Served(proc, line.split(" listening on ")[1].split()[0])


def hub_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the bench's API key (the plan reads it from ``ANGO_API_KEY``)."""
    return {**env, "ANGO_API_KEY": API_KEY}


def cache_dir(data: Data, live: str) -> Path:
    """Where the hubs for ``data`` and the live label set ``live`` are kept: a new folder when the
    parameters, the label set or the generator's source (``annotated.py``, :func:`load_answers`)
    change."""
    source = Path(annotated.__file__).read_text(encoding="utf-8") + inspect.getsource(load_answers)
    key = json.dumps([dataclasses.asdict(data), live, source], sort_keys=True)
    return OUT / f"counts-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> None:
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")


def applied_hub(db: Path, work: Path, live: str, cmd: list[str], env: dict[str, str]) -> str:
    """A hub in ``db`` holding the project applied from ``live``; its project id."""
    store = HubStore(db)
    store.create_organization("bench", API_KEY)
    (work / "big.yaml").write_text(live, encoding="utf-8")
    server = serve(cmd, env, db)
    try:
        _run([*cmd, "apply", "project.yaml", "--auto-approve", "--hub", server.url], hub_env(env), work)
    finally:
        server.stop()
    with store.read() as conn:
        (project_id,) = conn.execute("SELECT id FROM projects").fetchone()
    return str(project_id)


def load_answers(store: HubStore, project_id: str, data: Data, ids: Ids, tally: Tally) -> None:
    """Every task of ``data``, with its answer, in ``project_id``; counted in ``tally`` as it goes.
    The workflow gains a Review stage (Start, Label, Review, Complete), and tasks are spread over it."""
    stream = answers(data, ids)
    done = 0
    while done < data.tasks:
        with store.write() as db:
            project = _project(db, project_id)
            for stage, label in (next(stream) for _ in range(min(CHUNK, data.tasks - done))):
                ext = label["externalId"]
                asset = {"externalId": ext, "data": f"https://example.test/{ext}.jpg", "batches": []}
                ann.insert_asset(db, project_id, (f"a{done:023x}", f"{done:024x}"), asset, stage, 0, NOW)
                ann.set_answer(db, f"{done:024x}", answer(label, f"jsonContent[{done}]"), NOW)
                tally.add(label)
                done += 1
            project["assetCount"] = done
            project["stages"] = _STAGES
            store.save_project(db, project)


_STAGES = [
    {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"]},
    {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Review"]},
    {"id": "Review", "name": "Review", "type": "Review", "next": ["Complete"]},
    {"id": "Complete", "name": "Complete", "type": "Complete", "next": []},
]
assert [s["id"] for s in _STAGES[1:]] == list(STAGES)


def _project(db: Any, project_id: str) -> dict[str, Any]:
    row = db.execute("SELECT doc FROM projects WHERE id = ?", (project_id,)).fetchone()
    return dict(json.loads(row["doc"]))


def build(
    data: Data, live: str, ids: Ids, cmd: list[str], env: dict[str, str]
) -> tuple[Path, dict[str, Any]]:
    """The cached hubs for ``data`` (built when absent): their folder and ``meta.json``."""
    folder = cache_dir(data, live)
    meta_path = folder / "meta.json"
    if meta_path.is_file():
        return folder, dict(json.loads(meta_path.read_text(encoding="utf-8")))
    shutil.rmtree(folder, ignore_errors=True)
    work = folder / "work"
    (work / ".git").mkdir(parents=True)
    (work / "project.yaml").write_text(PROJECT, encoding="utf-8")
    start = time.perf_counter()
    applied_hub(folder / "empty.sqlite3", work, live, cmd, env)
    project_id = applied_hub(folder / "annotated.sqlite3", work, live, cmd, env)
    applied_s = time.perf_counter() - start
    groups = {sid: ids.beneath[sid] for sid in [*edited_ids(), *ids.top]}
    tally = Tally(groups, ids.weather, ids.operator, ids.fix_note, ids.review_options[1])
    store = HubStore(folder / "annotated.sqlite3")
    start = time.perf_counter()
    load_answers(store, project_id, data, ids, tally)
    loaded_s = time.perf_counter() - start
    with store.read() as db:
        stored = db.execute("SELECT COUNT(*) FROM answer_refs WHERE kind != 'option'").fetchone()[0]
    if stored != tally.elements or tally.elements != data.elements:
        raise RuntimeError(
            f"{stored} answer elements stored, {tally.elements} generated, {data.elements} asked"
        )
    meta = {
        "data": dataclasses.asdict(data),
        "project_id": project_id,
        "apply_s": applied_s,
        "load_s": loaded_s,
        "bytes": (folder / "annotated.sqlite3").stat().st_size,
        "expected": expected(tally, edited_ids(), ids.top),
    }
    meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return folder, meta


def expected(tally: Tally, edited: list[str], top: list[str]) -> dict[str, Any]:
    """What the two plans must report, by the changed item's schemaId, from ``tally``: ``edits``,
    the plan of ``EDITS``; ``emptied``, the plan that removes every (``top``-level) item."""

    def count(sid: str) -> dict[str, Any]:
        return {"annotations": tally.annotations[sid], "tasks": tally.hit_tasks[sid]}

    edits = {sid: count(sid) for sid in edited}
    edits[tally.weather]["lacking"] = tally.lacking
    # the hub returns at most 10,000 texts (docs/hub.md): beyond, the count is not measured
    edits[tally.operator]["mismatched"] = tally.mismatched if tally.texts <= 10_000 else None
    edits[tally.fix_note]["under_old_condition"] = tally.under_old_condition
    return {
        "edits": edits,
        "emptied": {sid: count(sid) for sid in top},
        "tasks": tally.tasks,
        "elements": tally.elements,
        "texts": tally.texts,
    }
