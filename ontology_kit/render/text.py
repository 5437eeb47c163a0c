"""The text rendering of a plan: Terraform-like, one line per change, destructive changes first.

Also home of the small helpers the other renderers share (counts, values, one-line text), so that
every format counts and spells things the same way. Nothing here prints or reads anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from ..plan.model import SENSITIVE, Action, AttributeChange, Change, Impact, Plan, ProjectPlan

__all__ = [
    "NO_CHANGES",
    "counts",
    "destructive",
    "format_value",
    "one_line",
    "plan_sentence",
    "project_heading",
    "project_lines",
    "render_text",
    "shown_values",
]

NO_CHANGES = "No changes. The hub matches the definitions."
_INDENT = "      "  # body lines under a change line
_ORDER_ITEMS = 8  # a reordered list longer than this is shown around the part that moved
_STYLE = {
    "+": {"fg": "green"},
    "-": {"fg": "red"},
    "~": {"fg": "yellow"},
    "→": {"fg": "cyan"},
    "↕": {"fg": "cyan"},
    Impact.DESTRUCTIVE: {"fg": "red", "bold": True},
    Impact.DATA_DEPENDENT: {"fg": "yellow"},
    "!": {"fg": "red", "bold": True},
}
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_GUTTER = {Action.CREATE: "+", Action.DELETE: "-"}  # for ```diff blocks; the other actions get "!"


# -- shared helpers -------------------------------------------------------------------------------
def counts(changes: Iterable[Change]) -> dict[str, int]:
    """Changes per action and per impact, under the JSON summary's keys (in its order)."""
    out = dict.fromkeys(
        ("create", "update", "delete", "move", "reorder", "destructive", "data_dependent", "safe"), 0
    )
    for c in changes:
        out[c.action.value] += 1
        out[c.impact.value.replace("-", "_")] += 1
    return out


def plan_sentence(changes: Sequence[Change], kind: str = "plan") -> str:
    """``Plan: 3 to add, 2 to change, … (1 destructive).``, or :data:`NO_CHANGES` (for a diff: ``No
    changes.``, since no hub is involved)."""
    if not changes:
        return NO_CHANGES if kind == "plan" else "No changes."
    n = counts(changes)
    text = (
        f"Plan: {n['create']} to add, {n['update']} to change, {n['delete']} to remove, "
        f"{n['move']} to move, {n['reorder']} to reorder"
    )
    risky = [f"{n['destructive']} destructive"] if n["destructive"] else []
    risky += [f"{n['data_dependent']} data-dependent"] if n["data_dependent"] else []
    return text + (f" ({', '.join(risky)})." if risky else ".")


