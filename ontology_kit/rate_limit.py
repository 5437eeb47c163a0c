"""A request budget, ``100/min``: what the client paces itself to (``ONTOKIT_RATE_LIMIT``) and what
``ontokit hub serve --rate-limit`` enforces. Shared by the client and the local Hub, so both read
the same spelling."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["ANGO_RATE_LIMIT", "OFF", "RateLimit"]

#: Words that turn pacing off.
OFF = ("off", "none", "unlimited")
_UNITS = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
}
_SPEC = re.compile(r"([0-9]{1,9})\s*/\s*([0-9]{0,6}(?:\.[0-9]{1,6})?)\s*([a-z]+)")


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` in any window of ``period`` seconds."""

    requests: int
    period: float

    def __post_init__(self) -> None:
        if self.requests < 1 or not math.isfinite(self.period) or self.period <= 0:
            raise ValueError("a rate limit needs at least 1 request in a period longer than 0 s")

    @property
    def per_second(self) -> float:
        """The sustained rate."""
        return self.requests / self.period

    def seconds_for(self, requests: int) -> float:
        """How long ``requests`` take at the sustained rate (the time the budget allows them)."""
        return requests / self.per_second

    def __str__(self) -> str:
        for unit, seconds in (("hour", 3600.0), ("min", 60.0), ("s", 1.0)):
            if self.period == seconds:
                return f"{self.requests}/{unit}"
        return f"{self.requests}/{self.period:g}s"

    @classmethod
    def parse(cls, spec: str) -> RateLimit | None:
        """``100/min``, ``5/s``, ``1000/hour``, ``10/30s``, ``3/0.5s``; ``off`` (or ``none``,
        ``unlimited``): None.

        Raises:
            ValueError: ``spec`` is neither (the message says what is accepted).
        """
        text = spec.strip().lower()
        if text in OFF:
            return None
        match = _SPEC.fullmatch(text)
        unit = _UNITS.get(match.group(3)) if match else None
        if match is None or unit is None:
            raise ValueError(
                f"{spec.strip()!r} is not a rate limit; give REQUESTS/PERIOD (100/min, 5/s, 1000/hour, "
                "10/30s) or off"
            )
        periods = float(match.group(2)) if match.group(2) else 1.0
        if periods == 0:
            raise ValueError(f"{spec.strip()!r}: the period must be longer than 0 s")
        requests = int(match.group(1))
        if requests == 0:
            raise ValueError(f"{spec.strip()!r}: allow at least 1 request (or give off)")
        return cls(requests, periods * unit)


#: Ango Hub's documented budget (Standard plan): 100 requests a minute.
ANGO_RATE_LIMIT = RateLimit(100, 60.0)
