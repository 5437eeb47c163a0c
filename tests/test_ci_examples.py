"""The CI examples (issue 13, item 1): ``examples/ci/github/*.yml`` and ``examples/ci/gitlab/.gitlab-ci.yml``
(docs/ci.md).

Without GitHub or GitLab: each file against its vendor's schema (check-jsonschema's vendored copies) and
the GitHub workflows through zizmor's offline audits; each behaviour the issue asks for as a property of
the parsed YAML; and the shell of the steps that decide (the review gate, the comment's body, the plan
and both applies) and the comment script itself, run as written against the real ontokit and, for the
script, Node with a fake GitHub API.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import clean_env
from test_review import git
from test_review_projects import INLINE, init_repo

from ontology_kit import __version__

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / "examples" / "ci" / "github"
GITLAB = ROOT / "examples" / "ci" / "gitlab" / ".gitlab-ci.yml"
WORKFLOWS = sorted(GITHUB.glob("*.yml"))
REVIEW, COMMENT, APPLY = (GITHUB / f"ontokit-{n}.yml" for n in ("review", "comment", "apply"))
MARKER = "<!-- ontokit -->"
INSTALL = f'pip install "ontokit @ git+https://github.com/<org>/ontokit@v{__version__}"'


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def triggers(doc: dict[str, Any]) -> dict[str, Any]:
    on = doc.get("on", doc.get(True))  # PyYAML reads the key `on` as YAML 1.1's true
    assert isinstance(on, dict)
    return on


def jobs(path: Path) -> dict[str, dict[str, Any]]:
    return load(path)["jobs"]  # type: ignore[no-any-return]


def all_jobs() -> dict[str, dict[str, Any]]:
    return {f"{p.stem}:{name}": job for p in WORKFLOWS for name, job in jobs(p).items()}


def steps_running(job: dict[str, Any], words: str) -> list[dict[str, Any]]:
    return [s for s in job.get("steps", []) if words in str(s.get("run", ""))]


def uses(job: dict[str, Any]) -> list[str]:
    return [str(s["uses"]).split("@")[0] for s in job.get("steps", []) if "uses" in s]


def gitlab_jobs() -> dict[str, dict[str, Any]]:
    return {k: v for k, v in load(GITLAB).items() if isinstance(v, dict) and "script" in v}


def gitlab_script(job: str) -> list[str]:
    return [str(line) for line in gitlab_jobs()[job]["script"]]


def test_the_examples_are_the_ones_documented() -> None:
    assert [p.name for p in WORKFLOWS] == ["ontokit-apply.yml", "ontokit-comment.yml", "ontokit-review.yml"]
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for path in [*WORKFLOWS, GITLAB]:
        assert str(path.relative_to(ROOT)) in docs, f"docs/ci.md does not link {path.name}"
    assert not (ROOT / "examples" / "ci" / "ontokit.yml").exists()  # the old single workflow is gone
    for doc in ("README.md", "docs/review.md", "docs/ci.md"):
        assert "examples/ci/ontokit.yml" not in (ROOT / doc).read_text(encoding="utf-8"), doc


# -- schemas and audits -------------------------------------------------------------------------------


def check_jsonschema(schema: str, *files: Path) -> tuple[int, str]:
    from check_jsonschema.cli.main_command import main

    result = CliRunner().invoke(main, ["--builtin-schema", schema, *map(str, files)])
    return result.exit_code, result.output


def test_the_github_workflows_match_github_s_workflow_schema(tmp_path: Path) -> None:
    code, output = check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert code == 0, output
    broken = tmp_path / "broken.yml"  # the check can fail: a permission GitHub does not know
    broken.write_text(REVIEW.read_text(encoding="utf-8").replace("contents: read", "contents: wrte"), "utf-8")
    code, output = check_jsonschema("vendor.github-workflows", broken)
    assert code == 1 and "broken.yml" in output


def test_the_gitlab_pipeline_matches_gitlab_s_schema(tmp_path: Path) -> None:
    code, output = check_jsonschema("vendor.gitlab-ci", GITLAB)
    assert code == 0, output
    broken = tmp_path / "broken.yml"
    broken.write_text(GITLAB.read_text(encoding="utf-8").replace("when: manual", "when: later"), "utf-8")
    assert check_jsonschema("vendor.gitlab-ci", broken)[0] == 1


def zizmor(*files: Path) -> list[dict[str, Any]]:
    binary = shutil.which("zizmor", path=sysconfig.get_path("scripts")) or shutil.which("zizmor")
    if binary is None:
        if in_ci():
            pytest.fail("CI is set and zizmor is not installed: pip install -e '.[test]'", pytrace=False)
        pytest.skip("zizmor is not installed (pip install -e '.[test]')")
    run = subprocess.run(
        [binary, "--offline", "--no-progress", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert run.returncode in (0, 11, 12, 13, 14), run.stderr  # 1x: findings of severity x
    findings = json.loads(run.stdout)
    assert isinstance(findings, list)
    return findings


def test_zizmor_finds_nothing_in_the_github_workflows(tmp_path: Path) -> None:
    """Template injection, excessive permissions, credentials left in checkouts, unpinned actions...
    The one `workflow_run` trigger is ignored in place, with its reason (the comment job runs nothing of
    the pull request: test_the_comment_job_never_runs_the_pull_request_s_code)."""
    assert zizmor(*WORKFLOWS) == []
    injected = tmp_path / "injected.yml"  # the audit can fail: a pull request's title in a shell
    injected.write_text(
        REVIEW.read_text(encoding="utf-8").replace(
            "run: ontokit validate .", 'run: echo "${{ github.event.pull_request.title }}"'
        ),
        "utf-8",
    )
    assert "template-injection" in {f["ident"] for f in zizmor(injected)}


# -- what each workflow may do ------------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_no_permission_at_the_top_and_every_job_declares_its_own(path: Path) -> None:
    doc = load(path)
    assert doc["permissions"] == {}  # nothing leaks from one job into another
    for name, job in doc["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} declares no permissions"
        assert set(job["permissions"].values()) <= {"read", "write"}


def test_the_pull_request_job_can_only_read_and_a_label_re_runs_it() -> None:
    on = triggers(load(REVIEW))
    assert set(on) == {"pull_request"}  # never pull_request_target: a fork's code never gets a write token
    assert {"opened", "synchronize", "reopened", "labeled", "unlabeled"} <= set(on["pull_request"]["types"])
    [job] = jobs(REVIEW).values()
    assert job["permissions"] == {"contents": "read"}
    assert "secrets." not in REVIEW.read_text(encoding="utf-8")
    [checkout] = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkout["with"]["persist-credentials"] is False
    runs = " ".join(str(s.get("run", "")) for s in job["steps"])
    for command in ("ontokit validate .", "ontokit fmt --check .", "--format markdown --diagram"):
        assert command in runs
    [upload] = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload["with"]["name"] == "ontokit-comment" and upload["if"] == "${{ !cancelled() }}"


def test_the_comment_job_never_runs_the_pull_request_s_code() -> None:
    doc = load(COMMENT)
    on = triggers(doc)
    assert set(on) == {"workflow_run"}
    assert on["workflow_run"] == {"workflows": [load(REVIEW)["name"]], "types": ["completed"]}
    [job] = doc["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert uses(job) == ["actions/download-artifact", "actions/github-script"]  # no checkout, no setup
    assert not [s for s in job["steps"] if "run" in s]  # no shell at all
    text = COMMENT.read_text(encoding="utf-8")
    assert "head_ref" not in text and "ref:" not in text and "ontokit validate" not in text
    [download] = [s for s in job["steps"] if s["uses"].startswith("actions/download-artifact@")]
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]


def test_apply_uses_only_the_saved_signed_plan() -> None:
    apply = jobs(APPLY)
    assert set(triggers(load(APPLY))) == {"push"}
    assert triggers(load(APPLY))["push"] == {"branches": ["main"]}
    plan = apply["plan"]
    [step] = steps_running(plan, "ontokit plan")
    assert "--out plan.json" in step["run"] and "--fail-on breaking-export" in step["run"]
    assert step["env"]["ONTOKIT_PLAN_KEY"] == "${{ secrets.ONTOKIT_PLAN_KEY }}"
    assert "env" not in plan  # the secrets reach the steps that run ontokit, not checkout or install
    for name in ("apply", "apply-approved"):
        job = apply[name]
        assert job["needs"] == "plan"
        assert "actions/checkout" not in uses(job)  # nothing to plan from: only the plan file
        [run] = steps_running(job, "ontokit apply")
        assert run["run"].startswith("ontokit apply plan.json --auto-approve")
        assert run["env"]["ONTOKIT_PLAN_KEY"] == "${{ secrets.ONTOKIT_PLAN_KEY }}"  # refuses altered files
        assert "env" not in job
        assert not steps_running(job, "ontokit plan")
    assert "ontokit-plan" in str(plan["steps"]) and all(
        "ontokit-plan" in str(apply[n]["steps"]) for n in ("apply", "apply-approved")
    )


def test_allow_destructive_only_in_the_job_of_the_protected_environment() -> None:
    allowing = {name for name, job in all_jobs().items() if steps_running(job, "--allow-destructive")}
    assert allowing == {"ontokit-apply:apply-approved"}
    approved = jobs(APPLY)["apply-approved"]
    assert approved["environment"] == "production-approved"  # required reviewers: the approval
    assert approved["if"] == "needs.plan.outputs.needs-approval == 'true'"
    assert jobs(APPLY)["apply"]["if"] == "needs.plan.outputs.needs-approval == 'false'"
    assert jobs(APPLY)["apply"]["environment"] == "production"
    lab = {n for n, j in gitlab_jobs().items() if "--allow-destructive" in " ".join(gitlab_script(n))}
    assert lab == {"ontokit-apply-approved"}
    job = gitlab_jobs()["ontokit-apply-approved"]
    assert job["environment"]["name"] == "production-approved"
    assert [r.get("when") for r in job["rules"]] == ["manual"]


def test_two_applies_never_overlap() -> None:
    concurrency = load(APPLY)["concurrency"]
    assert concurrency == {"group": "ontokit-apply", "cancel-in-progress": False}  # one group for all runs
    groups = {
        j.get("resource_group")
        for n, j in gitlab_jobs().items()
        if n.startswith(("ontokit-plan", "ontokit-apply"))
    }
    assert groups == {"ontokit-production"}


def test_ontokit_is_installed_at_this_version_from_a_git_tag() -> None:
    installs = [
        line.strip()
        for job in all_jobs().values()
        for step in job.get("steps", [])
        for line in str(step.get("run", "")).splitlines()
        if "pip install" in line
    ]
    assert installs and set(installs) == {INSTALL}
    lab = load(GITLAB)
    assert lab["variables"]["ONTOKIT_SOURCE"] == INSTALL.removeprefix("pip install ").strip('"')
    assert lab[".ontokit"]["before_script"][-1] == 'pip install "$ONTOKIT_SOURCE"'
    for path in [*WORKFLOWS, GITLAB]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"pip install (ontokit|\.)(\s|$)", text), path.name


def test_no_expression_is_expanded_inside_a_script() -> None:
    """Script injection: a `${{ }}` in a shell or a github-script is pasted in before the script runs;
    values go through `env:` instead."""
    for name, job in all_jobs().items():
        for step in job.get("steps", []):
            for script in (step.get("run"), (step.get("with") or {}).get("script")):
                assert "${{" not in str(script or ""), (name, step.get("name"))


def test_actions_are_pinned_to_full_commit_shas() -> None:
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.fullmatch(r"\s*(- )?uses: actions/[a-z-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), (
                    line
                )


# -- the steps that decide, run as written ------------------------------------------------------------


@pytest.fixture
def ontokit_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose `ontokit` is this tree's (the scripts call it by name)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "ontokit"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ontology_kit "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = clean_env()
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    return env


def bash(script: str, cwd: Path, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    """A `run:` as GitHub runs it with `shell: bash` (bash --noprofile --norc -eo pipefail)."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_review_writes_the_comment_and_gates_on_the_label(
    tmp_path: Path, ontokit_on_path: dict[str, str]
) -> None:
    """The review job's diff and gate steps, and GitLab's, on a pull request with a destructive change
    (finding 1's `[A, B]` → `[A]`): the gate fails unless approved by the label, and the comment says
    which."""
    [job] = jobs(REVIEW).values()
    [diff] = steps_running(job, "--diagram")
    [gate] = steps_running(job, "--fail-on breaking-export")
    assert "ontokit-approved" in gate["env"]["APPROVED"] and diff["env"]["PR_NUMBER"].startswith("${{")
    root = init_repo(tmp_path / "repo", {"project.yaml": INLINE})
    git("update-ref", "refs/remotes/origin/main", "HEAD", cwd=root)
    env = {**ontokit_on_path, "GITHUB_BASE_REF": "main", "BODY": "ontokit-comment/body.md"}
    body = root / "ontokit-comment" / "body.md"

    def review(approved: str) -> tuple[int, str]:
        assert bash(diff["run"], root, env, PR_NUMBER="17").returncode == 0
        return bash(gate["run"], root, env, APPROVED=approved).returncode, body.read_text(encoding="utf-8")

    code, text = review("false")
    assert code == 0 and text.startswith(f"{MARKER}\n") and "Approval" not in text  # nothing changed
    assert (root / "ontokit-comment" / "pr-number").read_text(encoding="utf-8") == "17\n"
    (root / "project.yaml").write_text(INLINE.replace("[A, B]", "[A]"), encoding="utf-8")
    code, text = review("false")
    assert code == 1 and "destructive" in text and "**Approval needed**" in text
    assert "```mermaid" in text
    code, text = review("true")
    assert code == 0 and "**Approved**" in text
    (root / "project.yaml").write_text(
        INLINE.replace("[A, B]", "[A, {value: Bee, key: B}]"), encoding="utf-8"
    )
    assert (
        bash(gate["run"], root, env, APPROVED="false").returncode == 1
    )  # breaking-export: gated the same way

    lab_gate = gitlab_script("ontokit-review")[-1]
    assert "--fail-on breaking-export" in lab_gate
    lab = {**env, "CI_MERGE_REQUEST_DIFF_BASE_SHA": git("rev-parse", "origin/main", cwd=root).strip()}
    assert bash(lab_gate, root, lab, CI_MERGE_REQUEST_LABELS="docs,not-ontokit-approved").returncode == 1
    assert bash(lab_gate, root, lab, CI_MERGE_REQUEST_LABELS="docs,ontokit-approved").returncode == 0


