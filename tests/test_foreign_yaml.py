"""Repository-friendly validation (issue 13, item 3): other tools' YAML is skipped, by content
signature or well-known place, without ever swallowing a broken ontokit file; ``exclude:`` in
``ontokit.yaml`` and ``--exclude`` leave files out, and no pattern leads outside the workspace.

Everything runs in-process (``main``): a repository of the examples plus other tools' files.
"""

from __future__ import annotations

import fnmatch
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ontology_kit.cli import main
from ontology_kit.loader import read_file
from ontology_kit.project.check import check_path
from ontology_kit.project.foreign import TOOLS
from ontology_kit.project.kinds import classify

ROOT = Path(__file__).resolve().parent.parent

#: Other tools' files, as repositories hold them: (path, text, the tool ontokit names).
FOREIGN = {
    "github-action": (
        "action.yml",
        "name: ontokit plan\ndescription: Plan ontology changes\ninputs:\n  path:\n    description: where\n"
        "    default: .\nruns:\n  using: composite\n  steps:\n    - run: ontokit plan\n      shell: bash\n",
        "GitHub Action",
    ),
    "javascript-action": (
        "tools/action.yaml",
        "name: x\nauthor: me\nruns:\n  using: node20\n  main: dist/index.js\nbranding: {icon: box}\n",
        "GitHub Action",
    ),
    "dependabot": (
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n",
        "Dependabot configuration",
    ),
    "dependabot-elsewhere": (
        "config/deps.yml",
        "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n",
        "Dependabot configuration",
    ),
    "workflow": (
        ".github/workflows/x.yml",
        "name: ci\non:\n  pull_request:\n    types: [opened, labeled]\npermissions: {contents: read}\njobs:\n"
        "  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ontokit validate .\n",
        "GitHub Actions workflow",
    ),
    "compose": (
        "compose.yaml",
        "name: hub\nservices:\n  hub:\n    image: ontokit\n    ports: ['8000:8000']\nvolumes:\n  data: {}\n",
        "Docker Compose file",
    ),
    "kubernetes-multi-document": (
        "deploy/hub.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ontokit\n---\napiVersion: apps/v1\n"
        "kind: Deployment\nmetadata:\n  name: hub\nspec:\n  replicas: 1\n---\napiVersion: v1\nkind: Secret\n"
        "type: Opaque\nstringData: {token: x}\n",
        "Kubernetes manifest",
    ),
    "kubernetes-webhooks": (
        "deploy/hooks.yaml",
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n"
        "metadata: {name: v}\nwebhooks:\n  - name: v.example.com\n",
        "Kubernetes manifest",
    ),
    "mkdocs": (
        "mkdocs.yml",
        "site_name: ontokit\nnav:\n  - Home: index.md\ntheme: {name: material}\n",
        "MkDocs configuration",
    ),
    "pre-commit-config": (
        ".pre-commit-config.yaml",
        "repos:\n  - repo: https://example.com/ontokit\n    rev: v0.1.0\n    hooks:\n      - id: ontokit-validate\n",
        "pre-commit configuration",
    ),
    "pre-commit-hooks": (
        "hooks/.pre-commit-hooks.yaml",
        "- id: x\n  name: x\n  entry: x\n  language: python\n",
        "pre-commit hooks",
    ),
    "gitlab-ci": (
        ".gitlab-ci.yml",
        "stages: [test]\nvariables: {PIP_CACHE_DIR: .cache}\nworkflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH\n"
        "validate:\n  stage: test\n  script:\n    - ontokit validate .\n",
        "GitLab CI configuration",
    ),
    "helm-chart": (
        "charts/hub/Chart.yaml",
        "apiVersion: v2\nname: hub\nversion: 0.1.0\ndescription: the local hub\ntype: application\n",
        "Helm chart",
    ),
    "helm-values": (
        "charts/hub/values.yaml",
        "name: hub\ntype: ClusterIP\nsettings: {debug: false}\nreplicaCount: 1\n",
        "Helm values",
    ),
    "helm-template": (
        "charts/hub/templates/deployment.yaml",
        "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\n{{- end }}\n",
        "Helm template",
    ),
    "openapi": (
        "api/openapi.yaml",
        "openapi: 3.1.0\ninfo: {title: Hub, version: '1'}\npaths: {}\nwebhooks: {}\n",
        "OpenAPI description",
    ),
    "ansible-playbook": (
        "ansible/site.yml",
        "- hosts: all\n  tasks:\n    - name: install\n      ansible.builtin.pip: {name: ontokit}\n",
        "Ansible playbook",
    ),
    "ansible-role-tasks": (
        "roles/hub/tasks/main.yml",
        "- name: install\n  ansible.builtin.pip: {name: ontokit}\n",
        "Ansible file",
    ),
    "citation": (
        "CITATION.cff",
        "cff-version: 1.2.0\ntitle: ontokit\nmessage: cite it\nauthors: [{name: me}]\n",
        "Citation File Format",
    ),
    "readthedocs": (
        ".readthedocs.yaml",
        "version: 2\nbuild:\n  os: ubuntu-22.04\n  tools: {python: '3.11'}\nmkdocs: {configuration: mkdocs.yml}\n",
        "Read the Docs configuration",
    ),
    "codecov": (
        "codecov.yml",
        "coverage:\n  status:\n    project: {default: {target: 90%}}\n",
        "Codecov configuration",
    ),
    "conda": (
        "environment.yml",
        "name: ontokit\nchannels: [conda-forge]\ndependencies: [python=3.11]\n",
        "conda environment",
    ),
    "circleci": (
        ".circleci/config.yml",
        "version: 2.1\njobs:\n  t: {docker: [{image: python}], steps: [checkout]}\nworkflows:\n  main: {jobs: [t]}\n",
        "CircleCI configuration",
    ),
    "issue-form": (
        ".github/ISSUE_TEMPLATE/bug.yml",
        "name: Bug\ndescription: a bug\nprojects: [org/1]\nbody:\n  - type: textarea\n    id: what\n",
        "GitHub issue form",
    ),
}

