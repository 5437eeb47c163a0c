"""``ontokit diff`` of project definitions and workspaces: what ``plan`` would show, between two trees.

A tree is a folder of files: the working tree, or a git revision written out to a scratch folder
(:func:`git_tree`, YAML files and symbolic links only). In each tree every project definition and
workspace is found by its keys (``project/kinds.py``); a definition is compared when it, or the
ontology file it references on either side, changed (a shared ontology changes every project that
uses it). Each side is loaded as ``plan`` loads it (``project/load.py``) and the two desired states
are diffed by ``plan/desired_diff.py``. A workspace's ``hub:`` and the definitions it lists are
compared too (warnings: they change what ``plan`` looks at, not a project).
"""

from __future__ import annotations

import dataclasses
import glob
import os
import posixpath
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .category_schema import CategorySchema
from .diagnostics import Diagnostic
from .errors import InputError
from .loader import MAX_FILE_BYTES, load_text
from .loader.paths import find_root
from .plan.desired_diff import diff_desired, ontology_reference
from .plan.model import ProjectPlan
from .project.kinds import FileKind, detect_kind
from .project.load import load_project
from .state import DesiredProject

__all__ = ["Compared", "Tree", "compare_definitions", "compare_files", "git_tree", "yaml_files"]

#: Cheap test before parsing: only a file with one of these keys can be a definition or a workspace.
_CANDIDATE = re.compile(r"(?:^|[\s{,])[\"']?(?:ontology|projects)[\"']?\s*:", re.MULTILINE)
_YAML = (".yaml", ".yml")

Schemas = dict[str, tuple[CategorySchema | None, CategorySchema | None]]


@dataclass(frozen=True)
class Tree:
    """One side of a diff: the folder its files are read from, its YAML files (relative, ``/``), and
    how diagnostics name a file of it."""

    root: Path
    files: frozenset[str]
    shown: Callable[[str], str] = lambda rel: rel


@dataclass
class Compared:
    """What comparing the definitions of two trees found."""

    projects: list[ProjectPlan] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    schemas: Schemas = field(default_factory=dict)
    # ontology files some definition references (either side): shown through those projects
    referenced: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _File:
    kind: FileKind
    ontology: str | None = None  # a definition's ontology file (relative to the tree), None: inline
    data: Any = None


def yaml_files(root: Path) -> frozenset[str]:
    """The YAML files of a git working tree: tracked, and untracked unless ignored."""
    args = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    out = _run(args, root).split("\0")
    return frozenset(p for p in out if p.endswith(_YAML) and (root / p).is_file())


def git_tree(base: str, root: Path, into: Path) -> frozenset[str]:
    """Write the YAML files and symbolic links of revision ``base`` under ``into``; its YAML files."""
    listing = _run(["git", "ls-tree", "-r", "-z", "--full-tree", base], root).split("\0")
    wanted: list[tuple[str, str, str]] = []  # (mode, object, path)
    for entry in listing:
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and (parts[0] == "120000" or path.endswith(_YAML)):
            wanted.append((parts[0], parts[2], path))
    if not wanted:
        return frozenset()
    batch = "".join(f"{obj}\n" for _, obj, _ in wanted).encode()
    proc = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=root, input=batch, capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise InputError(f"git cat-file: cannot read {base!r}")
    data, at, files = proc.stdout, 0, set()
    for mode, _, path in wanted:
        header_end = data.index(b"\n", at)
        size = int(data[at:header_end].split()[2])
        body = data[header_end + 1 : header_end + 1 + size]
        at = header_end + 2 + size
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            os.symlink(os.fsdecode(body), target)
        else:
            target.write_bytes(body)
        if path.endswith(_YAML):
            files.add(path)
    return frozenset(files)


def compare_definitions(
    old: Tree,
    new: Tree,
    changed: set[str],
    moved_from: Mapping[str, str],
    in_scope: Callable[[str], bool],
) -> Compared:
    """The plans of every definition (and workspace) that differs between ``old`` and ``new``.

    ``changed`` holds the paths that differ (both paths of a moved file); ``moved_from`` maps a moved
    file's new path to its old one; ``in_scope`` says whether a path is among those asked about."""
    out = Compared()
    before, after = _scan(old), _scan(new)
    for files in (before, after):
        out.referenced.update(f.ontology for f in files.values() if f.kind == "project" and f.ontology)
    pairs = _pairs(before, after, moved_from)
    for old_rel, new_rel in pairs:
        kind = (after[new_rel] if new_rel is not None else before[old_rel or ""]).kind
        sides = [p for p in (old_rel, new_rel) if p is not None]
        refs = [f.ontology for f in (before.get(old_rel or ""), after.get(new_rel or "")) if f and f.ontology]
        if not any(p in changed for p in [*sides, *refs]) or not any(map(in_scope, [*sides, *refs])):
            continue
        if kind == "project":
            _compare_project(old, new, old_rel, new_rel, out)
        else:
            _compare_workspace(old, new, old_rel, new_rel, before, after, out)
    return out