WORKSPACE = "projects: [project.yaml]\n"


def test_plan_then_apply_the_saved_signed_plan(tmp_path: Path, ontokit_on_path: dict[str, str]) -> None:
    """The apply workflow's plan step and both apply steps, against the embedded hub: a plan with no
    destructive change goes to `apply`; one with such a change to `apply-approved` only (the other
    refuses it); an altered plan file is refused."""
    apply = jobs(APPLY)
    [plan_step] = steps_running(apply["plan"], "ontokit plan")
    [plain] = steps_running(apply["apply"], "ontokit apply")
    [approved] = steps_running(apply["apply-approved"], "ontokit apply")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "ontokit.yaml").write_text(WORKSPACE, encoding="utf-8")
    (root / "project.yaml").write_text(INLINE, encoding="utf-8")
    env = {**ontokit_on_path, "ONTOKIT_PLAN_KEY": "plan-key-for-tests"}

    def plan() -> str:
        out, summary = tmp_path / "output", tmp_path / "summary"
        out.write_text("", encoding="utf-8")
        run = bash(plan_step["run"], root, env, GITHUB_OUTPUT=str(out), GITHUB_STEP_SUMMARY=str(summary))
        assert run.returncode == 0, run.stdout + run.stderr
        assert "ontokit plan" in summary.read_text(encoding="utf-8")
        assert json.loads((root / "plan.json").read_text(encoding="utf-8"))["signature"].startswith(
            "hmac-sha256:"
        )
        return out.read_text(encoding="utf-8")

    assert plan() == "needs_approval=false\n"  # a new project
    assert bash(plain["run"], root, env).returncode == 0
    (root / "project.yaml").write_text(INLINE.replace("[A, B]", "[A]"), encoding="utf-8")
    assert plan() == "needs_approval=true\n"
    assert bash(plain["run"], root, env).returncode == 3  # refused: destructive
    saved = (root / "plan.json").read_text(encoding="utf-8")
    (root / "plan.json").write_text(saved.replace('"Groceries"', '"Groceriez"'), encoding="utf-8")
    altered = bash(approved["run"], root, env)
    assert altered.returncode == 1 and "signature" in altered.stderr
    (root / "plan.json").write_text(saved, encoding="utf-8")
    assert bash(approved["run"], root, env).returncode == 0  # apply checks that it converged


