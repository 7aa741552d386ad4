"""``selaras translate``: Indonesian text to English with Opus-MT, resumable."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from selaras.cli.app import app, examples, fail, handle_errors, progress_reporter
from selaras.cli.options import (
    EngineFlags,
    FormatOption,
    GlossaryOption,
    JsonOption,
    flag_group,
    lines_option,
    output_option,
    read_glossary_option,
    TmOption,
)


@app.command(
    epilog=examples(
        "selaras translate artikel.id.txt -o artikel.en.txt",
        "selaras translate artikel.id.txt --model ./opus-mt-id-en --device cpu",
        "selaras segment artikel.id.txt | selaras translate - --lines",
        "selaras translate kalimat.id.txt --lines --beams 4 --batch-size 32 -o kalimat.en.txt",
        "selaras translate artikel.id.txt --json > terjemahan.json",
        "selaras translate laporan.docx -o report.docx      # also .html, .md, .srt",
        "selaras translate halaman.php --format html -o page.php",
        "selaras translate strings.id.xlf -o strings.en.xlf    # also .po: empty targets filled, marked for review",
        "selaras translate artikel.id.txt --backend ctranslate2 --compute-type float32",
        "selaras translate artikel.id.txt --tm memori.tm -o artikel.en.txt   # reviewed sentences from the TM",
        "selaras translate artikel.id.txt --shortlist opus-id-en.shortlist.json   # see: selaras shortlist build",
        "selaras translate artikel.id.txt --glossary istilah.tsv   # the MT uses the glossary's English",
        "HF_HUB_OFFLINE=1 selaras translate artikel.id.txt   # use the cached model only",
    )
)
@handle_errors
@flag_group(EngineFlags)
def translate(
    file: Annotated[
        Path, typer.Argument(help="UTF-8 Indonesian text; blank lines separate paragraphs; - reads stdin.")
    ],
    output: Annotated[
        Path | None, output_option("Write here (atomically) instead of stdout; resumable after interruption.")
    ] = None,
    engine: EngineFlags = EngineFlags(),
    lines: Annotated[bool, lines_option("Each line is one sentence (no segmentation); output is line-parallel.")] = False,
    document_format: FormatOption = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="XLIFF/PO: translate again the units that already have a translation (locked and translate=\"no\" "
            "units are never touched).",
        ),
    ] = False,
    tm: TmOption = None,
    glossary: GlossaryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Translate Indonesian to English, one English line per source sentence.

    Without --lines the text is split into sentences (as `selaras segment` does) and
    the output has one blank line between paragraphs. Sentences longer than the model
    accepts are split at clause boundaries, never cut. An interrupted run (Ctrl-C,
    kill) resumes where it stopped when rerun with the same arguments. With --json,
    prints a list of {id, source, translation, pieces, score, tokens}: id is the 1-based
    sentence number (line number with --lines); score is the model's own confidence, the
    mean log-probability per target token (closer to 0 is surer; no reference needed),
    and alignment, the word alignment: [source piece, target piece] index pairs into
    source_pieces and target_pieces, from the model's cross-attention. With
    --glossary each sentence also lists its terms: term, target, and outcome (present,
    placed on the aligned words, or unsure: the MT left as the model made it).

    A .docx, .html, .md or .srt file (or --format) is translated in place: the same
    document comes back in English, its formatting, structure and untranslatable parts
    (code, timings, images) kept; bold, italic and links land on the aligned English
    words, or around the whole sentence when the alignment is unsure.

    An XLIFF 1.2 or 2.x (.xlf, .xliff) or PO (.po, .pot) file has its empty targets filled:
    inline tags kept, each filled unit marked for review (state
    needs-review-translation, 2.x translated with a selaras sub-state, PO fuzzy) with
    a note giving the engine, the model's
    confidence and the QA flags; translated, locked and translate="no" units are left
    alone (--overwrite translates the translated ones again).
    """
    from selaras.formats import format_name
    from selaras.jobs.translate import translate_file

    if format_name(file, document_format) == "docx" and output is None and not as_json and sys.stdout.isatty():
        raise fail("a .docx is a binary file: give -o FILE.docx (or redirect stdout)", 2)
    options = engine.options()
    terms = read_glossary_option(glossary)
    with progress_reporter("translating") as report:
        result = translate_file(
            file, output, options=options, lines=lines, as_json=as_json, on_progress=report, format=document_format,
            overwrite=overwrite, tm=tm, glossary=terms,
        )
    if result.terms is not None:
        typer.echo(
            "glossary: {present} term(s) already in the MT, {placed} placed, {unsure} left as they were "
            "(alignment unsure)".format(**result.terms),
            err=True,
        )
    split = result.document.split_count
    if split:
        typer.echo(
            f"note: {split} sentence(s) were longer than the model's {result.max_input_tokens}-token limit "
            "and were split at clause boundaries (see 'pieces' in --json)",
            err=True,
        )
