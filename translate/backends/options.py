"""Engine options: the one owner of every setting that picks and runs a translation engine.

:class:`EngineOptions` holds them (backend, model, device, precision, beams, batch
size, threads), checks them when it is made, before any model loads, and hands each
engine only its own (:meth:`EngineOptions.for_engine`). The CLI builds one from its
flags, the notebook API from keyword arguments, and both get the same one-line
:class:`~selaras.errors.InputError` for a bad value.

This module is light on purpose (no torch, no ctranslate2): ``selaras --help`` imports it
for :data:`COMPUTE_TYPES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Literal, get_args

from selaras.backends.base import DEFAULT_MODEL, BackendName, Device
from selaras.errors import BUILD_SHORTLIST, BackendError, InputError

ComputeType = Literal[
    "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32"
]
Dtype = Literal["auto", "float32", "float16"]

#: Every quantization CTranslate2 accepts (``ctranslate2.converters.Converter.convert``
#: docstring; the same list is ``TranslationOptions``' compute types).
COMPUTE_TYPES: tuple[str, ...] = get_args(ComputeType)
#: Compute types whose arithmetic is float16 or bfloat16: CTranslate2 runs them only on
#: a GPU ("Quantization" in its docs; on a CPU ``ctranslate2.Translator`` refuses them).
GPU_COMPUTE_TYPES: tuple[str, ...] = ("int8_float16", "int8_bfloat16", "float16", "bfloat16")
#: What CTranslate2 can run on a CPU (int16 needs Intel MKL; checked again at load time).
CPU_COMPUTE_TYPES: tuple[str, ...] = tuple(t for t in COMPUTE_TYPES if t not in GPU_COMPUTE_TYPES)
BACKENDS: tuple[str, ...] = get_args(BackendName)
DEVICES: tuple[str, ...] = get_args(Device)
DTYPES: tuple[str, ...] = get_args(Dtype)

#: The widest beam accepted. Decoding time and memory grow with the beam (``--beams
#: 100000`` once ran 10 minutes at 4.7 GB before failing); Opus-MT uses 4 to 6, and
#: wider beams make translations worse, not better (Koehn & Knowles 2017, "Six
#: Challenges for Neural Machine Translation", the beam search challenge).
MAX_BEAMS = 64
#: The largest batch accepted: far above what either engine gains from (transformers 16,
#: CTranslate2 64 by default), low enough that a typo cannot ask for all memory at once.
MAX_BATCH_SIZE = 1024
#: ``shortlist`` value that turns the model's cached shortlist off (``selaras.backends.shortlist.OFF``).
SHORTLIST_OFF = "off"


class UnsupportedComputeType(BackendError):
    """The compute type asked for cannot run on the device the engine got.

    A :class:`BackendError`, so the CLI prints it in one line; ``auto`` raises it rather
    than falling back, since the user asked for that precision.
    """


def gpu_only_message(compute_type: str) -> str:
    """The one line for a float16/bfloat16 compute type on a CPU."""
    arithmetic = "bfloat16" if "bfloat16" in compute_type else "float16"
    return (
        f"compute type {compute_type} needs a GPU ({arithmetic} arithmetic); "
        f"on the CPU use one of: {', '.join(CPU_COMPUTE_TYPES)}"
    )


def _check_int(name: str, value: int | None, low: int, high: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InputError(f"{name} must be {bound}, got {value}")


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Which engine translates, with which model, where and how; checked when made.

    Attributes:
        backend: ``auto`` (CTranslate2, else transformers with one warning),
            ``transformers`` or ``ctranslate2``.
        model: a hub id or a local folder.
        device: ``auto`` (CUDA when the engine sees a GPU), ``cpu`` or ``cuda``.
        compute_type: CTranslate2 weights/arithmetic (:data:`COMPUTE_TYPES`); ``None``
            is int8 on CPU, int8_float16 on CUDA. CTranslate2 only.
        dtype: transformers weights (``auto``: float16 on CUDA, float32 on CPU).
            Transformers only.
        beams: beam size, 1 to :data:`MAX_BEAMS`; ``None`` is the model's own.
        batch_size: inputs per batch, 1 to :data:`MAX_BATCH_SIZE`; ``None`` is the engine's.
        threads: CPU threads (at least 1); ``None`` is the CPUs this process may use.
        max_input_tokens: an input limit below the model's (tests use it to force splitting).
        shortlist: a vocabulary shortlist file (``selaras shortlist build``) that
            CTranslate2 restricts decoding to; ``"off"`` for the full vocabulary; ``None``
            uses the model's cached shortlist if one was built for it, else none.
            CTranslate2 only (``selaras.backends.shortlist``).
        src_lang, tgt_lang: the language codes of a multilingual model (NLLB-200,
            M2M-100); ``None`` is Indonesian to English in the model's codes. Checked
            against the model when it loads (``selaras.backends.family``): a Marian
            model refuses them.

    Raises:
        InputError: one line naming the bad value and what is allowed.
    """

    backend: BackendName = "auto"
    model: str = DEFAULT_MODEL
    device: Device = "auto"
    compute_type: ComputeType | None = None
    dtype: Dtype | None = None
    beams: int | None = None
    batch_size: int | None = None
    threads: int | None = None
    max_input_tokens: int | None = None
    shortlist: str | None = None
    src_lang: str | None = None
    tgt_lang: str | None = None

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise InputError(f"unknown backend {self.backend!r}; choose one of: {', '.join(BACKENDS)}")
        if not isinstance(self.model, str) or not self.model.strip():
            raise InputError(f"model must be a hub id such as {DEFAULT_MODEL} or a model folder, got {self.model!r}")
        if self.device not in DEVICES:
            raise InputError(f"unknown device {self.device!r}; choose one of: {', '.join(DEVICES)}")
        _check_int("beams", self.beams, 1, MAX_BEAMS)
        _check_int("batch size", self.batch_size, 1, MAX_BATCH_SIZE)
        _check_int("threads", self.threads, 1, None)
        _check_int("max input tokens", self.max_input_tokens, 2, None)
        for side, code in (("source", self.src_lang), ("target", self.tgt_lang)):
            if code is not None and (not isinstance(code, str) or not code.strip() or code != code.strip()):
                raise InputError(f"the {side} language must be a language code such as eng_Latn or en, got {code!r}")
        if self.dtype is not None:
            if self.dtype not in DTYPES:
                raise InputError(f"unknown dtype {self.dtype!r}; choose one of: {', '.join(DTYPES)}")
            if self.backend == "ctranslate2":
                raise InputError(
                    f"dtype {self.dtype} is a transformers setting; CTranslate2 takes a compute type "
                    f"({', '.join(COMPUTE_TYPES)})"
                )
        if self.compute_type is not None:
            if self.compute_type not in COMPUTE_TYPES:
                raise InputError(
                    f"unknown compute type {self.compute_type!r}; choose one of: {', '.join(COMPUTE_TYPES)}"
                )
            if self.backend == "transformers":
                raise InputError(
                    f"compute type {self.compute_type} is a CTranslate2 setting; use backend ctranslate2 or auto, "
                    "or dtype for transformers"
                )
            if self.device == "cpu" and self.compute_type in GPU_COMPUTE_TYPES:
                raise InputError(gpu_only_message(self.compute_type))
        if self.shortlist is not None and self.shortlist != SHORTLIST_OFF:
            if not isinstance(self.shortlist, str) or not self.shortlist.strip():
                raise InputError(f"shortlist must be a shortlist file or {SHORTLIST_OFF!r}, got {self.shortlist!r}")
            if self.backend == "transformers":
                raise InputError(
                    "a shortlist is a CTranslate2 setting (use_vmap); the transformers backend always decodes "
                    "over the full vocabulary: use backend ctranslate2 or auto, or drop the shortlist"
                )
            if Path(self.shortlist).is_dir():
                raise InputError(f"{self.shortlist} is a folder, not a shortlist file; give the .json file selaras shortlist build wrote")
            if not Path(self.shortlist).is_file():
                raise InputError(
                    f"{self.shortlist}: no such shortlist; {BUILD_SHORTLIST}"
                )

    def for_engine(self, engine: Literal["transformers", "ctranslate2"]) -> dict[str, object]:
        """Keyword arguments for that engine's loader (besides the model), only its own.

        ``auto`` tries CTranslate2 with ``for_engine("ctranslate2")``; its fallback uses
        ``for_engine("transformers")``, which leaves the compute type out.
        """
        common: dict[str, object] = {"device": self.device}
        if self.threads is not None:
            common["threads"] = self.threads
        if self.max_input_tokens is not None:
            common["max_input_tokens"] = self.max_input_tokens
        for name in ("src_lang", "tgt_lang"):
            if getattr(self, name) is not None:
                common[name] = getattr(self, name)
        if engine == "ctranslate2":
            options: dict[str, object] = {**common, "compute_type": self.compute_type}
            if self.shortlist is not None:  # else the loader's default: the model's cached one, if built
                options["shortlist"] = self.shortlist
            return options
        if engine == "transformers":
            return {**common, "dtype": self.dtype or "auto"}
        raise ValueError(f"no such engine: {engine!r}")  # a programming error, not user input


