"""One exception module, one mapping of outcomes to exit codes (ontology_kit.errors)."""

from __future__ import annotations

import inspect

import pytest

from ontology_kit import errors
from ontology_kit.errors import ExitCode, exit_code

EXPECTED = {
    "OntokitError": ExitCode.ERROR,
    "UsageError": ExitCode.ERROR,
    "InputError": ExitCode.ERROR,
    "InvalidOntologyError": ExitCode.ERROR,
    "InvalidDefinitionsError": ExitCode.ERROR,
    "InvalidDataFileError": ExitCode.ERROR,
    "PlanFileError": ExitCode.ERROR,
    "BackupFileError": ExitCode.ERROR,
    "HubError": ExitCode.ERROR,
    "AuthError": ExitCode.ERROR,
    "NotFoundError": ExitCode.ERROR,
    "BadRequestError": ExitCode.ERROR,
    "HubUnavailableError": ExitCode.ERROR,
    "ApplyError": ExitCode.ERROR,
    "StalePlanError": ExitCode.ERROR,
    "UnsupportedChangeError": ExitCode.ERROR,
    "NotConvergedError": ExitCode.ERROR,
    "ApplyCancelled": ExitCode.ERROR,
    "LockedError": ExitCode.ERROR,
    "DuplicateProjectsError": ExitCode.ERROR,
    "MigrationError": ExitCode.ERROR,
    "ApplyInterrupted": ExitCode.INTERRUPTED,
    "PolicyRefusal": ExitCode.POLICY,
}


def _user_errors() -> list[type[errors.OntokitError]]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.OntokitError)]


def test_every_user_error_has_its_documented_exit_code() -> None:
    assert {c.__name__ for c in _user_errors()} - {"_WithDiagnostics"} == set(EXPECTED)


@pytest.mark.parametrize(("name", "code"), [pytest.param(n, c, id=n) for n, c in EXPECTED.items()])
def test_exit_code_of(name: str, code: ExitCode) -> None:
    cls = getattr(errors, name)
    if name == "ApplyInterrupted":  # what was applied, partly applied and not applied
        exc = cls(("A",), (("B", 1, 4),), ("C",))
    else:
        exc = cls([]) if name.startswith("Invalid") else cls("message")
    assert exit_code(exc) is code


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        pytest.param(KeyboardInterrupt(), ExitCode.INTERRUPTED, id="ctrl-c"),
        pytest.param(BrokenPipeError(), ExitCode.ERROR, id="broken-pipe"),
        pytest.param(RuntimeError("bug"), ExitCode.INTERNAL, id="a-bug"),
        pytest.param(errors.HubApiError(500, "x"), ExitCode.INTERNAL, id="hub-internal-signal"),
    ],
)
def test_exit_code_of_what_is_not_an_ontokit_error(exc: BaseException, code: ExitCode) -> None:
    assert exit_code(exc) is code


def test_the_docstring_tree_names_every_exception() -> None:
    doc = errors.__doc__ or ""
    names = [n for n, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, BaseException)]
    assert [n for n in names if not n.startswith("_") and n not in doc] == []


def test_invalid_input_errors_carry_their_diagnostics() -> None:
    from ontology_kit.diagnostics import Diagnostic

    d = Diagnostic("unknown-field", "unknown field 'colr'", "a.yaml", line=3, column=5)
    exc = errors.InvalidOntologyError([d])
    assert exc.diagnostics == (d,)
    assert str(exc) == "1 problem(s); first: a.yaml:3:5: unknown field 'colr'"