# -- the comment script, with a fake GitHub -----------------------------------------------------------

FAKE_GITHUB = r"""
const fs = require('fs');
const state = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const calls = [];
const github = {
  rest: {
    pulls: { get: async ({ pull_number }) => ({ data: { number: pull_number, head: state.head } }) },
    issues: {
      listComments: 'listComments',
      updateComment: async (a) => { calls.push(['update', a.comment_id, a.body]); },
      createComment: async (a) => { calls.push(['create', a.issue_number, a.body]); return { data: { html_url: 'u' } }; },
    },
  },
  paginate: async (what) => { assert(what === 'listComments'); return state.comments; },
};
function assert(ok) { if (!ok) throw new Error('unexpected call'); }
const core = {
  setFailed: (m) => calls.push(['failed', m]), notice: (m) => calls.push(['notice', m]), info: () => {},
};
const context = { repo: { owner: 'o', repo: 'r' }, payload: { workflow_run: state.run } };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction('require', 'github', 'context', 'core', state.script)(require, github, context, core)
  .then(() => process.stdout.write(JSON.stringify(calls)));
"""

BOT = {"login": "github-actions[bot]"}
RUN = {"head_sha": "abc", "head_repository": {"full_name": "fork/repo"}}
HEAD = {"sha": "abc", "repo": {"full_name": "fork/repo"}}