#: The engine keywords of the notebook API's keyword functions (``engine`` is
#: :attr:`EngineOptions.backend`: there ``backend`` is an already-loaded engine).
ENGINE_KEYWORDS: tuple[str, ...] = tuple("engine" if f.name == "backend" else f.name for f in fields(EngineOptions))
#: The keywords that still apply beside a whole ``options``: a call's own decoding settings.
_DECODING_KEYWORDS = ("beams", "batch_size")


def options_from_keywords(options: EngineOptions | None, keywords: Mapping[str, object]) -> EngineOptions:
    """The :class:`EngineOptions` of a keyword call: ``options``, or one made from loose keywords.

    ``keywords`` are the call's :data:`ENGINE_KEYWORDS` (``engine`` names the backend).
    Beside a whole ``options`` only ``beams`` and ``batch_size`` may be given (they
    override its own where not ``None``); another engine keyword there would be ignored,
    so it is refused.

    Raises:
        TypeError: an engine keyword beside ``options`` that would be ignored.
        InputError: a value out of range (see :class:`EngineOptions`).
    """
    if options is None:
        return EngineOptions(**{("backend" if k == "engine" else k): v for k, v in keywords.items()})  # type: ignore[arg-type]
    ignored = sorted(k for k in keywords if k not in _DECODING_KEYWORDS)
    if ignored:
        raise TypeError(f"give the engine either as options or as keywords, not both ({', '.join(ignored)} beside options)")
    overrides = {k: v for k, v in keywords.items() if v is not None}
    return replace(options, **overrides) if overrides else options  # type: ignore[arg-type]


