"""Tombstones (``retired:``, issue 12 item 4): a retired schemaId is never taken again. Properties over
random ontologies: an item is refused exactly when its id (derived or pinned) is retired, each at
its own item, naming what the id named; ids that no item takes change nothing in the payload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_plan_apply import make_workspace, project_yaml

from ontology_kit import check_text
from ontology_kit.category_schema import CategorySchema

names = st.lists(st.sampled_from(["Car", "Truck", "Van", "Bus", "Bike"]), min_size=1, max_size=4, unique=True)


@st.composite
def ontologies(draw: st.DrawFn) -> dict[str, object]:
    tools = []
    for title in draw(names):
        tool: dict[str, object] = {"title": title, "type": "bounding-box"}
        if draw(st.booleans()):
            tool["classifications"] = [{"title": "Kind", "type": "radio", "options": draw(names)}]
        tools.append(tool)
    return {"tools": tools}


def _ids(payload: dict[str, object]) -> list[str]:
    schema = CategorySchema.of(payload["categorySchema"])
    return [node.key for node in schema.walk()]


@settings(max_examples=150, deadline=None)
@given(ontologies(), st.data())
def test_an_item_is_refused_exactly_when_its_id_is_retired(
    ontology: dict[str, object], data: st.DataObject
) -> None:
    plain = check_text(json.dumps(ontology))
    assert plain.payload is not None
    ids = _ids(plain.payload)
    retired = data.draw(st.lists(st.sampled_from(ids), unique=True))
    unrelated = data.draw(
        st.lists(st.from_regex(r"gone-[a-z]{1,6}", fullmatch=True), unique=True, max_size=3)
    )
    entries = [{"schemaId": sid, "was": f"item {n}"} for n, sid in enumerate(retired)] + unrelated
    result = check_text(json.dumps({**ontology, "retired": entries}))
    reused = [d for d in result.diagnostics if d.code == "reused-schema-id"]
    assert sorted(d.message.split("'")[1] for d in reused) == sorted(retired)
    assert all(f"it named item {retired.index(d.message.split(chr(39))[1])}" in d.message for d in reused)
    if not retired:
        assert result.payload == plain.payload  # tombstones are not sent


def test_a_plan_asks_to_retire_what_it_removes_and_a_saved_plan_keeps_the_list(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", {"demo": project_yaml("Demo", webhook=False)})
    assert ws.run("apply", "--auto-approve").code == 0
    ws.edit("ontology.yaml", "options: [Car, Truck]", "options: [Car]")
    plan = ws.plan_json()
    (change,) = plan["projects"][0]["changes"]
    (warning,) = plan["projects"][0]["warnings"]
    line = f"retired: [{{schemaId: {change['schema_id']}, was: 'Vehicle › Kind › option \"Truck\"'}}]"
    assert warning.endswith(f"`{line}`"), warning
    # The line the warning gives, added to the ontology: valid, and the warning is gone.
    ws.write("ontology.yaml", (ws.root / "ontology.yaml").read_text(encoding="utf-8") + line + "\n")
    assert ws.run("validate", "ontology.yaml").code == 0
    assert ws.plan_json()["projects"][0]["warnings"] == []
    saved = ws.run("plan", "--out", "p.json")
    assert saved.code == 0, saved
    assert json.loads((ws.root / "p.json").read_text(encoding="utf-8"))["projects"][0]["desired"][
        "retired"
    ] == [change["schema_id"]]
    applied = ws.run("apply", "p.json", "--auto-approve", "--allow-destructive")
    assert applied.code == 0, applied  # read back equal: not stale
    # The retired id cannot come back under another item.
    ws.edit("ontology.yaml", "options: [Car]", "options: [Car, Truck]")
    refused = ws.run("plan")
    assert refused.code == 1 and "reused-schema-id" in refused.err and 'option "Truck"' in refused.err, (
        refused
    )


def test_a_reimport_keeps_the_files_tombstones_and_retires_what_the_hub_dropped(tmp_path: Path) -> None:
    from conftest import run_ontokit

    from ontology_kit.client import open_client, resolve_target

    (tmp_path / ".git").mkdir()
    schema = {
        "tools": [
            {
                "tool": "bounding-box",
                "title": "Car",
                "schemaId": "car-id",
                "color": "#112233",
                "required": False,
                "classifications": [],
                "columnField": False,
                "shortcutKey": "",
                "options": [],
            },
            {
                "tool": "polygon",
                "title": "Lane",
                "schemaId": "lane-id",
                "color": "#445566",
                "required": False,
                "classifications": [],
                "columnField": False,
                "shortcutKey": "",
                "options": [],
            },
        ],
        "classifications": [],
        "relations": [],
    }
    with open_client(resolve_target("embedded", env={}, cwd=tmp_path)) as client:
        pid = str(client.create_project("P", "")["_id"])
        client.set_category_schema(pid, schema)

    def reimport() -> Any:
        run = run_ontokit(
            "import", pid, "-o", "ontology.yaml", "--project-file", "project.yaml", "--force", cwd=tmp_path
        )
        assert run.returncode == 0, run.stderr
        return run

    reimport()
    text = (tmp_path / "ontology.yaml").read_text(encoding="utf-8")
    (tmp_path / "ontology.yaml").write_text(
        text + "retired:\n  - {schemaId: old-id, was: tool Bus}\n  - bike-id\n", encoding="utf-8"
    )
    # Lane goes on the hub; Bike (a retired id) comes back there as a new tool.
    schema["tools"][1]["schemaId"] = "bike-id"
    schema["tools"][1]["title"] = "Bike"
    with open_client(resolve_target("embedded", env={}, cwd=tmp_path)) as client:
        client.set_category_schema(pid, schema)
    run = reimport()
    assert "retired schemaId 'bike-id' names an item on the hub again" in run.stderr
    doc = yaml.safe_load((tmp_path / "ontology.yaml").read_text(encoding="utf-8"))
    assert doc["retired"] == [
        {"schemaId": "old-id", "was": "tool Bus"},
        {"schemaId": "lane-id", "was": "tool Lane"},
    ]
    assert run_ontokit("validate", "ontology.yaml", cwd=tmp_path).returncode == 0
    plan = run_ontokit("plan", "project.yaml", "--detailed-exitcode", cwd=tmp_path)
    assert plan.returncode == 0, plan.stdout


hostile = st.lists(
    st.characters(blacklist_categories=("Cs",))
    | st.sampled_from(
        [
            "'",
            '"',
            ": ",
            " #",
            "\n",
            " › ",
            "`",
            ", ",
            "}",
            "\t",
            "\u2028",
            "\x85",
            "\ufeff",
            "😀",
            "\xa0",
            "\u202e",
        ]
    ),
    min_size=1,
    max_size=40,
).map("".join) | st.text(min_size=1000, max_size=3000)
hub_ids = hostile | st.sampled_from(
    ["123", "1e5", "true", "null", "~", "0x1f", "a4d3e949", "-x", "&a", "*b", "!t"]
)


@settings(max_examples=300, deadline=None)
@given(title=hostile, option=hostile, sid=hub_ids, option_sid=hub_ids)
def test_the_line_a_removal_warning_gives_pastes_as_valid_yaml_for_any_title_and_id(
    title: str, option: str, sid: str, option_sid: str
) -> None:
    from ontology_kit._text import one_line
    from ontology_kit.plan.diff import diff_category_schema
    from ontology_kit.plan.retired import unretired

    assume(sid != option_sid)
    live = {
        "tools": [{"tool": "bounding-box", "title": title, "schemaId": sid, "classifications": []}],
        "classifications": [
            {
                "tool": "radio",
                "title": "Kind",
                "schemaId": "kind-id",
                "options": [{"value": option, "schemaId": option_sid}],
            }
        ],
        "relations": [],
    }
    desired = {**live, "tools": [], "classifications": [{**live["classifications"][0], "options": []}]}  # type: ignore[dict-item]
    changes = diff_category_schema(desired, live)
    removed = {c.schema_id: c.path for c in changes if c.action.value == "delete"}
    warnings = unretired(changes, ())
    assert len(warnings) == len(removed) == 2
    for warning in map(one_line, warnings):  # as the terminal shows it, then pasted
        line = warning.partition("(existing annotations hold it): `")[2].removesuffix("`")
        assert "\n" not in line and line.startswith("retired: [")
        result = check_text("tools: [{title: Car, type: bounding-box}]\n" + line + "\n")
        assert result.ok, (line, [d.message for d in result.diagnostics])
        (entry,) = yaml.safe_load(line)["retired"]
        assert entry["schemaId"] in removed and removed[entry["schemaId"]] in entry["was"]


REUSERS = {
    "option set": "optionSets: {s: [A, B]}\ntools: [{title: Car, type: bounding-box, classifications: "
    "[{title: K, type: radio, optionSet: s}]}]\n",
    "tree node key": "classifications: [{title: T, type: tree-dropdown, treeOptions: "
    "[{title: x, key: xk, children: [y]}]}]\n",
    "relation": "relations: [{title: Tows, type: one-to-one}]\n",
    "nested classification": "tools: [{title: Car, type: bounding-box, classifications: [{title: K, "
    "type: radio, options: [a], classifications: [{title: Deep, type: text}]}]}]\n",
}


@pytest.mark.parametrize("text", REUSERS.values(), ids=REUSERS.keys())
def test_every_kind_of_item_is_refused_at_its_own_place_when_it_takes_a_retired_id(text: str) -> None:
    plain = check_text(text)
    assert plain.payload is not None
    for node in CategorySchema.of(plain.payload["categorySchema"]).walk():
        result = check_text(text + f"retired: [{{schemaId: {node.key}, was: gone}}]\n")
        reused = [d for d in result.diagnostics if d.code == "reused-schema-id"]
        assert len(reused) == 1 and not result.ok, (node.address, result.diagnostics)
        assert node.key in reused[0].message and "it named gone" in reused[0].message


HOSTILE_RETIRED = {
    "number": ("retired: [1]", ["wrong-type"]),
    "null": ("retired: [null]", ["wrong-type"]),
    "nested list": ("retired: [[a, [b]]]", ["wrong-type"]),
    "nested mapping was": ("retired: [{schemaId: a, was: {b: [1]}}]", ["wrong-type"]),
    "unknown key": ("retired: [{schemaId: a, x: 1}]", ["unknown-field"]),
    "no schemaId": ("retired: [{was: Truck}]", ["missing-field"]),
    "empty id": ("retired: ['']", ["invalid-value"]),
    "a mapping": ("retired: {a: 1}", ["wrong-type"]),
    "the same id twice": ("retired: [a, {schemaId: a, was: Truck}]", ["duplicate-schema-id"]),
    "huge": (
        "retired: [" + ", ".join(str(n) for n in range(5000)) + "]",
        ["wrong-type"] * 1000 + ["too-many-problems"],
    ),
}


@pytest.mark.parametrize(("text", "codes"), HOSTILE_RETIRED.values(), ids=HOSTILE_RETIRED.keys())
def test_a_hostile_retired_list_gives_one_line_per_problem_never_a_traceback(
    tmp_path: Path, text: str, codes: list[str]
) -> None:
    from conftest import run_ontokit

    (tmp_path / "o.yaml").write_text(
        "tools: [{title: Car, type: bounding-box}]\n" + text + "\n", encoding="utf-8"
    )
    run = run_ontokit("validate", "o.yaml", cwd=tmp_path)
    output = run.stdout + run.stderr
    assert run.returncode == 1 and "Traceback" not in output, output
    errors = [line for line in output.splitlines() if " error[" in line]
    assert [line.split(" error[")[1].split("]")[0] for line in errors] == codes, output
    assert all(line.startswith("o.yaml:") for line in errors), output
    assert "in the ontology" not in output, output


def _hub_project(root: Path) -> str:
    from ontology_kit.client import open_client, resolve_target

    schema = {
        "tools": [{"tool": "bounding-box", "title": "Car", "schemaId": "car-id", "color": "#112233"}],
        "classifications": [],
        "relations": [],
    }
    with open_client(resolve_target("embedded", env={}, cwd=root)) as client:
        pid = str(client.create_project("P", "")["_id"])
        client.set_category_schema(pid, schema)
    return pid


SECRET = "tools: [{title: Car, type: bounding-box}]\nretired: [{schemaId: secret-id, was: tool Secret}]\n"
EXISTING = {
    # (what the existing ontology.yaml is, exit code, what stderr must hold, whether it is replaced)
    "a link out of the workspace": (None, 1, "symbolic link", False),
    "a project definition": ("name: P\nontology: o.yaml\n", 0, "", True),
    "not YAML": ("tools: [{{{\n\t: :\n", 0, "", True),
    "binary": ("\x00\x01\x02garbage", 0, "", True),
    "too large": ("# " + "x" * (16 * 1024 * 1024) + "\n", 0, "", True),
    "junk in retired": (
        "tools: [{title: Car, type: bounding-box}]\nretired: [{schemaId: a, evil: [1]}, [2]]\n",
        1,
        "cannot keep its tombstones",
        False,
    ),
    "a retired id listed twice": (
        "tools: [{title: Car, type: bounding-box}]\nretired: [a, {schemaId: a, was: x}]\n",
        0,
        "",
        True,
    ),
}


@pytest.mark.parametrize(("existing", "code", "said", "replaced"), EXISTING.values(), ids=EXISTING.keys())
def test_a_reimport_over_a_hostile_existing_file_never_reads_outside_and_never_writes_an_invalid_one(
    tmp_path: Path, existing: str | None, code: int, said: str, replaced: bool
) -> None:
    from conftest import run_ontokit

    ws = tmp_path / "ws"
    (ws / ".git").mkdir(parents=True)
    pid = _hub_project(ws)
    target = ws / "ontology.yaml"
    if existing is None:
        (tmp_path / "secret.yaml").write_text(SECRET, encoding="utf-8")
        target.symlink_to(tmp_path / "secret.yaml")
    else:
        target.write_text(existing, encoding="utf-8")
    before = target.read_bytes()
    run = run_ontokit("import", pid, "-o", "ontology.yaml", "--force", cwd=ws)
    assert run.returncode == code and "Traceback" not in run.stderr, run.stderr
    assert said in run.stderr and "secret-id" not in run.stdout + run.stderr, run.stderr
    if code:
        assert len([line for line in run.stderr.splitlines() if line.startswith("error")]) <= 1, run.stderr
    assert (tmp_path / "secret.yaml").exists() is (existing is None)
    if existing is None:
        assert (tmp_path / "secret.yaml").read_text(encoding="utf-8") == SECRET
    if replaced:
        assert run_ontokit("validate", "ontology.yaml", cwd=ws).returncode == 0
        kept = ["a"] if "retired: [a," in str(existing) else []
        assert yaml.safe_load(target.read_text(encoding="utf-8")).get("retired", []) == kept
    else:
        assert target.read_bytes() == before


def test_fmt_keeps_a_retired_list_as_written_and_is_idempotent(tmp_path: Path) -> None:
    from conftest import run_ontokit

    text = (
        "retired:\n"
        '  - {was: "Vehicle › Type › option \\"Truck\\"", schemaId: a4d3}   # why\n'
        "  - 0123\n"
        "  - '0123'\n"
        "  - schemaId: 'x: y #z'\n"
        '    was: "it\'s\\ttabbed"\n'
        "tools: [{title: Car, type: bounding-box}]\n"
    )
    (tmp_path / "o.yaml").write_text(text.replace("  - 0123\n", ""), encoding="utf-8")
    before = check_text((tmp_path / "o.yaml").read_text(encoding="utf-8")).retired
    assert run_ontokit("fmt", "o.yaml", cwd=tmp_path).returncode == 0
    once = (tmp_path / "o.yaml").read_text(encoding="utf-8")
    assert once.index("tools:") < once.index("retired:") and "# why" in once
    assert "{schemaId: a4d3, was:" in once  # the entry's own key order
    assert check_text(once).retired == before == ("a4d3", "0123", "x: y #z")
    assert run_ontokit("fmt", "o.yaml", cwd=tmp_path).returncode == 0
    assert (tmp_path / "o.yaml").read_text(encoding="utf-8") == once


@pytest.mark.parametrize("was", ["x" * 5000, "a\nb\u202e\x1b[31m" * 500], ids=["long", "controls"])
def test_a_hostile_was_is_shown_short_in_the_reuse_error(was: str) -> None:
    result = check_text(
        "tools: [{title: Car, type: bounding-box, schemaId: a}]\n"
        + f"retired: [{{schemaId: a, was: {json.dumps(was)}}}]\n"
    )
    (reused,) = [d for d in result.diagnostics if d.code == "reused-schema-id"]
    assert len(reused.message) < 300 and reused.message.endswith("…") and was[:50] in reused.message
