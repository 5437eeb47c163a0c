"""Every exception ontokit raises, and the one place that maps outcomes to exit codes.

Errors a user sees (each is one line, never a traceback; the CLI prints ``error: <message>``)::

    OntokitError                      any failure ontokit reports to a user (exit 1)
    ├── UsageError                    the command line is wrong (unknown option, missing argument)
    ├── InputError                    a file could not be read, or is not valid
    │   ├── InvalidOntologyError      an ontology has errors; .diagnostics lists them all
    │   ├── InvalidDefinitionsError   project definitions or a workspace have errors; .diagnostics
    │   ├── InvalidDataFileError      a labeling-data file (hub load) has problems; .problems, a line each
    │   ├── PlanFileError             a saved plan file is damaged, or of another version
    │   └── BackupFileError           an answers backup (ontokit restore) is damaged or not one
    ├── HubError                      a request to a hub failed; .status is the HTTP status
    │   ├── AuthError                 the API key is missing or was rejected (401/403)
    │   ├── NotFoundError             no such project or webhook for this key (404)
    │   ├── BadRequestError           the hub refused the request as invalid (400/422)
    │   └── HubUnavailableError       no success after every retry (5xx, 429, network faults)
    ├── ApplyError                    apply stopped; what was written is in the message
    │   ├── StalePlanError            the live project changed after the plan was made
    │   ├── UnsupportedChangeError    the plan holds a change this hub cannot make
    │   ├── NotConvergedError         after applying, the hub still differs from the definitions
    │   ├── ApplyCancelled            the user did not confirm
    │   ├── LockedError               another apply holds a lock on a project (or took ours)
    │   ├── DuplicateProjectsError    after creating, several hub projects have one name
    │   ├── MigrationError            a migration of answers cannot run, or did not arrive as planned
    │   └── ApplyInterrupted          stopped by Ctrl-C; says what was applied and what not (130)
    └── PolicyRefusal                 a safety policy refused the operation (exit 3)

Signals inside ontokit's own machinery (they never reach a user)::

    HubApiError                       the local Hub answers a request with an error status
    RetryableAttempt                  the client: one attempt failed in a way that may be repeated
    MigrationStopped                  apply: a migration of answers stopped between pages (Ctrl-C)
    DropConnection (BaseException)    the local Hub's fault injection: close without an answer

Exit codes are a contract (README.md, docs/projects.md); :func:`exit_code` is the only mapping:
    0    success
    1    an error: invalid input, a failed request, a refused confirmation, a stale plan
    2    success, and changes are present (only with --detailed-exitcode)
    3    refused by policy (destructive changes without --allow-destructive; --fail-on)
    4    internal error: a bug in ontokit (reported without a traceback unless ONTOKIT_DEBUG=1)
    130  interrupted (Ctrl-C)
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

__all__ = [
    "ApplyCancelled",
    "ApplyError",
    "ApplyInterrupted",
    "AuthError",
    "BackupFileError",
    "BadRequestError",
    "DropConnection",
    "DuplicateProjectsError",
    "ExitCode",
    "HubApiError",
    "HubError",
    "HubUnavailableError",
    "InputError",
    "InvalidDataFileError",
    "InvalidDefinitionsError",
    "InvalidOntologyError",
    "LockedError",
    "MigrationError",
    "MigrationStopped",
    "NotConvergedError",
    "NotFoundError",
    "OntokitError",
    "PlanFileError",
    "PolicyRefusal",
    "RetryableAttempt",
    "StalePlanError",
    "UnsupportedChangeError",
    "UsageError",
    "exit_code",
]


class ExitCode(IntEnum):
    """Process exit codes; see the module docstring."""

    OK = 0
    ERROR = 1
    CHANGES = 2
    POLICY = 3
    INTERNAL = 4
    INTERRUPTED = 130


class OntokitError(Exception):
    """Root of every error ontokit reports to a user."""

    exit_code: ExitCode = ExitCode.ERROR


class UsageError(OntokitError):
    """The command line is wrong: an unknown option, a missing argument, two that exclude each other."""


class InputError(OntokitError):
    """A file could not be read, or does not hold valid input."""


class _WithDiagnostics(InputError):
    what = "input"

    def __init__(self, diagnostics: Iterable[Diagnostic], message: str | None = None) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        if message is None:
            first = self.diagnostics[0] if self.diagnostics else None
            summary = f"{first.location}: {first.message}" if first else f"invalid {self.what}"
            message = f"{len(self.diagnostics)} problem(s); first: {summary}"
        super().__init__(message)


class InvalidOntologyError(_WithDiagnostics):
    """An ontology file has errors; ``diagnostics`` lists them all."""

    what = "ontology"


class InvalidDefinitionsError(_WithDiagnostics):
    """Project definitions or a workspace have errors (their ontologies' included); ``diagnostics``."""

    what = "definitions"


class InvalidDataFileError(InputError):
    """A labeling-data file (``ontokit hub load``) cannot be read or holds entries that are not tasks;
    ``problems`` lists the first ``shown`` of them (``FILE:LINE: ...``), and the last line counts the
    rest. The CLI prints each on its own line."""

    def __init__(self, problems: Iterable[str], shown: int = 20) -> None:
        found = list(problems) or ["invalid labeling-data file"]
        more = len(found) - shown
        self.problems: tuple[str, ...] = (*found[:shown], *([f"... and {more} more"] if more > 0 else []))
        super().__init__(found[0] if len(found) == 1 else f"{len(found)} problems; first: {found[0]}")


class PlanFileError(InputError):
    """A saved plan file cannot be used: not a plan, damaged, or written by another plan format."""


class BackupFileError(InputError):
    """An answers backup file is damaged, too large, or not a backup (``ontokit restore``)."""


class HubError(OntokitError):
    """A request to a hub failed; ``status`` is the HTTP status (None for network errors).

    Messages name the hub and what was asked; they never contain the API key.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthError(HubError):
    """The API key was missing or rejected."""


class NotFoundError(HubError):
    """The resource does not exist (or belongs to another organization)."""


class BadRequestError(HubError):
    """The hub refused the request as invalid."""


class HubUnavailableError(HubError):
    """The hub did not answer successfully after every retry."""


class ApplyError(OntokitError):
    """``apply`` stopped before finishing what the plan showed."""


class StalePlanError(ApplyError):
    """The live project changed after the plan was computed; nothing was written to it."""


class UnsupportedChangeError(ApplyError):
    """The plan holds a change the hub cannot make (for example a project's type); nothing was written."""


class NotConvergedError(ApplyError):
    """After applying, the hub still differs from the definitions."""


class ApplyCancelled(ApplyError):
    """The user did not confirm the plan; nothing was written."""


class LockedError(ApplyError):
    """Another apply holds a lock on a project this one would read and write (the hub's ``locks``
    extension), or took it after this apply's lease ended; nothing more is written."""


class DuplicateProjectsError(ApplyError):
    """After apply created projects, the hub holds several projects with one of their names (another
    client created them at the same time); the message lists each name with its ids."""


class MigrationError(ApplyError):
    """A migration of answers cannot run (conflicts, another migration unfinished), or its answers
    did not arrive as planned; the message names the backup that puts them back."""


class ApplyInterrupted(ApplyError):
    """Apply stopped at the user's request (Ctrl-C) before starting any further write.

    ``applied``: projects whose operations all ran (and were read back); ``partial``: (project,
    operations done, operations planned) for projects stopped in between; ``not_applied``: projects
    nothing was written to; ``failed``: (project, message) for projects that ended in an error.
    """

    exit_code = ExitCode.INTERRUPTED

    def __init__(
        self,
        applied: tuple[str, ...],
        partial: tuple[tuple[str, int, int], ...],
        not_applied: tuple[str, ...],
        failed: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.applied = applied
        self.partial = partial
        self.not_applied = not_applied
        self.failed = failed
        parts = [
            f"applied: {', '.join(applied) or 'none'}",
            f"partly applied: {', '.join(f'{n} ({d} of {t} operations)' for n, d, t in partial) or 'none'}",
            f"not applied: {', '.join(not_applied) or 'none'}",
        ]
        if failed:
            parts.append(f"failed: {', '.join(f'{n} ({m})' for n, m in failed)}")
        super().__init__(
            f"interrupted: {'; '.join(parts)}; run `ontokit apply` again to continue from what the hub holds"
        )


class PolicyRefusal(OntokitError):
    """A safety policy refused the operation: destructive changes, or a ``--fail-on`` gate."""

    exit_code = ExitCode.POLICY


class HubApiError(Exception):
    """The local Hub's error response: an HTTP status and a message (never seen by ontokit's users)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class RetryableAttempt(Exception):
    """The client's signal that one attempt failed and may be repeated.

    ``unsent``: the hub certainly did not process the request (a refused connection, a 429).
    """

    def __init__(
        self, reason: str, *, unsent: bool, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unsent = unsent
        self.retry_after = retry_after
        self.status = status


class MigrationStopped(Exception):
    """A migration of answers stopped between two pages (Ctrl-C): its journal lets apply continue."""


class DropConnection(BaseException):
    """Raised through the local Hub's WSGI stack to close the socket without a response.

    A BaseException, so that WSGI servers' ``except Exception`` handlers do not turn it into a 500.
    """


def exit_code(exc: BaseException) -> ExitCode:
    """The exit code for a command that ended with ``exc``: the only mapping of errors to codes."""
    if isinstance(exc, OntokitError):
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(exc, BrokenPipeError):  # the reader went away (`| head`): nothing more to say
        return ExitCode.ERROR
    return ExitCode.INTERNAL
