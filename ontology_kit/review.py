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


def diff_versions(versions: list[Version], old_label: str, new_label: str) -> tuple[Plan, list[Diagnostic]]:
    """The plan between the old and new text of each file; diagnostics when a version is invalid."""
    projects: list[ProjectPlan] = []
    problems: list[Diagnostic] = []
    for v in versions:
        schemas = []
        for text, label in ((v.old, old_label), (v.new, new_label)):
            if text is None:
                schemas.append({})
                continue
            result = check_text(text, f"{v.path} ({label})")
            if result.payload is None:
                problems.extend(result.diagnostics)
                schemas.append(None)
            else:
                schemas.append(result.payload["categorySchema"])
        old, new = schemas
        if old is None or new is None:
            continue
        changes = diff_category_schema(new, old)
        state = "added" if v.old is None else "deleted" if v.new is None else None
        label = f"Ontology {v.path}" + (f" ({state})" if state else "")
        projects.append(ProjectPlan(v.path, v.path, None, tuple(changes), "", label=label))
    return Plan(f"{old_label} → {new_label}", tuple(projects), kind="diff"), problems


def git_versions(base: str, paths: list[str], cwd: Path | None = None) -> list[Version]:
    """Each ontology file under ``paths`` (default: the whole repository) at ``base`` and in the working
    tree; only files that differ. Project and workspace files are skipped."""
    from .loader import load_text
    from .project.load import detect_kind

    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], cwd, what=f"{base!r} is not a git revision")
    scope = [str(Path(p).resolve().relative_to(root)) if Path(p).exists() else p for p in paths] or ["."]
    changed = _git(["diff", "--name-only", "--no-renames", base, "--", *scope], root).splitlines()
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--", *scope], root).splitlines()
    out = []
    for rel in sorted(set(changed) | set(untracked)):
        if not rel.endswith((".yaml", ".yml")):
            continue
        old = _show(base, rel, root)
        file = root / rel
        new = file.read_text(encoding="utf-8") if file.is_file() else None
        sample = new if new is not None else old
        if sample is None or detect_kind(load_text(sample, rel).data) != "ontology":
            continue
        out.append(Version(rel, old, new))
    return out


def _show(base: str, rel: str, root: Path) -> str | None:
    proc = subprocess.run(["git", "show", f"{base}:{rel}"], cwd=root, capture_output=True)
    if proc.returncode != 0:
        return None  # not in the base revision: an added file
    return proc.stdout.decode("utf-8", errors="replace")


def _git(args: list[str], cwd: Path | None, what: str | None = None) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError:
        raise InputError("git is not installed; `ontokit diff OLD NEW` compares two files without it") from None
    if proc.returncode != 0:
        message = what or (proc.stderr.strip().splitlines() or ["git failed"])[-1]
        raise InputError(f"git {args[0]}: {message}")
    return proc.stdout
