"""The typer application and what every command shares: error handling, JSON output, progress.

Commands live one per module in this package, their shared options in ``options.py``.
They hold no logic: they check how their flags combine, call the library, and format
the result. A ``SelarasError`` becomes one ``Error: …`` line on stderr and its
``exit_code``; Ctrl-C becomes exit 130 with a hint that rerunning resumes.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

import typer

from selaras import __version__
from selaras.errors import SelarasError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="selaras",
    help="Selaras: translate Indonesian documents to English with Opus-MT, align them "
    "with references, score, review and export parallel corpora.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def examples(*lines: str) -> str:
    """Help epilog listing example invocations (shown under ``--help``)."""
    body = "\n\n".join(f"  $ {line}" for line in lines)
    return f"Examples:\n\n{body}"


def fail(message: str, exit_code: int = 1) -> typer.Exit:
    """Print one ``Error:`` line to stderr and return the Exit to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(exit_code)


def handle_errors(func: F) -> F:
    """Turn library errors into one clear line and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SelarasError as exc:
            from selaras.cli.hints import cli_message

            raise fail(cli_message(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted; finished work is kept, rerun the same command to resume.", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except OSError as exc:
            # The library turns the OS errors it expects into FileError/InputError; this
            # is the last line of defence, so that none becomes a traceback.
            from selaras.errors import FileError
            from selaras.io import describe_os_error

            where = f"{exc.filename}: " if exc.filename else ""
            raise fail(f"{where}{describe_os_error(exc)}", FileError.exit_code) from None

    return wrapper  # type: ignore[return-value]


def print_json(payload: Any) -> None:
    """Machine-readable output: one JSON document on stdout (``selaras.io.write_json``'s format)."""
    from selaras.io import write_json

    write_json("-", payload)


#: Seconds between plain progress lines when stderr is not a terminal (CI, nohup, a
#: pipe): often enough to show a long run is alive, rare enough to keep a log short.
#: ``SELARAS_PROGRESS_SECONDS`` overrides it.
PLAIN_PROGRESS_SECONDS = 10.0


@contextlib.contextmanager
def progress(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """Progress on stderr (stdout stays clean for results); yields ``advance(n)``.

    A rich bar on a terminal. Elsewhere (a log file, CI, ``nohup``) one plain line
    (``translating: 120/2308 (5%)``) every :data:`PLAIN_PROGRESS_SECONDS`, and a last
    one at the end once any was printed, so a long run is never silent (a short one
    prints nothing). Nothing when ``total`` is 0.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not total:
        yield lambda n=1: None
        return
    if not console.is_terminal:
        import os
        import time

        every = float(os.environ.get("SELARAS_PROGRESS_SECONDS") or PLAIN_PROGRESS_SECONDS)
        state = {"done": 0, "last": time.monotonic(), "printed": False}

        def advance(n: int = 1) -> None:
            state["done"] += n
            now = time.monotonic()
            if now - state["last"] >= every or (state["printed"] and state["done"] >= total):
                state["last"], state["printed"] = now, True
                typer.echo(f"{description}: {state['done']}/{total} ({100 * state['done'] // total}%)", err=True)

        yield advance
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


@contextlib.contextmanager
def progress_reporter(description: str) -> Iterator[Callable[[int, int], None]]:
    """Like :func:`progress`, for library calls that report ``on_progress(done, total)``.

    The bar appears on the first report (when the total is known) and starts at
    ``done``, so work resumed from a checkpoint shows as already finished.
    """
    with contextlib.ExitStack() as stack:
        state: dict = {}

        def update(done: int, total: int) -> None:
            if "advance" not in state:
                state["advance"] = stack.enter_context(progress(description, total))
                state["done"] = 0
            state["advance"](done - state["done"])
            state["done"] = done

        yield update


class _StderrLogHandler(logging.Handler):
    """Library log records as plain lines on stderr (looked up at emit time, so tests
    that swap ``sys.stderr`` see them)."""

    def emit(self, record: logging.LogRecord) -> None:
        from selaras.cli.hints import cli_text

        prefix = "warning: " if record.levelno >= logging.WARNING else "note: "
        typer.echo(prefix + cli_text(record.getMessage()), err=True)


def _show_library_notes() -> None:
    """Let the library's notes (CTranslate2 conversion, fallbacks) reach the user once."""
    log = logging.getLogger("selaras")
    if not any(isinstance(h, _StderrLogHandler) for h in log.handlers):
        log.addHandler(_StderrLogHandler())
    log.setLevel(logging.INFO)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"selaras {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Selaras command line."""
    _show_library_notes()
