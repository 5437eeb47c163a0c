"""Small text helpers shared by the rules, the diagnostics and the views."""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Final

__all__ = [
    "MAX_QUOTED",
    "MAX_VALUE_DEPTH",
    "bounded",
    "did_you_mean",
    "normalize_title",
    "one_line",
    "quoted",
    "strip_invisible",
    "suggest",
    "text_of",
]

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: How deep a value read from a hub may be nested where a plan shows it; deeper parts are elided.
MAX_VALUE_DEPTH = 8
_ELIDED = "…"
#: How many characters of a key or value read from a file a message quotes (the rest is elided).
MAX_QUOTED = 60


def did_you_mean(word: str, choices: Iterable[object]) -> str | None:
    """``"did you mean 'x'?"`` (or ``'x' or 'y'``) for the best of ``choices`` (:func:`suggest`), or
    None."""
    found = suggest(word, choices)
    if not found:
        return None
    shown = [repr(f) for f in found]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    return f"did you mean {listed}?"


def _parts(text: str) -> list[str]:
    return [p for p in re.split(r"[-_\s]+", text.casefold()) if p]


def suggest(word: str, choices: Iterable[object]) -> list[str]:
    """The choices ``word`` most likely meant, best first: the same name written otherwise
    (``Bounding_Box``), then the family it names (``dropdown``: ``multi-dropdown``,
    ``single-dropdown``, ``tree-dropdown``; ``box``: the box tools), then the one closest by spelling.
    A family is preferred to spelling: ``dropdown`` is closer by spelling to ``tree-dropdown`` alone."""
    options = list(dict.fromkeys(str(c) for c in choices))
    parts = _parts(word)
    if not parts:
        return []
    same = [c for c in options if _parts(c) == parts]
    if same:
        return same[:1]
    family = [c for c in options if len(_parts(c)) > len(parts) and _contains(_parts(c), parts)]
    if family:
        return family[:4]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:  # "complete" for "COMPLETED": spelling, whatever the case
        folded = {c.casefold(): c for c in reversed(options)}
        close = [folded[f] for f in difflib.get_close_matches(word.casefold(), folded, n=1, cutoff=0.6)]
    return close


def _contains(whole: list[str], parts: list[str]) -> bool:
    """Whether ``parts`` occur in ``whole`` as a run of whole words."""
    return any(whole[i : i + len(parts)] == parts for i in range(len(whole) - len(parts) + 1))


#: Characters that show nothing besides the format characters (category Cf: zero-width space and
#: joiners, bidi marks, soft hyphen, ...): the other default-ignorable code points (combining grapheme
#: joiner, Hangul fillers, Khmer inherent vowels, Mongolian variation selectors, variation selectors).
_INVISIBLE: Final = frozenset(
    chr(c)
    for c in (
        0x034F,
        0x115F,
        0x1160,
        0x17B4,
        0x17B5,
        0x3164,
        0xFFA0,
        *range(0x180B, 0x1810),
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    )
)


def strip_invisible(text: str) -> str:
    """``text`` without the characters that show nothing (format characters, Unicode category Cf,
    and the other default-ignorable code points)."""
    if text.isascii():  # the common case: no ASCII character is invisible (controls aside)
        return text
    return "".join(ch for ch in text if ch not in _INVISIBLE and unicodedata.category(ch) != "Cf")


def normalize_title(title: str) -> str:
    """The form two titles are compared in: invisible characters removed, NFKC, case-folded,
    whitespace collapsed.

    "Car", "car ", "Ｃａｒ", "C\u0061r" and "Ca\u200br" all normalize alike, so they count as
    duplicates; a title of invisible characters only normalizes to "".
    """
    return " ".join(unicodedata.normalize("NFKC", strip_invisible(title)).casefold().split())


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


def quoted(value: Any, limit: int = MAX_QUOTED) -> str:
    """``value`` quoted for a message: at most ``limit`` characters, escaped, in quotes (``'ab…'``).

    A message may quote a key or value of a file that turns out not to be ontokit's (a stray
    reference, a file of secrets): it shows a short, one-line, escaped piece, never the content.
    """
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + _ELIDED
    return repr(text)  # repr escapes every character that is not printable: one line, never obeyed


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
