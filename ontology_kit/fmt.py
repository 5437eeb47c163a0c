"""``ontokit fmt``: one canonical layout for ontokit files, comments preserved.

Canonical means: keys in the documented order (``canonical.py``), two-space indentation with list
items indented under their key, and every string that ontokit's reader would take for something
else (``true``, ``null``, ``1.10``) double-quoted; ``Yes``, ``No``, ``on`` and dates are strings in
YAML 1.2 and stay as written, unless a ``%YAML 1.1`` directive declares them otherwise
(``yamlout.is_ambiguous``). Formatting is idempotent.

Formatting never changes a value. There is one reading of YAML, the validator's (``loader``: yaml-rs,
YAML 1.2 core schema, bounded): fmt reads each file with it first (its limits refuse what is too big,
too deep or an alias bomb), makes ruamel.yaml's round trip read scalars the same way (no timestamps,
no YAML 1.1 booleans, ``yamlout``), then reads its own output back with it and refuses, leaving the
file untouched, unless every value (and an ontology's compiled payload) is identical. Directives and
tags it cannot write back faithfully (``%TAG``, ``!!binary``) are refused, never changed.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import ScalarString

from ._gc import gc_paused
from ._io import write_atomic
from .canonical import reorder
from .diagnostics import DataPath, Diagnostic, json_path
from .errors import InputError
from .loader import LoadResult, load_text, read_file, walk_yaml
from .loader.positions import locate
from .loader.reader import line_col
from .loader.syntax import explain
from .project.kinds import FileKind, classify, detect_kind
from .validate import check_loaded
from .yamlout import dump, new_yaml, quoted

__all__ = [
    "FormatResult",
    "FormatRun",
    "first_difference",
    "format_file",
    "format_loaded",
    "format_paths",
    "format_text",
    "unified_diff",
]


@dataclass(frozen=True)
class FormatResult:
    """A file's text before and after formatting (``error`` when it could not be formatted)."""

    file: str
    original: str
    formatted: str | None
    error: str | None = None
    skipped: bool = False  # another tool's YAML: left alone
    tool: str | None = None  # skipped: whose YAML it is, when ontokit knows

    @property
    def changed(self) -> bool:
        return self.formatted is not None and self.formatted != self.original


def format_text(text: str, name: str = "<string>") -> str:
    """The canonical form of ``text``. Raises InputError when it is not YAML that can be formatted,
    or when the canonical form would not read back as the same values (see :func:`format_loaded`)."""
    return format_loaded(load_text(text, name), text)


def format_loaded(loaded: LoadResult, text: str | None = None, kind: FileKind | None = None) -> str:
    """The canonical form of a file already read by the validator's reader (``loaded``), whose text
    is ``text`` (default: the text it read); ``kind``: what the file is, when the caller classified
    it already (default: told from its data).

    Meaning-preserving by construction and by check: the validator reads the input first (so every
    bound it enforces holds here too: size, aliases, nesting, keys); the output is then read back
    the same way and must hold the same values (and, for an ontology, compile to the same payload),
    or nothing is returned.
    """
    name = loaded.file
    text = loaded.text if text is None else text
    if "\t" in _indentation(text):
        raise InputError(f"{name}: tabs in indentation; run `ontokit validate` for the exact place")
    if loaded.data is None:
        raise InputError(_first_problem(loaded))
    kind = detect_kind(loaded.data) if kind is None else kind
    if kind == "other":
        return text  # another tool's YAML: not ours to format
    try:
        return _formatted(loaded, text, kind)
    except InputError:
        found = _UNICODE_BREAK.search(text)
        if found is None:
            raise
        # the reader (YAML 1.2) takes U+0085, U+2028 and U+2029 for characters, ruamel.yaml for line
        # breaks: the round trip then reads otherwise; say which character, where, and the fix
        line, column = line_col(text, found.start())
        raise InputError(
            f"{name}:{line}:{column}: cannot format: a U+{ord(found.group()):04X} character (a Unicode line "
            "break, invisible in most editors), which the formatter would read as a new line (remove "
            'it, or write the value in double quotes with the escape "\\N", "\\L" or "\\P")'
        ) from None


#: Line breaks in YAML 1.1 (ruamel.yaml's round trip) that YAML 1.2 and the reader take for characters.
_UNICODE_BREAK = re.compile("[\x85\u2028\u2029]")


def _formatted(loaded: LoadResult, text: str, kind: str) -> str:
    """:func:`format_loaded` once the file is known to be ontokit's."""
    name = loaded.file
    header, document, offset = _prologue(text, name)
    data = _round_trip_load(document, name, offset)
    reorder(data, kind)
    _quote_ambiguous(data, yaml11=bool(_YAML11_DIRECTIVE.search(header)))
    try:
        with _deep_enough():
            out = dump(data, header)
    except RecursionError:
        raise InputError(f"{name}: cannot format: the document is nested too deeply") from None
    lost = _comments(text) - _comments(out)
    if lost:
        # ruamel.yaml cannot keep a comment inside a flow collection ([a, # note ...]). Never drop one.
        raise InputError(
            f"{name}: cannot format without losing the comment {sorted(lost)[0]!r} (comments inside "
            "[...] or {...} lists are not kept); write that list in block style (one `- item` a line)"
        )
    _same_meaning(loaded, out, kind)
    return out


