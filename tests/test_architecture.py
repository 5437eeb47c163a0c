"""The layout is the pipeline, one way (docs/architecture.md): checked on the import graph itself.

The graph is built from the AST of every module of ``ontology_kit``, function-level imports and
``TYPE_CHECKING`` imports included. It must have no cycle; every edge must follow the layer rules
below; and only the CLI (and the package root, which every module imports) may import ontokit's own
modules inside a function, where they could hide a dependency.
"""

from __future__ import annotations

import ast
import inspect
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import ontology_kit

PACKAGE = Path(ontology_kit.__file__).resolve().parent
ROOT = "ontology_kit"

#: Every module belongs to one component; a new module must be placed here (the test says so).
COMPONENTS: dict[str, tuple[str, ...]] = {
    "base": (
        "ontology_kit._version",
        "ontology_kit.errors",
        "ontology_kit.codes",
        "ontology_kit.diagnostics",
        "ontology_kit._text",
        "ontology_kit._gc",
        "ontology_kit._io",
        "ontology_kit._secret",
        "ontology_kit.identity",
        "ontology_kit.category_schema",
        "ontology_kit.state",
        "ontology_kit.setup_state",
        "ontology_kit.vocabulary",
        "ontology_kit.answer_walk",
        "ontology_kit.count_query",
        "ontology_kit.rate_limit",
        "ontology_kit.stage_checks",  # the workflow checks: the local Hub's and the definitions'
        "ontology_kit.migration",  # declared migrations, typed, and what they mean between label sets
        "ontology_kit.answer_rewrite",  # rewriting one answer as migrations say (pure)
    ),
    "loader": ("ontology_kit.loader",),
    "model": ("ontology_kit.model",),
    "resolve": ("ontology_kit.resolve",),
    "rules": ("ontology_kit.rules",),
    "compiler": ("ontology_kit.compiler", "ontology_kit.payload"),
    "validate": ("ontology_kit.validate",),
    "project": ("ontology_kit.project", "ontology_kit.schema", "ontology_kit.rulebook"),
    "files": (
        "ontology_kit.canonical",
        "ontology_kit.yamlout",
        "ontology_kit.fmt",
        "ontology_kit.importer",
        "ontology_kit.import_setup",
    ),
    "plan": ("ontology_kit.plan",),
    "render": ("ontology_kit.render",),
    "review": ("ontology_kit.review", "ontology_kit.review_projects"),
    "hub": ("ontology_kit.hub",),
    "client": ("ontology_kit.client",),
    "workflow": ("ontology_kit.workflow",),
    "api": ("ontology_kit",),
    "cli": ("ontology_kit.cli", "ontology_kit.__main__"),
}

_PIPELINE = ("base", "loader", "model", "resolve", "rules", "compiler", "validate")

#: What each component may import (besides itself). The pipeline runs one way:
#: loader → model → resolve → rules → compiler (pure) ← plan (pure) ← render (views); the workflow
#: does hub I/O through the client; the local Hub and the CLI sit at the edges.
ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "loader": {"base"},
    "model": {"base"},
    "resolve": {"base", "model"},
    "rules": {"base", "model", "resolve"},
    "compiler": {"base", "model", "resolve"},
    "validate": set(_PIPELINE),
    "project": {*_PIPELINE},
    "files": {*_PIPELINE, "project"},
    "plan": {"base"},  # pure: no client, hub, render, CLI, workflow; not even the file formats
    "render": {"base", "plan"},  # views of the plan model
    "review": {*_PIPELINE, "project", "plan"},
    "hub": {"base"},  # the emulator: nothing of the plan, the client, the workflow or the CLI
    "client": {"base", "hub"},  # the embedded hub is reached in-process
    "workflow": {*_PIPELINE, "project", "files", "plan", "client", "hub"},
    "api": {*_PIPELINE, "project", "files", "plan", "render", "review", "workflow"},
    "cli": set(COMPONENTS) - {"cli"},
}

#: Where ontokit's own modules may be imported inside a function: lazily, for start-up speed.
LAZY_ALLOWED = ("cli", "api")


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module
    line: int
    in_function: bool
    type_checking: bool


def modules() -> dict[str, Path]:
    """Every module of the package (a package is its __init__)."""
    out = {ROOT: PACKAGE / "__init__.py"}
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix=f"{ROOT}."):
        spec_path = PACKAGE.joinpath(*info.name.split(".")[1:])
        out[info.name] = spec_path / "__init__.py" if info.ispkg else spec_path.with_suffix(".py")
    return out


MODULES = modules()


