"""The closed set of diagnostic codes, as a type: a mistyped code fails type checking.

Codes are stable: never reuse or rename one. Each code is documented beside the code that emits it,
as a :class:`Rule` in that module's ``RULES`` (the reader: ``loader/reader.py``; the structure:
``model/errors.py``; references: ``resolve.py``; semantic rules: one module per family under
``rules/``; project definitions: ``project/definitions.py``). :mod:`ontology_kit.rulebook` collects them,
and a test keeps docs/format.md's rule tables equal to them.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple, get_args

__all__ = ["CODES", "Code", "Rule"]

Code = Literal[
    # reading the file
    "file-not-found",
    "not-a-file",
    "file-unreadable",
    "file-too-large",
    "no-files",
    "not-utf8",
    "control-character",
    # YAML
    "yaml-syntax",
    "yaml-tab",
    "duplicate-key",
    "alias-limit",
    "nesting-limit",
    "empty-file",
    "multiple-documents",
    "root-not-mapping",
    "non-string-key",
    # structure (the JSON Schema / pydantic models)
    "unknown-field",
    "missing-field",
    "unknown-type",
    "wrong-type",
    "invalid-value",
    "too-many-problems",
    # references
    "unknown-option-set",
    "options-and-option-set",
    "parent-option-no-parent",
    "parent-option-unresolved",
    "parent-option-ambiguous",
    # semantic rules
    "empty-title",
    "invalid-key",
    "invalid-schema-id",
    "invalid-color",
    "invalid-shortcut",
    "undocumented-shortcut",
    "duplicate-shortcut",
    "options-not-allowed",
    "missing-options",
    "empty-tree",
    "tree-options-not-allowed",
    "text-only-field",
    "invalid-regex",
    "duplicate-title",
    "duplicate-option",
    "similar-option",
    "duplicate-item-key",
    "duplicate-schema-id",
    "reused-schema-id",
    # declared migrations (rules/migrations.py)
    "invalid-migration",
    "unknown-migration-target",
    "migration-source-kept",
    "duplicate-migration-source",
    "unacknowledged-deletion",
    "unused-option-set",
    "empty-option-set",
    # project definitions and workspaces
    "duplicate-batch",
    "duplicate-webhook",
    "duplicate-project",
    "blank-name",
    "invalid-project-id",
    "not-an-ontology",
    "not-a-project",
    # a project's setup (project/setup_checks.py)
    "invalid-workflow",
    "instructions-too-large",
    # paths in project definitions and workspaces
    "absolute-path",
    "path-outside-root",
    "symlink-outside-root",
]

#: Every code, in the order above.
CODES: Final[tuple[Code, ...]] = get_args(Code)


class Rule(NamedTuple):
    """The documentation of one code: docs/format.md's table row, and a one-line summary.

    ``rule`` says what must hold; ``bad`` and ``good`` are short Markdown examples (code spans).
    (A named tuple: immutable and typed, and cheaper to define than a dataclass, which every run
    of ``ontokit`` pays for at start-up.)
    """

    code: Code
    summary: str  # one line: what the diagnostic reports ("the file does not exist")
    rule: str  # what must hold ("the file must exist")
    bad: str
    good: str
    warning: bool = False  # a warning (does not fail validation), not an error

    def row(self) -> str:
        """The rule's row in docs/format.md: ``| `code` | rule | bad | good |``."""
        marker = " (*warning*)" if self.warning else ""
        return f"| `{self.code}`{marker} | {self.rule} | {self.bad} | {self.good} |"
