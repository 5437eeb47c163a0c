"""Read one YAML file safely: bounded size, strict UTF-8, YAML 1.2, no duplicate keys, bounded aliases.

Every hazard becomes a :class:`Diagnostic` with a stable code; nothing here raises on bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml_rs

from .._text import quoted
from ..codes import Code, Rule
from ..diagnostics import Diagnostic
from .depth import MAX_DEPTH, block_bound, deeper_than, depth_bound, first_too_deep, too_deep_to_parse
from .positions import PositionIndex, compose_all_count
from .syntax import explain, yaml_lines

__all__ = [
    "MAX_ALIAS_EVENTS",
    "MAX_FILE_BYTES",
    "RULES",
    "YAML_SUFFIXES",
    "LoadResult",
    "load_bytes",
    "load_text",
    "read_file",
]

#: The codes of reading a file and parsing its YAML, documented (docs/format.md, "Reading the file", "YAML").
RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "file-not-found",
        "the file does not exist",
        "the file must exist",
        "`ontokit validate ontolgy.yaml`",
        "`ontokit validate ontology.yaml`",
    ),
    Rule(
        "not-a-file",
        "the path is a directory or a special file",
        "a path to `compile` must be a regular file",
        "`ontokit compile examples/`",
        "`ontokit compile examples/ontologies/sdk-tree.yaml`",
    ),
    Rule(
        "file-unreadable",
        "the file cannot be read (permissions, I/O error)",
        "the file must be readable",
        "a file with mode `000`",
        "mode `644`",
    ),
    Rule(
        "file-too-large",
        "the file is larger than the 16 MiB limit",
        "at most 16 MiB",
        "a 20 MB generated file",
        "split it, or generate less",
    ),
    Rule(
        "no-files",
        "a folder given to validate holds no .yaml/.yml files",
        "a folder given to `validate` must hold `.yaml`/`.yml` files",
        "`ontokit validate docs/`",
        "`ontokit validate examples/ontologies`",
    ),
    Rule(
        "not-utf8",
        "the file is not valid UTF-8",
        "UTF-8 only",
        "a file saved as Latin-1 with `Café`",
        "the same, saved as UTF-8",
    ),
    Rule(
        "control-character",
        "the file contains a control character (NUL, ESC, ...)",
        "no NUL/ESC/...",
        '`title: "Car\\x00"` pasted from a binary',
        "`title: Car`",
    ),
    Rule(
        "yaml-syntax",
        "the file is not valid YAML",
        "valid YAML",
        "`tools: [`",
        "`tools: []`",
    ),
    Rule(
        "yaml-tab",
        "a tab is used for indentation",
        "indent with spaces",
        "`tools:⇥- title: Car`",
        "`tools:␣␣- title: Car`",
    ),
    Rule(
        "duplicate-key",
        "a key appears twice in one mapping",
        "a key once per mapping",
        "`title: Car` … `title: Truck` in one item",
        "one `title:`",
    ),
    Rule(
        "alias-limit",
        "aliases expand to too many nodes (an alias bomb)",
        "aliases expand to ≤ 100,000 nodes",
        "nested `&a [*b, *b, …]` bombs",
        "`optionSets`",
    ),
    Rule(
        "nesting-limit",
        "collections nest deeper than 256 levels",
        "nesting ≤ 256 levels",
        "`- - - … v` nested 100,000 levels",
        "nested classifications a few dozen levels deep",
    ),
    Rule(
        "empty-file",
        "the file holds no YAML document",
        "the file holds a document",
        "an empty file",
        "`tools: []`",
    ),
    Rule(
        "multiple-documents",
        "the file holds several YAML documents",
        "one document per file",
        "`tools: []` `---` `tools: []`",
        "two files",
    ),
    Rule(
        "root-not-mapping",
        "the document is not a mapping",
        "the root is a mapping",
        "`- title: Car`",
        "`tools: [{title: Car, type: point}]`",
    ),
)

YAML_SUFFIXES = (".yaml", ".yml")

#: Files larger than this are refused before parsing (the 15,000-node benchmark file is ~1.8 MB).
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Alias expansion ("billion laughs") is capped at this many replayed parse events in total.
MAX_ALIAS_EVENTS = 100_000

# C0 controls other than tab, LF and CR (and DEL) are never meaningful in an ontology, and yaml-rs
# silently truncates a document at a NUL byte: refuse them up front.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARSE_AT = re.compile(r"at line (\d+), column (\d+)")


@dataclass
class LoadResult:
    """The parsed document (``data``, None when it could not be parsed) and what went wrong."""

    file: str
    text: str = ""
    data: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _index: PositionIndex | None = None
    #: The documents parsed when ontokit refused their shape (several documents; a root that is not
    #: a mapping), so that another tool's YAML (a Kubernetes manifest, a list of hooks) is recognised.
    documents: tuple[Any, ...] = ()

    @property
    def index(self) -> PositionIndex:
        """Position index of the text (composed lazily, on the error path only)."""
        if self._index is None:
            self._index = PositionIndex(self.text)
        return self._index


def read_file(path: str | Path, display: str | None = None) -> LoadResult:
    """Read and parse ``path``; ``display`` is the name used in diagnostics (default: ``path``)."""
    name = display if display is not None else str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            return _fail(name, "not-a-file", "not a regular file")
        if size > MAX_FILE_BYTES:
            return _fail(
                name,
                "file-too-large",
                f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                "split the ontology, or check that this is the file you meant",
            )
        with p.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # the file may grow between stat and read
    except FileNotFoundError:
        return _fail(name, "file-not-found", "no such file")
    except IsADirectoryError:
        return _fail(name, "not-a-file", "is a directory")
    except OSError as exc:
        return _fail(name, "file-unreadable", f"cannot read file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return _fail(name, "file-too-large", f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes")
    return load_bytes(raw, name)


_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def load_bytes(raw: bytes, name: str) -> LoadResult:
    """Decode (strict UTF-8, optional BOM) and parse ``raw``."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _fail(
                name,
                "not-utf8",
                f"file is {encoding}; ontokit reads UTF-8 only",
                "re-save the file as UTF-8",
                1,
                1,
            )
    if _looks_like_utf16_or_32(raw[:4096]):
        return _fail(
            name,
            "not-utf8",
            "file looks like UTF-16 or UTF-32 (many NUL bytes); ontokit reads UTF-8 only",
            "re-save the file as UTF-8",
            1,
            1,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = line_col(
            raw.decode("utf-8", errors="replace"), len(raw[: exc.start].decode("utf-8", "replace"))
        )
        return _fail(
            name,
            "not-utf8",
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x}",
            "re-save the file as UTF-8",
            line,
            column,
        )
    return load_text(text, name)


