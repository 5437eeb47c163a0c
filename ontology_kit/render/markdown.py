"""The Markdown rendering of a plan, for pull-request comments.

Layout: a title, a summary table (one row per project, ontology file or workspace, the first column
headed by what its rows are), a ``> [!CAUTION]`` block listing the destructive changes, a
``> [!IMPORTANT]`` block listing the breaking-export ones, a ``> [!NOTE]`` block listing the
data-dependent ones (each with its count, first reason and hint: a probable rename says how to keep
the annotations), a ``> [!TIP]`` block with the hints of the other changes, a ``> [!NOTE]`` block
with the migrations of answers, a ``> [!WARNING]`` block with the plans' warnings, then each
project's text rendering in a collapsed ``<details>`` block, as a ```diff block so GitHub colors the
lines. Only those long lists collapse: what a reviewer must see is above them.

Every user text (titles, values, file names, paths, hints) is escaped for where it goes
(``escape.py``): no title can make a link, a cell, raw HTML or a mention, or close the ``<details>``.

The whole comment stays within ``limit`` characters (GitHub refuses comments over 65,536): when the
details are too long, their middle is cut (the beginning and end stay) and a line says how many
lines were left out. The title, table and caution block are never cut; only in a plan with hundreds
of destructive changes does the caution block list the first ones and then count the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from ..plan.model import Action, Affected, Change, Impact, Plan, ProjectPlan, Subject
from .escape import fence, html_text, md_code, md_prose, md_text
from .text import project_lines
from .values import affected_words, counted, migration_headline, plan_sentence, project_heading

__all__ = ["GITHUB_COMMENT_LIMIT", "render_markdown"]

GITHUB_COMMENT_LIMIT = 65536
_COLUMNS = (
    "create",
    "update",
    "delete",
    "move",
    "reorder",
    "destructive",
    "breaking_export",
    "data_dependent",
)
_CUT_NOTE = "\n\n… (truncated: run ontokit plan locally for the full plan)\n"

Section = tuple[str, list[str]]  # (the <summary> text, the project's diff lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _touched(changes: Sequence[Change]) -> str:
    """The table's last cell: the annotations the changes touch, or a dash when none was counted."""
    total = Affected.total(changes)
    return "–" if total is None else counted(total)


def _subjects(plan: Plan) -> list[Subject]:
    """What the rows are, in a fixed order: ``project``, ``ontology file``, ``workspace``."""
    present = {p.subject for p in plan.projects}
    return [s for s in get_args(Subject) if s in present] or ["project"]


def _row_name(p: ProjectPlan, mixed: bool) -> str:
    # a diff's block has a label and no project id: a file, not a project to create
    name = md_text(p.name) if p.label else md_text(p.name) + ("" if p.project_id else " (new)")
    return f"{p.subject} {name}" if mixed else name


def _table(plan: Plan) -> list[str]:
    # A plan against a hub has counts; a diff has them only when counted on a hub (`diff --hub`).
    counts = plan.kind == "plan" or any(c.affected is not None for c in plan.changes)
    subjects = _subjects(plan)
    header = (
        f"| {' / '.join(subjects)} | create | update | delete | move | reorder | destructive "
        "| breaking-export | data-dependent |" + (" annotations touched |" if counts else "")
    )
    lines = [header, "| --- " + "| ---: " * (len(_COLUMNS) + counts) + "|"]
    for p in plan.projects:
        n = p.summary().as_dict()
        cells = [str(n[k]) for k in _COLUMNS] + ([_touched(p.changes)] if counts else [])
        lines.append(f"| {_row_name(p, len(subjects) > 1)} | " + " | ".join(cells) + " |")
    if len(plan.projects) > 1:
        n = plan.summary().as_dict()
        cells = [f"**{n[k]}**" for k in _COLUMNS] + ([f"**{_touched(plan.changes)}**"] if counts else [])
        lines.append("| **total** | " + " | ".join(cells) + " |")
    return lines


def _capped(items: Sequence[str], budget: int, rest: str) -> list[str]:
    """``items`` while they fit in ``budget`` characters, then one line counting the rest."""
    out: list[str] = []
    used = 0
    for i, item in enumerate(items):
        used += len(item) + 1
        if used > budget:
            return [*out, f"> - … and {len(items) - i} more {rest}"]
        out.append(item)
    return out


#: The alert, the noun and what it does, of the impacts listed above the details.
_BLOCKS = {
    Impact.DESTRUCTIVE: ("CAUTION", "destructive change", "would orphan existing annotations"),
    Impact.BREAKING_EXPORT: (
        "IMPORTANT",
        "breaking-export change",
        "would change what exports read (annotations are kept)",
    ),
    Impact.DATA_DEPENDENT: ("NOTE", "data-dependent change", "depend on the annotations that exist"),
}


def _item(plan: Plan, p: ProjectPlan, c: Change) -> str:
    """One change in a list above the details: what, where, its count, its first reason, its hint."""
    where = f"**{md_text(p.name)}**: " if len(plan.projects) > 1 else ""
    why = f": {md_prose(c.reasons[0])}" if c.reasons else ""
    words = affected_words(c)
    count = f" (**{md_text(words)}**)" if words else ""
    hint = f"\n>   - hint: {md_prose(c.hint)}" if c.hint else ""  # a bullet under the item
    return f"> - {where}{c.action.value} {md_text(c.kind)} {md_code(c.path)}{count}{why}{hint}"


