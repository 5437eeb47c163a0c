"""``ontokit hub load``: an export file (Ango's export format) into a project, through the official
SDK's routes only, repeatable; the shipped example data (examples/data) as the README's main job
loads it, and the exact counts its plan of examples/proposal shows, computed here independently from
the data file."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import LocalHub
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)
from test_plan_apply import ROOT, Run, base_env, ontokit

from ontology_kit.errors import InvalidDataFileError
from ontology_kit.workflow import export_file, loading

DATA = ROOT / "examples" / "data" / "driving-staging.ndjson"
STAGING = "Driving scenes (staging)"


def _entries() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def _walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every answer element of ``items``, nested classifications included."""
    out: list[dict[str, Any]] = []
    for item in items:
        out += [item, *_walk(item.get("classifications") or [])]
    return out


def _elements(entry: dict[str, Any]) -> list[dict[str, Any]]:
    task = entry["task"]
    return _walk(task["tools"]) + _walk(task["classifications"]) + task["relations"]


def expected_proposal() -> dict[str, str]:
    """What `ontokit plan examples/proposal/driving-staging.yaml` must say of each change, counted
    here from the data file by title (the oracle knows nothing of ontokit's counting)."""
    entries = _entries()

    def touched(keep: Any) -> tuple[int, int]:
        per_task = [sum(1 for e in _elements(x) if keep(e)) for x in entries]
        return sum(per_task), sum(1 for n in per_task if n)

    moto = touched(lambda e: e.get("title") == "Vehicle type" and e["answer"] == "Motorcycle")
    wheel = touched(lambda e: e.get("title") in ("Wheel contact point", "Wheel"))
    plates = [e["answer"] for x in entries for e in _elements(x) if e.get("title") == "License plate"]
    bad = sum(1 for p in plates if not re.search("^[A-Z0-9]{1,10}$", p))
    plate = touched(lambda e: e.get("title") == "License plate")
    time = touched(lambda e: e.get("title") == "Time of day")
    lacking = sum(1 for x in entries if not any(e.get("title") == "Time of day" for e in _elements(x)))
    assert min(moto[0], wheel[0], bad, lacking) > 0  # the data exercises every change
    return {
        'Vehicle › Vehicle type › option "Motorcycle"': f"would orphan {moto[0]} annotations in {moto[1]} tasks",
        "tool Vegetation": "would orphan 0 annotations in 0 tasks",
        "tool Wheel contact point": f"would orphan {wheel[0]} annotations in {wheel[1]} tasks",
        "classification Vehicle › License plate": f"{bad} answers no longer match the regex; touches {plate[0]} annotations in {plate[1]} tasks",
        "classification Time of day": f"{lacking} tasks have no answer to it; touches {time[0]} annotations in {time[1]} tasks",
    }


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("example_data", ROOT / "examples" / "data" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_data_is_what_its_generator_writes() -> None:
    """It names the ontology's current schemaIds: regenerated after every change to the ontology."""
    assert _generator().generate() == DATA.read_bytes()
    entries = _entries()
    assert len(entries) == 36 and len({e["externalId"] for e in entries}) == 36


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """examples/ copied into a fresh repository, its workspace applied to the embedded hub."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    shutil.copytree(ROOT / "examples", tmp_path / "repo" / "examples")
    root = tmp_path / "repo"
    applied = _run(root, "apply", "examples", "--auto-approve")
    assert applied.code == 0, applied
    return root


def _assets(root: Path) -> int:
    """Assets in the embedded hub's database (every project)."""
    with sqlite3.connect(root / ".ontokit" / "hub.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM assets").fetchone()[0])


