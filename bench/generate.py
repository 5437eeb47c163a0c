"""Deterministic generator of a large, valid ontology YAML file for the benchmarks.

The default shape is the one ``bench/run.py`` measures:

- 200 tools, cycling through every tool type;
- 8 nested radio classifications per tool, 5 options each (8,000 options);
- one top-level tree-dropdown with a 20 x 10 x 10 tree (2,000 leaves, 2,220 tree nodes);
- 3 relations, one per relation type.

The YAML is written the way a person writes it: block style, ``title:``/``type:`` mappings,
``options:`` lists of mappings with a stable ``key``, plain-string leaves in the tree. Nothing is
random: the same shape always gives byte-identical text.

Usage::

    python bench/generate.py -o big.yaml            # the benchmark file (~1.8 MB)
    python bench/generate.py -o small.yaml --small  # a realistic small file (10 tools)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["BIG", "SMALL", "Shape", "count_nodes", "generate", "main"]

TOOL_TYPES = (
    "bounding-box",
    "polygon",
    "segmentation",
    "polyline",
    "rotated-bounding-box",
    "point",
    "brush",
    "pct",
    "ner",
    "pdf",
)
RELATION_TYPES = ("one-to-one", "group", "one-to-many")

OBJECT_CLASSES = (
    "Car",
    "Truck",
    "Bus",
    "Motorcycle",
    "Bicycle",
    "Pedestrian",
    "Traffic Light",
    "Traffic Sign",
    "Trailer",
    "Tram",
    "Van",
    "Ambulance",
    "Fire Engine",
    "Police Car",
    "Kick Scooter",
    "Wheelchair User",
    "Animal",
    "Construction Vehicle",
    "Stroller",
    "Road Barrier",
)
SENSORS = (
    "front camera",
    "rear camera",
    "front-left camera",
    "front-right camera",
    "rear-left camera",
    "rear-right camera",
    "roof lidar",
    "bumper lidar",
    "thermal camera",
    "fisheye camera",
)

#: Attribute questions (nested radio classifications): title, stable key, then answer values.
ATTRIBUTES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Occlusion",
        (
            "Fully visible",
            "Partly occluded (under 40 %)",
            "Mostly occluded (40 to 80 %)",
            "Heavily occluded (over 80 %)",
            "Cannot tell",
        ),
    ),
    (
        "Truncation",
        (
            "Not truncated",
            "Truncated at the left edge",
            "Truncated at the right edge",
            "Truncated at the top edge",
            "Truncated at the bottom edge",
        ),
    ),
    ("Motion state", ("Parked", "Stopped in traffic", "Moving slowly", "Moving fast", "Unknown motion")),
    (
        "Lighting",
        (
            "Daylight",
            "Dusk or dawn",
            "Night with street lights",
            "Night without street lights",
            "Direct sun glare",
        ),
    ),
    ("Weather effect", ("Clear weather", "Rain on the lens", "Falling snow", "Fog or haze", "Road spray")),
    ("Orientation", ("Facing the camera", "Facing away", "Facing left", "Facing right", "Diagonal")),
    ("Image quality", ("Sharp", "Slight motion blur", "Strong motion blur", "Overexposed", "Underexposed")),
    ("Distance", ("Under 10 m", "10 to 30 m", "30 to 60 m", "60 to 100 m", "Over 100 m")),
    (
        "Lane",
        (
            "Ego lane",
            "Adjacent lane on the left",
            "Adjacent lane on the right",
            "Oncoming lane",
            "Off the road",
        ),
    ),
    ("Annotator confidence", ("Certain", "Likely", "Unsure", "Guess", "Needs a second review")),
    ("Apparent size", ("Tiny", "Small", "Medium", "Large", "Very large")),
    (
        "Reality check",
        (
            "Real object",
            "Reflection in glass",
            "Reflection in water",
            "Picture on a billboard",
            "Shadow only",
        ),
    ),
)

TREE_LEVEL_1 = (
    "Urban centre",
    "Suburban street",
    "Rural road",
    "Motorway",
    "Parking area",
    "Tunnel",
    "Bridge",
    "Construction zone",
    "Industrial estate",
    "Harbour",
    "Airport apron",
    "University campus",
    "Residential block",
    "Mountain pass",
    "Coastal road",
    "Desert road",
    "Forest track",
    "Toll plaza",
    "Border crossing",
    "Roundabout",
)
TREE_LEVEL_2 = (
    "Intersection",
    "Straight segment",
    "Sharp curve",
    "Merge lane",
    "Exit ramp",
    "Pedestrian crossing",
    "Bus stop",
    "Loading bay",
    "Level crossing",
    "Speed bump",
)
TREE_LEVEL_3 = (
    "Dry asphalt",
    "Wet asphalt",
    "Icy asphalt",
    "Cobblestones",
    "Gravel",
    "Packed snow",
    "Sand drifts",
    "Mud",
    "Standing water",
    "Fresh paint",
)

DESCRIPTION = "Driving scenes: objects per sensor, with attributes and scene context"

#: Shortcut keys Ango accepts; nested classifications of one tool use "1", "2", ...
_TOP_SHORTCUTS = tuple("abcdefghijk")
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ()%.'/-]*[A-Za-z0-9)%.]")
_YAML11_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


@dataclass(frozen=True)
class Shape:
    """How big an ontology to generate."""

    tools: int = 200
    classifications_per_tool: int = 8
    options_per_classification: int = 5
    tree: tuple[int, ...] = (20, 10, 10)
    relations: int = 3
    #: Pin a schemaId on every item and a color on every category, as `ontokit import` writes an
    #: ontology adopted from an existing project (random SDK ids that annotations depend on).
    pinned: bool = True


BIG = Shape()
SMALL = Shape(
    tools=10,
    classifications_per_tool=3,
    options_per_classification=4,
    tree=(4, 3, 3),
    relations=2,
    pinned=False,
)


def fake_id(*path: str) -> str:
    """A 32-hex id shaped like the SDK's uuid4().hex, but deterministic."""
    return hashlib.sha1("/".join(path).encode()).hexdigest()[:32]


