"""Other tools' YAML in a repository, recognised so that ``validate .`` and ``fmt .`` leave it alone.

A document is another tool's when it carries that tool's **content signature** (keys, and values of
a shape, that no ontokit file has: a GitHub workflow's ``on`` and ``jobs``, a Kubernetes manifest's
``apiVersion`` and ``kind``) or lies at one of its **well-known paths** (``action.yml``,
``.gitlab-ci.yml``, a Helm chart's ``values.yaml``), and has no top-level key that looks like an
ontokit key (exactly, or within a typo) which that tool does not use itself. So an ontology with a
misspelled key, or an ontology saved as ``action.yml``, is still checked and reported: recognising
a tool never swallows an ontokit file (tests/test_foreign_yaml.py).
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath
from typing import Any, Final

from ..model import Ontology
from .model import ProjectFile, WorkspaceFile

__all__ = ["DEFINING_KEYS", "TOOLS", "Tool", "helm_template", "recognise"]


@dataclass(frozen=True)
class Tool:
    """Another tool's YAML: how to tell it (``signature``, ``paths``) and which top-level keys it uses
    (``keys``; ``open``: any key but ontokit's defining ones, ``tools:``, ``ontology:``...)."""

    name: str
    signature: Callable[[Any], bool]
    keys: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()  # fnmatch patterns on the path's last components (`/`-separated)
    open: bool = False
    explains: Callable[[str, Any], bool] | None = None  # a key the tool allows by its value (a job)


def _map(doc: Any) -> Mapping[Any, Any]:
    return doc if isinstance(doc, Mapping) else {}


def _items(doc: Any, *required: str) -> bool:
    """A non-empty list of mappings, each with every ``required`` key."""
    return (
        isinstance(doc, list)
        and bool(doc)
        and all(isinstance(i, Mapping) and all(k in i for k in required) for i in doc)
    )


def _keys(*names: str) -> frozenset[str]:
    return frozenset(names)


def _compose(doc: Any) -> bool:
    services = _map(doc).get("services")
    allowed = _COMPOSE_KEYS
    return (
        isinstance(services, Mapping)
        and bool(services)
        and all(isinstance(s, Mapping) or s is None for s in services.values())
        and all(isinstance(k, str) and (k in allowed or k.startswith("x-")) for k in _map(doc))
    )


_COMPOSE_KEYS = _keys(
    "version", "name", "services", "networks", "volumes", "configs", "secrets", "include", "models"
)
_JOB_KEYS: Final = frozenset({"script", "trigger", "extends", "run", "stage", "needs", "rules", "image"})
_GITLAB_KEYS = _keys(
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
)


def _gitlab_job(key: str, value: Any) -> bool:
    return isinstance(value, Mapping) and bool(_JOB_KEYS & set(value))


def _gitlab(doc: Any) -> bool:
    """Reserved keywords, and jobs (mappings with ``script``, ``trigger``...): at least one job."""
    data = _map(doc)
    jobs = [k for k, v in data.items() if isinstance(k, str) and _gitlab_job(k, v)]
    return bool(jobs) and all(k in _GITLAB_KEYS or k in jobs or str(k).startswith(".") for k in data)


def _helm_values(path: PurePath | None) -> bool:
    """``values*.yaml`` beside a ``Chart.yaml``: a Helm chart's values, whatever keys they hold."""
    return path is not None and path.name.startswith("values") and _exists(Path(path).parent / "Chart.yaml")


def helm_template(path: str | PurePath) -> bool:
    """A file under a Helm chart's ``templates/`` folder: Go templates, not YAML (``{{ }}``), so it is
    skipped unread, by its place alone."""
    parts = Path(path).absolute().parts
    return any(
        part == "templates" and _exists(Path(*parts[:i]) / "Chart.yaml") for i, part in enumerate(parts) if i
    )


def _exists(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


_CODECOV_KEYS: Final = frozenset(
    {
        "coverage",
        "codecov",
        "comment",
        "flags",
        "flag_management",
        "component_management",
        "ignore",
        "fixes",
        "parsers",
        "github_checks",
        "profiling",
        "cli",
        "bundle_analysis",
        "slack_app",
    }
)

#: Each tool, strongest signatures first. Keys list a tool's documented top-level keys (only those
#: that resemble an ontokit key matter: they are what may otherwise look like a typo of ours).
TOOLS: Final[tuple[Tool, ...]] = (
    Tool(
        "GitHub Actions workflow",
        lambda d: isinstance(_map(d).get("jobs"), Mapping) and ("on" in _map(d) or True in _map(d)),
        _keys("name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"),
        (".github/workflows/*.yml", ".github/workflows/*.yaml"),
    ),
    Tool(
        "GitHub Action",
        lambda d: isinstance(_map(d).get("runs"), Mapping) and "using" in _map(d)["runs"],
        _keys("name", "author", "description", "inputs", "outputs", "runs", "branding"),
        ("action.yml", "action.yaml"),
    ),
    Tool(
        "GitHub issue form",
        lambda d: _items(_map(d).get("body"), "type") and "name" in _map(d),
        _keys("name", "description", "title", "labels", "assignees", "body", "projects", "type"),
        (".github/ISSUE_TEMPLATE/*.yml", ".github/ISSUE_TEMPLATE/*.yaml"),
    ),
    Tool(
        "Dependabot configuration",
        lambda d: _map(d).get("version") == 2 and isinstance(_map(d).get("updates"), list),
        _keys("version", "updates", "registries", "enable-beta-ecosystems", "multi-ecosystem-groups"),
        (".github/dependabot.yml", ".github/dependabot.yaml"),
    ),
    Tool(
        "Read the Docs configuration",
        lambda d: (
            _map(d).get("version") == 2
            and bool({"build", "sphinx", "mkdocs", "python", "formats", "submodules", "conda"} & set(_map(d)))
        ),
        _keys("version", "build", "sphinx", "mkdocs", "python", "formats", "submodules", "search", "conda"),
        (".readthedocs.yaml", ".readthedocs.yml", "readthedocs.yaml", "readthedocs.yml"),
    ),
    Tool(
        "Kubernetes manifest",
        lambda d: isinstance(_map(d).get("apiVersion"), str) and isinstance(_map(d).get("kind"), str),
        paths=("kustomization.yaml", "kustomization.yml"),
        open=True,
    ),
    Tool(
        "Helm chart",
        lambda d: _map(d).get("apiVersion") in ("v1", "v2") and "name" in _map(d) and "version" in _map(d),
        _keys(
            "apiVersion",
            "name",
            "version",
            "kubeVersion",
            "description",
            "type",
            "keywords",
            "home",
            "sources",
            "dependencies",
            "maintainers",
            "icon",
            "appVersion",
            "deprecated",
            "annotations",
        ),
        ("Chart.yaml",),
    ),
    Tool(
        "Docker Compose file",
        _compose,
        _COMPOSE_KEYS,
        ("compose*.yaml", "compose*.yml", "docker-compose*.y*ml"),
    ),
    Tool(
        "MkDocs configuration",
        lambda d: isinstance(_map(d).get("site_name"), str),
        paths=("mkdocs.yml", "mkdocs.yaml"),
        open=True,
    ),
    Tool(
        "pre-commit configuration",
        lambda d: _items(_map(d).get("repos"), "repo"),
        _keys(
            "repos",
            "ci",
            "default_install_hook_types",
            "default_language_version",
            "default_stages",
            "files",
            "exclude",
            "fail_fast",
            "minimum_pre_commit_version",
        ),
        (".pre-commit-config.yaml", ".pre-commit-config.yml"),
    ),
    Tool("pre-commit hooks", lambda d: _items(d, "id", "entry"), paths=(".pre-commit-hooks.yaml",)),
    Tool(
        "GitLab CI configuration",
        _gitlab,
        _GITLAB_KEYS,
        (".gitlab-ci.yml", ".gitlab-ci.yaml", ".gitlab/ci/*.yml", ".gitlab/ci/*.yaml"),
        explains=_gitlab_job,
    ),
    Tool(
        "CircleCI configuration",
        lambda d: _map(d).get("version") in (2, 2.1) and bool({"jobs", "workflows", "orbs"} & set(_map(d))),
        _keys("version", "jobs", "workflows", "orbs", "executors", "commands", "parameters", "setup"),
        (".circleci/config.yml", ".circleci/config.yaml"),
    ),
    Tool(
        "OpenAPI description",
        lambda d: (
            isinstance(_map(d).get("openapi") or _map(d).get("swagger"), str)
            and isinstance(_map(d).get("info"), Mapping)
        ),
        open=True,
    ),
    Tool("AsyncAPI description", lambda d: isinstance(_map(d).get("asyncapi"), str), open=True),
    Tool(
        "Ansible playbook",
        lambda d: (
            isinstance(d, list)
            and bool(d)
            and all(
                isinstance(p, Mapping)
                and bool({"hosts", "import_playbook", "ansible.builtin.import_playbook"} & set(p))
                for p in d
            )
        ),
        paths=("playbook*.yml", "playbook*.yaml", "site.yml", "site.yaml"),
    ),
    Tool(
        "Ansible file",
        lambda d: False,  # a role's tasks and variables look like anything: known by their place
        paths=tuple(
            f"{folder}/*.{ext}"
            for folder in ("tasks", "handlers", "defaults", "vars", "meta", "group_vars", "host_vars")
            for ext in ("yml", "yaml")
        ),
        open=True,
    ),
    Tool("Citation File Format", lambda d: "cff-version" in _map(d), paths=("CITATION.cff",), open=True),
    Tool(
        "Codecov configuration",
        lambda d: bool({"coverage", "codecov", "comment"} & set(_map(d))) and set(_map(d)) <= _CODECOV_KEYS,
        paths=("codecov.yml", "codecov.yaml", ".codecov.yml", ".codecov.yaml"),
        keys=frozenset(),
    ),
    Tool(
        "conda environment",
        lambda d: isinstance(_map(d).get("dependencies"), list) and isinstance(_map(d).get("channels"), list),
        _keys("name", "channels", "dependencies", "prefix", "variables"),
        ("environment.yml", "environment.yaml"),
    ),
    Tool(
        "Azure Pipelines",
        lambda d: (
            bool({"trigger", "pr", "pool"} & set(_map(d)))
            and bool({"steps", "jobs", "stages"} & set(_map(d)))
        ),
        _keys(
            "name", "trigger", "pr", "pool", "steps", "jobs", "stages", "variables", "resources", "extends"
        ),
        ("azure-pipelines.yml", "azure-pipelines.yaml"),
    ),
    Tool(
        "Travis CI configuration",
        lambda d: "language" in _map(d) and bool({"script", "install", "jobs", "matrix"} & set(_map(d))),
        paths=(".travis.yml",),
        open=True,
    ),
    Tool(
        "Bitbucket Pipelines",
        lambda d: isinstance(_map(d).get("pipelines"), Mapping),
        _keys("image", "pipelines", "definitions", "options", "clone"),
        ("bitbucket-pipelines.yml",),
    ),
    Tool(
        "AWS CloudFormation template",
        lambda d: (
            "AWSTemplateFormatVersion" in _map(d)
            or (
                isinstance(_map(d).get("Resources"), Mapping)
                and bool(_map(d)["Resources"])
                and all(isinstance(r, Mapping) and "Type" in r for r in _map(d)["Resources"].values())
            )
        ),
        open=True,
    ),
)


#: The keys only ontokit writes, and the kind of file each makes (``kinds.FileKind``).
DEFINING_KEYS: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("tools", "classifications", "relations", "optionSets", "retired", "migrations"), "ontology"
    ),
    "ontology": "project",
    "projects": "workspace",
}