@pytest.mark.parametrize(
    ("number", "head", "comments", "expected"),
    [
        pytest.param("7", HEAD, [], [("create", 7)], id="first-review-creates"),
        pytest.param(
            "7",
            HEAD,
            [{"id": 1, "user": BOT, "body": "hello"}, {"id": 2, "user": BOT, "body": MARKER + "\nold"}],
            [("update", 2)],
            id="later-reviews-update-in-place",
        ),
        pytest.param(
            "7",
            HEAD,
            [{"id": 3, "user": {"login": "mallory"}, "body": MARKER + "\nmine"}],
            [("create", 7)],
            id="a-person-s-comment-with-the-marker-is-not-ours",
        ),
        pytest.param("7; rm -rf ~", HEAD, [], [("failed",)], id="not-a-number"),
        pytest.param("8", {**HEAD, "sha": "other"}, [], [("notice",)], id="another-pull-request-s-number"),
        pytest.param(
            "7",
            {**HEAD, "repo": {"full_name": "someone/else"}},
            [],
            [("notice",)],
            id="another-head-repository",
        ),
    ],
)
def test_the_comment_script_updates_one_comment_in_place(
    tmp_path: Path, number: str, head: dict[str, Any], comments: list[Any], expected: list[tuple[Any, ...]]
) -> None:
    calls = _comment_script(tmp_path, number, head, comments, "### ontokit diff\n" + "x" * 70_000)
    assert [tuple(c[: len(e)]) for c, e in zip(calls, expected, strict=True)] == expected
    for call in calls:
        if call[0] in ("create", "update"):
            assert call[2].startswith(MARKER + "\n### ontokit diff") and len(call[2]) <= 65_536


