"""Small text helpers shared by the rules, the diagnostics and the views."""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = ["MAX_VALUE_DEPTH", "bounded", "did_you_mean", "normalize_title", "one_line", "text_of"]

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: How deep a value read from a hub may be nested where a plan shows it; deeper parts are elided.
MAX_VALUE_DEPTH = 8
_ELIDED = "…"


def did_you_mean(word: str, choices: Iterable[object]) -> str | None:
    """``"did you mean 'x'?"`` for the closest of ``choices``, or None."""
    found = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean {found[0]!r}?" if found else None


def normalize_title(title: str) -> str:
    """The form two titles are compared in: NFKC, case-folded, whitespace collapsed.

    "Car", "car ", "Ｃａｒ" and "C\u0061r" all normalize alike, so they count as duplicates.
    """
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


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


def bounded(value: Any, depth: int = MAX_VALUE_DEPTH) -> Any:
    """``value`` (JSON data) with containers nested deeper than ``depth`` replaced by ``"…"``.

    A hub may answer with values nested a thousand levels deep; a plan holds them bounded, so that
    every view, the plan file and the digest handle them without deep recursion. Shallow values come
    back as they are (the same object).
    """
    if not isinstance(value, (dict, list, tuple)):
        return value
    if depth <= 0:
        return _ELIDED
    if isinstance(value, dict):
        items = {k: bounded(v, depth - 1) for k, v in value.items()}
        return value if all(items[k] is v for k, v in value.items()) else items
    elements = [bounded(v, depth - 1) for v in value]
    return value if all(a is b for a, b in zip(elements, value, strict=True)) else elements


def text_of(value: Any) -> str:
    """A value read from a hub where text is expected (a title, an id): itself when it is a string,
    else its JSON text, bounded (``["a", ["…"]]``)."""
    if isinstance(value, str):
        return value
    return json.dumps(bounded(value), ensure_ascii=False, default=str)
