"""The plan renderers: text, JSON and Markdown, from hand-built plans."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from ontology_kit.plan.model import (
    SENSITIVE,
    Action,
    Affected,
    AttributeChange,
    Change,
    Impact,
    Plan,
    ProjectPlan,
    Unmanaged,
)
from ontology_kit.render.plans import (
    FORMAT_VERSION,
    RENDERERS,
    plan_to_dict,
    render,
    render_json,
    render_markdown,
    render_text,
)
from ontology_kit.render.text import format_value, project_lines

SECRET = "s3cr3t-hunter2-DO-NOT-LEAK"
ANSI = re.compile("\x1b\\[")
KINDS = ("project", "tool", "classification", "relation", "option", "tree-option", "batch", "webhook", "list")


# -- fixtures -------------------------------------------------------------------------------------
def cars() -> ProjectPlan:
    """A project with every action, most kinds, every impact, a secret, unmanaged items, a warning."""
    changes = (
        Change(
            Action.UPDATE,
            "project",
            ("Cars",),
            Impact.SAFE,
            (),
            "p-1",
            (AttributeChange("description", "Old", "Cars and people"),),
        ),
        Change(
            Action.CREATE,
            "tool",
            ("Pedestrian",),
            Impact.SAFE,
            ("with 2 nested items",),
            "t-2",
            after={"type": "bounding-box", "title": "Pedestrian", "schemaId": "t-2", "required": False},
            nested=2,
        ),
        Change(
            Action.DELETE,
            "classification",
            ("Vehicle", "Type"),
            Impact.DESTRUCTIVE,
            ("existing annotations of Type would be orphaned", "3 nested items go with it"),
            "c-1",
            before={"type": "radio", "title": "Type", "schemaId": "c-1", "required": False},
            hint="probably a rename of Type to Kind",
            nested=3,
        ),
        Change(
            Action.CREATE,
            "classification",
            ("Vehicle", "Kind"),
            Impact.SAFE,
            (),
            "c-9",
            after={"type": "radio", "title": "Kind", "schemaId": "c-9", "required": False},
            hint="probably a rename of Type (see its removal)",
        ),
        Change(
            Action.UPDATE,
            "option",
            ("Vehicle", "Color", 'option "Red"'),
            Impact.BREAKING_EXPORT,
            ("exports write an answer as its value text: answers exported as 'Rde' become 'Red'",),
            "o-1",
            (AttributeChange("value", "Rde", "Red"),),
        ),
        Change(
            Action.UPDATE,
            "classification",
            ("Vehicle", "Plate"),
            Impact.DATA_DEPENDENT,
            (
                "'Plate' becomes required: existing annotations without it become invalid",
                "existing answers to 'Plate' may not match the new regex",
            ),
            "c-2",
            (AttributeChange("required", None, True), AttributeChange("regex", "^[A-Z]+$", "^[A-Z0-9]+$")),
        ),
        Change(
            Action.UPDATE,
            "tool",
            ("Vehicle",),
            Impact.DESTRUCTIVE,
            ("changing the type of 'Vehicle' from bounding-box to polygon orphans its annotations",),
            "t-1",
            (
                AttributeChange("tool", "bounding-box", "polygon"),
                AttributeChange("color", "#ff0000", "#00ff00"),
            ),
        ),
        Change(
            Action.MOVE,
            "classification",
            ("Pedestrian", "Age"),
            Impact.DESTRUCTIVE,
            ("annotations made under Vehicle no longer match where it now is",),
            "c-3",
            before="Vehicle › Age",
            after="Pedestrian › Age",
        ),
        Change(
            Action.CREATE,
            "tree-option",
            ("Region", '"Europe"', '"France"'),
            Impact.SAFE,
            (),
            "fr",
            after={"title": "France", "key": "fr"},
        ),
        Change(
            Action.DELETE,
            "relation",
            ("Drives",),
            Impact.DESTRUCTIVE,
            ("existing annotations of Drives would be orphaned",),
            "r-1",
            before={"type": "one-way", "title": "Drives", "schemaId": "r-1", "required": False},
            affected=Affected(1, 1),
        ),
        Change(
            Action.REORDER,
            "list",
            ("Vehicle", "Color", "order of options"),
            Impact.SAFE,
            before=['option "Red"', 'option "Blue"'],
            after=['option "Blue"', 'option "Red"'],
        ),
        Change(Action.CREATE, "batch", ('batch "Week 3"',), Impact.SAFE, after={"name": "Week 3"}),
        Change(
            Action.MIGRATE,
            "migration",
            ("migrations[0]", "merge"),
            Impact.SAFE,
            before=['Vehicle › Color › option "Crimson"'],
            after='Vehicle › Color › option "Red"',
            affected=Affected(1204, 312),
            covers=("o-crimson",),
        ),
        Change(
            Action.UPDATE,
            "webhook",
            ("webhook https://hooks.example.com/a",),
            Impact.SAFE,
            (),
            None,
            (
                AttributeChange("types", ["ACCEPTED"], ["ACCEPTED", "COMPLETED"]),
                AttributeChange("secret", SECRET, SECRET + "-rotated", sensitive=True),
            ),
        ),
    )
    return ProjectPlan(
        "Cars",
        "projects/cars.yaml",
        "p-1",
        changes,
        "fp-cars",
        unmanaged=(Unmanaged("batch", "Legacy"), Unmanaged("webhook", "https://old.example.com")),
        warnings=("HOOK_SECRET is not set: the webhook keeps its secret",),
    )


def bikes() -> ProjectPlan:
    """A new project (no id), created with a tool and a webhook whose secret is set."""
    changes = (
        Change(Action.CREATE, "project", ("Bikes",), Impact.SAFE, (), None, after={"name": "Bikes"}),
        Change(
            Action.CREATE,
            "tool",
            ("Bike",),
            Impact.SAFE,
            (),
            "b-1",
            after={"type": "polygon", "title": "Bike"},
        ),
        Change(
            Action.CREATE,
            "webhook",
            ("webhook https://hooks.example.com/b",),
            Impact.SAFE,
            (),
            None,
            (AttributeChange("secret", None, SECRET, sensitive=True),),
        ),
    )
    return ProjectPlan("Bikes", "projects/bikes.yaml", None, changes, "")


def signs(unmanaged: tuple[Unmanaged, ...] = (), warnings: tuple[str, ...] = ()) -> ProjectPlan:
    """A project in sync with the hub."""
    return ProjectPlan(
        "Signs", "projects/signs.yaml", "p-3", (), "fp-signs", unmanaged=unmanaged, warnings=warnings
    )


def small() -> Plan:
    """Two changes, for exact JSON and Markdown snapshots."""
    changes = (
        Change(
            Action.DELETE,
            "option",
            ("Vehicle", "Type", 'option "Truck"'),
            Impact.DESTRUCTIVE,
            ('existing answers of option "Truck" would be orphaned',),
            "o-7",
            before={"value": "Truck", "schemaId": "o-7"},
            affected=Affected(1204, 312),
        ),
        Change(
            Action.UPDATE,
            "webhook",
            ("webhook https://h.example.com",),
            Impact.SAFE,
            (),
            None,
            (AttributeChange("secret", SECRET, SECRET + "2", sensitive=True),),
        ),
    )
    project = ProjectPlan(
        "Cars",
        "cars.yaml",
        "p-1",
        changes,
        "fp",
        unmanaged=(Unmanaged("batch", "Old"),),
        warnings=("one warning",),
    )
    return Plan("staging", (project,))


def full() -> Plan:
    return Plan("https://hub.example.com", (cars(), signs(), bikes()))


def empty() -> Plan:
    return Plan("staging", (signs(),))


def expected(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# -- text -----------------------------------------------------------------------------------------
def test_text_snapshot_every_action_kind_and_impact() -> None:
    assert render_text(full()) == expected("""
        Hub: https://hub.example.com

        ! 4 destructive changes would orphan existing annotations:
          - classification Vehicle › Type (in "Cars"): existing annotations of Type would be orphaned
          ~ tool Vehicle (in "Cars"): changing the type of 'Vehicle' from bounding-box to polygon orphans its annotations
          → classification Pedestrian › Age (in "Cars"): annotations made under Vehicle no longer match where it now is
          - relation Drives (in "Cars") (would orphan 1 annotation in 1 task): existing annotations of Drives would be orphaned

        ! 1 breaking-export change would change what exports read (annotations kept):
          ~ Vehicle › Color › option "Red" (in "Cars"): exports write an answer as its value text: answers exported as 'Rde' become 'Red'

        Project "Cars" (p-1), from projects/cars.yaml:
          ~ project Cars
              description: "Old" → "Cars and people"
          + tool Pedestrian (+2 nested)
              # why: with 2 nested items
          - classification Vehicle › Type (+3 nested) [destructive]
              # why: existing annotations of Type would be orphaned
              # why: 3 nested items go with it
              hint: probably a rename of Type to Kind
          + classification Vehicle › Kind
              hint: probably a rename of Type (see its removal)
          ~ Vehicle › Color › option "Red" [breaking-export]
              value: "Rde" → "Red"
              # why: exports write an answer as its value text: answers exported as 'Rde' become 'Red'
          ~ classification Vehicle › Plate [data-dependent]
              required: null → true
              regex: "^[A-Z]+$" → "^[A-Z0-9]+$"
              # why: 'Plate' becomes required: existing annotations without it become invalid
              # why: existing answers to 'Plate' may not match the new regex
          ~ tool Vehicle [destructive]
              tool: "bounding-box" → "polygon"
              color: "#ff0000" → "#00ff00"
              # why: changing the type of 'Vehicle' from bounding-box to polygon orphans its annotations
          → classification Pedestrian › Age [destructive]
              from Vehicle › Age
              to   Pedestrian › Age
              # why: annotations made under Vehicle no longer match where it now is
          + tree-option Region › "Europe" › "France"
          - relation Drives [destructive]
              # would orphan 1 annotation in 1 task
              # why: existing annotations of Drives would be orphaned
          ↕ list Vehicle › Color › order of options
              before: [option "Red", option "Blue"]
              after:  [option "Blue", option "Red"]
          + batch "Week 3"
          » migrations[0]: merge into Vehicle › Color › option "Red"
              from Vehicle › Color › option "Crimson"
              # moves 1,204 answers in 312 tasks
          ~ webhook https://hooks.example.com/a
              types: ["ACCEPTED"] → ["ACCEPTED", "COMPLETED"]
              secret: (sensitive) → (sensitive)
          unmanaged batch "Legacy" (kept; not in the definition)
          unmanaged webhook "https://old.example.com" (kept; not in the definition)
          warning: HOOK_SECRET is not set: the webhook keeps its secret

        Project "Signs" (p-3), from projects/signs.yaml: no changes.

        Project "Bikes" (new), from projects/bikes.yaml:
          + project Bikes
          + tool Bike
          + webhook https://hooks.example.com/b
              secret: null → (sensitive)

        Plan: 7 to add, 5 to change, 2 to remove, 1 to move, 1 to reorder, 1 migration to run (4 destructive, 1 breaking-export, 1 data-dependent).
        """)


def test_text_no_changes() -> None:
    assert render_text(empty()) == expected("""
        Hub: staging

        Project "Signs" (p-3), from projects/signs.yaml: no changes.

        No changes. The hub matches the definitions.
        """)


# -- json -----------------------------------------------------------------------------------------
def test_json_snapshot() -> None:
    assert render_json(small()) == expected("""
        {
          "format_version": "1.5",
          "kind": "plan",
          "hub": "staging",
          "has_changes": true,
          "summary": {
            "create": 0,
            "update": 1,
            "delete": 1,
            "move": 0,
            "reorder": 0,
            "migrate": 0,
            "destructive": 1,
            "breaking_export": 0,
            "data_dependent": 0,
            "safe": 1,
            "affected": {
              "annotations": 1204,
              "tasks": 312
            }
          },
          "projects": [
            {
              "name": "Cars",
              "definition": "cars.yaml",
              "project_id": "p-1",
              "fingerprint": "fp",
              "summary": {
                "create": 0,
                "update": 1,
                "delete": 1,
                "move": 0,
                "reorder": 0,
                "migrate": 0,
                "destructive": 1,
                "breaking_export": 0,
                "data_dependent": 0,
                "safe": 1,
                "affected": {
                  "annotations": 1204,
                  "tasks": 312
                }
              },
              "changes": [
                {
                  "action": "delete",
                  "kind": "option",
                  "path": "Vehicle › Type › option \\"Truck\\"",
                  "address": [
                    "Vehicle",
                    "Type",
                    "option \\"Truck\\""
                  ],
                  "impact": "destructive",
                  "reasons": [
                    "existing answers of option \\"Truck\\" would be orphaned"
                  ],
                  "schema_id": "o-7",
                  "attributes": [],
                  "before": {
                    "value": "Truck",
                    "schemaId": "o-7"
                  },
                  "after": null,
                  "hint": null,
                  "nested": 0,
                  "affected": {
                    "annotations": 1204,
                    "tasks": 312
                  }
                },
                {
                  "action": "update",
                  "kind": "webhook",
                  "path": "webhook https://h.example.com",
                  "address": [
                    "webhook https://h.example.com"
                  ],
                  "impact": "safe",
                  "reasons": [],
                  "schema_id": null,
                  "attributes": [
                    {
                      "name": "secret",
                      "before": "(sensitive)",
                      "after": "(sensitive)",
                      "sensitive": true
                    }
                  ],
                  "before": null,
                  "after": null,
                  "hint": null,
                  "nested": 0,
                  "affected": null
                }
              ],
              "unmanaged": [
                {
                  "kind": "batch",
                  "name": "Old"
                }
              ],
              "warnings": [
                "one warning"
              ]
            }
          ]
        }
        """)


# -- markdown -------------------------------------------------------------------------------------
def test_markdown_snapshot() -> None:
    assert render_markdown(small()) == expected("""
        ### ontokit plan

        Hub: `staging`

        **Plan: 0 to add, 1 to change, 1 to remove, 0 to move, 0 to reorder (1 destructive).**

        | project | create | update | delete | move | reorder | destructive | breaking-export | data-dependent | annotations touched |
        | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | Cars | 0 | 1 | 1 | 0 | 0 | 1 | 0 | 0 | 1,204 annotations in 312 tasks |

        > [!CAUTION]
        > **1 destructive change** would orphan existing annotations:
        >
        > - delete option `Vehicle › Type › option "Truck"` (**would orphan 1,204 annotations in 312 tasks**): existing answers of option "Truck" would be orphaned

        > [!WARNING]
        > - one warning

        <details><summary>Project "Cars" (p-1), from cars.yaml: 0 to add, 1 to change, 1 to remove, 0 to move, 0 to reorder (1 destructive).</summary>

        ```diff
        Project "Cars" (p-1), from cars.yaml:
        -   Vehicle › Type › option "Truck" [destructive]
              # would orphan 1,204 annotations in 312 tasks
              # why: existing answers of option "Truck" would be orphaned
        ! ~ webhook https://h.example.com
              secret: (sensitive) → (sensitive)
          unmanaged batch "Old" (kept; not in the definition)
          warning: one warning
        ```

        </details>
        """)


# -- text: details ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("Truck", '"Truck"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("Čeština", '"Čeština"'),
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (1.5, "1.5"),
        (["a", None], '["a", null]'),
        ({"k": 1, "b": False}, "{k: 1, b: false}"),
        (frozenset({"b", "a"}), '["a", "b"]'),
    ],
)
def test_values(value: object, shown: str) -> None:
    assert format_value(value) == shown


def test_every_kind_is_rendered() -> None:
    changes = tuple(
        Change(
            Action.UPDATE,
            kind,
            (f"Item {kind}",),
            Impact.SAFE,
            (),
            None,
            (AttributeChange("title", "a", "b"),),
        )
        for kind in KINDS
    )
    plan = Plan("h", (ProjectPlan("P", "p.yaml", "p", changes, "f"),))
    text = render_text(plan)
    data = plan_to_dict(plan)
    for kind in KINDS:
        assert f'  ~ {kind} Item {kind}\n      title: "a" → "b"\n' in text
    assert [c["kind"] for c in data["projects"][0]["changes"]] == list(KINDS)


def test_long_reorder_is_shortened_around_the_moved_part() -> None:
    before = [f"T{i}" for i in range(30)]
    after = [*before[:10], "T12", "T10", "T11", *before[13:]]
    change = Change(
        Action.REORDER, "list", ("order of top-level tools",), Impact.SAFE, before=before, after=after
    )
    plan = Plan("h", (ProjectPlan("P", "p.yaml", "p", (change,), "f"),))
    assert "      before: [… 10 unchanged, T10, T11, T12, … 17 unchanged]\n" in render_text(plan)
    assert "      after:  [… 10 unchanged, T12, T10, T11, … 17 unchanged]\n" in render_text(plan)
    reversed_plan = Plan(
        "h",
        (
            ProjectPlan(
                "P",
                "p.yaml",
                "p",
                (Change(Action.REORDER, "list", ("order",), Impact.SAFE, before=before, after=before[::-1]),),
                "f",
            ),
        ),
    )
    text = render_text(reversed_plan)
    assert "      before: [T0, T1, T2, T3, … 22 more, T26, T27, T28, T29]\n" in text
    assert "      after:  [T29, T28, T27, T26, … 22 more, T3, T2, T1, T0]\n" in text


def test_unmanaged_and_warnings_show_without_changes() -> None:
    plan = Plan("h", (signs(unmanaged=(Unmanaged("webhook", "https://x"),), warnings=("careful",)),))
    assert render_text(plan) == expected("""
        Hub: h

        Project "Signs" (p-3), from projects/signs.yaml:
          no changes
          unmanaged webhook "https://x" (kept; not in the definition)
          warning: careful

        No changes. The hub matches the definitions.
        """)


def test_color_adds_ansi_codes_and_no_color_has_none() -> None:
    colored = render_text(full(), color=True)
    plain = render_text(full())
    assert ANSI.search(colored)
    assert "\x1b[32m+\x1b[0m tool Pedestrian" in colored  # green +
    assert "\x1b[31m-\x1b[0m relation Drives" in colored  # red -
    assert "\x1b[33m~\x1b[0m Vehicle" in colored  # yellow ~
    assert "\x1b[36m→\x1b[0m classification" in colored and "\x1b[36m↕\x1b[0m list" in colored  # cyan
    assert "\x1b[31m\x1b[1m[destructive]\x1b[0m" in colored  # bold red
    assert ANSI.sub("", re.sub("\x1b\\[[0-9;]*m", "", colored)) == plain
    assert not ANSI.search(plain)
    assert not ANSI.search(render_json(full())) and not ANSI.search(render_markdown(full()))
    assert not ANSI.search(render(full(), "markdown", color=True))


def test_control_characters_in_titles_are_shown_not_obeyed() -> None:
    evil = "Car\x1b[31m\n+ tool Fake\r"
    plan = Plan(
        "h",
        (
            ProjectPlan(
                evil,
                "p.yaml",
                "p",
                (Change(Action.DELETE, "tool", (evil,), Impact.DESTRUCTIVE, (evil,)),),
                "f",
                warnings=(evil,),
            ),
        ),
    )
    for out in (render_text(plan), render_text(plan, color=True), render_markdown(plan)):
        assert "\x1b[31m\n" not in out and "\r" not in out
        assert not any(line.startswith(("+ tool Fake", "  + tool Fake")) for line in out.splitlines())
        assert "Car\\u001b[31m\\n+ tool Fake\\r" in out
    assert json.loads(render_json(plan))["projects"][0]["name"] == evil


def test_output_is_deterministic() -> None:
    for fmt in RENDERERS:
        assert render(full(), fmt) == render(full(), fmt)
    change = Change(
        Action.UPDATE,
        "tool",
        ("T",),
        Impact.SAFE,
        (),
        None,
        (AttributeChange("labels", frozenset({"b", "c", "a"}), frozenset({"a"})),),
    )
    plan = Plan("h", (ProjectPlan("P", "p.yaml", "p", (change,), "f"),))
    assert '      labels: ["a", "b", "c"] → ["a"]\n' in render_text(plan)
    assert plan_to_dict(plan)["projects"][0]["changes"][0]["attributes"][0]["before"] == ["a", "b", "c"]


# -- secrets --------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_no_secret_value_ever_appears(fmt: str) -> None:
    for plan in (full(), small()):
        out = render(plan, fmt)
        assert SECRET not in out and "hunter2" not in out
        assert SENSITIVE in out
    assert SECRET not in render_text(full(), color=True)
    assert SECRET not in render_markdown(full(), limit=2000)


def test_sensitive_attributes_in_json() -> None:
    attrs = [
        a
        for p in plan_to_dict(full())["projects"]
        for c in p["changes"]
        for a in c["attributes"]
        if a["sensitive"]
    ]
    assert attrs == [
        {"name": "secret", "before": SENSITIVE, "after": SENSITIVE, "sensitive": True},
        {"name": "secret", "before": None, "after": SENSITIVE, "sensitive": True},  # a secret being set
    ]
    assert "      secret: null → (sensitive)\n" in render_text(full())


# -- json -----------------------------------------------------------------------------------------
def test_json_round_trips_and_is_versioned() -> None:
    text = render_json(full())
    assert text.endswith("}\n") and "Čeština" not in text
    data = json.loads(text)
    assert data == plan_to_dict(full())
    assert data["format_version"] == FORMAT_VERSION == "1.5"
    assert int(data["format_version"].split(".")[0]) == 1
    assert list(data) == ["format_version", "kind", "hub", "has_changes", "summary", "projects"]
    assert data["summary"] == {
        "create": 7,
        "update": 5,
        "delete": 2,
        "move": 1,
        "reorder": 1,
        "migrate": 1,
        "destructive": 4,
        "breaking_export": 1,
        "data_dependent": 1,
        "safe": 11,
        "affected": {"annotations": 1, "tasks": 1},
    }
    cars_, signs_, bikes_ = data["projects"]
    assert list(cars_) == [
        "name",
        "definition",
        "project_id",
        "fingerprint",
        "summary",
        "changes",
        "unmanaged",
        "warnings",
    ]
    assert list(cars_["changes"][0]) == [
        "action",
        "kind",
        "path",
        "address",
        "impact",
        "reasons",
        "schema_id",
        "attributes",
        "before",
        "after",
        "hint",
        "nested",
        "affected",
    ]
    assert {c["action"] for c in cars_["changes"]} == {a.value for a in Action}
    assert {c["impact"] for c in cars_["changes"]} == {i.value for i in Impact}
    move = next(c for c in cars_["changes"] if c["action"] == "move")
    assert (move["before"], move["after"]) == ("Vehicle › Age", "Pedestrian › Age")
    assert move["path"] == "Pedestrian › Age" and move["address"] == ["Pedestrian", "Age"]
    assert cars_["unmanaged"] == [
        {"kind": "batch", "name": "Legacy"},
        {"kind": "webhook", "name": "https://old.example.com"},
    ]
    assert signs_["changes"] == [] and signs_["summary"]["safe"] == 0
    assert bikes_["project_id"] is None and bikes_["fingerprint"] == ""


def test_json_keeps_non_ascii_and_no_changes() -> None:
    plan = Plan("hüb", (signs(),))
    text = render_json(plan)
    assert '"hub": "hüb"' in text
    data = json.loads(text)
    assert data["has_changes"] is False and data["summary"].pop("affected") is None
    assert set(data["summary"].values()) == {0}


# -- markdown -------------------------------------------------------------------------------------
def test_markdown_multiple_projects() -> None:
    md = render_markdown(full())
    assert md.startswith("### ontokit plan\n")
    assert "| Cars | 4 | 5 | 2 | 1 | 1 | 4 | 1 | 1 | 1 annotation in 1 task |\n" in md
    assert "| Signs | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | – |\n" in md
    assert "| Bikes (new) | 3 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | – |\n" in md
    assert (
        "| **total** | **7** | **5** | **2** | **1** | **1** | **4** | **1** | **1** "
        "| **1 annotation in 1 task** |\n"
    ) in md
    assert "> [!CAUTION]\n> **4 destructive changes** would orphan existing annotations:\n" in md
    assert (
        "> [!IMPORTANT]\n> **1 breaking-export change** would change what exports read (annotations are "
        'kept):\n>\n> - **Cars**: update option `Vehicle › Color › option "Red"`: exports write an answer '
        "as its value text: answers exported as 'Rde' become 'Red'\n"
    ) in md
    assert (
        "> - **Cars**: delete relation `Drives` (**would orphan 1 annotation in 1 task**): existing "
        "annotations of Drives would be orphaned\n"
    ) in md
    assert "> [!WARNING]\n> - **Cars**: HOOK\\_SECRET is not set: the webhook keeps its secret\n" in md
    assert md.count("<details>") == md.count("</details>") == 3
    assert md.count("```diff\n") == 3
    assert "\n+   tool Pedestrian (+2 nested)\n" in md  # GitHub colors lines by their first character
    assert "\n-   relation Drives [destructive]\n" in md
    assert '\n! ~ Vehicle › Color › option "Red" [breaking-export]\n' in md
    assert md.index("> [!CAUTION]") < md.index("<details>")


def test_markdown_no_changes() -> None:
    md = render_markdown(empty())
    assert "No changes. The hub matches the definitions.\n" in md
    assert "[!CAUTION]" not in md and "[!WARNING]" not in md


def test_markdown_escapes_user_text() -> None:
    plan = Plan(
        "h",
        (
            ProjectPlan(
                "A|B *x* <b>",
                "p.yaml",
                "p",
                (Change(Action.DELETE, "tool", ("Has `ticks`",), Impact.DESTRUCTIVE, ("<script>",)),),
                "f",
            ),
            ProjectPlan("C", "c.yaml", "c", (), "f"),
        ),
    )
    md = render_markdown(plan)
    assert "| A\\|B \\*x\\* \\<b\\> |" in md
    assert "`` Has `ticks` ``" in md and "\\<script\\>" in md
    assert '<summary>Project "A|B *x* &lt;b&gt;"' in md


def _big(n: int = 5000, every: int = 500) -> Plan:
    changes = tuple(
        Change(
            Action.DELETE,
            "option",
            ("Vehicle", "Type", f'option "O{i}"'),
            Impact.DESTRUCTIVE,
            (f'existing answers of option "O{i}" would be orphaned',),
            f"o{i}",
        )
        if i % every == 0
        else Change(
            Action.UPDATE,
            "option",
            ("Vehicle", "Type", f'option "O{i}"'),
            Impact.SAFE,
            (),
            f"o{i}",
            (AttributeChange("value", f"o{i}", f"O{i}"),),
        )
        for i in range(n)
    )
    return Plan("staging", (ProjectPlan("Big", "big.yaml", "p-9", changes, "f"),))


OMITTED = re.compile(r"^… (\d+) lines omitted \(run ontokit plan locally for the full plan\) …$", re.M)


def test_markdown_truncates_the_middle_of_5000_changes() -> None:
    plan = _big()
    full_lines = project_lines(plan.projects[0], gutter=True)
    md = render_markdown(plan)
    assert len(md) <= 65536
    head = md[: md.index("<details>")]
    untruncated = render_markdown(plan, limit=10**9)
    assert len(untruncated) > 65536 and not OMITTED.search(untruncated)
    assert head == untruncated[: untruncated.index("<details>")]  # title, table, caution: all there
    assert "| Big | 0 | 4990 | 10 | 0 | 0 | 10 | 0 | 0 | – |\n" in head
    assert "> **10 destructive changes** would orphan existing annotations:\n" in head
    for i in range(0, 5000, 500):  # every destructive change is listed, even those whose lines are cut
        assert f'> - delete option `Vehicle › Type › option "O{i}"`' in head
    match = OMITTED.search(md)
    assert match
    kept = md[md.index("```diff\n") + 8 : md.rindex("\n```")].split("\n")
    assert len(kept) - 1 + int(match.group(1)) == len(full_lines)
    assert kept[: kept.index(match.group(0))] == full_lines[: kept.index(match.group(0))]  # the beginning
    tail = kept[kept.index(match.group(0)) + 1 :]
    assert tail == full_lines[len(full_lines) - len(tail) :]  # and the end
    assert kept[0] == 'Project "Big" (p-9), from big.yaml:' and kept[-1] == full_lines[-1]
    assert md.endswith("</details>\n")


@pytest.mark.parametrize("limit", [3000, 10000, 30000, 65536])
def test_markdown_stays_within_the_limit(limit: int) -> None:
    plan = Plan("staging", (*_big(2000, 100).projects, cars(), signs(), bikes()))
    md = render_markdown(plan, limit=limit)
    assert len(md) <= limit
    assert "| **total** |" in md and "> [!CAUTION]" in md
    assert OMITTED.search(md)
    assert md.count("<details>") == md.count("</details>")
    assert md.count("```diff\n") == md.count("\n```\n")


def test_markdown_caps_a_huge_caution_block_but_keeps_it() -> None:
    md = render_markdown(_big(5000, 1))
    assert len(md) <= 65536
    assert "> **5000 destructive changes** would orphan existing annotations:\n" in md
    assert re.search(r"^> - … and \d+ more destructive changes \(see the details below\)$", md, re.M)
    assert '> - delete option `Vehicle › Type › option "O0"`' in md


def test_markdown_not_truncated_when_it_fits() -> None:
    md = render_markdown(full())
    assert not OMITTED.search(md)
    for p in full().projects:
        assert "\n".join(project_lines(p, gutter=True)) in md


# -- registry -------------------------------------------------------------------------------------
def test_registry() -> None:
    assert sorted(RENDERERS) == ["json", "markdown", "text"]
    assert render(small(), "text") == render_text(small())
    assert ANSI.search(render(small(), "text", color=True))
    assert render(small(), "json") == render_json(small())
    assert render(small(), "markdown") == render_markdown(small())
    with pytest.raises(ValueError, match="unknown plan format 'yaml'"):
        render(small(), "yaml")
