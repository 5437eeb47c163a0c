"""Semantic rules: what a JSON Schema cannot say. Each rule has a stable code (docs/format.md).

Pure: a :class:`ResolvedOntology` in, diagnostics (with data paths) out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._text import normalize_title
from ..diagnostics import DataPath, Diagnostic, Severity
from ..model import Classification, Ontology
from ..model.types import OPTION_TYPES, SHORTCUT_KEYS
from ..resolve import ResolvedCategory, ResolvedOntology, ResolvedTreeNode

__all__ = ["check"]

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_ONLY = ("richText", "regex")
_ID_HINT = "schemaIds are opaque strings without spaces; leave it out to get a derived one"
_KEY_HINT = "remove `key`, or give a stable name"


def check(
    ontology: Ontology, resolved: ResolvedOntology, file: str = "", option_set_users: set[str] | None = None
) -> list[Diagnostic]:
    """Run every semantic rule; returns diagnostics in document order.

    ``option_set_users`` names the option sets that are referenced in the file; by default the
    ones ``resolved`` uses (a partial ontology passes the references of the whole file).
    """
    c = _Checker(file)
    top = resolved.tools + resolved.classifications + resolved.relations
    for group in (resolved.tools, resolved.classifications, resolved.relations):
        c.unique_titles(group)
        c.unique_names((n.model.key, n.model.title, n.path) for n in group)
    c.shortcuts(top, "the top level")
    for node in resolved.walk():
        c.category(node)
    c.schema_ids(resolved)
    used = option_set_users if option_set_users is not None else {n.model.optionSet for n in resolved.walk()}
    for name, options in ontology.optionSets.items():
        if name not in used:
            c.issue(
                "unused-option-set",
                f"option set {name!r} is not used by any category",
                ("optionSets", name),
                severity=Severity.WARNING,
                target="key",
                hint="remove it, or use it with `optionSet: NAME`",
            )
            # Still check what it holds, so that it is right when it is used.
            c._unique(
                ((o.value, ("optionSets", name, i)) for i, o in enumerate(options)),
                "duplicate-option",
                "option value",
                scope=f" in option set {name!r}",
            )
    # An option set used by several categories would repeat its problems once per use.
    unique: dict[tuple[str, DataPath, str], Diagnostic] = {}
    for d in c.diagnostics:
        key = (d.code, d.path, d.message if not d.path or d.path[0] != "optionSets" else "")
        unique.setdefault(key, d)
    return sorted(unique.values(), key=lambda d: _order(d.path))


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []

    def issue(
        self,
        code: str,
        message: str,
        path: DataPath,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
        target: str = "value",
        related: DataPath | None = None,
    ) -> None:
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
        )  # type: ignore[arg-type]

    # -- one category ---------------------------------------------------------------------------
    def category(self, node: ResolvedCategory) -> None:
        m = node.model
        p = node.path
        self.text("title", m.title, (*p, "title"), f"{node.kind} has an empty title")
        self.key_and_id(m.key, m.schemaId, p)
        if m.color is None and "color" in m.model_fields_set:
            self.issue(
                "invalid-color",
                "color is empty",
                (*p, "color"),
                hint='an unquoted # starts a YAML comment: write color: "#1E88E5"',
            )
        elif m.color is not None and not _COLOR.fullmatch(m.color):
            self.issue(
                "invalid-color",
                f"color {m.color!r} is not of the form #RRGGBB",
                (*p, "color"),
                hint='write six hex digits after "#", e.g. "#1E88E5" (quote it: # starts a YAML comment)',
            )
        if m.shortcutKey and m.shortcutKey not in SHORTCUT_KEYS:
            lower = m.shortcutKey.lower().replace(" ", "")
            hint = (
                f"did you mean {lower!r}?"
                if lower in SHORTCUT_KEYS
                else 'use "0"-"9", "ctrl+0"-"ctrl+9" or "a"-"k"'
            )
            self.issue(
                "invalid-shortcut",
                f"shortcut key {m.shortcutKey!r} is not one Ango supports",
                (*p, "shortcutKey"),
                hint=hint,
            )
        self.options_allowed(node)
        if isinstance(m, Classification):
            self.classification_fields(node, m)
        self.unique_titles(node.children)
        self.unique_names((n.model.key, n.model.title, n.path) for n in node.children)
        self.shortcuts(node.children, f"the nested classifications of {node.display!r}")
        self.option_values(node)

    def text(self, field: str, value: str, path: DataPath, empty: str) -> None:
        if not value.strip():
            self.issue("empty-title", empty, path, hint=f"give it a {field} annotators can read")
        elif _CONTROL.search(value):
            self.issue(
                "control-character",
                f"{field} {value!r} contains a control character",
                path,
                hint="remove it (it came from an escape such as \\a or \\x00)",
            )

    def key_and_id(self, key: str | None, schema_id: str | None, path: DataPath) -> None:
        if key is not None and not key.strip():
            self.issue("invalid-key", "key is empty", (*path, "key"), hint=_KEY_HINT)
        if schema_id is not None and (
            not schema_id.strip()
            or schema_id != schema_id.strip()
            or " " in schema_id
            or _CONTROL.search(schema_id)
        ):
            self.issue(
                "invalid-schema-id",
                f"schemaId {schema_id!r} is empty or contains spaces",
                (*path, "schemaId"),
                hint=_ID_HINT,
            )

    def options_allowed(self, node: ResolvedCategory) -> None:
        m = node.model
        has_options = bool(m.options) or m.optionSet is not None
        where = (*node.path, "options" if m.options else "optionSet")
        if node.kind != "classification":
            if has_options:
                self.issue(
                    "options-not-allowed",
                    f"{_article(node.kind)} takes no options of its own",
                    where,
                    hint="nest a radio, checkbox or dropdown classification under `classifications`",
                )
            return
        t = node.type
        if t in OPTION_TYPES:
            if not has_options:
                self.issue(
                    "missing-options",
                    f"{_article(t)} classification needs at least one option",
                    (*node.path, "type"),
                    hint="add `options:` (or `optionSet:`)",
                )
        elif has_options:
            hint = (
                "a tree-dropdown takes `treeOptions`"
                if t == "tree-dropdown"
                else "only radio, checkbox, single-dropdown and multi-dropdown take options"
            )
            self.issue(
                "options-not-allowed", f"{_article(t)} classification takes no options", where, hint=hint
            )

    def classification_fields(self, node: ResolvedCategory, m: Classification) -> None:
        p = node.path
        if m.type == "tree-dropdown":
            if not m.treeOptions:
                self.issue(
                    "empty-tree",
                    "a tree-dropdown needs at least one tree option",
                    (*p, "type"),
                    hint="add `treeOptions:`",
                )
        elif m.treeOptions:
            self.issue(
                "tree-options-not-allowed",
                f"{_article(m.type)} classification takes no treeOptions",
                (*p, "treeOptions"),
                hint="treeOptions belong to type: tree-dropdown",
            )
        if m.type != "text":
            for name in _TEXT_ONLY:
                value = getattr(m, name)
                if value not in (None, False):
                    self.issue(
                        "text-only-field",
                        f"`{name}` applies to text classifications only, not {m.type}",
                        (*p, name),
                        target="key",
                        hint=f"remove `{name}`, or make this a text classification",
                    )
        if m.regex is not None:
            try:
                re.compile(m.regex)
            except (re.error, OverflowError, RecursionError) as exc:
                self.issue(
                    "invalid-regex",
                    f"regex does not compile: {exc}",
                    (*p, "regex"),
                    hint="check brackets and escapes; in YAML, single-quote a regex with backslashes",
                )
        if node.tree:
            self.tree(node.tree)

    def tree(self, roots: list[ResolvedTreeNode]) -> None:
        keys: list[tuple[str | None, DataPath]] = []

        def visit(siblings: list[ResolvedTreeNode]) -> None:  # pre-order: document order
            for n in siblings:
                self.text("title", n.title, (*n.path, "title"), "tree option has an empty title")
                self.key_and_id(n.user_key, n.key if n.explicit_id else None, n.path)
                keys.append((n.user_key, n.path))
                visit(n.children)
            self._unique(((n.title, n.path) for n in siblings), "duplicate-title", "tree option title")
            self.unique_names(
                ((n.user_key, n.title, n.path) for n in siblings), what="tree option key", report_keys=False
            )

        visit(roots)
        self.unique_keys(keys, what="tree option key")

    def option_values(self, node: ResolvedCategory) -> None:
        if node.tree:
            # Titles are unique among siblings, but a title containing " / " can still spell another
            # node's path ("A / B" beside A › B): the flattened values must differ too.
            seen: dict[str, tuple[str, DataPath]] = {}
            for o, title in zip(node.options, _tree_titles(node.tree)):
                if o.value in seen and (" / " in title or " / " in seen[o.value][0]):
                    self.issue(
                        "duplicate-option",
                        f"tree path {o.value!r} is also the path of another node of {node.display!r}",
                        (*o.path, "title"),
                        hint="the other is at {related}; avoid ' / ' in tree titles",
                        related=seen[o.value][1],
                    )
                seen.setdefault(o.value, (title, o.path))
            return
        for o in node.options:
            self.text("value", o.value, (*o.path, "value"), "option has an empty value")
            self.key_and_id(o.key, o.schema_id if o.explicit_id else None, o.path)
        self._unique(
            ((o.value, o.path) for o in node.options),
            "duplicate-option",
            "option value",
            scope=f" in {node.display!r}",
        )
        self.unique_names(((o.key, o.value, o.path) for o in node.options), what="option key", field="value")

    # -- uniqueness -----------------------------------------------------------------------------
    def unique_titles(self, group: list[ResolvedCategory]) -> None:
        self._unique(((n.model.title, n.path) for n in group), "duplicate-title", "title")

    def unique_names(
        self,
        items: Iterable[tuple[str | None, str, DataPath]],
        what: str = "key",
        field: str = "title",
        report_keys: bool = True,
    ) -> None:
        """Siblings' identity names (key, else title) must differ, or their derived ids collide.

        Two equal titles are duplicate-title's business; here: a key equal to another key, or to a
        sibling's title (``{title: Auto, key: Car}`` beside ``{title: Car}``).
        """
        seen: dict[str, tuple[bool, DataPath]] = {}
        for key, name, path in items:
            effective = key if key is not None else name
            if effective in seen:
                first_keyed, first_path = seen[effective]
                if key is not None and first_keyed:
                    if report_keys:
                        self.issue(
                            "duplicate-item-key",
                            f"{what} {key!r} is used twice",
                            (*path, "key"),
                            hint="the first is at {related}; keys name one item each",
                            related=first_path,
                        )
                elif key is not None or first_keyed:
                    at = (*path, "key") if key is not None else (*path, field)
                    self.issue(
                        "duplicate-item-key",
                        f"{what} {effective!r} is also the {field} of a sibling without a key; both would "
                        "get the same schemaId",
                        at,
                        hint="the other is at {related}; give one of them a different key",
                        related=first_path,
                    )
            else:
                seen[effective] = (key is not None, path)

    def unique_keys(self, items: Iterable[tuple[str | None, DataPath]], what: str = "key") -> None:
        seen: dict[str, DataPath] = {}
        for key, path in items:
            if key is None:
                continue
            if key in seen:
                self.issue(
                    "duplicate-item-key",
                    f"{what} {key!r} is used twice",
                    (*path, "key"),
                    hint="the first is at {related}; keys name one item each",
                    related=seen[key],
                )
            else:
                seen[key] = path

    def _unique(
        self, items: Iterable[tuple[str, DataPath]], base_code: str, what: str, scope: str = ""
    ) -> None:
        seen: dict[str, tuple[str, DataPath]] = {}
        for text, path in items:
            code = base_code
            norm = normalize_title(text)
            if not norm:
                continue
            if norm in seen:
                first, first_path = seen[norm]
                field = "value" if code == "duplicate-option" else "title"
                severity = Severity.ERROR
                if first == text:
                    msg = f"{what} {text!r} is used twice{scope}"
                else:
                    msg = (
                        f"{what} {text!r} looks the same as {first!r}{scope} (case, spacing or Unicode form)"
                    )
                    if code == "duplicate-option":
                        # Distinct option values that differ only in case are legal, if unusual ("US"/"us").
                        code, severity = "similar-option", Severity.WARNING
                self.issue(
                    code,
                    msg,
                    (*path, field),
                    hint="the first is at {related}",
                    related=first_path,
                    severity=severity,
                )
            else:
                seen[norm] = (text, path)

    def shortcuts(self, group: list[ResolvedCategory], scope: str) -> None:
        seen: dict[str, ResolvedCategory] = {}
        for n in group:
            key = n.model.shortcutKey
            if not key:
                continue
            if key in seen:
                self.issue(
                    "duplicate-shortcut",
                    f"shortcut key {key!r} is already used by {seen[key].display!r} in {scope}",
                    (*n.path, "shortcutKey"),
                    hint="every category in one keyboard scope needs its own key",
                )
            else:
                seen[key] = n

    def schema_ids(self, resolved: ResolvedOntology) -> None:
        seen: dict[str, tuple[DataPath, bool]] = {}
        for node in resolved.walk():
            entries = [(node.schema_id, (*node.path, "schemaId"), node.explicit_id)]
            # tree nodes are in node.options too (flattened), so this covers them
            entries += [(o.schema_id, (*o.path, "schemaId"), o.explicit_id) for o in node.options]
            for sid, path, explicit in entries:
                if sid not in seen:
                    seen[sid] = (path, explicit)
                    continue
                first_path, first_explicit = seen[sid]
                if first_path == path:
                    # The same written option, reached again: an option set used by several categories
                    # that pins a schemaId gives every one of them that id.
                    self.issue(
                        "duplicate-schema-id",
                        f"schemaId {sid!r} is pinned in an option set that several categories use",
                        path,
                        hint="each use needs its own id: remove schemaId from the option set",
                    )
                elif explicit or first_explicit:
                    # Two derived ids collide only when two items share an identity, which the
                    # duplicate-title/-option/-key rules already report in better words.
                    self.issue(
                        "duplicate-schema-id",
                        f"schemaId {sid!r} is used twice",
                        path if explicit else first_path,
                        hint="the other use is at {related}; schemaIds must be unique across "
                        "the whole ontology",
                        related=first_path if explicit else path,
                    )


def _tree_titles(nodes: list[ResolvedTreeNode]) -> list[str]:
    out: list[str] = []
    for n in nodes:
        out.append(n.title)
        out.extend(_tree_titles(n.children))
    return out


def _order(path: DataPath) -> tuple[tuple[int, object], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in path)