#: Ontokit files that another tool's content or place must not swallow: (path, text, the error).
BROKEN = {
    "ontology-named-action.yml": ("action.yml", "tools:\n  - title: Car\n    typ: point\n", "unknown-field"),
    "ontology-typo-with-runs": (
        "action.yml",
        "tols:\n  - {title: Car, type: point}\nruns: {using: composite, steps: []}\n",
        "unknown-field",
    ),
    "dependabot-keys-and-tools": (
        "dependabot.yml",
        "version: 2\nupdates: []\ntools:\n  - {title: Car, type: pont}\n",
        "invalid-value",
    ),
    "ontology-misspelled-as-mkdocs": (
        "mkdocs.yml",
        "site_name: x\nclasifications:\n  - {title: Q, type: radio, options: [A]}\n",
        "unknown-field",
    ),
    "project-typo-beside-services": (
        "compose.yaml",
        "name: Roads\nontolgy: ontologies/driving-scenes.yaml\nservices: {web: {image: x}}\n",
        "unknown-field",
    ),
    "kubernetes-with-an-ontology-document": (
        "deploy/mixed.yaml",
        "apiVersion: v1\nkind: Namespace\n---\ntools:\n  - {title: Car, type: point}\n",
        "multiple-documents",
    ),
    "gitlab-ci-holding-an-ontology": (
        ".gitlab-ci.yml",
        "stages: [test]\ntools:\n  - {title: Car, type: point, colr: red}\n",
        "unknown-field",
    ),
    "helm-values-holding-an-ontology": (
        "charts/hub/values.yaml",
        "relations:\n  - {title: Tows, type: one-too-one}\n",
        "unknown-type",
    ),
    "workspace-with-issue-form-keys": (  # found by test_no_tool_swallows_an_ontokit_file
        "action.yml",
        "projects:\n  - projects/*.yaml\nname: Bug\ndescription: a bug\nbody:\n  - type: textarea\n    id: what\n",
        "unknown-field",
    ),
    "workspace-typo-in-workflows-folder": (
        "ontokit.yaml",
        "projects: [projects/*.yaml]\nexclde: [x]\n",
        "unknown-field",
    ),
}


