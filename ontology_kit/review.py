"""``ontokit diff``: the plan model between two versions of ontology files, offline (no hub, no key).

Two files (``OLD NEW``), or the working tree against a git revision (``--base REF``, a pull request's
base). Each file's versions are compiled and diffed with the same diff as ``plan``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .errors import InputError
from .plan.diff import diff_category_schema
from .plan.model import Plan, ProjectPlan
from .validate import check_text

__all__ = ["Version", "diff_versions", "git_versions"]


@dataclass(frozen=True)
class Version:
    """One file at two points: its text before and after (None: the file does not exist there)."""

    path: str
    old: str | None
    new: str | None
    moved_from: str | None = None  # the file's path at the base, when git sees it as moved
    old_name: str | None = None  # how diagnostics name the old version (default: "<path> (<old label>)")


def diff_versions(versions: list[Version], old_label: str, new_label: str) -> tuple[Plan, list[Diagnostic]]:
    """The plan between the old and new text of each file; diagnostics when a version is invalid."""
    projects: list[ProjectPlan] = []
    problems: list[Diagnostic] = []
    for v in versions:
        schemas = []
        for text, name in ((v.old, v.old_name or f"{v.path} ({old_label})"), (v.new, v.path)):
            if text is None:
                schemas.append({})
                continue
            result = check_text(text, name)
            if result.payload is None:
                problems.extend(result.diagnostics)
                schemas.append(None)
            else:
                schemas.append(result.payload["categorySchema"])
        old, new = schemas
        if old is None or new is None:
            continue
        changes = diff_category_schema(new, old)
        state = (
            "added"
            if v.old is None
            else "deleted"
            if v.new is None
            else f"moved from {v.moved_from}"
            if v.moved_from
            else None
        )
        label = f"Ontology {v.path}" + (f" ({state})" if state else "")
        projects.append(ProjectPlan(v.path, v.path, None, tuple(changes), "", label=label))
    return Plan(f"{old_label} → {new_label}", tuple(projects), kind="diff"), problems


def git_versions(base: str, paths: list[str], cwd: Path | None = None) -> list[Version]:
    """Each ontology file under ``paths`` (default: the whole repository) at ``base`` and in the working
    tree; only files that differ. Project and workspace files are skipped."""
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(
        ["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"],
        cwd,
        what=f"{base!r} is not a git revision",
    )
    scope = [str(Path(p).resolve().relative_to(root)) if Path(p).exists() else p for p in paths] or ["."]
    moved_from: dict[str, str] = {}
    changed: set[str] = set()
    for line in _git(["diff", "--name-status", "-M", base, "--", *scope], root).splitlines():
        parts = line.split("\t")
        if parts[0].startswith("R") and len(parts) == 3:  # a moved file keeps its ids: diff it as one file
            moved_from[parts[2]] = parts[1]
            changed.add(parts[2])
        elif len(parts) >= 2:
            changed.add(parts[-1])
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--", *scope], root).splitlines()
    out = []
    for rel in sorted(changed | set(untracked)):
        if not rel.endswith((".yaml", ".yml")):
            continue
        old = _show(base, moved_from.get(rel, rel), root)
        file = root / rel
        new = file.read_text(encoding="utf-8") if file.is_file() else None
        if not any(_kind(t, rel) == "ontology" for t in (new, old) if t is not None):
            continue  # project definitions, workspaces and other tools' YAML
        out.append(Version(rel, old, new, moved_from.get(rel), f"{base}:{moved_from.get(rel, rel)}"))
    return out


def _kind(text: str, name: str) -> str:
    """What a YAML text is; a version too broken to parse is judged by a lenient parse of its keys."""
    from .loader import load_text
    from .project.load import detect_kind

    data = load_text(text, name).data
    if data is None:
        import yaml

        try:  # PyYAML keeps the last of duplicate keys; good enough to tell what the file is for
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except Exception:
            return "ontology"  # unreadable: let the diff report its errors
    return detect_kind(data)


def _show(base: str, rel: str, root: Path) -> str | None:
    proc = subprocess.run(["git", "show", f"{base}:{rel}"], cwd=root, capture_output=True)
    if proc.returncode != 0:
        return None  # not in the base revision: an added file
    return proc.stdout.decode("utf-8", errors="replace")


def _git(args: list[str], cwd: Path | None, what: str | None = None) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError:
        raise InputError(
            "git is not installed; `ontokit diff OLD NEW` compares two files without it"
        ) from None
    if proc.returncode != 0:
        message = what or (proc.stderr.strip().splitlines() or ["git failed"])[-1]
        raise InputError(f"git {args[0]}: {message}")
    return proc.stdout
