"""Counting through the documented export (the real Hub's path): the tally counts exactly as the local
Hub's ``annotation-counts`` extension does on the same answers (one walker, ``answer_walk``), value
texts and ``optionIds`` resolve to options, and a hostile export (too large, a zip bomb, two files,
a bad line, not a zip, an HTTP error, a storage link on another origin) is one line and null counts,
never a traceback, and never the API key sent off the hub's origin."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import LocalHub
from hypothesis import given, settings
from hypothesis import strategies as st
from test_answer_counts import _store  # a project with tasks and no answers, in a bare store
from test_plan_apply import examples_copy  # noqa: F401 - a fixture: a copy of examples/

from ontology_kit.answer_walk import answer_refs, option_lookup
from ontology_kit.category_schema import CategorySchema
from ontology_kit.client import HubClient, InProcessTransport
from ontology_kit.client.counts import ExtensionCounter
from ontology_kit.client.export_counts import NO_STAGES, ExportCounter, ExportLimits, export_params
from ontology_kit.client.export_tally import ExportTally
from ontology_kit.count_query import MAX_TEXT_ANSWERS, CountQuery, GroupCount
from ontology_kit.errors import HubError, PolicyRefusal
from ontology_kit.hub import FaultConfig, FaultInjector
from ontology_kit.hub import annotations_store as ann
from ontology_kit.hub.answers import answer
from ontology_kit.hub.assets import MAX_TEXT_ANSWERS as HUB_MAX_TEXT_ANSWERS
from ontology_kit.plan.model import Action, Affected, Change, ChangeKind, Impact, Plan, ProjectPlan
from ontology_kit.plan.planfile import dumps_plan, loads_plan
from ontology_kit.plan.policy import check_fail_on, is_empty
from ontology_kit.render.json import plan_to_dict
from ontology_kit.render.markdown import render_markdown
from ontology_kit.render.text import render_text
from ontology_kit.state import HubRecord, LiveProject
from ontology_kit.workflow.planner import Planner

IDS = ["a", "b", "c", "o1", "o2"]
VALUES = st.one_of(
    st.none(), st.sampled_from([*IDS, "free text"]), st.lists(st.sampled_from(IDS), max_size=3)
)


def _leaf(sid: str, value: Any, option_ids: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"schemaId": sid, "answer": value}
    if option_ids is not None:
        out["optionIds"] = option_ids
    return out


ELEMENT = st.recursive(
    st.builds(
        _leaf,
        st.sampled_from(IDS[:3]),
        VALUES,
        st.one_of(st.none(), st.lists(st.sampled_from(IDS), max_size=2)),
    ),
    lambda inner: st.builds(
        lambda sid, kids: {"schemaId": sid, "classifications": kids},
        st.sampled_from(IDS[:3]),
        st.lists(inner, max_size=3),
    ),
    max_leaves=8,
)
ANSWER = st.fixed_dictionaries(
    {
        "objects": st.lists(ELEMENT, max_size=3),
        "classifications": st.lists(ELEMENT, max_size=3),
        "relations": st.lists(st.builds(lambda sid: {"schemaId": sid}, st.sampled_from(IDS[:3])), max_size=2),
    }
)
QUERY = st.builds(
    CountQuery,
    st.lists(st.sets(st.sampled_from(IDS)).map(lambda s: tuple(sorted(s))), max_size=4).map(tuple),
    st.lists(st.sampled_from(IDS), max_size=3).map(tuple),
    st.lists(st.sampled_from(IDS), max_size=3).map(tuple),
    st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)), max_size=3).map(tuple),
)


# -- the tally counts as the local Hub's index does ------------------------------------------------
#: Which classification may choose an id (answer_walk.option_owners): one of the first three ids, none
#: (a category's id: ""), or absent (an id the label set does not hold).
OWNERS = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(IDS), st.sampled_from(["", *IDS[:3]]), max_size=len(IDS)),
)


@settings(max_examples=60, deadline=None)
@given(answers=st.lists(ANSWER, min_size=1, max_size=4), query=QUERY, owners=OWNERS)
def test_the_tally_equals_the_extension_on_the_same_answers(
    tmp_path_factory: pytest.TempPathFactory,
    answers: list[Any],
    query: CountQuery,
    owners: dict[str, str] | None,
) -> None:
    """Every kind of question (groups, missing, texts, under), on random answers at any depth, with
    and without optionIds, with and without the label set's owners of ids (a text equal to an id
    chose nothing): the export's tally and the hub's indexed queries agree exactly."""
    store = _store(tmp_path_factory.mktemp("tally"), len(answers) + 1)  # one task left unanswered
    stored = [answer(raw, "answer") for raw in answers]
    with store.write() as db:
        for n, value in enumerate(stored):
            ann.set_answer(db, f"t{n}", value, "t")
    with store.read() as db:
        groups = ann.count_groups(db, "p1", query.groups, owners)
        missing = ann.count_tasks_lacking(db, "p1", query.missing)
        under = ann.count_under(db, "p1", query.under, owners)
        texts = [ann.text_answers(db, "p1", sid, MAX_TEXT_ANSWERS) for sid in query.texts]
        rows = list(ann.iter_tasks(db, "p1", ann.TaskQuery()))
    tally = ExportTally(query, owners=owners)
    for row in rows:
        tally.add({"task": {"taskId": row.id, **row.answer}})
    found = tally.result()
    assert found.groups == tuple(GroupCount(g.annotations, g.tasks) for g in groups)
    assert found.missing == tuple(missing)
    assert found.under == tuple(under)
    assert [sorted(t or ()) for t in found.texts] == [sorted(x for _, x in t or ()) for t in texts]


def test_the_text_bound_is_the_hubs() -> None:
    assert MAX_TEXT_ANSWERS == HUB_MAX_TEXT_ANSWERS


def test_more_texts_than_the_bound_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the extension: above the bound a text question's answer is None, never a part."""
    from ontology_kit.client import export_tally

    monkeypatch.setattr(export_tally, "MAX_TEXT_ANSWERS", 2)
    tally = ExportTally(CountQuery(texts=("n",)))
    for text in ("x", "y"):
        tally.add({"task": {"classifications": [{"schemaId": "n", "answer": text}]}})
    assert tally.result().texts == (("x", "y"),)
    tally.add({"task": {"classifications": [{"schemaId": "n", "answer": "z"}]}})
    assert tally.result().texts == (None,)


