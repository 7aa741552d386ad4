"""``selaras translate``: Indonesian text to English with Opus-MT, resumable."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from translate.backends.base import DEFAULT_MODEL
from translate.cli.app import JsonOption, app, examples, handle_errors, print_json, progress

#: Suffix of the checkpoint kept beside ``-o OUT`` while a run is unfinished (gitignored).
PARTIAL_SUFFIX = ".selaras-partial"


class DeviceChoice(str, Enum):
    """Where the model runs (an Enum works with every typer version)."""

    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class BackendChoice(str, Enum):
    """Translation engine: ``auto`` = CTranslate2 when it can convert the model, else transformers."""

    auto = "auto"
    transformers = "transformers"
    ctranslate2 = "ctranslate2"


#: CTranslate2 compute types (``translate.backends.ct2.COMPUTE_TYPES``; kept literal so
#: ``--help`` imports no engine).
COMPUTE_TYPE_CHOICES = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")


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
    model: Annotated[
        str, typer.Option("--model", help="Hugging Face hub id (via the local cache) or a local model folder.")
    ] = DEFAULT_MODEL,
    lines: Annotated[
        bool,
        typer.Option("--lines", help="Each line is one sentence (no segmentation); output is line-parallel."),
    ] = False,
    beams: Annotated[
        int | None, typer.Option("--beams", min=1, help="Beam size. Default: the model's own (Opus-MT: 6).")
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Sentences per batch.")] = 16,
    device: Annotated[DeviceChoice, typer.Option("--device", help="auto = CUDA when available.")] = DeviceChoice.auto,
    backend_choice: Annotated[
        BackendChoice,
        typer.Option(
            "--backend",
            help="Engine. auto: CTranslate2 (converts the model once, cached; much faster) "
            "when it can, else transformers with a one-line note.",
        ),
    ] = BackendChoice.auto,
    compute_type: Annotated[
        str | None,
        typer.Option(
            "--compute-type",
            help="CTranslate2 weights/arithmetic: " + ", ".join(COMPUTE_TYPE_CHOICES)
            + ". Default: int8 on CPU, int8_float16 on CUDA.",
        ),
    ] = None,
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

    if compute_type is not None and compute_type not in COMPUTE_TYPE_CHOICES:
        raise typer.BadParameter(f"choose one of: {', '.join(COMPUTE_TYPE_CHOICES)}", param_hint="--compute-type")
    if compute_type is not None and backend_choice is BackendChoice.transformers:
        raise typer.BadParameter("is a CTranslate2 option; use --backend ctranslate2 or auto", param_hint="--compute-type")
    backend_name: Any = backend_choice.value
    backend_options: dict[str, object] = {} if compute_type is None else {"compute_type": compute_type}
    backend = load_backend(backend_name, model, device=device.value, **backend_options)

    with contextlib.ExitStack() as stack:
        state = {"done": 0, "advance": None}

        def on_progress(done: int, total: int) -> None:
            if state["advance"] is None:
                if checkpoint.resumed:
                    real = sum(1 for s in sentences if s.text.strip())
                    typer.echo(f"resuming: {checkpoint.resumed} of {real} sentences already translated", err=True)
                state["advance"] = stack.enter_context(progress("translating", total))
            state["advance"](done - state["done"])  # type: ignore[operator]
            state["done"] = done

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