def split_keywords(keywords: Mapping[str, object], allowed: tuple[str, ...], *, caller: str) -> tuple[dict[str, object], dict[str, object]]:
    """A keyword call's ``(own, engine)`` keywords: those in ``allowed`` and the
    :data:`ENGINE_KEYWORDS`.

    Raises:
        TypeError: a keyword that is neither, naming the valid ones (as Python would).
    """
    unknown = sorted(k for k in keywords if k not in allowed and k not in ENGINE_KEYWORDS)
    if unknown:
        raise TypeError(
            f"{caller}() got an unexpected keyword argument {unknown[0]!r}; "
            f"valid keywords: {', '.join(sorted({*allowed, *ENGINE_KEYWORDS}))}"
        )
    own = {k: v for k, v in keywords.items() if k in allowed}
    return own, {k: v for k, v in keywords.items() if k not in allowed}


__all__ = [
    "BACKENDS",
    "ENGINE_KEYWORDS",
    "COMPUTE_TYPES",
    "CPU_COMPUTE_TYPES",
    "DEFAULT_MODEL",
    "DEVICES",
    "DTYPES",
    "GPU_COMPUTE_TYPES",
    "MAX_BATCH_SIZE",
    "MAX_BEAMS",
    "BackendName",
    "ComputeType",
    "Device",
    "Dtype",
    "EngineOptions",
    "UnsupportedComputeType",
    "gpu_only_message",
    "options_from_keywords",
    "split_keywords",
]
