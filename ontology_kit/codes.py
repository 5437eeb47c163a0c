"""Every diagnostic code ontokit emits, with a one-line summary. Codes are stable: never reuse one.

docs/format.md has a table entry (with a bad and a good example) for each; a test keeps the two
in step.
"""

from __future__ import annotations

__all__ = ["CODES"]

CODES: dict[str, str] = {
    # reading the file
    "file-not-found": "the file does not exist",
    "not-a-file": "the path is a directory or a special file",
    "file-unreadable": "the file cannot be read (permissions, I/O error)",
    "file-too-large": "the file is larger than the 16 MiB limit",
    "no-files": "a folder given to validate holds no .yaml/.yml files",
    "not-utf8": "the file is not valid UTF-8",
    "control-character": "the file contains a control character (NUL, ESC, ...)",
    # YAML
    "yaml-syntax": "the file is not valid YAML",
    "yaml-tab": "a tab is used for indentation",
    "duplicate-key": "a key appears twice in one mapping",
    "alias-limit": "aliases expand to too many nodes (an alias bomb)",
    "empty-file": "the file holds no YAML document",
    "multiple-documents": "the file holds several YAML documents",
    "root-not-mapping": "the document is not a mapping",
    "non-string-key": "a mapping key is not a string",
    # structure (the JSON Schema / pydantic models)
    "unknown-field": "a field the format does not have (typo?)",
    "missing-field": "a required field is missing",
    "unknown-type": "a category type that does not exist for that kind of category",
    "wrong-type": "a value of the wrong type (for example an unquoted true where text is expected)",
    "invalid-value": "a value outside the allowed range",
    # references
    "unknown-option-set": "optionSet names no entry of optionSets",
    "options-and-option-set": "a category has both options and optionSet",
    "parent-option-no-parent": "parentOptionId on a top-level classification",
    "parent-option-unresolved": "parentOptionId names no option of the enclosing category",
    "parent-option-ambiguous": "parentOptionId matches several options of the enclosing category",
    # semantic rules
    "empty-title": "an empty title or option value",
    "invalid-key": "an empty key",
    "invalid-schema-id": "an empty schemaId, or one with spaces",
    "invalid-color": "a color that is not #RRGGBB",
    "invalid-shortcut": "a shortcut key Ango does not support",
    "duplicate-shortcut": "two categories in one keyboard scope share a shortcut key",
    "options-not-allowed": "options on a category type that takes none",
    "missing-options": "a radio, checkbox or dropdown without options",
    "empty-tree": "a tree-dropdown without treeOptions",
    "tree-options-not-allowed": "treeOptions on a type other than tree-dropdown",
    "text-only-field": "richText or regex on a type other than text",
    "invalid-regex": "a regex that does not compile",
    "duplicate-title": "two siblings with the same (or a look-alike) title",
    "duplicate-option": "two options of one category with the same (or a look-alike) value",
    "similar-option": "two options of one category whose values differ only in case or spacing (warning)",
    "duplicate-item-key": "two siblings (or two nodes of one tree) with the same key",
    "duplicate-schema-id": "a schemaId used twice in the ontology",
    "unused-option-set": "an option set no category uses (warning)",
    # project definitions and workspaces
    "duplicate-batch": "a project definition lists a batch twice",
    "duplicate-webhook": "a project definition lists a webhook URL twice",
    "duplicate-project": "two definitions of a workspace manage the same project (same id, or same name)",
}