# -- options: optionIds, ids, value texts ----------------------------------------------------------
SCHEMA = CategorySchema.of(
    {
        "tools": [],
        "classifications": [
            {
                "schemaId": "color",
                "tool": "radio",
                "title": "Color",
                "options": [
                    {"schemaId": "red", "value": "Red"},
                    {"schemaId": "blue", "value": "Blue"},
                    {"schemaId": "navy", "value": "Blue"},  # two options, one value text
                    {"schemaId": "odd", "value": "red"},  # a value text equal to another's id
                ],
            }
        ],
        "relations": [],
    }
)


@pytest.mark.parametrize(
    ("element", "chosen"),
    [
        pytest.param({"answer": "red"}, {"red"}, id="an-id-is-an-id-first"),
        pytest.param({"answer": "Red"}, {"red"}, id="a-value-text"),
        pytest.param({"answer": ["Blue", "red"]}, {"blue", "navy", "red"}, id="a-shared-value-text"),
        pytest.param({"answer": "Red", "optionIds": ["blue"]}, {"blue"}, id="optionIds-win"),
        pytest.param({"answer": "Green"}, {"Green"}, id="unknown-text-kept"),
        pytest.param({"answer": 3}, set(), id="not-a-string"),
    ],
)
def test_chosen_options_resolve(element: dict[str, Any], chosen: set[str]) -> None:
    refs = answer_refs({"classifications": [{"schemaId": "color", **element}]}, option_lookup(SCHEMA))
    assert {r.schema_id for r in refs if r.kind == "option"} == chosen
    assert {r.element for r in refs} == {1}  # the options share their answer's element


