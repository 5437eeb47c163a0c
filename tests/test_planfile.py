"""Saved plans serialize the plan model itself: read back, a plan is equal to the one written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ontology_kit import compile_text
from ontology_kit.category_schema import CategorySchema
from ontology_kit.errors import PlanFileError
from ontology_kit.migration import DeclaredMigration, SourceRef
from ontology_kit.plan.model import (
    Action,
    AttributeChange,
    Change,
    ChangeKind,
    Impact,
    Plan,
    ProjectPlan,
    Unmanaged,
)
from ontology_kit.plan.operations import (
    OPERATION_TYPES,
    AddBatches,
    AddMembers,
    BackupAnswers,
    ChangeBatches,
    CreateProject,
    CreateWebhook,
    MigrateAnswers,
    Operation,
    SetCategorySchema,
    SetWorkflow,
    UpdateProject,
    UpdateSettings,
    UpdateWebhook,
    UploadInstructions,
)
from ontology_kit.plan.planfile import PLANFILE_VERSION, dumps_plan, loads_plan, project_digest
from ontology_kit.plan.project_diff import plan_project
from ontology_kit.setup_state import SETTINGS, DesiredSetup, DesiredStage, Instructions
from ontology_kit.state import (
    PROJECT_TYPES,
    WEBHOOK_TYPES,
    DesiredProject,
    DesiredWebhook,
    HubRecord,
    LiveProject,
    ProjectFields,
)
from ontology_kit.vocabulary import PROJECT_ROLES, STAGE_TYPES

HUB = HubRecord("embedded local hub (.ontokit/hub.sqlite3)", "embedded", db="/tmp/hub.sqlite3")
SCHEMA = compile_text(
    "tools: [{title: Car, type: bounding-box, classifications: [{title: Kind, type: radio, options: [A, B]}]}]"
)

texts = st.text(max_size=8)
hub_ids = st.from_regex(r"[A-Za-z0-9_.~-]{1,12}", fullmatch=True).filter(lambda s: s not in (".", ".."))
secret_envs = st.from_regex(r"(?:[A-Z_][A-Z0-9_]{0,4})?HOOK[A-Z0-9_]{0,4}_SECRET", fullmatch=True)
json_scalars = st.none() | st.booleans() | st.integers(-5, 5) | texts
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
fields = st.builds(ProjectFields, texts, texts, st.none() | st.sampled_from(PROJECT_TYPES))
webhooks = st.builds(
    DesiredWebhook,
    texts,
    st.lists(st.sampled_from(WEBHOOK_TYPES), max_size=3).map(tuple),
    st.none() | secret_envs,
)


def _setting_values(section: str | None = None) -> st.SearchStrategy[tuple[tuple[str, Any], ...]]:
    kinds: dict[type, st.SearchStrategy[Any]] = {
        bool: st.booleans(),
        int: st.integers(0, 100),
        str: texts,
        dict: st.dictionaries(texts, json_values, max_size=2),
    }
    chosen = [s for s in SETTINGS if section is None or s.section == section]
    pairs = st.one_of([st.tuples(st.just(s.key), kinds[s.kind]) for s in chosen])
    return st.lists(pairs, max_size=3, unique_by=lambda p: p[0]).map(tuple)


stages = st.builds(
    DesiredStage,
    texts,
    st.sampled_from(STAGE_TYPES),
    st.lists(texts, max_size=2).map(tuple),
    st.lists(
        st.tuples(st.sampled_from(["name", "url", "assignedTo", "readOnly"]), json_values), max_size=2
    ).map(tuple),
    st.none() | secret_envs,
)
sha256s = st.from_regex(r"[0-9a-f]{64}", fullmatch=True)
setups = st.builds(
    DesiredSetup,
    st.none() | st.lists(stages, max_size=3).map(tuple),
    st.none() | st.lists(st.tuples(texts, st.sampled_from(PROJECT_ROLES)), max_size=2).map(tuple),
    _setting_values(),
    st.none() | st.builds(Instructions, texts, sha256s, st.integers(0, 10**7)),
)
operations: st.SearchStrategy[Operation] = st.one_of(
    st.builds(CreateProject, fields),
    st.builds(
        UpdateProject,
        st.lists(
            st.tuples(st.just("name"), texts)
            | st.tuples(st.just("description"), texts)
            | st.tuples(st.just("type"), st.sampled_from(PROJECT_TYPES)),
            max_size=3,
        ).map(tuple),
    ),
    st.just(SetCategorySchema()),
    st.builds(AddBatches, st.lists(texts, max_size=3).map(tuple)),
    st.builds(
        ChangeBatches,
        st.lists(st.tuples(hub_ids, texts), max_size=2).map(tuple),
        st.lists(hub_ids, max_size=2).map(tuple),
    ),
    st.builds(CreateWebhook, webhooks),
    st.builds(
        UpdateWebhook,
        hub_ids,
        texts,
        st.none() | st.lists(texts, max_size=2).map(tuple),
        st.booleans(),
        st.none() | secret_envs,
    ),
    st.builds(SetWorkflow, st.lists(texts, max_size=2).map(tuple)),
    st.builds(AddMembers, st.sampled_from(PROJECT_ROLES), st.lists(texts, max_size=2).map(tuple)),
    st.sampled_from(["benchmark", "label-validation", "settings"]).flatmap(
        lambda section: st.builds(UpdateSettings, st.just(section), _setting_values(section))
    ),
    st.builds(UploadInstructions, texts.filter(bool), sha256s),
)
changes = st.builds(
    Change,
    st.sampled_from(Action),
    st.sampled_from(ChangeKind),
    st.lists(texts, min_size=1, max_size=3).map(tuple),
    st.sampled_from(Impact),
    st.lists(texts, max_size=2).map(tuple),
    st.none() | texts,
    st.lists(st.builds(AttributeChange, texts, json_values, json_values, st.booleans()), max_size=2).map(
        tuple
    ),
    before=json_values,
    after=json_values,
    hint=st.none() | texts,
    nested=st.integers(0, 9),
)
desired = st.builds(
    DesiredProject,
    texts,
    fields,
    st.just(CategorySchema(SCHEMA["categorySchema"])),
    st.none() | texts,
    texts,
    st.lists(texts, max_size=3).map(tuple),
    st.lists(webhooks, max_size=2).map(tuple),
    st.lists(st.tuples(texts, texts), max_size=2).map(tuple),
    st.booleans(),
    setups,
    st.lists(texts, max_size=2).map(tuple),
)
projects = st.builds(
    ProjectPlan,
    texts,
    texts,
    st.none() | hub_ids,
    st.lists(changes, max_size=4).map(tuple),
    texts,
    unmanaged=st.lists(
        st.builds(Unmanaged, st.sampled_from(["batch", "webhook", "member"]), texts), max_size=2
    ).map(tuple),
    warnings=st.lists(texts, max_size=2).map(tuple),
    desired=desired,
    operations=st.lists(operations, max_size=5).map(tuple),
    blocked=st.lists(texts, max_size=1).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(projects, max_size=3).map(tuple))
def test_a_plan_reads_back_equal(projects: tuple[ProjectPlan, ...]) -> None:
    plan = Plan(HUB.name, projects)
    saved = loads_plan(dumps_plan(plan, HUB), "p.json")
    assert saved.plan == plan
    assert saved.hub == HUB
    assert [project_digest(p) for p in saved.plan.projects] == [project_digest(p) for p in plan.projects]


def test_every_operation_type_is_stored() -> None:
    hook = DesiredWebhook("https://h.example.com", ("COMPLETED",), "HOOK_SECRET")
    ops = (
        CreateProject(ProjectFields("P", "d", "pct")),
        UpdateProject((("name", "Q"),)),
        SetCategorySchema(),
        BackupAnswers(),
        MigrateAnswers(CategorySchema(SCHEMA["categorySchema"])),
        AddBatches(("Week 1",)),
        ChangeBatches((("b1", "First week"),), ("b2",)),
        CreateWebhook(hook),
        UpdateWebhook("w1", hook.url, ("ACCEPTED",), True, "HOOK_SECRET"),
        SetWorkflow(("Notify",)),
        AddMembers("Labeler", ("a@example.com",)),
        UpdateSettings("benchmark", (("benchmarkEnabled", True), ("benchmarkRatio", 20))),
        UploadInstructions("docs/guide.pdf", "0" * 64),
    )
    assert {type(op) for op in ops} == set(OPERATION_TYPES)
    project = ProjectPlan("P", "p.yaml", None, (), "fp", desired=_desired(), operations=ops)
    text = dumps_plan(Plan(HUB.name, (project,)), HUB)
    assert [op["op"] for op in json.loads(text)["projects"][0]["operations"]] == [
        t.op for t in OPERATION_TYPES
    ]
    assert loads_plan(text, "p.json").plan.projects[0].operations == ops


def _desired() -> DesiredProject:
    return DesiredProject("p.yaml", ProjectFields("P"), CategorySchema(SCHEMA["categorySchema"]))


def test_a_real_plan_reads_back_equal() -> None:
    live_doc: dict[str, Any] = {"_id": "p1", "name": "Old", "categorySchema": {}, "batches": []}
    plan = Plan(HUB.name, (plan_project(_desired(), LiveProject.from_hub(live_doc, []), {}),))
    assert plan.projects[0].operations == (UpdateProject((("name", "P"),)), SetCategorySchema())
    assert loads_plan(dumps_plan(plan, HUB), "p.json").plan == plan


def _saved() -> dict[str, Any]:
    project = ProjectPlan(
        "P", "p.yaml", None, (), "fp", desired=_desired(), operations=(SetCategorySchema(),)
    )
    return json.loads(dumps_plan(Plan(HUB.name, (project,)), HUB))  # type: ignore[no-any-return]


def _set(path: str, value: Any) -> Any:
    def damage(doc: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
        return doc

    return damage


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        pytest.param(
            _set("projects.0.operations.0.op", "drop-project"), "projects.0.operations.0.op", id="unknown-op"
        ),
        pytest.param(_set("projects.0.operations", {}), "projects.0.operations", id="operations-not-a-list"),
        pytest.param(
            _set("projects.0.desired.fields.type", "video"), "desired.fields: .*'type'", id="bad-type"
        ),
        pytest.param(
            _set("projects.0.operations.0", {"op": "update-project", "values": [["owner", "me"]]}),
            "operations.0.values: 'owner' is not a project field",
            id="update-of-an-unknown-field",
        ),
        pytest.param(
            _set("projects.0.desired.categorySchema.tools", [1]), "categorySchema.tools.0", id="schema"
        ),
        pytest.param(_set("projects.0.fingerprint", 7), "projects.0.fingerprint", id="fingerprint"),
        pytest.param(_set("projects.0.desired.retired", {"a": 1}), "desired.retired", id="retired-mapping"),
        pytest.param(_set("projects.0.desired.retired", ["a", 7]), r"desired.retired.1", id="retired-number"),
        pytest.param(
            _set("projects.0.desired.retired", [{"schemaId": "a"}]), r"desired.retired.0", id="retired-nested"
        ),
        pytest.param(_set("projects.0.desired.retired", "a"), "desired.retired", id="retired-text"),
        pytest.param(_set("hub.kind", "ftp"), "hub.kind", id="hub-kind"),
        pytest.param(_set("kind", "diff"), "kind", id="a-diff"),
    ],
)
def test_a_damaged_plan_file_names_the_place(damage: Any, where: str) -> None:
    with pytest.raises(PlanFileError, match=rf"p\.json: plan file is damaged \(.*{where}"):
        loads_plan(json.dumps(damage(_saved())), "p.json")


def test_a_plan_file_of_another_version_is_refused() -> None:
    doc = {**_saved(), "ontokit_plan": PLANFILE_VERSION - 1}
    with pytest.raises(PlanFileError, match="version 1 is not supported"):
        loads_plan(json.dumps(doc), "p.json")


# --- issue 9: signed plan files, and bounds --------------------------------------------------------------
KEY = "plan-key"


def test_a_signed_plan_reads_back_only_with_its_key() -> None:
    text = dumps_plan(Plan(HUB.name, ()), HUB, key=KEY)
    assert json.loads(text)["signature"].startswith("hmac-sha256:")
    assert loads_plan(text, "p.json", key=KEY).signed
    assert not loads_plan(text, "p.json").signed  # no key: nothing checked (apply says so)
    with pytest.raises(PlanFileError, match="signature does not match"):
        loads_plan(text, "p.json", key="another key")
    with pytest.raises(PlanFileError, match="unsigned and ONTOKIT_PLAN_KEY is set"):
        loads_plan(dumps_plan(Plan(HUB.name, ()), HUB), "p.json", key=KEY)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a JSON document (objects and lists included)."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _kind(value: Any) -> str:
    return (
        "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__
    )


def _full_plan() -> dict[str, Any]:
    """A plan file with every operation type, changes with attributes, warnings and unmanaged items."""
    hook = DesiredWebhook("https://h.example.com", ("COMPLETED",), "HOOK_SECRET")
    desired_state = DesiredProject(
        "p.yaml", ProjectFields("P", "d", "pct"), CategorySchema(SCHEMA["categorySchema"]), "p1",
        "o.yaml", ("Week 1",), (hook,),
        migrations=(DeclaredMigration(0, "merge", (SourceRef("s1"), SourceRef(path=("A", "B"))), "t1", (("x", "y"),)),),
    )  # fmt: skip
    change = Change(
        Action.UPDATE, ChangeKind.WEBHOOK, (hook.url,), Impact.SAFE, ("why",), "w1",
        (AttributeChange("types", ["A"], ["B"]),), before={"a": [1]}, after={"a": [2]}, hint="h", nested=1,
    )  # fmt: skip
    ops = (
        CreateProject(ProjectFields("P", "d", "pct")),
        UpdateProject((("name", "Q"),)),
        SetCategorySchema(),
        BackupAnswers(),
        MigrateAnswers(CategorySchema(SCHEMA["categorySchema"])),
        AddBatches(("Week 1",)),
        CreateWebhook(hook),
        UpdateWebhook("w1", hook.url, ("ACCEPTED",), True, "HOOK_SECRET"),
        SetWorkflow(("Notify",)),
        AddMembers("Labeler", ("a@example.com",)),
        UpdateSettings("benchmark", (("benchmarkEnabled", True), ("benchmarkRatio", 20))),
        UploadInstructions("docs/guide.pdf", "0" * 64),
    )
    project = ProjectPlan(
        "P", "p.yaml", "p1", (change,), "fp", unmanaged=(Unmanaged("batch", "Old"),), warnings=("w",),
        desired=desired_state, operations=ops, blocked=("b",),
    )  # fmt: skip
    return json.loads(dumps_plan(Plan(HUB.name, (project,)), HUB, key=KEY))  # type: ignore[no-any-return]


FULL = _full_plan()
PATHS = [p for p in _paths(FULL) if p != ("signature",)]
#: Where any JSON value is content (a change's before/after, an ontology's own fields): a new type
#: there is a different plan, which apply then refuses as stale, not a damaged file.
FREE = ("before", "after", "categorySchema")
#: Fields that may be null.
OPTIONAL = ("id", "project_id", "schema_id", "hint", "secretEnv", "types", "url", "db", "type")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATHS), json_values)
def test_any_edit_of_a_signed_plan_is_refused(path: tuple[Any, ...], value: Any) -> None:
    doc = json.loads(json.dumps(FULL))
    _replace(doc, path, value)
    if doc == FULL:
        return  # not an edit
    with pytest.raises(PlanFileError, match="signature does not match"):
        loads_plan(json.dumps(doc), "p.json", key=KEY)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATHS), json_values | st.integers() | st.floats(allow_nan=False))
def test_a_value_of_a_wrong_type_anywhere_is_a_plan_file_error(path: tuple[Any, ...], value: Any) -> None:
    doc = json.loads(json.dumps(FULL))
    old = doc
    for part in path:
        old = old[part]
    _replace(doc, path, value)
    problem = ""
    try:
        loads_plan(json.dumps(doc), "p.json")
    except PlanFileError as exc:
        problem = str(exc)
    if problem:
        assert "\n" not in problem and problem.startswith("p.json: ")
        return
    # Read without complaint: only a value of the same type, or content (checked against the hub).
    optional = value is None and path[-1] in OPTIONAL
    assert _kind(old) == _kind(value) or optional or any(part in FREE for part in path), (path, value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[" * 100_000 + "]" * 100_000, "nested deeper than", id="deep"),
        pytest.param('{"a": "\\udc00"}', "lone surrogate", id="surrogate"),
        pytest.param('{"a": 1, "a": 2}', "duplicate key 'a'", id="duplicate-key"),
        pytest.param('{"a": Infinity}', "Infinity", id="infinity"),
        pytest.param('{"a": "' + "x" * (16 * 1024 * 1024) + '"}', "the limit is", id="too-large"),
        pytest.param('{"a": "\\"' + "[" * 100 + '", "b": ' + "[" * 550 + "]" * 550 + "}", "not an ontokit plan", id="brackets-in-strings"),
    ],
)  # fmt: skip
def test_plan_json_is_read_within_bounds(text: str, message: str) -> None:
    with pytest.raises(PlanFileError, match=message):
        loads_plan(text, "p.json")


def test_the_plan_file_size_limit_is_the_yaml_limit() -> None:
    from ontology_kit.loader.reader import MAX_FILE_BYTES
    from ontology_kit.plan.planjson import MAX_PLAN_BYTES

    assert MAX_PLAN_BYTES == MAX_FILE_BYTES
