"""Reviewing ontologies without a hub: ``ontokit diff`` (the plan model between two versions of
ontology files) and ``ontokit show`` (an ontology as a tree or a diagram).

Two files (``OLD NEW``), or the working tree against a git revision (``--base REF``, a pull request's
base). Each ontology file's versions are compiled and diffed with the same diff as ``plan``; project
definitions and workspaces are loaded as ``plan`` loads them and their desired states diffed
(``review_projects.py``), so that the gate sees what ``plan`` sees. An ontology file that a
definition references is shown through the projects that use it.
"""

from __future__ import annotations

import fnmatch
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ._gc import gc_paused
from .category_schema import CategorySchema
from .diagnostics import Diagnostic
from .errors import InputError
from .loader import load_text, read_file
from .loader.files import Excluder
from .loader.paths import find_root
from .migration import DeclaredMigration
from .model import Ontology
from .plan.diff import diff_category_schema
from .plan.migrations import plan_migrations
from .plan.model import Plan, ProjectPlan
from .project.kinds import FileKind, classify, detect_kind
from .project.load import load_project
from .resolve import resolve
from .review_projects import Compared, Tree, compare_definitions, compare_files, git_tree, yaml_files
from .validate import check_file, check_text

__all__ = ["Review", "Shown", "Version", "diff_files", "diff_git", "diff_versions", "git_versions", "show"]


@dataclass(frozen=True)
class Version:
    """One file at two points: its text before and after (None: the file does not exist there)."""

    path: str
    old: str | None
    new: str | None
    moved_from: str | None = None  # the file's path at the base, when git sees it as moved
    old_name: str | None = None  # how diagnostics name the old version (default: "<path> (<old label>)")


@dataclass(frozen=True)
class Review:
    """The plan between two versions of some files, the problems found, and the compiled schemas."""

    plan: Plan
    diagnostics: tuple[Diagnostic, ...]
    # Per file: its old and new category schema (None where that version does not exist).
    schemas: dict[str, tuple[CategorySchema | None, CategorySchema | None]] = field(default_factory=dict)
    old_label: str = ""
    root: Path = Path(".")  # the folder the definitions' paths are relative to


def diff_versions(versions: Sequence[Version], old_label: str, new_label: str) -> Review:
    """The plan between the old and new text of each file; diagnostics when a version is invalid."""
    projects: list[ProjectPlan] = []
    problems: list[Diagnostic] = []
    schemas: dict[str, tuple[CategorySchema | None, CategorySchema | None]] = {}
    for v in versions:
        compiled: list[CategorySchema | None] = []
        migrations: tuple[DeclaredMigration, ...] = ()
        broken = False
        for text, name in ((v.old, v.old_name or f"{v.path} ({old_label})"), (v.new, v.path)):
            if text is None:
                compiled.append(None)
                continue
            result = check_text(text, name)
            if result.payload is None:
                problems.extend(result.diagnostics)
                broken = True
                compiled.append(None)
            else:
                compiled.append(CategorySchema(result.payload["categorySchema"]))
                migrations = result.migrations  # the new version's (read last)
        if broken:
            continue
        old, new = compiled
        schemas[v.path] = (old, new)
        changes = diff_category_schema(new or CategorySchema.of({}), old or CategorySchema.of({}))
        blocked: tuple[str, ...] = ()
        if old is not None and new is not None and migrations:  # answers made with the old version
            part = plan_migrations(migrations, old, new, changes)
            changes, blocked = list(part.changes), part.blocked
        state = (
            "added"
            if v.old is None
            else "deleted"
            if v.new is None
            else f"moved from {v.moved_from}"
            if v.moved_from
            else None
        )
        label = f"Ontology file {v.path}" + (f" ({state})" if state else "")
        projects.append(
            ProjectPlan(
                v.path,
                v.path,
                None,
                tuple(changes),
                "",
                label=label,
                blocked=blocked,
                subject="ontology file",
            )
        )
    plan = Plan(f"{old_label} → {new_label}", tuple(projects), kind="diff")
    return Review(plan, tuple(problems), schemas, old_label)


