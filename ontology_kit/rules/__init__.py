"""Semantic rules: what a JSON Schema cannot say. Pure: a resolved ontology in, diagnostics out.

Each family of rules is one module holding its checks, their messages and their documentation
(``RULES``): ``titles``, ``identity`` (keys and schemaIds), ``colors``, ``shortcuts``, ``options``,
``trees`` and ``text_fields``. :func:`check` runs them over the ontology in document order; to add a
rule, write it in its family's module (or a new one), document it in that module's ``RULES``, add
its code to :data:`ontology_kit.codes.Code`, and call it below (docs/architecture.md).
"""

from __future__ import annotations

from typing import Final

from ..codes import Rule
from ..diagnostics import DataPath, Diagnostic
from ..model import Classification, Ontology
from ..resolve import ResolvedCategory, ResolvedOntology
from . import colors, identity, migrations, options, shortcuts, text_fields, titles, trees
from ._context import Context

__all__ = ["RULES", "check"]

#: The documentation of every code the semantic rules emit, family by family.
RULES: Final[tuple[Rule, ...]] = (
    *titles.RULES,
    *identity.RULES,
    *colors.RULES,
    *shortcuts.RULES,
    *options.RULES,
    *trees.RULES,
    *text_fields.RULES,
    *migrations.RULES,
)


def check(
    ontology: Ontology, resolved: ResolvedOntology, file: str = "", option_set_users: set[str] | None = None
) -> list[Diagnostic]:
    """Run every semantic rule; returns diagnostics in document order.

    ``option_set_users`` names the option sets that are referenced in the file; by default the
    ones ``resolved`` uses (a partial ontology passes the references of the whole file).
    """
    ctx = Context(file)
    top = resolved.tools + resolved.classifications + resolved.relations
    for group in (resolved.tools, resolved.classifications, resolved.relations):
        titles.unique_titles(ctx, group)
        identity.unique_sibling_names(ctx, group)
    shortcuts.unique_shortcuts(ctx, top, None)
    for node in resolved.walk():
        _category(ctx, node)
    identity.schema_ids(ctx, resolved)
    identity.retired_ids(ctx, resolved, ontology.retired)
    used = option_set_users if option_set_users is not None else {n.model.optionSet for n in resolved.walk()}
    options.check_option_sets(ctx, ontology, used)
    # An option set used by several categories would repeat its problems once per use.
    unique: dict[tuple[str, DataPath, str], Diagnostic] = {}
    for d in ctx.diagnostics:
        key = (d.code, d.path, d.message if not d.path or d.path[0] != "optionSets" else "")
        unique.setdefault(key, d)
    return sorted(unique.values(), key=lambda d: _order(d.path))


def _category(ctx: Context, node: ResolvedCategory) -> None:
    m = node.model
    titles.text(ctx, "title", m.title, node.path, node.kind)
    identity.key_and_id(ctx, m.key, m.schemaId, node.path)
    colors.check_color(ctx, node)
    shortcuts.check_shortcut(ctx, node)
    options.check_options_allowed(ctx, node)
    if isinstance(m, Classification):
        trees.check_tree_field(ctx, node, m)
        text_fields.check_text_fields(ctx, node, m)
        if node.tree:
            trees.check_tree(ctx, node.tree)
    titles.unique_titles(ctx, node.children)
    identity.unique_sibling_names(ctx, node.children)
    shortcuts.unique_shortcuts(ctx, node.children, node)
    options.check_option_values(ctx, node)


def _order(path: DataPath) -> tuple[tuple[int, object], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in path)
