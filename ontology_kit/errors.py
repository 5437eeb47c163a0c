"""The one error root of ontokit, and the one place that maps outcomes to exit codes.

    OntokitError                 any failure ontokit reports to a user (exit 1)
    ├── InputError               a file could not be read or is not a valid ontology
    └── PolicyRefusal            a safety policy refused the operation (exit 3)

Exit codes are a contract (documented in README.md):
    0  success
    1  an error: invalid input, a failed request, a refused confirmation
    2  success, and changes are present (only with --detailed-exitcode)
    3  refused by policy (for example destructive changes without --allow-destructive)
    4  internal error: a bug in ontokit (reported without a traceback unless ONTOKIT_DEBUG=1)
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode", "InputError", "OntokitError", "PolicyRefusal"]


class ExitCode(IntEnum):
    """Process exit codes; see the module docstring."""

    OK = 0
    ERROR = 1
    CHANGES = 2
    POLICY = 3
    INTERNAL = 4


class OntokitError(Exception):
    """Root of every error ontokit reports to a user."""

    exit_code: ExitCode = ExitCode.ERROR


class InputError(OntokitError):
    """A file could not be read, or does not hold a valid ontology."""


class PolicyRefusal(OntokitError):
    """A safety policy refused the operation."""

    exit_code = ExitCode.POLICY