def fake_color(*path: str) -> str:
    """A #RRGGBB color, deterministic."""
    return "#" + hashlib.sha1(("color/" + "/".join(path)).encode()).hexdigest()[:6].upper()


# -- YAML writing ---------------------------------------------------------------------------------
def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that is unambiguous in YAML 1.1 and 1.2, else quoted."""
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML11_WORDS and not text[0].isdigit():
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def slug(text: str) -> str:
    """A stable key for ``text``: lower case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Writer:
    """Collects indented lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# -- content ----------------------------------------------------------------------------------------
def tool_title(i: int) -> str:
    """The title of tool ``i``: an object class seen by a sensor (unique for i < 200)."""
    cls = OBJECT_CLASSES[i % len(OBJECT_CLASSES)]
    sensor = SENSORS[(i // len(OBJECT_CLASSES)) % len(SENSORS)]
    title = f"{cls} ({sensor})"
    rounds = i // (len(OBJECT_CLASSES) * len(SENSORS))
    return title if rounds == 0 else f"{title} {rounds + 1}"


def attributes_for(tool: int, count: int, options: int) -> Iterator[tuple[str, tuple[str, ...]]]:
    """``count`` attribute questions for one tool, starting at a tool-dependent offset."""
    for j in range(count):
        title, values = ATTRIBUTES[(tool + j) % len(ATTRIBUTES)]
        if j >= len(ATTRIBUTES):
            title = f"{title} {j // len(ATTRIBUTES) + 1}"
        extra = tuple(f"{values[-1]} {k + 2}" for k in range(max(0, options - len(values))))
        yield title, (values + extra)[:options]


def tree_titles(level: int, count: int) -> list[str]:
    """``count`` sibling titles for tree level ``level`` (0-based)."""
    pool = (TREE_LEVEL_1, TREE_LEVEL_2, TREE_LEVEL_3)[min(level, 2)]
    return [pool[k] if k < len(pool) else f"{pool[k % len(pool)]} {k // len(pool) + 1}" for k in range(count)]


def write_options(w: _Writer, indent: int, values: tuple[str, ...], pinned: tuple[str, ...] = ()) -> None:
    """An ``options:`` list of ``{value, key}`` mappings (with a ``schemaId`` when ``pinned``)."""
    w.line(indent, "options:")
    for value in values:
        w.line(indent + 2, f"- value: {scalar(value)}")
        w.line(indent + 4, f"key: {slug(value)}")
        if pinned:
            w.line(indent + 4, f"schemaId: {fake_id(*pinned, value)}")


def write_pins(w: _Writer, indent: int, shape: Shape, *path: str) -> None:
    """``schemaId`` and ``color`` of a category, when the shape pins them."""
    if shape.pinned:
        w.line(indent, f"schemaId: {fake_id(*path)}")
        w.line(indent, f'color: "{fake_color(*path)}"')


def write_tool(w: _Writer, i: int, shape: Shape) -> None:
    """One tool with its nested radio classifications."""
    w.line(2, f"- title: {scalar(tool_title(i))}")
    w.line(4, f"type: {TOOL_TYPES[i % len(TOOL_TYPES)]}")
    write_pins(w, 4, shape, tool_title(i))
    if i < len(_TOP_SHORTCUTS):
        w.line(4, f"shortcutKey: {scalar(_TOP_SHORTCUTS[i])}")
    if i % 4 == 0:
        w.line(4, "required: true")
    if shape.classifications_per_tool:
        w.line(4, "classifications:")
    for j, (title, values) in enumerate(
        attributes_for(i, shape.classifications_per_tool, shape.options_per_classification)
    ):
        w.line(6, f"- title: {scalar(title)}")
        w.line(8, f"key: {slug(title)}")
        w.line(8, "type: radio")
        w.line(8, "required: true")
        if j < 9:
            w.line(8, f'shortcutKey: "{j + 1}"')
        write_pins(w, 8, shape, tool_title(i), title)
        write_options(w, 8, values, (tool_title(i), title) if shape.pinned else ())


def write_tree(
    w: _Writer,
    indent: int,
    widths: tuple[int, ...],
    level: int = 0,
    pinned: bool = False,
    path: tuple[str, ...] = (),
) -> None:
    """Tree nodes: ``title`` + ``children`` for inner nodes, plain strings for leaves (mappings with a
    ``schemaId`` when ``pinned``)."""
    if not widths:
        return
    for title in tree_titles(level, widths[0]):
        if len(widths) == 1 and not pinned:
            w.line(indent, f"- {scalar(title)}")
            continue
        w.line(indent, f"- title: {scalar(title)}")
        if pinned:
            w.line(indent + 2, f"schemaId: {fake_id('tree', *path, title)}")
        if len(widths) > 1:
            w.line(indent + 2, "children:")
            write_tree(w, indent + 4, widths[1:], level + 1, pinned, (*path, title))


def write_classifications(w: _Writer, shape: Shape) -> None:
    """The top-level classifications: one tree-dropdown (when the shape has a tree)."""
    if not shape.tree:
        return
    w.line(0, "classifications:")
    w.line(2, "- title: Scene context")
    w.line(4, "key: scene-context")
    w.line(4, "type: tree-dropdown")
    w.line(4, "required: true")
    write_pins(w, 4, shape, "Scene context")
    w.line(4, "treeOptions:")
    write_tree(w, 6, shape.tree, pinned=shape.pinned)


def write_relations(w: _Writer, shape: Shape) -> None:
    """A few relations, one per relation type."""
    if not shape.relations:
        return
    w.line(0, "relations:")
    names = ("Same object across cameras", "Group of pedestrians", "Towing vehicle and trailer")
    for k in range(shape.relations):
        title = names[k] if k < len(names) else f"Relation {k + 1}"
        w.line(2, f"- title: {scalar(title)}")
        w.line(4, f"type: {RELATION_TYPES[k % len(RELATION_TYPES)]}")
        write_pins(w, 4, shape, "relation", title)


def generate(shape: Shape = BIG) -> str:
    """The ontology YAML text for ``shape`` (deterministic)."""
    w = _Writer()
    w.line(0, "# Generated by bench/generate.py for the ontokit benchmarks; do not edit by hand.")
    w.line(0, "version: 1")
    w.line(0, f"description: {scalar(DESCRIPTION)}")
    w.line(0, "tools:")
    for i in range(shape.tools):
        write_tool(w, i, shape)
    write_classifications(w, shape)
    write_relations(w, shape)
    return w.text()


# -- statistics -------------------------------------------------------------------------------------
def count_nodes(doc: dict[str, Any]) -> int:
    """Categories + options + tree nodes in a parsed ontology document."""
    total = 0
    stack: list[Any] = [c for name in ("tools", "classifications", "relations") for c in doc.get(name) or []]
    while stack:
        item = stack.pop()
        total += 1
        if isinstance(item, dict):
            total += len(item.get("options") or [])
            stack.extend(item.get("classifications") or [])
            stack.extend(item.get("treeOptions") or [])
            stack.extend(item.get("children") or [])
    return total


def main(argv: list[str] | None = None) -> int:
    """``python bench/generate.py -o FILE [--small]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", required=True, help="file to write ('-' for stdout)")
    parser.add_argument("--small", action="store_true", help="a small realistic file (10 tools)")
    args = parser.parse_args(argv)
    text = generate(SMALL if args.small else BIG)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}: {len(text.encode('utf-8')):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
