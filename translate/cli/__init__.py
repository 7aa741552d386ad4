"""``selaras`` console command: registers the command modules on the typer app."""

from __future__ import annotations

from selaras.cli.app import app

# Each module registers one command on ``app`` when imported (kept light: no torch).
from selaras.cli import segment as _segment  # noqa: F401,E402
from selaras.cli import translate as _translate  # noqa: F401,E402
from selaras.cli import score as _score  # noqa: F401,E402
from selaras.cli import align as _align  # noqa: F401,E402
from selaras.cli import run as _run  # noqa: F401,E402
from selaras.cli import review as _review  # noqa: F401,E402
from selaras.cli import check as _check  # noqa: F401,E402
from selaras.cli import export as _export  # noqa: F401,E402
from selaras.cli import corpus as _corpus  # noqa: F401,E402
from selaras.cli import shortlist as _shortlist  # noqa: F401,E402
from selaras.cli import tm as _tm  # noqa: F401,E402
from selaras.cli import tune as _tune  # noqa: F401,E402


def main() -> None:
    """Entry point of the ``selaras`` console script.

    A usage error (a missing argument, ``--beams x``, an unknown option) is one
    ``Error:`` line pointing at ``--help``, exit 2, like every other bad input; click
    would otherwise print the usage block first.
    """
    import sys

    import typer

    try:  # typer 0.2x vendors click as typer._click; older ones use click itself
        from typer._click import exceptions
    except ImportError:  # pragma: no cover
        from click import exceptions
    UsageError = exceptions.UsageError
    NoArgsIsHelpError = getattr(exceptions, "NoArgsIsHelpError", ())  # click >= 8.2

    try:
        code = app(standalone_mode=False, prog_name="selaras")
    except NoArgsIsHelpError as exc:  # plain `selaras`: the help, as asked for
        sys.stdout.write(exc.format_message() + "\n")
        sys.exit(0)
    except UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "selaras"
        sys.stderr.write(f"Error: {exc.format_message()} (see: {where} --help)\n")
        sys.exit(exc.exit_code)
    except typer.Abort:  # Ctrl-C outside a command (a prompt, argument parsing)
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main"]
