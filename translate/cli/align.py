"""``selaras align``: align a source document with its reference translation (aligned TSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selaras.cli.app import app, examples, handle_errors, print_json, progress_reporter
from selaras.cli.options import (
    EmbedderOption,
    FormatOption,
    JsonOption,
    LexiconOption,
    LinesOption,
    MaxBeadOption,
    mt_option,
    output_option,
)

@app.command(
    epilog=examples(
        "selaras align article.id.txt article.en.txt -o aligned.tsv",
        "selaras align article.id.txt article.en.txt --mt article.mt.en.txt -o aligned.tsv",
        "selaras align src.txt ref.txt --lines --json",
        "selaras align src.txt ref.txt --lexicon id-en.dict.tsv --max-bead 6",
        "selaras align laporan.docx report.en.docx -o aligned.tsv   # docx, html, md, srt",
        "selaras align src.txt ref.txt --embedder none      # lexical only, linear time",
        "selaras align src.txt ref.txt --embedder sentence-transformers/LaBSE",
    )
)
@handle_errors
def align(
    source: Annotated[Path, typer.Argument(help="Indonesian source document (UTF-8).")],
    reference: Annotated[Path, typer.Argument(help="English reference translation (UTF-8).")],
    mt: Annotated[
        Path | None,
        mt_option("English MT of the source, one line per source sentence (as written by selaras translate)."),
    ] = None,
    lines: LinesOption = False,
    output: Annotated[Path, output_option("Write the aligned TSV here ('-' = stdout).")] = Path("-"),
    max_bead: MaxBeadOption = 5,
    lexicon: LexiconOption = None,
    document_format: FormatOption = None,
    embedder: EmbedderOption = "auto",
    as_json: JsonOption = False,
) -> None:
    """Align source and reference sentences (1-1, 1-2, 2-1, 0-1, ...) into an aligned TSV.

    The TSV carries the QA flags selaras check computes. A reference that is not
    English, or does not look like a translation of the source, gets one warning line
    (and "warnings" in --json).
    """
    from selaras.align import summarise
    from selaras.jobs.align import align_files

    to_file = str(output) != "-"
    with progress_reporter("embedding") as on_embed_progress:
        result = align_files(
            source, reference, output if (to_file or not as_json) else None, mt=mt, lines=lines, max_bead=max_bead,
            lexicon=lexicon, format=document_format, embedder=embedder, on_embed_progress=on_embed_progress,
        )
    if as_json:
        print_json({**summarise(result.beads), "warnings": result.warnings})
