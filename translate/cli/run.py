"""``selaras run``: the whole pipeline into one folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from selaras.cli.app import app, examples, fail, handle_errors, print_json, progress_reporter
from selaras.cli.options import (
    BootstrapOption,
    EmbedderOption,
    EngineFlags,
    FormatOption,
    GlossaryOption,
    JsonOption,
    LexiconOption,
    LinesOption,
    MaxBeadOption,
    TmOption,
    flag_group,
    mt_option,
    out_dir_option,
    read_glossary_option,
)
from selaras.metrics import N_BOOTSTRAP


@app.command(
    epilog=examples(
        "selaras run seeds/belarus-2020.id.txt -r seeds/belarus-2020.en.close.txt -o runs/belarus",
        "selaras run doc.id.txt -r ref1.en.txt -r ref2.en.txt --backend ctranslate2 --json",
        "selaras run doc.id.txt -r ref.en.txt --mt doc.mt.txt      # reuse an existing MT",
        "selaras run doc.id.txt -r ref.en.txt --no-mt              # align source and reference only",
        "selaras run laporan.docx -r report.en.docx -o runs/laporan  # docx, html, md, srt",
        "selaras run doc.id.txt -r ref.en.txt --word-alignment     # word links for the review page",
        "selaras run doc.id.txt -r ref.en.txt --tm memori.tm       # TM matches instead of MT (origin=tm)",
        "selaras run doc.id.txt -r ref.en.txt --glossary istilah.tsv  # terms enforced in the MT and checked",
    )
)
@handle_errors
@flag_group(EngineFlags)
def run(
    source: Annotated[Path, typer.Argument(help="Indonesian document (UTF-8 text).")],
    reference: Annotated[
        Optional[list[Path]],
        typer.Option("--reference", "-r", help="English reference translation (repeat for several)."),
    ] = None,
    out_dir: Annotated[Path, out_dir_option("Folder for the run's files.")] = Path("selaras-run"),
    mt: Annotated[Optional[Path], mt_option("Use this MT (one line per source sentence) instead of translating.")] = None,
    no_mt: Annotated[bool, typer.Option("--no-mt", help="Do not translate: align source and reference only.")] = False,
    engine: EngineFlags = EngineFlags(),
    lines: LinesOption = False,
    max_bead: MaxBeadOption = None,
    lexicon: LexiconOption = None,
    bootstrap: BootstrapOption = N_BOOTSTRAP,
    document_format: FormatOption = None,
    embedder: EmbedderOption = "auto",
    word_alignment: Annotated[
        bool,
        typer.Option(
            "--word-alignment",
            help="Also link each source word to its MT words (aligned.tsv word_alignment; about 12% slower).",
        ),
    ] = False,
    tm: TmOption = None,
    glossary: GlossaryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Segment, translate, align with the reference(s), flag and score — into one folder.

    Writes source.txt, mt.txt, reference.txt, aligned.tsv (aligned.ref2.tsv … for more
    references) and metrics.json, which lists them: a rerun into the same folder replaces
    the whole set. A file you give is never written over (choose another -o then). An
    interrupted translation resumes on rerun.
    """
    from selaras.jobs.run import run_job
    from selaras.jobs.spec import AlignSettings, GivenMt, NoMt, Progress, RunSpec, Translate

    if not reference:
        raise fail("give at least one --reference FILE (an English translation of the source)", 2)
    if mt is not None and no_mt:
        raise fail("--mt and --no-mt contradict each other; use one", 2)
    if tm is not None and (mt is not None or no_mt):
        raise fail("--tm replaces MT made here: it cannot go with --mt or --no-mt", 2)
    spec = RunSpec(
        source, tuple(reference), out_dir,
        mt=GivenMt(mt) if mt is not None else NoMt() if no_mt else Translate(engine.options()),
        align=AlignSettings(max_bead=max_bead, lexicon=lexicon, embedder=embedder),
        lines=lines, format=document_format, n_bootstrap=bootstrap, word_alignment=word_alignment,
        tm=tm,
        glossary=read_glossary_option(glossary),
    )
    with progress_reporter("translating") as on_progress, progress_reporter("embedding") as on_embed:
        result = run_job(spec, Progress(translate=on_progress, embed=on_embed))
    if result.resumed:
        typer.echo(f"resumed: {result.resumed} sentences were already translated", err=True)
    if result.split:
        typer.echo(f"note: {result.split} over-long sentences were split to fit the model and rejoined", err=True)
    if as_json:
        print_json({"out_dir": str(result.out_dir), **result.metrics})
    else:
        typer.echo(summary_text(result))


def summary_text(result: Any) -> str:
    """The summary on stdout: the folder, then each reference's aligned TSV, beads and scores."""
    lines = [f"{len(result.sentences)} source sentences → {result.out_dir}/"]
    for ref in result.metrics["references"]:
        line = f"  {ref['aligned']}: {ref['beads']} beads with {ref['reference']}"
        if ref["metrics"]:
            m = ref["metrics"]
            line += f"  BLEU {m['bleu']:.2f}  chrF {m['chrf']:.2f}  chrF++ {m['chrfpp']:.2f}  TER {m['ter']:.2f}"
        lines.append(line)
    if result.mt is None:
        lines.append("  (no MT: source–reference alignment only, no scores)")
    return "\n".join(lines)
