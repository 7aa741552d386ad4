"""Options shared by the commands that translate (``translate`` and ``run``).

Typer ``Annotated`` aliases, as in the Hugging Face CLI (``_cli_utils.py``), so the two
commands spell, default and document each flag the same way.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from selaras.backends.options import COMPUTE_TYPES, MAX_BATCH_SIZE, MAX_BEAMS, EngineOptions


class BackendChoice(str, Enum):
    """Translation engine: ``auto`` = CTranslate2 when it can convert the model, else transformers."""

    auto = "auto"
    transformers = "transformers"
    ctranslate2 = "ctranslate2"


class DeviceChoice(str, Enum):
    """Where the model runs (an Enum works with every typer version)."""

    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


#: Largest ``--max-bead`` accepted: the aligner tries every shape with up to this many
#: sentences, so its work grows with the square of it, and beads of more than a dozen
#: sentences are not alignments anyone can review.
MAX_BEAD = 12

ModelOption = Annotated[
    str,
    typer.Option("--model", "-m", help="Hugging Face hub id (via the local cache) or a local model folder."),
]
BackendOption = Annotated[
    BackendChoice,
    typer.Option(
        "--backend",
        help="Engine. auto: CTranslate2 (converts the model once, cached; much faster) "
        "when it can, else transformers with a one-line note.",
    ),
]
ComputeTypeOption = Annotated[
    Optional[str],
    typer.Option(
        "--compute-type",
        help="CTranslate2 weights/arithmetic: " + ", ".join(COMPUTE_TYPES) + ". Default: int8 on CPU, int8_float16 on CUDA.",
    ),
]
DeviceOption = Annotated[DeviceChoice, typer.Option("--device", help="auto = CUDA when available.")]
BeamsOption = Annotated[
    Optional[int],
    typer.Option("--beams", help=f"Beam size, 1-{MAX_BEAMS}. Default: the model's own (Opus-MT: 6)."),
]
BatchSizeOption = Annotated[
    Optional[int],
    typer.Option(
        "--batch-size",
        help=f"Sentences per batch, 1-{MAX_BATCH_SIZE}. Default: the engine's (transformers 16, CTranslate2 64).",
    ),
]
FormatOption = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        help="Document format: txt, docx, html, md, srt. Default: by the file's extension (unknown: txt).",
    ),
]
EmbedderOption = Annotated[
    str,
    typer.Option(
        "--embedder",
        help="Sentence embeddings for the aligner: auto (the bundled e5 when installed, else none with a note), "
        "e5, none (lexical features only, linear time), or a sentence-transformers folder or hub id. "
        "Cached per text in the Selaras cache.",
    ),
]
ShortlistOption = Annotated[
    Optional[str],
    typer.Option(
        "--shortlist",
        help="CTranslate2 decodes over this vocabulary shortlist only (faster; `selaras shortlist build`), "
        "or 'off'. Default: the model's own shortlist if one was built for it, else the full vocabulary.",
    ),
]
LinesOption = Annotated[
    bool, typer.Option("--lines", help="Each non-empty line is one sentence (no segmentation).")
]


def engine_options(
    *,
    backend: BackendChoice,
    model: str,
    device: DeviceChoice,
    compute_type: str | None,
    beams: int | None,
    batch_size: int | None,
    shortlist: str | None = None,
) -> EngineOptions:
    """The engine options of a command's flags, checked before anything loads.

    ``EngineOptions`` validates every value (beams and batch size in range, a compute
    type CTranslate2 knows and the device can run) and raises one ``InputError`` line.
    """
    return EngineOptions(
        backend=backend.value,
        model=model,
        device=device.value,
        compute_type=compute_type,
        beams=beams,
        batch_size=batch_size,
        shortlist=shortlist,
    )
