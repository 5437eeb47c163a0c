"""``ontokit hub load``: an export file (Ango's export format) into a project, through the official
SDK's routes only, repeatable; the shipped example data (examples/data) as the README's main job
loads it, and the exact counts its plan of examples/proposal shows, computed here independently from
the data file."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import LocalHub
from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)
from test_plan_apply import ROOT, Run, base_env, ontokit

from ontology_kit.workflow import loading

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


def test_sdk_export_returns_the_loaded_answers(lc: Any, local_hub: LocalHub, tmp_path: Path) -> None:
    """Through a served hub: the official SDK's export gives back every loaded answer, options named
    by id (the hub's import format), and each task in its entry's stage."""
    import logging

    from imerit_ango.models.enums import ExportFormats
    from imerit_ango.models.export_options import ExportOptions
    from imerit_ango.sdk import SDK

    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(ROOT / "examples", root / "examples")
    env = base_env(DRIVING_WEBHOOK_SECRET="demo-only", ANGO_API_KEY=local_hub.key)
    hub = ("--hub", str(local_hub.url))
    assert ontokit("apply", "examples", "--auto-approve", *hub, cwd=root, env=env).code == 0
    loaded = ontokit("hub", "load", str(DATA), "--project", STAGING, *hub, cwd=root, env=env)
    assert loaded.code == 0, loaded
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


def _zip(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


GOOD = DATA.read_bytes().splitlines()[0]

HOSTILE = {
    "not-json": (b"{nope\n", "x:1: not a JSON object"),
    "a-list-of-numbers": (b"[1, 2]", "x: entry 1: an entry is an object"),
    "no-external-id": (b'{"asset": "a", "task": {}}\n', "x:1: needs externalId (a string)"),
    "wrong-types": (
        b'{"externalId": "e", "asset": 3, "task": {"tools": {}}, "batches": "Pilot"}\n',
        "x:1: needs asset (its URL, a string), batches (a list of names), task.tools (a list)",
    ),
    "repeated": (GOOD + b"\n" + GOOD + b"\n", "x:2: externalId 'frame-000' is repeated"),
    "empty": (b"\n\n", "x: holds no tasks"),
    "zip-of-two": (
        _zip(("a.ndjson", GOOD), ("b.ndjson", GOOD)),
        "x: an export zip holds one file; this one holds 2",
    ),
    "broken-zip": (b"PK\x03\x04garbage", "x: not a readable zip file"),
    "unknown-stage": (
        GOOD.replace(b'"stage":"Labeling"', b'"stage":"Review"'),
        "x:1: stage 'Review' is not on the project's workflow",
    ),
    "unknown-batch": (GOOD.replace(b'"Pilot"', b'"Nope"'), "unknown batch"),
}


@pytest.mark.parametrize(("content", "message"), list(HOSTILE.values()), ids=list(HOSTILE))
def test_bad_files_are_one_line_errors(examples: Path, content: bytes, message: str) -> None:
    (examples / "x").write_bytes(content)
    result = _load(examples, file="x")
    assert result.code == 1, result
    assert message in result.err and "Traceback" not in result.err, result.err
    assert "Loaded" not in result.out


def test_a_zip_bomb_is_refused_unpacked_only_to_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 100_000)
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(_zip(("a.ndjson", b" " * 10_000_000)))
    with pytest.raises(loading.InputError, match="unpacks to more than"):
        loading.read_export(str(bomb))
    big = tmp_path / "big.ndjson"
    big.write_bytes(b" " * 100_001)
    with pytest.raises(loading.InputError, match="larger than"):
        loading.read_export(str(big))


def test_many_problems_are_listed_one_per_line_then_counted(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ndjson"
    bad.write_text("3\n" * 30, encoding="utf-8")
    with pytest.raises(loading.InputError) as caught:
        loading.read_export(str(bad))
    lines = str(caught.value).splitlines()
    assert len(lines) == 21 and lines[-1] == "... and 10 more"
    assert lines[0] == f"{bad}:1: an entry is an object with externalId, asset and task"


@pytest.mark.parametrize(
    ("project", "message"),
    [
        pytest.param("No such project", "no project with id or name 'No such project'", id="unknown"),
    ],
)
def test_the_project_must_exist(examples: Path, project: str, message: str) -> None:
    result = _run(examples, "hub", "load", "examples/data/driving-staging.ndjson", "--project", project)
    assert result.code == 1 and message in result.err, result


def test_the_cli_needs_a_project(tmp_path: Path) -> None:
    result = ontokit("hub", "load", "x.ndjson", cwd=tmp_path)
    assert result.code == 1 and "Missing option '--project'" in result.err, result


def test_the_client_sends_no_more_than_the_hub_takes() -> None:
    from ontology_kit.client import labels
    from ontology_kit.hub import assets

    assert labels.MAX_PER_REQUEST == assets.MAX_ASSETS == assets.MAX_LABELS == assets.MAX_TASK_LIMIT
