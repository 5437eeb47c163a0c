"""Migrations of answers, applied: the official SDK puts answers on a served local Hub, a migration
is declared in the ontology, ``ontokit plan`` counts it, ``ontokit apply`` backs up, changes the label
set, rewrites and verifies, and the SDK reads the answers back at their new items
(docs/migrations.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_conformance import lc  # noqa: F401 - the official SDK, or a skip (a failure in CI)
from test_plan_apply import Workspace
from test_plan_counts import _ids, annotated, counter, local_hub, sdk  # noqa: F401 - fixtures

MERGE_AND_RENAME = """\
migrations:
  - merge: [[Vehicle, Color, Red]]
    into: [Vehicle, Color, Warm]
  - rekey: [Truck]
    to: [Lorry]
"""


def _answers(ws: Workspace) -> dict[str, dict[str, Any]]:
    from ontology_kit.client.labels import iter_answers

    project = ws.live("Demo")
    with ws.client() as client:
        return {t.external_id: t.answer for t in iter_answers(client, project["_id"])}


def test_merge_and_rekey_carry_every_answer(annotated: Workspace, tmp_path: Path) -> None:
    ws = annotated
    old = _ids(ws.live("Demo")["categorySchema"])
    ws.edit("ontology.yaml", "options: [Red, Blue]", "options: [Warm, Blue]")
    ws.edit("ontology.yaml", "  - title: Truck\n", "  - title: Lorry\n")
    ws.write("ontology.yaml", (ws.root / "ontology.yaml").read_text() + MERGE_AND_RENAME)
    plan = ws.run("plan")
    print(plan.out, plan.err)
    assert plan.code == 0, plan
    applied = ws.run("apply", "--auto-approve")
    print(applied.out, applied.err)
    assert applied.code == 0, applied
    new = _ids(ws.live("Demo")["categorySchema"])
    answers = _answers(ws)
    print(json.dumps(answers, indent=1))
    t0 = answers["t0"]
    assert t0["tools"][0]["classifications"][0]["answer"] == new["Warm"]
    assert t0["tools"][1]["schemaId"] == new["Lorry"] != old["Truck"]
    again = ws.run("plan", "--detailed-exitcode")
    print(again.out, again.err)
    assert again.code == 0, again


def test_restore_puts_the_label_set_and_every_answer_back(annotated: Workspace) -> None:
    ws = annotated
    before_schema = ws.live("Demo")["categorySchema"]
    before = _answers(ws)
    ws.edit("ontology.yaml", "options: [Red, Blue]", "options: [Warm, Blue]")
    ws.edit("ontology.yaml", "  - title: Truck\n", "  - title: Lorry\n")
    ws.write("ontology.yaml", (ws.root / "ontology.yaml").read_text() + MERGE_AND_RENAME)
    applied = ws.run("apply", "--auto-approve")
    assert applied.code == 0, applied
    assert _answers(ws) != before
    backups = sorted((ws.root / ".ontokit" / "backups").glob("*.ndjson"))
    assert len(backups) == 1 and str(backups[0].relative_to(ws.root)) in applied.err
    restored = ws.run("restore", str(backups[0]), "--auto-approve")
    assert restored.code == 0, restored
    assert "Restored the label set and the answers of 3 task(s)" in restored.out
    assert _answers(ws) == before
    assert ws.live("Demo")["categorySchema"] == before_schema
    again = ws.run("restore", str(backups[0]), "--auto-approve")
    assert again.code == 0 and "Restored the answers of 0 task(s)" in again.out, again