def test_the_local_index_reads_option_ids_as_the_export_does(tmp_path: Path) -> None:
    store = _store(tmp_path, 1)
    stored = answer({"classifications": [{"schemaId": "color", "answer": "x", "optionIds": ["red"]}]}, "a")
    with store.write() as db:
        ann.set_answer(db, "t0", stored, "t")
    with store.read() as db:
        assert ann.count_refs(db, "p1", ["red"]) == ann.RefCount(1, 1)
        assert ann.count_refs(db, "p1", ["x"]) == ann.RefCount(0, 0)


# -- the whole path, through the local Hub's export ----------------------------------------------------
def test_the_export_counter_equals_the_extension_counter(local_hub: LocalHub) -> None:
    """The same project answered both ways: through the export route, its zip and its NDJSON lines."""
    store = local_hub.store
    with store.write() as db:
        store.insert_project(db, local_hub.org, {"_id": "p1", "name": "P", "createdAt": "t", "stages": []})
        for n, stage in enumerate(["Label", "Review", "Complete", "Label"]):
            asset = {"externalId": f"x{n}", "data": f"https://e.test/{n}", "batches": []}
            ann.insert_asset(db, "p1", (f"a{n}", f"t{n}"), asset, stage, 0, "t")
        values = [
            {"objects": [{"schemaId": "veh", "classifications": [{"schemaId": "col", "answer": "red"}]}]},
            {
                "classifications": [
                    {"schemaId": "note", "answer": "abc"},
                    {"schemaId": "col", "answer": "blue"},
                ]
            },
            {"relations": [{"schemaId": "tows"}], "classifications": [{"schemaId": "note", "answer": "ABC"}]},
        ]
        for n, value in enumerate(values):
            ann.set_answer(db, f"t{n}", answer(value, "a"), "t")
    query = CountQuery(
        (("veh", "col", "red"), ("red",), ("tows",), ("nothing",)),
        ("col", "note"),
        ("note",),
        (("note", "red"), ("col", "red")),
    )
    with local_hub.client("inprocess") as client:
        live = LiveProject.from_hub(client.get_project("p1"), None)
        by_extension = ExtensionCounter(client).count(live, query)
        by_export = ExportCounter(client).count(live, query)
    assert by_export.partial == NO_STAGES and by_extension.partial is None
    # t0: the object and its answer (which chose red), t1: its answer; red: t0's; tows: t2's
    expected = (GroupCount(3, 2), GroupCount(1, 1), GroupCount(1, 1), GroupCount(0, 0))
    assert by_export.groups == by_extension.groups == expected
    assert by_export.missing == by_extension.missing == (2, 2)
    assert by_export.under == by_extension.under == (0, 1)
    assert sorted(by_export.texts[0] or ()) == sorted(by_extension.texts[0] or ()) == ["ABC", "abc"]


def test_every_stage_is_asked_for_when_the_project_lists_them() -> None:
    doc = {"_id": "p", "stages": [{"id": "s1", "name": "Label"}, {"id": "Complete", "name": "Complete"}]}
    params = export_params(LiveProject.from_hub(doc, None))
    assert json.loads(params["stage"]) == ["s1", "Label", "Complete"]
    assert (params["format"], params["includeHistory"], params["project"]) == ("ndjson", "false", "p")
    assert "stage" not in export_params(LiveProject.from_hub({"_id": "p"}, None))


# -- hostile exports --------------------------------------------------------------------------------
HUB = "https://hub.test"
KEY = "k-secret-123"
STORAGE = "https://storage.test/exports/p1.zip?signature=s3cr3t"


