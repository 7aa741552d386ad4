"""The backend protocol and registry.

A backend turns a batch of source sentences into translations and knows its model's
input limit and tokenizer; everything above it (sorting by length, splitting over-long
inputs, checkpoints) lives in ``translate.translator`` and works with any backend.
Backends are looked up by name and imported only when used, so importing Selaras never
imports torch or ctranslate2.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Literal, Protocol, runtime_checkable

from translate.errors import BackendError, ModelUnavailableError

#: The default model: Opus-MT Indonesian→English (MarianMT).
DEFAULT_MODEL = "Helsinki-NLP/opus-mt-id-en"

BackendName = Literal["auto", "transformers", "ctranslate2"]
Device = Literal["auto", "cpu", "cuda"]


@runtime_checkable
class Backend(Protocol):
    """What every translation engine offers.

    Attributes:
        name: registry name, e.g. ``"transformers"``.
        model_name_or_path: the hub id or folder the model came from.
        max_input_tokens: the longest input (in tokens, incl. ``</s>``) the model takes.
        device: where it runs (``"cpu"`` or ``"cuda"``).
        default_batch_size: sentences per batch that suit this engine (optional; the
            translator falls back to 16).
    """

    name: str
    model_name_or_path: str
    max_input_tokens: int
    device: str

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source length of each text in model tokens (incl. ``</s>``)."""
        ...

    def translate_batch(
        self,
        texts: Sequence[str],
        *,
        beams: int | None = None,
        max_length: int | None = None,
    ) -> list[str]:
        """Translate texts in one batch, in order; ``None`` means the model's default."""
        ...


Loader = Callable[..., Backend]
_REGISTRY: dict[str, Callable[[], Loader]] = {}


def register_backend(name: str, import_loader: Callable[[], Loader]) -> None:
    """Register a backend; ``import_loader`` imports its module only when needed."""
    _REGISTRY[name] = import_loader


def available_backends() -> list[str]:
    """Names of the registered backends (installed or not)."""
    return sorted(_REGISTRY)


def _marian_loader() -> Loader:
    from translate.backends.marian import load_marian

    return load_marian


register_backend("transformers", _marian_loader)


def _ct2_loader() -> Loader:
    from translate.backends.ct2 import load_ct2

    return load_ct2


register_backend("ctranslate2", _ct2_loader)

#: Where ``auto`` reports that it fell back to transformers. A library must not print;
#: with no logging configured, Python's last-resort handler writes the message as one
#: line on stderr, and an application can silence or reroute it.
logger = logging.getLogger("translate.backends")


def load_backend(
    name: BackendName = "auto",
    model_name_or_path: str = DEFAULT_MODEL,
    *,
    device: Device = "auto",
    **options: object,
) -> Backend:
    """Load a backend by name.

    ``auto`` tries CTranslate2 (fast; converts the model once, see
    ``translate.backends.ct2``) and falls back to transformers when ctranslate2 is not
    installed or cannot convert the model faithfully, logging one warning that says why.
    A failed conversion is remembered, and ``auto`` does not retry it on later runs
    (``retry_failed=False``): each attempt costs a torch import and seconds, and the
    warning says how to retry. A model that cannot be found is not a reason to fall
    back: that error is raised.

    Raises:
        ModelUnavailableError: the model cannot be had (offline, typo, no weights).
        BackendError: the backend name is unknown or its engine failed.
    """
    fallback_reason: BaseException | None = None
    if name == "auto":
        try:
            return _REGISTRY["ctranslate2"]()(model_name_or_path, device=device, retry_failed=False, **options)
        except ModelUnavailableError:
            raise
        except (BackendError, ImportError) as exc:
            fallback_reason = exc
            options.pop("compute_type", None)  # a CTranslate2 setting transformers does not take
            name = "transformers"
    if name not in _REGISTRY:
        raise BackendError(f"unknown backend {name!r}; choose one of: auto, {', '.join(available_backends())}")
    backend = _REGISTRY[name]()(model_name_or_path, device=device, **options)
    if fallback_reason is not None:
        # Said only once the fallback works: when transformers fails too (e.g. --device
        # cuda without a GPU), its error is the one line the user needs.
        logger.warning("CTranslate2 unavailable (%s); using the slower transformers backend.", fallback_reason)
    return backend
