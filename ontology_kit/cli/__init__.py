"""The ``ontokit`` command line: a thin layer that parses options, calls the library, renders.

``main()`` is the one place that maps outcomes to exit codes (see ``ontology_kit.errors``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from .._text import one_line
from .._version import __version__
from ..errors import InvalidDataFileError, OntokitError, UsageError, exit_code

__all__ = ["cli", "main"]

_EPILOG = """\b
Exit codes: 0 ok, 1 error, 2 changes present (--detailed-exitcode),
3 refused by policy, 4 internal error.
Docs: docs/format.md, docs/projects.md, docs/review.md, docs/hub.md."""


#: The commands (--help lists them in alphabetical order).
COMMANDS = (
    "validate",
    "compile",
    "schema",
    "plan",
    "apply",
    "restore",
    "import",
    "diff",
    "fmt",
    "show",
    "hub",
)


def _command(name: str) -> click.Command | None:
    # Each command's module is imported when that command runs (or --help lists them), so that a
    # command does not pay for importing the others.
    match name:
        case "validate":
            from .commands.validate import validate_command as command
        case "compile":
            from .commands.compile import compile_command as command
        case "schema":
            from .commands.schema import schema_command as command
        case "plan":
            from .commands.plan import plan_command as command
        case "apply":
            from .commands.plan import apply_command as command
        case "restore":
            from .commands.restore import restore_command as command
        case "import":
            from .commands.importer import import_command as command
        case "diff":
            from .commands.review import diff_command as command
        case "fmt":
            from .commands.fmt import fmt_command as command
        case "show":
            from .commands.review import show_command as command
        case "hub":
            from .commands.hub import hub_group as command
        case _:
            return None
    return command


class _Commands(click.Group):
    """The ``ontokit`` group, loading each command on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = _command(cmd_name)
        return _with_no_color(command) if command is not None else None


def _no_color(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--no-color`` after a command's name: the same as before it (the root's decision, overruled)."""
    del param
    if value:
        here: click.Context | None = ctx
        while here is not None:
            here.color = False
            here = here.parent


def _with_no_color(command: click.Command) -> click.Command:
    """``command`` (and a group's commands) also taking ``--no-color``, where Terraform's users put it
    (``ontokit plan --no-color``): it was a usage error anywhere but before the command."""
    if not any(p.name == "no_color" for p in command.params):
        command.params.append(
            click.Option(
                ["--no-color"],
                is_flag=True,
                expose_value=False,
                is_eager=True,
                callback=_no_color,
                help="No colors and no escape sequences at all (as ontokit --no-color).",
            )
        )
    for sub in getattr(command, "commands", {}).values():
        _with_no_color(sub)
    return command


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=_EPILOG,
)
@click.version_option(__version__, "--version", prog_name="ontokit", message="%(prog)s %(version)s")
@click.option(
    "--no-color",
    is_flag=True,
    help="No colors and no escape sequences at all (as NO_COLOR=1); progress as plain lines.",
)
@click.pass_context
def cli(ctx: click.Context, no_color: bool) -> None:
    """ontokit: Ango Hub ontologies as code.

    \b
    Write an ontology as YAML, validate it, compile it into the exact
    label-set payload the official Ango SDK sends, see what would change on a
    live project, and apply it:
      ontokit validate examples
      ontokit plan examples
      ontokit apply examples
      ontokit diff --base origin/main --fail-on destructive
    """
    from .terminal import color_policy

    # One decision for every command (cli/terminal.py); click.echo then strips escape sequences
    # whenever colors are off, whatever produced them.
    ctx.color = color_policy(no_color)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; never lets a traceback reach the user.

    Every outcome becomes an exit code through :func:`ontology_kit.errors.exit_code`, the one mapping.
    """
    try:
        rv = cli.main(
            args=list(argv) if argv is not None else None, prog_name="ontokit", standalone_mode=False
        )
    except click.exceptions.Abort:  # Ctrl-C (or end of input) at a prompt
        click.echo("Aborted.", err=True)
        return int(exit_code(KeyboardInterrupt()))
    except click.ClickException as exc:  # usage errors: exit 1, not click's 2 (2 means "changes present")
        exc.show()
        return int(exit_code(UsageError(exc.format_message())))
    except OntokitError as exc:
        # One line per problem, whatever the message quotes (a hub's answer, a file name, a plan
        # file's text).
        for line in exc.problems if isinstance(exc, InvalidDataFileError) else (str(exc),):
            click.echo(f"error: {one_line(line)}", err=True)
        return int(exit_code(exc))
    except KeyboardInterrupt as exc:
        click.echo("Interrupted.", err=True)
        return int(exit_code(exc))
    except BrokenPipeError as exc:
        # The reader went away (| head); nothing more to say.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return int(exit_code(exc))
    except Exception as exc:  # the last line of defence: a bug, reported without a traceback
        if os.environ.get("ONTOKIT_DEBUG"):
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {one_line(exc)} (this is a bug in ontokit; run with "
            "ONTOKIT_DEBUG=1 for a traceback and report it)",
            err=True,
        )
        return int(exit_code(exc))
    return int(rv) if isinstance(rv, int) else 0