def _served_examples(local_hub: LocalHub, tmp_path: Path) -> tuple[Path, dict[str, str], tuple[str, str]]:
    """examples/ in a fresh repository, applied to a served hub: (root, environment, --hub URL)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(ROOT / "examples", root / "examples")
    env = base_env(DRIVING_WEBHOOK_SECRET="demo-only", ANGO_API_KEY=local_hub.key)
    hub = ("--hub", str(local_hub.url))
    assert ontokit("apply", "examples", "--auto-approve", *hub, cwd=root, env=env).code == 0
    return root, env, hub


def _run(root: Path, *args: str) -> Run:
    return ontokit(*args, cwd=root, env=base_env(DRIVING_WEBHOOK_SECRET="demo-only"))


def _load(root: Path, *extra: str, file: str = "examples/data/driving-staging.ndjson") -> Run:
    return _run(root, "hub", "load", file, "--project", STAGING, *extra)


def test_the_proposal_plan_shows_the_exact_counts(examples: Path) -> None:
    loaded = _load(examples)
    assert loaded.code == 0, loaded
    n = sum(len(_elements(e)) for e in _entries())
    stages = Counter("Labeling" if e["task"]["stage"] == "Labeling" else "Complete" for e in _entries())
    assert loaded.out.startswith(f"Loaded 36 tasks (36 new) with {n} annotations into project '{STAGING}'")
    assert f"tasks now: {stages['Complete']} in Complete, {stages['Labeling']} in Labeling." in loaded.out
    plan = _run(examples, "plan", "examples/proposal/driving-staging.yaml")
    assert plan.code == 0, plan
    for path, words in expected_proposal().items():
        assert re.search(
            rf"[-~] {re.escape(path)}( \(\+\d+ nested\))? \[[a-z-]+\]\n      # {re.escape(words)}\n", plan.out
        ), (path, words, plan.out)


def test_loading_again_changes_nothing(examples: Path, tmp_path: Path) -> None:
    assert _load(examples).code == 0
    first = _run(examples, "plan", "examples/proposal/driving-staging.yaml", "--format", "json").json()
    again = _load(examples)
    assert again.code == 0, again
    assert "(0 new)" in again.out
    assert (
        _run(examples, "plan", "examples/proposal/driving-staging.yaml", "--format", "json").json() == first
    )


def test_sdk_export_returns_the_loaded_answers_after_loading_twice(
    lc: Any, local_hub: LocalHub, tmp_path: Path
) -> None:
    """Through a served hub: the official SDK's export gives back every loaded answer, options named
    by id (the hub's import format), and each task in its entry's stage."""
    import logging

    from imerit_ango.models.enums import ExportFormats
    from imerit_ango.models.export_options import ExportOptions
    from imerit_ango.sdk import SDK

    root, env, hub = _served_examples(local_hub, tmp_path)
    loaded = ontokit("hub", "load", str(DATA), "--project", STAGING, *hub, cwd=root, env=env)
    assert loaded.code == 0, loaded
    again = ontokit("hub", "load", str(DATA), "--project", STAGING, *hub, cwd=root, env=env)
    assert again.code == 0 and "(0 new)" in again.out, again
    assert loaded.out.split("tasks now: ")[1] == again.out.split("tasks now: ")[1]
    logging.getLogger("SDK").setLevel(logging.CRITICAL)
    sdk = SDK(local_hub.key, host=local_hub.url)
    pid = next(p["_id"] for p in sdk.list_projects()["data"]["projects"] if p["name"] == STAGING)
    entries, count = sdk.export(
        pid, ExportOptions(stage=["Label", "Complete"], export_format=ExportFormats.NDJSON)
    )
    exported = {e["externalId"]: e for e in entries}
    sdk.session.close()
    assert count == 36
    for entry in _entries():
        got = exported[entry["externalId"]]
        assert got["task"]["stage"] == entry["task"]["stage"]
        assert got["asset"] == entry["asset"] and got["batches"] == entry["batches"]
        mine = [(e["schemaId"], e.get("objectId")) for e in _elements(entry)]
        theirs = [(e["schemaId"], e.get("objectId")) for e in _elements(got)]
        assert theirs == mine
        values = [e.get("answer") for e in _elements(got)]
        assert "Motorcycle" not in values and "Car" not in values  # named by the option's id


def _zip(*members: tuple[str, bytes], encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    raw = bytearray(buffer.getvalue())
    if encrypted:  # the "encrypted" flag set in the local and the central header: a password is needed
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = raw.index(signature) + offset
            raw[at] |= 0x1
    return bytes(raw)


def _corrupt_zip() -> bytes:
    raw = bytearray(_zip(("a.ndjson", GOOD * 50)))
    start = raw.index(b"a.ndjson") + len("a.ndjson")
    raw[start + 10 : start + 60] = bytes(range(50))  # the deflate stream, damaged
    return bytes(raw)


def _nested(depth: int) -> bytes:
    """An entry whose classification answer nests ``depth`` levels (written as text: a JSON encoder
    would recurse as deep)."""
    inner = '{"schemaId": "x", "classifications": [' * depth + '{"schemaId": "x"}' + "]}" * depth
    head = '{"externalId": "deep", "asset": "https://example.com/a.jpg", "task": {"classifications": ['
    return (head + inner + "]}}\n").encode()


GOOD = DATA.read_bytes().splitlines()[0] + b"\n"

HOSTILE = {
    "not-json": (b"{nope\n", "x:1: not a JSON object"),
    "a-list-of-numbers": (b"[1, 2]", "x: entry 1: an entry is an object"),
    "no-external-id": (b'{"asset": "a", "task": {}}\n', "x:1: needs externalId (a string)"),
    "wrong-types": (
        b'{"externalId": "e", "asset": 3, "task": {"tools": {}}, "batches": "Pilot"}\n',
        "x:1: needs asset (its URL, 1 to 8,192 characters), batches (a list of names), task.tools (a list)",
    ),
    "not-an-answer": (
        b'{"externalId": "e", "asset": "a", "task": {"tools": [1, "a"]}}\n',
        "x:1: task.tools[0] must be an object",
    ),
    "no-schema-id": (
        b'{"externalId": "e", "asset": "a", "task": {"classifications": [{"schemaId": 5}]}}\n',
        "x:1: task.classifications[0].schemaId must be",
    ),
    "too-deep": (_nested(100), "x:1: task.classifications[0]"),
    "deeper-than-recursion": (_nested(505), "x:1: task.classifications[0]"),
    "asset-too-long": (
        b'{"externalId": "e", "asset": "' + b"a" * 9000 + b'", "task": {}}\n',
        "x:1: needs asset (its URL, 1 to 8,192 characters)",
    ),
    "external-id-too-long": (
        b'{"externalId": "' + b"e" * 2000 + b'", "asset": "a", "task": {}}\n',
        "x:1: needs externalId (a string)",
    ),
    "repeated": (GOOD + GOOD, "x:2: externalId 'frame-000' is repeated"),
    "empty": (b"\n\n", "x: holds no tasks"),
    "zip-of-two": (
        _zip(("a.ndjson", GOOD), ("b.ndjson", GOOD)),
        "x: an export zip holds one file; this one holds 2",
    ),
    "broken-zip": (b"PK\x03\x04garbage", "x: not a readable zip file"),
    "corrupt-zip": (_corrupt_zip(), "x: not a readable zip file"),
    "encrypted-zip": (_zip(("a.ndjson", GOOD), encrypted=True), "x: cannot read its zip member"),
    "not-utf8": (b'{"externalId": "\xff"}\n', "x:1: not a JSON object"),
    "unknown-stage": (
        GOOD.replace(b'"stage":"Labeling"', b'"stage":"Review"'),
        "x:1: stage 'Review' is not one of the project's (Start, Labeling, Complete)",
    ),
    "unknown-batch": (GOOD.replace(b'"Pilot"', b'"Nope"'), "x:1: batch 'Nope' is not one of the project's"),
}


@pytest.mark.parametrize(("content", "message"), list(HOSTILE.values()), ids=list(HOSTILE))
def test_bad_files_are_one_line_errors_and_nothing_is_sent(
    examples: Path, content: bytes, message: str
) -> None:
    (examples / "x").write_bytes(content)
    result = _load(examples, file="x")
    assert result.code == 1, result
    assert message in result.err and "Traceback" not in result.err, result.err
    assert all(line.startswith(("error: ", "hub: ")) for line in result.err.splitlines()), result.err
    assert "Loaded" not in result.out
    assert _assets(examples) == 0  # checked whole before anything is sent


def test_every_problem_is_a_line_of_its_own(examples: Path) -> None:
    (examples / "x").write_bytes(b"3\n" * 30)
    result = _load(examples, file="x")
    lines = result.err.splitlines()
    assert result.code == 1 and len(lines) == 21, result
    assert lines[0] == "error: x:1: an entry is an object with externalId, asset and task"
    assert lines[-1] == "error: ... and 10 more"


def test_not_a_regular_file(examples: Path) -> None:
    os.mkfifo(examples / "fifo")
    result = _load(examples, file="fifo")
    assert result.code == 1 and "error: fifo: not a regular file" in result.err, result


@pytest.mark.parametrize(
    ("bound", "content", "message"),
    [
        pytest.param("MAX_FILE_BYTES", b" " * 100_001, "larger than 100,000 bytes", id="file"),
        pytest.param(
            "MAX_FILE_BYTES", _zip(("a.ndjson", b" " * 10_000_000)), "unpacks to more than", id="zip-bomb"
        ),
        pytest.param(
            "MAX_LINE_BYTES", b"{" + b" " * 200_000 + b"}\n" + GOOD, "longer than 100,000 bytes", id="line"
        ),
        pytest.param(
            "MAX_LIST_BYTES", b"[" + b" " * 200_000 + b"]", "a JSON list larger than", id="json-list"
        ),
    ],
)
def test_every_reader_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bound: str, content: bytes, message: str
) -> None:
    monkeypatch.setattr(export_file, bound, 100_000)
    path = tmp_path / "f"
    path.write_bytes(content)
    with pytest.raises(InvalidDataFileError) as caught:
        export_file.check_export(str(path))
    assert message in caught.value.problems[0]


@pytest.mark.parametrize(
    ("project", "message"),
    [
        pytest.param("No such project", "no project with id or name 'No such project'", id="unknown"),
        pytest.param("", "no project with id or name ''", id="empty"),
        pytest.param("0123456789abcdef01234567", "no project with id or name", id="unknown-id"),
    ],
)
def test_the_project_must_exist(examples: Path, project: str, message: str) -> None:
    result = _run(examples, "hub", "load", "examples/data/driving-staging.ndjson", "--project", project)
    assert result.code == 1 and message in result.err, result


def test_the_project_by_id(examples: Path) -> None:
    projects = _run(examples, "hub", "projects", "--format", "json").json()
    pid = next(p["_id"] for p in projects if p["name"] == STAGING)
    result = _run(examples, "hub", "load", "examples/data/driving-staging.ndjson", "--project", pid)
    assert result.code == 0 and f"({pid})" in result.out, result


def test_the_cli_needs_a_project(tmp_path: Path) -> None:
    result = ontokit("hub", "load", "x.ndjson", cwd=tmp_path)
    assert result.code == 1 and "Missing option '--project'" in result.err, result


def test_the_client_sends_no_more_than_the_hub_takes() -> None:
    from ontology_kit.client import labels
    from ontology_kit.hub import app, asset_fields, assets

    assert labels.MAX_PER_REQUEST == assets.MAX_ASSETS == assets.MAX_LABELS == assets.MAX_TASK_LIMIT
    assert labels.MAX_PER_REQUEST <= asset_fields.MAX_FILTER_VALUES  # find_tasks' $in list
    assert loading.MAX_REQUEST_BYTES + export_file.MAX_LINE_BYTES < app.MAX_BODY_BYTES


def test_requests_are_cut_by_size_too(examples: Path) -> None:
    """Entries of 1 MB each: fewer than 1,000 a request, each request under the bound."""
    big = _entries()[:20]
    for e in big:
        e["metadata"] = {"blob": "x" * 1_000_000}
    (examples / "big.ndjson").write_text("".join(json.dumps(e) + "\n" for e in big), encoding="utf-8")
    result = _load(examples, file="big.ndjson")
    assert result.code == 0 and "Loaded 20 tasks (20 new)" in result.out, result


def test_two_loads_at_once_move_each_task_once(local_hub: LocalHub, tmp_path: Path) -> None:
    """A workflow Start → Label → Review → Complete and every task wanted in Review: two loads started
    together take turns on the project's lease, and no task is sent past Review."""
    root, env, hub = _served_examples(local_hub, tmp_path)
    client = local_hub.client()
    pid = next(p["_id"] for p in client.iter_projects() if p["name"] == STAGING)
    stages = [
        {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"]},
        {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Review"]},
        {"id": "Review", "name": "Review", "type": "Review", "next": ["Complete"]},
        {"id": "Complete", "name": "Complete", "type": "Complete", "next": []},
    ]
    client.update_project(pid, stages=stages)
    review = [{**e, "task": {**e["task"], "stage": "Review"}} for e in _entries()]
    (root / "review.ndjson").write_text("".join(json.dumps(e) + "\n" for e in review), encoding="utf-8")
    args = [sys.executable, "-m", "ontology_kit", "hub", "load", "review.ndjson", "--project", STAGING]
    runs = [
        subprocess.Popen(
            [*args, *hub, "--lock-timeout", "60"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [r.communicate(timeout=120) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    assert all("tasks now: 36 in Review." in out for out, _ in outs), outs
    tasks = client._call("GET", f"/v2/project/{pid}/tasks", params={"limit": 100}, safe=True, what="tasks")
    assert {t["stageId"] for t in tasks["tasks"]} == {"Review"}
    client.close()
