"""The backend protocol and the records a backend returns.

A backend turns a batch of source sentences into :class:`Hypothesis` objects and knows
its model's input limit and tokenizer; everything above it (sorting by length, splitting
over-long inputs, checkpoints) lives in ``selaras.translator`` and works with any
backend. This module imports no engine and no implementation: the implementations
(:mod:`selaras.backends.marian`, :mod:`selaras.backends.ct2`) import it, and
:mod:`selaras.backends.registry` finds them by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

#: The default model: Opus-MT Indonesian→English (MarianMT).
DEFAULT_MODEL = "Helsinki-NLP/opus-mt-id-en"

BackendName = Literal["auto", "transformers", "ctranslate2"]
Device = Literal["auto", "cpu", "cuda"]


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One translation as the model produced it, with the model's own confidence.

    Both engines define the numbers the same way, so they can be compared (equal
    within float noise for the same model in float32 with greedy search):

    Attributes:
        text: the detokenized translation.
        tokens: its target pieces, without special tokens.
        logprob: the sum of the log-probabilities of the scored target tokens, each
            renormalised over the tokens the decoder may emit (``<pad>`` never).
        length: how many target tokens were scored: the pieces, plus the ``</s>`` the
            model chose to end with. A ``</s>`` forced at the length limit has
            probability 1 and is not counted (CTranslate2 stops there without one).
        alignment: word alignment from the model's cross-attention, only when asked
            for (``translate_batch(..., alignment=True)``; it costs time): one
            ``(source piece, target piece)`` index pair per target piece, indices into
            ``source_tokens`` and ``tokens`` (see :mod:`selaras.backends.attention`).
        alignment_weights: the attention weight of each pair (0–1), how sure it is.
        source_tokens: the source pieces the alignment indexes, without ``</s>``.
    """

    text: str
    tokens: tuple[str, ...] = ()
    logprob: float = 0.0
    length: int = 0
    alignment: tuple[tuple[int, int], ...] | None = None
    alignment_weights: tuple[float, ...] = ()
    source_tokens: tuple[str, ...] = ()

    @property
    def score(self) -> float | None:
        """Mean log-probability per scored target token (``None`` if nothing was scored).

        This is the engines' own length-normalised score for a length penalty of 1.0
        (Opus-MT's ``length_penalty``): CTranslate2 divides the sum by the hypothesis
        length, ``</s>`` included (``finalize_hypothesis_score`` in ``decoding.cc``).
        """
        return self.logprob / self.length if self.length else None


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What a loaded engine is, for ``metrics.json`` and reports: enough to reproduce a run.

    Attributes:
        backend: the engine that runs (``transformers`` or ``ctranslate2``; never ``auto``).
        model: the hub id or folder it was loaded from, as given.
        device: ``cpu`` or ``cuda``.
        precision: CTranslate2's compute type or transformers' dtype (e.g. ``int8``).
        beams: the beam size a translation with these settings uses.
        versions: library versions, always ``selaras`` and the engine's own.
        shortlist: the vocabulary shortlist decoding was restricted to (its file and
            checksum), or ``None`` for the full vocabulary (``selaras.backends.shortlist``).
        family: ``marian``, ``nllb`` or ``m2m100`` (``selaras.backends.family``).
        src_lang, tgt_lang: the language codes a multilingual model translates with
            (``None`` for Marian, whose model is the pair).
        revision: the hub commit the weights came from (``None`` for a folder).
    """

    backend: str
    model: str
    device: str
    precision: str
    beams: int | None
    versions: Mapping[str, str] = field(default_factory=dict)
    shortlist: str | None = None
    family: str = "marian"
    src_lang: str | None = None
    tgt_lang: str | None = None
    revision: str | None = None

    def as_json(self) -> dict[str, object]:
        """A flat JSON object: ``model, family, backend, device, precision, beams``, one key
        per library version (``selaras``, ``ctranslate2`` or ``torch`` and ``transformers``),
        and ``src_lang``/``tgt_lang``/``revision`` where they are set."""
        return {
            "model": self.model,
            "family": self.family,
            "backend": self.backend,
            "device": self.device,
            "precision": self.precision,
            "beams": self.beams,
            **dict(self.versions),
            **({"shortlist": self.shortlist} if self.shortlist else {}),
            **({"src_lang": self.src_lang, "tgt_lang": self.tgt_lang} if self.tgt_lang else {}),
            **({"revision": self.revision} if self.revision else {}),
        }


def selaras_version() -> str:
    """This package's version (for :attr:`EngineInfo.versions`)."""
    from selaras import __version__

    return __version__


@dataclass(frozen=True, slots=True)
class Decoding:
    """How one :meth:`Backend.translate_batch` call decodes; ``None`` means the model's own.

    Attributes:
        beams: beam size.
        max_length: transformers' ``max_length`` (generated tokens + 1 for the decoder start).
        alignment: also return the word alignment (see :mod:`selaras.backends.attention`).
    """

    beams: int | None = None
    max_length: int | None = None
    alignment: bool = False


@runtime_checkable
class Backend(Protocol):
    """What every translation engine offers.

    Attributes:
        name: registry name, e.g. ``"transformers"``.
        model_name_or_path: the hub id or folder the model came from.
        max_input_tokens: the longest input (in tokens, incl. ``</s>``) the model takes.
        device: where it runs (``"cpu"`` or ``"cuda"``).
        default_batch_size: sentences per batch that suit this engine.
        fingerprint: identifies weights, precision and engine (checkpoints use it).
    """

    name: str
    model_name_or_path: str
    max_input_tokens: int
    device: str
    default_batch_size: int
    fingerprint: str

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source length of each text in model tokens (incl. ``</s>``)."""
        ...

    def translate_batch(
        self,
        texts: Sequence[str],
        *,
        beams: int | None = None,
        max_length: int | None = None,
        alignment: bool = False,
    ) -> list[Hypothesis]:
        """Translate texts in one batch, in order; ``None`` means the model's default.

        ``alignment=True`` also fills :attr:`Hypothesis.alignment` (word alignment from
        cross-attention), which costs time.

        The engines inherit this front (they subclass the protocol): an empty batch is
        no work, and the rest goes to their ``_translate(texts, Decoding(...))``, so the
        keyword signature lives here once."""
        if not texts:
            return []
        decoding = Decoding(beams=beams, max_length=max_length, alignment=alignment)
        return self._translate(texts, decoding)  # type: ignore[attr-defined]  # each engine defines it

    def describe(self, beams: int | None = None) -> EngineInfo:
        """The engine as it runs; ``beams=None`` reports the model's own beam size."""
        ...


__all__ = ["DEFAULT_MODEL", "Backend", "BackendName", "Decoding", "Device", "EngineInfo", "Hypothesis", "selaras_version"]
