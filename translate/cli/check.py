"""``selaras check``: recompute the QA flags of an aligned TSV (offline, no model)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from selaras.cli.app import app, examples, fail, handle_errors, print_json
from selaras.cli.options import glossary_option, json_option, output_option, read_glossary_option
from selaras.checks import (
    FLAG_NAMES,
    LENGTH_MIN_FACTOR,
    LENGTH_Z,
    LOW_ALIGN,
    LOW_CHRF,
    REPEAT_MIN_RUN,
    UNTRANSLATED_MIN_ID_WORDS,
    count_flags,
)

if TYPE_CHECKING:
    from selaras.records import Flag
    from selaras.rows import AlignedRow

#: Each numeric option and the check parameter it sets; a parameter the library
#: refuses is reported under the option's name.
OPTION_PARAMS: dict[str, tuple[str, str]] = {
    "--low-chrf": ("low-score", "min_chrf"),
    "--low-align": ("low-alignment", "min_score"),
    "--low-confidence": ("low-confidence", "threshold"),
    "--length-factor": ("length-ratio", "min_factor"),
    "--length-z": ("length-ratio", "z"),
    "--id-words": ("untranslated", "min_id_words"),
    "--repeat": ("repetition", "min_run"),
}


def parse_low_confidence(value: str) -> float | None:
    """``auto`` -> ``None`` (the document-relative rule); otherwise a number."""
    if value.strip().lower() == "auto":
        return None
    try:
        number = float(value)
    except ValueError:
        raise fail(f"--low-confidence must be auto or a log-probability such as -1.5, got {value!r}", 2) from None
    if not math.isfinite(number):
        raise fail(f"--low-confidence must be auto or a finite log-probability such as -1.5, got {value!r}", 2)
    return number


def checks_from_options(values: Mapping[str, object], *, where: str = "", glossary: Any = None) -> Any:
    """The checks that option values set (``{"--low-chrf": 25.0, ...}``), and
    ``term-missing`` with ``glossary`` (a read :class:`selaras.terms.Glossary`) if given.

    A value the library refuses is one error line under the option's name, after
    ``where`` (``"--checked-with: "`` when the options came inside another).
    """
    from selaras.checks import ParameterError, build_checks

    params: dict[str, dict[str, object]] = {}
    for option, value in values.items():
        check_name, param = OPTION_PARAMS[option]
        params.setdefault(check_name, {})[param] = value
    if glossary is not None:
        params["term-missing"] = {"glossary": glossary}
    try:
        return build_checks(params)
    except ParameterError as exc:
        option = next((o for o, target in OPTION_PARAMS.items() if target == (exc.check, exc.param)), None)
        if option is None:
            raise
        raise fail(f"{where}{option} {exc.reason}", exc.exit_code) from None


@app.command(
    epilog=examples(
        "selaras check aligned.tsv -o checked.tsv",
        "selaras check aligned.tsv --in-place --low-chrf 25",
        "selaras check aligned.tsv --low-confidence -1.5",
        "selaras check aligned.tsv --json | jq '.counts'",
        "selaras check aligned.tsv --glossary istilah.tsv -o checked.tsv   # term-missing flags",
    )
)
@handle_errors
def check(
    aligned: Annotated[Path, typer.Argument(help="Aligned TSV (from selaras align/run); - reads stdin.")],
    output: Annotated[Path | None, output_option("Write the checked TSV here (default: stdout).")] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite ALIGNED itself (atomically).")] = False,
    as_json: Annotated[
        bool,
        json_option("Print flag counts and flagged rows as JSON on stdout (the TSV only goes to -o/--in-place)."),
    ] = False,
    low_chrf: Annotated[float, typer.Option(help="low-score below this sentence chrF (0-100).")] = LOW_CHRF,
    low_align: Annotated[float, typer.Option(help="low-alignment below this aligner score (0-1).")] = LOW_ALIGN,
    low_confidence: Annotated[
        str,
        typer.Option(
            metavar="auto|LOGPROB",
            help="low-confidence below this MT log-probability per token (e.g. -1.5), or auto: "
            "a low outlier for its document."
        ),
    ] = "auto",
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
    glossary: Annotated[
        Path | None,
        glossary_option("Rows whose MT or reference lacks the English of a term in their source are flagged term-missing."),
    ] = None,
) -> None:
    """Flag suspicious rows: empty sides, a reference in the wrong language, untranslated
    or looping MT, number and name mismatches (Indonesian number formats understood),
    glossary terms missing (with --glossary), odd lengths, low MT confidence, low scores.

    The flags column is recomputed; flags from other tools are kept after ours.
    A count per flag goes to stderr.
    """
    from selaras.io import STDIO
    from selaras.jobs.review import check_file

    if in_place and output is not None:
        raise fail("give either -o/--output or --in-place, not both")
    if in_place and str(aligned) == STDIO:
        raise fail("--in-place needs a file, not stdin")
    checks = checks_from_options(
        {
            "--low-chrf": low_chrf,
            "--low-align": low_align,
            "--low-confidence": parse_low_confidence(low_confidence),
            "--length-factor": length_factor,
            "--length-z": length_z,
            "--id-words": id_words,
            "--repeat": repeat,
        },
        glossary=read_glossary_option(glossary),
    )
    if glossary is not None and (in_place or output is not None):  # the glossary is an input too
        from selaras.io import check_outputs

        check_outputs([aligned if in_place else output], [glossary])
    to_stdout = output is None and not in_place and not as_json  # --json alone prints only the JSON
    result = check_file(aligned, STDIO if to_stdout else output, checks=checks, in_place=in_place)
    typer.echo(summary_line(result.rows), err=True)
    if as_json:
        print_json(check_json(result.rows, result.details))


def summary_line(rows: Sequence[AlignedRow]) -> str:
    """The line on stderr: rows checked, how many flagged, and a count per flag."""
    counts = count_flags(rows)
    summary = ", ".join(f"{name} {n}" for name, n in counts.items() if n or name in FLAG_NAMES)
    return f"checked {len(rows)} rows, {sum(1 for row in rows if row.flags)} flagged: {summary}"


def check_json(rows: Sequence[AlignedRow], details: Sequence[Sequence[Flag]]) -> dict[str, Any]:
    """``--json``: the counts, and each flagged row (numbered from 1) with its flags' details."""
    from selaras.rows import row_as_json

    return {
        "rows": len(rows),
        "flagged": sum(1 for row in rows if row.flags),
        "counts": count_flags(rows),
        "flagged_rows": [
            {
                "row": number,
                **row_as_json(row),
                "details": {flag.name: flag.detail for flag in row_flags},
                "reasons": {flag.name: flag.detail for flag in row_flags},
            }
            for number, (row, row_flags) in enumerate(zip(rows, details, strict=True), start=1)
            if row.flags
        ],
    }
