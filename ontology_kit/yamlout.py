"""Writing YAML that people read and that ontokit reads back as written (ruamel.yaml).

A string is double-quoted when ontokit's own reader (``loader``: yaml-rs, YAML 1.2 core schema, no
timestamps) would read it plain as something else (``true``, ``null``, ``~``, ``1.10``, ``0x1F``,
``1_000``), or when it could trip up a parser (``: 0``, ``Left -``). YAML 1.2 reads ``Yes``, ``No``,
``on``, ``off``, ``y``, ``n``, dates and ``1:30`` as the strings written, and so does every reader
ontokit uses (the validator, fmt's round trip, editors' yaml-language-server): those stay plain, as
the documentation writes them. Under a ``%YAML 1.1`` directive, which declares them booleans, dates
and numbers, they are quoted too (``yaml11``).
"""

from __future__ import annotations

import io
import re
from typing import Any

import yaml_rs
from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

__all__ = ["dump", "is_ambiguous", "new_yaml", "quoted"]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _CoreResolver(VersionedResolver):
    """Implicit types as ontokit's reader (yaml-rs, YAML 1.2 core schema) sees them: a ``%YAML 1.1``
    directive does not turn ``Yes``/``on`` into booleans, and nothing is a timestamp (``2001-01-01``
    stays the text the user wrote). ruamel's own choice changed values on a round trip."""

    _core: Any = None

    @property
    def processing_version(self) -> Any:
        return (1, 2)

    @property
    def versioned_resolver(self) -> Any:
        if self._core is None:
            full = super().versioned_resolver
            self._core = {
                first: [(tag, regexp) for tag, regexp in rules if tag != _TIMESTAMP]
                for first, rules in full.items()
            }
        return self._core


class _Constructor(RoundTripConstructor):
    """Round-trip construction that refuses what it cannot write back as the reader reads it."""

    def construct_yaml_binary(self, node: Any) -> Any:
        # ruamel decodes base64 to bytes and writes it back as a `!!binary |` block (a new value
        # for yaml-rs, which reads the tagged scalar as its text): refuse rather than change it.
        raise ConstructorError(
            None, None, "a `!!binary` value cannot be formatted safely; remove the tag", node.start_mark
        )

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        raise ConstructorError(
            None, None, "a `!!timestamp` value cannot be formatted safely; remove the tag", node.start_mark
        )


#: What a YAML 1.1 reader (PyYAML, a file with a ``%YAML 1.1`` directive) reads as a boolean, null,
#: number, date or merge key. Without that directive ontokit reads these as the strings written.
_YAML11_SPECIAL = re.compile(
    r"""^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |null|Null|NULL|~|=|<<
    |[-+]?(?=[\d_.]*\d)[\d_]*\.?[\d_]*(?:[eE][-+]?\d+)?     # numbers: 1_000, .5, 1e3, and _0 (yaml-rs)
    |0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0b[01_]+               # hex, octal, binary
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |\d+(?::[0-5]?\d)+(?:\.\d*)?                             # sexagesimal 1:30
    |\d{4}-\d\d?-\d\d?(?:[Tt ].*)?                           # dates and timestamps
    )$""",
    re.VERBOSE,
)


# Characters that make a plain scalar fragile somewhere (flow collections, comments, indicators).
# Quoting more than strictly needed is harmless; emitting a scalar a parser refuses is not.
_FRAGILE = re.compile(r"""^[-?:,\[\]{}#&*!|>'"%@`]|\s-$""")


def _reads_back(text: str) -> bool:
    """True when ontokit's reader reads ``text``, written plain, as this very string. The reader
    itself decides (2 µs a string): yaml-rs accepts more numbers than the YAML 1.2 core schema
    (``1_000``, ``0b11``, ``+0x1F``, ``_0``, ``.Nan``), which a pattern here would have to chase."""
    try:
        read: Any = yaml_rs.loads(text, parse_datetime=False)
        return bool(read == text)
    except (yaml_rs.YAMLDecodeError, ValueError, RecursionError):
        return False


def is_ambiguous(text: str, *, yaml11: bool = False) -> bool:
    """True when a plain (unquoted) ``text`` would not read back as this string with ontokit's reader
    (or, with ``yaml11``, under YAML 1.1), or could trip up a parser (``: 0``, ``Left -``, ``a, b``).
    ``Yes``, ``No``, ``on`` and dates are strings in YAML 1.2: not ambiguous unless ``yaml11``."""
    if text == "" or text != text.strip() or text == "<<" or _FRAGILE.search(text):
        return True  # `<<` is a merge key to ruamel.yaml, under either version
    if yaml11 and _YAML11_SPECIAL.match(text):
        return True
    return not _reads_back(text)


def quoted(text: str, *, yaml11: bool = False) -> Any:
    """``text``, double-quoted in the output when it is ambiguous (see :func:`is_ambiguous`)."""
    if is_ambiguous(text, yaml11=yaml11):
        return DoubleQuotedScalarString(text)
    return text


# Constructors are looked up by tag in a table filled when the class is defined: register the
# overrides, or ruamel.yaml keeps calling its own.
for _tag, _method in (
    ("binary", _Constructor.construct_yaml_binary),
    ("timestamp", _Constructor.construct_yaml_timestamp),
):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _method)


def new_yaml() -> Any:
    """A round-trip ruamel YAML instance with ontokit's layout: 2-space indents, lists indented."""
    yaml = YAML()  # round-trip: keeps comments, order and quoting
    yaml.Resolver = _CoreResolver
    yaml.Constructor = _Constructor
    yaml.version = None
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold long titles
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    # `[{schemaId: a}]` stays as written: ruamel's default drops the braces of a one-key mapping in
    # a flow list (`[schemaId: a]`, the same data but a style nobody writes, and docs show braces)
    yaml.brace_single_entry_mapping_in_flow_sequence = True
    return yaml


def dump(doc: Any, header: str = "") -> str:
    """``doc`` (plain data or ruamel containers) as YAML text, after ``header`` lines."""
    buf = io.StringIO()
    if header:
        buf.write(header if header.endswith("\n") else header + "\n")
    new_yaml().dump(doc, buf)
    return buf.getvalue()