def diff_files(old: str, new: str) -> Review:
    """``ontokit diff OLD NEW``: two ontology files, two project definitions, or two workspaces."""
    compared = compare_files(Path(old), Path(new), old, new)
    if compared is not None:
        return _with_definitions(diff_versions([], old, new), compared, Path("."))
    texts = []
    for p in (old, new):
        loaded = read_file(p)  # the reader's limits: an oversized file is refused unread
        if loaded.diagnostics and loaded.diagnostics[0].code in _UNREADABLE:
            raise InputError(f"{p}: cannot read: {loaded.diagnostics[0].message}")
        texts.append(loaded.text)
    return diff_versions([Version(new, texts[0], texts[1], old_name=old)], old, new)


def diff_git(base: str, paths: Sequence[str], cwd: Path | None = None) -> Review:
    """``ontokit diff --base REF [PATH...]``: every changed ontology file, project definition and
    workspace against a git revision (a definition also when the ontology file it uses changed)."""
    root = _root(base, cwd)
    scope = _scope(paths, root)
    moved_from, changed = _changes(base, ["."], root)
    with tempfile.TemporaryDirectory(prefix="ontokit-diff-") as scratch:
        old_tree = Tree(Path(scratch), git_tree(base, root, Path(scratch)), lambda rel: f"{base}:{rel}")
        everything = changed | set(moved_from.values())
        compared = compare_definitions(
            old_tree, Tree(root, yaml_files(root)), everything, moved_from, _in(scope)
        )
    versions = [v for v in git_versions(base, list(paths), cwd) if v.path not in compared.referenced]
    return _with_definitions(diff_versions(versions, base, "working tree"), compared, root)


def _with_definitions(review: Review, compared: Compared, root: Path) -> Review:
    """``review`` (of ontology files) with the plans of the definitions and workspaces compared."""
    plan = Plan(review.plan.hub, (*review.plan.projects, *compared.projects), kind="diff")
    diagnostics = (*review.diagnostics, *compared.diagnostics)
    return Review(plan, diagnostics, {**review.schemas, **compared.schemas}, review.old_label, root)


def git_versions(base: str, paths: list[str], cwd: Path | None = None) -> list[Version]:
    """Each ontology file under ``paths`` (default: the whole repository) at ``base`` and in the working
    tree; only files that differ. Project and workspace files are skipped."""
    root = _root(base, cwd)
    scope = _scope(paths, root)
    moved_from, changed = _changes(base, scope, root)
    out = []
    left_out = Excluder(())  # the workspace's `exclude:`, as validate and fmt leave them out
    for rel in sorted(changed):
        if not rel.endswith((".yaml", ".yml")) or left_out(root / rel, find_root((root / rel).parent)):
            continue
        old = _show(base, moved_from.get(rel, rel), root)
        file = root / rel
        new = file.read_text(encoding="utf-8") if file.is_file() else None
        if not any(_kind(t, rel, file) == "ontology" for t in (new, old) if t is not None):
            continue  # project definitions, workspaces and other tools' YAML
        out.append(Version(rel, old, new, moved_from.get(rel), f"{base}:{moved_from.get(rel, rel)}"))
    return out


def _root(base: str, cwd: Path | None) -> Path:
    """The repository's top folder, once ``base`` is known to be a revision of it."""
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(
        ["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"],
        cwd,
        what=f"{base!r} is not a git revision",
    )
    return root


def _scope(paths: Sequence[str], root: Path) -> list[str]:
    return [str(Path(p).resolve().relative_to(root)) if Path(p).exists() else p for p in paths] or ["."]


def _in(scope: list[str]) -> Callable[[str], bool]:
    """Whether a path (relative to the repository) is under one of ``scope``'s paths or patterns."""
    prefixes = [posix.rstrip("/") for posix in (Path(p).as_posix() for p in scope)]
    if "." in prefixes:
        return lambda rel: True
    return lambda rel: any(
        rel == p or rel.startswith(p + "/") or fnmatch.fnmatchcase(rel, p) for p in prefixes
    )


