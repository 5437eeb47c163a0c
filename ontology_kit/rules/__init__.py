"""Semantic validation rules."""

from __future__ import annotations

from .checks import check

__all__ = ["check"]
