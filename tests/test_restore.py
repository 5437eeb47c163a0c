"""``ontokit restore BACKUP`` with hostile and foreign backups: every problem is one line and exit 1,
checked before anything is written (never a traceback). The restore of a real backup is in
tests/test_migrations_apply.py."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_ontokit

from ontology_kit.workflow import migrating

HEADER = {
    "ontokit_backup": 1,
    "project": "p1",
    "hub": "https://hub.example.com",
    "created": "2026-11-30T00:00:00+00:00",
    "categorySchema": {"tools": [], "classifications": [], "relations": []},
}
TASK = {
    "taskId": "t1",
    "externalId": "a.jpg",
    "answer": {"tools": [], "classifications": [], "relations": []},
}


def _lines(*docs: object) -> str:
    return "".join(json.dumps(d) + "\n" for d in docs)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


#: (file maker, what the error line says)
HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty": (lambda d: _write(d / "b.ndjson", ""), "not an ontokit answers backup"),
    "not-json": (lambda d: _write(d / "b.ndjson", "{nope\n"), "not JSON"),
    "other-format": (
        lambda d: _write(d / "b.ndjson", _lines({**HEADER, "ontokit_backup": 2})),
        "not an ontokit",
    ),
    "plan-file": (lambda d: _write(d / "b.ndjson", _lines({"ontokit_plan": "1"})), "not an ontokit"),
    "header-types": (lambda d: _write(d / "b.ndjson", _lines({**HEADER, "project": 7})), "not an ontokit"),
    "schema-not-object": (
        lambda d: _write(d / "b.ndjson", _lines({**HEADER, "categorySchema": []})),
        "not an",
    ),
    "task-not-object": (lambda d: _write(d / "b.ndjson", _lines(HEADER, [1, 2])), ":2: not a task"),
    "task-answer-list": (
        lambda d: _write(d / "b.ndjson", _lines(HEADER, {**TASK, "answer": []})),
        ":2: not a task",
    ),
    "bad-line-3": (lambda d: _write(d / "b.ndjson", _lines(HEADER, TASK) + "{\n"), ":3: not JSON"),
    "directory": (lambda d: (d / "dir").mkdir() or d / "dir", "not a regular file"),
    "missing": (lambda d: d / "nothing.ndjson", "cannot read"),
    "fifo": (lambda d: (os.mkfifo(d / "f"), d / "f")[1], "not a regular file"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_backup_is_one_line_and_nothing_is_written(tmp_path: Path, case: str) -> None:
    (tmp_path / ".git").mkdir()
    make, said = HOSTILE[case]
    path = make(tmp_path)
    result = run_ontokit("restore", str(path), "--auto-approve", cwd=tmp_path)
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and said in lines[0], result.stderr
    assert not (tmp_path / ".ontokit" / "hub.sqlite3").exists()  # no hub was opened, nothing written


def test_a_line_over_the_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ontology_kit.errors import BackupFileError
    from ontology_kit.workflow.restoring import check_backup

    monkeypatch.setattr(migrating, "MAX_LINE_BYTES", 1000)
    path = _write(tmp_path / "b.ndjson", _lines(HEADER, {**TASK, "externalId": "x" * 2000}))
    with pytest.raises(BackupFileError, match=r":2: a line longer than"):
        check_backup(path)


def test_a_file_over_the_bound_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ontology_kit.errors import BackupFileError
    from ontology_kit.workflow.restoring import check_backup

    monkeypatch.setattr(migrating, "MAX_BACKUP_BYTES", 100)
    path = _write(tmp_path / "b.ndjson", _lines(HEADER, TASK))
    with pytest.raises(BackupFileError, match="larger than"):
        check_backup(path)


def test_another_hubs_backup_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    path = _write(tmp_path / "b.ndjson", _lines(HEADER, TASK))
    result = run_ontokit("restore", str(path), "--auto-approve", cwd=tmp_path)
    assert result.returncode == 1
    assert "is a backup of a project on https://hub.example.com, not on embedded local hub" in result.stderr


def test_without_a_terminal_restore_asks_for_auto_approve(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    db = (tmp_path / ".ontokit" / "hub.sqlite3").resolve()
    path = _write(tmp_path / "b.ndjson", _lines({**HEADER, "hub": str(db)}, TASK))
    result = run_ontokit("restore", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert "pass --auto-approve" in result.stderr


def test_a_backup_of_a_project_the_hub_does_not_have(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    db = (tmp_path / ".ontokit" / "hub.sqlite3").resolve()
    path = _write(tmp_path / "b.ndjson", _lines({**HEADER, "hub": str(db)}, TASK))
    result = run_ontokit("restore", str(path), "--auto-approve", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        len(result.stderr.strip().splitlines()) == 2 and "p1" in result.stderr
    )  # the notice, then one error


@pytest.mark.parametrize("value", ["nan", "-1", "inf", "86401"], ids=["nan", "negative", "inf", "over-a-day"])
@pytest.mark.parametrize(
    "command",
    [("apply",), ("restore", "b.ndjson"), ("hub", "load", "x.ndjson", "--project", "p")],
    ids=["apply", "restore", "hub-load"],
)
def test_every_lock_timeout_takes_seconds_from_0_to_a_day(
    tmp_path: Path, command: tuple[str, ...], value: str
) -> None:
    """One option for every command that waits for a lease (restore's and hub load's took NaN)."""
    result = run_ontokit(*command, "--lock-timeout", value, cwd=tmp_path)
    assert result.returncode == 1 and "Invalid value for '--lock-timeout'" in result.stderr, result.stderr