def _changes(base: str, scope: list[str], root: Path) -> tuple[dict[str, str], set[str]]:
    """Files under ``scope`` that differ from ``base`` (untracked ones too), and the moved ones' old
    paths."""
    moved_from: dict[str, str] = {}
    changed: set[str] = set()
    # -z: names as they are; without it git quotes a name with a non-ASCII letter, a quote or a tab
    # ("\303\251.yaml"), which matched no file: its changes went unreported, and past the gate
    fields = _git(["diff", "--name-status", "-z", "-M", base, "--", *scope], root).split("\0")
    i = 0
    while i + 1 < len(fields):
        status = fields[i]
        if status.startswith(("R", "C")) and i + 2 < len(fields):
            if status.startswith("R"):  # a moved file keeps its ids: diff it as one file
                moved_from[fields[i + 2]] = fields[i + 1]
            changed.add(fields[i + 2])
            i += 3
        else:
            changed.add(fields[i + 1])
            i += 2
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard", "--", *scope], root).split("\0")
    return moved_from, changed | {name for name in untracked if name}


@dataclass(frozen=True)
class Shown:
    """What ``ontokit show`` shows: a category schema, the user's keys, and where it came from."""

    schema: CategorySchema | None  # None: the file has errors (see diagnostics)
    keys: dict[str, str]  # schemaId → the user's `key:` (a compiled payload does not carry keys)
    diagnostics: tuple[Diagnostic, ...]
    source: str | None = None  # for a project definition: "project 'X': ontology <file>"


@gc_paused
def show(file: str) -> Shown:
    """The ontology of ``file``: an ontology file, or the one a project definition uses."""
    if detect_kind(read_file(file).data) == "project":
        desired, diags = load_project(file)
        if desired is None:
            return Shown(None, {}, tuple(diags))
        inline = desired.ontology.endswith("(inline)")
        keys = {} if inline else _keys(desired.ontology)
        source = f"project {desired.name!r}: ontology {desired.ontology}"
        return Shown(desired.category_schema, keys, tuple(diags), source)
    result = check_file(file)
    if result.payload is None:
        return Shown(None, {}, result.diagnostics)
    return Shown(CategorySchema(result.payload["categorySchema"]), _keys(file), result.diagnostics)


def _keys(file: str) -> dict[str, str]:
    """schemaId → the user's `key:` of each category (a valid file: the model validates)."""
    data = read_file(file).data
    try:
        resolved = resolve(Ontology.model_validate(data))
    except ValueError:  # pydantic's ValidationError: keys are a nicety of the display
        return {}
    return {n.schema_id: n.model.key for n in resolved.walk() if n.model.key}


def _kind(text: str, name: str, path: Path | None = None) -> FileKind:
    """What a YAML text is (another tool's by its content or its place ``path``, several documents
    too); a version too broken to parse is judged by a lenient parse of its keys."""
    loaded = load_text(text, name)
    kind = classify(loaded, path or name).kind
    duplicates = any(d.code == "duplicate-key" for d in loaded.diagnostics)
    if kind == "other" or loaded.data is not None or not duplicates:
        return kind  # classify told it from the data (or there is none to tell it from)
    try:  # PyYAML keeps the last of duplicate keys; good enough to tell what the file is for
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:
        return "ontology"  # unreadable: let the diff report its errors
    return detect_kind(data)


_UNREADABLE = frozenset({"file-not-found", "not-a-file", "file-unreadable", "file-too-large", "not-utf8"})


def _show(base: str, rel: str, root: Path) -> str | None:
    proc = subprocess.run(["git", "show", f"{base}:{rel}"], cwd=root, capture_output=True, check=False)
    if proc.returncode != 0:
        return None  # not in the base revision: an added file
    return proc.stdout.decode("utf-8", errors="replace")


def _git(args: list[str], cwd: Path | None, what: str | None = None) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise InputError(
            "git is not installed; `ontokit diff OLD NEW` compares two files without it"
        ) from None
    if proc.returncode != 0:
        message = what or (proc.stderr.strip().splitlines() or ["git failed"])[-1]
        raise InputError(f"git {args[0]}: {message}")
    return proc.stdout