def _looks_like_utf16_or_32(head: bytes) -> bool:
    """ASCII text in UTF-16/32 without a BOM: one byte of every 2 (or 4) set, the others zero."""
    for stride in (2, 4):
        usable = len(head) - len(head) % stride
        if usable < 2 * stride:
            continue
        for offset in range(stride):
            text = head[offset:usable:stride]
            zeros = [head[k:usable:stride] for k in range(stride) if k != offset]
            if all(z.count(0) == len(z) for z in zeros) and text.count(0) * 10 < len(text):
                return True
    return False


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``; CRLF, LF and lone CR all end a line (as in YAML)."""
    before = text[:index]
    breaks = [m.end() for m in _LINE_BREAK.finditer(before)]
    start = breaks[-1] if breaks else 0
    return len(breaks) + 1, index - start + 1


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def load_text(text: str, name: str) -> LoadResult:
    """Parse YAML ``text`` (already decoded) with YAML 1.2 core-schema rules."""
    if text.startswith("\ufeff"):
        text = text[1:]
    result = LoadResult(file=name, text=text)
    if len(text) > MAX_FILE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        # text that did not come from read_file (a git revision, a string): the same limit
        result.text = ""
        result.diagnostics.append(
            Diagnostic(
                "file-too-large",
                f"the text is larger than the limit of {MAX_FILE_BYTES:,} bytes",
                name,
                hint="split the ontology, or check that this is the file you meant",
            )
        )
        return result
    bad = _CONTROL.search(text)
    if bad:
        line, column = line_col(text, bad.start())
        result.diagnostics.append(
            Diagnostic(
                "control-character",
                f"control character U+{ord(bad.group()):04X} in the file",
                name,
                hint="remove it; binary data does not belong in an ontology",
                line=line,
                column=column,
            )
        )
        return result
    block = block_bound(text)
    deep = too_deep_to_parse(text, block)
    if deep is not None:
        result.diagnostics.append(_too_deep(name, line=deep[0], column=deep[1]))
        return result
    try:
        data: Any = yaml_rs.loads(
            text,
            parse_datetime=False,  # a date-looking option value stays the string the user wrote
            alias_limits=yaml_rs.AliasLimits(max_total_replayed_events=MAX_ALIAS_EVENTS),
        )
    except yaml_rs.YAMLDecodeError as exc:
        result.diagnostics.extend(_decode_error(str(exc), result))
        return result
    except TypeError as exc:
        # a key holding a list inside a list or mapping (`? - [a]`): the parser cannot hash it
        found = _COMPLEX_KEY.search(text)
        line, column = line_col(text, found.start(1)) if found else (1, 1)
        said = explain(str(exc), text, line, column)
        result.diagnostics.append(
            Diagnostic("yaml-syntax", said.message, name, hint=said.hint, line=line, column=column)
        )
        return result
    except RecursionError:
        result.diagnostics.append(_too_deep(name, line=1, column=1))
        return result
    if isinstance(data, (dict, list)) and depth_bound(text, block) > MAX_DEPTH and deeper_than(data):
        result.diagnostics.append(_too_deep(name, path=first_too_deep(data)))
        return result
    if data is None:
        result.diagnostics.append(
            Diagnostic(
                "empty-file",
                "the file holds no YAML document",
                name,
                hint="an ontology is a mapping with tools, classifications and/or relations",
                line=1,
                column=1,
            )
        )
        return result
    if isinstance(data, list) and _document_count(result) > 1:
        line = _second_document_line(text)
        result.diagnostics.append(
            Diagnostic(
                "multiple-documents",
                "the file holds several YAML documents; put one ontology per file",
                name,
                hint="a line `---` starts a new document; remove it, or split the file",
                line=line,
                column=1,
            )
        )
        result.documents = tuple(data)
        return result
    if not isinstance(data, dict):
        kind = (
            "a list"
            if isinstance(data, list)
            else "a string"
            if isinstance(data, str)
            else f"a {type(data).__name__}"
        )
        result.diagnostics.append(
            Diagnostic(
                "root-not-mapping",
                f"the document is {kind}; an ontology must be a mapping",
                name,
                hint="start with keys such as `tools:` or `classifications:`",
                line=1,
                column=1,
            )
        )
        result.documents = (data,)
        return result
    result.data = data
    return result


def _too_deep(name: str, path: tuple[str | int, ...] = (), line: int = 0, column: int = 0) -> Diagnostic:
    return Diagnostic(
        "nesting-limit",
        f"collections nest deeper than {MAX_DEPTH} levels",
        name,
        path=path,
        hint="this looks generated or hostile; an ontology needs a few dozen levels at most",
        line=line,
        column=column,
    )


def _decode_error(message: str, result: LoadResult) -> list[Diagnostic]:
    name = result.file
    if message.startswith("duplicate mapping key"):
        found = result.index.duplicate_keys()
        if found:
            return [
                Diagnostic(
                    "duplicate-key",
                    f"key {quoted(key)} appears twice in this mapping",
                    name,
                    hint=f"the first {quoted(key)} is at {name}:{first[0]}:{first[1]}; YAML would silently "
                    "keep only one of them",
                    line=at[0],
                    column=at[1],
                )
                for key, first, at in found
            ]
        return [Diagnostic("duplicate-key", message, name, line=1, column=1)]
    if message.startswith("alias replay limit"):
        line, column = result.index.first_alias()
        return [
            Diagnostic(
                "alias-limit",
                f"aliases expand to more than {MAX_ALIAS_EVENTS:,} nodes",
                name,
                hint="this looks like an alias bomb; expand repeated lists with optionSets instead",
                line=line,
                column=column,
            )
        ]
    where = _PARSE_AT.search(message)
    line, column = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
    reason = message.strip().splitlines()[-1].strip() if message.strip() else "invalid YAML"
    if "tab" in reason.lower():
        lines = yaml_lines(result.text)
        for number in range(max(line, 1), len(lines) + 1):  # the parser may stop a line early
            indent = lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip(" \t"))]
            if "\t" in indent or (number == line and "\t" in lines[number - 1]):
                text_line = lines[number - 1]
                line, column = number, text_line.index("\t") + 1
                break
        return [
            Diagnostic(
                "yaml-tab",
                "a tab is used for indentation; YAML indents with spaces only",
                name,
                hint="replace the tab with spaces (set your editor to insert spaces for Tab in YAML)",
                line=line,
                column=column,
            )
        ]
    if "recursion" in message.lower() or "depth" in message.lower():
        # the parser's own depth limit (deep flow brackets): the same diagnostic, hint included
        return [_too_deep(name, line=line, column=column)]
    if where is None and (token := _QUOTED.search(reason)) is not None and token.group(1) in result.text:
        line, column = line_col(result.text, result.text.index(token.group(1)))
    said = explain(reason, result.text, line, column)
    return [Diagnostic("yaml-syntax", said.message, name, hint=said.hint, line=said.line, column=said.column)]


_COMPLEX_KEY = re.compile(r"^[ ]*(?:- )*(\?[ \n]|[\[{])", re.MULTILINE)
_QUOTED = re.compile(r"Invalid tag: '([^'\n]+)'")  # the one error the parser gives no position


def _second_document_line(text: str) -> int:
    """The line of the `---` that starts the second document (1 if it cannot be told)."""
    content = False
    for number, line in enumerate(yaml_lines(text), 1):
        if re.match(r"---(\s|$)", line):
            if content:
                return number
            content = True  # an explicit start of the first document
        elif line.strip() and not line.lstrip().startswith("#"):
            content = True
    return 1


def _document_count(result: LoadResult) -> int:
    return compose_all_count(result.text)


def _fail(
    name: str, code: Code, message: str, hint: str | None = None, line: int = 0, column: int = 0
) -> LoadResult:
    return LoadResult(
        file=name, diagnostics=[Diagnostic(code, message, name, hint=hint, line=line, column=column)]
    )
