"""YAML loading: bytes in, plain data plus load diagnostics out (positions on the error path only)."""

from __future__ import annotations

from .depth import MAX_DEPTH
from .files import Walk, find_yaml_files, walk_yaml
from .reader import (
    MAX_ALIAS_EVENTS,
    MAX_FILE_BYTES,
    RULES,
    YAML_SUFFIXES,
    LoadResult,
    load_bytes,
    load_text,
    read_file,
)

__all__ = [
    "MAX_ALIAS_EVENTS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "RULES",
    "YAML_SUFFIXES",
    "LoadResult",
    "Walk",
    "find_yaml_files",
    "load_bytes",
    "load_text",
    "read_file",
    "walk_yaml",
]