def ontokit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The CLI in-process: exit code, stdout, stderr (never an internal error)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert code != 4, err
    return code, out, err


def repository(folder: Path, files: dict[str, str]) -> Path:
    """A git repository (a `.git` marker: the workspace root) holding the examples and ``files``."""
    shutil.copytree(ROOT / "examples", folder, ignore=shutil.ignore_patterns("data"))
    (folder / ".git").mkdir()
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The examples plus every other tool's file above, the current folder."""
    folder = repository(tmp_path / "repo", {path: text for path, text, _ in FOREIGN.values()})
    monkeypatch.chdir(folder)
    return folder


# -- the Done-when item: `ontokit validate .` on a real repository -----------------------------------------
def test_validate_dot_passes_on_a_repository_of_examples_and_other_tools(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = ontokit(capsys, "validate", ".", "-v")
    assert code == 0, out + err
    assert out.startswith("ok: ") and "other YAML files skipped" in out, out
    # hidden files are not walked; the others are each named with their tool
    walked = [
        i for i, (path, _, _) in FOREIGN.items() if not any(p.startswith(".") for p in Path(path).parts)
    ]
    for ident in walked:
        path, _, tool = FOREIGN[ident]
        if path.endswith((".yaml", ".yml")):
            assert f"skipped {path}: {tool}\n" in err, (ident, err)
    assert ontokit(capsys, "fmt", "--check", ".")[0] == 0


def test_every_file_named_one_by_one_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pre-commit names the files one by one, hidden ones too (`.gitlab-ci.yml`)."""
    files = [path for path, _, _ in FOREIGN.values()]
    code, out, err = ontokit(capsys, "validate", *files)
    assert code == 0, out + err
    assert out == f"ok: 0 files valid ({len(files)} other YAML files skipped)\n"
    code, out, _ = ontokit(capsys, "validate", "--format", "json", *files)
    report = json.loads(out)
    assert report["skipped"] == files and report["files"] == []
    assert report["skipped_tools"] == {path: tool for path, _, tool in FOREIGN.values()}


@pytest.mark.parametrize(("path", "text", "tool"), FOREIGN.values(), ids=FOREIGN.keys())
def test_each_tool_is_recognised_and_left_alone(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: str,
    text: str,
    tool: str,
) -> None:
    chart = FOREIGN["helm-chart"]  # a chart's values and templates are known beside its Chart.yaml
    folder = repository(
        tmp_path / "repo", {path: text, **({chart[0]: chart[1]} if "charts/" in path else {})}
    )
    monkeypatch.chdir(folder)
    code, out, err = ontokit(capsys, "validate", "-v", path)
    assert (code, out) == (0, "ok: 0 files valid (1 other YAML file skipped)\n"), out + err
    assert err == f"skipped {path}: {tool}\n"
    code, out, err = ontokit(capsys, "fmt", "-v", path)
    assert (code, out) == (0, "") and err.startswith(f"skipped {path}: {tool}\n"), err
    assert (folder / path).read_text(encoding="utf-8") == text  # fmt leaves it as it is


#: Tools known by their content alone, whatever the file's name.
BY_CONTENT = [
    "github-action",
    "dependabot",
    "workflow",
    "compose",
    "kubernetes-multi-document",
    "mkdocs",
    "pre-commit-config",
    "pre-commit-hooks",
    "gitlab-ci",
    "openapi",
    "ansible-playbook",
    "circleci",
    "conda",
    "citation",
    "issue-form",
]


@pytest.mark.parametrize(
    ("path", "text", "tool"),
    # an issue form's projects: is ontokit's defining key, the form's only at its place (the cases by place)
    [
        (f"elsewhere/{i}.yaml", FOREIGN[i][1].replace("projects: [org/1]\n", ""), FOREIGN[i][2])
        for i in BY_CONTENT
    ],
    ids=BY_CONTENT,
)
def test_content_alone_is_enough(path: str, text: str, tool: str, tmp_path: Path) -> None:
    """Under a name that says nothing (`elsewhere/x.yaml`), the content signature decides."""
    file = tmp_path / path
    file.parent.mkdir(parents=True)
    file.write_text(text, encoding="utf-8")
    assert classify(read_file(file), file) == ("other", tool)


# -- never swallowing an ontokit file --------------------------------------------------------------------
@pytest.mark.parametrize(("path", "text", "code"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_ontokit_file_among_them_still_fails(
    repo: Path, capsys: pytest.CaptureFixture[str], path: str, text: str, code: str
) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text, encoding="utf-8")
    status, out, err = ontokit(capsys, "validate", ".", path)
    assert status == 1, out + err
    assert any(line.startswith(f"{path}:") and f"error[{code}]" in line for line in out.splitlines()), out


SIGNATURES = [text for path, text, _ in FOREIGN.values() if not text.startswith(("-", "{"))]
EXAMPLES = [
    p
    for p in sorted((ROOT / "examples").rglob("*.yaml"))
    if "data" not in p.parts and classify(read_file(p), p).kind != "other"
]


def _typo(draw: st.DrawFn, key: str) -> str:
    i = draw(st.integers(0, len(key) - 1))
    how = draw(st.sampled_from(["none", "delete", "insert", "replace"]))
    letter = draw(st.sampled_from("aeiosx"))
    return {
        "none": key,
        "delete": key[:i] + key[i + 1 :],
        "insert": key[:i] + letter + key[i:],
        "replace": key[:i] + letter + key[i + 1 :],
    }[how]


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    """An example ontokit file, one of its defining keys maybe misspelled, merged with another tool's
    top-level keys, at another tool's well-known place."""
    example = draw(st.sampled_from(EXAMPLES))
    own = example.read_text(encoding="utf-8")
    defining = [
        k
        for k in ("tools", "classifications", "relations", "ontology", "projects")
        if f"\n{k}:" in "\n" + own
    ]
    key = draw(st.sampled_from(defining))
    typo = _typo(draw, key)
    own = ("\n" + own).replace(f"\n{key}:", f"\n{typo}:", 1)[1:]
    other = draw(st.sampled_from(SIGNATURES))
    place = draw(st.sampled_from([path for path, _, _ in FOREIGN.values()]))
    # at a tool's own place, a defining key that tool uses too (an issue form's projects:) is the tool's
    assume(not any(typo in t.keys and any(fnmatch.fnmatchcase(place, p) for p in t.paths) for t in TOOLS))
    # the other tool's keys first or last; a key both have is kept once (the ontokit file's)
    theirs = "".join(
        block for block in _top_level_blocks(other) if block.split(":", 1)[0] not in _top_level_keys(own)
    )
    return place, (theirs + own if draw(st.booleans()) else own + theirs)


def _top_level_blocks(text: str) -> list[str]:
    blocks: list[str] = []
    for line in text.splitlines(keepends=True):
        if line[:1].strip() and not line.startswith(("#", "---")):
            blocks.append(line)
        elif blocks:
            blocks[-1] += line
    return blocks


def _top_level_keys(text: str) -> set[str]:
    return {b.split(":", 1)[0] for b in _top_level_blocks(text)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(disguised())
def test_no_tool_swallows_an_ontokit_file(case: tuple[str, str]) -> None:
    """An ontokit file with another tool's keys, a typo, at another tool's place: still checked (a
    kind of ontokit's) and, since it has keys no ontokit file has, reported."""
    place, text = case
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / place
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
        assert classify(read_file(file), file).kind != "other", text
        assert not check_path(file).ok, text


# -- exclude ----------------------------------------------------------------------------------------------
BAD = "tools:\n  - {title: Car, type: pont}\n"
UNFORMATTED = "tools:\n  - type: point\n    title: Car\n"


@pytest.fixture
def excluded_repo(repo: Path) -> Path:
    """The repository plus generated files that do not validate (and are not formatted)."""
    for name in ("generated/bad.yaml", "generated/deep/worse.yml", "fixtures/invalid.gen.yaml"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(BAD, encoding="utf-8")
    return repo


def _workspace_exclude(repo: Path, patterns: list[str]) -> None:
    workspace = repo / "ontokit.yaml"
    workspace.write_text(
        workspace.read_text(encoding="utf-8")
        + "exclude:\n"
        + "".join(f"  - {json.dumps(p)}\n" for p in patterns),
        encoding="utf-8",
    )


def test_without_exclusions_the_generated_files_fail(
    excluded_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = ontokit(capsys, "validate", ".")
    assert code == 1 and "generated/bad.yaml:2:" in out and "fixtures/invalid.gen.yaml:2:" in out


@pytest.mark.parametrize(
    "patterns",
    [
        pytest.param(["generated", "*.gen.yaml"], id="names-at-any-depth"),
        pytest.param(["generated/", "fixtures/*"], id="folders-and-paths"),
        pytest.param(["./generated/*", "fixtures/invalid.gen.yaml"], id="dot-slash-and-a-file"),
        pytest.param(["generated/*", "fixtures/[i]nvalid*"], id="star-crosses-slashes-and-sets"),
    ],
)
@pytest.mark.parametrize("where", ["ontokit.yaml", "--exclude"])
def test_exclude(
    excluded_repo: Path, capsys: pytest.CaptureFixture[str], patterns: list[str], where: str
) -> None:
    args: list[str] = []
    if where == "ontokit.yaml":
        _workspace_exclude(excluded_repo, patterns)
    else:
        args = [a for p in patterns for a in ("--exclude", p)]
    code, out, err = ontokit(capsys, "validate", ".", "-v", *args)
    assert code == 0, out + err
    assert out.rstrip().endswith("skipped, 3 excluded)"), out
    assert "excluded generated/bad.yaml\n" in err and "excluded generated/deep/worse.yml\n" in err
    # the same walker for fmt, and for files named one by one (pre-commit)
    (excluded_repo / "generated/bad.yaml").write_text(UNFORMATTED, encoding="utf-8")
    code, _, err = ontokit(capsys, "fmt", "--check", ".", *args)
    assert code == 0 and "3 excluded" in err, err
    code, out, _ = ontokit(capsys, "validate", "generated/deep/worse.yml", "fixtures/invalid.gen.yaml", *args)
    assert (code, out) == (0, "ok: 0 files valid (2 excluded)\n")
    code, out, _ = ontokit(capsys, "validate", "--format", "json", "generated", *args)
    assert json.loads(out)["excluded"] == ["generated/bad.yaml", "generated/deep/worse.yml"]


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        pytest.param("bad.yaml", "generated/bad.yaml", True, id="name-anywhere"),
        pytest.param("generated/bad.yaml", "generated/bad.yaml", True, id="path-from-root"),
        pytest.param("bad.yaml/", "generated/bad.yaml", False, id="trailing-slash-folders-only"),
        pytest.param("deep/*", "generated/deep/worse.yml", False, id="a-path-starts-at-the-root"),
        pytest.param("Generated", "generated/bad.yaml", False, id="case-sensitive"),
        pytest.param("gen*", "generated/bad.yaml", True, id="a-folder-name-glob"),
    ],
)
def test_pattern_semantics(
    excluded_repo: Path, capsys: pytest.CaptureFixture[str], pattern: str, path: str, excluded: bool
) -> None:
    code, out, _ = ontokit(capsys, "validate", path, "--exclude", pattern)
    assert (code == 0) is excluded, out
    assert ("(1 excluded)" in out) is excluded


HOSTILE = [
    pytest.param("../*", "path-outside-root", id="dotdot"),
    pytest.param("..", "path-outside-root", id="dotdot-alone"),
    pytest.param("generated/../../*", "path-outside-root", id="dotdot-inside"),
    pytest.param("/etc/*", "absolute-path", id="absolute"),
    pytest.param("C:\\Windows\\*", "absolute-path", id="drive"),
    pytest.param("\\\\server\\share\\*", "path-outside-root", id="backslashes"),
    pytest.param("", "path-outside-root", id="empty"),
]


@pytest.mark.parametrize(("pattern", "code"), HOSTILE)
def test_a_hostile_pattern_on_the_command_line_is_a_usage_error(
    excluded_repo: Path, capsys: pytest.CaptureFixture[str], pattern: str, code: str
) -> None:
    for command in ("validate", "fmt"):
        status, out, err = ontokit(capsys, command, ".", "--exclude", "generated", "--exclude", pattern)
        assert status == 1 and out == "", err
        [line] = [line for line in err.splitlines() if line.startswith("Error:")]
        assert "'--exclude'" in line and "exclude pattern" in line, err


@pytest.mark.parametrize(("pattern", "code"), HOSTILE)
def test_a_hostile_pattern_in_the_workspace_is_an_error_at_its_line(
    excluded_repo: Path, capsys: pytest.CaptureFixture[str], pattern: str, code: str
) -> None:
    _workspace_exclude(excluded_repo, ["generated", pattern])
    status, out, _ = ontokit(capsys, "validate", "ontokit.yaml")
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(
        f"ontokit.yaml:{len(excluded_repo.joinpath('ontokit.yaml').read_text().splitlines())}:"
    )
    assert f"error[{code}]" in lines[0] and len(lines) == 2, out
    # refused, it leaves nothing out; the valid pattern still does
    status, out, _ = ontokit(capsys, "validate", "generated/bad.yaml")
    assert (status, out) == (0, "ok: 0 files valid (1 excluded)\n")


def test_diff_base_leaves_other_tools_and_excluded_files_alone(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ontokit diff --base` (the pull-request check) on the same repository: a changed Kubernetes
    manifest of several documents, a Helm template and an excluded file are not ontologies."""
    import subprocess

    shutil.rmtree(repo / ".git")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=repo, check=True)
    manifest = repo / FOREIGN["kubernetes-multi-document"][0]
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("replicas: 1", "replicas: 2"), encoding="utf-8"
    )
    template = repo / FOREIGN["helm-template"][0]
    template.write_text(template.read_text(encoding="utf-8") + "{{- /* changed */}}\n", encoding="utf-8")
    (repo / "generated").mkdir()
    (repo / "generated/bad.yaml").write_text(BAD, encoding="utf-8")
    _workspace_exclude(repo, ["generated/"])
    code, out, err = ontokit(capsys, "diff", "--base", "HEAD")
    assert code == 0, out + err
    (repo / "ontokit.yaml").write_text((repo / "ontokit.yaml").read_text().replace("generated/", "x/"))
    code, out, _ = ontokit(capsys, "diff", "--base", "HEAD")
    assert code == 1 and "generated/bad.yaml:2:" in out + _


def test_yaml_of_no_known_tool_is_skipped_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """None of its keys is (a typo of) an ontokit key: skipped, as before, and -v says it is no known
    tool's; one key like `tols:` makes it an ontology with errors."""
    (tmp_path / "notes.yaml").write_text("owner: me\nreviewed: 2024-01-01\n", encoding="utf-8")
    code, out, err = ontokit(capsys, "validate", "-v", str(tmp_path / "notes.yaml"))
    assert (code, out) == (0, "ok: 0 files valid (1 other YAML file skipped)\n")
    assert (
        err
        == f"skipped {tmp_path / 'notes.yaml'}: not an ontokit file (its keys are not ontokit's), of no tool ontokit knows\n"
    )
    (tmp_path / "notes.yaml").write_text("owner: me\nreviewed: 2024-01-01\ntols: []\n", encoding="utf-8")
    assert ontokit(capsys, "validate", str(tmp_path / "notes.yaml"))[0] == 1
