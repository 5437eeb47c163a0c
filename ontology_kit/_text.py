"""Small text helpers shared by the rules, the diagnostics and the views."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = ["did_you_mean", "normalize_title", "one_line"]

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


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
