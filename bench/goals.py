"""What every bench shares: a goal (a measured value at or under its limit), the JSON form of a
report, and the options that print and gate it (``--json``, ``--strict``, ``--no-bytecode``)."""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from typing import Any


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


class JsonReport:
    """A bench's report (a dataclass with a ``goals`` list): every figure as JSON, each goal with its
    status."""

    goals: list[Any]

    def as_json(self) -> dict[str, Any]:
        """The report as plain JSON data (goals with their status)."""
        data = asdict(self)  # type: ignore[call-overload]  # every report is a dataclass
        data["goals"] = [{**asdict(g), "status": g.status} for g in self.goals]
        return data  # type: ignore[no-any-return]


def add_report_options(parser: argparse.ArgumentParser, *, bytecode: bool = False) -> None:
    """``--json`` and ``--strict``; with ``bytecode``, ``--no-bytecode`` too (benches that time
    subprocesses)."""
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal fails")
    if bytecode:
        parser.add_argument(
            "--no-bytecode",
            dest="bytecode",
            action="store_false",
            help="subprocesses compile ontokit from source on every run (PYTHONDONTWRITEBYTECODE)",
        )
