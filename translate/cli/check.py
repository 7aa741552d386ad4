"""``selaras check``: recompute the QA flags of an aligned TSV (offline, no model)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from translate.cli.app import app, examples, fail, handle_errors, print_json
from translate.checks import (
    LENGTH_MIN_FACTOR,
    LENGTH_Z,
    LOW_ALIGN,
    LOW_CHRF,
    REPEAT_MIN_RUN,
    UNTRANSLATED_MIN_ID_WORDS,
)


@app.command(
    epilog=examples(
        "selaras check aligned.tsv -o checked.tsv",
        "selaras check aligned.tsv --in-place --low-chrf 25",
        "selaras check aligned.tsv --json | jq '.counts'",
    )
)
@handle_errors
def check(
    aligned: Annotated[Path, typer.Argument(help="Aligned TSV (from selaras align/run); - reads stdin.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the checked TSV here (default: stdout).")
    ] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite ALIGNED itself (atomically).")] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print flag counts and flagged rows as JSON on stdout (the TSV only goes to -o/--in-place)."
        ),
    ] = False,
    low_chrf: Annotated[float, typer.Option(help="low-score below this sentence chrF (0-100).")] = LOW_CHRF,
    low_align: Annotated[float, typer.Option(help="low-alignment below this aligner score (0-1).")] = LOW_ALIGN,
    length_factor: Annotated[
        float, typer.Option(help="length-ratio only when MT/source is this factor off the document median.")
    ] = LENGTH_MIN_FACTOR,
    length_z: Annotated[float, typer.Option(help="length-ratio above this modified z-score.")] = LENGTH_Z,
    id_words: Annotated[
        int, typer.Option(help="untranslated at this many Indonesian function words in the MT.")
    ] = UNTRANSLATED_MIN_ID_WORDS,
    repeat: Annotated[int, typer.Option(help="repetition when an n-gram repeats this many times in a row.")] = (
        REPEAT_MIN_RUN
    ),
) -> None:
    """Flag suspicious rows: empty sides, untranslated or looping MT, number and name
    mismatches (Indonesian number formats understood), odd lengths, low scores.

    The flags column is recomputed; flags from other tools are kept after ours.
    A count per flag goes to stderr.
    """
    from dataclasses import replace

    from translate.checks import DEFAULT_THRESHOLDS, FLAG_NAMES, apply_flags, count_flags, find_flags
    from translate.io import STDIO
    from translate.rows import read_aligned_tsv, row_as_json, write_aligned_tsv

    if in_place and output is not None:
        raise fail("give either -o/--output or --in-place, not both")
    if in_place and str(aligned) == STDIO:
        raise fail("--in-place needs a file, not stdin")
    if low_align < 0 or low_align > 1:
        raise fail(f"--low-align must be between 0 and 1, got {low_align:g}")
    if length_factor <= 1:
        raise fail(f"--length-factor must be above 1 (2 = twice or half as long), got {length_factor:g}")
    thresholds = replace(
        DEFAULT_THRESHOLDS,
        low_chrf=low_chrf,
        low_align=low_align,
        length_min_factor=length_factor,
        length_z=length_z,
        untranslated_min_id_words=id_words,
        repeat_min_run=repeat,
    )
    rows = read_aligned_tsv(aligned)
    details = find_flags(rows, thresholds=thresholds)
    checked = apply_flags(rows, details)
    target = aligned if in_place else output
    if target is not None:
        write_aligned_tsv(target, checked)
    elif not as_json:
        write_aligned_tsv(STDIO, checked)
    counts = count_flags(checked)
    flagged = sum(1 for row in checked if row.flags)
    summary = ", ".join(f"{name} {n}" for name, n in counts.items() if n or name in FLAG_NAMES)
    typer.echo(f"checked {len(checked)} rows, {flagged} flagged: {summary}", err=True)
    if as_json:
        print_json(
            {
                "rows": len(checked),
                "flagged": flagged,
                "counts": counts,
                "flagged_rows": [
                    {
                        "row": number,
                        **row_as_json(row),
                        "details": {flag.name: flag.detail for flag in row_flags},
                    }
                    for number, (row, row_flags) in enumerate(zip(checked, details, strict=True), start=1)
                    if row.flags
                ],
            }
        )
