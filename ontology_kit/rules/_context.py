"""What every rule family shares: the sink diagnostics go to, and uniqueness among siblings."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from .._text import normalize_title
from ..codes import Code
from ..diagnostics import DataPath, Diagnostic, Severity

__all__ = ["CONTROL", "Context", "article"]

#: C0 controls and DEL: never meaningful in a title, key or id (they come from escapes like \a or \x00).
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def article(word: str) -> str:
    """``a tool``, ``an option``."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


class Context:
    """Where the rules of one file report: ``issue`` appends a diagnostic (data path, no position)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []

    def issue(
        self,
        code: Code,
        message: str,
        path: DataPath,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
        target: Literal["key", "value"] = "value",
        related: DataPath | None = None,
    ) -> None:
        """Report one problem at ``path``; ``{related}`` in the message or the hint becomes the
        ``file:line:col`` of ``related``."""
        self.diagnostics.append(
            Diagnostic(
                code,
                message,
                self.file,
                path=path,
                hint=hint,
                severity=severity,
                target=target,
                related=related,
            )
        )

    def unique_texts(
        self, items: Iterable[tuple[str, DataPath]], base_code: Code, what: str, scope: str = ""
    ) -> None:
        """Titles (or option values) must differ among siblings, also ignoring case, spacing and
        Unicode form; for option values that differ only so, ``similar-option`` (a warning)."""
        seen: dict[str, tuple[str, DataPath]] = {}
        for text, path in items:
            code = base_code
            norm = normalize_title(text)
            if not norm:
                continue
            if norm not in seen:
                seen[norm] = (text, path)
                continue
            first, first_path = seen[norm]
            field = "value" if code == "duplicate-option" else "title"
            severity = Severity.ERROR
            if first == text:
                msg = f"{what} {text!r} is used twice{scope}"
            else:
                msg = (
                    f"{what} {text!r} looks the same as {first!r}{scope} "
                    "(case, spacing, Unicode form or invisible characters)"
                )
                if code == "duplicate-option" and _folded(first) == _folded(text):
                    # Distinct option values that differ only in case are legal, if unusual ("US"/"us");
                    # values that differ in invisible characters or Unicode form only are not.
                    code, severity = "similar-option", Severity.WARNING
            self.issue(
                code,
                msg,
                (*path, field),
                hint="the first is at {related}",
                related=(*first_path, field),
                severity=severity,
            )