def _pairs(
    before: Mapping[str, _File], after: Mapping[str, _File], moved_from: Mapping[str, str]
) -> list[tuple[str | None, str | None]]:
    """(old path, new path) of each definition and workspace: the same file (or one git sees as
    moved), else a definition of the same project (its id, else its name) that moved and changed."""
    pairs: dict[str, str | None] = {}
    for rel, f in after.items():
        moved = moved_from.get(rel, rel)
        pairs[rel] = moved if moved in before and before[moved].kind == f.kind else None
    used = set(pairs.values())
    left = {_identity(f): rel for rel, f in before.items() if rel not in used and f.kind == "project"}
    for rel in [rel for rel, old in pairs.items() if old is None and after[rel].kind == "project"]:
        pairs[rel] = left.pop(_identity(after[rel]), None)
    used = set(pairs.values())
    return [(old, rel) for rel, old in pairs.items()] + [(rel, None) for rel in before if rel not in used]


def _identity(f: _File) -> tuple[str, str]:
    """How plan finds a definition's project: by its id, else by its name."""
    id_, name = _get(f.data, "id"), _get(f.data, "name")
    return ("id", str(id_)) if id_ else ("name", str(name))


def compare_files(old: Path, new: Path, shown_old: str, shown_new: str) -> Compared | None:
    """``ontokit diff OLD NEW`` of two project definitions, or two workspaces (with the definitions
    they list, matched by their path in the workspace's folder). None: neither file is one of those.

    Raises:
        InputError: one file is a definition or workspace and the other is not the same kind.
    """
    if not (old.is_file() and new.is_file()):
        return None  # the ontology diff says which one cannot be read
    old_file, new_file = _scan_one(old, shown_old), _scan_one(new, shown_new)
    kinds = {old_file.kind, new_file.kind}
    if not kinds & {"project", "workspace"}:
        return None
    if len(kinds) > 1:
        raise InputError(
            f"{shown_old} is {_a(old_file.kind)} and {shown_new} {_a(new_file.kind)}: "
            "diff compares two files of one kind"
        )
    out = Compared()
    old_tree = Tree(old.parent, frozenset(), lambda _: shown_old)
    new_tree = Tree(new.parent, frozenset(), lambda _: shown_new)
    if old_file.kind == "project":
        _compare_project(old_tree, new_tree, old.name, new.name, out, shown_new)
        return out
    _compare_workspace(
        old_tree, new_tree, old.name, new.name, {old.name: old_file}, {new.name: new_file}, out
    )
    old_members = _members(old_tree, old.name, old_file.data)
    new_members = _members(new_tree, new.name, new_file.data)
    plain = (Tree(old.parent, frozenset()), Tree(new.parent, frozenset()))
    for rel in sorted(old_members | new_members):
        _compare_project(
            *plain, rel if rel in old_members else None, rel if rel in new_members else None, out
        )
    return out


def _a(kind: FileKind) -> str:
    return {
        "project": "a project definition",
        "workspace": "a workspace",
        "ontology": "an ontology",
        "other": "not an ontokit file",
    }[kind]


# -- one definition ---------------------------------------------------------------------------------
def _root(tree: Tree, rel: str) -> Path:
    """The workspace root of a definition as `plan` finds it (the nearest folder holding
    ``ontokit.yaml`` or ``.git``), but never above the tree and never without a marker: a base
    revision is written to a scratch folder without ``.git``, where the search finds nothing and
    would fall back to the file's own folder."""
    top = Path(os.path.abspath(tree.root))
    found = find_root((tree.root / rel).parent)
    marked = (found / "ontokit.yaml").is_file() or (found / ".git").exists()
    return found if marked and (found == top or top in found.parents) else top


def _load(tree: Tree, rel: str | None, out: Compared) -> tuple[DesiredProject | None, bool]:
    """A side's desired state (None: no such file) and whether it loaded."""
    if rel is None:
        return None, True
    root = _root(tree, rel)
    desired, diags = load_project(tree.root / rel, rel, root=root)
    if desired is None:
        shown = tree.shown(rel)
        if shown != rel:  # name the file as the user knows it (`main:projects/cars.yaml`)
            diags = load_project(tree.root / rel, shown, root=root)[1]
            # The scratch folder a revision is written to means nothing to the user: name the revision.
            scratch = str(Path(os.path.abspath(tree.root)))
            diags = [
                dataclasses.replace(d, message=d.message.replace(scratch, tree.shown("."))) for d in diags
            ]
        out.diagnostics.extend(diags)
        return None, False
    return desired, True


