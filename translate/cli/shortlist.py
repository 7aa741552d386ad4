"""``selaras shortlist build``: a vocabulary shortlist from the model's own translations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from selaras.cli.app import app, examples, handle_errors, print_json, progress_reporter
from selaras.cli.options import BackendChoice, EngineFlags, JsonOption, flag_group, output_option
from selaras.backends.shortlist import DEFAULT_PER_PIECE, DEFAULT_TOP, MAX_PER_PIECE, MAX_TOP

shortlist_app = typer.Typer(
    name="shortlist",
    help="Vocabulary shortlists: CTranslate2 decodes over the target pieces a batch can need "
    "(faster; off until you build one).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(shortlist_app, name="shortlist")


@shortlist_app.command(
    epilog=examples(
        "selaras shortlist build --corpus berita.id.txt -o opus-id-en.shortlist.json",
        "selaras translate artikel.id.txt --shortlist opus-id-en.shortlist.json",
        "selaras shortlist build --corpus berita.id.txt   # the model's default: used until --shortlist off",
        "selaras shortlist build --model ./opus-mt-id-en --corpus berita.id.txt --top 1000 --per-piece 50 --json",
    )
)
@handle_errors
@flag_group(EngineFlags, without=("backend", "shortlist"))
def build(
    corpus: Annotated[
        Path, typer.Option("--corpus", help="Monolingual Indonesian text, one sentence per line (blank lines skipped).")
    ],
    output: Annotated[
        Optional[Path],
        output_option(
            "Write the shortlist here (atomically). Default: the model's cached shortlist, which "
            "CTranslate2 then uses for this model unless --shortlist off.",
        ),
    ] = None,
    engine: EngineFlags = EngineFlags(),
    top: Annotated[
        int, typer.Option("--top", help=f"Most frequent target pieces always allowed (0-{MAX_TOP}).")
    ] = DEFAULT_TOP,
    per_piece: Annotated[
        int, typer.Option("--per-piece", help=f"Target pieces kept per source piece (0-{MAX_PER_PIECE}).")
    ] = DEFAULT_PER_PIECE,
    as_json: JsonOption = False,
) -> None:
    """Build a vocabulary shortlist by translating CORPUS with the full vocabulary.

    For every source piece it keeps the target pieces that appear most often in the
    model's translations of sentences containing it (--per-piece), plus the --top most
    frequent target pieces, always allowed. `selaras translate --shortlist FILE` (and
    `run`) then decode over those only: faster, and usually the same output (see the
    README's Speed section for how often it differs). The file carries the model's
    vocabulary fingerprint: a shortlist for another model is refused.
    """
    from selaras.jobs.shortlist import build_shortlist_file

    options = replace(engine, backend=BackendChoice.ctranslate2).options()
    with progress_reporter("translating") as report:
        shortlist, path = build_shortlist_file(
            corpus, output, options, top=top, per_piece=per_piece, on_progress=report
        )
    summary = {
        "path": str(path),
        "model": shortlist.model,
        "vocabulary_sha256": shortlist.vocabulary,
        "always": len(shortlist.always),
        "source_pieces": len(shortlist.pieces),
        **dict(shortlist.settings),
    }
    if as_json:
        print_json(summary)
        return
    typer.echo(
        f"{path}: {summary['always']} pieces always allowed, {summary['source_pieces']} source pieces mapped "
        f"(from {summary['sentences']} sentences, beam {summary['beams']})"
    )