@pytest.mark.parametrize("fence", ["```", "````", "~~~"])
def test_a_cut_comment_closes_its_code_block_and_details(tmp_path: Path, fence: str) -> None:
    """A comment over GitHub's limit was cut mid-diff: the note saying so read as a line of the diff,
    inside the collapsed block."""
    import cmarkgfm

    diff = "".join(f"+ option {i}: `a` ``` <b>\n" for i in range(5_000))
    body = f"{MARKER}\n### ontokit diff\n\n<details><summary>p</summary>\n\n{fence}diff\n{diff}{fence}\n\n</details>\n"
    [call] = _comment_script(tmp_path, "7", HEAD, [], body)
    posted = call[2]
    assert call[0] == "create" and len(posted) <= 65_536 and posted.startswith(body[:200])
    page = cmarkgfm.markdown_to_html_with_extensions(posted, options=cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE)
    assert page.count("<details>") == page.count("</details>") == 1
    assert page.index("</pre>") < page.index("</details>") < page.index("<em>(cut:")


def _comment_script(
    tmp_path: Path, number: str, head: dict[str, Any], comments: list[Any], body: str
) -> list[list[Any]]:
    """The comment workflow's github-script run by node against a fake GitHub: the calls it made."""
    node = shutil.which("node")
    if node is None:
        if in_ci():
            pytest.fail("CI is set and node is not installed", pytrace=False)
        pytest.skip("node is not installed")
    [step] = [s for j in jobs(COMMENT).values() for s in j["steps"] if "github-script" in s["uses"]]
    folder = tmp_path / "ontokit-comment"
    folder.mkdir()
    (folder / "pr-number").write_text(number + "\n", encoding="utf-8")
    (folder / "body.md").write_text(body, encoding="utf-8")
    state = tmp_path / "state.json"
    state.write_text(
        json.dumps({"script": step["with"]["script"], "run": RUN, "head": head, "comments": comments}),
        "utf-8",
    )
    (tmp_path / "fake.js").write_text(FAKE_GITHUB, encoding="utf-8")
    run = subprocess.run(
        [node, str(tmp_path / "fake.js"), str(state)],
        env={**clean_env(), "COMMENT_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    calls: list[list[Any]] = json.loads(run.stdout)
    return calls


# -- GitLab's note script, with a fake GitLab on the loopback -----------------------------------------


class FakeGitLab:
    """The four GitLab API calls the note script makes, answered from ``notes``; ``calls`` records them."""

    def __init__(self, notes: list[dict[str, Any]]) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        fake = self
        self.notes = notes
        self.calls: list[tuple[str, str, Any]] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def answer(self, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def handle_call(self) -> None:
                assert self.headers["PRIVATE-TOKEN"] == "note-token"
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.calls.append((self.command, self.path, body))
                if self.path == "/api/v4/user":
                    self.answer({"id": 42})
                elif self.command == "GET":
                    self.answer(fake.notes)
                else:
                    self.answer({"id": 99})

            do_GET = do_PUT = do_POST = handle_call

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    def __enter__(self) -> str:
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v4"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


NOTES = "/api/v4/projects/5/merge_requests/7/notes"


def test_gitlab_jobs_that_run_ontokit_never_hold_the_note_token(tmp_path: Path) -> None:
    """GitLab gives every job of a pipeline every (unprotected) variable: the note token reached the
    review job, which installs ontokit and runs it on the merge request's files. Every job but the
    note's runs `.ontokit`'s before_script, which drops it before anything is installed."""
    lab = gitlab_jobs()
    command = re.compile(r"\bontokit (validate|fmt|diff|plan|apply)\b")
    runners = [n for n, j in lab.items() if command.search(" ".join(map(str, j.get("script", []))))]
    assert runners and all(
        lab[n].get("extends") == ".ontokit" and "before_script" not in lab[n] for n in runners
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pip").write_text('#!/bin/sh\nenv > "$SEEN.pip"\n', encoding="utf-8")
    (bin_dir / "pip").chmod(0o755)
    script = "\n".join([*load(GITLAB)[".ontokit"]["before_script"], 'env > "$SEEN.script"'])
    env = {**clean_env(), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    run = bash(script, tmp_path, env, SEEN=str(tmp_path / "seen"), ONTOKIT_NOTE_TOKEN="note-token-4711")
    assert run.returncode == 0, run.stderr
    for seen in ("seen.pip", "seen.script"):
        assert "note-token-4711" not in (tmp_path / seen).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("token", "notes", "expected"),
    [
        pytest.param("note-token", [], [("POST", NOTES)], id="first-review-creates"),
        pytest.param(
            "note-token",
            [{"id": 3, "author": {"id": 42}, "body": MARKER + "\nold"}],
            [("PUT", f"{NOTES}/3")],
            id="later-reviews-update-in-place",
        ),
        pytest.param(
            "note-token",
            [{"id": 4, "author": {"id": 8}, "body": MARKER + "\nquoted by a person"}],
            [("POST", NOTES)],
            id="a-person-s-note-with-the-marker-is-not-ours",
        ),
        pytest.param("", [], [], id="a-fork-s-pipeline-has-no-token"),
    ],
)
def test_the_gitlab_note_is_updated_in_place(
    tmp_path: Path, token: str, notes: list[dict[str, Any]], expected: list[tuple[str, str]]
) -> None:
    [script] = gitlab_script("ontokit-note")
    (tmp_path / "ontokit-comment").mkdir()
    (tmp_path / "ontokit-comment" / "body.md").write_text("### ontokit diff\n", encoding="utf-8")
    fake = FakeGitLab(notes)
    with fake as api:
        env = clean_env(
            CI_API_V4_URL=api, CI_PROJECT_ID="5", CI_MERGE_REQUEST_IID="7", ONTOKIT_NOTE_TOKEN=token
        )
        run = bash(script, tmp_path, env)
    assert run.returncode == 0, run.stdout + run.stderr
    writes = [(method, path) for method, path, _ in fake.calls if method != "GET"]
    assert writes == expected
    for method, _, body in fake.calls:
        if method != "GET":
            assert body == {"body": MARKER + "\n### ontokit diff\n"}
    if not token:
        assert fake.calls == [] and "no note" in run.stdout