@gc_paused
def format_file(path: str | Path, display: str | None = None) -> FormatResult:
    """Format one file (in memory; the caller decides whether to write). The file is read by the
    validator's reader, with its limits (size first: an oversized file is refused unread)."""
    name = display or str(path)
    loaded = read_file(path, name)
    kind, tool = classify(loaded, path)
    if kind == "other":  # another tool's YAML (several documents, maybe): not ours to format
        return FormatResult(name, loaded.text, loaded.text, skipped=True, tool=tool)
    if loaded.data is None:
        return FormatResult(name, loaded.text, None, _first_problem(loaded))
    try:
        return FormatResult(name, loaded.text, format_loaded(loaded, kind=kind))  # classified once
    except InputError as exc:
        return FormatResult(name, loaded.text, None, str(exc))


def _first_problem(loaded: LoadResult) -> str:
    """The reader's first diagnostic, as fmt's one-line refusal."""
    problems = locate(loaded.diagnostics, loaded.index) if loaded.text else loaded.diagnostics
    if not problems:  # pragma: no cover - the reader always says why it has no data
        return f"{loaded.file}: cannot format: the file could not be read"
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    hint = f" ({first.hint})" if first.hint else ""  # as the round trip's refusals: the fix too
    return f"{first.location}: cannot format: {first.message}{hint}{more} [{first.code}]"


def _prologue(text: str, name: str) -> tuple[str, str, int]:
    """``text`` split into the prologue to write back verbatim (its comments, ``%YAML`` directive and
    ``---`` line) and the document for ruamel.yaml, with the document's first line number - 1.

    Only the lines before the document can hold directives. ``%YAML`` is kept (the output reads the
    same under it: ambiguous strings are quoted); a ``%TAG`` (or reserved) directive is refused,
    since ruamel.yaml writes its tags back without it. Without a directive there is no prologue.
    """
    lines = text.splitlines(keepends=True)
    directives: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("%"):
            word = line.split()[0]
            if word != "%YAML":
                raise InputError(
                    f"{name}:{number}:1: cannot format: a {word} directive cannot be kept safely; "
                    "write the tags out in full (or remove them) and the directive"
                )
            directives.append(line.split(" #")[0].rstrip())
            continue
        if directives and _DOCUMENT_START.match(line):  # `---`, maybe a comment: the split point
            prologue = "".join(lines[:number]).replace("\r\n", "\n").replace("\r", "\n")
            return prologue, "".join(lines[number:]), number
        break
    # content on the `---` line itself: ruamel.yaml reads it all; the directive is written back
    return ("\n".join(directives) + "\n---\n" if directives else ""), text, 0


#: A directive that declares YAML 1.1 (or 1.0): its readers take `Yes` and `on` for booleans.
_YAML11_DIRECTIVE = re.compile(r"^%YAML[ \t]+1\.[01]\b", re.MULTILINE)
_DOCUMENT_START = re.compile(r"---[ \t]*(?:#.*)?\r?\n?$")


def _round_trip_load(text: str, name: str, offset: int = 0) -> Any:
    """``text`` (from line ``offset`` + 1 of the file) read by ruamel.yaml's round-trip loader
    (comments kept), or InputError."""
    try:
        with _deep_enough():
            return new_yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        problem = str(exc.problem or exc.context)
        said = explain(problem, text, mark.line + 1, mark.column + 1) if mark is not None else None
        if said is None or not said.known:  # ontokit's own refusals (a !!binary value) say it already
            where = f":{offset + mark.line + 1}:{mark.column + 1}" if mark is not None else ""
            raise InputError(f"{name}{where}: cannot format: {problem}") from None
        raise InputError(
            f"{name}:{offset + said.line}:{said.column}: cannot format: {said.message} ({said.hint})"
        ) from None
    except (YAMLError, ValueError) as exc:
        raise InputError(
            f"{name}: cannot format: {str(exc).splitlines()[0] if str(exc) else 'invalid YAML'}"
        ) from None
    except RecursionError:
        raise InputError(f"{name}: cannot format: the document is nested too deeply") from None


