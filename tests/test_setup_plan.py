"""Properties of the setup's plan (plan/setup_diff.py), over random definitions and random hubs:

- **convergence**: the operations, carried out on a model of the hub's project document (the same
  merge apply uses, ``workflow_bodies``), leave nothing to plan;
- **nothing unmentioned is touched**: a part a definition leaves out is the same afterwards, and a
  setting it does not name keeps its value;
- **secrets**: no plan change or operation holds a secret's value;
- **destructive stage changes** are exactly the removal and re-routing of existing stages.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ontology_kit._secret import secret_digest
from ontology_kit.plan.model import ChangeKind, Impact
from ontology_kit.plan.operations import AddMembers, SetWorkflow, UpdateSettings, UploadInstructions
from ontology_kit.plan.setup_diff import plan_setup
from ontology_kit.setup_state import (
    SETTINGS,
    DesiredSetup,
    DesiredStage,
    Instructions,
    LiveSetup,
    workflow_bodies,
)
from ontology_kit.vocabulary import PROJECT_ROLES

IDS = ["Start", "Label", "Review", "Hook", "Done"]
EMAILS = ["a@x.io", "b@x.io", "c@x.io"]
SECRET_VALUES = ["first-secret-value", "second-secret-value"]
VALUES = {
    bool: st.booleans(),
    int: st.integers(0, 100),
    str: st.sampled_from(["eng", "return 1;", ""]),
    dict: st.just({"url": "https://v.example"}),
}

stage_values = st.lists(
    st.sampled_from(["name", "readOnly", "assignedTo"]).flatmap(
        lambda key: st.tuples(
            st.just(key),
            {
                "name": st.sampled_from(["A", "Start"]),
                "readOnly": st.booleans(),
                "assignedTo": st.just(["a@x.io"]),
            }[key],
        )
    ),
    max_size=2,
    unique_by=lambda p: p[0],
).map(tuple)


@st.composite
def desired_stages(draw: Any) -> tuple[DesiredStage, ...]:
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=5, unique=True))
    out = []
    for sid in ids:
        nexts = tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)))
        webhook = sid == "Hook"
        out.append(
            DesiredStage(
                sid,
                "Webhook" if webhook else draw(st.sampled_from(["Label", "Review", "Start", "Complete"])),
                nexts,
                draw(stage_values),
                draw(st.sampled_from([None, "HOOK_SECRET"])) if webhook else None,
            )
        )
    return tuple(out)


@st.composite
def hub_documents(draw: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    ids = draw(st.lists(st.sampled_from(IDS), max_size=5, unique=True))
    stages = []
    for sid in ids:
        stage: dict[str, Any] = {
            "id": sid,
            "type": "Webhook" if sid == "Hook" else draw(st.sampled_from(["Label", "Start", "Complete"])),
            "next": draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)),
            "position": {"x": draw(st.integers(0, 9)), "y": 0},  # never set by a definition: kept
        }
        if sid == "Hook" and draw(st.booleans()):
            stage["secret"] = {
                "set": True,
                "digest": secret_digest("salt", draw(st.sampled_from(SECRET_VALUES))),
            }
        stages.append(stage)
    if ids:
        doc["stages"] = stages
    members = draw(st.dictionaries(st.sampled_from(EMAILS), st.sampled_from(PROJECT_ROLES), max_size=3))
    doc["assignedTo"] = [{"assignee": e, "role": r} for e, r in members.items()]
    for s in SETTINGS:
        if draw(st.booleans()):
            doc[s.key] = draw(VALUES[s.kind])
    if draw(st.booleans()):
        doc["instructions"] = "old.pdf"
        doc["instructionsFile"] = {"sha256": "1" * 64}
    return doc


setups = st.builds(
    DesiredSetup,
    st.none() | desired_stages(),
    st.none()
    | st.dictionaries(st.sampled_from(EMAILS), st.sampled_from(PROJECT_ROLES), max_size=3).map(
        lambda d: tuple(d.items())
    ),
    st.lists(
        st.sampled_from(SETTINGS).flatmap(lambda s: st.tuples(st.just(s.key), VALUES[s.kind])),
        max_size=4,
        unique_by=lambda p: p[0],
    ).map(tuple),
    st.none() | st.just(Instructions("guide.md", "2" * 64, 10)),
)


def _carry_out(doc: dict[str, Any], desired: DesiredSetup, plan: Any, secrets: dict[str, str]) -> None:
    """The operations, as the local Hub would take them (the secrets hashed, as it stores them)."""
    for op in plan.operations:
        if isinstance(op, SetWorkflow):
            live = LiveSetup.from_document(doc).stages
            values = {
                s.id: secrets[s.secret_env]
                for s in desired.workflow or ()
                if s.id in op.set_secrets and s.secret_env
            }
            bodies = workflow_bodies(desired.workflow or (), live, values)
            for body in bodies:
                if isinstance(body.get("secret"), str):
                    body["secret"] = {"set": True, "digest": secret_digest("new", body["secret"])}
            doc["stages"] = bodies
        elif isinstance(op, AddMembers):
            members = {m["assignee"]: m["role"] for m in doc["assignedTo"]}
            members.update(dict.fromkeys(op.emails, op.role))
            doc["assignedTo"] = [{"assignee": e, "role": r} for e, r in members.items()]
        elif isinstance(op, UpdateSettings):
            doc.update(op.values)
        elif isinstance(op, UploadInstructions):
            doc["instructions"] = op.path
            doc["instructionsFile"] = {"sha256": op.sha256}


@settings(max_examples=300, deadline=None)
@given(setups, hub_documents(), st.sampled_from(SECRET_VALUES))
def test_the_setup_plan_converges_and_touches_nothing_unmentioned(
    desired: DesiredSetup, doc: dict[str, Any], secret: str
) -> None:
    secrets = {"HOOK_SECRET": secret}
    before = copy.deepcopy(doc)
    plan = plan_setup(desired, LiveSetup.from_document(doc), secrets)
    shown = json.dumps(
        [[c.before, c.after, [(a.before, a.after) for a in c.attributes]] for c in plan.changes], default=str
    )
    assert secret not in shown and secret not in repr(plan.operations)
    _carry_out(doc, desired, plan, secrets)
    again = plan_setup(desired, LiveSetup.from_document(doc), secrets)
    assert not again.changes and not again.operations, again.changes
    if desired.workflow is None:
        assert doc.get("stages") == before.get("stages")
    else:  # a field no definition sets is kept on every stage that stays
        kept = {s["id"]: s.get("position") for s in before.get("stages", [])}
        assert all(s.get("position") == kept.get(s["id"]) for s in doc.get("stages", []))
    if desired.members is None:
        assert doc["assignedTo"] == before["assignedTo"]
    named = {k for k, _ in desired.settings}
    # update_benchmark_settings always sends benchmarkEnabled: the hub's value, else the default
    sent = any(k.startswith("benchmark") for k in named) and "benchmarkEnabled" not in before
    for s in SETTINGS:
        if s.key not in named and not (s.key == "benchmarkEnabled" and sent):
            assert doc.get(s.key) == before.get(s.key), s.key


@settings(max_examples=200, deadline=None)
@given(desired_stages(), hub_documents())
def test_only_removing_or_rerouting_an_existing_stage_is_destructive(
    wanted: tuple[DesiredStage, ...], doc: dict[str, Any]
) -> None:
    plan = plan_setup(DesiredSetup(workflow=wanted), LiveSetup.from_document(doc), {"HOOK_SECRET": "v"})
    live = {s["id"]: s for s in doc.get("stages", [])}
    wanted_by_id = {s.id: s for s in wanted}
    expected = {
        sid
        for sid, s in live.items()
        if sid not in wanted_by_id
        or wanted_by_id[sid].type != s["type"]
        or list(wanted_by_id[sid].next) != s["next"]
    }
    destructive = {
        c.schema_id for c in plan.changes if c.kind is ChangeKind.STAGE and c.impact is Impact.DESTRUCTIVE
    }
    assert destructive == expected


json_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(
    setups,
    st.fixed_dictionaries(
        {},
        optional={
            "stages": json_junk
            | st.lists(st.dictionaries(st.sampled_from(["id", "type", "next", "secret", "name"]), json_junk)),
            "assignedTo": json_junk,
            "instructions": json_junk,
            "instructionsFile": json_junk,
            **{s.key: json_junk for s in SETTINGS},
        },
    ),
)
def test_a_hostile_hub_document_is_read_and_planned(desired: DesiredSetup, doc: dict[str, Any]) -> None:
    live = LiveSetup.from_document(doc)
    plan = plan_setup(desired, live, {"HOOK_SECRET": "v"})
    assert isinstance(plan.changes, list)
    json.dumps(live.fingerprint_data(), default=str)
