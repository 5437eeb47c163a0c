"""The typed project state: what a hub holds is read leniently, and fingerprinted exactly."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ontology_kit.category_schema import CategorySchema
from ontology_kit.state import (
    DesiredProject,
    DesiredWebhook,
    LiveProject,
    ProjectFields,
    ProjectSummary,
    SecretState,
    absent_fingerprint,
)

DOC: dict[str, Any] = {
    "_id": "p1",
    "name": "Roads",
    "description": "Road scenes",
    "type": "ango",
    "categorySchema": {"tools": [{"tool": "point", "title": "Pin", "schemaId": "s1"}]},
    "batches": [{"_id": "b1", "name": "Week 1", "color": "#FF0000"}],
}
HOOKS: list[dict[str, Any]] = [
    {
        "_id": "w1",
        "url": "https://h.example.com",
        "types": ["COMPLETED"],
        "secret": {"set": True, "digest": "d"},
    }
]


def test_from_hub_reads_every_part() -> None:
    live = LiveProject.from_hub(DOC, HOOKS)
    assert live.id == "p1"
    assert live.fields == ProjectFields("Roads", "Road scenes", "ango")
    assert live.category_schema == CategorySchema(DOC["categorySchema"])
    assert [(b.id, b.name, b.raw["color"]) for b in live.batches] == [("b1", "Week 1", "#FF0000")]
    (hook,) = live.webhooks or ()
    assert (hook.id, hook.url, hook.types, hook.secret) == (
        "w1",
        HOOKS[0]["url"],
        ("COMPLETED",),
        SecretState(True, "d"),
    )


def test_a_hub_that_cannot_list_webhooks() -> None:
    assert LiveProject.from_hub(DOC, None).webhooks is None


@pytest.mark.parametrize(
    ("change", "part"),
    [
        pytest.param({"name": "Other"}, "name", id="name"),
        pytest.param({"description": "x"}, "description", id="description"),
        pytest.param({"type": "pct"}, "type", id="type"),
        pytest.param({"categorySchema": {"tools": []}}, "schema", id="schema"),
        pytest.param({"batches": []}, "batches", id="batches"),
    ],
)
def test_the_fingerprint_sees_every_managed_part(change: dict[str, Any], part: str) -> None:
    before = LiveProject.from_hub(DOC, HOOKS).fingerprint()
    assert LiveProject.from_hub({**DOC, **change}, HOOKS).fingerprint() != before, part
    assert LiveProject.from_hub(dict(DOC), list(HOOKS)).fingerprint() == before


def test_the_fingerprint_sees_webhooks_and_their_secrets() -> None:
    before = LiveProject.from_hub(DOC, HOOKS).fingerprint()
    rotated = [{**HOOKS[0], "secret": {"set": True, "digest": "other"}}]
    assert LiveProject.from_hub(DOC, rotated).fingerprint() != before
    assert LiveProject.from_hub(DOC, None).fingerprint() != before
    assert absent_fingerprint("Roads") != absent_fingerprint("Other")


def test_desired_project_names_its_secret_variables_once() -> None:
    hooks = (
        DesiredWebhook("https://a.example.com", ("COMPLETED",), "S1"),
        DesiredWebhook("https://b.example.com", ("ACCEPTED",), "S1"),
        DesiredWebhook("https://c.example.com", ("UPDATED",), None),
    )
    desired = DesiredProject("p.yaml", ProjectFields("P"), CategorySchema.empty(), webhooks=hooks)
    assert desired.secret_variables() == ("S1",)
    assert desired.name == "P"


def test_state_is_frozen() -> None:
    live = LiveProject.from_hub(DOC, HOOKS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        live.id = "other"  # type: ignore[misc]


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=15,
)
KEYS = ["_id", "name", "description", "type", "categorySchema", "batches"]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(KEYS), junk),
    st.none() | st.lists(junk | st.dictionaries(st.sampled_from(["_id", "url", "types", "secret"]), junk)),
)
def test_any_hub_document_reads_without_error(doc: dict[str, Any], hooks: list[Any] | None) -> None:
    live = LiveProject.from_hub(doc, hooks)
    assert isinstance(live.fields.name, str) and isinstance(live.fields.description, str)
    assert live.fields.type in (None, "ango", "pct", "iframe")
    assert live.fingerprint().startswith("sha256:")
    ProjectSummary.from_document(doc)


def test_the_fingerprint_of_numbers_json_has_but_orjson_does_not() -> None:
    huge = LiveProject.from_hub({**DOC, "categorySchema": {"tools": [{"tool": "point", "n": 2**70}]}}, HOOKS)
    assert huge.fingerprint() != LiveProject.from_hub(DOC, HOOKS).fingerprint()


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@pytest.mark.parametrize("depth", [300, 1020], ids=["over-orjson", "at-the-parser-limit"])
def test_the_fingerprint_of_deeply_nested_values(depth: int) -> None:
    """A hub may answer with values nested up to the JSON parser's limit (1,024): no recursion error,
    and the depth still counts."""

    def live(value: Any) -> LiveProject:
        return LiveProject.from_hub(
            {**DOC, "categorySchema": {"tools": [{"tool": "point", "x": value}]}}, HOOKS
        )

    deep = live(_nested(depth)).fingerprint()
    assert deep == live(_nested(depth)).fingerprint()
    assert deep != live(_nested(depth - 1)).fingerprint()
    assert live(2**70).fingerprint() != live(2**70 + 1).fingerprint()


def test_every_project_field_says_what_it_may_hold() -> None:
    from ontology_kit.state import _FIELD_VALUES

    assert list(_FIELD_VALUES) == [f.name for f in dataclasses.fields(ProjectFields)]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param({"name": "P", "owner": "me"}, "'owner' is not a project field", id="unknown"),
        pytest.param({"name": 5}, "'name' cannot be 5", id="not-text"),
        pytest.param({"name": "P", "type": "video"}, "'type' cannot be 'video'", id="not-a-type"),
    ],
)
def test_fields_from_elsewhere_are_checked(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ProjectFields.from_values(values)
