"""Errors of the Hub client. All are :class:`OntokitError`, so the CLI maps them to exit 1.

    HubError                  a request to a hub failed
    ├── AuthError             the API key was rejected (401/403)
    ├── NotFoundError         the project (or webhook) does not exist for this key (404)
    ├── BadRequestError       the hub refused the request as invalid (400/422)
    └── HubUnavailableError   no success after every retry (5xx, 429, network faults)

Messages name the hub and what was asked; they never contain the API key.
"""

from __future__ import annotations

from ..errors import OntokitError

__all__ = ["AuthError", "BadRequestError", "HubError", "HubUnavailableError", "NotFoundError"]


class HubError(OntokitError):
    """A request to a hub failed; ``status`` is the HTTP status (None for network errors)."""

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