@contextmanager
def _deep_enough() -> Iterator[None]:
    """Room for ruamel.yaml's recursion (several frames a level) on every nesting the reader accepts
    (it stops flow nesting near 256 levels; the default limit of 1,000 frames stopped at 254)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, _RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


_RECURSION_LIMIT = 20_000


def _same_meaning(loaded: LoadResult, out: str, kind: str) -> None:
    """Refuse (InputError) unless ``out`` reads as the same values as ``loaded`` and, for an
    ontology, compiles to the same payload: the proof that formatting changed layout only."""
    name = loaded.file
    again = load_text(out, name)
    if again.data is None:
        raise InputError(
            f"{name}: cannot format: the formatted text would not read back "
            f"({again.diagnostics[0].message if again.diagnostics else 'invalid YAML'}); file left unchanged"
        )
    path = first_difference(loaded.data, again.data)
    if path is not None:
        raise InputError(
            f"{name}: cannot format: the formatted text would read differently at {json_path(path)}; "
            "file left unchanged"
        )
    if kind == "ontology":
        before, after = check_loaded(loaded).payload, check_loaded(again).payload
        if json.dumps(before) != json.dumps(after):
            raise InputError(
                f"{name}: cannot format: the formatted file would compile to another payload; "
                "file left unchanged"
            )


def first_difference(a: Any, b: Any) -> DataPath | None:
    """The first data path (in document order) where ``a`` and ``b`` differ, or None when they are
    equal: the same types (``true`` is not ``1``, ``1.0`` is not ``1``), values and list order;
    mapping order aside. Iterative, so any depth is fine."""
    stack: list[tuple[DataPath, Any, Any]] = [((), a, b)]
    while stack:
        path, x, y = stack.pop()
        if type(x) is not type(y):
            return path
        if isinstance(x, dict):
            if x.keys() != y.keys():
                return (*path, next(str(k) for k in (*x, *y) if k not in x or k not in y))
            stack.extend(((*path, str(k)), x[k], y[k]) for k in reversed(list(x)))
        elif isinstance(x, list):
            if len(x) != len(y):
                return path
            stack.extend(((*path, i), x[i], y[i]) for i in reversed(range(len(x))))
        elif x != y and not (isinstance(x, float) and math.isnan(x) and math.isnan(y)):
            return path
    return None


@dataclass(frozen=True)
class FormatRun:
    """What ``ontokit fmt`` did to some files (or would do, when it was only checking)."""

    results: tuple[FormatResult, ...]
    problems: tuple[Diagnostic, ...]  # folders without YAML files
    written: bool  # changed files were rewritten
    excluded: tuple[str, ...] = ()  # files an exclude pattern left out (never read)

    @property
    def changed(self) -> list[FormatResult]:
        """The files whose layout is (or was) not canonical."""
        return [r for r in self.results if r.changed]

    @property
    def failed(self) -> list[FormatResult]:
        """The files that could not be formatted."""
        return [r for r in self.results if r.error]

    @property
    def unchanged(self) -> int:
        """How many ontokit files were already canonical."""
        return sum(1 for r in self.results if not r.changed and not r.error and not r.skipped)

    @property
    def skipped(self) -> int:
        """How many YAML files belong to another tool (left alone)."""
        return sum(r.skipped for r in self.results)


def format_paths(paths: Iterable[str | Path], *, write: bool, exclude: Sequence[str] = ()) -> FormatRun:
    """Format files and folders of them (the walk of ``validate``, with its ``exclude`` patterns and the
    workspace's ``exclude:``); with ``write``, rewrite (atomically) those that change."""
    walk = walk_yaml(paths, exclude)
    results = tuple(format_file(path, shown) for path, shown in walk.files)
    if write:
        for (path, _), result in zip(walk.files, results, strict=True):
            if result.changed:
                write_atomic(path, result.formatted or "")
    return FormatRun(results, tuple(walk.problems), write, tuple(walk.excluded))


def unified_diff(result: FormatResult) -> str:
    """What formatting changes, as a unified diff."""
    if not result.changed or result.formatted is None:
        return ""
    return "".join(
        difflib.unified_diff(
            result.original.splitlines(keepends=True),
            result.formatted.splitlines(keepends=True),
            fromfile=result.file,
            tofile=f"{result.file} (formatted)",
        )
    )


_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
_COMMENT = re.compile(r"(?:^|\s)(#.*)$")


def _comments(text: str) -> set[str]:
    """The comments of a YAML text (approximately: quoted strings are skipped)."""
    found = set()
    for line in text.splitlines():
        match = _COMMENT.search(_QUOTED.sub(lambda m: "x" * len(m.group()), line))
        if match:
            found.add(match.group(1).strip())
    return found


def _indentation(text: str) -> str:
    return "".join(line[: len(line) - len(line.lstrip(" \t"))] for line in text.splitlines())


def _quote_ambiguous(node: Any, *, yaml11: bool) -> None:
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in list(items):
        if isinstance(value, str) and not isinstance(value, ScalarString):
            new = quoted(value, yaml11=yaml11)
            if new is not value:
                node[key] = new
        else:
            _quote_ambiguous(value, yaml11=yaml11)