@cache
def _ontokit_keys() -> tuple[frozenset[str], frozenset[str]]:
    """Every top-level key of an ontokit file, and the defining ones (only ontokit writes them)."""
    every = frozenset((*Ontology.model_fields, *ProjectFile.model_fields, *WorkspaceFile.model_fields))
    return every, frozenset(DEFINING_KEYS)


def _like(key: str, known: frozenset[str]) -> bool:
    return key in known or bool(difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8))


def _unexplained(doc: Any, tool: Tool, placed: bool = False) -> bool:
    """Whether ``doc`` has a top-level key like an ontokit key (a typo of ours, maybe) that ``tool``
    does not use itself: then it is not that tool's file. A defining key the tool uses too (an issue
    form's ``projects:``) counts as the tool's only at the tool's own place (``placed``): elsewhere a
    workspace holding ``name:`` and ``body:`` was taken for an issue form."""
    every, defining = _ontokit_keys()
    for key, value in _map(doc).items():
        if not isinstance(key, str) or (tool.explains and tool.explains(key, value)):
            continue
        if key in tool.keys and (placed or key not in defining):
            continue
        if _like(key, defining) or (not tool.open and _like(key, every)):
            return True
    return False


def _at(path: PurePath, pattern: str) -> bool:
    depth = pattern.count("/") + 1
    tail = "/".join(path.parts[-depth:])
    return len(path.parts) >= depth and fnmatch.fnmatchcase(tail, pattern)


def recognise(documents: Sequence[Any], path: str | PurePath | None = None) -> str | None:
    """The name of the tool whose YAML ``documents`` (a file's documents, parsed) are, or None.

    Every document must be that tool's (a multi-document Kubernetes file), by signature or by the
    file's place, and none may hold a key that looks like an ontokit key the tool does not use.
    """
    docs = [d for d in documents if d is not None]
    if not docs:
        return None
    where = PurePath(path) if path is not None else None
    for tool in TOOLS:
        placed = where is not None and any(_at(where, p) for p in tool.paths)
        if all((placed or tool.signature(d)) and not _unexplained(d, tool, placed) for d in docs):
            return tool.name
    if where is not None and _helm_values(where) and not any(_unexplained(d, _HELM_VALUES) for d in docs):
        return _HELM_VALUES.name
    return None


_HELM_VALUES: Final = Tool("Helm values", lambda d: False, open=True)