def component(module: str) -> str:
    best = ""
    for name, prefixes in COMPONENTS.items():
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, found = prefix, name
    if not best:
        raise AssertionError(
            f"{module} belongs to no component: place it in COMPONENTS (and docs/architecture.md)"
        )
    return found


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The ontokit modules an ``from X import a, b`` statement imports."""
    if node.level:
        base = module.split(".")
        is_package = MODULES[module].name == "__init__.py"
        base = base if is_package else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target != ROOT and not target.startswith(ROOT + "."):
        return []
    out = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        out.append(sub if sub in MODULES else target)
    return out


def edges() -> Iterator[Edge]:
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        yield from _visit(module, tree, in_function=False, type_checking=False)


def _visit(module: str, node: ast.AST, *, in_function: bool, type_checking: bool) -> Iterator[Edge]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import):
            for alias in child.names:
                if alias.name == ROOT or alias.name.startswith(ROOT + "."):
                    yield Edge(module, alias.name, child.lineno, in_function, type_checking)
        elif isinstance(child, ast.ImportFrom):
            for target in _resolve(module, child):
                yield Edge(module, target, child.lineno, in_function, type_checking)
        else:
            nested_function = in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            )
            guard = isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            yield from _visit(
                module, child, in_function=nested_function, type_checking=type_checking or guard
            )


EDGES = [e for e in edges() if e.target != e.source]


def test_every_module_is_placed_in_a_component() -> None:
    for module in MODULES:
        component(module)


def test_the_graph_is_what_the_ast_says() -> None:
    """The test itself works: it sees module-level, function-level and TYPE_CHECKING imports."""
    seen = {(e.source, e.target) for e in EDGES}
    assert ("ontology_kit.compiler", "ontology_kit.category_schema") in seen
    assert any(e.in_function and e.source.startswith("ontology_kit.cli") for e in EDGES)
    assert any(e.type_checking for e in EDGES)
    assert ("ontology_kit.rules", "ontology_kit.rules.colors") in seen  # `from . import colors`


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for e in EDGES:
        graph[e.source].add(e.target)
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join([*c, c[0]]) for c in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def strong(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            members = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                members.append(w)
                if w == v:
                    break
            if len(members) > 1:
                out.append(sorted(members))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_every_import_follows_the_layer_rules() -> None:
    wrong = []
    for e in EDGES:
        source, target = component(e.source), component(e.target)
        if source != target and target not in ALLOWED[source]:
            where = f"{MODULES[e.source].relative_to(PACKAGE.parent)}:{e.line}"
            wrong.append(f"{where}: {e.source} ({source}) imports {e.target} ({target})")
    assert not wrong, "imports against the layer rules (docs/architecture.md):\n" + "\n".join(wrong)


def test_only_the_cli_imports_lazily() -> None:
    """A function-level import of an ontokit module could dodge a cycle or hide a dependency."""
    wrong = [
        f"{MODULES[e.source].relative_to(PACKAGE.parent)}:{e.line}: imports {e.target} inside a function"
        for e in EDGES
        if e.in_function and component(e.source) not in LAZY_ALLOWED
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        pytest.param("ontology_kit.plan.diff", "ontology_kit.client", id="plan-imports-no-client"),
        pytest.param("ontology_kit.plan.model", "ontology_kit.render", id="plan-imports-no-view"),
        pytest.param("ontology_kit.hub.app", "ontology_kit.plan", id="hub-imports-no-plan"),
        pytest.param("ontology_kit.render.json", "ontology_kit.workflow", id="views-do-no-io"),
        pytest.param("ontology_kit.model.ontology", "ontology_kit.rules", id="model-before-rules"),
        pytest.param("ontology_kit.compiler", "ontology_kit.plan", id="compiler-before-plan"),
        pytest.param("ontology_kit.workflow", "ontology_kit.cli", id="nothing-imports-the-cli"),
    ],
)
def test_the_rules_forbid(source: str, target: str) -> None:
    """The rules are not vacuous: these edges would fail."""
    assert component(target) not in ALLOWED[component(source)]


def test_every_exception_is_in_the_exception_module() -> None:
    """One exception module; its docstring draws the whole tree."""
    import importlib

    from ontology_kit import errors

    defined = []
    for module in MODULES:
        if module == "ontology_kit.__main__":
            continue
        for name, obj in vars(importlib.import_module(module)).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == module:
                defined.append(f"{module}.{name}")
    assert defined and all(d.startswith("ontology_kit.errors.") for d in defined), defined
    tree = errors.__doc__ or ""
    for path in defined:
        name = path.rsplit(".", 1)[1]
        if not name.startswith("_"):
            assert name in tree, f"the tree in errors.py's docstring does not show {name}"


def test_modules_stay_small() -> None:
    """Small modules with one job (docs/architecture.md): none over 500 lines."""
    big = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert not big, big


def test_the_architecture_page_names_real_files_and_every_component() -> None:
    import re

    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in set(re.findall(r"`(ontology_kit/[\w/]+\.py)`", page)):
        assert (PACKAGE.parent / path).is_file(), f"docs/architecture.md names {path}, which does not exist"
    for name in COMPONENTS:
        if name != "api":
            assert f"| {name} |" in page, f"docs/architecture.md's layer table has no row for {name}"