def one_line(text: Any) -> str:
    """``text`` as one line: control characters (newlines, ESC, …) shown as escapes, never obeyed."""
    s = str(text)
    if s.isprintable():
        return s
    out = []
    for ch in s:
        if ch.isprintable():
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def format_value(value: Any) -> str:
    """A value as plans show it: strings in double quotes, ``null``, ``true``/``false``, lists, maps."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{one_line(k)}: {format_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=format_value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return one_line(value)


def shown_values(a: AttributeChange) -> tuple[Any, Any]:
    """An attribute's before and after as every format may show them: a sensitive value is
    :data:`SENSITIVE` whatever the plan holds (``None`` stays ``None``: no secret on that side)."""
    if not a.sensitive:
        return a.before, a.after
    return (None if a.before is None else SENSITIVE), (None if a.after is None else SENSITIVE)


def project_heading(p: ProjectPlan) -> str:
    """``Project "Cars" (p-1), from cars.yaml`` (or the plan's own label, for ``ontokit diff``)."""
    if p.label:
        return one_line(p.label)
    where = one_line(p.project_id or "new")
    return f"Project {format_value(p.name)} ({where}), from {one_line(p.definition)}"


def _style(text: str, key: Any, color: bool) -> str:
    if not color:
        return text
    import click  # only when colors are asked for: importing the renderers stays light

    return click.style(text, **_STYLE[key])


# -- one change -----------------------------------------------------------------------------------
def _headline(c: Change, color: bool, gutter: bool) -> str:
    symbol = c.action.symbol
    if gutter:  # ```diff: GitHub colors lines by their first character
        lead = f"{_GUTTER[c.action]}   " if c.action in _GUTTER else f"! {symbol} "
    else:
        lead = f"  {_style(symbol, symbol, color)} "
    line = f"{lead}{_what(c)}"
    if c.nested:
        line += f" (+{c.nested} nested)"
    if c.impact is not Impact.SAFE:
        line += " " + _style(f"[{c.impact.value}]", c.impact, color)
    return line


def _what(c: Change) -> str:
    """``tool Vehicle``; ``Vehicle › Kind › option "Truck"`` (the breadcrumb already names the kind)."""
    last = c.address[-1] if c.address else ""
    if last.startswith(f"{c.kind} "):
        return one_line(c.path)
    return f"{one_line(c.kind)} {one_line(c.path)}"


def _order_items(items: Any) -> list[str]:
    if not isinstance(items, (list, tuple)):
        return [format_value(items)]
    return [one_line(i) if isinstance(i, str) else format_value(i) for i in items]


def _window(items: list[str], start: int, stop: int) -> str:
    """``items[start:stop]``, what is left out counted: ``[… 3 unchanged, A, B, … 5 unchanged]``."""
    shown = items[start:stop]
    if len(shown) > _ORDER_ITEMS:
        half = _ORDER_ITEMS // 2
        shown = [*shown[:half], f"… {len(shown) - 2 * half} more", *shown[-half:]]
    if start:
        shown.insert(0, f"… {start} unchanged")
    if stop < len(items):
        shown.append(f"… {len(items) - stop} unchanged")
    return "[" + ", ".join(shown) + "]"


def _orders(before: Any, after: Any) -> tuple[str, str]:
    """The two orders of a reordered list; long ones cut to the part that differs."""
    old, new = _order_items(before), _order_items(after)
    if max(len(old), len(new)) <= _ORDER_ITEMS:
        return "[" + ", ".join(old) + "]", "[" + ", ".join(new) + "]"
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return _window(old, head, len(old) - tail), _window(new, head, len(new) - tail)


def _body(c: Change) -> list[str]:
    lines: list[str] = []
    if c.action is Action.MOVE:
        lines += [f"{_INDENT}from {one_line(c.before)}", f"{_INDENT}to   {one_line(c.after)}"]
    elif c.action is Action.REORDER:
        old, new = _orders(c.before, c.after)
        lines += [f"{_INDENT}before: {old}", f"{_INDENT}after:  {new}"]
    for a in c.attributes:
        before, after = shown_values(a)
        shown = [v if a.sensitive and v == SENSITIVE else format_value(v) for v in (before, after)]
        lines.append(f"{_INDENT}{one_line(a.name)}: {shown[0]} → {shown[1]}")
    lines += [f"{_INDENT}# why: {one_line(r)}" for r in c.reasons]
    if c.hint:
        lines.append(f"{_INDENT}hint: {one_line(c.hint)}")
    return lines


# -- a project, a plan ----------------------------------------------------------------------------
def project_lines(p: ProjectPlan, *, color: bool = False, gutter: bool = False) -> list[str]:
    """One project's block: heading, changes, unmanaged items, warnings. With ``gutter``, change lines
    start with ``+``, ``-`` or ``!`` (for Markdown ```diff blocks); ``color`` is ignored then."""
    color = color and not gutter
    heading = project_heading(p)
    if not (p.changes or p.unmanaged or p.warnings):
        return [f"{heading}: no changes."]
    lines = [f"{heading}:"]
    for c in p.changes:
        lines.append(_headline(c, color, gutter))
        lines += _body(c)
    if not p.changes:
        lines.append("  no changes")
    lines += [
        f"  unmanaged {one_line(u.kind)} {format_value(u.name)} (kept; not in the definition)"
        for u in p.unmanaged
    ]
    lines += [f"  warning: {one_line(w)}" for w in p.warnings]
    return lines


def destructive(plan: Plan) -> list[tuple[ProjectPlan, Change]]:
    """Every destructive change of the plan, with its project, in plan order."""
    return [(p, c) for p in plan.projects for c in p.changes if c.impact is Impact.DESTRUCTIVE]


def _warning_lines(plan: Plan, color: bool) -> list[str]:
    found = destructive(plan)
    if not found:
        return []
    many = len(plan.projects) > 1
    n = len(found)
    head = f"! {n} destructive change{'' if n == 1 else 's'} would orphan existing annotations:"
    lines = [_style(head, "!", color)]
    for p, c in found:
        where = f" (in {format_value(p.name)})" if many else ""
        why = f": {one_line(c.reasons[0])}" if c.reasons else ""
        symbol = _style(c.action.symbol, c.action.symbol, color)
        lines.append(f"  {symbol} {_what(c)}{where}{why}")
    return [*lines, ""]


def render_text(plan: Plan, *, color: bool = False) -> str:
    """The plan as terminal text (ends with a newline); ANSI colors only when ``color`` is true."""
    lines = [f"{'Compared' if plan.kind == 'diff' else 'Hub'}: {one_line(plan.hub)}", ""]
    lines += _warning_lines(plan, color)
    for p in plan.projects:
        lines += [*project_lines(p, color=color), ""]
    lines.append(plan_sentence(plan.changes, plan.kind))
    return "\n".join(lines) + "\n"
