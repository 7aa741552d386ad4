"""Options shared by the commands that translate (``translate`` and ``run``).

Typer ``Annotated`` aliases, as in the Hugging Face CLI (``_cli_utils.py``), so the two
commands spell, default and document each flag the same way.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from translate.backends.base import DEFAULT_MODEL


class BackendChoice(str, Enum):
    auto = "auto"
    transformers = "transformers"
    ctranslate2 = "ctranslate2"


class DeviceChoice(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        "-m",
        help="Hugging Face hub id or local folder of a MarianMT model.",
        envvar="SELARAS_MODEL",
    ),
]
BackendOption = Annotated[
    BackendChoice,
    typer.Option(help="Engine: ctranslate2 (fast), transformers, or auto (ctranslate2 if it works)."),
]
ComputeTypeOption = Annotated[
    Optional[str],
    typer.Option(help="CTranslate2 compute type (default int8 on CPU, int8_float16 on CUDA)."),
]
DeviceOption = Annotated[DeviceChoice, typer.Option(help="Run on cpu, cuda, or auto (cuda when present).")]
BeamsOption = Annotated[
    Optional[int], typer.Option("--beams", min=1, help="Beam size (default: the model's own, 6 for Opus-MT).")
]
BatchSizeOption = Annotated[int, typer.Option("--batch-size", min=1, help="Sentences per batch.")]
LinesOption = Annotated[
    bool, typer.Option("--lines", help="Take each non-empty line as one sentence instead of segmenting.")
]

__all__ = [
    "DEFAULT_MODEL",
    "BackendChoice",
    "BackendOption",
    "BatchSizeOption",
    "BeamsOption",
    "ComputeTypeOption",
    "DeviceChoice",
    "DeviceOption",
    "LinesOption",
    "ModelOption",
]
