"""The YAML parsers' errors in plain words, with a hint and the position of the cause.

A parser says what it expected where it stopped ("while parsing a block collection, did not find
expected '-' indicator"); a user needs what is wrong with the line ("this line is not indented like
the items of the list above it") and how to fix it. Each class of parser error (the reader's, and
ruamel.yaml's, which ``fmt`` uses) is one :data:`EXPLANATIONS` entry, matched by its wording; a
class whose cause sits before the place the parser stopped (an unclosed quote, a key without a
colon) moves the position there.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

__all__ = ["EXPLANATIONS", "Explained", "Explanation", "explain", "yaml_lines"]


class Explanation(NamedTuple):
    """One class of parser error: its wording (a regular expression), a message and a hint (both may
    name the groups of the match: ``{0}``, ``{1}``), and where its cause is (``at``)."""

    pattern: str
    message: str
    hint: str
    at: str = "here"  # here | quote (the unclosed quote before) | keyless (the line before without `:`)


EXPLANATIONS: Final[tuple[Explanation, ...]] = (
    Explanation(
        r"found character '(?:\\t|\t)'|tabs disallowed",
        "a tab is used for indentation; YAML indents with spaces only",
        "replace the tab with spaces (set your editor to insert spaces for Tab in YAML)",
    ),
    Explanation(
        r'found duplicate key "([^"]*)"|duplicate mapping key',
        "a key appears twice in this mapping",
        "keep one of them: YAML would silently keep only one",
    ),
    Explanation(
        r"did not find expected '-' indicator|expected <block end>, but found '-'",
        "this line is not indented like the items of the list above it",
        "line it up with the fields of the item above (each list item starts with `- `; the fields of "
        "an item line up under its first field)",
    ),
    Explanation(
        r"block mapping, did not find expected key|expected <block end>, but found",
        "this line does not continue the mapping above it (wrong indentation, or text after a value)",
        "line its key up with the keys above it, and start a list item with `- `",
    ),
    Explanation(
        r"mapping values are not allowed",
        "a second `: ` on one line: YAML reads it as a key inside a value",
        'quote a value that holds ": " (title: "Car: big"), or move the key to its own line',
    ),
    Explanation(
        r"simple key expect(?: ':'|ed)|could not find expected ':'",
        "a key without a `:` (or a line that continues the line above it)",
        "write `key: value`, with a space after the colon; quote a value that runs over several lines",
        "keyless",
    ),
    Explanation(
        r"unknown anchor|found undefined alias",
        "an alias (`*name`) refers to an anchor that is not defined before it",
        "define the anchor first (`&name` on the value to reuse), or use optionSets for shared options",
    ),
    Explanation(
        r"multiline quoted scalar|found unexpected end of stream|while scanning a quoted scalar",
        "a quoted value is not closed",
        "close the quote on the same line (a value in quotes that spans lines must be indented)",
        "quote",
    ),
    Explanation(
        r"unclosed bracket '\['|expected ',' or '\]', but got '<stream end>'",
        "a `[` list is not closed",
        "close it with `]` (or write the list in block style, one `- item` a line)",
    ),
    Explanation(
        r"unclosed bracket '\{'|expected ',' or '}', but got '<stream end>'",
        "a `{` mapping is not closed",
        "close it with `}` (or write the mapping in block style, one `key: value` a line)",
    ),
    Explanation(
        r"mismatched bracket '(.)' closed by '(.)'",
        "a `{0}` is closed by `{1}`",
        "close `[` with `]` and `{` with `}`",
    ),
    Explanation(
        r"expected ',' or '[\]}]'|flow sequence|flow mapping",
        "a `[...]` or `{...}` is not well-formed: items are separated by one comma",
        'separate the items with ", "; quote an item that holds ": ", "," or a bracket',
    ),
    Explanation(
        r"unexpected character: `(.)'|found character '(.)' that cannot start any token",
        "a plain value cannot start with `{0}`",
        'quote the value (title: "{0}...")',
    ),
    Explanation(
        r"unknown escape character|found unknown escape",
        "an unknown escape (`\\`) in a double-quoted value",
        r"use single quotes to keep backslashes as they are, or write \\ for one backslash",
    ),
    Explanation(
        r"scanning an anchor or alias|expected alphabetic or numeric character",
        "`&` or `*` is not followed by a name",
        'quote a value that starts with & or * (title: "& more")',
    ),
    Explanation(
        r"trailing content after (?:double|single)-quoted scalar",
        "text after a closing quote",
        "quote the whole value (title: \"Car 'big'\"), or remove what follows the quote",
    ),
    Explanation(
        r"Invalid tag: '([^']*)'|could not determine a constructor for the tag '([^']*)'",
        "a tag ontokit does not read: `{0}`",
        "remove the tag; quote a value that starts with !",
    ),
    Explanation(
        r"block scalar, did not find expected comment or line break|expected chomping or indentation",
        "text after `|` or `>` on the same line",
        "a `|` or `>` value starts on the next line; quote a value that starts with | or >",
    ),
    Explanation(
        r"misplaced bracket",
        "a `]` or `}` that closes nothing",
        "remove it, or quote the value that holds it",
    ),
    Explanation(
        r"invalid indentation in flow construct",
        "a `[...]` or `{...}` that spans lines is indented no more than its key",
        "indent its continuation lines more than the key, or write it on one line",
    ),
    Explanation(
        r"unclosed quote",
        "a quoted value is not closed",
        "close the quote on the same line (a value in quotes that spans lines must be indented)",
        "quote",
    ),
    Explanation(
        r"^invalid indentation$",
        "this line's indentation does not fit the lines around it",
        "indent with spaces; the items of one list or mapping start at the same column",
    ),
    Explanation(
        r"unexpected EOF while parsing a block",
        "the file ends in the middle of a value",
        "check the last lines: an unclosed quote or bracket, or a key without its value",
    ),
    Explanation(
        r'"-" is only valid inside a block|block sequence entries are not allowed',
        "a `- ` list item where a value is expected",
        "start the list on the line below its key (`key:`, then `  - item`), or quote a value that starts "
        "with -",
    ),
    Explanation(
        r"scanning a directive|document end marker before directive",
        "a line that starts with `%` is read as a YAML directive",
        "quote a value that starts with %",
    ),
    Explanation(
        r"illegal placement of '(.)' indicator",
        "`{0}` is not allowed here",
        "quote the value that holds {0}",
    ),
    Explanation(
        r"comments must be separated from other tokens by whitespace",
        "a `#` right after a value",
        "put a space before # to start a comment, or quote a value that holds #",
    ),
    Explanation(
        r"'(.)' must be followed by a valid YAML whitespace|^expected whitespace",
        "an indicator without the space that must follow it",
        "write `key: value` and `- item` with a space after `:` and `-`; quote a value that holds them",
    ),
    Explanation(
        r"scanning a tag|parsing a tag",
        "a value that starts with `!` is read as a tag",
        "quote a value that starts with !",
    ),
    Explanation(
        r"mapping keys are not allowed",
        "a key where a value is expected",
        'quote a value that holds ": " or starts with ?',
    ),
    Explanation(
        r"unhashable type",
        "a list or a mapping used as a key",
        "keys are words; quote a key that starts with [ or {",
    ),
    Explanation(
        r"plain scalar cannot start with '(.)'",
        "a plain value cannot start with `{0}`",
        'quote the value (title: "{0}...")',
    ),
    Explanation(
        r"comment intercepting the multiline text",
        "a comment inside a value that spans lines",
        "quote the value, or move the comment out of it",
    ),
    Explanation(
        r"expected '?<document start>",
        "this line is indented less than the start of the document",
        "start the top-level keys in the first column, and indent what belongs to them",
    ),
    Explanation(
        r"did not find the expected key|expected (?:the )?node content",
        "this line does not fit the structure around it",
        "check the indentation and the `- ` of list items on this line and the line above",
    ),
)

_COMPILED: Final = tuple((re.compile(e.pattern), e) for e in EXPLANATIONS)


class Explained(NamedTuple):
    """A parser error in plain words, and the position of its cause (1-based)."""

    message: str
    hint: str
    line: int
    column: int
    known: bool = True  # False: a class of error not in EXPLANATIONS (the parser's words, kept)


def explain(reason: str, text: str, line: int, column: int) -> Explained:
    """``reason`` (the parser's last line) about ``text`` at ``line``:``column``, in plain words."""
    for pattern, entry in _COMPILED:
        found = pattern.search(reason)
        if found is None:
            continue
        groups = [g for g in found.groups() if g is not None]
        message, hint = entry.message, entry.hint
        for number, group in enumerate(groups):  # not str.format: the texts hold { and }
            message, hint = message.replace(f"{{{number}}}", group), hint.replace(f"{{{number}}}", group)
        if entry.at == "quote":
            line, column = _open_quote(text, line, column)
        elif entry.at == "keyless":
            line, column = _keyless(text, line, column)
        return Explained(message, hint, line, column)
    return Explained(
        f"the file is not valid YAML ({reason.rstrip('.')})",
        "check the indentation and the quoting on this line and the line above",
        line,
        column,
        known=False,
    )


_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")


def yaml_lines(text: str) -> list[str]:
    """``text``'s lines as YAML 1.2 and editors count them: only CRLF, LF and CR end a line
    (``str.splitlines`` also splits at U+2028, U+0085..., which would put a position lines too low)."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and not lines[-1] else lines


def _open_quote(text: str, line: int, column: int) -> tuple[int, int]:
    """The quote that opens the value the parser found unclosed: the last line at or before ``line``
    with an odd number of one kind of quote."""
    lines = yaml_lines(text)
    for number in range(min(line, len(lines)), 0, -1):
        content = lines[number - 1]
        for quote in ('"', "'"):
            if content.count(quote) % 2:
                return number, content.index(quote) + 1
    return line, column


def _keyless(text: str, line: int, column: int) -> tuple[int, int]:
    """A key without ``:``: the parser stops on the line after it; the last content line before
    ``line`` that holds no ``:`` is the one."""
    lines = yaml_lines(text)
    for number in range(min(line, len(lines) + 1) - 1, 0, -1):
        content = lines[number - 1]
        stripped = content.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if ":" not in stripped.lstrip("- "):
            return number, len(content) - len(content.lstrip(" -")) + 1
        break
    return line, column
