"""Options shared by the commands that translate (``translate`` and ``run``).

Typer ``Annotated`` aliases, as in the Hugging Face CLI (``_cli_utils.py``), so the two
commands spell, default and document each flag the same way.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer


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


#: CTranslate2 compute types (``translate.backends.ct2.COMPUTE_TYPES``; kept literal so
#: ``--help`` imports no engine).
COMPUTE_TYPE_CHOICES = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")

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
        help="CTranslate2 weights/arithmetic: " + ", ".join(COMPUTE_TYPE_CHOICES) + ". Default: int8 on CPU, int8_float16 on CUDA.",
    ),
]
DeviceOption = Annotated[DeviceChoice, typer.Option("--device", help="auto = CUDA when available.")]
BeamsOption = Annotated[
    Optional[int], typer.Option("--beams", min=1, help="Beam size. Default: the model's own (Opus-MT: 6).")
]
BatchSizeOption = Annotated[
    Optional[int],
    typer.Option("--batch-size", min=1, help="Sentences per batch. Default: the engine's (transformers 16, CTranslate2 64)."),
]
LinesOption = Annotated[
    bool, typer.Option("--lines", help="Each non-empty line is one sentence (no segmentation).")
]


def backend_options(backend: BackendChoice, compute_type: str | None) -> dict[str, object]:
    """Check that the engine flags fit together; the extra options for ``load_backend``."""
    if compute_type is None:
        return {}
    if compute_type not in COMPUTE_TYPE_CHOICES:
        raise typer.BadParameter(f"choose one of: {', '.join(COMPUTE_TYPE_CHOICES)}", param_hint="--compute-type")
    if backend is BackendChoice.transformers:
        raise typer.BadParameter("is a CTranslate2 option; use --backend ctranslate2 or auto", param_hint="--compute-type")
    return {"compute_type": compute_type}
