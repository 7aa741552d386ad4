"""``selaras corpus``: many documents in one resumable job, locally or on Ray."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from selaras.cli.app import app, examples, fail, handle_errors, print_json, progress_reporter
from selaras.cli.options import (
    EmbedderOption,
    EngineFlags,
    FillTmOption,
    JsonOption,
    LinesOption,
    MaxBeadOption,
    TmOption,
    bootstrap_option,
    comma_list,
    exclude_flags_option,
    flag_group,
    glossary_option,
    min_chrf_option,
    out_dir_option,
    read_glossary_option,
)
from selaras.export.registry import EXPORTERS
from selaras.metrics import N_BOOTSTRAP


class CorpusEngine(str, Enum):
    """Who translates: this process, or Ray Data actors."""

    local = "local"
    ray = "ray"


@app.command(
    epilog=examples(
        "selaras corpus manifest.tsv -o runs/corpus",
        "selaras corpus docs/ -o runs/corpus --export tmx,moses --min-chrf 30 --exclude-flags number-mismatch",
        "selaras corpus manifest.tsv -o runs/corpus --glossary istilah.tsv --exclude-flags term-missing",
        "selaras corpus manifest.jsonl -o runs/corpus --engine ray --ray-address auto --json",
        "selaras corpus manifest.tsv -o runs/corpus --tm memori.tm --fill-tm korpus.tm --min-chrf 30",
    )
)
@handle_errors
@flag_group(EngineFlags)
def corpus(
    manifest: Annotated[
        Path,
        typer.Argument(
            help="TSV (id, source, reference… columns) or JSONL ({id, source, reference}) with paths relative "
            "to it, or a folder where NAME.id.txt pairs with NAME.en.txt."
        ),
    ],
    out_dir: Annotated[Path, out_dir_option("Folder for docs/<id>/, corpus.tsv, metrics.json, exports/.")],
    engine: Annotated[
        CorpusEngine,
        typer.Option(
            "--engine",
            help="local: one model in this process (the default). ray: Ray Data actors, each loading the model "
            "once; starts a local Ray (~10 s, ~1.5 GB of processes) unless --ray-address joins a cluster. "
            'Needs pip install "selaras[ray]".',
        ),
    ] = CorpusEngine.local,
    ray_address: Annotated[
        Optional[str], typer.Option("--ray-address", help="Join this Ray cluster: auto or ray://HOST:10001.")
    ] = None,
    ray_actors: Annotated[
        Optional[int], typer.Option("--ray-actors", help="Ray actors (default: one per GPU, else one per CPU).")
    ] = None,
    mt_engine: EngineFlags = EngineFlags(),
    lines: LinesOption = False,
    embedder: EmbedderOption = "auto",
    max_bead: MaxBeadOption = None,
    bootstrap: Annotated[int, bootstrap_option("each document's 95% CIs")] = N_BOOTSTRAP,
    export: Annotated[
        str, typer.Option("--export", help=f"Comma-separated export formats: {', '.join(EXPORTERS)}.")
    ] = ",".join(EXPORTERS),
    min_chrf: Annotated[
        Optional[float], min_chrf_option("Leave rows whose sentence chrF is below this (or missing) out of the exports.")
    ] = None,
    exclude_flags: Annotated[
        str, exclude_flags_option("Leave rows with any of these comma-separated flags out of the exports.")
    ] = "",
    memory: Annotated[
        Optional[Path],
        typer.Option("--memory", help="Sentence cache file (default: memory/sentences.sqlite in the Selaras cache)."),
    ] = None,
    tm: TmOption = None,
    fill_tm: FillTmOption = None,
    glossary: Annotated[
        Optional[Path],
        glossary_option(
            "Every document's rows whose MT or reference lacks a term's English are flagged term-missing "
            "(the corpus MT itself is not changed)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Translate, align and score many documents into one folder, with one filtered export.

    Each document gets docs/<id>/, exactly what selaras run writes; corpus.tsv holds every
    bead with a leading doc column; metrics.json the corpus scores and a per-document table;
    exports/ the filtered corpus (each TMX unit names its document). The model loads once;
    identical sentences are translated once and kept in a sentence cache that later runs
    reuse. Interrupted (even kill -9)? Rerun the same command: nothing finished is translated
    again. Exit 1 when a document failed (each is named with why); the others are done.
    """
    from selaras.corpus import ExportFilter, RunSettings, run_corpus
    from selaras.export.registry import unknown_formats
    from selaras.jobs.spec import AlignSettings

    formats = tuple(dict.fromkeys(f.strip().lower() for f in export.split(",") if f.strip()))
    unknown = unknown_formats(formats)
    if unknown:
        raise fail(f"--export: unknown format(s) {', '.join(unknown)}; choose from {', '.join(EXPORTERS)}", 2)
    _check_flags(min_chrf=min_chrf, engine=engine, ray_address=ray_address, ray_actors=ray_actors)
    settings = RunSettings(
        engine=mt_engine.options(), lines=lines, align=AlignSettings(max_bead=max_bead, embedder=embedder), n_bootstrap=bootstrap,
        tm=tm,
        glossary=read_glossary_option(glossary),
    )
    filters = ExportFilter(formats=formats, min_chrf=min_chrf, exclude_flags=comma_list(exclude_flags))
    with progress_reporter("translating") as on_translate, progress_reporter("assembling") as on_assemble:
        result = run_corpus(
            manifest,
            out_dir,
            settings=settings,
            engine=engine.value,
            ray_address=ray_address,
            ray_actors=ray_actors,
            filters=filters,
            memory_path=memory,
            fill_tm=fill_tm,
            on_translate=on_translate,
            on_assemble=on_assemble,
        )
    _report(result, as_json=as_json)


