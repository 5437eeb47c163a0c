"""A benchmark goal: a measured value at or under its limit (bench/counts.py, bench/pacing.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Goal:
    """One goal: ``value`` (in ``unit``) at or under ``limit``."""

    name: str
    value: float
    limit: float
    unit: str

    @property
    def status(self) -> str:
        return "PASS" if self.value <= self.limit else "FAIL"
