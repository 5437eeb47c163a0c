"""The text rendering of a plan: Terraform-like, one line per change, destructive changes first.

Nothing here prints or reads anything; the helpers every view shares are in ``values.py``.
"""

from __future__ import annotations

from typing import Any

import click

from ..category_schema import named_path
from ..plan.model import SENSITIVE, Action, Change, Impact, Plan, ProjectPlan
from .values import (
    affected_words,
    format_value,
    migration_headline,
    one_line,
    plan_sentence,
    project_heading,
    shown_values,
)

__all__ = ["project_lines", "render_text"]

_INDENT = "      "  # body lines under a change line
_ORDER_ITEMS = 8  # a reordered list longer than this is shown around the part that moved
_STYLE: dict[Any, dict[str, Any]] = {
    "+": {"fg": "green"},
    "-": {"fg": "red"},
    "~": {"fg": "yellow"},
    "→": {"fg": "cyan"},
    "↕": {"fg": "cyan"},
    "»": {"fg": "cyan"},
    Impact.DESTRUCTIVE: {"fg": "red", "bold": True},
    Impact.BREAKING_EXPORT: {"fg": "magenta"},
    Impact.DATA_DEPENDENT: {"fg": "yellow"},
    "!": {"fg": "red", "bold": True},
}
_GUTTER = {Action.CREATE: "+", Action.DELETE: "-"}  # for ```diff blocks; the other actions get "!"


def _style(text: str, key: Any, color: bool) -> str:
    if not color:
        return text
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
    """``tool Vehicle``; ``Vehicle › Kind › option "Truck"`` (the breadcrumb already names the kind);
    ``migrations[0]: merge into …``."""
    if c.action is Action.MIGRATE:
        return one_line(migration_headline(c))
    return one_line(named_path(c.kind.value, c.address))


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
    words = affected_words(c)
    lines: list[str] = [f"{_INDENT}# {words}"] if words else []
    if c.action is Action.MOVE:
        lines += [f"{_INDENT}from {one_line(c.before)}", f"{_INDENT}to   {one_line(c.after)}"]
    elif c.action is Action.MIGRATE and c.after is not None:
        lines = [f"{_INDENT}from {one_line(s)}" for s in c.before or ()] + lines
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
    if p.uncounted:
        lines.append(f"  note: annotations not counted: {one_line(p.uncounted)}")
    lines += [f"  ! cannot apply: {one_line(b)}" for b in p.blocked]
    return lines


#: The impacts summed up at the top of a plan, each with what it does.
_HEADS = (
    (Impact.DESTRUCTIVE, "destructive change{s} would orphan existing annotations"),
    (Impact.BREAKING_EXPORT, "breaking-export change{s} would change what exports read (annotations kept)"),
)


def _warning_lines(plan: Plan, color: bool) -> list[str]:
    lines: list[str] = []
    for impact, what in _HEADS:
        lines += _impact_lines(plan, impact, what, color)
    return lines


def _impact_lines(plan: Plan, impact: Impact, what: str, color: bool) -> list[str]:
    found = [(p, c) for p, c in plan.at_least(impact) if c.impact is impact]
    if not found:
        return []
    many = len(plan.projects) > 1
    n = len(found)
    head = f"! {n} {what.format(s='' if n == 1 else 's')}:"
    lines = [_style(head, "!" if impact is Impact.DESTRUCTIVE else impact, color)]
    for p, c in found:
        where = f" (in {format_value(p.name)})" if many else ""
        why = f": {one_line(c.reasons[0])}" if c.reasons else ""
        words = affected_words(c)
        count = f" ({words})" if words else ""
        symbol = _style(c.action.symbol, c.action.symbol, color)
        lines.append(f"  {symbol} {_what(c)}{where}{count}{why}")
    return [*lines, ""]


def _blocked_lines(plan: Plan, color: bool) -> list[str]:
    blocked = plan.blocked
    if not blocked:
        return []
    many = len(plan.projects) > 1
    lines = [_style("! apply cannot carry out this plan on this hub:", "!", color)]
    lines += [
        f"  - {one_line(why)}" + (f" (in {format_value(p.name)})" if many else "") for p, why in blocked
    ]
    return [*lines, ""]


def render_text(plan: Plan, *, color: bool = False) -> str:
    """The plan as terminal text (ends with a newline); ANSI colors only when ``color`` is true."""
    lines = [f"{'Compared' if plan.kind == 'diff' else 'Hub'}: {one_line(plan.hub)}", ""]
    lines += _warning_lines(plan, color)
    lines += _blocked_lines(plan, color)
    for p in plan.projects:
        lines += [*project_lines(p, color=color), ""]
    lines.append(plan_sentence(plan.changes, plan.kind))
    return "\n".join(lines) + "\n"
