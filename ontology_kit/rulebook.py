"""Every diagnostic code's documentation, collected from the modules that emit them.

docs/format.md's rule tables are these rows (a test keeps them equal), and every code of
:data:`ontology_kit.codes.Code` is documented exactly once.
"""

from __future__ import annotations

from typing import Final

from . import loader, resolve, rules
from .codes import Code, Rule
from .loader import paths
from .model import errors as structure
from .project import definitions as project
from .project import fields as project_fields
from .project import setup_checks as project_setup

__all__ = ["CODES", "RULES", "rule"]

#: Every code's documentation, in the order of docs/format.md.
RULES: Final[tuple[Rule, ...]] = (
    *loader.RULES,
    *structure.RULES,
    *resolve.RULES,
    *rules.RULES,
    *project.RULES,
    *project_fields.RULES,
    *project_setup.RULES,
    *paths.RULES,
)

#: code → one-line summary (``(warning)`` marks the codes that are warnings).
CODES: Final[dict[Code, str]] = {r.code: r.summary + (" (warning)" if r.warning else "") for r in RULES}


def rule(code: Code) -> Rule:
    """The documentation of one code."""
    return next(r for r in RULES if r.code == code)
