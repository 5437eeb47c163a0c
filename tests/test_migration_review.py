"""``ontokit diff`` of two ontology files shows their migrations: bound against the old version's
label set (the answers were made with it), covered removals no longer destructive, and what cannot
be carried shown as a refusal. The diff of project definitions and `diff --base` are in
tests/test_sdk_migrations.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_ontokit

OLD = """\
tools:
  - title: Vehicle
    type: bounding-box
    classifications:
      - title: Type
        type: radio
        options: [Car, Truck, Lorry]
classifications:
  - title: Weather
    type: radio
    options: [Sun, Rain]
"""

NEW = """\
tools:
  - title: Vehicle
    type: bounding-box
    classifications:
      - title: Type
        type: radio
        options: [Car, Heavy vehicle]
classifications:
  - title: Conditions
    type: checkbox
    options: [Clear, Wet]
migrations:
  - merge: [[Vehicle, Type, Truck], [Vehicle, Type, Lorry]]
    into: [Vehicle, Type, Heavy vehicle]
"""

CONVERT_ALL = """\
  - convert: [Weather]
    to: [Conditions]
    values: {Sun: Clear, Rain: Wet}
"""
CONVERT_SOME = """\
  - convert: [Weather]
    to: [Conditions]
    values: {Sun: Clear}
"""


@pytest.mark.parametrize(
    ("extra", "destructive", "refused"),
    [
        pytest.param(CONVERT_ALL, 0, None, id="every-answer-carried"),
        pytest.param("", 1, None, id="weather-not-migrated"),
        pytest.param(CONVERT_SOME, 1, 'Weather › option "Rain"', id="an-option-left-behind"),
    ],
)
def test_diff_shows_migrations_and_what_they_cover(
    tmp_path: Path, extra: str, destructive: int, refused: str | None
) -> None:
    (tmp_path / "old.yaml").write_text(OLD)
    (tmp_path / "new.yaml").write_text(NEW + extra)
    result = run_ontokit("diff", "old.yaml", "new.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert '» migrations[0]: merge into Vehicle › Type › option "Heavy vehicle"' in out
    assert 'from Vehicle › Type › option "Truck"' in out and 'from Vehicle › Type › option "Lorry"' in out
    assert "its answers are carried over by migrations[0]" in out
    assert f"({destructive} destructive)" in out if destructive else "destructive" not in out
    if refused:
        assert "apply cannot carry out this plan" in out and refused in out
    gate = run_ontokit("diff", "old.yaml", "new.yaml", "--fail-on", "destructive", cwd=tmp_path)
    assert gate.returncode == (3 if destructive else 0), gate.stdout