def _impact_block(plan: Plan, impact: Impact, budget: int) -> list[str]:
    found = [(p, c) for p, c in plan.at_least(impact) if c.impact is impact]
    if not found:
        return []
    alert, noun, does = _BLOCKS[impact]
    items = [_item(plan, p, c) for p, c in found]
    n = len(found)
    title = f"> **{_plural(n, noun)}** {does}:"
    return [f"> [!{alert}]", title, ">", *_capped(items, budget, f"{noun}s (see the details below)"), ""]


def _hints(plan: Plan, budget: int) -> list[str]:
    """A ``> [!TIP]`` block with the hints of the changes no block above lists (a safe change's)."""
    found = [(p, c) for p, c in plan.at_least(None) if c.hint and c.impact not in _BLOCKS]
    if not found:
        return []
    items = [_item(plan, p, c) for p, c in found]
    return ["> [!TIP]", *_capped(items, budget, "hints (see the details below)"), ""]


def _migrations(plan: Plan, budget: int) -> list[str]:
    """A ``> [!NOTE]`` block with each migration of answers and what it carries, outside the
    collapsed details: a reviewer sees where the answers go without opening anything."""
    found = [(p, c) for p, c in plan.at_least(None) if c.action is Action.MIGRATE]
    if not found:
        return []
    many = len(plan.projects) > 1
    items = []
    for p, c in found:
        where = f"**{md_text(p.name)}**: " if many else ""
        words = affected_words(c)
        count = f" (**{md_text(words)}**)" if words else ""
        sources = f" from {md_text(', '.join(str(s) for s in c.before or ()))}" if c.after is not None else ""
        items.append(f"> - {where}{md_text(migration_headline(c))}{sources}{count}")
    title = f"> **{_plural(len(found), 'migration')} of answers** (apply backs every answer up first):"
    return ["> [!NOTE]", title, ">", *_capped(items, budget, "migrations (see the details below)"), ""]


def _warnings(plan: Plan, budget: int) -> list[str]:
    many = len(plan.projects) > 1
    items = [
        f"> - {f'**{md_text(p.name)}**: ' if many else ''}{md_text(w)}"
        for p in plan.projects
        for w in (
            *p.warnings,
            *(f"cannot apply: {b}" for b in p.blocked),
            *((f"annotations not counted: {p.uncounted}",) if p.uncounted else ()),
        )
    ]
    if not items:
        return []
    return ["> [!WARNING]", *_capped(items, budget, "warnings (see the details below)"), ""]


def _head(plan: Plan, limit: int) -> str:
    status = plan_sentence(plan.changes, plan.kind)
    status = f"**{status}**" if plan.has_changes else status
    title, where = ("ontokit diff", "Compared") if plan.kind == "diff" else ("ontokit plan", "Hub")
    lines = [f"### {title}", "", f"{where}: {md_code(plan.hub)}", "", status, "", *_table(plan), ""]
    lines += _impact_block(plan, Impact.DESTRUCTIVE, limit // 2)
    lines += _impact_block(plan, Impact.BREAKING_EXPORT, limit // 4)
    warnings = _warnings(plan, limit // 8)
    # where the agreed limit is so small that the details would not show, the details' own lines
    # say the same: these blocks are left out rather than the details
    for block in (
        _impact_block(plan, Impact.DATA_DEPENDENT, limit // 16),
        _hints(plan, limit // 16),
        _migrations(plan, limit // 16),
    ):
        if sum(len(line) + 1 for line in (*lines, *warnings, *block)) <= limit * 0.8:
            lines += block
    lines += warnings
    return "\n".join(lines) + "\n"


def _sections(plan: Plan) -> list[Section]:
    out = []
    for p in plan.projects:
        sentence = plan_sentence(p.changes).removeprefix("Plan: ") if p.changes else "no changes."
        summary = html_text(f"{project_heading(p)}: {sentence}")
        out.append((summary, project_lines(p, gutter=True)))
    return out


def _marker(omitted: int) -> str:
    return f"… {_plural(omitted, 'line')} omitted (run ontokit plan locally for the full plan) …"


def _block(summary: str, lines: list[str]) -> str:
    body = fence(lines, "diff")
    return "\n".join([f"<details><summary>{summary}</summary>", "", *body, "", "</details>", ""])


def _details(sections: list[Section], keep: int) -> str:
    """The details blocks with only the first ``ceil(keep / 2)`` and last ``floor(keep / 2)`` of all
    their lines (all of them when ``keep`` is their number); blocks left empty are left out."""
    total = sum(len(lines) for _, lines in sections)
    head = (keep + 1) // 2
    tail_from = total - (keep - head)
    omitted = total - keep
    if keep == 0:
        return f"_{_marker(omitted)}_\n" if omitted else ""
    out = []
    start = 0
    for summary, lines in sections:
        end = start + len(lines)
        body = lines[: max(0, min(end, head) - start)]
        if omitted and start < head <= end:
            body.append(_marker(omitted))
        if end > tail_from:
            body += lines[max(start, tail_from) - start :]
        if body:
            out.append(_block(summary, body))
        start = end
    return "\n".join(out)


def render_markdown(plan: Plan, *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """The plan as a Markdown pull-request comment of at most ``limit`` characters."""
    head = _head(plan, limit)
    sections = _sections(plan)
    total = sum(len(lines) for _, lines in sections)
    doc = head + _details(sections, total)
    if len(doc) <= limit:
        return doc
    if len(head + _details(sections, 0)) > limit:  # a limit too small for the summary itself
        return (head[: max(0, limit - len(_CUT_NOTE))].rstrip() + _CUT_NOTE)[:limit]
    low, high = 0, total - 1  # the most lines that fit: the length grows with the lines kept
    while low < high:
        mid = (low + high + 1) // 2
        if len(head) + len(_details(sections, mid)) <= limit:
            low = mid
        else:
            high = mid - 1
    return head + _details(sections, low)
