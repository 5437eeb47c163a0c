"""Small text helpers shared by the rules and the diagnostics."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

__all__ = ["did_you_mean", "normalize_title"]


def did_you_mean(word: str, choices: Iterable[object]) -> str | None:
    """``"did you mean 'x'?"`` for the closest of ``choices``, or None."""
    found = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean {found[0]!r}?" if found else None


def normalize_title(title: str) -> str:
    """The form two titles are compared in: NFKC, case-folded, whitespace collapsed.

    "Car", "car ", "Ｃａｒ" and "C\u0061r" all normalize alike, so they count as duplicates.
    """
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())
