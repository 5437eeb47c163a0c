"""User text made safe for the places GitHub renders it: every Markdown and Mermaid view escapes here.

A title, an option value, a file name, a path or a hint is text, never markup: whatever it holds, it
shows as written and changes nothing around it. Each context has its own escape:

- :func:`md_text`: inline Markdown (paragraphs, list items, headings, table cells): every character
  Markdown or a GFM table reads is backslash-escaped, so no emphasis, link, raw HTML, cell or math;
- :func:`md_prose`: a sentence ontokit wrote (a reason, a hint, a message) around user text: its
  paired backticks are code spans (`schemaId: a`), each piece escaped as :func:`md_text` or
  :func:`md_code`, so the hint reads as the terminal shows it and a title inside it is still text;
- :func:`md_code`: an inline code span that no backtick in the text can close (``table``: a ``|``
  escaped too, since a GFM table splits cells before it reads code spans);
- :func:`html_text`: text inside raw HTML (``<summary>``), where Markdown is not read: HTML entities;
- :func:`fence`: a fenced code block whose fence no line of its body can close;
- :func:`mermaid_label`: the text of a quoted Mermaid label: every character but letters, digits and a
  few plain punctuation marks as a ``#<code point>;`` entity (Mermaid's own escape), so that no quote,
  directive (``%%{init}%%``), bracket, HTML or backtick survives, and long text is cut. A word
  joiner also follows each backslash: in a label holding HTML (``<br/>``), Mermaid reads the ``\n``
  that ``one_line`` writes for a newline as a line break.

Every one of them passes the text through ``one_line`` first (a newline or an escape sequence is
shown escaped, never obeyed), and breaks ``@name`` so that a title never notifies anyone on GitHub: a
word joiner (U+2060, invisible) follows the ``@``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Final

from .._text import one_line

__all__ = [
    "MENTION_BREAK",
    "MERMAID_LABEL_CHARS",
    "fence",
    "html_text",
    "md_code",
    "md_prose",
    "md_text",
    "mermaid_label",
]

#: Put after an ``@`` that starts a word: GitHub's mentions need a name character right after it.
MENTION_BREAK: Final = "\u2060"
#: The longest label a diagram draws, in characters of text (the rest is cut with ``…``): Mermaid
#: refuses a whole diagram over 50,000 characters, and a long label makes an unreadable node.
MERMAID_LABEL_CHARS: Final = 80

_MENTION = re.compile(r"@(?=[0-9A-Za-z])")
#: Everything inline Markdown, GFM tables, strikethrough and GitHub's math read (no link or image can
#: start without ``[`` or ``<``, so parentheses and ``!`` stay as they are).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$])")
_BACKTICKS = re.compile("`+")
#: Characters a Mermaid label keeps as they are; any other is written as ``#<code point>;``. ``:``,
#: ``;`` and ``#`` are not kept: Mermaid rewrites ``style …:…#…;`` lines and reads ``#…;`` as entities.
_MERMAID_PLAIN: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_/'?!")


def _unmention(text: str) -> str:
    return _MENTION.sub("@" + MENTION_BREAK, text) if "@" in text else text


def md_text(text: object) -> str:
    """``text`` as inline Markdown that shows it as written: one line, punctuation escaped."""
    return _unmention(_MD_SPECIAL.sub(r"\\\1", one_line(text)))


def md_prose(text: object) -> str:
    """A sentence of ontokit's in inline Markdown: the text between paired backticks as code spans,
    the rest as :func:`md_text`. With an odd number of backticks (a title holding one), no pairing
    is trusted and the whole sentence is :func:`md_text`: every piece is escaped either way."""
    s = one_line(text)
    pieces = s.split("`")
    if len(pieces) % 2 == 0:
        return md_text(s)
    return "".join(md_code(p) if i % 2 and p else md_text(p) for i, p in enumerate(pieces))


def md_code(text: object, *, table: bool = False) -> str:
    """An inline code span holding ``text`` whatever backticks it contains (``table``: inside a GFM
    table cell, where a ``|`` must be escaped even in code)."""
    s = one_line(text)
    ticks = max((len(run) for run in _BACKTICKS.findall(s)), default=0)
    fence_ = "`" * (ticks + 1)
    # a span of spaces only is shown as it is; any other loses one space at each end when both have one
    pad = " " if s.strip(" ") and (ticks or s.startswith(" ") or s.endswith(" ")) else ""
    if table:
        s = s.replace("|", "\\|")
    return f"{fence_}{pad}{s}{pad}{fence_}"


def html_text(text: object) -> str:
    """``text`` inside raw HTML (a ``<summary>``): one line, ``<``, ``>`` and ``&`` as entities (quotes need
    none outside an attribute)."""
    return _unmention(html.escape(one_line(text), quote=False))


def fence(lines: Sequence[str], info: str = "") -> list[str]:
    """``lines`` as a fenced code block (``info``: its language) that no line of it can close: the
    fence is longer than any run of backticks in the body."""
    ticks = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    mark = "`" * max(3, ticks + 1)
    return [f"{mark}{info}", *lines, mark]


def mermaid_label(text: object, limit: int = MERMAID_LABEL_CHARS) -> str:
    """``text`` for a double-quoted Mermaid label (``["…"]``): one line, at most ``limit`` characters
    (then ``…``), and only letters, digits, spaces and ``.,-_/'?!`` as they are; every other character
    as ``#<code point>;``, which Mermaid shows as that character (and an invisible word joiner after
    each backslash, which Mermaid would otherwise read with the next letter)."""
    s = one_line(text)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    s = s.replace("\\", "\\" + MENTION_BREAK)
    return "".join(
        c if c in _MERMAID_PLAIN or (c.isalnum() and c.isprintable()) else f"#{ord(c)};" for c in s
    )
