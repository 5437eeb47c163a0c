"""The read-back check of a migration (``MigrationRun.verify``) reads the backup and the hub side by
side, holding a task only while the other side has not reached it (bench/migrate.py: memory does
not grow with the project). Whatever the hub holds (tasks gone, answers changed, newer tasks
anywhere, tasks out of order), it must find exactly what a check holding every task finds."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ontology_kit.category_schema import CategorySchema
from ontology_kit.client.labels import TaskAnswer
from ontology_kit.errors import MigrationError
from ontology_kit.migration import Binding
from ontology_kit.workflow import migrating
from ontology_kit.workflow.migrating import BACKUP_FORMAT, MigrationRun


def _answer(n: int, variant: int = 0) -> dict[str, Any]:
    return {
        "tools": [{"schemaId": "car", "objectId": f"o{n}", "bounding-box": {"x": n, "y": variant}}],
        "classifications": [],
        "relations": [],
    }


def _backup(path: Path, tasks: list[TaskAnswer]) -> Path:
    header = {
        "ontokit_backup": BACKUP_FORMAT,
        "project": "p1",
        "hub": "local",
        "created": "2026-11-30T00:00:00+00:00",
        "categorySchema": {"tools": [], "classifications": [], "relations": []},
    }
    lines = [orjson.dumps(header)]
    lines += [orjson.dumps({"taskId": t.id, "externalId": t.external_id, "answer": t.answer}) for t in tasks]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _run(tmp: Path) -> MigrationRun:
    desired = SimpleNamespace(name="Demo", migrations=(), category_schema=CategorySchema.empty())
    return MigrationRun(None, "local", tmp, desired, "p1", lambda _: None, lambda: True)  # type: ignore[arg-type]


def _verify(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, backup: list[TaskAnswer], hub: list[TaskAnswer]
) -> str:
    """ "" when the check passes, else its message."""
    monkeypatch.setattr(migrating, "iter_answers", lambda client, project: iter(hub))
    try:
        checked = _run(tmp).verify(_backup(tmp / "backup.ndjson", backup), Binding())
    except MigrationError as exc:
        return str(exc)
    assert checked == len(backup)
    return ""


@st.composite
def _hubs(draw: st.DrawFn) -> tuple[list[TaskAnswer], list[TaskAnswer], set[str], set[str]]:
    """A backup, what the hub holds after edits, and the tasks that differ and that are gone."""
    n = draw(st.integers(0, 30))
    backup = [TaskAnswer(f"id{i}", f"ext{i}", _answer(i)) for i in range(n)]
    hub: list[TaskAnswer] = []
    differ: set[str] = set()
    gone: set[str] = set()
    for task in backup:
        what = draw(st.sampled_from(["same", "same", "same", "changed", "gone", "newer before"]))
        if what == "gone":
            gone.add(task.external_id)
            continue
        if what == "newer before":
            hub.append(TaskAnswer(f"new{len(hub)}", f"new-ext{len(hub)}", _answer(-1)))
        if what == "changed":
            differ.add(task.external_id)
            task = TaskAnswer(task.id, task.external_id, _answer(int(task.id[2:]), 1))
        hub.append(task)
    hub += [TaskAnswer(f"tail{i}", f"tail-ext{i}", _answer(-2)) for i in range(draw(st.integers(0, 3)))]
    for _ in range(draw(st.integers(0, 3))):  # a few tasks out of place
        if len(hub) > 1:
            i, j = draw(st.integers(0, len(hub) - 1)), draw(st.integers(0, len(hub) - 1))
            hub[i], hub[j] = hub[j], hub[i]
    return backup, hub, differ, gone


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_hubs())
def test_side_by_side_check_finds_what_a_whole_check_finds(
    case: tuple[list[TaskAnswer], list[TaskAnswer], set[str], set[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup, hub, differ, gone = case
    message = _verify(tmp_path, monkeypatch, backup, hub)
    assert bool(message) == bool(differ or gone), message
    counts = {
        what: n for n, what in re.findall(r"(\d+) task\(s\) (hold other|of the backup are gone)", message)
    }
    assert int(counts.get("hold other", 0)) == len(differ), message
    assert int(counts.get("of the backup are gone", 0)) == len(gone), message


@pytest.mark.parametrize(
    ("hub", "expect"),
    [
        pytest.param([0, 1, 2, 3], "", id="same-order"),
        pytest.param([1, 0, 3, 2], "", id="pairs-swapped"),
        pytest.param([3, 2, 1, 0], "", id="reversed"),
        pytest.param([0, 2, 3], "1 task(s) of the backup are gone (ext1)", id="one-gone"),
        pytest.param([], "4 task(s) of the backup are gone", id="all-gone"),
    ],
)
def test_read_back_in_any_order(
    hub: list[int], expect: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = [TaskAnswer(f"id{i}", f"ext{i}", _answer(i)) for i in range(4)]
    message = _verify(tmp_path, monkeypatch, backup, [backup[i] for i in hub])
    assert (expect in message) if expect else message == "", message