def _zip(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


GOOD = b'{"task": {"tools": [{"schemaId": "veh"}]}}\n'


def _hub(
    file: bytes | Callable[[httpx.Request], httpx.Response], path: str = STORAGE
) -> tuple[HubClient, list[httpx.Request]]:
    """A client for a fake hub whose export is ``file`` at ``path``; and every request it saw."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v2/export":
            return httpx.Response(200, json={"status": "success", "data": {"exportPath": path}})
        if callable(file):
            return file(request)
        return httpx.Response(200, content=file)

    client = HubClient(HUB, KEY, transport=httpx.MockTransport(handle), max_attempts=2, sleep=lambda s: None)
    return client, seen


LIVE = LiveProject.from_hub({"_id": "p1", "stages": [{"id": "Label", "name": "Label"}]}, None)
QUESTION = CountQuery((("veh",),))
SMALL = ExportLimits(download_bytes=4096, member_bytes=4096, line_bytes=256)
BOMB = _zip(("p1.ndjson", GOOD + b" " * 100_000))


@pytest.mark.parametrize(
    ("file", "limits", "message"),
    [
        pytest.param(b"x" * 5000, SMALL, "larger than 4,096 bytes", id="oversized"),
        pytest.param(BOMB, SMALL, "unpacks to more than 4,096 bytes", id="zip-bomb"),
        pytest.param(_zip(("a.ndjson", GOOD), ("b.ndjson", GOOD)), None, "holds 2 files, not one", id="two"),
        pytest.param(_zip(), None, "holds 0 files, not one", id="empty-zip"),
        pytest.param(_zip(("p1.ndjson", GOOD + b"{oops\n")), None, "line 2 is not JSON", id="bad-json-line"),
        pytest.param(_zip(("p1.ndjson", b"[1]\n")), None, "line 1: not an exported task", id="not-a-task"),
        pytest.param(
            _zip(("p1.ndjson", b'{"task": {"tools": [{"id": 1}]}}\n')), None, "line 1: an answer", id="no-id"
        ),
        pytest.param(
            _zip(("p1.ndjson", b'{"task": {"classifications": 5}}\n')), None, "is not a list", id="not-a-list"
        ),
        pytest.param(
            _zip(("p1.json", b'[{"task": {}}]')), None, "line 1: not an exported task", id="json-not-ndjson"
        ),
        pytest.param(_zip(("p1.ndjson", b"x" * 300 + b"\n")), SMALL, "line 1 is longer than", id="long-line"),
        pytest.param(b"PK\x03\x04 not really", None, "damaged or not a zip", id="not-a-zip"),
        pytest.param(BOMB[:-30], None, "damaged or not a zip", id="truncated"),
    ],
)
def test_a_hostile_export_is_one_line(file: bytes, limits: ExportLimits | None, message: str) -> None:
    client, _ = _hub(file)
    with client, pytest.raises(HubError) as caught:
        ExportCounter(client, limits).count(LIVE, QUESTION)
    text = str(caught.value)
    assert message in text and "\n" not in text, text
    assert KEY not in text and "s3cr3t" not in text  # a signed link is a credential too


@pytest.mark.parametrize(
    ("respond", "message"),
    [
        pytest.param(lambda r: httpx.Response(403, text="denied"), "could not be downloaded (403)", id="403"),
        pytest.param(lambda r: httpx.Response(500), "could not be downloaded (500)", id="500"),
        pytest.param(
            lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow")), "(ReadTimeout)", id="timeout"
        ),
    ],
)
def test_a_failed_download_is_one_line(
    respond: Callable[[httpx.Request], httpx.Response], message: str
) -> None:
    client, _ = _hub(respond)
    with client, pytest.raises(HubError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ExportCounter(client).count(LIVE, QUESTION)


@pytest.mark.parametrize(
    ("status", "message"), [(400, "refused export of project p1"), (500, "failed after 2 attempts")]
)
def test_a_refused_export_request_is_one_line(status: int, message: str) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"status": "fail", "message": "no"})

    client = HubClient(HUB, KEY, transport=httpx.MockTransport(handle), max_attempts=2, sleep=lambda s: None)
    with client, pytest.raises(HubError, match=message):
        ExportCounter(client).count(LIVE, QUESTION)


@pytest.mark.parametrize(
    "path",
    ["file:///etc/passwd", "http://storage.test/p1.zip", "ftp://hub.test/x", "not a url", 5, None],
    ids=["file", "plain-http-elsewhere", "ftp", "text", "number", "absent"],
)
def test_an_export_path_that_is_no_https_link_is_refused(path: Any) -> None:
    client, seen = _hub(_zip(("p1.ndjson", GOOD)), path)
    with client, pytest.raises(HubError) as caught:
        ExportCounter(client).count(LIVE, QUESTION)
    assert "\n" not in str(caught.value) and [r.url.path for r in seen] == ["/v2/export"]


@pytest.mark.parametrize(
    ("path", "keyed"),
    [
        pytest.param(STORAGE, False, id="storage-link"),
        pytest.param("https://hub.test.evil.test/x.zip", False, id="look-alike-host"),
        pytest.param("https://hub.test:8443/x.zip", False, id="other-port"),
        pytest.param("https://HUB.test:443/v2/ontokit/exports/t", True, id="the-hub-itself"),
    ],
)
def test_the_key_goes_only_to_the_hubs_own_origin(path: str, keyed: bool) -> None:
    client, seen = _hub(_zip(("p1.ndjson", GOOD)), path)
    with client:
        found = ExportCounter(client).count(LIVE, QUESTION)
    assert found.groups == (GroupCount(1, 1),) and found.partial is None
    export, download = seen
    assert export.headers.get("apikey") == KEY
    assert (download.headers.get("apikey") == KEY) is keyed and (KEY in str(download.headers)) is keyed


@pytest.mark.parametrize(
    ("path", "followed"),
    [(STORAGE, True), ("https://hub.test/v2/ontokit/exports/t", False)],
    ids=["storage-link-redirect-followed-keyless", "hub-redirect-not-followed-with-the-key"],
)
def test_redirects_are_followed_only_without_the_key(path: str, followed: bool) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.host == "mirror.test":
            return httpx.Response(200, content=_zip(("p1.ndjson", GOOD)))
        return httpx.Response(302, headers={"Location": "https://mirror.test/p1.zip"})

    client, seen = _hub(respond, path)
    with client:
        if followed:
            assert ExportCounter(client).count(LIVE, QUESTION).groups == (GroupCount(1, 1),)
        else:
            with pytest.raises(HubError, match=r"could not be downloaded \(302\)"):
                ExportCounter(client).count(LIVE, QUESTION)
    assert [r.url.host for r in seen] == [
        "hub.test",
        *(["storage.test", "mirror.test"] if followed else ["hub.test"]),
    ]
    assert all("apikey" not in r.headers for r in seen[1:] if r.url.host != "hub.test")


@pytest.mark.parametrize("broken", [False, True], ids=["counted", "broken-export"])
def test_through_the_planner_a_failed_count_is_null_with_one_line(local_hub: LocalHub, broken: bool) -> None:
    """A hub without the extension: the planner counts through the export; a broken export does not
    fail the plan, its counts stay null and the plan says why in one line."""
    inner = InProcessTransport(FaultInjector(local_hub.app, FaultConfig(without=("annotation-counts",))))

    def handle(request: httpx.Request) -> httpx.Response:
        if broken and request.url.path.startswith("/v2/ontokit/exports/"):
            return httpx.Response(200, content=b"not a zip")
        return inner.handle_request(request)

    client = HubClient("http://inprocess.test", local_hub.key, transport=httpx.MockTransport(handle))
    store = local_hub.store
    with client:
        pid = client.create_project("Demo")["_id"]
        with store.write() as db:
            ann.insert_asset(
                db, pid, ("a0", "t0"), {"externalId": "x", "data": "d", "batches": []}, "Label", 0, "t"
            )
            ann.set_answer(db, "t0", answer({"objects": [{"schemaId": "veh"}]}, "a"), "t")
        planner = Planner(client, "test hub")
        live = LiveProject.from_hub(client.get_project(pid), None)
        change = Change(Action.DELETE, ChangeKind.TOOL, ("Vehicle",), Impact.DESTRUCTIVE, schema_id="veh")
        counted = planner.with_counts(ProjectPlan("Demo", "demo.yaml", pid, (change,), "f"), live)
    assert "annotation-counts" not in planner.capabilities
    text = render_text(Plan("test hub", (counted,)))
    if not broken:
        assert counted.changes[0].affected == Affected(1, 1) and counted.uncounted is None
        assert "# would orphan 1 annotation in 1 task\n" in text
        return
    assert counted.changes[0].affected is None
    assert counted.uncounted is not None and "\n" not in counted.uncounted
    assert "damaged or not a zip" in counted.uncounted
    assert f"  note: annotations not counted: {counted.uncounted}\n" in text
    assert f"> - annotations not counted: {counted.uncounted}" in render_markdown(
        Plan("test hub", (counted,))
    )
    assert plan_to_dict(Plan("test hub", (counted,)))["projects"][0]["uncounted"] == counted.uncounted


def test_a_partial_count_is_kept_by_a_saved_plan_and_is_never_empty() -> None:
    """Saved and read back, the reason stays; `--ignore-empty` lets no partial 0 through."""
    partial = Affected(0, 0, partial=NO_STAGES)
    change = Change(Action.DELETE, ChangeKind.TOOL, ("Vehicle",), Impact.DESTRUCTIVE, "veh", affected=partial)
    project = ProjectPlan("Demo", "demo.yaml", "p1", (change,), "f", desired=_desired())
    plan = Plan("hub", (project,))
    record = HubRecord("hub", "url", url="https://hub.test")
    assert loads_plan(dumps_plan(plan, record), "p.json").plan.projects[0].changes[0].affected == partial
    assert not is_empty(change) and is_empty(dataclasses.replace(change, affected=Affected(0, 0)))
    with pytest.raises(PolicyRefusal):
        check_fail_on(plan, "destructive", ignore_empty=True)
    words = "would orphan at least 0 annotations in 0 tasks (partial: " + NO_STAGES + ")"
    assert f"# {words}" in render_text(plan)


def _desired() -> Any:
    from ontology_kit.category_schema import CategorySchema as Schema
    from ontology_kit.state import DesiredProject, ProjectFields

    return DesiredProject("demo.yaml", ProjectFields("Demo"), Schema.empty())


@settings(max_examples=200, deadline=None)
@given(
    doc=st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3), st.sampled_from(["a", "b"])),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(
                st.sampled_from(
                    [
                        "task",
                        "tools",
                        "objects",
                        "classifications",
                        "relations",
                        "schemaId",
                        "answer",
                        "optionIds",
                    ]
                ),
                inner,
                max_size=4,
            ),
        ),
        max_leaves=20,
    )
)
def test_any_json_line_is_counted_or_one_hub_error(doc: Any) -> None:
    """Whatever a line of an export holds, the tally counts it or says one line; nothing else."""
    tally = ExportTally(CountQuery((("a",),), ("a",), ("a",), (("a", "b"),)), option_lookup(SCHEMA))
    error: HubError | None = None
    try:
        tally.add(doc)
    except HubError as exc:
        error = exc
    assert error is None or "\n" not in str(error)


@pytest.mark.parametrize(
    ("spec", "without"),
    [
        ("without=annotation-counts", ("annotation-counts",)),
        ("without=annotation-counts+locks", ("annotation-counts", "locks")),
    ],
)
def test_the_fault_spec_withdraws_extensions(spec: str, without: tuple[str, ...]) -> None:
    config = FaultConfig.parse(spec)
    assert config.without == without and config.active


def test_an_unknown_extension_cannot_be_withdrawn() -> None:
    with pytest.raises(ValueError, match="cannot withdraw webhooks"):
        FaultConfig.parse("without=webhooks")


# -- the README's main job, counted through the export --------------------------------------------------
def test_the_readme_main_job_counts_the_same_through_the_export(examples_copy: Path) -> None:
    """The shipped example data (Ango's export format), loaded into the embedded hub with its
    extension withdrawn (`ONTOKIT_HUB_FAULTS=without=annotation-counts`): the plan that ends the
    README's main job counts through the export and says what the extension path says."""
    import os
    import subprocess
    import sys

    from test_loading import expected_proposal
    from test_plan_apply import _readme_main_command, base_env

    bindir = Path(sys.executable).parent
    env = base_env(
        PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        ONTOKIT_HUB_FAULTS="without=annotation-counts",
    )
    result = subprocess.run(
        ["bash", "-c", _readme_main_command()],
        cwd=examples_copy,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, (result.stdout, result.stderr)
    last = result.stdout[result.stdout.rindex("Hub: ") :]
    assert "not counted" not in last and "partial" not in last, last
    for words in expected_proposal().values():
        assert f"      # {words}\n" in last, (words, last)
