"""``selaras score``: corpus BLEU/chrF/chrF++/TER of line-parallel files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from translate.cli.app import JsonOption, app, examples, handle_errors, print_json


@app.command(
    epilog=examples(
        "selaras score mt.en.txt seeds/belarus-2020.en.close.txt",
        "selaras score mt.en.txt ref1.txt ref2.txt --json",
    )
)
@handle_errors
def score(
    hypothesis: Annotated[Path, typer.Argument(help="Machine translation, one segment per line.")],
    references: Annotated[list[Path], typer.Argument(help="One or more line-parallel reference files.")],
    as_json: JsonOption = False,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the 95% CI (1 = off).")] = 1000,
) -> None:
    """Score a translation against references, like sacrebleu (BLEU, chrF, chrF++, TER)."""
    from translate.io import read_lines
    from translate.metrics import corpus_scores, scores_as_json

    hyps = read_lines(hypothesis)
    refs = [read_lines(r) for r in references]
    scores = corpus_scores(hyps, refs, n_bootstrap=bootstrap)
    if as_json:
        print_json(scores_as_json(scores, len(hyps)))
        return
    for key, s in scores.items():
        typer.echo(f"{s.text}\n    {s.signature}")
