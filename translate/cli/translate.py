"""``selaras translate``: Indonesian text to English with Opus-MT, resumable."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Annotated

import typer

from translate.cli.app import JsonOption, app, examples, handle_errors, print_json, progress_reporter
from translate.backends.base import DEFAULT_MODEL
from translate.cli.options import (
    BackendChoice,
    BackendOption,
    BatchSizeOption,
    BeamsOption,
    ComputeTypeOption,
    DeviceChoice,
    DeviceOption,
    ModelOption,
    backend_options,
)

#: Suffix of the checkpoint kept beside ``-o OUT`` while a run is unfinished (gitignored).
PARTIAL_SUFFIX = ".selaras-partial"


def checkpoint_path(output: Path | None, text: str, lines: bool) -> Path:
    """Where this run's checkpoint lives.

    Beside the output (``OUT.selaras-partial``) with ``-o``; for stdout output, in the
    user cache (``$XDG_CACHE_HOME/selaras/checkpoints``, default ``~/.cache``), named by
    a hash of the input text and mode so rerunning the same command finds it.
    """
    if output is not None:
        return output.with_name(output.name + PARTIAL_SUFFIX)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256((("lines" if lines else "doc") + "\0" + text).encode("utf-8")).hexdigest()[:24]
    return cache / "selaras" / "checkpoints" / f"{digest}.jsonl"


@app.command(
    epilog=examples(
        "selaras translate artikel.id.txt -o artikel.en.txt",
        "selaras translate artikel.id.txt --model ./opus-mt-id-en --device cpu",
        "selaras segment artikel.id.txt | selaras translate - --lines",
        "selaras translate kalimat.id.txt --lines --beams 4 --batch-size 32 -o kalimat.en.txt",
        "selaras translate artikel.id.txt --json > terjemahan.json",
        "selaras translate artikel.id.txt --backend ctranslate2 --compute-type float32",
        "HF_HUB_OFFLINE=1 selaras translate artikel.id.txt   # use the cached model only",
    )
)
@handle_errors
def translate(
    file: Annotated[
        Path, typer.Argument(help="UTF-8 Indonesian text; blank lines separate paragraphs; - reads stdin.")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (atomically) instead of stdout; resumable after interruption."),
    ] = None,
    model: ModelOption = DEFAULT_MODEL,
    lines: Annotated[
        bool,
        typer.Option("--lines", help="Each line is one sentence (no segmentation); output is line-parallel."),
    ] = False,
    beams: BeamsOption = None,
    batch_size: BatchSizeOption = None,
    device: DeviceOption = DeviceChoice.auto,
    backend_choice: BackendOption = BackendChoice.auto,
    compute_type: ComputeTypeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Translate Indonesian to English, one English line per source sentence.

    Without --lines the text is split into sentences (as `selaras segment` does) and
    the output has one blank line between paragraphs. Sentences longer than the model
    accepts are split at clause boundaries, never cut. An interrupted run (Ctrl-C,
    kill) resumes where it stopped when rerun with the same arguments. With --json,
    prints a list of {id, source, translation, pieces} (id: 1-based sentence number,
    or line number with --lines).
    """
    from translate.backends import load_backend
    from translate.errors import InputError
    from translate.io import atomic_write, read_text, write_lines
    from translate.translator import Checkpoint, DocumentTranslation, document_sentences, translate_sentences

    name = str(file)
    if output is not None and name != "-" and file.exists() and output.exists() and output.samefile(file):
        raise InputError(f"-o {output} is the input file; write the translation to another file")
    text = read_text(name)
    if not text.strip():
        raise InputError(f"{name} is empty (no text to translate); give a UTF-8 text file with at least one sentence")
    sentences = document_sentences(text, lines=lines)
    checkpoint = Checkpoint(checkpoint_path(output, text, lines))

    options = backend_options(backend_choice, compute_type)
    backend = load_backend(backend_choice.value, model, device=device.value, **options)

    with progress_reporter("translating") as report:

        first_report = True

        def on_progress(done: int, total: int) -> None:
            nonlocal first_report
            if first_report and checkpoint.resumed:  # the first report comes before any model call
                real = sum(1 for s in sentences if s.text.strip())
                typer.echo(f"resuming: {checkpoint.resumed} of {real} sentences already translated", err=True)
            first_report = False
            report(done, total)

        translations = translate_sentences(
            backend,
            [s.text for s in sentences],
            batch_size=batch_size,
            beams=beams,
            on_progress=on_progress,
            checkpoint=checkpoint,
        )
    document = DocumentTranslation(sentences, translations, lines)

    target = str(output) if output is not None else "-"
    if as_json:
        payload = [
            {"id": number, "source": s.text, "translation": t.text, "pieces": t.pieces}
            for number, (s, t) in enumerate(zip(sentences, translations), start=1)
        ]
        if target == "-":
            print_json(payload)
        else:
            with atomic_write(target) as handle:
                handle.write(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    else:
        write_lines(target, document.output_lines())
    checkpoint.remove()
    if document.split_count:
        typer.echo(
            f"note: {document.split_count} sentence(s) were longer than the model's "
            f"{backend.max_input_tokens}-token limit and were split at clause boundaries "
            "(see 'pieces' in --json)",
            err=True,
        )
