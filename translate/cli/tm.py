"""``selaras tm``: the translation memory, a SQLite file of trusted human translations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selaras.cli.app import app, examples, handle_errors, print_json
from selaras.cli.options import JsonOption, status_option

tm_app = typer.Typer(
    name="tm",
    help="Translation memory: reviewed translations that come back instead of the MT "
    "(--tm on translate, run, corpus; fuzzy matches in the review workbench).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(tm_app, name="tm")

MemoryPathOption = Annotated[
    Path, typer.Option("--tm", help="The translation memory file (SQLite; created by add and import when missing).")
]


@tm_app.command(
    epilog=examples(
        "selaras tm add reviewed.tsv --tm memori.tm                      # the accepted beads' references",
        "selaras tm add reviewed.tsv --status accepted,pending --tm memori.tm --json",
        "selaras tm add aligned.tsv --status any --pair mt --tm memori.tm  # every bead's MT, as post-edited",
    )
)
@handle_errors
def add(
    aligned: Annotated[Path, typer.Argument(help="An aligned TSV (selaras run, align, or reviewed in the workbench).")],
    tm: MemoryPathOption,
    status: Annotated[
        str,
        status_option("Add beads with these review statuses (accepted, rejected, pending; comma-separated), or any."),
    ] = "accepted",
    pair: Annotated[
        str, typer.Option("--pair", help="Which side is the translation: reference (default) or mt.")
    ] = "reference",
    as_json: JsonOption = False,
) -> None:
    """Add the beads of an aligned TSV to the translation memory (source and reference).

    By default only accepted beads go in: a TM should hold what a reviewer vouched for.
    A pair the TM already holds is not added twice; it becomes the newest translation
    of its source (the newest wins an exact match).
    """
    from selaras.export.select import check_pair
    from selaras.memory import TranslationMemory
    from selaras.memory.fill import entries_from_rows
    from selaras.review import parse_statuses
    from selaras.rows import read_aligned_tsv

    statuses = None if status.strip().lower() == "any" else parse_statuses(status)
    rows = read_aligned_tsv(aligned)
    check_pair(rows, pair, str(aligned))
    with TranslationMemory(tm) as memory:
        added, known = memory.add(entries_from_rows(rows, statuses=statuses, pair=pair, origin=f"tsv:{aligned.name}"))  # type: ignore[arg-type]
        total = len(memory)
    _report({"added": added, "already": known, "entries": total, "tm": str(tm)}, as_json)


@tm_app.command(
    name="import",
    epilog=examples(
        "selaras tm import memori.tmx --tm memori.tm",
        "selaras tm import memori.tmx --tm memori.tm --json",
    ),
)
@handle_errors
def import_(
    tmx: Annotated[Path, typer.Argument(help="A TMX file (1.4b, as OmegaT, Trados, memoQ write) with id and en variants.")],
    tm: MemoryPathOption,
    as_json: JsonOption = False,
) -> None:
    """Add the Indonesian-English units of a TMX file to the translation memory."""
    from selaras.memory import TranslationMemory
    from selaras.memory.tmx import import_tmx

    with TranslationMemory(tm) as memory:
        added, known = import_tmx(memory, tmx)
        total = len(memory)
    _report({"added": added, "already": known, "entries": total, "tm": str(tm)}, as_json)


@tm_app.command(
    epilog=examples(
        "selaras tm export memori.tmx --tm memori.tm",
    )
)
@handle_errors
def export(
    output: Annotated[Path, typer.Argument(help="The TMX file to write (TMX 1.4b, atomically).")],
    tm: MemoryPathOption,
    as_json: JsonOption = False,
) -> None:
    """Write the whole translation memory as TMX 1.4b (valid against the DTD)."""
    from selaras.jobs.outputs import Outputs
    from selaras.memory import TranslationMemory
    from selaras.memory.tmx import export_tmx

    Outputs((str(output),), (str(tm),)).refuse()
    with TranslationMemory(tm, create=False) as memory:
        units = export_tmx(memory, output)
    _report({"units": units, "output": str(output), "tm": str(tm)}, as_json)


@tm_app.command(
    epilog=examples(
        "selaras tm stats --tm memori.tm",
        "selaras tm stats --tm memori.tm --json",
    )
)
@handle_errors
def stats(tm: MemoryPathOption, as_json: JsonOption = False) -> None:
    """How many entries and distinct sources the translation memory holds, by origin."""
    from selaras.memory import TranslationMemory

    with TranslationMemory(tm, create=False) as memory:
        summary = memory.stats()
    if as_json:
        print_json(summary)
        return
    typer.echo(f"{summary['path']}: {summary['entries']} entries, {summary['sources']} distinct sources")
    for origin, count in summary["by_origin"].items():  # type: ignore[union-attr]
        typer.echo(f"  {origin or '(unknown)'}: {count}")


def _report(summary: dict, as_json: bool) -> None:
    if as_json:
        print_json(summary)
    elif "units" in summary:
        typer.echo(f"{summary['units']} units → {summary['output']}")
    else:
        typer.echo(f"{summary['added']} added, {summary['already']} already there; {summary['entries']} entries in {summary['tm']}")
