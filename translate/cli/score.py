"""``selaras score``: corpus BLEU/chrF/chrF++/TER of line-parallel files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selaras.cli.app import app, examples, handle_errors, print_json
from selaras.cli.options import BootstrapOption, JsonOption
from selaras.metrics import N_BOOTSTRAP


@app.command(
    epilog=examples(
        "selaras score mt.en.txt seeds/belarus-2020.en.close.txt",
        "selaras score mt.en.txt ref1.txt ref2.txt --json",
        "selaras score mt.en.txt ref.txt --bootstrap 0",
    )
)
@handle_errors
def score(
    hypothesis: Annotated[Path, typer.Argument(help="Machine translation, one segment per line.")],
    references: Annotated[list[Path], typer.Argument(help="One or more line-parallel reference files.")],
    as_json: JsonOption = False,
    bootstrap: BootstrapOption = N_BOOTSTRAP,
) -> None:
    """Score a translation against references, like sacrebleu (BLEU, chrF, chrF++, TER).

    The files must be line-parallel: line n of the hypothesis translates line n of each
    reference. Blank lines that are blank in every file are paragraph breaks and are
    not scored; a line blank in some files only is an error (the files do not match
    there), as is a different number of lines.
    """
    from selaras.jobs.score import score_files

    result = score_files(hypothesis, references, n_bootstrap=bootstrap)
    if as_json:
        print_json(result.as_json())
        return
    for s in result.scores.values():
        typer.echo(f"{s.text}\n    {s.signature}")
