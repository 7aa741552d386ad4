"""Every option that more than one command takes, declared once.

Typer ``Annotated`` aliases, as in the Hugging Face CLI (``_cli_utils.py``), so the
commands spell, default and document each shared flag the same way. Where one text
cannot serve every command (what ``-o`` writes, which CIs ``--bootstrap`` is for), a
small factory keeps the flag's names here and takes the command's words.

The engine flags (``--model`` … ``--batch-size``) travel together: :class:`EngineFlags`
declares them once, and :func:`flag_group` gives them to a command as one parameter.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from pathlib import Path
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Optional, TypeVar, get_type_hints

import typer

from selaras.backends.base import DEFAULT_MODEL
from selaras.backends.options import COMPUTE_TYPES, MAX_BATCH_SIZE, MAX_BEAMS, EngineOptions
from selaras.metrics import MIN_BOOTSTRAP
from selaras.jobs.spec import MAX_BEAD  # the bound AlignSettings owns, for the help text

F = TypeVar("F", bound=Callable[..., Any])


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



# --- the engine flags -------------------------------------------------------------------

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
ShortlistOption = Annotated[
    Optional[str],
    typer.Option(
        "--shortlist",
        help="CTranslate2 decodes over this vocabulary shortlist only (faster; `selaras shortlist build`), "
        "or 'off'. Default: the model's own shortlist if one was built for it, else the full vocabulary.",
    ),
]
SrcLangOption = Annotated[
    Optional[str],
    typer.Option(
        "--src-lang",
        help="Source language code of a multilingual model. Default: Indonesian "
        "(NLLB-200 ind_Latn, M2M-100 id). Not for Opus-MT, which is one language pair.",
    ),
]
TgtLangOption = Annotated[
    Optional[str],
    typer.Option(
        "--tgt-lang",
        help="Target language code of a multilingual model. Default: English (NLLB-200 eng_Latn, M2M-100 en).",
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


@dataclasses.dataclass(frozen=True)
class EngineFlags:
    """The engine flags of one command line, in the order ``--help`` lists them.

    Each field is a flag (its type carries the typer option, its default the flag's);
    :func:`flag_group` turns the fields into a command's parameters.
    """

    model: ModelOption = DEFAULT_MODEL
    backend: BackendOption = BackendChoice.auto
    compute_type: ComputeTypeOption = None
    shortlist: ShortlistOption = None
    src_lang: SrcLangOption = None
    tgt_lang: TgtLangOption = None
    device: DeviceOption = DeviceChoice.auto
    beams: BeamsOption = None
    batch_size: BatchSizeOption = None

    def options(self) -> EngineOptions:
        """The engine options, checked before anything loads.

        ``EngineOptions`` validates every value (beams and batch size in range, a compute
        type CTranslate2 knows and the device can run) and raises one ``InputError`` line.
        """
        return EngineOptions(
            backend=self.backend.value,
            model=self.model,
            device=self.device.value,
            compute_type=self.compute_type,
            beams=self.beams,
            batch_size=self.batch_size,
            shortlist=self.shortlist,
            src_lang=self.src_lang,
            tgt_lang=self.tgt_lang,
        )


def flag_group(group: type, *, without: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Give a command a group of flags declared once, as its one parameter typed ``group``.

    ``group`` is a frozen dataclass whose fields are flags (each field's type carries its
    typer option, its default the flag's), as :class:`EngineFlags`. ``--help`` lists them
    where that parameter stands in the command's signature, and the command receives
    them as one ``group`` value. ``without`` names fields the command does not offer
    (typer shows no such flag; they keep their defaults). It is what a click decorator
    adding shared options does; typer reads the signature, so this one rewrites it.
    """
    hints = get_type_hints(group, include_extras=True)
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    flags = [
        inspect.Parameter(field.name, kind, default=field.default, annotation=hints[field.name])
        for field in dataclasses.fields(group)
        if field.name not in without
    ]

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        (name,) = [p.name for p in signature.parameters.values() if p.annotation is group]
        parameters = []
        for parameter in signature.parameters.values():
            parameters.extend(flags if parameter.name == name else [parameter])

        @functools.wraps(command)
        def with_group(**kwargs: Any) -> Any:
            given = {flag.name: kwargs.pop(flag.name) for flag in flags if flag.name in kwargs}
            return command(**kwargs, **{name: group(**given)})

        with_group.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        with_group.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_group  # type: ignore[return-value]

    return decorate


# --- flags several commands take ---------------------------------------------------------

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
FormatOption = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        help="Document format: txt, docx, html, md, srt, xliff, po. Default: by the file's extension (unknown: txt).",
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
LexiconOption = Annotated[
    Optional[Path],
    typer.Option(help="Bilingual lexicon for the aligner, one 'source<TAB>target' pair per line (used without MT)."),
]
MaxBeadOption = Annotated[
    Optional[int], typer.Option("--max-bead", help=f"Most sentences in one bead, both sides together (2-{MAX_BEAD}).")
]


def json_option(help: str) -> Any:
    """``--json`` where a command prints something particular (``JsonOption`` otherwise)."""
    return typer.Option("--json", help=help)


def lines_option(help: str = "Each non-empty line is one sentence (no segmentation).") -> Any:
    """``--lines``: the input is one sentence a line."""
    return typer.Option("--lines", help=help)


LinesOption = Annotated[bool, lines_option()]


def bootstrap_option(cis: str = "the 95% CIs") -> Any:
    """``--bootstrap``: resamples for ``cis`` (which confidence intervals they give)."""
    return typer.Option("--bootstrap", help=f"Bootstrap resamples for {cis}: at least {MIN_BOOTSTRAP}, or 0 for none.")


BootstrapOption = Annotated[int, bootstrap_option()]


def output_option(help: str) -> Any:
    """``-o/--output``: the file a command writes (``help`` says which, and its default)."""
    return typer.Option("-o", "--output", help=help)


def out_dir_option(help: str) -> Any:
    """``-o/--out``: the folder a whole run writes."""
    return typer.Option("--out", "-o", help=help)


def mt_option(help: str) -> Any:
    """``--mt``: an existing machine translation, one line per source sentence."""
    return typer.Option("--mt", help=help)


def min_chrf_option(help: str) -> Any:
    """``--min-chrf``: leave out rows below a sentence chrF."""
    return typer.Option("--min-chrf", help=help)


def exclude_flags_option(help: str) -> Any:
    """``--exclude-flags``: leave out rows with any of some QA flags."""
    return typer.Option("--exclude-flags", help=help)


def comma_list(value: str) -> tuple[str, ...]:
    """A comma-separated option's items, stripped, empty ones dropped (``"a, b,"``: ``("a", "b")``)."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


def status_option(help: str) -> Any:
    """``--status``: keep only rows with some review statuses."""
    return typer.Option("--status", help=help)


def tm_option(help: str) -> Any:
    """``--tm``: a translation memory file (``selaras tm``); ``help`` says what the command does with it."""
    return typer.Option("--tm", help=help)


TmOption = Annotated[
    Optional[Path],
    tm_option(
        "Translation memory (selaras tm): its exact matches (after whitespace and punctuation "
        "normalisation, case kept) are used instead of the MT, marked origin=tm, and never sent to the engine."
    ),
]
FillTmOption = Annotated[
    Optional[Path],
    typer.Option(
        "--fill-tm",
        help="Add each document's exported pairs (source and reference of the rows --min-chrf and --exclude-flags "
        "keep) to this translation memory (selaras tm).",
    ),
]
# --- the glossary (#23) -------------------------------------------------------------------

GLOSSARY_FORMATS = "TSV 'source<TAB>target[<TAB>note]' (header optional), .csv, or TBX"


def glossary_option(help: str) -> Any:
    """``--glossary``: a terminology file (``help`` says what the command does with it)."""
    return typer.Option("--glossary", help=f"Glossary: {GLOSSARY_FORMATS}. {help}")


#: ``--glossary`` on the commands that translate: enforced in the MT and checked.
GlossaryOption = Annotated[
    Optional[Path],
    glossary_option(
        "The MT uses each term's English where the model's word alignment is sure (else it is left as it was); "
        "rows whose MT or reference lacks a term's English are flagged term-missing."
    ),
]


def read_glossary_option(path: Path | None) -> Any:
    """The glossary ``--glossary`` names, read (and refused in one line) before any work; ``None`` without one."""
    if path is None:
        return None
    from selaras.terms import read_glossary

    return read_glossary(path)
