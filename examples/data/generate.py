"""Write examples/data/driving-staging.ndjson: 36 labeled dashcam frames of the staging project, in
Ango's export format (NDJSON, one task a line), for `ontokit hub load`.

The answers name the items of examples/ontologies/driving-scenes.yaml by the schemaIds ontokit gives
them, and name radio, checkbox and dropdown options by their value text, as Ango's exports do. The
data is drawn from a seeded random generator: every run writes the same bytes, and a test checks
that the committed file is what this script writes (run it again after changing the ontology).

    python examples/data/generate.py > examples/data/driving-staging.ndjson
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import orjson

from ontology_kit import check_file
from ontology_kit.category_schema import CategorySchema

HERE = Path(__file__).resolve().parent
ONTOLOGY = HERE.parent / "ontologies" / "driving-scenes.yaml"
TASKS = 36


def _ids() -> dict[str, str]:
    """Every item's schemaId (a tree option's key) by its address, `Vehicle / Vehicle type`."""
    result = check_file(ONTOLOGY)
    assert result.payload is not None, result.diagnostics
    schema = CategorySchema.of(result.payload["categorySchema"])
    return {" / ".join(n.address).replace('"', ""): str(n.id) for n in schema.walk()}


def _answer(ids: dict[str, str], path: str, value: Any) -> dict[str, Any]:
    return {"schemaId": ids[path], "title": path.rsplit(" / ", 1)[-1], "answer": value}


def _vehicle(ids: dict[str, str], rng: random.Random, n: int) -> dict[str, Any]:
    kind = rng.choice(["Car", "Car", "Car", "Van", "Truck", "Bus", "Motorcycle", "Motorcycle"])
    nested = [
        _answer(ids, "Vehicle / Vehicle type", kind),
        _answer(ids, "Vehicle / Occlusion", rng.choice(["Fully visible", "Partly occluded"])),
    ]
    if rng.random() < 0.5:  # plates with a space or a hyphen: the proposal's stricter regex refuses them
        plate = rng.choice(["AB 123", "XYZ-987", "K7731", "MH12DE1433", "B-MW 2024", "GO 42"])
        nested.append(_answer(ids, "Vehicle / License plate", plate))
    box = {"x": rng.randint(0, 1800), "y": rng.randint(300, 900), "width": 120, "height": 80}
    return {
        "schemaId": ids["Vehicle"],
        "objectId": f"v{n}",
        "title": "Vehicle",
        "bounding-box": box,
        "classifications": nested,
    }


def _task(ids: dict[str, str], rng: random.Random, i: int) -> dict[str, Any]:
    tools = [_vehicle(ids, rng, n) for n in range(rng.randint(1, 4))]
    for n in range(rng.randint(0, 2)):
        occlusion = _answer(ids, "Pedestrian / Occlusion", rng.choice(["Fully visible", "Mostly occluded"]))
        tools.append(
            {
                "schemaId": ids["Pedestrian"],
                "objectId": f"p{n}",
                "title": "Pedestrian",
                "bounding-box": {"x": 40 * n, "y": 500, "width": 30, "height": 90},
                "classifications": [occlusion, _answer(ids, "Pedestrian / Activity", "Walking")],
            }
        )
    if i % 4 == 0:  # wheel contact points on a few frames: the proposal removes the tool
        wheel = _answer(ids, "Wheel contact point / Wheel", rng.choice(["Front left", "Rear right"]))
        tools.append(
            {
                "schemaId": ids["Wheel contact point"],
                "objectId": "w0",
                "title": "Wheel contact point",
                "point": [rng.randint(0, 1900), 880],
                "classifications": [wheel],
            }
        )
    scene = rng.choice(
        ["Scene type / Urban / Downtown / Intersection", "Scene type / Highway / Motorway / Main lanes"]
    )
    classifications = [
        _answer(ids, "Scene type", ids[scene]),
        _answer(ids, "Weather", rng.choice(["Clear", "Clear", "Cloudy", "Rain"])),
        _answer(ids, "Frame usable", "Yes"),
    ]
    if i % 3:  # a third of the frames has no time of day: the proposal makes it required
        classifications.append(_answer(ids, "Time of day", rng.choice(["Day", "Dusk"])))
    relations = []
    if len(tools) > 1 and i % 5 == 0:
        towed = tools[1]["objectId"]
        relations.append({"schemaId": ids["Towing"], "title": "Towing", "from": "v0", "to": towed})
    return {
        "asset": f"https://example.com/dashcam/frame-{i:03d}.jpg",
        "externalId": f"frame-{i:03d}",
        "metadata": {"camera": "front", "drive": f"drive-{i // 12 + 1}"},
        "batches": ["Pilot" if i < 24 else "Calibration"],
        "task": {
            "stage": "Complete" if i % 3 else "Labeling",
            "tools": tools,
            "classifications": classifications,
            "relations": relations,
        },
    }


def generate() -> bytes:
    """The NDJSON file's bytes."""
    ids, rng = _ids(), random.Random(20261130)
    return b"".join(orjson.dumps(_task(ids, rng, i)) + b"\n" for i in range(TASKS))


if __name__ == "__main__":
    sys.stdout.buffer.write(generate())