def _check_flags(*, min_chrf: float | None, engine: CorpusEngine, ray_address: str | None, ray_actors: int | None) -> None:
    """Refuse, with the fix, a flag out of range or one that needs another (``--ray-*`` without ``--engine ray``)."""
    if min_chrf is not None and not 0 <= min_chrf <= 100:
        raise fail(f"--min-chrf must be between 0 and 100 (sentence chrF), got {min_chrf:g}", 2)
    if engine is CorpusEngine.local and (ray_address or ray_actors):
        raise fail("--ray-address and --ray-actors need --engine ray", 2)
    if ray_actors is not None and ray_actors < 1:
        raise fail(f"--ray-actors must be at least 1, got {ray_actors}", 2)


def _report(result: Any, *, as_json: bool) -> None:
    """The summary on stderr, with --json the metrics on stdout; exit 1 when a document failed."""
    typer.echo(summary_text(result), err=True)
    if as_json:
        print_json({"out_dir": str(result.out_dir), "stats": result.stats.as_json(), **result.metrics})
    if not result.ok:
        raise typer.Exit(1)


def summary_text(result: Any) -> str:
    """The summary on stderr: documents, sentences, beads, what was cached, exported and skipped."""
    s, m = result.stats, result.metrics
    lines = [
        f"{m['succeeded']} of {s.documents} documents → {result.out_dir}/ ({len(result.failed)} failed)",
        f"  {s.sentences} source sentences, {s.unique} distinct: "
        + (f"{s.from_tm} from the translation memory, " if s.from_tm else "")
        + f"{s.cached} from the sentence cache, {s.translated} translated; {s.beads} beads",
    ]
    if m.get("bleu") is not None:
        lines.append(
            f"  corpus BLEU {m['bleu']:.2f}  chrF {m['chrf']:.2f}  chrF++ {m['chrfpp']:.2f}  TER {m['ter']:.2f} "
            f"over {m['n_sentences']} scored beads"
        )
    for fmt, e in m["exports"].items():
        lines.append(
            f"  {fmt}: exported {e['exported']}, skipped {e['skipped']} (empty side: {e['skipped_empty']}, "
            f"below --min-chrf: {e['skipped_low_chrf']}, flagged: {e['skipped_flagged']})"
        )
    if result.failed:  # each reason was a warning line when it happened, and is in metrics.json
        lines.append("  failed: " + ", ".join(f["id"] for f in result.failed) + " (reasons above and in metrics.json)")
    return "\n".join(lines)