def _compare_project(
    old_tree: Tree,
    new_tree: Tree,
    old_rel: str | None,
    new_rel: str | None,
    out: Compared,
    shown: str | None = None,
) -> None:
    old, old_ok = _load(old_tree, old_rel, out)
    new, new_ok = _load(new_tree, new_rel, out)
    if not (old_ok and new_ok):
        return
    rel = shown or new_rel or old_rel or ""
    either = new if new is not None else old
    name = either.name if either is not None else rel
    state = (
        " (added)"
        if old_rel is None
        else " (deleted)"
        if new_rel is None
        else f" (moved from {old_rel})"
        if old_rel != new_rel and shown is None
        else ""
    )
    label = f"Project {_quoted(name)}, from {rel}{state}"
    plan = diff_desired(old, new, label, rel)
    if plan.changes or plan.warnings or plan.unmanaged:
        out.projects.append(plan)
        out.schemas[plan.name] = (
            old.category_schema if old is not None else None,
            new.category_schema if new is not None else None,
        )
    for side in (old, new):
        if side is not None and ontology_reference(side) != "(inline)":
            out.referenced.add(ontology_reference(side))


# -- workspaces -------------------------------------------------------------------------------------
def _compare_workspace(
    old_tree: Tree,
    new_tree: Tree,
    old_rel: str | None,
    new_rel: str | None,
    before: Mapping[str, _File],
    after: Mapping[str, _File],
    out: Compared,
) -> None:
    rel = new_rel or old_rel or ""
    old_data = before[old_rel].data if old_rel is not None else None
    new_data = after[new_rel].data if new_rel is not None else None
    warnings: list[str] = []
    old_hub, new_hub = (_get(d, "hub") for d in (old_data, new_data))
    if old_data is not None and new_data is not None and old_hub != new_hub:
        old_shown, new_shown = (repr(h) if h is not None else "not set" for h in (old_hub, new_hub))
        warnings.append(f"hub: {old_shown} → {new_shown}: plan and apply of this workspace use another hub")
    old_members = _members(old_tree, old_rel, old_data) if old_rel is not None else set()
    new_members = _members(new_tree, new_rel, new_data) if new_rel is not None else set()
    if new_rel is not None:
        warnings += [
            f"{m} is now listed: `ontokit plan` of this workspace manages it"
            for m in sorted(new_members - old_members)
        ]
    if old_rel is not None:
        warnings += [
            f"{m} is no longer listed: `ontokit plan` of this workspace leaves its project as it is"
            for m in sorted(old_members - new_members)
        ]
    if warnings:
        out.projects.append(
            ProjectPlan(
                rel,
                rel,
                None,
                (),
                "",
                warnings=tuple(warnings),
                label=f"Workspace {rel}",
                subject="workspace",
            )
        )


def _members(tree: Tree, rel: str | None, data: Any) -> set[str]:
    """The definition files a workspace lists (globs expanded), relative to the tree."""
    entries = _get(data, "projects")
    if rel is None or not isinstance(entries, list):
        return set()
    folder = posixpath.dirname(rel)
    found: set[str] = set()
    for entry in entries:
        if not isinstance(entry, str):
            continue
        pattern = posixpath.normpath(posixpath.join(folder, entry))
        if glob.has_magic(entry):
            matches = glob.glob(str(tree.root / pattern), recursive=True)
            found.update(Path(m).relative_to(tree.root).as_posix() for m in matches if Path(m).is_file())
        elif (tree.root / pattern).is_file():
            found.add(pattern)
    return found


# -- reading a tree ---------------------------------------------------------------------------------
def _scan(tree: Tree) -> dict[str, _File]:
    """Every definition and workspace of a tree, with the ontology file each definition references.
    A file that is a symbolic link out of the tree is not read (its content is none of the diff's)."""
    out: dict[str, _File] = {}
    top = tree.root.resolve()
    for rel in sorted(tree.files):
        path = tree.root / rel
        if path.is_symlink() and not path.resolve().is_relative_to(top):
            continue
        found = _scan_one(path, rel)
        if found.kind in ("project", "workspace"):
            out[rel] = found
    return out


def _scan_one(path: Path, rel: str) -> _File:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:  # too large to be either; validate says so
            return _File("other")
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return _File("other")
    if not _CANDIDATE.search(text):
        return _File("ontology")
    data = load_text(text, rel).data
    kind = detect_kind(data)
    ontology = _get(data, "ontology")
    ref = (
        posixpath.normpath(posixpath.join(posixpath.dirname(rel), ontology))
        if isinstance(ontology, str)
        else None
    )
    return _File(kind, ref if kind == "project" else None, data)


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _run(args: list[str], cwd: Path) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, check=False)
    if proc.returncode != 0:
        message = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["git failed"])[-1]
        raise InputError(f"{args[0]} {args[1]}: {message}")
    return proc.stdout.decode("utf-8", "surrogateescape")
