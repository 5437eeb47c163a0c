"""One registry of output formats: every command's ``--format`` comes from it, for plans, diagnostics
and project lists alike; with ``--format json`` the diagnostics are JSON too."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from conftest import run_ontokit

from ontology_kit.cli import cli
from ontology_kit.diagnostics import Diagnostic, FileStatus, Report, Severity
from ontology_kit.plan.model import Action, Change, Impact, Plan, ProjectPlan
from ontology_kit.render import FORMATS, check_format
from ontology_kit.render.diagnostics import DIAGNOSTIC_VIEWS, REPORT_VIEWS, render_diagnostics
from ontology_kit.render.plans import PLAN_VIEWS
from ontology_kit.render.projects import PROJECT_VIEWS
from ontology_kit.state import ProjectSummary

PLAN = Plan(
    "hub", (ProjectPlan("P", "p.yaml", "p1", (Change(Action.CREATE, "tool", ("Car",), Impact.SAFE),), "fp"),)
)
DIAGNOSTIC = Diagnostic(
    "unknown-field",
    "unknown field 'colr' in a tool",
    "bad.yaml",
    hint="did you mean 'color'?",
    line=4,
    column=5,
)
WARNING = Diagnostic(
    "unused-option-set", "option set 'x' is not used", "a.yaml", severity=Severity.WARNING, line=2, column=3
)
REPORT = Report((FileStatus("bad.yaml", False), FileStatus("a.yaml", True)), (DIAGNOSTIC, WARNING))


def _command(name: str) -> click.Command:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    return command


def _commands() -> dict[str, click.Command]:
    hub = _command("hub")
    assert isinstance(hub, click.Group)
    return {
        "plan": _command("plan"),
        "validate": _command("validate"),
        "diff": _command("diff"),
        "hub projects": hub.commands["projects"],
    }


@pytest.mark.parametrize("command", sorted(_commands()))
def test_format_choices_come_from_the_registry(command: str) -> None:
    (option,) = [p for p in _commands()[command].params if p.name == "fmt"]
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == tuple(FORMATS)


@pytest.mark.parametrize(
    "table",
    [
        pytest.param(PLAN_VIEWS, id="plans"),
        pytest.param(REPORT_VIEWS, id="reports"),
        pytest.param(DIAGNOSTIC_VIEWS, id="diagnostics"),
        pytest.param(PROJECT_VIEWS, id="projects"),
    ],
)
def test_every_model_has_a_view_in_every_format(table: object) -> None:
    assert tuple(table) == FORMATS  # type: ignore[call-overload]


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_renders_every_model(name: str) -> None:
    projects = [ProjectSummary("p1", "Roads", "", "2026-01-02T00:00:00Z")]
    for text in (
        PLAN_VIEWS[name](PLAN, False),
        REPORT_VIEWS[name](REPORT, False),
        DIAGNOSTIC_VIEWS[name](REPORT, False),
        PROJECT_VIEWS[name](projects),
    ):
        assert text.endswith("\n") and "\x1b" not in text


def test_json_diagnostics_are_the_validate_report() -> None:
    doc = json.loads(render_diagnostics((DIAGNOSTIC, WARNING), "json"))
    assert (doc["valid"], doc["error_count"], doc["warning_count"]) == (False, 1, 1)
    assert doc["diagnostics"][0] == DIAGNOSTIC.to_dict()


def test_markdown_diagnostics_escape_what_markdown_would_read() -> None:
    evil = Diagnostic("empty-title", "title <b>x</b> | `y`", "a.yaml", line=1, column=1)
    text = render_diagnostics((evil,), "markdown")
    # paired backticks are a code span (a message's own quoting); the rest is escaped
    assert "<b>" not in text and "\\<b\\>" in text and "\\|" in text and "`y`" in text


def test_an_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown output format 'yaml'"):
        check_format("yaml")


# -- the command line --------------------------------------------------------------------------------
@pytest.fixture
def broken_project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ontology.yaml").write_text("tools:\n  - title: Car\n    type: bounding-box\n    colr: red\n")
    (tmp_path / "project.yaml").write_text("name: Roads\nontology: ontology.yaml\n")
    return tmp_path


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_invalid_definitions_text(broken_project: Path, command: str) -> None:
    run = run_ontokit(
        command, "project.yaml", *(["--auto-approve"] if command == "apply" else []), cwd=broken_project
    )
    assert run.returncode == 1 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0].startswith("ontology.yaml:4:5: error[unknown-field]")
    assert lines[-1] == "error: the definitions have errors (1); nothing was planned"


def test_plan_json_prints_its_diagnostics_as_json(broken_project: Path) -> None:
    run = run_ontokit("plan", "project.yaml", "--format", "json", cwd=broken_project)
    assert run.returncode == 1 and run.stdout == ""
    *report, last = run.stderr.splitlines()
    doc = json.loads("\n".join(report))
    assert doc["valid"] is False and doc["diagnostics"][0]["code"] == "unknown-field"
    assert last.startswith("error: the definitions have errors")


def test_plan_markdown_prints_its_diagnostics_as_markdown(broken_project: Path) -> None:
    run = run_ontokit("plan", "project.yaml", "--format", "markdown", cwd=broken_project)
    assert run.returncode == 1
    assert "- `ontology.yaml:4:5` error `unknown-field`" in run.stderr


def test_validate_markdown(broken_project: Path) -> None:
    run = run_ontokit("validate", "ontology.yaml", "--format", "markdown", cwd=broken_project)
    assert run.returncode == 1
    assert run.stdout.startswith("**ontokit: 1 error in 1 of 1 file**")


def test_hub_projects_markdown(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    run = run_ontokit("hub", "projects", "--format", "markdown", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.startswith("| id | created | name |")


def test_fail_on_choices_are_the_impacts_that_are_not_safe() -> None:
    from ontology_kit.plan.model import Impact

    (option,) = [p for p in _command("diff").params if p.name == "fail_on"]
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == (*(i.value for i in reversed(Impact) if i is not Impact.SAFE), "any")
