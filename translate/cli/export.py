"""``selaras export``: aligned TSV -> TMX 1.4b, Moses, JSONL or TSV parallel corpus."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from selaras.cli.app import app, examples, fail, handle_errors, print_json
from selaras.cli.options import (
    JsonOption,
    comma_list,
    exclude_flags_option,
    min_chrf_option,
    output_option,
    status_option,
)
from selaras.export.registry import EXPORTERS

if TYPE_CHECKING:
    from selaras.export import ExportSummary


#: The ``--format`` choices: the export registry's formats, in its order.
Format = Enum("Format", {name: name for name in EXPORTERS}, type=str, module=__name__)


class Pair(str, Enum):
    """Which English side pairs with the Indonesian source."""

    reference = "reference"
    mt = "mt"


def summary_line(summary: ExportSummary) -> str:
    """The one line ``selaras export`` prints on stderr: what was written, and each skip
    reason counted under the flag that caused it."""
    return (
        f"exported {summary.exported}, skipped {summary.skipped} (empty side: {summary.skipped_empty}, "
        f"below --min-chrf: {summary.skipped_low_chrf}, flagged: {summary.skipped_flagged}, "
        f"duplicate: {summary.skipped_duplicate})"
    )


@app.command(
    epilog=examples(
        "selaras export aligned.tsv --format tmx -o belarus.tmx",
        "selaras export aligned.tsv --format moses -o corpus --min-chrf 40 --exclude-flags number-mismatch,empty",
        "selaras export aligned.tsv --format jsonl -o mt.jsonl --pair mt --dedupe --json",
        "selaras export reviewed.tsv --format tmx -o accepted.tmx --status accepted",
        "selaras export reviewed.en.xlf --format tmx -o memory.tmx   # also .po; MT-filled units: --pair mt",
    )
)
@handle_errors
def export(
    aligned: Annotated[Path, typer.Argument(help="Aligned TSV (from selaras align/run/check), or a bilingual XLIFF/PO file; - reads stdin.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)],
    output: Annotated[
        str, output_option("Output path; moses writes PATH.id and PATH.en; - is stdout (not for moses).")
    ],
    pair: Annotated[
        Pair, typer.Option(help="Pair the source with the human reference or with the MT.", case_sensitive=False)
    ] = Pair.reference,
    min_chrf: Annotated[
        float | None, min_chrf_option("Leave out rows whose sentence chrF is below this (or missing).")
    ] = None,
    exclude_flags: Annotated[
        str, exclude_flags_option("Leave out rows with any of these comma-separated flags (see selaras check).")
    ] = "",
    dedupe: Annotated[bool, typer.Option("--dedupe", help="Leave out repeated (source, target) pairs.")] = False,
    status: Annotated[
        str | None,
        status_option("Export only beads with these review statuses: accepted, rejected, pending (comma-separated)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Export aligned rows as a parallel corpus for CAT tools (TMX) or MT training (Moses).

    Beads with an empty side are left out of TMX and Moses; every skip is counted in
    the summary line on stderr. Files appear only when complete.
    """
    from selaras.checks import FLAG_NAMES
    from selaras.export import export_rows, load_exporter
    from selaras.io import STDIO, check_outputs
    from selaras.rows import read_aligned_tsv

    if output == STDIO and as_json:
        raise fail("--json prints to stdout, so it cannot go with -o -; give -o PATH")
    exporter = load_exporter(fmt.value)
    if output == STDIO and (refusal := exporter.stdout_refusal()):
        raise fail(f"{refusal}; give -o PATH, not -")
    if min_chrf is not None and not 0 <= min_chrf <= 100:
        raise fail(f"--min-chrf must be between 0 and 100 (sentence chrF), got {min_chrf:g}", 2)
    check_outputs(exporter.paths(output), [aligned])
    excluded = list(comma_list(exclude_flags))
    from selaras.review import parse_statuses, rows_with_status

    statuses = parse_statuses(status) if status is not None else None
    from selaras.formats import format_name
    from selaras.formats.bilingual import BILINGUAL, read_bilingual_rows

    if str(aligned) != STDIO and format_name(aligned) in BILINGUAL:  # a reviewed XLIFF or PO: its units are the rows
        rows = read_bilingual_rows(aligned, format_name(aligned))
    else:
        rows = read_aligned_tsv(aligned)
    n_read = len(rows)
    if statuses is not None:
        rows = rows_with_status(rows, statuses)
        typer.echo(f"{len(rows)} of {n_read} beads have status {status}", err=True)
    present = {flag for row in rows for flag in row.flags}
    unknown = [f for f in excluded if f not in FLAG_NAMES and f not in present]
    if unknown:
        typer.echo(
            f"Warning: no row has flag(s) {', '.join(unknown)} and selaras check does not set them; "
            f"known flags: {', '.join(FLAG_NAMES)}",
            err=True,
        )
    summary = export_rows(
        rows,
        output,
        fmt=fmt.value,
        pair=pair.value,
        min_chrf=min_chrf,
        exclude_flags=excluded,
        dedupe=dedupe,
        name="stdin" if str(aligned) == STDIO else aligned.name,
    )
    typer.echo(summary_line(summary), err=True)
    if as_json:
        print_json(
            {
                **summary.as_json(),
                "format": fmt.value,
                "pair": pair.value,
                "outputs": exporter.paths(output),
            }
        )
