"""Tombstones (``retired:``, issue 12 item 4): a retired schemaId is never taken again. Properties over
random ontologies: an item is refused exactly when its id (derived or pinned) is retired, each at
its own item, naming what the id named; ids that no item takes change nothing in the payload."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

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
