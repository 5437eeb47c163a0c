"""YAML loading: bytes in, plain data plus load diagnostics out."""

from __future__ import annotations

from .reader import MAX_ALIAS_EVENTS, MAX_FILE_BYTES, LoadResult, load_bytes, load_text, read_file

__all__ = ["MAX_ALIAS_EVENTS", "MAX_FILE_BYTES", "LoadResult", "load_bytes", "load_text", "read_file"]
