"""Tombstones in plans: a category-schema item a plan removes leaves its schemaId in the existing
annotations, so the ontology should retire it (``retired:``, docs/format.md) in the same change,
and no later item may take it. Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from ..category_schema import named_path
from .model import Action, Change, ChangeKind

__all__ = ["unretired"]

#: The kinds of change whose item has a schemaId that annotations hold.
_ITEMS = frozenset(
    {
        ChangeKind.TOOL,
        ChangeKind.CLASSIFICATION,
        ChangeKind.RELATION,
        ChangeKind.OPTION,
        ChangeKind.TREE_OPTION,
    }
)


def unretired(changes: Sequence[Change], retired: Iterable[str]) -> list[str]:
    """A warning for each removed item whose schemaId the ontology does not retire, with the line to
    add (one per removed item: what goes with it is retired by its own id only if listed too)."""
    done = set(retired)
    out = []
    for c in changes:
        if c.action is not Action.DELETE or c.kind not in _ITEMS or not c.schema_id or c.schema_id in done:
            continue
        label = named_path(c.kind.value, c.address)
        sid, was = _flow_scalar(c.schema_id, plain=True), _flow_scalar(label, plain=False)
        out.append(
            f"{label} is removed: retire its schemaId in the ontology so that no later item takes it "
            f"(existing annotations hold it): `retired: [{{schemaId: {sid}, was: {was}}}]`"
        )
    return out


# A schemaId left plain only when YAML reads it back as this very string (never a number, a bool,
# null, or syntax); a hub's ids and pinned ones may hold anything.
_PLAIN_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*|[0-9a-f]*[a-df][0-9a-f]*")
_NOT_STRINGS = frozenset({"y", "yes", "n", "no", "on", "off", "true", "false", "null", "nan", "inf"})
# Printable in YAML, and never a line break: the line is pasted as is and stays one line.
_SAFE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")


def _flow_scalar(text: str, *, plain: bool) -> str:
    """``text`` as a one-line YAML flow scalar that reads back as itself: plain (ids), single-quoted
    (titles), or double-quoted with escapes when it holds a line break or a character YAML does not
    print."""
    if plain and _PLAIN_ID.fullmatch(text) and text.lower() not in _NOT_STRINGS:
        return text
    # Shown, a warning's line goes through one_line, which escapes what Python does not print (a
    # no-break space too): such text is double-quoted here, in ASCII, so the shown line still pastes.
    if text.isprintable() and _SAFE.fullmatch(text):
        return "'" + text.replace("'", "''") + "'"
    escaped = json.dumps(text)  # ASCII-only, so every other character is an escape YAML reads too
    return re.sub(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", _astral, escaped)


def _astral(m: re.Match[str]) -> str:
    # JSON spells a character beyond U+FFFF as a surrogate pair; YAML wants one \U escape.
    high, low = int(m.group(1), 16), int(m.group(2), 16)
    return f"\\U{0x10000 + (high - 0xD800) * 0x400 + (low - 0xDC00):08x}"
