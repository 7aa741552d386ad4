"""``selaras review``: read an aligned TSV side by side, in the terminal or as an HTML page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import typer

from selaras.cli.app import app, examples, fail, handle_errors, print_json
from selaras.cli.options import (
    JsonOption,
    bootstrap_option,
    flag_group,
    glossary_option,
    read_glossary_option,
    status_option,
    tm_option,
)

if TYPE_CHECKING:
    from selaras.rows import AlignedRow

#: Table widths accepted: narrower cannot show three text columns; wider is no screen.
MIN_WIDTH, MAX_WIDTH = 40, 1000


@dataclass(frozen=True)
class WorkbenchFlags:
    """The flags that go with --serve only (``flag_group`` makes them the command's)."""

    host: Annotated[
        str, typer.Option(help="With --serve: address to listen on (anything but loopback is warned about).")
    ] = "127.0.0.1"
    port: Annotated[int, typer.Option(help="With --serve: port to listen on; 0 picks a free one.")] = 0
    no_open: Annotated[bool, typer.Option("--no-open", help="With --serve: do not open a browser.")] = False
    checked_with: Annotated[
        str | None,
        typer.Option(
            "--checked-with",
            help="With --serve: the selaras check options the TSV was checked with (e.g. \"--low-chrf 25\"), "
            "so changed beads are flagged with the same thresholds (default: check's defaults).",
        ),
    ] = None
    tm: Annotated[
        Optional[Path],
        tm_option(
            "With --serve: a translation memory (selaras tm): each bead shows its fuzzy matches (75% and up) beside "
            "the MT, keys 1-3 take one as the MT, and every bead you accept is added to it."
        ),
    ] = None


@app.command(
    epilog=examples(
        "selaras review aligned.tsv",
        "selaras review aligned.tsv --only-flagged --sort score --limit 20",
        "selaras review aligned.tsv --html review.html --metrics metrics.json",
        "selaras review aligned.tsv --only-flagged --json",
        "selaras review aligned.tsv --status pending --only-flagged",
        "selaras review aligned.tsv --serve",
        "selaras review aligned.tsv --serve --port 8765 --no-open",
        "selaras review aligned.tsv --serve --tm memori.tm   # fuzzy matches; accepted beads go to the TM",
        "selaras review aligned.tsv --html review.html --glossary istilah.tsv   # terms highlighted",
    )
)
@handle_errors
@flag_group(WorkbenchFlags)
def review(
    aligned: Annotated[Path, typer.Argument(help="Aligned TSV from selaras align, run or check.")],
    only_flagged: Annotated[bool, typer.Option("--only-flagged", help="Show only rows with a QA flag.")] = False,
    sort: Annotated[
        Literal["file", "score"],
        typer.Option(help="Row order: file order, or score (lowest sentence chrF first)."),
    ] = "file",
    width: Annotated[
        int | None, typer.Option(help=f"Table width in columns, {MIN_WIDTH}-{MAX_WIDTH} (default: the terminal's).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Show at most N rows (after filter and sort), N >= 0.")] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Write a self-contained HTML review page here instead of the table."),
    ] = None,
    metrics: Annotated[
        Path | None,
        typer.Option(
            help="Corpus scores from selaras run (metrics.json) to show instead of recomputing; "
            "they must have been computed on this TSV's content (checked by digest)."
        ),
    ] = None,
    bootstrap: Annotated[int, bootstrap_option("the 95% CIs of recomputed corpus scores")] = 0,
    status: Annotated[
        str | None,
        status_option("Show only rows with these review statuses: accepted, rejected, pending (comma-separated)."),
    ] = None,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve", help="Start the review workbench: edit, accept, merge and split beads in the browser, saved to the TSV."
        ),
    ] = False,
    workbench: WorkbenchFlags = WorkbenchFlags(),
    glossary: Annotated[
        Path | None,
        glossary_option(
            "Its terms are underlined in the source and their English in the MT and reference (table, page "
            "and workbench); with --serve, changed beads are also checked for term-missing."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Review MT beside source and reference: weak rows coloured, flags shown, corpus chrF/BLEU.

    The table (or page) shows each bead's sentence ids, source | MT | reference,
    sentence chrF and the flags from selaras check. Corpus scores cover the beads that
    have both an MT and a reference; --metrics shows saved ones instead.

    With --serve it prints one line, the workbench's address with a fresh token, and
    serves until Ctrl-C; every change is journalled beside the TSV and saved into it.
    """
    terms = read_glossary_option(glossary)  # a bad glossary is refused before anything else
    if serve:
        _refuse_beside_serve(
            {
                "--html": html is not None, "--json": as_json, "--metrics": metrics is not None,
                "--only-flagged": only_flagged, "--limit": limit is not None, "--status": status is not None,
                "--width": width is not None, "--bootstrap": bootstrap != 0, "--sort": sort != "file",
            }
        )
        _serve(aligned, workbench, checks=_checks_from(workbench.checked_with, terms), glossary=terms)
        return
    if workbench != WorkbenchFlags():
        raise fail("--host, --port, --no-open, --checked-with and --tm go with --serve", 2)
    _check_view_flags(html=html, as_json=as_json, width=width, limit=limit)
    from selaras.io import check_outputs
    from selaras.metrics import check_bootstrap
    from selaras.jobs.review import review_file
    from selaras.review import parse_statuses, rows_for_review

    bootstrap = check_bootstrap(bootstrap)
    if html is not None:
        check_outputs([html], [aligned, *([metrics] if metrics is not None else [])])
    # The terminal shows corpus chrF and BLEU only; the page and --json show all four.
    # TER is what makes scoring slow, so the terminal view leaves it out.
    keys = ("chrf", "bleu") if html is None and not as_json else None
    data = review_file(aligned, metrics=metrics, keys=keys, n_bootstrap=bootstrap)
    statuses = parse_statuses(status) if status is not None else None
    selected = rows_for_review(data.rows, only_flagged=only_flagged, sort=sort, limit=limit, statuses=statuses)
    if html is not None:
        _write_page(html, selected, data, title=aligned.name, sort=sort, glossary=terms)
    if as_json:
        print_json(review_json(aligned, data, selected, html=html))
    else:
        _print_table(selected, data, width=width, html=html, glossary=terms)


def _refuse_beside_serve(given: dict[str, bool]) -> None:
    """--serve edits the whole file: refuse the view flags given with it, all named in one line."""
    others = [name for name, is_given in given.items() if is_given]
    if others:
        raise fail(f"--serve edits the whole file in the browser; {', '.join(others)} cannot go with it", 2)


def _check_view_flags(*, html: Path | None, as_json: bool, width: int | None, limit: int | None) -> None:
    """Refuse, with the fix, view flags out of range or writing to stdout together."""
    if html is not None and str(html) == "-" and as_json:
        raise fail("--html - and --json both write to stdout; give --html a file name", 2)
    if width is not None and not MIN_WIDTH <= width <= MAX_WIDTH:
        raise fail(f"--width must be between {MIN_WIDTH} and {MAX_WIDTH} columns, got {width}", 2)
    if limit is not None and limit < 0:
        raise fail(f"--limit must be 0 or more, got {limit}", 2)


def _write_page(
    html: Path, selected: Sequence[tuple[int, AlignedRow]], data: Any, *, title: str, sort: str, glossary: Any = None
) -> None:
    """The HTML review page, written atomically (``-``: stdout), and a note on stderr naming the file."""
    from selaras.io import atomic_write
    from selaras.review.html import render_html

    page = render_html(
        selected, metrics=data.corpus, title=title, sort=sort, metrics_origin=data.origin, warnings=data.warnings,
        glossary=glossary,
    )
    with atomic_write(html) as handle:
        handle.write(page)
    if str(html) != "-":
        typer.echo(f"Wrote {html} ({len(selected)} rows).", err=True)


def review_json(
    aligned: Path, data: Any, selected: Sequence[tuple[int, AlignedRow]], *, html: Path | None
) -> dict[str, Any]:
    """``--json``: counts, corpus scores, warnings, and each selected row with its position in the file."""
    from selaras.rows import is_scored, row_as_json

    return {
        "file": str(aligned),
        "rows": len(data.rows),
        "shown": len(selected),
        "flagged": sum(1 for row in data.rows if row.flags),
        "aligned": sum(1 for row in data.rows if is_scored(row)),
        "metrics": data.corpus,
        "warnings": data.warnings,
        "html": None if html is None else str(html),
        "selected": [{"position": position, **row_as_json(row)} for position, row in selected],
    }


def _print_table(
    selected: Sequence[tuple[int, AlignedRow]], data: Any, *, width: int | None, html: Path | None, glossary: Any = None
) -> None:
    """The terminal view: the table (not with --html) and the summary line.

    With ``--html -`` the page owns stdout, so the summary goes to stderr.
    """
    from rich.console import Console

    from selaras.review.terminal import review_table, summary_line

    console = Console(width=width, highlight=False, stderr=html is not None and str(html) == "-")
    if html is None:
        console.print(review_table(selected, glossary=glossary))
    console.print(summary_line(data.rows, data.corpus, shown=len(selected)), soft_wrap=True)


def _checks_from(checked_with: str | None, glossary: Any = None) -> Any:
    """The checks that ``--checked-with "--low-chrf 25 ..."`` describes, with ``term-missing``
    given ``glossary`` (``None`` and no glossary: defaults)."""
    if checked_with is None:
        if glossary is None:
            return None
        from selaras.cli.check import checks_from_options

        return checks_from_options({}, glossary=glossary)
    import shlex

    from selaras.cli.check import OPTION_PARAMS, checks_from_options, parse_low_confidence

    words = shlex.split(checked_with)
    if len(words) % 2:
        raise fail(f"--checked-with takes pairs of selaras check options and values, got {checked_with!r}", 2)
    values: dict[str, object] = {}
    for option, raw in zip(words[::2], words[1::2]):
        if option not in OPTION_PARAMS:
            raise fail(f"--checked-with: {option} is not a selaras check option; use {', '.join(OPTION_PARAMS)}", 2)
        value: object
        if option == "--low-confidence":
            value = parse_low_confidence(raw)
        else:
            try:
                value = int(raw) if option in ("--id-words", "--repeat") else float(raw)
            except ValueError:
                raise fail(f"--checked-with: {option} needs a number, got {raw!r}", 2) from None
        values[option] = value
    return checks_from_options(values, where="--checked-with: ", glossary=glossary)


def _serve(aligned: Path, workbench: WorkbenchFlags, *, checks: Any, glossary: Any = None) -> None:
    """Run the workbench: the URL on stdout (one line), notes on stderr."""
    if not 0 <= workbench.port <= 65535:
        raise fail(f"--port must be 0-65535, got {workbench.port}", 2)
    if str(aligned) == "-":
        raise fail("--serve saves changes into the TSV, so it needs a file, not - (stdin)", 2)
    from selaras.review.server import serve

    def ready(url: str) -> None:
        typer.echo(url)
        if not workbench.no_open:
            import os
            import sys
            import webbrowser

            # stdout holds exactly one line: a browser launched here (and anything it
            # prints, "Opening in existing browser session.") gets stderr as its stdout.
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                os.dup2(2, 1)
                webbrowser.open(url)
            finally:
                os.dup2(saved, 1)
                os.close(saved)

    serve(
        str(aligned),
        host=workbench.host,
        port=workbench.port,
        on_ready=ready,
        on_note=lambda note: typer.echo(note, err=True),
        checks=checks,
        tm=workbench.tm,
        glossary=glossary,
    )
